//! YAML emission for templates: one scalar emitter for every user string, and a block dumper
//! that prints a JSON value the way Helm's `toYaml` does.
//!
//! Both follow the quoting rules of yaml.v2 (the library behind Helm's `toYaml` and behind the
//! Kubernetes tools that read the output): a string that YAML 1.1 would read back as something
//! else (`yes`, `on`, `8081`, `1e3`, `""`, `~`, a date) is double-quoted; a string whose first
//! characters or inner `: ` / ` #` would be taken as YAML syntax is single-quoted; control
//! characters force double quotes with escapes. When in doubt the emitter quotes: an extra pair
//! of quotes costs nothing, a string read back as a number breaks a manifest.
//!
//! The block dumper also lays text out as yaml.v2 does: keys longer than 128 bytes or spanning
//! lines are written as explicit `? key` / `: value` pairs (YAML allows implicit keys of at most
//! 1024 characters on one line), and long strings are folded at spaces past column 80.

use serde_json::Value;
use std::borrow::Cow;
use std::cmp::Ordering;

/// Emits `s` as one YAML scalar on a single line, safe in any block position (mapping value,
/// sequence item or mapping key). Multi-line strings become double-quoted with `\n` escapes,
/// because a literal block would need to know the indentation of the surrounding text.
pub fn scalar_inline(s: &str) -> String {
    match choose_style(s, false) {
        Style::Plain => s.to_string(),
        Style::Single => written(s, Style::Single, None),
        Style::Double | Style::Literal => written(s, Style::Double, None),
    }
}

/// Prints a number the way Helm's `toYaml` does for JSON numbers: integral values as integers.
pub fn number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    match n.as_f64() {
        Some(f) => float(f),
        None => n.to_string(),
    }
}

/// Prints a float as Helm's `toYaml` does. Helm's values pass through JSON: Go writes a number
/// below 1e21 in plain digits (the shortest that read back the same, then zeros), yaml.v2 reads
/// that text back as an integer when it fits 64 bits and prints it so, and otherwise prints the
/// float as Go's `%g` does ([`go_g`]): `8080`, `1.5`, `9223372036854776000`, `1.5e+20`.
pub fn float(f: f64) -> String {
    if f == 0.0 {
        return "0".to_string();
    }
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e21 {
        // Rust prints the same shortest digits, zero-padded, in plain notation.
        let text = format!("{f}");
        if text.parse::<i64>().is_ok() || text.parse::<u64>().is_ok() {
            return text;
        }
    }
    go_g(f)
}

/// A float as Go's `%v` and `strconv.FormatFloat(f, 'g', -1, 64)` print it (and yaml.v2 with
/// YAML's names for the specials): the shortest digits that read back the same, in exponent
/// form when the exponent is below -4 or at least 6 (`1e+06`, `1.5e-07`, `123456.5`).
pub fn go_g(f: f64) -> String {
    if f.is_nan() {
        return ".nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.to_string();
    }
    if f == 0.0 {
        return "0".to_string();
    }
    let exponent_form = format!("{f:e}");
    let (mantissa, exp) = exponent_form
        .split_once('e')
        .unwrap_or((exponent_form.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        return format!("{f}");
    }
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
}

/// Dumps `v` as block YAML, like `toYaml` (yaml.v2 `Marshal`): keys in yaml.v2's natural order,
/// sequences not indented under their key, two spaces per level. No trailing newline.
pub fn to_block(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => write_map(&mut out, m, 0),
        Value::Array(a) if !a.is_empty() => write_seq(&mut out, a, 0),
        _ => out.push_str(&scalar_block(v, At { col: 0, indent: 2 })),
    }
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn sorted_entries(m: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = m.iter().collect();
    merge_sort_by(&mut entries, |a, b| key_order(a.0, b.0));
    entries
}

/// Sorts `items` stably by `cmp`, which need not be a total order. yaml.v2's key order is not
/// one for some keys (runs of digits with leading zeros, numbers past 64 bits), and Go's sort
/// accepts any comparison, where the standard library's sorts may panic on one. Bottom-up merge
/// sort: O(n log n) comparisons, any comparison gives some order, never a panic.
fn merge_sort_by<T: Copy>(items: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    let n = items.len();
    let mut buf = items.to_vec();
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            for slot in &mut buf[start..end] {
                // Take from the right run only when it is strictly less: equal keys keep order.
                let right = j < end && (i >= mid || cmp(&items[j], &items[i]) == Ordering::Less);
                if right {
                    *slot = items[j];
                    j += 1;
                } else {
                    *slot = items[i];
                    i += 1;
                }
            }
            start = end;
        }
        items.copy_from_slice(&buf);
        width *= 2;
    }
}

/// Where a scalar goes: the column of its first character (counted from the left of `toYaml`'s
/// own output) and the indentation of any further lines (folds, literal block content).
#[derive(Debug, Clone, Copy)]
struct At {
    col: usize,
    indent: usize,
}

impl At {
    /// Two columns in from `indent`, continuing there: a list item's value after `- `, an
    /// explicit key after `? ` or its value after `: `.
    fn inside(indent: usize) -> At {
        At {
            col: indent + 2,
            indent: indent + 2,
        }
    }
}

/// yaml.v2's line width: a fold may replace a space once a line is past this column.
const WIDTH: usize = 80;

/// yaml.v2 writes a key as an implicit `key:` only when it is at most 128 bytes on one line.
fn is_simple_key(k: &str) -> bool {
    k.len() <= 128 && !k.contains(is_break)
}

/// Writes the entries of a non-empty map, each key at column `indent`.
fn write_map(out: &mut String, m: &serde_json::Map<String, Value>, indent: usize) {
    let inner = At::inside(indent);
    for (i, (k, v)) in sorted_entries(m).into_iter().enumerate() {
        if i > 0 {
            pad(out, indent);
        }
        if is_simple_key(k) {
            let key = scalar_inline(k);
            out.push_str(&key);
            out.push(':');
            write_value_after_key(out, v, indent, indent + key.chars().count() + 2);
            continue;
        }
        out.push_str("? ");
        out.push_str(&string_block(k, inner));
        out.push('\n');
        pad(out, indent);
        out.push_str(": ");
        match v {
            Value::Object(m) if !m.is_empty() => write_map(out, m, indent + 2),
            Value::Array(a) if !a.is_empty() => write_seq(out, a, indent + 2),
            _ => {
                out.push_str(&scalar_block(v, inner));
                out.push('\n');
            }
        }
    }
}

/// Writes what follows `key:`; the key sits at column `indent`, and a scalar value would start at
/// column `col`.
fn write_value_after_key(out: &mut String, v: &Value, indent: usize, col: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            pad(out, indent + 2);
            write_map(out, m, indent + 2);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            pad(out, indent);
            write_seq(out, a, indent);
        }
        _ => {
            out.push(' ');
            out.push_str(&scalar_block(
                v,
                At {
                    col,
                    indent: indent + 2,
                },
            ));
            out.push('\n');
        }
    }
}

/// Writes the items of a non-empty sequence, each `- ` at column `indent` (the first one's
/// padding is already written).
fn write_seq(out: &mut String, a: &[Value], indent: usize) {
    for (i, v) in a.iter().enumerate() {
        if i > 0 {
            pad(out, indent);
        }
        out.push_str("- ");
        match v {
            Value::Object(m) if !m.is_empty() => write_map(out, m, indent + 2),
            Value::Array(inner) if !inner.is_empty() => write_seq(out, inner, indent + 2),
            _ => {
                out.push_str(&scalar_block(v, At::inside(indent)));
                out.push('\n');
            }
        }
    }
}

/// A scalar (or empty collection) in block context, placed `at`.
fn scalar_block(v: &Value, at: At) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(n),
        Value::Object(_) => "{}".to_string(),
        Value::Array(_) => "[]".to_string(),
        Value::String(s) => string_block(s, at),
    }
}

/// A string in block context (where a literal block is possible), placed `at`.
fn string_block(s: &str, at: At) -> String {
    match choose_style(s, true) {
        Style::Literal => literal(s, at.indent),
        style => written(s, style, Some(at)),
    }
}

/// `s` written in `style` (plain, single- or double-quoted). Placed `at`, it gets a line break
/// in place of a space wherever yaml.v2's emitter puts one: at a space (not the first or last
/// character, for quoted styles) that follows a non-space, once the line is past column
/// [`WIDTH`]. Plain and single-quoted text breaks only where the next character is not a space
/// too; double-quoted text breaks there as well and escapes the space that follows (`\ `), since
/// a reader drops leading spaces of a continued line. Without `at`, it stays on one line.
fn written(s: &str, style: Style, at: Option<At>) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    let mut col = at.map_or(0, |a| a.col);
    let quote = match style {
        Style::Single => Some('\''),
        Style::Double => Some('"'),
        Style::Plain | Style::Literal => None,
    };
    if let Some(q) = quote {
        out.push(q);
        col += 1;
    }
    let last = s.chars().count().saturating_sub(1);
    let mut chars = s.chars().enumerate().peekable();
    let mut after_space = false;
    while let Some((i, c)) = chars.next() {
        let next_is_space = chars.peek().is_some_and(|&(_, n)| n == ' ');
        let escape = if style == Style::Double {
            double_escape(c)
        } else {
            None
        };
        if let Some(escape) = escape {
            col += escape.chars().count();
            out.push_str(&escape);
            after_space = false;
            continue;
        }
        if c == ' ' {
            let inside = quote.is_none() || (i != 0 && i != last);
            let fold = at.filter(|_| {
                !after_space && col > WIDTH && inside && (style == Style::Double || !next_is_space)
            });
            if let Some(at) = fold {
                out.push('\n');
                pad(&mut out, at.indent);
                col = at.indent;
                if style == Style::Double && next_is_space {
                    out.push('\\');
                    col += 1;
                }
            } else {
                out.push(' ');
                col += 1;
            }
            after_space = true;
            continue;
        }
        if c == '\'' && style == Style::Single {
            out.push('\'');
            col += 1;
        }
        out.push(c);
        col += 1;
        after_space = false;
    }
    if let Some(q) = quote {
        out.push(q);
    }
    out
}

fn literal(s: &str, indent: usize) -> String {
    let mut head = String::from("|");
    if s.starts_with(' ') || s.starts_with('\n') {
        head.push('2');
    }
    if !s.ends_with('\n') {
        head.push('-');
    } else if s.ends_with("\n\n") || s == "\n" {
        head.push('+');
    }
    let mut out = head;
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            pad(&mut out, indent);
            out.push_str(line);
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// yaml.v2's choice of style for a string in block context (`block_ok`) or in a position where
/// a literal block is impossible.
fn choose_style(s: &str, block_ok: bool) -> Style {
    if is_simple(s) {
        return if resolves_to_non_string(s) {
            Style::Double
        } else {
            Style::Plain
        };
    }
    analyzed_style(s, block_ok)
}

/// Most strings are names, paths, images and versions: ASCII letters, digits and `-_./`,
/// starting with a letter, a digit or `/`. The analysis allows every one of them plain, so only
/// what a reader would take them for decides ([`analyzed_style`] agrees; a test holds it to that).
fn is_simple(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes
        .first()
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'/')
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'))
}

/// [`choose_style`] by the emitter's full analysis.
fn analyzed_style(s: &str, block_ok: bool) -> Style {
    // yaml.v2 writes NEL, LS and PS raw inside single quotes and literal blocks, where a YAML 1.1
    // reader takes them for line breaks: the text comes back folded, or as a key, not at all.
    // Double quotes escape them, so the string survives.
    if s.chars()
        .any(|c| matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}'))
    {
        return Style::Double;
    }
    let a = analyze(s);
    if s.contains('\n') {
        if block_ok && a.block_allowed {
            return Style::Literal;
        }
        return Style::Double;
    }
    if resolves_to_non_string(s) {
        return Style::Double;
    }
    if a.plain_allowed {
        return Style::Plain;
    }
    if a.single_allowed {
        return Style::Single;
    }
    Style::Double
}

struct Analysis {
    plain_allowed: bool,
    single_allowed: bool,
    block_allowed: bool,
}

fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0A
        || (0x20..=0x7E).contains(&u)
        || u == 0x85
        || ((0xA0..=0xD7FF).contains(&u))
        || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
        || (0x10000..=0x10FFFF).contains(&u)
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank_or_end(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c == ' ' || c == '\t' || is_break(c),
    }
}

/// The emitter's scalar analysis (libyaml `yaml_emitter_analyze_scalar`), block context.
fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            plain_allowed: false,
            single_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    if block_indicators {
        let rest = s[3..].chars().next();
        block_indicators = is_blank_or_end(rest);
    }
    let mut special = false;
    let mut line_breaks = false;
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut prev_space, mut prev_break) = (false, false);
    let mut preceded_by_blank = true;
    let mut chars = s.chars().peekable();
    let mut i = 0usize;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let last = next.is_none();
        let followed_by_blank = is_blank_or_end(next);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_blank => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_blank => block_indicators = true,
                '#' if preceded_by_blank => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) || c == '\u{FEFF}' {
            special = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if last {
                trailing_space = true;
            }
            if prev_break {
                break_space = true;
            }
            prev_space = true;
            prev_break = false;
        } else if is_break(c) {
            if i == 0 {
                leading_break = true;
            }
            if last {
                trailing_break = true;
            }
            if prev_space {
                space_break = true;
            }
            prev_space = false;
            prev_break = true;
        } else {
            prev_space = false;
            prev_break = false;
        }
        preceded_by_blank = c == ' ' || c == '\t' || is_break(c);
        i += 1;
    }
    let mut plain = true;
    let mut single = true;
    let mut block = true;
    if leading_space || leading_break || trailing_space || trailing_break {
        plain = false;
    }
    if trailing_space {
        block = false;
    }
    if break_space {
        plain = false;
        single = false;
    }
    if space_break || special {
        plain = false;
        single = false;
        block = false;
    }
    if line_breaks {
        plain = false;
    }
    if block_indicators {
        plain = false;
    }
    Analysis {
        plain_allowed: plain,
        single_allowed: single,
        block_allowed: block,
    }
}

/// True when YAML 1.1 (yaml.v2 `resolve`) would read the plain text `s` as something other than
/// a string: null, bool, int, float, merge key, timestamp, or a base-60 number.
fn resolves_to_non_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true",
        "True", "TRUE", "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE",
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
        ".NaN", ".NAN", "<<",
    ];
    if WORDS.contains(&s) {
        return true;
    }
    let first = match s.chars().next() {
        Some(c) => c,
        None => return true,
    };
    if !(first.is_ascii_digit() || matches!(first, '+' | '-' | '.')) {
        return false;
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    looks_like_int(&plain) || looks_like_float(&plain) || is_base60(s) || looks_like_date(s)
}

fn looks_like_int(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if body.is_empty() {
        return false;
    }
    let lower = body.to_ascii_lowercase();
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(digits) = lower.strip_prefix(prefix) {
            return !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
        }
    }
    body.chars().all(|c| c.is_ascii_digit())
}

fn looks_like_float(s: &str) -> bool {
    // ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
    let b = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match b.find(['e', 'E']) {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let mantissa_ok = if let Some(frac) = mantissa.strip_prefix('.') {
        !frac.is_empty() && frac.chars().all(|c| c.is_ascii_digit())
    } else {
        let (int, frac) = match mantissa.find('.') {
            Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
            None => (mantissa, ""),
        };
        !int.is_empty()
            && int.chars().all(|c| c.is_ascii_digit())
            && frac.chars().all(|c| c.is_ascii_digit())
    };
    let exponent_ok = match exponent {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
        }
    };
    mantissa_ok && exponent_ok
}

fn is_base60(s: &str) -> bool {
    // ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
    let b = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (main, frac) = match b.find('.') {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    if let Some(f) = frac {
        if !f.chars().all(|c| c.is_ascii_digit() || c == '_') {
            return false;
        }
    }
    let mut parts = main.split(':');
    let head = parts.next().unwrap_or("");
    if !head.starts_with(|c: char| c.is_ascii_digit())
        || !head.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return false;
    }
    let mut count = 0;
    for p in parts {
        count += 1;
        let ok = match p.len() {
            1 => p.chars().all(|c| c.is_ascii_digit()),
            2 => {
                let mut cs = p.chars();
                matches!(cs.next(), Some('0'..='5')) && matches!(cs.next(), Some('0'..='9'))
            }
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    count > 0
}

fn looks_like_date(s: &str) -> bool {
    // yaml.v2 tries timestamps only when the text starts with four digits and a dash.
    let b = s.as_bytes();
    b.len() >= 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

/// The escape `c` needs inside double quotes, if any.
fn double_escape(c: char) -> Option<Cow<'static, str>> {
    let fixed = match c {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\0' => "\\0",
        '\x07' => "\\a",
        '\x08' => "\\b",
        '\t' => "\\t",
        '\n' => "\\n",
        '\x0B' => "\\v",
        '\x0C' => "\\f",
        '\r' => "\\r",
        '\x1B' => "\\e",
        '\u{85}' => "\\N",
        '\u{2028}' => "\\L",
        '\u{2029}' => "\\P",
        c if !is_printable(c) || c == '\u{FEFF}' => {
            let u = c as u32;
            return Some(Cow::Owned(if u <= 0xFF {
                format!("\\x{u:02X}")
            } else if u <= 0xFFFF {
                format!("\\u{u:04X}")
            } else {
                format!("\\U{u:08X}")
            }));
        }
        _ => return None,
    };
    Some(Cow::Borrowed(fixed))
}

/// yaml.v2's natural key order (`sorter.go`): letters after non-letters, digit runs compared as
/// numbers, otherwise code point order.
pub fn key_order(a: &str, b: &str) -> Ordering {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i].cmp(&br[i]);
        }
        if al || bl {
            return if bl {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        let (mut an, mut bn) = (0u128, 0u128);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an
                .saturating_mul(10)
                .saturating_add(ar[ai] as u128 - '0' as u128);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn
                .saturating_mul(10)
                .saturating_add(br[bi] as u128 - '0' as u128);
            bi += 1;
        }
        if an != bn {
            return an.cmp(&bn);
        }
        if ai != bi {
            return ai.cmp(&bi);
        }
        return ar[i].cmp(&br[i]);
    }
    ar.len().cmp(&br.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_by_an_order_that_is_not_total_does_not_panic() {
        // Found by fuzzing: keys like these made the standard library's sort panic ("does not
        // correctly implement a total order").
        // The keys of a map in `tests/fixtures/hostile/key-order-not-total.yaml`.
        let keys: Vec<String> = [
            "\u{692}ype:~~~~~~ibe",
            "\u{68b}yp~~~~~~e",
            "\u{68b}yp~~~~~~~~service\u{68b}y",
            "\u{68b}sace",
            "\u{692}yp~~~~~~servibe",
            "\u{68b}y~~~~~~~~~~~~~~~~~~~000000000004Config~~~~~e:ibe",
            "p~~~~be",
            "\u{68b}y~~~~~~~~~~~~~~~~~~~000000000000000000000000000000014347467612885206812~~serve",
            "\u{68b}y~~~~~~~~~~~~~~~~~~~000000000000000000000000000000000e",
            "be",
            "\u{68b}y~~~~~~~~~~~~~~~~~~~000",
            "\u{68b}y~~~~~~~~~~~~~~~~~~~000000000000000000000000od]]]]]]~",
            "\u{692}~\u{68b}y~~~~~~~~~ervace",
            "\u{692}~~~~~~~~ce",
            "\u{692}ype~~~~~~~s~~~~~ervibe",
            "\u{68b}ypRervie",
            "\u{68b}yp~~~~~~~~~~~~~ce\u{68b}y~~0000ervibe",
            "~servibe",
            "\u{68b}yvibe",
            "ioMtls",
            "\u{68b}ype",
        ]
        .map(String::from)
        .to_vec();
        let mut sorted: Vec<&str> = keys.iter().map(String::as_str).collect();
        // In the order the typed values hold them.
        sorted.sort_unstable();
        merge_sort_by(&mut sorted, |a, b| key_order(a, b));
        let mut before: Vec<&str> = keys.iter().map(String::as_str).collect();
        let mut after = sorted.clone();
        before.sort_unstable();
        after.sort_unstable();
        assert_eq!(before, after, "not a permutation");
    }

    #[test]
    fn merge_sort_sorts_and_is_stable() {
        let mut items = [
            (3, 'a'),
            (1, 'b'),
            (2, 'c'),
            (1, 'd'),
            (3, 'e'),
            (0, 'f'),
            (2, 'g'),
        ];
        merge_sort_by(&mut items, |a, b| a.0.cmp(&b.0));
        assert_eq!(
            items,
            [
                (0, 'f'),
                (1, 'b'),
                (1, 'd'),
                (2, 'c'),
                (2, 'g'),
                (3, 'a'),
                (3, 'e')
            ]
        );
        let mut keys = ["b10", "b9", "a", "1", "B", "b09"];
        merge_sort_by(&mut keys, |a, b| key_order(a, b));
        let mut expected = keys;
        expected.sort_by(|a, b| key_order(a, b));
        assert_eq!(keys, expected);
    }
    use serde_json::json;

    #[test]
    fn quoting_follows_yaml_v2() {
        let cases = [
            ("plain", "plain"),
            ("yes", "\"yes\""),
            ("on", "\"on\""),
            ("8081", "\"8081\""),
            ("1e3", "\"1e3\""),
            ("", "\"\""),
            ("2024-01-15", "\"2024-01-15\""),
            ("1:30", "\"1:30\""),
            ("&x", "'&x'"),
            ("*x", "'*x'"),
            ("- x", "'- x'"),
            ("a: b", "'a: b'"),
            ("a #b", "'a #b'"),
            (" lead", "' lead'"),
            ("it's", "it's"),
            ("say \"hi\"", "say \"hi\""),
            ("a\tb", "\"a\\tb\""),
            ("héllo ✓", "héllo ✓"),
            ("-x", "-x"),
            ("a\nb", "\"a\\nb\""),
        ];
        for (input, want) in cases {
            assert_eq!(scalar_inline(input), want, "input {input:?}");
        }
    }

    #[test]
    fn long_strings_fold_past_column_80_and_long_keys_are_explicit() {
        // "v: " then words of 4 letters: after k words the line ends at column 3 + 5k - 1, so
        // the first space past column 80 follows word 16 (column 82).
        let words = ["word"; 20].join(" ");
        let first = ["word"; 16].join(" ");
        let rest = ["word"; 4].join(" ");
        assert_eq!(
            to_block(&json!({ "v": words })),
            format!("v: {first}\n  {rest}")
        );
        // Quoted: the same rule counts the opening quote; two spaces never split.
        let quoted = format!("{} ", ["it's"; 20].join(" "));
        assert!(to_block(&json!({ "q": quoted })).contains("\n  it''s"));
        assert!(!to_block(&json!({ "s": format!("{}  b", "a".repeat(90)) })).contains('\n'));
        // A key of 129 bytes is explicit; 128 is not.
        let long = "k".repeat(129);
        assert_eq!(to_block(&json!({ &long: 1 })), format!("? {long}\n: 1"));
        let fits = "k".repeat(128);
        assert_eq!(to_block(&json!({ &fits: 1 })), format!("{fits}: 1"));
        assert_eq!(
            to_block(&json!({ "a\nb": {"x": [1]} })),
            "? |-\n  a\n  b\n: x:\n  - 1"
        );
    }

    #[test]
    fn block_dump_sorts_keys_and_keeps_lists_flush() {
        let v = json!({"b": [1, {"y": "2", "x": true}], "a": {}, "_u": "x\ny\n", "10": 1, "9": 2});
        let want =
            "_u: |\n  x\n  y\n\"9\": 2\n\"10\": 1\na: {}\nb:\n- 1\n- x: true\n  \"y\": \"2\"";
        assert_eq!(to_block(&v), want);
    }

    #[test]
    fn integral_floats_print_as_integers() {
        assert_eq!(float(10101.0), "10101");
        assert_eq!(float(1.5), "1.5");
        assert_eq!(float(-0.0), "0");
        assert_eq!(float(-2.0), "-2");
    }

    /// What Helm's `toYaml` prints for numbers that come out of JSON as float64.
    #[test]
    fn floats_print_as_helm_to_yaml_prints_them() {
        // Integral and within 64 bits: Go's JSON digits, read back as an integer.
        assert_eq!(float(9_007_199_254_740_993.0), "9007199254740992");
        assert_eq!(float(9_223_372_036_854_775_807.0), "9223372036854776000");
        assert_eq!(float(12_345_678_901_234_567_890.0), "12345678901234567000");
        // Found by fuzzing: past 64 bits yaml.v2 reads a float and prints it with an exponent.
        assert_eq!(float(1.5e20), "1.5e+20");
        assert_eq!(
            float(18_446_744_073_709_551_616.0),
            "1.8446744073709552e+19"
        );
        assert_eq!(float(1e21), "1e+21");
        assert_eq!(float(-3e25), "-3e+25");
        // Not integral: %g.
        assert_eq!(float(123_456.5), "123456.5");
        assert_eq!(float(1_234_567.5), "1.2345675e+06");
        assert_eq!(float(0.000_123), "0.000123");
        assert_eq!(float(1.5e-7), "1.5e-07");
        assert_eq!(float(f64::INFINITY), ".inf");
        assert_eq!(float(f64::NAN), ".nan");
    }

    #[test]
    fn go_g_matches_go_percent_v() {
        assert_eq!(go_g(8080.0), "8080");
        assert_eq!(go_g(100_000.0), "100000");
        assert_eq!(go_g(1_000_000.0), "1e+06");
        assert_eq!(go_g(0.5), "0.5");
        assert_eq!(go_g(1e-5), "1e-05");
        assert_eq!(go_g(-1e100), "-1e+100");
    }

    #[test]
    fn simple_strings_get_the_style_the_full_analysis_gives() {
        let samples = [
            "gloo",
            "quay.io/solo-io/gloo",
            "1.5.0",
            "/etc/istio/proxy",
            "8080",
            "0x1F",
            "0o17",
            "1_000",
            "1e3",
            "1.5",
            "2001-12-14",
            "12-14",
            "1.2.3",
            "y",
            "n",
            "on",
            "No",
            "true",
            "null",
            "NULL",
            "a-b_c.d/e",
            "0",
            "00",
            "0.",
            "190:20",
            "007",
            "9_9",
            "0b101",
        ];
        for s in samples {
            assert!(is_simple(s) || s.contains(':'), "{s}");
            for block_ok in [true, false] {
                assert_eq!(
                    choose_style(s, block_ok),
                    analyzed_style(s, block_ok),
                    "{s}"
                );
            }
        }
        for s in ["", "-1", ".5", "-", "a b", "a:b", "#x", "é"] {
            assert!(!is_simple(s), "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn generated_simple_strings_agree_with_the_full_analysis(
            s in "[A-Za-z0-9/][A-Za-z0-9_./-]{0,12}|[0-9][0-9_.eExXoObB+-]{0,8}|[yYnNoOtTfF][a-zA-Z]{0,4}"
        ) {
            if is_simple(&s) {
                for block_ok in [true, false] {
                    proptest::prop_assert_eq!(choose_style(&s, block_ok), analyzed_style(&s, block_ok), "{}", s);
                }
            }
        }
    }
}
