//! `theopenmoney`: TheOpenMoney partner API from a terminal. The commands are generated from
//! the spec (`generated.rs`); this file and `runtime/` are the generic rest.

#[rustfmt::skip]
#[allow(clippy::all, rust_2018_idioms)]
mod generated;
mod runtime;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::Mutex;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use tracing_subscriber::layer::SubscriberExt;

use runtime::key::{self, Source};
use runtime::{Ctx, Failure, Format};

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  other failure (a server error whose outcome is known, a response larger than the
     sdk's limit, a page that contradicts the pages before it, output that cannot be written)
  2  usage: the command line is wrong
  3  validation: an input the sdk or the API rejected (the field is named)
  4  not found (404)
  5  conflict (409: not cancellable, idempotency key reused with another request)
  6  auth: no API key, or the API answered 401 / 403
  7  rate limited (429) after the retries
  8  unknown outcome: a create or cancel may have taken effect; the command to resume it
     with the same Idempotency-Key is printed
  9  transport: no answer (connect failure, timeout, the call's deadline passed) or one
     that is not the API's JSON
 10  a wait ended on a failure status (cancelled, expired, failed)
 11  a wait timed out

The API key comes from THEOPENMONEY_API_KEY, --api-key-file PATH or --api-key-stdin, never
from a flag. THEOPENMONEY_BASE_URL or --base-url points at the sandbox or staging.
Colours only on a terminal, never with NO_COLOR.";

fn command() -> Command {
    Command::new("theopenmoney")
        .version(env!("CARGO_PKG_VERSION"))
        .about("TheOpenMoney partner API from a terminal: Telegram Stars and Premium paid in TON")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .after_long_help(EXIT_CODES)
        // Every command's own arguments come first in its help; these follow under their heading.
        .next_help_heading("Global options")
        .arg(
            Arg::new("output")
                .long("output")
                .short('o')
                .global(true)
                .value_name("FORMAT")
                .value_parser(value_parser!(Format))
                .default_value("table")
                .help("table for people; json (the response's data) or ndjson (one item a line) for scripts"),
        )
        .arg(
            Arg::new("base-url")
                .long("base-url")
                .global(true)
                .env(theopenmoney::BASE_URL_ENV)
                .value_name("URL")
                .help("The API's base URL, e.g. a local sandbox's"),
        )
        .arg(
            Arg::new("api-key-file")
                .long("api-key-file")
                .global(true)
                .value_name("PATH")
                .value_parser(value_parser!(PathBuf))
                .help("Read the API key from this file (instead of THEOPENMONEY_API_KEY)"),
        )
        .arg(
            Arg::new("api-key-stdin")
                .long("api-key-stdin")
                .global(true)
                .action(ArgAction::SetTrue)
                .conflicts_with("api-key-file")
                .help("Read the API key from stdin"),
        )
        .arg(
            Arg::new("verbose")
                .long("verbose")
                .short('v')
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Print each attempt on stderr: method, path, attempt number, status, and whether the API replayed it"),
        )
        .arg(
            Arg::new("qr")
                .long("qr")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("With an order to pay: draw the TON transfer link as a QR code"),
        )
        .subcommands(generated::groups())
        .subcommand(
            Command::new("completions")
                .about("Print a shell completion script")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(value_parser!(clap_complete::Shell)),
                ),
        )
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().collect();
    let matches = command().get_matches();
    if let Some(("completions", m)) = matches.subcommand() {
        let shell = *m
            .get_one::<clap_complete::Shell>("shell")
            .expect("required");
        clap_complete::generate(
            shell,
            &mut command(),
            "theopenmoney",
            &mut std::io::stdout(),
        );
        return ExitCode::SUCCESS;
    }
    match run(&matches, argv) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let mut err = anstream::stderr().lock();
            if !failure.message.is_empty() {
                let red = anstyle::Style::new()
                    .bold()
                    .fg_color(Some(anstyle::AnsiColor::Red.into()));
                // The message may quote the server's text: no control character passes.
                let message = runtime::output::for_terminal(&failure.message);
                let _ = writeln!(err, "{red}error:{red:#} {message}");
            }
            if let Some(hint) = &failure.hint {
                for line in hint.lines() {
                    let _ = writeln!(err, "{}", runtime::output::for_terminal(line));
                }
            }
            failure.exit_code()
        }
    }
}

fn run(matches: &ArgMatches, argv: Vec<String>) -> Result<(), Failure> {
    let source = if matches.get_flag("api-key-stdin") {
        Source::Stdin
    } else if let Some(path) = matches.get_one::<PathBuf>("api-key-file") {
        Source::File(path)
    } else {
        Source::Env
    };
    let polled = Arc::new(Mutex::new(runtime::trace::Polled::default()));
    let layer = runtime::trace::Attempts {
        verbose: matches.get_flag("verbose"),
        polled: Arc::clone(&polled),
        routes: generated::ROUTES,
    };
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer));

    let (group, sub) = matches.subcommand().expect("a subcommand is required");
    let (command, m) = match sub.subcommand() {
        Some((name, m)) => (name, m),
        None => ("", sub),
    };
    let ctx = Ctx {
        base_url: m.get_one::<String>("base-url").cloned(),
        api_key: key::read(source)?,
        format: *m.get_one::<Format>("output").unwrap_or(&Format::Table),
        qr: m.get_flag("qr"),
        argv,
        polled,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(runtime::Class::Other, format!("starting: {e}")))?;
    runtime.block_on(generated::run(&ctx, group, command, m))
}
