//! Policy changes: how people are told, and the effective or last-updated date.

use crate::report::PolicyChanges;
use crate::segment::Doc;

/// Not implemented yet: reports nothing.
pub(crate) fn run(_doc: &Doc) -> PolicyChanges {
    Default::default()
}
