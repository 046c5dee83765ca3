//! The `policy-lens` binary, run on files written into a temporary directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_policy-lens");

/// A fresh directory under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "policy-lens-cli-{name}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn copy_fixture(&self, name: &str) -> PathBuf {
        let bytes = std::fs::read(fixture(name)).unwrap();
        self.write(name, bytes)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/input")
        .join(name)
}

const POLICY: &str = "Privacy Policy\n\nWe do not respond to Do Not Track signals.\n\n\
                      Contact us at privacy@example.com with any question.\n";

fn run(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let mut c = Command::new(BIN);
    for a in args {
        c.arg(a);
    }
    c.stdin(Stdio::null()).output().expect("run policy-lens")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn json_lines(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn utf16_len(s: &str) -> u64 {
    s.encode_utf16().count() as u64
}

#[test]
fn json_lines_have_the_report_and_a_file_key() {
    let d = TempDir::new("json");
    let a = d.write("a.txt", POLICY);
    let b = d.write("b.md", POLICY);
    let o = run(&[&"analyze", &"--json", &a, &b]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 2);
    for (line, path) in lines.iter().zip([&a, &b]) {
        assert_eq!(line["file"], path.display().to_string());
        for key in [
            "isPolicy",
            "thirdPartySharing",
            "doNotTrack",
            "globalPrivacyControl",
            "minimumAge",
            "contact",
        ] {
            assert!(line.get(key).is_some(), "{key} missing in {line}");
        }
        assert_eq!(line["meta"]["analyzedLength"], utf16_len(POLICY));
    }
    assert!(stdout(&o).starts_with("{\"file\":"));
}

#[test]
fn encodings_are_read() {
    let d = TempDir::new("enc");
    let want = std::fs::read_to_string(fixture("expected.txt")).unwrap();
    let files: Vec<PathBuf> = [
        "utf16le.txt",
        "utf16be.txt",
        "windows-1252.txt",
        "utf8-bom.md",
    ]
    .iter()
    .map(|n| d.copy_fixture(n))
    .collect();
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"analyze", &"--json"];
    for f in &files {
        args.push(f);
    }
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = json_lines(&o);
    assert_eq!(lines.len(), files.len());
    for l in &lines {
        // The decoded text has the length of the UTF-8 original: decoding worked.
        assert_eq!(
            l["meta"]["analyzedLength"],
            utf16_len(&want),
            "{}",
            l["file"]
        );
        let emails = l["contact"]["emails"].to_string();
        assert!(
            emails.contains("privacy@example.com"),
            "{}: {emails}",
            l["file"]
        );
    }
}

#[test]
fn html_is_parsed() {
    let d = TempDir::new("html");
    let page = d.copy_fixture("page.html");
    let o = run(&[&"analyze", &"--json", &page]);
    assert!(o.status.success(), "{}", stderr(&o));
    let l = &json_lines(&o)[0];
    let emails = l["contact"]["emails"].to_string();
    assert!(emails.contains("privacy@example.com"), "{emails}");
    assert!(
        !emails.contains("press@example.com"),
        "footer link leaked: {emails}"
    );
}

#[test]
fn a_missing_file_gives_one_error_line_and_the_others_still_run() {
    let d = TempDir::new("missing");
    let a = d.write("a.txt", POLICY);
    let missing = d.0.join("missing.txt");
    let o = run(&[&"analyze", &"--json", &missing, &a]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(
        err.trim_end(),
        format!("policy-lens: {}: no such file", missing.display())
    );
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["file"], a.display().to_string());
}

#[test]
fn empty_and_binary_files_get_clear_messages() {
    let d = TempDir::new("bad");
    let empty = d.write("empty.txt", "");
    let blank = d.write("blank.md", "  \n\n ");
    let binary = d.copy_fixture("binary.dat");
    let good = d.write("good.txt", POLICY);
    let o = run(&[&"analyze", &empty, &blank, &binary, &good]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        [
            format!(
                "policy-lens: {}: empty file (no text to analyze)",
                empty.display()
            ),
            format!(
                "policy-lens: {}: empty file (no text to analyze)",
                blank.display()
            ),
            format!(
                "policy-lens: {}: binary file (NUL bytes), not text or HTML",
                binary.display()
            ),
        ]
    );
    // The readable summary of the good file.
    let out = stdout(&o);
    assert!(
        out.starts_with(&format!("== {}\n", good.display())),
        "{out}"
    );
    assert!(out.contains("do not track"), "{out}");
}

#[test]
fn a_directory_argument_reads_policy_files_in_sorted_order() {
    let d = TempDir::new("dir");
    d.write("b.txt", POLICY);
    d.write("sub/a.md", POLICY);
    d.write(
        "c.html",
        "<p>We do not respond to Do Not Track signals.</p>",
    );
    d.write("ignored.json", "{}");
    d.write("ignored.bin", [0u8, 1, 2]);
    let o = run(&[&"analyze", &"--json", &"--jobs", &"3", &d.0]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files: Vec<String> = json_lines(&o)
        .iter()
        .map(|l| l["file"].as_str().unwrap().to_string())
        .collect();
    let want: Vec<String> = ["b.txt", "c.html", "sub/a.md"]
        .iter()
        .map(|n| d.0.join(n).display().to_string())
        .collect();
    assert_eq!(files, want);
}

#[test]
fn many_files_keep_input_order_in_parallel() {
    let d = TempDir::new("many");
    let paths: Vec<PathBuf> = (0..40)
        .map(|i| d.write(&format!("p{i:02}.txt"), POLICY.repeat(i % 7 + 1)))
        .collect();
    let o = run(&[&"analyze", &"--json", &"-j", &"4", &d.0]);
    assert!(o.status.success());
    let files: Vec<String> = json_lines(&o)
        .iter()
        .map(|l| l["file"].as_str().unwrap().to_string())
        .collect();
    let want: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    assert_eq!(files, want);
}

#[test]
fn standard_input_is_read_with_dash() {
    let mut c = Command::new(BIN)
        .args(["analyze", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    c.stdin
        .take()
        .unwrap()
        .write_all(POLICY.as_bytes())
        .unwrap();
    let o = c.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let l = &json_lines(&o)[0];
    assert_eq!(l["file"], "-");
    assert_eq!(l["meta"]["analyzedLength"], utf16_len(POLICY));
}

fn running_as_root() -> bool {
    // Without a libc crate: the effective uid from /proc, where it exists.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let d = TempDir::new("perm");
    let locked = d.write("locked.txt", POLICY);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if running_as_root() || std::fs::read(&locked).is_ok() {
        eprintln!("skipping: running as root, where permission checks do not apply");
        return;
    }
    let o = run(&[&"analyze", &locked]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o).trim_end(),
        format!("policy-lens: {}: permission denied", locked.display())
    );
}

#[cfg(unix)]
#[test]
fn a_directory_without_permission_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let d = TempDir::new("dirperm");
    d.write("ok/a.txt", POLICY);
    d.write("locked/b.txt", POLICY);
    let locked = d.0.join("locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read_dir(&locked).is_ok();
    if running_as_root() || readable {
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("skipping: running as root, where permission checks do not apply");
        return;
    }
    let o = run(&[&"analyze", &"--json", &d.0]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o).trim_end(),
        format!(
            "policy-lens: {}: cannot read directory: permission denied",
            locked.display()
        )
    );
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 1, "the readable part still runs");
}

/// A file whose metadata says "regular file" but whose read fails, even for root:
/// `/proc/self/mem` of the policy-lens process (reading at offset 0 gives EIO).
#[cfg(target_os = "linux")]
#[test]
fn a_file_that_fails_to_read_is_reported_even_as_root() {
    let mem = Path::new("/proc/self/mem");
    if !mem.is_file() {
        eprintln!("skipping: no /proc/self/mem");
        return;
    }
    let d = TempDir::new("eio");
    let good = d.write("good.txt", POLICY);
    let o = run(&[&"analyze", &"--json", &mem, &good]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("policy-lens: /proc/self/mem: cannot read: "),
        "{err}"
    );
    assert_eq!(json_lines(&o).len(), 1);
}

/// A FIFO is refused before it is opened (opening it would block until a writer comes).
#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_hanging() {
    let d = TempDir::new("fifo");
    let fifo = d.0.join("pipe.txt");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipping: mkfifo not available");
        return;
    }
    let good = d.write("good.txt", POLICY);
    let o = run(&[&"analyze", &"--json", &fifo, &good]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o).trim_end(),
        format!("policy-lens: {}: not a regular file", fifo.display())
    );
    assert_eq!(json_lines(&o).len(), 1);
    // In a directory walk, a FIFO is not a policy file: skipped, the run succeeds.
    let o = run(&[&"analyze", &"--json", &d.0]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json_lines(&o).len(), 1);
}

/// A dangling symbolic link: listed, but there is nothing to read. On the command line it is
/// reported; in a directory walk it is not a policy file and is skipped.
#[cfg(unix)]
#[test]
fn a_dangling_symlink_is_reported_or_skipped() {
    let d = TempDir::new("dangling");
    let good = d.write("good.txt", POLICY);
    let link = d.0.join("gone.txt");
    std::os::unix::fs::symlink(d.0.join("never-there.txt"), &link).unwrap();
    let o = run(&[&"analyze", &"--json", &link, &good]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o).trim_end(),
        format!("policy-lens: {}: no such file", link.display())
    );
    assert_eq!(json_lines(&o).len(), 1);
    let o = run(&[&"analyze", &"--json", &d.0]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json_lines(&o).len(), 1);
}

/// A file listed by the directory walk and deleted before it is read. The binary's test hook
/// `POLICY_LENS_TEST_PAUSE_BEFORE_READING` makes it wait between listing and reading, so the
/// deletion happens exactly there.
#[test]
fn a_file_that_vanishes_mid_run_is_reported() {
    use std::io::{BufRead, BufReader, Read, Write};
    let d = TempDir::new("vanish");
    d.write("a.txt", POLICY);
    let gone = d.write("b.txt", POLICY);
    d.write("c.txt", POLICY);
    let mut child = Command::new(BIN)
        .args(["analyze", "--json", "-j", "2"])
        .arg(&d.0)
        .env("POLICY_LENS_TEST_PAUSE_BEFORE_READING", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert_eq!(line.trim_end(), "policy-lens: listed 3 inputs");
    std::fs::remove_file(&gone).unwrap();
    child.stdin.take().unwrap().write_all(b"go\n").unwrap();
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        rest.trim_end(),
        format!("policy-lens: {}: no such file", gone.display())
    );
    let files: Vec<String> = json_lines(&o)
        .iter()
        .map(|l| l["file"].as_str().unwrap().to_string())
        .collect();
    let want: Vec<String> = ["a.txt", "c.txt"]
        .iter()
        .map(|n| d.0.join(n).display().to_string())
        .collect();
    assert_eq!(files, want);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["frobnicate"],
        &["analyze"],
        &["analyze", "--bogus", "x.txt"],
        &["analyze", "--jobs"],
        &["analyze", "--jobs", "0", "x.txt"],
        &["eval", "--disagreements", "many"],
    ] {
        let o = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("policy-lens --help"), "{args:?}");
    }
    let o = run(&[&"--help"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("policy-lens analyze"));
}

#[test]
fn eval_without_a_corpus_skips() {
    let d = TempDir::new("nocorpus");
    let o = run(&[&"eval", &"--check", &"--corpus", &d.0.join("absent")]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("skipping"), "{}", stdout(&o));
}

#[test]
fn eval_scores_a_small_corpus() {
    let d = TempDir::new("corpus");
    d.write("ota/a.md", POLICY);
    d.write("opp115/text/1_x.txt", POLICY);
    d.write("seeds/s.md", POLICY);
    d.write(
        "devgold.jsonl",
        r#"{"path": "ota/a.md", "isPolicy": true, "dnt": "notHonored", "min_age": null, "emails": ["privacy@example.com"], "purposes": ["legal"]}
"#,
    );
    d.write(
        "opp115/labels.jsonl",
        r#"{"id": "1_x", "share": false, "share_purposes": [], "dnt": "does_not_respond", "min_age": "unknown", "contact_emails": ["privacy@example.com"], "contact_urls": [], "contact_phones": []}
"#,
    );
    d.write(
        "seeds/expected.json",
        r#"{"_about": "test", "s.md": {"doNotTrack": {"verdict": {"accept": ["notHonored", "unclear"]}}, "contact": {"emails": ["PRIVACY@example.com"]}}}"#,
    );
    let corrections = d.write(
        "corrections.jsonl",
        "# a comment\n{\"source\":\"opp115\",\"id\":\"1_x\",\"field\":\"dnt\",\"silver\":\"does_not_respond\",\"corrected\":\"honors\",\"sentence\":\"-\",\"why\":\"test\"}\n",
    );
    let o = run(&[
        &"eval",
        &"--json",
        &"--corpus",
        &d.0,
        &"--corrections",
        &corrections,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["documents"], 3);
    let t = &v["tables"];
    assert_eq!(t["gold"]["DNT verdict"]["n"], 1);
    assert_eq!(t["gold"]["purpose legal"]["n"], 1);
    assert_eq!(t["gold"]["purpose affiliates"]["n"], 1);
    assert_eq!(t["silver"]["DNT verdict"]["n"], 1);
    assert!(
        t["silver"].get("min age (exact)").is_none(),
        "\"unknown\" is not judged"
    );
    assert_ne!(
        t["silver"]["DNT verdict"]["correct"], t["silverCorrected"]["DNT verdict"]["correct"],
        "the correction is applied"
    );
    assert_eq!(t["all"]["DNT verdict"]["n"], 2);
    assert_eq!(v["seeds"].as_array().unwrap().len(), 2);
    assert_eq!(v["bars"].as_array().unwrap().len(), 5);

    // The readable form prints the tables and the bars; --seeds only the seeds.
    let o = run(&[&"eval", &"--corpus", &d.0, &"--corrections", &corrections]);
    let out = stdout(&o);
    for part in [
        "gold (devgold.jsonl)",
        "silver (corrected",
        "all (gold",
        "bars (on",
        "seed expectations",
    ] {
        assert!(out.contains(part), "{part:?} missing:\n{out}");
    }
    let o = run(&[&"eval", &"--seeds", &"--corpus", &d.0]);
    assert!(
        stdout(&o).contains("seed expectations pass"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn blocks_shows_what_html_parsing_kept() {
    let d = TempDir::new("blocks");
    let page = d.copy_fixture("page.html");
    let o = run(&[&"blocks", &page]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("[h1] Privacy Notice\n"), "{out}");
    assert!(out.contains("-> mailto:privacy@example.com\n"), "{out}");
    assert!(!out.contains("Careers"), "{out}");
    let o = run(&[&"blocks", &"--json", &page]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["title"], "Privacy Notice – Example Shop");
    let o = run(&[&"blocks"]);
    assert_eq!(o.status.code(), Some(2));
}
