//! Shared by the test files: facts about a report, written `key:value` (see `check`).

use policy_lens::{Purpose, Report, SignalVerdict, YesNo};

mod facts_a;
mod facts_b;

pub fn yes_no(v: YesNo) -> &'static str {
    match v {
        YesNo::Yes => "yes",
        YesNo::No => "no",
        YesNo::NotMentioned => "none",
    }
}

fn signal(v: SignalVerdict) -> &'static str {
    match v {
        SignalVerdict::Honored => "honored",
        SignalVerdict::NotHonored => "notHonored",
        SignalVerdict::Unclear => "unclear",
        SignalVerdict::NotMentioned => "notMentioned",
    }
}

pub fn bool_word(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// Checks one fact (`key:value`, underscores in values standing for spaces); returns what the
/// report says instead when it does not hold.
pub fn check(r: &Report, fact: &str) -> Result<(), String> {
    let (key, value) = fact.split_once(':').ok_or(format!("bad fact {fact:?}"))?;
    let value = value.replace('_', " ");
    let t = &r.third_party_sharing;
    let m = &r.minimum_age;
    let c = &r.contact;
    let list_has = |list: &[String]| list.iter().any(|x| x == &value);
    let got: String = match key {
        "dnt" => signal(r.do_not_track.verdict).into(),
        "gpc" => signal(r.global_privacy_control.verdict).into(),
        "share" => yes_no(t.verdict).into(),
        "mkt" => yes_no(t.marketing.verdict).into(),
        "sell" => yes_no(t.sells.verdict).into(),
        "p" | "!p" => {
            let p = Purpose::from_name(&value).ok_or(format!("no purpose {value}"))?;
            let has = t.purposes.iter().any(|f| f.purpose == p);
            let want = key == "p";
            return if has == want {
                Ok(())
            } else {
                Err(format!(
                    "purposes {:?}",
                    t.purposes
                        .iter()
                        .map(|p| p.purpose.name())
                        .collect::<Vec<_>>()
                ))
            };
        }
        "party" => {
            return if t.named_third_parties.iter().any(|p| p.name == value) {
                Ok(())
            } else {
                Err(format!(
                    "parties {:?}",
                    t.named_third_parties
                        .iter()
                        .map(|p| &p.name)
                        .collect::<Vec<_>>()
                ))
            }
        }
        "age" => m.age.map(|a| a.to_string()).unwrap_or("none".into()),
        "ages" => m
            .all_ages
            .iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>()
            .join("/"),
        "consent" => bool_word(m.parental_consent).into(),
        "children" => bool_word(m.children_mentioned).into(),
        "email" | "phone" | "url" | "postal" | "channel" => {
            let list = match key {
                "email" => &c.emails,
                "phone" => &c.phones,
                "url" => &c.urls,
                "postal" => &c.postal_addresses,
                _ => &c.other_channels,
            };
            return if list_has(list) {
                Ok(())
            } else {
                Err(format!("{key}s {list:?}"))
            };
        }
        "emails" | "phones" | "urls" | "postals" | "channels" => {
            let list = match key {
                "emails" => &c.emails,
                "phones" => &c.phones,
                "urls" => &c.urls,
                "postals" => &c.postal_addresses,
                _ => &c.other_channels,
            };
            if list.is_empty() {
                "none".into()
            } else {
                format!("{list:?}")
            }
        }
        "policy" => bool_word(r.is_policy.likely).into(),
        _ => {
            if let Some(result) = facts_a::check(r, key, &value) {
                return result;
            }
            if let Some(result) = facts_b::check(r, key, &value) {
                return result;
            }
            return Err(format!("unknown fact key {key:?}"));
        }
    };
    if got == value {
        Ok(())
    } else {
        Err(format!("{key} is {got}"))
    }
}
