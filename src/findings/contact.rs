//! Contact: emails, phones, URLs, postal addresses and named channels of the operator.

use super::push_evidence;
use crate::report::Contact;
use crate::rules::{self, RuleSet};
use crate::segment::{Doc, Sentence};

pub(crate) fn run(doc: &Doc) -> Contact {
    let r = rules::get("contact");
    let mut out = Contact::default();
    let mut evidence_of: Vec<&Sentence> = Vec::new();
    let mut postal_blocks: Vec<usize> = Vec::new();
    for s in &doc.sentences {
        let n = s.norm.as_str();
        let in_section = doc.headings_of(s).take(2).any(|h| r.is("heading", &h.norm));
        let context = in_section || r.is("context", n) || previous_is_context(doc, s, r);
        let foreign = r.is("not_operator", n);
        let mut used = false;
        // Emails: written out, obfuscated, or only in a mailto: link of the block.
        if n.contains('@') || n.contains("at]") || n.contains("(at)") || n.contains("{at}") {
            for (a, b) in r.find_all("email", n) {
                if !foreign && !example_address(&n[a..b]) {
                    used |= add(&mut out.emails, n[a..b].trim_end_matches('.').to_string());
                }
            }
            for caps in r.captures_all("email_obfuscated", n) {
                if let (Some(user), Some(domain)) = (caps[1], caps[2]) {
                    if n[..].contains(&format!("{user}@")) || foreign {
                        continue;
                    }
                    let domain: String = domain
                        .replace("[dot]", ".")
                        .replace("(dot)", ".")
                        .replace("{dot}", ".")
                        .replace(" dot ", ".")
                        .replace(' ', "");
                    used |= add(&mut out.emails, format!("{user}@{domain}"));
                }
            }
        }
        if s.nth_in_block == 0 && !foreign {
            for link in &doc.blocks[s.block].links {
                let l = link.trim();
                if let Some(addr) = l
                    .strip_prefix("mailto:")
                    .or_else(|| l.strip_prefix("MAILTO:"))
                {
                    let addr = addr.split('?').next().unwrap_or("").trim().to_lowercase();
                    if addr.contains('@') && !example_address(&addr) {
                        used |= add(&mut out.emails, addr);
                    }
                } else if let Some(tel) = l.strip_prefix("tel:") {
                    if context {
                        used |= add(&mut out.phones, tel.trim().to_string());
                    }
                } else if context && is_web(l) && !r.is("not_operator_url", &l.to_lowercase()) {
                    used |= add(&mut out.urls, l.to_string());
                }
            }
        }
        if context && !foreign {
            used |= phones(r, s, &mut out.phones);
            for (a, b) in r.find_all("url", n) {
                let url = s.text.get(a..b).unwrap_or(&n[a..b]);
                let url = url.trim_end_matches(['.', ',', ';', ':']);
                if !r.is("not_operator_url", &url.to_lowercase()) {
                    used |= add(&mut out.urls, url.to_string());
                }
            }
            if r.is("postal", n) && !postal_blocks.contains(&s.block) {
                if let Some(addr) = postal(doc, s, r) {
                    postal_blocks.push(s.block);
                    used |= add(&mut out.postal_addresses, addr);
                }
            }
            for caps in r.captures_all("channel", &s.text) {
                if let Some(name) = caps[1] {
                    let has_address = n.contains('@') || r.is("url", n) || !doc.blocks[s.block].links.is_empty();
                    if !has_address {
                        used |= add(&mut out.other_channels, name.to_string());
                    }
                }
            }
        }
        if used {
            evidence_of.push(s);
        }
    }
    for s in evidence_of {
        push_evidence(&mut out.evidence, doc, s);
    }
    out
}

/// A sentence directly after "contact us at:" or in the same block as one.
fn previous_is_context(doc: &Doc, s: &Sentence, r: &RuleSet) -> bool {
    let i = doc.sentences.partition_point(|t| t.start < s.start);
    i > 0 && {
        let p = &doc.sentences[i - 1];
        (p.block + 1 == s.block || p.block == s.block) && r.is("context", &p.norm) && p.norm.len() < 300
    }
}

fn is_web(l: &str) -> bool {
    l.starts_with("http://") || l.starts_with("https://")
}

/// Placeholder addresses in examples.
fn example_address(a: &str) -> bool {
    a.ends_with("@domain.com") || a.starts_with("name@") || a.starts_with("yourname@") || a.starts_with("you@")
}

fn add(list: &mut Vec<String>, v: String) -> bool {
    if v.is_empty() {
        return false;
    }
    if !list.iter().any(|x| x.eq_ignore_ascii_case(&v)) {
        list.push(v);
    }
    true
}

/// Voice numbers in a sentence that speaks of calling (not fax).
fn phones(r: &RuleSet, s: &Sentence, out: &mut Vec<String>) -> bool {
    let n = s.norm.as_str();
    if !r.is("phone_context", n) {
        return false;
    }
    let mut used = false;
    for (a, b) in r.find_all("phone", n) {
        let digits = n[a..b].bytes().filter(u8::is_ascii_digit).count();
        if !(7..=15).contains(&digits) {
            continue;
        }
        let before = &n[a.saturating_sub(24)..a];
        if r.is("fax", before) || looks_like_date(&n[a..b]) {
            continue;
        }
        let written = s.text.get(a..b).unwrap_or(&n[a..b]).trim();
        used |= add(out, written.to_string());
    }
    used
}

fn looks_like_date(t: &str) -> bool {
    let parts: Vec<&str> = t.split(['-', '.', '/', ' ']).collect();
    parts.len() == 3 && parts[0].len() == 4 && parts[0].starts_with(['1', '2'])
}

/// The postal address around a sentence: the whole block when it is short, else the sentence.
fn postal(doc: &Doc, s: &Sentence, r: &RuleSet) -> Option<String> {
    let b = &doc.blocks[s.block];
    let raw = &doc.text[b.start..b.end];
    let lines: Vec<String> = raw
        .lines()
        .map(crate::text::display)
        .filter(|l| !l.is_empty())
        .collect();
    let joined = if raw.len() < 400 {
        lines.join(", ")
    } else {
        s.text.clone()
    };
    let norm = crate::text::normalize(&joined);
    if !r.is("postal_code", &norm) && !norm.contains("box") {
        return None;
    }
    // Drop a lead-in such as "Write to us at:".
    let addr = match joined.find(": ") {
        Some(i) if i < 80 && !r.is("postal", &crate::text::normalize(&joined[..i])) => &joined[i + 2..],
        _ => joined.as_str(),
    };
    Some(addr.trim().trim_end_matches(['.', ',']).replace(",,", ",").to_string())
}
