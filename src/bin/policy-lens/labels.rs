//! The one place where the corpus's label names and values meet the report's fields.
//!
//! Every source's labels become [`Label`]s: a [`Finding`] of the report and what is expected of
//! it. Decisions taken here (see `../shared/corpus/README.md` and `docs/labels.md`):
//!
//! - `devgold.jsonl` uses the names of `docs/labels.md` in snake case and the report's values:
//!   each field maps to the finding of the same name; `purposes` becomes one yes/no label per
//!   purpose (all eight are judged).
//! - Silver `share` (opp115, goppc, c3pa) and c3pa `sold`: `true` → `yes`; `false` → `no` or
//!   `notMentioned` (both accepted: the source marks the absence of annotated sharing, which
//!   does not say whether the policy denies it or is silent).
//! - opp115 `share_purposes`: `service_providers` → `serviceProviders`, `legal` → `legal`,
//!   `business_transfer` → `businessTransfer`, `marketing` → `marketing` or `advertising`
//!   (OPP-115's "marketing" purpose covers both). Only these four are judged for opp115.
//! - opp115 `dnt`: `honors` → `honored`, `does_not_respond` → `notHonored`, `unclear` →
//!   `unclear`, `not_mentioned` → `notMentioned`.
//! - opp115 `min_age`, goppc `min_age_silver`: a number → that age, `null` → no age, `"unknown"` →
//!   not judged.
//! - goppc `children` → `childrenMentioned`.
//! - `contact_emails`/`contact_phones`/`contact_urls` → `contact.emails`/`phones`/`urls`.
//!
//! Set findings (contacts) match item by item after normalising (see [`same_item`]).

use policy_lens::{Evidence, Purpose, Report, Right, YesNo};
use serde_json::Value;

use crate::analyze::{signal, yes_no};

/// One judged part of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Finding {
    IsPolicy,
    Sharing,
    Purpose(Purpose),
    /// `marketing` or `advertising` (opp115's "marketing" purpose).
    MarketingOrAdvertising,
    Marketing,
    Sells,
    Dnt,
    Gpc,
    MinAge,
    AllAges,
    ParentalConsent,
    ChildrenMentioned,
    Emails,
    Phones,
    Urls,
    Postal,
    OtherChannels,
    /// The report grants the right (verdict `yes`).
    Right(Right),
    /// Some way to exercise rights is given.
    RightsExercise,
    RetentionStated,
    RetentionMentioned,
    SecurityStated,
    SecurityMeasures,
    BreachNotification,
    ChangeNotices,
    PolicyUpdated,
    TransfersVerdict,
    Safeguards,
    OptOutKinds,
    TrackingVerdict,
    TrackingTechnologies,
    TrackingThirdParty,
}

/// How a finding is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One value among several: accuracy.
    Category,
    /// True or false: accuracy, precision, recall.
    Binary,
    /// A set of items: per-item precision and recall, exact-set accuracy.
    Set,
}

impl Finding {
    pub fn name(self) -> String {
        match self {
            Finding::IsPolicy => "isPolicy".into(),
            Finding::Sharing => "sharing verdict".into(),
            Finding::Purpose(p) => format!("purpose {}", p.name()),
            Finding::MarketingOrAdvertising => "purpose marketing|advertising".into(),
            Finding::Marketing => "marketing".into(),
            Finding::Sells => "sells".into(),
            Finding::Dnt => "DNT verdict".into(),
            Finding::Gpc => "GPC verdict".into(),
            Finding::MinAge => "min age (exact)".into(),
            Finding::AllAges => "all ages (exact)".into(),
            Finding::ParentalConsent => "parental consent".into(),
            Finding::ChildrenMentioned => "children mentioned".into(),
            Finding::Emails => "emails".into(),
            Finding::Phones => "phones".into(),
            Finding::Urls => "urls".into(),
            Finding::Postal => "postal addresses".into(),
            Finding::OtherChannels => "other channels".into(),
            Finding::Right(r) => format!("right {}", r.name()),
            Finding::RightsExercise => "rights: a way to exercise".into(),
            Finding::RetentionStated => "retention stated".into(),
            Finding::RetentionMentioned => "retention mentioned".into(),
            Finding::SecurityStated => "security stated".into(),
            Finding::SecurityMeasures => "security measures".into(),
            Finding::BreachNotification => "breach notification".into(),
            Finding::ChangeNotices => "change notices".into(),
            Finding::PolicyUpdated => "policy date (iso)".into(),
            Finding::TransfersVerdict => "transfers verdict".into(),
            Finding::Safeguards => "transfer safeguards".into(),
            Finding::OptOutKinds => "opt-out kinds".into(),
            Finding::TrackingVerdict => "tracking verdict".into(),
            Finding::TrackingTechnologies => "tracking technologies".into(),
            Finding::TrackingThirdParty => "tracking third party".into(),
        }
    }

    pub fn kind(self) -> Kind {
        match self {
            Finding::IsPolicy
            | Finding::Purpose(_)
            | Finding::MarketingOrAdvertising
            | Finding::ParentalConsent
            | Finding::ChildrenMentioned
            | Finding::Right(_)
            | Finding::RightsExercise
            | Finding::RetentionStated
            | Finding::RetentionMentioned
            | Finding::SecurityStated => Kind::Binary,
            Finding::Emails
            | Finding::Phones
            | Finding::Urls
            | Finding::Postal
            | Finding::OtherChannels
            | Finding::SecurityMeasures
            | Finding::ChangeNotices
            | Finding::Safeguards
            | Finding::OptOutKinds
            | Finding::TrackingTechnologies => Kind::Set,
            _ => Kind::Category,
        }
    }

    /// The field of a devgold record that holds the gold evidence for this finding.
    pub fn gold_evidence_field(self) -> Option<&'static str> {
        Some(match self {
            Finding::Sharing | Finding::Purpose(_) | Finding::MarketingOrAdvertising => {
                "sharing_evidence"
            }
            Finding::Marketing => "marketing_evidence",
            Finding::Sells => "sells_evidence",
            Finding::Dnt => "dnt_evidence",
            Finding::Gpc => "gpc_evidence",
            Finding::MinAge
            | Finding::AllAges
            | Finding::ParentalConsent
            | Finding::ChildrenMentioned => "age_evidence",
            _ => return None,
        })
    }
}

/// What a label expects.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// Any of these values.
    OneOf(Vec<String>),
    Bool(bool),
    Set(Vec<String>),
}

/// What the report says.
#[derive(Debug, Clone, PartialEq)]
pub enum Got {
    Value(String),
    Bool(bool),
    Set(Vec<String>),
}

/// One expectation about one document.
#[derive(Debug, Clone)]
pub struct Label {
    pub finding: Finding,
    pub expect: Expect,
    /// The source's field name (for silver corrections and messages).
    pub field: String,
}

fn age_value(v: Option<u32>) -> String {
    v.map_or("null".into(), |a| a.to_string())
}

fn ages_value(v: &[u32]) -> String {
    let mut v = v.to_vec();
    v.sort_unstable();
    v.dedup();
    let s: Vec<String> = v.iter().map(u32::to_string).collect();
    format!("[{}]", s.join(","))
}

/// What the report says about a finding.
pub fn got(r: &Report, f: Finding) -> Got {
    let t = &r.third_party_sharing;
    let has = |p: Purpose| t.purposes.iter().any(|x| x.purpose == p);
    let c = &r.contact;
    match f {
        Finding::IsPolicy => Got::Bool(r.is_policy.likely),
        Finding::Sharing => Got::Value(yes_no(t.verdict).into()),
        Finding::Purpose(p) => Got::Bool(has(p)),
        Finding::MarketingOrAdvertising => {
            Got::Bool(has(Purpose::Marketing) || has(Purpose::Advertising))
        }
        Finding::Marketing => Got::Value(yes_no(t.marketing.verdict).into()),
        Finding::Sells => Got::Value(yes_no(t.sells.verdict).into()),
        Finding::Dnt => Got::Value(signal(r.do_not_track.verdict).into()),
        Finding::Gpc => Got::Value(signal(r.global_privacy_control.verdict).into()),
        Finding::MinAge => Got::Value(age_value(r.minimum_age.age)),
        Finding::AllAges => Got::Value(ages_value(&r.minimum_age.all_ages)),
        Finding::ParentalConsent => Got::Bool(r.minimum_age.parental_consent),
        Finding::ChildrenMentioned => Got::Bool(r.minimum_age.children_mentioned),
        Finding::Emails => Got::Set(c.emails.clone()),
        Finding::Phones => Got::Set(c.phones.clone()),
        Finding::Urls => Got::Set(c.urls.clone()),
        Finding::Postal => Got::Set(c.postal_addresses.clone()),
        Finding::OtherChannels => Got::Set(c.other_channels.clone()),
        Finding::Right(right) => Got::Bool(
            r.rights
                .rights
                .iter()
                .any(|x| x.right == right && x.verdict == YesNo::Yes),
        ),
        Finding::RightsExercise => {
            let e = &r.rights.exercise;
            Got::Bool(
                !(e.emails.is_empty()
                    && e.urls.is_empty()
                    && e.phones.is_empty()
                    && e.other.is_empty()),
            )
        }
        Finding::RetentionStated => Got::Bool(r.retention.stated),
        Finding::RetentionMentioned => Got::Bool(r.retention.mentioned),
        Finding::SecurityStated => Got::Bool(r.security.stated),
        Finding::SecurityMeasures => {
            Got::Set(names(r.security.measures.iter().map(|m| m.measure.name())))
        }
        Finding::BreachNotification => {
            Got::Value(yes_no(r.security.breach_notification.verdict).into())
        }
        Finding::ChangeNotices => Got::Set(names(
            r.policy_changes.notices.iter().map(|n| n.notice.name()),
        )),
        Finding::PolicyUpdated => Got::Value(
            r.policy_changes
                .updated
                .as_ref()
                .and_then(|d| d.iso.clone())
                .unwrap_or("null".into()),
        ),
        Finding::TransfersVerdict => Got::Value(yes_no(r.international_transfers.verdict).into()),
        Finding::Safeguards => Got::Set(names(
            r.international_transfers
                .safeguards
                .iter()
                .map(|x| x.safeguard.name()),
        )),
        Finding::OptOutKinds => Got::Set(names(r.opt_outs.iter().map(|o| o.kind.name()))),
        Finding::TrackingVerdict => Got::Value(yes_no(r.tracking.verdict).into()),
        Finding::TrackingTechnologies => {
            Got::Set(names(r.tracking.technologies.iter().map(|t| t.name())))
        }
        Finding::TrackingThirdParty => Got::Value(yes_no(r.tracking.third_party).into()),
    }
}

fn names<'a>(it: impl Iterator<Item = &'a str>) -> Vec<String> {
    it.map(str::to_string).collect()
}

/// The report's evidence texts for a finding.
pub fn evidence(r: &Report, f: Finding) -> Vec<&str> {
    let t = &r.third_party_sharing;
    let ev = match f {
        Finding::IsPolicy => return Vec::new(),
        Finding::Sharing => &t.evidence,
        Finding::Purpose(p) => match t.purposes.iter().find(|x| x.purpose == p) {
            Some(x) => &x.evidence,
            None => &t.evidence,
        },
        Finding::MarketingOrAdvertising => match t
            .purposes
            .iter()
            .find(|x| matches!(x.purpose, Purpose::Marketing | Purpose::Advertising))
        {
            Some(x) => &x.evidence,
            None => &t.evidence,
        },
        Finding::Marketing => &t.marketing.evidence,
        Finding::Sells => &t.sells.evidence,
        Finding::Dnt => &r.do_not_track.evidence,
        Finding::Gpc => &r.global_privacy_control.evidence,
        Finding::MinAge
        | Finding::AllAges
        | Finding::ParentalConsent
        | Finding::ChildrenMentioned => &r.minimum_age.evidence,
        Finding::Emails
        | Finding::Phones
        | Finding::Urls
        | Finding::Postal
        | Finding::OtherChannels => &r.contact.evidence,
        _ => return new_evidence(r, f),
    };
    ev.iter().map(|e| e.text.as_str()).collect()
}

/// For a set of kinds (security measures, change notices, safeguards, opt-outs, technologies),
/// the first quote of the kind named `kind`.
pub fn kind_evidence<'r>(r: &'r Report, f: Finding, kind: &str) -> Option<&'r str> {
    let first = |ev: &'r [Evidence]| ev.first().map(|e| e.text.as_str());
    match f {
        Finding::SecurityMeasures => r
            .security
            .measures
            .iter()
            .find(|m| m.measure.name() == kind)
            .and_then(|m| first(&m.evidence)),
        Finding::ChangeNotices => r
            .policy_changes
            .notices
            .iter()
            .find(|n| n.notice.name() == kind)
            .and_then(|n| first(&n.evidence)),
        Finding::Safeguards => r
            .international_transfers
            .safeguards
            .iter()
            .find(|x| x.safeguard.name() == kind)
            .and_then(|x| first(&x.evidence)),
        Finding::OptOutKinds => r
            .opt_outs
            .iter()
            .find(|o| o.kind.name() == kind)
            .and_then(|o| first(&o.evidence)),
        Finding::TrackingTechnologies => first(&r.tracking.evidence),
        _ => None,
    }
}

/// Evidence texts of the findings added after the first ones: every quote of the finding.
fn new_evidence(r: &Report, f: Finding) -> Vec<&str> {
    let lists: Vec<&Vec<Evidence>> = match f {
        Finding::Right(right) => r
            .rights
            .rights
            .iter()
            .filter(|x| x.right == right)
            .map(|x| &x.evidence)
            .collect(),
        Finding::RightsExercise => vec![&r.rights.exercise.evidence],
        Finding::RetentionStated | Finding::RetentionMentioned => {
            let mut v = vec![&r.retention.evidence];
            v.extend(r.retention.periods.iter().map(|p| &p.evidence));
            v
        }
        Finding::SecurityStated | Finding::SecurityMeasures => {
            let mut v = vec![&r.security.evidence];
            v.extend(r.security.measures.iter().map(|m| &m.evidence));
            v
        }
        Finding::BreachNotification => vec![&r.security.breach_notification.evidence],
        Finding::ChangeNotices | Finding::PolicyUpdated => {
            let c = &r.policy_changes;
            let mut v = vec![&c.evidence];
            v.extend(c.notices.iter().map(|n| &n.evidence));
            v.extend(c.updated.iter().map(|d| &d.evidence));
            v
        }
        Finding::TransfersVerdict | Finding::Safeguards => {
            let t = &r.international_transfers;
            let mut v = vec![&t.evidence];
            v.extend(t.safeguards.iter().map(|x| &x.evidence));
            v
        }
        Finding::OptOutKinds => r.opt_outs.iter().map(|o| &o.evidence).collect(),
        _ => vec![&r.tracking.evidence],
    };
    lists
        .into_iter()
        .flatten()
        .map(|e| e.text.as_str())
        .collect()
}

/// Reads a JSON label value as accepted values: a string, number, `null`, or
/// `{"accept": [...]}`.
fn one_of(v: &Value, map: fn(&str) -> Option<String>) -> Option<Expect> {
    let single = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => map(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Null => Some("null".into()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    };
    if let Some(list) = v.get("accept").and_then(Value::as_array) {
        let vals: Vec<String> = list.iter().filter_map(single).collect();
        return (!vals.is_empty()).then_some(Expect::OneOf(vals));
    }
    single(v).map(|s| Expect::OneOf(vec![s]))
}

/// `dnt` values of the corpus (snake case) and of the report (camel case) → report values.
pub fn signal_value(s: &str) -> Option<String> {
    Some(
        match s {
            "honors" | "honored" | "honours" => "honored",
            "does_not_respond" | "notHonored" | "not_honored" => "notHonored",
            "unclear" => "unclear",
            "not_mentioned" | "notMentioned" => "notMentioned",
            _ => return None,
        }
        .into(),
    )
}

/// Sharing verdict values → report values.
pub fn yes_no_value(s: &str) -> Option<String> {
    Some(
        match s {
            "yes" => "yes",
            "no" => "no",
            "notMentioned" | "not_mentioned" => "notMentioned",
            _ => return None,
        }
        .into(),
    )
}

fn age_label(v: &Value) -> Option<Expect> {
    match v {
        Value::Number(n) => n.as_u64().map(|n| Expect::OneOf(vec![n.to_string()])),
        Value::Null => Some(Expect::OneOf(vec!["null".into()])),
        Value::Object(_) => one_of(v, |s| Some(s.to_string())),
        _ => None, // "unknown"
    }
}

fn ages_label(v: &Value) -> Option<Expect> {
    let list: Option<Vec<u32>> = v
        .as_array()?
        .iter()
        .map(|x| x.as_u64().and_then(|n| u32::try_from(n).ok()))
        .collect();
    Some(Expect::OneOf(vec![ages_value(&list?)]))
}

/// A list of contact items. The silver extraction sometimes ran on past a line break, which it
/// kept as a literal `\n` ("https://optout.aboutads.info.\nMobile"): such an item is cut there.
fn set_label(v: &Value) -> Option<Expect> {
    let items = v.as_array()?;
    Some(Expect::Set(
        items
            .iter()
            .filter_map(Value::as_str)
            .map(|s| s.split("\\n").next().unwrap_or(s).trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
    ))
}

/// The silver `share`/`sold` booleans.
fn silver_yes(v: &Value) -> Option<Expect> {
    match v.as_bool()? {
        true => Some(Expect::OneOf(vec!["yes".into()])),
        false => Some(Expect::OneOf(vec!["no".into(), "notMentioned".into()])),
    }
}

fn push(out: &mut Vec<Label>, field: &str, finding: Finding, expect: Option<Expect>) {
    if let Some(expect) = expect {
        out.push(Label {
            finding,
            expect,
            field: field.to_string(),
        });
    }
}

/// The labels of one devgold record.
pub fn gold(rec: &Value) -> Vec<Label> {
    let mut out = Vec::new();
    let get = |k: &str| rec.get(k);
    if let Some(v) = get("isPolicy").and_then(Value::as_bool) {
        push(
            &mut out,
            "isPolicy",
            Finding::IsPolicy,
            Some(Expect::Bool(v)),
        );
    }
    for (field, finding) in [
        ("sharing", Finding::Sharing),
        ("marketing", Finding::Marketing),
        ("sells", Finding::Sells),
    ] {
        if let Some(v) = get(field) {
            push(&mut out, field, finding, one_of(v, yes_no_value));
        }
    }
    for (field, finding) in [("dnt", Finding::Dnt), ("gpc", Finding::Gpc)] {
        if let Some(v) = get(field) {
            push(&mut out, field, finding, one_of(v, signal_value));
        }
    }
    if let Some(list) = get("purposes").and_then(Value::as_array) {
        let names: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
        for p in Purpose::ALL {
            let has = names.contains(&p.name());
            push(
                &mut out,
                "purposes",
                Finding::Purpose(p),
                Some(Expect::Bool(has)),
            );
        }
    }
    if let Some(v) = get("min_age") {
        push(&mut out, "min_age", Finding::MinAge, age_label(v));
    }
    if let Some(v) = get("min_age_all") {
        push(&mut out, "min_age_all", Finding::AllAges, ages_label(v));
    }
    for (field, finding) in [
        ("parental_consent", Finding::ParentalConsent),
        ("children_mentioned", Finding::ChildrenMentioned),
    ] {
        if let Some(v) = get(field).and_then(Value::as_bool) {
            push(&mut out, field, finding, Some(Expect::Bool(v)));
        }
    }
    for (field, finding) in [
        ("emails", Finding::Emails),
        ("phones", Finding::Phones),
        ("urls", Finding::Urls),
        ("postal_addresses", Finding::Postal),
        ("other_channels", Finding::OtherChannels),
    ] {
        if let Some(v) = get(field) {
            push(&mut out, field, finding, set_label(v));
        }
    }
    out
}

/// The corpus-relative path of a silver record's text.
pub fn silver_path(source: &str, rec: &Value) -> Option<String> {
    let id = match rec.get("id")? {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match source {
        "opp115" | "goppc" => Some(format!("{source}/text/{id}.txt")),
        "c3pa" => Some(format!("c3pa/{}", rec.get("html")?.as_str()?)),
        _ => None,
    }
}

/// The labels of one silver record of `source` (`opp115`, `goppc`, `c3pa`).
pub fn silver(source: &str, rec: &Value) -> Vec<Label> {
    let mut out = Vec::new();
    let get = |k: &str| rec.get(k);
    if let Some(v) = get("share") {
        push(&mut out, "share", Finding::Sharing, silver_yes(v));
    }
    if let Some(v) = get("sold") {
        push(&mut out, "sold", Finding::Sells, silver_yes(v));
    }
    if let Some(list) = get("share_purposes").and_then(Value::as_array) {
        let names: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
        for (name, finding) in [
            (
                "service_providers",
                Finding::Purpose(Purpose::ServiceProviders),
            ),
            ("legal", Finding::Purpose(Purpose::Legal)),
            (
                "business_transfer",
                Finding::Purpose(Purpose::BusinessTransfer),
            ),
            ("marketing", Finding::MarketingOrAdvertising),
        ] {
            let has = names.contains(&name);
            push(&mut out, "share_purposes", finding, Some(Expect::Bool(has)));
        }
    }
    if let Some(v) = get("dnt") {
        push(&mut out, "dnt", Finding::Dnt, one_of(v, signal_value));
    }
    for field in ["min_age", "min_age_silver"] {
        if let Some(v) = get(field) {
            push(&mut out, field, Finding::MinAge, age_label(v));
        }
    }
    if let Some(v) = get("children").and_then(Value::as_bool) {
        push(
            &mut out,
            "children",
            Finding::ChildrenMentioned,
            Some(Expect::Bool(v)),
        );
    }
    for (field, finding) in [
        ("contact_emails", Finding::Emails),
        ("contact_phones", Finding::Phones),
        ("contact_urls", Finding::Urls),
    ] {
        if let Some(v) = get(field) {
            push(&mut out, field, finding, set_label(v));
        }
    }
    if source == "c3pa" {
        if let Some(list) = get("labels").and_then(Value::as_array) {
            let names: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
            for (name, finding) in C3PA_RIGHTS {
                let has = names.contains(name);
                push(&mut out, "labels", *finding, Some(Expect::Bool(has)));
            }
        }
    }
    out
}

/// c3pa's expert disclosure categories that name a right, and the report's finding for each.
/// ("Right to Know PI sold / shared" has no right of its own in the report; it is not judged.)
const C3PA_RIGHTS: &[(&str, Finding)] = &[
    (
        "Description of Right to Know PI Collected",
        Finding::Right(Right::Access),
    ),
    (
        "Description of Right to Correct Information",
        Finding::Right(Right::Correction),
    ),
    (
        "Description of Right to Delete",
        Finding::Right(Right::Deletion),
    ),
    (
        "Description of Right to Opt-out of sale of PI",
        Finding::Right(Right::OptOutOfSale),
    ),
    (
        "Description of Right to Limit use of PI",
        Finding::Right(Right::LimitSensitiveUse),
    ),
    (
        "Description of Right to Non-discrimination on exercising rights",
        Finding::Right(Right::NonDiscrimination),
    ),
    ("Methods to exercise rights", Finding::RightsExercise),
];

/// Whether devgold labels this finding (where it does, it overrides silver labels).
pub fn gold_labels(f: Finding) -> bool {
    !matches!(f, Finding::Right(_) | Finding::RightsExercise)
}

/// The labels of one line of the project's own labelled sets (`eval/labelled/*.jsonl`):
/// `{"path", "finding", "labels": {key: value}}`, keys as in `docs/findings.md`.
pub fn labelled(rec: &Value) -> Result<Vec<Label>, String> {
    let finding = rec
        .get("finding")
        .and_then(Value::as_str)
        .ok_or("no \"finding\"")?;
    let labels = rec
        .get("labels")
        .and_then(Value::as_object)
        .ok_or("no \"labels\" object")?;
    let mut out = Vec::new();
    for (key, v) in labels {
        let f = match (finding, key.as_str()) {
            ("retention", "stated") => Finding::RetentionStated,
            ("retention", "mentioned") => Finding::RetentionMentioned,
            ("security", "stated") => Finding::SecurityStated,
            ("security", "measures") => Finding::SecurityMeasures,
            ("security", "breachNotification") => Finding::BreachNotification,
            ("policyChanges", "notices") => Finding::ChangeNotices,
            ("policyChanges", "updated") => Finding::PolicyUpdated,
            ("internationalTransfers", "verdict") => Finding::TransfersVerdict,
            ("internationalTransfers", "safeguards") => Finding::Safeguards,
            ("optOuts", "kinds") => Finding::OptOutKinds,
            ("tracking", "verdict") => Finding::TrackingVerdict,
            ("tracking", "technologies") => Finding::TrackingTechnologies,
            ("tracking", "thirdParty") => Finding::TrackingThirdParty,
            ("rights", name) => match Right::from_name(name) {
                Some(r) => Finding::Right(r),
                None if name == "exercise" => Finding::RightsExercise,
                None => return Err(format!("unknown right {name:?}")),
            },
            _ => return Err(format!("unknown label {finding}.{key}")),
        };
        let expect = match f.kind() {
            Kind::Binary => v.as_bool().map(Expect::Bool),
            Kind::Set => set_label(v),
            Kind::Category => one_of(v, |s| Some(s.to_string())),
        };
        let Some(expect) = expect else {
            return Err(format!("bad value for {finding}.{key}: {v}"));
        };
        out.push(Label {
            finding: f,
            expect,
            field: format!("{finding}.{key}"),
        });
    }
    Ok(out)
}

fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn norm_url(s: &str) -> String {
    let s = s.trim().to_lowercase();
    let s = s.split_once("://").map_or(s.as_str(), |(_, r)| r);
    let s = s.strip_prefix("www.").unwrap_or(s);
    s.trim_end_matches(['/', '.', ',', ';', ')', '?', '#'])
        .to_string()
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Whether an expected and a reported contact item are the same, for a set finding.
///
/// Emails: case-insensitive, a `mailto:` prefix ignored. URLs: scheme, `www.` and trailing `/`
/// ignored. Phones: digits only, and a country code may be missing on one side (one ends with
/// the other, at least 7 digits). Postal addresses and other channels: at least 60% of the
/// words shared (of the longer one), or every word of one inside the other when it has ≥ 4.
pub fn same_item(f: Finding, expected: &str, got: &str) -> bool {
    match f {
        Finding::Emails => {
            let n = |s: &str| {
                let s = s.trim().to_lowercase();
                s.strip_prefix("mailto:").unwrap_or(&s).to_string()
            };
            n(expected) == n(got)
        }
        Finding::Urls => norm_url(expected) == norm_url(got),
        Finding::SecurityMeasures
        | Finding::ChangeNotices
        | Finding::Safeguards
        | Finding::OptOutKinds
        | Finding::TrackingTechnologies => expected == got,
        Finding::Phones => {
            let (a, b) = (digits(expected), digits(got));
            let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
            !short.is_empty() && (short == long || (short.len() >= 7 && long.ends_with(&short)))
        }
        _ => {
            let (a, b) = (words(expected), words(got));
            if a.is_empty() || b.is_empty() {
                return a == b;
            }
            let common = a.iter().filter(|w| b.contains(w)).count();
            let (min, max) = (a.len().min(b.len()), a.len().max(b.len()));
            common * 10 >= max * 6 || (common == min && (min >= 4 || f == Finding::OtherChannels))
        }
    }
}

/// Matches expected and reported items one to one: (true positives, missing, extra).
pub fn match_sets(
    f: Finding,
    expected: &[String],
    got: &[String],
) -> (usize, Vec<String>, Vec<String>) {
    let mut used = vec![false; got.len()];
    let mut missing = Vec::new();
    let mut tp = 0;
    // Dedupe the expected items the same way.
    let mut exp: Vec<&String> = Vec::new();
    for e in expected {
        if !exp.iter().any(|x| same_item(f, x, e)) {
            exp.push(e);
        }
    }
    for e in exp {
        match (0..got.len()).find(|&i| !used[i] && same_item(f, e, &got[i])) {
            Some(i) => {
                used[i] = true;
                tp += 1;
            }
            None => missing.push(e.clone()),
        }
    }
    let mut extra: Vec<String> = Vec::new();
    for (i, g) in got.iter().enumerate() {
        if !used[i] && !extra.iter().any(|x| same_item(f, x, g)) {
            // A duplicate of a matched item is not an extra.
            let dup = (0..got.len()).any(|j| used[j] && same_item(f, &got[j], g));
            if !dup {
                extra.push(g.clone());
            }
        }
    }
    (tp, missing, extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_item_table() {
        for (f, a, b, same) in [
            (
                Finding::Emails,
                "Privacy@Example.com",
                "privacy@example.com",
                true,
            ),
            (Finding::Emails, "mailto:a@b.co", "a@b.co", true),
            (Finding::Emails, "a@b.co", "b@b.co", false),
            (
                Finding::Urls,
                "http://www.x.com/contact/",
                "https://x.com/contact",
                true,
            ),
            (Finding::Urls, "x.com/contact", "x.com/privacy", false),
            (Finding::Phones, "+1 (855) 927-1072", "855-927-1072", true),
            (Finding::Phones, "611", "1611", false),
            (
                Finding::Postal,
                "Acme Inc., 1 Main St, Springfield, IL 62701",
                "1 Main St, Springfield, IL 62701",
                true,
            ),
            (
                Finding::Postal,
                "1 Main St, Springfield",
                "9 Oak Ave, Shelbyville",
                false,
            ),
            (
                Finding::OtherChannels,
                "Support Desk",
                "ACME Support Desk",
                true,
            ),
            (Finding::OtherChannels, "Help Center", "Support Desk", false),
        ] {
            assert_eq!(same_item(f, a, b), same, "{f:?} {a:?} {b:?}");
        }
    }

    #[test]
    fn sets_match_one_to_one() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let (tp, missing, extra) = match_sets(
            Finding::Emails,
            &s(&["a@x.com", "b@x.com", "A@x.com"]),
            &s(&["a@x.com", "c@x.com", "a@x.com"]),
        );
        assert_eq!((tp, missing, extra), (1, s(&["b@x.com"]), s(&["c@x.com"])));
    }

    #[test]
    fn source_values_map_onto_report_values() {
        for (v, want) in [
            ("honors", "honored"),
            ("does_not_respond", "notHonored"),
            ("unclear", "unclear"),
            ("not_mentioned", "notMentioned"),
            ("notHonored", "notHonored"),
        ] {
            assert_eq!(signal_value(v).as_deref(), Some(want));
        }
        let rec: Value = serde_json::json!({"id": "9", "share": false, "min_age": "unknown",
            "share_purposes": ["marketing"], "contact_urls": ["https://a.org.\\nMore"]});
        let labels = silver("opp115", &rec);
        let find = |f: Finding| {
            labels
                .iter()
                .find(|l| l.finding == f)
                .map(|l| l.expect.clone())
        };
        assert_eq!(
            find(Finding::Sharing),
            Some(Expect::OneOf(vec!["no".into(), "notMentioned".into()]))
        );
        assert_eq!(find(Finding::MinAge), None);
        assert_eq!(
            find(Finding::MarketingOrAdvertising),
            Some(Expect::Bool(true))
        );
        assert_eq!(
            find(Finding::Purpose(Purpose::Legal)),
            Some(Expect::Bool(false))
        );
        assert_eq!(
            find(Finding::Urls),
            Some(Expect::Set(vec!["https://a.org.".into()]))
        );
        assert_eq!(
            silver_path("opp115", &rec).as_deref(),
            Some("opp115/text/9.txt")
        );
    }

    #[test]
    fn c3pa_rights_and_own_labels_map_onto_findings() {
        let rec: Value = serde_json::json!({"id": "DB-1", "html": "html/DB-1.html",
            "labels": ["Description of Right to Delete", "Methods to exercise rights"]});
        let labels = silver("c3pa", &rec);
        let find = |f: Finding| labels.iter().find(|l| l.finding == f).map(|l| &l.expect);
        assert_eq!(
            find(Finding::Right(Right::Deletion)),
            Some(&Expect::Bool(true))
        );
        assert_eq!(
            find(Finding::Right(Right::Access)),
            Some(&Expect::Bool(false))
        );
        assert_eq!(find(Finding::RightsExercise), Some(&Expect::Bool(true)));

        let own: Value = serde_json::json!({"path": "ota/x.md", "finding": "policyChanges",
            "labels": {"notices": ["email"], "updated": null}});
        let got = labelled(&own).unwrap();
        assert_eq!(got.len(), 2);
        assert!(got.iter().any(|l| l.finding == Finding::ChangeNotices
            && l.expect == Expect::Set(vec!["email".into()])));
        assert!(got.iter().any(|l| l.finding == Finding::PolicyUpdated
            && l.expect == Expect::OneOf(vec!["null".into()])));
        let bad: Value = serde_json::json!({"path": "ota/x.md", "finding": "retention",
            "labels": {"stated": "maybe"}});
        assert!(labelled(&bad).unwrap_err().contains("retention.stated"));
        assert!(same_item(
            Finding::OptOutKinds,
            "targetedAds",
            "targetedAds"
        ));
        assert!(!same_item(
            Finding::OptOutKinds,
            "targetedAds",
            "marketingEmails"
        ));
    }
}
