//! Validation: the generated JSON schema first, then the semantic rules a schema cannot express.
//!
//! Input is the merged, positioned values tree (chart defaults plus every user layer, as Helm
//! coalesces them). Output is typed [`Values`] when nothing is wrong, and every finding, sorted.
//! Typed values are the only thing the renderer accepts, so invalid values never render.

mod instance;
mod nulls;
mod prune;
mod rules;
pub mod schema;
mod tree;

use crate::diag::{self, Diagnostic, Location};
use crate::load::{self, Key, Map, Node, Value};
use crate::model::{self, Values};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// Name under which the chart defaults appear in diagnostics.
pub const DEFAULTS_SOURCE: &str = "<chart defaults>";

/// The result of loading and validating one set of layers.
#[derive(Debug)]
pub struct Validated {
    /// Defaults and user layers, merged as Helm merges them.
    pub merged: Node,
    /// Present when there is no error.
    pub values: Option<Values>,
    /// Every finding, sorted by file, line and column.
    pub diagnostics: Vec<Diagnostic>,
}

impl Validated {
    pub fn has_errors(&self) -> bool {
        diag::has_errors(&self.diagnostics)
    }
}

/// Loads the `-f`/`--set*` layers (plus an optional overlay file after the `-f` files), merges
/// them over the chart defaults and validates the result.
pub fn load_and_validate(
    sources: &load::Sources,
    overlay: Option<&Path>,
    limits: &load::Limits,
) -> Result<Validated, load::LoadError> {
    load_and_validate_with(sources, overlay, None, limits)
}

/// Validates each of `overlays` on its own on top of `sources` (as [`load_and_validate`] with
/// `Some(overlay)`), on as many threads as the machine has cores, and returns the findings of
/// each file in the order of `overlays`. `on_done` is called once per file as it finishes, from
/// any thread. The schema is compiled once and shared by every thread. Only the findings are
/// wanted, so the values are not typed (the schema and the semantic rules find every error).
pub fn load_and_validate_each(
    sources: &load::Sources,
    overlays: &[PathBuf],
    limits: &load::Limits,
    on_done: &(dyn Fn() + Sync),
) -> Vec<Result<Vec<Diagnostic>, load::LoadError>> {
    // Many files share whole schemas; one file alone gets the schema cut down to it.
    let mode = if overlays.len() > 1 {
        Mode::BATCH
    } else {
        Mode {
            typed: false,
            compile: Compile::Pruned,
        }
    };
    let one = |overlay: &PathBuf| {
        let result =
            load_and_check(sources, Some(overlay), None, limits, mode).map(|v| v.diagnostics);
        on_done();
        result
    };
    let threads = crate::cores().min(overlays.len());
    if threads <= 1 {
        return overlays.iter().map(one).collect();
    }
    // Workers take the next file from a shared counter, so a slow file does not hold up a
    // whole share of the others; results go back to their file's slot.
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<Result<Vec<Diagnostic>, load::LoadError>>> =
        overlays.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(overlay) = overlays.get(index) else {
                            break;
                        };
                        done.push((index, one(overlay)));
                    }
                    done
                })
            })
            .collect();
        for worker in workers {
            match worker.join() {
                Ok(done) => {
                    for (index, result) in done {
                        slots[index] = Some(result);
                    }
                }
                // A panic in a worker is a defect; pass it on as a sequential run would.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    slots.into_iter().flatten().collect()
}

/// As [`load_and_validate`], with `extra` merged over all user layers (as one more `-f` file
/// would be) before the defaults; `gloo-chart values` adds its Istio layer this way.
pub fn load_and_validate_with(
    sources: &load::Sources,
    overlay: Option<&Path>,
    extra: Option<Node>,
    limits: &load::Limits,
) -> Result<Validated, load::LoadError> {
    load_and_check(sources, overlay, extra, limits, Mode::SINGLE)
}

/// What a check produces and how it compiles the schema.
#[derive(Debug, Clone, Copy)]
struct Mode {
    /// Type the values ([`Validated::values`]); a batch wants only the findings.
    typed: bool,
    compile: Compile,
}

impl Mode {
    const SINGLE: Mode = Mode {
        typed: true,
        compile: Compile::Pruned,
    };
    const BATCH: Mode = Mode {
        typed: false,
        compile: Compile::Whole,
    };
}

/// [`load_and_validate_with`], in `mode`.
fn load_and_check(
    sources: &load::Sources,
    overlay: Option<&Path>,
    extra: Option<Node>,
    limits: &load::Limits,
    mode: Mode,
) -> Result<Validated, load::LoadError> {
    let loaded = load::load_user(sources, overlay, limits)?;
    let mut user = loaded.user;
    if let Some(extra) = extra {
        load::merge::merge_layers(&mut user, extra);
    }
    Ok(check_user(user, loaded.diagnostics, mode))
}

/// Validates the user's values (every layer already merged, not yet the chart defaults): the
/// nulls that delete defaults, Helm's coalescing over the defaults, then [`validate_tree`]'s
/// checks. This is what every command runs after loading.
pub fn validate_user(user: Node) -> Validated {
    check_user(user, Vec::new(), Mode::SINGLE)
}

/// The schema's verdicts on `user` (as [`validate_user`] reads it) by every route validation
/// may take; they must always agree. For tests and the fuzz target `validate`.
#[doc(hidden)]
#[derive(Debug)]
pub struct SchemaVerdicts {
    /// Findings with the section schemas pruned to what the values reach.
    pub pruned: Vec<Diagnostic>,
    /// Findings with the section schemas compiled whole.
    pub whole: Vec<Diagnostic>,
    /// Whether the schema compiled into code at build time accepts the merged values.
    pub generated_valid: bool,
}

#[doc(hidden)]
pub fn schema_verdicts(user: Node) -> SchemaVerdicts {
    let touched = written_sections(&user);
    let (merged, _) = load::merge::coalesce(defaults_ref(), user);
    let mut pruned = schema_findings(&merged, touched.as_deref(), Compile::Pruned);
    let mut whole = schema_findings(&merged, touched.as_deref(), Compile::Whole);
    diag::sort(&mut pruned);
    diag::sort(&mut whole);
    SchemaVerdicts {
        pruned,
        whole,
        generated_valid: Generated::is_valid(&merged.to_json()),
    }
}

/// The top-level sections the user's values write (`None` when they are not a map): the only
/// ones the schema needs to check, since the others come out of the merge as the chart defaults,
/// which are valid (`tests/model.rs`).
fn written_sections(user: &Node) -> Option<Vec<String>> {
    match &user.value {
        Value::Map(map) => Some(map.keys().cloned().collect()),
        _ => None,
    }
}

/// [`validate_user`], with the findings loading made (`diagnostics`), in `mode`.
fn check_user(user: Node, mut diagnostics: Vec<Diagnostic>, mode: Mode) -> Validated {
    let touched = written_sections(&user);
    // Nulls are judged before the merge removes them (with their positions).
    let deleted_defaults = if diag::has_errors(&diagnostics) {
        Vec::new()
    } else {
        nulls::check(&user, defaults_ref(), &section_schema)
    };
    let (merged, merge_diags) = if mode.typed {
        load::merge::coalesce(defaults_ref(), user)
    } else {
        // Only findings are wanted: the sections the user did not write are valid defaults,
        // and only the ones the semantic rules read need copying.
        load::merge::coalesce_keeping(defaults_ref(), user, &|name| RULES_READ.contains(&name))
    };
    diagnostics.extend(merge_diags);
    if diag::has_errors(&diagnostics) {
        // Values that did not even parse are not worth checking against the schema: the
        // schema would report the holes the syntax errors left.
        diag::sort(&mut diagnostics);
        return Validated {
            merged,
            values: None,
            diagnostics,
        };
    }
    let mut validated = check_tree(merged, touched.as_deref(), mode);
    if !deleted_defaults.is_empty() {
        validated.values = None;
        validated.diagnostics.extend(deleted_defaults);
    }
    validated.diagnostics.extend(diagnostics);
    diag::sort(&mut validated.diagnostics);
    validated
}

/// The top-level sections the semantic rules (`istio::checks`, `rules`) read, with or without
/// the user writing them. A batch copies only these from the defaults; a test compares its
/// findings with those of single files.
const RULES_READ: &[&str] = &["global", "gateway", "gatewayProxies", "istioMtls"];

/// Validates an already merged tree: schema, typing, then semantic rules.
pub fn validate_tree(merged: Node) -> Validated {
    check_tree(merged, None, Mode::SINGLE)
}

/// [`validate_tree`], with the schema applied only to the top-level sections in `touched` (all
/// when `None`; the root's own checks always run), in `mode`.
fn check_tree(merged: Node, touched: Option<&[String]>, mode: Mode) -> Validated {
    // Typing needs the whole tree as JSON anyway, and on it the generated schema answers at
    // once whether there is anything to explain.
    let json = mode.typed.then(|| merged.to_json());
    let mut diagnostics = match &json {
        Some(json) if Generated::is_valid(json) => Vec::new(),
        _ => schema_findings(&merged, touched, mode.compile),
    };
    let mut values = None;
    if diagnostics.is_empty() {
        if let Some(json) = json {
            match serde_json::from_value::<Values>(json) {
                Ok(v) => values = Some(v),
                Err(e) => diagnostics.push(Diagnostic::error(
                    merged.location.clone(),
                    "model",
                    format!("values do not fit the model: {e}"),
                )),
            }
        }
        diagnostics.extend(crate::istio::checks::check(&merged));
        diagnostics.extend(rules::unsupported_helpers(&merged));
        diagnostics.extend(rules::gateway_options(&merged));
        diagnostics.extend(rules::incomplete_proxies(&merged));
        diagnostics.extend(rules::incomplete_failover(&merged));
    }
    if diag::has_errors(&diagnostics) {
        values = None;
    }
    diag::sort(&mut diagnostics);
    Validated {
        merged,
        values,
        diagnostics,
    }
}

/// The committed `schema/values.schema.json` without annotations, split by `build.rs` into the
/// root and one schema per top-level section. `tests/model.rs` fails when the committed schema
/// differs from the one the model generates, so these are the model's schema; reading them costs
/// a JSON parse, where generating the schema from the types costs several times a whole `render`.
mod compact {
    use super::tree::Schema;
    include!(concat!(env!("OUT_DIR"), "/schema.rs"));
}

/// The whole committed schema as code: jsonschema's `validator` macro turns
/// `schema/values.schema.json` into checks at build time (and rebuilds when the file changes), so
/// asking whether values are valid compiles nothing at run time. Only "valid or not" is asked of
/// it; findings are always explained by the runtime validators below, so messages do not depend
/// on it. A test holds its verdicts to theirs. The schema's patterns (name-like character
/// classes, no look-around or back-references) are matched with the regex crate, which compiles
/// them for fewer instructions than fancy-regex (also built on it) does.
#[jsonschema::validator(
    path = "schema/values.schema.json",
    draft = Draft7,
    methods = { is_valid = true, validate = false, iter_errors = false },
    pattern_options = { engine = regex }
)]
struct Generated;

/// A compiled part of the compact schema and the document it was compiled from (read by the
/// explanations for near-miss key names; the compact form keeps every `properties`).
struct Part {
    doc: serde_json::Value,
    validator: jsonschema::Validator,
}

fn build(doc: &serde_json::Value) -> Option<jsonschema::Validator> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(doc)
        .ok()
}

/// A validator that reads the values tree in place ([`instance::TreeJson`]).
type TreeValidator = jsonschema::Validator<instance::TreeJson>;

fn build_for_tree(doc: &serde_json::Value) -> Option<TreeValidator> {
    jsonschema::options_for::<instance::TreeJson>()
        .with_draft(jsonschema::Draft::Draft7)
        .build(doc)
        .ok()
}

/// The root checks: the root's type and its unknown keys (every section's schema is `true`).
fn root_part() -> Option<&'static Part> {
    static ROOT: OnceLock<Option<Part>> = OnceLock::new();
    ROOT.get_or_init(|| {
        let doc: serde_json::Value = serde_json::from_str(compact::ROOT).ok()?;
        let validator = build(&doc)?;
        Some(Part { doc, validator })
    })
    .as_ref()
}

/// Where the top-level section `name` is in [`compact::SECTIONS`].
fn section_index(name: &str) -> Option<usize> {
    compact::SECTIONS.iter().position(|(n, _)| *n == name)
}

/// The (compact) schema document of the section at `index`, parsed on first use. `None` when it
/// does not parse.
fn section_doc_at(index: usize) -> Option<&'static serde_json::Value> {
    static DOCS: [OnceLock<Option<serde_json::Value>>; compact::SECTION_COUNT] =
        [const { OnceLock::new() }; compact::SECTION_COUNT];
    DOCS[index]
        .get_or_init(|| serde_json::from_str(compact::SECTIONS[index].1).ok())
        .as_ref()
}

/// The schema of the section at `index`, compiled whole on first use and shared by every file
/// and thread. `None` when it does not compile.
fn section_validator_at(index: usize) -> Option<&'static jsonschema::Validator> {
    static VALIDATORS: [OnceLock<Option<jsonschema::Validator>>; compact::SECTION_COUNT] =
        [const { OnceLock::new() }; compact::SECTION_COUNT];
    VALIDATORS[index]
        .get_or_init(|| build(section_doc_at(index)?))
        .as_ref()
}

/// [`section_validator_at`] for the values tree: what a batch asks "valid or not".
fn section_tree_validator_at(index: usize) -> Option<&'static TreeValidator> {
    static VALIDATORS: [OnceLock<Option<TreeValidator>>; compact::SECTION_COUNT] =
        [const { OnceLock::new() }; compact::SECTION_COUNT];
    VALIDATORS[index]
        .get_or_init(|| build_for_tree(section_doc_at(index)?))
        .as_ref()
}

/// The (compact) schema of the top-level section `name`, as static data.
fn section_schema(name: &str) -> Option<&'static tree::Schema> {
    compact::TREES.get(section_index(name)?)
}

/// How the schema of a section the user wrote is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compile {
    /// For one file: only the part of the section schema the values reach is compiled
    /// ([`prune`]), which answers whether they are valid at a fraction of the cost; the whole
    /// section is compiled only to explain a failure.
    Pruned,
    /// For many files: each section is compiled whole once and shared by every file.
    Whole,
}

impl Compile {
    /// Whether the section at `index` of the schema accepts `section`; `None` when the schema
    /// does not compile. Read on the tree itself: only failures are turned into JSON.
    fn accepts(self, index: usize, section: &Node) -> Option<bool> {
        match self {
            Compile::Pruned => {
                let part = build_for_tree(&prune::prune(&compact::TREES[index], section))?;
                Some(part.is_valid(section))
            }
            Compile::Whole => Some(section_tree_validator_at(index)?.is_valid(section)),
        }
    }
}

/// Schema findings for `merged`, as the whole schema would report them, for the sections in
/// `touched` (all when `None`). Falls back to the schema generated from the model if the compact
/// copy does not parse or compile (a stale copy that does compile is what the test in
/// `tests/model.rs` catches).
fn schema_findings(merged: &Node, touched: Option<&[String]>, compile: Compile) -> Vec<Diagnostic> {
    sectioned_findings(merged, touched, compile).unwrap_or_else(|| {
        schema::check(
            merged,
            &merged.to_json(),
            model::validator(),
            model::schema_ref(),
        )
    })
}

fn sectioned_findings(
    merged: &Node,
    touched: Option<&[String]>,
    compile: Compile,
) -> Option<Vec<Diagnostic>> {
    use serde_json::Value as Json;
    let root = root_part()?;
    let mut out = Vec::new();
    let Value::Map(sections) = &merged.value else {
        let json = merged.to_json();
        schema::collect(merged, "", &json, &root.validator, &root.doc, &mut out);
        return Some(out);
    };
    // The root schema allows anything under a known key, so only the keys matter to it.
    let keys: serde_json::Map<String, Json> =
        sections.keys().map(|k| (k.clone(), Json::Null)).collect();
    schema::collect(
        merged,
        "",
        &Json::Object(keys),
        &root.validator,
        &root.doc,
        &mut out,
    );
    for (name, (_, section)) in sections {
        if touched.is_some_and(|t| !t.iter().any(|k| k == name)) {
            continue;
        }
        // A name the schema lacks is an unknown key, which the root checks reported.
        let Some(index) = section_index(name) else {
            continue;
        };
        if compile.accepts(index, section)? {
            continue;
        }
        let doc = section_doc_at(index)?;
        let validator = section_validator_at(index)?;
        let prefix = format!("/{}", name.replace('~', "~0").replace('/', "~1"));
        schema::collect(
            merged,
            &prefix,
            &section.to_json(),
            validator,
            doc,
            &mut out,
        );
    }
    schema::drop_shadowed_enums(&mut out);
    Some(out)
}

/// The chart defaults (from the model) as a positioned tree.
pub fn defaults_node() -> Node {
    defaults_ref().clone()
}

/// The chart defaults tree, built once per process (every file validated merges over it).
fn defaults_ref() -> &'static Node {
    static DEFAULTS: OnceLock<Node> = OnceLock::new();
    DEFAULTS.get_or_init(|| {
        let source: Arc<str> = Arc::from(DEFAULTS_SOURCE);
        from_json(&model::defaults_json(), &Location::new(source, 1, 1))
    })
}

/// Builds a tree from JSON, every node placed at `at` (JSON carries no positions).
pub fn from_json(json: &serde_json::Value, at: &Location) -> Node {
    use serde_json::Value as J;
    let value = match json {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or_default()),
        },
        J::String(s) => Value::Str(s.clone()),
        J::Array(items) => Value::Seq(items.iter().map(|i| from_json(i, at)).collect()),
        J::Object(obj) => {
            let mut map = Map::default();
            for (k, v) in obj {
                let key = Key {
                    location: at.clone(),
                };
                map.insert(k.clone(), (key, from_json(v, at)));
            }
            Value::Map(map)
        }
    };
    Node::new(value, at.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Merges `user` (placed at `values.yaml:1:1`) over the chart defaults.
    fn merged(user: serde_json::Value) -> (Node, Option<Vec<String>>) {
        let at = Location::new(Arc::from("values.yaml"), 1, 1);
        let user = from_json(&user, &at);
        let touched = written_sections(&user);
        (load::merge::coalesce(defaults_ref(), user).0, touched)
    }

    fn rendered(diags: &[Diagnostic]) -> Vec<String> {
        let mut out: Vec<String> = diags
            .iter()
            .map(|d| format!("{d} [{}] {:?}", d.rule, d.hint))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn sectioned_schema_reports_what_the_whole_schema_reports() {
        let cases = [
            json!({ "gatewayProxy": {}, "globl": {} }),
            json!({ "global": { "istioSDS": { "enabled": "yes", "customSidecar": [] } } }),
            json!({ "global": { "image": { "pullPolicy": "Sometimes" } }, "settings": 3 }),
            json!({ "settings": { "integrations": { "knative": { "enabled": true } } } }),
            json!({ "gatewayProxies": { "bad_name": { "kind": 1 } }, "crds": null }),
            json!({ "gloo": { "deployment": { "replicas": -1, "xdsPort": "x" } } }),
            json!(["a", "list"]),
            json!("text"),
        ];
        for user in cases {
            let (merged, touched) = merged(user.clone());
            let whole = schema::check(
                &merged,
                &merged.to_json(),
                model::validator(),
                model::schema_ref(),
            );
            for compile in [Compile::Pruned, Compile::Whole] {
                let Some(parts) = sectioned_findings(&merged, touched.as_deref(), compile) else {
                    panic!("the compact schema does not compile");
                };
                assert!(!whole.is_empty(), "{user}: no finding to compare");
                assert_eq!(rendered(&parts), rendered(&whole), "{user} {compile:?}");
            }
        }
    }

    #[test]
    fn untouched_sections_are_not_checked() {
        // An invalid `gloo` the user did not write cannot come out of the defaults; here it is
        // put into the merged tree directly to show that only written sections are read.
        let (mut merged, _) = merged(json!({ "global": {} }));
        if let Value::Map(map) = &mut merged.value {
            if let Some((_, gloo)) = map.get_mut("gloo") {
                gloo.value = Value::Str("not a map".to_string());
            }
        }
        let touched = ["global".to_string()];
        for compile in [Compile::Pruned, Compile::Whole] {
            assert_eq!(
                sectioned_findings(&merged, Some(&touched), compile),
                Some(Vec::new())
            );
        }
        let all = sectioned_findings(&merged, None, Compile::Pruned).unwrap_or_default();
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(all[0].path, "gloo");
    }
}
