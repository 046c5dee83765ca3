//! Cookies and other tracking technologies, and the analytics or ad services named.

use crate::report::Tracking;
use crate::segment::Doc;

/// Not implemented yet: reports nothing.
pub(crate) fn run(_doc: &Doc) -> Tracking {
    Default::default()
}
