//! Reading policy files: bytes in any common encoding, and HTML pages turned into blocks.
//!
//! [`decode`] turns bytes into text (UTF-8 with or without a byte-order mark, UTF-16 with a
//! byte-order mark, otherwise Windows-1252, the encoding old web pages use when they do not say).
//! [`parse_html`] turns a page into a [`Document`]: the policy's headings, paragraphs, list items
//! and table cells with their link targets, without scripts, navigation, headers, footers,
//! hidden elements and cookie banners. [`load`] reads a file and picks between the two.
//!
//! # Example
//!
//! ```
//! use policy_lens::input;
//!
//! let doc = input::parse_html(
//!     "<title>Privacy</title><nav>Home</nav><h1>Privacy Policy</h1>\
//!      <p>Write to <a href='mailto:privacy@example.com'>us</a>.</p>",
//! );
//! assert_eq!(doc.title.as_deref(), Some("Privacy"));
//! assert_eq!(doc.blocks.len(), 2);
//! assert_eq!(doc.blocks[1].text, "Write to us.");
//! assert_eq!(doc.blocks[1].links, ["mailto:privacy@example.com"]);
//! ```

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use scraper::{ElementRef, Html, Node};

use crate::{Block, BlockKind, Document, Report};

/// Files larger than this many bytes are refused by [`load`] (the analyzer reads only the first
/// [`crate::MAX_INPUT_BYTES`] of a text anyway).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// How many leading bytes [`from_bytes`] looks at for NUL bytes to call a file binary.
const SNIFF_BYTES: usize = 8 * 1024;

/// Decodes bytes to text: UTF-8 (a byte-order mark is dropped), UTF-16LE or UTF-16BE when a
/// byte-order mark says so, otherwise, when the bytes are not valid UTF-8, Windows-1252.
/// Never fails: undecodable sequences become U+FFFD.
pub fn decode(bytes: &[u8]) -> String {
    decode_with(bytes, encoding_rs::WINDOWS_1252)
}

/// [`decode`] with another fallback encoding for bytes that are not valid UTF-8.
fn decode_with(bytes: &[u8], fallback: &'static encoding_rs::Encoding) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => fallback.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

/// The encoding an HTML page declares in its first 1024 bytes (`<meta charset=…>` or
/// `content="text/html; charset=…"`), when encoding_rs knows it.
fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let label: String = head[at..]
        .trim_start_matches(['"', '\'', ' '])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    let enc = encoding_rs::Encoding::for_label(label.as_bytes())?;
    // A page cannot be UTF-16 without a byte-order mark; treat such a claim as noise.
    (enc != encoding_rs::UTF_16LE && enc != encoding_rs::UTF_16BE).then_some(enc)
}

/// What [`load`] read: plain text (or markdown), or an HTML page as blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Plain text or markdown, for [`crate::analyze`].
    Text(String),
    /// An HTML page parsed into blocks, for [`crate::analyze_document`].
    Html(Document),
}

impl Input {
    /// Runs the analyzer that fits the input.
    pub fn analyze(&self) -> Report {
        match self {
            Input::Text(t) => crate::analyze(t),
            Input::Html(d) => crate::analyze_document(d),
        }
    }

    /// The text the analyzer reads (for an HTML page, [`Document::text`]).
    pub fn text(&self) -> String {
        match self {
            Input::Text(t) => t.clone(),
            Input::Html(d) => d.text(),
        }
    }
}

/// Why a file could not be read. Displays as `PATH: reason`.
#[derive(Debug)]
pub struct Error {
    path: PathBuf,
    kind: ErrorKind,
}

#[derive(Debug)]
enum ErrorKind {
    Io(std::io::Error),
    Directory,
    NotAFile,
    TooLarge(u64),
    Empty,
    Binary,
}

impl Error {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.path.display())?;
        match &self.kind {
            ErrorKind::Io(e) => match e.kind() {
                std::io::ErrorKind::NotFound => write!(f, "no such file"),
                std::io::ErrorKind::PermissionDenied => write!(f, "permission denied"),
                _ => write!(f, "cannot read: {e}"),
            },
            ErrorKind::Directory => write!(f, "is a directory"),
            ErrorKind::NotAFile => write!(f, "not a regular file"),
            ErrorKind::TooLarge(n) => {
                write!(f, "too large ({n} bytes; the limit is {MAX_FILE_BYTES})")
            }
            ErrorKind::Empty => write!(f, "empty file (no text to analyze)"),
            ErrorKind::Binary => write!(f, "binary file (NUL bytes), not text or HTML"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// Reads a policy file: `.html`/`.htm` files, and any file whose text starts with
/// `<!doctype html` or `<html`, become an [`Input::Html`]; everything else (`.txt`, `.md`,
/// `.markdown` …) an [`Input::Text`]. Fails on missing, unreadable, empty and binary files
/// (NUL bytes in the first 8 KiB, once NUL padding at either end is dropped, unless the bytes
/// are UTF-16 without a byte-order mark).
pub fn load(path: impl AsRef<Path>) -> Result<Input, Error> {
    let path = path.as_ref();
    let err = |kind| Error {
        path: path.to_owned(),
        kind,
    };
    let meta = std::fs::metadata(path).map_err(|e| err(ErrorKind::Io(e)))?;
    if meta.is_dir() {
        return Err(err(ErrorKind::Directory));
    }
    if !meta.is_file() {
        return Err(err(ErrorKind::NotAFile));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(err(ErrorKind::TooLarge(meta.len())));
    }
    let bytes = std::fs::read(path).map_err(|e| err(ErrorKind::Io(e)))?;
    from_bytes(path, &bytes)
}

/// [`load`] for bytes already read (standard input, say); `name` gives the extension that
/// chooses the format and the path that errors show.
pub fn from_bytes(name: impl AsRef<Path>, bytes: &[u8]) -> Result<Input, Error> {
    let path = name.as_ref();
    let err = |kind| {
        Err(Error {
            path: path.to_owned(),
            kind,
        })
    };
    let has_bom = encoding_rs::Encoding::for_bom(bytes).is_some();
    let mut utf16: Option<&'static encoding_rs::Encoding> = None;
    let mut bytes = bytes;
    if !has_bom {
        // Crawled files are sometimes padded with NUL bytes: those are not content.
        let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
        let end = bytes.iter().rposition(|&b| b != 0).map_or(start, |i| i + 1);
        if bytes[start..end][..(end - start).min(SNIFF_BYTES)].contains(&0) {
            // UTF-16 code units stay aligned: widen to an even start and an even length.
            let s = start & !1;
            let e = (end + (end - s) % 2).min(bytes.len());
            utf16 = utf16_without_bom(&bytes[s..e][..(e - s).min(SNIFF_BYTES)]);
            if utf16.is_none() {
                return err(ErrorKind::Binary);
            }
            bytes = &bytes[s..e];
        } else {
            bytes = &bytes[start..end];
        }
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    let html_ext = matches!(ext.as_deref(), Some("html" | "htm" | "xhtml"));
    let fallback = if !has_bom && (html_ext || looks_like_html(bytes)) {
        declared_charset(bytes).unwrap_or(encoding_rs::WINDOWS_1252)
    } else {
        encoding_rs::WINDOWS_1252
    };
    let text = match utf16 {
        Some(enc) => enc.decode_without_bom_handling(bytes).0.into_owned(),
        None => decode_with(bytes, fallback),
    };
    if text.trim().is_empty() {
        return err(ErrorKind::Empty);
    }
    if html_ext || looks_like_html(text.as_bytes()) {
        let doc = parse_html(&text);
        if doc.blocks.is_empty() {
            return err(ErrorKind::Empty);
        }
        Ok(Input::Html(doc))
    } else {
        Ok(Input::Text(text))
    }
}

/// UTF-16 without a byte-order mark: text whose every other byte is NUL (ASCII-range text in
/// UTF-16LE or UTF-16BE). Anything else with NUL bytes is binary.
fn utf16_without_bom(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zeros = |odd: usize| {
        head.iter()
            .skip(odd)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros(0), zeros(1));
    if odd * 10 >= pairs * 9 && even * 10 <= pairs {
        Some(encoding_rs::UTF_16LE)
    } else if even * 10 >= pairs * 9 && odd * 10 <= pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Whether the text starts (after white space and a byte-order mark) with `<!doctype html`,
/// `<html` or `<?xml`.
fn looks_like_html(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let head = &bytes[start..bytes.len().min(start + 16)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with("<?xml")
}

/// Elements whose content is never policy text.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "math", "nav", "aside", "iframe", "object",
    "embed", "canvas", "video", "audio", "head", "input", "button", "select", "textarea", "option",
    "datalist", "dialog",
];

/// Substrings of an `id` or `class` that mark a cookie banner or consent manager.
const BANNER_MARKS: &[&str] = &[
    "cookie-banner",
    "cookiebanner",
    "cookie-consent",
    "cookieconsent",
    "cookie-notice",
    "onetrust",
    "cookieyes",
    "cky-consent",
    "usercentrics",
    "truste-consent",
];

/// Parses an HTML page into blocks.
///
/// Keeps the title, headings `h1`–`h6` (with their level), paragraphs, list items, table cells,
/// `dt`/`dd`, blockquotes and any other element's direct text (as paragraphs), each with the
/// targets of its links (`href` of `<a>`, `mailto:` and `tel:` included). Drops scripts,
/// styles, navigation, `aside`, form controls, site headers and footers (those outside
/// `<main>`/`<article>`), hidden elements (`hidden`, `aria-hidden="true"`,
/// `display:none`/`visibility:hidden` inline styles) and cookie banners. When the page has a
/// `<main>` (or else an `<article>`) holding at least 30% of the text, only that is kept.
/// `<br>` breaks a line inside a block.
///
/// Hostile markup is tamed before parsing (see [`MAX_OPEN_ELEMENTS`] and [`MAX_ATTRIBUTES`]), so
/// the time is linear in the page's length.
pub fn parse_html(html: &str) -> Document {
    let html = cap_nesting(html);
    let page = Html::parse_document(&html);
    let root = page.root_element();
    let title = root
        .descendent_elements()
        .find(|e| e.value().name() == "title")
        .map(|e| fold_space(&e.text().collect::<String>()))
        .filter(|t| !t.is_empty());
    let base = base_url(root);
    let main = main_candidate(root);
    let walk = |honor_aria_hidden: bool| {
        let mut w = Walker {
            base: base.clone(),
            main,
            honor_aria_hidden,
            blocks: Vec::new(),
            cur: Pending::default(),
        };
        w.walk(root, Ctx::default());
        w.flush();
        let total: usize = w.blocks.iter().map(|(b, _)| b.text.len()).sum();
        let in_main: usize = w
            .blocks
            .iter()
            .filter(|(_, m)| *m)
            .map(|(b, _)| b.text.len())
            .sum();
        let keep_main = main.is_some() && in_main > 0 && in_main * 10 >= total * 3;
        let blocks: Vec<Block> = w
            .blocks
            .into_iter()
            .filter(|(_, m)| !keep_main || *m)
            .map(|(b, _)| b)
            .collect();
        let len = blocks.iter().map(|b| b.text.len()).sum::<usize>();
        (blocks, len)
    };
    let (mut blocks, len) = walk(true);
    // Pages saved while a dialog was open mark the whole page `aria-hidden`; when honouring it
    // leaves less than a third of the text, it is not honoured.
    let (lenient, lenient_len) = walk(false);
    if len * 3 < lenient_len {
        blocks = lenient;
    }
    Document {
        title,
        url: base,
        blocks,
    }
}

/// Most elements [`parse_html`] lets be open at once. html5ever checks the stack of open
/// elements for almost every start tag (is a `<p>` open to close?), so a page nesting 100,000
/// `<div>`s costs time quadratic in the depth (about 1.5 s at 10,000, 24 s at 40,000).
/// Before parsing, a linear pre-scan follows the open elements (end tags close them, a block
/// closes an open `<p>`, a `<li>` an open `<li>`, a `<td>` an open `<td>` and so on; void and
/// raw-text elements are not counted) and drops every start tag that would open one more element beyond this
/// depth, leaving a space. Their text is kept (the walk takes text whole below 256 levels
/// anyway), and real pages stay far below either.
pub const MAX_OPEN_ELEMENTS: usize = 256;

/// Most attributes [`parse_html`] keeps on one tag; the rest are dropped before parsing
/// (html5ever looks for a duplicate among the earlier ones for every attribute: 100,000
/// attributes on one tag cost 20 s).
pub const MAX_ATTRIBUTES: usize = 64;

/// Elements without content (never on the stack of open elements).
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr", "image",
];

/// Elements whose content is text up to their end tag, not markup.
const RAW_TEXT: &[&str] = &[
    "script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title",
];

/// Elements that are never closed by the page but always there: not counted.
const NOT_COUNTED: &[&str] = &["html", "head", "body"];

/// Elements whose end tag is optional, with the start tags that close an open one (when no
/// element of the last list is open above it): the parser closes them itself, and so does the
/// pre-scan, or sloppy ordinary pages would look deep.
const IMPLIED_END: &[(&[&str], &[&str], &[&str])] = &[
    (&["li"], &["li"], &["ul", "ol", "menu"]),
    (&["dt", "dd"], &["dt", "dd"], &["dl"]),
    (
        &["td", "th", "tr", "tbody", "thead", "tfoot"],
        &["td", "th"],
        &["table"],
    ),
    (&["tr", "tbody", "thead", "tfoot"], &["tr"], &["table"]),
    (
        &["tbody", "thead", "tfoot"],
        &["tbody", "thead", "tfoot"],
        &["table"],
    ),
    (
        &["caption", "colgroup"],
        &["caption", "colgroup"],
        &["table"],
    ),
    (
        &["option", "optgroup"],
        &["option"],
        &["select", "datalist"],
    ),
    (&["optgroup"], &["optgroup"], &["select", "datalist"]),
    (&["rb", "rt", "rtc", "rp"], &["rb", "rt", "rp"], &["ruby"]),
];

/// How far down the stack an implied end looks for the element to close.
const IMPLIED_END_REACH: usize = 32;

/// Start tags that close an open `<p>`.
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
    "li",
    "dd",
    "dt",
    "listing",
    "xmp",
    "plaintext",
    "search",
];

/// The page with start tags beyond [`MAX_OPEN_ELEMENTS`] open elements, and attributes beyond
/// [`MAX_ATTRIBUTES`] on a tag, removed; borrowed when nothing had to go. One pass, linear in the
/// page's length: the stack it keeps is never deeper than the cap, and an end tag searches it
/// only when an element of its name is open.
fn cap_nesting(html: &str) -> Cow<'_, str> {
    let b = html.as_bytes();
    let mut out: Option<String> = None;
    // Bytes of `html` before this are in `out` (when it exists).
    let mut copied = 0usize;
    let mut stack: Vec<String> = Vec::new();
    let mut open: HashMap<String, usize> = HashMap::new();
    let mut i = 0usize;
    let find = |from: usize, pat: &[u8]| -> Option<usize> {
        b.get(from..)?
            .windows(pat.len())
            .position(|w| w.eq_ignore_ascii_case(pat))
            .map(|p| from + p)
    };
    let pop_to = |name: &str, stack: &mut Vec<String>, open: &mut HashMap<String, usize>| {
        if open.get(name).is_some_and(|&n| n > 0) {
            while let Some(top) = stack.pop() {
                if let Some(n) = open.get_mut(&top) {
                    *n -= 1;
                }
                if top == name {
                    break;
                }
            }
        }
    };
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        let lt = i + off;
        let next = b.get(lt + 1).copied().unwrap_or(0);
        let end_tag = next == b'/' && b.get(lt + 2).is_some_and(u8::is_ascii_alphabetic);
        if next.is_ascii_alphabetic() || end_tag {
            let name_at = if end_tag { lt + 2 } else { lt + 1 };
            let mut j = name_at;
            while j < b.len() && !matches!(b[j], b' ' | b'\t' | b'\n' | b'\r' | 0x0c | b'/' | b'>')
            {
                j += 1;
            }
            let name = html[name_at..j].to_ascii_lowercase();
            // Attributes, up to the tag's `>`.
            let mut attrs = 0usize;
            let mut cut_at: Option<usize> = None;
            let gt = loop {
                while j < b.len() && matches!(b[j], b' ' | b'\t' | b'\n' | b'\r' | 0x0c | b'/') {
                    j += 1;
                }
                match b.get(j) {
                    None => break None,
                    Some(b'>') => break Some(j),
                    _ => {}
                }
                attrs += 1;
                if attrs > MAX_ATTRIBUTES && cut_at.is_none() {
                    cut_at = Some(j);
                }
                // The name (its first character may be `=`), then an optional value.
                j += 1;
                while j < b.len()
                    && !matches!(
                        b[j],
                        b' ' | b'\t' | b'\n' | b'\r' | 0x0c | b'/' | b'>' | b'='
                    )
                {
                    j += 1;
                }
                let mut k = j;
                while k < b.len() && matches!(b[k], b' ' | b'\t' | b'\n' | b'\r' | 0x0c) {
                    k += 1;
                }
                if b.get(k) != Some(&b'=') {
                    continue;
                }
                k += 1;
                while k < b.len() && matches!(b[k], b' ' | b'\t' | b'\n' | b'\r' | 0x0c) {
                    k += 1;
                }
                match b.get(k) {
                    Some(&q @ (b'"' | b'\'')) => match b[k + 1..].iter().position(|&c| c == q) {
                        Some(p) => j = k + 1 + p + 1,
                        None => break None,
                    },
                    _ => {
                        while k < b.len()
                            && !matches!(b[k], b' ' | b'\t' | b'\n' | b'\r' | 0x0c | b'>')
                        {
                            k += 1;
                        }
                        j = k;
                    }
                }
            };
            // A tag cut off by the end of the page: the rest is left as it is.
            let Some(gt) = gt else { break };
            let self_closing = b[gt - 1] == b'/';
            let foreign =
                open.get("svg").is_some_and(|&n| n > 0) || open.get("math").is_some_and(|&n| n > 0);
            let mut keep = true;
            if end_tag {
                pop_to(&name, &mut stack, &mut open);
            } else if RAW_TEXT.contains(&name.as_str()) && !foreign {
                // Skip to its end tag, which closes nothing the pre-scan counts.
                let close = format!("</{name}");
                match find(gt + 1, close.as_bytes()) {
                    Some(p) => {
                        if let Some(cut) = cut_at {
                            let o = out.get_or_insert_with(String::new);
                            o.push_str(&html[copied..cut]);
                            o.push('>');
                            o.push_str(&html[gt + 1..p]);
                            copied = p;
                        }
                        i = p;
                        continue;
                    }
                    None => {
                        cut_at = None;
                        i = b.len();
                    }
                }
            } else if name == "plaintext" {
                // Everything after is text.
                i = b.len();
            } else if !(VOID.contains(&name.as_str()) || (self_closing && foreign)) {
                if CLOSES_P.contains(&name.as_str()) {
                    pop_to("p", &mut stack, &mut open);
                }
                for (starts, closes, bounds) in IMPLIED_END {
                    if !starts.contains(&name.as_str()) {
                        continue;
                    }
                    let near = stack.iter().rev().take(IMPLIED_END_REACH);
                    let hit = near
                        .map(String::as_str)
                        .find(|t| closes.contains(t) || bounds.contains(t))
                        .filter(|t| closes.contains(t))
                        .map(str::to_string);
                    if let Some(t) = hit {
                        pop_to(&t, &mut stack, &mut open);
                    }
                }
                if stack.len() >= MAX_OPEN_ELEMENTS {
                    keep = false;
                } else if !NOT_COUNTED.contains(&name.as_str()) {
                    *open.entry(name.clone()).or_insert(0) += 1;
                    stack.push(name);
                }
            }
            if !keep || cut_at.is_some() {
                let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
                o.push_str(&html[copied..lt]);
                if keep {
                    o.push_str(&html[lt..cut_at.unwrap_or(gt)]);
                    o.push_str(if self_closing { "/>" } else { ">" });
                } else {
                    o.push(' ');
                }
                copied = gt + 1;
            }
            i = i.max(gt + 1);
        } else if b[lt + 1..].starts_with(b"!--") {
            // A comment: `<!-->` and `<!--->` are closed ones.
            let body = lt + 4;
            let end = if b[body..].starts_with(b">") {
                Some(body)
            } else if b[body..].starts_with(b"->") {
                Some(body + 1)
            } else {
                find(body, b"-->").map(|p| p + 2)
            };
            match end {
                Some(e) => i = e + 1,
                None => break,
            }
        } else if matches!(next, b'!' | b'?' | b'/') {
            // A doctype, CDATA section or bogus comment, up to the next `>`.
            let cdata = b[lt + 1..].starts_with(b"![CDATA[");
            let end = if cdata {
                find(lt, b"]]>").map(|p| p + 2)
            } else {
                b[lt..].iter().position(|&c| c == b'>').map(|p| lt + p)
            };
            match end {
                Some(e) => i = e + 1,
                None => break,
            }
        } else {
            i = lt + 1;
        }
        if i >= b.len() {
            break;
        }
    }
    match out {
        None => Cow::Borrowed(html),
        Some(mut o) => {
            o.push_str(&html[copied..]);
            Cow::Owned(o)
        }
    }
}

/// The page's own address, from `<link rel=canonical>`, `og:url` or `<base href>`, when absolute.
fn base_url(root: ElementRef<'_>) -> Option<String> {
    let mut found = None;
    for e in root.descendent_elements() {
        let v = e.value();
        let candidate = match v.name() {
            "link"
                if v.attr("rel")
                    .is_some_and(|r| r.eq_ignore_ascii_case("canonical")) =>
            {
                v.attr("href")
            }
            "meta" if v.attr("property") == Some("og:url") => v.attr("content"),
            "base" => v.attr("href"),
            "body" => break,
            _ => None,
        };
        if let Some(c) = candidate.map(str::trim) {
            if c.starts_with("http://") || c.starts_with("https://") {
                found = Some(c.to_string());
                if v.name() != "meta" {
                    break;
                }
            }
        }
    }
    found
}

/// The `<main>` (or `role=main`) element, else the `<article>` with the most text.
///
/// An article inside another never has more text than the outer one, which comes first, so
/// only outermost articles are measured: each text node is counted once (nested articles
/// would otherwise cost time quadratic in their depth).
fn main_candidate(root: ElementRef<'_>) -> Option<ElementRef<'_>> {
    let mut best: Option<(usize, ElementRef<'_>)> = None;
    // Depth-first in document order; the flag says "inside an article".
    let mut stack = vec![(root, false)];
    while let Some((e, in_article)) = stack.pop() {
        let v = e.value();
        if v.name() == "main" || v.attr("role") == Some("main") {
            return Some(e);
        }
        let article = v.name() == "article";
        if article && !in_article {
            let len: usize = e.text().map(str::len).sum();
            if best.is_none_or(|(l, _)| len > l) {
                best = Some((len, e));
            }
        }
        let at = stack.len();
        stack.extend(e.child_elements().map(|c| (c, in_article || article)));
        stack[at..].reverse();
    }
    best.map(|(_, e)| e)
}

/// White space folded to single spaces, trimmed.
fn fold_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Deeper than this, an element's text is taken whole, without walking it (no stack overflow on
/// hostile nesting).
const MAX_DEPTH: usize = 256;

#[derive(Clone, Copy, Default)]
struct Ctx {
    /// Nesting depth of the element being walked.
    depth: usize,
    /// Inside the chosen `<main>`/`<article>`.
    in_main: bool,
    /// Inside any `<main>`/`<article>` (where `header`/`footer` belong to the content).
    in_content: bool,
    /// Inside `<pre>`: keep line breaks.
    pre: bool,
    /// The kind of the nearest list item or table cell around, which inner paragraphs keep.
    outer: Option<BlockKind>,
}

#[derive(Default)]
struct Pending {
    kind: BlockKind,
    level: u8,
    text: String,
    links: Vec<String>,
    /// The links already in `links` (a page may put thousands in one block).
    seen: HashSet<String>,
    in_main: bool,
}

struct Walker<'a> {
    base: Option<String>,
    main: Option<ElementRef<'a>>,
    honor_aria_hidden: bool,
    blocks: Vec<(Block, bool)>,
    cur: Pending,
}

impl<'a> Walker<'a> {
    fn flush(&mut self) {
        let cur = std::mem::take(&mut self.cur);
        let lines: Vec<String> = cur
            .text
            .split('\n')
            .map(fold_space)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            return;
        }
        let block = Block {
            kind: cur.kind,
            level: cur.level,
            text: lines.join("\n"),
            links: cur.links,
        };
        self.blocks.push((block, cur.in_main));
    }

    fn start(&mut self, kind: BlockKind, level: u8, ctx: Ctx) {
        self.flush();
        self.cur.kind = kind;
        self.cur.level = level;
        self.cur.in_main = ctx.in_main;
    }

    fn walk(&mut self, el: ElementRef<'a>, mut ctx: Ctx) {
        let v = el.value();
        let name = v.name();
        ctx.depth += 1;
        if ctx.depth > MAX_DEPTH {
            if !is_dropped(el, ctx, self.honor_aria_hidden) {
                for t in el.text() {
                    self.cur.text.push(' ');
                    self.cur.text.push_str(t);
                }
            }
            return;
        }
        if Some(el) == self.main {
            ctx.in_main = true;
        }
        if is_dropped(el, ctx, self.honor_aria_hidden) {
            return;
        }
        if matches!(name, "main" | "article") {
            ctx.in_content = true;
        }
        if name == "pre" {
            ctx.pre = true;
        }
        let block = match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                Some((BlockKind::Heading, name.as_bytes()[1] - b'0'))
            }
            "li" | "dt" | "dd" => Some((BlockKind::ListItem, 0)),
            "td" | "th" => Some((BlockKind::TableCell, 0)),
            "p" | "div" | "blockquote" | "pre" | "section" | "address" | "figcaption"
            | "caption" | "summary" | "details" | "tr" | "table" | "ul" | "ol" | "dl" | "body"
            | "main" | "article" | "header" | "footer" | "form" | "fieldset" | "legend"
            | "center" | "hr" | "label" => Some((ctx.outer.unwrap_or(BlockKind::Paragraph), 0)),
            _ => None,
        };
        if let Some((kind, level)) = block {
            self.start(kind, level, ctx);
            if matches!(kind, BlockKind::ListItem | BlockKind::TableCell) {
                ctx.outer = Some(kind);
            }
        }
        if name == "br" {
            self.cur.text.push('\n');
        }
        if name == "a" {
            if let Some(href) = v
                .attr("href")
                .and_then(|h| link_target(h, self.base.as_deref()))
            {
                if self.cur.seen.insert(href.clone()) {
                    self.cur.links.push(href);
                }
            }
        }
        if name == "img" {
            // An image's text alternative is what a reader of the page gets instead.
            if let Some(alt) = v.attr("alt") {
                self.cur.text.push(' ');
                self.cur.text.push_str(alt);
                self.cur.text.push(' ');
            }
        }
        for child in el.children() {
            match child.value() {
                Node::Text(t) => {
                    if self.cur.text.is_empty() {
                        self.cur.in_main = ctx.in_main;
                    }
                    if ctx.pre {
                        self.cur.text.push_str(t);
                    } else {
                        // Line breaks in the source are spaces; only <br> breaks a line.
                        self.cur.text.extend(t.chars().map(|c| match c {
                            '\n' | '\r' => ' ',
                            c => c,
                        }));
                    }
                }
                Node::Element(_) => {
                    if let Some(e) = ElementRef::wrap(child) {
                        self.walk(e, ctx);
                    }
                }
                _ => {}
            }
        }
        if block.is_some() {
            self.flush();
            // Text after this block, in the parent, goes on with the parent's kind.
            self.cur.kind = ctx.outer.unwrap_or(BlockKind::Paragraph);
            self.cur.in_main = ctx.in_main;
        }
    }
}

/// Whether an element and everything in it is left out.
fn is_dropped(el: ElementRef<'_>, ctx: Ctx, honor_aria_hidden: bool) -> bool {
    let v = el.value();
    let name = v.name();
    if DROPPED.contains(&name) {
        return true;
    }
    if matches!(name, "header" | "footer") && !ctx.in_content {
        return true;
    }
    if matches!(
        v.attr("role"),
        Some("navigation" | "banner" | "contentinfo" | "dialog" | "alertdialog")
    ) && !ctx.in_main
    {
        return true;
    }
    if v.attr("hidden").is_some()
        || (honor_aria_hidden
            && v.attr("aria-hidden")
                .is_some_and(|a| a.trim().eq_ignore_ascii_case("true")))
    {
        return true;
    }
    if let Some(style) = v.attr("style") {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    if name == "input" || name == "body" || name == "html" {
        return false;
    }
    let marked = |s: &str| {
        let s = s.to_ascii_lowercase();
        BANNER_MARKS.iter().any(|m| s.contains(m))
    };
    v.id().is_some_and(marked) || v.attr("class").is_some_and(marked)
}

/// A link target as the report wants it: absolute where the page's address is known;
/// `None` for in-page anchors and `javascript:` links.
fn link_target(href: &str, base: Option<&str>) -> Option<String> {
    let href = href.trim();
    let lower = href.to_ascii_lowercase();
    if href.is_empty() || href.starts_with('#') || lower.starts_with("javascript:") {
        return None;
    }
    if lower.starts_with("mailto:") || lower.starts_with("tel:") || lower.contains("://") {
        return Some(href.to_string());
    }
    if let Some(rest) = href.strip_prefix("//") {
        return Some(format!("https://{rest}"));
    }
    let Some(base) = base else {
        return Some(href.to_string());
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    if href.starts_with('/') {
        return Some(format!("{}{href}", &base[..host_end]));
    }
    if lower.contains(':') && !lower.contains('/') {
        // Another scheme (sms:, skype:…): keep as written.
        return Some(href.to_string());
    }
    let dir_end = base[host_end..]
        .rfind('/')
        .map_or(host_end, |i| host_end + i);
    Some(format!("{}/{href}", &base[..dir_end]))
}
