//! Facts about retention, security, policy changes, international transfers.

use policy_lens::Report;

/// Checks the fact `key:value` when `key` is one of this file's; `None` for other keys.
pub fn check(_r: &Report, _key: &str, _value: &str) -> Option<Result<(), String>> {
    None
}
