//! The `policy-lens` command line: `analyze` policy files, `eval` the analyzer on the corpus.
//!
//! Arguments are parsed by hand (no clap) to keep the build small and fast.

mod analyze;
mod eval;
mod labels;
mod par;

use std::process::ExitCode;

const HELP: &str = "\
policy-lens: what a privacy policy says about sharing, Do Not Track, minimum age and contact

USAGE:
    policy-lens analyze [--json] [--jobs N] FILE|DIR|- ...
    policy-lens blocks [--json] FILE
    policy-lens eval [--corpus DIR] [--gold-only] [--disagreements N|all] [--check] [--json]
                     [--seeds] [--corrections FILE] [--jobs N]

COMMANDS:
    analyze   Analyze each FILE (.txt, .md, .html … in UTF-8, UTF-16 with BOM or Windows-1252),
              every .txt/.md/.markdown/.html/.htm file under each DIR, or standard input (-).
              Prints a readable summary per file, or with --json one report per line (JSON
              Lines) with an added \"file\" key.
    blocks    Print the blocks the analyzer reads from FILE (kind, text, link targets), to see
              what HTML parsing kept; --json prints the Document as JSON.
    eval      Score the analyzer against ../shared/corpus: hand-checked gold (devgold.jsonl),
              the folders' silver labels (raw and with eval/silver-corrections.jsonl applied)
              and the seed expectations; then list disagreements with their evidence.

OPTIONS:
    --json                 analyze: JSON Lines; eval: scores as one JSON object
    -j, --jobs N           worker threads (default: the number of cores)
    --corpus DIR           eval: the corpus folder (default: $POLICY_LENS_CORPUS, else
                           shared/corpus beside the current directory or the executable)
    --gold-only            eval: only the devgold documents
    --disagreements N|all  eval: how many disagreements to list (default 40)
    --check                eval: exit 1 when a bar is missed or a seed expectation fails
    --seeds                eval: only print the seed expectations, pass or fail
    --corrections FILE     eval: silver corrections (default: eval/silver-corrections.jsonl)
    -h, --help             this text
    -V, --version          the version

EXIT STATUS: 0 success, 1 some file failed (analyze) or a bar was missed (eval --check),
2 usage error.
";

/// A usage error: printed with a hint, exit status 2.
pub struct Usage(pub String);

fn main() -> ExitCode {
    par::install_panic_hook();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None => Err(Usage("no command given".into())),
        Some("-h" | "--help" | "help") => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Some("-V" | "--version") => {
            println!("policy-lens {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Some("analyze") => analyze::run(&args[1..]),
        Some("eval") => eval::run(&args[1..]),
        Some("blocks") => analyze::blocks(&args[1..]),
        Some(other) => Err(Usage(format!("unknown command {other:?}"))),
    };
    match result {
        Ok(code) => code,
        Err(Usage(msg)) => {
            eprintln!("policy-lens: {msg}\nTry 'policy-lens --help'.");
            ExitCode::from(2)
        }
    }
}

/// Reads the value of an option given as `--name VALUE` or `--name=VALUE`.
pub fn option_value(
    args: &[String],
    i: &mut usize,
    name: &str,
    inline: Option<&str>,
) -> Result<String, Usage> {
    if let Some(v) = inline {
        return Ok(v.to_string());
    }
    *i += 1;
    args.get(*i)
        .cloned()
        .ok_or_else(|| Usage(format!("{name} needs a value")))
}

/// Splits `--name=value` into its parts.
pub fn split_option(arg: &str) -> (&str, Option<&str>) {
    match arg.split_once('=') {
        Some((n, v)) if n.starts_with("--") => (n, Some(v)),
        _ => (arg, None),
    }
}

/// Parses a `--jobs` value.
pub fn parse_jobs(v: &str) -> Result<usize, Usage> {
    match v.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(Usage(format!("--jobs needs a positive number, not {v:?}"))),
    }
}
