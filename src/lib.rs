#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod anchors;
mod document;
mod findings;
#[cfg(feature = "input")]
pub mod input;
mod report;
pub mod rules;
mod segment;
mod text;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use document::{Block, BlockKind, Document, BLOCK_SEPARATOR};
pub use report::*;

/// Inputs longer than this many bytes are cut (at a character boundary) before analysis, and
/// the report says so in [`Meta::truncated`].
pub const MAX_INPUT_BYTES: usize = 4 * 1024 * 1024;

/// Analyzes one privacy policy given as plain text or markdown.
///
/// Never fails: any text gives a report, and an empty or unrelated text gives a report whose
/// findings are `notMentioned`. Inputs over [`MAX_INPUT_BYTES`] are cut and flagged.
pub fn analyze(text: &str) -> Report {
    findings::run(&segment::Doc::from_text(text))
}

/// Analyzes one privacy policy given as blocks (headings, paragraphs, list items, links).
///
/// Evidence offsets point into [`Document::text`], and each evidence names its block.
pub fn analyze_document(doc: &Document) -> Report {
    findings::run(&segment::Doc::from_document(doc))
}
