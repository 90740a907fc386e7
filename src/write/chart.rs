//! Assembling a chart directory from rendered documents and the static parts in the repository's
//! `chart/` folder (embedded in the binary).
//!
//! Trusted: the documents are what `render` produced and validation accepted; this module only
//! places them. Not trusted: any text in them, which may hold `{{` from user values, and the
//! names of their templates, which become file names.

use std::fs;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde_yaml::Value;

use super::atomic::replace_dir;
use super::escape::{go_string, helm_alteration, helm_literal, shell_word};
use super::semver::semver_problem;
use super::{Document, WriteError};

/// Chart version written when the caller does not choose one.
pub const DEFAULT_CHART_VERSION: &str = "1.5.0";
/// The copy of `values.yaml` that the guard template reads (`values.yaml` itself is not among the
/// files a template can read).
pub const GENERATED_VALUES_FILE: &str = "generated-values.yaml";
/// File name, under `templates/`, of the template that refuses values and namespaces the chart was
/// not generated for.
pub const GUARD_TEMPLATE: &str = "00-gloo-chart-guard.yaml";

const NOTES_TEMPLATE: &str = "NOTES.txt";
const CHART_YAML: &str = include_str!("../../chart/Chart.yaml");
const HELMIGNORE: &str = include_str!("../../chart/.helmignore");
const README: &str = include_str!("../../chart/README.md");
const NOTES: &str = include_str!("../../chart/templates/NOTES.txt");
const GUARD: &str = include_str!("../../chart/templates/00-gloo-chart-guard.yaml");

const GENERATED_VALUES_HEADER: &str = "\
# A copy of values.yaml written by gloo-chart. templates/00-gloo-chart-guard.yaml compares the
# values Helm computes with these and fails when they differ. Do not edit: regenerate the chart.
";

const NO_VALUES_REFERENCE: &str =
    "The comments in `values.yaml` describe every value this chart was generated with.";

/// Everything a chart directory is made of.
#[derive(Debug, Clone)]
pub struct ChartSpec {
    /// The chart directory to create (or replace, with `force`).
    pub out_dir: PathBuf,
    /// Replace `out_dir` when it already holds files.
    pub force: bool,
    /// The namespace the documents were rendered for; the only one the chart installs into.
    pub namespace: String,
    /// The release name the documents were rendered with, shown in the chart's instructions.
    pub release_name_hint: String,
    /// Chart.yaml `version`, strict SemVer ([`DEFAULT_CHART_VERSION`] unless told otherwise).
    pub chart_version: String,
    /// Chart.yaml `appVersion`, strict SemVer.
    pub app_version: String,
    /// The effective values, commented, written as `values.yaml`.
    pub values_yaml: String,
    /// The JSON schema written as `values.schema.json`.
    pub schema_json: String,
    /// The rendered documents, CustomResourceDefinitions included, in Helm's install order.
    pub docs: Vec<Document>,
    /// The exact gloo-chart command line (quoted for a shell) that regenerates this chart.
    pub regenerate_command: String,
    /// Markdown for the README's values reference section; empty for a short pointer to
    /// `values.yaml`.
    pub values_reference: String,
}

/// Writes the chart described by `spec`: whole, or not at all.
pub fn write_chart(spec: &ChartSpec) -> Result<(), WriteError> {
    let files = chart_files(spec)?;
    replace_dir(&spec.out_dir, spec.force, |dir| write_files(dir, &files))
}

/// The chart's files as (path relative to the chart directory, content), before anything is
/// written. Every check on the input happens here.
pub(crate) fn chart_files(spec: &ChartSpec) -> Result<Vec<(String, String)>, WriteError> {
    check_spec(spec)?;
    let resources = spec
        .docs
        .iter()
        .map(Resource::read)
        .collect::<Result<Vec<_>, _>>()?;

    // Group documents into files, keeping their order inside each file.
    let mut grouped: IndexMap<String, Vec<&str>> = IndexMap::new();
    for (doc, resource) in spec.docs.iter().zip(&resources) {
        let path = if resource.is_crd() {
            if resource.api_version != "apiextensions.k8s.io/v1" {
                return Err(WriteError::Invalid(format!(
                    "template {}: CustomResourceDefinition {} is {}, expected apiextensions.k8s.io/v1",
                    doc.template, resource.name, resource.api_version
                )));
            }
            let name = doc.template.strip_prefix("crds/").unwrap_or(&doc.template);
            format!("crds/{}", checked_file_name(&doc.template, name)?)
        } else {
            let name = checked_file_name(&doc.template, &doc.template)?;
            if name == GUARD_TEMPLATE || name == NOTES_TEMPLATE || !name.ends_with(".yaml") {
                return Err(WriteError::Invalid(format!(
                    "template name {:?} is reserved or does not end in .yaml",
                    doc.template
                )));
            }
            if let Some(problem) = helm_alteration(&resource.body) {
                return Err(WriteError::Invalid(format!(
                    "template {}: cannot be written to a chart: {problem}",
                    doc.template
                )));
            }
            format!("templates/{name}")
        };
        grouped.entry(path).or_default().push(&resource.body);
    }

    let vars = Vars::new(spec, &resources);
    let mut files = vec![
        (
            "Chart.yaml".to_string(),
            vars.fill("Chart.yaml", CHART_YAML)?,
        ),
        (".helmignore".to_string(), HELMIGNORE.to_string()),
        ("README.md".to_string(), vars.fill("README.md", README)?),
        ("values.yaml".to_string(), spec.values_yaml.clone()),
        (
            GENERATED_VALUES_FILE.to_string(),
            format!("{GENERATED_VALUES_HEADER}{}", spec.values_yaml),
        ),
        ("values.schema.json".to_string(), spec.schema_json.clone()),
        (
            format!("templates/{GUARD_TEMPLATE}"),
            vars.fill(GUARD_TEMPLATE, GUARD)?,
        ),
        (
            format!("templates/{NOTES_TEMPLATE}"),
            vars.fill(NOTES_TEMPLATE, NOTES)?,
        ),
    ];
    for (path, bodies) in grouped {
        let text = bodies.join("---\n");
        let content = if path.starts_with("crds/") {
            text
        } else {
            helm_literal(&text)
        };
        files.push((path, content));
    }
    Ok(files)
}

fn write_files(dir: &Path, files: &[(String, String)]) -> Result<(), WriteError> {
    for (relative, content) in files {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| WriteError::io(parent, e))?;
        }
        fs::write(&path, content).map_err(|e| WriteError::io(&path, e))?;
    }
    Ok(())
}

fn check_spec(spec: &ChartSpec) -> Result<(), WriteError> {
    for (field, version) in [
        ("chart version", &spec.chart_version),
        ("app version", &spec.app_version),
    ] {
        if let Some(problem) = semver_problem(version) {
            return Err(WriteError::Invalid(format!(
                "{field} {version:?} is not a strict SemVer 2.0.0 version: {problem} (e.g. 1.5.0)"
            )));
        }
    }
    if !is_dns_label(&spec.namespace) {
        return Err(WriteError::Invalid(format!(
            "namespace {:?} is not a valid Kubernetes namespace name: expected at most 63 \
             lower-case letters, digits and '-', starting and ending with a letter or digit",
            spec.namespace
        )));
    }
    if spec.regenerate_command.trim().is_empty() {
        return Err(WriteError::Invalid(
            "the command that regenerates the chart is empty".to_string(),
        ));
    }
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&spec.schema_json) {
        return Err(WriteError::Invalid(format!(
            "values.schema.json is not JSON: {e}"
        )));
    }
    Ok(())
}

/// `name` if it is a plain file name that stays inside its directory.
fn checked_file_name<'a>(template: &str, name: &'a str) -> Result<&'a str, WriteError> {
    let safe = !name.is_empty()
        && !name.starts_with(['.', '_', '-'])
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if safe {
        Ok(name)
    } else {
        Err(WriteError::Invalid(format!(
            "template name {template:?} is not a plain file name: use letters, digits, '.', '_' \
             and '-', not starting with '.', '_' or '-', without '/'"
        )))
    }
}

fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// What the chart's files need to know about one rendered document.
struct Resource {
    api_version: String,
    kind: String,
    name: String,
    /// The document without a leading `---` marker, ending in a newline.
    body: String,
    /// The `helm.sh/hook` annotation, for hooks.
    hook: Option<String>,
    /// Names of the pod's containers, for workloads.
    containers: Vec<String>,
}

impl Resource {
    fn read(doc: &Document) -> Result<Resource, WriteError> {
        let mut body = doc.text.as_str();
        while let Some(rest) = body.strip_prefix("---\n") {
            body = rest;
        }
        let mut body = body.to_string();
        if !body.ends_with('\n') {
            body.push('\n');
        }
        let value: Value = serde_yaml::from_str(&body).map_err(|e| {
            WriteError::Invalid(format!(
                "template {}: a rendered document is not one YAML document: {e}",
                doc.template
            ))
        })?;
        let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_string();
        let metadata = value.get("metadata");
        let containers = value
            .get("spec")
            .and_then(|s| s.get("template"))
            .and_then(|t| t.get("spec"))
            .and_then(|s| s.get("containers"))
            .and_then(Value::as_sequence)
            .map(|list| list.iter().map(|c| text(c.get("name"))).collect())
            .unwrap_or_default();
        Ok(Resource {
            api_version: text(value.get("apiVersion")),
            kind: text(value.get("kind")),
            name: text(metadata.and_then(|m| m.get("name"))),
            hook: metadata
                .and_then(|m| m.get("annotations"))
                .and_then(|a| a.get("helm.sh/hook"))
                .map(|h| text(Some(h))),
            containers,
            body,
        })
    }

    fn is_crd(&self) -> bool {
        self.kind == "CustomResourceDefinition"
    }
}

/// The values the static parts' `%%NAME%%` placeholders stand for, already escaped for the file
/// each goes into.
struct Vars<'a> {
    spec: &'a ChartSpec,
    resources: &'a [Resource],
}

impl<'a> Vars<'a> {
    fn new(spec: &'a ChartSpec, resources: &'a [Resource]) -> Self {
        Vars { spec, resources }
    }

    /// Replaces every `%%NAME%%` in `template` in one pass, so inserted text is never scanned.
    fn fill(&self, file: &str, template: &str) -> Result<String, WriteError> {
        let mut out = String::with_capacity(template.len() + 1024);
        let mut rest = template;
        while let Some(start) = rest.find("%%") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after.find("%%").ok_or_else(|| unknown(file, after))?;
            let name = &after[..end];
            let value = self.value(file, name).ok_or_else(|| unknown(file, name))?;
            out.push_str(&value);
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn value(&self, file: &str, name: &str) -> Option<String> {
        let spec = self.spec;
        // NOTES.txt and the guard are Go templates: text goes in as literals. The other files
        // are not executed by Helm.
        let templated = file == NOTES_TEMPLATE;
        let plain = |s: &str| {
            if templated {
                helm_literal(s)
            } else {
                s.to_string()
            }
        };
        let value = match (file, name) {
            (GUARD_TEMPLATE, "REGENERATE") => go_string(&spec.regenerate_command),
            (GUARD_TEMPLATE, "NAMESPACE") => go_string(&spec.namespace),
            (GUARD_TEMPLATE, _) => return None,
            (_, "CHART_VERSION") => spec.chart_version.clone(),
            (_, "APP_VERSION") => spec.app_version.clone(),
            (_, "NAMESPACE") => spec.namespace.clone(),
            (_, "RELEASE") => plain(&shell_word(&spec.release_name_hint)),
            (_, "OUT_DIR") => plain(&shell_word(&spec.out_dir.to_string_lossy())),
            (_, "REGENERATE") => plain(&spec.regenerate_command),
            ("README.md", "VALUES_REFERENCE") => {
                if spec.values_reference.trim().is_empty() {
                    NO_VALUES_REFERENCE.to_string()
                } else {
                    spec.values_reference.clone()
                }
            }
            (NOTES_TEMPLATE, "RESOURCES") => plain(&self.resource_lines()),
            (NOTES_TEMPLATE, "ROLLOUTS") => plain(&self.rollout_lines()),
            (NOTES_TEMPLATE, "ISTIO") => plain(&self.istio_lines()),
            _ => return None,
        };
        Some(value)
    }

    fn resource_lines(&self) -> String {
        let mut lines = Vec::new();
        let crds = self.resources.iter().filter(|r| r.is_crd()).count();
        for r in self
            .resources
            .iter()
            .filter(|r| !r.is_crd() && !r.kind.is_empty())
        {
            let line = match &r.hook {
                Some(hook) => format!("  {} {} (hook: {hook})", r.kind, r.name),
                None => format!("  {} {}", r.kind, r.name),
            };
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
        if crds > 0 {
            lines.push(format!("  {crds} CustomResourceDefinitions (from crds/)"));
        }
        lines.join("\n")
    }

    fn rollout_lines(&self) -> String {
        self.resources
            .iter()
            .filter(|r| r.kind == "Deployment" && r.hook.is_none())
            .map(|r| {
                format!(
                    "  kubectl rollout status deployment/{} -n {}",
                    r.name, self.spec.namespace
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn istio_lines(&self) -> String {
        let sidecar = self
            .resources
            .iter()
            .any(|r| r.containers.iter().any(|c| c == "istio-proxy"));
        if !sidecar {
            return String::new();
        }
        format!(
            "\nIstio mTLS: the gateway proxy runs the istio-proxy and sds sidecars, which keep the
Istio certificates it presents to mesh services up to date. Upstreams reached with mTLS need
an sslConfig that uses them (this tool's istioMtls values, or
`glooctl istio enable-mtls --upstream default-productpage-9080`), and a route, e.g.:
  glooctl add route --name prodpage --namespace {ns} --path-prefix / \\
    --dest-name default-productpage-9080 --dest-namespace {ns}
",
            ns = self.spec.namespace
        )
    }
}

fn unknown(file: &str, name: &str) -> WriteError {
    let name: String = name.chars().take(40).collect();
    WriteError::Invalid(format!("chart/{file} has an unknown placeholder %%{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> ChartSpec {
        ChartSpec {
            out_dir: PathBuf::from("out/my gloo"),
            force: false,
            namespace: "gloo-system".to_string(),
            release_name_hint: "gloo".to_string(),
            chart_version: DEFAULT_CHART_VERSION.to_string(),
            app_version: "1.5.0".to_string(),
            values_yaml: "a: 1\n".to_string(),
            schema_json: "{}".to_string(),
            docs: vec![Document {
                template: "1-x.yaml".to_string(),
                text:
                    "---\nkind: Deployment\nmetadata:\n  name: x\n  annotations:\n    a: '{{ x }}'"
                        .to_string(),
            }],
            regenerate_command: "gloo-chart chart --set 'a={{b}}' -o 'out/my gloo'".to_string(),
            values_reference: String::new(),
        }
    }

    fn file<'a>(files: &'a [(String, String)], name: &str) -> &'a str {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c.as_str())
            .unwrap_or_else(|| {
                panic!(
                    "no {name} among {:?}",
                    files.iter().map(|f| &f.0).collect::<Vec<_>>()
                )
            })
    }

    #[test]
    fn every_placeholder_of_the_static_parts_is_filled() {
        let files = chart_files(&spec()).unwrap();
        for (name, content) in &files {
            assert!(!content.contains("%%"), "{name} keeps a placeholder");
        }
        assert!(file(&files, "Chart.yaml").contains("version: \"1.5.0\""));
        assert!(file(&files, "README.md")
            .contains("helm install gloo 'out/my gloo' --namespace gloo-system"));
    }

    #[test]
    fn text_reaches_each_file_escaped_for_it() {
        let files = chart_files(&spec()).unwrap();
        // Template documents: literal braces, leading marker dropped, newline added.
        assert_eq!(
            file(&files, "templates/1-x.yaml"),
            "kind: Deployment\nmetadata:\n  name: x\n  annotations:\n    a: '{{\"{{\"}} x }}'\n"
        );
        // NOTES.txt is a template too; README.md is not.
        assert!(file(&files, "templates/NOTES.txt").contains(r#"--set 'a={{"{{"}}b}}'"#));
        assert!(file(&files, "README.md").contains("--set 'a={{b}}'"));
        // The guard holds the command as a Go string literal.
        assert!(file(&files, "templates/00-gloo-chart-guard.yaml")
            .contains(r#"$regenerate := "gloo-chart chart --set 'a={{b}}' -o 'out/my gloo'""#));
        assert!(file(&files, GENERATED_VALUES_FILE).ends_with("a: 1\n"));
    }

    #[test]
    fn an_unknown_placeholder_is_an_error() {
        let spec = spec();
        let vars = Vars::new(&spec, &[]);
        assert!(vars.fill("README.md", "x %%NOPE%% y").is_err());
        assert!(vars.fill("README.md", "x %%NAMESPACE").is_err());
        assert_eq!(
            vars.fill("README.md", "ns %%NAMESPACE%%.").unwrap(),
            "ns gloo-system."
        );
    }

    #[test]
    fn a_bad_namespace_or_schema_is_refused() {
        let long = "a".repeat(64);
        for ns in ["", "Gloo", "-a", "a_b", long.as_str()] {
            let mut s = spec();
            s.namespace = ns.to_string();
            assert!(
                matches!(chart_files(&s), Err(WriteError::Invalid(_))),
                "{ns:?}"
            );
        }
        let mut s = spec();
        s.schema_json = "{".to_string();
        assert!(matches!(chart_files(&s), Err(WriteError::Invalid(_))));
    }
}
