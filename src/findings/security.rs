//! Security measures stated, and breach notification.

use crate::report::Security;
use crate::segment::Doc;

/// Not implemented yet: reports nothing.
pub(crate) fn run(_doc: &Doc) -> Security {
    Default::default()
}
