//! The starter sites of `init --form NAME` for the bundled declared forms
//! (forms/*.toml): the form itself as `content/form.toml`, a small plan
//! (`content/plan.toml`), one program placed in it with its year file and,
//! for a form with a policy sheet, one 施策 sheet, so that the new site
//! checks and builds at once. The default form's starter is in `text`.

use super::text::{q, readme, wareki, workflow};
use std::path::PathBuf;

/// A bundled declared form: its `--form` name, its text and the starter
/// files beside it.
pub struct Bundled {
    pub name: &'static str,
    /// forms/NAME.toml, written as content/form.toml.
    pub form: &'static str,
    plan: &'static str,
    program: &'static str,
    year: &'static str,
    /// The 施策 sheet, when the form has one.
    policy: Option<&'static str>,
    /// The indicator kinds of site.toml's `[choices]`.
    indicator_kinds: &'static [&'static str],
    /// What the README says the form is.
    about: &'static str,
}

pub const BUNDLED: &[Bundled] = &[
    Bundled {
        name: "jimu-jigyo",
        form: crate::form::BUNDLED[1].text,
        plan: include_str!("files/jimu-jigyo/plan.toml"),
        program: include_str!("files/jimu-jigyo/program.toml"),
        year: include_str!("files/jimu-jigyo/year.toml"),
        policy: None,
        indicator_kinds: &["活動指標", "成果指標", "対象指標"],
        about: "事務事業評価シート（政策・施策・基本事業・施策内容の4階層、1事業1シート）",
    },
    Bundled {
        name: "shisaku",
        form: crate::form::BUNDLED[2].text,
        plan: include_str!("files/shisaku/plan.toml"),
        program: include_str!("files/shisaku/program.toml"),
        year: include_str!("files/shisaku/year.toml"),
        policy: Some(include_str!("files/shisaku/policy.toml")),
        indicator_kinds: &["成果指標", "活動指標", "対象指標", "KPI"],
        about: "施策評価シート（基本目標・基本施策・施策の3階層、1施策1シート）",
    },
];

/// The bundled form named `name`.
pub fn bundled(name: &str) -> Option<&'static Bundled> {
    BUNDLED.iter().find(|b| b.name == name)
}

/// A template with its year placeholders filled in.
fn fill(text: &str, year: i64) -> String {
    text.replace("@WAREKI@", &wareki(year))
        .replace("@NEXT@", &(year + 3).to_string())
        .replace("@YEAR@", &year.to_string())
}

fn site_toml(b: &Bundled, city: &str, year: i64) -> String {
    let kinds: Vec<String> = b.indicator_kinds.iter().map(|k| q(k)).collect();
    format!(
        "# サイト全体の設定。# から行末まではコメント（説明）です。\n\
         # シートの様式（欄の並びと書き方）は content/form.toml、計画の体系は content/plan.toml にあります。\n\
         # Site settings. The sheet form is content/form.toml, the plan content/plan.toml.\n\
         \n\
         city = {city}                                        # 地方公共団体名（必須）\n\
         # city_code = \"000000\"                              # 全国地方公共団体コード（6桁、文字列で）\n\
         title = {title}                              # サイト名\n\
         evaluation_year = {year}                              # 評価年度（{w}）（必須、西暦）\n\
         money_unit = \"千円\"                                 # 金額の単位：千円 または 円\n\
         # base_url = \"https://www.city.example.lg.jp/hyoka\" # 公開URL（正規URL・サイトマップに使います）\n\
         # theme = \"default\"                                 # テーマ（themes/ のフォルダ名。省略すると組み込みのテーマ）\n\
         language = \"ja\"                                     # 言語\n\
         source = {source}                            # 出典\n\
         \n\
         [licence]                                           # データのライセンス\n\
         name = \"CC BY 4.0\"\n\
         url = \"https://creativecommons.org/licenses/by/4.0/deed.ja\"\n\
         \n\
         # 指標の種類（program.toml・施策シートの indicators の kind）。\n\
         [choices]\n\
         indicator_kind = [{kinds}]\n",
        city = q(city),
        title = q(&format!("{city} 行政評価")),
        source = q(&format!("{city} {} 行政評価シート", wareki(year))),
        w = wareki(year),
        kinds = kinds.join(", "),
    )
}

/// Every file of the starter site of `init --form NAME`, by path under the
/// site root.
pub fn starter_site(b: &Bundled, city: &str, year: i64) -> Vec<(PathBuf, String)> {
    let mut files = vec![
        ("content/site.toml".into(), site_toml(b, city, year)),
        ("content/form.toml".into(), b.form.to_string()),
        ("content/plan.toml".into(), fill(b.plan, year)),
    ];
    if let Some(policy) = b.policy {
        files.push(("content/policies/bosai.toml".into(), fill(policy, year)));
    }
    files.push((
        "content/programs/bosai-kunren/program.toml".into(),
        fill(b.program, year),
    ));
    files.push((
        format!("content/programs/bosai-kunren/{year}.toml").into(),
        fill(b.year, year),
    ));
    files.push((".gitignore".into(), "output/\n".into()));
    files.push((".github/workflows/mieru.yml".into(), workflow()));
    files.push(("README.md".into(), readme(city, Some(b.about))));
    files
}
