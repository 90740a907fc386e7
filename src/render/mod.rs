//! Rendering values into manifests with the minijinja templates under `templates/`.
//!
//! # Contract for template authors
//! - **Files.** Every file under `templates/` is embedded in the binary at build time
//!   (`build.rs`); `templates/` is the source of truth. Every `*.yaml` file whose name does not
//!   start with `_` is rendered; `_*` files (e.g. `_helpers.j2`) are macro libraries, loaded only
//!   through `{% import %}` / `{% from ... import %}`. Files under `templates/crds/` are rendered
//!   only with [`RenderOptions::include_crds`] and are printed first, as Helm prints `crds/`.
//!   A template may produce several documents separated by lines starting with `---`;
//!   empty documents are dropped, comment-only ones are kept (as Helm keeps them).
//! - **Guards.** A template whose first line is `{#- render when: EXPR -#}` renders only when
//!   the expression EXPR is true in its context, and renders nothing otherwise; it is not even
//!   compiled then. Templates that are off by default carry one, so they cost nothing when off.
//! - **Context.** `values`: the full values tree as JSON (`serde_json::to_value(&model::Values)`:
//!   upstream value names, defaults applied, optional values absent). `release`:
//!   `{name, namespace}`. Maps iterate in sorted key order, like Helm's `range`.
//! - **Undefined values.** [`UndefinedBehavior::SemiStrict`]: an absent value may be tested
//!   (`{% if values.x %}`, `is defined`), but printing it, iterating it or walking into it
//!   (`values.x.y` when `x` is absent) is an error. Guard optional values before use.
//! - **Printing.** No auto-escaping. Numbers print as integers when integral; printing `none`
//!   is an error. Template-controlled text may be printed as is; every string that comes from
//!   values or options goes through the `yaml` filter (one safe YAML scalar on one line,
//!   quoted by yaml.v2's rules). Maps and lists go through `toyaml(N)`, which behaves like
//!   Helm's `toYaml | nindent N`: a newline, then block YAML indented by N spaces.
//! - **Other filters.** `kebabcase` (sprig's, for gateway proxy names), `nindent(N)` for raw
//!   multi-line text (a newline, then every non-empty line indented by N).
//! - **Output.** [`render_json`] returns [`Document`]s in `helm template` order (see
//!   `order`); [`to_stream`] prints them with `# Source:` headers; [`write_dir`] writes one file
//!   per template as `helm template --output-dir` does. The same input always gives the same
//!   bytes. Template errors come back as [`RenderError`]s naming the template and line.

mod filters;
mod head;
mod order;
mod share;
pub mod yaml;

use crate::diag::{Diagnostic, Location};
use minijinja::{context, AutoEscape, Environment, ErrorKind, UndefinedBehavior, Value};
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, OnceLock};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/templates.rs"));
}

/// The chart name used in `# Source:` lines and output paths.
pub const CHART_NAME: &str = "gloo";

/// What the caller chooses besides the values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    pub release_name: String,
    pub namespace: String,
    /// Render the CRD templates (`templates/crds/`) and print them first.
    pub include_crds: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            release_name: "gloo".to_string(),
            namespace: "gloo-system".to_string(),
            include_crds: false,
        }
    }
}

/// One rendered YAML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Template file it came from, relative to `templates/`, e.g. `7-gateway-proxy-deployment.yaml`
    /// or `crds/gateway.yaml`.
    pub template: String,
    /// The document, trimmed, without a leading `---`.
    pub text: String,
}

impl Document {
    /// The path Helm prints after `# Source:`, e.g. `gloo/templates/8-default-gateways.yaml`.
    pub fn source(&self) -> String {
        match self.template.strip_prefix("crds/") {
            Some(file) => format!("{CHART_NAME}/crds/{file}"),
            None => format!("{CHART_NAME}/templates/{}", self.template),
        }
    }
}

/// Why rendering failed.
#[derive(Debug, Clone)]
pub enum RenderError {
    /// A template failed to compile or to render.
    Template {
        template: String,
        line: Option<usize>,
        message: String,
    },
    /// A template rendered text that is not valid YAML.
    Manifest { template: String, message: String },
    /// The values could not be turned into the template context.
    Values(String),
    /// Writing output failed, or a path would leave the output directory.
    Io { path: PathBuf, message: String },
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::Template {
                template,
                line: Some(line),
                message,
            } => write!(f, "templates/{template}:{line}: {message}"),
            RenderError::Template {
                template, message, ..
            } => write!(f, "templates/{template}: {message}"),
            RenderError::Manifest { template, message } => {
                write!(f, "templates/{template}: rendered invalid YAML: {message}")
            }
            RenderError::Values(message) => write!(f, "values cannot be rendered: {message}"),
            RenderError::Io { path, message } => write!(f, "{}: {message}", path.display()),
        }
    }
}

impl std::error::Error for RenderError {}

impl RenderError {
    /// True for I/O failures (exit 2); everything else is a finding about the input (exit 1).
    pub fn is_io(&self) -> bool {
        matches!(self, RenderError::Io { .. })
    }

    /// The error as a located diagnostic (template file and line; column 1).
    pub fn to_diagnostic(&self) -> Diagnostic {
        let (source, line) = match self {
            RenderError::Template { template, line, .. } => {
                (format!("templates/{template}"), line.unwrap_or(1))
            }
            RenderError::Manifest { template, .. } => (format!("templates/{template}"), 1),
            RenderError::Values(_) => ("<values>".to_string(), 1),
            RenderError::Io { path, .. } => (path.display().to_string(), 1),
        };
        let message = match self {
            RenderError::Template { message, .. } => message.clone(),
            RenderError::Manifest { message, .. } => format!("rendered invalid YAML: {message}"),
            RenderError::Values(m) | RenderError::Io { message: m, .. } => m.clone(),
        };
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        Diagnostic::error(Location::new(Arc::from(source), line, 1), "render", message)
    }
}

fn template_error(name: &str, err: &minijinja::Error) -> RenderError {
    let mut message = match err.detail() {
        Some(detail) => format!("{}: {detail}", err.kind()),
        None => err.kind().to_string(),
    };
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        message.push_str(&format!(": {inner}"));
        source = inner.source();
    }
    RenderError::Template {
        template: err.name().unwrap_or(name).to_string(),
        line: err.line(),
        message,
    }
}

/// The names of every embedded template file, sorted.
pub fn template_names() -> impl Iterator<Item = &'static str> {
    embedded::TEMPLATES.iter().map(|(name, _)| *name)
}

fn is_rendered(name: &str, include_crds: bool) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    if !name.ends_with(".yaml") || base.starts_with('_') {
        return false;
    }
    if name.starts_with("crds/") {
        return include_crds;
    }
    !name.contains('/')
}

/// Starts compiling the templates on another thread, so that the work overlaps whatever the
/// caller does before rendering (loading and validating the values). The thread compiles the
/// imported templates first and then the rendered ones in the order the render takes them, so
/// the render, which starts later and also evaluates each template, mostly finds the next one
/// compiled; when it gets ahead, it compiles that template itself. Guarded templates are left to
/// the render, which compiles them only when their guard holds. Once done compiling, the thread
/// renders templates from the back of each render's list while the render works from the front
/// (see `share`). It does not ask how many CPUs there are (on Linux that reads the cgroup
/// files, which held it up by as long as compiling two templates): with one CPU the two threads
/// take turns, and the work is the same.
pub fn prepare() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        // A failed spawn leaves the compiling to the render; so does a failed compile, which
        // the render then meets and reports.
        let _ = std::thread::Builder::new()
            .name("templates".into())
            .spawn(|| {
                let env = environment();
                let imported = embedded::TEMPLATES
                    .iter()
                    .filter(|(name, _)| !name.contains('/') && name.starts_with('_'));
                let rendered = embedded::TEMPLATES
                    .iter()
                    .filter(|(name, source)| is_rendered(name, false) && guard(source).is_none());
                for (name, _) in imported.chain(rendered) {
                    let _ = env.get_template(name);
                }
                // Then it renders a share of every render's templates, from the back.
                share::serve()
            });
    });
}

/// The template environment, built on first use and shared by every later render in the process.
/// Templates are compiled when first asked for (compiling costs more than rendering); the
/// embedded sources are its only loader.
fn environment() -> &'static Environment<'static> {
    static ENVIRONMENT: OnceLock<Environment<'static>> = OnceLock::new();
    ENVIRONMENT.get_or_init(build_environment)
}

fn build_environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_formatter(filters::format_value);
    env.set_recursion_limit(100);
    filters::register(&mut env);
    env.set_loader(|name| {
        Ok(embedded::TEMPLATES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, source)| source.to_string()))
    });
    env
}

/// The condition of a guarded template: its first line is `{#- render when: EXPR -#}`.
fn guard(source: &str) -> Option<&str> {
    source
        .lines()
        .next()?
        .strip_prefix("{#- render when: ")?
        .strip_suffix(" -#}")
}

/// Reads what Helm needs to sort a document: its kind, and whether it is a hook. The line scan
/// of [`head::scan`] answers for the documents the templates print; the YAML parser answers for
/// the rest, and in debug builds checks every answer of the scan (see [`head`]).
fn head(template: &str, text: &str) -> Result<(String, bool), RenderError> {
    match head::scan(text) {
        Some(scanned) if !cfg!(debug_assertions) => Ok(scanned),
        scanned => {
            let parsed = parsed_head(template, text)?;
            match scanned {
                Some(scanned) if scanned != parsed => Err(RenderError::Manifest {
                    template: template.to_string(),
                    message: format!(
                        "line scan read kind {:?} and hook {}, the YAML parser kind {:?} and hook {}",
                        scanned.0, scanned.1, parsed.0, parsed.1
                    ),
                }),
                _ => Ok(parsed),
            }
        }
    }
}

fn parsed_head(template: &str, text: &str) -> Result<(String, bool), RenderError> {
    let parsed: serde_yaml::Value =
        serde_yaml::from_str(text).map_err(|e| RenderError::Manifest {
            template: template.to_string(),
            message: e.to_string(),
        })?;
    let kind = parsed
        .get("kind")
        .and_then(|k| k.as_str())
        .unwrap_or("")
        .to_string();
    let hook = parsed
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get("helm.sh/hook"))
        .is_some();
    Ok((kind, hook))
}

/// Renders every template with `values` (the JSON form of the typed values) and returns the
/// documents in `helm template` order.
pub fn render_json(
    values: &serde_json::Value,
    opts: &RenderOptions,
) -> Result<Vec<Document>, RenderError> {
    if !values.is_object() {
        return Err(RenderError::Values("the values root must be a map".into()));
    }
    let crds_create = values
        .pointer("/crds/create")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    render_value(
        Value::from(minijinja::value::Serde(values)),
        crds_create,
        opts,
    )
}

/// Renders with `values` already in the templates' form; `crds_create` is `crds.create`.
fn render_value(
    values: Value,
    crds_create: bool,
    opts: &RenderOptions,
) -> Result<Vec<Document>, RenderError> {
    let env = environment();
    let ctx = context! {
        values => values,
        release => context! {
            name => opts.release_name.clone(),
            namespace => opts.namespace.clone(),
        },
    };
    // With `crds.create` the chart renders its CRDs as ordinary templates; printing the `crds/`
    // copies as well would give every CRD twice.
    let include_crds = opts.include_crds && !crds_create;
    let names: Vec<&str> = embedded::TEMPLATES
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| is_rendered(name, include_crds))
        .collect();
    let mut crds = Vec::new();
    let mut generic = Vec::new();
    let mut hooks = Vec::new();
    // The render and the thread `prepare` started share the templates (see `share`); the
    // results come back in template order, so the output does not depend on who rendered what.
    let count = names.len();
    let job = Arc::new(share::Job::new(count, move |index| {
        render_template(env, names[index], &ctx)
    }));
    job.run(|rendered| {
        for (kind, hook, document) in rendered? {
            if document.template.starts_with("crds/") {
                crds.push(document);
            } else if hook {
                hooks.push((kind, document));
            } else {
                generic.push((kind, document));
            }
        }
        Ok(())
    })?;
    order::sort_by_kind(&mut generic);
    order::sort_by_kind(&mut hooks);
    crds.extend(generic.into_iter().map(|(_, d)| d));
    crds.extend(hooks.into_iter().map(|(_, d)| d));
    Ok(crds)
}

/// The documents of the template `name`, each with its kind and whether it is a hook.
fn render_template(
    env: &Environment<'static>,
    name: &str,
    ctx: &Value,
) -> Result<Vec<(String, bool, Document)>, RenderError> {
    let text = render_one(env, name, ctx).map_err(|e| template_error(name, &e))?;
    order::split_documents(&text)
        .into_iter()
        .map(|doc| {
            let (kind, hook) = head(name, &doc)?;
            let document = Document {
                template: name.to_string(),
                text: doc,
            };
            Ok((kind, hook, document))
        })
        .collect()
}

/// The output of the template `name`; nothing, without compiling it, when its guard is false.
fn render_one(
    env: &Environment<'static>,
    name: &str,
    ctx: &Value,
) -> Result<String, minijinja::Error> {
    let source = embedded::TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, source)| source);
    if let Some(condition) = guard(source) {
        if !env.compile_expression(condition)?.eval(ctx)?.is_true() {
            return Ok(String::new());
        }
    }
    env.get_template(name)?.render(ctx)
}

/// Renders typed values (defaults applied, already validated); see [`render_json`].
pub fn render(
    values: &crate::model::Values,
    opts: &RenderOptions,
) -> Result<Vec<Document>, RenderError> {
    // Straight into the templates' values: the same maps, in the same order, as through JSON
    // (`render_json` of `serde_json::to_value(values)`; a test compares the two).
    let crds_create = values.crds.as_ref().and_then(|c| c.create).unwrap_or(false);
    render_value(
        Value::from(minijinja::value::Serde(values)),
        crds_create,
        opts,
    )
}

/// Prints documents as `helm template` does: `---`, `# Source: ...`, the document.
pub fn to_stream(docs: &[Document]) -> String {
    let mut out = String::new();
    for doc in docs {
        out.push_str("---\n# Source: ");
        out.push_str(&doc.source());
        out.push('\n');
        out.push_str(&doc.text);
        out.push('\n');
    }
    out
}

fn safe_relative(template: &str) -> bool {
    let path = Path::new(template);
    !template.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)))
}

/// Writes one file per template under `dir`, at `dir/<source path>` (e.g.
/// `dir/gloo/templates/7-gateway-proxy-deployment.yaml`), as `helm template --output-dir` does:
/// each document of the template with its `---` / `# Source:` header, in printing order.
/// Returns the files written. Refuses any template name that would leave `dir`.
pub fn write_dir(docs: &[Document], dir: &Path) -> Result<Vec<PathBuf>, RenderError> {
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for doc in docs {
        if !safe_relative(&doc.template) {
            return Err(RenderError::Io {
                path: dir.join(&doc.template),
                message: "refusing to write outside the output directory".into(),
            });
        }
        let path = dir.join(doc.source());
        let chunk = to_stream(std::slice::from_ref(doc));
        match files.iter_mut().find(|(p, _)| *p == path) {
            Some((_, text)) => text.push_str(&chunk),
            None => files.push((path, chunk)),
        }
    }
    let io_err = |path: &Path, e: std::io::Error| RenderError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut written = Vec::new();
    for (path, text) in files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_err(parent, e))?;
        }
        std::fs::write(&path, text).map_err(|e| io_err(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

/// Error kind used by filters for bad input; kept here so every filter reports alike.
pub(crate) fn filter_error(message: impl Into<String>) -> minijinja::Error {
    minijinja::Error::new(ErrorKind::InvalidOperation, message.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_are_read_from_the_first_line_only() {
        assert_eq!(
            guard("{#- render when: values.a.enabled -#}\nkind: X"),
            Some("values.a.enabled")
        );
        assert_eq!(guard("kind: X\n{#- render when: values.a -#}"), None);
        assert_eq!(guard("{#- render when values.a -#}"), None);
        assert_eq!(guard(""), None);
        // Every guard in the embedded templates compiles.
        let env = environment();
        for (name, source) in embedded::TEMPLATES {
            if let Some(condition) = guard(source) {
                assert!(
                    env.compile_expression(condition).is_ok(),
                    "{name}: {condition}"
                );
            }
        }
    }

    #[test]
    fn typed_values_render_as_their_json_does() {
        let mut json = crate::model::defaults_json();
        json["global"]["istioSDS"] = serde_json::json!({ "enabled": true });
        json["settings"]["extensions"] = serde_json::json!({ "b": { "z": 1, "a": [1.5, null] } });
        json["crds"] = serde_json::json!({ "create": true });
        json["accessLogger"]["enabled"] = serde_json::json!(true);
        let typed: crate::model::Values = match serde_json::from_value(json) {
            Ok(typed) => typed,
            Err(e) => panic!("the values do not fit the model: {e}"),
        };
        let opts = RenderOptions {
            include_crds: true,
            ..RenderOptions::default()
        };
        let through_json = serde_json::to_value(&typed)
            .map_err(|e| RenderError::Values(e.to_string()))
            .and_then(|json| render_json(&json, &opts));
        let direct = render(&typed, &opts);
        match (direct, through_json) {
            (Ok(direct), Ok(through_json)) => {
                assert!(direct.len() > 20, "only {} documents", direct.len());
                assert_eq!(direct, through_json);
            }
            (direct, through_json) => panic!("{direct:?} / {through_json:?}"),
        }
    }

    #[test]
    fn every_embedded_template_compiles() {
        let env = environment();
        for (name, _) in embedded::TEMPLATES {
            if let Err(e) = env.get_template(name) {
                panic!("{name}: {e}");
            }
        }
    }

    #[test]
    fn a_false_guard_renders_nothing_and_a_true_one_renders_the_template() {
        let env = environment();
        let mut values = crate::model::defaults_json();
        let ctx = |values: &serde_json::Value| {
            context! {
                values => Value::from(minijinja::value::Serde(values)),
                release => context! { name => "gloo", namespace => "gloo-system" },
            }
        };
        let off = render_one(env, "27-access-logger-service.yaml", &ctx(&values));
        assert_eq!(off.ok().as_deref(), Some(""));
        values["accessLogger"]["enabled"] = serde_json::json!(true);
        let on = render_one(env, "27-access-logger-service.yaml", &ctx(&values));
        assert!(
            on.as_deref().is_ok_and(|t| t.contains("kind: Service")),
            "{on:?}"
        );
    }

    #[test]
    fn only_yaml_files_outside_underscore_are_rendered() {
        assert!(is_rendered("7-gateway-proxy-deployment.yaml", false));
        assert!(!is_rendered("_helpers.j2", false));
        assert!(!is_rendered("_helpers.yaml", false));
        assert!(!is_rendered("crds/gateway.yaml", false));
        assert!(is_rendered("crds/gateway.yaml", true));
    }

    #[test]
    fn write_dir_refuses_paths_leaving_the_directory() {
        let dir = std::env::temp_dir().join("gloo-chart-render-unit-escape");
        let docs = vec![Document {
            template: "../escape.yaml".into(),
            text: "a: 1".into(),
        }];
        assert!(matches!(
            write_dir(&docs, &dir),
            Err(RenderError::Io { .. })
        ));
        assert!(!dir.join("..").join("escape.yaml").exists());
    }

    #[test]
    fn line_scan_reads_every_document_the_templates_print() {
        // With Istio SDS and CRDs on, most templates print something.
        let mut values = crate::model::defaults_json();
        values["global"]["istioSDS"] = serde_json::json!({ "enabled": true });
        let opts = RenderOptions {
            include_crds: true,
            ..RenderOptions::default()
        };
        let docs = match render_json(&values, &opts) {
            Ok(docs) => docs,
            Err(e) => panic!("render failed: {e}"),
        };
        assert!(docs.len() > 20, "only {} documents", docs.len());
        let unread: Vec<&str> = docs
            .iter()
            .filter(|d| head::scan(&d.text).is_none())
            .map(|d| d.text.as_str())
            .collect();
        assert!(unread.is_empty(), "left to the parser: {unread:#?}");
    }

    #[test]
    fn source_paths_follow_helm() {
        let d = Document {
            template: "crds/gateway.yaml".into(),
            text: String::new(),
        };
        assert_eq!(d.source(), "gloo/crds/gateway.yaml");
    }
}
