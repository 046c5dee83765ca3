//! From sentences to findings: one module per finding, each reading its own rule file.

mod age;
mod changes;
mod contact;
mod is_policy;
mod opt_outs;
mod retention;
mod rights;
mod security;
mod sharing;
mod signals;
mod tracking;
mod transfers;

use crate::report::{Evidence, NamedParty, Report};
use crate::segment::{Doc, Sentence};
use crate::text::utf16_len;

/// Runs every finding over the cut document.
pub(crate) fn run(doc: &Doc) -> Report {
    // One anchor scan per sentence and heading tells every cue check what cannot match.
    let _scope = crate::rules::scope(
        doc.sentences
            .iter()
            .map(|s| s.norm.as_str())
            .chain(doc.headings.iter().map(|h| h.norm.as_str())),
    );
    let (do_not_track, global_privacy_control) = signals::run_both(doc);
    let mut report = Report {
        is_policy: is_policy::run(doc),
        third_party_sharing: sharing::run(doc),
        do_not_track,
        global_privacy_control,
        minimum_age: age::run(doc),
        contact: contact::run(doc),
        retention: retention::run(doc),
        rights: rights::run(doc),
        opt_outs: opt_outs::run(doc),
        tracking: tracking::run(doc),
        security: security::run(doc),
        policy_changes: changes::run(doc),
        international_transfers: transfers::run(doc),
        meta: Default::default(),
    };
    report.meta.analyzed_length = to_utf16(doc, &mut report);
    report.meta.version = env!("CARGO_PKG_VERSION").to_string();
    report.meta.truncated = doc.truncated;
    report.meta.sentences = doc.sentences.len();
    report
}

/// Evidence for a sentence, with byte offsets (converted to UTF-16 at the end of [`run`]).
pub(crate) fn evidence(doc: &Doc, s: &Sentence) -> Evidence {
    Evidence {
        text: s.text.clone(),
        start: s.start,
        end: s.end,
        section: doc.section_name(s),
        block: s.block,
    }
}

/// A number written as a word, as policies write ages and periods ("thirteen", "twenty-four").
pub(crate) fn number_word(w: &str) -> Option<u32> {
    const WORDS: &[(&str, u32)] = &[
        ("one", 1),
        ("two", 2),
        ("three", 3),
        ("four", 4),
        ("five", 5),
        ("six", 6),
        ("seven", 7),
        ("eight", 8),
        ("nine", 9),
        ("ten", 10),
        ("eleven", 11),
        ("twelve", 12),
        ("thirteen", 13),
        ("fourteen", 14),
        ("fifteen", 15),
        ("sixteen", 16),
        ("seventeen", 17),
        ("eighteen", 18),
        ("nineteen", 19),
        ("twenty", 20),
        ("twenty-one", 21),
        ("twenty-four", 24),
        ("twenty four", 24),
        ("twenty-five", 25),
        ("thirty", 30),
        ("thirty-six", 36),
        ("forty-five", 45),
        ("sixty", 60),
        ("ninety", 90),
        ("one hundred", 100),
        ("a hundred", 100),
    ];
    WORDS.iter().find(|(k, _)| *k == w).map(|(_, v)| *v)
}

/// The names the `prefix…` cues find in the sentence (`party_Google_Analytics` → "Google
/// Analytics"), in cue order; a name inside a longer one ("Google" in "Google Analytics") does
/// not count.
pub(crate) fn names_in(
    r: &'static crate::rules::RuleSet,
    prefix: &str,
    s: &Sentence,
) -> Vec<String> {
    let hits = r.find_all_with_prefix(prefix, &s.norm);
    hits.iter()
        .filter(|&&(a, b, _)| {
            !hits
                .iter()
                .any(|&(c, d, _)| c <= a && b <= d && (d - c) > (b - a))
        })
        .map(|&(_, _, cue)| cue.trim_start_matches(prefix).replace('_', " "))
        .collect()
}

/// Adds a named party's sentence: a new entry, or up to three quotes for one already named.
pub(crate) fn add_party(out: &mut Vec<NamedParty>, name: String, doc: &Doc, s: &Sentence) {
    match out.iter_mut().find(|p| p.name == name) {
        Some(p) => {
            if p.evidence.len() < 3 && !p.evidence.iter().any(|e| e.start == s.start) {
                p.evidence.push(evidence(doc, s));
            }
        }
        None => out.push(NamedParty {
            name,
            evidence: vec![evidence(doc, s)],
        }),
    }
}

/// At most this many quotes per finding.
pub(crate) const MAX_EVIDENCE: usize = 5;

/// The evidence of a list of sentences (at most [`MAX_EVIDENCE`], each once).
pub(crate) fn evidence_of(doc: &Doc, list: &[&Sentence]) -> Vec<Evidence> {
    let mut v = Vec::new();
    for s in list {
        push_evidence(&mut v, doc, s);
    }
    v
}

/// Adds a sentence to the group of its kind (security measures, safeguards …).
pub(crate) fn add_to_kind<'d, K: PartialEq>(
    groups: &mut Vec<(K, Vec<&'d Sentence>)>,
    kind: K,
    s: &'d Sentence,
) {
    match groups.iter_mut().find(|(k, _)| *k == kind) {
        Some((_, list)) => list.push(s),
        None => groups.push((kind, vec![s])),
    }
}

/// The groups of [`add_to_kind`] in report order (the kinds' order), each made into a finding.
pub(crate) fn by_kind<K: Ord + Copy, T>(
    doc: &Doc,
    mut groups: Vec<(K, Vec<&Sentence>)>,
    make: impl Fn(K, Vec<Evidence>) -> T,
) -> Vec<T> {
    groups.sort_by_key(|(k, _)| *k);
    groups
        .into_iter()
        .map(|(k, list)| make(k, evidence_of(doc, &list)))
        .collect()
}

/// Appends evidence for `s` unless it is already there or the list is full.
pub(crate) fn push_evidence(list: &mut Vec<Evidence>, doc: &Doc, s: &Sentence) {
    if list.len() < MAX_EVIDENCE && !list.iter().any(|e| e.start == s.start) {
        list.push(evidence(doc, s));
    }
}

/// Rewrites every evidence offset from bytes to UTF-16 code units; returns the length of the
/// text in UTF-16 code units.
fn to_utf16(doc: &Doc, r: &mut Report) -> usize {
    let lists = r.evidence_lists_mut();
    // Many quotes are the same sentence: each offset is converted once.
    let mut offsets: Vec<usize> = lists
        .iter()
        .flat_map(|list| list.iter())
        .flat_map(|e| [e.start, e.end])
        .collect();
    offsets.sort_unstable();
    offsets.dedup();
    // The text is read once, from one offset to the next (offsets are character boundaries).
    let (mut at, mut count) = (0, 0);
    let mut units = Vec::with_capacity(offsets.len());
    for &o in &offsets {
        let o = o.clamp(at, doc.text.len());
        count += utf16_len(&doc.text.as_bytes()[at..o]);
        at = o;
        units.push(count);
    }
    let convert = |o: usize| units[offsets.partition_point(|&x| x < o)];
    for list in lists {
        for e in list {
            e.start = convert(e.start);
            e.end = convert(e.end);
        }
    }
    count + utf16_len(&doc.text.as_bytes()[at..])
}

/// Cuts a normalised sentence into clauses at contrast words, so that "we honor X, but we do
/// not respond to Y" is read as two statements.
///
/// The sentence is cut at every cut word in turn (each piece of one cut is cut at the next),
/// and pieces of white space alone are dropped. A sentence is cut once, for every finding that
/// asks ([`crate::anchors::pieces`]).
pub(crate) fn clauses(norm: &str) -> Vec<&str> {
    crate::anchors::pieces(norm, cut_clauses)
}

/// [`clauses`], cut now.
fn cut_clauses(norm: &str) -> Vec<&str> {
    // A cut that does not occur in the sentence splits none of its pieces: only the others are
    // applied (most sentences hold none or one). Which occur is found in one pass, by the first
    // two bytes of each cut.
    let bytes = norm.as_bytes();
    let mut present: u16 = 0;
    for (i, pair) in bytes.windows(2).enumerate() {
        let mut maybe = CUT_FIRST[pair[0] as usize] & CUT_SECOND[pair[1] as usize] & !present;
        while maybe != 0 {
            let k = maybe.trailing_zeros() as usize;
            maybe &= maybe - 1;
            if bytes[i..].starts_with(CUTS[k].as_bytes()) {
                present |= 1 << k;
            }
        }
    }
    let mut cuts = [""; CUTS.len()];
    let mut n = 0;
    for (k, cut) in CUTS.iter().enumerate() {
        if present & (1 << k) != 0 {
            cuts[n] = cut;
            n += 1;
        }
    }
    let mut out = Vec::new();
    cut_into(norm, &cuts[..n], &mut out);
    out
}

/// The contrast words of [`clauses`], in the order they cut (each at least two bytes long).
const CUTS: [&str; 11] = [
    "; ",
    ", but ",
    " but ",
    ", however",
    " however, ",
    ", whereas ",
    " whereas ",
    ", although ",
    ", while ",
    " - ",
    ": ",
];

/// Per byte, the cuts (bit `k` for `CUTS[k]`) whose byte `pos` it is.
const fn cut_bytes(pos: usize) -> [u16; 256] {
    let mut table = [0u16; 256];
    let mut k = 0;
    while k < CUTS.len() {
        table[CUTS[k].as_bytes()[pos] as usize] |= 1 << k;
        k += 1;
    }
    table
}

const CUT_FIRST: [u16; 256] = cut_bytes(0);
const CUT_SECOND: [u16; 256] = cut_bytes(1);

/// Cuts `text` at the first cut, each piece at the rest, and adds the pieces that are not white
/// space alone to `out`, in order.
fn cut_into<'t>(text: &'t str, cuts: &[&str], out: &mut Vec<&'t str>) {
    match cuts.split_first() {
        Some((cut, rest)) => {
            for piece in text.split(cut) {
                cut_into(piece, rest, out);
            }
        }
        None => {
            if !text.trim().is_empty() {
                out.push(text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`clauses`] as first written: every cut in turn over every piece.
    fn clauses_staged(norm: &str) -> Vec<&str> {
        let mut out = vec![norm];
        for cut in CUTS {
            out = out
                .into_iter()
                .flat_map(|c| c.split(cut))
                .filter(|c| !c.trim().is_empty())
                .collect();
        }
        out
    }

    #[test]
    fn clauses_cut_as_staged() {
        let cases = [
            "",
            " ",
            "we sell nothing",
            "we honor x, but we do not respond to y",
            "a; b; ; c;",
            "; ",
            "a, however, b however, c",
            ", however, ",
            "a - - b - c -",
            " - - ",
            "x: y: ",
            "a, whereas b whereas c, although d, while e",
            "but, but but , but  but ",
            "one ; two, but three:four: five - six",
            "é; ü, but ß",
        ];
        for c in cases {
            assert_eq!(clauses(c), clauses_staged(c), "clauses({c:?})");
        }
    }
}
