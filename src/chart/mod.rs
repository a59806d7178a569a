//! Charts: budget against settlement by fiscal year, and an indicator's
//! path from baseline to target with its actual values (here); a year
//! sheet's money columns (`money`), total cost (`cost`) and an indicator's
//! target/actual/forecast series (`series`). Drawn with plotters' SVG
//! backend, text measured with the theme's font, then made a document
//! (`frame`): `role="img"`, `<title>` and a `<desc>` sentence carrying the
//! numbers.
//!
//! Nothing here relies on colour alone: bars are identified by their label
//! and fill pattern, points by marker shape and a text label. A value that
//! is "—" or blank is written at its place, never drawn as a zero bar.

mod cost;
mod font;
mod frame;
mod money;
mod series;

pub use cost::{cost_chart, cost_desc, CostYear};
pub use font::register_font;
pub use frame::escape_xml;
pub use money::{money_chart, money_desc, ColumnKind, MoneyColumn, MoneyYear};
pub use series::{series_chart, series_desc, SeriesYear};

use crate::model::value::{Measure, SheetValue};
use frame::{draw, err, nice_ceiling, text_style, Err, BUDGET, FONT, GRID, INK, MUTED, SETTLEMENT};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// A finished chart: the SVG document and its accessible text.
#[derive(Debug, Clone)]
pub struct Chart {
    pub title: String,
    pub desc: String,
    pub svg: String,
}

/// One fiscal year of a budget chart.
#[derive(Debug, Clone)]
pub struct BudgetYear {
    /// 和暦 label, e.g. 令和3年度.
    pub label: String,
    pub budget: SheetValue<i64>,
    pub settlement: SheetValue<i64>,
}

/// One point of an indicator chart.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorPoint {
    pub year: i32,
    pub value: f64,
}

#[derive(Debug, Clone)]
pub struct IndicatorSeries {
    pub name: String,
    pub unit: String,
    pub baseline: IndicatorPoint,
    pub target: IndicatorPoint,
    pub actuals: Vec<IndicatorPoint>,
    /// Actual values that are not numbers (text, "—", blank), by year:
    /// said in the desc, never plotted.
    pub other_actuals: Vec<(i32, SheetValue<Measure>)>,
}

/// A bar chart of 予算額 and 決算額 by fiscal year.
pub fn budget_chart(
    title: &str,
    years: &[BudgetYear],
    unit: &str,
    money: impl Fn(i64) -> String,
) -> Result<Chart, Err> {
    let desc = budget_desc(title, years, &money);
    draw(title, desc, |root| {
        draw_budget(root, title, years, unit, &money)
    })
}

fn draw_budget(
    root: &DrawingArea<SVGBackend, Shift>,
    title: &str,
    years: &[BudgetYear],
    unit: &str,
    money: &impl Fn(i64) -> String,
) -> Result<(), Err> {
    let max = years
        .iter()
        .flat_map(|y| [y.budget.value(), y.settlement.value()])
        .flatten()
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let top = nice_ceiling(max as f64 * 1.2);
    let n = years.len().max(1) as f64;
    let mut chart = ChartBuilder::on(root)
        .margin_top(14)
        .margin_left(10)
        .margin_right(24)
        .caption(title, (FONT, 20).into_font().color(&INK))
        .x_label_area_size(62)
        .y_label_area_size(96)
        .build_cartesian_2d(0f64..n, 0f64..top)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(6)
        .max_light_lines(0)
        .bold_line_style(GRID)
        .axis_style(INK)
        .y_label_style(text_style(15.0, INK, HPos::Right, VPos::Center))
        .y_label_formatter(&|v| crate::model::format::group_thousands(*v as i64))
        .y_desc(format!("金額（{unit}）"))
        .axis_desc_style(text_style(15.0, INK, HPos::Center, VPos::Center))
        .draw()
        .map_err(err)?;

    let label_style = text_style(14.0, INK, HPos::Center, VPos::Top);
    let year_style = text_style(16.0, INK, HPos::Center, VPos::Top);
    let value_style = text_style(14.0, INK, HPos::Center, VPos::Bottom);
    let state_style = text_style(14.0, MUTED, HPos::Center, VPos::Bottom);
    for (i, y) in years.iter().enumerate() {
        let x = i as f64;
        let (_, axis_y) = chart.backend_coord(&(x, 0.0));
        let (cx, _) = chart.backend_coord(&(x + 0.5, 0.0));
        root.draw(&Text::new(
            y.label.clone(),
            (cx, axis_y + 26),
            year_style.clone(),
        ))
        .map_err(err)?;
        for (left, right, value, colour, name) in [
            (x + 0.14, x + 0.48, &y.budget, BUDGET, "予算"),
            (x + 0.52, x + 0.86, &y.settlement, SETTLEMENT, "決算"),
        ] {
            let (bx, _) = chart.backend_coord(&((left + right) / 2.0, 0.0));
            root.draw(&Text::new(name, (bx, axis_y + 6), label_style.clone()))
                .map_err(err)?;
            match value {
                SheetValue::Value(v) => {
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(left, 0.0), (right, *v as f64)],
                            colour.filled(),
                        )))
                        .map_err(err)?;
                    let (_, ty) = chart.backend_coord(&(left, *v as f64));
                    root.draw(&Text::new(money(*v), (bx, ty - 4), value_style.clone()))
                        .map_err(err)?;
                }
                SheetValue::NotApplicable => {
                    root.draw(&Text::new("—", (bx, axis_y - 24), state_style.clone()))
                        .map_err(err)?;
                    root.draw(&Text::new(
                        "該当なし",
                        (bx, axis_y - 6),
                        state_style.clone(),
                    ))
                    .map_err(err)?;
                }
                SheetValue::Blank => {
                    root.draw(&Text::new("未記入", (bx, axis_y - 6), state_style.clone()))
                        .map_err(err)?;
                }
            }
        }
    }
    Ok(())
}

pub fn budget_desc(title: &str, years: &[BudgetYear], money: &impl Fn(i64) -> String) -> String {
    let show = |v: &SheetValue<i64>| match v {
        SheetValue::Value(n) => money(*n),
        SheetValue::NotApplicable => "該当なし（—）".to_string(),
        SheetValue::Blank => "未記入".to_string(),
    };
    let parts: Vec<String> = years
        .iter()
        .map(|y| {
            format!(
                "{}は予算額{}、決算額{}",
                y.label,
                show(&y.budget),
                show(&y.settlement)
            )
        })
        .collect();
    if parts.is_empty() {
        format!("{title}。年度のデータはありません。")
    } else {
        format!("{title}。{}。", parts.join("、"))
    }
}

/// A line chart of an indicator: the straight path from baseline to target
/// and the actual values measured so far.
pub fn indicator_chart(title: &str, s: &IndicatorSeries) -> Result<Chart, Err> {
    let desc = indicator_desc(title, s);
    draw(title, desc, |root| draw_indicator(root, title, s))
}

fn draw_indicator(
    root: &DrawingArea<SVGBackend, Shift>,
    title: &str,
    s: &IndicatorSeries,
) -> Result<(), Err> {
    let all: Vec<&IndicatorPoint> = [&s.baseline, &s.target]
        .into_iter()
        .chain(&s.actuals)
        .collect();
    let first = all.iter().map(|p| p.year).min().unwrap_or(s.baseline.year);
    let last = all
        .iter()
        .map(|p| p.year)
        .max()
        .unwrap_or(s.target.year)
        .max(first + 1);
    let max = all.iter().map(|p| p.value).fold(0.0f64, f64::max);
    let top = nice_ceiling(if max > 0.0 { max * 1.3 } else { 1.0 });
    let unit = s.unit.clone();
    let fmt = move |v: f64| format!("{}{}", crate::model::format::number(v), unit);
    let mut chart = ChartBuilder::on(root)
        .margin_top(14)
        .margin_left(10)
        .margin_right(40)
        .caption(title, (FONT, 20).into_font().color(&INK))
        .x_label_area_size(40)
        .y_label_area_size(72)
        .build_cartesian_2d((first as f64 - 0.5)..(last as f64 + 0.5), 0f64..top)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(6)
        .max_light_lines(0)
        .bold_line_style(GRID)
        .axis_style(INK)
        .y_label_style(text_style(15.0, INK, HPos::Right, VPos::Center))
        .y_label_formatter(&|v| fmt(*v))
        .draw()
        .map_err(err)?;

    let year_style = text_style(15.0, INK, HPos::Center, VPos::Top);
    for year in first..=last {
        let (x, y) = chart.backend_coord(&(year as f64, 0.0));
        root.draw(&Text::new(
            format!("{year}年"),
            (x, y + 8),
            year_style.clone(),
        ))
        .map_err(err)?;
    }

    // The path toward the target: dashed, in the budget colour.
    let path_style = ShapeStyle::from(&BUDGET).stroke_width(2);
    chart
        .draw_series(DashedLineSeries::new(
            [
                (s.baseline.year as f64, s.baseline.value),
                (s.target.year as f64, s.target.value),
            ],
            8,
            6,
            path_style,
        ))
        .map_err(err)?;
    if !s.actuals.is_empty() {
        chart
            .draw_series(LineSeries::new(
                s.actuals.iter().map(|p| (p.year as f64, p.value)),
                ShapeStyle::from(&SETTLEMENT).stroke_width(3),
            ))
            .map_err(err)?;
        chart
            .draw_series(s.actuals.iter().map(|p| {
                let (x, y) = (p.year as f64, p.value);
                Rectangle::new([(x, y), (x, y)], SETTLEMENT.filled())
            }))
            .map_err(err)?;
    }

    let label = text_style(14.0, INK, HPos::Center, VPos::Bottom);
    let mark = |p: &IndicatorPoint| chart.backend_coord(&(p.year as f64, p.value));
    let (bx, by) = mark(&s.baseline);
    root.draw(&Circle::new((bx, by), 6, BUDGET.filled()))
        .map_err(err)?;
    root.draw(&Text::new(
        format!("基準値 {}", fmt(s.baseline.value)),
        (bx, by - 10),
        label.clone(),
    ))
    .map_err(err)?;
    let (tx, ty) = mark(&s.target);
    root.draw(&TriangleMarker::new((tx, ty), 9, BUDGET.filled()))
        .map_err(err)?;
    root.draw(&Text::new(
        format!("目標値 {}", fmt(s.target.value)),
        (tx, ty - 12),
        label.clone(),
    ))
    .map_err(err)?;
    for p in &s.actuals {
        let (x, y) = mark(p);
        root.draw(&Rectangle::new(
            [(x - 6, y - 6), (x + 6, y + 6)],
            SETTLEMENT.filled(),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            format!("実績 {}", fmt(p.value)),
            (x, y + 26),
            label.clone(),
        ))
        .map_err(err)?;
    }

    // Legend, in words and shapes.
    let (lx, ly) = chart.backend_coord(&(first as f64 - 0.4, top));
    let legend = text_style(14.0, INK, HPos::Left, VPos::Center);
    root.draw(&Circle::new((lx + 8, ly + 14), 5, BUDGET.filled()))
        .map_err(err)?;
    root.draw(&Text::new("基準値", (lx + 18, ly + 14), legend.clone()))
        .map_err(err)?;
    root.draw(&TriangleMarker::new((lx + 80, ly + 14), 7, BUDGET.filled()))
        .map_err(err)?;
    root.draw(&Text::new("目標値", (lx + 90, ly + 14), legend.clone()))
        .map_err(err)?;
    root.draw(&PathElement::new(
        vec![(lx + 148, ly + 14), (lx + 156, ly + 14)],
        path_style,
    ))
    .map_err(err)?;
    root.draw(&PathElement::new(
        vec![(lx + 162, ly + 14), (lx + 170, ly + 14)],
        path_style,
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        "目標への道筋（破線）",
        (lx + 176, ly + 14),
        legend.clone(),
    ))
    .map_err(err)?;
    root.draw(&Rectangle::new(
        [(lx + 330, ly + 9), (lx + 340, ly + 19)],
        SETTLEMENT.filled(),
    ))
    .map_err(err)?;
    root.draw(&Text::new("実績値", (lx + 346, ly + 14), legend.clone()))
        .map_err(err)?;
    if s.actuals.is_empty() {
        let (cx, cy) = chart.backend_coord(&((first + last) as f64 / 2.0, top * 0.12));
        let text = if s
            .other_actuals
            .iter()
            .any(|(_, v)| matches!(v, SheetValue::Value(Measure::Text(_))))
        {
            "実績値は文字で記入されています（表をご覧ください）"
        } else {
            "実績値はまだありません"
        };
        root.draw(&Text::new(
            text,
            (cx, cy),
            text_style(16.0, MUTED, HPos::Center, VPos::Center),
        ))
        .map_err(err)?;
    }
    Ok(())
}

pub fn indicator_desc(title: &str, s: &IndicatorSeries) -> String {
    let n = |v: f64| format!("{}{}", crate::model::format::number(v), s.unit);
    let mut out = format!(
        "{title}。基準値は{}年の{}、目標値は{}年の{}。",
        s.baseline.year,
        n(s.baseline.value),
        s.target.year,
        n(s.target.value)
    );
    let text = s
        .other_actuals
        .iter()
        .any(|(_, v)| matches!(v, SheetValue::Value(Measure::Text(_))));
    if s.actuals.is_empty() && !text {
        out.push_str("実績値はまだありません。");
    } else if !s.actuals.is_empty() {
        let parts: Vec<String> = s
            .actuals
            .iter()
            .map(|p| format!("{}年は{}", p.year, n(p.value)))
            .collect();
        out.push_str(&format!("実績値は{}。", parts.join("、")));
    }
    for (year, v) in &s.other_actuals {
        out.push_str(&match v {
            SheetValue::Value(Measure::Text(t)) => {
                format!("{year}年の実績値は文字で記入されています（「{t}」）。")
            }
            SheetValue::Value(Measure::Number(x)) => format!("{year}年の実績値は{}。", n(*x)),
            SheetValue::NotApplicable => format!("{year}年の実績値は該当なし（—）。"),
            SheetValue::Blank => format!("{year}年の実績値は未記入。"),
        });
    }
    out
}
#[cfg(test)]
mod tests {
    use super::*;

    fn series(other_actuals: Vec<(i32, SheetValue<Measure>)>) -> IndicatorSeries {
        IndicatorSeries {
            name: "満足度".into(),
            unit: "%".into(),
            baseline: IndicatorPoint {
                year: 2017,
                value: 12.3,
            },
            target: IndicatorPoint {
                year: 2022,
                value: 17.3,
            },
            actuals: Vec::new(),
            other_actuals,
        }
    }

    #[test]
    fn text_actuals_are_said_to_be_text_not_missing() {
        frame::testing::font();
        let s = series(vec![(
            2020,
            SheetValue::Value(Measure::Text("調査中".into())),
        )]);
        let desc = indicator_desc("満足度", &s);
        assert!(!desc.contains("まだありません"), "{desc}");
        assert!(
            desc.contains("2020年の実績値は文字で記入されています（「調査中」）"),
            "{desc}"
        );
        let c = indicator_chart("満足度", &s).unwrap();
        assert_eq!(frame::testing::check(&c.svg), desc);
        assert!(frame::testing::texts(&c.svg)
            .iter()
            .any(|t| t == "実績値は文字で記入されています（表をご覧ください）"));
    }

    #[test]
    fn missing_actuals_are_said_with_their_state() {
        let none = indicator_desc("満足度", &series(Vec::new()));
        assert!(none.ends_with("実績値はまだありません。"), "{none}");
        let s = series(vec![
            (2020, SheetValue::NotApplicable),
            (2021, SheetValue::Blank),
        ]);
        let desc = indicator_desc("満足度", &s);
        assert!(desc.contains("実績値はまだありません。"), "{desc}");
        assert!(desc.contains("2020年の実績値は該当なし（—）。"), "{desc}");
        assert!(desc.contains("2021年の実績値は未記入。"), "{desc}");
    }
}
