//! Do Not Track and Global Privacy Control: one logic, two rule files.

use super::{clauses, push_evidence};
use crate::report::{SignalFinding, SignalVerdict};
use crate::rules;
use crate::segment::{Doc, Sentence};

/// The verdict for one signal (`do_not_track` or `global_privacy_control`).
pub(crate) fn run(doc: &Doc, finding: &str) -> SignalFinding {
    let r = rules::get(finding);
    let mut by_verdict: [Vec<&Sentence>; 3] = Default::default();
    for s in &doc.sentences {
        let Some(v) = classify(doc, s, finding) else {
            continue;
        };
        let slot = match v {
            SignalVerdict::NotHonored => 0,
            SignalVerdict::Honored => 1,
            _ => 2,
        };
        by_verdict[slot].push(s);
    }
    let _ = r;
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

/// What one sentence says about the signal, if it speaks of it.
fn classify(doc: &Doc, s: &Sentence, finding: &str) -> Option<SignalVerdict> {
    let r = rules::get(finding);
    let named = r.is("mention", &s.norm);
    let in_section = !named
        && doc
            .headings_of(s)
            .take(1)
            .any(|h| r.is("section_heading", &h.norm))
        && r.is("section_topic", &s.norm);
    if !named && !in_section {
        return None;
    }
    // Judge the clauses that name the signal; in a section, the whole sentence.
    let parts: Vec<&str> = if named {
        clauses(&s.norm)
            .into_iter()
            .filter(|c| r.is("mention", c))
            .collect()
    } else {
        vec![s.norm.as_str()]
    };
    let parts = if parts.is_empty() { vec![s.norm.as_str()] } else { parts };
    let mut verdict = SignalVerdict::Unclear;
    for c in parts {
        if r.is("refuse", c) {
            return Some(SignalVerdict::NotHonored);
        }
        if r.is("honor", c) {
            verdict = SignalVerdict::Honored;
        }
    }
    if verdict == SignalVerdict::Unclear && named {
        // A mention without a stance in its own clause: the stance may sit in another clause
        // ("DNT is a browser setting; we do not respond to it").
        if r.is("refuse", &s.norm) && !other_signal_named(&s.norm, finding) {
            return Some(SignalVerdict::NotHonored);
        }
    }
    Some(verdict)
}

/// Does the sentence also name the other signal (so a stance may belong to it)?
fn other_signal_named(norm: &str, finding: &str) -> bool {
    let other = if finding == "do_not_track" {
        "global_privacy_control"
    } else {
        "do_not_track"
    };
    rules::get(other).is("mention", norm)
}
