//! The wasm boundary (`src/wasm.rs`) as Node sees it. Run with
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --target wasm32-unknown-unknown --no-default-features --test node`.
#![cfg(target_arch = "wasm32")]

#[macro_use]
mod wasm_common;

use wasm_bindgen_test::wasm_bindgen_test;

// The checks shared by every mode (Node, browser), from tests/wasm_common.
shared_tests!();

#[wasm_bindgen_test]
fn analyze_element_needs_a_window() {
    let err = policy_lens::wasm::analyze_element("main").expect_err("Node has no window");
    assert_eq!(wasm_common::error_message(err), "no window");
}
