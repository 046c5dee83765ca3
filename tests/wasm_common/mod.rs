//! Checks shared by the Node (`tests/node.rs`) and browser (`tests/browser.rs`) wasm test binaries.
//! They call the exports of `src/wasm.rs` and look at the values the way JavaScript sees them.

use js_sys::{Array, JsString, Object, Reflect};
use policy_lens::wasm;
use wasm_bindgen::{JsCast, JsValue};

/// The policy the boundary tests read: an emoji and accents before the findings, so UTF-16 and
/// UTF-8 offsets differ.
pub const POLICY: &str = "😀 Café Ünïcode privacy notice.\n\n\
We do not respond to Do Not Track signals. \
You must be at least 16 years old to use the service. \
Email privacy@example.org with any question.";

/// `value.a.b.c` for the path `"a.b.c"` (array indices allowed).
#[track_caller]
pub fn get(value: &JsValue, path: &str) -> JsValue {
    let mut v = value.clone();
    for key in path.split('.') {
        v = Reflect::get(&v, &JsValue::from_str(key))
            .unwrap_or_else(|_| panic!("cannot read {path}"));
        assert!(!v.is_undefined(), "{path}: `{key}` is undefined");
    }
    v
}

#[track_caller]
pub fn string(value: &JsValue, path: &str) -> String {
    get(value, path)
        .as_string()
        .unwrap_or_else(|| panic!("{path} is not a string"))
}

#[track_caller]
pub fn number(value: &JsValue, path: &str) -> f64 {
    get(value, path)
        .as_f64()
        .unwrap_or_else(|| panic!("{path} is not a number"))
}

/// `text.slice(start, end)` with JavaScript (UTF-16) semantics.
pub fn js_slice(text: &str, start: f64, end: f64) -> String {
    JsString::from(text).slice(start as u32, end as u32).into()
}

/// The message of the JS `Error` an export threw.
pub fn error_message(err: wasm_bindgen::JsError) -> String {
    let v: JsValue = err.into();
    let e = v.dyn_into::<js_sys::Error>().expect("a JS Error");
    e.message().into()
}

pub fn plain_object(v: &JsValue) -> bool {
    v.is_object() && Object::get_prototype_of(v) == Object::get_prototype_of(&Object::new().into())
}

pub fn real_findings_with_utf16_offsets() {
    let r = wasm::analyze(POLICY).expect("analyze");
    assert!(plain_object(&r), "the report is a plain object, not a Map");
    assert_eq!(string(&r, "doNotTrack.verdict"), "notHonored");
    assert_eq!(number(&r, "minimumAge.age"), 16.0);
    let emails = Array::from(&get(&r, "contact.emails"));
    assert_eq!(emails.length(), 1);
    assert_eq!(
        emails.get(0).as_string().as_deref(),
        Some("privacy@example.org")
    );
    for path in [
        "doNotTrack.evidence.0",
        "minimumAge.evidence.0",
        "contact.evidence.0",
    ] {
        let ev = get(&r, path);
        let (start, end) = (number(&ev, "start"), number(&ev, "end"));
        assert_eq!(
            js_slice(POLICY, start, end),
            string(&ev, "text"),
            "{path}: text.slice(start, end)"
        );
    }
    let dnt = get(&r, "doNotTrack.evidence.0");
    assert_eq!(
        string(&dnt, "text"),
        "We do not respond to Do Not Track signals."
    );
    // "😀 Café Ünïcode privacy notice.\n\n" is 33 UTF-16 code units (38 UTF-8 bytes).
    assert_eq!(number(&dnt, "start"), 33.0);
    assert_eq!(
        number(&r, "meta.analyzedLength"),
        JsString::from(POLICY).length() as f64
    );
}

pub fn document_blocks_and_offsets() {
    let doc = js_sys::JSON::parse(
        r#"{"title":"Datenschutz – Privacy","url":"https://ex.example/privacy","blocks":[
            {"kind":"heading","level":1,"text":"Privacy policy 😀"},
            {"kind":"paragraph","text":"Café crème collects your email address."},
            {"kind":"heading","level":2,"text":"Do Not Track"},
            {"kind":"paragraph","text":"We do not respond to Do Not Track signals."},
            {"kind":"listItem","text":"Write to us.","links":["mailto:privacy@example.org"]}
        ]}"#,
    )
    .unwrap();
    let r = wasm::analyze_document(doc).expect("analyzeDocument");
    let joined = "Privacy policy 😀\n\nCafé crème collects your email address.\n\nDo Not Track\n\n\
                  We do not respond to Do Not Track signals.\n\nWrite to us.";
    let ev = get(&r, "doNotTrack.evidence.0");
    assert_eq!(string(&r, "doNotTrack.verdict"), "notHonored");
    assert_eq!(number(&ev, "block"), 3.0);
    assert_eq!(
        js_slice(joined, number(&ev, "start"), number(&ev, "end")),
        string(&ev, "text")
    );
    assert_eq!(string(&ev, "section"), "Do Not Track");
    let emails = Array::from(&get(&r, "contact.emails"));
    assert_eq!(
        emails.get(0).as_string().as_deref(),
        Some("privacy@example.org")
    );
}

pub fn empty_input_is_a_valid_empty_report() {
    let r = wasm::analyze("").expect("analyze");
    assert_eq!(get(&r, "isPolicy.likely").as_bool(), Some(false));
    for path in [
        "thirdPartySharing.verdict",
        "thirdPartySharing.marketing.verdict",
        "thirdPartySharing.sells.verdict",
        "doNotTrack.verdict",
        "globalPrivacyControl.verdict",
    ] {
        assert_eq!(string(&r, path), "notMentioned", "{path}");
    }
    assert!(
        get(&r, "minimumAge.age").is_null(),
        "no age is null, not undefined"
    );
    assert_eq!(Array::from(&get(&r, "contact.emails")).length(), 0);
    assert_eq!(number(&r, "meta.analyzedLength"), 0.0);
}

pub fn bad_documents_are_errors() {
    for (input, needle) in [
        (JsValue::from_f64(5.0), "expected an object"),
        (JsValue::NULL, "expected an object"),
        (js_sys::JSON::parse(r#"{"title":"x"}"#).unwrap(), "blocks"),
        (
            js_sys::JSON::parse(r#"{"blocks":[{"kind":"bogus","text":"x"}]}"#).unwrap(),
            "bogus",
        ),
        (
            js_sys::JSON::parse(r#"{"blocks":[{"kind":"paragraph","text":7}]}"#).unwrap(),
            "bad document shape",
        ),
    ] {
        let err = wasm::analyze_document(input).expect_err("a bad document must be rejected");
        let msg = error_message(err);
        assert!(msg.contains(needle), "{msg:?} should mention {needle:?}");
    }
}

pub fn version_is_the_crate_version() {
    assert_eq!(wasm::version(), env!("CARGO_PKG_VERSION"));
}

/// Declares one `#[wasm_bindgen_test]` per shared check, in the test file that calls it.
macro_rules! shared_tests {
    () => {
        shared_tests!(
            real_findings_with_utf16_offsets,
            document_blocks_and_offsets,
            empty_input_is_a_valid_empty_report,
            bad_documents_are_errors,
            version_is_the_crate_version
        );
    };
    ($($name:ident),+) => {
        $(
            #[wasm_bindgen_test::wasm_bindgen_test]
            fn $name() {
                wasm_common::$name();
            }
        )+
    };
}
