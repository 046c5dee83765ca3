//! Prints the JSON report of each file named on the command line, one line per file.
//!
//! `cargo run --release --example dump -- FILE…` (plain text or markdown; HTML is read as text).
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        let mut v = serde_json::to_value(policy_lens::analyze(&text)).unwrap();
        v["file"] = serde_json::Value::String(path);
        println!("{v}");
    }
}
