//! Synthetic sites for measuring mieru: a complete site root (content/ and a
//! copy of a theme) with realistic evaluation sheets, and the equivalent
//! Hugo site, both derived from one seed number so that a benchmark run can
//! be repeated exactly.
//!
//! The content follows the shape of a real city's sheets: policies (施策)
//! grouped under outlines (施策の大綱) with their directions (施策の方向),
//! programs (事業) with a department, Japanese texts of the lengths found on
//! real sheets, several indicators, funding breakdowns, staff costs, and every
//! state a value can be in: a value, "—" (the program did not exist yet) and
//! blank (not filled in).
//!
//! This module is public so that the `synth` example, the benchmarks and the
//! tests share one generator; it is not part of building a site.

mod text;

use rayon::prelude::*;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct SynthOptions {
    /// Number of programs (事業).
    pub programs: usize,
    /// Number of fiscal years with a sheet, ending at the evaluation year.
    pub years: usize,
    /// Everything generated is a function of this number.
    pub seed: u64,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            programs: 50,
            years: 5,
            seed: 1,
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Copy, Default)]
pub struct SynthSummary {
    pub policies: usize,
    pub programs: usize,
    /// Content files written for mieru.
    pub files: usize,
    /// Pages each generator is expected to produce: the front page, one per
    /// policy, one per program and one per program and sheet year.
    pub pages: usize,
}

/// The fiscal year the synthetic sheets are evaluated in (令和3年度).
pub const EVALUATION_YEAR: i32 = 2021;

/// Programs per policy, about what cities have.
const PROGRAMS_PER_POLICY: usize = 10;

/// A small, fast, well-mixed generator (SplitMix64). Each policy and program
/// gets its own stream derived from the seed, so the output does not depend
/// on the order in which threads write files.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64, stream: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        r.0 ^= r.next_u64() ^ index.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        r.next_u64();
        r
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as usize % n.max(1)
    }
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const STREAM_POLICY: u64 = 1;
const STREAM_PROGRAM: u64 = 2;

// ---- the generated data, shared by both writers -------------------------

/// A sheet value as the generator decides it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<T> {
    Value(T),
    /// 「—」
    NotApplicable,
    /// 未記入
    Blank,
}

#[derive(Debug, Clone)]
pub struct SynthPolicy {
    pub slug: String,
    pub name: String,
    pub outline: String,
    pub objective: String,
    pub code: String,
    pub order: usize,
    pub directions: Vec<(String, String)>,
    pub indicators: Vec<SynthPolicyIndicator>,
    pub council_opinion: Cell<String>,
    pub achievement: Cell<String>,
}

#[derive(Debug, Clone)]
pub struct SynthPolicyIndicator {
    pub name: String,
    pub kind: String,
    pub concept: String,
    pub direction: String,
    pub unit: String,
    pub baseline: (i32, f64),
    pub target: (i32, f64),
    pub actuals: Vec<(i32, Cell<f64>)>,
}

#[derive(Debug, Clone)]
pub struct SynthProgram {
    pub slug: String,
    pub name: String,
    pub department: String,
    pub related: Vec<String>,
    pub purpose: Cell<String>,
    pub policy: usize,
    pub direction: String,
    pub code: String,
    pub budget_line: (usize, usize, usize, usize),
    /// (id, kind, name, unit, notes)
    pub indicators: Vec<(String, String, String, String, Vec<String>)>,
    pub years: Vec<SynthYear>,
}

#[derive(Debug, Clone)]
pub struct SynthMoney {
    pub amount: Cell<i64>,
    pub special: Cell<i64>,
    /// national, prefectural, bonds, other, general
    pub funding: Option<[i64; 5]>,
}

#[derive(Debug, Clone)]
pub struct SynthYear {
    pub year: i32,
    pub budget: SynthMoney,
    pub settlement: SynthMoney,
    pub target: Cell<String>,
    pub result: Cell<String>,
    pub activities: Cell<String>,
    /// Second indicator: (id, target, result)
    pub extra: Vec<(String, Cell<String>, Cell<String>)>,
    pub staff: Option<(f64, i64)>,
    pub evaluation: Cell<String>,
    pub analysis: Cell<String>,
    pub rating: Option<String>,
    pub action_policy: Cell<String>,
    pub decision: Option<String>,
}

const RATINGS: [&str; 4] = ["A", "B", "C", "D"];
const DECISIONS: [&str; 7] = [
    "拡充",
    "現状維持",
    "改善",
    "縮小",
    "統合",
    "廃止・休止",
    "完了",
];
const KINDS: [&str; 2] = ["活動指標", "成果指標"];

fn policy_count(programs: usize) -> usize {
    programs.div_ceil(PROGRAMS_PER_POLICY).max(1)
}

fn policy_slug(j: usize) -> String {
    format!("s{:05}", j + 1)
}

fn program_slug(i: usize) -> String {
    format!("p{:06}", i + 1)
}

/// Sheet years: the evaluation year and the ones before it.
fn sheet_years(opts: &SynthOptions) -> Vec<i32> {
    let n = opts.years.max(1) as i32;
    (EVALUATION_YEAR - n + 1..=EVALUATION_YEAR).collect()
}

fn cell_text(rng: &mut Rng, min: usize, max: usize, blank: f64) -> Cell<String> {
    if rng.chance(blank) {
        Cell::Blank
    } else {
        Cell::Value(text::sentence(rng, min, max))
    }
}

/// The policy `j`, the same whoever asks.
pub fn policy(opts: &SynthOptions, j: usize) -> SynthPolicy {
    let mut rng = Rng::new(opts.seed, STREAM_POLICY, j as u64);
    let outlines = text::OUTLINES.len();
    // Policies come in blocks per outline, as in a plan's table of contents.
    let n = policy_count(opts.programs);
    let outline = (j * outlines / n).min(outlines - 1);
    let ndirs = 2 + rng.below(3);
    let directions = (0..ndirs)
        .map(|d| (format!("d{}", d + 1), text::direction_name(&mut rng)))
        .collect();
    let nind = 1 + rng.below(2);
    let indicators = (0..nind)
        .map(|_| {
            let base = rng.range(50, 600) as f64 / 10.0;
            let target = (base + rng.range(20, 100) as f64 / 10.0).min(100.0);
            let actuals = (0..rng.below(3))
                .map(|k| {
                    let y = EVALUATION_YEAR - 2 + k as i32;
                    let v = if rng.chance(0.15) {
                        Cell::Blank
                    } else {
                        Cell::Value(
                            ((base + rng.range(-30, 80) as f64 / 10.0) * 10.0).round() / 10.0,
                        )
                    };
                    (y, v)
                })
                .collect();
            SynthPolicyIndicator {
                name: text::indicator_name(&mut rng),
                kind: rng.pick(&KINDS).to_string(),
                concept: text::sentence(&mut rng, 25, 45),
                direction: text::sentence(&mut rng, 25, 50),
                unit: "%".into(),
                baseline: (EVALUATION_YEAR - 4, base),
                target: (EVALUATION_YEAR + 1, target),
                actuals,
            }
        })
        .collect();
    SynthPolicy {
        slug: policy_slug(j),
        name: text::policy_name(&mut rng),
        outline: text::OUTLINES[outline].to_string(),
        objective: text::sentence(&mut rng, 18, 40),
        code: format!(
            "{:02}-{:02}-{:02}",
            outline + 1,
            j % 100 + 1,
            rng.below(9) + 1
        ),
        order: j + 1,
        directions,
        indicators,
        council_opinion: cell_text(&mut rng, 30, 80, 0.1),
        achievement: cell_text(&mut rng, 20, 60, 0.5),
    }
}

fn money_value(rng: &mut Rng, amount: i64, with_funding: bool) -> SynthMoney {
    if with_funding {
        let national = amount * rng.range(0, 40) / 100;
        let prefectural = amount * rng.range(0, 20) / 100;
        let bonds = if rng.chance(0.2) {
            amount * rng.range(0, 20) / 100
        } else {
            0
        };
        let other = amount * rng.range(0, 10) / 100;
        let general = amount - national - prefectural - bonds - other;
        SynthMoney {
            amount: Cell::Value(amount),
            special: Cell::Value(national + prefectural + bonds + other),
            funding: Some([national, prefectural, bonds, other, general]),
        }
    } else {
        SynthMoney {
            amount: Cell::Value(amount),
            special: Cell::Value(amount * rng.range(0, 50) / 100),
            funding: None,
        }
    }
}

fn money_state(state: Cell<()>) -> SynthMoney {
    let c = match state {
        Cell::NotApplicable => Cell::NotApplicable,
        _ => Cell::Blank,
    };
    SynthMoney {
        amount: c.clone(),
        special: c,
        funding: None,
    }
}

fn measure(rng: &mut Rng, unit: &str, textual: bool) -> String {
    if textual {
        rng.pick(&["協定締結", "未締結", "計画策定", "調査実施", "一部実施"])
            .to_string()
    } else if unit == "%" {
        format!("{}", rng.range(100, 1000) as f64 / 10.0)
    } else {
        format!("{}", rng.range(1, 3000))
    }
}

/// The program `i`, the same whoever asks.
pub fn program(opts: &SynthOptions, i: usize) -> SynthProgram {
    let mut rng = Rng::new(opts.seed, STREAM_PROGRAM, i as u64);
    let n = opts.programs.max(1);
    let policy_index = i * policy_count(opts.programs) / n;
    let pol = policy(opts, policy_index);
    let direction = rng.pick(&pol.directions).0.clone();
    let years = sheet_years(opts);
    // One program in five started after the first sheet year: its earlier
    // years are "—", as on a real sheet.
    let start = if rng.chance(0.2) && years.len() > 1 {
        years[1 + rng.below(years.len() - 1)]
    } else {
        years[0] - rng.range(0, 10) as i32
    };
    let main_unit = rng.pick(&["%", "件", "人", "回", "-"]).to_string();
    let textual = main_unit == "-";
    let nind = 1 + rng.below(3);
    let indicators: Vec<_> = (0..nind)
        .map(|k| {
            let unit = if k == 0 {
                main_unit.clone()
            } else {
                rng.pick(&["件", "人", "回", "%"]).to_string()
            };
            let notes = if rng.chance(0.3) {
                vec![format!("※{}", text::sentence(&mut rng, 20, 45))]
            } else {
                vec![]
            };
            (
                if k == 0 {
                    "main".to_string()
                } else {
                    format!("i{}", k + 1)
                },
                KINDS[usize::from(k == 0)].to_string(),
                text::indicator_name(&mut rng),
                unit,
                notes,
            )
        })
        .collect();
    let with_funding = rng.chance(0.3);
    let with_staff = rng.chance(0.5);
    let scale = rng.range(1, 400) * 100;
    let mut sheet: Vec<SynthYear> = years
        .iter()
        .map(|&y| {
            let started = y >= start;
            let is_eval = y == EVALUATION_YEAR;
            let amount = scale + rng.range(-scale / 5, scale / 5);
            let budget = if !started {
                money_state(Cell::NotApplicable)
            } else if rng.chance(0.03) {
                money_state(Cell::Blank)
            } else {
                money_value(&mut rng, amount, with_funding)
            };
            let settlement = if !started {
                money_state(Cell::NotApplicable)
            } else if is_eval || rng.chance(0.03) {
                money_state(Cell::Blank)
            } else {
                let spent = amount * rng.range(70, 100) / 100;
                money_value(&mut rng, spent, with_funding)
            };
            let na = |started: bool, c: Cell<String>| if started { c } else { Cell::NotApplicable };
            let target = na(started, Cell::Value(measure(&mut rng, &main_unit, textual)));
            let result = if is_eval {
                Cell::Blank
            } else {
                na(started, Cell::Value(measure(&mut rng, &main_unit, textual)))
            };
            let extra = indicators
                .iter()
                .skip(1)
                .map(|(id, _, _, unit, _)| {
                    (
                        id.clone(),
                        na(started, Cell::Value(measure(&mut rng, unit, false))),
                        if is_eval {
                            Cell::Blank
                        } else {
                            na(started, Cell::Value(measure(&mut rng, unit, false)))
                        },
                    )
                })
                .collect();
            let evaluated = started && !is_eval;
            SynthYear {
                year: y,
                budget,
                settlement,
                target,
                result,
                activities: if started {
                    cell_text(&mut rng, 60, 140, 0.08)
                } else {
                    Cell::Value(format!(
                        "※{}が実施初年度のため、{}は未実施",
                        crate::model::format::wareki_fiscal_year(start),
                        crate::model::format::wareki_fiscal_year(y)
                    ))
                },
                extra,
                staff: (with_staff && started)
                    .then(|| (rng.range(5, 50) as f64 / 10.0, rng.range(3000, 40000))),
                evaluation: if evaluated {
                    cell_text(&mut rng, 50, 100, 0.1)
                } else {
                    Cell::Blank
                },
                analysis: if evaluated {
                    cell_text(&mut rng, 60, 130, 0.1)
                } else {
                    Cell::Blank
                },
                rating: evaluated.then(|| rng.pick(&RATINGS).to_string()),
                action_policy: if evaluated {
                    cell_text(&mut rng, 30, 80, 0.4)
                } else {
                    Cell::Blank
                },
                decision: (evaluated && rng.chance(0.8)).then(|| rng.pick(&DECISIONS).to_string()),
            }
        })
        .collect();
    // The plan year after the evaluation year: a budget not yet decided and a target.
    sheet.push(SynthYear {
        year: EVALUATION_YEAR + 1,
        budget: money_state(Cell::Blank),
        settlement: money_state(Cell::Blank),
        target: Cell::Value(measure(&mut rng, &main_unit, textual)),
        result: Cell::Blank,
        activities: cell_text(&mut rng, 40, 90, 0.5),
        extra: vec![],
        staff: None,
        evaluation: Cell::Blank,
        analysis: Cell::Blank,
        rating: None,
        action_policy: Cell::Blank,
        decision: None,
    });
    SynthProgram {
        slug: program_slug(i),
        name: text::program_name(&mut rng),
        department: rng.pick(&text::DEPARTMENTS).to_string(),
        related: if rng.chance(0.25) {
            vec![rng.pick(&text::DEPARTMENTS).to_string()]
        } else {
            vec![]
        },
        purpose: cell_text(&mut rng, 30, 90, 0.05),
        policy: policy_index,
        direction,
        code: format!("{:05}", i + 1),
        budget_line: (
            rng.range(1, 12) as usize,
            rng.range(1, 6) as usize,
            rng.range(1, 9) as usize,
            rng.range(1, 20) as usize,
        ),
        indicators,
        years: sheet,
    }
}

// ---- TOML for mieru ------------------------------------------------------

/// A TOML basic string.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn cell_toml(c: &Cell<String>) -> String {
    match c {
        Cell::Value(s) => q(s),
        Cell::NotApplicable => q("—"),
        Cell::Blank => q(""),
    }
}

/// A measure: numbers are written bare, words quoted.
fn measure_toml(c: &Cell<String>) -> String {
    match c {
        Cell::Value(s) if s.parse::<f64>().is_ok() => s.clone(),
        other => cell_toml(other),
    }
}

fn int_toml(c: &Cell<i64>) -> String {
    match c {
        Cell::Value(n) => n.to_string(),
        Cell::NotApplicable => q("—"),
        Cell::Blank => q(""),
    }
}

fn site_toml(opts: &SynthOptions) -> String {
    format!(
        "# 合成データ（seed {seed}、{programs} 事業 × {years} 年度）。ベンチマークとテスト用です。\n\
         city = \"見本市\"\n\
         city_code = \"999999\"\n\
         title = \"見本市 行政評価\"\n\
         evaluation_year = {EVALUATION_YEAR}\n\
         money_unit = \"千円\"\n\
         base_url = \"https://example.org/synth\"\n\
         theme = \"default\"\n\
         language = \"ja\"\n\
         source = \"合成データ（実在の市のものではありません）\"\n\n\
         [licence]\n\
         name = \"CC BY 4.0\"\n\
         url = \"https://creativecommons.org/licenses/by/4.0/deed.ja\"\n\n\
         [choices]\n\
         rating = [\"A\", \"B\", \"C\", \"D\"]\n\
         decision = [\"拡充\", \"現状維持\", \"改善\", \"縮小\", \"統合\", \"廃止・休止\", \"完了\"]\n\
         indicator_kind = [\"活動指標\", \"成果指標\"]\n",
        seed = opts.seed,
        programs = opts.programs,
        years = opts.years,
    )
}

fn policy_toml(p: &SynthPolicy) -> String {
    let mut s = String::with_capacity(2048);
    let _ = writeln!(s, "name = {}", q(&p.name));
    let _ = writeln!(s, "outline = {}", q(&p.outline));
    let _ = writeln!(s, "objective = {}", q(&p.objective));
    let _ = writeln!(s, "code = {}", q(&p.code));
    let _ = writeln!(s, "order = {}", p.order);
    for (id, name) in &p.directions {
        let _ = write!(s, "\n[[directions]]\nid = {}\nname = {}\n", q(id), q(name));
    }
    for i in &p.indicators {
        let _ = write!(
            s,
            "\n[[indicators]]\nname = {}\nkind = {}\nconcept = {}\ndirection = {}\nunit = {}\n\
             baseline = {{ year = {}, value = {} }}\ntarget = {{ year = {}, value = {} }}\n",
            q(&i.name),
            q(&i.kind),
            q(&i.concept),
            q(&i.direction),
            q(&i.unit),
            i.baseline.0,
            i.baseline.1,
            i.target.0,
            i.target.1
        );
        if !i.actuals.is_empty() {
            let list: Vec<String> = i
                .actuals
                .iter()
                .map(|(y, v)| match v {
                    Cell::Value(v) => format!("{{ year = {y}, value = {v} }}"),
                    _ => format!("{{ year = {y}, value = \"\" }}"),
                })
                .collect();
            let _ = writeln!(s, "actuals = [{}]", list.join(", "));
        }
    }
    let _ = write!(
        s,
        "\n[[reviews]]\nfiscal_year = {EVALUATION_YEAR}\ncouncil_opinion = {}\nachievement = {}\n",
        cell_toml(&p.council_opinion),
        cell_toml(&p.achievement)
    );
    s
}

fn program_toml(p: &SynthProgram, pol: &SynthPolicy) -> String {
    let mut s = String::with_capacity(1024);
    let _ = writeln!(s, "name = {}", q(&p.name));
    let _ = writeln!(s, "department = {}", q(&p.department));
    if !p.related.is_empty() {
        let r: Vec<String> = p.related.iter().map(|d| q(d)).collect();
        let _ = writeln!(s, "related_departments = [{}]", r.join(", "));
    }
    let _ = writeln!(s, "purpose = {}", cell_toml(&p.purpose));
    let _ = writeln!(s, "policy = {}", q(&pol.slug));
    let _ = writeln!(s, "direction = {}", q(&p.direction));
    let _ = writeln!(s, "code = {}", q(&p.code));
    let (a, b, c, d) = p.budget_line;
    let _ = write!(
        s,
        "\n[[budget_lines]]\naccount = \"一般会計\"\nsection = {a}\nsubsection = {b}\nitem = {c}\nprogram_no = {d}\n"
    );
    for (id, kind, name, unit, notes) in &p.indicators {
        let _ = write!(
            s,
            "\n[[indicators]]\nid = {}\nkind = {}\nname = {}\nunit = {}\n",
            q(id),
            q(kind),
            q(name),
            q(unit)
        );
        if !notes.is_empty() {
            let n: Vec<String> = notes.iter().map(|x| q(x)).collect();
            let _ = writeln!(s, "notes = [{}]", n.join(", "));
        }
    }
    s
}

fn money_toml(s: &mut String, table: &str, m: &SynthMoney) {
    let _ = write!(
        s,
        "\n[{table}]\namount = {}\nspecial_funding = {}\n",
        int_toml(&m.amount),
        int_toml(&m.special)
    );
    if let Some([n, p, b, o, g]) = m.funding {
        let _ = write!(
            s,
            "\n[{table}.funding]\nnational = {n}\nprefectural = {p}\nbonds = {b}\nother = {o}\ngeneral = {g}\n"
        );
    }
}

fn year_toml(y: &SynthYear) -> String {
    let mut s = String::with_capacity(1536);
    let _ = writeln!(s, "fiscal_year = {}", y.year);
    let _ = writeln!(s, "target = {}", measure_toml(&y.target));
    let _ = writeln!(s, "result = {}", measure_toml(&y.result));
    let _ = writeln!(s, "activities = {}", cell_toml(&y.activities));
    for (id, t, r) in &y.extra {
        let _ = write!(
            s,
            "\n[[indicators]]\nindicator = {}\ntarget = {}\nresult = {}\n",
            q(id),
            measure_toml(t),
            measure_toml(r)
        );
    }
    money_toml(&mut s, "budget", &y.budget);
    money_toml(&mut s, "settlement", &y.settlement);
    if let Some((h, c)) = y.staff {
        let _ = write!(s, "\n[staff]\nheadcount = {h}\ncost = {c}\n");
    }
    let _ = write!(
        s,
        "\n[check]\nevaluation = {}\nanalysis = {}\n",
        cell_toml(&y.evaluation),
        cell_toml(&y.analysis)
    );
    if let Some(r) = &y.rating {
        let _ = writeln!(s, "rating = {}", q(r));
    }
    let _ = write!(s, "\n[action]\npolicy = {}\n", cell_toml(&y.action_policy));
    if let Some(d) = &y.decision {
        let _ = writeln!(s, "decision = {}", q(d));
    }
    s
}

fn io_context(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> io::Result<()> {
    fs::write(path, text).map_err(|e| io_context(e, path))
}

fn mkdir(path: &Path) -> io::Result<()> {
    fs::create_dir_all(path).map_err(|e| io_context(e, path))
}

/// Copies a folder tree (a theme) file by file.
pub fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.map_err(io::Error::other)?;
        let rel = entry.path().strip_prefix(from).map_err(io::Error::other)?;
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            mkdir(&target)?;
        } else if entry.file_type().is_file() {
            fs::copy(entry.path(), &target).map_err(|e| io_context(e, &target))?;
        }
    }
    Ok(())
}

/// Writes a mieru site root at `out`: `content/` and `themes/default`
/// copied from `theme`. `out/content` must not exist yet, so that a stale
/// site is never mixed into a new one.
pub fn write_mieru_site(opts: &SynthOptions, out: &Path, theme: &Path) -> io::Result<SynthSummary> {
    let content = out.join("content");
    if content.exists() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} already exists", content.display()),
        ));
    }
    mkdir(&content.join("policies"))?;
    mkdir(&content.join("programs"))?;
    copy_tree(theme, &out.join("themes").join("default"))?;
    write(&content.join("site.toml"), &site_toml(opts))?;
    let npol = policy_count(opts.programs);
    (0..npol).into_par_iter().try_for_each(|j| {
        let p = policy(opts, j);
        write(
            &content.join("policies").join(format!("{}.toml", p.slug)),
            &policy_toml(&p),
        )
    })?;
    let files: usize = (0..opts.programs)
        .into_par_iter()
        .map(|i| -> io::Result<usize> {
            let p = program(opts, i);
            let pol = policy(opts, p.policy);
            let dir = content.join("programs").join(&p.slug);
            mkdir(&dir)?;
            write(&dir.join("program.toml"), &program_toml(&p, &pol))?;
            for y in &p.years {
                write(&dir.join(format!("{}.toml", y.year)), &year_toml(y))?;
            }
            Ok(1 + p.years.len())
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))?;
    Ok(summary(opts, files + npol + 1))
}

fn summary(opts: &SynthOptions, files: usize) -> SynthSummary {
    let npol = policy_count(opts.programs);
    SynthSummary {
        policies: npol,
        programs: opts.programs,
        files,
        pages: 1 + npol + opts.programs * (1 + opts.years.max(1)),
    }
}

// ---- the equivalent Hugo site --------------------------------------------

const HUGO_LAYOUTS: [(&str, &str); 7] = [
    (
        "_default/baseof.html",
        include_str!("hugo/layouts/_default/baseof.html"),
    ),
    ("index.html", include_str!("hugo/layouts/index.html")),
    (
        "_default/policy.html",
        include_str!("hugo/layouts/_default/policy.html"),
    ),
    (
        "_default/program.html",
        include_str!("hugo/layouts/_default/program.html"),
    ),
    (
        "_default/year.html",
        include_str!("hugo/layouts/_default/year.html"),
    ),
    (
        "partials/sheet.html",
        include_str!("hugo/layouts/partials/sheet.html"),
    ),
    (
        "partials/v.html",
        include_str!("hugo/layouts/partials/v.html"),
    ),
];

/// A Hugo front-matter value: numbers bare, text quoted, "—" and blank as
/// the strings they are on the sheet.
fn hugo_cell(c: &Cell<String>) -> String {
    measure_toml(c)
}

fn hugo_money(s: &mut String, key: &str, m: &SynthMoney) {
    let _ = writeln!(s, "{key} = {}", int_toml(&m.amount));
    let _ = writeln!(s, "{key}_special = {}", int_toml(&m.special));
    if let Some(f) = m.funding {
        let _ = writeln!(
            s,
            "{key}_funding = [{}]",
            f.map(|n| n.to_string()).join(", ")
        );
    }
}

fn hugo_policy(p: &SynthPolicy) -> String {
    let mut s = String::with_capacity(2048);
    s.push_str("+++\n");
    let _ = writeln!(s, "title = {}", q(&p.name));
    let _ = writeln!(s, "url = \"/policies/{}/\"", p.slug);
    let _ = writeln!(s, "layout = \"policy\"");
    let _ = writeln!(s, "weight = {}", p.order);
    let _ = writeln!(s, "outline = {}", q(&p.outline));
    let _ = writeln!(s, "objective = {}", q(&p.objective));
    let _ = writeln!(s, "code = {}", q(&p.code));
    let _ = writeln!(s, "council_opinion = {}", cell_toml(&p.council_opinion));
    let _ = writeln!(s, "achievement = {}", cell_toml(&p.achievement));
    for (id, name) in &p.directions {
        let _ = write!(s, "[[directions]]\nid = {}\nname = {}\n", q(id), q(name));
    }
    for i in &p.indicators {
        let _ = write!(
            s,
            "[[indicators]]\nname = {}\nkind = {}\nconcept = {}\ndirection = {}\nunit = {}\n\
             baseline_year = {}\nbaseline = {}\ntarget_year = {}\ntarget = {}\n",
            q(&i.name),
            q(&i.kind),
            q(&i.concept),
            q(&i.direction),
            q(&i.unit),
            i.baseline.0,
            i.baseline.1,
            i.target.0,
            i.target.1
        );
        for (y, v) in &i.actuals {
            let v = match v {
                Cell::Value(v) => v.to_string(),
                _ => q(""),
            };
            let _ = write!(s, "[[indicators.actuals]]\nyear = {y}\nvalue = {v}\n");
        }
    }
    s.push_str("+++\n");
    s
}

fn hugo_program(p: &SynthProgram, pol: &SynthPolicy) -> String {
    let mut s = String::with_capacity(4096);
    s.push_str("+++\n");
    let _ = writeln!(s, "title = {}", q(&p.name));
    let _ = writeln!(s, "url = \"/programs/{}/\"", p.slug);
    let _ = writeln!(s, "layout = \"program\"");
    let _ = writeln!(s, "weight = {}", p.code.trim_start_matches('0'));
    let _ = writeln!(s, "department = {}", q(&p.department));
    let r: Vec<String> = p.related.iter().map(|d| q(d)).collect();
    let _ = writeln!(s, "related = [{}]", r.join(", "));
    let _ = writeln!(s, "purpose = {}", cell_toml(&p.purpose));
    let _ = writeln!(s, "policy = {}", q(&pol.slug));
    let _ = writeln!(s, "direction = {}", q(&p.direction));
    let _ = writeln!(s, "code = {}", q(&p.code));
    let (a, b, c, d) = p.budget_line;
    let _ = writeln!(s, "budget_line = \"一般会計 {a}款 {b}項 {c}目 {d}事業\"");
    for (id, kind, name, unit, notes) in &p.indicators {
        let n: Vec<String> = notes.iter().map(|x| q(x)).collect();
        let _ = write!(
            s,
            "[[indicators]]\nid = {}\nkind = {}\nname = {}\nunit = {}\nnotes = [{}]\n",
            q(id),
            q(kind),
            q(name),
            q(unit),
            n.join(", ")
        );
    }
    for y in &p.years {
        let _ = write!(s, "[[years]]\nyear = {}\n", y.year);
        let _ = writeln!(
            s,
            "label = {}",
            q(&crate::model::format::wareki_fiscal_year(y.year))
        );
        hugo_money(&mut s, "budget", &y.budget);
        hugo_money(&mut s, "settlement", &y.settlement);
        let _ = writeln!(s, "target = {}", hugo_cell(&y.target));
        let _ = writeln!(s, "result = {}", hugo_cell(&y.result));
        let _ = writeln!(s, "activities = {}", cell_toml(&y.activities));
        let _ = writeln!(s, "evaluation = {}", cell_toml(&y.evaluation));
        let _ = writeln!(s, "analysis = {}", cell_toml(&y.analysis));
        let _ = writeln!(s, "rating = {}", q(y.rating.as_deref().unwrap_or("")));
        let _ = writeln!(s, "action_policy = {}", cell_toml(&y.action_policy));
        let _ = writeln!(s, "decision = {}", q(y.decision.as_deref().unwrap_or("")));
        if let Some((h, c)) = y.staff {
            let _ = writeln!(s, "headcount = {h}\nstaff_cost = {c}");
        }
        for (id, t, r) in &y.extra {
            let _ = write!(
                s,
                "[[years.extra]]\nid = {}\ntarget = {}\nresult = {}\n",
                q(id),
                hugo_cell(t),
                hugo_cell(r)
            );
        }
    }
    s.push_str("+++\n");
    s
}

fn hugo_year(p: &SynthProgram, y: i32) -> String {
    format!(
        "+++\ntitle = {}\nurl = \"/programs/{}/{y}/\"\nlayout = \"year\"\nweight = {y}\nfiscal_year = {y}\n+++\n",
        q(&format!(
            "{}（{}）",
            p.name,
            crate::model::format::wareki_fiscal_year(y)
        )),
        p.slug
    )
}

fn hugo_config(opts: &SynthOptions) -> String {
    let outlines: Vec<String> = text::OUTLINES.iter().map(|o| q(o)).collect();
    format!(
        "baseURL = \"https://example.org/synth/\"\n\
         languageCode = \"ja\"\n\
         title = \"見本市 行政評価\"\n\
         disableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\"]\n\
         # {programs} 事業 × {years} 年度, seed {seed}\n\n\
         [params]\n\
         city = \"見本市\"\n\
         evaluation_year = {EVALUATION_YEAR}\n\
         evaluation_label = \"令和3年度\"\n\
         money_unit = \"千円\"\n\
         source = \"合成データ（実在の市のものではありません）\"\n\
         outlines = [{outlines}]\n",
        programs = opts.programs,
        years = opts.years,
        seed = opts.seed,
        outlines = outlines.join(", "),
    )
}

/// Writes the Hugo site with the same pages as the mieru site at `out`
/// (which must not exist yet): the front page, policy pages, program pages
/// and program-year pages, with the data as front matter of nested
/// sections (policy → program → year) so that every page finds its data
/// without searching the whole site.
pub fn write_hugo_site(opts: &SynthOptions, out: &Path) -> io::Result<SynthSummary> {
    if out.exists() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} already exists", out.display()),
        ));
    }
    let content = out.join("content");
    mkdir(&content.join("policies"))?;
    write(&out.join("hugo.toml"), &hugo_config(opts))?;
    for (rel, text) in HUGO_LAYOUTS {
        let path = out.join("layouts").join(rel);
        mkdir(path.parent().unwrap_or(out))?;
        write(&path, text)?;
    }
    mkdir(&out.join("static"))?;
    write(
        &content.join("_index.md"),
        "+++\ntitle = \"見本市 行政評価\"\n+++\n",
    )?;
    write(
        &content.join("policies").join("_index.md"),
        "+++\ntitle = \"施策\"\n[_build]\nrender = \"never\"\nlist = \"always\"\n+++\n",
    )?;
    let npol = policy_count(opts.programs);
    (0..npol).into_par_iter().try_for_each(|j| {
        let p = policy(opts, j);
        let dir = content.join("policies").join(&p.slug);
        mkdir(&dir)?;
        write(&dir.join("_index.md"), &hugo_policy(&p))
    })?;
    let files: usize = (0..opts.programs)
        .into_par_iter()
        .map(|i| -> io::Result<usize> {
            let p = program(opts, i);
            let pol = policy(opts, p.policy);
            let dir = content.join("policies").join(&pol.slug).join(&p.slug);
            mkdir(&dir)?;
            write(&dir.join("_index.md"), &hugo_program(&p, &pol))?;
            let sheet_years: Vec<i32> = p
                .years
                .iter()
                .map(|y| y.year)
                .filter(|&y| y <= EVALUATION_YEAR)
                .collect();
            for &y in &sheet_years {
                write(&dir.join(format!("{y}.md")), &hugo_year(&p, y))?;
            }
            Ok(1 + sheet_years.len())
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))?;
    Ok(summary(opts, files + npol + 2))
}

/// Both sites under `out`: the mieru site root at `out` and Hugo's at
/// `out/hugo`.
pub fn write_both(opts: &SynthOptions, out: &Path, theme: &Path) -> io::Result<SynthSummary> {
    let s = write_mieru_site(opts, out, theme)?;
    write_hugo_site(opts, &out.join("hugo"))?;
    let css = theme.join("static").join("style.css");
    if css.is_file() {
        let target = out.join("hugo").join("static").join("style.css");
        fs::copy(&css, &target).map_err(|e| io_context(e, &target))?;
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_program_and_another_seed_another() {
        let a = SynthOptions::default();
        let b = SynthOptions { seed: 2, ..a };
        assert_eq!(
            year_toml(&program(&a, 7).years[2]),
            year_toml(&program(&a, 7).years[2])
        );
        assert_eq!(program(&a, 7).name, program(&a, 7).name);
        assert_ne!(
            year_toml(&program(&a, 7).years[2]),
            year_toml(&program(&b, 7).years[2])
        );
    }

    #[test]
    fn every_program_points_at_a_direction_of_its_policy() {
        let opts = SynthOptions {
            programs: 200,
            ..SynthOptions::default()
        };
        for i in 0..opts.programs {
            let p = program(&opts, i);
            let pol = policy(&opts, p.policy);
            assert!(pol.directions.iter().any(|(id, _)| *id == p.direction));
            assert!(p.policy < policy_count(opts.programs));
        }
    }

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(q("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
