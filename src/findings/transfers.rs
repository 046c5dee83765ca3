//! International transfers: personal data sent to, stored or processed in other countries.

use super::clauses;
use crate::report::{InternationalTransfers, Safeguard, SafeguardFinding, YesNo};
use crate::rules;
use crate::segment::{Doc, Sentence};

const SAFEGUARD_CUES: [(Safeguard, &str); 6] = [
    (Safeguard::Adequacy, "s_adequacy"),
    (
        Safeguard::StandardContractualClauses,
        "s_standardContractualClauses",
    ),
    (Safeguard::BindingCorporateRules, "s_bindingCorporateRules"),
    (Safeguard::DataPrivacyFramework, "s_dataPrivacyFramework"),
    (Safeguard::PrivacyShield, "s_privacyShield"),
    (Safeguard::Consent, "s_consent"),
];

pub(crate) fn run(doc: &Doc) -> InternationalTransfers {
    let r = rules::get("international_transfers");
    let mut out = InternationalTransfers::default();
    let mut yes: Vec<&Sentence> = Vec::new();
    let mut no: Vec<&Sentence> = Vec::new();
    let mut safeguards: Vec<(Safeguard, Vec<&Sentence>)> = Vec::new();
    let mut heading_is: Vec<Option<bool>> = vec![None; doc.headings.len()];
    for s in &doc.sentences {
        let n = s.norm.as_str();
        // Cheap gate first: most sentences name no place and no safeguard.
        if !r.is("gate", n) {
            continue;
        }
        let in_heading = s.heading.is_some_and(|h| {
            *heading_is[h].get_or_insert_with(|| r.is("heading", &doc.headings[h].norm))
        });
        let mut affirm = false;
        let mut deny = false;
        for c in clauses(n) {
            if r.is("no", c) {
                if r.is("no_void", c) {
                    affirm = true;
                } else {
                    deny = true;
                }
                continue;
            }
            let moves = r.is("yes", c) || in_heading && r.is("yes_section", c);
            if moves && (!r.is("user_place", c) || r.is("we_move", c)) {
                affirm = true;
            }
        }
        // Safeguards: named for transfers (the sentence or its section speaks of them).
        let mut named = Vec::new();
        if !r.is("s_not", n) {
            for (sg, cue) in SAFEGUARD_CUES {
                if r.is(cue, n) {
                    named.push(sg);
                }
            }
        }
        let topical = affirm || in_heading || n.contains("transfer");
        named.retain(|sg| topical || *sg != Safeguard::Consent && *sg != Safeguard::Adequacy);
        if !named.is_empty() && !deny {
            affirm = true;
        }
        if affirm {
            yes.push(s);
        } else if deny {
            no.push(s);
        }
        for sg in named {
            super::add_to_kind(&mut safeguards, sg, s);
        }
    }
    let ev = |list: &[&Sentence]| super::evidence_of(doc, list);
    if !yes.is_empty() {
        out.verdict = YesNo::Yes;
        out.evidence = ev(&yes);
    } else if !no.is_empty() {
        out.verdict = YesNo::No;
        out.evidence = ev(&no);
    }
    out.safeguards = super::by_kind(doc, safeguards, |safeguard, evidence| SafeguardFinding {
        safeguard,
        evidence,
    });
    out
}
