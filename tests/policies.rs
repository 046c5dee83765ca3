//! Golden tests: whole policies written for the tests (`tests/policies/*.md|txt`), each with
//! the facts it must show and a readable snapshot of every finding and its evidence
//! (`*.snap`). On a snapshot mismatch the test rewrites the file and fails, so that the change
//! is reviewed in `git diff`; `SNAPSHOTS=overwrite cargo test --test policies` accepts it.

mod common;

use policy_lens::{analyze, Evidence, Report};
use std::fmt::Write;
use std::path::Path;

/// What each policy must say, whatever the snapshot holds.
const EXPECT: &[(&str, &str)] = &[
    (
        "acme-notes.md",
        "policy:yes,share:yes,p:serviceProviders,p:affiliates,p:businessTransfer,p:legal,mkt:no,sell:no,party:Stripe,party:Amazon_Web_Services,dnt:notHonored,gpc:honored,age:13,consent:no,children:yes,email:privacy@acme-notes.example",
    ),
    (
        "quiet-garden.txt",
        "policy:yes,share:no,sell:no,mkt:no,dnt:honored,gpc:notMentioned,age:16,email:hello@quietgarden.example,phone:+44_20_7946_0999",
    ),
    (
        "adnet-news.md",
        "policy:yes,share:yes,p:advertising,p:analytics,mkt:yes,sell:yes,party:Google_Analytics,dnt:unclear,age:none,children:yes,emails:none,channel:Help_Center",
    ),
    (
        "odd-format.md",
        "share:yes,p:serviceProviders,dnt:notHonored,age:13,consent:yes,email:privacy@tinkerbox.example",
    ),
    ("not-a-policy.md", "policy:no,dnt:notMentioned,age:none,emails:none"),
    (
        "negations.md",
        "share:yes,p:serviceProviders,mkt:no,sell:no,dnt:notHonored,age:13,consent:yes,email:privacy@pebble.example,url:https://pebble.example/privacy-request",
    ),
    (
        "lantern-maps.md",
        "policy:yes,ret:stated,period:as_long_as_your_account_is_active,days:90,days:365,sec:yes,measure:encryption,measure:accessControls,measure:monitoring,!measure:physical,breach:yes,xfer:no,safeguards:none,notice:email,notice:siteNotice,!notice:postedOnly,updated:2025-02-14,email:privacy@lantern-maps.example",
    ),
    (
        "harbor-books.md",
        "ret:stated,days:2555,!period:18_months,sec:no,measures:none,breach:no,xfer:yes,safeguard:standardContractualClauses,!safeguard:privacyShield,notice:postedOnly,!notice:email,updated:2023-09-01",
    ),
    (
        "lumen-reader.md",
        "policy:yes,right:access,right:correction,right:portability,right:deletion,right:objection,right:withdrawConsent,right:nonDiscrimination,right:complaint,!right:optOutOfSale,exercise.email:rights@lumen.example,exercise.url:https://lumen.example/privacy-request,exercise.other:account_settings,optout:marketingEmails,!optout:saleOrSharing,!optout:targetedAds,optoutlink:https://lumen.example/account/email-preferences,track:yes,tech:cookies,tech:localStorage,tech:webBeacons,!tech:fingerprinting,3p:no,service:Matomo",
    ),
];

fn utf16_slice(text: &str, start: usize, end: usize) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    String::from_utf16_lossy(&units[start.min(units.len())..end.min(units.len())])
}

fn quote(out: &mut String, text: &str, e: &Evidence, indent: &str) {
    let slice = utf16_slice(text, e.start, e.end);
    let first = e.text.split_whitespace().next().unwrap_or("");
    assert!(
        slice.contains(first.trim_matches(|c: char| !c.is_alphanumeric())),
        "evidence offsets {}..{} do not point at {:?} (they give {slice:?})",
        e.start,
        e.end,
        e.text
    );
    let section = e
        .section
        .as_deref()
        .map(|s| format!("  [{s}]"))
        .unwrap_or_default();
    writeln!(out, "{indent}> {}{section}", e.text).unwrap();
}

/// The readable snapshot of a report.
fn snapshot(text: &str, r: &Report) -> String {
    let mut o = String::new();
    let q = |o: &mut String, list: &[Evidence], indent: &str| {
        for e in list {
            quote(o, text, e, indent);
        }
    };
    writeln!(
        o,
        "isPolicy: {} ({:.2})",
        r.is_policy.likely, r.is_policy.score
    )
    .unwrap();
    let t = &r.third_party_sharing;
    writeln!(o, "thirdPartySharing: {:?}", t.verdict).unwrap();
    q(&mut o, &t.evidence, "  ");
    for p in &t.purposes {
        writeln!(o, "  purpose {}", p.purpose.name()).unwrap();
        q(&mut o, &p.evidence, "    ");
    }
    writeln!(o, "  marketing: {:?}", t.marketing.verdict).unwrap();
    q(&mut o, &t.marketing.evidence, "    ");
    writeln!(o, "  sells: {:?}", t.sells.verdict).unwrap();
    q(&mut o, &t.sells.evidence, "    ");
    for p in &t.named_third_parties {
        writeln!(o, "  named {}", p.name).unwrap();
    }
    writeln!(o, "doNotTrack: {:?}", r.do_not_track.verdict).unwrap();
    q(&mut o, &r.do_not_track.evidence, "  ");
    writeln!(
        o,
        "globalPrivacyControl: {:?}",
        r.global_privacy_control.verdict
    )
    .unwrap();
    q(&mut o, &r.global_privacy_control.evidence, "  ");
    let m = &r.minimum_age;
    writeln!(
        o,
        "minimumAge: {:?} all {:?} parentalConsent {} childrenMentioned {}",
        m.age, m.all_ages, m.parental_consent, m.children_mentioned
    )
    .unwrap();
    q(&mut o, &m.evidence, "  ");
    let c = &r.contact;
    writeln!(o, "contact:").unwrap();
    for (k, v) in [
        ("emails", &c.emails),
        ("phones", &c.phones),
        ("urls", &c.urls),
        ("postalAddresses", &c.postal_addresses),
        ("otherChannels", &c.other_channels),
    ] {
        if !v.is_empty() {
            writeln!(o, "  {k}: {}", v.join(" | ")).unwrap();
        }
    }
    q(&mut o, &c.evidence, "  ");

    let ret = &r.retention;
    writeln!(
        o,
        "retention: stated {} mentioned {}",
        ret.stated, ret.mentioned
    )
    .unwrap();
    q(&mut o, &ret.evidence, "  ");
    for p in &ret.periods {
        writeln!(o, "  period {:?} days {:?}", p.period, p.days).unwrap();
        q(&mut o, &p.evidence, "    ");
    }
    writeln!(o, "rights:").unwrap();
    for x in &r.rights.rights {
        writeln!(o, "  {} {:?}", x.right.name(), x.verdict).unwrap();
        q(&mut o, &x.evidence, "    ");
    }
    let e = &r.rights.exercise;
    for (k, v) in [
        ("emails", &e.emails),
        ("urls", &e.urls),
        ("phones", &e.phones),
        ("other", &e.other),
    ] {
        if !v.is_empty() {
            writeln!(o, "  exercise {k}: {}", v.join(" | ")).unwrap();
        }
    }
    q(&mut o, &e.evidence, "    ");
    writeln!(o, "optOuts:").unwrap();
    for x in &r.opt_outs {
        writeln!(o, "  {} links {:?}", x.kind.name(), x.links).unwrap();
        q(&mut o, &x.evidence, "    ");
    }
    let t = &r.tracking;
    let tech: Vec<&str> = t.technologies.iter().map(|x| x.name()).collect();
    writeln!(
        o,
        "tracking: {:?} technologies {tech:?} thirdParty {:?}",
        t.verdict, t.third_party
    )
    .unwrap();
    q(&mut o, &t.evidence, "  ");
    for x in &t.services {
        writeln!(o, "  service {}", x.name).unwrap();
    }
    let s = &r.security;
    writeln!(
        o,
        "security: stated {} breachNotification {:?}",
        s.stated, s.breach_notification.verdict
    )
    .unwrap();
    q(&mut o, &s.evidence, "  ");
    for x in &s.measures {
        writeln!(o, "  measure {}", x.measure.name()).unwrap();
        q(&mut o, &x.evidence, "    ");
    }
    q(&mut o, &s.breach_notification.evidence, "  ");
    let pc = &r.policy_changes;
    writeln!(o, "policyChanges:").unwrap();
    for x in &pc.notices {
        writeln!(o, "  notice {}", x.notice.name()).unwrap();
        q(&mut o, &x.evidence, "    ");
    }
    if let Some(d) = &pc.updated {
        writeln!(o, "  updated {:?} iso {:?}", d.date, d.iso).unwrap();
        q(&mut o, &d.evidence, "    ");
    }
    q(&mut o, &pc.evidence, "  ");
    let x = &r.international_transfers;
    writeln!(o, "internationalTransfers: {:?}", x.verdict).unwrap();
    q(&mut o, &x.evidence, "  ");
    for g in &x.safeguards {
        writeln!(o, "  safeguard {}", g.safeguard.name()).unwrap();
        q(&mut o, &g.evidence, "    ");
    }
    o
}

#[test]
fn golden_policies() {
    let dir = Path::new("tests/policies");
    let overwrite = std::env::var("SNAPSHOTS").as_deref() == Ok("overwrite");
    let mut failures = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "txt")))
        .collect();
    names.sort();
    assert!(
        names.len() >= 5,
        "expected the golden policies in tests/policies"
    );
    for path in names {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let report = analyze(&text);
        let facts = EXPECT
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("{name}: add its facts to EXPECT"))
            .1;
        for fact in facts.split(',') {
            if let Err(why) = common::check(&report, fact) {
                failures.push(format!("{name}: expected {fact} but {why}"));
            }
        }
        let snap = snapshot(&text, &report);
        let snap_path = path.with_extension(format!(
            "{}.snap",
            path.extension().unwrap().to_string_lossy()
        ));
        let old = std::fs::read_to_string(&snap_path).unwrap_or_default();
        if old != snap {
            std::fs::write(&snap_path, &snap).unwrap();
            if !overwrite {
                failures.push(format!(
                    "{name}: snapshot changed, rewrote {} (review with git diff; accept with SNAPSHOTS=overwrite)",
                    snap_path.display()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
