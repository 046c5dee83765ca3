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
                // Multiply only while the run is still too common to gate on: longer strings
                // are rarer, but the product grows fast and every string costs automaton states.
                if quality(&run) < GOOD && run.len() * v.len() <= MAX_EXACT {
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
        .max_by_key(|c| (quality(c).min(GOOD + 1), std::cmp::Reverse(c.len())))
        .map_or(Lits::Unknown, Lits::Contains)
}

/// A set of this quality is rare enough: a concatenation stops multiplying there, and among
/// candidates above it the smallest set wins.
const GOOD: usize = 5;

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

/// Anchors longer than this are cut to it (a prefix of a required string is required too): the
/// automaton's states stay few.
const MAX_ANCHOR_LEN: usize = 24;

/// Every cue's anchors in one automaton: an Aho-Corasick automaton made into a dense DFA over
/// byte classes, with `u16` states (about 10,000 for the rule files: a table of about 1 MB).
pub(crate) struct Anchors {
    /// Byte → class; class 0 is every byte no anchor has.
    classes: [u8; 256],
    nclasses: usize,
    /// `next[state * nclasses + class]`; state 0 is the root.
    next: Vec<u16>,
    /// The cues whose anchors end at each state (along its failure chain), as ranges of `cues`:
    /// `ends[state]..ends[state + 1]`.
    ends: Vec<u32>,
    cues: Vec<u16>,
    /// `u64` words in one text's set of possible cues.
    words: usize,
    /// False when the automaton would not fit `u16` states: then nothing is gated.
    usable: bool,
}

impl Anchors {
    /// Builds the automaton from each gated cue's anchors (`cues[id]`).
    pub(crate) fn new(cue_anchors: &[Vec<Vec<u8>>]) -> Anchors {
        let words = cue_anchors.len().div_ceil(64).max(1);
        assert!(
            words <= MAX_WORDS,
            "more than {} gated cues",
            MAX_WORDS * 64
        );
        let mut classes = [0u8; 256];
        let mut nclasses = 1;
        for b in cue_anchors.iter().flatten().flatten() {
            if classes[*b as usize] == 0 {
                classes[*b as usize] = nclasses as u8;
                nclasses += 1;
            }
        }
        // The trie, one dense row per node (`NONE` where there is no child), and each node's cues.
        const NONE: u32 = u32::MAX;
        let mut goto: Vec<u32> = vec![NONE; nclasses];
        let mut out: Vec<Vec<u16>> = vec![Vec::new()];
        for (id, set) in cue_anchors.iter().enumerate() {
            for anchor in set {
                let mut node = 0usize;
                for &b in anchor.iter().take(MAX_ANCHOR_LEN) {
                    let slot = node * nclasses + classes[b as usize] as usize;
                    node = match goto[slot] {
                        NONE => {
                            let child = out.len();
                            goto[slot] = child as u32;
                            goto.resize(goto.len() + nclasses, NONE);
                            out.push(Vec::new());
                            child
                        }
                        child => child as usize,
                    };
                }
                out[node].push(id as u16);
            }
        }
        let states = out.len();
        let usable = states <= u16::MAX as usize;
        // Breadth first: failure links, missing transitions through them, outputs merged.
        let mut next = vec![0u32; states * nclasses];
        let mut fail = vec![0usize; states];
        let mut queue = std::collections::VecDeque::new();
        for c in 0..nclasses {
            match goto[c] {
                NONE => next[c] = 0,
                child => {
                    next[c] = child;
                    queue.push_back(child as usize);
                }
            }
        }
        while let Some(u) = queue.pop_front() {
            let inherited = out[fail[u]].clone();
            out[u].extend(inherited);
            out[u].sort_unstable();
            out[u].dedup();
            for c in 0..nclasses {
                let via_fail = next[fail[u] * nclasses + c];
                match goto[u * nclasses + c] {
                    NONE => next[u * nclasses + c] = via_fail,
                    child => {
                        fail[child as usize] = via_fail as usize;
                        next[u * nclasses + c] = child;
                        queue.push_back(child as usize);
                    }
                }
            }
        }
        let mut ends = Vec::with_capacity(states + 1);
        let mut cues = Vec::new();
        ends.push(0);
        for o in &out {
            cues.extend_from_slice(o);
            ends.push(cues.len() as u32);
        }
        Anchors {
            classes,
            nclasses,
            next: if usable {
                next.iter().map(|&s| s as u16).collect()
            } else {
                Vec::new()
            },
            ends,
            cues,
            words,
            usable,
        }
    }

    /// The automaton's states and table bytes, or `None` when it did not fit `u16` states.
    #[cfg(test)]
    pub(crate) fn size(&self) -> Option<(usize, usize)> {
        self.usable
            .then(|| (self.ends.len() - 1, self.next.len() * 2))
    }

    /// Adds to `bits` (one text's row) every cue whose anchors occur in `text`.
    fn scan(&self, text: &[u8], bits: &mut [u64]) {
        if !self.usable {
            bits.fill(u64::MAX);
            return;
        }
        let mut state = 0usize;
        for &b in text {
            state = self.next[state * self.nclasses + self.classes[b as usize] as usize] as usize;
            let (from, to) = (self.ends[state], self.ends[state + 1]);
            for &c in &self.cues[from as usize..to as usize] {
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
            Some(vec!["disclos".into()])
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
    fn the_automaton_finds_every_anchor_as_a_naive_search_does() {
        // Small alphabet, overlapping anchors ("ab", "bab", "b"…), a cue with several anchors.
        let mut seed = 7u64;
        let mut rand = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for _ in 0..200 {
            let cues: Vec<Vec<Vec<u8>>> = (0..1 + rand(70))
                .map(|_| {
                    (0..1 + rand(3))
                        .map(|_| {
                            (0..1 + rand(13))
                                .map(|_| b"abc "[rand(4) as usize])
                                .collect()
                        })
                        .collect()
                })
                .collect();
            let anchors = Anchors::new(&cues);
            for _ in 0..20 {
                let text: Vec<u8> = (0..rand(40)).map(|_| b"abcd "[rand(5) as usize]).collect();
                let mut bits = vec![0u64; anchors.words];
                anchors.scan(&text, &mut bits);
                for (id, set) in cues.iter().enumerate() {
                    let found = bits[id / 64] & (1 << (id % 64)) != 0;
                    let cut = |a: &Vec<u8>| a[..a.len().min(MAX_ANCHOR_LEN)].to_vec();
                    let naive = set.iter().any(|a| contains(&text, &cut(a)));
                    assert_eq!(found, naive, "cue {id} {set:?} in {text:?}");
                }
            }
        }
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
