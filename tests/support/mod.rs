//! Helpers shared by the integration tests (`mod support;`).
//!
//! Tests that compare against real tools (Helm 3 and 4, kubernetes-validate) or the reference data
//! beside the repository find them here. When something is missing, a test outside CI prints
//! `skipped: <reason>` to stderr and returns, so a developer without the tools still gets a clean
//! run; under CI (`CI` set to anything but `false`/`0`/empty) a missing tool is a failure, because
//! `scripts/test` installs every one of them.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one external command may run before it is killed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The repository root (where `Cargo.toml` is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `<repo>/../shared`, where the reference data and comparison tools live.
pub fn shared_dir() -> PathBuf {
    repo_root().join("..").join("shared")
}

/// True when running under CI, where missing tools fail instead of skipping.
pub fn in_ci() -> bool {
    match std::env::var("CI") {
        Ok(v) => !(v.is_empty() || v == "0" || v.eq_ignore_ascii_case("false")),
        Err(_) => false,
    }
}

/// Reports that a test cannot run: panics under CI, otherwise prints `skipped: <reason>`.
/// Callers return right after it when it comes back.
pub fn skip(reason: &str) {
    assert!(
        !in_ci(),
        "{reason}; under CI every tool must be present (run scripts/install-tools)"
    );
    eprintln!("skipped: {reason}");
}

/// The cache that `scripts/install-tools` fills: `$GLOO_CHART_TOOLS`, else
/// `~/.cache/gloo-chart/tools`.
pub fn tools_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("GLOO_CHART_TOOLS").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").unwrap_or_default();
    PathBuf::from(home).join(".cache/gloo-chart/tools")
}

/// Where a tool should be, without checking that it is there. Known names: `helm3`, `helm4`,
/// `kubernetes-validate` (each from its `GLOO_CHART_*` variable, else the default cache path);
/// any other name is looked up on `PATH`.
pub fn tool_path(name: &str) -> Option<PathBuf> {
    let known = match name {
        "helm3" => Some(("GLOO_CHART_HELM3", "helm-v3.17.3/helm")),
        "helm4" => Some(("GLOO_CHART_HELM4", "helm-v4.1.4/helm")),
        "kubernetes-validate" => Some((
            "GLOO_CHART_KUBERNETES_VALIDATE",
            "kubernetes-validate-1.37.0/bin/kubernetes-validate",
        )),
        _ => None,
    };
    match known {
        Some((var, default)) => {
            let path = std::env::var_os(var)
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
                .unwrap_or_else(|| tools_dir().join(default));
            Some(path)
        }
        None => {
            let paths = std::env::var_os("PATH")?;
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        }
    }
}

/// The tool's path if it exists; otherwise [`skip`] (a panic under CI) and `None`.
pub fn require_tool(name: &str) -> Option<PathBuf> {
    match tool_path(name) {
        Some(path) if path.is_file() => Some(path),
        Some(path) => {
            skip(&format!(
                "{name} not found at {} (run scripts/install-tools)",
                path.display()
            ));
            None
        }
        None => {
            skip(&format!("{name} not found on PATH"));
            None
        }
    }
}

/// Real Helm v3.17.3, or `None` after reporting the skip.
pub fn helm3() -> Option<PathBuf> {
    require_tool("helm3")
}

/// Real Helm v4.1.4, or `None` after reporting the skip.
pub fn helm4() -> Option<PathBuf> {
    require_tool("helm4")
}

/// `kubernetes-validate`, or `None` after reporting the skip.
pub fn kubernetes_validate() -> Option<PathBuf> {
    require_tool("kubernetes-validate")
}

/// `<repo>/../shared/reference`, or `None` after reporting the skip.
pub fn reference_dir() -> Option<PathBuf> {
    let dir = shared_dir().join("reference");
    if dir.is_dir() {
        Some(dir)
    } else {
        skip(&format!("reference data not found at {}", dir.display()));
        None
    }
}

/// The built `gloo-chart` binary.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_gloo-chart"))
}

/// What a finished (or killed) command left behind.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// Exit code; `None` when the command was killed by a signal or timed out.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub timed_out: bool,
}

impl RunOutput {
    /// True for exit code 0 within the time limit.
    pub fn success(&self) -> bool {
        self.code == Some(0) && !self.timed_out
    }

    /// One block with the exit code and both streams, for assertion messages.
    pub fn describe(&self) -> String {
        format!(
            "exit code: {:?}{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code,
            if self.timed_out { " (timed out)" } else { "" },
            self.stdout,
            self.stderr
        )
    }
}

/// Runs `cmd` with no stdin, capturing stdout and stderr; kills it after `timeout`.
/// Panics only when the program cannot be started at all.
pub fn run_with_timeout(cmd: &mut Command, timeout: Duration) -> RunOutput {
    let mut child = match cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => panic!("cannot start {:?}: {e}", cmd.get_program()),
    };
    let stdout = child.stdout.take().map(reader_thread);
    let stderr = child.stderr.take().map(reader_thread);
    let deadline = Instant::now() + timeout;
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => {
                timed_out = true;
                let _ = child.kill();
                break child.wait().ok();
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => panic!("waiting for {:?}: {e}", cmd.get_program()),
        }
    };
    let collect = |h: Option<std::thread::JoinHandle<String>>| {
        h.and_then(|h| h.join().ok()).unwrap_or_default()
    };
    RunOutput {
        code: if timed_out {
            None
        } else {
            status.and_then(|s| s.code())
        },
        stdout: collect(stdout),
        stderr: collect(stderr),
        timed_out,
    }
}

fn reader_thread<R: Read + Send + 'static>(mut r: R) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
}

/// Runs the built `gloo-chart` with `args` in `dir` (the repository root when `None`).
pub fn run_bin(args: &[&str], dir: Option<&Path>) -> RunOutput {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .current_dir(dir.map_or_else(repo_root, Path::to_path_buf));
    run_with_timeout(&mut cmd, DEFAULT_TIMEOUT)
}

/// Compares two manifest streams with `../shared/tools/manifest-diff` (resources compared as data).
/// Returns whether they are equal and the tool's report (stdout then stderr).
pub fn manifest_diff(expected: &str, actual: &str) -> (bool, String) {
    let tool = shared_dir().join("tools").join("manifest-diff");
    assert!(
        tool.is_file(),
        "manifest-diff not found at {}",
        tool.display()
    );
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("cannot create a temporary directory: {e}"),
    };
    let expected_path = dir.path().join("expected.yaml");
    let actual_path = dir.path().join("actual.yaml");
    for (path, text) in [(&expected_path, expected), (&actual_path, actual)] {
        if let Err(e) = std::fs::write(path, text) {
            panic!("cannot write {}: {e}", path.display());
        }
    }
    let out = run_with_timeout(
        Command::new("python3")
            .arg(&tool)
            .arg(&expected_path)
            .arg(&actual_path),
        DEFAULT_TIMEOUT,
    );
    assert!(
        matches!(out.code, Some(0) | Some(1)),
        "manifest-diff failed to run\n{}",
        out.describe()
    );
    (out.code == Some(0), format!("{}{}", out.stdout, out.stderr))
}

/// A validator for the `openAPIV3Schema` of one of the modern Gloo CRDs in
/// `../shared/reference/crds/modern/FILE`, and the `apiVersion`/`kind` it defines.
///
/// Those schemas accept unknown fields (Kubernetes prunes them instead), which would let a
/// misspelt field through; here every object that lists its properties and does not preserve
/// unknown fields refuses others.
pub fn crd_validator(file: &str) -> (jsonschema::Validator, serde_json::Value) {
    use serde_json::{json, Value as Json};
    let path = shared_dir().join("reference/crds/modern").join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let crd: Json =
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    fn strict(schema: &mut Json) {
        if let Json::Object(map) = schema {
            let preserves = map.get("x-kubernetes-preserve-unknown-fields") == Some(&json!(true));
            if map.contains_key("properties")
                && !map.contains_key("additionalProperties")
                && !preserves
            {
                map.insert("additionalProperties".into(), json!(false));
            }
            for value in map.values_mut() {
                strict(value);
            }
        } else if let Json::Array(items) = schema {
            items.iter_mut().for_each(strict);
        }
    }
    let version = &crd["spec"]["versions"][0];
    let mut schema = version["schema"]["openAPIV3Schema"].clone();
    strict(&mut schema);
    let identity = json!({
        "apiVersion": format!(
            "{}/{}",
            crd["spec"]["group"].as_str().unwrap_or_default(),
            version["name"].as_str().unwrap_or_default()
        ),
        "kind": crd["spec"]["names"]["kind"],
    });
    let validator = jsonschema::validator_for(&schema)
        .unwrap_or_else(|e| panic!("{}: schema does not compile: {e}", path.display()));
    (validator, identity)
}

/// The problems a rendered Gloo custom resource has against its modern CRD (`file`): a
/// different group, version or kind, or a spec the schema refuses. Empty when it fits.
pub fn crd_problems(doc: &serde_json::Value, file: &str) -> Vec<String> {
    let (validator, identity) = crd_validator(file);
    let mut problems = Vec::new();
    for key in ["apiVersion", "kind"] {
        if doc[key] != identity[key] {
            problems.push(format!(
                "{key} is {} where the CRD has {}",
                doc[key], identity[key]
            ));
        }
    }
    let instance = serde_json::json!({"spec": doc["spec"]});
    problems.extend(
        validator
            .iter_errors(&instance)
            .map(|e| format!("{} at {}", e, e.instance_path().as_str())),
    );
    problems
}

/// One finding of `gloo-chart validate`, as a test expects it and as the binary reports it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub severity: String,
    pub rule: String,
    pub line: u64,
    pub col: u64,
    pub path: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {}:{} {}",
            self.severity, self.rule, self.line, self.col, self.path
        )
    }
}

/// One diagnostic of `--output json`, with the fields a test may not compare kept too.
#[derive(Debug, Clone)]
pub struct Reported {
    pub file: String,
    pub finding: Finding,
    pub message: String,
    pub hint: Option<String>,
}

/// `gloo-chart validate --output json ARGS...` from the repository root.
pub fn validate_json(args: &[&str]) -> (RunOutput, Vec<Reported>) {
    let mut full = vec!["validate", "--output", "json"];
    full.extend_from_slice(args);
    let out = run_bin(&full, None);
    assert!(
        !out.timed_out,
        "gloo-chart {full:?} timed out\n{}",
        out.describe()
    );
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "gloo-chart {full:?} did not print a JSON array: {e}\n{}",
            out.describe()
        )
    });
    let items = json
        .as_array()
        .unwrap_or_else(|| panic!("gloo-chart {full:?} printed JSON that is not an array"));
    let reported = items.iter().map(|d| reported(d, &full)).collect();
    (out, reported)
}

fn reported(d: &serde_json::Value, args: &[&str]) -> Reported {
    let text = |key: &str| -> String {
        d.get(key)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_else(|| panic!("{args:?}: diagnostic without string `{key}`: {d}"))
            .to_string()
    };
    let number = |key: &str| -> u64 {
        d.get(key)
            .and_then(serde_json::Value::as_u64)
            .unwrap_or_else(|| panic!("{args:?}: diagnostic without number `{key}`: {d}"))
    };
    let hint = match d.get("hint") {
        Some(serde_json::Value::String(h)) => Some(h.clone()),
        Some(serde_json::Value::Null) => None,
        other => panic!("{args:?}: `hint` is neither a string nor null: {other:?}"),
    };
    Reported {
        file: text("file"),
        finding: Finding {
            severity: text("severity"),
            rule: text("rule"),
            line: number("line"),
            col: number("column"),
            path: text("path"),
        },
        message: text("message"),
        hint,
    }
}

/// Every document of a rendered stream, each checked to parse.
pub fn documents(stream: &str) -> Vec<serde_yaml::Value> {
    stream
        .split("\n---\n")
        .map(|d| {
            serde_yaml::from_str::<serde_yaml::Value>(d).unwrap_or_else(|e| panic!("{e}\n{d}"))
        })
        .collect()
}
