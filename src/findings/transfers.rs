//! International transfers of personal data and the safeguards named.

use crate::report::InternationalTransfers;
use crate::segment::Doc;

/// Not implemented yet: reports nothing.
pub(crate) fn run(_doc: &Doc) -> InternationalTransfers {
    Default::default()
}
