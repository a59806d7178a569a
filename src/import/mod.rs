//! `mieru import`: reading a city's spreadsheets (one large table, or one
//! worksheet per program) into the content folder, as a mapping file says.
//! One file per concern: [`mapping`] (the mapping file), [`cells`]
//! (workbooks and CSV as grids), [`normalise`] (one cell's text as a value),
//! [`extract`] (cells → programs), [`report`] (what went where) and
//! [`site`] (the policies a sheet names), [`declared`] (the site's own
//! form and its fields' kinds), [`plan`] (the program's place in the plan
//! hierarchy, and plan.toml from the sheet) and [`write`] (deterministic
//! TOML, atomically, with a manifest).

pub mod cells;
pub mod declared;
pub mod extract;
pub mod mapping;
pub mod normalise;
pub mod own_csv;
pub mod plan;
pub mod report;
pub mod site;
pub mod write;

use crate::diag::{Diagnostic, Diagnostics, Location};
use std::path::{Path, PathBuf};

/// What `mieru import` is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub mapping: PathBuf,
    /// Workbooks; empty: those the mapping names.
    pub inputs: Vec<PathBuf>,
    /// The site root (holds content/).
    pub root: PathBuf,
    pub dry_run: bool,
    pub allow_errors: bool,
}

/// What an import found and did.
#[derive(Debug)]
pub struct Outcome {
    pub mapping: mapping::Mapping,
    pub programs: Vec<extract::Program>,
    pub summary: report::Summary,
    pub plan: Vec<write::Planned>,
    pub check: write::Check,
    /// Files written (0 on a dry run).
    pub written: usize,
    /// Problems and warnings (errors only when --allow-errors let them by).
    pub diagnostics: Diagnostics,
}

impl Outcome {
    /// Cell → field, for each program.
    pub fn cells(&self) -> String {
        report::cells(&self.mapping, &self.programs)
    }
}

/// Reads, checks and (unless a dry run, or with errors) writes.
/// `Err` carries the diagnostics and, when the cells were read, the outcome.
pub fn run(opts: &Options) -> Result<Outcome, (Diagnostics, Option<Box<Outcome>>)> {
    let mut diags = Diagnostics::new();
    let Some(form) = declared::site_form(&opts.root, &mut diags) else {
        return Err((diags.sorted(), None));
    };
    // `mieru-csv` (when no such file is there): mieru's own CSV, for this form.
    let own = opts.mapping.as_os_str() == own_csv::NAME && !opts.mapping.exists();
    let mapping = if own {
        mapping::parse(&opts.mapping, &own_csv::mapping(&form), &form)
    } else {
        mapping::read(&opts.mapping, &form)
    }
    .map_err(|d| (d.sorted(), None))?;
    let inputs = if opts.inputs.is_empty() {
        mapping.inputs.clone()
    } else {
        opts.inputs.clone()
    };
    if inputs.is_empty() {
        diags.push(
            Diagnostic::error(
                "E165",
                "取り込むファイルがありません",
                "no workbook to import",
            )
            .at(Location::file(&opts.mapping))
            .help("--input ファイル名 を付けるか、対応表に input = [\"…\"] を書いてください / give --input FILE or input = [\"…\"] in the mapping"),
        );
        return Err((diags, None));
    }
    // Each input by its file name, as cells and comments name it.
    let names: Vec<String> = inputs
        .iter()
        .map(|input| {
            input.file_name().map_or_else(
                || input.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        })
        .collect();
    let mut programs = Vec::new();
    for (input, name) in inputs.iter().zip(&names) {
        match cells::read(input, name) {
            Ok(book) => programs.extend(extract::extract(&mapping, &book, &mut diags)),
            Err(e) => diags.push(Diagnostic::error("E166", e.ja, e.en).at(Location::file(input))),
        }
    }
    let mut programs = extract::settle(&mapping, programs, &mut diags);
    let content = opts.root.join("content");
    // The site's settings are no sheet's: `mieru init` writes them.
    if !content.join("site.toml").is_file() {
        diags.push(
            Diagnostic::warning(
                "W157",
                "content/site.toml がありません。取り込んだ後のサイトは作れません",
                "there is no content/site.toml: the imported site cannot be built without it",
            )
            .at(Location::file(&opts.root.join("content/site.toml")))
            .help("先に mieru init でサイトを作り（市の名前・評価年度・金額の単位など）、そのフォルダで取り込んでください。--root でサイトのフォルダを指定することもできます / run mieru init first (or give the site's folder with --root)"),
        );
    }
    let from = names.join("、");
    let policies = if mapping.names_policies() {
        site::from_sheet(&programs, &mut diags)
    } else {
        site::policies(&content)
    };
    site::resolve(&policies, &mut programs, &mut diags);
    let nodes = if mapping.names_nodes() {
        plan::from_sheet(&form, &programs, &mut diags)
    } else {
        plan::read(&content, &form)
    };
    plan::resolve(&form, &nodes, &mut programs, &mut diags);
    let summary = report::summary(&programs);
    let mut plan = write::plan(&mapping, &form, &programs);
    if mapping.names_nodes() {
        plan.push(write::Planned {
            path: "plan.toml".into(),
            text: plan::plan_toml(&form, &nodes, &from),
        });
    }
    if mapping.names_policies() {
        plan.extend(policies.iter().map(|p| write::Planned {
            path: format!("policies/{}.toml", p.slug),
            text: site::policy_toml(p, &from),
        }));
    }
    plan.sort_by(|a, b| a.path.cmp(&b.path));
    let check = write::check(&content, &plan);
    for (list, code, ja, en) in [
        (
            &check.not_ours,
            "E167",
            "取り込みで作ったのではないファイルがあります。上書きしません",
            "a file not written by an import is in the way; it is not overwritten",
        ),
        (
            &check.edited,
            "E168",
            "前回の取り込みの後に手で直されたファイルです。上書きしません",
            "edited by hand since the last import; it is not overwritten",
        ),
    ] {
        for p in list {
            let help = if p == "plan.toml" && code == "E167" {
                "対応表で計画の項目の名前の列（name）を指定したので、取り込みが plan.toml を作ります。mieru init のひな形の plan.toml なら消してください。手で書いた plan.toml を使うなら、対応表の place.<階層> から name を外してください / the mapping names the nodes, so the import writes plan.toml: delete init's sample, or drop `name` from place.<level> to keep yours"
            } else if code == "E167" {
                "手で書いたファイル（mieru init のひな形の事業など）です。取り込みで作るなら消してください。残すなら、シートのその事業の行を消すか、別のフォルダへ取り込んでください / a hand-written file (such as init's sample program): delete it to import over it, or leave the program out of the sheet"
            } else if p == "plan.toml" || p.starts_with("policies/") {
                "取り込みで作ったあと手で書き足したファイルです。これからは手で直すなら、対応表の place.<階層> から name を（施策なら policy を policy = \"施策\" に）戻してください。次からはこのファイルを読んで探します / edited since the import wrote it: to keep editing it by hand, drop `name` (or `outline`) from the mapping"
            } else {
                "直した内容を表計算のファイルに移してからファイルを消すか、別のフォルダへ取り込んでください / move the edits into the workbook and delete the file, or import into another folder"
            };
            diags.push(
                Diagnostic::error(code, ja, en)
                    .at(Location::file(&Path::new("content").join(p)))
                    .help(help),
            );
        }
    }
    // The first import into a site: programs already there (init's sample,
    // say) stay in the site beside the imported ones.
    if write::read_manifest(&content).is_empty() {
        let ours: Vec<&str> = plan
            .iter()
            .filter_map(|f| f.path.strip_prefix("programs/")?.split('/').next())
            .collect();
        let mut others: Vec<String> = std::fs::read_dir(content.join("programs"))
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !ours.contains(&n.as_str()))
            .collect();
        // 施策 the import writes from the sheet: the site's others stay too.
        if mapping.names_policies() {
            others.extend(
                std::fs::read_dir(content.join("policies"))
                    .into_iter()
                    .flatten()
                    .filter_map(Result::ok)
                    .filter_map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        let rel = format!("policies/{name}");
                        (name.ends_with(".toml") && !plan.iter().any(|f| f.path == rel))
                            .then_some(rel)
                    }),
            );
        }
        others.sort();
        if !others.is_empty() {
            diags.push(
                Diagnostic::warning(
                    "W154",
                    format!(
                        "取り込みにない事業・施策がサイトに {} 件あり、そのまま残ります：{}",
                        others.len(),
                        others.join("、")
                    ),
                    format!(
                        "{} program(s) or policies already in the site are not in the import and stay: {}",
                        others.len(),
                        others.join(", ")
                    ),
                )
                .at(Location::file(Path::new("content/programs")))
                .help("mieru init のひな形なら、content/programs/ のそのフォルダ（施策なら content/policies/ のそのファイル）を消してください。手で書いたものなら、そのままでかまいません / delete init's sample; hand-written ones may stay"),
            );
        }
    }
    let refused = !check.not_ours.is_empty() || !check.edited.is_empty();
    let mut outcome = Outcome {
        mapping,
        programs,
        summary,
        plan,
        check,
        written: 0,
        diagnostics: Diagnostics::new(),
    };
    let has_errors = diags.has_errors();
    if refused || (has_errors && !opts.allow_errors) {
        return Err((diags.sorted(), Some(Box::new(outcome))));
    }
    if !opts.dry_run {
        match write::write(&content, &outcome.plan) {
            Ok(n) => outcome.written = n,
            Err(e) => {
                diags.push(Diagnostic::error("E169", e.ja, e.en).at(Location::file(&e.path)));
                return Err((diags.sorted(), Some(Box::new(outcome))));
            }
        }
    }
    outcome.diagnostics = diags.sorted();
    Ok(outcome)
}
