//! Do Not Track and Global Privacy Control: one logic, two rule files.

use super::{clauses, push_evidence};
use crate::report::{SignalFinding, SignalVerdict};
use crate::rules;
use crate::segment::{Doc, Sentence};
use std::borrow::Cow;

/// The verdicts for Do Not Track and Global Privacy Control. Each run reads both signals'
/// `mention` cue of every sentence: it is read once here for both.
pub(crate) fn run_both(doc: &Doc) -> (SignalFinding, SignalFinding) {
    let mentions = |finding: &str| -> Vec<bool> {
        let r = rules::get(finding);
        doc.sentences
            .iter()
            .map(|s| r.is("mention", &s.norm))
            .collect()
    };
    let dnt = mentions("do_not_track");
    let gpc = mentions("global_privacy_control");
    (
        run(doc, "do_not_track", &dnt, &gpc),
        run(doc, "global_privacy_control", &gpc, &dnt),
    )
}

/// The verdict for one signal (`do_not_track` or `global_privacy_control`). `ours`, `theirs`:
/// per sentence, the `mention` cue of this signal and of the other one.
fn run(doc: &Doc, finding: &str, ours: &[bool], theirs: &[bool]) -> SignalFinding {
    let r = rules::get(finding);
    let o = rules::get(other_finding(finding));
    let mut by_verdict: [Vec<&Sentence>; 3] = Default::default();
    // Index of the last sentence that named a signal, and whether it named this one alone.
    let mut last_named: Option<(usize, bool)> = None;
    // Per heading: does it name this signal, the other one?
    let mut heading_names: Vec<Option<(bool, bool)>> = vec![None; doc.headings.len()];
    for (i, s) in doc.sentences.iter().enumerate() {
        let recent = match last_named {
            Some((j, ours)) if i - j <= FOLLOW_WINDOW => Some(ours),
            _ => None,
        };
        let heading = s.heading.map(|h| {
            *heading_names[h].get_or_insert_with(|| {
                let norm = &doc.headings[h].norm;
                (r.is("section_heading", norm), o.is("section_heading", norm))
            })
        });
        // Under a heading that names the signal; where the heading names both signals, the
        // sentence speaks of the one named last.
        let in_heading =
            heading.is_some_and(|(ours, theirs)| ours && (recent != Some(false) || !theirs));
        let mentioned = ours[i];
        let other = theirs[i] && other_signal_named(&s.norm, finding);
        // Cheap gate: most sentences neither name the signal nor sit where it is spoken of.
        let v = if mentioned || in_heading || recent == Some(true) {
            classify(s, finding, in_heading, recent)
        } else {
            None
        };
        if other || mentioned && names(finding, &s.norm) {
            last_named = Some((i, !other));
        }
        let Some(v) = v else {
            continue;
        };
        let slot = match v {
            SignalVerdict::NotHonored => 0,
            SignalVerdict::Honored => 1,
            _ => 2,
        };
        by_verdict[slot].push(s);
    }
    let (verdict, list) = if !by_verdict[0].is_empty() {
        (SignalVerdict::NotHonored, &by_verdict[0])
    } else if !by_verdict[1].is_empty() {
        (SignalVerdict::Honored, &by_verdict[1])
    } else if !by_verdict[2].is_empty() {
        (SignalVerdict::Unclear, &by_verdict[2])
    } else {
        return SignalFinding::default();
    };
    let mut evidence = Vec::new();
    for s in list {
        push_evidence(&mut evidence, doc, s);
    }
    SignalFinding { verdict, evidence }
}

/// A sentence this close after one that names the signal may speak of it as "these signals".
const FOLLOW_WINDOW: usize = 3;

/// What one sentence says about the signal, if it speaks of it. `in_heading`: its heading names
/// the signal; `recent` tells whether a sentence shortly before named a signal: `Some(true)` this
/// one alone, `Some(false)` the other one.
fn classify(
    s: &Sentence,
    finding: &str,
    in_heading: bool,
    recent: Option<bool>,
) -> Option<SignalVerdict> {
    let r = rules::get(finding);
    let masked = mask_name(r, &s.norm, finding);
    let norm: &str = &masked;
    let named = r.is("named", norm);
    let in_section = !named
        && (in_heading && r.is("section_topic", norm)
            || recent == Some(true) && r.is("anaphor", norm));
    if !named && !in_section {
        return None;
    }
    // Judge the clauses that name the signal; in a section, the whole sentence.
    let parts: Vec<&str> = if named {
        clauses(norm)
            .into_iter()
            .filter(|c| r.is("named", c))
            .collect()
    } else {
        vec![norm]
    };
    let parts = if parts.is_empty() { vec![norm] } else { parts };
    let mut verdict = SignalVerdict::Unclear;
    for c in parts {
        if r.is("pointer", c) {
            continue;
        }
        if r.is("refuse", c) {
            return Some(SignalVerdict::NotHonored);
        }
        if r.is("honor", c) || r.is("honor_3p", c) && !r.is("honor_3p_not", c) {
            verdict = SignalVerdict::Honored;
        }
    }
    if verdict == SignalVerdict::Unclear && named {
        // A mention without a stance in its own clause: the stance may sit in another clause
        // ("DNT is a browser setting; we do not respond to it").
        if r.is("refuse", norm) && !r.is("pointer", norm) && !other_signal_named(norm, finding) {
            return Some(SignalVerdict::NotHonored);
        }
    }
    Some(verdict)
}

/// Replaces each "do not track" that names the signal (not the verb phrase "we do not track
/// you") with "dnt", so that the name's own "not" is not read as a refusal.
fn mask_name<'a>(r: &rules::RuleSet, norm: &'a str, finding: &str) -> Cow<'a, str> {
    if finding != "do_not_track" {
        return Cow::Borrowed(norm);
    }
    let spans = r.find_all("name", norm);
    if spans.is_empty() {
        return Cow::Borrowed(norm);
    }
    let mut out = String::with_capacity(norm.len());
    let mut last = 0;
    for (a, b) in spans {
        let after = &norm[b..];
        let verb = (r.is("verb_before", &norm[..a]) || r.is("verb_after", after))
            && !r.is("name_after", after);
        if verb {
            continue;
        }
        out.push_str(&norm[last..a]);
        out.push_str("dnt");
        last = b;
    }
    if last == 0 {
        return Cow::Borrowed(norm);
    }
    out.push_str(&norm[last..]);
    Cow::Owned(out)
}

/// Does the sentence also name the other signal (so a stance may belong to it)?
fn other_signal_named(norm: &str, finding: &str) -> bool {
    names(other_finding(finding), norm)
}

/// The other signal's finding.
fn other_finding(finding: &str) -> &'static str {
    if finding == "do_not_track" {
        "global_privacy_control"
    } else {
        "do_not_track"
    }
}

/// Does the sentence name the signal (not merely say "we do not track")?
fn names(finding: &str, norm: &str) -> bool {
    let r = rules::get(finding);
    r.is("mention", norm) && r.is("named", &mask_name(r, norm, finding))
}
