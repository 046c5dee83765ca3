//! Minimum age: the age of the general statement about children, every threshold stated,
//! parental consent, and whether children are mentioned.

use super::push_evidence;
use crate::report::MinimumAge;
use crate::rules::{self, RuleSet};
use crate::segment::{Doc, Sentence};

/// What a stated age limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Who may use the service, or whose data is collected.
    Floor,
    /// Below it, a parent's consent is needed.
    Consent,
    /// Something else (selling minors' data, removing posts): listed, never the age.
    Other,
}

#[derive(Debug)]
struct Mention<'d> {
    age: u32,
    role: Role,
    regional: bool,
    sentence: &'d Sentence,
}

pub(crate) fn run(doc: &Doc) -> MinimumAge {
    let r = rules::get("minimum_age");
    let mut out = MinimumAge::default();
    let mut mentions = Vec::new();
    let mut general_statement = false;
    let mut consent_sentences = Vec::new();
    // Did the previous sentence limit something other than use (a sale, a removal)? A sentence
    // that continues it (a line break cut it: it starts in lower case) inherits that.
    let mut prev_other = false;
    // Per heading: does it speak of children?
    let mut heading_children: Vec<Option<bool>> = vec![None; doc.headings.len()];
    for s in &doc.sentences {
        let kids = r.is("children", &s.norm);
        let children = kids || in_children_section(doc, s, r, &mut heading_children);
        if kids {
            out.children_mentioned = true;
        }
        // Cheap gate: a sentence with no number, outside children's matters, says nothing here.
        if !children && !r.is("gate", &s.norm) {
            prev_other = false;
            continue;
        }
        let mut found = mentions_in(r, s, children);
        let continues = s
            .text
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase());
        if prev_other && continues {
            found.iter_mut().for_each(|m| m.role = Role::Other);
        }
        let other = r.is("other", &s.norm);
        prev_other = other || prev_other && continues;
        if children && found.is_empty() && r.is("scope", &s.norm) && !r.is("regional", &s.norm) {
            general_statement = true;
        }
        if (children || !found.is_empty())
            && r.is("consent", &s.norm)
            && !r.is("consent_denied", &s.norm)
            && !other
        {
            consent_sentences.push(s);
        }
        mentions.extend(found);
    }
    if !mentions.is_empty() {
        out.children_mentioned = true;
    }
    let mut all: Vec<u32> = mentions.iter().map(|m| m.age).collect();
    all.sort_unstable();
    all.dedup();
    out.all_ages = all;

    let pick = |role: Role, regional: bool| {
        mentions
            .iter()
            .filter(|m| m.role == role && m.regional == regional)
            .min_by_key(|m| m.age)
    };
    let chosen = pick(Role::Floor, false)
        .or_else(|| pick(Role::Consent, false))
        .or_else(|| {
            if general_statement {
                None
            } else {
                pick(Role::Floor, true).or_else(|| pick(Role::Consent, true))
            }
        });
    if let Some(m) = chosen {
        out.age = Some(m.age);
        push_evidence(&mut out.evidence, doc, m.sentence);
    }
    for m in &mentions {
        if out.age.is_none() || m.age == out.age.unwrap_or(0) {
            push_evidence(&mut out.evidence, doc, m.sentence);
        }
    }
    out.parental_consent = !consent_sentences.is_empty();
    for s in consent_sentences {
        push_evidence(&mut out.evidence, doc, s);
    }
    out
}

/// Does the sentence's heading, or the one above it, speak of children? (`cache` per heading.)
fn in_children_section(doc: &Doc, s: &Sentence, r: &RuleSet, cache: &mut [Option<bool>]) -> bool {
    let mut next = s.heading;
    for _ in 0..2 {
        let Some(h) = next else {
            return false;
        };
        let heading = &doc.headings[h];
        if *cache[h].get_or_insert_with(|| r.is("children", &heading.norm)) {
            return true;
        }
        next = heading.parent;
    }
    false
}

/// A sentence with one age is judged as a whole up to this length; a longer one (often several
/// sentences run together) by the clause around the number.
const WHOLE_SENTENCE_MAX: usize = 400;

/// The ages stated in one sentence, each with its role.
fn mentions_in<'d>(r: &RuleSet, s: &'d Sentence, children: bool) -> Vec<Mention<'d>> {
    let norm = s.norm.as_str();
    let mut nums: Vec<(usize, u32, bool)> = Vec::new(); // (position, age, end of a band)
    let bands = r.captures_all("band", norm);
    // Where each band is (group 0), to leave the ages inside it to the band.
    let band_spans: Vec<(usize, usize)> = bands
        .iter()
        .filter_map(|caps| caps[0])
        .map(|m| {
            let a = m.as_ptr() as usize - norm.as_ptr() as usize;
            (a, a + m.len())
        })
        .collect();
    for caps in bands {
        let groups: Vec<&str> = caps.iter().skip(1).flatten().copied().collect();
        if let [a, b] = groups[..] {
            if let (Some(a), Some(b)) = (number(a), number(b)) {
                if a < b && plausible(a) && plausible(b + 1) {
                    let at = norm.find(caps[0].unwrap_or("")).unwrap_or(0);
                    nums.push((at, a, false));
                    nums.push((at, b + 1, true));
                }
            }
        }
    }
    for (start, end) in r.find_all("age", norm) {
        if band_spans.iter().any(|&(a, b)| start < b && a < end) {
            continue;
        }
        if r.is("unit_after", &norm[end..]) {
            continue;
        }
        let m = &norm[start..end];
        let Some(n) = m
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
            .find_map(number)
        else {
            continue;
        };
        if plausible(n) {
            nums.push((start, n, false));
        }
    }
    if nums.is_empty() {
        return Vec::new();
    }
    // An age needs children, minors or use of the service in view.
    let about_people =
        children || r.is("scope", norm) && r.is("age_word", norm) || r.is("person_age", norm);
    if !about_people {
        return Vec::new();
    }
    let single = nums
        .iter()
        .map(|n| n.1)
        .collect::<std::collections::BTreeSet<_>>()
        .len()
        == 1;
    nums.sort_by_key(|n| n.0);
    nums.dedup_by_key(|n| n.1);
    nums.into_iter()
        .map(|(at, age, band_end)| {
            let local = local_context(norm, at);
            let ctx = if single && norm.len() <= WHOLE_SENTENCE_MAX {
                norm
            } else {
                local
            };
            let role = if r.is("other", ctx) {
                Role::Other
            } else if band_end
                || (r.is("consent", ctx) && !r.is("consent_denied", ctx))
                || r.is("supervision", ctx)
            {
                Role::Consent
            } else {
                Role::Floor
            };
            Mention {
                age,
                role,
                regional: regional(r, ctx),
                sentence: s,
            }
        })
        .collect()
}

/// Does the number hold for one region only? Examples of other regions in parentheses and
/// numberless alternatives ("or the age of majority, whichever is greater") do not count.
fn regional(r: &RuleSet, ctx: &str) -> bool {
    if !r.is("regional", ctx) || r.is("not_regional", ctx) {
        return false;
    }
    let examples = r.find_all("example_paren", ctx);
    if examples.is_empty() {
        return true;
    }
    let mut rest = String::with_capacity(ctx.len());
    let mut last = 0;
    for (a, b) in examples {
        rest.push_str(&ctx[last..a]);
        last = b;
    }
    rest.push_str(&ctx[last..]);
    r.is("regional", &rest)
}

/// The clause around byte `at`: back to the previous and on to the next `,;()` or " or ".
fn local_context(norm: &str, at: usize) -> &str {
    let before = &norm[..at];
    let start = before
        .rfind([';', '(', ')'])
        .map(|i| i + 1)
        .unwrap_or(0)
        .max(before.rfind(", or ").map(|i| i + 2).unwrap_or(0))
        .max(before.rfind(" or under").map(|i| i + 1).unwrap_or(0))
        .max(before.rfind(" and under").map(|i| i + 1).unwrap_or(0))
        .max(before.rfind(", under").map(|i| i + 2).unwrap_or(0));
    let start = if before.ends_with(" and ") || before.ends_with(" or ") || before.ends_with(", ") {
        at
    } else {
        start
    };
    let after = &norm[at..];
    let mut end = after.find([';', '(', ')']).unwrap_or(after.len());
    for stop in [
        ", or ",
        " or under ",
        " and under ",
        ", under ",
        ", and ",
        ". ",
    ] {
        if let Some(i) = after[1.min(after.len())..].find(stop) {
            end = end.min(i + 1);
        }
    }
    &norm[start..at + end]
}

fn plausible(n: u32) -> bool {
    (8..=21).contains(&n)
}

/// A number written in digits or in words.
fn number(w: &str) -> Option<u32> {
    if !w.is_empty() && w.len() <= 2 && w.bytes().all(|b| b.is_ascii_digit()) {
        return w.parse().ok();
    }
    super::number_word(w)
}
