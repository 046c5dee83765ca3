//! The wasm boundary (`src/wasm.rs`) in a headless browser. Run with exactly one driver set:
//! `CHROMEDRIVER=/usr/bin/chromedriver` (Chromium) or `GECKODRIVER=~/.cargo/bin/geckodriver` (Firefox), and
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --target wasm32-unknown-unknown --no-default-features --test browser`.
#![cfg(target_arch = "wasm32")]

#[macro_use]
mod wasm_common;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

// The checks shared by every mode (Node, browser), from tests/wasm_common.
shared_tests!();

#[wasm_bindgen_test]
fn analyze_element_reads_the_page() {
    let document = web_sys::window().unwrap().document().unwrap();
    let el = document.create_element("section").unwrap();
    el.set_id("policy-lens-test-policy");
    el.set_inner_html(
        "<h2>Do Not Track</h2><p>We do not respond to Do Not Track signals.</p>\
         <p>You must be at least 16 years old to use the service.</p>",
    );
    let html: web_sys::HtmlElement = el.clone().dyn_into().unwrap();
    document.body().unwrap().append_child(&html).unwrap();
    let r = policy_lens::wasm::analyze_element("#policy-lens-test-policy").expect("analyzeElement");
    assert_eq!(wasm_common::string(&r, "doNotTrack.verdict"), "notHonored");
    assert_eq!(wasm_common::number(&r, "minimumAge.age"), 16.0);
    let missing = policy_lens::wasm::analyze_element("#nothing-here").expect_err("no such element");
    assert!(wasm_common::error_message(missing).contains("no element matches"));
    let invalid = policy_lens::wasm::analyze_element("<<").expect_err("invalid selector");
    assert!(wasm_common::error_message(invalid).contains("invalid selector"));
    el.remove();
}
