#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod document;
mod report;

pub use document::{Block, BlockKind, Document, BLOCK_SEPARATOR};
pub use report::*;

/// Inputs longer than this many bytes are cut (at a character boundary) before analysis, and
/// the report says so in [`Meta::truncated`].
pub const MAX_INPUT_BYTES: usize = 4 * 1024 * 1024;

/// Analyzes one privacy policy given as plain text or markdown.
pub fn analyze(text: &str) -> Report {
    let _ = text;
    Report::default()
}

/// Analyzes one privacy policy given as blocks (headings, paragraphs, list items, links).
pub fn analyze_document(doc: &Document) -> Report {
    analyze(&doc.text())
}
