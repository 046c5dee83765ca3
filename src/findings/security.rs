//! Security: the measures the operator says protect personal data, and breach notification.

use super::clauses;
use crate::report::{Measure, MeasureFinding, Security, Verdict, YesNo};
use crate::rules;
use crate::segment::{Doc, Sentence};

const MEASURE_CUES: [(Measure, &str); 6] = [
    (Measure::Encryption, "m_encryption"),
    (Measure::AccessControls, "m_accessControls"),
    (Measure::Monitoring, "m_monitoring"),
    (Measure::Physical, "m_physical"),
    (Measure::Training, "m_training"),
    (Measure::Pseudonymization, "m_pseudonymization"),
];

/// Measures that say "security" on their own; the others need a security context.
fn self_evident(m: Measure) -> bool {
    matches!(
        m,
        Measure::Encryption | Measure::AccessControls | Measure::Physical
    )
}

pub(crate) fn run(doc: &Doc) -> Security {
    let r = rules::get("security");
    let mut out = Security::default();
    let mut stated: Vec<&Sentence> = Vec::new();
    let mut measures: Vec<(Measure, Vec<&Sentence>)> = Vec::new();
    let mut breach_yes: Vec<&Sentence> = Vec::new();
    let mut breach_no: Vec<&Sentence> = Vec::new();
    let mut heading_is: Vec<Option<bool>> = vec![None; doc.headings.len()];
    for s in &doc.sentences {
        let n = s.norm.as_str();
        // Cheap gate first: most sentences do not speak of security.
        if !r.is("gate", n) {
            continue;
        }
        let in_heading = s.heading.is_some_and(|h| {
            *heading_is[h].get_or_insert_with(|| r.is("heading", &doc.headings[h].norm))
        });
        let not_ours = r.is("stated_not", n);
        let general = r.is("stated", n) && !not_ours;
        let context = in_heading
            || general
            || ["secur", "protect", "safeguard", "unauthori", "confidential"]
                .iter()
                .any(|w| n.contains(w));
        let mut found = Vec::new();
        if !not_ours || general {
            for c in clauses(n) {
                if r.is("m_not", c) {
                    continue;
                }
                for (m, cue) in MEASURE_CUES {
                    if !found.contains(&m) && (self_evident(m) || context) && r.is(cue, c) {
                        found.push(m);
                    }
                }
            }
        }
        if general || !found.is_empty() {
            stated.push(s);
        }
        for m in found {
            super::add_to_kind(&mut measures, m, s);
        }
        if r.is("breach", n) && !r.is("user_tells", n) {
            if r.is("notify_not", n) {
                breach_no.push(s);
            } else if r.is("notify", n) {
                breach_yes.push(s);
            }
        }
    }
    let ev = |list: &[&Sentence]| super::evidence_of(doc, list);
    out.stated = !stated.is_empty();
    out.evidence = ev(&stated);
    out.measures = super::by_kind(doc, measures, |measure, evidence| MeasureFinding {
        measure,
        evidence,
    });
    out.breach_notification = if !breach_yes.is_empty() {
        Verdict {
            verdict: YesNo::Yes,
            evidence: ev(&breach_yes),
        }
    } else if !breach_no.is_empty() {
        Verdict {
            verdict: YesNo::No,
            evidence: ev(&breach_no),
        }
    } else {
        Verdict::default()
    };
    out
}
