//! gloo-chart in the tools around it, end to end through the built binary: `validate` output
//! formats for CI (JSON, JUnit, SARIF) and terminals (colour, excerpt), the values reference
//! (`docs`), completions and the man page, the pre-commit hooks, and the Helm plugin on real
//! Helm 3 and Helm 4.

mod support;

use serde_json::Value as Json;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::{repo_root, run_with_timeout, RunOutput, DEFAULT_TIMEOUT};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_gloo-chart")
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("HELM_NAMESPACE")
        .output()
        .expect("run gloo-chart")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A temporary directory with `bad.yaml` (an unknown key at 2:3, a wrong type at 5:15, a key
/// with XML and JSON specials at 6:3) and `good.yaml` (valid).
fn fixtures() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("bad.yaml"),
        "global:\n  istioSds: {}\ngloo:\n  deployment:\n    replicas: \"two\"\n  a<b&c>\"'d: 1\n",
    )
    .expect("write bad.yaml");
    std::fs::write(
        dir.path().join("good.yaml"),
        "gloo:\n  deployment:\n    replicas: 2\n",
    )
    .expect("write good.yaml");
    dir
}

/// (line, column) pairs the findings of `bad.yaml` must have.
fn bad_positions() -> BTreeSet<(u64, u64)> {
    [(2, 3), (5, 15), (6, 3)].into_iter().collect()
}

// ---------------------------------------------------------------------------------------------
// validate --output

#[test]
fn validate_json_has_one_object_per_finding_with_exact_keys() {
    let dir = fixtures();
    let out = run_in(
        dir.path(),
        &["validate", "--output", "json", "bad.yaml", "good.yaml"],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let items: Json = serde_json::from_str(&stdout(&out)).expect("stdout is JSON");
    let items = items.as_array().expect("a JSON array");
    let keys: BTreeSet<&str> = [
        "file", "line", "column", "path", "severity", "rule", "message", "hint",
    ]
    .into_iter()
    .collect();
    let mut positions = BTreeSet::new();
    for item in items {
        let obj = item.as_object().expect("an object");
        assert_eq!(
            obj.keys().map(String::as_str).collect::<BTreeSet<_>>(),
            keys
        );
        assert_eq!(obj["file"], "bad.yaml");
        assert_eq!(obj["severity"], "error");
        positions.insert((
            obj["line"].as_u64().expect("line is a number"),
            obj["column"].as_u64().expect("column is a number"),
        ));
    }
    assert_eq!(positions, bad_positions());
    let typo = items
        .iter()
        .find(|i| i["path"] == "global.istioSds")
        .expect("the istioSds finding");
    assert!(typo["hint"]
        .as_str()
        .unwrap_or_default()
        .contains("istioSDS"));
}

#[test]
fn validate_json_of_valid_files_is_an_empty_array() {
    let dir = fixtures();
    let out = run_in(dir.path(), &["validate", "--output", "json", "good.yaml"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let items: Json = serde_json::from_str(&stdout(&out)).expect("stdout is JSON");
    assert_eq!(items, Json::Array(Vec::new()));
}

/// A minimal element tree built with quick-xml.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> Vec<&Element> {
        self.children.iter().filter(|c| c.name == name).collect()
    }
}

fn parse_xml(text: &str) -> Element {
    use quick_xml::events::{BytesStart, Event};
    fn element(e: &BytesStart<'_>) -> Element {
        let attrs = e
            .attributes()
            .map(|a| {
                let a = a.expect("well-formed attribute");
                (
                    String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                    a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                        .expect("attribute value")
                        .into_owned(),
                )
            })
            .collect();
        Element {
            name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
            attrs,
            ..Element::default()
        }
    }
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<(Element, String)> = vec![(Element::default(), String::new())];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push((element(&e), String::new())),
            Event::Empty(e) => {
                let el = element(&e);
                stack.last_mut().expect("parent").0.children.push(el);
            }
            Event::End(_) => {
                let (mut el, raw) = stack.pop().expect("open element");
                el.text = quick_xml::escape::unescape(&raw)
                    .expect("valid references")
                    .into_owned();
                stack.last_mut().expect("parent").0.children.push(el);
            }
            Event::Text(t) => {
                let raw = t.decode().expect("UTF-8 text");
                stack.last_mut().expect("element").1.push_str(&raw);
            }
            Event::GeneralRef(r) => {
                let name = r.decode().expect("UTF-8 reference");
                stack
                    .last_mut()
                    .expect("element")
                    .1
                    .push_str(&format!("&{name};"));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "every element is closed");
    stack.pop().expect("document").0
}

#[test]
fn validate_junit_has_one_case_per_file_and_escapes_specials() {
    let dir = fixtures();
    let out = run_in(
        dir.path(),
        &["validate", "--output", "junit", "bad.yaml", "good.yaml"],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let doc = parse_xml(&stdout(&out));
    let roots = doc.all("testsuites");
    assert_eq!(roots.len(), 1, "one <testsuites> root");
    let suites = roots[0].all("testsuite");
    assert_eq!(suites.len(), 1, "one test suite");
    let suite = suites[0];
    assert_eq!(suite.attr("tests"), Some("2"));
    assert_eq!(suite.attr("failures"), Some("1"));
    let cases = suite.all("testcase");
    let names: Vec<&str> = cases.iter().filter_map(|c| c.attr("name")).collect();
    assert_eq!(names, ["bad.yaml", "good.yaml"]);
    assert!(cases[1].children.is_empty(), "good.yaml passes");
    let failures = cases[0].all("failure");
    assert_eq!(failures.len(), 1);
    let body = &failures[0].text;
    assert_eq!(body.lines().count(), 3, "every error listed: {body}");
    assert!(body.contains("a<b&c>\"'d"), "specials round-trip: {body}");
    assert!(failures[0]
        .attr("message")
        .unwrap_or_default()
        .contains("(and 2 more)"));
}

#[test]
fn validate_sarif_has_driver_rules_and_located_results() {
    let dir = fixtures();
    let out = run_in(
        dir.path(),
        &[
            "validate",
            "--output",
            "sarif",
            "bad.yaml",
            "--set",
            "gloo.deployment.replicas=x",
        ],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let log: Json = serde_json::from_str(&stdout(&out)).expect("stdout is JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "gloo-chart");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rule_ids: Vec<&str> = driver["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    let results = run["results"].as_array().expect("results");
    let mut positions = BTreeSet::new();
    for r in results {
        let rule = r["ruleId"].as_str().expect("ruleId");
        assert!(rule_ids.contains(&rule), "{rule} is declared");
        assert_eq!(
            r["ruleIndex"].as_u64().map(|i| rule_ids[i as usize]),
            Some(rule)
        );
        assert!(matches!(r["level"].as_str(), Some("error" | "warning")));
        assert!(!r["message"]["text"].as_str().unwrap_or_default().is_empty());
        let physical = &r["locations"][0]["physicalLocation"];
        if physical.is_null() {
            // The --set finding has no file: its flag is named in the message.
            assert!(r["message"]["text"]
                .as_str()
                .unwrap_or_default()
                .starts_with("--set gloo.deployment.replicas=x: "));
            continue;
        }
        assert_eq!(physical["artifactLocation"]["uri"], "bad.yaml");
        positions.insert((
            physical["region"]["startLine"].as_u64().expect("startLine"),
            physical["region"]["startColumn"]
                .as_u64()
                .expect("startColumn"),
        ));
    }
    // The --set value replaces bad.yaml's replicas, so that finding moves to the flag.
    let expected: BTreeSet<(u64, u64)> = [(2, 3), (6, 3)].into_iter().collect();
    assert_eq!(positions, expected);
    assert_eq!(results.len(), 3);
}

/// Removes ANSI escape sequences (`ESC [ ... letter`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn validate_text_color_always_shows_excerpt_with_caret_under_column() {
    let dir = fixtures();
    let out = run_in(dir.path(), &["validate", "--color", "always", "bad.yaml"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let raw = stdout(&out);
    assert!(raw.contains("\x1b["), "coloured: {raw:?}");
    let plain = strip_ansi(&raw);
    let lines: Vec<&str> = plain.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("bad.yaml:5:15: error: gloo.deployment.replicas: "))
        .unwrap_or_else(|| panic!("the replicas finding in:\n{plain}"));
    assert_eq!(lines[at + 1], "  |");
    assert_eq!(lines[at + 2], "5 |     replicas: \"two\"");
    // The caret sits under column 15 (the opening quote): 14 spaces after the gutter.
    assert_eq!(lines[at + 3], format!("  | {}^", " ".repeat(14)));
    assert_eq!(
        lines[at + 2].find('"'),
        lines[at + 3].find('^'),
        "caret under the value"
    );
}

#[test]
fn validate_text_is_plain_off_terminal_and_with_color_never() {
    let dir = fixtures();
    for args in [
        &["validate", "bad.yaml"][..],
        &["validate", "--color", "never", "bad.yaml"][..],
    ] {
        let out = run_in(dir.path(), args);
        assert_eq!(code(&out), 1);
        let text = stdout(&out);
        assert!(!text.contains('\x1b'), "{text:?}");
        assert_eq!(text.lines().count(), 3, "one line per finding: {text}");
        assert!(text
            .lines()
            .all(|l| l.starts_with("bad.yaml:") && l.contains(": error: ")));
    }
}

#[test]
fn validate_text_has_no_excerpt_for_set_flags() {
    let dir = fixtures();
    let out = run_in(
        dir.path(),
        &[
            "validate",
            "--color",
            "always",
            "--set",
            "gloo.deployment.replicas=x",
        ],
    );
    assert_eq!(code(&out), 1);
    let plain = strip_ansi(&stdout(&out));
    assert_eq!(plain.lines().count(), 1, "{plain}");
    assert!(plain.starts_with("--set gloo.deployment.replicas=x:1:"));
}

#[test]
fn validate_many_files_off_terminal_prints_no_progress() {
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..25 {
        std::fs::write(
            dir.path().join(format!("v{i:02}.yaml")),
            "gloo:\n  deployment:\n    replicas: 1\n",
        )
        .expect("write");
    }
    let out = run_in(dir.path(), &["validate", "."]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stderr(&out), "25 checked, 0 errors, 0 warnings\n");
}

// ---------------------------------------------------------------------------------------------
// docs

#[test]
fn readme_values_reference_is_current() {
    let out = run_in(&repo_root(), &["docs", "--check", "README.md"]);
    assert_eq!(
        code(&out),
        0,
        "README.md's values reference is stale; update it with `cargo run -- docs -o README.md`\n{}",
        stderr(&out)
    );
}

#[test]
fn docs_lists_values_with_types_defaults_and_descriptions() {
    let out = run_in(&repo_root(), &["docs"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    let row = |path: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("| `{path}` |")))
            .map(|l| {
                l.split(" | ")
                    .map(|c| c.trim_matches(['|', ' ']).to_string())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_else(|| panic!("no row for {path}"))
    };
    // Upstream Gloo 1.5.0 defaults (its values.yaml: `xdsPort: 9977`, one proxy replica).
    assert_eq!(row("gloo.deployment.xdsPort")[1..3], ["integer", "`9977`"]);
    assert_eq!(
        row("gatewayProxies.NAME.kind.deployment.replicas")[1..3],
        ["integer", "`1`"]
    );
    assert_eq!(row("global.istioSDS.enabled")[1..3], ["boolean", "`false`"]);
    assert!(!row("global.istioSDS.enabled")[3].is_empty(), "described");
    assert_eq!(row("global.istioSDS.customSidecars")[1], "list of object");
    assert!(text.contains("| `global.istioSDS.customSidecars[].image` |"));
    assert!(
        !text.contains("customSidecars[].env[]"),
        "container fields stop at the first level"
    );
}

#[test]
fn docs_check_and_output_touch_only_the_marked_region() {
    let dir = tempfile::tempdir().expect("tempdir");
    let readme = dir.path().join("README.md");
    let before = "# Mine\n\nintro\n\n<!-- gloo-chart:values:begin -->\nstale\n<!-- gloo-chart:values:end -->\n\n## After\n";
    std::fs::write(&readme, before).expect("write");
    let check = run_in(dir.path(), &["docs", "--check", "README.md"]);
    assert_eq!(code(&check), 1);
    assert_eq!(stderr(&check).lines().count(), 1, "{}", stderr(&check));
    assert!(stderr(&check).contains("gloo-chart docs -o README.md"));

    let write = run_in(dir.path(), &["docs", "-o", "README.md"]);
    assert_eq!(code(&write), 0, "{}", stderr(&write));
    let after = std::fs::read_to_string(&readme).expect("read");
    assert!(after.starts_with("# Mine\n\nintro\n\n<!-- gloo-chart:values:begin -->\n"));
    assert!(after.ends_with("<!-- gloo-chart:values:end -->\n\n## After\n"));
    assert!(!after.contains("stale"));
    assert!(after.contains("| `gloo.deployment.xdsPort` |"));
    let check = run_in(dir.path(), &["docs", "--check", "README.md"]);
    assert_eq!(code(&check), 0, "{}", stderr(&check));
}

#[test]
fn docs_without_markers_is_a_whole_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = run_in(dir.path(), &["docs", "-o", "values.md"]);
    assert_eq!(code(&write), 0, "{}", stderr(&write));
    let printed = run_in(dir.path(), &["docs"]);
    let written = std::fs::read_to_string(dir.path().join("values.md")).expect("read");
    assert_eq!(written, stdout(&printed));
    assert_eq!(
        code(&run_in(dir.path(), &["docs", "--check", "values.md"])),
        0
    );
    std::fs::write(dir.path().join("values.md"), format!("{written}\nedited\n")).expect("write");
    assert_eq!(
        code(&run_in(dir.path(), &["docs", "--check", "values.md"])),
        1
    );
}

#[test]
fn docs_errors_missing_file_and_broken_markers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = run_in(dir.path(), &["docs", "--check", "nope.md"]);
    assert_eq!(code(&missing), 2, "{}", stderr(&missing));
    std::fs::write(
        dir.path().join("R.md"),
        "a\n<!-- gloo-chart:values:begin -->\nno end\n",
    )
    .expect("write");
    for args in [
        &["docs", "--check", "R.md"][..],
        &["docs", "-o", "R.md"][..],
    ] {
        let out = run_in(dir.path(), args);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        assert!(
            stderr(&out).starts_with("R.md:2: error: "),
            "{}",
            stderr(&out)
        );
    }
    let unchanged = std::fs::read_to_string(dir.path().join("R.md")).expect("read");
    assert!(unchanged.ends_with("no end\n"));
}

#[test]
fn chart_readme_carries_the_values_reference() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run_in(dir.path(), &["chart", "-o", "gloo"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let readme = std::fs::read_to_string(dir.path().join("gloo/README.md")).expect("read");
    assert!(readme.contains("| `gatewayProxies.NAME.kind.deployment.replicas` | integer | `1` |"));
}

// ---------------------------------------------------------------------------------------------
// completions, man page, pre-commit

const SUBCOMMANDS: &[&str] = &[
    "values",
    "validate",
    "render",
    "chart",
    "schema",
    "merge",
    "docs",
    "completions",
    "man",
];

#[test]
fn completions_for_each_shell_mention_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = run_in(&repo_root(), &["completions", shell]);
        assert_eq!(code(&out), 0, "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} completion lacks {sub}");
        }
    }
    let out = run_in(&repo_root(), &["completions", "tcsh"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn man_page_is_roff_with_the_subcommands() {
    let out = run_in(&repo_root(), &["man"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let page = stdout(&out);
    assert!(
        page.contains(".TH gloo-chart"),
        "{}",
        &page[..page.len().min(300)]
    );
    for sub in ["validate", "render", "docs"] {
        assert!(page.contains(sub));
    }
}

#[test]
fn pre_commit_hooks_run_real_subcommands() {
    let text = std::fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml")).expect("read");
    let hooks: Vec<Json> = serde_yaml::from_str(&text).expect("a YAML list");
    let ids: Vec<&str> = hooks.iter().filter_map(|h| h["id"].as_str()).collect();
    assert_eq!(ids, ["gloo-chart-validate", "gloo-chart-docs"]);
    for hook in &hooks {
        let entry = hook["entry"].as_str().expect("entry");
        let words: Vec<&str> = entry.split_whitespace().collect();
        assert_eq!(words.first(), Some(&"gloo-chart"), "{entry}");
        let sub = words.get(1).copied().unwrap_or_default();
        let help = run_in(&repo_root(), &[sub, "--help"]);
        assert_eq!(code(&help), 0, "`{entry}` is not a subcommand");
        assert!(hook["language"].is_string() && hook["name"].is_string());
    }
    // The validate hook picks values files and nothing else.
    let files = hooks[0]["files"].as_str().expect("files");
    assert_eq!(files, r"(^|/)values[^/]*\.ya?ml$");
    // The docs hook checks the repository's README, which the test above keeps current.
    let args: Vec<&str> = hooks[1]["args"]
        .as_array()
        .expect("args")
        .iter()
        .filter_map(Json::as_str)
        .collect();
    assert_eq!(args, ["--check", "README.md"]);
    assert_eq!(hooks[1]["pass_filenames"], false);
}

// ---------------------------------------------------------------------------------------------
// Helm plugin

#[test]
fn plugin_yaml_is_legacy_format_with_the_crate_version() {
    let text = std::fs::read_to_string(repo_root().join("plugin.yaml")).expect("read");
    let meta: Json = serde_yaml::from_str(&text).expect("YAML");
    assert_eq!(meta["name"], "gloo-chart");
    assert_eq!(meta["version"], env!("CARGO_PKG_VERSION"));
    // Helm 3 refuses unknown keys; Helm 4 reads a file without apiVersion as the legacy format.
    let allowed: BTreeSet<&str> = [
        "name",
        "version",
        "usage",
        "description",
        "ignoreFlags",
        "platformCommand",
    ]
    .into_iter()
    .collect();
    for key in meta.as_object().expect("a map").keys() {
        assert!(allowed.contains(key.as_str()), "key {key}");
    }
}

/// Runs helm with its home directories and plugin directory inside `home`.
fn helm(helm: &Path, home: &Path, args: &[&str]) -> RunOutput {
    let mut cmd = Command::new(helm);
    cmd.args(args)
        .current_dir(home)
        .env("HELM_CACHE_HOME", home.join("cache"))
        .env("HELM_CONFIG_HOME", home.join("config"))
        .env("HELM_DATA_HOME", home.join("data"))
        // Helm 4 installs into $HELM_DATA_HOME/plugins whatever HELM_PLUGINS says; both read
        // HELM_PLUGINS.
        .env("HELM_PLUGINS", home.join("data/plugins"))
        .env("KUBECONFIG", home.join("kubeconfig"))
        .env("GLOO_CHART_BIN", bin())
        .env_remove("HELM_NAMESPACE")
        .env_remove("NO_COLOR");
    run_with_timeout(&mut cmd, DEFAULT_TIMEOUT)
}

fn check_plugin(helm_bin: &Path, install_extra: &[&str]) {
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    let root = repo_root();
    let root_arg = root.to_string_lossy().into_owned();
    let mut install = vec!["plugin", "install", root_arg.as_str()];
    install.extend_from_slice(install_extra);
    let out = helm(helm_bin, h, &install);
    assert!(out.success(), "install: {}", out.describe());
    let list = helm(helm_bin, h, &["plugin", "list"]);
    assert!(list.stdout.contains("gloo-chart"), "{}", list.describe());

    std::fs::write(h.join("bad.yaml"), "global:\n  istioSds: {}\n").expect("write");
    let out = helm(helm_bin, h, &["gloo-chart", "validate", "bad.yaml"]);
    assert_eq!(out.code, Some(1), "{}", out.describe());
    assert!(
        out.stdout
            .contains("bad.yaml:2:3: error: global.istioSds: "),
        "{}",
        out.describe()
    );
    let out = helm(helm_bin, h, &["gloo-chart", "validate", "missing.yaml"]);
    assert_eq!(out.code, Some(2), "{}", out.describe());

    // Helm takes -n away from the plugin's arguments and exports HELM_NAMESPACE instead.
    let out = helm(helm_bin, h, &["gloo-chart", "render", "-n", "edge"]);
    assert!(out.success(), "{}", out.describe());
    assert!(
        out.stdout.contains("\n  namespace: edge\n"),
        "{}",
        out.describe()
    );
    assert!(!out.stdout.contains("namespace: gloo-system"));

    let out = helm(
        helm_bin,
        h,
        &["gloo-chart", "chart", "-o", "gloo", "--namespace", "edge"],
    );
    assert!(out.success(), "{}", out.describe());
    let chart = std::fs::read_to_string(h.join("gloo/README.md")).expect("chart README");
    assert!(chart.contains("namespace `edge`"), "{chart}");

    for (args, expect) in [
        (
            &["gloo-chart", "values"][..],
            "# yaml-language-server: $schema=",
        ),
        (&["gloo-chart", "schema"][..], "\"$schema\""),
        (&["gloo-chart", "docs"][..], "| `gloo.deployment.xdsPort` |"),
        (&["gloo-chart", "--version"][..], env!("CARGO_PKG_VERSION")),
    ] {
        let out = helm(helm_bin, h, args);
        assert!(out.success(), "{args:?}: {}", out.describe());
        assert!(out.stdout.contains(expect), "{args:?}: {}", out.describe());
    }
}

#[test]
fn helm3_plugin_installs_and_runs() {
    let Some(helm3) = support::helm3() else {
        return;
    };
    check_plugin(&helm3, &[]);
}

#[test]
fn helm4_plugin_installs_and_runs() {
    let Some(helm4) = support::helm4() else {
        return;
    };
    // A local directory installs without a signature; --verify=false is what a git URL needs.
    check_plugin(&helm4, &["--verify=false"]);
}

#[test]
fn plugin_wrapper_falls_back_to_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A plugin directory with no build and no Cargo.toml: the wrapper must use PATH.
    let plugin = dir.path().join("plugin");
    std::fs::create_dir_all(plugin.join("scripts")).expect("mkdir");
    let script = plugin.join("scripts/helm-plugin");
    std::fs::copy(repo_root().join("scripts/helm-plugin"), &script).expect("copy");
    let path_dir = dir.path().join("bin");
    std::fs::create_dir_all(&path_dir).expect("mkdir");
    link_or_copy(Path::new(bin()), &path_dir.join("gloo-chart"));
    let run = |path: &Path| {
        let mut cmd = Command::new("/bin/sh");
        cmd.arg(&script)
            .arg("--version")
            .env("HELM_PLUGIN_DIR", &plugin)
            .env("PATH", path)
            .env_remove("GLOO_CHART_BIN");
        run_with_timeout(&mut cmd, DEFAULT_TIMEOUT)
    };
    let out = run(&path_dir);
    assert!(out.success(), "{}", out.describe());
    assert!(out.stdout.contains(env!("CARGO_PKG_VERSION")));
    let out = run(&dir.path().join("empty"));
    assert_eq!(out.code, Some(2), "{}", out.describe());
    assert!(out.stderr.contains("no gloo-chart binary"));
}

fn link_or_copy(from: &Path, to: &PathBuf) {
    #[cfg(unix)]
    if std::os::unix::fs::symlink(from, to).is_ok() {
        return;
    }
    std::fs::copy(from, to).expect("copy binary");
}
