//! The phrasing knowledge: one rule file per finding, parsed once.
//!
//! A rule file (`src/rules/*.rules`) is line-oriented:
//!
//! ```text
//! # A comment.
//! finding do_not_track                 the file's finding (equal to the file stem)
//! def     signal (?:signals?|requests?) a named piece of pattern, used as {signal} below
//! cue     refuse do not respond to {signal}
//! cue     refuse ignores? {signal}     several lines of one cue are alternatives
//! test    dnt:notHonored We do not respond to Do Not Track signals.
//! test    dnt:unclear [Do Not Track] Browsers may send a signal.
//! ```
//!
//! Patterns are regular expressions matched against the normalised sentence (lower case,
//! straight quotes, folded white space), ASCII-only classes, `\b` word boundaries. A `test`
//! line holds facts about the report of that one sentence (see `tests/rules.rs`), and an
//! optional `[heading]` that the sentence sits under.

use crate::anchors::{self, Anchors, Scope};
use regex_automata::{meta, util::syntax, Anchored, Input};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, OnceLock};

/// Slots of [`RuleSet::cue`]'s cache (a power of two; the hash keeps the top eight bits).
const RECENT: usize = 256;

/// The Fx hash (as in rustc): a multiply and a rotate per word. Cue names are short and trusted,
/// so a DoS-resistant hash buys nothing here.
#[derive(Default)]
struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// One rule file's text: whole in native builds; in WASM builds the copy `build.rs` made without
/// comments and examples.
#[cfg(not(target_arch = "wasm32"))]
macro_rules! rule_text {
    ($name:literal) => {
        include_str!(concat!("rules/", $name, ".rules"))
    };
}
#[cfg(target_arch = "wasm32")]
macro_rules! rule_text {
    ($name:literal) => {
        include_str!(concat!(env!("OUT_DIR"), "/rules/", $name, ".rules"))
    };
}

/// The rule files, embedded. The list is explicit so that a file cannot be forgotten silently.
pub const RULE_FILES: &[(&str, &str)] = &[
    ("contact", rule_text!("contact")),
    ("do_not_track", rule_text!("do_not_track")),
    (
        "global_privacy_control",
        rule_text!("global_privacy_control"),
    ),
    (
        "international_transfers",
        rule_text!("international_transfers"),
    ),
    ("is_policy", rule_text!("is_policy")),
    ("minimum_age", rule_text!("minimum_age")),
    ("opt_outs", rule_text!("opt_outs")),
    ("policy_changes", rule_text!("policy_changes")),
    ("retention", rule_text!("retention")),
    ("rights", rule_text!("rights")),
    ("security", rule_text!("security")),
    ("third_party_sharing", rule_text!("third_party_sharing")),
    ("tracking", rule_text!("tracking")),
];

/// The compiled cues of one rule file.
pub(crate) struct RuleSet {
    /// Cues sorted by name; each compiles on first use (a document needs only some of them,
    /// and compiling all of them is most of the first call's time, in WASM above all).
    cues: Vec<Cue>,
    /// Cue name → index into `cues`, hashed cheaply (findings look cues up on every sentence).
    index: HashMap<String, usize, BuildHasherDefault<FxHasher>>,
    /// Before `index`, a cache by the name's address ([`RuleSet::cue`]).
    recent: Box<[AtomicU64; RECENT]>,
    /// For each group of cues sharing a prefix before `_` (`party_…`), one regex matching any of
    /// them: a gate that lets most sentences skip the group.
    gates: Vec<Gate>,
}

/// The cues `prefix…` of a rule file: one regex for all of them, and whether each has anchors.
struct Gate {
    prefix: String,
    re: Lazy,
    /// The cues (indices into `RuleSet::cues`), when every one has anchors: then only those
    /// whose anchors occur are tried, one by one, instead of the union.
    members: Option<Vec<usize>>,
    /// The members' anchors as one mask ([`anchors::mask`]): a sentence without any of them
    /// (most sentences name no company) is answered by a few word tests, not a check per cue.
    mask: Vec<(usize, u64)>,
}

/// A pattern compiled on first use. The rule file's name is kept for the panic message of a bad
/// pattern (every pattern is compiled by a test, `check_all`, so none reaches a user).
struct Lazy {
    file: &'static str,
    what: String,
    pattern: String,
    re: OnceLock<Regex>,
}

impl Lazy {
    fn new(file: &'static str, what: String, pattern: String) -> Lazy {
        Lazy {
            file,
            what,
            pattern,
            re: OnceLock::new(),
        }
    }

    fn get(&self) -> &Regex {
        self.re.get_or_init(|| {
            compile(&self.pattern).unwrap_or_else(|e| {
                panic!("src/rules/{}.rules: cue `{}`: {e}", self.file, self.what)
            })
        })
    }
}

/// One cue: all its lines joined in one regex (for `find` and captures), and the faster form
/// `is` uses for cues with a top-level gap ([`Gapped`]), both built on first use.
struct Cue {
    name: String,
    /// Its id among every cue of every file, when it has anchors ([`crate::anchors`]).
    gated: Option<u16>,
    /// Its anchors are letters, digits and single spaces inside: a cue with capitals, matched
    /// on a sentence as written, can then be gated by the sentence's normalized form
    /// ([`RuleSet::captures_all_as_written`]), where those anchors appear lower-cased.
    folds: bool,
    joined: Lazy,
    lines: Vec<String>,
    fast: OnceLock<Option<Gapped>>,
    /// The anchors of each chain of its chained form, in [`layout`]'s order: `None` for one
    /// whose anchors are the cue's own (already checked) or that has none.
    chain_gates: Vec<Option<u16>>,
}

impl Cue {
    fn fast(&self) -> Option<&Gapped> {
        self.fast
            .get_or_init(|| Gapped::new(&self.lines, &self.chain_gates))
            .as_ref()
    }
}

/// A cue's top-level alternatives without a gap, and those with one (with its parts and gaps),
/// in order; `None` when no alternative has a gap.
#[allow(clippy::type_complexity)]
fn layout(lines: &[String]) -> Option<(Vec<&str>, Vec<(&str, Vec<String>, Vec<Gap>)>)> {
    let mut plain = Vec::new();
    let mut chains = Vec::new();
    for alt in lines.iter().flat_map(|l| top_level_alternatives(l)) {
        match split_gaps(alt) {
            Some((parts, gaps)) => chains.push((alt, parts, gaps)),
            None => plain.push(alt),
        }
    }
    (!chains.is_empty()).then_some((plain, chains))
}

/// An example sentence of a rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// 1-based line number in the rule file.
    pub line: usize,
    /// Facts about the report, comma-separated (`dnt:notHonored,gpc:notMentioned`).
    pub facts: String,
    /// The heading the sentence sits under, if any.
    pub section: Option<String>,
    /// The sentence.
    pub sentence: String,
}

/// A rule file, parsed.
#[derive(Debug, Default)]
pub struct RuleFile {
    /// The `finding` line.
    pub finding: String,
    /// Cue names with their patterns (alternatives joined), in file order.
    pub cues: Vec<(String, String)>,
    /// The `test` lines.
    pub examples: Vec<Example>,
    /// Cue names with each of their lines' patterns (expanded), in file order.
    pub cue_lines: Vec<(String, Vec<String>)>,
}

/// Parses a rule file; the error names the line.
pub fn parse(src: &str) -> Result<RuleFile, String> {
    let mut file = RuleFile::default();
    let mut defs: Vec<(String, String)> = Vec::new();
    for (n, line) in src.lines().enumerate() {
        let n = n + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (kw, rest) = line
            .split_once(char::is_whitespace)
            .ok_or(format!("line {n}: no value"))?;
        let rest = rest.trim();
        match kw {
            "finding" => file.finding = rest.to_string(),
            "def" | "cue" => {
                let (name, pat) = rest
                    .split_once(char::is_whitespace)
                    .ok_or(format!("line {n}: `{kw}` needs a name and a pattern"))?;
                let pat = expand(pat.trim(), &defs).map_err(|e| format!("line {n}: {e}"))?;
                if kw == "cue" {
                    match file.cue_lines.iter_mut().find(|(k, _)| k == name) {
                        Some((_, v)) => v.push(pat.clone()),
                        None => file.cue_lines.push((name.to_string(), vec![pat.clone()])),
                    }
                }
                let list = if kw == "def" {
                    &mut defs
                } else {
                    &mut file.cues
                };
                match list.iter_mut().find(|(k, _)| k == name) {
                    Some((_, p)) => *p = format!("{p}|{pat}"),
                    None => list.push((name.to_string(), pat)),
                }
            }
            "test" => {
                let (facts, rest) = rest
                    .split_once(char::is_whitespace)
                    .ok_or(format!("line {n}: `test` needs facts and a sentence"))?;
                let rest = rest.trim();
                let (section, sentence) =
                    match rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
                        Some((s, t)) => (Some(s.trim().to_string()), t.trim()),
                        None => (None, rest),
                    };
                file.examples.push(Example {
                    line: n,
                    facts: facts.to_string(),
                    section,
                    sentence: sentence.to_string(),
                });
            }
            other => return Err(format!("line {n}: unknown keyword `{other}`")),
        }
    }
    if file.finding.is_empty() {
        return Err("no `finding` line".into());
    }
    Ok(file)
}

/// Replaces `{name}` with the named definition.
fn expand(pat: &str, defs: &[(String, String)]) -> Result<String, String> {
    let mut out = String::with_capacity(pat.len());
    let mut rest = pat;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find('}').unwrap_or(0);
        let name = &after[..end];
        if end > 0 && name.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_') {
            let (_, def) = defs
                .iter()
                .find(|(k, _)| k == name)
                .ok_or(format!("`{{{name}}}` is not defined above"))?;
            out.push_str("(?:");
            out.push_str(def);
            out.push(')');
            rest = &after[end + 1..];
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Compiles a cue's pattern. A literal prefilter only where [`prefilter_pays`] says so: the
/// anchor scan has already said the words are there, and on most sentences the lazy DFA alone
/// is as fast as a prefilter followed by it, while building every prefilter was a quarter of
/// start-up (README, Speed).
fn compile(pat: &str) -> Result<Regex, String> {
    let syntax = syntax_config();
    let config = meta::Config::new()
        .nfa_size_limit(Some(4 << 20))
        .hybrid_cache_capacity(8 << 20);
    #[cfg(target_arch = "wasm32")]
    let built = meta::Regex::builder()
        .syntax(syntax)
        .configure(config.auto_prefilter(false))
        .build(pat);
    #[cfg(not(target_arch = "wasm32"))]
    let built = {
        let hir = syntax::parse_with(pat, &syntax).map_err(|e| e.to_string())?;
        meta::Regex::builder()
            .configure(config.auto_prefilter(prefilter_pays(&hir)))
            .build_from_hir(&hir)
    };
    built.map(Regex).map_err(|e| e.to_string())
}

/// How cue patterns are read: on bytes, without Unicode (sentences are lower-cased first).
fn syntax_config() -> syntax::Config {
    syntax::Config::new().unicode(false).utf8(false)
}

/// Whether a pattern gets the regex crate's literal prefilter: when every match starts with one
/// of at most 20 literals of three bytes or more (its prefixes optimized as the regex crate
/// optimizes them), as in `\bright (?:to|of) …` or `\b(?:do not|never) …`. The prefilter
/// skips to them (vectorized) where the lazy DFA would walk every byte, one dependent table
/// load after another. 40 or 64 literals, or 2 or 4 bytes, measured no better (round 8).
/// Replaying the 17,440 runs of a pass over 14 policies pattern by pattern, with and without
/// (README, Speed): such patterns ran 1.2–6× faster with it, while those with more or shorter
/// literals (lists of 25–60 words, `[0-9]|…`) ran up to 4× slower. Native builds only: the WASM module has no prefilters (no `perf-literal`).
#[cfg(not(target_arch = "wasm32"))]
fn prefilter_pays(hir: &regex_syntax::hir::Hir) -> bool {
    let mut prefixes = regex_syntax::hir::literal::Extractor::new()
        .limit_total(32)
        .extract(hir);
    prefixes.optimize_for_prefix_by_preference();
    matches!(
        (prefixes.len(), prefixes.min_literal_len()),
        (Some(n), Some(shortest)) if n <= 20 && shortest >= 3
    )
}

/// A compiled pattern (the regex crate's meta engine, on bytes), with byte ranges for matches.
struct Regex(meta::Regex);

impl Regex {
    fn is_match(&self, hay: &[u8]) -> bool {
        self.0.is_match(hay)
    }

    fn find(&self, hay: &[u8]) -> Option<(usize, usize)> {
        self.0.find(hay).map(|m| (m.start(), m.end()))
    }

    /// The first match starting at `at` or later (looking around `at` as in the whole text).
    fn find_at(&self, hay: &[u8], at: usize) -> Option<(usize, usize)> {
        self.0
            .find(Input::new(hay).range(at..))
            .map(|m| (m.start(), m.end()))
    }

    /// Where the first match at or after `at` ends, as [`Regex::find_at`] would say, without
    /// the backward pass that finds where it starts.
    fn end_at(&self, hay: &[u8], at: usize) -> Option<usize> {
        self.0
            .search_half(&Input::new(hay).range(at..))
            .map(|m| m.offset())
    }

    /// Does a match start exactly at `at`?
    fn is_match_anchored(&self, hay: &[u8], at: usize) -> bool {
        self.0
            .is_match(Input::new(hay).range(at..).anchored(Anchored::Yes))
    }

    /// Where the match that starts exactly at `at` ends, as a search from `at` would say.
    fn end_anchored(&self, hay: &[u8], at: usize) -> Option<usize> {
        self.0
            .search_half(&Input::new(hay).range(at..).anchored(Anchored::Yes))
            .map(|m| m.offset())
    }

    fn find_iter<'h>(&'h self, hay: &'h [u8]) -> impl Iterator<Item = (usize, usize)> + 'h {
        self.0.find_iter(hay).map(|m| (m.start(), m.end()))
    }

    /// Every match's groups (0 is the whole match) as byte ranges.
    fn captures_iter<'h>(
        &'h self,
        hay: &'h [u8],
    ) -> impl Iterator<Item = Vec<Option<(usize, usize)>>> + 'h {
        self.0.captures_iter(hay).map(|c| {
            (0..c.group_len())
                .map(|i| c.get_group(i).map(|s| (s.start, s.end)))
                .collect()
        })
    }
}

/// Every rule file's cues, and the anchors of all of them.
struct Rules {
    sets: Vec<(&'static str, RuleSet)>,
    anchors: Anchors,
}

static RULES: LazyLock<Rules> = LazyLock::new(|| {
    let mut anchor_sets: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut second_sets: Vec<(u16, Vec<Vec<u8>>)> = Vec::new();
    let sets: Vec<(&'static str, RuleSet)> = RULE_FILES
        .iter()
        .map(|(name, src)| {
            let file = parse(src).unwrap_or_else(|e| panic!("src/rules/{name}.rules: {e}"));
            let mut cues: Vec<Cue> = file
                .cues
                .iter()
                .map(|(cue, pat)| {
                    let mut add = |g: &anchors::Gate| {
                        anchor_sets.push(lowered(&g.any));
                        let id = (anchor_sets.len() - 1) as u16;
                        if let Some(also) = &g.also {
                            second_sets.push((id, lowered(also)));
                        }
                        id
                    };
                    let gate = anchors::gate(pat);
                    let gated = gate.as_ref().map(&mut add);
                    let lines = file
                        .cue_lines
                        .iter()
                        .find(|(k, _)| k == cue)
                        .map(|(_, l)| l.clone())
                        .unwrap_or_default();
                    // Each chain of a chained cue gets anchors of its own when they differ from
                    // the cue's: a sentence runs only the chains whose anchors it has. (Gating
                    // the lines without a gap too saved a fifth as much again, for twice the
                    // start-up: their patterns are the long ones. README, Speed.)
                    let mut chain_gate = |part: &str| {
                        let g = anchors::gate(part)?;
                        let own = gate.as_ref().is_some_and(|c| {
                            lowered(&c.any) == lowered(&g.any)
                                && c.also.as_deref().map(lowered) == g.also.as_deref().map(lowered)
                        });
                        (!own).then(|| add(&g))
                    };
                    let chain_gates = match layout(&lines) {
                        Some((plain, chains)) if plain.len() + chains.len() > 1 => {
                            // Only chains with a byte gap: word-gap chains are many, and
                            // their ids would outgrow a row (`anchors::MAX_SETS`).
                            chains
                                .iter()
                                .map(|(alt, _, gaps)| {
                                    gaps.iter()
                                        .any(|g| matches!(g, Gap::Bytes(_)))
                                        .then(|| chain_gate(alt))
                                        .flatten()
                                })
                                .collect()
                        }
                        _ => Vec::new(),
                    };
                    Cue {
                        name: cue.clone(),
                        // A cue matched as written is gated by its normalized text only when
                        // its anchors, of both sets, survive normalizing.
                        folds: gate.as_ref().is_some_and(|g| {
                            g.any
                                .iter()
                                .chain(g.also.iter().flatten())
                                .all(|a| folds(a))
                        }),
                        gated,
                        joined: Lazy::new(name, cue.clone(), pat.clone()),
                        lines,
                        fast: OnceLock::new(),
                        chain_gates,
                    }
                })
                .collect();
            cues.sort_by(|a, b| a.name.cmp(&b.name));
            let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
            for (cue, pat) in &file.cues {
                if let Some((prefix, _)) = cue.split_once('_') {
                    match groups.iter_mut().find(|(p, _)| p == prefix) {
                        Some((_, v)) => v.push(pat),
                        None => groups.push((prefix.to_string(), vec![pat])),
                    }
                }
            }
            let gates = groups
                .into_iter()
                .filter(|(_, pats)| pats.len() > 1)
                .map(|(prefix, pats)| {
                    let union = pats
                        .iter()
                        .map(|p| format!("(?:{p})"))
                        .collect::<Vec<_>>()
                        .join("|");
                    let prefix = format!("{prefix}_");
                    let members: Option<Vec<usize>> = cues
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| c.name.starts_with(&prefix))
                        .map(|(i, c)| c.gated.map(|_| i))
                        .collect();
                    let mask = members.as_ref().map_or_else(Vec::new, |m| {
                        anchors::mask(m.iter().filter_map(|&i| cues[i].gated))
                    });
                    Gate {
                        re: Lazy::new(name, format!("{prefix}*"), union),
                        prefix,
                        members,
                        mask,
                    }
                })
                .collect();
            let index = cues
                .iter()
                .enumerate()
                .map(|(i, c)| (c.name.clone(), i))
                .collect();
            (
                *name,
                RuleSet {
                    cues,
                    index,
                    recent: Box::new([const { AtomicU64::new(0) }; RECENT]),
                    gates,
                },
            )
        })
        .collect();
    Rules {
        sets,
        anchors: Anchors::new(&anchor_sets, &second_sets),
    }
});

/// A set of anchors in lower case, sorted: the scanned texts are normalized, so anchors are
/// looked for in lower case (one with a capital could never be found).
fn lowered(set: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut set: Vec<Vec<u8>> = set.iter().map(|a| a.to_ascii_lowercase()).collect();
    set.sort();
    set.dedup();
    set
}

/// While the returned scope lives, cue checks on these texts (and on parts of them) skip the
/// cues whose anchors do not occur there: one scan per text instead of a regex per cue.
pub(crate) fn scope<'t>(texts: impl Iterator<Item = &'t str>) -> Scope<'t> {
    Scope::new(&RULES.anchors, texts)
}

/// Scans `texts` for anchors as [`crate::analyze`] does, and forgets the result: for
/// `examples/scan.rs`, which measures the scan alone.
#[doc(hidden)]
pub fn scan_only(texts: &[&str]) {
    drop(scope(texts.iter().copied()));
}

/// Does [`crate::text::normalize`] keep `anchor`, lower-cased, wherever a text holds it: is it
/// ASCII letters and digits with single spaces between them? (Normalizing lower-cases letters,
/// folds white space and changes quotes and dashes; a space at either end could be trimmed.)
fn folds(anchor: &[u8]) -> bool {
    anchor.first().is_some_and(u8::is_ascii_alphanumeric)
        && anchor.last().is_some_and(u8::is_ascii_alphanumeric)
        && anchor
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b' ')
        && !anchor.windows(2).any(|w| w == b"  ")
}

/// False when the cue cannot match `text` (none of its anchors is in the scanned text around it).
fn may_match(c: &Cue, text: &str) -> bool {
    c.gated
        .is_none_or(|id| anchors::possible(id, text) != Some(false))
}

/// The rules of one finding.
pub(crate) fn get(finding: &str) -> &'static RuleSet {
    RULES
        .sets
        .iter()
        .find(|(name, _)| *name == finding)
        .map(|(_, r)| r)
        .unwrap_or_else(|| panic!("no rule file for `{finding}`"))
}

impl RuleSet {
    /// The cue named `cue`. Findings name cues with string literals (or names read from this
    /// set), so a name's address and length identify it: a hit in `recent` costs a load and a
    /// compare where `index` hashes and compares the name. Entries are `address << 16 | index + 1`,
    /// written and read whole; a collision only sends the lookup to `index`.
    ///
    /// The hit is inlined where native builds call it (an out-of-line call was 3% of the
    /// instructions of an analysis, round 9); the WASM module keeps one copy.
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    fn cue(&self, cue: &'static str) -> &Cue {
        let at = cue.as_ptr() as usize as u64;
        let slot = &self.recent
            [(at.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - RECENT.trailing_zeros())) as usize];
        let entry = slot.load(Ordering::Relaxed);
        if entry >> 16 == at && entry & 0xffff != 0 {
            let c = &self.cues[(entry & 0xffff) as usize - 1];
            if c.name.len() == cue.len() {
                return c;
            }
        }
        self.cue_by_name(cue, slot)
    }

    /// [`RuleSet::cue`] when `recent` does not have it: by `index`, kept in `slot`.
    #[inline(never)]
    fn cue_by_name(&self, cue: &'static str, slot: &AtomicU64) -> &Cue {
        let at = cue.as_ptr() as usize as u64;
        match self.index.get(cue) {
            Some(&i) => {
                if at >> 48 == 0 {
                    slot.store(at << 16 | (i as u64 + 1), Ordering::Relaxed);
                }
                &self.cues[i]
            }
            None => panic!("no cue `{cue}` in its rule file"),
        }
    }

    /// The cue's joined regex, or `None` when its anchors say it cannot match `norm`.
    fn re(&self, cue: &'static str, norm: &str) -> Option<&Regex> {
        let c = self.cue(cue);
        may_match(c, norm).then(|| c.joined.get())
    }

    /// Could any cue named `prefix…` match? False means none does (a cheap gate).
    pub fn any_with_prefix(&self, prefix: &str, norm: &str) -> bool {
        match self.gates.iter().find(|g| g.prefix == prefix) {
            Some(g) => match &g.members {
                Some(_) if anchors::possible_any(&g.mask, norm) == Some(false) => false,
                Some(members) => members.iter().any(|&i| self.cue_is(&self.cues[i], norm)),
                None => g.re.get().is_match(norm.as_bytes()),
            },
            None => true,
        }
    }

    /// Does the cue match anywhere in `norm`?
    pub fn is(&self, cue: &'static str, norm: &str) -> bool {
        self.cue_is(self.cue(cue), norm)
    }

    fn cue_is(&self, c: &Cue, norm: &str) -> bool {
        if !may_match(c, norm) {
            return false;
        }
        match c.fast() {
            Some(g) => g.is_match(norm.as_bytes(), norm),
            None => c.joined.get().is_match(norm.as_bytes()),
        }
    }

    /// The matches of every cue named `prefix…` in `norm`, as (start, end, cue name), cue by cue
    /// in name order: [`RuleSet::find_all`] of each, but found without a lookup by name, and a
    /// cue whose anchors are absent is passed over by a bit test (a sentence that names one
    /// company meets 57 `party_` cues).
    pub fn find_all_with_prefix(
        &'static self,
        prefix: &str,
        norm: &str,
    ) -> Vec<(usize, usize, &'static str)> {
        let mut out = Vec::new();
        let masked = self
            .gates
            .iter()
            .find(|g| g.prefix == prefix && g.members.is_some());
        if masked.is_some_and(|g| anchors::possible_any(&g.mask, norm) == Some(false)) {
            return out;
        }
        let first = self.cues.partition_point(|c| c.name.as_str() < prefix);
        for c in self.cues[first..]
            .iter()
            .take_while(|c| c.name.starts_with(prefix))
        {
            if may_match(c, norm) {
                let name = c.name.as_str();
                out.extend(
                    c.joined
                        .get()
                        .find_iter(norm.as_bytes())
                        .map(|(a, b)| (a, b, name)),
                );
            }
        }
        out
    }

    /// Byte ranges of the cue's matches in `norm`.
    pub fn find_all(&self, cue: &'static str, norm: &str) -> Vec<(usize, usize)> {
        let Some(re) = self.re(cue, norm) else {
            return Vec::new();
        };
        re.find_iter(norm.as_bytes()).collect()
    }

    /// The first match's byte range.
    pub fn find(&self, cue: &'static str, norm: &str) -> Option<(usize, usize)> {
        self.re(cue, norm)?.find(norm.as_bytes())
    }

    /// [`RuleSet::captures_all`] on `text` as written, for a cue with capitals; `norm` is
    /// `text` normalized ([`crate::text::normalize`]), a scanned text, where the cue's anchors
    /// are looked for when they survive normalizing (lower-cased).
    pub fn captures_all_as_written<'t>(
        &self,
        cue: &'static str,
        text: &'t str,
        norm: &str,
    ) -> Vec<Vec<Option<&'t str>>> {
        let c = self.cue(cue);
        if c.folds && !may_match(c, norm) {
            return Vec::new();
        }
        captures_of(c.joined.get(), text)
    }

    /// Capture groups of every match (group 0 is the whole match).
    pub fn captures_all<'t>(&self, cue: &'static str, norm: &'t str) -> Vec<Vec<Option<&'t str>>> {
        match self.re(cue, norm) {
            Some(re) => captures_of(re, norm),
            None => Vec::new(),
        }
    }
}

/// Every match's groups as parts of `norm` (group 0 is the whole match).
fn captures_of<'t>(re: &Regex, norm: &'t str) -> Vec<Vec<Option<&'t str>>> {
    re.captures_iter(norm.as_bytes())
        .map(|c| {
            c.into_iter()
                .map(|m| m.and_then(|(a, b)| norm.get(a..b)))
                .collect()
        })
        .collect()
}

/// What may stand between two parts of a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gap {
    /// `.{0,N}`: at most N bytes, none a line break.
    Bytes(usize),
    /// `(?:\w+ ){0,N}`: at most N words, each followed by one space; `[\w-]+` when `hyphen`,
    /// and `,? ` after the word when `comma`.
    Words {
        max: usize,
        hyphen: bool,
        comma: bool,
    },
}

/// A cue whose lines have top-level gaps, `A.{0,N}B` or `A (?:\w+ ){0,N}B`, matched as a chain:
/// find `A`, then look for `B` starting at most N bytes (or words) after it.
///
/// The lazy DFA that runs a regex like `\b(?:partners|google)\b.{0,80}\b(?:collect|use)s?\b`
/// must remember, for every recent occurrence of the first word, how far back it was: its states
/// multiply with each such word in a sentence, the cache fills and is rebuilt over and over, and
/// the search falls back to slower engines. Cut at the gap, each part is a small regex that the
/// DFA runs at full speed, and the gap is counted in code. `find` and `captures_all` keep using
/// the joined regex; `is` gives the same answer either way (`tests` below and every rule example
/// check it).
struct Gapped {
    /// The lines without a gap, joined (`None` when every line has one).
    plain: Option<Regex>,
    chains: Vec<Chain>,
}

/// Parts that must follow one another, `parts[k + 1]` within `gaps[k]` of where `parts[k]` ends.
struct Chain {
    parts: Vec<Regex>,
    gaps: Vec<Gap>,
    /// Its own anchors, when it has some that the cue's do not imply.
    gate: Option<u16>,
}

impl Gapped {
    /// The chained form of a cue's lines, or `None` when no line has a top-level gap (or a
    /// part does not compile: then the joined regex answers). `gates` are the chains' anchors.
    fn new(lines: &[String], gates: &[Option<u16>]) -> Option<Gapped> {
        let (plain, alts) = layout(lines)?;
        let mut chains = Vec::new();
        for (i, (_, parts, gaps)) in alts.into_iter().enumerate() {
            let parts: Option<Vec<Regex>> = parts.iter().map(|p| compile(p).ok()).collect();
            chains.push(Chain {
                parts: parts?,
                gaps,
                gate: gates.get(i).copied().flatten(),
            });
        }
        let plain = if plain.is_empty() {
            None
        } else {
            Some(compile(&plain.join("|")).ok()?)
        };
        Some(Gapped { plain, chains })
    }

    /// Does it match `hay`, the bytes of `norm`? A chain whose anchors the scan of `norm` did
    /// not find is passed over.
    fn is_match(&self, hay: &[u8], norm: &str) -> bool {
        self.plain.as_ref().is_some_and(|re| re.is_match(hay))
            || self.chains.iter().any(|c| {
                c.gate
                    .is_none_or(|id| anchors::possible(id, norm) != Some(false))
                    && c.is_match(hay)
            })
    }
}

impl Chain {
    fn is_match(&self, hay: &[u8]) -> bool {
        // The ends of the first part's matches, as `find_iter` gives them: only the ends count.
        let mut at = 0;
        while at <= hay.len() {
            let Some(end) = self.parts[0].end_at(hay, at) else {
                return false;
            };
            if self.follows(1, hay, end) {
                return true;
            }
            at = if end > at { end } else { end + 1 };
        }
        false
    }

    /// Do `parts[k..]` match, the first of them starting within `gaps[k - 1]` of `from`?
    fn follows(&self, k: usize, hay: &[u8], from: usize) -> bool {
        if k == self.parts.len() {
            return true;
        }
        let max = match self.gaps[k - 1] {
            Gap::Bytes(max) => max,
            Gap::Words { max, hyphen, comma } => {
                // `parts[k]` anchored after 0, 1, … `max` words.
                let mut at = from;
                for words in 0..=max {
                    let found = if k + 1 == self.parts.len() {
                        self.parts[k].is_match_anchored(hay, at)
                    } else {
                        self.parts[k]
                            .end_anchored(hay, at)
                            .is_some_and(|end| self.follows(k + 1, hay, end))
                    };
                    if found {
                        return true;
                    }
                    if words == max {
                        break;
                    }
                    match skip_word(hay, at, hyphen, comma) {
                        Some(next) => at = next,
                        None => break,
                    }
                }
                return false;
            }
        };
        let last = from + max;
        let mut at = from;
        while at <= last.min(hay.len()) {
            let Some((start, end)) = self.parts[k].find_at(hay, at) else {
                return false;
            };
            // `.` does not match a line break: the gap may not hold one.
            if start > last || hay[from..start].contains(&b'\n') {
                return false;
            }
            if self.follows(k + 1, hay, end) {
                return true;
            }
            at = start + 1;
        }
        false
    }
}

/// Where the word at `at` and the space after it end (`\w+ `, with `-` among the word's bytes
/// when `hyphen` and a comma allowed before the space when `comma`); `None` if none starts there.
fn skip_word(hay: &[u8], at: usize, hyphen: bool, comma: bool) -> Option<usize> {
    let word = hay
        .get(at..)?
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_' || hyphen && b == b'-')
        .count();
    if word == 0 {
        return None;
    }
    let mut i = at + word;
    if comma && hay.get(i) == Some(&b',') {
        i += 1;
    }
    (hay.get(i) == Some(&b' ')).then_some(i + 1)
}

/// Word gaps of fewer words stay inside their part. Measured on the 14 and the 143 policies of
/// README, Speed: cutting at gaps of 8 words or more made a first pass 2.0–2.1% cheaper and a
/// warm one 0.4–0.5% dearer; at 6 or more, −2.2–2.8% and +1.4–1.5%; at every word gap, the
/// first pass −5% on the 14 but +0.8% on the 143, and warm passes +13–15% (each word tried is
/// an anchored search of its own).
const MIN_WORD_GAP: usize = 8;

/// The word gaps [`split_gaps`] cuts at: the group as written, and its gap (`max` filled in).
const WORD_GAPS: [(&str, bool, bool); 4] = [
    (r"(?:\w+ ){0,", false, false),
    (r"(?:[\w-]+ ){0,", true, false),
    (r"(?:\w+,? ){0,", false, true),
    (r"(?:[\w-]+,? ){0,", true, true),
];

/// Splits a pattern at its top-level `|` (outside groups and classes).
fn top_level_alternatives(pat: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    scan_top_level(pat, |i, b| {
        if b == b'|' {
            out.push(&pat[start..i]);
            start = i + 1;
        }
    });
    out.push(&pat[start..]);
    out
}

/// Cuts a pattern without top-level `|` at its top-level `.{0,N}` and word gaps ([`WORD_GAPS`]
/// of at least [`MIN_WORD_GAP`] words; each also with a lazy `?`): the parts and the gaps, or
/// `None` when there is no gap or a part would be empty.
fn split_gaps(pat: &str) -> Option<(Vec<String>, Vec<Gap>)> {
    let bytes = pat.as_bytes();
    // `N}` or `N}?` at `at`: N and where the quantifier ends.
    let bound = |at: usize| -> Option<(usize, usize)> {
        let digits = bytes
            .get(at..)?
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let close = at + digits;
        if digits == 0 || bytes.get(close) != Some(&b'}') {
            return None;
        }
        let end = close + 1 + usize::from(bytes.get(close + 1) == Some(&b'?'));
        Some((pat[at..close].parse().ok()?, end))
    };
    let mut cuts = Vec::new(); // (start, end, gap) of each gap
    scan_top_level(pat, |i, b| {
        if b == b'.' && bytes[i + 1..].starts_with(b"{0,") {
            if let Some((n, end)) = bound(i + 4) {
                cuts.push((i, end, Gap::Bytes(n)));
            }
        } else if b == b'(' {
            for (group, hyphen, comma) in WORD_GAPS {
                if bytes[i..].starts_with(group.as_bytes()) {
                    if let Some((max, end)) =
                        bound(i + group.len()).filter(|&(m, _)| m >= MIN_WORD_GAP)
                    {
                        cuts.push((i, end, Gap::Words { max, hyphen, comma }));
                    }
                }
            }
        }
    });
    // A quantifier right after the gap would apply to it, not to the next part.
    if cuts.is_empty()
        || cuts
            .iter()
            .any(|&(_, end, _)| matches!(bytes.get(end), Some(b'*' | b'+' | b'?' | b'{')))
    {
        return None;
    }
    let mut parts = Vec::new();
    let mut gaps = Vec::new();
    let mut start = 0;
    for (a, b, gap) in cuts {
        parts.push(pat[start..a].to_string());
        gaps.push(gap);
        start = b;
    }
    parts.push(pat[start..].to_string());
    if parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    Some((parts, gaps))
}

/// Calls `f(index, byte)` for every byte of `pat` outside groups, classes and escapes, and for
/// each `(` that opens a group at the top level.
fn scan_top_level(pat: &str, mut f: impl FnMut(usize, u8)) {
    let bytes = pat.as_bytes();
    let (mut depth, mut class, mut i) = (0usize, false, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\\' {
            i += 2;
            continue;
        }
        if class {
            if b == b']' {
                class = false;
            }
        } else {
            match b {
                b'[' => {
                    class = true;
                    // A `]` right after `[` or `[^` is a literal.
                    if bytes.get(i + 1) == Some(&b'^') {
                        i += 1;
                    }
                    if bytes.get(i + 1) == Some(&b']') {
                        i += 1;
                    }
                }
                b'(' => {
                    if depth == 0 {
                        f(i, b);
                    }
                    depth += 1;
                }
                b')' => depth = depth.saturating_sub(1),
                _ if depth == 0 => f(i, b),
                _ => {}
            }
        }
        i += 1;
    }
}

/// Forces every rule file to parse and every pattern to compile (tests call it, so that a bad
/// pattern fails there rather than on first use); returns the number of cues.
pub fn check_all() -> usize {
    let mut n = 0;
    for (_, r) in RULES.sets.iter() {
        for c in &r.cues {
            c.joined.get();
            c.fast();
            n += 1;
        }
        for g in &r.gates {
            g.re.get();
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_file_compiles() {
        assert!(check_all() > 20);
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn a_prefilter_only_for_a_few_long_enough_first_literals() {
        let pays = |p: &str| prefilter_pays(&syntax::parse_with(p, &syntax_config()).unwrap());
        assert!(pays(r"\bright (?:to|of) (?:know|access)\b"));
        assert!(pays(r"\b(?:do not|does not|never) (?:\w+ ){0,3}sell"));
        // Every match starts with a digit: ten one-byte literals.
        assert!(!pays(r"[0-9]+ years"));
        // An optional first word: every match starts with "we sell" or "sell", but one may
        // start with "ad" only.
        assert!(pays(r"\b(?:we )?sell"));
        assert!(!pays(r"\b(?:an? )?ads?\b"));
        // A list of 26 words, as the recipient and purpose cues have.
        let list: Vec<String> = (b'a'..=b'z').map(|c| format!("{}ing", c as char)).collect();
        assert!(!pays(&format!(r"\b(?:{})\b", list.join("|"))));
        // Where a match starts is unknown.
        assert!(!pays(r"\w+ data"));
        // Prefilters change the speed, never a match: every example of every rule file runs
        // with them (tests/rules.rs), and the corpus reports stayed byte-identical.
    }

    #[test]
    fn most_cues_have_anchors_and_the_automaton_fits() {
        let cues: Vec<&Cue> = RULES.sets.iter().flat_map(|(_, s)| &s.cues).collect();
        let gated = cues.iter().filter(|c| c.gated.is_some()).count();
        let (states, bytes) = RULES
            .anchors
            .size()
            .expect("more than 32,768 anchor states");
        println!(
            "{gated} of {} cues gated; {states} states, {bytes} table bytes",
            cues.len()
        );
        assert!(
            gated * 10 >= cues.len() * 9,
            "only {gated} of {} cues gated",
            cues.len()
        );
    }

    #[test]
    fn gaps_are_cut_only_at_the_top_level() {
        assert_eq!(
            split_gaps(r"\ba\b.{0,80}\bb(?:x.{0,3}y)[.{0,9}].{0,5}?c"),
            Some((
                vec![
                    r"\ba\b".into(),
                    r"\bb(?:x.{0,3}y)[.{0,9}]".into(),
                    "c".into()
                ],
                vec![Gap::Bytes(80), Gap::Bytes(5)]
            ))
        );
        // Word gaps of 8 words or more, at the top level only.
        assert_eq!(
            split_gaps(r"\bwe (?:\w+ ){0,8}?(?:use|set)\b (?:[\w-]+,? ){0,9}cookies"),
            Some((
                vec![r"\bwe ".into(), r"(?:use|set)\b ".into(), "cookies".into()],
                vec![
                    Gap::Words {
                        max: 8,
                        hyphen: false,
                        comma: false
                    },
                    Gap::Words {
                        max: 9,
                        hyphen: true,
                        comma: true
                    }
                ]
            ))
        );
        assert_eq!(split_gaps(r"\bwe (?:\w+ ){0,3}use\b"), None);
        assert_eq!(split_gaps(r"\bwe (?:x|(?:\w+ ){0,8})use\b"), None);
        assert_eq!(split_gaps("a.{0,8}"), None);
        assert_eq!(split_gaps("a.{0,8}+b"), None);
        assert_eq!(split_gaps(r"a\.{0,8}b"), None);
        assert_eq!(
            top_level_alternatives("a|(b|c)|[|]d"),
            vec!["a", "(b|c)", "[|]d"]
        );
    }

    #[test]
    fn chained_cues_match_as_the_joined_regex() {
        let lines = vec![
            r"\b(?:partners|google)\b.{0,20}\b(?:collect|use)s?\b.{0,10}\bdata\b".to_string(),
            r"\bsell\b|\brent\b.{0,5}\blists?\b".to_string(),
            r"\b(?:we|our \w+) (?:[\w-]+,? ){0,8}?(?:share|give)s? (?:\w+ ){0,9}data\b".to_string(),
        ];
        let g = Gapped::new(&lines, &[]).unwrap();
        let joined = compile(&lines.join("|")).unwrap();
        for hay in [
            "our partners may collect your data",
            "our partners, with many more words here, collect data",
            "google uses data",
            "google and partners use it; then data",
            "partners of google collect the data",
            "partners\ncollect data",
            "we do not sell",
            "we rent our lists",
            "we rent out all of our lists",
            "data partners use",
            "we share data",
            "we may, from time to time, share your data",
            "our team, sometimes, gives one two three four five six seven eight nine data",
            "our team gives one two three four five six seven eight nine ten data",
            "we one two three four five six seven eight nine share data",
            "we one two three four five six seven eight share data",
            "we  share data",
            "we share-data",
            "weshare data",
            "we share data-sets",
            "we shares data",
            "",
        ] {
            assert_eq!(
                g.is_match(hay.as_bytes(), hay),
                joined.is_match(hay.as_bytes()),
                "{hay:?}"
            );
        }
    }

    /// Every example sentence of every rule file, as written.
    fn examples() -> Vec<String> {
        RULE_FILES
            .iter()
            .flat_map(|(_, src)| parse(src).unwrap().examples)
            .map(|e| e.sentence)
            .collect()
    }

    /// The example sentences as the cues see them.
    fn normalized_examples() -> Vec<String> {
        examples()
            .iter()
            .map(|s| crate::text::normalize(s))
            .collect()
    }

    #[test]
    fn both_sets_of_anchors_occur_wherever_a_cue_matches() {
        // Each example, and each clause of it, against every cue: where the cue matches, one
        // anchor of each of its sets is there (the gate never turns a match away).
        let texts: Vec<String> = normalized_examples()
            .iter()
            .flat_map(|s| {
                let clauses: Vec<String> = s.split([',', ';']).map(str::to_string).collect();
                std::iter::once(s.clone()).chain(clauses)
            })
            .collect();
        let has = |text: &str, set: &[Vec<u8>]| {
            set.iter()
                .any(|a| text.as_bytes().windows(a.len()).any(|w| w == a.as_slice()))
        };
        let (mut checked, mut matched) = (0, 0);
        for (name, src) in RULE_FILES {
            for (cue, pat) in parse(src).unwrap().cues {
                let Some(g) = anchors::gate(&pat) else {
                    continue;
                };
                let Some(also) = g.also else { continue };
                checked += 1;
                let (any, also) = (lowered(&g.any), lowered(&also));
                let re = compile(&pat).unwrap();
                for t in &texts {
                    if re.is_match(t.as_bytes()) {
                        matched += 1;
                        assert!(
                            has(t, &any) && has(t, &also),
                            "{name}.rules `{cue}` matches {t:?} without its anchors"
                        );
                    }
                }
            }
        }
        assert!(
            checked > 100 && matched > 1000,
            "{checked} cues with a second set, {matched} matches"
        );
    }

    #[test]
    fn chained_cues_agree_with_their_joined_regex_on_every_example() {
        let sentences = normalized_examples();
        let mut chained = 0;
        let mut gated_chains = 0;
        let mut passed_over = 0;
        // Without a scan, then with one: each chain's own anchors then pass over chains.
        for scanned in [false, true] {
            let _scope = scanned.then(|| scope(sentences.iter().map(String::as_str)));
            for (name, set) in RULES.sets.iter() {
                for c in &set.cues {
                    let (cue, re) = (&c.name, c.joined.get());
                    let Some(g) = c.fast() else { continue };
                    chained += 1;
                    gated_chains += g.chains.iter().filter(|c| c.gate.is_some()).count();
                    for s in &sentences {
                        passed_over += g
                            .chains
                            .iter()
                            .filter_map(|c| c.gate)
                            .filter(|&id| anchors::possible(id, s) == Some(false))
                            .count();
                        assert_eq!(
                            g.is_match(s.as_bytes(), s),
                            re.is_match(s.as_bytes()),
                            "{name}.rules cue `{cue}` on {s:?} (scanned: {scanned})"
                        );
                    }
                }
            }
        }
        assert!(chained > 10, "only {} chained cues", chained / 2);
        assert!(
            gated_chains > 20,
            "only {} chains have anchors of their own",
            gated_chains / 2
        );
        // Most sentences lack the anchors of most chains: the gates must be live.
        assert!(
            passed_over * 2 > gated_chains / 2 * sentences.len(),
            "chains passed over {passed_over} times"
        );
    }

    #[test]
    fn group_gates_agree_with_their_union_on_every_example() {
        let sentences = normalized_examples();
        let _scope = scope(sentences.iter().map(String::as_str));
        let (mut masked, mut hits) = (0, 0);
        for (name, set) in RULES.sets.iter() {
            for g in set.gates.iter().filter(|g| g.members.is_some()) {
                masked += 1;
                for s in &sentences {
                    let union = g.re.get().is_match(s.as_bytes());
                    hits += usize::from(union);
                    assert_eq!(
                        set.any_with_prefix(&g.prefix, s),
                        union,
                        "{name}.rules `{}*` on {s:?}",
                        g.prefix
                    );
                }
            }
        }
        assert!(masked > 3 && hits > 100, "{masked} gates, {hits} hits");
    }

    #[test]
    fn matches_by_prefix_are_those_of_each_cue_in_turn() {
        let sentences = normalized_examples();
        let _scope = scope(sentences.iter().map(String::as_str));
        let mut found = 0;
        for (name, set) in RULES.sets.iter() {
            for g in &set.gates {
                let names: Vec<&'static str> = set
                    .cues
                    .iter()
                    .map(|c| c.name.as_str())
                    .filter(|n| n.starts_with(&g.prefix))
                    .collect();
                for s in &sentences {
                    let each: Vec<(usize, usize, &str)> = names
                        .iter()
                        .flat_map(|&cue| {
                            set.find_all(cue, s)
                                .into_iter()
                                .map(move |(a, b)| (a, b, cue))
                        })
                        .collect();
                    found += each.len();
                    assert_eq!(
                        set.find_all_with_prefix(&g.prefix, s),
                        each,
                        "{name}.rules `{}*` on {s:?}",
                        g.prefix
                    );
                }
            }
        }
        assert!(found > 100, "{found} matches");
    }

    #[test]
    fn cues_matched_as_written_are_gated_soundly_by_the_normalized_text() {
        let mut sentences = examples();
        // Each anchor of a cue with capitals, as written, in a sentence of its own.
        for (_, src) in RULE_FILES {
            for (_, pat) in parse(src).unwrap().cues {
                let Some(g) = anchors::gate(&pat) else {
                    continue;
                };
                for a in g
                    .any
                    .iter()
                    .filter(|a| a.iter().any(u8::is_ascii_uppercase))
                {
                    let a = String::from_utf8_lossy(a);
                    sentences.push(format!("Write to our {a} at any time."));
                    sentences.push(format!("{a}: use the Acme  {a}, or our {a}"));
                }
            }
        }
        let norms: Vec<String> = sentences
            .iter()
            .map(|s| crate::text::normalize(s))
            .collect();
        let _scope = scope(norms.iter().map(String::as_str));
        let (mut cues, mut hits) = (0, 0);
        for (name, set) in RULES.sets.iter() {
            for c in set.cues.iter().filter(|c| c.folds) {
                let cue: &'static str = c.name.as_str();
                cues += usize::from(
                    c.lines
                        .iter()
                        .any(|l| l.bytes().any(|b| b.is_ascii_uppercase())),
                );
                for (s, n) in sentences.iter().zip(&norms) {
                    let all = set.captures_all(cue, s);
                    hits += all.len();
                    assert_eq!(
                        set.captures_all_as_written(cue, s, n),
                        all,
                        "{name}.rules `{cue}` on {s:?}"
                    );
                }
            }
        }
        assert!(
            cues >= 1 && hits > 20,
            "{cues} cues with capitals, {hits} matches"
        );
        // What normalizing could change or trim is not gated on.
        assert!(folds(b"Help Desk") && folds(b"Web2 Form"));
        for no in [
            &b" Help"[..],
            b"Desk ",
            b"Help  Desk",
            b"Help\tDesk",
            b"it's",
            b"e-mail",
            b"",
        ] {
            assert!(!folds(no), "{:?}", String::from_utf8_lossy(no));
        }
    }

    #[test]
    fn parse_defs_alternatives_and_tests() {
        let f = parse(
            "finding x\ndef a (?:b|c)\ncue k {a}d\ncue k e{2}\ntest k:yes [Head] Some text.\n",
        )
        .unwrap();
        assert_eq!(f.cues, vec![("k".into(), "(?:(?:b|c))d|e{2}".into())]);
        assert_eq!(f.examples[0].section.as_deref(), Some("Head"));
        assert_eq!(f.examples[0].sentence, "Some text.");
        assert!(parse("cue a b").is_err());
        assert!(parse("finding x\ncue k {nope}")
            .unwrap_err()
            .contains("line 2"));
    }
}
