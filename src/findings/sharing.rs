//! Third-party sharing: the verdict, purposes, marketing, selling and named third parties.

use crate::report::{NamedParty, Purpose, PurposeFinding, ThirdPartySharing, Verdict, YesNo};
use crate::rules::{self, RuleSet};
use crate::segment::{Doc, Sentence};
use std::cell::OnceCell;

/// What one sentence says about disclosure.
#[derive(Debug, Default, Clone)]
struct Facts {
    /// Says personal data goes to a third party (or may).
    affirm: bool,
    /// Says it does not disclose at all (apart from legal or consented cases).
    deny_all: bool,
    /// Says it does not share for third parties' marketing or ads.
    deny_marketing: bool,
    /// Says it does not sell.
    deny_sell: bool,
    /// Says it sells, rents or trades personal data.
    sells: bool,
    /// Concedes a "sale" or offers a Do Not Sell opt-out.
    sale_weak: bool,
    /// Shares for third parties' marketing or ads.
    marketing: bool,
    purposes: Vec<Purpose>,
}

const PURPOSE_CUES: [(Purpose, &str); 8] = [
    (Purpose::ServiceProviders, "p_serviceProviders"),
    (Purpose::Affiliates, "p_affiliates"),
    (Purpose::Advertising, "p_advertising"),
    (Purpose::Marketing, "p_marketing"),
    (Purpose::Analytics, "p_analytics"),
    (Purpose::Legal, "p_legal"),
    (Purpose::BusinessTransfer, "p_businessTransfer"),
    (Purpose::WithConsent, "p_withConsent"),
];

fn purposes_in(r: &RuleSet, text: &str) -> Vec<Purpose> {
    PURPOSE_CUES
        .iter()
        .filter(|(_, cue)| r.is(cue, text))
        .map(|(p, _)| *p)
        .collect()
}

/// Purposes that do not make sharing a `yes` on their own.
fn only_legal_or_consent(ps: &[Purpose]) -> bool {
    !ps.is_empty()
        && ps
            .iter()
            .all(|p| matches!(p, Purpose::Legal | Purpose::WithConsent))
}

/// Does the sentence sit under a sharing heading (its own or the one above)? `cache` holds the
/// answer per heading.
fn in_sharing_section(doc: &Doc, s: &Sentence, r: &RuleSet, cache: &mut [Option<bool>]) -> bool {
    let mut next = s.heading;
    for _ in 0..2 {
        let Some(h) = next else {
            return false;
        };
        let heading = &doc.headings[h];
        if *cache[h].get_or_insert_with(|| r.is("section_sharing", &heading.norm)) {
            return true;
        }
        next = heading.parent;
    }
    false
}

/// `section` caches [`in_sharing_section`] per heading.
fn classify(doc: &Doc, s: &Sentence, r: &RuleSet, section: &mut [Option<bool>]) -> Facts {
    let n = s.norm.as_str();
    let mut f = Facts::default();
    // Cues read more than once below, each read at most once.
    let data = OnceCell::new();
    let is_data = || *data.get_or_init(|| r.is("data", n));
    let sell_data = OnceCell::new();
    let is_sell_data = || *sell_data.get_or_init(|| r.is("sell_data", n));
    let purposes = OnceCell::new();
    let purposes_n = || purposes.get_or_init(|| purposes_in(r, n));
    let disclose = r.is("disclose", n);
    let tp_collect = r.is("tp_collect", n);
    let sell = r.is("sell", n);
    let concede = r.is("sale_concede", n);
    let optout = r.is("sale_optout", n);
    // A list item under a sharing heading names a recipient without a verb
    // ("Our payment provider, which processes your card on our behalf").
    let is_item = doc.blocks[s.block].kind == crate::BlockKind::ListItem;
    let item_recipient = is_item && r.is("recipient", n);
    let list_item_recipient = item_recipient && in_sharing_section(doc, s, r, section);
    if !(disclose || tp_collect || sell || concede || optout || list_item_recipient) {
        return f;
    }
    if r.is("meta", n) {
        return f;
    }
    let recipient = if is_item {
        item_recipient
    } else {
        r.is("recipient", n)
    };
    let in_sharing_section = in_sharing_section(doc, s, r, section);
    let mut deny = r.is("deny", n);
    let mut sell_denied_for_money = false;
    if deny && r.is("deny_void", n) {
        // Not the operator's denial (the user's choice, children only, a password …).
        f.sale_weak = concede || optout;
        return f;
    }
    if deny && r.is("dns_link", n) && !r.is("we_deny", n) {
        // The name of a Do Not Sell link: at most an opt-out offer, or selling said elsewhere.
        deny = false;
        if !(sell && is_sell_data()) {
            f.sale_weak = concede || optout;
            return f;
        }
    }
    let (denial, exception) = if deny {
        split_exception(r, n)
    } else {
        (n, None)
    };
    if deny {
        // "We do not sell it for money" denies nothing.
        if r.is("deny_sell_void", denial) && !r.is("any_consideration", denial) {
            deny = false;
            sell_denied_for_money = true;
        }
    }
    if deny && r.is("except_pointer", n) {
        // "Except as described in this policy": the denial says nothing, nor does the sentence.
        return f;
    }
    if deny {
        let exc_purposes = exception.map(|e| purposes_in(r, e)).unwrap_or_default();
        let scoped = r.is("deny_marketing_scope", denial);
        // "We do not sell it, and we do not share it for their marketing": the marketing scope
        // belongs to its own clause, so the first clause still denies selling.
        let deny_sell = denial
            .split([';', ','])
            .flat_map(|c| c.split(" and we "))
            .any(|c| {
                r.is("deny_sell", c)
                    && !r.is("deny_marketing_scope", c)
                    && (r.is("recipient", c) || r.is("data", c))
            });
        let deny_share = r.is("deny_share", denial);
        if deny_sell {
            f.deny_sell = true;
            f.deny_marketing = true;
        }
        if scoped {
            f.deny_marketing = true;
        }
        if deny_share && !scoped && (recipient || r.is("data", denial)) {
            match exception {
                Some(_) if !exc_purposes.is_empty() && !only_legal_or_consent(&exc_purposes) => {
                    f.affirm = true;
                    f.purposes = exc_purposes;
                }
                Some(e) if exc_purposes.is_empty() && r.is("recipient", e) => {
                    f.affirm = true;
                }
                _ => {
                    f.deny_all = true;
                    f.deny_sell = true;
                    f.deny_marketing = true;
                    f.purposes = exc_purposes;
                    if r.is("p_withConsent", n) && !f.purposes.contains(&Purpose::WithConsent) {
                        f.purposes.push(Purpose::WithConsent);
                    }
                }
            }
        }
        if f.affirm || f.deny_all || f.deny_sell || f.deny_marketing {
            return f;
        }
    }
    if r.is("deny_tp_collect", n) {
        f.deny_marketing = true;
        return f;
    }
    if r.is("incoming", n) && !r.is("we_share", n) {
        return f;
    }
    // The cheap test first: most sentences that get this far say "we ".
    if !n.contains("we ") && r.is("user_act", n) {
        return f;
    }
    let limited = disclose && !recipient && r.is("only_limit", n) && is_data();
    if limited {
        // "We only disclose it when required by law": the named cases are the only ones.
        f.purposes = purposes_n().clone();
        f.affirm = !f.purposes.is_empty();
        return f;
    }
    let listed = in_sharing_section && (disclose || recipient) && !purposes_n().is_empty()
        || list_item_recipient;
    let bt_data = disclose && is_data() && r.is("p_businessTransfer", n);
    if tp_collect
        || listed
        || bt_data
        || (disclose && (recipient || in_sharing_section && is_data()))
    {
        f.affirm = true;
        f.purposes = purposes_n().clone();
        if f.purposes.is_empty() && in_sharing_section {
            if let Some(h) = doc.headings_of(s).next() {
                f.purposes = purposes_in(r, &h.norm);
            }
        }
        if tp_collect && f.purposes.is_empty() && r.is("tracking_tech", n) {
            // Third parties' cookies or pixels on the site, for no stated purpose: ad tracking.
            f.purposes.push(Purpose::Advertising);
        }
        let bt = f.purposes.contains(&Purpose::BusinessTransfer);
        if sell && !bt && !deny && !sell_denied_for_money && is_sell_data() {
            if r.is("sell_hypothetical", n) {
                f.sale_weak = true;
            } else {
                f.sells = true;
            }
        }
        f.marketing = f
            .purposes
            .iter()
            .any(|p| matches!(p, Purpose::Marketing | Purpose::Advertising));
    }
    if (concede || optout) && !deny {
        f.sale_weak = true;
        if concede && r.is("sale_definite", n) {
            f.sells = true;
        }
    }
    f
}

/// Splits "we do not share X except with Y" into the denial and the exception.
fn split_exception<'t>(r: &RuleSet, n: &'t str) -> (&'t str, Option<&'t str>) {
    match r.find("except", n) {
        Some((start, _)) => (&n[..start], Some(&n[start..])),
        None => (n, None),
    }
}

pub(crate) fn run(doc: &Doc) -> ThirdPartySharing {
    let r = rules::get("third_party_sharing");
    let mut out = ThirdPartySharing::default();
    let mut affirm = Vec::new();
    let mut legal_only = Vec::new();
    let mut deny_all = Vec::new();
    let mut mkt_yes = Vec::new();
    let mut mkt_no = Vec::new();
    let mut sell_yes = Vec::new();
    let mut sell_weak = Vec::new();
    let mut sell_no = Vec::new();
    let mut purposes: Vec<(Purpose, Vec<&Sentence>)> = Vec::new();
    let mut section = vec![None; doc.headings.len()];
    for s in &doc.sentences {
        let f = classify(doc, s, r, &mut section);
        if f.affirm {
            if only_legal_or_consent(&f.purposes) {
                legal_only.push(s);
            } else {
                affirm.push(s);
            }
        }
        if f.affirm || f.deny_all {
            for p in &f.purposes {
                match purposes.iter_mut().find(|(q, _)| q == p) {
                    Some((_, list)) => list.push(s),
                    None => purposes.push((*p, vec![s])),
                }
            }
        }
        if f.deny_all {
            deny_all.push(s);
        }
        if f.marketing {
            mkt_yes.push(s);
        }
        if f.deny_marketing {
            mkt_no.push(s);
        }
        if f.sells {
            sell_yes.push(s);
            // Personal data sold to third parties is data they may market with.
            if !f.marketing {
                mkt_yes.push(s);
            }
        }
        if f.sale_weak {
            sell_weak.push(s);
        }
        if f.deny_sell {
            sell_no.push(s);
        }
    }
    let ev = |list: &[&Sentence]| super::evidence_of(doc, list);
    let (verdict, list) = if !affirm.is_empty() {
        (YesNo::Yes, &affirm)
    } else if !deny_all.is_empty() || !legal_only.is_empty() {
        let mut l = deny_all.clone();
        l.extend(legal_only.iter().copied());
        (YesNo::No, &l.clone())
    } else {
        (YesNo::NotMentioned, &affirm)
    };
    out.verdict = verdict;
    out.evidence = ev(list);
    purposes.sort_by_key(|(p, _)| *p);
    out.purposes = purposes
        .into_iter()
        .map(|(purpose, list)| PurposeFinding {
            purpose,
            evidence: ev(&list),
        })
        .collect();
    out.marketing = if !mkt_yes.is_empty() {
        Verdict {
            verdict: YesNo::Yes,
            evidence: ev(&mkt_yes),
        }
    } else if !mkt_no.is_empty() {
        Verdict {
            verdict: YesNo::No,
            evidence: ev(&mkt_no),
        }
    } else if verdict != YesNo::NotMentioned {
        // Every case of sharing is listed and none is for marketing or ads.
        Verdict {
            verdict: YesNo::No,
            evidence: out.evidence.clone(),
        }
    } else {
        Verdict::default()
    };
    out.sells = if !sell_yes.is_empty() {
        Verdict {
            verdict: YesNo::Yes,
            evidence: ev(&sell_yes),
        }
    } else if !sell_no.is_empty() {
        Verdict {
            verdict: YesNo::No,
            evidence: ev(&sell_no),
        }
    } else if !sell_weak.is_empty() {
        Verdict {
            verdict: YesNo::Yes,
            evidence: ev(&sell_weak),
        }
    } else {
        Verdict::default()
    };
    out.named_third_parties = named_parties(doc, r);
    out
}

/// Third parties the policy names, by the `party_*` cues.
fn named_parties(doc: &Doc, r: &'static RuleSet) -> Vec<NamedParty> {
    let mut out: Vec<NamedParty> = Vec::new();
    for s in &doc.sentences {
        for name in super::names_in(r, "party_", s) {
            let name = if name == "X Twitter" {
                "X (Twitter)".to_string()
            } else {
                name
            };
            super::add_party(&mut out, name, doc, s);
        }
    }
    out
}
