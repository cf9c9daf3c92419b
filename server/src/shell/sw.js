// Cairn's service worker. The server serves it at /sw.js and fills in the
// release and the list of shell files (see server/src/shell.rs), so its
// bytes change with every release and the browser installs the new worker.
//
// - Install stores every shell file of this release in the cache named
//   after the release, with one `cache.addAll`, and fails unless each stored
//   response carries this release in its `Cairn-Release` header.
// - Activation deletes the caches of every other release.
// - A navigation goes to the network first. When the network fails, or
//   sends no headers within NAVIGATION_TIMEOUT_MS, the worker returns the
//   cached offline shell, which mounts the app in the browser.
// - A shell file requested by a page of this release comes from this
//   worker's cache. A page of another release, one whose HTML came from a
//   newer server, gets its files from the network only, so it never runs
//   files of two releases.
// - The API, /sync and every other request go to the network without the
//   worker.
const RELEASE = '__CAIRN_RELEASE__';
const SHELL_FILES = __CAIRN_SHELL_FILES__;
const OFFLINE_SHELL = '/offline-shell';
const CACHE_PREFIX = 'cairn-shell-';
const CACHE = CACHE_PREFIX + RELEASE;
const RELEASE_HEADER = 'cairn-release';
const NAVIGATION_TIMEOUT_MS = 4000;

// The release of each page's HTML, by client id, for the pages this worker
// served. It lives as long as the worker, which the browser stops when it
// is idle. A page missing from it gets its files from the network first.
const pageReleases = new Map();

self.addEventListener('install', (event) => {
  event.waitUntil(precache());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(removeOldCaches().then(() => self.clients.claim()));
});

// The update banner of a page sends this when the person chooses Reload.
self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/sync') return;

  if (request.mode === 'navigate') {
    event.respondWith(navigate(event));
  } else if (url.search === '' && SHELL_FILES.includes(url.pathname)) {
    event.respondWith(shellFile(event));
  }
});

async function precache() {
  const cache = await caches.open(CACHE);
  // `reload` skips the HTTP cache, which may hold a file of an older release.
  await cache.addAll(SHELL_FILES.map((path) => new Request(path, { cache: 'reload' })));

  // The server may have been replaced between serving this worker and the
  // files. A cache that mixes two releases must never be used.
  for (const path of SHELL_FILES) {
    const response = await cache.match(path);
    const release = response && response.headers.get(RELEASE_HEADER);
    if (release !== RELEASE) {
      await caches.delete(CACHE);
      throw new Error(`${path} is of release ${release}, not ${RELEASE}`);
    }
  }
}

async function removeOldCaches() {
  for (const name of await caches.keys()) {
    if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
  }
}

async function navigate(event) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), NAVIGATION_TIMEOUT_MS);
  try {
    const response = await fetch(event.request, { signal: abort.signal });
    pageReleases.set(event.resultingClientId, response.headers.get(RELEASE_HEADER));
    return response;
  } catch (error) {
    const shell = await caches.match(OFFLINE_SHELL, { cacheName: CACHE });
    if (!shell) throw error;
    pageReleases.set(event.resultingClientId, RELEASE);
    return shell;
  } finally {
    clearTimeout(timer);
  }
}

async function shellFile(event) {
  const release = pageReleases.get(event.clientId);
  if (release === RELEASE) {
    const cached = await caches.match(event.request, { cacheName: CACHE });
    return cached || fetch(event.request);
  }
  // The server sends no Cache-Control for these files, so the HTTP cache
  // may still hold the previous release's copy; `no-cache` revalidates it.
  if (release !== undefined) return fetch(event.request, { cache: 'no-cache' });

  try {
    return await fetch(event.request, { cache: 'no-cache' });
  } catch (error) {
    const cached = await caches.match(event.request, { cacheName: CACHE });
    if (!cached) throw error;
    return cached;
  }
}
