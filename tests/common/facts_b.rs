//! Facts about rights, opt-outs, tracking.
//!
//! `right:deletion` (listed with verdict yes), `noright:deletion` (listed with verdict no),
//! `!right:deletion` (not listed with yes), `rights:none`; `exercise.email:x@y`,
//! `exercise.url:…`, `exercise.phone:…`, `exercise.other:account_settings`, `exercise:none`;
//! `optout:marketingEmails`, `!optout:…`, `optouts:none`, `optoutlink:https://…`;
//! `track:yes|no|none`, `tech:cookies`, `!tech:…`, `3p:yes|no|none`, `service:Google_Analytics`,
//! `!service:…`, `services:none`.

use super::yes_no;
use policy_lens::{OptOutKind, Report, Right, Technology, YesNo};

fn holds(ok: bool, why: impl FnOnce() -> String) -> Option<Result<(), String>> {
    Some(if ok { Ok(()) } else { Err(why()) })
}

/// Checks the fact `key:value` when `key` is one of this file's; `None` for other keys.
pub fn check(r: &Report, key: &str, value: &str) -> Option<Result<(), String>> {
    let rights = &r.rights.rights;
    let rights_list = || {
        format!(
            "rights {:?}",
            rights
                .iter()
                .map(|x| format!("{}:{}", x.right.name(), yes_no(x.verdict)))
                .collect::<Vec<_>>()
        )
    };
    let ex = &r.rights.exercise;
    let kinds = || {
        format!(
            "optOuts {:?}",
            r.opt_outs
                .iter()
                .map(|o| (o.kind.name(), &o.links))
                .collect::<Vec<_>>()
        )
    };
    let t = &r.tracking;
    match key {
        "right" | "noright" | "!right" => {
            let Some(right) = Right::from_name(value) else {
                return Some(Err(format!("no right {value}")));
            };
            let v = rights.iter().find(|x| x.right == right).map(|x| x.verdict);
            let ok = match key {
                "right" => v == Some(YesNo::Yes),
                "noright" => v == Some(YesNo::No),
                _ => v != Some(YesNo::Yes),
            };
            holds(ok, rights_list)
        }
        "rights" => holds(value == "none" && rights.is_empty(), rights_list),
        "exercise.email" | "exercise.url" | "exercise.phone" | "exercise.other" => {
            let list = match key {
                "exercise.email" => &ex.emails,
                "exercise.url" => &ex.urls,
                "exercise.phone" => &ex.phones,
                _ => &ex.other,
            };
            holds(list.iter().any(|x| x == value), || {
                format!("exercise {ex:?}")
            })
        }
        "exercise" => holds(
            value == "none"
                && ex.emails.is_empty()
                && ex.urls.is_empty()
                && ex.phones.is_empty()
                && ex.other.is_empty(),
            || format!("exercise {ex:?}"),
        ),
        "optout" | "!optout" => {
            let Some(kind) = OptOutKind::from_name(value) else {
                return Some(Err(format!("no opt-out kind {value}")));
            };
            let has = r.opt_outs.iter().any(|o| o.kind == kind);
            holds(has == (key == "optout"), kinds)
        }
        "optouts" => holds(value == "none" && r.opt_outs.is_empty(), kinds),
        "optoutlink" => holds(
            r.opt_outs
                .iter()
                .any(|o| o.links.iter().any(|l| l == value)),
            kinds,
        ),
        "track" => holds(yes_no(t.verdict) == value, || {
            format!("track is {}", yes_no(t.verdict))
        }),
        "3p" => holds(yes_no(t.third_party) == value, || {
            format!("3p is {}", yes_no(t.third_party))
        }),
        "tech" | "!tech" => {
            let Some(tech) = Technology::from_name(value) else {
                return Some(Err(format!("no technology {value}")));
            };
            holds(t.technologies.contains(&tech) == (key == "tech"), || {
                format!("technologies {:?}", t.technologies)
            })
        }
        "service" | "!service" => {
            let has = t.services.iter().any(|s| s.name == value);
            holds(has == (key == "service"), || {
                format!(
                    "services {:?}",
                    t.services.iter().map(|s| &s.name).collect::<Vec<_>>()
                )
            })
        }
        "services" => holds(value == "none" && t.services.is_empty(), || {
            format!(
                "services {:?}",
                t.services.iter().map(|s| &s.name).collect::<Vec<_>>()
            )
        }),
        _ => None,
    }
}
