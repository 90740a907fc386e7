//! Hostile and broken input through the built binary: every limit, every failure mode, and every
//! input the fuzzers found, each with its exit code (1 bad input, 2 usage or I/O), a message that
//! names the file, and never a panic.
//!
//! Hostile files that are small live in `tests/fixtures/hostile/`; large ones (over the size
//! limit, thousands of documents) are generated into a temporary directory.

mod support;

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{documents, run_bin, RunOutput};

fn hostile(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(name)
}

fn hostile_str(name: &str) -> String {
    hostile(name).display().to_string()
}

fn workdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temporary path")
}

/// Runs `gloo-chart ARGS` and checks the basics every run must meet: it finished, it exited with
/// `code`, and nothing panicked.
fn expect_exit(args: &[&str], code: i32) -> RunOutput {
    let out = run_bin(args, None);
    assert_eq!(out.code, Some(code), "{args:?}\n{}", out.describe());
    assert!(!out.stderr.contains("panicked"), "{}", out.describe());
    out
}

/// The first error line of a run: `FILE:LINE:COL: error: ...`.
fn first_error(out: &RunOutput) -> &str {
    out.stderr
        .lines()
        .chain(out.stdout.lines())
        .find(|l| l.contains(": error: "))
        .unwrap_or_else(|| panic!("no error line\n{}", out.describe()))
}

/// Asserts the run reported an error located in `file` and mentioning `words`.
fn assert_located_error(out: &RunOutput, file: &str, words: &str) {
    let line = first_error(out);
    assert!(
        line.starts_with(&format!("{file}:")),
        "error does not name {file}: {line}"
    );
    let mut parts = line[file.len() + 1..].splitn(3, ':');
    for what in ["line", "column"] {
        let n = parts.next().unwrap_or_default();
        assert!(
            n.parse::<u32>().is_ok_and(|n| n >= 1),
            "no {what} in {line}"
        );
    }
    assert!(line.contains(words), "{line} does not say {words:?}");
}

// ---------------------------------------------------------------------------------------------
// Limits

#[test]
fn a_file_over_the_default_size_limit_is_refused_without_reading_it_all() {
    let work = workdir();
    let big = work.path().join("big.yaml");
    // Valid YAML (one comment line) just over 8 MiB, the documented default.
    let mut text = "#".repeat(8 * 1024 * 1024);
    text.push('\n');
    fs::write(&big, text).expect("write");
    let out = expect_exit(&["validate", "-f", path_str(&big)], 2);
    assert!(out.stderr.contains(path_str(&big)), "{}", out.describe());
    assert!(out.stderr.contains("8388608 bytes"), "{}", out.describe());
    // The same file passes under a larger limit.
    expect_exit(
        &[
            "validate",
            "--max-file-size",
            "9000000",
            "-f",
            path_str(&big),
        ],
        0,
    );
}

#[test]
fn max_file_size_applies_to_files_overlays_and_stdin() {
    let file = hostile_str("valid-200-bytes.yaml");
    let size = fs::metadata(&file).expect("fixture").len();
    assert!(size > 100 && size < 400, "{size}");
    let out = expect_exit(&["validate", "--max-file-size", "100", "-f", &file], 2);
    assert!(out.stderr.contains(&file) && out.stderr.contains("limit of 100 bytes"));
    let out = expect_exit(&["validate", "--max-file-size", "100", &file], 2);
    assert!(out.stderr.contains(&file), "{}", out.describe());
    expect_exit(
        &["validate", "--max-file-size", &size.to_string(), &file],
        0,
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_gloo-chart"))
        .args(["validate", "--max-file-size", "100", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    if let Some(mut stdin) = child.stdin.take() {
        // The tool stops reading at the limit, so this write may fail with a closed pipe.
        let _ = std::io::Write::write_all(&mut stdin, &[b'#'; 100_000]);
    }
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("values file - is larger"), "{stderr}");
}

#[test]
fn billion_laughs_stops_at_the_alias_limit_quickly() {
    for name in ["billion-laughs.yaml", "billion-laughs-maps.yaml"] {
        let file = hostile_str(name);
        let start = Instant::now();
        let out = expect_exit(&["validate", "-f", &file], 1);
        assert!(start.elapsed() < Duration::from_secs(10), "{name} too slow");
        assert_located_error(&out, &file, "aliases expand to more than");
    }
}

#[test]
fn deep_nesting_in_a_file_is_an_error_not_a_stack_overflow() {
    for (name, words) in [
        ("deep-mixed-flow.yaml", "nest"),
        ("deep-block-lists.yaml", "nested deeper than 128 levels"),
    ] {
        let file = hostile_str(name);
        let out = expect_exit(&["validate", "-f", &file], 1);
        let line = first_error(&out).to_lowercase();
        assert!(
            line.contains("recursion limit") || line.contains(words),
            "{name}: {line}"
        );
        assert_located_error(&out, &file, "");
    }
}

#[test]
fn deep_set_paths_are_refused_not_a_stack_overflow() {
    // 60,000 levels: as deep as one command-line argument allows (128 KiB per argument).
    let dotted = format!("{}a=1", "a.".repeat(60_000));
    let out = expect_exit(&["validate", "--set", &dotted], 1);
    assert!(
        first_error(&out).contains("nested level is greater than maximum"),
        "{}",
        first_error(&out)
    );
    assert!(first_error(&out).starts_with("--set a.a.a."));
    let indexed = format!("a{}=1", "[0]".repeat(40_000));
    let out = expect_exit(&["validate", "--set", &indexed], 1);
    assert!(first_error(&out).starts_with("--set a[0][0]"));
    let braces = format!("a={}", "{a=".repeat(40_000));
    expect_exit(&["validate", "--set", &braces], 1);
}

#[test]
fn deep_set_json_is_refused_not_a_stack_overflow() {
    // 100,000 levels open (the argument stays under 128 KiB), and 60,000 closed.
    for arg in [
        format!("a={}", "[".repeat(100_000)),
        format!("a={}{}", "[".repeat(60_000), "]".repeat(60_000)),
        format!("a={}1{}", "{\"a\":".repeat(20_000), "}".repeat(20_000)),
        format!("{}1{}", "{\"a\":".repeat(20_000), "}".repeat(20_000)),
    ] {
        let out = expect_exit(&["validate", "--set-json", &arg], 1);
        assert!(
            first_error(&out).starts_with("--set-json "),
            "{}",
            out.describe()
        );
        assert!(first_error(&out).contains("recursion limit"));
    }
}

#[test]
fn too_many_documents_are_refused() {
    let work = workdir();
    let file = work.path().join("docs.yaml");
    fs::write(&file, "---\n".repeat(100_000)).expect("write");
    let start = Instant::now();
    let out = expect_exit(&["validate", "-f", path_str(&file)], 1);
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_located_error(&out, path_str(&file), "document");
    // A second document with values is refused as well (Helm 3 and 4 disagree on it).
    let file = hostile_str("two-documents.yaml");
    let out = expect_exit(&["validate", "-f", &file], 1);
    assert_located_error(&out, &file, "second YAML document");
}

#[test]
fn non_utf8_and_nul_bytes_are_located_errors() {
    for (name, words) in [
        ("latin1.yaml", "invalid UTF-8 byte 0xe9"),
        ("utf16-le.yaml", "invalid UTF-8 byte 0xff"),
        ("nul-in-value.yaml", "NUL byte"),
    ] {
        let file = hostile_str(name);
        let out = expect_exit(&["validate", "-f", &file], 1);
        assert_located_error(&out, &file, words);
        // An overlay reports the same way.
        let out = expect_exit(&["validate", &file], 1);
        assert!(
            out.stdout.contains(&format!("{file}:")),
            "{}",
            out.describe()
        );
    }
}

/// A directory with one good values file and every kind of entry a walk must survive.
fn hostile_tree(root: &Path) -> PathBuf {
    let dir = root.join("values");
    fs::create_dir_all(dir.join("sub")).expect("mkdir");
    fs::write(dir.join("good.yaml"), "settings:\n  create: true\n").expect("write");
    std::os::unix::fs::symlink("..", dir.join("sub/loop")).expect("symlink");
    std::os::unix::fs::symlink("missing.yaml", dir.join("dangling.yaml")).expect("symlink");
    // Running as root, permissions do not stop reads; a FIFO with no writer would block a
    // reader forever instead.
    let fifo = dir.join("pipe.yaml");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(made.success());
    dir
}

#[test]
fn walking_a_directory_reports_loops_dangling_links_and_fifos_and_never_hangs() {
    let work = workdir();
    let dir = hostile_tree(work.path());
    let start = Instant::now();
    let out = expect_exit(&["validate", path_str(&dir)], 2);
    assert!(start.elapsed() < Duration::from_secs(20));
    let at = |name: &str| dir.join(name).display().to_string();
    for (entry, why) in [
        (at("sub/loop"), "symbolic link loop"),
        (at("dangling.yaml"), "No such file"),
        (at("pipe.yaml"), "not a regular file"),
    ] {
        assert!(
            out.stderr
                .lines()
                .any(|l| l.contains(&entry) && l.contains(why)),
            "{entry}: {why}\n{}",
            out.describe()
        );
    }
    // The readable file was still checked.
    assert!(out.stderr.contains("1 checked"), "{}", out.describe());
}

// ---------------------------------------------------------------------------------------------
// Exit codes and messages

#[test]
fn bad_input_exits_1_naming_the_file() {
    let file = hostile_str("wrong-types.yaml");
    for cmd in ["validate", "render", "chart", "values"] {
        let mut args = vec![cmd, "-f", &file];
        if cmd == "chart" {
            args.extend(["-o", "/nonexistent/never-written"]);
        }
        let out = expect_exit(&args, 1);
        let all = format!("{}{}", out.stdout, out.stderr);
        assert!(
            all.contains(&format!("{file}:")),
            "{cmd}\n{}",
            out.describe()
        );
    }
    // `merge` does not validate, but a file that is not YAML is bad input all the same.
    let broken = hostile_str("latin1.yaml");
    let out = expect_exit(&["merge", "-f", &broken], 1);
    assert!(
        out.stderr.contains(&format!("{broken}:")),
        "{}",
        out.describe()
    );
    let out = expect_exit(&["validate", "-f", &file], 1);
    assert_located_error(&out, &file, "");
    let out = expect_exit(&["render", "-f", &file], 1);
    assert!(
        out.stdout.is_empty(),
        "invalid values rendered: {}",
        out.stdout
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["render", "--no-such-flag"][..],
        &["render", "-f"],
        &["validate", "--set"],
        &["chart"],
        &["render", "--max-file-size", "lots"],
        &["no-such-command"],
        &[],
    ] {
        let out = expect_exit(args, 2);
        assert!(!out.stderr.is_empty(), "{args:?}: silent usage error");
    }
}

#[test]
fn unreadable_files_exit_2_naming_the_file() {
    let work = workdir();
    let missing = work.path().join("missing.yaml");
    let dangling = work.path().join("dangling.yaml");
    std::os::unix::fs::symlink("nowhere.yaml", &dangling).expect("symlink");
    let dir = work.path().join("dir.yaml");
    fs::create_dir(&dir).expect("mkdir");
    for path in [&missing, &dangling, &dir] {
        let p = path_str(path);
        for cmd in ["validate", "render", "merge", "values"] {
            let out = expect_exit(&[cmd, "-f", p], 2);
            assert!(out.stderr.contains(p), "{cmd} {p}\n{}", out.describe());
        }
        let out = expect_exit(&["validate", "--set-file", &format!("a={p}")], 2);
        assert!(out.stdout.contains(p), "{}", out.describe());
    }
}

// ---------------------------------------------------------------------------------------------
// Writes that fail

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn chart_into_a_path_under_a_regular_file_fails_and_leaves_nothing() {
    let work = workdir();
    let file = work.path().join("plain-file");
    fs::write(&file, "x").expect("write");
    let target = file.join("chart");
    let out = expect_exit(&["chart", "-o", path_str(&target)], 2);
    assert!(out.stderr.contains(path_str(&file)), "{}", out.describe());
    assert_eq!(listing(work.path()), vec!["plain-file"]);
    assert_eq!(fs::read(&file).expect("read"), b"x");
}

#[test]
fn chart_with_a_name_too_long_fails_naming_it_and_leaves_nothing() {
    let work = workdir();
    // 300 bytes: over every file system's name limit. 250 bytes: the chart's own name fits, but
    // the hidden sibling it is built in does not, so the write fails before anything is placed.
    for len in [300, 250] {
        let target = work.path().join("c".repeat(len));
        let out = expect_exit(&["chart", "-o", path_str(&target)], 2);
        assert!(
            out.stderr.contains(&format!("{}:", path_str(&target))),
            "the message does not name the chart directory\n{}",
            out.describe()
        );
        assert!(
            listing(work.path()).is_empty(),
            "{:?}",
            listing(work.path())
        );
    }
}

#[test]
fn chart_replacing_an_old_chart_keeps_it_when_the_new_values_fail() {
    let work = workdir();
    let target = work.path().join("gloo");
    fs::create_dir(&target).expect("mkdir");
    fs::write(target.join("old.txt"), "old").expect("write");
    let bad = hostile_str("wrong-types.yaml");
    expect_exit(
        &["chart", "-o", path_str(&target), "--force", "-f", &bad],
        1,
    );
    assert_eq!(listing(work.path()), vec!["gloo"]);
    assert_eq!(listing(&target), vec!["old.txt"]);
}

#[test]
fn render_output_dir_that_is_a_file_exits_2_naming_it() {
    let work = workdir();
    let file = work.path().join("out");
    fs::write(&file, "keep").expect("write");
    let out = expect_exit(&["render", "--output-dir", path_str(&file)], 2);
    assert!(out.stderr.contains(path_str(&file)), "{}", out.describe());
    assert_eq!(fs::read(&file).expect("read"), b"keep");
}

#[test]
fn values_output_into_a_missing_directory_exits_2_and_writes_nothing() {
    let work = workdir();
    let target = work.path().join("no/such/dir/values.yaml");
    let out = expect_exit(&["values", "-o", path_str(&target)], 2);
    assert!(out.stderr.contains("values.yaml"), "{}", out.describe());
    assert_eq!(listing(work.path()), Vec::<String>::new());
}

/// Values with forty gateway proxies: their manifests are several pipe buffers long.
fn many_proxies(dir: &Path) -> PathBuf {
    let proxy = serde_json::json!({
        "kind": {"deployment": {"replicas": 1}},
        "podTemplate": {"httpPort": 8080, "httpsPort": 8443,
                        "image": {"repository": "gloo-envoy-wrapper", "tag": "1.5.0"}},
        "service": {"type": "LoadBalancer", "httpPort": 80, "httpsPort": 443},
        "globalDownstreamMaxConnections": 250000,
        "loopBackAddress": "127.0.0.1"
    });
    let proxies: serde_json::Map<String, serde_json::Value> = (0..40)
        .map(|i| (format!("proxy{i}"), proxy.clone()))
        .collect();
    let file = dir.join("many-proxies.yaml");
    fs::write(
        &file,
        serde_json::json!({ "gatewayProxies": proxies }).to_string(),
    )
    .expect("write");
    file
}

#[test]
fn stdout_closed_early_is_not_an_error() {
    let work = workdir();
    let values = many_proxies(work.path());
    let values = path_str(&values);
    // The whole stream is far larger than a pipe buffer (64 KiB), so the tool is still writing
    // when the reader goes away.
    let full = run_bin(&["render", "-f", values], None);
    assert!(full.success(), "{}", full.describe());
    assert!(full.stdout.len() > 256 * 1024, "{}", full.stdout.len());
    for args in [&["render", "-f", values][..], &["merge", "-f", values]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gloo-chart"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("read one line");
        assert!(!first.is_empty(), "{args:?}");
        // The reader is dropped here, closing the pipe.
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!stderr.contains("error"), "{stderr}");
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs found by the fuzz targets (fuzz/), kept so they stay fixed.

#[test]
fn nulls_that_delete_needed_defaults_fail_cleanly() {
    // A user null deletes the chart default (Helm's coalescing); templates that read the value
    // then fail in Helm. Here validation refuses it, located at the flag, before rendering.
    for set in [
        "namespace=null",
        "settings=null",
        "global.image=null",
        "global.image.pullPolicy=null",
        "gloo.deployment.xdsPort=null",
    ] {
        let out = expect_exit(&["render", "--set", set], 1);
        assert!(out.stdout.is_empty(), "{set}: printed {}", out.stdout);
        let line = first_error(&out);
        assert!(
            line.starts_with(&format!("--set {set}:1:")) && line.contains(": error: "),
            "{set}: {line}"
        );
        assert!(
            line.contains("null removes the chart default"),
            "{set}: {line}"
        );
    }
    // Found by the render_valid fuzz target in its seed corpus
    // (tests/corpus/values/good/null-deletes-defaults.yaml): `accessLogger: NULL` validates, and
    // rendering stops at the access logger template.
    let file = hostile_str("null-deletes-access-logger.yaml");
    let out = expect_exit(&["render", "-f", &file], 1);
    assert!(out.stdout.is_empty(), "printed {}", out.stdout);
    assert!(out.stderr.contains("error"), "{}", out.describe());
}

#[test]
fn line_separators_in_annotations_render_as_valid_yaml() {
    // Found by tests/properties.rs: U+2028 in an annotation key was written inside single
    // quotes, which YAML readers take for a line break, so the manifest did not parse.
    // Annotation keys are now Kubernetes qualified names, so the key with one sits in
    // `settings.extensions`, which takes any key.
    let file = hostile_str("line-separator-annotations.yaml");
    let out = expect_exit(&["render", "-f", &file], 0);
    let pod = proxy_pod_annotations(&out.stdout);
    assert_eq!(
        pod["example.com/text"].as_str(),
        Some("line\u{2028}separator")
    );
    assert_eq!(pod["next"].as_str(), Some("a\u{85}b\u{2029}c"));
    let settings = settings_of(&out.stdout);
    assert_eq!(
        settings["spec"]["extensions"]["x\u{2028}y"].as_str(),
        Some("line\u{2028}separator")
    );
}

/// The Settings resource of a rendered stream, after checking that every document parses.
fn settings_of(stream: &str) -> serde_yaml::Value {
    documents(stream)
        .into_iter()
        .find(|d| d["kind"].as_str() == Some("Settings"))
        .expect("a Settings resource")
}

/// The gateway proxy Deployment's pod annotations, after checking that every document parses.
fn proxy_pod_annotations(stream: &str) -> serde_yaml::Value {
    documents(stream)
        .into_iter()
        .find(|d| {
            d["kind"].as_str() == Some("Deployment")
                && d["metadata"]["name"].as_str() == Some("gateway-proxy")
        })
        .map(|d| d["spec"]["template"]["metadata"]["annotations"].clone())
        .expect("gateway-proxy deployment")
}

#[test]
fn map_keys_that_yaml_v2_cannot_order_totally_still_render() {
    // Found by the render_valid fuzz target: yaml.v2's key order (which `toYaml` follows) is not
    // a total order for keys with long runs of zeros, and sorting such a map panicked.
    let file = hostile_str("key-order-not-total.yaml");
    let out = expect_exit(&["render", "-f", &file], 0);
    let settings = settings_of(&out.stdout);
    let extension = &settings["spec"]["extensions"]["ke}~~~~~~e"];
    let keys = extension.as_mapping().map_or(0, serde_yaml::Mapping::len);
    assert_eq!(keys, 21, "{extension:?}");
}

/// The longest map key anywhere in `v`, in characters.
fn longest_key(v: &serde_yaml::Value) -> usize {
    match v {
        serde_yaml::Value::Mapping(m) => m
            .iter()
            .map(|(k, v)| {
                let own = k.as_str().map_or(0, |k| k.chars().count());
                own.max(longest_key(v))
            })
            .max()
            .unwrap_or(0),
        serde_yaml::Value::Sequence(items) => items.iter().map(longest_key).max().unwrap_or(0),
        _ => 0,
    }
}

#[test]
fn keys_past_1024_characters_render_as_explicit_keys() {
    // Found by the render_valid fuzz target: a map key of over 1,024 characters (folded from a
    // multi-line flow key) was written as an implicit `key: value`, which YAML does not allow
    // past 1,024 characters. Keys past 128 bytes are now explicit `? key` / `: value` pairs, as
    // yaml.v2 writes them (`tests/helm.rs` compares the layout with Helm).
    let file = hostile_str("key-past-1024-chars.yaml");
    let out = expect_exit(&["render", "-f", &file], 0);
    let settings = settings_of(&out.stdout);
    assert!(longest_key(&settings["spec"]["extensions"]) > 1024);
}

#[test]
fn label_keys_kubernetes_refuses_are_refused_before_rendering() {
    // Found by the render_valid fuzz target: an `extraGlooLabels` key of over 1,024 characters
    // (a multi-line flow key, folded) was written as an implicit `key: value` into the gloo
    // pod's labels, which YAML does not allow past 1,024 characters. No such key is a label key
    // Kubernetes takes: label and annotation keys are now checked as Kubernetes checks them,
    // at the key, so render never sees one.
    let file = hostile_str("label-key-past-1024-chars.yaml");
    for args in [&["validate", &file][..], &["render", "-f", &file]] {
        let command = args[0];
        let out = expect_exit(args, 1);
        if command == "render" {
            assert!(out.stdout.is_empty(), "{}", out.describe());
        }
        let line = first_error(&out);
        assert!(
            line.starts_with(&format!(
                "{file}:1:46: error: gloo.deployment.extraGlooLabels."
            )),
            "{command}: {line}"
        );
        assert!(line.contains("is not allowed here"), "{command}: {line}");
        // The message shows the key shortened; the path keeps it whole.
        assert!(line.contains("…` is not allowed"), "{command}: {line}");
    }
}

#[test]
fn numbers_past_64_bits_render_as_yaml_readers_can_read_them() {
    // Found by the render_valid fuzz target: a port of 163971058432297379208 (a float to Helm)
    // was printed as a 21-digit integer, which 64-bit YAML readers refuse. Helm prints it as
    // 1.6397105843229737e+20 (`tests/helm.rs` compares with Helm).
    let file = hostile_str("number-past-64-bits.yaml");
    let out = expect_exit(&["render", "-f", &file], 0);
    documents(&out.stdout);
    assert!(
        out.stdout.contains("port: 1.6397105843229737e+20"),
        "{}",
        out.stdout
    );
}

#[test]
fn pod_labels_and_annotations_the_chart_writes_itself_are_refused() {
    // Found by the render_valid fuzz target: a `gloo` entry in extraGatewayProxyLabels was
    // written beside the chart's own `gloo` label, so the pod template's labels had a duplicate
    // key (and the selector would not have matched the label a reader keeps).
    let file = hostile_str("duplicate-pod-label.yaml");
    let out = expect_exit(&["validate", &file], 1);
    assert_located_error(&out, &file, "pod label `gloo`");
    assert!(first_error(&out).starts_with(&format!("{file}:21:9:")));
    let out = expect_exit(&["render", "-f", &file], 1);
    assert!(out.stdout.is_empty(), "printed {}", out.stdout);

    // The stats annotations are the chart's only while stats are on: globally, or for the
    // proxy alone, which takes precedence.
    let dir = workdir();
    let annotation = "gatewayProxies:\n  gatewayProxy:\n    podTemplate:\n      extraAnnotations:\n        prometheus.io/scrape: \"false\"\n";
    let cases = [
        ("stats-on.yaml", "global:\n  glooStats:\n    enabled: true\n", 1),
        ("stats-off.yaml", "global:\n  glooStats:\n    enabled: false\n", 0),
        (
            "proxy-stats-off.yaml",
            "global:\n  glooStats:\n    enabled: true\ngatewayProxies:\n  gatewayProxy:\n    stats:\n      enabled: false\n",
            0,
        ),
        (
            "proxy-stats-on.yaml",
            "global:\n  glooStats:\n    enabled: false\ngatewayProxies:\n  gatewayProxy:\n    stats:\n      enabled: true\n",
            1,
        ),
    ];
    for (name, stats, code) in cases {
        let values = dir.path().join(name);
        fs::write(&values, stats).expect("write values");
        let extra = dir.path().join(format!("extra-{name}"));
        fs::write(&extra, annotation).expect("write values");
        let args = ["render", "-f", path_str(&values), "-f", path_str(&extra)];
        let out = expect_exit(&args, code);
        if code == 1 {
            assert_located_error(&out, path_str(&extra), "annotation (its stats are on)");
            assert!(first_error(&out).starts_with(&format!("{}:5:9:", path_str(&extra))));
        } else {
            let annotations = proxy_pod_annotations(&out.stdout);
            assert_eq!(annotations["prometheus.io/scrape"].as_str(), Some("false"));
        }
    }
}

#[test]
fn failover_without_its_port_is_refused_before_rendering() {
    // Found by the render_valid fuzz target: a gateway proxy added under a new name with
    // `failover: {enabled: true}` and no port validated, then rendering stopped at the failover
    // container port (the upstream chart renders it empty, which Kubernetes refuses). Only
    // `gatewayProxy` has failover defaults; the rule now asks for the port at `enabled`.
    let file = hostile_str("failover-without-port.yaml");
    let out = expect_exit(&["validate", &file], 1);
    let line = first_error(&out);
    assert!(
        line.starts_with(&format!(
            "{file}:1:1896: error: gatewayProxies.gatewayXroxy.failover:"
        )),
        "{line}"
    );
    assert!(
        line.contains("lacks failover.port, failover.secretName"),
        "{line}"
    );
    let out = expect_exit(&["render", "-f", &file], 1);
    assert!(out.stdout.is_empty(), "printed {}", out.stdout);

    // The secret name is needed only where the chart generates the failover Gateway: with the
    // port given and no gatewaySettings, the proxy renders with its failover port.
    let dir = workdir();
    let values = dir.path().join("failover-port-only.yaml");
    let proxy = "gatewayProxies:\n  second:\n    kind:\n      deployment:\n        replicas: 1\n    podTemplate:\n      httpPort: 8080\n      httpsPort: 8443\n      image:\n        repository: gloo-envoy-wrapper\n        tag: 1.5.0\n    service:\n      type: ClusterIP\n      httpPort: 80\n      httpsPort: 443\n    globalDownstreamMaxConnections: 250000\n    loopBackAddress: 127.0.0.1\n    failover:\n      enabled: true\n      port: 15999\n";
    fs::write(&values, proxy).expect("write values");
    let out = expect_exit(&["render", "-f", path_str(&values)], 0);
    let ports: Vec<serde_yaml::Value> = documents(&out.stdout)
        .into_iter()
        .filter(|d| d["metadata"]["name"].as_str() == Some("second"))
        .filter_map(|d| match d["kind"].as_str() {
            Some("Deployment") => {
                Some(d["spec"]["template"]["spec"]["containers"][0]["ports"].clone())
            }
            Some("Service") => Some(d["spec"]["ports"].clone()),
            _ => None,
        })
        .collect();
    assert_eq!(ports.len(), 2, "{}", out.stdout);
    for list in &ports {
        let failover = list
            .as_sequence()
            .and_then(|l| l.iter().find(|p| p["name"].as_str() == Some("failover")))
            .unwrap_or_else(|| panic!("no failover port in {list:?}"));
        let port = failover.get("containerPort").unwrap_or(&failover["port"]);
        assert_eq!(port.as_u64(), Some(15999), "{failover:?}");
    }
    // With gatewaySettings the failover Gateway is generated, and its secret is asked for.
    let gateway = values.with_file_name("failover-gateway.yaml");
    fs::write(
        &gateway,
        format!("{proxy}    gatewaySettings:\n      useProxyProto: true\n"),
    )
    .expect("write values");
    let out = expect_exit(&["validate", path_str(&gateway)], 1);
    let line = first_error(&out);
    assert!(
        line.starts_with(&format!("{}:19:7:", path_str(&gateway))),
        "{line}"
    );
    assert!(line.contains("lacks failover.secretName"), "{line}");
}
