//! The person's rights (access, correction, deletion …) and how to exercise them.
//!
//! A sentence names a right by its cue; it grants it where it speaks of a right or of what the
//! person may do or request, or where it sits under a rights heading as a list item or label
//! ("Deletion: …"); the first sentence under a heading that names a right ("Right to Delete")
//! grants it too. A clause saying the person cannot ("you cannot delete posts") gives `no`,
//! unless it only limits the right ("we may not be able to delete all of it"); `yes` anywhere
//! wins. Rights of someone else's users are skipped. Requests: the addresses, phones, links and
//! named ways in sentences that speak of making a request in a rights context.

use super::contact::{self, add};
use super::{clauses, push_evidence};
use crate::report::{Exercise, Right, RightFinding, Rights, YesNo};
use crate::rules::{self, RuleSet};
use crate::segment::{Doc, Sentence};

const RIGHT_CUES: [(Right, &str); 12] = [
    (Right::Access, "r_access"),
    (Right::Correction, "r_correction"),
    (Right::Deletion, "r_deletion"),
    (Right::Portability, "r_portability"),
    (Right::Objection, "r_objection"),
    (Right::Restriction, "r_restriction"),
    (Right::WithdrawConsent, "r_withdrawConsent"),
    (Right::OptOutOfSale, "r_optOutOfSale"),
    (Right::OptOutOfTargetedAds, "r_optOutOfTargetedAds"),
    (Right::LimitSensitiveUse, "r_limitSensitiveUse"),
    (Right::NonDiscrimination, "r_nonDiscrimination"),
    (Right::Complaint, "r_complaint"),
];

/// Per right: `Some(true)` granted, `Some(false)` refused, `None` not spoken of.
fn classify(r: &RuleSet, n: &str, in_rights: bool, item: bool) -> [Option<bool>; 12] {
    let mut out = [None; 12];
    if !r.any_with_prefix("r_", n) || r.is("foreign", n) || r.is("meta", n) {
        return out;
    }
    let grant = r.is("grant", n) || in_rights && (item || r.is("item_lead", n));
    for c in clauses(n) {
        // Each right's cue is asked once per clause; a clause that names none is skipped.
        let said = RIGHT_CUES.map(|(_, cue)| r.is(cue, c));
        if !said.contains(&true) {
            continue;
        }
        let denied = r.is("deny", c) && !r.is("deny_void", c);
        for (k, (right, _)) in RIGHT_CUES.iter().enumerate() {
            if !said[k] {
                continue;
            }
            let v = match right {
                Right::NonDiscrimination => {
                    (grant || in_rights && r.is("nd_grant", c)).then_some(true)
                }
                Right::Complaint => (!denied && r.is("complaint_to", n)).then_some(true),
                _ if denied => Some(false),
                _ => grant.then_some(true),
            };
            if let Some(v) = v {
                out[k] = Some(out[k].unwrap_or(false) || v);
            }
        }
    }
    out
}

pub(crate) fn run(doc: &Doc) -> Rights {
    let r = rules::get("rights");
    let c = rules::get("contact");
    let heading: Vec<bool> = doc
        .headings
        .iter()
        .map(|h| r.is("heading", &h.norm))
        .collect();
    // Rights a heading names as rights ("Right to Delete"), computed once per heading.
    let named: Vec<[Option<bool>; 12]> = doc
        .headings
        .iter()
        .map(|h| {
            if h.norm.contains("right") {
                classify(r, &h.norm, true, true)
            } else {
                [None; 12]
            }
        })
        .collect();
    let mut seen_heading = vec![false; doc.headings.len()];
    let mut heading_children: Vec<Option<bool>> = vec![None; doc.headings.len()];
    let mut yes: Vec<Vec<&Sentence>> = vec![Vec::new(); 12];
    let mut no: Vec<Vec<&Sentence>> = vec![Vec::new(); 12];
    let mut ex = Exercise::default();
    let mut ex_sentences: Vec<&Sentence> = Vec::new();
    let mut last_right_block: Option<usize> = None;
    let mut links_used_block: Option<usize> = None;
    for (i, s) in doc.sentences.iter().enumerate() {
        let n = s.norm.as_str();
        let in_rights = s
            .heading
            .is_some_and(|h| heading[h] || doc.headings[h].parent.is_some_and(|p| heading[p]));
        let mut any_right = false;
        if let Some(h) = s.heading {
            if !seen_heading[h] {
                seen_heading[h] = true;
                for (k, v) in named[h].iter().enumerate() {
                    if *v == Some(true) {
                        yes[k].push(s);
                        any_right = true;
                    }
                }
            }
        }
        let about_children = r.is("children", n)
            || s.heading.is_some_and(|h| {
                *heading_children[h].get_or_insert_with(|| r.is("children", &doc.headings[h].norm))
            });
        let parents_request = about_children && !r.is("children_own", n);
        if !parents_request && r.is("gate", n) {
            let item = doc.blocks[s.block].kind == crate::BlockKind::ListItem;
            for (k, v) in classify(r, n, in_rights, item).iter().enumerate() {
                match v {
                    Some(true) => {
                        yes[k].push(s);
                        any_right = true;
                    }
                    Some(false) => no[k].push(s),
                    None => {}
                }
            }
        }
        let context = in_rights
            || any_right
            || last_right_block.is_some_and(|b| b == s.block || b + 1 == s.block);
        if any_right {
            last_right_block = Some(s.block);
        }
        if context && r.is("exercise", n) && !r.is("foreign", n) {
            let block_links = links_used_block != Some(s.block);
            if exercise(doc, i, r, c, &mut ex, block_links) {
                ex_sentences.push(s);
                links_used_block = Some(s.block);
            }
        }
    }
    let mut out = Rights::default();
    for (k, (right, _)) in RIGHT_CUES.iter().enumerate() {
        let (verdict, list) = if !yes[k].is_empty() {
            (YesNo::Yes, &yes[k])
        } else if !no[k].is_empty() {
            (YesNo::No, &no[k])
        } else {
            continue;
        };
        let mut evidence = Vec::new();
        for s in list {
            push_evidence(&mut evidence, doc, s);
        }
        out.rights.push(RightFinding {
            right: *right,
            verdict,
            evidence,
        });
    }
    for s in ex_sentences {
        push_evidence(&mut ex.evidence, doc, s);
    }
    out.exercise = ex;
    out
}

/// The request channels of one sentence; true when it gave any.
fn exercise(
    doc: &Doc,
    i: usize,
    r: &RuleSet,
    c: &RuleSet,
    out: &mut Exercise,
    block_links: bool,
) -> bool {
    let s = &doc.sentences[i];
    let n = s.norm.as_str();
    let mut used = false;
    if n.contains('@') {
        used |= contact::written_emails(c, n, false, &mut out.emails);
    }
    for (l, own) in super::opt_outs::sentence_links(doc, i) {
        let low = l.to_ascii_lowercase();
        if r.is("url_not", &low) || !(own || block_links && r.is("url_form", &low)) {
            continue;
        }
        let full = if l.starts_with("www.") {
            format!("https://{l}")
        } else {
            l.clone()
        };
        if contact::is_web(&full) {
            used |= add(&mut out.urls, l);
        }
    }
    if block_links || s.nth_in_block == 0 {
        for l in &doc.blocks[s.block].links {
            if let Some(a) = l.trim().strip_prefix("mailto:") {
                let a = contact::clean_email(a.split('?').next().unwrap_or(""));
                if a.contains('@') && !contact::example_address(&a) {
                    used |= add(&mut out.emails, a);
                }
            } else if let Some(t) = l.trim().strip_prefix("tel:") {
                used |= add(&mut out.phones, t.trim().to_string());
            }
        }
    }
    used |= contact::phones(c, s, &mut out.phones);
    if !used && !r.is("way_address", n) {
        for caps in r.captures_all("way", n) {
            if let Some(w) = caps[1] {
                let w = w
                    .trim_start_matches("your ")
                    .trim_start_matches("our ")
                    .trim_start_matches("the ")
                    .trim_start_matches("a ")
                    .replace('"', "");
                used |= add(&mut out.other, w);
            }
        }
    }
    used
}
