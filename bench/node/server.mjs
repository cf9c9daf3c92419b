// The automerge-repo sync server that cairn-bench measures beside Cairn:
// a Repo with a WebSocket server adapter and file storage, set up as
// automerge-repo's documentation shows for a sync server.
//
// Usage: node server.mjs PORT STORAGE_FOLDER
//
// The share policy announces no document to any peer, as the
// automerge-repo-sync-server does, and its `access` default serves every
// document a peer requests. Announcing every document to every peer would
// make the server sync all plans with all connected clients.

import { WebSocketServer } from "ws"
import { Repo } from "@automerge/automerge-repo"
import { NodeWSServerAdapter } from "@automerge/automerge-repo-network-websocket"
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs"

const [port, folder] = process.argv.slice(2)
if (!port || !folder) {
  console.error("usage: node server.mjs PORT STORAGE_FOLDER")
  process.exit(2)
}

const socket = new WebSocketServer({ host: "127.0.0.1", port: Number(port) })
const repo = new Repo({
  network: [new NodeWSServerAdapter(socket)],
  storage: new NodeFSStorageAdapter(folder),
  peerId: `automerge-repo-server-${process.pid}`,
  sharePolicy: async () => false,
})

socket.on("listening", () => console.error(`listening on 127.0.0.1:${port}`))

const stop = () => {
  repo.shutdown().finally(() => process.exit(0))
}
process.on("SIGTERM", stop)
process.on("SIGINT", stop)
