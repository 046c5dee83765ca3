//! Splitting text into blocks, sections and sentences, each with its byte span.
//!
//! Plain text and markdown become [`Block`]s (headings, paragraphs, list items, table rows)
//! with spans into the original text; a [`crate::Document`] already is blocks. Each block is then
//! cut into sentences, and every sentence knows the heading it sits under. The findings read
//! sentences only through [`Doc`].

use crate::document::{BlockKind, Document, BLOCK_SEPARATOR};
use crate::text;

/// A block of the analyzed text.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub kind: BlockKind,
    pub level: u8,
    /// Byte span in [`Doc::text`].
    pub start: usize,
    pub end: usize,
    /// Link targets in the block.
    pub links: Vec<String>,
}

/// A heading, with the heading above it.
#[derive(Debug, Clone)]
pub(crate) struct Heading {
    /// Display text (markup removed).
    pub text: String,
    /// Lower-cased, normalised text.
    pub norm: String,
    pub level: u8,
    pub parent: Option<usize>,
}

/// A sentence of the analyzed text.
#[derive(Debug, Clone)]
pub(crate) struct Sentence {
    /// Byte span in [`Doc::text`].
    pub start: usize,
    pub end: usize,
    /// Display text: markup removed, white space folded.
    pub text: String,
    /// Lower-cased, normalised text that the rules match.
    pub norm: String,
    /// Index into [`Doc::blocks`].
    pub block: usize,
    /// Index into [`Doc::headings`] of the nearest heading above.
    pub heading: Option<usize>,
    /// Position of the sentence in its block (0 = first).
    pub nth_in_block: usize,
}

/// The analyzed text, cut into blocks, headings and sentences.
#[derive(Debug, Default)]
pub(crate) struct Doc {
    pub text: String,
    pub blocks: Vec<Block>,
    pub headings: Vec<Heading>,
    pub sentences: Vec<Sentence>,
    pub title: Option<String>,
    pub truncated: bool,
    /// The text is markdown or plain text (markup is removed for display), not DOM text.
    pub markup: bool,
}

/// Longest sentence, in bytes; longer runs without a full stop are cut at a space.
const MAX_SENTENCE: usize = 1500;

impl Doc {
    /// Cuts plain text or markdown.
    pub fn from_text(input: &str) -> Doc {
        let (text, truncated) = text::truncate(input, crate::MAX_INPUT_BYTES);
        let text = text.to_string();
        let blocks = text_blocks(&text);
        Doc::build(text, blocks, None, truncated, true)
    }

    /// Cuts a document given as blocks.
    pub fn from_document(doc: &Document) -> Doc {
        let mut text = String::new();
        let mut blocks = Vec::with_capacity(doc.blocks.len());
        let mut truncated = false;
        for b in &doc.blocks {
            if text.len() + b.text.len() > crate::MAX_INPUT_BYTES {
                truncated = true;
                break;
            }
            if !blocks.is_empty() {
                text.push_str(BLOCK_SEPARATOR);
            }
            let start = text.len();
            text.push_str(&b.text);
            let mut links = b.links.clone();
            links.extend(text::inline_links(&b.text));
            blocks.push(Block {
                kind: b.kind,
                level: if b.kind == BlockKind::Heading {
                    b.level.clamp(1, 6)
                } else {
                    0
                },
                start,
                end: text.len(),
                links,
            });
        }
        Doc::build(text, blocks, doc.title.clone(), truncated, false)
    }

    fn build(
        text: String,
        blocks: Vec<Block>,
        title: Option<String>,
        truncated: bool,
        markup: bool,
    ) -> Doc {
        let mut doc = Doc {
            text,
            blocks,
            title,
            truncated,
            markup,
            ..Doc::default()
        };
        let mut stack: Vec<usize> = Vec::new();
        for bi in 0..doc.blocks.len() {
            let (kind, level, start, end) = {
                let b = &doc.blocks[bi];
                (b.kind, b.level, b.start, b.end)
            };
            let raw = &doc.text[start..end];
            if kind == BlockKind::Heading {
                while let Some(&top) = stack.last() {
                    if doc.headings[top].level >= level {
                        stack.pop();
                    } else {
                        break;
                    }
                }
                let display = text::display_as(raw, doc.markup);
                doc.headings.push(Heading {
                    norm: text::normalize(&display),
                    text: display,
                    level,
                    parent: stack.last().copied(),
                });
                stack.push(doc.headings.len() - 1);
                continue;
            }
            let heading = stack.last().copied();
            for (n, (s, e)) in split_sentences(raw).into_iter().enumerate() {
                let display = text::display_as(&raw[s..e], doc.markup);
                if !display.chars().any(|c| c.is_alphanumeric()) {
                    continue;
                }
                doc.sentences.push(Sentence {
                    start: start + s,
                    end: start + e,
                    norm: text::normalize(&display),
                    text: display,
                    block: bi,
                    heading,
                    nth_in_block: n,
                });
            }
        }
        doc
    }

    /// The headings a sentence sits under, nearest first.
    pub fn headings_of(&self, s: &Sentence) -> impl Iterator<Item = &Heading> {
        let mut next = s.heading;
        std::iter::from_fn(move || {
            let h = &self.headings[next?];
            next = h.parent;
            Some(h)
        })
    }

    /// The nearest heading's display text.
    pub fn section_name(&self, s: &Sentence) -> Option<String> {
        s.heading.map(|h| self.headings[h].text.clone())
    }
}

/// Cuts plain text or markdown into blocks with byte spans.
fn text_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    // (start, end) of the paragraph being collected.
    let mut para: Option<(usize, usize, usize)> = None; // start, end, line count
    let mut pos = 0usize;
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .map(|l| {
            let at = pos;
            pos += l.len();
            (at, l.trim_end_matches(['\n', '\r']))
        })
        .collect();
    let flush =
        |para: &mut Option<(usize, usize, usize)>, blocks: &mut Vec<Block>, next_blank: bool| {
            if let Some((s, e, n)) = para.take() {
                let raw = &text[s..e];
                let kind = if n == 1 && next_blank && looks_like_heading(raw) {
                    BlockKind::Heading
                } else {
                    BlockKind::Paragraph
                };
                blocks.push(Block {
                    kind,
                    level: if kind == BlockKind::Heading { 3 } else { 0 },
                    start: s,
                    end: e,
                    links: text::inline_links(raw),
                });
            }
        };
    let mut i = 0;
    while i < lines.len() {
        let (at, line) = lines[i];
        let trimmed = line.trim();
        let lead = line.len() - line.trim_start().len();
        let t_start = at + lead;
        let t_end = at + line.trim_end().len();
        if trimmed.is_empty() {
            flush(&mut para, &mut blocks, true);
            i += 1;
            continue;
        }
        // Setext underline: the previous single line is a heading.
        if is_setext_underline(trimmed) {
            if let Some((s, e, 1)) = para {
                para = None;
                let level = if trimmed.starts_with('=') { 1 } else { 2 };
                blocks.push(Block {
                    kind: BlockKind::Heading,
                    level,
                    start: s,
                    end: e,
                    links: text::inline_links(&text[s..e]),
                });
                i += 1;
                continue;
            }
            if trimmed
                .chars()
                .all(|c| c == '-' || c == '*' || c == '_' || c == ' ')
            {
                flush(&mut para, &mut blocks, true);
                i += 1;
                continue;
            }
        }
        let atx = atx_level(trimmed);
        let list = list_marker_len(trimmed);
        let table = trimmed.starts_with('|');
        if let Some(level) = atx {
            flush(&mut para, &mut blocks, true);
            blocks.push(Block {
                kind: BlockKind::Heading,
                level,
                start: t_start,
                end: t_end,
                links: text::inline_links(trimmed),
            });
        } else if list.is_some() || table {
            flush(&mut para, &mut blocks, true);
            // A list item runs on over indented continuation lines.
            let mut end = t_end;
            let mut j = i + 1;
            if !table {
                while j < lines.len() {
                    let (jat, jl) = lines[j];
                    let jt = jl.trim();
                    if jt.is_empty()
                        || !jl.starts_with([' ', '\t'])
                        || list_marker_len(jt).is_some()
                        || atx_level(jt).is_some()
                    {
                        break;
                    }
                    end = jat + jl.trim_end().len();
                    j += 1;
                }
            }
            let raw = &text[t_start..end];
            if table && is_table_rule(trimmed) {
                i = j;
                continue;
            }
            blocks.push(Block {
                kind: if table {
                    BlockKind::TableCell
                } else {
                    BlockKind::ListItem
                },
                level: 0,
                start: t_start,
                end,
                links: text::inline_links(raw),
            });
            i = j;
            continue;
        } else {
            match para {
                // A short title line directly above running text is a heading.
                Some((s, e, 1))
                    if looks_like_heading(&text[s..e]) && looks_like_bare_heading(&text[s..e]) =>
                {
                    blocks.push(Block {
                        kind: BlockKind::Heading,
                        level: 3,
                        start: s,
                        end: e,
                        links: Vec::new(),
                    });
                    para = Some((t_start, t_end, 1));
                }
                Some((s, _, n)) => para = Some((s, t_end, n + 1)),
                None => para = Some((t_start, t_end, 1)),
            }
        }
        i += 1;
    }
    flush(&mut para, &mut blocks, true);
    blocks
}

fn is_setext_underline(t: &str) -> bool {
    t.len() >= 3 && (t.chars().all(|c| c == '=') || t.chars().all(|c| c == '-'))
}

fn is_table_rule(t: &str) -> bool {
    t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

fn atx_level(t: &str) -> Option<u8> {
    let n = t.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&n) && t[n..].starts_with([' ', '\t']) {
        Some(n as u8)
    } else {
        None
    }
}

/// Length of a list marker (`- `, `* `, `1. `, `a) `, `• `) at the start of a trimmed line.
fn list_marker_len(t: &str) -> Option<usize> {
    // Only these bytes start the markers of the list below ('•', '·' and '–' start with 0xE2,
    // 0xC2 and 0xE2).
    let symbol = t
        .as_bytes()
        .first()
        .is_some_and(|b| matches!(b, b'-' | b'*' | b'+' | b'o' | 0xC2 | 0xE2));
    for m in ["- ", "* ", "+ ", "• ", "· ", "– ", "o "] {
        if symbol && t.starts_with(m) && t.len() > m.len() {
            if m == "o " {
                continue;
            }
            return Some(m.len());
        }
    }
    let digits = t.bytes().take_while(|b| b.is_ascii_digit()).count();
    if (1..=3).contains(&digits) {
        let rest = &t[digits..];
        if (rest.starts_with(". ") || rest.starts_with(") ")) && rest.len() > 2 {
            return Some(digits + 2);
        }
    }
    let b = t.as_bytes();
    if b.len() > 3 && b[0].is_ascii_lowercase() && b[1] == b')' && b[2] == b' ' {
        return Some(3);
    }
    if b.len() > 4 && b[0] == b'(' && b[1].is_ascii_alphanumeric() && b[2] == b')' && b[3] == b' ' {
        return Some(4);
    }
    None
}

/// A single line that reads as a title: short, no closing full stop, starts with a capital.
fn looks_like_heading(raw: &str) -> bool {
    let t = raw.trim().trim_matches(['*', '_', ' ']);
    // The length first: a paragraph's words need not be counted.
    if t.is_empty() || t.len() > 90 || t.split_whitespace().count() > 12 {
        return false;
    }
    if t.ends_with(['.', ',', ';', '!']) || t.contains("](") {
        return false;
    }
    let first = t.chars().next().unwrap_or(' ');
    first.is_uppercase() || first.is_ascii_digit()
}

/// Stricter test for a title line directly followed by text (no blank line between).
fn looks_like_bare_heading(raw: &str) -> bool {
    let t = raw.trim().trim_matches(['*', '_', ' ', ':']);
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.is_empty() || words.len() > 8 || t.ends_with(['.', ',', ';']) {
        return false;
    }
    let caps = words
        .iter()
        .filter(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || !c.is_alphabetic())
        })
        .count();
    caps * 2 > words.len()
        || t.chars()
            .filter(|c| c.is_alphabetic())
            .all(|c| c.is_uppercase())
}

/// Abbreviations after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "inc", "ltd", "co", "corp", "llc", "mr", "mrs", "ms", "dr", "st", "no",
    "vs", "u.s", "u.k", "e.u", "approx", "art", "sec", "para", "fig", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "ave", "blvd", "rd", "ste", "p.o",
    "n.a", "cf", "viz", "al", "gmbh", "s.a", "b.v", "pty", "plc", "ca", "tel", "ext",
];

/// Byte spans of the sentences of one block.
pub(crate) fn split_sentences(raw: &str) -> Vec<(usize, usize)> {
    let bytes = raw.as_bytes();
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut i = 0usize;
    while i < bytes.len() {
        // Up to MAX_SENTENCE bytes into a sentence only a full stop, '!', '?' or a line break
        // can end it: skip the bytes in between.
        let limit = bytes.len().min(start + MAX_SENTENCE + 1);
        if i < limit && !may_end_sentence(bytes[i]) {
            i += first_stop(&bytes[i..limit]);
            continue;
        }
        let b = bytes[i];
        let mut cut = None;
        if matches!(b, b'.' | b'!' | b'?') {
            // Closing quotes and brackets stay with the sentence.
            let mut j = i + 1;
            while j < bytes.len() && matches!(bytes[j], b'"' | b'\'' | b')' | b']' | b'*' | b'_') {
                j += 1;
            }
            if raw[j..].starts_with('\u{201d}') || raw[j..].starts_with('\u{2019}') {
                j += 3;
            }
            let ws = bytes[j..]
                .iter()
                .take_while(|c| c.is_ascii_whitespace())
                .count();
            if ws > 0 || j >= bytes.len() {
                let next = raw[j + ws..].chars().next();
                let starts_new = match next {
                    None => true,
                    Some(c) => {
                        c.is_uppercase()
                            || c.is_ascii_digit()
                            || matches!(c, '"' | '\u{201c}' | '(' | '[' | '*' | '#' | '-' | '•')
                            || bytes[j..j + ws].contains(&b'\n')
                    }
                };
                if starts_new && (b != b'.' || !is_abbreviation(&raw[start..i])) {
                    cut = Some((j, j + ws));
                }
            }
        } else if b == b'\n' && i + 1 < bytes.len() && bytes[i + 1] == b'\n' {
            cut = Some((i, i + 1));
        } else if i - start > MAX_SENTENCE
            && (b == b' ' || i - start > 2 * MAX_SENTENCE && raw.is_char_boundary(i))
        {
            cut = Some((i, if b == b' ' { i + 1 } else { i }));
        }
        if let Some((end, next)) = cut {
            push_span(raw, start, end, &mut out);
            start = next;
            i = next;
            continue;
        }
        i += 1;
    }
    push_span(raw, start, bytes.len(), &mut out);
    out
}

/// The bytes at which [`split_sentences`] looks for the end of a sentence before it grows long.
/// (Bitwise, without branches: [`first_stop`]'s vectorized test uses it.)
#[inline(always)]
fn may_end_sentence(b: u8) -> bool {
    (b == b'.') | (b == b'!') | (b == b'?') | (b == b'\n')
}

/// Where the first byte that [`may_end_sentence`] is in `bytes` (their length when none is).
///
/// Native builds test sixteen bytes at once, a loop the compiler vectorizes, and look byte by
/// byte only in the sixteen that hold one: byte by byte, this search was 4% of an analysis
/// (round 9). The WASM module has no vector instructions, nor spare bytes for the loop.
fn first_stop(bytes: &[u8]) -> usize {
    let one_by_one = |from: usize| {
        bytes[from..]
            .iter()
            .position(|&b| may_end_sentence(b))
            .map_or(bytes.len(), |k| from + k)
    };
    #[cfg(not(target_arch = "wasm32"))]
    {
        let mut at = 0;
        for chunk in bytes.chunks_exact(16) {
            // Without an early exit or a table, so that the test is vectorized.
            let stop = chunk
                .iter()
                .fold(false, |seen, &b| seen | may_end_sentence(b));
            if stop {
                break;
            }
            at += 16;
        }
        one_by_one(at)
    }
    #[cfg(target_arch = "wasm32")]
    one_by_one(0)
}

fn push_span(raw: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let s = &raw[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if start + lead < end - trail {
        out.push((start + lead, end - trail));
    }
}

fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    if word.is_ascii() {
        // The common case, without lower-casing into a new string (ASCII lower case keeps
        // one byte per character, and the abbreviations are ASCII).
        if word.len() == 1 && word.as_bytes()[0].is_ascii_alphabetic() {
            return true; // an initial: "J. Smith", "U. S."
        }
        return ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word));
    }
    let word = word.to_lowercase();
    if word.chars().count() == 1 && word.chars().all(|c| c.is_alphabetic()) {
        return true;
    }
    ABBREVIATIONS.contains(&word.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_stop_is_found_sixteen_bytes_at_once_as_byte_by_byte() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for len in 0..80 {
            for _ in 0..30 {
                let text: Vec<u8> = (0..len)
                    .map(|_| {
                        let seed = crate::text::tests::xorshift(&mut seed);
                        match seed % 40 {
                            0 => b'.',
                            1 => b'!',
                            2 => b'?',
                            3 => b'\n',
                            4 => b',',
                            _ => b'a' + (seed >> 8) as u8 % 26,
                        }
                    })
                    .collect();
                let want = text
                    .iter()
                    .position(|&b| may_end_sentence(b))
                    .unwrap_or(text.len());
                assert_eq!(first_stop(&text), want, "{text:?}");
            }
        }
    }

    #[track_caller]
    fn sentences(text: &str) -> Vec<String> {
        Doc::from_text(text)
            .sentences
            .into_iter()
            .map(|s| s.text)
            .collect()
    }

    #[test]
    fn splits_sentences_but_not_abbreviations() {
        let cases: &[(&str, &[&str])] = &[
            (
                "We collect data. We share it.",
                &["We collect data.", "We share it."],
            ),
            (
                "We use vendors, e.g. hosts. Then we stop.",
                &["We use vendors, e.g. hosts.", "Then we stop."],
            ),
            (
                "Acme Inc. is in the U.S. and Canada.",
                &["Acme Inc. is in the U.S. and Canada."],
            ),
            ("Version 2.1 applies.", &["Version 2.1 applies."]),
            ("Is it? Yes! Fine.", &["Is it?", "Yes!", "Fine."]),
        ];
        for (text, want) in cases {
            assert_eq!(sentences(text), *want, "splitting {text:?}");
        }
    }

    #[test]
    fn markdown_headings_sections_and_lists() {
        let doc = Doc::from_text(
            "# Privacy\n\nIntro text.\n\n## Children\n\nWe do not serve kids.\n\n- one item\n- two [link](https://x.example/a)\n",
        );
        assert_eq!(doc.headings.len(), 2);
        assert_eq!(doc.headings[1].parent, Some(0));
        let kid = doc
            .sentences
            .iter()
            .find(|s| s.text.contains("kids"))
            .unwrap();
        assert_eq!(doc.section_name(kid).as_deref(), Some("Children"));
        let item = doc
            .sentences
            .iter()
            .find(|s| s.text.starts_with("two"))
            .unwrap();
        assert_eq!(item.text, "two link");
        assert_eq!(doc.blocks[item.block].kind, BlockKind::ListItem);
        assert_eq!(
            doc.blocks[item.block].links,
            vec!["https://x.example/a".to_string()]
        );
    }

    #[test]
    fn plain_text_title_lines_become_headings() {
        let doc =
            Doc::from_text("Do Not Track\n\nWe ignore such signals.\n\nContact Us\nWrite to us.\n");
        let names: Vec<_> = doc.headings.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(names, ["Do Not Track", "Contact Us"]);
    }

    #[test]
    fn spans_point_into_the_text() {
        let text = "## Ünïcode 😀\n\nFirst sentence. Second — one.";
        let doc = Doc::from_text(text);
        for s in &doc.sentences {
            assert_eq!(&text[s.start..s.end], s.text);
        }
    }

    #[test]
    fn document_blocks_keep_links_and_offsets() {
        let d = Document {
            blocks: vec![
                crate::Block::heading(2, "Contact"),
                crate::Block::new(BlockKind::Paragraph, "Write to us.")
                    .with_links(vec!["mailto:a@b.example".into()]),
            ],
            ..Document::default()
        };
        let doc = Doc::from_document(&d);
        assert_eq!(doc.text, "Contact\n\nWrite to us.");
        assert_eq!(doc.sentences[0].start, 9);
        assert_eq!(doc.blocks[1].links, vec!["mailto:a@b.example".to_string()]);
        assert_eq!(
            doc.section_name(&doc.sentences[0]).as_deref(),
            Some("Contact")
        );
    }
}
