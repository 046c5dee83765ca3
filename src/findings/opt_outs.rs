//! Opt-outs: marketing emails, sale or sharing, targeted ads, each with the links given for it.
//!
//! Per clause, after a cheap gate: an opt-out word with the kind's topic (or a name that is an
//! opt-out by itself: "Do Not Sell or Share My Personal Information", the industry opt-out
//! pages); a clause saying the person cannot opt out, or speaking of a third party's own
//! opt-out, offers nothing.

use super::{clauses, push_evidence};
use crate::report::{OptOut, OptOutKind};
use crate::rules::{self, RuleSet};
use crate::segment::{Doc, Sentence};

/// The kinds one sentence offers.
fn kinds_in(r: &RuleSet, n: &str) -> [bool; 3] {
    let mut k = [false; 3];
    for c in clauses(n) {
        if r.is("deny", c) || r.is("foreign", c) {
            continue;
        }
        let offer = r.is("offer", c);
        if offer && r.is("mkt_topic", c) && r.is("mkt_channel", c) {
            k[0] = true;
        }
        if offer && r.is("sale_topic", c) || r.is("sale_link", c) {
            k[1] = true;
        }
        if offer && r.is("ads_topic", c) || r.is("ads_page", c) {
            k[2] = true;
        }
    }
    k
}

pub(crate) fn run(doc: &Doc) -> Vec<OptOut> {
    let r = rules::get("opt_outs");
    let mut found: Vec<(Vec<&Sentence>, Vec<String>)> = vec![Default::default(); 3];
    for (i, s) in doc.sentences.iter().enumerate() {
        let n = s.norm.as_str();
        if !r.is("gate", n) {
            continue;
        }
        let k = kinds_in(r, n);
        if !k.iter().any(|&x| x) {
            continue;
        }
        let links = sentence_links(doc, i);
        const LINK_CUES: [&str; 3] = ["link_mkt", "link_sale", "link_ads"];
        for kind in 0..3 {
            if !k[kind] {
                continue;
            }
            let (ev, ls) = &mut found[kind];
            ev.push(s);
            for (l, own) in &links {
                if (*own || r.is(LINK_CUES[kind], &l.to_ascii_lowercase()))
                    && !ls.iter().any(|x| x == l)
                {
                    ls.push(l.clone());
                }
            }
        }
    }
    let mut out = Vec::new();
    for (kind, (list, links)) in OptOutKind::ALL.iter().zip(found) {
        if list.is_empty() {
            continue;
        }
        let mut evidence = Vec::new();
        for s in list {
            push_evidence(&mut evidence, doc, s);
        }
        out.push(OptOut {
            kind: *kind,
            links,
            evidence,
        });
    }
    out
}

/// Web addresses given in or with the sentence, each with whether it is surely the sentence's
/// own (written in it, or the only sentence of its block); other links of an HTML block count
/// only where their target fits the kind.
pub(crate) fn sentence_links(doc: &Doc, i: usize) -> Vec<(String, bool)> {
    let s = &doc.sentences[i];
    let c = rules::get("contact");
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut add = |l: &str, own: bool| {
        let l = l.trim().trim_end_matches(['.', ',', ';', ':', '?', ')']);
        let web = l.starts_with("http://") || l.starts_with("https://") || l.starts_with("www.");
        if web && !out.iter().any(|(x, _)| x == l) {
            out.push((l.to_string(), own));
        }
    };
    if s.norm.contains("http") || s.norm.contains("www.") {
        for (a, b) in c.find_all("url", &s.norm) {
            add(super::contact::as_written(s, a, b), true);
        }
    }
    let raw = &doc.text[s.start..s.end];
    if doc.markup {
        for l in crate::text::inline_links(raw) {
            add(&l, true);
        }
    } else {
        let block = &doc.blocks[s.block];
        let alone =
            s.nth_in_block == 0 && doc.sentences.get(i + 1).is_none_or(|t| t.block != s.block);
        for l in &block.links {
            add(l, alone);
        }
    }
    out
}
