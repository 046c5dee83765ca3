//! Batch throughput of `analyze` over the corpus, on one core and on all cores, and the time and
//! peak heap (counted by a global allocator) of a 10 MB input. Prints medians of 5 runs.
//!
//! `cargo run --release --example throughput [DIR…]` (default: the text folders of
//! `../shared/corpus`).
//!
//! The workers live through all the runs of one thread count, as the command line's do through
//! a batch. That matters: each regex keeps its lazy DFA's states in a cache per thread, so a
//! fresh thread builds them again (a thread per run measured that building, about a fifth of
//! the time, instead of the analysis). Three figures per thread count:
//! - *cold*: the first pass over half the texts (every other one), which compiles the patterns
//!   the warm-up did not and builds DFA states: what a short batch pays once;
//! - *unseen*: then the other half, texts the workers have not met, with warm caches: what the
//!   texts of a long batch cost after its first few hundred;
//! - *again*: whole passes over every text, all met before (the median of 5).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Barrier;
use std::time::Instant;

fn read_dir(dir: &std::path::Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
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

/// The system allocator, counting the bytes live and their peak since the last reset.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The time of `analyze(text)` and the most heap it held at once beyond what was live before.
fn measured(text: &str) -> (f64, usize, bool) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let t = Instant::now();
    let r = policy_lens::analyze(text);
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    let truncated = r.meta.truncated;
    drop(r);
    (ms, PEAK.load(Ordering::Relaxed) - before, truncated)
}

/// Runs each pass (a list of texts) on `threads` workers started once, and returns the MB/s
/// of each pass.
fn passes(threads: usize, passes: &[Vec<&str>]) -> Vec<f64> {
    let next = AtomicUsize::new(0);
    // The workers and this thread meet before and after each pass.
    let barrier = Barrier::new(threads + 1);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for pass in passes {
                    barrier.wait();
                    while let Some(d) = pass.get(next.fetch_add(1, Ordering::Relaxed)) {
                        std::hint::black_box(policy_lens::analyze(d));
                    }
                    barrier.wait();
                }
            });
        }
        passes
            .iter()
            .map(|pass| {
                next.store(0, Ordering::Relaxed);
                barrier.wait();
                let t = Instant::now();
                barrier.wait();
                let mb = pass.iter().map(|d| d.len()).sum::<usize>() as f64 / 1e6;
                mb / t.elapsed().as_secs_f64()
            })
            .collect()
    })
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
    policy_lens::analyze("warm up");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("{} documents, {:.1} MB", docs.len(), bytes as f64 / 1e6);
    let all: Vec<&str> = docs.iter().map(String::as_str).collect();
    let half = |parity| -> Vec<&str> {
        all.iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == parity)
            .map(|(_, d)| *d)
            .collect()
    };
    let mut plan = vec![half(0), half(1)];
    plan.extend(std::iter::repeat_n(all.clone(), 5));
    for threads in [1, cores] {
        let rates = passes(threads, &plan);
        let again = rates[2..].to_vec();
        println!(
            "{threads} thread(s): cold {:.1} MB/s, unseen {:.1} MB/s, again: median {:.1} MB/s (runs: {:?})",
            rates[0],
            rates[1],
            median(again.clone()),
            again
                .iter()
                .map(|r| (r * 10.0).round() / 10.0)
                .collect::<Vec<_>>()
        );
    }
    // The 10 MB input twice on this thread: the first builds this thread's DFA states (kept
    // in its caches, which count as live heap afterwards), the second shows the analysis alone.
    let mut big = String::new();
    while big.len() < 10_000_000 {
        big.push_str(&docs[big.len() % docs.len()]);
    }
    let (first_ms, first_heap, truncated) = measured(&big);
    let (ms, heap, _) = measured(&big);
    let mb = |b: usize| b as f64 / 1e6;
    println!(
        "10 MB input ({:.1} MB, truncated={truncated}): {ms:.0} ms, peak heap {:.1} MB beyond the input ({:.1}x); \
         on this thread's first call {first_ms:.0} ms, {:.1} MB ({:.1}x) with its DFA states",
        mb(big.len()),
        mb(heap),
        heap as f64 / big.len() as f64,
        mb(first_heap),
        first_heap as f64 / big.len() as f64,
    );
}
