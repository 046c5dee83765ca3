//! Policy changes: how people are told of changes, and the date of this version.

use super::{clauses, evidence, push_evidence};
use crate::document::BlockKind;
use crate::report::{ChangeNotice, ChangeNoticeFinding, Evidence, PolicyChanges, PolicyDate};
use crate::rules::{self, RuleSet};
use crate::segment::Doc;

/// A date line alone counts this near the top of the document (in sentences).
const TOP_SENTENCES: usize = 6;
/// A sentence longer than this (in bytes) needs the policy as the subject of its date.
const SHORT_SENTENCE: usize = 120;

pub(crate) fn run(doc: &Doc) -> PolicyChanges {
    let r = rules::get("policy_changes");
    let mut out = PolicyChanges::default();
    let mut heading_is: Vec<Option<bool>> = vec![None; doc.headings.len()];
    let mut by_notice: [Vec<Evidence>; 3] = Default::default();
    for s in &doc.sentences {
        let n = s.norm.as_str();
        // Cheap gate first.
        if !r.is("gate", n) {
            continue;
        }
        let in_heading = s.heading.is_some_and(|h| {
            *heading_is[h].get_or_insert_with(|| {
                let hn = &doc.headings[h].norm;
                r.is("heading", hn) && !r.is("about_not", hn)
            })
        });
        if !(r.is("about", n) || in_heading) || r.is("about_not", n) && !r.is("about", n) {
            continue;
        }
        push_evidence(&mut out.evidence, doc, s);
        for c in clauses(n) {
            let refused = r.is("n_not", c);
            for (slot, cue) in ["n_email", "n_siteNotice", "n_posted"].iter().enumerate() {
                // "We will not notify you": no way is promised (posting still is one).
                if refused && slot < 2 {
                    continue;
                }
                if r.is(cue, c) {
                    push_evidence(&mut by_notice[slot], doc, s);
                }
            }
        }
    }
    let direct = !by_notice[0].is_empty() || !by_notice[1].is_empty();
    for (slot, notice) in ChangeNotice::ALL.iter().enumerate() {
        if by_notice[slot].is_empty() || slot == 2 && direct {
            continue;
        }
        out.notices.push(ChangeNoticeFinding {
            notice: *notice,
            evidence: std::mem::take(&mut by_notice[slot]),
        });
    }
    out.updated = updated(doc, r, &mut heading_is);
    out
}

/// The effective or last-updated date: the latest of those the policy gives.
fn updated(doc: &Doc, r: &RuleSet, heading_is: &mut [Option<bool>]) -> Option<PolicyDate> {
    let mut found: Vec<PolicyDate> = Vec::new();
    let mut add = |date: &str, text: &str, ev: Evidence, siblings: &str| {
        let written = super::retention::as_written(text, date).unwrap_or_else(|| date.to_string());
        let iso = iso_date(date, siblings);
        match found.iter_mut().find(|d| d.date == written) {
            Some(d) => {
                if d.evidence.len() < super::MAX_EVIDENCE {
                    d.evidence.push(ev);
                }
            }
            None => found.push(PolicyDate {
                date: written,
                iso,
                evidence: vec![ev],
            }),
        }
    };
    // Sentences: a labelled date, or a date alone near the top or in a changes section.
    for (i, s) in doc.sentences.iter().enumerate() {
        let n = s.norm.as_str();
        // Cheap gate: a date of a version has a four-digit year.
        if !has_year(n) {
            continue;
        }
        let n = n.trim_matches(|c: char| c == '*' || c == '_' || c == ' ');
        if let Some(d) = labelled(r, n) {
            add(d, &s.text, evidence(doc, s), n);
            continue;
        }
        let near_top = i < TOP_SENTENCES;
        let in_changes = s.heading.is_some_and(|h| {
            *heading_is[h].get_or_insert_with(|| {
                let hn = &doc.headings[h].norm;
                r.is("heading", hn) && !r.is("about_not", hn)
            })
        });
        if near_top || in_changes {
            if let Some(d) = alone(r, n) {
                add(d, &s.text, evidence(doc, s), n);
            }
        }
    }
    // Headings: "Privacy Policy, updated 11/14/2022", or a date heading at the top.
    let mut hi = 0;
    for (bi, b) in doc.blocks.iter().enumerate() {
        if b.kind != BlockKind::Heading {
            continue;
        }
        let Some(h) = doc.headings.get(hi) else {
            break;
        };
        hi += 1;
        let n = h
            .norm
            .trim_matches(|c: char| c == '*' || c == '_' || c == ' ');
        if !has_year(n) {
            continue;
        }
        let d = labelled(r, n).or_else(|| {
            if bi < TOP_SENTENCES {
                alone(r, n)
            } else {
                None
            }
        });
        if let Some(d) = d {
            let ev = Evidence {
                text: h.text.clone(),
                start: b.start,
                end: b.end,
                section: h.parent.map(|p| doc.headings[p].text.clone()),
                block: bi,
            };
            add(d, &h.text, ev, n);
        }
    }
    // The latest date with an ISO form; else the first one written.
    let best = found
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.iso.as_ref().map(|iso| (iso.clone(), i)))
        .max()
        .map(|(_, i)| i)
        .or(if found.is_empty() { None } else { Some(0) })?;
    Some(found.swap_remove(best))
}

/// Does the text hold four digits in a row (a year)?
fn has_year(n: &str) -> bool {
    let mut run = 0;
    for b in n.bytes() {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        if run == 4 {
            return true;
        }
    }
    false
}

/// A date with its label ("Last updated: March 1, 2024") in a sentence that speaks of this
/// policy's date.
fn labelled<'t>(r: &RuleSet, n: &'t str) -> Option<&'t str> {
    if n.len() > SHORT_SENTENCE && !r.is("date_policy", n) || r.is("date_not", n) {
        return None;
    }
    // The last labelled date ("reviewed on X and last updated on Y": Y).
    let caps = r.captures_all("date_label", n);
    caps.last().and_then(|c| c.get(1).copied().flatten())
}

/// A line that holds only a date (and perhaps a version).
fn alone<'t>(r: &RuleSet, n: &'t str) -> Option<&'t str> {
    if n.len() > 40 {
        return None;
    }
    let caps = r.captures_all("date_alone", n);
    caps.first().and_then(|c| c.get(1).copied().flatten())
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// `YYYY-MM-DD` (or `YYYY-MM`) for a written date, where it is unambiguous. `siblings` is the
/// text around it: another numeric date there with a day over 12 settles the order.
fn iso_date(date: &str, siblings: &str) -> Option<String> {
    let words: Vec<&str> = date
        .split([' ', ',', '/', '-', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    let month_of = |w: &str| {
        MONTHS
            .iter()
            .position(|m| w.starts_with(m))
            .map(|i| i as u32 + 1)
    };
    let num = |w: &str| -> Option<u32> {
        w.trim_end_matches(|c: char| c.is_ascii_alphabetic())
            .parse()
            .ok()
    };
    let has_name = words
        .iter()
        .any(|w| w.starts_with(|c: char| c.is_ascii_alphabetic()) && month_of(w).is_some());
    let (y, m, d) = if has_name {
        let m = words.iter().find_map(|w| {
            if w.starts_with(|c: char| c.is_ascii_alphabetic()) {
                month_of(w)
            } else {
                None
            }
        })?;
        let nums: Vec<u32> = words
            .iter()
            .filter(|w| w.starts_with(|c: char| c.is_ascii_digit()))
            .filter_map(|w| num(w))
            .collect();
        let y = *nums.iter().find(|&&n| n >= 1000)?;
        let d = nums.iter().copied().find(|&n| (1..=31).contains(&n));
        (y, m, d)
    } else {
        let nums: Vec<u32> = words.iter().filter_map(|w| w.parse().ok()).collect();
        if nums.len() != 3 {
            return None;
        }
        if nums[0] >= 1000 {
            (nums[0], nums[1], Some(nums[2]))
        } else {
            let (a, b, y) = (nums[0], nums[1], nums[2]);
            let day_first = if a > 12 {
                true
            } else if b > 12 || a == b {
                false
            } else {
                sibling_order(date, siblings)?
            };
            if day_first {
                (y, b, Some(a))
            } else {
                (y, a, Some(b))
            }
        }
    };
    if !(1..=12).contains(&m) || !(1000..=2999).contains(&y) {
        return None;
    }
    match d {
        Some(d) if (1..=31).contains(&d) => Some(format!("{y:04}-{m:02}-{d:02}")),
        Some(_) => None,
        None => Some(format!("{y:04}-{m:02}")),
    }
}

/// Whether the other numeric dates near `date` are written day first (`Some(true)`), month
/// first (`Some(false)`), or do not tell.
fn sibling_order(date: &str, siblings: &str) -> Option<bool> {
    for w in siblings.split([' ', ',', '(', ')']) {
        let w = w.trim_end_matches('.');
        if w == date {
            continue;
        }
        let parts: Vec<u32> = w
            .split(['/', '.', '-'])
            .filter_map(|p| p.parse().ok())
            .collect();
        if parts.len() == 3 && parts[2] >= 1000 {
            if parts[0] > 12 {
                return Some(true);
            }
            if parts[1] > 12 {
                return Some(false);
            }
        }
    }
    None
}
