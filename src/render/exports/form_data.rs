//! The open-data columns a declared form adds after mieru's own: the plan
//! position at every level, the typed money columns, staff and total cost,
//! the stages of the evaluation and the criteria, and the city's own fields
//! (its Japanese labels as CSV headers, its ASCII keys as JSON names). The
//! three states are kept as in every other column.

use crate::form::field::Fields;
use crate::form::show;
use crate::form::{Field, FieldValue, FundingSource, Kind as FieldKind, MoneyColumn, Sheet};
use crate::model::value::{Measure, SheetValue};
use crate::model::{Model, Policy, Program, ProgramYear};
use crate::render::data::{col, money_col, Cell, Column, Kind};
use crate::render::sheet::{funding_value, money_columns};

/// The key of a city's field in the data: its own key, unless one of
/// mieru's columns already has it.
fn field_key(key: &str, taken: &[&str]) -> String {
    if taken.contains(&key) {
        format!("sheet_{key}")
    } else {
        key.to_string()
    }
}

/// mieru's own program columns, which a city field may not shadow.
const TAKEN: &[&str] = &[
    "city_code",
    "city",
    "fiscal_year",
    "wareki",
    "program_id",
    "program_code",
    "program_name",
    "department",
    "account",
    "outline",
    "policy",
    "direction",
    "budget",
    "settlement",
    "indicator",
    "target",
    "result",
    "activities",
    "evaluation",
    "analysis",
    "rating",
    "decision",
    "policy_id",
    "policy_code",
    "policy_name",
    "objective",
];

fn field_columns(m: &Model, sheet: &Sheet, about: &str) -> Vec<Column> {
    sheet
        .own_fields()
        .map(|f| {
            let key = field_key(&f.key, TAKEN);
            let help = match &f.help {
                Some(h) => format!("{about}「{}」。{h}", f.label),
                None => format!("{about}「{}」", f.label),
            };
            match &f.kind {
                FieldKind::Money => money_col(m, &key, &f.label, &help),
                FieldKind::Number { unit, .. } => Column {
                    unit: unit.clone(),
                    ..col(&key, &f.label, Kind::Measure, &help)
                },
                _ => col(&key, &f.label, Kind::SheetText, &help),
            }
        })
        .collect()
}

fn field_cell(m: &Model, f: &Field, v: Option<&SheetValue<FieldValue>>) -> Cell {
    let blank = SheetValue::Blank;
    let v = v.unwrap_or(&blank);
    match (&f.kind, v) {
        (FieldKind::Money, SheetValue::Value(FieldValue::Money(n))) => {
            Cell::Money(SheetValue::Value(*n))
        }
        (FieldKind::Money, other) => Cell::Money(other.map(|_| 0).state_only()),
        (FieldKind::Number { .. }, SheetValue::Value(FieldValue::Number(n))) => {
            Cell::Measure(SheetValue::Value(Measure::Number(*n)))
        }
        (FieldKind::Number { .. }, other) => {
            Cell::Measure(other.map(|_| Measure::Number(0.0)).state_only())
        }
        _ => Cell::SheetText(v.map(|x| show::data_text(f, x, &m.site.money_unit))),
    }
}

trait StateOnly {
    /// The state of a value that is not of the expected kind (blank or "—").
    fn state_only(self) -> Self;
}

impl<T> StateOnly for SheetValue<T> {
    fn state_only(self) -> Self {
        match self {
            SheetValue::NotApplicable => SheetValue::NotApplicable,
            _ => SheetValue::Blank,
        }
    }
}

fn field_cells(m: &Model, sheet: &Sheet, fields: &Fields) -> Vec<Cell> {
    sheet
        .own_fields()
        .map(|f| field_cell(m, f, fields.get(&f.key)))
        .collect()
}

/// The added columns of data/programs.csv.
pub fn program_columns(m: &Model) -> Vec<Column> {
    let mut c = Vec::new();
    for l in &m.form.levels {
        c.push(col(
            &format!("plan_{}_code", l.key),
            &format!("{}コード", l.name),
            Kind::Text,
            &format!(
                "計画の体系上の{}のコード（位置付けのないときは null／空欄）",
                l.name
            ),
        ));
        c.push(col(
            &format!("plan_{}", l.key),
            &l.name,
            Kind::Text,
            &format!(
                "計画の体系上の{}（位置付けのないときは null／空欄）",
                l.name
            ),
        ));
    }
    for mc in MoneyColumn::ALL {
        c.push(money_col(
            m,
            &format!("money_{}", mc.key()),
            mc.label(),
            "年度の事業費（予算現額は書かれていなければ当初＋補正＋繰越＋流用）",
        ));
    }
    c.push(col(
        "settlement_is_estimate",
        "決算見込",
        Kind::Text,
        "決算額が決算見込のときは「決算見込」、確定なら「決算」",
    ));
    for (basis_key, basis) in [("budget", "予算"), ("settlement", "決算")] {
        for f in [
            FundingSource::NationalPrefectural,
            FundingSource::Beneficiary,
        ] {
            c.push(money_col(
                m,
                &format!("{basis_key}_funding_{}", f.key()),
                &format!("{basis}の財源内訳：{}", f.label()),
                "財源内訳。シートに財源内訳がない年度は blank",
            ));
        }
    }
    c.extend([
        Column {
            unit: Some("時間".into()),
            ..col(
                "staff_hours",
                "延べ業務時間",
                Kind::Measure,
                "職員の延べ業務時間",
            )
        },
        Column {
            unit: Some(format!("{}/時間", m.site.money_unit)),
            ..col("staff_rate", "時間単価", Kind::Measure, "人件費の時間単価")
        },
        money_col(
            m,
            "program_cost",
            "事業費",
            "トータルコストの事業費（決算額、なければ予算額）",
        ),
        money_col(
            m,
            "total_cost",
            "トータルコスト",
            "事業費＋人件費（シートに書かれていればその値）",
        ),
    ]);
    if let Some((stages, criteria)) = m.form.evaluation() {
        for s in stages {
            c.push(col(
                &format!("evaluation_{}", s.key),
                &s.name,
                Kind::SheetText,
                &format!("{}（選択肢：{}）", s.name, s.options.join("・")),
            ));
            c.push(col(
                &format!("evaluation_{}_reason", s.key),
                &format!("{}の理由", s.name),
                Kind::SheetText,
                &format!("{}の理由・所見", s.name),
            ));
        }
        for k in criteria {
            c.push(col(
                &format!("criterion_{}", k.key),
                &format!("{}：{}", k.group, k.question),
                Kind::SheetText,
                &format!("評価項目の回答（選択肢：{}）", k.options.join("・")),
            ));
            c.push(col(
                &format!("criterion_{}_reason", k.key),
                &format!("{}：{}の理由", k.group, k.question),
                Kind::SheetText,
                "評価項目の回答の理由",
            ));
        }
    }
    for (key, label, about) in placed_core(m) {
        c.push(col(key, label, Kind::SheetText, about));
    }
    c.extend(field_columns(m, &m.form.program, "事業のシートの項目"));
    c.extend(field_columns(m, &m.form.year, "年度のシートの項目"));
    c
}

/// The typed keys of program.toml that mieru's own columns leave out,
/// when the form places them: they get a column of their own.
const EXTRA_CORE: [(&str, &str); 4] = [
    ("purpose", "事業の目的"),
    ("related_departments", "関連部署（「、」区切り）"),
    ("start_year", "開始年度"),
    ("end_year", "終了年度"),
];

fn placed_core(m: &Model) -> Vec<(&'static str, &str, &'static str)> {
    EXTRA_CORE
        .iter()
        .filter_map(|(k, about)| {
            let f = m.form.program.field(k).filter(|f| f.is_core())?;
            Some((*k, f.label.as_str(), *about))
        })
        .collect()
}

/// The added cells of a program's row for year `y`.
pub fn program_cells(m: &Model, p: &Program, y: &ProgramYear) -> Vec<Cell> {
    let mut r = Vec::new();
    for li in 0..m.form.levels.len() {
        let node = p.place.get(li).copied().flatten().map(|n| &m.plan[n]);
        r.push(Cell::Text(node.map(|n| n.code.clone())));
        r.push(Cell::Text(node.map(|n| n.name.clone())));
    }
    for (_, _, v) in money_columns(y, MoneyColumn::ALL) {
        r.push(Cell::Money(v));
    }
    r.push(Cell::Text(match &y.settlement.amount {
        SheetValue::Value(_) => Some(
            if y.settlement.estimate {
                "決算見込"
            } else {
                "決算"
            }
            .into(),
        ),
        _ => None,
    }));
    let absent = if p.runs_in(y.year) {
        SheetValue::Blank
    } else {
        SheetValue::NotApplicable
    };
    for money in [&y.budget, &y.settlement] {
        for f in [
            FundingSource::NationalPrefectural,
            FundingSource::Beneficiary,
        ] {
            r.push(Cell::Money(
                money
                    .funding
                    .as_ref()
                    .map_or(absent.clone(), |fu| funding_value(fu, f)),
            ));
        }
    }
    let staff_num = |f: fn(&crate::model::Staff) -> &SheetValue<f64>| {
        Cell::Measure(
            y.staff
                .as_ref()
                .map_or(absent.map(|_| Measure::Number(0.0)), |s| {
                    f(s).map(|n| Measure::Number(*n))
                }),
        )
    };
    r.push(staff_num(|s| &s.hours));
    r.push(staff_num(|s| &s.rate));
    r.push(Cell::Money(y.program_cost()));
    r.push(Cell::Money(if y.staff.is_some() {
        y.total_cost()
    } else {
        absent.clone()
    }));
    if let Some((stages, criteria)) = m.form.evaluation() {
        for s in stages {
            let e = y.evaluations.iter().find(|e| e.stage == s.key);
            r.push(Cell::SheetText(
                e.and_then(|e| e.choice)
                    .and_then(|i| s.options.get(i).cloned())
                    .map_or(absent.map(|_| String::new()), SheetValue::Value),
            ));
            r.push(Cell::SheetText(
                e.map_or(absent.map(|_| String::new()), |e| e.reason.clone()),
            ));
        }
        for k in criteria {
            let a = y.criteria.iter().find(|a| a.key == k.key);
            r.push(Cell::SheetText(
                a.and_then(|a| a.answer)
                    .and_then(|i| k.options.get(i).cloned())
                    .map_or(absent.map(|_| String::new()), SheetValue::Value),
            ));
            r.push(Cell::SheetText(
                a.map_or(absent.map(|_| String::new()), |a| a.reason.clone()),
            ));
        }
    }
    for (key, _, _) in placed_core(m) {
        r.push(Cell::SheetText(match key {
            "purpose" => p.purpose.clone(),
            "related_departments" if p.related_departments.is_empty() => SheetValue::Blank,
            "related_departments" => SheetValue::Value(p.related_departments.join("、")),
            "start_year" => p
                .start_year
                .map_or(SheetValue::Blank, |y| SheetValue::Value(y.to_string())),
            _ => p
                .end_year
                .map_or(SheetValue::Blank, |y| SheetValue::Value(y.to_string())),
        }));
    }
    r.extend(field_cells(m, &m.form.program, &p.fields));
    r.extend(field_cells(m, &m.form.year, &y.fields));
    r
}

/// The added columns of data/policies.csv: the 施策 sheet's own fields.
pub fn policy_columns(m: &Model) -> Vec<Column> {
    field_columns(m, &m.form.policy, "施策シートの項目")
}

pub fn policy_cells(m: &Model, p: &Policy) -> Vec<Cell> {
    field_cells(m, &m.form.policy, &p.fields)
}
