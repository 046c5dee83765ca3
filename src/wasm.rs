//! The JavaScript boundary: the only file that uses `wasm-bindgen`.
//!
//! Everything that crosses to JavaScript is plain data: reports are serialized with
//! [`serde_wasm_bindgen::Serializer::json_compatible`], so JS receives ordinary objects and
//! arrays (no `Map`s, no handles to `.free()`), in exactly the camelCase shape of
//! `docs/report.md`. Evidence offsets are already UTF-16 code units (converted by the core), so
//! `text.slice(start, end)` in JavaScript returns the passage.
//!
//! ```js
//! import init, { analyze, analyzeDocument, version } from './pkg/policy_lens.js';
//! await init();
//! const report = analyze('We do not respond to Do Not Track signals.');
//! report.doNotTrack.verdict; // "notHonored"
//! ```

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::Document;

/// Runs once when the module is instantiated: turns Rust panics into readable console errors.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The analyzer's version (the crate version), e.g. `"0.1.0"`.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Analyzes a policy given as plain text or markdown; returns the report as a plain object.
#[wasm_bindgen]
pub fn analyze(text: &str) -> Result<JsValue, JsError> {
    to_js(&crate::analyze(text))
}

/// Analyzes a policy given as blocks: `{ title?, url?, blocks: [{ kind, level?, text, links? }] }`
/// where `kind` is `"heading"`, `"paragraph"`, `"listItem"` or `"tableCell"`.
///
/// Evidence offsets point into the blocks' texts joined by `"\n\n"`, and each evidence carries
/// the index of its block. A value of the wrong shape gives a JS `Error` saying what is wrong.
#[wasm_bindgen(js_name = analyzeDocument)]
pub fn analyze_document(doc: JsValue) -> Result<JsValue, JsError> {
    if !doc.is_object() || js_sys::Array::is_array(&doc) {
        return Err(JsError::new(
            "analyzeDocument: expected an object { title?, url?, blocks: [...] }",
        ));
    }
    let blocks =
        js_sys::Reflect::get(&doc, &JsValue::from_str("blocks")).unwrap_or(JsValue::UNDEFINED);
    if !js_sys::Array::is_array(&blocks) {
        return Err(JsError::new(
            "analyzeDocument: `blocks` must be an array of { kind, level?, text, links? }",
        ));
    }
    let doc: Document = serde_wasm_bindgen::from_value(doc)
        .map_err(|e| JsError::new(&format!("analyzeDocument: bad document shape: {e}")))?;
    to_js(&crate::analyze_document(&doc))
}

/// Analyzes the visible text (`innerText`) of the first element matching a CSS selector in the
/// current page. Fails with `"no window"` where there is no DOM (a worker, Node).
#[wasm_bindgen(js_name = analyzeElement)]
pub fn analyze_element(selector: &str) -> Result<JsValue, JsError> {
    let window = web_sys::window().ok_or_else(|| JsError::new("no window"))?;
    let document = window
        .document()
        .ok_or_else(|| JsError::new("no document"))?;
    let element = document
        .query_selector(selector)
        .map_err(|_| JsError::new(&format!("analyzeElement: invalid selector {selector:?}")))?
        .ok_or_else(|| JsError::new(&format!("analyzeElement: no element matches {selector:?}")))?;
    let text = match element.dyn_ref::<web_sys::HtmlElement>() {
        Some(html) => html.inner_text(),
        None => element.text_content().unwrap_or_default(),
    };
    analyze(&text)
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("policy-lens: cannot serialize the report: {e}")))
}
