//! The structured input: a policy as blocks of text (headings, paragraphs, list items) with
//! their link targets, as a browser's DOM or an HTML parser sees it.

use serde::{Deserialize, Serialize};

/// What a block of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum BlockKind {
    /// A heading (`h1`…`h6`, `# …`); its level is in [`Block::level`].
    Heading,
    /// A paragraph or any other run of text.
    #[default]
    Paragraph,
    /// An item of a list.
    ListItem,
    /// A table cell or row.
    TableCell,
}

/// One block of text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Block {
    /// Heading, paragraph, list item.
    pub kind: BlockKind,
    /// Heading level 1..=6 (0 for other blocks).
    pub level: u8,
    /// The block's visible text.
    pub text: String,
    /// Targets of the links inside the block (`https://…`, `mailto:…`, `tel:…`).
    pub links: Vec<String>,
}

impl Block {
    /// A block of the given kind.
    pub fn new(kind: BlockKind, text: impl Into<String>) -> Block {
        Block {
            kind,
            level: if kind == BlockKind::Heading { 2 } else { 0 },
            text: text.into(),
            links: Vec::new(),
        }
    }

    /// A heading of the given level.
    pub fn heading(level: u8, text: impl Into<String>) -> Block {
        Block {
            kind: BlockKind::Heading,
            level: level.clamp(1, 6),
            text: text.into(),
            links: Vec::new(),
        }
    }

    /// The same block with these link targets.
    pub fn with_links(mut self, links: Vec<String>) -> Block {
        self.links = links;
        self
    }
}

/// A policy as a sequence of blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Document {
    /// The page title, when known (HTML `<title>`).
    pub title: Option<String>,
    /// The page address, when known.
    pub url: Option<String>,
    /// The blocks, in reading order.
    pub blocks: Vec<Block>,
}

/// Between two blocks in the analyzed text of a [`Document`].
pub const BLOCK_SEPARATOR: &str = "\n\n";

impl Document {
    /// The analyzed text of this document: the blocks' texts joined by [`BLOCK_SEPARATOR`].
    /// Evidence offsets of [`crate::analyze_document`] point into this string.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (i, b) in self.blocks.iter().enumerate() {
            if i > 0 {
                out.push_str(BLOCK_SEPARATOR);
            }
            out.push_str(&b.text);
        }
        out
    }
}
