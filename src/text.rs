//! Text helpers: markup removal, normalisation for matching, links, and UTF-16 offsets.

/// Cuts `text` to at most `max` bytes at a character boundary; says whether it cut.
pub(crate) fn truncate(text: &str, max: usize) -> (&str, bool) {
    if text.len() <= max {
        return (text, false);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], true)
}

/// The readable text of a span of markdown or plain text: link syntax reduced to the link
/// text, emphasis marks, list markers, heading marks and tags removed, white space folded.
pub(crate) fn display(raw: &str) -> String {
    display_as(raw, true)
}

/// [`display`], but for text that is not markup (a DOM block's visible text): tag-shaped text
/// stays, because it is what the page shows.
pub(crate) fn display_as(raw: &str, markup: bool) -> String {
    if !markup {
        let mut out = String::with_capacity(raw.len());
        for c in raw.chars() {
            if c.is_whitespace() {
                push_space(&mut out);
            } else {
                out.push(c);
            }
        }
        return out.trim().to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    let bytes = raw.as_bytes();
    let mut at_line_start = true;
    while let Some((i, c)) = chars.next() {
        if at_line_start {
            // Heading marks, quote marks and list markers at the start of a line.
            if c == '#' || c == '>' {
                continue;
            }
            if c.is_whitespace() {
                continue;
            }
            at_line_start = false;
            if matches!(c, '-' | '*' | '+' | '•')
                && bytes.get(i + c.len_utf8()).is_some_and(|b| *b == b' ')
            {
                continue;
            }
        }
        match c {
            '\n' => {
                at_line_start = true;
                push_space(&mut out);
            }
            '*' | '`' => {}
            '_' if (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
                || bytes.get(i + 1).is_none_or(|b| !b.is_ascii_alphanumeric()) => {}
            '\\' => {
                if let Some((_, n)) = chars.next() {
                    out.push(n);
                }
            }
            '!' if bytes.get(i + 1) == Some(&b'[') => {}
            ']' if bytes.get(i + 1) == Some(&b'(') => {
                // Skip the "(target)" of a markdown link.
                let mut depth = 0;
                for (_, n) in chars.by_ref() {
                    match n {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            // "[text](target)" keeps its text; other brackets stay ("privacy [at] example").
            '[' if is_link_text(&raw[i..]) => {}
            ']' if bytes.get(i + 1) == Some(&b'[') => {}
            '<' => {
                // An autolink keeps its target; a tag goes.
                let rest = &raw[i + 1..];
                let mut w = rest.len().min(200);
                while !rest.is_char_boundary(w) {
                    w -= 1;
                }
                let close = rest[..w].find('>').filter(|&n| !rest[..n].contains('\n'));
                match close {
                    Some(n)
                        if rest.starts_with("http")
                            || rest.starts_with("mailto:")
                            || rest[..n].contains('@') =>
                    {
                        out.push_str(rest[..n].trim_start_matches("mailto:"));
                        for _ in 0..rest[..n].chars().count() + 1 {
                            chars.next();
                        }
                    }
                    Some(n)
                        if rest.starts_with(|c: char| {
                            c.is_ascii_alphabetic() || c == '/' || c == '!'
                        }) =>
                    {
                        for _ in 0..rest[..n].chars().count() + 1 {
                            chars.next();
                        }
                        push_space(&mut out);
                    }
                    _ => out.push('<'),
                }
            }
            c if c.is_whitespace() => push_space(&mut out),
            c => out.push(c),
        }
    }
    let t = out.trim();
    if t.len() == out.len() {
        out
    } else {
        t.to_string()
    }
}

/// Does `rest` (starting at '[') open a markdown link, `[text](target)`?
fn is_link_text(rest: &str) -> bool {
    let mut end = rest.len().min(400);
    while !rest.is_char_boundary(end) {
        end -= 1;
    }
    let window = &rest[1..end];
    match window.find("](") {
        Some(i) => !window[..i].contains(['[', '\n']),
        None => false,
    }
}

fn push_space(out: &mut String) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

/// The form the rules match: lower case, straight quotes and hyphens, folded white space.
pub(crate) fn normalize(display: &str) -> String {
    let mut out = String::with_capacity(display.len());
    for c in display.chars() {
        match c {
            '\u{2018}' | '\u{2019}' | '\u{02bc}' | '`' | '\u{00b4}' => out.push('\''),
            '\u{201c}' | '\u{201d}' | '\u{00ab}' | '\u{00bb}' => out.push('"'),
            '\u{2010}'..='\u{2015}' | '\u{2212}' => out.push('-'),
            '\u{00a0}' | '\u{2009}' | '\u{202f}' | '\u{200b}' => push_space(&mut out),
            c if c.is_whitespace() => push_space(&mut out),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Link targets written in markdown or plain text: `[x](target)`, `<target>`, bare
/// `https://…` / `www.…` addresses, and `mailto:`.
pub(crate) fn inline_links(raw: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = raw;
    while let Some(i) = rest.find("](") {
        let after = &rest[i + 2..];
        let end = after.find([')', ' ', '\n']).unwrap_or(after.len());
        let target = &after[..end];
        if !target.is_empty() {
            out.push(target.to_string());
        }
        rest = &after[end..];
    }
    out
}

/// Converts byte offsets into UTF-16 offsets of the same text, many at a time.
pub(crate) struct Utf16Map {
    /// (byte offset, UTF-16 offset) every few hundred bytes, at character boundaries.
    checkpoints: Vec<(usize, usize)>,
}

const CHECKPOINT_EVERY: usize = 256;

impl Utf16Map {
    pub fn new(text: &str) -> Utf16Map {
        let mut checkpoints = vec![(0, 0)];
        let mut units = 0;
        let mut next = CHECKPOINT_EVERY;
        for (i, c) in text.char_indices() {
            if i >= next {
                checkpoints.push((i, units));
                next = i + CHECKPOINT_EVERY;
            }
            units += c.len_utf16();
        }
        Utf16Map { checkpoints }
    }

    /// UTF-16 offset of the byte offset `byte` (which must be a character boundary of `text`).
    pub fn convert(&self, text: &str, byte: usize) -> usize {
        let byte = byte.min(text.len());
        let k = match self.checkpoints.binary_search_by_key(&byte, |c| c.0) {
            Ok(k) => return self.checkpoints[k].1,
            Err(k) => k - 1,
        };
        let (b0, u0) = self.checkpoints[k];
        let mut b = b0;
        while b < byte && !text.is_char_boundary(b) {
            b += 1;
        }
        u0 + text[b0..byte].chars().map(char::len_utf16).sum::<usize>()
    }
}

/// Number of UTF-16 code units of a string.
pub(crate) fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_removes_markup() {
        let cases = [
            ("## Contact *us*", "Contact us"),
            (
                "- See [our form](https://a.example/f) now",
                "See our form now",
            ),
            (
                "Mail <privacy@a.example> or <b>bold</b>",
                "Mail privacy@a.example or bold",
            ),
            ("snake_case stays", "snake_case stays"),
            ("line\n  two", "line two"),
            ("a < b", "a < b"),
            (
                "privacy [at] example [dot] org",
                "privacy [at] example [dot] org",
            ),
            ("[é](x) [ü", "é [ü"),
        ];
        for (raw, want) in cases {
            assert_eq!(display(raw), want, "display({raw:?})");
        }
    }

    #[test]
    fn plain_text_keeps_tag_shaped_text() {
        assert_eq!(
            display_as("a <script>x</script>\n b", false),
            "a <script>x</script> b"
        );
    }

    #[test]
    fn normalize_folds_case_quotes_and_dashes() {
        assert_eq!(
            normalize("We don\u{2019}t \u{201c}Sell\u{201d} \u{2014} É"),
            "we don't \"sell\" - é"
        );
    }

    #[test]
    fn utf16_offsets() {
        let text = "a😀é".repeat(200);
        let map = Utf16Map::new(&text);
        for (i, _) in text.char_indices() {
            assert_eq!(map.convert(&text, i), utf16_len(&text[..i]));
        }
        assert_eq!(map.convert(&text, text.len()), utf16_len(&text));
    }

    #[test]
    fn truncate_at_char_boundary() {
        assert_eq!(truncate("éé", 3), ("é", true));
        assert_eq!(truncate("ab", 3), ("ab", false));
    }
}
