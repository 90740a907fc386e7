//! A quick reader for the plain block YAML that nearly every values file is written in.
//!
//! Reading a typical values file with the full YAML parser costs several hundred instructions a
//! byte, most of it spent on what such a file never uses. This reader handles one subset and
//! produces, for it, the events (with their start positions) that `saphyr-parser` produces for
//! the same text, so [`super::yaml`] builds the same tree from either. The subset:
//! - text without tabs, carriage returns or other control characters, one document, no `---`,
//!   `...` or `%` lines;
//! - block maps whose keys are plain, or quoted on one line, and block lists (`- item`, also
//!   level with their key, and `- key: value` maps inside items);
//! - scalars on one line: plain, single-quoted, or double-quoted without escapes; and the empty
//!   `{}` and `[]`;
//! - comments and blank lines.
//!
//! Anything else (flow collections, anchors, aliases, tags, block scalars, multi-line scalars,
//! escapes, explicit keys, odd indentation, and every syntax error) makes [`events`] return
//! `None` at once, and the full parser reads the file instead: this reader never reports an
//! error of its own. Where a construct is legal but its exact reading is subtle (a line indented
//! past a scalar that might continue it), it gives up rather than guess. The fuzz targets and
//! `tests` compare both readers' trees on every input this one accepts.

use saphyr_parser::{Event, Marker, ScalarStyle, Span};
use std::borrow::Cow;

/// Events with their spans, in the parser's order.
pub(super) type Events<'a> = Vec<(Event<'a>, Span)>;

/// Deepest nesting read here; deeper files go to the full parser (whose limits apply).
const MAX_DEPTH: usize = 64;
/// Longest key read here (YAML limits implicit keys to 1024 characters).
const MAX_KEY: usize = 1000;

/// The events of `text`, or `None` when `text` is outside the subset.
pub(super) fn events(text: &str) -> Option<Events<'_>> {
    // Control characters (tabs and carriage returns among them) and the characters YAML may
    // read as line breaks or byte order marks are left to the full parser.
    if text.bytes().any(|b| (b < 0x20 && b != b'\n') || b == 0x7f)
        || (!text.is_ascii() && text.contains(['\u{85}', '\u{2028}', '\u{2029}', '\u{feff}']))
    {
        return None;
    }
    let lines = lines(text)?;
    let mut reader = Reader {
        text,
        events: Vec::with_capacity(lines.len() * 2 + 8),
        lines,
    };
    reader.document()?;
    Some(reader.events)
}

#[derive(Debug, Clone, Copy)]
struct Line {
    /// Byte offset of the line's first character.
    start: usize,
    /// Byte offset of its end (its `\n`, or the end of the text).
    end: usize,
    /// Leading spaces.
    indent: usize,
    /// Blank or only a comment: no content.
    empty: bool,
    /// Only spaces.
    blank: bool,
    /// Only ASCII, so byte offsets are character columns.
    ascii: bool,
}

fn lines(text: &str) -> Option<Vec<Line>> {
    let mut out = Vec::with_capacity(text.len() / 24 + 1);
    let mut start = 0;
    for raw in text.split('\n') {
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        let content = &raw[indent..];
        if indent == 0 && (raw.starts_with("---") || raw.starts_with("...") || raw.starts_with('%'))
        {
            return None;
        }
        out.push(Line {
            start,
            end: start + raw.len(),
            indent,
            empty: content.is_empty() || content.starts_with('#'),
            blank: content.is_empty(),
            ascii: raw.is_ascii(),
        });
        start += raw.len() + 1;
    }
    Some(out)
}

struct Reader<'a> {
    text: &'a str,
    lines: Vec<Line>,
    events: Events<'a>,
}

impl<'a> Reader<'a> {
    /// Records `event` at byte column `col` of `line` (positions count characters; the index is a
    /// byte offset, which the tree builder does not read).
    fn push(&mut self, event: Event<'a>, line: usize, col: usize) {
        let (start, chars) = match self.lines.get(line) {
            Some(l) if !l.ascii => (l.start, self.text[l.start..l.start + col].chars().count()),
            Some(l) => (l.start, col),
            None => (self.text.len(), col),
        };
        let marker = Marker::new(start + col, line + 1, chars);
        self.events.push((event, Span::new(marker, marker)));
    }

    /// The text of line `line` from column `col` on.
    fn rest(&self, line: usize, col: usize) -> &'a str {
        let l = self.lines[line];
        &self.text[(l.start + col).min(l.end)..l.end]
    }

    /// The first line at or after `from` with content (`lines.len()` when none is left).
    fn content_from(&self, from: usize) -> usize {
        (from..self.lines.len())
            .find(|&i| !self.lines[i].empty)
            .unwrap_or(self.lines.len())
    }

    /// Whether line `line` is a list item (`- ...`) whose dash is at column `col`.
    fn is_item(&self, line: usize, col: usize) -> bool {
        let rest = self.rest(line, col);
        rest == "-" || rest.starts_with("- ")
    }

    fn document(&mut self) -> Option<()> {
        self.push(Event::StreamStart, 0, 0);
        let first = self.content_from(0);
        if first < self.lines.len() {
            let indent = self.lines[first].indent;
            self.push(Event::DocumentStart(false), first, indent);
            let next = self.mapping(first, indent, 0)?;
            if next < self.lines.len() {
                return None;
            }
            self.push(Event::DocumentEnd, next, 0);
        }
        self.push(Event::StreamEnd, self.lines.len(), 0);
        Some(())
    }

    /// A block map whose first key is at `line`, column `col` (the map's indentation); returns
    /// the first content line after it.
    fn mapping(&mut self, mut line: usize, col: usize, depth: usize) -> Option<usize> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.push(Event::MappingStart(0, None), line, col);
        loop {
            let rest = self.rest(line, col);
            let (key, after) = key(rest)?;
            self.push(key, line, col);
            let value = &rest[after..];
            let trimmed = value.trim_start_matches(' ');
            if trimmed.is_empty() || trimmed.starts_with('#') {
                let next = self.content_from(line + 1);
                let indent = self.lines.get(next).map(|l| l.indent);
                line = match indent {
                    Some(indent) if indent > col => {
                        if self.is_item(next, indent) {
                            self.sequence(next, indent, depth + 1, false)?
                        } else {
                            self.mapping(next, indent, depth + 1)?
                        }
                    }
                    Some(indent) if indent == col && self.is_item(next, col) => {
                        self.sequence(next, col, depth + 1, true)?
                    }
                    _ => {
                        self.push(
                            scalar_event(Cow::Borrowed(""), ScalarStyle::Plain),
                            line,
                            col + after - 1,
                        );
                        next
                    }
                };
            } else {
                let at = col + rest.len() - trimmed.len();
                line = self.scalar(trimmed, line, at, col)?;
            }
            match self.lines.get(line) {
                Some(l) if l.indent == col && !self.is_item(line, col) => {}
                Some(l) if l.indent >= col => return None,
                _ => break,
            }
        }
        self.push(Event::MappingEnd, line, 0);
        Some(line)
    }

    /// A block list whose first dash is at `line`, column `col`; `level` when it is written
    /// level with its key. Returns the first content line after it.
    fn sequence(
        &mut self,
        mut line: usize,
        col: usize,
        depth: usize,
        level: bool,
    ) -> Option<usize> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut first = true;
        loop {
            let after_dash = self.rest(line, col + 1);
            let item = after_dash.trim_start_matches(' ');
            let at = col + 1 + after_dash.len() - item.len();
            if at == col + 1
                || item.is_empty()
                || item.starts_with('#')
                || item == "-"
                || item.starts_with("- ")
            {
                return None;
            }
            if first {
                // The parser places a list written level with its key at its first item.
                self.push(
                    Event::SequenceStart(0, None),
                    line,
                    if level { at } else { col },
                );
                first = false;
            }
            line = if key(item).is_some() {
                self.mapping(line, at, depth + 1)?
            } else {
                self.scalar(item, line, at, col)?
            };
            match self.lines.get(line) {
                Some(l) if l.indent == col && self.is_item(line, col) => {}
                Some(l) if l.indent > col => return None,
                Some(l) if l.indent == col && !level => return None,
                _ => break,
            }
        }
        self.push(Event::SequenceEnd, line, 0);
        Some(line)
    }

    /// A value written on its line, `text` (the rest of the line) at `line`, column `at`, inside
    /// a collection indented by `col`: a scalar, or an empty `{}` or `[]`. Returns the next
    /// content line.
    fn scalar(&mut self, text: &'a str, line: usize, at: usize, col: usize) -> Option<usize> {
        let mut value = None;
        let len = match text.as_bytes()[0] {
            b'{' | b'[' if text.starts_with("{}") || text.starts_with("[]") => 2,
            b'\'' | b'"' => {
                let (text, style, len) = quoted(text)?;
                value = Some((text, style));
                len
            }
            _ => {
                value = Some((Cow::Borrowed(plain_value(text)?), ScalarStyle::Plain));
                text.len()
            }
        };
        let tail = &text[len..];
        let tail_text = tail.trim_start_matches(' ');
        if !(tail_text.is_empty() || (tail_text.starts_with('#') && tail_text.len() < tail.len())) {
            return None;
        }
        // A line indented past the value might continue it (or be an error): leave it to the
        // full parser.
        let next = (line + 1..self.lines.len()).find(|&i| !self.lines[i].blank);
        if next.is_some_and(|i| self.lines[i].indent > col) {
            return None;
        }
        match value {
            Some((value, style)) => self.push(scalar_event(value, style), line, at),
            None if text.starts_with('{') => {
                self.push(Event::MappingStart(0, None), line, at);
                self.push(Event::MappingEnd, line, at + 1);
            }
            None => {
                self.push(Event::SequenceStart(0, None), line, at);
                self.push(Event::SequenceEnd, line, at + 1);
            }
        }
        Some(self.content_from(line + 1))
    }
}

fn scalar_event(value: Cow<'_, str>, style: ScalarStyle) -> Event<'_> {
    Event::Scalar(value, style, 0, None)
}

/// Whether `text` may start with a plain scalar (the YAML indicators may not; `-` may when
/// something other than a space follows it).
fn plain_start(text: &str) -> bool {
    let bytes = text.as_bytes();
    match bytes[0] {
        b'-' => !matches!(bytes.get(1), None | Some(b' ')),
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' => false,
        _ => true,
    }
}

/// A key at the start of `text` and the offset just past its `:`, when `text` is `KEY:` followed
/// by a space or the end of the line.
fn key(text: &str) -> Option<(Event<'_>, usize)> {
    let (event, after) = match text.as_bytes().first()? {
        b'\'' | b'"' => {
            let (value, style, len) = quoted(text)?;
            if text.as_bytes().get(len) != Some(&b':') {
                return None;
            }
            (scalar_event(value, style), len + 1)
        }
        _ => {
            if !plain_start(text) {
                return None;
            }
            let colon = text
                .match_indices(':')
                .map(|(i, _)| i)
                .find(|&i| matches!(text.as_bytes().get(i + 1), None | Some(b' ')))?;
            let name = text[..colon].trim_end_matches(' ');
            if name.contains(" #") {
                return None;
            }
            (
                scalar_event(Cow::Borrowed(name), ScalarStyle::Plain),
                colon + 1,
            )
        }
    };
    match text.as_bytes().get(after) {
        None | Some(b' ') if after <= MAX_KEY => Some((event, after)),
        _ => None,
    }
}

/// A plain scalar that runs to the end of the line or a comment, without a `: ` that would make it
/// a key.
fn plain_value(text: &str) -> Option<&str> {
    if !plain_start(text) {
        return None;
    }
    let bytes = text.as_bytes();
    let mut end = bytes.len();
    for (i, pair) in bytes.windows(2).enumerate() {
        match pair {
            [b' ', b'#'] => {
                end = i;
                break;
            }
            [b':', b' '] => return None,
            _ => {}
        }
    }
    let value = text[..end].trim_end_matches(' ');
    if value.ends_with(':') {
        return None;
    }
    Some(value)
}

/// A quoted scalar that ends on its line: its value, style and length in `text`. Double-quoted
/// ones with escapes are left to the full parser.
fn quoted(text: &str) -> Option<(Cow<'_, str>, ScalarStyle, usize)> {
    let bytes = text.as_bytes();
    if bytes[0] == b'"' {
        let end = 1 + text[1..].find(['"', '\\'])?;
        if bytes[end] != b'"' {
            return None;
        }
        return Some((
            Cow::Borrowed(&text[1..end]),
            ScalarStyle::DoubleQuoted,
            end + 1,
        ));
    }
    let mut value = String::new();
    let mut i = 1;
    loop {
        let quote = i + text[i..].find('\'')?;
        value.push_str(&text[i..quote]);
        if bytes.get(quote + 1) == Some(&b'\'') {
            value.push('\'');
            i = quote + 2;
        } else {
            return Some((Cow::Owned(value), ScalarStyle::SingleQuoted, quote + 1));
        }
    }
}
