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
    /// Facts about the analysis itself (size, truncation, version).
    pub meta: Meta,
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
