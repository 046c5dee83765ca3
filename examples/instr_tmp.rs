fn main() {
    let mut docs = Vec::new();
    let mut v: Vec<_> = std::fs::read_dir("../shared/corpus/ota").unwrap().flatten().map(|e| e.path()).collect();
    v.sort();
    for p in v.into_iter().step_by(7) {
        docs.push(std::fs::read_to_string(p).unwrap());
    }
    policy_lens::analyze("warm");
    let bytes: usize = docs.iter().map(|d| d.len()).sum();
    for d in &docs { std::hint::black_box(policy_lens::analyze(d)); }
    eprintln!("{} docs {:.2} MB", docs.len(), bytes as f64 / 1e6);
}
