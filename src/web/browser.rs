//! Thin, failure-tolerant wrappers over the browser APIs the playground uses. Every function
//! degrades quietly (no storage, no download) instead of panicking: a private window without
//! localStorage still runs every exercise.

use wasm_bindgen::JsCast;

pub fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// Milliseconds from a monotonic clock.
pub fn now_ms() -> f64 {
    window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

pub fn hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

pub fn set_hash(hash: &str) {
    if let Some(window) = window() {
        let _ = window.location().set_hash(hash);
    }
}

/// The page's address without its fragment (`https://host/path/`), the base of a shared link.
pub fn page_address() -> String {
    window()
        .and_then(|w| w.location().href().ok())
        .map(|href| href.split('#').next().unwrap_or_default().to_string())
        .unwrap_or_default()
}

/// Replaces the fragment without a new history entry (knob changes update the permalink).
pub fn replace_hash(hash: &str) {
    if let Some(window) = window() {
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(hash));
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    window().and_then(|w| w.local_storage().ok().flatten())
}

pub fn load(key: &str) -> Option<String> {
    storage().and_then(|s| s.get_item(key).ok().flatten())
}

pub fn save(key: &str, value: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(key, value);
    }
}

/// What is stored under `key`: `Err` when the browser would not say (no storage, or refused),
/// which a caller must not take for "nothing stored".
pub fn try_load(key: &str) -> Result<Option<String>, ()> {
    storage().ok_or(())?.get_item(key).map_err(|_| ())
}

/// Saves `value` under `key`; `false` when the browser refused (storage full, or none).
pub fn try_save(key: &str, value: &str) -> bool {
    storage().is_some_and(|storage| storage.set_item(key, value).is_ok())
}

/// The time now, ISO 8601 in UTC (`2026-12-03T17:25:00.000Z`).
pub fn now_iso() -> String {
    js_sys::Date::new_0().to_iso_string().into()
}

/// Puts `text` on the clipboard (`navigator.clipboard.writeText`, looked up at run time so no
/// extra bindings are needed); false when the browser offers no clipboard here.
pub fn copy_to_clipboard(text: &str) -> bool {
    let get = |target: &wasm_bindgen::JsValue, name: &str| {
        js_sys::Reflect::get(target, &wasm_bindgen::JsValue::from_str(name)).ok()
    };
    let Some(window) = window() else { return false };
    let clipboard = get(&window, "navigator").and_then(|navigator| get(&navigator, "clipboard"));
    let Some(clipboard) = clipboard.filter(|c| !c.is_undefined()) else {
        return false;
    };
    let write = get(&clipboard, "writeText").and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    write.is_some_and(|write| write.call1(&clipboard, &text.into()).is_ok())
}

pub fn remove(key: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
}

/// Offers `data` as a file download.
pub fn download_text(file_name: &str, mime: &str, data: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(data));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    download_url(file_name, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
}

pub fn download_url(file_name: &str, url: &str) {
    let Some(document) = window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(element) = document.create_element("a") else {
        return;
    };
    let Ok(anchor) = element.dyn_into::<web_sys::HtmlAnchorElement>() else {
        return;
    };
    anchor.set_href(url);
    anchor.set_download(file_name);
    anchor.click();
}

/// Reads a dropped or picked file as text and hands it to `done` (name, text).
pub fn read_file(file: web_sys::File, done: impl FnOnce(String, Result<String, String>) + 'static) {
    let name = file.name();
    let Ok(reader) = web_sys::FileReader::new() else {
        done(name, Err("this browser cannot read files".into()));
        return;
    };
    let reader_in_callback = reader.clone();
    let name_in_callback = name.clone();
    let mut done = Some(done);
    let onload = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
        let text = reader_in_callback
            .result()
            .ok()
            .and_then(|value| value.as_string())
            .ok_or_else(|| "the file is not text".to_string());
        if let Some(done) = done.take() {
            done(name_in_callback.clone(), text);
        }
    });
    reader.set_onloadend(Some(onload.as_ref().unchecked_ref()));
    onload.forget();
    if reader.read_as_text(&file).is_err() {
        // The onloadend callback reports the failure.
    }
}
