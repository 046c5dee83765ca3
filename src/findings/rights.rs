//! The person's rights (access, correction, deletion …) and how to exercise them.

use crate::report::Rights;
use crate::segment::Doc;

/// Not implemented yet: reports nothing.
pub(crate) fn run(_doc: &Doc) -> Rights {
    Default::default()
}
