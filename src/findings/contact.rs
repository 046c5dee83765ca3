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
    // Each cue once per sentence and heading, the sentences' when first needed.
    let mut cues = Cues {
        heading: doc
            .headings
            .iter()
            .map(|h| r.is("heading", &h.norm))
            .collect(),
        context: SentenceCue::new(doc, r, "context"),
        not_operator: SentenceCue::new(doc, r, "not_operator"),
    };
    let ctx = &mut cues.context;
    let alien = &mut cues.not_operator;
    for (i, s) in doc.sentences.iter().enumerate() {
        let n = s.norm.as_str();
        let mut context_memo = None;
        let mut context = || {
            *context_memo.get_or_insert_with(|| {
                in_section(doc, &cues.heading, s) || ctx.at(i) || previous_is_context(doc, i, ctx)
            })
        };
        let mut foreign_memo = None;
        let mut foreign = || {
            *foreign_memo.get_or_insert_with(|| {
                alien.at(i)
                    || (n.len() < 400
                        && i > 0
                        && alien.at(i - 1)
                        && s.start.saturating_sub(doc.sentences[i - 1].end) < 400
                        && !r.is("first_person", n))
            })
        };
        let mut used = false;
        // Emails: written out, obfuscated, or only in a mailto: link of the block.
        if may_hold_email(n) {
            used |= written_emails(r, n, foreign(), &mut out.emails);
            let spelled = if n.contains(" dot ") {
                r.captures_all("email_spelled", n)
            } else {
                Vec::new()
            };
            for caps in r
                .captures_all("email_obfuscated", n)
                .into_iter()
                .chain(spelled)
            {
                if let (Some(user), Some(domain)) = (caps[1], caps[2]) {
                    let first_label = domain.split([' ', '.', '[', '(', '{']).next().unwrap_or("");
                    let stop = matches!(
                        first_label,
                        "the" | "a" | "an" | "our" | "your" | "this" | "that" | "its"
                    );
                    if n[..].contains(&format!("{user}@")) || foreign() || stop {
                        continue;
                    }
                    let domain: String = domain
                        .replace("[dot]", ".")
                        .replace("(dot)", ".")
                        .replace("{dot}", ".")
                        .replace(" dot ", ".")
                        .replace(' ', "");
                    let addr = format!("{user}@{domain}");
                    if !r.is("not_operator_email", &addr) {
                        used |= add(&mut out.emails, addr);
                    }
                }
            }
        }
        let links = &doc.blocks[s.block].links;
        if s.nth_in_block == 0 && !links.is_empty() && !foreign() {
            for link in links {
                let l = link.trim();
                if let Some(addr) = l
                    .strip_prefix("mailto:")
                    .or_else(|| l.strip_prefix("MAILTO:"))
                {
                    let addr = clean_email(addr.split('?').next().unwrap_or(""));
                    let tail_of_found = out
                        .emails
                        .iter()
                        .any(|x| x.len() > addr.len() && x.ends_with(&addr));
                    if addr.contains('@')
                        && !example_address(&addr)
                        && !r.is("not_operator_email", &addr)
                        && !tail_of_found
                    {
                        used |= add(&mut out.emails, addr);
                    }
                } else if let Some(tel) = l.strip_prefix("tel:") {
                    if context() {
                        used |= add(&mut out.phones, tel.trim().to_string());
                    }
                } else if context() && is_web(l) {
                    let lower = l.to_lowercase();
                    if !foreign_url(r, &lower) && r.is("channel_link", &lower) {
                        used |= add(&mut out.urls, l.trim_end_matches('?').to_string());
                    }
                }
            }
        }
        if context() && !foreign() {
            used |= phones(r, s, &mut out.phones);
            for (a, b) in r.find_all("url", n) {
                let url = as_written(s, a, b);
                let url = url.trim_end_matches(['.', ',', ';', ':', '?']);
                let full = if url.starts_with("www.") {
                    format!("https://{url}")
                } else {
                    url.to_string()
                };
                if is_web(&full) && !foreign_url(r, &url.to_lowercase()) {
                    used |= add(&mut out.urls, url.to_string());
                }
            }
            if r.is("postal", n) && !postal_blocks.contains(&s.block) {
                let found = postal(doc, s, r);
                if !found.is_empty() {
                    postal_blocks.push(s.block);
                }
                for addr in found {
                    used |= add(&mut out.postal_addresses, addr);
                }
            }
            for caps in r.captures_all_as_written("channel", &s.text, n) {
                if let Some(name) = caps[1] {
                    let has_address =
                        n.contains('@') || r.is("url", n) || !doc.blocks[s.block].links.is_empty();
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
    // Short lines that the segmenter took for headings ("E-mail: privacy@example.org").
    let mut heading_lines: Vec<Sentence> = Vec::new();
    for (bi, b) in doc.blocks.iter().enumerate() {
        if b.kind != crate::document::BlockKind::Heading {
            continue;
        }
        let raw = &doc.text[b.start..b.end];
        let digits = raw.bytes().filter(u8::is_ascii_digit).count();
        if !raw.contains('@') && digits < 7 && !b.links.iter().any(|l| l.starts_with("mailto:")) {
            continue;
        }
        let text = crate::text::display_as(raw, doc.markup);
        let norm = crate::text::normalize(&text);
        let foreign = r.is("not_operator", &norm)
            || previous_is_foreign(doc, b.start, &mut cues.not_operator);
        let mut used = !foreign && written_emails(r, &norm, false, &mut out.emails);
        for link in &b.links {
            if let Some(addr) = link.trim().strip_prefix("mailto:") {
                let addr = clean_email(addr.split('?').next().unwrap_or(""));
                if !foreign
                    && addr.contains('@')
                    && !example_address(&addr)
                    && !r.is("not_operator_email", &addr)
                {
                    used |= add(&mut out.emails, addr);
                }
            }
        }
        let line = Sentence {
            start: b.start,
            end: b.end,
            text,
            norm,
            block: bi,
            heading: None,
            nth_in_block: 0,
        };
        if !foreign {
            used |= phones(r, &line, &mut out.phones);
        }
        if used {
            heading_lines.push(line);
        }
    }
    short_line_addresses(
        doc,
        r,
        &mut cues,
        &postal_blocks,
        &mut out.postal_addresses,
        &mut heading_lines,
    );
    evidence_of.extend(heading_lines.iter());
    evidence_of.sort_by_key(|s| s.start);
    for s in evidence_of {
        push_evidence(&mut out.evidence, doc, s);
    }
    out
}

/// The cues read per heading and sentence.
struct Cues<'d> {
    /// Per heading: does it speak of contact (`heading`)?
    heading: Vec<bool>,
    context: SentenceCue<'d>,
    not_operator: SentenceCue<'d>,
}

/// Does the sentence sit under a contact heading (its own or the one above)? `heading`: the
/// headings' cue.
fn in_section(doc: &Doc, heading: &[bool], s: &Sentence) -> bool {
    s.heading
        .is_some_and(|h| heading[h] || doc.headings[h].parent.is_some_and(|p| heading[p]))
}

/// A cue of the rule file read per sentence: each sentence's answer once, when first asked.
struct SentenceCue<'d> {
    doc: &'d Doc,
    r: &'d RuleSet,
    cue: &'static str,
    memo: Vec<Option<bool>>,
}

impl<'d> SentenceCue<'d> {
    fn new(doc: &'d Doc, r: &'d RuleSet, cue: &'static str) -> Self {
        SentenceCue {
            doc,
            r,
            cue,
            memo: vec![None; doc.sentences.len()],
        }
    }

    /// Does the cue match sentence `i`?
    fn at(&mut self, i: usize) -> bool {
        let SentenceCue { doc, r, cue, memo } = self;
        *memo[i].get_or_insert_with(|| r.is(cue, &doc.sentences[i].norm))
    }
}

/// A sentence directly after "contact us at:" or in the same block as one.
fn previous_is_context(doc: &Doc, i: usize, ctx: &mut SentenceCue) -> bool {
    let s = &doc.sentences[i];
    // Earlier sentences of the same block, then the last one before the block.
    let mut k = i;
    while k > 0 && i - k < 12 {
        k -= 1;
        let p = &doc.sentences[k];
        if p.block != s.block && p.block + 1 != s.block {
            return false;
        }
        if p.norm.len() < 300 && ctx.at(k) {
            return true;
        }
        if p.block != s.block {
            return false;
        }
    }
    false
}

/// Addresses written one line a block ("Example Corp" / "1 Main Street" / "Springfield 12345"),
/// which the segmenter cuts into short headings and paragraphs.
fn short_line_addresses(
    doc: &Doc,
    r: &RuleSet,
    cues: &mut Cues,
    done: &[usize],
    out: &mut Vec<String>,
    ev: &mut Vec<Sentence>,
) {
    let short = |bi: usize| {
        let b = &doc.blocks[bi];
        let t = doc.text[b.start..b.end].trim();
        t.len() <= 90 && !t.contains('\n') && !t.ends_with(['.', ';', '!', '?'])
    };
    let mut bi = 0;
    while bi < doc.blocks.len() {
        if !short(bi) || done.contains(&bi) {
            bi += 1;
            continue;
        }
        let first = bi;
        while bi < doc.blocks.len() && short(bi) && !done.contains(&bi) && bi - first < 12 {
            bi += 1;
        }
        let lines: Vec<(usize, String)> = (first..bi)
            .map(|k| {
                let b = &doc.blocks[k];
                (
                    k,
                    crate::text::display_as(&doc.text[b.start..b.end], doc.markup),
                )
            })
            .collect();
        let norms: Vec<String> = lines
            .iter()
            .map(|(_, l)| crate::text::normalize(l))
            .collect();
        let Some(street) = norms.iter().position(|n| r.is("postal", n)) else {
            continue;
        };
        let Some(code) =
            (street..norms.len().min(street + 4)).find(|&k| r.is("postal_code", &norms[k]))
        else {
            continue;
        };
        let not_part = |n: &str| {
            n.contains('@')
                || n.contains("http")
                || n.contains("www.")
                || n.ends_with(':')
                || r.is("phone_context", n) && r.is("phone", n)
        };
        let mut from = street;
        while from > 0
            && street - from < 3
            && !not_part(&norms[from - 1])
            && !r.is("heading", &norms[from - 1])
        {
            from -= 1;
        }
        let mut to = code + 1;
        if to < norms.len()
            && norms[to].split_whitespace().count() <= 3
            && !norms[to].bytes().any(|c| c.is_ascii_digit())
            && !not_part(&norms[to])
            && !r.is("heading", &norms[to])
        {
            to += 1;
        }
        // Whose address: the heading or the sentence before the lines.
        let start = doc.blocks[lines[from].0].start;
        let i = doc.sentences.partition_point(|t| t.start < start);
        let prev = (i > 0).then(|| &doc.sentences[i - 1]);
        let about_contact = prev
            .is_some_and(|p| cues.context.at(i - 1) || in_section(doc, &cues.heading, p))
            || norms[..street]
                .iter()
                .any(|n| r.is("heading", n) || r.is("context", n));
        let foreign = prev.is_some() && cues.not_operator.at(i - 1)
            || norms[from..to].iter().any(|n| r.is("not_operator", n));
        if !about_contact || foreign {
            continue;
        }
        let addr: Vec<&str> = lines[from..to]
            .iter()
            .map(|(_, l)| l.trim().trim_end_matches(','))
            .collect();
        let addr = addr.join(", ");
        if add(out, addr.clone()) {
            let end = doc.blocks[lines[to - 1].0].end;
            ev.push(Sentence {
                start,
                end,
                norm: crate::text::normalize(&addr),
                text: addr,
                block: lines[from].0,
                heading: None,
                nth_in_block: 0,
            });
        }
    }
}

/// The sentence before a byte offset speaks of someone else (a regulator, a third party).
/// `alien`: the sentences' `not_operator` cue.
fn previous_is_foreign(doc: &Doc, at: usize, alien: &mut SentenceCue) -> bool {
    let i = doc.sentences.partition_point(|t| t.start < at);
    i > 0 && alien.at(i - 1) && at.saturating_sub(doc.sentences[i - 1].end) < 400
}

/// Written-out addresses of a normalised sentence.
/// Could `n` hold an email address: an `@`, or one written as `name (at) example dot com`
/// (`[at]`, `{at}`)? Every sentence is asked: one pass finds the bytes that each form needs
/// before any search for the words (five searches per sentence were 2% of an analysis).
fn may_hold_email(n: &str) -> bool {
    let bytes = n.as_bytes();
    // Without an early exit, so that the pass is vectorized.
    let marks = bytes.iter().fold(false, |seen, &b| {
        seen | matches!(b, b'@' | b']' | b')' | b'}')
    });
    (marks
        && (bytes.contains(&b'@') || n.contains("at]") || n.contains("(at)") || n.contains("{at}")))
        || n.contains(" dot ")
}

pub(crate) fn written_emails(r: &RuleSet, n: &str, foreign: bool, out: &mut Vec<String>) -> bool {
    let mut used = false;
    for (a, b) in r.find_all("email", n) {
        // "@name@instance.example" is a social-network handle, not a mailbox.
        if n[..a].ends_with('@') {
            continue;
        }
        let addr = clean_email(&n[a..b]);
        let before = &n[floor_boundary(n, a.saturating_sub(40))..a];
        if foreign
            || example_address(&addr)
            || r.is("example_before", before)
            || r.is("not_operator_email", &addr)
        {
            continue;
        }
        used |= add(out, addr);
    }
    used
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Lower case, without link debris ("%20", "//") or a sentence glued to the end.
pub(crate) fn clean_email(raw: &str) -> String {
    let a = raw.trim().to_lowercase().replace("%20", "");
    let a = a.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
    let a = a.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    // "contact@example.com.please": a word glued after a common top-level domain.
    let mut labels: Vec<&str> = a.split('.').collect();
    if labels.len() >= 3 {
        let last = labels[labels.len() - 1];
        let prev = labels[labels.len() - 2];
        let common = [
            "com", "org", "net", "edu", "gov", "io", "co", "uk", "de", "eu",
        ];
        let long_tld = [
            "info", "mobi", "name", "store", "online", "tech", "email", "site", "group", "inc",
            "media", "digital", "health", "cloud", "games", "travel", "global",
        ];
        if common.contains(&prev)
            && last.len() >= 4
            && !long_tld.contains(&last)
            && !prev.contains('@')
        {
            labels.pop();
        }
    }
    labels.join(".")
}

/// An address that is no contact channel of the operator: a third party's, a preference page,
/// or a policy page that is not also a form.
fn foreign_url(r: &RuleSet, url: &str) -> bool {
    r.is("not_operator_url", url) || (r.is("policy_page_url", url) && !r.is("contact_url", url))
}

/// A web address with a path: a home page alone is not a contact channel.
pub(crate) fn is_web(l: &str) -> bool {
    let rest = l
        .strip_prefix("http://")
        .or_else(|| l.strip_prefix("https://"));
    rest.is_some_and(|r| !r.contains(char::is_whitespace) && r.trim_end_matches('/').contains('/'))
}

/// Placeholder addresses in examples.
pub(crate) fn example_address(a: &str) -> bool {
    let (user, domain) = a.split_once('@').unwrap_or((a, ""));
    matches!(
        domain,
        "domain.com" | "email.com" | "yourdomain.com" | "company.com" | "yourcompany.com"
    ) || matches!(
        user,
        "name"
            | "yourname"
            | "you"
            | "user"
            | "username"
            | "firstname.lastname"
            | "john.doe"
            | "jane.doe"
    )
}

pub(crate) fn add(list: &mut Vec<String>, v: String) -> bool {
    if v.is_empty() {
        return false;
    }
    if !list.iter().any(|x| x.eq_ignore_ascii_case(&v)) {
        list.push(v);
    }
    true
}

/// Voice numbers in a sentence that speaks of calling (not fax).
pub(crate) fn phones(r: &RuleSet, s: &Sentence, out: &mut Vec<String>) -> bool {
    let n = s.norm.as_str();
    if !r.is("phone_context", n) {
        return false;
    }
    let mut used = false;
    for (a, b) in r.find_all("phone", n) {
        let digits = n[a..b].bytes().filter(u8::is_ascii_digit).count();
        if !(7..=15).contains(&digits) && !r.is("phone_vanity", &n[a..b]) {
            continue;
        }
        let before = &n[floor_boundary(n, a.saturating_sub(24))..a];
        if r.is("fax", before) || looks_like_date(&n[a..b]) {
            continue;
        }
        let written = as_written(s, a, b).trim();
        used |= add(out, written.to_string());
    }
    used
}

/// The written form of `s.norm[a..b]` (the two differ in length where quotes or dashes were
/// straightened).
pub(crate) fn as_written(s: &Sentence, a: usize, b: usize) -> &str {
    let n = &s.norm[a..b];
    if s.text.len() == s.norm.len() {
        return s.text.get(a..b).unwrap_or(n);
    }
    let lower = s.text.to_ascii_lowercase();
    match lower.find(n) {
        Some(i) => s.text.get(i..i + n.len()).unwrap_or(n),
        None => n,
    }
}

fn looks_like_date(t: &str) -> bool {
    let parts: Vec<&str> = t.split(['-', '.', '/', ' ']).collect();
    parts.len() == 3 && parts[0].len() == 4 && parts[0].starts_with(['1', '2'])
}

/// The postal address around a sentence: the whole block when it is short, else the sentence.
fn postal(doc: &Doc, s: &Sentence, r: &RuleSet) -> Vec<String> {
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
        return Vec::new();
    }
    // Drop a lead-in such as "Write to us at:".
    let mut rest = match joined.find(": ") {
        Some(i) if i < 80 && !r.is("postal", &crate::text::normalize(&joined[..i])) => {
            &joined[i + 2..]
        }
        _ => joined.as_str(),
    };
    let mut out = Vec::new();
    while let Some((from, to)) = next_address(rest, r) {
        let addr = rest[from..to]
            .trim()
            .trim_end_matches(['.', ',', ';', '-'])
            .trim();
        if addr.len() > 6 {
            out.push(addr.replace(",,", ","));
        }
        if to >= rest.len() || out.len() >= 6 {
            break;
        }
        rest = &rest[to..];
    }
    out
}

/// The next address in a run of text: from the lead-in ("write to us at") or the start, up to
/// the postal code and a country, before the text goes on ("We reply...", an email address).
fn next_address(addr: &str, r: &RuleSet) -> Option<(usize, usize)> {
    let norm = addr.to_ascii_lowercase();
    let (street, street_end) = r.find("postal", &norm)?;
    let lead_in = street > 120 || r.is("address_lead_in", &norm[..street]);
    let mut from = 0;
    if lead_in {
        for cut in [": ", " at ", " to ", " address is ", " addressed to ", ". "] {
            if let Some(i) = norm[..street].rfind(cut) {
                if street - i < 140 {
                    from = from.max(i + cut.len());
                }
            }
        }
    }
    let mut to = addr.len();
    let code_end = r
        .find_all("postal_code", &norm[street..])
        .first()
        .map(|&(_, e)| street + e)
        .filter(|&e| e - street < 160)
        .unwrap_or(street_end);
    // Stop where the sentence goes on.
    let tail = &norm[code_end..];
    let stop = [
        ". ", " or ", ": ", " we ", " if ", " you ", " email", " e-mail", " tel", " phone",
        " http", " www.",
    ]
    .iter()
    .filter_map(|c| tail.find(c))
    .chain(tail.find('@').and_then(|at| tail[..at].rfind(' ')))
    .min();
    if let Some(i) = stop {
        to = code_end + i;
    }
    while !addr.is_char_boundary(to) {
        to -= 1;
    }
    while !addr.is_char_boundary(from) {
        from += 1;
    }
    (from < to).then_some((from, to))
}

#[cfg(test)]
mod tests {
    use super::may_hold_email;

    #[test]
    fn a_sentence_may_hold_an_email_written_out_or_spelled() {
        for yes in [
            "write to privacy@example.com.",
            "privacy [at] example [dot] com",
            "privacy(at)example.com (our office)",
            "privacy {at} example",
            "privacy at example dot com",
        ] {
            assert!(may_hold_email(yes), "{yes:?}");
        }
        for no in [
            "we share data (that you give us) with partners.",
            "see [our notice] and {braces} that are not at the end",
            "what we collect",
            "",
        ] {
            assert!(!may_hold_email(no), "{no:?}");
        }
    }
}
