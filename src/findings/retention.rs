//! Data retention: whether and how long personal data is kept.

use super::push_evidence;
use crate::document::BlockKind;
use crate::report::{Retention, RetentionPeriod};
use crate::rules::{self, RuleSet};
use crate::segment::{Doc, Sentence};
use std::borrow::Cow;

/// Words that end an event period's phrase ("as long as you have an account | and …").
const STOP_WORDS: &[&str] = &[
    "unless",
    "or",
    "and",
    "except",
    "after",
    "to",
    "so",
    "in",
    "for",
    "but",
    "which",
    "when",
    "if",
    "where",
    "at",
    "then",
    "as",
    "plus",
    "because",
    "subject",
    "including",
    "we",
];

/// The longest tail added to an event's phrase, in words.
const MAX_TAIL_WORDS: usize = 4;

pub(crate) fn run(doc: &Doc) -> Retention {
    let r = rules::get("retention");
    let mut out = Retention::default();
    let mut stated: Vec<&Sentence> = Vec::new();
    let mut vague: Vec<&Sentence> = Vec::new();
    let mut heading_is: Vec<Option<bool>> = vec![None; doc.headings.len()];
    let mut i = 0;
    while i < doc.sentences.len() {
        let s = &doc.sentences[i];
        i += 1;
        let norm = s.norm.as_str();
        let in_heading = s.heading.is_some_and(|h| {
            *heading_is[h].get_or_insert_with(|| r.is("heading", &doc.headings[h].norm))
        });
        // Cheap gate first: most sentences say nothing about keeping data.
        if !in_heading && !r.is("gate", norm) {
            continue;
        }
        if r.is("third", norm) && !norm.contains("we ") {
            continue;
        }
        // A copy only where it changes: the cue checks skip by the anchors only on the sentence
        // itself (a copy is not a scanned text, and every cue would run on it).
        let norm: Cow<str> = if norm.contains("as long as: ") {
            Cow::Owned(norm.replace("as long as: ", "as long as "))
        } else {
            Cow::Borrowed(norm)
        };
        let keep = r.is("keep", &norm);
        let mut periods: Vec<(String, Option<u32>)> = Vec::new();
        if keep || in_heading {
            periods.extend(durations(r, &norm));
            periods.extend(events(r, &norm, s));
            // "We keep your data as long as:" followed by list items naming the events.
            if keep && r.is("list_lead", norm.trim_end_matches(['.', ' '])) {
                let mut j = i;
                while j < doc.sentences.len()
                    && j < i + 8
                    && doc.blocks[doc.sentences[j].block].kind == BlockKind::ListItem
                {
                    let item = format!("as long as {}", doc.sentences[j].norm);
                    periods.extend(events(r, &item, &doc.sentences[j]));
                    j += 1;
                }
            }
        }
        if !periods.is_empty() {
            stated.push(s);
            for (period, days) in periods {
                match out.periods.iter_mut().find(|p| p.period == period) {
                    Some(p) => push_evidence(&mut p.evidence, doc, s),
                    None => {
                        let mut evidence = Vec::new();
                        push_evidence(&mut evidence, doc, s);
                        out.periods.push(RetentionPeriod {
                            period,
                            days,
                            evidence,
                        });
                    }
                }
            }
        } else if r.is("vague", &norm) && (keep || r.is("data", &norm)) {
            vague.push(s);
        }
    }
    out.stated = !stated.is_empty();
    out.mentioned = out.stated || !vague.is_empty();
    for s in stated.iter().chain(vague.iter()) {
        push_evidence(&mut out.evidence, doc, s);
    }
    out
}

/// The durations in a sentence ("up to 2 years" → 730 days).
fn durations(r: &RuleSet, norm: &str) -> Vec<(String, Option<u32>)> {
    let mut out = Vec::new();
    for caps in r.captures_all("duration", norm) {
        let (Some(all), Some(qual), Some(num), Some(unit)) = (caps[0], caps[1], caps[2], caps[3])
        else {
            continue;
        };
        // Where the number starts, to read what stands before and after it.
        let start = all.as_ptr() as usize - norm.as_ptr() as usize + qual.len();
        let end = all.as_ptr() as usize - norm.as_ptr() as usize + all.len();
        if r.is("duration_not", &norm[end..]) || r.is("duration_before_not", &norm[..start]) {
            continue;
        }
        let Some(n) = number(num) else {
            continue;
        };
        let per = match unit
            .trim_start_matches("calendar ")
            .trim_start_matches("business ")
        {
            u if u.starts_with("day") => 1,
            u if u.starts_with("week") => 7,
            u if u.starts_with("month") => 30,
            _ => 365,
        };
        let qual = qual
            .trim_start_matches("for ")
            .trim_start_matches("of ")
            .trim_start_matches("within ")
            .trim_start_matches("after ");
        let period = format!("{qual}{num} {unit}");
        if !out.iter().any(|(p, _)| *p == period) {
            out.push((period, n.checked_mul(per)));
        }
    }
    out
}

/// A number as written in a duration: digits (with an optional "(30)") or a word.
fn number(s: &str) -> Option<u32> {
    if let Some(open) = s.find('(') {
        let inner = s[open + 1..].trim_end_matches(')').trim();
        if let Ok(n) = inner.parse() {
            return Some(n);
        }
    }
    let s = s.trim();
    if let Ok(n) = s.parse() {
        return Some(n);
    }
    match s {
        "a" | "an" => Some(1),
        _ => super::number_word(s),
    }
}

/// The events that end a period ("as long as your account is active"), each extended by a few
/// words to the end of its phrase.
fn events(r: &RuleSet, norm: &str, s: &Sentence) -> Vec<(String, Option<u32>)> {
    let mut out: Vec<(String, Option<u32>)> = Vec::new();
    for caps in r.captures_all("event", norm) {
        // Each line of the cue has its own group: take the one that took part.
        let Some(m) = caps.iter().skip(1).copied().flatten().next() else {
            continue;
        };
        let end = m.as_ptr() as usize - norm.as_ptr() as usize + m.len();
        let mut phrase = m.to_string();
        for (n, word) in norm[end..].split(' ').skip(1).enumerate() {
            let clean = word.trim_end_matches([',', ';', '.', ':', ')', '"', '\'']);
            if n >= MAX_TAIL_WORDS || clean.is_empty() || STOP_WORDS.contains(&clean) {
                break;
            }
            phrase.push(' ');
            phrase.push_str(clean);
            if clean.len() != word.len() {
                break;
            }
        }
        let phrase = as_written(&s.text, &phrase).unwrap_or(phrase);
        if !out.iter().any(|(p, _)| *p == phrase) {
            out.push((phrase, None));
        }
    }
    out
}

/// The passage of `text` that reads `norm_part` (found case-insensitively), in its own case;
/// `None` where the display text does not hold it as such.
pub(crate) fn as_written(text: &str, norm_part: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let at = lower.find(norm_part)?;
    text.get(at..at + norm_part.len()).map(str::to_string)
}
