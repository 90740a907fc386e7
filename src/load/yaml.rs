//! YAML 1.1 as Helm reads it (goyaml.v2 through sigs.k8s.io/yaml), into positioned [`Node`]s.
//!
//! `saphyr-parser` supplies the event stream with positions; everything Helm adds on top is done
//! here: YAML 1.1 scalar resolution (`on` is true, `0777` is 511), keys turned into strings, the
//! JSON round trip that makes every number a float64 and rejects `.inf`, anchors, aliases and
//! `<<` merge keys, last-wins duplicate keys.
//!
//! The tree is built with an explicit stack, so nesting depth costs heap, not call stack, and every
//! resource a hostile file could use is bounded by [`Limits`].

use super::node::{Key, Map, Node, Value};
use super::Limits;
use crate::diag::{Diagnostic, Location};
use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use std::collections::HashMap;
use std::sync::Arc;

/// Rule for YAML that does not parse.
pub const RULE_SYNTAX: &str = "yaml-syntax";
/// Rule for bytes that are not UTF-8 text YAML accepts (invalid UTF-8, NUL, control characters).
pub const RULE_ENCODING: &str = "yaml-encoding";
/// Rule for values Helm refuses after parsing (`.inf`, null or list keys, bad tags, bad merges).
pub const RULE_VALUE: &str = "yaml-value";
/// Rule for a file whose top level is not a map.
pub const RULE_NOT_MAP: &str = "values-not-map";
/// Rule for a file with several YAML documents.
pub const RULE_MULTI_DOC: &str = "multi-document";
/// Rule for a key written twice (a warning: the last one wins).
pub const RULE_DUPLICATE_KEY: &str = "duplicate-key";
/// Rule for an explicit key replaced by a later `<<` merge (a warning).
pub const RULE_MERGE_ORDER: &str = "merge-key-order";
/// Rule for a file over one of the [`Limits`].
pub const RULE_LIMIT: &str = "yaml-limit";

/// Parses one values file. `source` names it in diagnostics (a path, `-` for stdin).
///
/// Returns the root map (an empty map for an empty or comment-only file) when the file has no
/// errors, `None` when it has any; the diagnostics hold the errors and the warnings (duplicate
/// keys) in both cases.
pub fn parse_values(
    source: Arc<str>,
    bytes: &[u8],
    limits: &Limits,
) -> (Option<Node>, Vec<Diagnostic>) {
    parse_values_with(source, bytes, limits, true)
}

/// [`parse_values`] with the full YAML parser only, never the quick block reader: the reference
/// the quick reader is compared with (it must give the same tree and diagnostics).
#[doc(hidden)]
pub fn parse_values_full(
    source: Arc<str>,
    bytes: &[u8],
    limits: &Limits,
) -> (Option<Node>, Vec<Diagnostic>) {
    parse_values_with(source, bytes, limits, false)
}

/// Whether the quick block reader reads `text` (rather than leaving it to the full parser).
#[doc(hidden)]
pub fn quick_reads(text: &str) -> bool {
    super::block::events(text).is_some()
}

fn parse_values_with(
    source: Arc<str>,
    bytes: &[u8],
    limits: &Limits,
    quick: bool,
) -> (Option<Node>, Vec<Diagnostic>) {
    let at = |line, col| Location::new(source.clone(), line, col);
    if bytes.len() as u64 > limits.max_file_bytes {
        let diag = Diagnostic::error(
            at(1, 1),
            RULE_LIMIT,
            format!(
                "file is {} bytes, more than the limit of {} bytes",
                bytes.len(),
                limits.max_file_bytes
            ),
        );
        return (None, vec![diag]);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let good = &bytes[..err.valid_up_to()];
            let (line, col) = text_position(std::str::from_utf8(good).unwrap_or(""));
            let diag = Diagnostic::error(
                at(line, col),
                RULE_ENCODING,
                format!(
                    "invalid UTF-8 byte 0x{:02x}",
                    bytes.get(err.valid_up_to()).copied().unwrap_or(0)
                ),
            )
            .with_hint("save the file as UTF-8");
            return (None, vec![diag]);
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Most files are printable ASCII through and through, which a byte scan tells quickly.
    let ascii = text
        .bytes()
        .all(|b| matches!(b, b'\t' | b'\n' | b'\r' | 0x20..=0x7e));
    let unprintable = if ascii {
        None
    } else {
        text.char_indices().find(|&(_, c)| !is_yaml_printable(c))
    };
    if let Some((offset, ch)) = unprintable {
        let (line, col) = text_position(&text[..offset]);
        let message = if ch == '\0' {
            "NUL byte in the file; YAML text cannot contain it".to_string()
        } else {
            format!(
                "control character U+{:04X} is not allowed in YAML",
                u32::from(ch)
            )
        };
        let hint = if ch == '\0' {
            "remove it; a file with NUL bytes is usually binary or saved as UTF-16: save it as UTF-8"
                .to_string()
        } else {
            format!(
                "write it as an escape inside a double-quoted string, e.g. \"\\u{:04X}\"",
                u32::from(ch)
            )
        };
        let diag = Diagnostic::error(at(line, col), RULE_ENCODING, message).with_hint(hint);
        return (None, vec![diag]);
    }
    let mut builder = Builder::new(source, limits);
    builder.run(text, quick);
    builder.finish()
}

/// 1-based line and column (in characters) just after `prefix`.
fn text_position(prefix: &str) -> (u32, u32) {
    let line = prefix.matches('\n').count() + 1;
    let last = prefix.rfind('\n').map_or(prefix, |i| &prefix[i + 1..]);
    (to_u32(line), to_u32(last.chars().count() + 1))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The characters goyaml.v2's reader accepts.
fn is_yaml_printable(c: char) -> bool {
    matches!(u32::from(c),
        0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0x85 | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

// ------------------------------------------------------------------------------------------------
// Scalar resolution

/// A scalar as goyaml.v2 hands it to sigs.k8s.io/yaml, before the JSON round trip.
#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    /// Positive integers above `i64::MAX` (Go's uint64).
    Uint(u64),
    Float(f64),
    Str(String),
}

/// Resolves a plain (untagged, unquoted) scalar the way goyaml.v2's `resolve` does.
fn resolve_plain(text: &str) -> Scalar {
    let Some(&first) = text.as_bytes().first() else {
        return Scalar::Null;
    };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => {
            resolve_word(text).unwrap_or_else(|| Scalar::Str(text.to_string()))
        }
        b'.' => {
            if let Some(word) = resolve_word(text) {
                return word;
            }
            if is_dot_float(text) {
                if let Ok(f) = text.parse::<f64>() {
                    if f.is_finite() {
                        return Scalar::Float(f);
                    }
                }
            }
            Scalar::Str(text.to_string())
        }
        b'0'..=b'9' | b'+' | b'-' => {
            if let Some(word) = resolve_word(text) {
                return word;
            }
            resolve_number(text).unwrap_or_else(|| Scalar::Str(text.to_string()))
        }
        _ => Scalar::Str(text.to_string()),
    }
}

/// The fixed words of YAML 1.1 that goyaml.v2 looks up in its table.
fn resolve_word(text: &str) -> Option<Scalar> {
    Some(match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Scalar::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Scalar::Bool(false)
        }
        "~" | "null" | "Null" | "NULL" => Scalar::Null,
        ".nan" | ".NaN" | ".NAN" => Scalar::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Scalar::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Scalar::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// Text starting with a digit or sign: timestamps stay strings (goyaml.v2 hands them to
/// interface{} as their text), then Go `ParseInt(s, 0, 64)` / `ParseUint` with `_` removed, then
/// the YAML float pattern.
fn resolve_number(text: &str) -> Option<Scalar> {
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(i) = go_parse_int(&plain) {
        return Some(Scalar::Int(i));
    }
    if let Some(u) = go_parse_uint(&plain) {
        return Some(Scalar::Uint(u));
    }
    if is_yaml_float(&plain) {
        if let Ok(f) = plain.parse::<f64>() {
            // Go reports overflow as an error, and the text stays a string.
            if f.is_finite() {
                return Some(Scalar::Float(f));
            }
        }
    }
    None
}

/// Go `strconv.ParseInt(s, 0, 64)` on text without underscores.
fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = go_parse_uint(rest)?;
    if negative {
        if magnitude <= i64::MAX as u64 {
            Some(-(magnitude as i64))
        } else if magnitude == i64::MAX as u64 + 1 {
            Some(i64::MIN)
        } else {
            None
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go `strconv.ParseUint(s, 0, 64)`: base prefixes `0x`, `0o`, `0b`, and a leading `0` for octal.
fn go_parse_uint(s: &str) -> Option<u64> {
    let lower = s.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits) = match lower.as_deref() {
        Some("0x") => (16, &s[2..]),
        Some("0o") => (8, &s[2..]),
        Some("0b") => (2, &s[2..]),
        _ if s.len() > 1 && s.starts_with('0') => (8, &s[1..]),
        _ => (10, s),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// goyaml.v2's float pattern `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Text starting with `.` that Go's `ParseFloat` accepts.
fn is_dot_float(s: &str) -> bool {
    s.starts_with('.') && is_yaml_float(s)
}

/// Turns a resolved scalar into what Helm's templates see after sigs.k8s.io/yaml's JSON round
/// trip: numbers become float64 (held as `Int` when integral and within i64, which loses precision
/// above 2^53 exactly as Helm does). `Err` for values JSON cannot hold.
fn scalar_value(scalar: Scalar) -> Result<Value, String> {
    Ok(match scalar {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => Value::Bool(b),
        Scalar::Int(i) => number_value(i as f64),
        Scalar::Uint(u) => number_value(u as f64),
        Scalar::Float(f) if f.is_nan() => return Err("NaN".to_string()),
        Scalar::Float(f) if f.is_infinite() => {
            return Err(if f > 0.0 { "+Inf" } else { "-Inf" }.to_string())
        }
        Scalar::Float(f) => number_value(f),
        Scalar::Str(s) => Value::Str(s),
    })
}

/// A float64 as the tree holds it: `Int` when integral and within i64, else `Float`.
pub(crate) fn number_value(f: f64) -> Value {
    // 2^63 is the first float above i64::MAX; every integral float below it fits.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f.fract() == 0.0 && (-TWO_63..TWO_63).contains(&f) {
        Value::Int(f as i64)
    } else {
        Value::Float(f)
    }
}

/// The string sigs.k8s.io/yaml makes of a non-string key. `Err` names the Go type it refuses.
fn key_string(scalar: &Scalar) -> Result<String, &'static str> {
    match scalar {
        Scalar::Null => Err("null"),
        Scalar::Uint(_) => Err("uint64"),
        Scalar::Bool(b) => Ok(b.to_string()),
        Scalar::Int(i) => Ok(i.to_string()),
        Scalar::Float(f) => Ok(format_float_g32(*f)),
        Scalar::Str(s) => Ok(s.clone()),
    }
}

/// Go `strconv.FormatFloat(f, 'g', -1, 32)`, with sigs.k8s.io/yaml's names for the
/// non-finite values.
pub(crate) fn format_float_g32(f: f64) -> String {
    let x = f as f32;
    if x.is_nan() {
        return ".nan".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { ".inf" } else { "-.inf" }.to_string();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    // Rust prints the shortest digits that read back to the same f32, as Go does.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if x < 0.0 { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        let (head, tail) = digits.split_at(1);
        let dot = if tail.is_empty() { "" } else { "." };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{head}{dot}{tail}e{esign}{:02}", exp.abs())
    } else if exp < 0 {
        let zeros = "0".repeat(usize::try_from(-exp - 1).unwrap_or(0));
        format!("{sign}0.{zeros}{digits}")
    } else {
        let point = usize::try_from(exp + 1).unwrap_or(0);
        if digits.len() <= point {
            format!("{sign}{digits}{}", "0".repeat(point - digits.len()))
        } else {
            format!("{sign}{}.{}", &digits[..point], &digits[point..])
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Tree building

/// A finished node with what its parent needs to know about it.
struct Built {
    node: Node,
    /// Nodes in the subtree (for the alias and node budgets).
    count: usize,
    /// Levels of maps and lists in the subtree (0 for a scalar).
    height: usize,
    /// For scalars: the value before the JSON round trip, which decides map keys.
    scalar: Option<Resolved>,
    /// A plain `<<` (or `!!merge`), which means "merge" in key position.
    merge: bool,
    /// Why this scalar cannot be a value (`.inf`); it can still be a key.
    value_error: Option<Box<Diagnostic>>,
}

/// A node seen through an anchor.
struct Anchored {
    node: Node,
    count: usize,
    height: usize,
    scalar: Option<Resolved>,
    value_error: Option<Box<Diagnostic>>,
}

/// A scalar before the JSON round trip. A string is the same before and after it, so it is not
/// held twice: `Str` stands for the `Value::Str` of the node it came with.
#[derive(Clone)]
enum Resolved {
    Str,
    Other(Scalar),
}

/// How a map key was written, to tell `1:` and `"1":` apart (both become the key "1").
enum RawKey {
    Str,
    Other {
        scalar: Scalar,
        /// The key as written, when YAML 1.1 resolved it to a non-string.
        plain: Option<Box<str>>,
    },
}

impl RawKey {
    fn same(&self, other: &RawKey) -> bool {
        match (self, other) {
            (RawKey::Str, RawKey::Str) => true,
            (RawKey::Other { scalar: a, .. }, RawKey::Other { scalar: b, .. }) => a == b,
            _ => false,
        }
    }

    /// The key as written, for messages; `name` is the string it became.
    fn written(&self, name: &str) -> String {
        match self {
            RawKey::Str => format!("{name:?}"),
            RawKey::Other { plain, .. } => plain.as_deref().unwrap_or(name).to_string(),
        }
    }
}

/// What a map remembers about one of its keys (at the key's index in the map).
#[derive(Default)]
struct KeySlot {
    /// Where the key was last written explicitly (not merged in by `<<`).
    explicit: Option<Location>,
    /// The first explicit key that became this name: how it was written, and where.
    raw: Option<(RawKey, Location)>,
}

enum Pending {
    /// The next node is a key.
    None,
    /// A key's name (the string Helm makes of it) and where it was written.
    Key(String, Key),
    /// A `<<` key: the next node is merged in.
    Merge(Location),
    /// A key that was refused; its value is read and dropped.
    Skip,
}

struct MapFrame {
    map: Map,
    pending: Pending,
    /// One per entry of `map`, at the same index.
    slots: Vec<KeySlot>,
    /// How the pending key was written, when it is the first explicit key of its name.
    pending_raw: Option<(RawKey, Location)>,
}

impl MapFrame {
    /// Inserts or replaces an entry and returns its index, keeping `slots` in step.
    fn insert(&mut self, name: String, entry: (Key, Node)) -> usize {
        let (index, _) = self.map.insert_full(name, entry);
        if index >= self.slots.len() {
            self.slots.resize_with(index + 1, KeySlot::default);
        }
        index
    }
}

enum Collection {
    Seq(Vec<Node>),
    Map(MapFrame),
}

struct Frame {
    location: Location,
    anchor: usize,
    count: usize,
    height: usize,
    collection: Collection,
}

/// Why building stopped early.
struct Stop;

struct Builder<'l> {
    source: Arc<str>,
    limits: &'l Limits,
    diags: Vec<Diagnostic>,
    errors: bool,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    alias_nodes: usize,
    total_nodes: usize,
    documents: usize,
    document_location: Option<Location>,
    root: Option<Node>,
    first_root: Option<Node>,
}

impl<'l> Builder<'l> {
    fn new(source: Arc<str>, limits: &'l Limits) -> Self {
        Builder {
            source,
            limits,
            diags: Vec::new(),
            errors: false,
            stack: Vec::new(),
            anchors: HashMap::default(),
            alias_nodes: 0,
            total_nodes: 0,
            documents: 0,
            document_location: None,
            root: None,
            first_root: None,
        }
    }

    fn loc(&self, span: &Span) -> Location {
        Location::new(
            self.source.clone(),
            to_u32(span.start.line()),
            to_u32(span.start.col() + 1),
        )
    }

    fn error(&mut self, location: Location, rule: &'static str, message: impl Into<String>) {
        self.errors = true;
        self.diags.push(Diagnostic::error(location, rule, message));
    }

    /// Feeds the events of `text` to the builder: from the quick block reader when `quick` is
    /// set and the text is in its subset, from the full parser otherwise.
    fn run(&mut self, text: &str, quick: bool) {
        let lines = std::cell::OnceCell::new();
        let lines = || lines.get_or_init(|| text.split('\n').collect::<Vec<&str>>());
        if quick {
            if let Some(events) = super::block::events(text) {
                for (event, span) in events {
                    if self.located_event(event, span, &lines).is_err() {
                        return;
                    }
                }
                return;
            }
        }
        let mut parser = Parser::new_from_str(text);
        while let Some(event) = parser.next_event() {
            let (event, span) = match event {
                Ok(pair) => pair,
                Err(err) => {
                    let (line, mut col) = (err.marker().line(), err.marker().col());
                    // The parser reports a tab after it has stepped over it; point at the tab.
                    if err.info().contains("tab")
                        && col > 0
                        && char_at(lines(), line, col - 1) == Some('\t')
                    {
                        col -= 1;
                    }
                    let location =
                        Location::new(self.source.clone(), to_u32(line), to_u32(col + 1));
                    self.error(location, RULE_SYNTAX, err.info().to_string());
                    return;
                }
            };
            if self.located_event(event, span, &lines).is_err() {
                return;
            }
        }
    }

    /// [`Self::event`], after moving the start of a list written level with its key from its
    /// first item's content (where the parser reports it) to the dash.
    fn located_event<'s>(
        &mut self,
        event: Event<'_>,
        mut span: Span,
        lines: &impl Fn() -> &'s Vec<&'s str>,
    ) -> Result<(), Stop> {
        if let Event::SequenceStart(..) = event {
            let (line, col) = (span.start.line(), span.start.col());
            let lines = lines();
            if col >= 2
                && char_at(lines, line, col - 1) == Some(' ')
                && char_at(lines, line, col - 2) == Some('-')
                && !matches!(char_at(lines, line, col), Some('-') | Some('['))
            {
                span.start =
                    saphyr_parser::Marker::new(span.start.index().saturating_sub(2), line, col - 2);
            }
        }
        self.event(event, span)
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), Stop> {
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > self.limits.max_documents {
                    self.error(
                        self.loc(&span),
                        RULE_LIMIT,
                        format!(
                            "more than {} YAML documents in one file",
                            self.limits.max_documents
                        ),
                    );
                    return Err(Stop);
                }
                self.document_location = Some(self.loc(&span));
                self.anchors.clear();
            }
            Event::DocumentEnd => return self.end_document(),
            Event::Alias(id) => {
                let location = self.loc(&span);
                let built = self.alias(id, location)?;
                self.attach(built)?;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let built = self.scalar(&text, style, tag.as_deref(), self.loc(&span));
                self.total(1)?;
                let built = self.anchor(anchor, built);
                self.attach(built)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.push(span, anchor, Collection::Seq(Vec::new()))?;
            }
            Event::MappingStart(anchor, _) => {
                let frame = MapFrame {
                    map: Map::default(),
                    pending: Pending::None,
                    slots: Vec::new(),
                    pending_raw: None,
                };
                self.push(span, anchor, Collection::Map(frame))?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let value = match frame.collection {
                    Collection::Seq(items) => Value::Seq(items),
                    Collection::Map(m) => Value::Map(m.map),
                };
                let built = Built {
                    node: Node::new(value, frame.location),
                    count: frame.count + 1,
                    height: frame.height + 1,
                    scalar: None,
                    merge: false,
                    value_error: None,
                };
                let built = self.anchor(frame.anchor, built);
                self.attach(built)?;
            }
        }
        Ok(())
    }

    fn push(&mut self, span: Span, anchor: usize, collection: Collection) -> Result<(), Stop> {
        self.total(1)?;
        if self.stack.len() >= self.limits.max_depth {
            self.error(
                self.loc(&span),
                RULE_LIMIT,
                format!(
                    "maps and lists nested deeper than {} levels",
                    self.limits.max_depth
                ),
            );
            return Err(Stop);
        }
        self.stack.push(Frame {
            location: self.loc(&span),
            anchor,
            count: 0,
            height: 0,
            collection,
        });
        Ok(())
    }

    fn total(&mut self, nodes: usize) -> Result<(), Stop> {
        self.total_nodes = self.total_nodes.saturating_add(nodes);
        if self.total_nodes > self.limits.max_nodes {
            let location = self.stack.last().map_or_else(
                || Location::new(self.source.clone(), 1, 1),
                |f| f.location.clone(),
            );
            self.error(
                location,
                RULE_LIMIT,
                format!("more than {} values in one file", self.limits.max_nodes),
            );
            return Err(Stop);
        }
        Ok(())
    }

    fn anchor(&mut self, anchor: usize, built: Built) -> Built {
        if anchor > 0 {
            self.anchors.insert(
                anchor,
                Anchored {
                    node: built.node.clone(),
                    count: built.count,
                    height: built.height,
                    scalar: built.scalar.clone(),
                    value_error: built.value_error.clone(),
                },
            );
        }
        built
    }

    fn alias(&mut self, id: usize, location: Location) -> Result<Built, Stop> {
        let Some(anchored) = self.anchors.get(&id) else {
            // saphyr refuses unknown names; an id without a finished node is an alias used
            // inside the node its anchor names.
            self.error(
                location,
                RULE_VALUE,
                "alias refers to the map or list that contains it",
            );
            return Err(Stop);
        };
        let (count, height) = (anchored.count, anchored.height);
        self.alias_nodes = self.alias_nodes.saturating_add(count);
        if self.alias_nodes > self.limits.max_alias_nodes {
            self.error(
                location,
                RULE_LIMIT,
                format!(
                    "aliases expand to more than {} values (limit against alias bombs)",
                    self.limits.max_alias_nodes
                ),
            );
            return Err(Stop);
        }
        if self.stack.len() + height > self.limits.max_depth {
            self.error(
                location,
                RULE_LIMIT,
                format!(
                    "alias expands to maps and lists nested deeper than {} levels",
                    self.limits.max_depth
                ),
            );
            return Err(Stop);
        }
        self.total(count)?;
        let Some(anchored) = self.anchors.get(&id) else {
            return Err(Stop);
        };
        let mut node = anchored.node.clone();
        let value_error = anchored.value_error.clone().map(|mut d| {
            d.location = location.clone();
            d
        });
        node.location = location;
        Ok(Built {
            node,
            count,
            height,
            scalar: anchored.scalar.clone(),
            merge: false,
            value_error,
        })
    }

    fn scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        location: Location,
    ) -> Built {
        let core = tag
            .filter(|t| t.is_yaml_core_schema())
            .map(|t| t.suffix.as_str());
        let merge = match core {
            Some("merge") => true,
            None => tag.is_none() && style == ScalarStyle::Plain && text == "<<",
            _ => false,
        };
        let implicit = tag.is_none() && style == ScalarStyle::Plain;
        let resolved = match (core, tag) {
            (None, None) if implicit => Ok(resolve_plain(text)),
            (None, _) => Ok(Scalar::Str(text.to_string())),
            (Some(kind), _) => resolve_tagged(kind, text),
        };
        let scalar = match resolved {
            Ok(s) => s,
            Err(message) => {
                self.error(location.clone(), RULE_VALUE, message);
                Scalar::Null
            }
        };
        let mut node = Node::new(Value::Null, location.clone());
        let mut value_error = None;
        let (value, scalar) = match scalar {
            Scalar::Str(s) => (Ok(Value::Str(s)), Resolved::Str),
            other => (scalar_value(other.clone()), Resolved::Other(other)),
        };
        match value {
            Ok(value) => node.value = value,
            Err(go) => {
                value_error = Some(Box::new(
                    Diagnostic::error(
                        location,
                        RULE_VALUE,
                        format!("{text} is not a value Helm accepts (JSON has no {go})"),
                    )
                    .with_hint("quote it to make it a string"),
                ));
            }
        }
        if implicit && !text.is_empty() && !matches!(node.value, Value::Str(_)) {
            node.plain = Some(text.into());
        }
        Built {
            node,
            count: 1,
            height: 0,
            scalar: Some(scalar),
            merge,
            value_error,
        }
    }

    /// Helm's dotted path of the collection on top of the stack, followed by `last`.
    fn path(&self, last: &str) -> String {
        let mut out = String::new();
        for frame in &self.stack {
            match &frame.collection {
                Collection::Seq(items) => out.push_str(&format!("[{}]", items.len())),
                Collection::Map(MapFrame {
                    pending: Pending::Key(name, _),
                    ..
                }) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                }
                Collection::Map(_) => {}
            }
        }
        if !last.is_empty() {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(last);
        }
        out
    }

    /// Adds a finished node to the collection being built, or makes it the document root.
    fn attach(&mut self, mut built: Built) -> Result<(), Stop> {
        let is_key = matches!(
            self.stack.last().map(|f| &f.collection),
            Some(Collection::Map(MapFrame {
                pending: Pending::None,
                ..
            }))
        );
        if let Some(diag) = built.value_error.take().filter(|_| !is_key) {
            self.errors = true;
            let path = self.path("");
            self.diags.push(diag.with_path(path));
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(built.node);
            return Ok(());
        };
        frame.count += built.count;
        frame.height = frame.height.max(built.height);
        let Collection::Map(map) = &mut frame.collection else {
            if let Collection::Seq(items) = &mut frame.collection {
                items.push(built.node);
            }
            return Ok(());
        };
        match std::mem::replace(&mut map.pending, Pending::None) {
            Pending::None => {
                let pending = self.key(built);
                if let Some(Collection::Map(map)) = self.stack.last_mut().map(|f| &mut f.collection)
                {
                    map.pending = pending;
                }
            }
            Pending::Skip => {}
            Pending::Key(name, key) => {
                let raw = map.pending_raw.take();
                let first = map
                    .map
                    .get_index_of(&name)
                    .and_then(|i| map.slots.get(i))
                    .and_then(|slot| slot.explicit.clone());
                let warning = first.map(|first| {
                    Diagnostic::warning(
                        key.location.clone(),
                        RULE_DUPLICATE_KEY,
                        format!(
                            "key {:?} is already set at {}:{}; Helm keeps this later one",
                            name, first.line, first.col
                        ),
                    )
                    .with_path(self.path(&name))
                });
                if let Some(Collection::Map(map)) = self.stack.last_mut().map(|f| &mut f.collection)
                {
                    let location = key.location.clone();
                    let index = map.insert(name, (key, built.node));
                    let slot = &mut map.slots[index];
                    slot.explicit = Some(location);
                    if slot.raw.is_none() {
                        slot.raw = raw;
                    }
                }
                if let Some(w) = warning {
                    self.diags.push(w);
                }
            }
            Pending::Merge(location) => self.merge(location, built.node),
        }
        Ok(())
    }

    /// Turns a node in key position into the pending key of the map on top of the stack.
    fn key(&mut self, built: Built) -> Pending {
        let location = built.node.location.clone();
        if built.merge {
            return Pending::Merge(location);
        }
        let (name, raw) = match (built.scalar, built.node.value) {
            (Some(Resolved::Str), Value::Str(name)) => (name, RawKey::Str),
            (Some(Resolved::Other(scalar)), _) => match key_string(&scalar) {
                Ok(name) => {
                    let plain = built.node.plain;
                    (name, RawKey::Other { scalar, plain })
                }
                Err(go_type) => {
                    let message = if go_type == "null" {
                        "a null key is not allowed".to_string()
                    } else {
                        format!(
                            "key {} is too large a number for a map key",
                            built.node.plain.as_deref().unwrap_or("")
                        )
                    };
                    self.diags.push(
                        Diagnostic::error(location, RULE_VALUE, message)
                            .with_hint("quote the key to make it a string"),
                    );
                    self.errors = true;
                    return Pending::Skip;
                }
            },
            (_, value) => {
                let node = Node::new(value, location.clone());
                self.error(
                    location,
                    RULE_VALUE,
                    format!("a {} cannot be a map key", node.type_name()),
                );
                return Pending::Skip;
            }
        };
        // Keys that differ before the string conversion (`1` and `"1"`, `1` and `1.0`) are
        // different keys to goyaml.v2, and sigs.k8s.io/yaml then keeps one of them at random.
        let mut warning = None;
        if let Some(Collection::Map(map)) = self.stack.last_mut().map(|f| &mut f.collection) {
            let slot = map
                .map
                .get_index_of(&name)
                .and_then(|i| map.slots.get_mut(i));
            match slot {
                Some(KeySlot {
                    explicit,
                    raw: Some((first, first_loc)),
                }) if !first.same(&raw) => {
                    // Not a plain duplicate: Helm's winner is random, said below.
                    *explicit = None;
                    warning = Some(
                        Diagnostic::warning(
                            location.clone(),
                            RULE_DUPLICATE_KEY,
                            format!(
                                "key {} becomes {name:?}, the same key as {} at {}:{}; Helm keeps either one at random",
                                raw.written(&name),
                                first.written(&name),
                                first_loc.line,
                                first_loc.col
                            ),
                        )
                        .with_hint("write the key once, quoted"),
                    );
                }
                Some(KeySlot { raw: Some(_), .. }) => {}
                _ => map.pending_raw = Some((raw, location.clone())),
            }
        }
        if let Some(w) = warning {
            let path = self.path(&name);
            self.diags.push(w.with_path(path));
        }
        Pending::Key(name, Key { location })
    }

    /// `<<: value` into the map on top of the stack. goyaml.v2 writes merged keys over what the
    /// map holds so far, so keys written after `<<` win and keys written before it lose.
    fn merge(&mut self, location: Location, value: Node) {
        let sources: Vec<Node> = match value.value {
            Value::Map(_) => vec![value],
            Value::Seq(items) if items.iter().all(|n| matches!(n.value, Value::Map(_))) => {
                // Earlier maps in the list take precedence, so they are written last.
                items.into_iter().rev().collect()
            }
            _ => {
                self.error(
                    location,
                    RULE_VALUE,
                    "a << merge needs a map or a list of maps",
                );
                return;
            }
        };
        let mut warnings = Vec::new();
        let base = self.path("");
        if let Some(Collection::Map(frame)) = self.stack.last_mut().map(|f| &mut f.collection) {
            for source in sources {
                let Value::Map(entries) = source.value else {
                    continue;
                };
                for (name, entry) in entries {
                    let explicit = frame
                        .map
                        .get_index_of(&name)
                        .and_then(|i| frame.slots.get_mut(i))
                        .and_then(|slot| slot.explicit.take());
                    if let Some(explicit) = explicit {
                        warnings.push(
                            Diagnostic::warning(
                                explicit,
                                RULE_MERGE_ORDER,
                                format!(
                                    "key {name:?} is replaced by the << merge at {}:{}",
                                    location.line, location.col
                                ),
                            )
                            .with_path(if base.is_empty() {
                                name.clone()
                            } else {
                                format!("{base}.{name}")
                            })
                            .with_hint("put << first so keys written in the map win"),
                        );
                    }
                    frame.insert(name, entry);
                }
            }
        }
        self.diags.extend(warnings);
    }

    fn end_document(&mut self) -> Result<(), Stop> {
        let root = self.root.take();
        let location = self
            .document_location
            .clone()
            .unwrap_or_else(|| Location::new(self.source.clone(), 1, 1));
        if self.documents <= 1 {
            self.first_root = Some(match root {
                None => Node::new(Value::Map(Map::default()), location),
                Some(node) => node,
            });
            return Ok(());
        }
        let empty = match root.as_ref().map(|n| &n.value) {
            None | Some(Value::Null) => true,
            Some(Value::Map(m)) => m.is_empty(),
            _ => false,
        };
        if empty {
            return Ok(());
        }
        self.diags.push(
            Diagnostic::error(
                location,
                RULE_MULTI_DOC,
                "a second YAML document: Helm 3 reads only the first document of a values file and Helm 4 merges all of them",
            )
            .with_hint("keep one document per values file (remove the --- line) or split it into several -f files"),
        );
        self.errors = true;
        Err(Stop)
    }

    fn finish(mut self) -> (Option<Node>, Vec<Diagnostic>) {
        let root = match self.first_root.take() {
            Some(root) => root,
            None => Node::new(
                Value::Map(Map::default()),
                Location::new(self.source.clone(), 1, 1),
            ),
        };
        let root = match root.value {
            Value::Map(_) => Some(root),
            Value::Null => Some(Node::new(Value::Map(Map::default()), root.location)),
            _ => {
                let message = format!(
                    "the top level of a values file must be a map, found a {}",
                    root.type_name()
                );
                self.diags.push(
                    Diagnostic::error(root.location.clone(), RULE_NOT_MAP, message)
                        .with_hint("write key: value pairs at the top level"),
                );
                self.errors = true;
                None
            }
        };
        let root = if self.errors { None } else { root };
        (root, self.diags)
    }
}

/// A scalar with an explicit core-schema tag (`!!str 12`, `!!int "7"`), as goyaml.v2 decodes it
/// into interface{}.
fn resolve_tagged(kind: &str, text: &str) -> Result<Scalar, String> {
    let resolved = || resolve_plain(text);
    match kind {
        "str" | "timestamp" => Ok(Scalar::Str(text.to_string())),
        "binary" => decode_base64(text)
            .map(|b| Scalar::Str(String::from_utf8_lossy(&b).into_owned()))
            .ok_or_else(|| "!!binary value is not valid base64".to_string()),
        "bool" => match resolved() {
            b @ Scalar::Bool(_) => Ok(b),
            _ => Err(format!("cannot read {text:?} as a !!bool")),
        },
        "int" => match resolved() {
            i @ (Scalar::Int(_) | Scalar::Uint(_)) => Ok(i),
            _ => Err(format!("cannot read {text:?} as a !!int")),
        },
        "float" => match resolved() {
            f @ Scalar::Float(_) => Ok(f),
            Scalar::Int(i) => Ok(Scalar::Float(i as f64)),
            Scalar::Uint(u) => Ok(Scalar::Float(u as f64)),
            _ => Err(format!("cannot read {text:?} as a !!float")),
        },
        "null" => match resolved() {
            Scalar::Null => Ok(Scalar::Null),
            _ => Ok(Scalar::Str(text.to_string())),
        },
        // Other tags (`!!map` on a scalar, `!custom`) leave the text as it is.
        _ => Ok(Scalar::Str(text.to_string())),
    }
}

/// Standard base64 (with padding, whitespace ignored), as YAML's `!!binary` uses.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0u32;
    let mut padding = 0;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padding += 1;
                continue;
            }
            _ => return None,
        };
        if padding > 0 {
            return None;
        }
        buf = (buf << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((buf >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The character at 1-based `line`, 0-based character column `col` of the split source.
fn char_at(lines: &[&str], line: usize, col: usize) -> Option<char> {
    lines.get(line.checked_sub(1)?)?.chars().nth(col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_parse_int_follows_base_prefixes() {
        assert_eq!(go_parse_int("0777"), Some(511));
        assert_eq!(go_parse_int("0o17"), Some(15));
        assert_eq!(go_parse_int("0x1F"), Some(31));
        assert_eq!(go_parse_int("-0x10"), Some(-16));
        assert_eq!(go_parse_int("0b101"), Some(5));
        assert_eq!(go_parse_int("08"), None);
        assert_eq!(go_parse_int("0x"), None);
        assert_eq!(go_parse_int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(go_parse_int("9223372036854775808"), None);
        assert_eq!(go_parse_uint("9223372036854775808"), Some(1 << 63));
    }

    #[test]
    fn yaml_float_pattern() {
        for ok in ["1.5", "1e3", ".5", "1.", "1E3", "+1.5e-3", "08"] {
            assert!(is_yaml_float(ok), "{ok}");
        }
        for bad in ["1:30", "e3", ".", "1e", "1.5.5", "0x1p3", ""] {
            assert!(!is_yaml_float(bad), "{bad}");
        }
    }

    #[test]
    fn format_float_g32_matches_go() {
        let cases = [
            (1.5, "1.5"),
            (2.0, "2"),
            (1e3, "1000"),
            (1.23456789012, "1.2345679"),
            (1e20, "1e+20"),
            (1e6, "1e+06"),
            (123456.0, "123456"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5, "-2.5"),
            (1e300, ".inf"),
        ];
        for (f, want) in cases {
            assert_eq!(format_float_g32(f), want, "{f}");
        }
    }

    #[test]
    fn number_value_keeps_float64_precision() {
        assert_eq!(number_value(42.0), Value::Int(42));
        assert_eq!(number_value(1.5), Value::Float(1.5));
        assert_eq!(
            number_value(9_007_199_254_740_993_i64 as f64),
            Value::Int(9_007_199_254_740_992)
        );
        assert!(matches!(number_value(i64::MAX as f64), Value::Float(_)));
    }

    #[test]
    fn base64_decodes() {
        assert_eq!(decode_base64("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode_base64("a$"), None);
    }
}
