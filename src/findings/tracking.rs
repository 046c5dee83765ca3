//! Cookies and other tracking technologies, and the analytics or ad services named.
//!
//! Per sentence, after a cheap gate: clauses that deny use ("we do not use cookies") give
//! `no`; a use statement by the operator or its site, a third party placing technologies on
//! the site, a named analytics or ad service in use, or any mention of a technology under a
//! cookie or tracking heading gives `yes` (a policy does not explain cookies at length for a
//! site that sets none). A sentence about other sites ("linked sites may set cookies") counts
//! for nothing. `yes` wins over `no`: a site that denies one kind and uses another uses some.

use super::clauses;
use crate::report::{NamedParty, Technology, Tracking, YesNo};
use crate::rules::{self, RuleSet};
use crate::segment::{Doc, Sentence};
use std::cell::OnceCell;

const TECH_CUES: [(Technology, &str); 5] = [
    (Technology::Cookies, "t_cookies"),
    (Technology::WebBeacons, "t_webBeacons"),
    (Technology::LocalStorage, "t_localStorage"),
    (Technology::Sdks, "t_sdks"),
    (Technology::Fingerprinting, "t_fingerprinting"),
];

/// What one sentence says.
#[derive(Default)]
struct Facts {
    uses: bool,
    denies: bool,
    tp_yes: bool,
    tp_no: bool,
    /// Technologies named in clauses that do not deny them.
    techs: Vec<Technology>,
}

/// Does the cue match in `c` without a negation inside the match ("we do not use")?
fn affirmed(r: &RuleSet, cue: &'static str, c: &str) -> bool {
    r.find_all(cue, c)
        .into_iter()
        .any(|(a, b)| !r.is("neg", &c[a..b]))
}

fn classify(r: &RuleSet, n: &str, in_head: bool, service: bool) -> Facts {
    let mut f = Facts::default();
    let first_person = n.contains("we ") || n.contains("our ") || n.contains(" us ");
    let parts = clauses(n)
        .into_iter()
        .flat_map(|c| c.split(", and "))
        .flat_map(|c| c.split(" and we "));
    for c in parts {
        // Read at most once per clause, where first needed.
        let neg = OnceCell::new();
        let is_neg = || *neg.get_or_init(|| r.is("neg", c));
        let uses = OnceCell::new();
        let affirms_use = || *uses.get_or_init(|| affirmed(r, "use", c));
        let clause_tech = r.any_with_prefix("t_", c) && r.is("gate", c);
        let tp_denied = r.is("tp_deny", c);
        f.tp_no |= tp_denied;
        let deny = r.find("deny", c);
        let scoped = deny.is_some_and(|(_, b)| r.is("deny_scope", &c[b..]));
        let tech_ok = match deny {
            Some(_) => scoped,
            None => !is_neg() || affirms_use(),
        };
        if clause_tech && tech_ok {
            for (t, cue) in TECH_CUES {
                if r.is(cue, c) && !f.techs.contains(&t) {
                    f.techs.push(t);
                }
            }
        }
        if let Some((_, b)) = deny {
            if !scoped {
                f.denies = true;
            } else if r.is("deny_except", &c[b..]) {
                f.uses = true;
            }
            continue;
        }
        if clause_tech || service {
            if affirms_use() && (first_person || !r.is("explain", c)) {
                f.uses = true;
            }
            if !tp_denied && r.is("tp", c) && affirmed(r, "tp_act", c) && !is_neg() {
                f.tp_yes = true;
                f.uses |= clause_tech;
            }
        }
    }
    if !f.uses && !f.denies && in_head && !f.techs.is_empty() {
        f.uses = true;
    }
    f
}

pub(crate) fn run(doc: &Doc) -> Tracking {
    let r = rules::get("tracking");
    let heading: Vec<bool> = doc
        .headings
        .iter()
        .map(|h| r.is("heading", &h.norm))
        .collect();
    let mut yes: Vec<&Sentence> = Vec::new();
    let mut no: Vec<&Sentence> = Vec::new();
    let mut tp_yes: Vec<&Sentence> = Vec::new();
    let mut tp_no: Vec<&Sentence> = Vec::new();
    let mut techs: Vec<Technology> = Vec::new();
    let mut services: Vec<NamedParty> = Vec::new();
    for s in &doc.sentences {
        let n = s.norm.as_str();
        let gate = r.is("gate", n);
        let named = r.any_with_prefix("svc_", n);
        if !gate && !named {
            continue;
        }
        if r.is("elsewhere", n) {
            continue;
        }
        let in_head = s
            .heading
            .is_some_and(|h| heading[h] || doc.headings[h].parent.is_some_and(|p| heading[p]));
        let mut service = false;
        if named && (in_head || r.is("service_context", n)) {
            service = add_services(doc, s, r, &mut services);
        }
        let f = classify(r, n, in_head, service);
        let own = service && r.is("self_hosted", n);
        if f.uses || (service && !f.denies && !f.tp_no) {
            yes.push(s);
            for t in f.techs {
                if !techs.contains(&t) {
                    techs.push(t);
                }
            }
        }
        if f.denies {
            no.push(s);
        }
        if f.tp_yes && !own || service && !own && !f.tp_no {
            tp_yes.push(s);
        }
        if f.tp_no {
            tp_no.push(s);
        }
    }
    techs.sort();
    let ev = |list: &[&Sentence]| super::evidence_of(doc, list);
    let (verdict, evidence) = if !yes.is_empty() {
        (YesNo::Yes, ev(&yes))
    } else if !no.is_empty() {
        (YesNo::No, ev(&no))
    } else {
        (YesNo::NotMentioned, Vec::new())
    };
    let third_party = if !tp_yes.is_empty() {
        YesNo::Yes
    } else if !tp_no.is_empty() {
        YesNo::No
    } else {
        YesNo::NotMentioned
    };
    Tracking {
        verdict,
        technologies: if verdict == YesNo::Yes {
            techs
        } else {
            Vec::new()
        },
        third_party,
        services,
        evidence,
    }
}

/// Adds the services the sentence names (a name inside a longer one does not count).
fn add_services(doc: &Doc, s: &Sentence, r: &'static RuleSet, out: &mut Vec<NamedParty>) -> bool {
    let mut any = false;
    for name in super::names_in(r, "svc_", s) {
        any = true;
        let name = match name.as_str() {
            "Parse ly" => "Parse.ly".to_string(),
            _ => name,
        };
        super::add_party(out, name, doc, s);
    }
    any
}
