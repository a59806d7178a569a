//! The text of the files `init` and `new` write, with a Japanese comment on
//! every key.

use super::{Carried, RELEASES_REPO};
use crate::model::format::wareki_fiscal_year;
use crate::model::value::{Measure, SheetValue};
use std::path::PathBuf;

/// The fixed choices of the starter site.toml (and of its schemas).
pub const CHOICES: &[(&str, &[&str])] = &[
    ("rating", &["A", "B", "C", "D"]),
    (
        "decision",
        &["拡充", "現状維持", "改善", "縮小", "廃止・休止", "完了"],
    ),
    ("indicator_kind", &["活動指標", "成果指標"]),
];

/// A TOML string literal.
pub(super) fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

pub(super) fn wareki(y: i64) -> String {
    wareki_fiscal_year(y as i32)
}

/// A value as TOML: a number, text, "—" or "".
fn measure(v: &SheetValue<Measure>) -> String {
    match v {
        SheetValue::Value(Measure::Number(n)) => {
            if n.fract() == 0.0 && n.abs() < 1e15 {
                format!("{}", *n as i64)
            } else {
                format!("{n}")
            }
        }
        SheetValue::Value(Measure::Text(t)) => q(t),
        SheetValue::NotApplicable => q("—"),
        SheetValue::Blank => q(""),
    }
}

/// A year file with every key: planned values from `carried`, the rest blank.
pub fn blank_year(year: i64, carried: &Carried) -> String {
    let mut s = format!(
        "# {w}（{year}年度）の予算・決算・成果と評価。空欄（\"\"）は未記入、\"—\" は該当なし。\n\
         # Fiscal year {year}: \"\" = not filled in yet, \"—\" = not applicable.\n\
         \n\
         fiscal_year = {year}                                 # 年度（ファイル名と同じ西暦）\n\
         target = {t}                                         # 成果目標（数値は指標の単位で、または文章）\n\
         result = \"\"                                         # 成果実績\n\
         activities = \"\"                                     # 実施内容と改善点（計画の年度は実施内容）\n",
        w = wareki(year),
        t = measure(&carried.target),
    );
    for (id, target) in &carried.indicators {
        s.push_str(&format!(
            "\n[[indicators]]                                      # 他の指標の目標・実績\n\
             indicator = {}                                      # program.toml の指標の id\n\
             target = {}\n\
             result = \"\"\n",
            q(id),
            measure(target)
        ));
    }
    s.push_str(
        "\n[budget]\n\
         amount = \"\"                                         # 予算額（金額の単位は site.toml の money_unit）\n\
         special_funding = \"\"                                # うち特定財源\n\
         \n\
         [settlement]\n\
         amount = \"\"                                         # 決算額\n\
         special_funding = \"\"                                # うち特定財源\n\
         \n\
         [check]                                             # 【Check】この年度の実績の評価\n\
         evaluation = \"\"                                     # 評価\n\
         analysis = \"\"                                       # 分析\n\
         # rating = \"B\"                                      # 評価区分（site.toml の choices.rating から）\n\
         \n\
         [action]                                            # 【Action】この年度の評価を受けた改善点\n\
         policy = \"\"                                         # 方針\n\
         # decision = \"現状維持\"                             # 今後の方向性（site.toml の choices.decision から）\n",
    );
    s
}

/// program.toml with every key, blank where not given.
pub fn program_toml(
    name: &str,
    department: &str,
    policy: &str,
    direction: &str,
    year: i64,
) -> String {
    format!(
        "# 事業：年度によって変わらない項目。空欄（\"\"）は未記入。\n\
         # Program: what stays the same across years. \"\" = not filled in yet.\n\
         \n\
         name = {name}                                   # 事業名\n\
         department = {department}                             # 担当（課）\n\
         related_departments = []                            # 関連部署（例：[\"財政課\"]）\n\
         purpose = \"\"                                        # 事業の目的\n\
         policy = {policy}                            # 施策（content/policies/ のファイル名）\n\
         direction = {direction}                             # 施策の方向の id\n\
         # code = \"0001\"                                     # 事業コード（先頭の0を残すなら文字列で）\n\
         start_year = {year}                                   # 開始年度（西暦）\n\
         # end_year = {end}                                    # 終了年度（終わる事業だけ）\n\
         \n\
         [[budget_lines]]                                    # 予算科目（いくつでも）\n\
         account = \"一般会計\"                                # 会計\n\
         # section = 2                                       # 款\n\
         # subsection = 1                                    # 項\n\
         # item = 1                                          # 目\n\
         # program_no = 1                                    # 事業\n\
         \n\
         [[indicators]]                                      # 成果指標（最初のものが主な指標）\n\
         name = \"\"                                           # 指標名\n\
         unit = \"\"                                           # 単位（例：%、回、人）\n\
         notes = []                                          # ※注記（例：[\"※…\"]）\n",
        name = q(name),
        department = q(department),
        policy = q(policy),
        direction = q(direction),
        end = year + 3,
    )
}

/// Every file of the starter site of `init`, by path under the site root.
pub fn starter_site(city: &str, year: i64) -> Vec<(PathBuf, String)> {
    let next = year + 1;
    let site = format!(
        "# サイト全体の設定。# から行末まではコメント（説明）です。\n\
         # Site settings. Text after # is a comment.\n\
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
         change_threshold = 20                               # 変更点の基準（%）：これを超えて金額が動いた事業を「変更点」に載せます\n\
         \n\
         [licence]                                           # データのライセンス\n\
         name = \"CC BY 4.0\"\n\
         url = \"https://creativecommons.org/licenses/by/4.0/deed.ja\"\n\
         \n\
         # 市ごとの選択肢：評価区分（rating）、今後の方向性（decision）、指標の種類（indicator_kind）。\n\
         [choices]\n\
         rating = [\"A\", \"B\", \"C\", \"D\"]\n\
         decision = [\"拡充\", \"現状維持\", \"改善\", \"縮小\", \"廃止・休止\", \"完了\"]\n\
         indicator_kind = [\"活動指標\", \"成果指標\"]\n\
         \n\
         # アクセシビリティ方針のページを作るときは # を外します。\n\
         # [accessibility]\n\
         # target = \"JIS X 8341-3:2016 の適合レベルAAに準拠\"    # 目標とする適合レベル\n\
         # scope = \"行政評価サイトのすべてのページ\"              # 対象範囲\n\
         # policy = \"\"\"\n\
         # 方針の本文。\n\
         # \"\"\"\n\
         # contact = \"〇〇課 000-000-0000\"                      # 問い合わせ先\n",
        city = q(city),
        title = q(&format!("{city} 行政評価")),
        source = q(&format!("{city} {} 行政評価シート", wareki(year))),
        w = wareki(year),
    );
    let policy = "# 施策：総合計画上の位置付け、施策の方向、目標（指標）、意見。\n\
         # Policy: its place in the plan, its directions, indicators and reviews.\n\
         \n\
         name = \"安心して暮らせるまちづくり\"                  # 施策（必須）\n\
         outline = \"安全・安心\"                              # 施策の大綱（必須）\n\
         objective = \"災害に強く、誰もが安心して暮らせるまちをつくる\"  # 施策の目的（\"—\" は該当なし、\"\" は未記入）\n\
         # code = \"01-01\"                                    # 施策コード\n\
         # order = 1                                         # 表示順（小さいほど先）\n\
         \n\
         # 施策の方向：事業は program.toml の direction に id を書きます。\n\
         [[directions]]\n\
         id = \"bosai\"                                        # 英小文字・数字・ハイフン\n\
         name = \"防災体制の充実\"\n\
         \n\
         # 目標（指標）。年は調査の年（西暦）。\n\
         [[indicators]]\n\
         name = \"防災訓練に参加したことのある市民の割合\"      # 指標名\n\
         kind = \"成果指標\"                                   # 指標の種類（site.toml の choices.indicator_kind から）\n\
         concept = \"市民意識調査で「参加したことがある」と答えた割合\"  # 指標の考え方\n\
         unit = \"%\"                                          # 単位\n\
         baseline = { year = 2020, value = 20.0 }            # 基準値\n\
         target = { year = 2026, value = 30.0 }              # 目標値\n\
         # actuals = [ { year = 2023, value = 24.5 } ]       # 実績値（出たら追加）\n"
        .to_string()
        + &format!(
            "\n\
             # 評価年度ごとの意見と達成状況。\n\
             [[reviews]]\n\
             fiscal_year = {year}                              # 評価年度\n\
             council_opinion = \"\"                              # 市民の会議などからの意見（未記入）\n\
             achievement = \"\"                                  # 目標の達成状況（未記入）\n"
        );
    let program = format!(
        "# 事業：年度によって変わらない項目。\n\
         # Program: what stays the same across years.\n\
         \n\
         name = \"防災訓練事業\"                               # 事業名（必須）\n\
         department = \"防災危機管理課\"                       # 担当（必須）\n\
         related_departments = [\"地域振興課\"]                # 関連部署\n\
         purpose = \"市民が災害時に自ら身を守れるよう、訓練の機会を設ける\"  # 事業の目的\n\
         policy = \"anshin\"                                   # 施策（content/policies/ のファイル名）\n\
         direction = \"bosai\"                                 # 施策の方向の id\n\
         code = \"0001\"                                       # 事業コード（文字列なら先頭の0が残ります）\n\
         start_year = {year}                                   # 開始年度\n\
         # end_year = {end}                                    # 終了年度（終わる事業だけ）\n\
         \n\
         [[budget_lines]]                                    # 予算科目\n\
         account = \"一般会計\"                                # 会計\n\
         section = 9                                         # 款\n\
         subsection = 1                                      # 項\n\
         item = 5                                            # 目\n\
         program_no = 1                                      # 事業\n\
         \n\
         [[indicators]]                                      # 成果指標（最初のものが主な指標）\n\
         name = \"防災訓練の参加者数\"                         # 指標名\n\
         kind = \"活動指標\"                                   # 指標の種類\n\
         unit = \"人\"                                         # 単位\n\
         notes = [\"※地区ごとの訓練の参加者の合計\"]          # ※注記\n",
        end = year + 3,
    );
    let this_year = format!(
        "# {w}（{year}年度）の予算と取組み。値の三つの状態の例：\n\
         #   値（100）、\"—\"（該当なし：その年度は行わない）、\"\"（未記入：まだ書いていない）。\n\
         # Fiscal year {year}: a value, \"—\" (not applicable) or \"\" (not filled in yet).\n\
         \n\
         fiscal_year = {year}                                 # 年度（ファイル名と同じ西暦）\n\
         target = 500                                        # 成果目標（指標の単位：人）\n\
         result = \"\"                                         # 成果実績（年度が終わってから記入）\n\
         activities = \"地区ごとに防災訓練を行い、避難所の開設手順を確かめる。\"  # 実施内容\n\
         \n\
         [budget]\n\
         amount = 1200                                       # 予算額（千円、数字だけ）\n\
         special_funding = \"—\"                              # うち特定財源（該当なし）\n\
         \n\
         [settlement]\n\
         amount = \"\"                                         # 決算額（未記入：年度が終わってから）\n\
         special_funding = \"\"                                # うち特定財源\n\
         \n\
         [check]                                             # 【Check】この年度の実績の評価（翌年度に記入）\n\
         evaluation = \"\"                                     # 評価\n\
         analysis = \"\"                                       # 分析\n\
         # rating = \"B\"                                      # 評価区分（site.toml の choices.rating から）\n\
         \n\
         [action]                                            # 【Action】改善点\n\
         policy = \"\"                                         # 方針\n\
         # decision = \"現状維持\"                             # 今後の方向性（site.toml の choices.decision から）\n",
        w = wareki(year),
    );
    let next_year = format!(
        "# {w}（{next}年度）の計画。まだ決まっていない値は \"\"（未記入）。\n\
         # Plan for fiscal year {next}; \"\" = not decided yet.\n\
         \n\
         fiscal_year = {next}                                 # 年度\n\
         target = 550                                        # 成果目標（計画）\n\
         activities = \"\"                                     # 実施内容（未記入）\n\
         \n\
         [budget]\n\
         amount = \"\"                                         # 予算額（未記入）\n\
         special_funding = \"\"                                # うち特定財源（未記入）\n",
        w = wareki(next),
    );
    let readme = readme(city, None);
    vec![
        ("content/site.toml".into(), site),
        ("content/policies/anshin.toml".into(), policy),
        ("content/programs/bosai-kunren/program.toml".into(), program),
        (
            format!("content/programs/bosai-kunren/{year}.toml").into(),
            this_year,
        ),
        (
            format!("content/programs/bosai-kunren/{next}.toml").into(),
            next_year,
        ),
        (".gitignore".into(), "output/\n".into()),
        (".github/workflows/mieru.yml".into(), workflow()),
        ("README.md".into(), readme),
    ]
}

/// The starter site's README.md; `form` names a declared form (its files
/// and commands differ), `None` is the default form.
pub(super) fn readme(city: &str, form: Option<&str>) -> String {
    let Some(about) = form else {
        return format!(
            "# {city} 行政評価サイト\n\
             \n\
             行政評価シートの内容を `content/` の TOML ファイルに書き、[mieru](https://github.com/{RELEASES_REPO}) で公開サイトを作ります。\n\
             \n\
             ## ファイル\n\
             \n\
             - `content/site.toml`：市の名前、評価年度、金額の単位、選択肢\n\
             - `content/policies/<施策>.toml`：施策（1施策1ファイル）\n\
             - `content/programs/<事業>/program.toml`：事業の年度によって変わらない項目\n\
             - `content/programs/<事業>/<西暦>.toml`：事業の年度ごとの値\n\
             \n\
             値は三つの状態のどれかです：値（`amount = 100`）、該当なし（`amount = \"—\"`）、未記入（`amount = \"\"`）。\n\
             \n\
             ## 使い方\n\
             \n\
             ```sh\n\
             mieru check                 # 誤りがないか調べる（ファイル名:行:列 で表示）\n\
             mieru build                 # output/ にサイトを作る\n\
             mieru new program kouen-seibi --name 公園整備事業 --department 都市計画課 --policy anshin --direction bosai   # 事業を追加\n\
             mieru new year              # 次の評価年度を始める\n\
             ```\n\
             \n\
             Visual Studio Code で開くと、拡張機能 Even Better TOML がキーの説明と入力の誤りを表示します（`schema/`）。\n\
             \n\
             `main` に push すると `.github/workflows/mieru.yml` がサイトを作り、GitHub Pages に公開します。\n\
             プルリクエストでは誤りのある行に印が付きます。\n"
        );
    };
    format!(
        "# {city} 行政評価サイト\n\
         \n\
         行政評価シートの内容を `content/` の TOML ファイルに書き、[mieru](https://github.com/{RELEASES_REPO}) で公開サイトを作ります。\n\
         シートの様式は {about} です。\n\
         \n\
         ## ファイル\n\
         \n\
         - `content/site.toml`：市の名前、評価年度、金額の単位\n\
         - `content/form.toml`：シートの様式（欄の並び、見出し、選択肢）\n\
         - `content/plan.toml`：総合計画の体系（階層ごとの項目とコード）\n\
         - `content/policies/<施策>.toml`：施策シート（様式に施策シートがあるとき）\n\
         - `content/programs/<事業>/program.toml`：事業の年度によって変わらない項目\n\
         - `content/programs/<事業>/<西暦>.toml`：事業の年度ごとの値\n\
         \n\
         値は三つの状態のどれかです：値（`amount = 100`）、該当なし（`amount = \"—\"`）、未記入（`amount = \"\"`）。\n\
         \n\
         ## 使い方\n\
         \n\
         ```sh\n\
         mieru check                 # 誤りがないか調べる（ファイル名:行:列 で表示）\n\
         mieru build                 # output/ にサイトを作る\n\
         ```\n\
         \n\
         `main` に push すると `.github/workflows/mieru.yml` がサイトを作り、GitHub Pages に公開します。\n\
         プルリクエストでは誤りのある行に印が付きます。\n"
    )
}

/// The city repository's CI: check on pull requests, build and publish to
/// GitHub Pages on pushes to the default branch. The YAML is a file of its
/// own so that actionlint checks exactly what `init` writes.
pub(super) fn workflow() -> String {
    include_str!("files/mieru.yml")
        .replace("@MIERU_VERSION@", env!("CARGO_PKG_VERSION"))
        .replace("@MIERU_REPO@", RELEASES_REPO)
}
