//! Opt-out offers: marketing emails, sale or sharing, interest-based ads.

use crate::report::OptOut;
use crate::segment::Doc;

/// Not implemented yet: reports nothing.
pub(crate) fn run(_doc: &Doc) -> Vec<OptOut> {
    Default::default()
}
