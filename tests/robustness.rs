//! Hostile and odd input: `analyze` must return a well-formed report, never panic, and finish
//! in time linear in the input (bounded by `MAX_INPUT_BYTES`). Timing is measured in the
//! benchmarks, not here; these tests only have to finish.

use policy_lens::{analyze, analyze_document, Block, BlockKind, Document, Report, MAX_INPUT_BYTES};

/// A small deterministic generator, so that failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Offsets are in range and ordered, and point at a character boundary of the UTF-16 text.
#[track_caller]
fn well_formed(text_utf16_len: usize, r: &Report) {
    for e in r.all_evidence() {
        assert!(
            e.start <= e.end && e.end <= text_utf16_len,
            "bad span {}..{} of {text_utf16_len}",
            e.start,
            e.end
        );
    }
    assert!((0.0..=1.0).contains(&r.is_policy.score));
}

fn check(text: &str) -> Report {
    let r = analyze(text);
    let n = r.meta.analyzed_length;
    assert!(n <= text.encode_utf16().count());
    well_formed(n, &r);
    r
}

#[test]
fn empty_and_blank_inputs_give_empty_reports() {
    for text in [
        "", " ", "\n\n\n", "\u{feff}", "\0\0\0", "#", "- ", "|", "[](", "<", "](",
    ] {
        let r = check(text);
        assert_eq!(
            r.third_party_sharing.verdict,
            policy_lens::YesNo::NotMentioned,
            "{text:?}"
        );
        assert!(r.contact.emails.is_empty());
        assert!(!r.is_policy.likely);
    }
}

#[test]
fn pathological_shapes_finish() {
    let cases: Vec<(&str, String)> = vec![
        ("one long line without spaces", "a".repeat(3_000_000)),
        ("one long line of multibyte chars", "é😀".repeat(500_000)),
        ("deep heading levels", "#".repeat(100_000) + " x\n"),
        ("many headings", "## Do Not Track\n\n".repeat(50_000)),
        ("a million list items", "- we share data with vendors\n".repeat(1_000_000)),
        ("nested quotes", ">".repeat(200_000) + " We do not sell data."),
        ("open brackets", "[".repeat(500_000)),
        ("open tags", "<".repeat(500_000)),
        ("link soup", "[a](".repeat(200_000)),
        ("emails everywhere", "a@b.example ".repeat(200_000)),
        ("at-signs", "@".repeat(1_000_000)),
        ("digits", "1 ".repeat(1_000_000)),
        ("ages", "under 13 ".repeat(300_000)),
        ("negations", "we do not share except unless ".repeat(100_000)),
        ("periods", ". ".repeat(1_000_000)),
        ("crlf", "Title\r\n\r\nText.\r\n".repeat(100_000)),
        ("replacement characters around numbers", "\u{fffd}contact us.\u{fffd}416-978-2266.\u{fffd} call \u{fffd}\u{fffd}+1 555 0100 é@é.é under 13\u{fffd}".repeat(20_000)),
        ("control characters", "\u{7}\u{1b}[0m\u{0}\u{8}".repeat(200_000)),
    ];
    for (name, text) in cases {
        let r = check(&text);
        assert!(r.meta.sentences <= text.len(), "{name}");
    }
}

#[test]
fn inputs_over_the_cap_are_truncated_and_flagged() {
    let policy = "We may share your personal information with service providers. ";
    let text = policy.repeat(10 * 1024 * 1024 / policy.len());
    let r = check(&text);
    assert!(r.meta.truncated);
    assert!(r.meta.analyzed_length <= MAX_INPUT_BYTES);
    assert_eq!(r.third_party_sharing.verdict, policy_lens::YesNo::Yes);
    // A cut inside a multibyte character must not break anything.
    let text = "é".repeat(MAX_INPUT_BYTES / 2 + 1) + "x";
    assert!(check(&text).meta.truncated);
}

#[test]
fn random_strings_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let alphabet: Vec<char> =
        "aeiou tnsrl.,;:!?-*#>|[]()<>@/\\\n\r\t0123456789éß😀\u{200b}\u{2019}\u{201c}\u{feff}"
            .chars()
            .collect();
    let words = [
        "we ",
        "do not ",
        "share ",
        "sell ",
        "third parties ",
        "except ",
        "under 13 ",
        "children ",
        "do not track ",
        "gpc ",
        "contact ",
        "privacy@x.example ",
        "## ",
        "- ",
        "[at] ",
        "(",
        ")",
        "parent ",
        "consent ",
        "\n\n",
    ];
    for round in 0..400 {
        let len = (rng.next() % 3000) as usize;
        let mut s = String::new();
        for _ in 0..len {
            if rng.next() % 3 == 0 {
                s.push_str(words[(rng.next() % words.len() as u64) as usize]);
            } else {
                s.push(alphabet[(rng.next() % alphabet.len() as u64) as usize]);
            }
        }
        let r = check(&s);
        let _ = (round, r);
    }
}

#[test]
fn random_bytes_read_lossily_never_panic() {
    let mut rng = Rng(42);
    for _ in 0..200 {
        let bytes: Vec<u8> = (0..(rng.next() % 5000)).map(|_| rng.next() as u8).collect();
        check(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn documents_with_odd_blocks() {
    let mut blocks = vec![
        Block::heading(9, "Do Not Track"),
        Block::new(BlockKind::Heading, ""),
    ];
    blocks.extend((0..100_000).map(|i| {
        Block::new(BlockKind::ListItem, format!("item {i}")).with_links(vec![
            "mailto:".into(),
            "tel:".into(),
            String::new(),
        ])
    }));
    blocks.push(Block::new(
        BlockKind::Paragraph,
        "We do not respond to these signals.",
    ));
    let doc = Document {
        blocks,
        ..Document::default()
    };
    let r = analyze_document(&doc);
    well_formed(r.meta.analyzed_length, &r);
    assert!(r.contact.emails.is_empty());
}
