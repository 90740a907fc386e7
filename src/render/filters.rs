//! The filters and the output formatter the templates rely on (see the contract in `mod.rs`).

use super::{filter_error, yaml};
use minijinja::value::ValueKind;
use minijinja::{Environment, Error, Output, State, Value};

pub fn register(env: &mut Environment<'static>) {
    env.add_filter("yaml", yaml_filter);
    env.add_filter("toyaml", toyaml_filter);
    env.add_filter("kebabcase", kebabcase_filter);
    env.add_filter("nindent", nindent_filter);
    env.add_filter("merge", merge_filter);
    env.add_function("fail", fail_function);
}

/// `{{ fail("message") }}`: stops rendering with the message, like Helm's `fail`.
fn fail_function(message: String) -> Result<String, Error> {
    Err(filter_error(message))
}

fn is_empty_json(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => true,
        serde_json::Value::Bool(b) => !b,
        serde_json::Value::Number(n) => n.as_f64() == Some(0.0),
        serde_json::Value::String(s) => s.is_empty(),
        serde_json::Value::Array(a) => a.is_empty(),
        serde_json::Value::Object(m) => m.is_empty(),
    }
}

/// sprig's `merge` (mergo): keys of `dst` win unless their value is empty; maps merge deeply.
fn merge_json(dst: &mut serde_json::Value, src: &serde_json::Value) {
    let (serde_json::Value::Object(d), serde_json::Value::Object(s)) = (dst, src) else {
        return;
    };
    for (key, sv) in s {
        match d.get_mut(key) {
            Some(dv) if dv.is_object() && sv.is_object() => merge_json(dv, sv),
            Some(dv) if !is_empty_json(dv) => {}
            _ => {
                d.insert(key.clone(), sv.clone());
            }
        }
    }
}

/// `{{ a | merge(b) }}`: `a` with its empty or missing keys taken from `b` (Helm's `merge`).
fn merge_filter(dst: Value, src: Value) -> Result<Value, Error> {
    let mut d = if dst.is_undefined() || dst.is_none() {
        serde_json::Value::Object(Default::default())
    } else {
        to_json(&dst, "merge")?
    };
    let s = if src.is_undefined() || src.is_none() {
        serde_json::Value::Object(Default::default())
    } else {
        to_json(&src, "merge")?
    };
    if !d.is_object() || !s.is_object() {
        return Err(filter_error("merge expects two maps"));
    }
    merge_json(&mut d, &s);
    Ok(Value::from(minijinja::value::Serde(d)))
}

fn to_json(value: &Value, what: &str) -> Result<serde_json::Value, Error> {
    if value.is_undefined() {
        return Err(filter_error(format!("{what} got an undefined value")));
    }
    serde_json::to_value(value)
        .map_err(|e| filter_error(format!("{what} cannot convert the value: {e}")))
}

/// `{{ v | yaml }}`: one YAML scalar on one line.
fn yaml_filter(value: Value) -> Result<String, Error> {
    match to_json(&value, "yaml")? {
        serde_json::Value::String(s) => Ok(yaml::scalar_inline(&s)),
        serde_json::Value::Number(n) => Ok(yaml::number(&n)),
        serde_json::Value::Bool(b) => Ok(b.to_string()),
        serde_json::Value::Null => Ok("null".to_string()),
        _ => Err(filter_error(
            "yaml expects a scalar; use toyaml(N) for maps and lists",
        )),
    }
}

fn indent_lines(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}

/// `{{ v | toyaml(N) }}`: a newline, then `v` as block YAML indented by N spaces.
fn toyaml_filter(value: Value, indent: usize) -> Result<String, Error> {
    let json = to_json(&value, "toyaml")?;
    Ok(indent_lines(&yaml::to_block(&json), indent))
}

/// `{{ text | nindent(N) }}`: a newline, then the raw text with non-empty lines indented.
fn nindent_filter(value: Value, indent: usize) -> Result<String, Error> {
    match value.as_str() {
        Some(s) => Ok(indent_lines(s.trim_end_matches('\n'), indent)),
        None => Err(filter_error("nindent expects a string")),
    }
}

fn kebabcase_filter(value: Value) -> Result<String, Error> {
    match value.as_str() {
        Some(s) => Ok(kebabcase(s)),
        None => Err(filter_error("kebabcase expects a string")),
    }
}

/// sprig's `kebabcase` for the names charts use: a dash before an upper-case letter that starts
/// a word (`gatewayProxy` → `gateway-proxy`, `HTTPProxy` → `http-proxy`), `_`, spaces and
/// dashes become one dash, digits stay with the word before them (`proxy2` → `proxy2`).
pub fn kebabcase(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 4);
    let mut pending_dash = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' || c == '-' || c.is_whitespace() {
            pending_dash = !out.is_empty();
            continue;
        }
        if c.is_uppercase() && i > 0 && !out.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                pending_dash = true;
            }
        }
        if pending_dash {
            out.push('-');
            pending_dash = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Prints values into templates: integers as they are, floats as Go prints them; `none` and undefined are
/// errors (a template must not print a value that is not there).
pub fn format_value(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    match value.kind() {
        ValueKind::None => Err(filter_error(
            "cannot print a null value; guard it with if or use a default",
        )),
        ValueKind::Undefined => Err(filter_error("cannot print an undefined value")),
        // A float printed into a template prints as Go's `%v` prints a float64.
        ValueKind::Number if !value.is_integer() => match f64::try_from(value.clone()) {
            Ok(f) => out
                .write_str(&yaml::go_g(f))
                .map_err(|_| filter_error("write failed")),
            Err(_) => minijinja::escape_formatter(out, state, value),
        },
        _ => minijinja::escape_formatter(out, state, value),
    }
}

#[cfg(test)]
mod tests {
    use super::kebabcase;

    #[test]
    fn kebabcase_matches_sprig_for_proxy_names() {
        assert_eq!(kebabcase("gatewayProxy"), "gateway-proxy");
        assert_eq!(kebabcase("publicGw"), "public-gw");
        assert_eq!(kebabcase("internal_proxy"), "internal-proxy");
        assert_eq!(kebabcase("HTTPProxy"), "http-proxy");
        assert_eq!(kebabcase("proxy2"), "proxy2");
        assert_eq!(kebabcase("corp"), "corp");
    }
}
