//! Helm's `--set` family grammar (strvals), parsed into the tree built so far.
//!
//! This follows Helm's `pkg/strvals` closely, error paths included, because users copy `--set`
//! lines between Helm and this tool: `k=v[,k=v]`, `.` for maps, `[N]` for list indexes, `\`
//! escaping the next character, `{a,b}` lists, and Helm's typing of `--set` values (`true`,
//! `null`, decimal int64; everything else a string). Where Helm panics on a type assertion
//! (walking into a string with `a.b=1`), this reports a located error instead.
//!
//! Locations: the source is the flag and its argument as typed (`--set a.b=1`), line 1, and the
//! column is the 1-based character column inside the argument.

use super::merge::merge_layers;
use super::node::{Key, Map, Node, Value};
use super::yaml::number_value;
use super::{read_source, Limits};
use crate::diag::{Diagnostic, Location};
use std::path::Path;
use std::sync::Arc;

/// Rule for a `--set*` argument that does not follow the grammar.
pub const RULE_SYNTAX: &str = "set-syntax";
/// Rule for a `--set*` key that walks into a value that is not a map (or list).
pub const RULE_TYPE: &str = "set-type";
/// Rule for a `--set-file` file that cannot be read.
pub const RULE_FILE: &str = "set-file";
/// Rule for a `--set-json` value that is not JSON.
pub const RULE_JSON: &str = "set-json";
/// Rule for the whole-object `--set-json '{...}'` form, which only Helm 4 accepts (a warning).
pub const RULE_JSON_OBJECT: &str = "set-json-object";

/// Helm's largest list index (`MaxIndex`).
pub const MAX_INDEX: i64 = 65536;
/// Helm's deepest `a.b.c` nesting (`MaxNestedNameLevel`).
pub const MAX_NESTED_NAME_LEVEL: usize = 30;
/// Deepest `a[0][0]...` nesting. Helm has no bound here; this one only keeps the parser's
/// recursion finite.
const MAX_NESTED_INDEX_LEVEL: usize = 64;

/// Which `--set*` flag an argument came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetKind {
    /// `--set-json`: values are JSON.
    Json,
    /// `--set`: values typed by Helm's `typedVal`.
    Set,
    /// `--set-string`: every value a string.
    String,
    /// `--set-file`: values are paths, and the files' contents become strings.
    File,
    /// `--set-literal`: no escapes, one key, the value is the rest of the argument.
    Literal,
}

impl SetKind {
    /// The flag as typed on the command line.
    pub fn flag(self) -> &'static str {
        match self {
            SetKind::Json => "--set-json",
            SetKind::Set => "--set",
            SetKind::String => "--set-string",
            SetKind::File => "--set-file",
            SetKind::Literal => "--set-literal",
        }
    }

    /// How diagnostics name an argument of this flag: `--set a.b=1`.
    /// Long arguments are cut to their first 80 characters (the column in a location still
    /// counts in the whole argument), so a huge `--set` does not flood every message.
    pub fn source_name(self, arg: &str) -> String {
        const SHOWN: usize = 80;
        match arg.char_indices().nth(SHOWN) {
            Some((cut, _)) => format!("{} {}…", self.flag(), &arg[..cut]),
            None => format!("{} {arg}", self.flag()),
        }
    }
}

/// Parses one `--set*` argument into `into` (a map), as Helm's `strvals.Parse*Into` does.
/// Warnings (the Helm-4-only `--set-json '{...}'` form) are dropped; use [`apply_with`] to get
/// them. Changes made before an error stay, as in Helm.
pub fn apply(kind: SetKind, arg: &str, into: &mut Node) -> Result<(), Diagnostic> {
    apply_with(kind, arg, into, &Limits::default()).map(|_| ())
}

/// [`apply`] with explicit limits for `--set-file` reads; returns the warnings.
pub fn apply_with(
    kind: SetKind,
    arg: &str,
    into: &mut Node,
    limits: &Limits,
) -> Result<Vec<Diagnostic>, Diagnostic> {
    let source: Arc<str> = Arc::from(kind.source_name(arg));
    if !matches!(into.value, Value::Map(_)) {
        into.value = Value::Map(Map::default());
    }
    if kind == SetKind::Json {
        let lead = arg.chars().take_while(|c| c.is_whitespace()).count();
        if arg.trim().starts_with('{') {
            return apply_json_object(arg.trim(), lead, source, into);
        }
    }
    let mut parser = StrParser {
        kind,
        chars: arg.chars().collect(),
        pos: 0,
        source,
        limits,
    };
    let Value::Map(root) = &mut into.value else {
        return Ok(Vec::new());
    };
    loop {
        match parser.key(root, 0, "") {
            Ok(()) => {}
            Err(Stop::Eof) => return Ok(Vec::new()),
            Err(Stop::Fail(diag)) => return Err(diag),
        }
    }
}

/// Helm 4's `--set-json '{"a":{"b":1}}'`: the whole argument is one JSON object, deep-merged.
fn apply_json_object(
    text: &str,
    lead: usize,
    source: Arc<str>,
    into: &mut Node,
) -> Result<Vec<Diagnostic>, Diagnostic> {
    let location = Location::new(source, 1, to_u32(lead + 1));
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        Diagnostic::error(
            location.clone(),
            RULE_JSON,
            format!("not a JSON object: {e}"),
        )
    })?;
    if !json.is_object() {
        return Err(Diagnostic::error(location, RULE_JSON, "not a JSON object"));
    }
    merge_layers(into, json_node(json, &location));
    Ok(vec![Diagnostic::warning(
        location,
        RULE_JSON_OBJECT,
        "a whole JSON object in --set-json is merged by Helm 4, but Helm 3 refuses it",
    )
    .with_hint(
        "for Helm 3, write key=JSON pairs: --set-json 'a.b={\"c\":1}'",
    )])
}

/// A JSON value as a tree node: numbers become float64 as Go's `json.Decoder` makes them.
fn json_node(json: serde_json::Value, location: &Location) -> Node {
    use serde_json::Value as J;
    let value = match json {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(b),
        J::Number(n) => n.as_f64().map_or(Value::Null, number_value),
        J::String(s) => Value::Str(s),
        J::Array(items) => Value::Seq(items.into_iter().map(|v| json_node(v, location)).collect()),
        J::Object(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = Key {
                        location: location.clone(),
                    };
                    (k, (key, json_node(v, location)))
                })
                .collect(),
        ),
    };
    Node::new(value, location.clone())
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Why a parse step ended: the end of the argument (not an error), or a failure.
enum Stop {
    Eof,
    Fail(Diagnostic),
}

/// What reading up to a stop character found.
struct Run {
    text: String,
    /// The stop character, `None` at the end of the argument.
    last: Option<char>,
    /// 0-based character index where the run started.
    start: usize,
}

struct StrParser<'l> {
    kind: SetKind,
    chars: Vec<char>,
    pos: usize,
    source: Arc<str>,
    limits: &'l Limits,
}

impl StrParser<'_> {
    fn at(&self, index: usize) -> Location {
        Location::new(self.source.clone(), 1, to_u32(index + 1))
    }

    fn fail(&self, index: usize, rule: &'static str, message: impl Into<String>) -> Stop {
        Stop::Fail(Diagnostic::error(self.at(index), rule, message))
    }

    fn literal(&self) -> bool {
        self.kind == SetKind::Literal
    }

    /// Helm's `runesUntil`: reads to the first stop character, `\` escaping the next one
    /// (except for `--set-literal`, which has no escapes).
    fn runes_until(&mut self, stop: &[char]) -> Run {
        let start = self.pos;
        let mut text = String::new();
        while let Some(&c) = self.chars.get(self.pos) {
            self.pos += 1;
            if stop.contains(&c) {
                return Run {
                    text,
                    last: Some(c),
                    start,
                };
            }
            if c == '\\' && !self.literal() {
                match self.chars.get(self.pos) {
                    Some(&next) => {
                        self.pos += 1;
                        text.push(next);
                    }
                    None => break,
                }
            } else {
                text.push(c);
            }
        }
        Run {
            text,
            last: None,
            start,
        }
    }

    /// Helm's `key`: one `path=value` into `data`. `path` is the dotted path so far, for messages.
    fn key(&mut self, data: &mut Map, level: usize, path: &str) -> Result<(), Stop> {
        let stop: &[char] = if self.literal() {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let run = self.runes_until(stop);
        let k = run.text;
        let key_at = run.start;
        let full = join(path, &k);
        match run.last {
            None if k.is_empty() => Err(Stop::Eof),
            None => Err(self
                .fail(key_at, RULE_SYNTAX, format!("key {k:?} has no value"))
                .hint("write key=value")),
            Some('[') => {
                let index = self.key_index()?;
                let mut list = match data.get_mut(&k) {
                    None => Vec::new(),
                    Some((_, node)) => match &mut node.value {
                        Value::Seq(items) => std::mem::take(items),
                        _ => {
                            return Err(self.not_a(key_at, &full, node, "list"));
                        }
                    },
                };
                let result = self.list_item(&mut list, index, level, 0, key_at, &full);
                self.set(data, &k, key_at, Value::Seq(list), key_at);
                result
            }
            Some('=') => {
                let value_at = self.pos;
                if self.kind == SetKind::Json {
                    let value = self.json_value()?;
                    self.set_node(data, &k, key_at, value);
                    return Ok(());
                }
                if self.literal() {
                    let run = self.runes_until(&[]);
                    self.set(data, &k, key_at, Value::Str(run.text), value_at);
                    return Ok(());
                }
                match self.val_list()? {
                    Some(ValList::Eof) => {
                        self.set(data, &k, key_at, Value::Str(String::new()), value_at);
                        Err(Stop::Eof)
                    }
                    Some(ValList::List(items)) => {
                        self.set(data, &k, key_at, Value::Seq(items), value_at);
                        Ok(())
                    }
                    None => {
                        let run = self.runes_until(&[',']);
                        let node = self.read_value(&run.text, run.start)?;
                        self.set_node(data, &k, key_at, node);
                        Ok(())
                    }
                }
            }
            Some(',') => {
                self.set(data, &k, key_at, Value::Str(String::new()), key_at);
                Err(self.fail(
                    key_at,
                    RULE_SYNTAX,
                    format!("key {k:?} has no value (cannot end with ,)"),
                ))
            }
            Some(_) => {
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(self.fail(
                        key_at,
                        RULE_SYNTAX,
                        format!(
                            "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                        ),
                    ));
                }
                if let Some((_, node)) = data.get_mut(&k) {
                    let Value::Map(inner) = &mut node.value else {
                        return Err(self.not_a(key_at, &full, node, "map"));
                    };
                    let result = self.key(inner, level, &full);
                    if result.is_ok() && inner.is_empty() {
                        return Err(self.fail(
                            key_at,
                            RULE_SYNTAX,
                            format!("key map {k:?} has no value"),
                        ));
                    }
                    return result;
                }
                let mut inner = Map::default();
                let result = self.key(&mut inner, level, &full);
                if result.is_ok() && inner.is_empty() {
                    return Err(self.fail(
                        key_at,
                        RULE_SYNTAX,
                        format!("key map {k:?} has no value"),
                    ));
                }
                if !inner.is_empty() {
                    self.set(data, &k, key_at, Value::Map(inner), key_at);
                }
                result
            }
        }
    }

    /// Helm's `keyIndex`: the text up to `]` as a decimal int.
    fn key_index(&mut self) -> Result<i64, Stop> {
        let run = self.runes_until(&[']']);
        if run.last.is_none() {
            return Err(self.fail(run.start, RULE_SYNTAX, "error parsing index: missing ]"));
        }
        run.text.parse::<i64>().map_err(|_| {
            self.fail(
                run.start,
                RULE_SYNTAX,
                format!("error parsing index: {:?} is not a number", run.text),
            )
        })
    }

    /// Helm's `listItem`: what follows `[index]`, applied to `list`.
    fn list_item(
        &mut self,
        list: &mut Vec<Node>,
        index: i64,
        level: usize,
        depth: usize,
        key_at: usize,
        path: &str,
    ) -> Result<(), Stop> {
        if index < 0 {
            return Err(self.fail(
                key_at,
                RULE_SYNTAX,
                format!("negative {index} index not allowed"),
            ));
        }
        let path = format!("{path}[{index}]");
        let run = self.runes_until(&['[', '.', '=']);
        if !run.text.is_empty() {
            return Err(self.fail(
                run.start,
                RULE_SYNTAX,
                format!("unexpected data at end of array index: {:?}", run.text),
            ));
        }
        match run.last {
            None => Err(Stop::Eof),
            Some('=') => {
                let value_at = self.pos;
                let node = if self.kind == SetKind::Json {
                    self.json_value()?
                } else if self.literal() {
                    let run = self.runes_until(&[]);
                    Node::new(Value::Str(run.text), self.at(value_at))
                } else {
                    match self.val_list()? {
                        Some(ValList::Eof) => {
                            Node::new(Value::Str(String::new()), self.at(value_at))
                        }
                        Some(ValList::List(items)) => {
                            Node::new(Value::Seq(items), self.at(value_at))
                        }
                        None => {
                            let run = self.runes_until(&[',']);
                            self.read_value(&run.text, run.start)?
                        }
                    }
                };
                self.set_index(list, index, node, key_at)
            }
            Some('[') => {
                if depth + 1 > MAX_NESTED_INDEX_LEVEL {
                    return Err(self.fail(
                        key_at,
                        RULE_SYNTAX,
                        format!("more than {MAX_NESTED_INDEX_LEVEL} nested list indexes"),
                    ));
                }
                let next = self.key_index()?;
                let slot = usize::try_from(index).ok().and_then(|i| list.get_mut(i));
                let mut inner = match slot {
                    Some(node) => match &mut node.value {
                        Value::Null => Vec::new(),
                        Value::Seq(items) => std::mem::take(items),
                        _ => return Err(self.not_a(key_at, &path, node, "list")),
                    },
                    None => Vec::new(),
                };
                let result = self.list_item(&mut inner, next, level, depth + 1, key_at, &path);
                let node = Node::new(Value::Seq(inner), self.at(key_at));
                match result {
                    Ok(()) => self.set_index(list, index, node, key_at),
                    Err(stop) => {
                        // Put a list taken out of the tree back where it was.
                        if let Some(slot) =
                            usize::try_from(index).ok().and_then(|i| list.get_mut(i))
                        {
                            if matches!(slot.value, Value::Seq(_)) {
                                *slot = node;
                            }
                        }
                        Err(stop)
                    }
                }
            }
            Some(_) => {
                // A map inside the list; a non-map already there is replaced, as Helm does.
                let slot = usize::try_from(index).ok().and_then(|i| list.get_mut(i));
                let mut inner = match slot {
                    Some(node) => match &mut node.value {
                        Value::Map(m) => std::mem::take(m),
                        _ => {
                            *node = Node::new(Value::Map(Map::default()), self.at(key_at));
                            Map::default()
                        }
                    },
                    None => Map::default(),
                };
                let result = self.key(&mut inner, level, &path);
                let node = Node::new(Value::Map(inner), self.at(key_at));
                match result {
                    Ok(()) => self.set_index(list, index, node, key_at),
                    Err(stop) => {
                        if let Some(slot) =
                            usize::try_from(index).ok().and_then(|i| list.get_mut(i))
                        {
                            *slot = node;
                        }
                        Err(stop)
                    }
                }
            }
        }
    }

    /// Helm's `setIndex`: pads with nulls up to `index`.
    fn set_index(
        &self,
        list: &mut Vec<Node>,
        index: i64,
        node: Node,
        key_at: usize,
    ) -> Result<(), Stop> {
        if index < 0 {
            return Err(self.fail(
                key_at,
                RULE_SYNTAX,
                format!("negative {index} index not allowed"),
            ));
        }
        if index > MAX_INDEX {
            return Err(self.fail(
                key_at,
                RULE_SYNTAX,
                format!("index of {index} is greater than maximum supported index of {MAX_INDEX}"),
            ));
        }
        let index = usize::try_from(index).unwrap_or(0);
        while list.len() <= index {
            list.push(Node::new(Value::Null, self.at(key_at)));
        }
        list[index] = node;
        Ok(())
    }

    /// Helm's `valList`: `{a,b}` as a list; `None` when the value is not a list.
    fn val_list(&mut self) -> Result<Option<ValList>, Stop> {
        match self.chars.get(self.pos) {
            None => return Ok(Some(ValList::Eof)),
            Some('{') => self.pos += 1,
            Some(_) => return Ok(None),
        }
        let open = self.pos - 1;
        let mut items = Vec::new();
        loop {
            let run = self.runes_until(&[',', '}']);
            match run.last {
                None => return Err(self.fail(open, RULE_SYNTAX, "list must terminate with '}'")),
                Some('}') => {
                    if self.chars.get(self.pos) == Some(&',') {
                        self.pos += 1;
                    }
                    items.push(self.read_value(&run.text, run.start)?);
                    return Ok(Some(ValList::List(items)));
                }
                Some(_) => items.push(self.read_value(&run.text, run.start)?),
            }
        }
    }

    /// Helm's reader for the flag: typed value, string, or a file's contents.
    fn read_value(&self, text: &str, start: usize) -> Result<Node, Stop> {
        let location = self.at(start);
        let mut node = Node::new(Value::Null, location);
        match self.kind {
            SetKind::Set => {
                node.value = typed_value(text);
                if !matches!(node.value, Value::Str(_)) {
                    node.plain = Some(text.into());
                }
            }
            SetKind::File => {
                let bytes = read_source(Path::new(text), self.limits).map_err(|e| {
                    self.fail(
                        start,
                        RULE_FILE,
                        e.to_string().replacen("values file", "file", 1),
                    )
                })?;
                node.value = Value::Str(String::from_utf8_lossy(&bytes).into_owned());
            }
            SetKind::String | SetKind::Literal | SetKind::Json => {
                node.value = Value::Str(text.to_string());
            }
        }
        Ok(node)
    }

    /// A `--set-json` value: blank means null, otherwise one JSON value, then blanks and a comma.
    fn json_value(&mut self) -> Result<Node, Stop> {
        let start = self.pos;
        if self.empty_val() {
            return Ok(Node::new(Value::Null, self.at(start)));
        }
        let value_at = self.pos;
        let rest: String = self.chars[self.pos..].iter().collect();
        let mut stream = serde_json::Deserializer::from_str(&rest).into_iter::<serde_json::Value>();
        let json = match stream.next() {
            Some(Ok(json)) => json,
            Some(Err(e)) => {
                return Err(self.fail(value_at, RULE_JSON, format!("value is not JSON: {e}")))
            }
            None => return Ok(Node::new(Value::Null, self.at(value_at))),
        };
        let used = rest[..stream.byte_offset().min(rest.len())].chars().count();
        self.pos += used;
        self.empty_val();
        Ok(json_node(json, &self.at(value_at)))
    }

    /// Helm's `emptyVal`: skips blanks; true at the end or a comma (consumed).
    fn empty_val(&mut self) -> bool {
        while let Some(&c) = self.chars.get(self.pos) {
            if c == ',' {
                self.pos += 1;
                return true;
            }
            if !c.is_whitespace() {
                return false;
            }
            self.pos += 1;
        }
        true
    }

    /// Sets `data[key]` (an empty key is dropped, as in Helm).
    fn set(&self, data: &mut Map, key: &str, key_at: usize, value: Value, value_at: usize) {
        self.set_node(data, key, key_at, Node::new(value, self.at(value_at)));
    }

    fn set_node(&self, data: &mut Map, key: &str, key_at: usize, node: Node) {
        if key.is_empty() {
            return;
        }
        let k = Key {
            location: self.at(key_at),
        };
        data.insert(key.to_string(), (k, node));
    }

    fn not_a(&self, key_at: usize, path: &str, node: &Node, wanted: &str) -> Stop {
        self.fail(
            key_at,
            RULE_TYPE,
            format!(
                "cannot set inside {path:?}: it holds a {} (from {}), not a {wanted}",
                node.type_name(),
                node.location
            ),
        )
        .hint("set the whole value instead, or remove the earlier one")
    }
}

enum ValList {
    /// Nothing after `=`: Helm sets an empty string.
    Eof,
    List(Vec<Node>),
}

impl Stop {
    fn hint(self, hint: &str) -> Stop {
        match self {
            Stop::Fail(d) => Stop::Fail(d.with_hint(hint)),
            eof => eof,
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Helm's `typedVal` for `--set`: `true`/`false`/`null` in any case, `0`, and decimal int64s
/// that do not start with `0`; everything else (floats, `007`, `yes`, overflow) a string.
pub fn typed_value(text: &str) -> Value {
    if text.is_empty() {
        return Value::Str(String::new());
    }
    if text.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if text.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if text.eq_ignore_ascii_case("null") {
        return Value::Null;
    }
    if text == "0" {
        return Value::Int(0);
    }
    if !text.starts_with('0') {
        if let Ok(i) = text.parse::<i64>() {
            return Value::Int(i);
        }
    }
    Value::Str(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_value_table() {
        assert_eq!(typed_value("TrUe"), Value::Bool(true));
        assert_eq!(typed_value("+5"), Value::Int(5));
        assert_eq!(typed_value("007"), Value::Str("007".into()));
        assert_eq!(typed_value("1_000"), Value::Str("1_000".into()));
        assert_eq!(typed_value(" 1"), Value::Str(" 1".into()));
    }
}
