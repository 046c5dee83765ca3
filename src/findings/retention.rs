//! Data retention: whether and how long personal data is kept.

use crate::report::Retention;
use crate::segment::Doc;

/// Not implemented yet: reports nothing.
pub(crate) fn run(_doc: &Doc) -> Retention {
    Default::default()
}
