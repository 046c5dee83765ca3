//! Is the document a privacy policy? A score from its titles and the kind of its sentences.

use crate::report::IsPolicy;
use crate::rules;
use crate::segment::Doc;

/// Sentences read for the score.
const SAMPLE: usize = 300;

pub(crate) fn run(doc: &Doc) -> IsPolicy {
    let r = rules::get("is_policy");
    let titles: Vec<&str> = doc
        .title
        .iter()
        .map(|t| t.as_str())
        .chain(doc.headings.iter().take(6).map(|h| h.norm.as_str()))
        .collect();
    let title_hit = titles.iter().any(|t| r.is("title", &t.to_lowercase()));
    let other_title = titles
        .iter()
        .take(2)
        .any(|t| r.is("other_title", &t.to_lowercase()) && !r.is("title", &t.to_lowercase()));
    let stub = titles
        .iter()
        .take(2)
        .any(|t| r.is("stub", &t.to_lowercase()))
        || doc.sentences.first().is_some_and(|s| r.is("stub", &s.norm));
    // The score saturates long before the end of a policy: a sample of the first sentences
    // decides, so that the cost does not grow with the document.
    let sample = &doc.sentences[..doc.sentences.len().min(SAMPLE)];
    let total = sample.len().max(1) as f64;
    let policy = sample
        .iter()
        .filter(|s| r.is("policy_sentence", &s.norm))
        .count() as f64;
    let terms = sample
        .iter()
        .filter(|s| r.is("terms_sentence", &s.norm))
        .count() as f64;
    let density = policy / total;
    let mut score = 0.45 * (policy / 12.0).min(1.0) + 0.3 * (density * 2.5).min(1.0);
    // A document whose own title names a privacy notice.
    let first_title = titles
        .first()
        .is_some_and(|t| r.is("title", &t.to_lowercase()));
    if first_title {
        score += 0.4;
    } else if title_hit {
        score += 0.3;
    }
    if other_title {
        score -= 0.35;
    }
    if stub && doc.sentences.len() < 12 {
        score -= 0.5;
    }
    if terms > policy * 0.5 {
        score -= 0.25;
    }
    let score = (score.clamp(0.0, 1.0) * 100.0).round() / 100.0;
    IsPolicy {
        likely: score >= 0.5,
        score,
    }
}
