//! Anchors: one pass per sentence that tells which cues could match it.
//!
//! Every cue is a regex, and a sentence meets about a hundred of them; most cannot match
//! because the sentence lacks the words they are built from. For each cue, [`required`] reads
//! the pattern's syntax tree and finds a set of literal strings of which any match must contain
//! at least one (its *anchors*: for `\b(?:sell|rent)s?\b.{0,40}\bdata\b`, `sell` or `rent`).
//! Every anchor of every rule file goes into one Aho-Corasick automaton. When the findings run,
//! [`Scope`] scans each sentence and heading once with it and keeps, per text, the set of cues
//! whose anchors occur there; `RuleSet::is` and friends then answer "no" at once for a cue that
//! cannot match a text inside a scanned one (a clause, a prefix…), and run the regex otherwise.
//! A cue without usable anchors (built only of common words, classes or optional parts) is
//! always run.
//!
//! The gate is sound by construction: a cue is skipped only when none of its anchors occurs,
//! and every match contains one. `tests` below check the extraction; `tests/rules.rs` and the
//! corpus checks run with the gate on.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_syntax::hir::{Class, Hir, HirKind};
use std::cell::{Cell, RefCell};
use std::marker::PhantomData;

/// At most this many strings in an exact set (the cross product of a concatenation grows fast).
const MAX_EXACT: usize = 64;
/// At most this many anchors for one cue (a longer list is a list of names: still fine).
const MAX_ANCHORS: usize = 400;
/// A class with at most this many bytes is expanded into single-byte strings.
const MAX_CLASS: usize = 10;

/// What a piece of pattern tells about the strings it matches.
#[derive(Debug, Clone, PartialEq)]
enum Lits {
    /// It matches exactly one of these strings.
    Exact(Vec<Vec<u8>>),
    /// Each of its matches contains one of these strings.
    Contains(Vec<Vec<u8>>),
    /// Nothing useful is known.
    Unknown,
}

/// Anchors of a pattern (as the regex crate reads it, without Unicode), or `None` when no set of
/// strings good enough to gate on is found.
pub(crate) fn required(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()?;
    let set = match lits(&hir) {
        Lits::Exact(v) | Lits::Contains(v) => v,
        Lits::Unknown => return None,
    };
    if set.len() > MAX_ANCHORS || quality(&set) < MIN_QUALITY {
        return None;
    }
    Some(minimal(set))
}

/// Drops every string that contains another one of the set (it adds nothing to the gate).
fn minimal(mut set: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    set.sort_by_key(|s| s.len());
    set.dedup();
    let mut out: Vec<Vec<u8>> = Vec::new();
    for s in set {
        if !out.iter().any(|o| contains(&s, o)) {
            out.push(s);
        }
    }
    out.sort();
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

fn lits(h: &Hir) -> Lits {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Lits::Exact(vec![Vec::new()]),
        HirKind::Literal(l) => Lits::Exact(vec![l.0.to_vec()]),
        HirKind::Class(c) => class(c),
        HirKind::Capture(c) => lits(&c.sub),
        HirKind::Repetition(r) => {
            let sub = lits(&r.sub);
            match (r.min, r.max, sub) {
                (0, Some(1), Lits::Exact(mut v)) if v.len() < MAX_EXACT => {
                    v.push(Vec::new());
                    Lits::Exact(v)
                }
                (0, _, _) => Lits::Unknown,
                (1, Some(1), sub) => sub,
                (_, _, Lits::Exact(v) | Lits::Contains(v)) => Lits::Contains(v),
                (_, _, Lits::Unknown) => Lits::Unknown,
            }
        }
        HirKind::Alternation(alts) => {
            let mut all_exact = true;
            let mut out = Vec::new();
            for a in alts {
                match lits(a) {
                    Lits::Exact(v) => out.extend(v),
                    Lits::Contains(v) => {
                        all_exact = false;
                        out.extend(v)
                    }
                    Lits::Unknown => return Lits::Unknown,
                }
            }
            if all_exact && out.len() <= MAX_EXACT {
                Lits::Exact(out)
            } else {
                Lits::Contains(out)
            }
        }
        HirKind::Concat(parts) => concat(parts),
    }
}

fn class(c: &Class) -> Lits {
    let bytes: Vec<u8> = match c {
        Class::Bytes(b) => {
            let n: usize = b.ranges().iter().map(|r| r.len()).sum();
            if n > MAX_CLASS {
                return Lits::Unknown;
            }
            b.ranges()
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .collect()
        }
        Class::Unicode(u) => {
            let n: usize = u
                .ranges()
                .iter()
                .map(|r| r.end() as usize - r.start() as usize + 1)
                .sum();
            if n > MAX_CLASS || u.ranges().iter().any(|r| !r.end().is_ascii()) {
                return Lits::Unknown;
            }
            u.ranges()
                .iter()
                .flat_map(|r| r.start() as u8..=r.end() as u8)
                .collect()
        }
    };
    Lits::Exact(bytes.into_iter().map(|b| vec![b]).collect())
}

/// A concatenation: runs of exact parts multiply into longer strings; the best candidate (a run,
/// or a part known only to contain something) is what every match contains.
fn concat(parts: &[Hir]) -> Lits {
    let mut run: Vec<Vec<u8>> = vec![Vec::new()];
    let mut all_exact = true;
    let mut candidates: Vec<Vec<Vec<u8>>> = Vec::new();
    for p in parts {
        match lits(p) {
            Lits::Exact(v) => {
                if run.len() * v.len() <= MAX_EXACT {
                    run = run
                        .iter()
                        .flat_map(|a| {
                            v.iter().map(move |b| {
                                let mut s = a.clone();
                                s.extend_from_slice(b);
                                s
                            })
                        })
                        .collect();
                } else {
                    all_exact = false;
                    candidates.push(std::mem::replace(&mut run, v));
                }
            }
            Lits::Contains(v) => {
                all_exact = false;
                candidates.push(std::mem::replace(&mut run, vec![Vec::new()]));
                candidates.push(v);
            }
            Lits::Unknown => {
                all_exact = false;
                candidates.push(std::mem::replace(&mut run, vec![Vec::new()]));
            }
        }
    }
    if all_exact {
        return Lits::Exact(run);
    }
    candidates.push(run);
    candidates
        .into_iter()
        .filter(|c| c.len() <= MAX_ANCHORS)
        .max_by_key(|c| (quality(c), std::cmp::Reverse(c.len())))
        .map_or(Lits::Unknown, Lits::Contains)
}

/// Below this, a set gates too little to be worth scanning for.
const MIN_QUALITY: usize = 2;

/// How rare the set's commonest string is likely to be in a policy: roughly its length, where
/// a digit or a sign other than `.,-'` counts twice and a space not at all, and 1 for the words
/// nearly every policy sentence has.
fn quality(set: &[Vec<u8>]) -> usize {
    const COMMON: &[&str] = &[
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "by",
        "with",
        "as",
        "at",
        "is",
        "are",
        "be",
        "we",
        "us",
        "our",
        "you",
        "your",
        "it",
        "its",
        "this",
        "that",
        "may",
        "not",
        "any",
        "all",
        "use",
        "data",
        "information",
        "personal",
        "info",
        "such",
        "other",
        "which",
        "will",
        "can",
        "from",
        "have",
        "has",
        "if",
        "do",
    ];
    set.iter()
        .map(|s| {
            let trimmed = s.trim_ascii();
            if COMMON.iter().any(|c| c.as_bytes() == trimmed) {
                return 1;
            }
            s.iter()
                .map(|&b| match b {
                    b' ' => 0,
                    b'a'..=b'z' | b'A'..=b'Z' | b'.' | b',' | b'-' | b'\'' => 1,
                    _ => 2,
                })
                .sum()
        })
        .min()
        .unwrap_or(0)
}

/// Every cue's anchors in one automaton.
pub(crate) struct Anchors {
    ac: Option<AhoCorasick>,
    /// For each anchor, the cues (global ids) it belongs to.
    cues_of: Vec<Vec<u16>>,
    /// `u64` words in one text's set of possible cues.
    words: usize,
}

impl Anchors {
    /// Builds the automaton from each gated cue's anchors (`cues[id]`).
    pub(crate) fn new(cues: &[Vec<Vec<u8>>]) -> Anchors {
        let mut strings: Vec<Vec<u8>> = Vec::new();
        let mut cues_of: Vec<Vec<u16>> = Vec::new();
        for (id, set) in cues.iter().enumerate() {
            for s in set {
                match strings.iter().position(|x| x == s) {
                    Some(i) => cues_of[i].push(id as u16),
                    None => {
                        strings.push(s.clone());
                        cues_of.push(vec![id as u16]);
                    }
                }
            }
        }
        let ac = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::Standard)
            .build(&strings)
            .ok();
        let words = cues.len().div_ceil(64).max(1);
        assert!(
            words <= MAX_WORDS,
            "more than {} gated cues",
            MAX_WORDS * 64
        );
        Anchors { ac, cues_of, words }
    }

    /// Adds to `bits` (one text's row) every cue whose anchors occur in `text`.
    fn scan(&self, text: &[u8], bits: &mut [u64]) {
        let Some(ac) = &self.ac else {
            bits.fill(u64::MAX);
            return;
        };
        for m in ac.find_overlapping_iter(text) {
            for &c in &self.cues_of[m.pattern().as_usize()] {
                bits[c as usize / 64] |= 1 << (c % 64);
            }
        }
    }
}

/// The scanned texts of the document being analyzed.
struct Scanned {
    /// (start address, end address, row), sorted by start address. The texts are borrowed by
    /// the [`Scope`] that made this, so they stay where they are and unchanged until it drops.
    spans: Vec<(usize, usize, usize)>,
    words: usize,
    bits: Vec<u64>,
}

/// Rows are at most this many words (512 cues), so that the last row used fits in [`Last`].
const MAX_WORDS: usize = 8;

/// The scanned text last looked up and its row: consecutive checks are mostly on one sentence,
/// and this answers them without a search (plain cells: no borrow flag, no destructor).
struct Last {
    start: Cell<usize>,
    end: Cell<usize>,
    bits: [Cell<u64>; MAX_WORDS],
}

thread_local! {
    static SCANNED: RefCell<Option<Scanned>> = const { RefCell::new(None) };
    static LAST: Last = const {
        Last {
            start: Cell::new(0),
            end: Cell::new(0),
            bits: [const { Cell::new(0) }; MAX_WORDS],
        }
    };
}

fn forget_last() {
    LAST.with(|l| {
        l.start.set(0);
        l.end.set(0);
    });
}

/// While alive, cue checks on these texts, or on any part of one, use their scans.
pub(crate) struct Scope<'t> {
    previous: Option<Scanned>,
    _texts: PhantomData<&'t str>,
}

impl<'t> Scope<'t> {
    /// Scans each text once.
    pub(crate) fn new(anchors: &Anchors, texts: impl Iterator<Item = &'t str>) -> Scope<'t> {
        let words = anchors.words;
        let mut spans = Vec::new();
        let mut bits = Vec::new();
        for t in texts {
            if t.is_empty() {
                continue;
            }
            let row = spans.len();
            bits.resize((row + 1) * words, 0);
            anchors.scan(t.as_bytes(), &mut bits[row * words..]);
            let at = t.as_ptr() as usize;
            spans.push((at, at + t.len(), row));
        }
        spans.sort_unstable();
        forget_last();
        let previous = SCANNED.with(|s| s.replace(Some(Scanned { spans, words, bits })));
        Scope {
            previous,
            _texts: PhantomData,
        }
    }
}

impl Drop for Scope<'_> {
    fn drop(&mut self) {
        let previous = self.previous.take();
        forget_last();
        SCANNED.with(|s| *s.borrow_mut() = previous);
    }
}

/// `Some(false)` when `text` lies inside a scanned text and cue `id`'s anchors do not occur
/// there; `Some(true)` when they do; `None` when `text` was not scanned.
pub(crate) fn possible(id: u16, text: &str) -> Option<bool> {
    let at = text.as_ptr() as usize;
    let end = at + text.len();
    let (word, bit) = (id as usize / 64, 1u64 << (id % 64));
    LAST.with(|last| {
        if last.start.get() <= at && end <= last.end.get() {
            return Some(last.bits[word].get() & bit != 0);
        }
        SCANNED.with(|s| {
            let s = s.borrow();
            let s = s.as_ref()?;
            let i = s.spans.partition_point(|&(start, _, _)| start <= at);
            let &(start, span_end, row) = s.spans.get(i.checked_sub(1)?)?;
            if end > span_end {
                return None;
            }
            let bits = &s.bits[row * s.words..(row + 1) * s.words];
            last.start.set(start);
            last.end.set(span_end);
            for (cell, &b) in last.bits.iter().zip(bits) {
                cell.set(b);
            }
            Some(bits[word] & bit != 0)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(p: &str) -> Option<Vec<String>> {
        required(p).map(|v| {
            v.into_iter()
                .map(|s| String::from_utf8(s).unwrap())
                .collect()
        })
    }

    #[test]
    fn anchors_are_what_every_match_contains() {
        assert_eq!(
            req(r"\b(?:sell|rent)s?\b.{0,40}\bdata\b"),
            Some(vec!["rent".into(), "sell".into()])
        );
        // The rarer part wins over common words.
        assert_eq!(
            req(r"\bwe\b.{0,20}\bdisclos(?:e|ing)\b"),
            Some(vec!["disclose".into(), "disclosing".into()])
        );
        // An optional part gives nothing; a repeated one still must occur.
        assert_eq!(
            req(r"(?:third )?part(?:y|ies)"),
            Some(vec!["parties".into(), "party".into()])
        );
        assert_eq!(req(r"(?:cookies)+"), Some(vec!["cookies".into()]));
        // Only common words, classes or optional parts: no gate.
        assert_eq!(req(r"\bwe\b.{0,9}\byour\b"), None);
        assert_eq!(req(r"\w+ \w+"), None);
        assert_eq!(req(r"(?:beacon)?"), None);
        // One line without anchors makes the whole cue ungated.
        assert_eq!(req(r"pixel|\w+ \w+"), None);
        // Signs and digits are rarer than letters.
        assert_eq!(req(r"\w+@\w+"), Some(vec!["@".into()]));
        assert_eq!(req(r"\btel:"), Some(vec!["tel:".into()]));
        assert_eq!(
            req(r"\b\d{5}\b"),
            Some((0..10).map(|d| d.to_string()).collect())
        );
        assert_eq!(
            req(r"pixel|\w+tag"),
            Some(vec!["pixel".into(), "tag".into()])
        );
        // Small classes multiply out.
        assert_eq!(
            req(r"opt[- ]out"),
            Some(vec!["opt out".into(), "opt-out".into()])
        );
        // Longer strings that contain a shorter one add nothing.
        assert_eq!(req(r"sell|selling|resell"), Some(vec!["sell".into()]));
    }

    #[test]
    fn a_scope_gates_texts_inside_its_texts_only() {
        let anchors = Anchors::new(&[vec![b"sell".to_vec()], vec![b"rent".to_vec()]]);
        let a = String::from("we never sell your data");
        let b = String::from("headings about renting");
        let other = String::from("we never sell your data");
        {
            let _scope = Scope::new(&anchors, [a.as_str(), b.as_str()].into_iter());
            assert_eq!(possible(0, &a), Some(true));
            assert_eq!(possible(1, &a), Some(false));
            assert_eq!(possible(1, &a[3..8]), Some(false));
            assert_eq!(possible(1, &b), Some(true));
            assert_eq!(possible(0, &b[..4]), Some(false));
            assert_eq!(possible(0, &other), None);
        }
        assert_eq!(possible(0, &a), None);
    }
}
