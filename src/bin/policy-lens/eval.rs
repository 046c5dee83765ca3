//! `policy-lens eval`: scores the analyzer on `../shared/corpus`.
//!
//! Documents are analyzed once each, in parallel. Labels come from `devgold.jsonl` (gold), the
//! folders' `labels.jsonl` (silver; a document that gold covers keeps only its gold labels), the
//! silver corrections file (applied for the "silver (corrected)" and "all" tables) and
//! `seeds/expected.json` (exact expectations, pass or fail), and the project's own labelled sets
//! for the findings the corpus does not label (`eval/labelled/*.jsonl`, see `docs/findings.md`). The bars of `--check` are judged on
//! "all" (gold + corrected silver), or on gold alone with `--gold-only`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use policy_lens::input;
use policy_lens::Report;
use serde_json::{json, Value};

use crate::analyze::shorten;
use crate::labels::{self, Expect, Finding, Got, Kind, Label};
use crate::{option_value, par, parse_jobs, split_option, Usage};

/// Silver sources, in print order.
const SILVER: &[&str] = &["opp115", "goppc", "c3pa"];

/// The bars of `--check`: (name, finding, measure, minimum).
const BARS: &[(&str, Finding, Measure, f64)] = &[
    (
        "DNT verdict accuracy",
        Finding::Dnt,
        Measure::Accuracy,
        0.95,
    ),
    (
        "minimum age exact match",
        Finding::MinAge,
        Measure::Accuracy,
        0.93,
    ),
    (
        "contact email precision",
        Finding::Emails,
        Measure::Precision,
        0.95,
    ),
    (
        "contact email recall",
        Finding::Emails,
        Measure::Recall,
        0.95,
    ),
    (
        "sharing verdict accuracy",
        Finding::Sharing,
        Measure::Accuracy,
        0.95,
    ),
];

#[derive(Clone, Copy)]
enum Measure {
    Accuracy,
    Precision,
    Recall,
}

struct Options {
    corpus: Option<PathBuf>,
    corrections: Option<PathBuf>,
    gold_only: bool,
    disagreements: usize,
    check: bool,
    json: bool,
    seeds_only: bool,
    jobs: usize,
}

fn parse(args: &[String]) -> Result<Options, Usage> {
    let mut o = Options {
        corpus: None,
        corrections: None,
        gold_only: false,
        disagreements: 40,
        check: false,
        json: false,
        seeds_only: false,
        jobs: par::default_jobs(),
    };
    let mut i = 0;
    while i < args.len() {
        let (name, inline) = split_option(&args[i]);
        match name {
            "--corpus" => o.corpus = Some(option_value(args, &mut i, name, inline)?.into()),
            "--corrections" => {
                o.corrections = Some(option_value(args, &mut i, name, inline)?.into())
            }
            "--gold-only" => o.gold_only = true,
            "--check" => o.check = true,
            "--json" => o.json = true,
            "--seeds" => o.seeds_only = true,
            "-j" | "--jobs" => o.jobs = parse_jobs(&option_value(args, &mut i, name, inline)?)?,
            "--disagreements" => {
                let v = option_value(args, &mut i, name, inline)?;
                o.disagreements = if v == "all" {
                    usize::MAX
                } else {
                    v.parse().map_err(|_| {
                        Usage(format!(
                            "--disagreements needs a number or 'all', not {v:?}"
                        ))
                    })?
                };
            }
            _ => return Err(Usage(format!("eval: unknown argument {:?}", args[i]))),
        }
        i += 1;
    }
    Ok(o)
}

/// Where the corpus is: `--corpus`, `$POLICY_LENS_CORPUS`, else `shared/corpus` beside an
/// ancestor of the current directory, of the executable, or of the source tree.
fn find_corpus(given: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = given {
        return p.is_dir().then(|| p.to_path_buf());
    }
    if let Some(p) = std::env::var_os("POLICY_LENS_CORPUS") {
        return Some(PathBuf::from(p)).filter(|p| p.is_dir());
    }
    let mut starts = Vec::new();
    if let Ok(d) = std::env::current_dir() {
        starts.push(d);
    }
    if let Ok(e) = std::env::current_exe() {
        starts.push(e);
    }
    starts.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    for s in starts {
        for anc in s.ancestors() {
            let c = anc.join("shared").join("corpus");
            if c.join("devgold.jsonl").is_file() {
                return Some(c);
            }
        }
    }
    None
}

/// The project's own labelled sets: `eval/labelled/*.jsonl`, sorted.
fn labelled_files() -> Vec<PathBuf> {
    let rel = Path::new("eval").join("labelled");
    let dir = if rel.is_dir() {
        rel
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn find_corrections(given: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = given {
        return Some(p.to_path_buf());
    }
    let rel = Path::new("eval").join("silver-corrections.jsonl");
    if rel.is_file() {
        return Some(rel);
    }
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(&rel);
    p.is_file().then_some(p)
}

/// Reads a JSON Lines file; blank lines and lines starting with `#` are skipped.
fn read_jsonl(path: &Path) -> Result<Vec<Value>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let v = serde_json::from_str(line)
            .map_err(|e| format!("{}:{}: bad JSON: {e}", path.display(), n + 1))?;
        out.push(v);
    }
    Ok(out)
}

/// Which labels a document's label came from.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Set {
    Gold,
    Silver,
    Corrected,
    /// The project's own labels (`eval/labelled/*.jsonl`).
    Labelled,
}

/// One label on one document.
struct Case {
    set: Set,
    source: String,
    doc: String,
    label: Label,
    /// devgold's own evidence for the finding, when it gives one.
    gold_evidence: Option<String>,
}

/// One seed expectation.
struct SeedCase {
    doc: String,
    key: String,
    expected: Value,
}

/// Counts for one finding.
#[derive(Default, Clone, Copy)]
struct Score {
    n: usize,
    correct: usize,
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn accuracy(&self) -> Option<f64> {
        (self.n > 0).then(|| self.correct as f64 / self.n as f64)
    }
    fn precision(&self) -> Option<f64> {
        let d = self.tp + self.fp;
        (d > 0).then(|| self.tp as f64 / d as f64)
    }
    fn recall(&self) -> Option<f64> {
        let d = self.tp + self.fn_;
        (d > 0).then(|| self.tp as f64 / d as f64)
    }
    fn f1(&self) -> Option<f64> {
        let (p, r) = (self.precision()?, self.recall()?);
        Some(if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        })
    }
    fn measure(&self, m: Measure) -> Option<f64> {
        match m {
            Measure::Accuracy => self.accuracy(),
            Measure::Precision => self.precision(),
            Measure::Recall => self.recall(),
        }
    }
}

/// The outcome of one case.
struct Outcome {
    correct: bool,
    tp: usize,
    fp: usize,
    fn_: usize,
    expected: String,
    got: String,
    /// Reported items not expected (set findings), to pick the evidence that gave them.
    extra: Vec<String>,
    missing: Vec<String>,
}

fn judge(label: &Label, report: &Report) -> Outcome {
    let got = labels::got(report, label.finding);
    match (&label.expect, got) {
        (Expect::OneOf(acc), Got::Value(g)) => Outcome {
            correct: acc.contains(&g),
            tp: 0,
            fp: 0,
            fn_: 0,
            expected: acc.join(" or "),
            got: g,
            extra: Vec::new(),
            missing: Vec::new(),
        },
        (Expect::Bool(e), Got::Bool(g)) => Outcome {
            correct: *e == g,
            tp: usize::from(*e && g),
            fp: usize::from(!*e && g),
            fn_: usize::from(*e && !g),
            expected: e.to_string(),
            got: g.to_string(),
            extra: Vec::new(),
            missing: Vec::new(),
        },
        (Expect::Set(e), Got::Set(g)) => {
            let (tp, missing, extra) = labels::match_sets(label.finding, e, &g);
            Outcome {
                correct: missing.is_empty() && extra.is_empty(),
                tp,
                fp: extra.len(),
                fn_: missing.len(),
                expected: format!("{e:?}"),
                got: format!("{g:?}"),
                extra,
                missing,
            }
        }
        (e, g) => Outcome {
            correct: false,
            tp: 0,
            fp: 0,
            fn_: 0,
            expected: format!("{e:?}"),
            got: format!("{g:?}"),
            extra: Vec::new(),
            missing: Vec::new(),
        },
    }
}

type Table = BTreeMap<Finding, Score>;

fn add(table: &mut Table, f: Finding, o: &Outcome) {
    let s = table.entry(f).or_default();
    s.n += 1;
    s.correct += usize::from(o.correct);
    s.tp += o.tp;
    s.fp += o.fp;
    s.fn_ += o.fn_;
}

/// One row of a score table: n, accuracy, precision, recall, F1 and the counts.
fn print_row(name: &str, s: &Score) {
    println!(
        "  {:<32} {:>4} {:>6} {:>6} {:>6} {:>6} {:>5} {:>5} {:>5}",
        name,
        s.n,
        fmt_opt(s.accuracy()),
        fmt_opt(s.precision()),
        fmt_opt(s.recall()),
        fmt_opt(s.f1()),
        s.tp,
        s.fp,
        s.fn_
    );
}

fn fmt_opt(v: Option<f64>) -> String {
    v.map_or("    -".into(), |v| format!("{v:.3}"))
}

fn print_table(title: &str, docs: usize, table: &Table) {
    println!("\n{title}: {docs} documents");
    println!(
        "  {:<32} {:>4} {:>6} {:>6} {:>6} {:>6} {:>5} {:>5} {:>5}",
        "finding", "n", "acc", "P", "R", "F1", "TP", "FP", "FN"
    );
    let mut purposes = Score::default();
    for (f, s) in table {
        if f.kind() == Kind::Category {
            println!("  {:<32} {:>4} {:>6}", f.name(), s.n, fmt_opt(s.accuracy()));
        } else {
            print_row(&f.name(), s);
        }
        if matches!(f, Finding::Purpose(_) | Finding::MarketingOrAdvertising) {
            purposes.n += s.n;
            purposes.correct += s.correct;
            purposes.tp += s.tp;
            purposes.fp += s.fp;
            purposes.fn_ += s.fn_;
        }
    }
    if purposes.n > 0 {
        print_row("purposes (micro, all above)", &purposes);
    }
}

fn table_json(table: &Table) -> Value {
    let mut m = serde_json::Map::new();
    for (f, s) in table {
        m.insert(
            f.name(),
            json!({
                "n": s.n, "correct": s.correct, "accuracy": s.accuracy(),
                "tp": s.tp, "fp": s.fp, "fn": s.fn_,
                "precision": s.precision(), "recall": s.recall(), "f1": s.f1(),
            }),
        );
    }
    Value::Object(m)
}

/// Everything the label sources say.
struct Collected {
    cases: Vec<Case>,
    seeds: Vec<SeedCase>,
    warnings: Vec<String>,
}

/// Loads every label source.
fn collect(corpus: &Path, o: &Options) -> Result<Collected, String> {
    let mut cases = Vec::new();
    let mut warnings = Vec::new();
    let mut gold_docs = BTreeSet::new();
    if !o.seeds_only {
        for rec in read_jsonl(&corpus.join("devgold.jsonl"))? {
            let Some(path) = rec.get("path").and_then(Value::as_str) else {
                warnings.push("devgold.jsonl: a record without \"path\"".into());
                continue;
            };
            gold_docs.insert(path.to_string());
            for label in labels::gold(&rec) {
                let gold_evidence = label
                    .finding
                    .gold_evidence_field()
                    .and_then(|k| rec.get(k))
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string);
                cases.push(Case {
                    set: Set::Gold,
                    source: "devgold".into(),
                    doc: path.to_string(),
                    label,
                    gold_evidence,
                });
            }
        }
    }
    if !o.seeds_only && !o.gold_only {
        // Corrections: (source, id, field) → (silver, corrected).
        let mut fixes: HashMap<(String, String, String), (Value, Value)> = HashMap::new();
        if let Some(path) = find_corrections(o.corrections.as_deref()) {
            for c in read_jsonl(&path)? {
                let s = |k: &str| match c.get(k) {
                    Some(Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                    None => String::new(),
                };
                let key = (s("source"), s("id"), s("field"));
                let silver = c.get("silver").cloned().unwrap_or(Value::Null);
                let corrected = c.get("corrected").cloned().unwrap_or(Value::Null);
                fixes.insert(key, (silver, corrected));
            }
        }
        let mut used = BTreeSet::new();
        let mut covered = BTreeSet::new();
        for &source in SILVER {
            let file = corpus.join(source).join("labels.jsonl");
            if !file.is_file() {
                warnings.push(format!("{}: missing", file.display()));
                continue;
            }
            for rec in read_jsonl(&file)? {
                let Some(path) = labels::silver_path(source, &rec) else {
                    continue;
                };
                let id = match rec.get("id") {
                    Some(Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                    None => continue,
                };
                let in_gold = gold_docs.contains(&path);
                if in_gold {
                    // Gold wins, except for what gold does not label (rights).
                    covered.insert((source.to_string(), id.clone()));
                    for label in labels::silver(source, &rec) {
                        if !labels::gold_labels(label.finding) {
                            cases.push(Case {
                                set: Set::Silver,
                                source: source.into(),
                                doc: path.clone(),
                                label: label.clone(),
                                gold_evidence: None,
                            });
                            cases.push(Case {
                                set: Set::Corrected,
                                source: source.into(),
                                doc: path.clone(),
                                label,
                                gold_evidence: None,
                            });
                        }
                    }
                    continue;
                }
                let mut fixed = rec.clone();
                if let Value::Object(map) = &mut fixed {
                    for (field, value) in map.iter_mut() {
                        let key = (source.to_string(), id.clone(), field.clone());
                        if let Some((silver, corrected)) = fixes.get(&key) {
                            if silver != value {
                                warnings.push(format!(
                                    "correction {source}/{id}/{field}: the file says silver is {silver}, the labels say {value}"
                                ));
                            }
                            *value = corrected.clone();
                            used.insert(key);
                        }
                    }
                }
                for (set, r) in [(Set::Silver, &rec), (Set::Corrected, &fixed)] {
                    for label in labels::silver(source, r) {
                        cases.push(Case {
                            set,
                            source: source.into(),
                            doc: path.clone(),
                            label,
                            gold_evidence: None,
                        });
                    }
                }
            }
        }
        let mut unused: Vec<_> = fixes.keys().filter(|k| !used.contains(*k)).collect();
        unused.sort();
        let (in_gold, stray): (Vec<_>, Vec<_>) = unused
            .into_iter()
            .partition(|k| covered.contains(&(k.0.clone(), k.1.clone())));
        if !in_gold.is_empty() {
            warnings.push(format!(
                "{} correction(s) are for documents devgold covers, where gold wins (ignored)",
                in_gold.len()
            ));
        }
        for key in stray {
            warnings.push(format!(
                "correction {}/{}/{} matches no silver label",
                key.0, key.1, key.2
            ));
        }
    }
    if !o.seeds_only && !o.gold_only {
        for file in labelled_files() {
            for (n, rec) in read_jsonl(&file)?.into_iter().enumerate() {
                let at = format!("{}: record {}", file.display(), n + 1);
                let Some(path) = rec.get("path").and_then(Value::as_str) else {
                    warnings.push(format!("{at}: no \"path\""));
                    continue;
                };
                if !corpus.join(path).is_file() {
                    warnings.push(format!("{at}: {path} is not in the corpus"));
                    continue;
                }
                match labels::labelled(&rec) {
                    Ok(list) => {
                        for label in list {
                            cases.push(Case {
                                set: Set::Labelled,
                                source: "labelled".into(),
                                doc: path.to_string(),
                                label,
                                gold_evidence: None,
                            });
                        }
                    }
                    Err(e) => warnings.push(format!("{at}: {e}")),
                }
            }
        }
    }
    let mut seeds = Vec::new();
    let expected = corpus.join("seeds").join("expected.json");
    if expected.is_file() {
        let text = std::fs::read_to_string(&expected)
            .map_err(|e| format!("{}: {e}", expected.display()))?;
        let v: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", expected.display()))?;
        if let Value::Object(files) = v {
            for (file, sections) in files {
                if file.starts_with('_') {
                    continue;
                }
                let Value::Object(sections) = sections else {
                    continue;
                };
                for (section, fields) in sections {
                    let Value::Object(fields) = fields else {
                        continue;
                    };
                    for (field, expected) in fields {
                        seeds.push(SeedCase {
                            doc: format!("seeds/{file}"),
                            key: format!("{section}.{field}"),
                            expected,
                        });
                    }
                }
            }
        }
    } else {
        warnings.push(format!("{}: missing", expected.display()));
    }
    Ok(Collected {
        cases,
        seeds,
        warnings,
    })
}

/// Judges one seed expectation against the report as JSON: (pass, what the report says).
fn judge_seed(key: &str, expected: &Value, report: &Value) -> (bool, Value) {
    let (section, field) = key.split_once('.').unwrap_or(("", key));
    let (field, include) = match field.strip_suffix("Include") {
        Some(base) => (base, true),
        None => (field, false),
    };
    let mut got = report
        .get(section)
        .and_then(|s| s.get(field))
        .cloned()
        .unwrap_or(Value::Null);
    if let Some(v) = got.get("verdict") {
        got = v.clone();
    }
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| {
                        x.as_str()
                            .or_else(|| x.get("purpose").and_then(Value::as_str))
                            .or_else(|| x.get("name").and_then(Value::as_str))
                            .map(str::to_string)
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    // Contact items compare as the eval compares them (see `labels::same_item`).
    let contact = match (section, field) {
        ("contact", "emails") => Some(Finding::Emails),
        ("contact", "phones") => Some(Finding::Phones),
        ("contact", "urls") => Some(Finding::Urls),
        ("contact", "postalAddresses") => Some(Finding::Postal),
        ("contact", "otherChannels") => Some(Finding::OtherChannels),
        _ => None,
    };
    if include {
        let have = names(&got);
        let want = names(expected);
        let same = |w: &String, h: &String| match contact {
            Some(f) => labels::same_item(f, w, h),
            None => w.eq_ignore_ascii_case(h),
        };
        let ok = want.iter().all(|w| have.iter().any(|h| same(w, h)));
        return (ok, Value::from(have));
    }
    if let Some(accept) = expected.get("accept").and_then(Value::as_array) {
        return (accept.contains(&got), got);
    }
    if let (Some(f), true) = (contact, expected.is_array()) {
        let (_, missing, extra) = labels::match_sets(f, &names(expected), &names(&got));
        return (missing.is_empty() && extra.is_empty(), got);
    }
    if expected.is_array() {
        let mut a = names(expected);
        let mut b = names(&got);
        a.iter_mut().for_each(|s| *s = s.to_lowercase());
        b.iter_mut().for_each(|s| *s = s.to_lowercase());
        a.sort();
        a.dedup();
        b.sort();
        b.dedup();
        return (a == b, got);
    }
    (expected == &got, got)
}

/// The analysis of one document.
struct Analyzed {
    report: Report,
    json: Value,
    text: String,
}

pub fn run(args: &[String]) -> Result<ExitCode, Usage> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("{}", crate::HELP);
        return Ok(ExitCode::SUCCESS);
    }
    let o = parse(args)?;
    let started = Instant::now();
    let Some(corpus) = find_corpus(o.corpus.as_deref()) else {
        match &o.corpus {
            Some(p) => println!("corpus not found at {}, skipping", p.display()),
            None => println!(
                "corpus not found (looked for shared/corpus beside the current directory, the executable and the source tree; give --corpus DIR), skipping"
            ),
        }
        return Ok(ExitCode::SUCCESS);
    };
    let Collected {
        cases,
        seeds,
        warnings,
    } = match collect(&corpus, &o) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("policy-lens: eval: {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    for w in &warnings {
        eprintln!("policy-lens: eval: warning: {w}");
    }

    // Every document once, in a stable order.
    let docs: Vec<String> = cases
        .iter()
        .map(|c| c.doc.clone())
        .chain(seeds.iter().map(|s| s.doc.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut analyzed: HashMap<String, Analyzed> = HashMap::new();
    let mut failed_docs = Vec::new();
    let mut results: Vec<Option<Result<Analyzed, String>>> =
        (0..docs.len()).map(|_| None).collect();
    par::for_each_ordered(
        &docs,
        o.jobs,
        true,
        |doc| {
            input::load(corpus.join(doc))
                .map_err(|e| e.to_string())
                .map(|inp| {
                    let report = inp.analyze();
                    let json = serde_json::to_value(&report).unwrap_or(Value::Null);
                    Analyzed {
                        report,
                        json,
                        text: inp.text(),
                    }
                })
        },
        |i, r, _| {
            results[i] = Some(r.unwrap_or_else(|p| Err(format!("analyzer panicked: {p}"))));
        },
    );
    for (doc, r) in docs.iter().zip(results) {
        match r {
            Some(Ok(a)) => {
                analyzed.insert(doc.clone(), a);
            }
            Some(Err(e)) => {
                eprintln!("policy-lens: eval: {doc}: {e}");
                failed_docs.push(doc.clone());
            }
            None => failed_docs.push(doc.clone()),
        }
    }

    // Seeds.
    let mut seed_results = Vec::new();
    for s in &seeds {
        let Some(a) = analyzed.get(&s.doc) else {
            seed_results.push((s, false, Value::String("document not analyzed".into())));
            continue;
        };
        let (ok, got) = judge_seed(&s.key, &s.expected, &a.json);
        seed_results.push((s, ok, got));
    }
    let seed_failures = seed_results.iter().filter(|r| !r.1).count();

    if o.seeds_only {
        println!("seed expectations ({}):", corpus.join("seeds").display());
        for (s, ok, got) in &seed_results {
            let mark = if *ok { "pass" } else { "FAIL" };
            println!(
                "  {mark}  {} {}: expected {}, got {}",
                s.doc, s.key, s.expected, got
            );
        }
        println!(
            "{} of {} seed expectations pass",
            seed_results.len() - seed_failures,
            seed_results.len()
        );
        return Ok(if o.check && seed_failures > 0 {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        });
    }

    // Score.
    let mut tables: BTreeMap<Set, Table> = BTreeMap::new();
    let mut all = Table::new();
    let mut docs_in: BTreeMap<Set, BTreeSet<&str>> = BTreeMap::new();
    let mut disagreements = Vec::new();
    for c in &cases {
        let Some(a) = analyzed.get(&c.doc) else {
            continue;
        };
        let out = judge(&c.label, &a.report);
        add(tables.entry(c.set).or_default(), c.label.finding, &out);
        docs_in.entry(c.set).or_default().insert(&c.doc);
        if c.set != Set::Silver {
            add(&mut all, c.label.finding, &out);
            if !out.correct {
                disagreements.push((c, out));
            }
        }
    }
    let all_docs: BTreeSet<&str> = docs_in
        .iter()
        .filter(|(s, _)| **s != Set::Silver)
        .flat_map(|(_, d)| d.iter().copied())
        .collect();
    let judged = if o.gold_only {
        tables.get(&Set::Gold).cloned().unwrap_or_default()
    } else {
        all.clone()
    };
    let mut bars = Vec::new();
    for &(name, f, m, min) in BARS {
        let v = judged.get(&f).and_then(|s| s.measure(m));
        let pass = v.is_some_and(|v| v >= min);
        bars.push((name, v, min, pass));
    }
    let bars_failed = bars.iter().filter(|b| !b.3).count();

    disagreements.sort_by(|a, b| {
        (a.0.set, a.0.label.finding, &a.0.doc).cmp(&(b.0.set, b.0.label.finding, &b.0.doc))
    });
    let describe = |c: &Case, out: &Outcome| -> (String, String) {
        let a = &analyzed[&c.doc];
        let ev = labels::evidence(&a.report, c.label.finding);
        // For an extra contact item, the evidence that contains it.
        // For set findings only the evidence that holds an extra item says anything.
        let pick = out
            .extra
            .iter()
            .find_map(|x| {
                // A kind (`accessControls`): the quote of that kind.
                if let Some(q) = labels::kind_evidence(&a.report, c.label.finding, x) {
                    return Some(q);
                }
                let x = x.to_lowercase();
                ev.iter().find(|e| e.to_lowercase().contains(&x)).copied()
            })
            .or(if c.label.finding.kind() == Kind::Set {
                None
            } else {
                ev.first().copied()
            });
        let report_ev = pick.map_or(String::new(), |e| shorten(e, 200));
        // For a missing item, where the text has it.
        let text_ev = out
            .missing
            .iter()
            .find_map(|m| context(&a.text, m, 200))
            .unwrap_or_default();
        (report_ev, text_ev)
    };

    if o.json {
        let mut t = serde_json::Map::new();
        for (set, table) in &tables {
            let name = match set {
                Set::Gold => "gold",
                Set::Silver => "silver",
                Set::Corrected => "silverCorrected",
                Set::Labelled => "labelled",
            };
            t.insert(name.into(), table_json(table));
        }
        if !o.gold_only {
            t.insert("all".into(), table_json(&all));
        }
        let dis: Vec<Value> = disagreements
            .iter()
            .take(o.disagreements)
            .map(|(c, out)| {
                let (ev, text_ev) = describe(c, out);
                json!({"doc": c.doc, "source": c.source, "field": c.label.field,
                       "finding": c.label.finding.name(), "expected": out.expected, "got": out.got,
                       "evidence": ev, "textHasMissing": text_ev, "goldEvidence": c.gold_evidence})
            })
            .collect();
        let v = json!({
            "corpus": corpus.display().to_string(),
            "documents": analyzed.len(),
            "failedDocuments": failed_docs,
            "tables": t,
            "bars": bars.iter().map(|(n, v, min, pass)| json!({"bar": n, "value": v, "min": min, "pass": pass})).collect::<Vec<_>>(),
            "seeds": seed_results.iter().map(|(s, ok, got)| json!({"doc": s.doc, "key": s.key, "expected": s.expected, "got": got, "pass": ok})).collect::<Vec<_>>(),
            "disagreements": dis,
            "disagreementsTotal": disagreements.len(),
        });
        println!("{v}");
    } else {
        println!(
            "policy-lens eval: {} documents from {} in {:.1} s",
            analyzed.len(),
            corpus.display(),
            started.elapsed().as_secs_f64()
        );
        let count = |s: Set| docs_in.get(&s).map_or(0, BTreeSet::len);
        if let Some(t) = tables.get(&Set::Gold) {
            print_table("gold (devgold.jsonl)", count(Set::Gold), t);
        }
        if let Some(t) = tables.get(&Set::Silver) {
            print_table(
                "silver (opp115, goppc, c3pa labels; documents not in devgold, c3pa rights on all)",
                count(Set::Silver),
                t,
            );
        }
        if let Some(t) = tables.get(&Set::Corrected) {
            print_table(
                "silver (corrected by eval/silver-corrections.jsonl)",
                count(Set::Corrected),
                t,
            );
        }
        if let Some(t) = tables.get(&Set::Labelled) {
            print_table(
                "own labelled sets (eval/labelled/*.jsonl, ota policies)",
                count(Set::Labelled),
                t,
            );
        }
        if !o.gold_only {
            print_table(
                "all (gold + corrected silver + own labels)",
                all_docs.len(),
                &all,
            );
        }

        let shown = disagreements.len().min(o.disagreements);
        if shown > 0 {
            println!("\ndisagreements ({shown} of {}):", disagreements.len());
        }
        for (c, out) in disagreements.iter().take(o.disagreements) {
            let set = match c.set {
                Set::Gold => "gold",
                Set::Labelled => "own",
                _ => "silver",
            };
            println!(
                "- {} [{set} {}.{}] {}: expected {}, got {}",
                c.doc,
                c.source,
                c.label.field,
                c.label.finding.name(),
                out.expected,
                out.got
            );
            let (ev, text_ev) = describe(c, out);
            if !ev.is_empty() {
                println!("    report: \"{ev}\"");
            }
            if !text_ev.is_empty() {
                println!("    text:   \"{text_ev}\"");
            }
            if let Some(g) = &c.gold_evidence {
                println!("    gold:   \"{}\"", shorten(g, 200));
            }
        }

        println!(
            "\nseed expectations: {} of {} pass",
            seed_results.len() - seed_failures,
            seed_results.len()
        );
        for (s, ok, got) in &seed_results {
            if !ok {
                println!(
                    "  FAIL {} {}: expected {}, got {}",
                    s.doc, s.key, s.expected, got
                );
            }
        }
        let on = if o.gold_only {
            "gold"
        } else {
            "gold + corrected silver"
        };
        println!("\nbars (on {on}):");
        for (name, v, min, pass) in &bars {
            let mark = if *pass { "pass" } else { "FAIL" };
            println!("  {mark}  {name:<28} {} (needs ≥ {min:.2})", fmt_opt(*v));
        }
        if !failed_docs.is_empty() {
            println!(
                "  FAIL  {} documents could not be read: {}",
                failed_docs.len(),
                failed_docs.join(", ")
            );
        }
    }

    let failed = bars_failed > 0 || seed_failures > 0 || !failed_docs.is_empty();
    if o.check && failed {
        eprintln!(
            "policy-lens: eval --check: {bars_failed} bar(s) missed, {seed_failures} seed expectation(s) failed, {} document(s) unreadable",
            failed_docs.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// About `width` characters of `text` around the first case-insensitive occurrence of `needle`
/// (for phones, of its last 7 digits as written is not tried: the needle as given).
fn context(text: &str, needle: &str, width: usize) -> Option<String> {
    let needle = needle.trim();
    if needle.is_empty() {
        return None;
    }
    let lower = text.to_lowercase();
    // Lower-casing can change byte lengths; only use it when it did not.
    let at = if lower.len() == text.len() {
        lower.find(&needle.to_lowercase())?
    } else {
        text.find(needle)?
    };
    let half = width / 2;
    let mut start = at.saturating_sub(half);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + needle.len() + half).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let s = text[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Some(format!(
        "{}{s}{}",
        if start > 0 { "…" } else { "" },
        if end < text.len() { "…" } else { "" }
    ))
}
