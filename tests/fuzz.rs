//! Property-based fuzzing of the analyzer and the HTML reader, on the stable toolchain
//! (cargo-fuzz needs nightly): `cargo test --release --test fuzz`.
//!
//! Every property runs a fixed number of cases from a fixed seed (`config`), so a run in CI is
//! the same run every time (the whole file takes about 50 s in release mode on 2 cores). A failure that proptest finds is shrunk and its seed written to
//! `tests/fuzz.proptest-regressions` (proptest's `failure_persistence`, next to this file);
//! that file is kept in the repository, and every case in it is replayed first on each run.
//! Set `PROPTEST_CASES` to run more cases locally (e.g. `PROPTEST_CASES=5000`); with
//! `PROPTEST_RNG_SEED` another seed.
//!
//! The inputs that once were slow or crashed, and pathological shapes, live as files in
//! `tests/fuzz-corpus/`; `corpus_files_finish` runs each through `analyze` and the HTML reader.

use std::time::{Duration, Instant};

use policy_lens::{analyze, analyze_document, Block, BlockKind, Document, Evidence, Report};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, RngAlgorithm, RngSeed};

/// The fixed-seed configuration of every property: `cases` cases (unless `PROPTEST_CASES`
/// says otherwise), seed 0x9e3779b97f4a7c15 (unless `PROPTEST_RNG_SEED` says otherwise),
/// regressions kept in `tests/fuzz.proptest-regressions`.
fn config(cases: u32) -> Config {
    fn env<T: std::str::FromStr>(name: &str) -> Option<T> {
        std::env::var(name).ok().and_then(|c| c.parse().ok())
    }
    Config {
        cases: env("PROPTEST_CASES").unwrap_or(cases),
        rng_seed: RngSeed::Fixed(env("PROPTEST_RNG_SEED").unwrap_or(0x9e37_79b9_7f4a_7c15)),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fuzz.proptest-regressions"
        )))),
        rng_algorithm: RngAlgorithm::ChaCha,
        // Shrinking a slow case can take long; a few hundred steps find the shape.
        max_shrink_iters: 512,
        ..Config::default()
    }
}

/// Every evidence of a report.
fn evidence(r: &Report) -> Vec<Evidence> {
    r.all_evidence()
}

/// The properties every report must have, for the analyzed text `text` (the input, or
/// [`Document::text`]): offsets ordered and inside `meta.analyzedLength`, which is the UTF-16
/// length of (a prefix of) the text; each evidence's text found at its UTF-16 offsets (the
/// sentence as the text has it, or its display form for markup); serializable to JSON.
fn check_report(text: &str, r: &Report) -> Result<(), TestCaseError> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let n = r.meta.analyzed_length;
    prop_assert!(n <= units.len(), "analyzedLength {n} > {}", units.len());
    if !r.meta.truncated {
        prop_assert_eq!(n, units.len());
    }
    for e in evidence(r) {
        prop_assert!(
            e.start <= e.end && e.end <= n,
            "bad span {}..{} of {}",
            e.start,
            e.end,
            n
        );
        let found = String::from_utf16(&units[e.start..e.end]);
        prop_assert!(
            found.is_ok(),
            "span {}..{} splits a character",
            e.start,
            e.end
        );
        let found = found.unwrap();
        // The quote is the span with markup removed and white space folded: its letters and
        // digits are the span's, in order (markup removal only takes characters away).
        if found.split_whitespace().ne(e.text.split_whitespace()) {
            let mut span = found.chars().filter(|c| c.is_alphanumeric());
            let in_order = e
                .text
                .chars()
                .filter(|c| c.is_alphanumeric())
                .all(|c| span.any(|s| s == c));
            prop_assert!(
                in_order,
                "evidence {:?} not at {}..{} ({:?})",
                e.text,
                e.start,
                e.end,
                found
            );
        }
    }
    prop_assert!((0.0..=1.0).contains(&r.is_policy.score));
    let json = serde_json::to_string(r);
    prop_assert!(json.is_ok(), "report does not serialize: {:?}", json.err());
    Ok(())
}

/// `analyze` twice: the properties hold and both reports are the same.
fn check_text(text: &str) -> Result<(), TestCaseError> {
    let r = analyze(text);
    check_report(text, &r)?;
    let again = analyze(text);
    prop_assert_eq!(
        serde_json::to_string(&r).unwrap(),
        serde_json::to_string(&again).unwrap(),
        "analyzing twice differs"
    );
    Ok(())
}

fn check_document(doc: &Document) -> Result<(), TestCaseError> {
    let r = analyze_document(doc);
    let text = doc.text();
    check_report(&text, &r)?;
    for e in evidence(&r) {
        prop_assert!(
            e.block < doc.blocks.len(),
            "block {} of {}",
            e.block,
            doc.blocks.len()
        );
    }
    let again = analyze_document(doc);
    prop_assert_eq!(
        serde_json::to_string(&r).unwrap(),
        serde_json::to_string(&again).unwrap()
    );
    Ok(())
}

/// Words and marks policies are made of, and the markup around them.
const WORDS: &[&str] = &[
    "we",
    "We",
    "not",
    "do not",
    "don't",
    "never",
    "share",
    "sell",
    "disclose",
    "rent",
    "third parties",
    "service providers",
    "affiliates",
    "advertising",
    "marketing",
    "except",
    "unless",
    "as described below",
    "do not track",
    "Do Not Track",
    "DNT",
    "signals",
    "honor",
    "respond",
    "Global Privacy Control",
    "GPC",
    "children",
    "under",
    "13",
    "16",
    "age",
    "years",
    "old",
    "parent",
    "consent",
    "contact",
    "email",
    "privacy@example.com",
    "@",
    ".",
    "..",
    ",",
    ";",
    ":",
    "(",
    ")",
    "[",
    "]",
    "](",
    "http://",
    "https://x.example/a",
    "www.",
    "mailto:",
    "tel:",
    "+1",
    "555",
    "0100",
    "(555)",
    "-",
    "#",
    "##",
    "###",
    ">",
    "|",
    "* ",
    "- ",
    "1. ",
    "a) ",
    "<a",
    "<b>",
    "</b>",
    "<",
    ">",
    "\"",
    "'",
    "\u{2019}",
    "\u{201c}",
    "é",
    "😀",
    "\u{fffd}",
    "\u{200b}",
    "\u{feff}",
    "\u{a0}",
    "\t",
    " ",
    " ",
    " ",
    "\n",
    "\n",
    "\n\n",
    "\r\n",
    "Inc.",
    "e.g.",
    "U.S.",
    "Privacy Policy",
    "Contact Us",
    "Children's Privacy",
    "Street",
    "Suite 100",
    "CA 94105",
];

/// Text over [`WORDS`], joined by nothing or by a space.
fn policy_words(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(WORDS), any::<bool>()), 0..max).prop_map(|ws| {
        let mut s = String::new();
        for (w, space) in ws {
            s.push_str(w);
            if space {
                s.push(' ');
            }
        }
        s
    })
}

/// Pieces repeated many times: shapes that make scanners and regexes work hard.
fn repeated_pattern() -> impl Strategy<Value = String> {
    let unit = prop_oneof![
        Just("word ".to_string()),
        Just("we ".to_string()),
        Just("not ".to_string()),
        Just("share data with ".to_string()),
        Just("@".to_string()),
        Just(".".to_string()),
        Just("a.".to_string()),
        Just("a@".to_string()),
        Just("@a.".to_string()),
        Just("1".to_string()),
        Just("1 ".to_string()),
        Just("1-".to_string()),
        Just("(1) ".to_string()),
        Just("+".to_string()),
        Just("13 ".to_string()),
        Just("under ".to_string()),
        Just("http://".to_string()),
        Just("www.a".to_string()),
        Just("[a](".to_string()),
        Just("<".to_string()),
        Just("*".to_string()),
        Just("_".to_string()),
        Just("\\".to_string()),
        Just("> ".to_string()),
        Just("#".to_string()),
        Just("| a ".to_string()),
        policy_words(4),
    ];
    (unit, 1usize..60_000, policy_words(20)).prop_map(|(u, n, tail)| {
        // At most ~600 KB, so that each case takes milliseconds.
        let n = n.min(600_000 / u.len().max(1));
        let mut s = u.repeat(n);
        s.push_str(&tail);
        s
    })
}

/// Nesting: markdown quotes, headings and list indentation, or HTML elements, `depth` deep.
fn nested() -> impl Strategy<Value = String> {
    (0usize..6, 1usize..20_000, policy_words(30)).prop_map(|(kind, depth, text)| match kind {
        0 => format!("{} {text}\n", ">".repeat(depth)),
        1 => format!("{} {text}\n", "#".repeat(depth)),
        2 => (0..depth.min(3_000))
            .map(|i| format!("{}- {text}\n", " ".repeat(i % 200)))
            .collect(),
        3 => format!("{}{text}{}", "<div>".repeat(depth), "</div>".repeat(depth)),
        4 => format!("{}{text}", "<ul><li>".repeat(depth)),
        _ => format!("{}{text}", "[".repeat(depth)),
    })
}

fn block_kind() -> impl Strategy<Value = BlockKind> {
    prop_oneof![
        Just(BlockKind::Heading),
        Just(BlockKind::Paragraph),
        Just(BlockKind::ListItem),
        Just(BlockKind::TableCell),
    ]
}

/// Documents with odd blocks: empty texts, levels out of range, junk links, text with
/// separators inside.
fn document() -> impl Strategy<Value = Document> {
    let block = (
        block_kind(),
        any::<u8>(),
        prop_oneof![policy_words(40), any::<String>(), Just(String::new())],
        prop::collection::vec(
            prop_oneof![
                Just(String::new()),
                Just("mailto:".to_string()),
                Just("tel:".to_string()),
                Just("mailto:privacy@example.com".to_string()),
                Just("https://x.example/privacy".to_string()),
                any::<String>(),
            ],
            0..4,
        ),
    )
        .prop_map(|(kind, level, text, links)| Block {
            kind,
            level,
            text,
            links,
        });
    (
        prop::option::of(policy_words(6)),
        prop::option::of(any::<String>()),
        prop::collection::vec(block, 0..40),
    )
        .prop_map(|(title, url, blocks)| Document { title, url, blocks })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_strings(s in any::<String>()) {
        check_text(&s)?;
    }

    #[test]
    fn arbitrary_bytes_read_lossily(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        check_text(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn policy_word_soup(s in policy_words(400)) {
        check_text(&s)?;
    }

    #[test]
    fn documents_with_odd_blocks(doc in document()) {
        check_document(&doc)?;
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn very_long_lines(unit in policy_words(8), n in 1usize..200_000) {
        let n = n.min(1_000_000 / unit.len().max(1));
        check_text(&unit.replace('\n', " ").repeat(n))?;
    }

    #[test]
    fn regex_and_scanner_stress(s in repeated_pattern()) {
        check_text(&s)?;
    }

    #[test]
    fn deep_nesting(s in nested()) {
        check_text(&s)?;
    }

    #[test]
    fn many_list_items(item in policy_words(6), n in 1usize..200_000) {
        let item = item.replace('\n', " ");
        check_text(&format!("- {item}\n").repeat(n))?;
    }
}

#[cfg(feature = "input")]
mod html {
    use super::*;
    use policy_lens::input;

    /// HTML-ish text: tags, attributes and entities around policy words.
    fn html_soup() -> impl Strategy<Value = String> {
        const TAGS: &[&str] = &[
            "<div>",
            "</div>",
            "<p>",
            "</p>",
            "<a href=\"mailto:privacy@example.com\">",
            "</a>",
            "<a href='/contact'>",
            "<h2>",
            "</h2>",
            "<ul>",
            "<li>",
            "</ul>",
            "<table>",
            "<tr>",
            "<td>",
            "</table>",
            "<br>",
            "<br/>",
            "<script>",
            "</script>",
            "<style>",
            "<!--",
            "-->",
            "<nav>",
            "</nav>",
            "<main>",
            "</main>",
            "<article>",
            "<div hidden>",
            "<span aria-hidden=\"true\">",
            "<svg>",
            "</svg>",
            "<math>",
            "<![CDATA[",
            "]]>",
            "<template>",
            "<select>",
            "<option>",
            "<textarea>",
            "<title>",
            "</title>",
            "<plaintext>",
            "<b id=1>",
            "</b>",
            "<img alt=\"x\">",
            "&amp;",
            "&lt;",
            "&#0;",
            "<!doctype html>",
            "<base href=\"https://x.example/p/\">",
            "<div style='display:none'>",
            "<pre>",
            "</pre>",
            "<p class=cookie-banner>",
            "<",
            ">",
            "\"",
            "'",
            "=",
            "/",
        ];
        prop::collection::vec(
            prop_oneof![
                prop::sample::select(TAGS).prop_map(str::to_string),
                policy_words(5)
            ],
            0..300,
        )
        .prop_map(|parts| parts.concat())
    }

    fn check_html(html: &str) -> Result<(), TestCaseError> {
        let doc = input::parse_html(html);
        check_document(&doc)?;
        // The same page read twice gives the same blocks.
        prop_assert_eq!(input::parse_html(html), doc);
        Ok(())
    }

    proptest! {
        #![proptest_config(config(256))]

        #[test]
        fn arbitrary_bytes_through_the_reader(
            bytes in prop::collection::vec(any::<u8>(), 0..4096),
            ext in prop::sample::select(&["x.html", "x.txt", "x.md", "-"][..]),
        ) {
            if let Ok(inp) = input::from_bytes(ext, &bytes) {
                let text = inp.text();
                check_report(&text, &inp.analyze())?;
            }
            let _ = input::decode(&bytes);
            check_html(&String::from_utf8_lossy(&bytes))?;
        }

        #[test]
        fn html_tag_soup(html in html_soup()) {
            check_html(&html)?;
        }
    }

    proptest! {
        #![proptest_config(config(24))]

        #[test]
        fn deep_html(
            open in prop::sample::select(&["<div>", "<b>", "<ul><li>", "<span>", "<article>",
                "<table><tr><td>", "<section><p>", "<font face=x>", "<a href=x>", "<div/>"][..]),
            depth in 1usize..60_000,
            text in policy_words(20),
        ) {
            let html = format!("<body>{}{text}</body>", open.repeat(depth));
            let t = Instant::now();
            let doc = input::parse_html(&html);
            prop_assert!(t.elapsed() < Duration::from_secs(10), "{open} x {depth}: {:?}", t.elapsed());
            check_document(&doc)?;
        }
    }
}

/// The files of `tests/fuzz-corpus/`: each through `analyze`, `input::from_bytes` (as HTML and
/// as text) and `input::parse_html`, without a panic and in a loose time bound (5 s a file, for
/// hang protection only: the machine is noisy). Prints each file's time.
#[test]
fn corpus_files_finish() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fuzz-corpus")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "the corpus has {} files", files.len());
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let t = Instant::now();
        let r = analyze(&text);
        check_report(&text, &r).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let analyzed = t.elapsed();
        #[cfg(feature = "input")]
        {
            use policy_lens::input;
            for name in ["page.html", "page.txt"] {
                if let Ok(inp) = input::from_bytes(name, &bytes) {
                    let r = inp.analyze();
                    check_report(&inp.text(), &r)
                        .unwrap_or_else(|e| panic!("{} as {name}: {e}", path.display()));
                }
            }
            let doc = input::parse_html(&text);
            check_document(&doc).unwrap_or_else(|e| panic!("{} as HTML: {e}", path.display()));
        }
        let total = t.elapsed();
        println!(
            "{:<40} {:>9} bytes  analyze {:>7.1?}  all {:>7.1?}",
            path.file_name().unwrap().to_string_lossy(),
            bytes.len(),
            analyzed,
            total
        );
        assert!(
            total < Duration::from_secs(5),
            "{} took {total:?} (hang protection; 5 s bound)",
            path.display()
        );
    }
}
