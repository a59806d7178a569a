//! Micro-benchmarks of single render jobs on a synthetic site: one program
//! page (view, template, and minify as the build does), one budget chart,
//! and one chart of each other kind (money columns, total cost, indicator
//! series) over five years.
//!
//! ```sh
//! cargo bench --bench render
//! ```

use mieru::diag::Diagnostics;
use mieru::model::Model;
use mieru::render::Theme;
use mieru::synth::{write_mieru_site, SynthOptions};
use std::path::Path;
use std::sync::OnceLock;

fn main() {
    divan::main();
}

struct Site {
    _dir: tempfile::TempDir,
    model: Model,
    theme: Theme,
}

fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let theme_src = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let opts = SynthOptions {
            programs: 50,
            years: 5,
            seed: 1,
        };
        write_mieru_site(&opts, dir.path(), &theme_src).unwrap();
        let mut diags = Diagnostics::new();
        let raw = mieru::load::load(dir.path(), &mut diags);
        mieru::validate::validate(&raw, &mut diags);
        assert!(!diags.has_errors());
        let model = Model::build(&raw).unwrap();
        let theme = Theme::load(dir.path(), "default").unwrap_or_else(|_| panic!("theme"));
        Site {
            _dir: dir,
            model,
            theme,
        }
    })
}

#[divan::bench]
fn program_page() -> Vec<u8> {
    let s = site();
    mieru::render::render_program_page(&s.model, &s.theme, divan::black_box(7)).unwrap()
}

#[divan::bench]
fn program_page_minified() -> Vec<u8> {
    let s = site();
    let html = mieru::render::render_program_page(&s.model, &s.theme, divan::black_box(7)).unwrap();
    minify_html::minify(&html, &mieru::output::minify_cfg())
}

#[divan::bench]
fn program_chart() -> Vec<u8> {
    let s = site();
    mieru::render::render_program_chart(&s.model, &s.theme, divan::black_box(7)).unwrap()
}

fn money_fmt(n: i64) -> String {
    mieru::model::format::money(n, "千円")
}

fn label(i: i64) -> String {
    mieru::model::format::wareki_fiscal_year(2020 + i as i32)
}

#[divan::bench]
fn money_chart() -> String {
    use mieru::chart::{ColumnKind::*, MoneyColumn, MoneyYear};
    use mieru::model::value::SheetValue::Value;
    site();
    let years: Vec<MoneyYear> = (0..5)
        .map(|i| MoneyYear {
            label: label(i),
            columns: [
                Initial,
                Supplementary,
                CarriedOver,
                Transfer,
                Current,
                Settlement,
            ]
            .into_iter()
            .enumerate()
            .map(|(k, kind)| MoneyColumn {
                kind,
                value: Value((k as i64 - 1) * 1_234 + i * 100),
            })
            .collect(),
        })
        .collect();
    mieru::chart::money_chart("事業費の推移", "千円", divan::black_box(&years), money_fmt)
        .unwrap()
        .svg
}

#[divan::bench]
fn cost_chart() -> String {
    use mieru::model::value::SheetValue::Value;
    site();
    let years: Vec<mieru::chart::CostYear> = (0..5)
        .map(|i| mieru::chart::CostYear {
            label: label(i),
            program_cost: Value(3_000 + i * 250),
            staff_cost: Value(1_500),
            total: Value(4_500 + i * 250),
        })
        .collect();
    mieru::chart::cost_chart("トータルコスト", divan::black_box(&years), money_fmt)
        .unwrap()
        .svg
}

#[divan::bench]
fn series_chart() -> String {
    use mieru::model::value::{Measure::Number, SheetValue::Value};
    site();
    let points: Vec<mieru::chart::SeriesYear> = (0..5)
        .map(|i| mieru::chart::SeriesYear {
            year_label: label(i),
            target: Value(Number(20.0 + i as f64 * 2.5)),
            actual: Value(Number(18.0 + i as f64 * 2.0)),
            forecast: Value(Number(19.0 + i as f64 * 2.2)),
        })
        .collect();
    mieru::chart::series_chart("参加者数", "人", divan::black_box(&points))
        .unwrap()
        .svg
}
