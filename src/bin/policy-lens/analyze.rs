//! `policy-lens analyze`: one summary (or one JSON line) per file.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use policy_lens::input;
use policy_lens::{Evidence, Report, SignalVerdict, YesNo};

use crate::{option_value, par, parse_jobs, split_option, Usage};

/// File extensions a directory walk picks up.
pub const EXTENSIONS: &[&str] = &["txt", "md", "markdown", "html", "htm"];

/// One thing to analyze.
enum Item {
    File(PathBuf),
    Stdin(Vec<u8>),
}

pub fn run(args: &[String]) -> Result<ExitCode, Usage> {
    let mut json = false;
    let mut jobs = par::default_jobs();
    let mut paths: Vec<String> = Vec::new();
    let mut i = 0;
    let mut only_paths = false;
    while i < args.len() {
        let arg = &args[i];
        let (name, inline) = split_option(arg);
        if only_paths || arg == "-" || !arg.starts_with('-') {
            paths.push(arg.clone());
        } else {
            match name {
                "--" => only_paths = true,
                "--json" => json = true,
                "-j" | "--jobs" => jobs = parse_jobs(&option_value(args, &mut i, name, inline)?)?,
                "-h" | "--help" => {
                    print!("{}", crate::HELP);
                    return Ok(ExitCode::SUCCESS);
                }
                _ => return Err(Usage(format!("analyze: unknown option {arg:?}"))),
            }
        }
        i += 1;
    }
    if paths.is_empty() {
        return Err(Usage("analyze: no FILE, DIR or - given".into()));
    }

    let mut failed = false;
    let mut items = Vec::new();
    for p in &paths {
        if p == "-" {
            let mut buf = Vec::new();
            match std::io::stdin().read_to_end(&mut buf) {
                Ok(_) => items.push(Item::Stdin(buf)),
                Err(e) => {
                    eprintln!("policy-lens: -: cannot read standard input: {e}");
                    failed = true;
                }
            }
            continue;
        }
        let path = Path::new(p);
        if path.is_dir() {
            let mut found = Vec::new();
            let mut errors = Vec::new();
            walk(path, &mut found, &mut errors);
            for e in errors {
                eprintln!("policy-lens: {e}");
                failed = true;
            }
            if found.is_empty() {
                eprintln!(
                    "policy-lens: {}: no .txt, .md, .markdown, .html or .htm files in this directory",
                    path.display()
                );
                failed = true;
            }
            found.sort();
            items.extend(found.into_iter().map(Item::File));
        } else {
            items.push(Item::File(path.to_path_buf()));
        }
    }

    // Test hook (tests/cli.rs, `a_file_that_vanishes_mid_run_is_reported`): with
    // POLICY_LENS_TEST_PAUSE_BEFORE_READING set, say how many inputs were listed and wait for a
    // line on standard input before reading any of them, so that a test can delete a listed
    // file in between: deterministically, a file that vanishes mid-run.
    if std::env::var_os("POLICY_LENS_TEST_PAUSE_BEFORE_READING").is_some() {
        eprintln!("policy-lens: listed {} inputs", items.len());
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
    }

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut first = true;
    par::for_each_ordered(
        &items,
        jobs,
        true,
        |item| {
            let (name, loaded) = match item {
                Item::File(p) => (p.display().to_string(), input::load(p)),
                Item::Stdin(b) => ("-".to_string(), input::from_bytes("-", b)),
            };
            // Formatting happens here, on the worker, so the printing thread only writes.
            loaded.map(|inp| {
                let report = inp.analyze();
                if json {
                    json_line(&name, &report)
                } else {
                    summary(&name, &report)
                }
            })
        },
        |i, result, bar| {
            let name = match &items[i] {
                Item::File(p) => p.display().to_string(),
                Item::Stdin(_) => "-".to_string(),
            };
            match result {
                Ok(Ok(text)) => {
                    if !json && !first {
                        let _ = out.write_all(b"\n");
                    }
                    first = false;
                    let _ = out.write_all(text.as_bytes());
                }
                Ok(Err(e)) => {
                    let _ = out.flush();
                    bar.clear();
                    eprintln!("policy-lens: {e}");
                    failed = true;
                }
                Err(panic) => {
                    let _ = out.flush();
                    bar.clear();
                    eprintln!(
                        "policy-lens: {name}: internal error (the analyzer panicked: {panic})"
                    );
                    failed = true;
                }
            }
        },
    );
    let _ = out.flush();
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Collects the policy files under `dir`, recursively; symbolic links to directories are not
/// followed (no loops).
pub fn walk(dir: &Path, found: &mut Vec<PathBuf>, errors: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(format!(
                "{}: cannot read directory: {}",
                dir.display(),
                io_reason(&e)
            ));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push(format!(
                    "{}: cannot read directory: {}",
                    dir.display(),
                    io_reason(&e)
                ));
                continue;
            }
        };
        let path = entry.path();
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            walk(&path, found, errors);
        } else if has_policy_extension(&path) && (ft.is_file() || path.is_file()) {
            found.push(path);
        }
    }
}

fn has_policy_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::NotFound => "no such directory".into(),
        _ => e.to_string(),
    }
}

/// The report as one JSON line, with `"file"` first.
pub fn json_line(name: &str, report: &Report) -> String {
    let body = serde_json::to_string(report).expect("a report always serializes");
    let file = serde_json::to_string(name).expect("a string always serializes");
    match body.strip_prefix('{') {
        Some(rest) if rest != "}" => format!("{{\"file\":{file},{rest}\n"),
        _ => format!("{{\"file\":{file}}}\n"),
    }
}

/// The first evidence's text, shortened to about `max` characters.
pub fn quote(evidence: &[Evidence], max: usize) -> String {
    match evidence.first() {
        Some(e) => format!("\"{}\"", shorten(&e.text, max)),
        None => String::new(),
    }
}

/// `s` cut at a word boundary near `max` characters, with an ellipsis.
pub fn shorten(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        return s;
    }
    let cut: String = s.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

pub fn yes_no(v: YesNo) -> &'static str {
    match v {
        YesNo::Yes => "yes",
        YesNo::No => "no",
        YesNo::NotMentioned => "notMentioned",
    }
}

pub fn signal(v: SignalVerdict) -> &'static str {
    match v {
        SignalVerdict::Honored => "honored",
        SignalVerdict::NotHonored => "notHonored",
        SignalVerdict::Unclear => "unclear",
        SignalVerdict::NotMentioned => "notMentioned",
    }
}

fn line(out: &mut String, label: &str, value: &str, evidence: &[Evidence]) {
    let q = quote(evidence, 90);
    if q.is_empty() {
        out.push_str(&format!("  {label:<15}{value}\n"));
    } else {
        out.push_str(&format!("  {label:<15}{value}  {q}\n"));
    }
}

/// The readable summary of one report.
pub fn summary(name: &str, r: &Report) -> String {
    let mut o = format!("== {name}\n");
    let p = &r.is_policy;
    let likely = if p.likely { "yes" } else { "no" };
    line(
        &mut o,
        "policy",
        &format!("{likely} (score {:.2})", p.score),
        &[],
    );
    let t = &r.third_party_sharing;
    line(&mut o, "sharing", yes_no(t.verdict), &t.evidence);
    if !t.purposes.is_empty() {
        let names: Vec<&str> = t.purposes.iter().map(|p| p.purpose.name()).collect();
        let ev = t.purposes.first().map_or(&[][..], |p| &p.evidence[..]);
        line(&mut o, "  purposes", &names.join(", "), ev);
    }
    line(
        &mut o,
        "  marketing",
        yes_no(t.marketing.verdict),
        &t.marketing.evidence,
    );
    line(
        &mut o,
        "  sells",
        yes_no(t.sells.verdict),
        &t.sells.evidence,
    );
    if !t.named_third_parties.is_empty() {
        let names: Vec<&str> = t
            .named_third_parties
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        line(&mut o, "  parties", &names.join(", "), &[]);
    }
    let d = &r.do_not_track;
    line(&mut o, "do not track", signal(d.verdict), &d.evidence);
    let g = &r.global_privacy_control;
    line(&mut o, "GPC", signal(g.verdict), &g.evidence);
    let m = &r.minimum_age;
    let age = m.age.map_or("none stated".to_string(), |a| a.to_string());
    let mut extra = Vec::new();
    if m.all_ages.len() > 1 || (m.all_ages.len() == 1 && m.age.is_none()) {
        let all: Vec<String> = m.all_ages.iter().map(u32::to_string).collect();
        extra.push(format!("all ages {}", all.join("/")));
    }
    if m.parental_consent {
        extra.push("parental consent".into());
    }
    extra.push(if m.children_mentioned {
        "children mentioned".into()
    } else {
        "children not mentioned".into()
    });
    line(
        &mut o,
        "minimum age",
        &format!("{age} ({})", extra.join(", ")),
        &m.evidence,
    );
    let c = &r.contact;
    let mut all: Vec<&str> = Vec::new();
    for list in [
        &c.emails,
        &c.phones,
        &c.urls,
        &c.postal_addresses,
        &c.other_channels,
    ] {
        all.extend(list.iter().map(String::as_str));
    }
    let contacts = if all.is_empty() {
        "none found".to_string()
    } else {
        all.join("; ")
    };
    line(&mut o, "contact", &contacts, &c.evidence);
    more_findings(&mut o, r);
    o
}

/// Names of a list of kinds, or `none` (with the first evidence of the list).
fn kinds<'a, T: 'a>(
    items: &'a [T],
    name: impl Fn(&T) -> &'static str,
    ev: impl Fn(&'a T) -> &'a [Evidence],
) -> (String, &'a [Evidence]) {
    if items.is_empty() {
        return ("none".into(), &[]);
    }
    let names: Vec<&str> = items.iter().map(&name).collect();
    (names.join(", "), ev(&items[0]))
}

/// The findings added after the first ones (docs/findings.md).
fn more_findings(o: &mut String, r: &Report) {
    let ret = &r.retention;
    let periods: Vec<&str> = ret.periods.iter().map(|p| p.period.as_str()).collect();
    let value = match (ret.stated, ret.mentioned) {
        (true, _) => format!("stated: {}", periods.join("; ")),
        (false, true) => "mentioned, no period".into(),
        _ => "not mentioned".into(),
    };
    let ev = ret
        .periods
        .first()
        .map_or(&ret.evidence[..], |p| &p.evidence);
    line(o, "retention", &value, ev);

    let granted: Vec<&str> = r
        .rights
        .rights
        .iter()
        .filter(|x| x.verdict == YesNo::Yes)
        .map(|x| x.right.name())
        .collect();
    let denied: Vec<&str> = r
        .rights
        .rights
        .iter()
        .filter(|x| x.verdict == YesNo::No)
        .map(|x| x.right.name())
        .collect();
    let mut value = if granted.is_empty() {
        "none stated".to_string()
    } else {
        granted.join(", ")
    };
    if !denied.is_empty() {
        value.push_str(&format!(" (not: {})", denied.join(", ")));
    }
    let ev = r.rights.rights.first().map_or(&[][..], |x| &x.evidence[..]);
    line(o, "rights", &value, ev);
    let e = &r.rights.exercise;
    let mut how: Vec<&str> = Vec::new();
    for list in [&e.emails, &e.urls, &e.phones, &e.other] {
        how.extend(list.iter().map(String::as_str));
    }
    if !how.is_empty() {
        line(o, "  requests", &how.join("; "), &e.evidence);
    }

    let (value, ev) = kinds(&r.opt_outs, |x| x.kind.name(), |x| &x.evidence);
    line(o, "opt-outs", &value, ev);

    let t = &r.tracking;
    let mut value = yes_no(t.verdict).to_string();
    if !t.technologies.is_empty() {
        let names: Vec<&str> = t.technologies.iter().map(|x| x.name()).collect();
        value.push_str(&format!(" ({})", names.join(", ")));
    }
    if t.third_party != YesNo::NotMentioned {
        value.push_str(&format!(", third parties: {}", yes_no(t.third_party)));
    }
    line(o, "tracking", &value, &t.evidence);
    if !t.services.is_empty() {
        let names: Vec<&str> = t.services.iter().map(|x| x.name.as_str()).collect();
        line(o, "  services", &names.join(", "), &[]);
    }

    let s = &r.security;
    let (measures, ev) = kinds(&s.measures, |x| x.measure.name(), |x| &x.evidence);
    let value = match (s.stated, s.measures.is_empty()) {
        (_, false) => measures,
        (true, true) => "stated, no specific measure".into(),
        _ => "not mentioned".into(),
    };
    line(
        o,
        "security",
        &value,
        if ev.is_empty() { &s.evidence } else { ev },
    );
    let b = &s.breach_notification;
    if b.verdict != YesNo::NotMentioned {
        line(o, "  breach notice", yes_no(b.verdict), &b.evidence);
    }

    let c = &r.policy_changes;
    let (value, ev) = kinds(&c.notices, |x| x.notice.name(), |x| &x.evidence);
    line(o, "changes", &value, ev);
    if let Some(d) = &c.updated {
        let iso = d
            .iso
            .as_deref()
            .map_or(String::new(), |i| format!(" ({i})"));
        line(o, "  updated", &format!("{}{iso}", d.date), &d.evidence);
    }

    let x = &r.international_transfers;
    let (safeguards, _) = kinds(&x.safeguards, |s| s.safeguard.name(), |s| &s.evidence);
    let value = if x.safeguards.is_empty() {
        yes_no(x.verdict).to_string()
    } else {
        format!("{} ({safeguards})", yes_no(x.verdict))
    };
    line(o, "transfers", &value, &x.evidence);
}

/// `policy-lens blocks [--json] FILE`: what the analyzer reads from a file.
pub fn blocks(args: &[String]) -> Result<ExitCode, Usage> {
    let json = args.iter().any(|a| a == "--json");
    let files: Vec<&String> = args.iter().filter(|a| *a != "--json").collect();
    let [file] = files[..] else {
        return Err(Usage("blocks: give exactly one FILE".into()));
    };
    if file.starts_with('-') && file != "-" {
        return Err(Usage(format!("blocks: unknown option {file:?}")));
    }
    let loaded = if file == "-" {
        let mut buf = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut buf);
        input::from_bytes("-", &buf)
    } else {
        input::load(file)
    };
    let doc = match loaded {
        Ok(input::Input::Html(d)) => d,
        Ok(input::Input::Text(t)) => {
            // Plain text is analyzed as it is; show it as one block.
            policy_lens::Document {
                blocks: vec![policy_lens::Block::new(
                    policy_lens::BlockKind::Paragraph,
                    t,
                )],
                ..Default::default()
            }
        }
        Err(e) => {
            eprintln!("policy-lens: {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let mut out = std::io::stdout().lock();
    if json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(t) = &doc.title {
        let _ = writeln!(out, "title: {t}");
    }
    if let Some(u) = &doc.url {
        let _ = writeln!(out, "url:   {u}");
    }
    for b in &doc.blocks {
        let kind = match b.kind {
            policy_lens::BlockKind::Heading => format!("h{}", b.level),
            policy_lens::BlockKind::Paragraph => "p".into(),
            policy_lens::BlockKind::ListItem => "li".into(),
            policy_lens::BlockKind::TableCell => "td".into(),
        };
        let _ = writeln!(out, "[{kind}] {}", b.text.replace('\n', "\n     "));
        for l in &b.links {
            let _ = writeln!(out, "     -> {l}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
