//! Batch throughput of `analyze` over the corpus, on one core and on all cores, and peak
//! memory for a 10 MB input. Prints medians of 5 runs.
//!
//! `cargo run --release --example throughput [DIR…]` (default: the text folders of
//! `../shared/corpus`).

use std::time::Instant;

fn read_dir(dir: &std::path::Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            read_dir(&p, out);
        } else if matches!(p.extension().and_then(|x| x.to_str()), Some("md" | "txt")) {
            if let Ok(b) = std::fs::read(&p) {
                out.push(String::from_utf8_lossy(&b).into_owned());
            }
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn peak_rss_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dirs = if args.is_empty() {
        ["ota", "opp115/text", "goppc/text", "dmoz", "seeds"]
            .iter()
            .map(|d| format!("../shared/corpus/{d}"))
            .collect()
    } else {
        args
    };
    let mut docs = Vec::new();
    for d in &dirs {
        read_dir(std::path::Path::new(d), &mut docs);
    }
    if docs.is_empty() {
        eprintln!("no documents found in {dirs:?}");
        return;
    }
    let bytes: usize = docs.iter().map(String::len).sum();
    let mb = bytes as f64 / 1e6;
    policy_lens::analyze("warm up");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("{} documents, {:.1} MB", docs.len(), mb);
    for threads in [1, cores] {
        let mut rates = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let next = std::sync::atomic::AtomicUsize::new(0);
            std::thread::scope(|s| {
                for _ in 0..threads {
                    s.spawn(|| loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(d) = docs.get(i) else { break };
                        std::hint::black_box(policy_lens::analyze(d));
                    });
                }
            });
            rates.push(mb / t.elapsed().as_secs_f64());
        }
        println!(
            "{threads} thread(s): median {:.1} MB/s (runs: {:?})",
            median(rates.clone()),
            rates
                .iter()
                .map(|r| (r * 10.0).round() / 10.0)
                .collect::<Vec<_>>()
        );
    }
    let before = peak_rss_kb().unwrap_or(0);
    let mut big = String::new();
    while big.len() < 10_000_000 {
        big.push_str(&docs[big.len() % docs.len()]);
    }
    let input_kb = big.len() as u64 / 1024;
    let t = Instant::now();
    let r = policy_lens::analyze(&big);
    let after = peak_rss_kb().unwrap_or(0);
    println!(
        "10 MB input: {:.0} ms, truncated={}, peak RSS grew by {} KB for a {} KB input ({:.1}x)",
        t.elapsed().as_secs_f64() * 1000.0,
        r.meta.truncated,
        after.saturating_sub(before),
        input_kb,
        after.saturating_sub(before) as f64 / input_kb as f64
    );
}
