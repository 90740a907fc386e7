//! Command-line flags and the one function per subcommand.
//!
//! Raw flags are parsed by clap into [`Cli`]; each subcommand's `run_*` function turns them into
//! the configuration of one pipeline run and returns an [`Exit`]. `main` only maps that to the
//! process exit code: 0 ok, 1 invalid input or findings, 2 usage or I/O error.

use crate::diag::{self, Diagnostic, Severity};
use crate::load::{self, Limits, Sources};
use crate::validate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Exit status of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Invalid = 1,
    Usage = 2,
}

#[derive(Debug, Parser)]
#[command(
    name = "gloo-chart",
    version,
    about = "Generate, validate and render Gloo 1.5 Helm values and charts for Istio mTLS",
    long_about = "gloo-chart turns Gloo 1.5 Helm values into a validated, Istio-mTLS-ready install: \
it writes values files for a mesh's Istio version, validates values exactly as Helm reads them \
(with FILE:LINE:COL on every finding), renders the manifests the upstream Gloo 1.5.0 chart \
renders, and writes a chart that Helm 3 and Helm 4 install."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Each subcommand's arguments are built only when that subcommand runs (or help, completions
/// or the man page list them): building all of them took about 125,000 instructions at every
/// start.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Write a complete, commented values.yaml with Istio SDS on, built for a mesh's Istio version.
    Values(ValuesArgs),
    /// Validate values files against the schema and the checks Helm cannot make.
    Validate(ValidateArgs),
    /// Print the manifests the values render to, as `helm template` prints them.
    Render(RenderArgs),
    /// Write a ready chart directory that Helm 3 and Helm 4 install.
    Chart(ChartArgs),
    /// Print the JSON schema of the values.
    Schema,
    /// Print the values as Helm passes them to templates (defaults and all layers merged), as JSON.
    Merge(MergeArgs),
    /// Print a Markdown reference of every value, or check or update a file that holds it.
    Docs(DocsArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    Man,
}

// The value layers, named and ordered as Helm's flags are. (A plain comment: a doc comment on a
// flattened struct becomes its command's `about`, over the subcommand's own.)
#[derive(Debug, Args, Default, Clone)]
pub struct ValueFlags {
    /// Values file (repeatable, or comma-separated); `-` reads standard input.
    #[arg(
        short = 'f',
        long = "values",
        value_name = "FILE",
        value_delimiter = ','
    )]
    pub values: Vec<PathBuf>,
    /// Set a value: `path.to.key=value[,key=value]` (typed as Helm types --set).
    #[arg(long = "set", value_name = "KEY=VAL")]
    pub set: Vec<String>,
    /// Set a value that is always a string.
    #[arg(long = "set-string", value_name = "KEY=VAL")]
    pub set_string: Vec<String>,
    /// Set a value from JSON: `key=<json>`.
    #[arg(long = "set-json", value_name = "KEY=JSON")]
    pub set_json: Vec<String>,
    /// Set a value to the contents of a file: `key=path`.
    #[arg(long = "set-file", value_name = "KEY=PATH")]
    pub set_file: Vec<String>,
    /// Set a value to the literal rest of the argument (no escapes, commas kept).
    #[arg(long = "set-literal", value_name = "KEY=VAL")]
    pub set_literal: Vec<String>,
    /// Refuse values files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_file_bytes)]
    pub max_file_size: u64,
}

impl ValueFlags {
    fn sources(&self) -> Sources {
        Sources {
            files: self.values.clone(),
            set_json: self.set_json.clone(),
            set: self.set.clone(),
            set_string: self.set_string.clone(),
            set_file: self.set_file.clone(),
            set_literal: self.set_literal.clone(),
        }
    }

    fn limits(&self) -> Limits {
        Limits {
            max_file_bytes: self.max_file_size,
            ..Limits::default()
        }
    }
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub layers: ValueFlags,
    /// Files or directories (walked for *.yaml and *.yml) each validated on its own on top of
    /// the -f/--set layers.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
    /// Colour and source excerpts in text output: `auto` uses them when standard output is a
    /// terminal (colour only when `NO_COLOR` is unset).
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// `FILE:LINE:COL: error: PATH: message` lines.
    Text,
    /// One JSON object per finding.
    Json,
    /// JUnit XML, one test case per file.
    Junit,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

// The namespace the manifests are rendered for (read from `HELM_NAMESPACE` when Helm runs the
// plugin, as Helm strips `-n` from plugin arguments). A plain comment, as on `ValueFlags`.
#[derive(Debug, Args)]
pub struct NamespaceFlag {
    /// Namespace the release is installed into.
    #[arg(
        short = 'n',
        long,
        env = "HELM_NAMESPACE",
        default_value = "gloo-system"
    )]
    pub namespace: String,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub layers: ValueFlags,
    #[command(flatten)]
    pub ns: NamespaceFlag,
    /// Release name.
    #[arg(long, default_value = "gloo")]
    pub release_name: String,
    /// Also print the CustomResourceDefinitions.
    #[arg(long)]
    pub include_crds: bool,
    /// Write one file per template into this directory instead of printing.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Turn Istio SDS on, with a sidecar built for this Istio version (as `values` does).
    #[command(flatten)]
    pub istio: IstioFlags,
}

#[derive(Debug, Args)]
pub struct ChartArgs {
    #[command(flatten)]
    pub layers: ValueFlags,
    /// Directory to write the chart into.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: PathBuf,
    /// Replace DIR when it exists and is not empty.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub ns: NamespaceFlag,
    /// Chart version (strict SemVer).
    #[arg(long, default_value = "1.5.0")]
    pub chart_version: String,
    /// Turn Istio SDS on, with a sidecar built for this Istio version (as `values` does).
    #[command(flatten)]
    pub istio: IstioFlags,
}

#[derive(Debug, Args, Default, Clone)]
pub struct IstioFlags {
    /// Turn Istio SDS on (implied by every other Istio flag).
    #[arg(long)]
    pub istio: bool,
    /// Istio version of the mesh (1.6.x to 1.19.x); turns Istio SDS on.
    #[arg(long, value_name = "X.Y.Z")]
    pub istio_version: Option<String>,
    /// How the sidecar authenticates to istiod.
    #[arg(long, value_enum, value_name = "POLICY")]
    pub jwt_policy: Option<JwtPolicyArg>,
    /// ISTIO_META_MESH_ID of the sidecar.
    #[arg(long, value_name = "ID")]
    pub mesh_id: Option<String>,
    /// ISTIO_META_CLUSTER_ID of the sidecar (Istio 1.7 and later).
    #[arg(long, value_name = "ID")]
    pub cluster_id: Option<String>,
    /// Trust domain of the mesh.
    #[arg(long, value_name = "DOMAIN")]
    pub trust_domain: Option<String>,
    /// Address of istiod (discovery and CA).
    #[arg(long, value_name = "HOST:PORT")]
    pub istiod_address: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum JwtPolicyArg {
    #[value(name = "third-party-jwt")]
    ThirdParty,
    #[value(name = "first-party-jwt")]
    FirstParty,
}

#[derive(Debug, Args)]
pub struct ValuesArgs {
    #[command(flatten)]
    pub layers: ValueFlags,
    #[command(flatten)]
    pub istio: IstioFlags,
    /// Write to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Schema reference written in the file's `# yaml-language-server: $schema=` line, for
    /// editors (a path relative to the file, or a URL).
    #[arg(long, value_name = "URL", default_value = "values.schema.json")]
    pub schema_ref: String,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    #[command(flatten)]
    pub layers: ValueFlags,
}

/// Parses `args` (program name first) and runs the command. Testable entry point.
pub fn run_from<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> Exit
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let argv: Vec<String> = args
        .into_iter()
        .map(|a| a.into().to_string_lossy().into_owned())
        .collect();
    let cli = match Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Ok
            };
            let text = e.render().to_string();
            let _ = if e.use_stderr() {
                err.write_all(text.as_bytes())
            } else {
                out.write_all(text.as_bytes())
            };
            return code;
        }
    };
    let result = match cli.command {
        Command::Validate(a) => run_validate(&a, out, err),
        Command::Render(a) => run_render(&a, out, err),
        Command::Chart(a) => run_chart(&a, &argv, out, err),
        Command::Values(a) => run_values(&a, out, err),
        Command::Schema => write_out(out, crate::model::schema_text().as_bytes()),
        Command::Merge(a) => run_merge(&a, out, err),
        Command::Docs(a) => run_docs(&a, out, err),
        Command::Completions(a) => run_completions(&a, out),
        Command::Man => run_man(out),
    };
    match result {
        Ok(exit) => exit,
        Err(Failure::BrokenPipe) => Exit::Ok,
        Err(Failure::Io(msg)) => {
            let _ = writeln!(err, "gloo-chart: error: {msg}");
            Exit::Usage
        }
    }
}

/// The process entry point: real arguments and streams.
pub fn main() -> i32 {
    // Template compiling does not depend on the arguments, so for the commands that render it
    // starts before they are even parsed.
    if std::env::args_os()
        .nth(1)
        .is_some_and(|command| command == "render" || command == "chart")
    {
        crate::render::prepare();
    }
    let stdout = io::stdout();
    let stderr = io::stderr();
    let mut out = stdout.lock();
    let mut err = stderr.lock();
    run_from(std::env::args_os(), &mut out, &mut err) as i32
}

/// Why a run stopped early: a closed stdout pipe (not an error), or an I/O or usage problem.
#[derive(Debug)]
pub enum Failure {
    BrokenPipe,
    Io(String),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Io(e.to_string())
        }
    }
}

impl From<load::LoadError> for Failure {
    fn from(e: load::LoadError) -> Self {
        Failure::Io(e.to_string())
    }
}

type RunResult = Result<Exit, Failure>;

fn write_out(out: &mut dyn Write, bytes: &[u8]) -> RunResult {
    out.write_all(bytes)?;
    out.flush()?;
    Ok(Exit::Ok)
}

fn print_diagnostics(err: &mut dyn Write, diags: &[Diagnostic]) -> Result<(), Failure> {
    for d in diags {
        writeln!(err, "{d}")?;
    }
    Ok(())
}

fn exit_for(diags: &[Diagnostic]) -> Exit {
    // A `--set-file` file that cannot be read is an I/O problem, not invalid values.
    if diags
        .iter()
        .any(|d| d.rule == load::strvals::RULE_FILE && d.severity == Severity::Error)
    {
        Exit::Usage
    } else if diag::has_errors(diags) {
        Exit::Invalid
    } else {
        Exit::Ok
    }
}

/// Loads and validates the layers, with the sidecar the Istio flags ask for applied over the
/// user's values before the defaults (`always`: build one even without Istio flags), and prints
/// the findings. The typed values when they are valid, else the exit code to end with.
fn load_valid(
    layers: &ValueFlags,
    istio: &IstioFlags,
    always: bool,
    err: &mut dyn Write,
) -> Result<Result<crate::model::Values, Exit>, Failure> {
    let Some(overlay) = istio_overlay(istio, always, err)? else {
        return Ok(Err(Exit::Invalid));
    };
    let validated =
        validate::load_and_validate_with(&layers.sources(), None, overlay, &layers.limits())?;
    print_diagnostics(err, &validated.diagnostics)?;
    Ok(validated
        .values
        .ok_or_else(|| exit_for(&validated.diagnostics)))
}

/// The manifests of valid values, or the exit code after printing why they did not render.
fn render_or_report(
    values: &crate::model::Values,
    opts: &crate::render::RenderOptions,
    err: &mut dyn Write,
) -> Result<Result<Vec<crate::render::Document>, Exit>, Failure> {
    match crate::render::render(values, opts) {
        Ok(docs) => Ok(Ok(docs)),
        Err(e) => {
            writeln!(err, "gloo-chart: error: {e}")?;
            Ok(Err(Exit::Invalid))
        }
    }
}

fn run_validate(args: &ValidateArgs, out: &mut dyn Write, err: &mut dyn Write) -> RunResult {
    let sources = args.layers.sources();
    let limits = args.layers.limits();
    let mut all: Vec<Diagnostic> = Vec::new();
    let mut files_checked = 0usize;
    let mut checked: Vec<String> = Vec::new();
    // Files that could not be read are reported and skipped, so one unreadable overlay does not
    // hide the findings of the others; they make the exit code 2.
    let mut unreadable: Vec<String> = Vec::new();
    if args.paths.is_empty() {
        let v = validate::load_and_validate(&sources, None, &limits)?;
        files_checked += 1;
        checked.extend(sources.files.iter().map(|f| f.display().to_string()));
        if checked.is_empty() {
            checked.push("(command line)".to_string());
        }
        all.extend(v.diagnostics);
    } else {
        let files = collect_paths(&args.paths, &mut unreadable);
        let progress = crate::report::Progress::for_files(files.len());
        // Files are validated in parallel; results come back in file order, so the output is
        // the same as one file after the other.
        let results = validate::load_and_validate_each(&sources, &files, &limits, &|| {
            progress.on_file_done()
        });
        progress.finish();
        for (file, result) in files.iter().zip(results) {
            match result {
                Ok(diagnostics) => {
                    files_checked += 1;
                    checked.push(file.display().to_string());
                    all.extend(diagnostics);
                }
                // The overlay itself failed: skip it. A failing -f base fails the whole run.
                Err(e) if e.path() == file.as_path() => unreadable.push(e.to_string()),
                Err(e) => return Err(e.into()),
            }
        }
    }
    diag::sort(&mut all);
    for problem in &unreadable {
        writeln!(err, "gloo-chart: error: {problem}")?;
    }
    let format = match args.output {
        OutputFormat::Text => crate::report::Format::Text(text_style(args.color)),
        OutputFormat::Json => crate::report::Format::Json,
        OutputFormat::Junit => crate::report::Format::Junit,
        OutputFormat::Sarif => crate::report::Format::Sarif,
    };
    let report = crate::report::Report {
        diagnostics: &all,
        files: &checked,
    };
    crate::report::write(format, &report, out)?;
    out.flush()?;
    if args.output == OutputFormat::Text {
        writeln!(err, "{}", crate::report::summary(files_checked, &all))?;
    }
    if !unreadable.is_empty() {
        return Ok(Exit::Usage);
    }
    Ok(exit_for(&all))
}

/// Colour and excerpts for text findings on standard output: `auto` shows excerpts on a
/// terminal, coloured unless `NO_COLOR` is set to something.
fn text_style(choice: ColorChoice) -> crate::report::TextStyle {
    use std::io::IsTerminal;
    match choice {
        ColorChoice::Always => crate::report::TextStyle {
            color: true,
            excerpt: true,
        },
        ColorChoice::Never => crate::report::TextStyle::default(),
        ColorChoice::Auto => {
            let terminal = io::stdout().is_terminal();
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            crate::report::TextStyle {
                color: terminal && !no_color,
                excerpt: terminal,
            }
        }
    }
}

/// Expands directories into their `*.yaml`/`*.yml` files (sorted); keeps files as given.
/// Paths that cannot be read (missing, unreadable directories, symlink loops) are added to
/// `problems` and skipped.
fn collect_paths(paths: &[PathBuf], problems: &mut Vec<String>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) => {
                problems.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        if meta.is_dir() {
            let mut found = Vec::new();
            for entry in walkdir::WalkDir::new(path).follow_links(true) {
                match entry {
                    Ok(entry) => {
                        let kind = entry.file_type();
                        if kind.is_file() && is_yaml(entry.path()) {
                            found.push(entry.into_path());
                        } else if !kind.is_dir() && is_yaml(entry.path()) {
                            // A FIFO or device named *.yaml: opening it could block forever.
                            problems.push(format!(
                                "{}: not a regular file, skipped",
                                entry.path().display()
                            ));
                        }
                    }
                    Err(e) => {
                        let at = e.path().unwrap_or(path).display().to_string();
                        let why = if e.loop_ancestor().is_some() {
                            "symbolic link loop".to_string()
                        } else {
                            e.io_error()
                                .map_or_else(|| e.to_string(), |io| io.to_string())
                        };
                        problems.push(format!("{at}: {why}"));
                    }
                }
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    files
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml") | Some("yml")
    )
}

fn run_merge(args: &MergeArgs, out: &mut dyn Write, err: &mut dyn Write) -> RunResult {
    let loaded = load::load_user(&args.layers.sources(), None, &args.layers.limits())?;
    let mut diags = loaded.diagnostics;
    let (merged, merge_diags) = load::merge::coalesce(&validate::defaults_node(), loaded.user);
    diags.extend(merge_diags);
    diag::sort(&mut diags);
    print_diagnostics(err, &diags)?;
    if diag::has_errors(&diags) {
        return Ok(Exit::Invalid);
    }
    let text =
        serde_json::to_string_pretty(&merged.to_json()).map_err(|e| Failure::Io(e.to_string()))?;
    writeln!(out, "{text}")?;
    Ok(Exit::Ok)
}

fn run_render(args: &RenderArgs, out: &mut dyn Write, err: &mut dyn Write) -> RunResult {
    crate::render::prepare();
    let values = match load_valid(&args.layers, &args.istio, false, err)? {
        Ok(values) => values,
        Err(exit) => return Ok(exit),
    };
    let opts = crate::render::RenderOptions {
        release_name: args.release_name.clone(),
        namespace: args.ns.namespace.clone(),
        include_crds: args.include_crds,
    };
    let docs = match render_or_report(&values, &opts, err)? {
        Ok(docs) => docs,
        Err(exit) => return Ok(exit),
    };
    match &args.output_dir {
        Some(dir) => {
            crate::render::write_dir(&docs, dir).map_err(|e| Failure::Io(e.to_string()))?;
            Ok(Exit::Ok)
        }
        None => write_out(out, crate::render::to_stream(&docs).as_bytes()),
    }
}

fn run_values(args: &ValuesArgs, out: &mut dyn Write, err: &mut dyn Write) -> RunResult {
    let values = match load_valid(&args.layers, &args.istio, true, err)? {
        Ok(values) => values,
        Err(exit) => return Ok(exit),
    };
    let text = values_text(&values, &args.schema_ref)?;
    match &args.output {
        Some(path) => {
            crate::write::write_file_atomic(path, text.as_bytes())
                .map_err(|e| Failure::Io(e.to_string()))?;
            Ok(Exit::Ok)
        }
        None => write_out(out, text.as_bytes()),
    }
}

/// The commented values file for typed values.
fn values_text(values: &crate::model::Values, schema_ref: &str) -> Result<String, Failure> {
    let json = serde_json::to_value(values).map_err(|e| Failure::Io(e.to_string()))?;
    let header = vec![
        format!("yaml-language-server: $schema={schema_ref}"),
        String::new(),
        format!(
            "Values for the Gloo {} chart, written by gloo-chart {}.",
            crate::model::CHART_VERSION,
            env!("CARGO_PKG_VERSION")
        ),
        "Every value is listed with its effective setting; validate edits with `gloo-chart validate`.".to_string(),
        String::new(),
    ];
    Ok(crate::values_file::commented_yaml(
        &json,
        crate::model::schema_ref(),
        &header,
    ))
}

/// The Istio layer: SDS on and, when the mesh's version needs it, a sidecar built for it.
/// `always` turns SDS on even when no Istio flag is given. Returns `None` after printing an
/// error when the flags cannot be honoured.
fn istio_overlay(
    flags: &IstioFlags,
    always: bool,
    err: &mut dyn Write,
) -> Result<Option<Option<crate::load::Node>>, Failure> {
    use crate::istio::sidecar::{build_sidecar, needs_custom_sidecar, JwtPolicy, SidecarOptions};
    let given = flags.istio
        || flags.istio_version.is_some()
        || flags.jwt_policy.is_some()
        || flags.mesh_id.is_some()
        || flags.cluster_id.is_some()
        || flags.trust_domain.is_some()
        || flags.istiod_address.is_some();
    if !always && !given {
        return Ok(Some(None));
    }
    let version = flags
        .istio_version
        .clone()
        .unwrap_or_else(|| crate::istio::sidecar::DEFAULT_SIDECAR_VERSION.to_string());
    let mut opts = SidecarOptions::new(&version);
    opts.jwt_policy = match flags.jwt_policy {
        Some(JwtPolicyArg::FirstParty) => JwtPolicy::FirstParty,
        _ => JwtPolicy::ThirdParty,
    };
    opts.mesh_id = flags.mesh_id.clone();
    opts.cluster_id = flags.cluster_id.clone();
    opts.trust_domain = flags.trust_domain.clone();
    opts.istiod_address = flags.istiod_address.clone();
    let sidecar = match needs_custom_sidecar(&opts) {
        Ok(false) => None,
        Ok(true) => match build_sidecar(&opts) {
            Ok(c) => Some(c),
            Err(e) => {
                writeln!(err, "gloo-chart: error: --istio-version {version}: {e}")?;
                return Ok(None);
            }
        },
        Err(e) => {
            writeln!(err, "gloo-chart: error: --istio-version {version}: {e}")?;
            return Ok(None);
        }
    };
    let mut sds = serde_json::json!({ "enabled": true });
    if let Some(container) = sidecar {
        sds["customSidecars"] = serde_json::json!([container]);
    }
    let overlay = serde_json::json!({ "global": { "istioSDS": sds } });
    let source: std::sync::Arc<str> = std::sync::Arc::from(format!("--istio-version {version}"));
    Ok(Some(Some(validate::from_json(
        &overlay,
        &crate::diag::Location::new(source, 1, 1),
    ))))
}

fn run_chart(
    args: &ChartArgs,
    argv: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> RunResult {
    crate::render::prepare();
    let values = match load_valid(&args.layers, &args.istio, false, err)? {
        Ok(values) => values,
        Err(exit) => return Ok(exit),
    };
    let opts = crate::render::RenderOptions {
        release_name: "gloo".to_string(),
        namespace: args.ns.namespace.clone(),
        include_crds: true,
    };
    let docs = match render_or_report(&values, &opts, err)? {
        Ok(docs) => docs,
        Err(exit) => return Ok(exit),
    };
    let spec = crate::write::ChartSpec {
        out_dir: args.output.clone(),
        force: args.force,
        namespace: args.ns.namespace.clone(),
        release_name_hint: "gloo".to_string(),
        chart_version: args.chart_version.clone(),
        app_version: crate::model::CHART_VERSION.to_string(),
        values_yaml: values_text(&values, "values.schema.json")?,
        schema_json: crate::model::schema_text(),
        docs,
        regenerate_command: regenerate_command(argv),
        values_reference: crate::docs::values_reference(),
    };
    match crate::write::write_chart(&spec) {
        Ok(()) => {
            writeln!(out, "wrote chart {}", args.output.display())?;
            Ok(Exit::Ok)
        }
        Err(e) => {
            writeln!(err, "gloo-chart: error: {e}")?;
            Ok(if e.exit_code() == 1 {
                Exit::Invalid
            } else {
                Exit::Usage
            })
        }
    }
}

/// The command line that wrote a chart, as a shell command that writes it again (over the old one).
fn regenerate_command(argv: &[String]) -> String {
    let mut words: Vec<String> = vec!["gloo-chart".to_string()];
    words.extend(argv.iter().skip(1).cloned());
    if !words.iter().any(|w| w == "--force") {
        words.push("--force".to_string());
    }
    words
        .iter()
        .map(|w| crate::write::shell_word(w))
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    /// Exit 1 when FILE does not hold the current reference (between the
    /// `<!-- gloo-chart:values:begin/end -->` markers if it has them, else as a whole).
    #[arg(long, value_name = "FILE", conflicts_with = "output")]
    pub check: Option<PathBuf>,
    /// Write the reference to FILE: between its markers if it has them, else as the whole file.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

fn run_docs(args: &DocsArgs, out: &mut dyn Write, err: &mut dyn Write) -> RunResult {
    let reference = crate::docs::values_reference();
    let Some(path) = args.check.as_ref().or(args.output.as_ref()) else {
        return write_out(out, crate::docs::standalone().as_bytes());
    };
    let current = match std::fs::read(path) {
        Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) if e.kind() == io::ErrorKind::NotFound && args.check.is_none() => None,
        Err(e) => return Err(Failure::Io(format!("{}: {e}", path.display()))),
    };
    let wanted = match crate::docs::updated(current.as_deref(), &reference) {
        Ok(text) => text,
        Err(e) => {
            writeln!(err, "{}:{}: error: {}", path.display(), e.line, e.message)?;
            return Ok(Exit::Invalid);
        }
    };
    if args.check.is_some() {
        if current.as_deref() == Some(wanted.as_str()) {
            return Ok(Exit::Ok);
        }
        let shown = crate::write::shell_word(&path.display().to_string());
        writeln!(
            err,
            "{}: error: the values reference is out of date; regenerate it with `gloo-chart docs -o {shown}`",
            path.display()
        )?;
        return Ok(Exit::Invalid);
    }
    if current.as_deref() != Some(wanted.as_str()) {
        crate::write::write_file_atomic(path, wanted.as_bytes())
            .map_err(|e| Failure::Io(format!("{}: {e}", path.display())))?;
    }
    Ok(Exit::Ok)
}

fn run_completions(args: &CompletionsArgs, out: &mut dyn Write) -> RunResult {
    use clap::CommandFactory;
    let mut text = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "gloo-chart", &mut text);
    write_out(out, &text)
}

fn run_man(out: &mut dyn Write) -> RunResult {
    use clap::CommandFactory;
    let mut text = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut text)?;
    write_out(out, &text)
}
