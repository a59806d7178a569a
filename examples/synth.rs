//! Writes a synthetic mieru site (and the equivalent Hugo site in
//! `OUT/hugo`) for benchmarks:
//!
//! ```sh
//! cargo run --release --example synth -- --programs 5000 --years 5 --seed 1 --out /tmp/site
//! ```

use clap::Parser;
use mieru::synth::{write_both, SynthOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(about = "合成データのサイトを作ります / writes a synthetic site for benchmarks")]
struct Args {
    /// Number of programs (事業)
    #[arg(long, default_value_t = 500)]
    programs: usize,
    /// Number of sheet years, ending at the evaluation year
    #[arg(long, default_value_t = 5)]
    years: usize,
    /// Seed: the same seed writes the same site
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Site root to write (must not hold content/ yet)
    #[arg(long)]
    out: PathBuf,
    /// Theme to copy into the site
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default"))]
    theme: PathBuf,
}

fn main() -> ExitCode {
    let a = Args::parse();
    let opts = SynthOptions {
        programs: a.programs,
        years: a.years,
        seed: a.seed,
    };
    match write_both(&opts, &a.out, &a.theme) {
        Ok(s) => {
            println!(
                "{} 施策・{} 事業（{} ファイル、約 {} ページ）を {} に書きました / wrote {} policies, {} programs",
                s.policies,
                s.programs,
                s.files,
                s.pages,
                a.out.display(),
                s.policies,
                s.programs
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
