//! The analyzer against the real policies of `../shared/corpus`: `policy-lens eval --check`
//! must pass its bars and every seed expectation. Skips (and passes) where the corpus is absent.

use std::path::Path;
use std::process::Command;

#[test]
fn eval_check_passes_on_the_corpus() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.join("devgold.jsonl").is_file() {
        eprintln!("corpus not found: skipping ({})", corpus.display());
        return;
    }
    let o = Command::new(env!("CARGO_BIN_EXE_policy-lens"))
        .args(["eval", "--check", "--disagreements", "0", "--corpus"])
        .arg(&corpus)
        .output()
        .expect("run policy-lens eval");
    if o.status.success() {
        return;
    }
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    // The lines that say what failed: missed bars, failing seeds, unreadable documents.
    let failed: Vec<&str> = out
        .lines()
        .filter(|l| l.trim_start().starts_with("FAIL"))
        .collect();
    panic!(
        "policy-lens eval --check failed:\n{}\n{}\n(run `cargo run --release -- eval` for the tables and disagreements)",
        failed.join("\n"),
        err.trim_end()
    );
}
