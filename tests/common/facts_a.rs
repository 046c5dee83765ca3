//! Facts about retention, security, policy changes, international transfers.
//!
//! `ret:stated|mentioned|none`, `period:30_days`, `days:30`, `periods:none`; `sec:yes|no`,
//! `measure:encryption`, `!measure:…`, `measures:none`, `breach:yes|no|none`;
//! `notice:email`, `!notice:…`, `notices:none`, `updated:2024-03-01|noiso|none`;
//! `xfer:yes|no|none`, `safeguard:standardContractualClauses`, `!safeguard:…`, `safeguards:none`.

use super::{bool_word, yes_no};
use policy_lens::{ChangeNotice, Measure, Report, Safeguard};

/// Whether `want` (true: the list has it) holds, with the list for the message.
fn has(list: Vec<&str>, value: &str, want: bool, what: &str) -> Result<(), String> {
    if list.contains(&value) == want {
        Ok(())
    } else {
        Err(format!("{what} {list:?}"))
    }
}

fn none_or(list: Vec<&str>, what: &str) -> Result<(), String> {
    if list.is_empty() {
        Ok(())
    } else {
        Err(format!("{what} {list:?}"))
    }
}

/// Checks the fact `key:value` when `key` is one of this file's; `None` for other keys.
pub fn check(r: &Report, key: &str, value: &str) -> Option<Result<(), String>> {
    let ret = &r.retention;
    let sec = &r.security;
    let ch = &r.policy_changes;
    let tr = &r.international_transfers;
    let periods = || {
        ret.periods
            .iter()
            .map(|p| p.period.as_str())
            .collect::<Vec<_>>()
    };
    let measures = || {
        sec.measures
            .iter()
            .map(|m| m.measure.name())
            .collect::<Vec<_>>()
    };
    let notices = || {
        ch.notices
            .iter()
            .map(|n| n.notice.name())
            .collect::<Vec<_>>()
    };
    let safeguards = || {
        tr.safeguards
            .iter()
            .map(|s| s.safeguard.name())
            .collect::<Vec<_>>()
    };
    let got: String = match key {
        "ret" => if ret.stated {
            "stated"
        } else if ret.mentioned {
            "mentioned"
        } else {
            "none"
        }
        .into(),
        "period" => return Some(has(periods(), value, true, "periods")),
        "!period" => return Some(has(periods(), value, false, "periods")),
        "periods" => return Some(none_or(periods(), "periods")),
        "days" => {
            let days: Vec<String> = ret
                .periods
                .iter()
                .filter_map(|p| p.days.map(|d| d.to_string()))
                .collect();
            return Some(has(
                days.iter().map(|d| d.as_str()).collect(),
                value,
                true,
                "days",
            ));
        }
        "sec" => bool_word(sec.stated).into(),
        "measure" | "!measure" => {
            if Measure::from_name(value).is_none() {
                return Some(Err(format!("no measure {value}")));
            }
            return Some(has(measures(), value, key == "measure", "measures"));
        }
        "measures" => return Some(none_or(measures(), "measures")),
        "breach" => yes_no(sec.breach_notification.verdict).into(),
        "notice" | "!notice" => {
            if ChangeNotice::from_name(value).is_none() {
                return Some(Err(format!("no notice {value}")));
            }
            return Some(has(notices(), value, key == "notice", "notices"));
        }
        "notices" => return Some(none_or(notices(), "notices")),
        "updated" => match &ch.updated {
            None => "none".into(),
            Some(d) => d.iso.clone().unwrap_or_else(|| "noiso".into()),
        },
        "xfer" => yes_no(tr.verdict).into(),
        "safeguard" | "!safeguard" => {
            if Safeguard::from_name(value).is_none() {
                return Some(Err(format!("no safeguard {value}")));
            }
            return Some(has(safeguards(), value, key == "safeguard", "safeguards"));
        }
        "safeguards" => return Some(none_or(safeguards(), "safeguards")),
        _ => return None,
    };
    Some(if got == value {
        Ok(())
    } else {
        Err(format!("{key} is {got}"))
    })
}
