//! Speed of the anchor scan alone (src/anchors.rs), in nanoseconds per byte: the lines of the
//! given files, lower-cased and cut at full stops, stand for sentences. Prints the median and the
//! fastest of 15 runs.
//!
//! ```sh
//! cargo run --release --example scan -- $(ls -S ../shared/corpus/ota/* | awk 'NR%20==0' | head -14)
//! ```

use std::time::Instant;

fn main() {
    let mut texts = Vec::new();
    for path in std::env::args().skip(1) {
        match std::fs::read(&path) {
            Ok(b) => {
                let t = String::from_utf8_lossy(&b).to_lowercase();
                texts.extend(
                    t.split(['.', '\n'])
                        .filter(|s| !s.trim().is_empty())
                        .map(str::to_string),
                );
            }
            Err(e) => eprintln!("{path}: {e}"),
        }
    }
    if texts.is_empty() {
        eprintln!("usage: scan FILE…");
        std::process::exit(2);
    }
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    policy_lens::rules::scan_only(&texts);
    let mut runs: Vec<f64> = (0..15)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..5 {
                policy_lens::rules::scan_only(&texts);
            }
            t.elapsed().as_nanos() as f64 / 5.0 / bytes as f64
        })
        .collect();
    runs.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{} texts, {bytes} bytes: {:.2} ns a byte (median of 15), fastest {:.2}",
        texts.len(),
        runs[7],
        runs[0]
    );
}
