//! The `mieru` command: parses arguments and reports; the work is in the library.

use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};
use mieru::diag::{Diagnostics, MessageFormat};
use mieru::{BuildError, BuildOptions};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
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
        /// サイトのフォルダ（content/ がある所） / site root (holds content/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 出力先（既定は ROOT/output） / output folder (default: ROOT/output)
        #[arg(long)]
        output: Option<PathBuf>,
        /// mieru が書いたのでない出力先も置き換えます / replace an output folder that mieru did not write
        #[arg(long)]
        force: bool,
        /// site.toml の base_url の代わりに使う公開URL（プレビュー用） / use this in place of site.toml's base_url (a preview deploy)
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// 問題の表示形式 / how problems are printed
        #[arg(long, value_enum, default_value_t)]
        message_format: MessageFormat,
        /// 警告も失敗とします / treat warnings as errors
        #[arg(long)]
        deny_warnings: bool,
        /// 問題のほかは何も表示しません / print nothing but problems
        #[arg(long, short)]
        quiet: bool,
        /// 段階ごと・ジョブの種類ごとの時間を表示します / print the time of each stage and of each kind of render job
        #[arg(long)]
        timings: bool,
    },
    /// データとテンプレートを検査します（書き込みなし） / check content and templates without writing
    Check {
        /// サイトのフォルダ（content/ がある所） / site root (holds content/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// site.toml の base_url の代わりに使う公開URL / use this in place of site.toml's base_url
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// 問題の表示形式 / how problems are printed
        #[arg(long, value_enum, default_value_t)]
        message_format: MessageFormat,
        /// 警告も失敗とします / treat warnings as errors
        #[arg(long)]
        deny_warnings: bool,
    },
    /// 編集しながらブラウザで確認します（保存するたびに再生成） / preview the site while editing, rebuilt on every change
    Serve {
        /// サイトのフォルダ / site root
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 127.0.0.1 のポート番号（0 は空いている番号） / port on 127.0.0.1 (0: any free port)
        #[arg(long, default_value_t = mieru::serve::DEFAULT_PORT)]
        port: u16,
        /// ブラウザで開きます / open the preview in the browser
        #[arg(long)]
        open: bool,
    },
    /// 新しいサイトを作ります（すぐに生成できるひな形） / start a new site that builds at once
    Init {
        /// 作るフォルダ（空であること、既定は今のフォルダ） / folder to create (must be empty; default: the current folder)
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// シートの様式 / the sheet form
        #[arg(long, default_value = "default")]
        form: String,
        /// 市の名前（site.toml の city） / the city's name (city in site.toml)
        #[arg(long, value_name = "市名")]
        city: Option<String>,
        /// 評価年度（西暦、既定は今の年度） / evaluation year (default: the current fiscal year)
        #[arg(long)]
        year: Option<i64>,
    },
    /// 新しい年度や事業のファイルを作ります / start a new year or a new program
    #[command(subcommand)]
    New(NewCommand),
    /// テーマを扱います / work with themes
    #[command(subcommand)]
    Theme(ThemeCommand),
    /// 表計算のファイル（Excel・CSV）から content/ を作ります / import spreadsheets (Excel, CSV) into content/
    Import {
        /// 対応表（どのセルがどの項目か、TOML）。mieru の CSV（data/programs.csv）は `mieru-csv`（サイトの様式に合わせた対応表） / the mapping file (which cell is which field); `mieru-csv` for mieru's own CSV, made for the site's form
        mapping: PathBuf,
        /// 取り込むファイル（.xlsx .xlsm .xls .ods .csv、既定は対応表の input） / workbooks to read (default: the mapping's input)
        #[arg(long, num_args = 1..)]
        input: Vec<PathBuf>,
        /// サイトのフォルダ（content/ を書く所） / site root (content/ is written there)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 読むだけで書きません / read and report, write nothing
        #[arg(long)]
        dry_run: bool,
        /// 読めない値があっても書きます（その値は未記入） / write even with unreadable cells (left blank)
        #[arg(long)]
        allow_errors: bool,
        /// セルごとにどの項目になったかを表示します / list which cell went to which field
        #[arg(long)]
        cells: bool,
        /// 問題の表示形式 / how problems are printed
        #[arg(long, value_enum, default_value_t)]
        message_format: MessageFormat,
    },
    /// エディタ用の JSON Schema を ROOT/schema/ に書きます / write JSON Schemas for editors into ROOT/schema/
    Schema {
        /// サイトのフォルダ / site root
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Subcommand)]
enum NewCommand {
    /// 次の評価年度を始めます（site.toml の年度を進め、継続事業の年度ファイルを作る） / start the next evaluation year
    Year {
        /// 新しい評価年度（今の evaluation_year + 1 であること） / the new evaluation year (evaluation_year + 1)
        year: Option<i64>,
        /// サイトのフォルダ / site root
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// 新しい事業のファイルを作ります / start a new program
    Program {
        /// 事業のフォルダ名（英小文字・数字・ハイフン） / the program's folder name (a-z, 0-9, -)
        slug: String,
        /// 施策（content/policies/ のファイル名） / the policy (file name in content/policies/)
        #[arg(long)]
        policy: String,
        /// 施策の方向の id / the id of one of the policy's directions
        #[arg(long)]
        direction: String,
        /// 事業名（必須） / the program's name (required)
        #[arg(long, value_name = "事業名")]
        name: String,
        /// 担当課（必須） / the department (required)
        #[arg(long, value_name = "課名")]
        department: String,
        /// サイトのフォルダ / site root
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Subcommand)]
enum ThemeCommand {
    /// 組み込みのテーマを ROOT/themes/NAME に書き出します（編集用） / write the built-in theme into ROOT/themes/NAME for editing
    Eject {
        /// 書き出すテーマ名（既定は default） / the theme's name (default: default)
        #[arg(default_value = "default")]
        name: String,
        /// サイトのフォルダ / site root
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

/// The help of every command in Japanese first: clap's own headings,
/// `--help`, `--version` and the `help` subcommand are English only.
fn localize(cmd: clap::Command, top: bool) -> clap::Command {
    let mut cmd = cmd
        .help_template("{about-with-newline}\n使い方 / Usage: {usage}\n\n{all-args}{after-help}")
        .subcommand_help_heading("コマンド / Commands")
        .next_help_heading("オプション / Options")
        .disable_help_subcommand(true)
        .mut_args(|a| match (a.get_help_heading(), a.is_positional()) {
            (Some(_), _) => a,
            (None, true) => a.help_heading("引数 / Arguments"),
            (None, false) => a.help_heading("オプション / Options"),
        })
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("ヘルプを表示します / print help"),
        );
    if top {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("版を表示します / print version"),
        );
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, |s| localize(s, false));
    }
    cmd
}

fn parse() -> Cli {
    let cmd = localize(Cli::command(), true);
    let parsed = cmd
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    match parsed {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if !matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                eprintln!("コマンドの指定に誤りがあります（mieru --help で使い方を表示） / invalid command line");
            }
            e.exit()
        }
    }
}

/// Prints what a scaffolding command wrote, or its problems.
fn report_written(result: Result<Vec<String>, Diagnostics>) -> ExitCode {
    match result {
        Ok(lines) => {
            for l in lines {
                println!("{l}");
            }
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprint!("{}", d.render(MessageFormat::Human));
            eprintln!("何も書き込んでいません / nothing was written");
            ExitCode::from(1)
        }
    }
}

/// "作成しました / wrote" lines for `files` (site-relative).
fn wrote(files: Vec<PathBuf>) -> Vec<String> {
    files
        .iter()
        .map(|f| format!("作成しました / wrote: {}", f.display()))
        .collect()
}

fn main() -> ExitCode {
    let cli = parse();
    match cli.command {
        Command::Build {
            root,
            output,
            force,
            base_url,
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
                base_url,
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
        Command::Import {
            mapping,
            input,
            root,
            dry_run,
            allow_errors,
            cells,
            message_format,
        } => import(
            &mieru::import::Options {
                mapping,
                inputs: input,
                root,
                dry_run,
                allow_errors,
            },
            cells,
            message_format,
        ),
        Command::Check {
            root,
            base_url,
            message_format,
            deny_warnings,
        } => match check_only(&root, base_url.as_deref(), message_format, deny_warnings) {
            Ok(()) => ExitCode::SUCCESS,
            Err(code) => code,
        },
        Command::Init {
            dir,
            form,
            city,
            year,
        } => report_written(
            mieru::scaffold::init(&dir, &form, city.as_deref(), year).map(|files| {
                let mut lines = wrote(files);
                lines.push(format!(
                    "サイトを作りました。{} で mieru build を実行してください / site created: run mieru build in {}",
                    dir.display(),
                    dir.display()
                ));
                lines
            }),
        ),
        Command::New(NewCommand::Year { year, root }) => {
            report_written(mieru::scaffold::new_year(&root, year).map(|r| r.lines()))
        }
        Command::New(NewCommand::Program {
            slug,
            policy,
            direction,
            name,
            department,
            root,
        }) => report_written(
            mieru::scaffold::new_program(
                &root,
                &mieru::scaffold::NewProgram {
                    slug,
                    policy,
                    direction,
                    name,
                    department,
                },
            )
            .map(wrote),
        ),
        Command::Theme(ThemeCommand::Eject { name, root }) => {
            report_written(mieru::render::theme::eject(&root, &name).map(wrote))
        }
        Command::Schema { root } => report_written(mieru::schema::write(&root).map(wrote)),
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
    root: &Path,
    base_url: Option<&str>,
    format: MessageFormat,
    deny_warnings: bool,
) -> Result<(), ExitCode> {
    match mieru::verify_with_base_url(root, base_url) {
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

/// `mieru import`: the report on stdout, problems on stderr.
fn import(opts: &mieru::import::Options, cells: bool, format: MessageFormat) -> ExitCode {
    let show = |o: &mieru::import::Outcome| {
        if cells {
            print!("{}", o.cells());
        }
        print!("{}", o.summary.table());
    };
    match mieru::import::run(opts) {
        Ok(o) => {
            show(&o);
            eprint!("{}", o.diagnostics.render(format));
            if opts.dry_run {
                println!(
                    "書き込みはしていません（--dry-run）：{} ファイル / dry run: {} file(s) would be written",
                    o.check.changed.len(),
                    o.check.changed.len()
                );
            } else {
                println!(
                    "{} ファイルを書きました（変更なし {}） / wrote {} file(s), {} unchanged",
                    o.written,
                    o.check.same.len(),
                    o.written,
                    o.check.same.len()
                );
            }
            ExitCode::SUCCESS
        }
        Err((d, o)) => {
            if let Some(o) = &o {
                show(o);
            }
            eprint!("{}", d.render(format));
            eprintln!("何も書いていません / nothing was written");
            ExitCode::from(1)
        }
    }
}
