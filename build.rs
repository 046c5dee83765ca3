//! Copies the rule files into `OUT_DIR` without their comments, blank lines and `test`
//! examples. The WASM module embeds these copies (the examples are tests, not knowledge, and
//! leaving them out keeps the module small); native builds embed the files whole, because the
//! tests read the examples from them (`src/rules.rs`, `rule_text!`).

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=src/rules");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("rules");
    std::fs::create_dir_all(&out).expect("OUT_DIR is writable");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(Path::new("src/rules"))
        .expect("src/rules exists")
        .map(|e| e.expect("src/rules is readable").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rules"))
        .collect();
    entries.sort();
    for path in entries {
        let src = std::fs::read_to_string(&path).expect("rule files are UTF-8");
        let kept: String = src
            .lines()
            .filter(|l| {
                let t = l.trim_start();
                !(t.is_empty() || t.starts_with('#') || t.starts_with("test ") || t == "test")
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let name = path.file_name().expect("a file name");
        std::fs::write(out.join(name), kept).expect("OUT_DIR is writable");
    }
}
