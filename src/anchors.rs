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
//! Many cues also have a second set, from another required part of each alternative
//! ([`Gate::also`]): both sets go into the automaton, and after the scan such a cue's bit is
//! kept only in the rows where its second set occurs too, so a check stays one bit test.
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

/// What gates a cue: its anchors.
pub(crate) struct Gate {
    /// Every match contains one of these strings.
    pub(crate) any: Vec<Vec<u8>>,
    /// A second set with the same property, taken from other parts of the pattern: a sentence
    /// needs one of `any` *and* one of these. For `\bnot (?:\w+ ){0,3}(?:sold|shared)\b` the
    /// gate is `sold`/`shared` and this `not `, which most sentences that share something lack.
    pub(crate) also: Option<Vec<Vec<u8>>>,
}

/// The gate of a pattern (as the regex crate reads it, without Unicode), or `None` when no set
/// of strings good enough to gate on is found.
pub(crate) fn gate(pattern: &str) -> Option<Gate> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()?;
    let (set, also) = match analyze(&hir) {
        (Lits::Exact(v) | Lits::Contains(v), also) => (v, also),
        (Lits::Unknown, _) => return None,
    };
    if set.len() > MAX_ANCHORS || quality(&set) < MIN_QUALITY {
        return None;
    }
    let any = minimal(set);
    let also = also.map(minimal).filter(|also| *also != any);
    Some(Gate { any, also })
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
    match needle.first() {
        None => true,
        // The first byte before the whole window: most windows differ there.
        Some(&b) => hay.windows(needle.len()).any(|w| w[0] == b && w == needle),
    }
}

/// A second set of a piece of pattern: strings of which every match contains one, none of
/// them in the set its [`Lits`] give (`None` when there is none worth gating on).
type Also = Option<Vec<Vec<u8>>>;

/// What a piece of pattern tells about the strings it matches, and its second set.
///
/// The second set comes from other parts of the pattern than the first. In a concatenation it
/// is the best required set that shares no string with the one taken for the first; in an
/// alternation, each alternative's second set (or its first, when it has none) all together;
/// every match of an alternative contains one string of each of its sets, so the gate's two
/// sets both occur in a sentence that any alternative matches. A second set may hold `not`, as
/// it is asked only after the first, but no word that nearly every sentence has.
fn analyze(h: &Hir) -> (Lits, Also) {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => (Lits::Exact(vec![Vec::new()]), None),
        HirKind::Literal(l) => (Lits::Exact(vec![l.0.to_vec()]), None),
        HirKind::Class(c) => (class(c), None),
        HirKind::Capture(c) => analyze(&c.sub),
        HirKind::Repetition(r) => {
            let (sub, also) = analyze(&r.sub);
            let lits = match (r.min, r.max, sub) {
                (0, Some(1), Lits::Exact(mut v)) if v.len() < MAX_EXACT => {
                    v.push(Vec::new());
                    Lits::Exact(v)
                }
                (0, _, _) => Lits::Unknown,
                (1, Some(1), sub) => sub,
                (_, _, Lits::Exact(v) | Lits::Contains(v)) => Lits::Contains(v),
                (_, _, Lits::Unknown) => Lits::Unknown,
            };
            (lits, if r.min > 0 { also } else { None })
        }
        HirKind::Alternation(alts) => {
            let analyzed: Vec<(Lits, Also)> = alts.iter().map(analyze).collect();
            // A second set only when some alternative has one of its own (else it would be
            // the first set again).
            let mut second = analyzed
                .iter()
                .any(|(_, also)| also.is_some())
                .then(Vec::new);
            let mut all_exact = true;
            let mut out = Vec::new();
            for (lits, also) in analyzed {
                let v = match lits {
                    Lits::Exact(v) => v,
                    Lits::Contains(v) => {
                        all_exact = false;
                        v
                    }
                    Lits::Unknown => return (Lits::Unknown, None),
                };
                second = match (second, also) {
                    (Some(mut s), Some(also)) => {
                        s.extend(also);
                        Some(s)
                    }
                    (Some(mut s), None) if usable_also(&v) => {
                        s.extend(v.iter().cloned());
                        Some(s)
                    }
                    _ => None,
                };
                out.extend(v);
            }
            let second = second.filter(|s| s.len() <= MAX_ANCHORS);
            if all_exact && out.len() <= MAX_EXACT {
                (Lits::Exact(out), second)
            } else {
                (Lits::Contains(out), second)
            }
        }
        HirKind::Concat(parts) => {
            let (lits, alsos): (Vec<Lits>, Vec<Also>) = parts.iter().map(analyze).unzip();
            let mut sets = match candidates(lits) {
                Ok(run) => return (Lits::Exact(run), None),
                Err(sets) => sets,
            };
            let taken = sets
                .iter()
                .enumerate()
                .filter(|(_, c)| c.len() <= MAX_ANCHORS)
                .max_by_key(|(_, c)| rank(c))
                .map(|(i, _)| i);
            let Some(taken) = taken else {
                return (Lits::Unknown, None);
            };
            let first = sets.swap_remove(taken);
            // Best, a set that shares no string with the first; else a part's own second set
            // with a string the first lacks (an alternation's, where alternatives without a
            // second set lend their first).
            let mut in_first: Vec<&[u8]> = first.iter().map(Vec::as_slice).collect();
            in_first.sort_unstable();
            let (mut disjoint, mut other) = (Vec::new(), Vec::new());
            let tagged = sets.into_iter().map(|set| (set, false));
            for (set, own) in tagged.chain(alsos.into_iter().flatten().map(|set| (set, true))) {
                if !usable_also(&set) {
                    continue;
                }
                let shared = set
                    .iter()
                    .filter(|a| in_first.binary_search(&a.as_slice()).is_ok())
                    .count();
                if shared == 0 {
                    disjoint.push(set);
                } else if own && shared < set.len() {
                    other.push(set);
                }
            }
            drop(in_first);
            let best = |sets: Vec<Vec<Vec<u8>>>| sets.into_iter().max_by_key(|c| rank(c));
            let second = best(disjoint).or_else(|| best(other));
            (Lits::Contains(first), second)
        }
    }
}

/// How good a required set is to gate on, higher better: rare enough (up to just above
/// [`GOOD`], where all count alike), then fewer strings.
fn rank(set: &[Vec<u8>]) -> (usize, std::cmp::Reverse<usize>) {
    (quality(set).min(GOOD + 1), std::cmp::Reverse(set.len()))
}

/// Can this set be a second set: not too long, and no string of it a usual word (but `not`)
/// or shorter than three letters?
fn usable_also(set: &[Vec<u8>]) -> bool {
    !set.is_empty()
        && set.len() <= MAX_ANCHORS
        && set.iter().all(|a| {
            let a = a.trim_ascii().to_ascii_lowercase();
            a.len() >= 3 && (a == b"not" || !usual(&a))
        })
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

/// The sets of strings a concatenation's matches contain, one per run of exact parts or part
/// known only to contain something, each required (they come from parts that follow one
/// another); `Ok` with the exact strings when every part is exact.
fn candidates(parts: Vec<Lits>) -> Result<Vec<Vec<u8>>, Vec<Vec<Vec<u8>>>> {
    let mut run: Vec<Vec<u8>> = vec![Vec::new()];
    let mut all_exact = true;
    let mut candidates: Vec<Vec<Vec<u8>>> = Vec::new();
    for p in parts {
        match p {
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
        return Ok(run);
    }
    candidates.push(run);
    Err(candidates)
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
    set.iter()
        .map(|s| {
            if usual(s.trim_ascii()) {
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

/// Is this one of the words nearly every policy sentence has?
fn usual(word: &[u8]) -> bool {
    // A `match` on the bytes: called for every candidate set, a list search was a tenth of
    // start-up.
    matches!(
        word,
        b"a" | b"an"
            | b"the"
            | b"and"
            | b"or"
            | b"of"
            | b"to"
            | b"in"
            | b"on"
            | b"for"
            | b"by"
            | b"with"
            | b"as"
            | b"at"
            | b"is"
            | b"are"
            | b"be"
            | b"we"
            | b"us"
            | b"our"
            | b"you"
            | b"your"
            | b"it"
            | b"its"
            | b"this"
            | b"that"
            | b"may"
            | b"not"
            | b"any"
            | b"all"
            | b"use"
            | b"data"
            | b"information"
            | b"personal"
            | b"info"
            | b"such"
            | b"other"
            | b"which"
            | b"will"
            | b"can"
            | b"from"
            | b"have"
            | b"has"
            | b"if"
            | b"do"
    )
}

/// Anchors longer than this are cut to it (a prefix of a required string is required too): the
/// automaton's states stay few.
const MAX_ANCHOR_LEN: usize = 24;

/// The flag of a table entry whose state ends anchors; the other 15 bits are the state.
const ENDS: u16 = 0x8000;
const STATE_MASK: u16 = !ENDS;

/// Every cue's anchors in one automaton: an Aho-Corasick automaton made into a dense DFA over
/// byte classes, with 15-bit states numbered breadth first (about 13,300 states for the rule
/// files: a table of about 1.5 MB, of which a scan mostly reads the first rows).
pub(crate) struct Anchors {
    /// Byte → class; class 0 is every byte no anchor has.
    classes: [u8; 256],
    nclasses: usize,
    /// `next[state * nclasses + class]`, flagged with [`ENDS`]; state 0 is the root.
    next: Vec<u16>,
    /// The cues whose anchors end at each state (along its failure chain), as ranges of `marks`:
    /// `ends[state]..ends[state + 1]`. A mark is a word of a row and the cues' bits in it.
    ends: Vec<u32>,
    marks: Vec<(u32, u64)>,
    /// `u64` words in one text's set of possible cues.
    words: usize,
    /// `u64` words of a row while scanning: [`Anchors::words`] for the cues' first sets, then
    /// as many for their second sets (the second set of cue `id` is set `words * 64 + id`).
    scan_words: usize,
    /// The cues with a second set, as bits of a row: [`Scope::new`] keeps such a cue's bit only
    /// where its second set occurs too.
    paired: Vec<u64>,
    /// False when the automaton would not fit 15-bit states: then nothing is gated.
    usable: bool,
}

impl Anchors {
    /// Builds the automaton from sets of anchors (`first[id]`, at most [`MAX_SETS`]), one per
    /// cue, asked by [`possible`], and the second sets of some cues (`(id, set)`): such a cue
    /// is possible in a text only where one anchor of each set occurs.
    pub(crate) fn new(first: &[Vec<Vec<u8>>], second: &[(u16, Vec<Vec<u8>>)]) -> Anchors {
        let words = first.len().div_ceil(64).max(1);
        assert!(
            first.len() <= MAX_SETS,
            "more than {MAX_SETS} sets of anchors"
        );
        let scan_words = if second.is_empty() { words } else { 2 * words };
        let mut paired = vec![0u64; words];
        // Every set by its id in a scanned row.
        let mut cue_anchors: Vec<&[Vec<u8>]> = first.iter().map(Vec::as_slice).collect();
        cue_anchors.resize(scan_words * 64, &[]);
        for (id, set) in second {
            let id = usize::from(*id);
            paired[id / 64] |= 1 << (id % 64);
            cue_anchors[words * 64 + id] = set;
        }
        let mut classes = [0u8; 256];
        let mut nclasses = 1;
        for b in cue_anchors.iter().flat_map(|set| set.iter()).flatten() {
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
            for anchor in set.iter() {
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
        let usable = states <= STATE_MASK as usize + 1;
        // Breadth first: failure links, missing transitions through them, outputs merged. The
        // order states leave the queue is their final number: the shallow states, where a scan
        // spends most of its time, share a few cache lines of the table.
        let mut next = vec![0u32; states * nclasses];
        let mut fail = vec![0usize; states];
        let mut order = Vec::with_capacity(states);
        order.push(0);
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
            order.push(u);
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
        let mut renumber = vec![0u32; states];
        for (new, &old) in order.iter().enumerate() {
            renumber[old] = new as u32;
        }
        let mut ends = Vec::with_capacity(states + 1);
        let mut marks: Vec<(u32, u64)> = Vec::new();
        let mut table = Vec::with_capacity(if usable { states * nclasses } else { 0 });
        ends.push(0);
        for &old in &order {
            let first = marks.len();
            for &c in &out[old] {
                let word = u32::from(c) / 64;
                match marks[first..].iter_mut().find(|(w, _)| *w == word) {
                    Some((_, set)) => *set |= 1 << (c % 64),
                    None => marks.push((word, 1 << (c % 64))),
                }
            }
            ends.push(marks.len() as u32);
            if usable {
                // Each entry is the next state, flagged when cues end there.
                table.extend(next[old * nclasses..(old + 1) * nclasses].iter().map(|&t| {
                    let flag = if out[t as usize].is_empty() { 0 } else { ENDS };
                    renumber[t as usize] as u16 | flag
                }));
            }
        }
        Anchors {
            classes,
            nclasses,
            next: table,
            ends,
            marks,
            words,
            scan_words,
            paired,
            usable,
        }
    }

    /// The automaton's states and table bytes, or `None` when it did not fit `u16` states.
    #[cfg(test)]
    pub(crate) fn size(&self) -> Option<(usize, usize)> {
        self.usable
            .then(|| (self.ends.len() - 1, self.next.len() * 2))
    }

    /// Adds to each text's row of `bits` (the rows one after the other, `scan_words` long) every
    /// set of anchors that occurs in it.
    ///
    /// Two things keep it fast. A scan is a chain of loads, each waiting for the one before:
    /// [`LANES`] texts of about the same length are scanned side by side, so their chains overlap.
    /// And about one byte in four ends anchors: the loop only notes those states, without a
    /// branch, and their cues are added after each [`BLOCK`] of bytes. (A stamp per state, to add
    /// a state's cues once per text, cost more than adding them again: it was 70 KB to zero per
    /// document and one more load per noted state; round 9.)
    fn scan_rows(&self, texts: &[&[u8]], bits: &mut [u64]) {
        if !self.usable {
            bits.fill(u64::MAX);
            return;
        }
        // Rows by length: (length, row, 0), sorted as `Scope::new` sorts its spans, which
        // shares that sort's code (a sort of its own added 3 KB to the WASM module).
        let mut by_length: Vec<(usize, usize, usize)> = texts
            .iter()
            .enumerate()
            .map(|(row, t)| (t.len(), row, 0))
            .collect();
        by_length.sort_unstable();
        let order: Vec<usize> = by_length.into_iter().map(|(_, row, _)| row).collect();
        let mut ended = [[0u16; BLOCK]; LANES];
        for group in order.chunks(LANES) {
            let mut states = [0u16; LANES];
            let longest = texts[group[group.len() - 1]].len();
            let mut at = 0;
            while at < longest {
                let end = (at + BLOCK).min(longest);
                let mut n = [0usize; LANES];
                let lanes: [&[u8]; LANES] =
                    std::array::from_fn(|l| group.get(l).map_or(&[][..], |&i| texts[i]));
                // `order` is sorted: lanes run out of text in lane order. A group short of
                // `LANES` texts (the last, of the longest) has empty lanes: it has no common
                // part and goes to the loop after this one.
                let common = lanes
                    .iter()
                    .map(|t| t.len())
                    .min()
                    .unwrap_or(0)
                    .clamp(at, end);
                // Byte `i` of every lane, then byte `i + 1`: the index is the point.
                #[allow(clippy::needless_range_loop)]
                for i in at..common {
                    for l in 0..LANES {
                        self.step(&mut states[l], lanes[l][i], &mut ended[l], &mut n[l]);
                    }
                }
                // The rest of the block, still side by side: the lanes that have text left are
                // the last ones. (One lane after another, this was a third of the scan of a
                // 25 KB policy, whose longest sentences make the last group.)
                let mut first = 0;
                for i in common..end {
                    while lanes[first].len() <= i {
                        first += 1;
                    }
                    for l in first..group.len() {
                        self.step(&mut states[l], lanes[l][i], &mut ended[l], &mut n[l]);
                    }
                }
                for l in 0..group.len() {
                    let row = group[l];
                    let bits = &mut bits[row * self.scan_words..(row + 1) * self.scan_words];
                    for &state in &ended[l][..n[l]] {
                        let state = state as usize;
                        let (from, to) = (self.ends[state], self.ends[state + 1]);
                        for &(word, set) in &self.marks[from as usize..to as usize] {
                            bits[word as usize] |= set;
                        }
                    }
                }
                at = end;
            }
        }
    }

    /// One byte of a scan: the next state, noted in `ended[n]` (and `n` counted) when it ends
    /// anchors.
    #[inline(always)]
    fn step(&self, state: &mut u16, b: u8, ended: &mut [u16; BLOCK], n: &mut usize) {
        let t = self.next[*state as usize * self.nclasses + self.classes[b as usize] as usize];
        *state = t & STATE_MASK;
        ended[*n] = *state;
        *n += (t >> 15) as usize;
    }
}

/// Texts [`Anchors::scan_rows`] scans side by side. Measured on the sentences of 14 policies
/// (examples/scan.rs): 9.4 ns a byte with one lane, 6.4 with two, 4.9 with four, 4.3 with eight,
/// 4.2 with sixteen.
const LANES: usize = 8;

/// Bytes of each text [`Anchors::scan_rows`] scans before it adds their cues.
const BLOCK: usize = 256;

/// The scanned texts of the document being analyzed.
struct Scanned {
    /// (start address, end address, row), sorted by start address. The texts are borrowed by
    /// the [`Scope`] that made this, so they stay where they are and unchanged until it drops.
    spans: Vec<(usize, usize, usize)>,
    /// (start address, end address) of each row, in the order the texts came.
    rows: Vec<(usize, usize)>,
    words: usize,
    bits: Vec<u64>,
    /// Per row, its pieces once [`pieces`] has cut them (byte ranges of the text).
    pieces: RefCell<Vec<Option<Ranges>>>,
}

/// Byte ranges of parts of a text.
type Ranges = Box<[(u32, u32)]>;

/// [`Last`] keeps this many words of a row: every cue's set of anchors has an id below
/// [`MAX_SETS`] (the rule files have about 330 such sets).
const MAX_WORDS: usize = 8;

/// At most this many sets of anchors, one per cue that has them.
const MAX_SETS: usize = MAX_WORDS * 64;

/// The scanned text last looked up and its row: consecutive checks are mostly on one sentence,
/// and this answers them without a search (plain cells: no borrow flag, no destructor).
struct Last {
    start: Cell<usize>,
    end: Cell<usize>,
    row: Cell<usize>,
    bits: [Cell<u64>; MAX_WORDS],
}

thread_local! {
    static SCANNED: RefCell<Option<Scanned>> = const { RefCell::new(None) };
    static LAST: Last = const {
        Last {
            start: Cell::new(0),
            end: Cell::new(0),
            row: Cell::new(usize::MAX),
            bits: [const { Cell::new(0) }; MAX_WORDS],
        }
    };
}

fn forget_last() {
    LAST.with(|l| {
        l.start.set(0);
        l.end.set(0);
        l.row.set(usize::MAX);
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
        let texts: Vec<&[u8]> = texts.filter(|t| !t.is_empty()).map(str::as_bytes).collect();
        let mut bits = vec![0; texts.len() * anchors.scan_words];
        anchors.scan_rows(&texts, &mut bits);
        if anchors.scan_words > words {
            // A cue with a second set stays possible only where that set occurs too; the rows
            // keep the cues' words alone.
            let paired = &anchors.paired;
            let mut at = 0;
            for row in 0..texts.len() {
                let scanned = row * anchors.scan_words;
                for w in 0..words {
                    bits[at + w] = bits[scanned + w] & (bits[scanned + words + w] | !paired[w]);
                }
                at += words;
            }
            bits.truncate(at);
        }
        let rows: Vec<_> = texts
            .iter()
            .map(|t| (t.as_ptr() as usize, t.as_ptr() as usize + t.len()))
            .collect();
        let mut spans: Vec<_> = rows
            .iter()
            .enumerate()
            .map(|(row, &(start, end))| (start, end, row))
            .collect();
        spans.sort_unstable();
        forget_last();
        let scanned = Scanned {
            pieces: RefCell::new(vec![None; rows.len()]),
            spans,
            rows,
            words,
            bits,
        };
        let previous = SCANNED.with(|s| s.replace(Some(scanned)));
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
/// there (those of its first set, or of its second); `Some(true)` when they do; `None` when
/// `text` was not scanned.
#[inline]
pub(crate) fn possible(id: u16, text: &str) -> Option<bool> {
    with_row(text, |row| row.has(id))
}

/// `Some(false)` when `text` lies inside a scanned text where none of the sets in `mask` occurs
/// (words of a row and their bits, as [`mask`] makes them); `Some(true)` when one does.
pub(crate) fn possible_any(mask: &[(usize, u64)], text: &str) -> Option<bool> {
    with_row(text, |row| {
        mask.iter().any(|&(word, set)| row.0[word].get() & set != 0)
    })
}

/// The words of a row that hold sets `ids`, with their bits: for [`possible_any`].
pub(crate) fn mask(ids: impl Iterator<Item = u16>) -> Vec<(usize, u64)> {
    let mut mask: Vec<(usize, u64)> = Vec::new();
    for id in ids {
        let (word, bit) = (id as usize / 64, 1u64 << (id % 64));
        match mask.iter_mut().find(|(w, _)| *w == word) {
            Some((_, set)) => *set |= bit,
            None => mask.push((word, bit)),
        }
    }
    mask
}

/// `cut(text)`, parts of `text`, cut once per scanned text: several findings cut each sentence
/// into clauses, and this keeps the first cut of a whole scanned text for the others. A text
/// that is not a whole scanned one is cut each time.
pub(crate) fn pieces<'t>(text: &'t str, cut: impl FnOnce(&'t str) -> Vec<&'t str>) -> Vec<&'t str> {
    let at = text.as_ptr() as usize;
    let whole = with_row(text, |_| ()).is_some()
        && LAST.with(|l| l.start.get() == at && l.end.get() == at + text.len());
    if !whole {
        return cut(text);
    }
    let row = LAST.with(|l| l.row.get());
    let kept = SCANNED.with(|s| {
        let s = s.borrow();
        let kept = s.as_ref()?.pieces.borrow().get(row)?.clone()?;
        Some(
            kept.iter()
                .map(|&(a, b)| text.get(a as usize..b as usize))
                .collect::<Option<Vec<&str>>>(),
        )
    });
    if let Some(Some(pieces)) = kept {
        return pieces;
    }
    let pieces = cut(text);
    // Each piece as its range in `text` (one that is not a part of it is not kept).
    let ranges: Option<Ranges> = pieces
        .iter()
        .map(|p| {
            let a = (p.as_ptr() as usize).checked_sub(at)?;
            let b = a + p.len();
            (b <= text.len()).then_some((a as u32, b as u32))
        })
        .collect();
    let Some(ranges) = ranges else {
        return pieces;
    };
    SCANNED.with(|s| {
        if let Some(s) = s.borrow().as_ref() {
            if let Some(slot) = s.pieces.borrow_mut().get_mut(row) {
                *slot = Some(ranges);
            }
        }
    });
    pieces
}

/// The sets of anchors that occur in one scanned text (the first [`MAX_WORDS`] words of its row).
struct Row<'a>(&'a [Cell<u64>; MAX_WORDS]);

impl Row<'_> {
    #[inline]
    fn has(&self, id: u16) -> bool {
        self.0[id as usize / 64].get() & (1 << (id % 64)) != 0
    }
}

/// Calls `f` with the row of the scanned text that holds `text`, kept in [`LAST`]; `None` when
/// no scanned text does. The usual case, the text of the check before, is inlined; a new text
/// goes through [`load_last`].
#[inline]
fn with_row<R>(text: &str, f: impl FnOnce(Row) -> R) -> Option<R> {
    let at = text.as_ptr() as usize;
    let end = at + text.len();
    LAST.with(|last| {
        if (last.start.get() <= at && end <= last.end.get()) || load_last(last, text) {
            Some(f(Row(&last.bits)))
        } else {
            None
        }
    })
}

/// Makes the row of the scanned text that holds `text` [`LAST`]'s; false when none does.
/// Findings go through the sentences in order, so the row after the last one is tried before a
/// binary search.
#[inline(never)]
fn load_last(last: &Last, text: &str) -> bool {
    let at = text.as_ptr() as usize;
    let end = at + text.len();
    SCANNED.with(|s| {
        let s = s.borrow();
        let Some(s) = s.as_ref() else {
            return false;
        };
        let next = last.row.get().wrapping_add(1);
        let row = match s.rows.get(next) {
            Some(&(start, span_end)) if start <= at && end <= span_end => next,
            _ => match row_of(s, at, end) {
                Some(row) => row,
                None => return false,
            },
        };
        let (start, span_end) = s.rows[row];
        last.start.set(start);
        last.end.set(span_end);
        last.row.set(row);
        let bits = &s.bits[row * s.words..(row + 1) * s.words];
        for (cell, &b) in last.bits.iter().zip(bits) {
            cell.set(b);
        }
        true
    })
}

/// The row of the scanned text that holds the addresses `at..end`, by binary search.
fn row_of(s: &Scanned, at: usize, end: usize) -> Option<usize> {
    let i = s.spans.partition_point(|&(start, _, _)| start <= at);
    let &(_, span_end, row) = s.spans.get(i.checked_sub(1)?)?;
    (end <= span_end).then_some(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(set: Vec<Vec<u8>>) -> Vec<String> {
        set.into_iter()
            .map(|s| String::from_utf8(s).unwrap())
            .collect()
    }

    fn req(p: &str) -> Option<Vec<String>> {
        gate(p).map(|g| strings(g.any))
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

    fn also(p: &str) -> Option<Vec<String>> {
        gate(p)?.also.map(strings)
    }

    #[test]
    fn a_second_set_comes_from_other_parts_of_each_alternative() {
        assert_eq!(
            req(r"\bnot (?:\w+ ){0,3}(?:sold|shared)\b").unwrap(),
            ["shared", "sold"]
        );
        assert_eq!(
            also(r"\bnot (?:\w+ ){0,3}(?:sold|shared)\b").unwrap(),
            ["not "]
        );
        // Each alternative lends its second set, or its first when it has no other.
        assert_eq!(
            also(r"\bnot (?:\w+ ){0,3}sold\b|\bnever rented\b").unwrap(),
            ["never rented", "not "]
        );
        // Through a group and a repetition that must occur.
        assert_eq!(
            req(r"(?:\bnever (?:\w+ ){0,3}sold\b)+").unwrap(),
            ["never "]
        );
        assert_eq!(also(r"(?:\bnever (?:\w+ ){0,3}sold\b)+").unwrap(), ["sold"]);
        // No other part, an optional one, or one of usual words: no second set.
        assert_eq!(also(r"\bcookies?\b"), None);
        assert_eq!(also(r"\b(?:never )?(?:\w+ ){0,3}sold\b"), None);
        assert_eq!(also(r"\bthe (?:\w+ ){0,3}cookies\b"), None);
        assert_eq!(also(r"\bwe (?:\w+ ){0,3}cookies\b"), None);
        // An alternative with a single set lends it (all of its matches contain it)…
        assert_eq!(
            also(r"\bnot (?:\w+ ){0,3}sold\b|\w+ rented").unwrap(),
            [" rented", "not "]
        );
        // … unless it is too short to scan for: then there is no second set.
        assert_eq!(also(r"\bnot (?:\w+ ){0,3}sold\b|\w+@\w+"), None);
        // A second set that is the first again adds nothing.
        assert_eq!(also(r"\bsold\b|\brented\b"), None);
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
            let anchors = Anchors::new(&cues, &[]);
            // Texts of unequal lengths, scanned side by side, lanes left over at the end; some
            // longer than a block (anchors across a block's end, a state's cues added again
            // in the next block).
            let texts: Vec<Vec<u8>> = (0..rand(23))
                .map(|_| {
                    let len = if rand(4) == 0 {
                        rand(3 * BLOCK as u64)
                    } else {
                        rand(40)
                    };
                    (0..len).map(|_| b"abcd "[rand(5) as usize]).collect()
                })
                .collect();
            let words = anchors.scan_words;
            let mut bits = vec![0u64; texts.len() * words];
            let slices: Vec<&[u8]> = texts.iter().map(|t| t.as_slice()).collect();
            anchors.scan_rows(&slices, &mut bits);
            for (row, text) in texts.iter().enumerate() {
                let bits = &bits[row * words..(row + 1) * words];
                for (id, set) in cues.iter().enumerate() {
                    let found = bits[id / 64] & (1 << (id % 64)) != 0;
                    let cut = |a: &Vec<u8>| a[..a.len().min(MAX_ANCHOR_LEN)].to_vec();
                    let naive = set.iter().any(|a| contains(text, &cut(a)));
                    assert_eq!(found, naive, "cue {id} {set:?} in {text:?}");
                }
            }
        }
    }

    #[test]
    fn a_scope_gates_texts_inside_its_texts_only() {
        // Cue 2 needs `share` and `not` (its second set).
        let anchors = Anchors::new(
            &[
                vec![b"sell".to_vec()],
                vec![b"rent".to_vec()],
                vec![b"share".to_vec()],
            ],
            &[(2, vec![b"not".to_vec()])],
        );
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
        let (a, b) = ("we share it", "we do not share it, nor sell it");
        let _scope = Scope::new(&anchors, [a, b].into_iter());
        assert_eq!(possible(2, a), Some(false));
        assert_eq!(possible(2, b), Some(true));
        assert_eq!(possible(2, &b[10..]), Some(true));
        // The bits of the other cues are as they were.
        assert_eq!(possible(0, b), Some(true));
        assert_eq!(possible(1, a), Some(false));
    }

    #[test]
    fn a_scanned_text_is_cut_into_pieces_once() {
        let anchors = Anchors::new(&[vec![b"two".to_vec()]], &[]);
        let a = String::from("one; two; three");
        let cuts = Cell::new(0);
        let cut = |t| -> Vec<&str> {
            cuts.set(cuts.get() + 1);
            str::split(t, "; ").collect()
        };
        {
            let _scope = Scope::new(&anchors, [a.as_str()].into_iter());
            assert_eq!(pieces(&a, cut), ["one", "two", "three"]);
            assert_eq!(pieces(&a, cut), ["one", "two", "three"]);
            assert_eq!(cuts.get(), 1);
            // A part of a scanned text is cut each time.
            assert_eq!(pieces(&a[5..], cut), ["two", "three"]);
            assert_eq!(pieces(&a[5..], cut), ["two", "three"]);
            assert_eq!(cuts.get(), 3);
        }
        assert_eq!(pieces(&a, cut), ["one", "two", "three"]);
        assert_eq!(cuts.get(), 4);
    }
}
