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
///
/// Both forms work on bytes: runs of bytes that come out unchanged ([`plain_run`]) are copied
/// whole, and only the other characters (markup, white space, non-ASCII) are looked at one by
/// one. The result is the same as going through the text character by character.
pub(crate) fn display_as(raw: &str, markup: bool) -> String {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    if !markup {
        while i < bytes.len() {
            let run = plain_run(&bytes[i..], &TEXT_PLAIN, |_| true);
            if run > 0 {
                out.push_str(&raw[i..i + run]);
                i += run;
                continue;
            }
            let c = char_at(raw, i);
            i += c.len_utf8();
            if c.is_whitespace() {
                push_space(&mut out);
            } else {
                out.push(c);
            }
        }
        trim_in_place(&mut out);
        return out;
    }
    let mut at_line_start = true;
    while i < bytes.len() {
        if !at_line_start {
            let run = plain_run(&bytes[i..], &MARKUP_PLAIN, simple_markup);
            if run > 0 {
                out.push_str(&raw[i..i + run]);
                i += run;
                continue;
            }
        }
        let c = char_at(raw, i);
        // Where the next character starts, unless `c` takes more with it.
        let mut next = i + c.len_utf8();
        if at_line_start {
            // Heading marks, quote marks and list markers at the start of a line.
            if c == '#' || c == '>' || c.is_whitespace() {
                i = next;
                continue;
            }
            at_line_start = false;
            if matches!(c, '-' | '*' | '+' | '•') && bytes.get(next) == Some(&b' ') {
                i = next;
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
                // The escaped character stays, whatever it is.
                if next < bytes.len() {
                    let n = char_at(raw, next);
                    out.push(n);
                    next += n.len_utf8();
                }
            }
            '!' if bytes.get(i + 1) == Some(&b'[') => {}
            ']' if bytes.get(i + 1) == Some(&b'(') => {
                // Skip the "(target)" of a markdown link, up to its balancing ')' (or the end).
                let mut depth = 0;
                while next < bytes.len() {
                    let b = bytes[next];
                    next += 1;
                    match b {
                        b'(' => depth += 1,
                        b')' => {
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
                        // Past the '>'.
                        next = i + 1 + n + 1;
                    }
                    Some(n)
                        if rest.starts_with(|c: char| {
                            c.is_ascii_alphabetic() || c == '/' || c == '!'
                        }) =>
                    {
                        next = i + 1 + n + 1;
                        push_space(&mut out);
                    }
                    _ => out.push('<'),
                }
            }
            c if c.is_whitespace() => push_space(&mut out),
            c => out.push(c),
        }
        i = next;
    }
    trim_in_place(&mut out);
    out
}

/// A table of the bytes that a text form copies unchanged: every ASCII byte but white space and
/// those in `special`. (The space is left to [`plain_run`]; non-ASCII bytes are never plain.)
const fn plain_table(special: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        // The ASCII characters for which `char::is_whitespace` holds.
        table[b] = !matches!(b as u8, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ');
        b += 1;
    }
    let mut k = 0;
    while k < special.len() {
        table[special[k] as usize] = false;
        k += 1;
    }
    table
}

/// Bytes that [`display_as`] copies unchanged from plain text.
static TEXT_PLAIN: [bool; 256] = plain_table(b"");

/// Bytes that [`display_as`] copies unchanged from markup, away from the start of a line.
static MARKUP_PLAIN: [bool; 256] = plain_table(b"*`_\\![]<");

/// Bytes that [`normalize`] copies unchanged: no upper case, no back quote.
static NORM_PLAIN: [bool; 256] = plain_table(b"`ABCDEFGHIJKLMNOPQRSTUVWXYZ");

/// Length of the run at the start of `bytes` that comes out unchanged: bytes that `plain`
/// marks, and single spaces after them (a space that a run starts with, or a second space,
/// goes through [`push_space`]).
///
/// Sixteen bytes are tested at once, without a branch per byte (the loop is vectorized), as long
/// as each is a printable ASCII byte that `simple` accepts or a single space; `simple` must
/// accept only bytes that `plain` marks. The first sixteen that fail are gone through one by one
/// with `plain`, which decides. Most sentences are long runs: byte by byte, this was 3–4% of an
/// analysis (round 9).
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
fn plain_run(bytes: &[u8], plain: &[bool; 256], simple: impl Fn(u8) -> bool) -> usize {
    let mut n = 0;
    loop {
        // From the second byte on, the byte before is in `bytes`.
        while n > 0 && n + CHUNK <= bytes.len() {
            let w: &[u8; CHUNK + 1] = bytes[n - 1..n + CHUNK]
                .try_into()
                .expect("a window of CHUNK + 1 bytes");
            let mut bad = false;
            for k in 0..CHUNK {
                let (a, b) = (w[k], w[k + 1]);
                let printable = (0x21..0x7f).contains(&b) & simple(b);
                bad |= !(printable | ((b == b' ') & (a != b' ')));
            }
            if bad {
                break;
            }
            n += CHUNK;
        }
        let stop = (n + CHUNK).min(bytes.len());
        n += plain_bytes(&bytes[..stop], n, plain);
        if n < stop || n == bytes.len() {
            return n;
        }
    }
}

/// [`plain_run`] in the WASM module: byte by byte (it has no vector instructions, and no spare
/// bytes for the loop above: README, Speed).
#[cfg(target_arch = "wasm32")]
fn plain_run(bytes: &[u8], plain: &[bool; 256], _simple: impl Fn(u8) -> bool) -> usize {
    plain_bytes(bytes, 0, plain)
}

/// How many bytes from `at` on are plain, one by one.
#[inline(always)]
fn plain_bytes(bytes: &[u8], at: usize, plain: &[bool; 256]) -> usize {
    let mut n = at;
    while let Some(&b) = bytes.get(n) {
        if plain[b as usize] || (b == b' ' && n > 0 && bytes[n - 1] != b' ') {
            n += 1;
        } else {
            break;
        }
    }
    n - at
}

/// Bytes [`plain_run`] tests at once.
#[cfg(not(target_arch = "wasm32"))]
const CHUNK: usize = 16;

/// For [`plain_run`] over markup: not `[`, `\`, `]`, `^`, `_`, `` ` ``, `*`, `!` or `<` (`^`
/// is plain, but a range is cheaper than one more byte).
#[inline(always)]
fn simple_markup(b: u8) -> bool {
    !(0x5b..=0x60).contains(&b) & (b != b'*') & (b != b'!') & (b != b'<')
}

/// For [`plain_run`] before normalizing: no capital, no back quote.
#[inline(always)]
fn simple_norm(b: u8) -> bool {
    !b.is_ascii_uppercase() & (b != b'`')
}

/// The character that starts at byte `i` of `s` (a character boundary before the end).
fn char_at(s: &str, i: usize) -> char {
    s[i..]
        .chars()
        .next()
        .expect("a character at a boundary before the end")
}

/// Removes leading and trailing white space without copying the rest.
fn trim_in_place(out: &mut String) {
    out.truncate(out.trim_end().len());
    let lead = out.len() - out.trim_start().len();
    out.drain(..lead);
}

/// Does `rest` (starting at '[') open a markdown link, `[text](target)`: is there a "](" in the
/// next 400 bytes, with no '[' or line break before it?
fn is_link_text(rest: &str) -> bool {
    let mut end = rest.len().min(400);
    while !rest.is_char_boundary(end) {
        end -= 1;
    }
    let window = &rest.as_bytes()[1..end];
    for (k, &b) in window.iter().enumerate() {
        match b {
            b']' if window.get(k + 1) == Some(&b'(') => return true,
            b'[' | b'\n' => return false,
            _ => {}
        }
    }
    false
}

fn push_space(out: &mut String) {
    if out.as_bytes().last().is_some_and(|&b| b != b' ') {
        out.push(' ');
    }
}

/// The form the rules match: lower case, straight quotes and hyphens, folded white space.
pub(crate) fn normalize(display: &str) -> String {
    let bytes = display.as_bytes();
    if only_capitals_to_fold(bytes) {
        // Most sentences: ASCII, single spaces, no back quote. Their normal form is their lower
        // case, which a vectorized loop makes (the check is one vectorized pass too).
        return display.to_ascii_lowercase();
    }
    normalize_chars(display)
}

/// [`normalize`] for any text: runs of bytes that stay as they are (lower-case ASCII, single
/// spaces) are copied whole, the other characters looked at one by one.
fn normalize_chars(display: &str) -> String {
    let bytes = display.as_bytes();
    let mut out = String::with_capacity(display.len());
    let mut i = 0;
    while i < bytes.len() {
        let run = plain_run(&bytes[i..], &NORM_PLAIN, simple_norm);
        if run > 0 {
            out.push_str(&display[i..i + run]);
            i += run;
            continue;
        }
        // Capitals (a sentence has a few) without decoding a character.
        if bytes[i].is_ascii_uppercase() {
            out.push(char::from(bytes[i].to_ascii_lowercase()));
            i += 1;
            continue;
        }
        let c = char_at(display, i);
        i += c.len_utf8();
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

/// Whether [`normalize`] has nothing to do to `bytes` but lower ASCII capitals: every byte is
/// ASCII and neither white space but the space nor a back quote, no space starts the text or
/// follows another.
fn only_capitals_to_fold(bytes: &[u8]) -> bool {
    let odd = |b: u8| !(b' '..0x80).contains(&b) | (b == b'`');
    let Some(&first) = bytes.first() else {
        return true;
    };
    // A fold over every pair of neighbours, without an early exit, so that it is vectorized.
    let later = bytes.iter().zip(&bytes[1..]).fold(false, |seen, (&a, &b)| {
        seen | odd(b) | ((a == b' ') & (b == b' '))
    });
    !later && !odd(first) && first != b' '
}

/// Link targets written in markdown or plain text: `[x](target)`, `<target>`, bare
/// `https://…` / `www.…` addresses, and `mailto:`.
pub(crate) fn inline_links(raw: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = raw;
    while let Some(i) = find_link_open(rest) {
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

/// Byte offset of the first "](" in `s`: `s.find("](")`, but without building a string
/// searcher for each call (finding a single byte is a fast `memchr`).
fn find_link_open(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(k) = s[from..].find(']') {
        let at = from + k;
        if s.as_bytes().get(at + 1) == Some(&b'(') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Number of UTF-16 code units of UTF-8 text: a unit for every byte that starts a character,
/// and one more for each that starts a four-byte one. Eight bytes at a time: in each byte, bit 7
/// of `w & !(w << 1)` is set for a continuation byte (`10xxxxxx`), and bit 7 of `w & w << 1 &
/// w << 2 & w << 3` for the start of a four-byte character (`11110xxx`). The report's offsets are
/// converted with it over the whole text.
pub(crate) fn utf16_len(utf8: &[u8]) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = utf8.chunks_exact(8);
    let mut units = 0;
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().unwrap_or_default());
        let continuation = (w & !(w << 1) & HIGH).count_ones() as usize;
        let four = (w & w << 1 & w << 2 & w << 3 & HIGH).count_ones() as usize;
        units += 8 - continuation + four;
    }
    let rest = chunks.remainder();
    units
        + rest.iter().filter(|&&b| (b as i8) >= -0x40).count()
        + rest.iter().filter(|&&b| b >= 0xf0).count()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The next number of a xorshift generator: random-looking texts, the same on every run.
    pub(crate) fn xorshift(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

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
    fn copied_runs_keep_white_space_folding_and_escapes() {
        // (raw, display, plain-text display, normalize)
        let cases = [
            (
                "  Two  spaces,\ttab \u{a0}and\u{2009}nbsp ",
                "Two spaces, tab and nbsp",
                "Two spaces, tab and nbsp",
                "two spaces, tab and nbsp ",
            ),
            ("a\\  b\\\nc", "a b\nc", "a\\ b\\ c", "a\\ b\\ c"),
            (
                "- [x](y) *b* _c_ d_e <http://a b> <b>t</b>",
                "x b c d_e http://a b t",
                "- [x](y) *b* _c_ d_e <http://a b> <b>t</b>",
                "- [x](y) *b* _c_ d_e <http://a b> <b>t</b>",
            ),
            (
                "Ünï 😀 ÉTÉ   `q´",
                "Ünï 😀 ÉTÉ q´",
                "Ünï 😀 ÉTÉ `q´",
                "ünï 😀 été 'q'",
            ),
        ];
        for (raw, markup, plain, norm) in cases {
            assert_eq!(display_as(raw, true), markup, "display_as({raw:?}, true)");
            assert_eq!(display_as(raw, false), plain, "display_as({raw:?}, false)");
            assert_eq!(normalize(raw), norm, "normalize({raw:?})");
        }
    }

    #[test]
    fn runs_tested_sixteen_bytes_at_once_end_where_byte_by_byte_runs_end() {
        fn byte_by_byte(bytes: &[u8], plain: &[bool; 256]) -> usize {
            (0..bytes.len())
                .find(|&n| {
                    let b = bytes[n];
                    !(plain[b as usize] || (b == b' ' && n > 0 && bytes[n - 1] != b' '))
                })
                .unwrap_or(bytes.len())
        }
        // Long runs of letters with, at every place, each byte that may end one.
        let odd = b" \t\n*`_\\![]<^AZ\x01\x7f\xc3";
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut tested = 0;
        for len in 0..70 {
            for _ in 0..40 {
                let text: Vec<u8> = (0..len)
                    .map(|_| {
                        let seed = xorshift(&mut seed);
                        match seed % 10 {
                            0 => odd[(seed >> 8) as usize % odd.len()],
                            1 => b' ',
                            _ => b'a' + (seed >> 8) as u8 % 26,
                        }
                    })
                    .collect();
                for at in 0..=text.len() {
                    let rest = &text[at..];
                    let want = byte_by_byte(rest, &MARKUP_PLAIN);
                    assert_eq!(
                        plain_run(rest, &MARKUP_PLAIN, simple_markup),
                        want,
                        "{rest:?}"
                    );
                    let want = byte_by_byte(rest, &NORM_PLAIN);
                    assert_eq!(plain_run(rest, &NORM_PLAIN, simple_norm), want, "{rest:?}");
                    let want = byte_by_byte(rest, &TEXT_PLAIN);
                    assert_eq!(plain_run(rest, &TEXT_PLAIN, |_| true), want, "{rest:?}");
                    tested += usize::from(want > CHUNK);
                }
            }
        }
        assert!(tested > 1000, "{tested} runs longer than a chunk");
    }

    #[test]
    fn the_fast_normal_form_is_the_character_by_character_one() {
        // Every text of up to five characters from an alphabet of the cases that matter.
        let alphabet = ['a', 'Z', ' ', '\t', '`', '\u{e9}', '\n', '.'];
        let mut texts = vec![String::new()];
        let mut fast = 0;
        for _ in 0..5 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            for t in &longer {
                fast += usize::from(only_capitals_to_fold(t.as_bytes()));
                assert_eq!(normalize(t), normalize_chars(t), "{t:?}");
            }
            texts = longer;
        }
        assert!(fast > 500, "the fast path taken {fast} times");
        let sentence = "We Share Data With Partners, e.g. Google.";
        assert!(only_capitals_to_fold(sentence.as_bytes()));
        assert_eq!(
            normalize(sentence),
            "we share data with partners, e.g. google."
        );
        for slow in [" We", "We  share", "We\tshare", "`We`", "Caf\u{e9}"] {
            assert!(!only_capitals_to_fold(slow.as_bytes()), "{slow:?}");
        }
    }

    #[test]
    fn normalize_folds_case_quotes_and_dashes() {
        assert_eq!(
            normalize("We don\u{2019}t \u{201c}Sell\u{201d} \u{2014} É"),
            "we don't \"sell\" - é"
        );
    }

    #[test]
    fn utf16_lengths() {
        for text in [
            "",
            "plain",
            "a😀é€\u{7f}\u{80}\u{7ff}\u{800}\u{ffff}\u{10000}",
        ] {
            assert_eq!(
                utf16_len(text.as_bytes()),
                text.encode_utf16().count(),
                "{text:?}"
            );
        }
        let text = "a😀é\u{10ffff}\u{800}".repeat(50);
        for (i, _) in text.char_indices() {
            assert_eq!(
                utf16_len(&text.as_bytes()[..i]),
                text[..i].encode_utf16().count()
            );
            assert_eq!(
                utf16_len(&text.as_bytes()[i..]),
                text[i..].encode_utf16().count()
            );
        }
        // Characters of one to four bytes, at every alignment of the eight-byte words.
        let all: String = (0..0x11_0000u32)
            .step_by(97)
            .filter_map(char::from_u32)
            .collect();
        for skip in 0..8 {
            let t: String = all.chars().skip(skip).collect();
            assert_eq!(utf16_len(t.as_bytes()), t.encode_utf16().count());
        }
    }

    #[test]
    fn truncate_at_char_boundary() {
        assert_eq!(truncate("éé", 3), ("é", true));
        assert_eq!(truncate("ab", 3), ("ab", false));
    }
}
