//! Micro-benchmarks of single render jobs on a synthetic site: one program
//! page (view, template, and minify as the build does) and one budget chart.
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
