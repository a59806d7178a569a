//! The `mieru` command: parses arguments and reports; the work is in the library.

use clap::{Parser, Subcommand};
use mieru::diag::MessageFormat;
use mieru::{BuildError, BuildOptions};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// A build allocates and frees many small strings and values from both
/// threads at once; mimalloc does that with far less contention and
/// fragmentation than the system allocator (see docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "mieru",
    version,
    about = "行政評価シートから公開サイトを作ります / builds a transparency website from administrative-evaluation sheets"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// サイトを生成します / build the site into the output folder
    Build {
        /// Site root (holds content/ and themes/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder (default: ROOT/output)
        #[arg(long)]
        output: Option<PathBuf>,
        /// Replace an output folder that mieru did not write
        #[arg(long)]
        force: bool,
        /// How problems are printed
        #[arg(long, value_enum, default_value_t)]
        message_format: MessageFormat,
        /// Treat warnings as errors
        #[arg(long)]
        deny_warnings: bool,
        /// Print nothing but problems
        #[arg(long, short)]
        quiet: bool,
        /// Print the time of each stage and of each kind of render job
        #[arg(long)]
        timings: bool,
    },
    /// データとテンプレートを検査します（書き込みなし） / check content and templates without writing
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        message_format: MessageFormat,
        #[arg(long)]
        deny_warnings: bool,
    },
    /// 編集しながらブラウザで確認します（保存するたびに再生成） / preview the site while editing, rebuilt on every change
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port on 127.0.0.1 (0: any free port)
        #[arg(long, default_value_t = mieru::serve::DEFAULT_PORT)]
        port: u16,
        /// Open the preview in the browser
        #[arg(long)]
        open: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            force,
            message_format,
            deny_warnings,
            quiet,
            timings,
        } => {
            let opts = BuildOptions {
                root,
                output,
                force,
                deny_warnings,
            };
            let progress = (!quiet && std::io::stdout().is_terminal()).then(|| {
                let bar = indicatif::ProgressBar::new_spinner();
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
                );
                bar.set_message("サイトを生成しています / building");
                bar.enable_steady_tick(std::time::Duration::from_millis(120));
                bar
            });
            let result = mieru::build(&opts);
            if let Some(bar) = progress {
                bar.finish_and_clear();
            }
            match result {
                Ok(report) => {
                    eprint!("{}", report.warnings.render(message_format));
                    if timings {
                        eprint!("{}", report.timings.table());
                    }
                    if !quiet {
                        println!(
                            "{} ページ・{} グラフを {} に出力しました（{} ファイル、{:.1} KB、{:.2} 秒） / built {} pages and {} charts in {:.2} s",
                            report.pages,
                            report.charts,
                            report.output.display(),
                            report.files,
                            report.bytes as f64 / 1024.0,
                            report.elapsed.as_secs_f64(),
                            report.pages,
                            report.charts,
                            report.elapsed.as_secs_f64()
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(BuildError::Content(d)) => {
                    eprint!("{}", d.render(message_format));
                    if !d.has_errors() {
                        eprintln!("{DENIED}");
                    }
                    eprintln!("出力は変更していません / the output was left unchanged");
                    ExitCode::from(1)
                }
                Err(BuildError::Output(e)) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Check {
            root,
            message_format,
            deny_warnings,
        } => match check_only(&root, message_format, deny_warnings) {
            Ok(()) => ExitCode::SUCCESS,
            Err(code) => code,
        },
        Command::Serve { root, port, open } => match mieru::serve::run(&root, port, open) {
            Ok(()) => ExitCode::SUCCESS,
            Err(d) => {
                eprint!("{}", d.render(MessageFormat::Human));
                ExitCode::from(2)
            }
        },
    }
}

const DENIED: &str = "警告があるため失敗としました / failing because of warnings (--deny-warnings)";

fn check_only(
    root: &std::path::Path,
    format: MessageFormat,
    deny_warnings: bool,
) -> Result<(), ExitCode> {
    match mieru::verify(root) {
        Ok(r) => {
            eprint!("{}", r.warnings.render(format));
            if deny_warnings && !r.warnings.is_empty() {
                eprintln!("{DENIED}");
                return Err(ExitCode::from(1));
            }
            println!(
                "問題ありません：{} ページ・{} グラフ / ok: {} pages, {} charts",
                r.pages(),
                r.charts(),
                r.pages(),
                r.charts()
            );
            Ok(())
        }
        Err(d) => {
            eprint!("{}", d.render(format));
            Err(ExitCode::from(1))
        }
    }
}
