//! Times `mieru import` on a generated 400-program × 6-year table workbook
//! (one row per program, 19 columns per year). Run with
//! `cargo run --release --example import_bench`; the target is under 2 s.

use rust_xlsxwriter::Workbook;
use std::time::Instant;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("content")).expect("content");
    // The example's site.toml: import reads into a site that has one.
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/site.toml"),
        root.join("content/site.toml"),
    )
    .expect("site.toml");
    let book = root.join("bench.xlsx");
    let years: Vec<i32> = (2019..2025).collect();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("一覧").expect("name");
    for (c, h) in ["コード", "事業名", "担当課", "予算科目", "開始年度"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    for r in 0..400u32 {
        let row = r + 1;
        ws.write_string(row, 0, format!("{:04}", r + 1))
            .expect("cell");
        ws.write_string(row, 1, format!("事業{}", r + 1))
            .expect("cell");
        ws.write_string(row, 2, "企画課").expect("cell");
        ws.write_string(row, 3, "一般会計 2-1-6-4\n一般会計 2-1-6-5")
            .expect("cell");
        ws.write_string(row, 4, "平成22年(2010)").expect("cell");
        for (i, _) in years.iter().enumerate() {
            let base = 5 + 19 * i as u16;
            ws.write_string(row, base, "１２，３４５").expect("cell");
            ws.write_number(row, base + 1, 12000.0 + f64::from(r))
                .expect("cell");
            ws.write_string(row, base + 2, "1,500").expect("cell");
            ws.write_string(row, base + 3, "29（4）").expect("cell");
            ws.write_string(row, base + 4, "△10").expect("cell");
            ws.write_string(row, base + 5, "説明会を開き、\n申請を受け付けた")
                .expect("cell");
            ws.write_string(row, base + 6, "―").expect("cell");
        }
    }
    wb.save(&book).expect("save");
    let mapping = root.join("mapping.toml");
    std::fs::write(
        &mapping,
        format!(
            "layout = \"table\"\n[columns]\ncode = \"A\"\nname = \"B\"\ndepartment = \"C\"\nbudget_lines = \"D\"\nstart_year = \"E\"\n[year_blocks]\nfirst = \"F\"\nstride = 19\nyears = {years:?}\n[year_blocks.fields]\n\"budget.amount\" = 0\n\"settlement.amount\" = 1\n\"staff.cost\" = 2\ntarget = 3\nresult = 4\nactivities = 5\n\"settlement.special_funding\" = 6\n"
        ),
    )
    .expect("mapping");
    let opts = mieru::import::Options {
        mapping,
        inputs: vec![book],
        root: root.to_path_buf(),
        dry_run: false,
        allow_errors: false,
    };
    let start = Instant::now();
    let out = match mieru::import::run(&opts) {
        Ok(o) => o,
        Err((d, _)) => {
            eprint!("{}", d.render(Default::default()));
            std::process::exit(1);
        }
    };
    let elapsed = start.elapsed();
    print!("{}", out.summary.table());
    println!(
        "import: {} files written in {:.3} s (target < 2 s)",
        out.written,
        elapsed.as_secs_f64()
    );
}
