//! Every `test` line of every rule file, run through the real `analyze`, and checks that each
//! rule file is well-formed and canonical.

use policy_lens::rules::{parse, RULE_FILES};
use policy_lens::{analyze, Purpose, Report, SignalVerdict, YesNo};

fn yes_no(v: YesNo) -> &'static str {
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

fn bool_word(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// Checks one fact (`key:value`, underscores in values standing for spaces); returns what the
/// report says instead when it does not hold.
fn check(r: &Report, fact: &str) -> Result<(), String> {
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
                Err(format!("purposes {:?}", t.purposes.iter().map(|p| p.purpose.name()).collect::<Vec<_>>()))
            };
        }
        "party" => {
            return if t.named_third_parties.iter().any(|p| p.name == value) {
                Ok(())
            } else {
                Err(format!("parties {:?}", t.named_third_parties.iter().map(|p| &p.name).collect::<Vec<_>>()))
            }
        }
        "age" => m.age.map(|a| a.to_string()).unwrap_or("none".into()),
        "ages" => m.all_ages.iter().map(|a| a.to_string()).collect::<Vec<_>>().join("/"),
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
        _ => return Err(format!("unknown fact key {key:?}")),
    };
    if got == value {
        Ok(())
    } else {
        Err(format!("{key} is {got}"))
    }
}

#[test]
fn every_rule_example_holds() {
    let mut failures = Vec::new();
    let mut count = 0;
    for (name, src) in RULE_FILES {
        let file = parse(src).unwrap_or_else(|e| panic!("{name}.rules: {e}"));
        for ex in &file.examples {
            count += 1;
            let text = match &ex.section {
                Some(h) => format!("## {h}\n\n{}\n", ex.sentence),
                None => format!("{}\n", ex.sentence),
            };
            let report = analyze(&text);
            for fact in ex.facts.split(',') {
                if let Err(why) = check(&report, fact) {
                    failures.push(format!(
                        "src/rules/{name}.rules:{}: expected {fact} but {why}\n    {}",
                        ex.line, ex.sentence
                    ));
                }
            }
        }
    }
    assert!(count > 50, "only {count} examples");
    assert!(failures.is_empty(), "{} of {count} rule examples fail:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn rule_files_are_canonical() {
    for (name, src) in RULE_FILES {
        let file = parse(src).unwrap_or_else(|e| panic!("{name}.rules: {e}"));
        assert_eq!(&file.finding, name, "{name}.rules: `finding` must equal the file name");
        assert!(file.examples.len() >= 2, "{name}.rules needs positive and negative examples");
        let mut seen = std::collections::HashSet::new();
        for ex in &file.examples {
            assert!(seen.insert(&ex.sentence), "{name}.rules:{}: duplicate example", ex.line);
        }
        // The list in src/rules.rs and the files on disk agree.
        let on_disk = std::fs::read_to_string(format!("src/rules/{name}.rules")).unwrap();
        assert_eq!(&on_disk, src);
    }
    let mut files: Vec<String> = std::fs::read_dir("src/rules")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".rules"))
        .collect();
    files.sort();
    let listed: Vec<String> = RULE_FILES.iter().map(|(n, _)| format!("{n}.rules")).collect();
    assert_eq!(files, listed, "every rule file is listed in src/rules.rs, in order");
}
