//! The wasm boundary (`src/wasm.rs`) as Node sees it. Run with
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --target wasm32-unknown-unknown --no-default-features --test node`.
#![cfg(target_arch = "wasm32")]

mod wasm_common;

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn real_findings_with_utf16_offsets() {
    wasm_common::real_findings_with_utf16_offsets();
}

#[wasm_bindgen_test]
fn document_blocks_and_offsets() {
    wasm_common::document_blocks_and_offsets();
}

#[wasm_bindgen_test]
fn empty_input_is_a_valid_empty_report() {
    wasm_common::empty_input_is_a_valid_empty_report();
}

#[wasm_bindgen_test]
fn bad_documents_are_errors() {
    wasm_common::bad_documents_are_errors();
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    wasm_common::version_is_the_crate_version();
}

#[wasm_bindgen_test]
fn analyze_element_needs_a_window() {
    let err = policy_lens::wasm::analyze_element("main").expect_err("Node has no window");
    assert_eq!(wasm_common::error_message(err), "no window");
}
