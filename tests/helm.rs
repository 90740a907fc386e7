//! Agreement with real Helm 3.17.3 and 4.1.4.
//!
//! - `merge_*`: `gloo-chart merge` must print the values Helm coalesces for the same `-f`/`--set*`
//!   flags. Helm's side comes from the probe chart in `tests/fixtures/helm/probe`, whose one
//!   template prints `toJson .Values`; its `values.yaml` is the upstream Gloo 1.5.0 defaults,
//!   copied from the reference data at test time. Numbers are compared as numbers (Helm holds
//!   float64 from files and int64 from `--set`).
//! - `reject_*`: input Helm refuses is refused by `gloo-chart merge` too.
//! - `schema_corpus_matches_helm`: Helm with `schema/values.schema.json` accepts exactly the
//!   corpus files in `tests/corpus/values/good`, and rejects those in `bad/` except the
//!   `stricter-*` ones, where gloo-chart is stricter than Helm on purpose.
//! - `validate_corpus_exit_codes`: `gloo-chart validate` exits 0 for good files and 1 for bad ones.

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::{run_with_timeout, RunOutput, DEFAULT_TIMEOUT};

fn fixtures() -> PathBuf {
    support::repo_root().join("tests/fixtures/helm")
}

fn values_dir() -> PathBuf {
    fixtures().join("values")
}

/// The real Helm binaries, labelled, or `None` when the test is skipped.
fn helms() -> Option<Vec<(&'static str, PathBuf)>> {
    let h3 = support::helm3()?;
    let h4 = support::helm4()?;
    Some(vec![("helm v3.17.3", h3), ("helm v4.1.4", h4)])
}

/// A throwaway copy of the probe chart with the upstream defaults as its `values.yaml` and,
/// when given, a `values.schema.json`.
fn probe_chart(schema: Option<&Path>) -> Option<tempfile::TempDir> {
    let reference = support::reference_dir()?;
    let dir = tempfile::tempdir().expect("temporary directory");
    let chart = dir.path().join("probe");
    std::fs::create_dir_all(chart.join("templates")).expect("create chart directory");
    let src = fixtures().join("probe");
    for file in ["Chart.yaml", "templates/values.yaml"] {
        std::fs::copy(src.join(file), chart.join(file)).expect("copy probe chart file");
    }
    std::fs::copy(
        reference.join("upstream-default-values.yaml"),
        chart.join("values.yaml"),
    )
    .expect("copy upstream default values");
    if let Some(schema) = schema {
        std::fs::copy(schema, chart.join("values.schema.json")).expect("copy schema");
    }
    Some(dir)
}

/// `helm template probe CHART ARGS...`, run in `cwd`, with Helm's own directories kept inside
/// the temporary chart directory.
fn helm_template(helm: &Path, tmp: &Path, args: &[&str], cwd: &Path) -> RunOutput {
    let mut cmd = Command::new(helm);
    cmd.arg("template")
        .arg("probe")
        .arg(tmp.join("probe"))
        .args(args)
        .current_dir(cwd)
        .env("HELM_CACHE_HOME", tmp.join("helm-cache"))
        .env("HELM_CONFIG_HOME", tmp.join("helm-config"))
        .env("HELM_DATA_HOME", tmp.join("helm-data"));
    run_with_timeout(&mut cmd, DEFAULT_TIMEOUT)
}

/// The values Helm rendered into the probe ConfigMap.
fn values_from_manifest(manifest: &str) -> Result<Value, String> {
    for doc in serde_yaml::Deserializer::from_str(manifest) {
        let doc: serde_yaml::Value =
            serde::Deserialize::deserialize(doc).map_err(|e| format!("helm output: {e}"))?;
        if doc.get("kind").and_then(|k| k.as_str()) != Some("ConfigMap") {
            continue;
        }
        let json = doc
            .get("data")
            .and_then(|d| d.get("values.json"))
            .and_then(|j| j.as_str())
            .ok_or("probe ConfigMap has no data.values.json")?;
        return serde_json::from_str(json).map_err(|e| format!("values.json: {e}"));
    }
    Err(format!("no ConfigMap in helm output:\n{manifest}"))
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "map",
    }
}

/// Every difference between `expected` and `actual`, one line each with its value path.
/// Map key order does not matter; numbers are equal when their values are.
fn json_diff(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Number(a), Value::Number(b)) => {
            if a.as_f64() != b.as_f64() {
                out.push(format!("{path}: expected {a}, got {b}"));
            }
        }
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let sub = format!("{path}.{k}");
                match b.get(k) {
                    Some(vb) => json_diff(&sub, va, vb, out),
                    None => out.push(format!("{sub}: missing (expected {va})")),
                }
            }
            for (k, vb) in b {
                if !a.contains_key(k) {
                    out.push(format!("{path}.{k}: unexpected {vb}"));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!(
                    "{path}: expected {} items {expected}, got {} items {actual}",
                    a.len(),
                    b.len()
                ));
                return;
            }
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                json_diff(&format!("{path}[{i}]"), va, vb, out);
            }
        }
        _ => {
            if expected != actual {
                out.push(format!(
                    "{path}: expected {} {expected}, got {} {actual}",
                    type_name(expected),
                    type_name(actual)
                ));
            }
        }
    }
}

fn diff_lines(expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    json_diff("", expected, actual, &mut out);
    out
}

/// Runs both Helm versions and `gloo-chart merge` with `args` (paths relative to
/// `tests/fixtures/helm/values`) and checks all three agree.
fn check_merge(args: &[&str]) {
    let Some(helms) = helms() else { return };
    let Some(tmp) = probe_chart(None) else { return };
    let cwd = values_dir();
    let mut helm_values = Vec::new();
    for (label, helm) in &helms {
        let out = helm_template(helm, tmp.path(), args, &cwd);
        assert!(
            out.success(),
            "{label} rejected {args:?}\n{}",
            out.describe()
        );
        let values = values_from_manifest(&out.stdout)
            .unwrap_or_else(|e| panic!("{label} with {args:?}: {e}"));
        helm_values.push((label, values));
    }
    // The cases are chosen where both Helm versions agree; a difference means the case is wrong.
    let helm_diff = diff_lines(&helm_values[0].1, &helm_values[1].1);
    assert!(
        helm_diff.is_empty(),
        "helm v3 and v4 disagree on {args:?} (pick a case they agree on):\n{}",
        helm_diff.join("\n")
    );

    let mut merge_args = vec!["merge"];
    merge_args.extend_from_slice(args);
    let out = support::run_bin(&merge_args, Some(&cwd));
    assert!(
        out.success(),
        "gloo-chart {merge_args:?} failed\n{}",
        out.describe()
    );
    let ours: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "gloo-chart {merge_args:?} did not print one JSON object: {e}\n{}",
            out.describe()
        )
    });
    for (label, values) in &helm_values {
        let diff = diff_lines(values, &ours);
        assert!(
            diff.is_empty(),
            "gloo-chart merge differs from {label} for {args:?} (expected = helm):\n{}",
            diff.join("\n")
        );
    }
}

/// Checks that both Helm versions and `gloo-chart merge` refuse `args`.
fn check_rejected(args: &[&str]) {
    let Some(helms) = helms() else { return };
    let Some(tmp) = probe_chart(None) else { return };
    let cwd = values_dir();
    for (label, helm) in &helms {
        let out = helm_template(helm, tmp.path(), args, &cwd);
        assert!(
            !out.success() && !out.timed_out,
            "{label} accepted {args:?}, the case expects a refusal\n{}",
            out.describe()
        );
    }
    let mut merge_args = vec!["merge"];
    merge_args.extend_from_slice(args);
    let out = support::run_bin(&merge_args, Some(&cwd));
    assert!(
        matches!(out.code, Some(1) | Some(2)),
        "gloo-chart {merge_args:?} should fail with exit code 1 or 2, as Helm does\n{}",
        out.describe()
    );
    assert!(
        !out.stderr.trim().is_empty(),
        "gloo-chart {merge_args:?} failed without saying why"
    );
}

macro_rules! merge_cases {
    ($($name:ident: [$($arg:expr),* $(,)?];)*) => {
        $(
            #[test]
            fn $name() {
                check_merge(&[$($arg),*]);
            }
        )*
    };
}

macro_rules! rejected_cases {
    ($($name:ident: [$($arg:expr),* $(,)?];)*) => {
        $(
            #[test]
            fn $name() {
                check_rejected(&[$($arg),*]);
            }
        )*
    };
}

merge_cases! {
    merge_defaults_only: [];
    merge_empty_file: ["-f", "empty.yaml"];
    merge_yaml11_booleans: ["-f", "bools.yaml"];
    merge_yaml11_boolean_keys: ["-f", "bool-keys.yaml"];
    merge_numbers_octal_hex_underscores: ["-f", "numbers.yaml"];
    merge_timestamps_stay_text: ["-f", "timestamps.yaml"];
    merge_quoted_scalars_stay_strings: ["-f", "quoted.yaml"];
    merge_duplicate_keys_last_wins: ["-f", "duplicate-keys.yaml"];
    merge_null_deletes_default: ["-f", "null-defaults.yaml"];
    merge_anchors_and_merge_keys: ["-f", "anchors.yaml"];
    merge_non_string_keys: ["-f", "non-string-keys.yaml"];
    merge_user_value_wins_type_conflicts: [
        "-f", "type-conflicts.yaml", "--set", "gateway.enabled.sub=1",
    ];
    merge_lists_replace_across_files: ["-f", "lists-a.yaml", "-f", "lists-b.yaml"];
    merge_several_files_deep_merge: ["-f", "several-1.yaml", "--values", "several-2.yaml"];
    merge_several_files_one_flag: ["-f", "several-2.yaml,several-1.yaml"];
    merge_set_typing: [
        "--set",
        "probe.a=true,probe.b=FALSE,probe.c=Null,probe.d=0,probe.e=007,probe.f=42,probe.g=-5,\
         probe.h=+5,probe.i=1.5,probe.j=1e3,probe.k=9223372036854775808,probe.l=yes,\
         probe.m=1_000,probe.n=",
    ];
    merge_set_null_deletes_default: [
        "--set", "settings.aws=null,gateway.validation.webhook=NULL", "--set", "probe.fresh=null",
    ];
    merge_set_string: ["--set-string", "probe.a=true,probe.b=1,probe.c=null,gloo.deployment.replicas=2"];
    merge_set_json: [
        "--set-json", r#"probe.m={"z":1,"l":[1,2.5,"s",null],"t":true}"#,
        "--set-json", "probe.e=",
        "--set-json", r#"gloo.deployment={"replicas":3}"#,
        "--set-json", r#"probe.s="text",probe.n=12"#,
    ];
    merge_set_literal_takes_rest: [
        "--set-literal", r"probe.a=x,y.z=1\,2",
        "--set-literal", "probe.b={not,a,list}",
    ];
    merge_set_file_is_text: ["--set-file", "probe.text=file.txt"];
    merge_set_escapes_and_braces: [
        "--set", r"probe.b\.c=1,probe.v=x\,y,probe.w=a=b,probe.sp= padded ",
        "--set", "probe.l={a, b ,c},probe.e={},probe.n={1,true,x}",
        "--set", "probe.trailing=1,",
    ];
    merge_set_list_index_padding: [
        "-f", "list-base.yaml",
        "--set", "probe.list[1]=x",
        "--set", "probe.list[5]=y",
        "--set", "probe.fresh[2]=z",
        "--set", "settings.watchNamespaces[1]=ns",
    ];
    merge_set_nested_indexes: ["--set", "probe.a[1][0]=z,probe.b[0].c=x,probe.b[0].d=y"];
    merge_flag_type_order_not_position: [
        "--set-literal", "probe.a=L",
        "--set-file", "probe.a=file.txt",
        "--set-string", "probe.a=S",
        "--set", "probe.a=1",
        "--set-json", "probe.a=2",
        "--set", "probe.b=1",
        "-f", "order-file.yaml",
        "--set-json", "probe.c=1",
        "--set", "probe.c=2",
        "--set-string", "probe.d=S",
        "--set", "probe.d=3",
    ];
    merge_set_scalar_over_map: ["--set", "probe.x.y=1", "--set", "probe.x=2"];
}

rejected_cases! {
    reject_infinity: ["-f", "../rejected/infinity.yaml"];
    reject_top_level_list: ["-f", "../rejected/top-level-list.yaml"];
    reject_yaml_syntax_error: ["-f", "../rejected/bad-syntax.yaml"];
    reject_missing_file: ["-f", "../rejected/does-not-exist.yaml"];
    reject_set_without_value: ["--set", "probe.a"];
    reject_set_negative_index: ["--set", "probe.l[-1]=1"];
    reject_set_into_user_scalar: ["-f", "../rejected/scalar.yaml", "--set", "probe.img.tag=x"];
}

/// `tests/corpus/values/{good,bad}/*.yaml`, sorted, or `None` (skipped) when there is no corpus.
fn corpus() -> Option<(Vec<PathBuf>, Vec<PathBuf>)> {
    let root = support::repo_root().join("tests/corpus/values");
    let list = |sub: &str| -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(sub))
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    };
    let (good, bad) = (list("good"), list("bad"));
    if good.is_empty() && bad.is_empty() {
        // The corpus is written separately; until it exists there is nothing to check.
        eprintln!("skipped: no files in {}/{{good,bad}}", root.display());
        return None;
    }
    Some((good, bad))
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn is_stricter(p: &Path) -> bool {
    file_name(p).starts_with("stricter-")
}

#[test]
fn schema_corpus_matches_helm() {
    let schema = support::repo_root().join("schema/values.schema.json");
    if !schema.is_file() {
        eprintln!("skipped: {} does not exist yet", schema.display());
        return;
    }
    let Some((good, bad)) = corpus() else { return };
    let Some(helms) = helms() else { return };
    let Some(tmp) = probe_chart(Some(&schema)) else {
        return;
    };
    let cwd = support::repo_root();
    let mut failures = Vec::new();
    let mut stricter = Vec::new();
    for file in good.iter().chain(&bad) {
        let expect_accept = good.contains(file);
        let path = file.to_string_lossy().into_owned();
        let mut accepted_by = Vec::new();
        for (label, helm) in &helms {
            let out = helm_template(helm, tmp.path(), &["-f", &path], &cwd);
            assert!(!out.timed_out, "{label} timed out on {path}");
            if out.success() {
                accepted_by.push(*label);
            } else if expect_accept {
                failures.push(format!(
                    "{label} rejects good/{}:\n{}",
                    file_name(file),
                    out.stderr.trim()
                ));
            }
            if !expect_accept && out.success() && !is_stricter(file) {
                failures.push(format!(
                    "{label} accepts bad/{}: Helm's schema misses what it checks \
                     (name it stricter-* if only gloo-chart is meant to reject it)",
                    file_name(file)
                ));
            }
        }
        if is_stricter(file) && !expect_accept {
            if accepted_by.is_empty() {
                failures.push(format!(
                    "bad/{}: both Helm versions reject it, so it is not stricter than Helm \
                     (drop the stricter- prefix)",
                    file_name(file)
                ));
            } else {
                stricter.push(format!(
                    "{} (accepted by {})",
                    file_name(file),
                    accepted_by.join(", ")
                ));
            }
        }
    }
    eprintln!(
        "checked {} good and {} bad files against both Helm versions; stricter than Helm: {}",
        good.len(),
        bad.len(),
        if stricter.is_empty() {
            "none".to_string()
        } else {
            stricter.join("; ")
        }
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn validate_corpus_exit_codes() {
    let Some((good, bad)) = corpus() else { return };
    let mut failures = Vec::new();
    for (files, want) in [(&good, 0), (&bad, 1)] {
        for file in files.iter() {
            let path = file.to_string_lossy().into_owned();
            let out = support::run_bin(&["validate", &path], None);
            if out.code != Some(want) {
                failures.push(format!(
                    "gloo-chart validate {path}: expected exit code {want}\n{}",
                    out.describe()
                ));
            } else if want == 1 && out.stdout.trim().is_empty() && out.stderr.trim().is_empty() {
                failures.push(format!(
                    "gloo-chart validate {path}: rejected without a finding"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn support_run_with_timeout_kills_a_hung_command() {
    let started = std::time::Instant::now();
    let out = run_with_timeout(
        Command::new("sleep").arg("30"),
        std::time::Duration::from_millis(200),
    );
    assert!(
        out.timed_out,
        "sleep 30 was not stopped\n{}",
        out.describe()
    );
    assert_eq!(out.code, None);
    assert!(!out.success());
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn support_run_with_timeout_captures_both_streams() {
    let out = run_with_timeout(
        Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]),
        DEFAULT_TIMEOUT,
    );
    assert_eq!(out.code, Some(3));
    assert_eq!(out.stdout, "out\n");
    assert_eq!(out.stderr, "err\n");
    assert!(!out.timed_out);
}

#[test]
fn support_manifest_diff_compares_as_data() {
    if support::reference_dir().is_none() {
        return;
    }
    let expected = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: \"1\"\n";
    let reordered = "kind: ConfigMap\napiVersion: v1\ndata:\n  k: '1'\nmetadata:\n  name: a\n";
    let changed = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: \"2\"\n";
    let (same, report) = support::manifest_diff(expected, reordered);
    assert!(same, "key order and quoting should not matter:\n{report}");
    let (same, report) = support::manifest_diff(expected, changed);
    assert!(!same, "a changed value should be reported:\n{report}");
}

/// The `key: value` lines of `text` whose key is a single lowercase letter, trimmed.
fn number_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| {
            let b = l.as_bytes();
            b.len() > 3 && b[0].is_ascii_lowercase() && b[1] == b':' && b[2] == b' '
        })
        .map(str::to_string)
        .collect()
}

/// `helm template` of a one-template chart whose template is `dir/probe.yaml`, with `-f VALUES`.
fn template_probe(helm: &Path, dir: &Path, values: &str) -> RunOutput {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let chart = tmp.path().join("probe");
    std::fs::create_dir_all(chart.join("templates")).expect("create chart directory");
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: probe\nversion: 0.1.0\n",
    )
    .expect("write Chart.yaml");
    std::fs::copy(dir.join("probe.yaml"), chart.join("templates/probe.yaml"))
        .expect("copy probe template");
    helm_template(helm, tmp.path(), &["-f", values], tmp.path())
}

/// The lines of the block under the line `header`: the lines after it indented by more than
/// `header` is, blank lines included, trailing blank lines dropped.
fn block_under(text: &str, header: &str) -> Vec<String> {
    let depth = header.len() - header.trim_start().len();
    let mut lines = text.lines().skip_while(|l| *l != header).skip(1);
    let mut block: Vec<String> = Vec::new();
    for line in lines.by_ref() {
        if !line.is_empty() && line.len() - line.trim_start().len() <= depth {
            break;
        }
        block.push(line.to_string());
    }
    while block.last().is_some_and(|l| l.is_empty()) {
        block.pop();
    }
    block
}

/// `toYaml` lays out long keys and long strings as Helm does: keys past 128 bytes or spanning
/// lines as explicit `? key` / `: value` pairs, plain and quoted strings folded at spaces past
/// column 80 (yaml.v2's emitter). The fixture holds 60 strings of 1 to 40 words drawn from
/// quoting trouble-makers, lists, nested maps, 12 keys of 10 to 60 words (7 of them explicit)
/// with every kind of value, and
/// spaces at the fold points.
#[test]
fn long_keys_and_strings_lay_out_as_helm_lays_them_out() {
    let Some(helms) = helms() else {
        return;
    };
    let dir = fixtures().join("layout");
    let values = dir.join("values.yaml");
    let values_arg = values.to_string_lossy().to_string();
    let ours = support::run_bin(&["render", "-f", &values_arg], None);
    assert_eq!(ours.code, Some(0), "{}", ours.describe());
    let ours = block_under(&ours.stdout, "  extensions:");
    assert!(
        ours.iter()
            .filter(|l| l.trim_start().starts_with("? "))
            .count()
            >= 5
    );
    assert!(ours.len() > 150, "{ours:?}");
    for (label, helm) in helms {
        let out = template_probe(&helm, &dir, &values_arg);
        assert_eq!(out.code, Some(0), "{label}: {}", out.describe());
        let theirs = block_under(&out.stdout, "extensions:");
        assert_eq!(theirs.len(), ours.len(), "{label}");
        for (n, (a, b)) in theirs.iter().zip(&ours).enumerate() {
            assert_eq!(a, b, "{label}: line {} of the block differs", n + 1);
        }
    }
}

/// `toYaml` of numbers prints what Helm prints: Helm's values pass through JSON, so integers
/// past 64 bits and fractions with large or small exponents come out in Go's float notation.
#[test]
fn numbers_print_as_helm_prints_them() {
    let Some(helms) = helms() else {
        return;
    };
    let dir = fixtures().join("numbers");
    let values = dir.join("values.yaml");
    let values_arg = values.to_string_lossy().to_string();
    let ours = support::run_bin(&["render", "-f", &values_arg], None);
    assert_eq!(ours.code, Some(0), "{}", ours.describe());
    let ours = number_lines(&ours.stdout);
    assert_eq!(ours.len(), 11, "{ours:?}");
    for (label, helm) in helms {
        let out = template_probe(&helm, &dir, &values_arg);
        assert_eq!(out.code, Some(0), "{label}: {}", out.describe());
        assert_eq!(number_lines(&out.stdout), ours, "{label}");
    }
}
