//! The `claimdiff` binary: parses arguments, calls the library, maps errors to exit codes.
#![forbid(unsafe_code)]

use anyhow::{Context, Result};
use claimdiff::eval::ClaimKind;
use claimdiff::model::{Report, Verdict};
use claimdiff::render::{render, Format, Mode, Options};
use claimdiff::rules::RuleSet;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const EXIT_HELP: &str = "Exit codes:
  0  success (`check`: no finding at error severity; `compare --fail-on-conflict`: no conflict;
     `eval`: every threshold given holds)
  1  `check` found a finding at error severity; `compare --fail-on-conflict` found a conflict;
     `rules test` had a failing example; `eval` fell short of a threshold
  2  usage, input, manifest, config or rule-file error, a malformed gold line, a group naming
     an undefined claim, overlapping gold spans, an unreadable report (the message names the
     file and line)";

#[derive(Parser)]
#[command(name = "claimdiff", version, about = "Extract numeric claims from news articles and compare them across outlets", after_help = EXIT_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct Input {
    /// Files or folders (recursively, .txt/.md); `-` reads stdin.
    #[arg(required_unless_present_any = ["jsonl", "claims"])]
    paths: Vec<PathBuf>,
    /// Read articles from a JSONL file (`-` = stdin), one a line:
    /// {"id","outlet","date","url","language","text"}. With `extract --format jsonl` claims are
    /// written as articles are read, in constant memory.
    #[arg(long, conflicts_with = "paths")]
    jsonl: Option<PathBuf>,
    /// `compare` only: group claims extracted elsewhere (the output of `extract --format jsonl`).
    #[arg(long, conflicts_with_all = ["paths", "jsonl"])]
    claims: Option<PathBuf>,
    /// CSV manifest with columns file,outlet,date,url,language (default: sources.csv in a
    /// folder given as a path, when there is one).
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// A folder of rule files that add to or replace the built-in rules.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Write to this file (atomically: a temporary file renamed when complete).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// The language of labels for categories, units and verdicts (`ar`, `en`; any language with
    /// a rules/<lang>/labels.toml). Default: the language most documents are in.
    #[arg(long)]
    lang: Option<String>,
    /// Start CSV output with a UTF-8 byte-order mark (so Excel shows Arabic).
    #[arg(long)]
    bom: bool,
    /// Decode files that are not valid UTF-8 with replacement characters (with a warning)
    /// instead of stopping with an error.
    #[arg(long)]
    lossy: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Only {
    Conflicts,
    Agreements,
    All,
}

#[derive(Subcommand)]
enum Command {
    /// List every claim found in the documents.
    Extract {
        #[command(flatten)]
        input: Input,
        /// `gold` writes a draft annotation for `eval` (claims and groups of one kind).
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Keep only claims of this kind (`--format gold`: figure unless given).
        #[arg(long, value_enum)]
        kind: Option<ClaimKind>,
    },
    /// Group claims across documents and judge agreement and conflict.
    Compare {
        #[command(flatten)]
        input: Input,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Which groups to show.
        #[arg(long, value_enum, default_value = "all")]
        only: Only,
        /// Show only these categories (repeatable).
        #[arg(long)]
        category: Vec<String>,
        /// Exit with 1 when a conflict is found.
        #[arg(long)]
        fail_on_conflict: bool,
        /// Say why two claims were or were not grouped, stage by stage, instead of the report.
        /// Each is a claim id (`c12`) or DOC:OFFSET (file name and a byte offset in the claim).
        #[arg(long, num_args = 2, value_names = ["A", "B"])]
        explain: Vec<String>,
        /// With --claims: keep the claims' ids and write only their groups, one JSON a line —
        /// a reducer's share of a scaled-out run (see docs/scale.md).
        #[arg(long, conflicts_with = "explain")]
        partial: bool,
    },
    /// Check drafts against their sources and published pieces against each other, for CI.
    /// Settings come from claimdiff.toml (see docs/ci.md).
    #[command(after_help = EXIT_HELP)]
    Check {
        /// Only report findings in these files or folders (default: everything the config names).
        paths: Vec<PathBuf>,
        /// The config file (default: ./claimdiff.toml).
        #[arg(long, default_value = "claimdiff.toml")]
        config: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: claimdiff::render::check::CheckFormat,
        /// Record today's findings in this baseline file and exit 0.
        #[arg(long)]
        write_baseline: Option<PathBuf>,
        /// A baseline file of accepted findings (overrides `baseline` in the config).
        #[arg(long)]
        baseline: Option<PathBuf>,
        /// Only report findings in these files (those a pull request changed).
        #[arg(long, num_args = 1..)]
        changed: Vec<PathBuf>,
    },
    /// Score the comparison of PATHS (or a report made earlier) against a gold annotation:
    /// recall, precision, value accuracy, pair recall, conflict recall and precision, false
    /// conflicts, per category and per language (see docs/eval.md).
    #[command(after_help = EXIT_HELP)]
    Eval {
        /// The gold annotation: JSON Lines of claim, nonclaim, group and distinct.
        #[arg(long)]
        gold: PathBuf,
        /// Score this report (the JSON of `compare --format json`) instead of running compare.
        #[arg(long, conflicts_with_all = ["paths", "jsonl", "claims"])]
        report: Option<PathBuf>,
        /// Which claims to score: figures (numbers, dates) or events (factual claims).
        #[arg(long, value_enum, default_value = "figure")]
        kind: ClaimKind,
        /// How to print the figures (json: the keys of score.py --json, plus the breakdowns).
        #[arg(long, value_enum, default_value = "table")]
        format: claimdiff::render::eval::EvalFormat,
        /// List every miss, wrong value, false positive, ungrouped pair, missed and false
        /// conflict, with document, byte offset and words.
        #[arg(long, short)]
        verbose: bool,
        #[command(flatten)]
        thresholds: ThresholdArgs,
        #[command(flatten)]
        input: EvalInput,
    },
    /// Work with rule files.
    Rules {
        #[command(subcommand)]
        action: RulesAction,
    },
}

/// What `eval` compares when it is not given `--report`: compare's inputs.
#[derive(clap::Args)]
struct EvalInput {
    /// Files or folders (recursively, .txt/.md) to compare; `-` reads stdin.
    #[arg(required_unless_present_any = ["report", "jsonl", "claims"])]
    paths: Vec<PathBuf>,
    /// Read articles from a JSONL file (`-` = stdin).
    #[arg(long, conflicts_with = "paths")]
    jsonl: Option<PathBuf>,
    /// Group claims extracted elsewhere (the output of `extract --format jsonl`).
    #[arg(long, conflicts_with_all = ["paths", "jsonl"])]
    claims: Option<PathBuf>,
    /// CSV manifest with columns file,outlet,date,url,language.
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// A folder of rule files that add to or replace the built-in rules.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Decode files that are not valid UTF-8 with replacement characters.
    #[arg(long)]
    lossy: bool,
}

impl EvalInput {
    fn into_input(self) -> Input {
        Input {
            paths: self.paths,
            jsonl: self.jsonl,
            claims: self.claims,
            manifest: self.manifest,
            rules: self.rules,
            output: None,
            bom: false,
            lossy: self.lossy,
            lang: None,
        }
    }
}

/// `eval`'s thresholds: exit 1 when one falls short.
#[derive(clap::Args)]
struct ThresholdArgs {
    /// Exit 1 when recall (required claims found) is below this share (0 to 1).
    #[arg(long, value_name = "SHARE")]
    min_recall: Option<f64>,
    /// Exit 1 when precision (reported claims that are annotated claims) is below this.
    #[arg(long, value_name = "SHARE")]
    min_precision: Option<f64>,
    /// Exit 1 when value accuracy (found claims with the right value) is below this.
    #[arg(long, value_name = "SHARE")]
    min_value_accuracy: Option<f64>,
    /// Exit 1 when pair recall (gold group pairs in one reported group) is below this.
    #[arg(long, value_name = "SHARE")]
    min_pair_recall: Option<f64>,
    /// Exit 1 when conflict recall (gold conflicts reported) is below this.
    #[arg(long, value_name = "SHARE")]
    min_conflict_recall: Option<f64>,
    /// Exit 1 when conflict precision (reported conflicts that are real) is below this.
    #[arg(long, value_name = "SHARE")]
    min_conflict_precision: Option<f64>,
    /// Exit 1 when more than this many pairs that must never conflict are reported as one.
    #[arg(long, value_name = "COUNT")]
    max_false_conflicts: Option<usize>,
}

impl ThresholdArgs {
    fn thresholds(&self) -> claimdiff::eval::Thresholds {
        claimdiff::eval::Thresholds {
            min_recall: self.min_recall,
            min_precision: self.min_precision,
            min_value_accuracy: self.min_value_accuracy,
            min_pair_recall: self.min_pair_recall,
            min_conflict_recall: self.min_conflict_recall,
            min_conflict_precision: self.min_conflict_precision,
            max_false_conflicts: self.max_false_conflicts,
        }
    }
}

#[derive(Subcommand)]
enum RulesAction {
    /// Run the examples every rule file carries.
    Test {
        /// A folder of rule files that add to or replace the built-in rules.
        #[arg(long)]
        rules: Option<PathBuf>,
    },
}

/// mimalloc: claimdiff allocates many small strings and vectors per document; measured in
/// docs/performance.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {}", message(&e));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, each said once: a library error's text already ends with its
/// source's ("x.csv: No such file or directory"), which `{e:#}` would repeat.
fn message(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain().map(|c| c.to_string()) {
        if out.ends_with(&cause) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&cause);
    }
    out
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn load_rules(dir: Option<&Path>) -> Result<RuleSet> {
    Ok(RuleSet::load(dir)?)
}

fn load_docs(input: &Input, rules: &RuleSet) -> Result<Vec<claimdiff::model::Document>> {
    if let Some(path) = &input.jsonl {
        let reader = open_reader(path)?;
        return Ok(
            claimdiff::load::jsonl_documents(reader, path, rules).collect::<Result<Vec<_>, _>>()?
        );
    }
    let loaded = claimdiff::load::load_all_with(
        &input.paths,
        input.manifest.as_deref(),
        rules,
        claimdiff::load::ReadOptions { lossy: input.lossy },
    )?;
    for w in &loaded.warnings {
        eprintln!("warning: {w}");
    }
    Ok(loaded.docs)
}

/// The comparison of the input: claims extracted here, or read from `--claims`.
fn compare_input(input: &Input, rules: &RuleSet) -> Result<Report> {
    Ok(match &input.claims {
        Some(path) => {
            let (docs, claims) = claimdiff::load::read_claims(open_reader(path)?, path)?;
            claimdiff::compare_claims(docs, claims, rules)
        }
        None => claimdiff::compare(load_docs(input, rules)?, rules),
    })
}

fn open_reader(path: &Path) -> Result<Box<dyn std::io::BufRead>> {
    Ok(if path.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(path)
                .with_context(|| format!("{}: cannot open", path.display()))?,
        ))
    })
}

/// A progress bar on stderr, only when stderr is a terminal (never in pipes, CI or tests).
fn progress(total: Option<u64>) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = match total {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::new_spinner(),
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos} documents {msg} [{elapsed}]")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar
}

/// `extract --format jsonl`: extracts the articles a chunk at a time, in parallel within a
/// chunk, and writes each chunk's claims in input order before the next: memory holds one
/// chunk's tokens and claims, not the whole corpus's, and the output is byte-identical whatever
/// the thread count or chunk size. Ids run on across chunks (`c1`, `c2`, ...) and are given
/// before `kind` filters, as in the other formats.
fn stream_extract(
    input: &Input,
    docs: impl Iterator<Item = anyhow::Result<claimdiff::model::Document>>,
    kind: Option<ClaimKind>,
    rules: &RuleSet,
) -> Result<()> {
    const CHUNK: usize = 64;
    let mut docs = docs;
    let bar = progress(None);
    let started = std::time::Instant::now();
    let mut bytes = 0usize;
    let mut next_id = 1usize;
    write_output(input, |w| {
        loop {
            let chunk: Vec<claimdiff::model::Document> =
                match docs.by_ref().take(CHUNK).collect::<Result<Vec<_>, _>>() {
                    Ok(c) => c,
                    Err(e) => return Err(std::io::Error::other(e.to_string())),
                };
            if chunk.is_empty() {
                break;
            }
            use rayon::prelude::*;
            let per_doc: Vec<Vec<claimdiff::model::Claim>> = chunk
                .par_iter()
                .map(|d| claimdiff::claims_of(d, rules))
                .collect();
            let mut claims: Vec<claimdiff::model::Claim> = per_doc.into_iter().flatten().collect();
            for c in &mut claims {
                c.id = format!("c{next_id}");
                next_id += 1;
            }
            if let Some(kind) = kind {
                claims.retain(|c| c.kind == kind.as_str());
            }
            bytes += chunk.iter().map(|d| d.text.len()).sum::<usize>();
            let report = claimdiff::model::Report {
                documents: chunk,
                claims,
                groups: Vec::new(),
            };
            render(
                &report,
                Mode::Extract,
                Format::Jsonl,
                options(input, rules),
                w,
            )?;
            bar.inc(report.documents.len() as u64);
            bar.set_message(format!(
                "{:.1} MB/s",
                bytes as f64 / 1e6 / started.elapsed().as_secs_f64().max(1e-9)
            ));
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    Ok(())
}

fn write_output(
    input: &Input,
    f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match &input.output {
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            f(&mut lock)?;
            lock.flush()?;
        }
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "out".into());
            let tmp = dir.join(format!(".{name}.claimdiff-tmp-{}", std::process::id()));
            let res = (|| -> std::io::Result<()> {
                let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
                f(&mut w)?;
                w.flush()?;
                w.get_ref().sync_all()
            })();
            if let Err(e) = res {
                let _ = std::fs::remove_file(&tmp);
                return Err(e).with_context(|| format!("{}: cannot write", path.display()));
            }
            std::fs::rename(&tmp, path)
                .with_context(|| format!("{}: cannot write", path.display()))?;
        }
    }
    Ok(())
}

/// Table width: `COLUMNS`, else 120.
fn terminal_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(120)
}

fn options<'a>(input: &'a Input, rules: &'a RuleSet) -> Options<'a> {
    Options {
        bom: input.bom,
        width: terminal_width(),
        labels: Some(&rules.labels),
        lang: input.lang.as_deref(),
    }
}

/// Refuses a `--lang` the rules have no labels for, naming the ones they have.
fn check_lang(input: &Input, rules: &RuleSet) -> Result<()> {
    if let Some(l) = &input.lang {
        if !rules.labels.langs.contains_key(l) {
            let known: Vec<&str> = rules.labels.langs.keys().map(String::as_str).collect();
            anyhow::bail!(
                "--lang {l}: no labels in that language (known: {})",
                known.join(", ")
            );
        }
    }
    Ok(())
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Extract {
            input,
            format,
            kind,
        } => {
            let rules = load_rules(input.rules.as_deref())?;
            check_lang(&input, &rules)?;
            if format == Format::Html {
                anyhow::bail!("--format html is for `compare`: the page shows groups of claims");
            }
            if input.claims.is_some() {
                anyhow::bail!(
                    "--claims is for `compare`: it groups claims that were already extracted"
                );
            }
            if format == Format::Jsonl {
                match &input.jsonl {
                    Some(path) => {
                        let reader = open_reader(path)?;
                        let docs = claimdiff::load::jsonl_documents(reader, path, &rules)
                            .map(|d| d.map_err(anyhow::Error::from));
                        stream_extract(&input, docs, kind, &rules)?;
                    }
                    // the files are read (and refused) before any claim is written
                    None => {
                        let docs = load_docs(&input, &rules)?;
                        stream_extract(&input, docs.into_iter().map(Ok), kind, &rules)?;
                    }
                }
                return Ok(ExitCode::SUCCESS);
            }
            let docs = load_docs(&input, &rules)?;
            let mut report = if format == Format::Gold {
                // a draft annotation carries the groups too
                claimdiff::compare(docs, &rules)
            } else {
                let claims = claimdiff::extract_all(&docs, &rules);
                Report {
                    documents: docs,
                    claims,
                    groups: Vec::new(),
                }
            };
            let kind = kind.or((format == Format::Gold).then_some(ClaimKind::Figure));
            if let Some(kind) = kind {
                report.claims.retain(|c| c.kind == kind.as_str());
                report.groups.retain(|g| g.kind == kind.as_str());
            }
            let opts = options(&input, &rules);
            write_output(&input, |w| render(&report, Mode::Extract, format, opts, w))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Compare {
            input,
            format,
            only,
            category,
            fail_on_conflict,
            explain,
            partial,
        } => {
            if format == Format::Gold {
                anyhow::bail!("--format gold is written by `extract --format gold`");
            }
            let rules = load_rules(input.rules.as_deref())?;
            check_lang(&input, &rules)?;
            if partial {
                let Some(path) = &input.claims else {
                    anyhow::bail!("--partial groups claims read with --claims FILE|-");
                };
                let (docs, claims) = claimdiff::load::read_claims(open_reader(path)?, path)?;
                let groups = claimdiff::merge::partial_groups(docs, claims, &rules, path)?;
                write_output(&input, |w| claimdiff::merge::write_groups(&groups, w))?;
                return Ok(ExitCode::SUCCESS);
            }
            let mut report = compare_input(&input, &rules)?;
            if let [a, b] = &explain[..] {
                let e = claimdiff::explain::explain(&report, a, b, &rules)?;
                let json = matches!(format, Format::Json | Format::Jsonl);
                write_output(&input, |w| claimdiff::render::explain::write(&e, json, w))?;
                return Ok(ExitCode::SUCCESS);
            }
            let conflicts = report.groups.iter().any(|g| g.verdict == Verdict::Conflict);
            report.groups.retain(|g| {
                let verdict_ok = match only {
                    Only::All => true,
                    Only::Conflicts => g.verdict == Verdict::Conflict,
                    Only::Agreements => g.verdict == Verdict::Agree,
                };
                verdict_ok && (category.is_empty() || category.contains(&g.category))
            });
            let format = if format == Format::Jsonl {
                Format::Json
            } else {
                format
            };
            let opts = options(&input, &rules);
            write_output(&input, |w| render(&report, Mode::Compare, format, opts, w))?;
            Ok(if fail_on_conflict && conflicts {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Check {
            paths,
            config,
            format,
            write_baseline,
            baseline,
            changed,
        } => {
            use claimdiff::check::{findings, load_inputs, Baseline, Config, Severity};
            if !config.is_file() {
                anyhow::bail!(
                    "{}: no such config file (create claimdiff.toml or pass --config)",
                    config.display()
                );
            }
            let cfg = Config::read(&config)?;
            let root = config
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf();
            let mut rules = load_rules(cfg.rules.as_ref().map(|r| root.join(r)).as_deref())?;
            for (cat, t) in &cfg.tolerance {
                if !rules.set_tolerance(cat, *t) {
                    anyhow::bail!("{}: tolerance.{cat}: no such category", config.display());
                }
            }
            let inputs = load_inputs(&root, &cfg, &rules)?;
            let mut found = findings(&inputs, &cfg, &rules);
            // --changed and PATHS limit the report to some files (relative to the config's folder)
            let rel = |p: &PathBuf| -> String {
                let abs = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
                let root_abs = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
                abs.strip_prefix(&root_abs)
                    .map(|r| r.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_else(|_| p.to_string_lossy().into_owned())
            };
            let limits: Vec<String> = changed.iter().chain(&paths).map(rel).collect();
            if !limits.is_empty() {
                found.retain(|f| {
                    limits.iter().any(|l| {
                        f.path == *l
                            || f.path.starts_with(&format!("{}/", l.trim_end_matches('/')))
                            || l.is_empty()
                    })
                });
            }
            if let Some(path) = write_baseline {
                let text = serde_json::to_string_pretty(&Baseline::of(&found))? + "\n";
                std::fs::write(&path, text)
                    .with_context(|| format!("{}: cannot write baseline", path.display()))?;
                eprintln!(
                    "claimdiff: wrote {} finding(s) to {}",
                    found.len(),
                    path.display()
                );
                return Ok(ExitCode::SUCCESS);
            }
            let baseline_path = baseline.or_else(|| cfg.baseline.as_ref().map(|b| root.join(b)));
            if let Some(b) = baseline_path.filter(|b| b.exists()) {
                found = Baseline::read(&b)?.filter(found);
            }
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            claimdiff::render::check::write(&found, format, &mut w)?;
            w.flush()?;
            Ok(if found.iter().any(|f| f.severity == Severity::Error) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Eval {
            gold,
            report,
            kind,
            format,
            verbose,
            thresholds,
            input,
        } => {
            let gold = claimdiff::eval::Gold::read(&gold)?;
            let reported = match &report {
                Some(path) => claimdiff::eval::Reported::read(path)?,
                None => {
                    let input = input.into_input();
                    let rules = load_rules(input.rules.as_deref())?;
                    claimdiff::eval::Reported::from(&compare_input(&input, &rules)?)
                }
            };
            let card = claimdiff::eval::score(&gold, &reported, kind);
            let short = thresholds.thresholds().shortfalls(&card.counts.figures());
            let opts = claimdiff::render::eval::EvalOptions {
                verbose,
                width: terminal_width(),
            };
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            claimdiff::render::eval::write(&card, &short, format, opts, &mut w)?;
            w.flush()?;
            Ok(if short.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Rules {
            action: RulesAction::Test { rules },
        } => {
            let rules = load_rules(rules.as_deref())?;
            let (n, failures) = claimdiff::ruletest::run(&rules);
            for f in &failures {
                eprintln!("FAIL {f}");
            }
            println!(
                "{} rule examples, {} passed, {} failed",
                n,
                n - failures.len(),
                failures.len()
            );
            Ok(if failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}
