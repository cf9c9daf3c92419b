//! Saving a file the app made, such as a plan's CSV export, through the
//! browser's own download, so it works offline too.

use wasm_bindgen::JsCast;

/// Offers `text` to the user as a download named `file_name`.
///
/// # Errors
///
/// Returns a message when the browser refuses to make the file, which only
/// happens when the page has no document or is out of memory.
pub fn download_text(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let failed = |step: &str| format!("the browser could not save {file_name} ({step})");

    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| failed("making the file"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| failed("making its address"))?;

    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or_else(|| failed("no page"))?;
    let link = document
        .create_element("a")
        .ok()
        .and_then(|element| element.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .ok_or_else(|| failed("making the link"))?;
    link.set_href(&url);
    link.set_download(file_name);
    link.click();

    // The download reads the file after this function returns, so the
    // address is released a little later.
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Turns a plan title into a file name: lowercase words joined by `-`.
pub fn file_stem(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        "plan".to_owned()
    } else {
        words.join("-")
    }
}
