//! The report: the plain data that `analyze` returns, in the JSON shape of `docs/report.md`.
//!
//! Every type here serializes with camelCase keys. Offsets (`start`, `end`) count UTF-16 code
//! units of the analyzed text, so that JavaScript can slice and highlight with them directly.

use serde::{Deserialize, Serialize};

/// One analyzed document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Whether the document is a privacy policy at all.
    pub is_policy: IsPolicy,
    /// Disclosure of personal data to third parties.
    pub third_party_sharing: ThirdPartySharing,
    /// The response to Do Not Track browser signals.
    pub do_not_track: SignalFinding,
    /// The response to Global Privacy Control signals.
    pub global_privacy_control: SignalFinding,
    /// The youngest age the policy allows.
    pub minimum_age: MinimumAge,
    /// How to reach the operator about privacy.
    pub contact: Contact,
    /// How long personal data is kept.
    pub retention: Retention,
    /// The person's rights and how to use them.
    pub rights: Rights,
    /// Ways to opt out: marketing emails, sale or sharing, interest-based ads.
    pub opt_outs: Vec<OptOut>,
    /// Cookies and other tracking technologies, and the services named.
    pub tracking: Tracking,
    /// Security measures stated, and breach notification.
    pub security: Security,
    /// How people are told of changes to the policy, and its date.
    pub policy_changes: PolicyChanges,
    /// Transfers of personal data to other countries, and the safeguards named.
    pub international_transfers: InternationalTransfers,
    /// Facts about the analysis itself (size, truncation, version).
    pub meta: Meta,
}

impl Report {
    /// Every evidence of the report, in report order (a copy; quotes repeat where two findings
    /// cite the same sentence).
    pub fn all_evidence(&self) -> Vec<Evidence> {
        let mut copy = self.clone();
        copy.evidence_lists_mut()
            .into_iter()
            .flat_map(std::mem::take)
            .collect()
    }

    /// Every list of evidence in the report, for the one pass that rewrites offsets. A finding
    /// added to the report adds its lists here; `all_evidence` and the tests then see them.
    pub(crate) fn evidence_lists_mut(&mut self) -> Vec<&mut Vec<Evidence>> {
        let r = self;
        let mut out: Vec<&mut Vec<Evidence>> = Vec::new();
        let s = &mut r.third_party_sharing;
        out.push(&mut s.evidence);
        out.push(&mut s.marketing.evidence);
        out.push(&mut s.sells.evidence);
        s.purposes
            .iter_mut()
            .for_each(|p| out.push(&mut p.evidence));
        s.named_third_parties
            .iter_mut()
            .for_each(|p| out.push(&mut p.evidence));
        out.push(&mut r.do_not_track.evidence);
        out.push(&mut r.global_privacy_control.evidence);
        out.push(&mut r.minimum_age.evidence);
        out.push(&mut r.contact.evidence);
        out.push(&mut r.retention.evidence);
        r.retention
            .periods
            .iter_mut()
            .for_each(|p| out.push(&mut p.evidence));
        r.rights
            .rights
            .iter_mut()
            .for_each(|x| out.push(&mut x.evidence));
        out.push(&mut r.rights.exercise.evidence);
        r.opt_outs
            .iter_mut()
            .for_each(|x| out.push(&mut x.evidence));
        out.push(&mut r.tracking.evidence);
        r.tracking
            .services
            .iter_mut()
            .for_each(|x| out.push(&mut x.evidence));
        out.push(&mut r.security.evidence);
        r.security
            .measures
            .iter_mut()
            .for_each(|x| out.push(&mut x.evidence));
        out.push(&mut r.security.breach_notification.evidence);
        let c = &mut r.policy_changes;
        out.push(&mut c.evidence);
        c.notices.iter_mut().for_each(|x| out.push(&mut x.evidence));
        c.updated.iter_mut().for_each(|x| out.push(&mut x.evidence));
        let t = &mut r.international_transfers;
        out.push(&mut t.evidence);
        t.safeguards
            .iter_mut()
            .for_each(|x| out.push(&mut x.evidence));
        out
    }
}

/// Facts about the analysis itself, not about the policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    /// Version of the analyzer that produced the report.
    pub version: String,
    /// Length of the analyzed text, in UTF-16 code units.
    pub analyzed_length: usize,
    /// True when the input was longer than [`crate::MAX_INPUT_BYTES`] and only its start was read.
    pub truncated: bool,
    /// Number of sentences the text was split into.
    pub sentences: usize,
}

/// A passage of the policy that decided a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// The sentence, with markup removed and white space folded.
    pub text: String,
    /// Start offset in the analyzed text, in UTF-16 code units.
    pub start: usize,
    /// End offset (exclusive) in the analyzed text, in UTF-16 code units.
    pub end: usize,
    /// The heading the sentence sits under, when there is one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub section: Option<String>,
    /// Index of the input block (for [`crate::analyze_document`]) the sentence comes from.
    pub block: usize,
}

/// Is this a privacy policy?
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct IsPolicy {
    /// `score >= 0.5`.
    pub likely: bool,
    /// 0..1.
    pub score: f64,
}

/// `yes` / `no` / `notMentioned`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, Hash)]
#[serde(rename_all = "camelCase")]
pub enum YesNo {
    /// The policy says it does (or may).
    Yes,
    /// The policy says it does not.
    No,
    /// The policy says nothing either way.
    #[default]
    NotMentioned,
}

/// A yes/no verdict with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// The answer.
    pub verdict: YesNo,
    /// The sentences that decided it (empty for `notMentioned`).
    pub evidence: Vec<Evidence>,
}

/// Why, or with whom, personal data is shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "camelCase")]
pub enum Purpose {
    /// Vendors, processors, contractors acting for the operator.
    ServiceProviders,
    /// Companies under common ownership, partners.
    Affiliates,
    /// Ad networks, targeted or interest-based advertising.
    Advertising,
    /// Third parties' own promotional offers.
    Marketing,
    /// Analytics providers.
    Analytics,
    /// Law enforcement, legal process, protection of rights.
    Legal,
    /// Merger, acquisition, sale of assets.
    BusinessTransfer,
    /// When the user agrees.
    WithConsent,
}

impl Purpose {
    /// Every purpose, in report order.
    pub const ALL: [Purpose; 8] = [
        Purpose::ServiceProviders,
        Purpose::Affiliates,
        Purpose::Advertising,
        Purpose::Marketing,
        Purpose::Analytics,
        Purpose::Legal,
        Purpose::BusinessTransfer,
        Purpose::WithConsent,
    ];

    /// The camelCase name used in the report.
    pub fn name(self) -> &'static str {
        match self {
            Purpose::ServiceProviders => "serviceProviders",
            Purpose::Affiliates => "affiliates",
            Purpose::Advertising => "advertising",
            Purpose::Marketing => "marketing",
            Purpose::Analytics => "analytics",
            Purpose::Legal => "legal",
            Purpose::BusinessTransfer => "businessTransfer",
            Purpose::WithConsent => "withConsent",
        }
    }

    /// The purpose with this camelCase name.
    pub fn from_name(name: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// One purpose with the sentences that state it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PurposeFinding {
    /// The purpose.
    pub purpose: Purpose,
    /// The sentences that state it.
    pub evidence: Vec<Evidence>,
}

/// A third party the policy names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamedParty {
    /// Canonical name ("Google Analytics").
    pub name: String,
    /// Where the policy names it.
    pub evidence: Vec<Evidence>,
}

/// Disclosure of personal data to third parties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ThirdPartySharing {
    /// Does the site disclose personal data to third parties?
    pub verdict: YesNo,
    /// The sentences that decided the verdict.
    pub evidence: Vec<Evidence>,
    /// With whom and why.
    pub purposes: Vec<PurposeFinding>,
    /// Shared for third parties' marketing or advertising?
    pub marketing: Verdict,
    /// Sold?
    pub sells: Verdict,
    /// Third parties named in the policy.
    pub named_third_parties: Vec<NamedParty>,
}

/// `honored` / `notHonored` / `unclear` / `notMentioned`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, Hash)]
#[serde(rename_all = "camelCase")]
pub enum SignalVerdict {
    /// The policy says it honors the signal.
    Honored,
    /// The policy says it does not respond to the signal.
    NotHonored,
    /// Mentioned without a clear stance.
    Unclear,
    /// Not mentioned.
    #[default]
    NotMentioned,
}

/// The response to a browser privacy signal (Do Not Track, Global Privacy Control).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SignalFinding {
    /// The answer.
    pub verdict: SignalVerdict,
    /// The sentences that decided it.
    pub evidence: Vec<Evidence>,
}

/// The youngest age the policy allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct MinimumAge {
    /// The general age threshold, or `None` where no number is stated.
    pub age: Option<u32>,
    /// Every distinct age threshold the policy states, ascending.
    pub all_ages: Vec<u32>,
    /// Some minors may use the service with a parent's consent.
    pub parental_consent: bool,
    /// The policy speaks about children or minors at all.
    pub children_mentioned: bool,
    /// The sentences that decided it.
    pub evidence: Vec<Evidence>,
}

/// How to reach the operator about privacy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// Email addresses, lower-cased.
    pub emails: Vec<String>,
    /// Voice phone numbers, as written.
    pub phones: Vec<String>,
    /// Contact pages, request forms, support sites.
    pub urls: Vec<String>,
    /// Postal addresses, as written.
    pub postal_addresses: Vec<String>,
    /// Named channels without an address ("our Support Desk").
    pub other_channels: Vec<String>,
    /// The sentences that gave them.
    pub evidence: Vec<Evidence>,
}

/// Declares a camelCase kind enum with `ALL`, `name` and `from_name`.
macro_rules! kinds {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
        #[serde(rename_all = "camelCase")]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// Every value, in report order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The camelCase name used in the report.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The value with this camelCase name.
            pub fn from_name(name: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|k| k.name() == name)
            }
        }
    };
}

/// How long personal data is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Retention {
    /// The policy states how long it keeps personal data: a duration ("for 30 days") or an event
    /// that ends it ("as long as your account is active", "until you delete it").
    pub stated: bool,
    /// The policy speaks about how long it keeps data at all, also only vaguely ("as long as
    /// necessary for the purposes described").
    pub mentioned: bool,
    /// The periods stated, each once, in order of appearance.
    pub periods: Vec<RetentionPeriod>,
    /// The sentences that decided `mentioned` (and `stated`).
    pub evidence: Vec<Evidence>,
}

/// One retention period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetentionPeriod {
    /// As written, without the leading "for" ("30 days", "as long as your account is active").
    pub period: String,
    /// The duration in days, where the period is one ("30 days" → 30, "2 years" → 730).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub days: Option<u32>,
    /// Where the policy states it.
    pub evidence: Vec<Evidence>,
}

kinds! {
    /// A right the person has over their data.
    Right {
        /// Know or get a copy of the data held (right to know, access).
        Access = "access",
        /// Correct or update inaccurate data (rectification).
        Correction = "correction",
        /// Delete data or the account (erasure).
        Deletion = "deletion",
        /// Receive the data in a portable format, or have it moved.
        Portability = "portability",
        /// Object to processing.
        Objection = "objection",
        /// Restrict processing.
        Restriction = "restriction",
        /// Withdraw consent given earlier.
        WithdrawConsent = "withdrawConsent",
        /// Opt out of the sale or sharing of personal data.
        OptOutOfSale = "optOutOfSale",
        /// Opt out of targeted, interest-based or cross-context behavioural advertising.
        OptOutOfTargetedAds = "optOutOfTargetedAds",
        /// Limit the use of sensitive personal information.
        LimitSensitiveUse = "limitSensitiveUse",
        /// Not be discriminated against for using these rights.
        NonDiscrimination = "nonDiscrimination",
        /// Complain to a supervisory authority.
        Complaint = "complaint",
    }
}

/// One right with its verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RightFinding {
    /// The right.
    pub right: Right,
    /// `yes`: the policy grants it (also only in some regions); `no`: it says the person cannot.
    pub verdict: YesNo,
    /// The sentences that decided it.
    pub evidence: Vec<Evidence>,
}

/// The person's rights and how to use them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Rights {
    /// Each right the policy speaks of (rights it does not mention are absent), in the order of
    /// [`Right::ALL`].
    pub rights: Vec<RightFinding>,
    /// How to exercise them: the addresses, links and channels the policy gives for requests.
    pub exercise: Exercise,
}

/// How to make a rights request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Exercise {
    /// Email addresses for requests, lower-cased.
    pub emails: Vec<String>,
    /// Web forms, request pages or settings pages, by their address.
    pub urls: Vec<String>,
    /// Phone numbers for requests, as written.
    pub phones: Vec<String>,
    /// Ways named without an address ("in your account settings", "the privacy request form").
    pub other: Vec<String>,
    /// The sentences that gave them.
    pub evidence: Vec<Evidence>,
}

kinds! {
    /// What an opt-out is for.
    OptOutKind {
        /// Marketing or promotional emails (unsubscribe).
        MarketingEmails = "marketingEmails",
        /// The sale or sharing of personal data ("Do Not Sell or Share My Personal Information").
        SaleOrSharing = "saleOrSharing",
        /// Interest-based, targeted or personalised advertising.
        TargetedAds = "targetedAds",
    }
}

/// One way to opt out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OptOut {
    /// What it opts out of.
    pub kind: OptOutKind,
    /// The links given for it (link targets in HTML, addresses written out in text).
    pub links: Vec<String>,
    /// The sentences that offer it.
    pub evidence: Vec<Evidence>,
}

kinds! {
    /// A kind of tracking technology.
    Technology {
        /// Cookies (first or third party, session or persistent).
        Cookies = "cookies",
        /// Web beacons, pixels, pixel tags, clear GIFs, tags.
        WebBeacons = "webBeacons",
        /// Local storage, HTML5 storage, Flash cookies (local shared objects).
        LocalStorage = "localStorage",
        /// SDKs in mobile apps.
        Sdks = "sdks",
        /// Device fingerprinting.
        Fingerprinting = "fingerprinting",
    }
}

/// Cookies and other tracking technologies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Tracking {
    /// `yes`: the site uses cookies or similar technologies; `no`: it says it does not.
    pub verdict: YesNo,
    /// The technologies named, in the order of [`Technology::ALL`].
    pub technologies: Vec<Technology>,
    /// `yes`: third parties (ad networks, analytics providers) set cookies or track on the site.
    pub third_party: YesNo,
    /// Analytics and advertising services named ("Google Analytics").
    pub services: Vec<NamedParty>,
    /// The sentences that decided the verdict.
    pub evidence: Vec<Evidence>,
}

kinds! {
    /// A kind of security measure.
    Measure {
        /// Encryption in transit or at rest (TLS, SSL, HTTPS, encrypted storage).
        Encryption = "encryption",
        /// Access controls: need-to-know access, authentication, passwords, permissions.
        AccessControls = "accessControls",
        /// Firewalls, monitoring, intrusion detection, audits, testing.
        Monitoring = "monitoring",
        /// Physical safeguards: locked facilities, secure data centres.
        Physical = "physical",
        /// Staff training and confidentiality obligations.
        Training = "training",
        /// Pseudonymisation, anonymisation or hashing.
        Pseudonymization = "pseudonymization",
    }
}

/// One kind of security measure with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeasureFinding {
    /// The measure.
    pub measure: Measure,
    /// The sentences that state it.
    pub evidence: Vec<Evidence>,
}

/// Security measures stated, and breach notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Security {
    /// The policy says it protects personal data at all ("reasonable security measures").
    pub stated: bool,
    /// Specific measures named.
    pub measures: Vec<MeasureFinding>,
    /// `yes`: it says it will notify people of a breach; `no`: it says it will not.
    pub breach_notification: Verdict,
    /// The sentences that decided `stated`.
    pub evidence: Vec<Evidence>,
}

kinds! {
    /// How people are told of changes to the policy.
    ChangeNotice {
        /// By email (or another direct message).
        Email = "email",
        /// A notice on the site or in the app (banner, pop-up, prominent notice).
        SiteNotice = "siteNotice",
        /// Only by posting the new version or updating its date.
        PostedOnly = "postedOnly",
    }
}

/// One way of telling people of a change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeNoticeFinding {
    /// The way.
    pub notice: ChangeNotice,
    /// The sentences that state it.
    pub evidence: Vec<Evidence>,
}

/// The effective or last-updated date of the policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyDate {
    /// As written ("March 1, 2024", "01.03.2024").
    pub date: String,
    /// As `YYYY-MM-DD` where the written date is unambiguous (`YYYY-MM` with no day).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub iso: Option<String>,
    /// Where the policy states it.
    pub evidence: Vec<Evidence>,
}

/// How people are told of changes to the policy, and its date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PolicyChanges {
    /// The ways people are told, in the order of [`ChangeNotice::ALL`].
    pub notices: Vec<ChangeNoticeFinding>,
    /// The effective or last-updated date; the latest where several are given.
    pub updated: Option<PolicyDate>,
    /// The sentences about changes to the policy.
    pub evidence: Vec<Evidence>,
}

kinds! {
    /// A safeguard for international transfers.
    Safeguard {
        /// An adequacy decision (the country is deemed to protect data adequately).
        Adequacy = "adequacy",
        /// Standard contractual clauses (model clauses).
        StandardContractualClauses = "standardContractualClauses",
        /// Binding corporate rules.
        BindingCorporateRules = "bindingCorporateRules",
        /// The EU-U.S. Data Privacy Framework (and its UK and Swiss extensions).
        DataPrivacyFramework = "dataPrivacyFramework",
        /// The EU-U.S. or Swiss-U.S. Privacy Shield (invalid since 2020, still cited).
        PrivacyShield = "privacyShield",
        /// The person's consent to the transfer.
        Consent = "consent",
    }
}

/// One safeguard with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SafeguardFinding {
    /// The safeguard.
    pub safeguard: Safeguard,
    /// The sentences that name it.
    pub evidence: Vec<Evidence>,
}

/// Transfers of personal data to other countries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct InternationalTransfers {
    /// `yes`: data may be transferred to, stored or processed in other countries; `no`: the
    /// policy says it stays in one country.
    pub verdict: YesNo,
    /// The safeguards named, in the order of [`Safeguard::ALL`].
    pub safeguards: Vec<SafeguardFinding>,
    /// The sentences that decided the verdict.
    pub evidence: Vec<Evidence>,
}
