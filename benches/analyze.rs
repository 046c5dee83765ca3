//! Speed of `analyze`: the median and the largest policies of the corpus, growth with input
//! size (10 KB … 10 MB), and a naive baseline that runs every rule pattern separately over the
//! whole text.
//!
//! `cargo bench --bench analyze` (criterion prints median times). Uses `../shared/corpus` when
//! present, else the golden policies in `tests/policies`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use policy_lens::{analyze, rules};
use std::path::Path;
use std::time::Duration;

fn policies() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let corpus = Path::new("../shared/corpus");
    let dirs: Vec<_> = if corpus.is_dir() {
        ["ota", "opp115/text", "goppc/text", "seeds"]
            .iter()
            .map(|d| corpus.join(d))
            .collect()
    } else {
        eprintln!("../shared/corpus not found: benchmarking tests/policies only");
        vec![Path::new("tests/policies").to_path_buf()]
    };
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if matches!(p.extension().and_then(|x| x.to_str()), Some("md" | "txt")) {
                if let Ok(t) = std::fs::read_to_string(&p) {
                    if t.len() > 1000 {
                        out.push((p.display().to_string(), t));
                    }
                }
            }
        }
    }
    out.sort_by_key(|(_, t)| t.len());
    out
}

/// A text of about `size` bytes made of whole policies.
fn text_of_size(all: &[(String, String)], size: usize) -> String {
    let mut s = String::with_capacity(size + 100_000);
    'outer: loop {
        for (_, t) in all {
            s.push_str(t);
            s.push_str("\n\n");
            if s.len() >= size {
                break 'outer;
            }
        }
    }
    let mut end = size.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s
}

/// Every cue of every rule file compiled alone, each run over the whole text.
fn naive_patterns() -> Vec<regex::bytes::Regex> {
    rules::RULE_FILES
        .iter()
        .flat_map(|(_, src)| rules::parse(src).unwrap().cues)
        .map(|(_, pat)| {
            regex::bytes::RegexBuilder::new(&pat)
                .unicode(false)
                .size_limit(8 << 20)
                .build()
                .unwrap()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let all = policies();
    let median = &all[all.len() / 2];
    let largest = &all[all.len() - 1];
    eprintln!(
        "{} policies; median {} ({} KB); largest {} ({} KB)",
        all.len(),
        median.0,
        median.1.len() / 1024,
        largest.0,
        largest.1.len() / 1024
    );
    analyze("warm up the rule cache");

    let mut g = c.benchmark_group("policy");
    for (name, (_, text)) in [("median", median), ("largest", largest)] {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(name, |b| b.iter(|| analyze(text)));
    }
    g.finish();

    let mut g = c.benchmark_group("size");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    for size in [10_000, 100_000, 1_000_000, 10_000_000] {
        let text = text_of_size(&all, size);
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(size), &text, |b, t| {
            b.iter(|| analyze(t))
        });
    }
    g.finish();

    // The same 1 MB through the analyzer and through every pattern run separately.
    let naive = naive_patterns();
    let text = text_of_size(&all, 1_000_000);
    let lower = text.to_lowercase();
    let mut g = c.benchmark_group("baseline_1MB");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("analyze", |b| b.iter(|| analyze(&text)));
    g.bench_function("naive_every_pattern", |b| {
        b.iter(|| {
            naive
                .iter()
                .map(|re| re.find_iter(lower.as_bytes()).count())
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
