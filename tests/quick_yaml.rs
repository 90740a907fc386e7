//! The quick block reader against the full YAML parser: for every input, `parse_values` (which
//! takes the quick reader when the text is in its subset) must give exactly the tree, positions
//! and diagnostics that the full parser alone gives. Also checks that the quick reader does take
//! the files it exists for, or the speed it buys would silently go away.

mod support;

use gloo_chart::load::yaml::{parse_values, parse_values_full, quick_reads};
use gloo_chart::load::Limits;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Asserts both readers agree on `text`; returns whether the quick reader took it.
fn agree(name: &str, text: &[u8]) -> bool {
    let limits = Limits::default();
    let quick = parse_values(Arc::from(name), text, &limits);
    let full = parse_values_full(Arc::from(name), text, &limits);
    assert_eq!(
        quick,
        full,
        "the readers disagree on {name}:\n{}",
        String::from_utf8_lossy(text)
    );
    std::str::from_utf8(text).is_ok_and(quick_reads)
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if entry.file_type().is_file()
            && path.extension().is_some_and(|e| e == "yaml" || e == "yml")
        {
            out.push(path.to_path_buf());
        }
    }
}

#[test]
fn every_values_file_in_the_tests_reads_the_same_both_ways() {
    let mut files = Vec::new();
    yaml_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests"),
        &mut files,
    );
    if let Some(reference) = support::reference_dir() {
        yaml_files(&reference.join("cases"), &mut files);
        files.push(reference.join("upstream-default-values.yaml"));
    }
    assert!(files.len() > 150, "only {} files found", files.len());
    let mut quick = 0;
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        if agree(&file.display().to_string(), &bytes) {
            quick += 1;
        }
    }
    // Most of the test files are hostile or deliberately odd; still a good share is plain block
    // YAML, and those must be read quickly.
    assert!(
        quick * 3 > files.len(),
        "quick reader took {quick} of {} files",
        files.len()
    );
}

#[test]
fn the_files_users_write_take_the_quick_path() {
    let reference = support::reference_dir().expect("reference data");
    for case in [
        "istio-sds",
        "istio-sds-custom-sidecar",
        "istio-sds-gloo-mtls",
        "proxy-tuning",
    ] {
        let path = reference.join("cases").join(case).join("values.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(quick_reads(&text), "{} is not read quickly", path.display());
    }
    // What `gloo-chart values` writes (commented, with a custom sidecar).
    let out = support::run_bin(&["values", "--istio-version", "1.7.3"], None);
    assert!(out.success(), "{}", out.describe());
    assert!(
        quick_reads(&out.stdout),
        "the output of `values` is not read quickly"
    );
}

/// Inputs at the edges of the subset: each must read the same both ways, and the quick reader
/// must take exactly the ones marked `true`.
#[test]
fn edge_cases_read_the_same_and_only_the_subset_is_taken() {
    let cases: &[(&str, bool)] = &[
        ("", true),
        ("# only a comment\n", true),
        ("a: 1\n", true),
        ("a: 1", true),
        ("  a: 1\n  b: 2\n", true),
        ("a:\n  b: 1\n  c:\n    d: x # note\n", true),
        ("a:\n- 1\n- two\nb: 3\n", true),
        ("a:\n  - 1\n  -   spaced\n", true),
        ("a:\n-   spaced first\n- x\n", true),
        ("l:\n- name: x\n  image: y\n- name: z\n", true),
        (
            "l:\n  - name: x\n    args:\n    - a\n    - b\n  - name: z\n",
            true,
        ),
        ("a:\nb:\n", true),
        ("a: ''\nb: 'it''s'\nc: \"q\"\n'd': 1\n\"e\": 2\n", true),
        ("a: b#c\nd: e:f\ng: http://h:80/i\n", true),
        ("a: -1\nb: -x\nc: <<\n", true),
        ("a: ~\nb: null\nc: on\nd: 0777\ne: 1e3\nf: .inf\n", true),
        ("a: 1\na: 2\n", true),
        ("a:\n  b: 1\n# between\n  c: 2\n", true),
        ("a:    \n  b: 1\n", true),
        ("a: x   \n\n\nb: y\n", true),
        ("x y z: 1\n", true),
        ("a[0]: 1\n", true),
        ("args:\n- --domain\n- -1\n- ---\nb: ---\n", true),
        // outside the subset
        (
            "a: {}\nb: []  # none\nl:\n- {}\n- []\nm:\n- []\n- {}\n",
            true,
        ),
        ("a: [1, 2]\n", false),
        ("a: {} x\n", false),
        ("a: [ ]\n", false),
        ("a: {b: 1}\n", false),
        ("a: &x 1\nb: *x\n", false),
        ("a: !!str 1\n", false),
        ("a: |\n  text\n", false),
        ("a: >\n  text\n", false),
        ("a: multi\n  line\n", false),
        ("a: x\n\n  y\n", false),
        ("a: 'multi\n  line'\n", false),
        ("a: \"esc\\n\"\n", false),
        ("? a\n: 1\n", false),
        ("---\na: 1\n", false),
        ("a: 1\n...\n", false),
        ("%YAML 1.1\n---\na: 1\n", false),
        ("a:\t1\n", false),
        ("a: 1\r\nb: 2\r\n", false),
        (
            "a: caf\u{e9} # \u{2192}\n\u{e9}: \u{e9}\u{e9}\nb:\n- \u{e9}\u{e9}: 1\n  c: x\n",
            true,
        ),
        ("a: x\u{85}b: 1\n", false),
        ("a: x\u{2028}b: 1\n", false),
        ("a: \u{feff}x\n", false),
        ("a: x\u{7f}\n", false),
        ("- a\n- b\n", false),
        ("plain\n", false),
        ("a: b: c\n", false),
        ("a: 'x' y\n", false),
        ("a: 'x'#y\n", false),
        ("a:\n    b: 1\n  c: 2\n", false),
        ("a: 1\n  b: 2\n", false),
        ("  a: 1\nb: 2\n", false),
        ("l:\n- - 1\n", false),
        ("l:\n-\n  a: 1\n", false),
        ("a: 1\n    # indented comment\n", false),
        ("a: -\n", false),
        ("a: - b\n", false),
        ("a #b: 1\n", false),
        ("a:b\n", false),
        ("\"a\" : 1\n", false),
        ("a: @x\n", false),
        ("a: `x`\n", false),
        ("a: %x\n", false),
    ];
    for (text, taken) in cases {
        assert_eq!(agree("edge.yaml", text.as_bytes()), *taken, "{text:?}");
    }
}

#[test]
fn deep_nesting_is_left_to_the_full_parser_and_its_limits() {
    let mut text = String::new();
    for depth in 0..200 {
        text.push_str(&" ".repeat(depth));
        text.push_str("k:\n");
    }
    assert!(!agree("deep.yaml", text.as_bytes()));
    let mut text = String::new();
    for depth in 0..20 {
        text.push_str(&" ".repeat(depth));
        text.push_str("k:\n");
    }
    assert!(agree("nested.yaml", text.as_bytes()));
}

/// Lines built from the pieces block YAML is made of, at random indentations: the two readers
/// must agree on every one, valid or not.
fn fragment() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "a:",
        "b: 1",
        "c: x y",
        "- ",
        "- d: 2",
        "-",
        "e: 'q''r'",
        "f: \"s\"",
        "g: h # c",
        "# c",
        "",
        "i: j:k",
        "l: [1]",
        "m: &n o",
        "p: *n",
        "q: |",
        "r",
        "'s': t",
        "u: -1",
        "v: ~",
        "w:  ",
        "x: 'y",
        "z: \"a\\b\"",
        "- - 1",
        "? k",
        ": v",
        "--- ",
        "a: 1 #",
        "k: v:",
    ]);
    (0usize..7, piece).prop_map(|(indent, piece)| format!("{}{piece}", " ".repeat(indent)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
    #[test]
    fn random_block_text_reads_the_same_both_ways(lines in prop::collection::vec(fragment(), 0..14)) {
        let text = lines.join("\n");
        agree("random.yaml", text.as_bytes());
    }
}
