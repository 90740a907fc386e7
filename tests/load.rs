//! Loading values as Helm does: YAML 1.1 resolution, `--set*` grammar, layer order and
//! coalescing. Expected values come from Helm's observed behaviour (shared/research/helm-semantics.md
//! §1–2), not from this crate's output.

use gloo_chart::diag::{Diagnostic, Severity};
use gloo_chart::load::merge::{coalesce, merge_layers};
use gloo_chart::load::strvals::{apply, apply_with, SetKind};
use gloo_chart::load::yaml::parse_values;
use gloo_chart::load::{load_user, read_source, Limits, LoadError, Node, Sources, Value};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/load")
        .join(name)
}

fn parse_with(text: &[u8], limits: &Limits) -> (Option<Node>, Vec<Diagnostic>) {
    parse_values(Arc::from("v.yaml"), text, limits)
}

fn parse(text: &str) -> (Option<Node>, Vec<Diagnostic>) {
    parse_with(text.as_bytes(), &Limits::default())
}

/// Parses a file that must load without errors, as JSON.
fn load(text: &str) -> serde_json::Value {
    let (node, diags) = parse(text);
    assert!(
        !diags.iter().any(|d| d.severity == Severity::Error),
        "{diags:?}"
    );
    node.expect("a root map").to_json()
}

/// Parses a file that must fail; returns its errors.
fn errors(text: &[u8]) -> Vec<Diagnostic> {
    errors_with(text, &Limits::default())
}

fn errors_with(text: &[u8], limits: &Limits) -> Vec<Diagnostic> {
    let (node, diags) = parse_with(text, limits);
    assert!(node.is_none(), "expected no tree, got {node:?}");
    let errs: Vec<_> = diags
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(!errs.is_empty());
    errs
}

fn at(d: &Diagnostic) -> (u32, u32) {
    (d.location.line, d.location.col)
}

fn get<'a>(node: &'a Node, pointer: &str) -> &'a Node {
    let (found, whole) = node.lookup_pointer(pointer);
    assert!(whole, "{pointer} missing in {:?}", node.to_json());
    found
}

// ---------------------------------------------------------------------------------------------
// YAML 1.1 scalars

#[test]
fn yaml11_booleans_in_values() {
    let v = load(
        "b1: yes\nb2: no\nb3: on\nb4: off\nb5: Y\nb6: n\nb7: TRUE\nb8: NO\nb9: On\nb10: False\nl: [x, y]\nnot1: yES\nnot2: \"yes\"\n",
    );
    assert_eq!(
        v,
        json!({"b1": true, "b2": false, "b3": true, "b4": false, "b5": true, "b6": false,
               "b7": true, "b8": false, "b9": true, "b10": false, "l": ["x", true],
               "not1": "yES", "not2": "yes"})
    );
}

#[test]
fn yaml11_booleans_in_keys() {
    let v = load("m: {y: 2}\nn: \"null\"\ndeep: {x: 1, y: 2}\n");
    assert_eq!(
        v,
        json!({"m": {"true": 2}, "false": "null", "deep": {"x": 1, "true": 2}})
    );
}

#[test]
fn bool_keys_collide_last_wins() {
    // `n:` and `off:` both become "false"; both written plainly, so it is a plain duplicate.
    let (node, diags) = parse("n: \"null\"\noff: 3\n");
    assert_eq!(node.map(|n| n.to_json()), Some(json!({"false": 3})));
    assert!(diags.iter().any(|d| d.rule == "duplicate-key"));
}

#[test]
fn integers_follow_go_parse_int_base_zero() {
    let v = load("oct: 0777\no: 0o17\nhex: 0x1F\nbin: 0b101\nus: 1_000\nplus: +1\neight: 08\nneg: -0x10\ni: 42\n");
    assert_eq!(
        v,
        json!({"oct": 511, "o": 15, "hex": 31, "bin": 5, "us": 1000, "plus": 1, "eight": 8,
               "neg": -16, "i": 42})
    );
}

#[test]
fn floats_and_strings_that_look_numeric() {
    let v = load("a: 1e3\nb: .5\nc: 1.5\nd: 1.\ne: 1E3\nbig: 1e400\nsexa: 1:30\nver: 1.2.3\n");
    assert_eq!(
        v,
        json!({"a": 1000, "b": 0.5, "c": 1.5, "d": 1, "e": 1000, "big": "1e400",
               "sexa": "1:30", "ver": "1.2.3"})
    );
    let (node, _) = parse("c: 1.5\na: 1e3\n");
    let node = node.expect("root");
    assert_eq!(get(&node, "/c").value, Value::Float(1.5));
    assert_eq!(get(&node, "/a").value, Value::Int(1000));
}

#[test]
fn integers_lose_precision_above_2_pow_53_like_float64() {
    let (node, _) =
        parse("max: 9223372036854775807\nodd: 9007199254740993\nhuge: 18446744073709551615\n");
    let node = node.expect("root");
    assert_eq!(
        get(&node, "/max").value,
        Value::Float(9.223_372_036_854_776e18)
    );
    assert_eq!(get(&node, "/odd").value, Value::Int(9_007_199_254_740_992));
    assert_eq!(
        get(&node, "/huge").value,
        Value::Float(1.844_674_407_370_955_2e19)
    );
}

#[test]
fn infinity_and_nan_are_errors() {
    for (text, col) in [("a: .inf\n", 4), ("a: -.Inf\n", 4), ("x: 1\na: .nan\n", 4)] {
        let errs = errors(text.as_bytes());
        assert_eq!(errs[0].rule, "yaml-value", "{text}");
        assert_eq!(errs[0].location.col, col, "{text}");
    }
    // A key may be `.inf`: sigs.k8s.io/yaml names it ".inf".
    assert_eq!(load(".inf: 1\n"), json!({".inf": 1}));
}

#[test]
fn timestamps_stay_verbatim_strings() {
    let v = load("d1: 2024-01-15\no: 2001-12-14 21:59:43.10 -5\nt: 2024-01-15T10:00:00Z\n");
    assert_eq!(
        v,
        json!({"d1": "2024-01-15", "o": "2001-12-14 21:59:43.10 -5", "t": "2024-01-15T10:00:00Z"})
    );
}

#[test]
fn nulls_keep_their_keys() {
    let v = load("n1: ~\nn2: null\nn3:\nn4: Null\nn5: NULL\ns: \"~\"\n");
    assert_eq!(
        v,
        json!({"n1": null, "n2": null, "n3": null, "n4": null, "n5": null, "s": "~"})
    );
}

#[test]
fn plain_text_is_kept_only_for_resolved_non_strings() {
    let (node, _) = parse("a: on\nb: \"on\"\nc: 0777\nd: text\n");
    let node = node.expect("root");
    assert_eq!(get(&node, "/a").plain.as_deref(), Some("on"));
    assert_eq!(get(&node, "/b").plain, None);
    assert_eq!(get(&node, "/c").plain.as_deref(), Some("0777"));
    assert_eq!(get(&node, "/d").plain, None);
}

#[test]
fn explicit_tags() {
    let v =
        load("a: !!str 123\nb: !!int \"7\"\nc: !!float 1\nd: !!binary aGVsbG8=\ne: !custom on\n");
    assert_eq!(
        v,
        json!({"a": "123", "b": 7, "c": 1, "d": "hello", "e": "on"})
    );
    let errs = errors(b"a: !!int abc\n");
    assert_eq!(errs[0].rule, "yaml-value");
}

#[test]
fn non_string_keys_become_strings_as_helm_does() {
    let v = load("0x10: a\n1.5: b\n2.0: c\n1e3: d\n3.14159265358979: e\n1e20: f\ntrue: g\n~x: h\n");
    assert_eq!(
        v,
        json!({"16": "a", "1.5": "b", "2": "c", "1000": "d", "3.1415927": "e", "1e+20": "f",
               "true": "g", "~x": "h"})
    );
}

#[test]
fn null_and_sequence_keys_are_errors() {
    let errs = errors(b"ok: 1\n~: nullkey\n");
    assert_eq!((errs[0].rule, at(&errs[0])), ("yaml-value", (2, 1)));
    let errs = errors(b"? [1, 2]\n: seq\n");
    assert_eq!(errs[0].rule, "yaml-value");
    assert_eq!(at(&errs[0]).0, 1);
}

// ---------------------------------------------------------------------------------------------
// Document shape

#[test]
fn empty_and_comment_only_files_are_empty_maps() {
    assert_eq!(load(""), json!({}));
    assert_eq!(load("# nothing here\n\n# at all\n"), json!({}));
    assert_eq!(load("---\n"), json!({}));
    assert_eq!(load("~\n"), json!({}));
}

#[test]
fn top_level_list_or_scalar_is_an_error() {
    let bytes = std::fs::read(fixture("top-level-list.yaml")).expect("fixture");
    let errs = errors(&bytes);
    assert_eq!((errs[0].rule, at(&errs[0])), ("values-not-map", (1, 1)));
    assert!(errs[0].message.contains("list"), "{}", errs[0].message);
    let errs = errors(b"just a string\n");
    assert_eq!(errs[0].rule, "values-not-map");
    assert!(errs[0].message.contains("string"));
}

#[test]
fn syntax_errors_are_located() {
    let errs = errors(b"a: 1\nb:\n  c: 1\n d: 2\n");
    assert_eq!(errs[0].rule, "yaml-syntax");
    assert_eq!(errs[0].location.line, 4);
    let errs = errors(b"a:\n\t- 1\n");
    assert_eq!((errs[0].rule, errs[0].location.line), ("yaml-syntax", 2));
    let errs = errors(b"a: *nowhere\n");
    assert_eq!((errs[0].rule, at(&errs[0])), ("yaml-syntax", (1, 4)));
}

#[test]
fn several_documents_are_an_error() {
    let bytes = std::fs::read(fixture("multi-document.yaml")).expect("fixture");
    let errs = errors(&bytes);
    assert_eq!((errs[0].rule, errs[0].location.line), ("multi-document", 3));
    assert!(errs[0].message.contains("Helm 3") && errs[0].message.contains("Helm 4"));
    // The first document empty and a later one not: Helm 3 gives {} and Helm 4 gives {a: 1}.
    let errs = errors(b"---\n---\na: 1\n");
    assert_eq!((errs[0].rule, errs[0].location.line), ("multi-document", 2));
    // Trailing empty documents read the same in both versions.
    assert_eq!(load("a: 1\n---\n"), json!({"a": 1}));
    assert_eq!(load("---\na: 1\n...\n"), json!({"a": 1}));
}

#[test]
fn locations_are_one_based_line_and_column() {
    let (node, _) = parse("top:\n  child: value\n  list:\n    - x\n    - {k: v}\n");
    let node = node.expect("root");
    assert_eq!(get(&node, "/top/child").location.line, 2);
    assert_eq!(get(&node, "/top/child").location.col, 10);
    assert_eq!(at_node(get(&node, "/top/list/1/k")), (5, 11));
    let Value::Map(top) = &get(&node, "/top").value else {
        panic!("top is a map")
    };
    let (key, _) = &top["list"];
    assert_eq!((key.location.line, key.location.col), (3, 3));
}

fn at_node(n: &Node) -> (u32, u32) {
    (n.location.line, n.location.col)
}

// ---------------------------------------------------------------------------------------------
// Keys, anchors, merges

#[test]
fn duplicate_keys_last_wins_with_warning_naming_both() {
    let bytes = std::fs::read(fixture("duplicate-keys.yaml")).expect("fixture");
    let (node, diags) = parse_with(&bytes, &Limits::default());
    assert_eq!(
        node.expect("root").to_json(),
        json!({"a": 2, "m": {"true": 2}})
    );
    let dups: Vec<_> = diags.iter().filter(|d| d.rule == "duplicate-key").collect();
    assert_eq!(dups.len(), 2);
    assert_eq!(dups[0].severity, Severity::Warning);
    assert_eq!(at(dups[0]), (3, 1));
    assert!(dups[0].message.contains("1:1"), "{}", dups[0].message);
    assert_eq!(at(dups[1]), (4, 1));
    assert!(dups[1].message.contains("2:1"), "{}", dups[1].message);
}

#[test]
fn keys_that_become_the_same_string_warn_of_random_winner() {
    let (_, diags) = parse("1: i\n\"1\": s\n");
    let dups: Vec<_> = diags.iter().filter(|d| d.rule == "duplicate-key").collect();
    assert_eq!(dups.len(), 1);
    assert!(dups[0].message.contains("random"), "{}", dups[0].message);
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let bytes = std::fs::read(fixture("merge-keys.yaml")).expect("fixture");
    let (node, diags) = parse_with(&bytes, &Limits::default());
    let v = node.expect("root").to_json();
    assert_eq!(v["merged"], json!({"x": 1, "true": "over"}));
    // Earlier maps in a merge list take precedence.
    assert_eq!(
        v["several"],
        json!({"x": 1, "true": "base", "z": "other", "w": "own"})
    );
    // goyaml.v2 writes merged keys over the keys written before `<<`.
    assert_eq!(v["late"], json!({"true": "base", "x": 1}));
    assert!(diags
        .iter()
        .any(|d| d.rule == "merge-key-order" && d.location.line == 8));
    let errs = errors(b"a: {<<: 5}\n");
    assert_eq!(errs[0].rule, "yaml-value");
    assert_eq!(
        load("a: &x {k: 1}\nb: *x\nc: \"<<\"\n")["b"],
        json!({"k": 1})
    );
}

#[test]
fn quoted_merge_key_is_a_plain_key() {
    assert_eq!(load("m: {\"<<\": 1}\n"), json!({"m": {"<<": 1}}));
}

#[test]
fn alias_bomb_stops_at_the_limit() {
    let bytes = std::fs::read(fixture("alias-bomb.yaml")).expect("fixture");
    let start = std::time::Instant::now();
    let errs = errors(&bytes);
    assert!(start.elapsed().as_secs() < 5);
    assert_eq!(errs[0].rule, "yaml-limit");
    assert!(errs[0].location.line > 2, "{:?}", errs[0]);
    let small = Limits {
        max_alias_nodes: 5,
        ..Limits::default()
    };
    let errs = errors_with(b"a: &a [1, 2, 3]\nb: *a\nc: *a\n", &small);
    assert_eq!((errs[0].rule, at(&errs[0])), ("yaml-limit", (3, 4)));
}

#[test]
fn alias_inside_its_own_anchor_is_an_error() {
    let bytes = std::fs::read(fixture("self-alias.yaml")).expect("fixture");
    let errs = errors(&bytes);
    assert_eq!((errs[0].rule, at(&errs[0])), ("yaml-value", (1, 11)));
}

#[test]
fn nesting_deeper_than_the_limit_is_an_error_not_a_crash() {
    for name in ["deep-block.yaml", "deep-flow.yaml"] {
        let bytes = std::fs::read(fixture(name)).expect("fixture");
        let errs = errors(&bytes);
        assert!(
            errs[0].rule == "yaml-limit" || errs[0].rule == "yaml-syntax",
            "{name}: {:?}",
            errs[0]
        );
    }
    let bytes = std::fs::read(fixture("deep-block.yaml")).expect("fixture");
    let errs = errors(&bytes);
    assert_eq!((errs[0].rule, errs[0].location.line), ("yaml-limit", 130));
    let shallow = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    assert!(parse_with(b"a: {b: {c: 1}}\n", &shallow).0.is_some());
    let errs = errors_with(b"a: {b: {c: {d: 1}}}\n", &shallow);
    assert_eq!((errs[0].rule, at(&errs[0])), ("yaml-limit", (1, 12)));
    // An alias that would go past the limit is refused too.
    let errs = errors_with(b"x: &x {b: {c: 1}}\na: {b: *x}\n", &shallow);
    assert_eq!(errs[0].rule, "yaml-limit");
}

#[test]
fn size_and_document_limits() {
    let tiny = Limits {
        max_file_bytes: 4,
        ..Limits::default()
    };
    assert_eq!(errors_with(b"a: 12345\n", &tiny)[0].rule, "yaml-limit");
    let docs = "---\n".repeat(100);
    assert_eq!(errors(docs.as_bytes())[0].rule, "yaml-limit");
}

// ---------------------------------------------------------------------------------------------
// Encoding

#[test]
fn non_utf8_is_located_at_the_bad_byte() {
    let bytes = std::fs::read(fixture("non-utf8.yaml")).expect("fixture");
    let errs = errors(&bytes);
    assert_eq!((errs[0].rule, at(&errs[0])), ("yaml-encoding", (3, 8)));
    assert!(errs[0].message.contains("0xfc"), "{}", errs[0].message);
}

#[test]
fn nul_and_control_characters_are_errors() {
    let bytes = std::fs::read(fixture("nul-byte.yaml")).expect("fixture");
    let errs = errors(&bytes);
    assert_eq!((errs[0].rule, at(&errs[0])), ("yaml-encoding", (2, 5)));
    assert!(errs[0].message.contains("NUL"));
    let errs = errors(b"a: b\x01c\n");
    assert_eq!(at(&errs[0]), (1, 5));
}

#[test]
fn utf8_bom_is_ignored() {
    assert_eq!(load("\u{feff}a: 1\n"), json!({"a": 1}));
}

// ---------------------------------------------------------------------------------------------
// --set family

fn empty() -> Node {
    parse("").0.expect("empty map")
}

fn set(kind: SetKind, args: &[&str]) -> serde_json::Value {
    let mut root = empty();
    for arg in args {
        apply(kind, arg, &mut root).unwrap_or_else(|d| panic!("{arg}: {d}"));
    }
    root.to_json()
}

fn set_err(kind: SetKind, base: &str, arg: &str) -> Diagnostic {
    let mut root = parse(base).0.expect("base parses");
    match apply(kind, arg, &mut root) {
        Ok(()) => panic!("{arg} should fail, gave {}", root.to_json()),
        Err(d) => d,
    }
}

#[test]
fn set_typing_table() {
    let v = set(
        SetKind::Set,
        &["a=true,b=FALSE,c=Null,d=0,e=007,f=42,g=-5,h=+5,i=1.5,j=1e3,k=9223372036854775808,l=yes,m=1_000,n="],
    );
    assert_eq!(
        v,
        json!({"a": true, "b": false, "c": null, "d": 0, "e": "007", "f": 42, "g": -5, "h": 5,
               "i": "1.5", "j": "1e3", "k": "9223372036854775808", "l": "yes", "m": "1_000", "n": ""})
    );
    let mut root = empty();
    apply(SetKind::Set, "big=9223372036854775807", &mut root).expect("parses");
    assert_eq!(get(&root, "/big").value, Value::Int(i64::MAX));
}

#[test]
fn set_string_keeps_everything_a_string() {
    assert_eq!(
        set(SetKind::String, &["a=true,b=1,c=null"]),
        json!({"a": "true", "b": "1", "c": "null"})
    );
}

#[test]
fn set_escapes_and_spaces() {
    assert_eq!(set(SetKind::Set, &[r"b\.c=1"]), json!({"b.c": 1}));
    assert_eq!(set(SetKind::Set, &[r"a=x\,y"]), json!({"a": "x,y"}));
    assert_eq!(set(SetKind::Set, &["f=a=b"]), json!({"f": "a=b"}));
    assert_eq!(set(SetKind::Set, &[" a = 1 "]), json!({" a ": " 1 "}));
    assert_eq!(set(SetKind::Set, &["a=1,"]), json!({"a": 1}));
    assert_eq!(set(SetKind::Set, &[".a=1"]), json!({}));
}

#[test]
fn set_lists_in_braces() {
    assert_eq!(
        set(SetKind::Set, &["l={a,1,true}", "s={ a , b }", "e={}"]),
        json!({"l": ["a", 1, true], "s": [" a ", " b "], "e": [""]})
    );
    let d = set_err(SetKind::Set, "", "l={a,b");
    assert!(d.message.contains("terminate"), "{}", d.message);
}

#[test]
fn set_list_indexes_pad_with_null_and_edit_file_lists() {
    let mut root = parse("list: [1, 2, 3]\n").0.expect("parses");
    apply(SetKind::Set, "list[1]=x", &mut root).expect("parses");
    assert_eq!(root.to_json(), json!({"list": [1, "x", 3]}));
    apply(SetKind::Set, "list[5]=y", &mut root).expect("parses");
    assert_eq!(
        root.to_json(),
        json!({"list": [1, "x", 3, null, null, "y"]})
    );
    assert_eq!(
        set(SetKind::Set, &["a[1][0]=z", "b[0].c=x", "b[0].d=y"]),
        json!({"a": [null, ["z"]], "b": [{"c": "x", "d": "y"}]})
    );
}

#[test]
fn set_errors_match_helm() {
    let cases = [
        ("a", "key \"a\" has no value", 1),
        ("a=b,c", "key \"c\" has no value", 5),
        ("a.=1", "key map \"a\" has no value", 1),
        ("a[-1]=1", "negative -1 index not allowed", 1),
        (
            "a[70000]=1",
            "index of 70000 is greater than maximum supported index of 65536",
            1,
        ),
    ];
    for (arg, message, col) in cases {
        let d = set_err(SetKind::Set, "", arg);
        assert_eq!(d.message, message, "{arg}");
        assert_eq!(d.location.col, col, "{arg}");
        assert_eq!(&*d.location.source, format!("--set {arg}"), "{arg}");
        assert_eq!(d.severity, Severity::Error);
    }
    let deep: Vec<String> = (0..32).map(|i| format!("k{i}")).collect();
    let d = set_err(SetKind::Set, "", &format!("{}=1", deep.join(".")));
    assert!(d.message.contains("nested level"), "{}", d.message);
    let ok: Vec<String> = (0..31).map(|i| format!("k{i}")).collect();
    assert!(set(SetKind::Set, &[&format!("{}=1", ok.join("."))]).is_object());
}

#[test]
fn set_walking_into_a_non_map_is_an_error() {
    let d = set_err(SetKind::Set, "img: nginx\n", "img.tag=x");
    assert_eq!((d.rule, d.location.col), ("set-type", 1));
    assert!(
        d.message.contains("string") && d.message.contains("v.yaml:1:6"),
        "{}",
        d.message
    );
    let mut root = empty();
    apply(SetKind::Set, "a=1", &mut root).expect("parses");
    assert!(apply(SetKind::Set, "a.b=2", &mut root).is_err());
    let mut root = empty();
    apply(SetKind::Set, "x[0]=1", &mut root).expect("parses");
    assert!(apply(SetKind::Set, "x.y=2", &mut root).is_err());
    // Into a null from a file: Helm's type assertion fails on nil too.
    assert!(apply(
        SetKind::Set,
        "nn.b=1",
        &mut parse("nn: ~\n").0.expect("parses")
    )
    .is_err());
    // A scalar over a map is fine.
    assert_eq!(set(SetKind::Set, &["a.b=1", "a=2"]), json!({"a": 2}));
}

#[test]
fn set_locations_point_into_the_argument() {
    let mut root = empty();
    apply(SetKind::Set, "global.istioSDS.enabled=true", &mut root).expect("parses");
    let node = get(&root, "/global/istioSDS/enabled");
    assert_eq!(&*node.location.source, "--set global.istioSDS.enabled=true");
    assert_eq!((node.location.line, node.location.col), (1, 25));
    assert_eq!(node.plain.as_deref(), Some("true"));
    apply(SetKind::Set, "a=1,b={x,yy}", &mut root).expect("parses");
    assert_eq!(get(&root, "/b/1").location.col, 10);
}

#[test]
fn set_literal_takes_the_rest_verbatim() {
    assert_eq!(
        set(SetKind::Literal, &[r"a=x,y.z=1\,2"]),
        json!({"a": r"x,y.z=1\,2"})
    );
    assert_eq!(
        set(SetKind::Literal, &["a.b[1]=x=y"]),
        json!({"a": {"b": [null, "x=y"]}})
    );
}

#[test]
fn set_json_values() {
    let mut root = parse("m: {x: 1}\n").0.expect("parses");
    apply(
        SetKind::Json,
        r#"m={"z":1},n=,l=[1,"a",null],f=1.5"#,
        &mut root,
    )
    .expect("parses");
    assert_eq!(
        root.to_json(),
        json!({"m": {"z": 1}, "n": null, "l": [1, "a", null], "f": 1.5})
    );
    let d = set_err(SetKind::Json, "", "a=nope");
    assert_eq!((d.rule, d.location.col), ("set-json", 3));
}

#[test]
fn set_json_whole_object_merges_with_a_helm3_warning() {
    let mut root = parse("m: {x: 1}\n").0.expect("parses");
    let warnings = apply_with(
        SetKind::Json,
        r#"{"m":{"z":1}}"#,
        &mut root,
        &Limits::default(),
    )
    .expect("merges");
    assert_eq!(root.to_json(), json!({"m": {"x": 1, "z": 1}}));
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].severity, Severity::Warning);
    assert!(warnings[0].message.contains("Helm 3"));
}

#[test]
fn set_file_reads_contents_as_a_string() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("val.txt");
    std::fs::write(&path, "true\n").expect("write");
    let arg = format!("a={}", path.display());
    assert_eq!(set(SetKind::File, &[&arg]), json!({"a": "true\n"}));
    let missing = format!("a={}", dir.path().join("nope.txt").display());
    let d = set_err(SetKind::File, "", &missing);
    assert_eq!((d.rule, d.location.col), ("set-file", 3));
    assert!(d.message.contains("nope.txt"));
}

// ---------------------------------------------------------------------------------------------
// Layers

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn set_flags_apply_in_fixed_order_by_flag_type() {
    let dir = tempfile::tempdir().expect("tempdir");
    let val = write(dir.path(), "val.txt", "F");
    let f2 = write(dir.path(), "f2.yaml", "a: 2\nb: 2\n");
    let sources = Sources {
        files: vec![f2.clone()],
        set_literal: vec!["a=L".into()],
        set_file: vec![format!("a={}", val.display())],
        set_string: vec!["a=S".into()],
        set: vec!["a=1".into(), "b=1".into()],
        set_json: vec!["a=2".into()],
    };
    let loaded = load_user(&sources, None, &Limits::default()).expect("loads");
    assert_eq!(loaded.user.to_json(), json!({"a": "L", "b": 1}));
    let sources = Sources {
        set_string: vec!["a=S".into()],
        set: vec!["a=1".into()],
        ..Sources::default()
    };
    let loaded = load_user(&sources, None, &Limits::default()).expect("loads");
    assert_eq!(loaded.user.to_json(), json!({"a": "S"}));
    let sources = Sources {
        files: vec![f2],
        set: vec!["a=1".into()],
        ..Sources::default()
    };
    let loaded = load_user(&sources, None, &Limits::default()).expect("loads");
    assert_eq!(loaded.user.to_json(), json!({"a": 1, "b": 2}));
}

#[test]
fn files_merge_maps_and_replace_everything_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = write(
        dir.path(),
        "a.yaml",
        "m: {x: 1, w: 1}\nl: [1, 2]\nnn: 5\nk: keep\n",
    );
    let b = write(dir.path(), "b.yaml", "m: {w: 2}\nl: [9]\nnn: null\n");
    let extra = write(dir.path(), "extra.yaml", "k: extra\nm: {z: 3}\n");
    let sources = Sources {
        files: vec![a, b],
        set: vec!["k=set".into()],
        ..Sources::default()
    };
    let loaded = load_user(&sources, Some(&extra), &Limits::default()).expect("loads");
    assert_eq!(
        loaded.user.to_json(),
        json!({"m": {"x": 1, "w": 2, "z": 3}, "l": [9], "nn": null, "k": "set"})
    );
    assert!(loaded.diagnostics.is_empty());
}

#[test]
fn a_broken_layer_is_reported_and_the_rest_still_loads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = write(dir.path(), "good.yaml", "a: 1\n");
    let bad = write(dir.path(), "bad.yaml", "b: [1,\n");
    let sources = Sources {
        files: vec![good, bad],
        set: vec!["c=3".into(), "img.x".into()],
        ..Sources::default()
    };
    let loaded = load_user(&sources, None, &Limits::default()).expect("loads");
    assert_eq!(loaded.user.to_json(), json!({"a": 1, "c": 3}));
    let rules: Vec<_> = loaded.diagnostics.iter().map(|d| d.rule).collect();
    assert_eq!(rules, ["yaml-syntax", "set-syntax"]);
    assert!(loaded.diagnostics[0].location.source.ends_with("bad.yaml"));
}

#[test]
fn unreadable_files_are_io_errors_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sources = Sources {
        files: vec![dir.path().join("missing.yaml")],
        ..Sources::default()
    };
    let err = load_user(&sources, None, &Limits::default()).expect_err("missing");
    assert!(matches!(err, LoadError::Io { .. }));
    assert!(err.to_string().contains("missing.yaml"));
    let big = write(dir.path(), "big.yaml", &"a: 1\n".repeat(10));
    let tiny = Limits {
        max_file_bytes: 10,
        ..Limits::default()
    };
    let err = read_source(&big, &tiny).expect_err("too big");
    assert!(matches!(err, LoadError::TooBig { .. }));
    assert!(err.to_string().contains("big.yaml"));
}

// ---------------------------------------------------------------------------------------------
// Coalescing over chart defaults

fn node(text: &str) -> Node {
    let (n, d) = parse(text);
    n.unwrap_or_else(|| panic!("{d:?}"))
}

#[test]
fn merge_layers_replaces_lists_and_nulls() {
    let mut dest = node("m: {x: 1}\nl: [1, 2]\ns: a\n");
    merge_layers(&mut dest, node("m: {w: 2}\nl: [3]\ns: null\n"));
    assert_eq!(
        dest.to_json(),
        json!({"m": {"x": 1, "w": 2}, "l": [3], "s": null})
    );
}

#[test]
fn coalesce_copies_defaults_and_user_wins() {
    let defaults = node("a: 1\nm: {x: 1, w: 1}\nlist: [1, 2, 3]\nnullDefault: null\n");
    let (out, diags) = coalesce(&defaults, node("m: {w: 2}\nlist: [9]\nextra: e\n"));
    assert_eq!(
        out.to_json(),
        json!({"a": 1, "m": {"x": 1, "w": 2}, "list": [9], "nullDefault": null, "extra": "e"})
    );
    assert!(diags.is_empty(), "{diags:?}");
    // Defaults keep their own locations; user values keep theirs.
    assert_eq!(at_node(get(&out, "/m/x")), (2, 8));
    assert_eq!(&*get(&out, "/a").location.source, "v.yaml");
}

#[test]
fn coalesce_user_null_deletes_the_default() {
    let defaults = node("name: app\nnested: {a: 1, nul: null, keep: k}\n");
    let user = node("name: null\nnested: {a: null, nul: null, newnull: null}\nextraNull: null\n");
    let (out, diags) = coalesce(&defaults, user);
    assert_eq!(
        out.to_json(),
        json!({"nested": {"keep": "k", "newnull": null}, "extraNull": null})
    );
    let diffs: Vec<_> = diags
        .iter()
        .filter(|d| d.rule == "helm-difference")
        .collect();
    assert_eq!(diffs.len(), 1);
    assert_eq!(diffs[0].path, "nested.nul");
}

#[test]
fn coalesce_set_list_index_replaces_default_list() {
    let defaults = node("list: [1, 2, 3]\n");
    let mut user = empty();
    apply(SetKind::Set, "list[1]=x", &mut user).expect("parses");
    let (out, _) = coalesce(&defaults, user);
    assert_eq!(out.to_json(), json!({"list": [null, "x"]}));
}

#[test]
fn coalesce_type_conflicts_warn_and_user_wins() {
    let defaults =
        node("scalarToMap: 1\nmapToScalar: {q: 1}\nnested: {tbl: {q: 1}, sc: 7, nil: null}\n");
    let user =
        node("scalarToMap: {a: 1}\nmapToScalar: 9\nnested: {tbl: 5, sc: {b: 2}, nil: {c: 3}}\n");
    let (out, diags) = coalesce(&defaults, user);
    assert_eq!(
        out.to_json(),
        json!({"scalarToMap": {"a": 1}, "mapToScalar": 9,
               "nested": {"tbl": 5, "sc": {"b": 2}, "nil": {"c": 3}}})
    );
    let conflicts: Vec<_> = diags.iter().filter(|d| d.rule == "type-conflict").collect();
    assert!(conflicts.iter().all(|d| d.severity == Severity::Warning));
    let find = |path: &str| {
        conflicts
            .iter()
            .find(|d| d.path == path)
            .unwrap_or_else(|| panic!("no warning for {path}: {conflicts:?}"))
    };
    assert!(find("scalarToMap")
        .message
        .contains("skipped value for scalarToMap: Not a table."));
    assert!(find("nested.tbl")
        .message
        .contains("cannot overwrite table with non table for nested.tbl"));
    assert!(find("nested.sc")
        .message
        .contains("destination for nested.sc is a table. Ignoring non-table value (7)"));
    assert_eq!(at(find("nested.sc")), (3, 22));
    // No warning when the default is null.
    assert!(conflicts.iter().all(|d| d.path != "nested.nil"));
}

// ---------------------------------------------------------------------------------------------
// Robustness: mutated inputs never panic, and a tree comes back exactly when there is no error.

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn mutated_yaml_never_panics() {
    let seeds: Vec<Vec<u8>> = ["merge-keys.yaml", "duplicate-keys.yaml", "self-alias.yaml"]
        .iter()
        .map(|n| std::fs::read(fixture(n)).expect("fixture"))
        .chain([b"a: {b: [1, &x 2, *x]}\n? c\n: |\n  text\nd: !!int 0x1F\n".to_vec()])
        .collect();
    let alphabet = b"-:{}[],&*!|>?'\"#%@` \n\t.0yY~<\\x";
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..3000 {
        let mut bytes = seeds[round % seeds.len()].clone();
        for _ in 0..1 + rng.below(4) {
            let pos = rng.below(bytes.len() + 1);
            let byte = alphabet[rng.below(alphabet.len())];
            match rng.below(3) {
                0 => bytes.insert(pos, byte),
                1 if pos < bytes.len() => {
                    bytes.remove(pos);
                }
                _ if pos < bytes.len() => bytes[pos] = byte,
                _ => bytes.push(byte),
            }
        }
        let (node, diags) = parse_with(&bytes, &Limits::default());
        let has_errors = diags.iter().any(|d| d.severity == Severity::Error);
        assert_eq!(
            node.is_some(),
            !has_errors,
            "{}",
            String::from_utf8_lossy(&bytes)
        );
        assert!(diags
            .iter()
            .all(|d| d.location.line >= 1 && d.location.col >= 1));
    }
}

#[test]
fn random_set_arguments_never_panic() {
    let alphabet: Vec<char> = "ab.[]=,{}\\0129- ".chars().collect();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for _ in 0..5000 {
        let len = 1 + rng.below(14);
        let arg: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        for kind in [
            SetKind::Set,
            SetKind::Literal,
            SetKind::Json,
            SetKind::String,
        ] {
            let mut root = node("a: {b: [1, {c: 2}]}\nl: [x]\n");
            if let Err(d) = apply(kind, &arg, &mut root) {
                let width = arg.chars().count() as u32 + 1;
                assert!(d.location.col >= 1 && d.location.col <= width, "{arg}: {d}");
            }
            assert!(matches!(root.value, Value::Map(_)));
        }
    }
}

#[test]
fn diagnostics_carry_helm_value_paths() {
    let (_, diags) = parse("top:\n  list:\n    - {a: 1, a: 2}\n");
    assert_eq!(diags[0].path, "top.list[0].a");
    let errs = errors(b"top:\n  l: [1, .inf]\n");
    assert_eq!(errs[0].path, "top.l[1]");
}
