//! The money chart: a year sheet's money columns (当初予算, 補正, 繰越, 流用,
//! 予算現額, 決算, 決算見込, 見込) as grouped bars per fiscal year. Each
//! column has its own fill or outline, a legend sample, and a label naming
//! it on every bar; a reduction (negative 補正) hangs below the zero line
//! and is written with △.

use super::frame::{
    draw_painted, err, legend, nice_ceiling, signed_money, text_style, Area, Err, Paint, BUDGET,
    GRID, INK, MUTED, SETTLEMENT,
};
use super::Chart;
use crate::model::value::SheetValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::FontTransform;

/// A money column of the year sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ColumnKind {
    /// 当初予算
    Initial,
    /// 補正 (negative for a reduction)
    Supplementary,
    /// 繰越
    CarriedOver,
    /// 流用
    Transfer,
    /// 予算現額
    Current,
    /// 決算
    Settlement,
    /// 決算見込
    SettlementEstimate,
    /// 見込
    Forecast,
}

impl ColumnKind {
    /// The column's name, as the desc and legend say it.
    pub fn label(self) -> &'static str {
        match self {
            ColumnKind::Initial => "当初予算",
            ColumnKind::Supplementary => "補正",
            ColumnKind::CarriedOver => "繰越",
            ColumnKind::Transfer => "流用",
            ColumnKind::Current => "予算現額",
            ColumnKind::Settlement => "決算",
            ColumnKind::SettlementEstimate => "決算見込",
            ColumnKind::Forecast => "見込",
        }
    }

    /// The short name written on each bar.
    fn short(self) -> &'static str {
        match self {
            ColumnKind::Initial => "当初",
            ColumnKind::Current => "現額",
            k => k.label(),
        }
    }

    fn paint(self) -> Paint {
        match self {
            ColumnKind::Initial => Paint::Outline(BUDGET),
            ColumnKind::Supplementary => Paint::Diagonal(BUDGET),
            ColumnKind::CarriedOver => Paint::Horizontal(BUDGET),
            ColumnKind::Transfer => Paint::Dots(BUDGET),
            ColumnKind::Current => Paint::Vertical(BUDGET),
            ColumnKind::Settlement => Paint::Solid(SETTLEMENT),
            ColumnKind::SettlementEstimate => Paint::Dashed(SETTLEMENT),
            ColumnKind::Forecast => Paint::Dotted(MUTED),
        }
    }

    fn legend(self) -> String {
        let how = match self {
            ColumnKind::Initial => "白抜き",
            ColumnKind::Supplementary => "斜線",
            ColumnKind::CarriedOver => "横線",
            ColumnKind::Transfer => "点",
            ColumnKind::Current => "縦線",
            ColumnKind::Settlement => "塗りつぶし",
            ColumnKind::SettlementEstimate => "破線の枠",
            ColumnKind::Forecast => "点線の枠",
        };
        format!("{}（{how}）", self.label())
    }
}

/// One money column of one year.
#[derive(Debug, Clone)]
pub struct MoneyColumn {
    pub kind: ColumnKind,
    pub value: SheetValue<i64>,
}

/// One fiscal year of a money chart, its columns in the form's order.
#[derive(Debug, Clone)]
pub struct MoneyYear {
    /// 和暦 label, e.g. 令和3年度.
    pub label: String,
    pub columns: Vec<MoneyColumn>,
}

const SLOT: u32 = 30;
const GAP: u32 = 28;
const Y_AREA: u32 = 96;
const RIGHT: u32 = 24;
const HEIGHT: u32 = 480;

/// Grouped bars of every money column by fiscal year. `unit_label` is the
/// money unit (千円) for the axis; `money` writes an amount with its unit.
pub fn money_chart(
    title: &str,
    unit_label: &str,
    years: &[MoneyYear],
    money: impl Fn(i64) -> String,
) -> Result<Chart, Err> {
    let desc = money_desc(title, unit_label, years, &money);
    let per_year = years
        .iter()
        .map(|y| y.columns.len())
        .max()
        .unwrap_or(1)
        .max(1) as u32;
    let n = years.len().max(1) as u32;
    let width = (Y_AREA + 10 + RIGHT + n * (per_year * SLOT + GAP)).max(super::frame::WIDTH);
    draw_painted(title, desc, (width, HEIGHT), |root| {
        draw_money(root, title, unit_label, years, &money)
    })
}

/// The text on a bar: the column's short name and its amount or state.
fn bar_label(c: &MoneyColumn, money: &impl Fn(i64) -> String) -> String {
    let what = match &c.value {
        SheetValue::Value(v) => signed_money(*v, money),
        SheetValue::NotApplicable => "—（該当なし）".to_string(),
        SheetValue::Blank => "未記入".to_string(),
    };
    format!("{} {what}", c.kind.short())
}

fn draw_money(
    root: &Area,
    title: &str,
    unit_label: &str,
    years: &[MoneyYear],
    money: &impl Fn(i64) -> String,
) -> Result<(), Err> {
    let (width, _) = root.dim_in_pixel();
    root.draw(&Text::new(
        title.to_string(),
        (width as i32 / 2, 14),
        text_style(20.0, INK, HPos::Center, VPos::Top),
    ))
    .map_err(err)?;
    let mut kinds: Vec<ColumnKind> = Vec::new();
    for c in years.iter().flat_map(|y| &y.columns) {
        if !kinds.contains(&c.kind) {
            kinds.push(c.kind);
        }
    }
    let items: Vec<(Paint, String)> = kinds.iter().map(|k| (k.paint(), k.legend())).collect();
    let band = legend(
        root,
        &items,
        (Y_AREA as i32, 44),
        width as i32 - Y_AREA as i32 - RIGHT as i32,
    )?;
    // The plot sits under the legend; what is drawn at the chart's backend
    // coordinates is drawn on `root`, whose origin they are.
    let (_, body) = root.split_vertically(44 + band + 4);

    // The value range, with room for the rotated labels above and below.
    let label_style =
        text_style(13.0, INK, HPos::Left, VPos::Center).transform(FontTransform::Rotate270);
    let mut marks: Vec<(f64, f64)> = Vec::new(); // (value, label length in px)
    for c in years.iter().flat_map(|y| &y.columns) {
        let (w, _) = body
            .estimate_text_size(&bar_label(c, money), &label_style)
            .map_err(err)?;
        let v = c.value.value().copied().unwrap_or(0) as f64;
        marks.push((v, w as f64 + 8.0));
    }
    let probe = ChartBuilder::on(&body)
        .margin_top(6)
        .margin_right(RIGHT)
        .x_label_area_size(34)
        .y_label_area_size(Y_AREA)
        .build_cartesian_2d(0f64..1.0, 0f64..1.0)
        .map_err(err)?;
    let plot_h = probe.plotting_area().dim_in_pixel().1.max(1) as f64;
    let (lo, hi) = value_range(&marks, plot_h);

    let n = years.len().max(1) as f64;
    let mut chart = ChartBuilder::on(&body)
        .margin_top(6)
        .margin_right(RIGHT)
        .x_label_area_size(34)
        .y_label_area_size(Y_AREA)
        .build_cartesian_2d(0f64..n, lo..hi)
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
        .y_label_formatter(&|v| crate::model::format::group_thousands(v.round() as i64))
        .y_desc(format!("金額（{unit_label}）"))
        .axis_desc_style(text_style(15.0, INK, HPos::Center, VPos::Center))
        .draw()
        .map_err(err)?;
    // The zero line, drawn over the grid so reductions read as below it.
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (n, 0.0)],
            INK.stroke_width(2),
        )))
        .map_err(err)?;

    let year_style = text_style(16.0, INK, HPos::Center, VPos::Top);
    let down_style =
        text_style(13.0, INK, HPos::Right, VPos::Center).transform(FontTransform::Rotate270);
    let state_style =
        text_style(13.0, MUTED, HPos::Left, VPos::Center).transform(FontTransform::Rotate270);
    let slot = 1.0
        / (years
            .iter()
            .map(|y| y.columns.len())
            .max()
            .unwrap_or(1)
            .max(1) as f64
            + 1.0);
    for (i, y) in years.iter().enumerate() {
        let x = i as f64;
        let (cx, bottom) = chart.backend_coord(&(x + 0.5, lo));
        root.draw(&Text::new(
            y.label.clone(),
            (cx, bottom + 8),
            year_style.clone(),
        ))
        .map_err(err)?;
        for (k, c) in y.columns.iter().enumerate() {
            let left = x + slot * (0.5 + k as f64) + slot * 0.1;
            let right = left + slot * 0.8;
            let (bx, zero) = chart.backend_coord(&((left + right) / 2.0, 0.0));
            let label = bar_label(c, money);
            match c.value {
                SheetValue::Value(v) => {
                    let (x0, _) = chart.backend_coord(&(left, 0.0));
                    let (x1, end) = chart.backend_coord(&(right, v as f64));
                    if v != 0 {
                        c.kind.paint().draw(root, (x0, zero), (x1, end))?;
                    }
                    let (at, style) = if v < 0 {
                        ((bx, end + 4), down_style.clone())
                    } else {
                        ((bx, end - 4), label_style.clone())
                    };
                    root.draw(&Text::new(label, at, style)).map_err(err)?;
                }
                SheetValue::NotApplicable | SheetValue::Blank => {
                    root.draw(&Text::new(label, (bx, zero - 4), state_style.clone()))
                        .map_err(err)?;
                }
            }
        }
    }
    Ok(())
}

/// The low and high ends of the value axis: every value and zero, with
/// room for each label (`(value, length in pixels)`) beyond its bar.
fn value_range(marks: &[(f64, f64)], plot_h: f64) -> (f64, f64) {
    let max = marks.iter().map(|m| m.0).fold(0.0f64, f64::max);
    let min = marks.iter().map(|m| m.0).fold(0.0f64, f64::min);
    let up = marks
        .iter()
        .filter(|m| m.0 >= 0.0)
        .map(|m| m.1)
        .fold(0.0f64, f64::max);
    let down = marks
        .iter()
        .filter(|m| m.0 < 0.0)
        .map(|m| m.1)
        .fold(0.0f64, f64::max);
    // Fractions of the plot the labels need, kept so bars have room too.
    let fu = (up / plot_h).min(0.45);
    let fd = (down / plot_h).min(0.45);
    let span = (max - min).max(1.0);
    let range = span / (1.0 - fu - fd).max(0.1);
    let hi = nice_ceiling(max + fu * range);
    let lo = if min < 0.0 {
        -nice_ceiling(-(min - fd * range))
    } else {
        0.0
    };
    (lo, hi.max(1.0))
}

/// The chart's description: every year, every column, with its amount or
/// its state (未記入, 該当なし).
pub fn money_desc(
    title: &str,
    unit_label: &str,
    years: &[MoneyYear],
    money: &impl Fn(i64) -> String,
) -> String {
    let parts: Vec<String> = years
        .iter()
        .map(|y| {
            let cols: Vec<String> = y
                .columns
                .iter()
                .map(|c| {
                    let v = match &c.value {
                        SheetValue::Value(n) => signed_money(*n, money),
                        SheetValue::NotApplicable => "該当なし（—）".to_string(),
                        SheetValue::Blank => "未記入".to_string(),
                    };
                    format!("{}{v}", c.kind.label())
                })
                .collect();
            if cols.is_empty() {
                format!("{}は金額の記入がありません", y.label)
            } else {
                format!("{}は{}", y.label, cols.join("、"))
            }
        })
        .collect();
    if parts.is_empty() {
        format!("{title}（単位：{unit_label}）。年度のデータはありません。")
    } else {
        format!("{title}（単位：{unit_label}）。{}。", parts.join("。"))
    }
}

#[cfg(test)]
mod tests {
    use super::super::frame::testing::{check, font, rects, texts};
    use super::*;

    fn money(n: i64) -> String {
        crate::model::format::money(n, "千円")
    }

    fn col(kind: ColumnKind, value: SheetValue<i64>) -> MoneyColumn {
        MoneyColumn { kind, value }
    }

    fn years() -> Vec<MoneyYear> {
        use ColumnKind::*;
        use SheetValue::*;
        vec![
            MoneyYear {
                label: "令和4年度".into(),
                columns: vec![
                    col(Initial, Value(5000)),
                    col(Supplementary, Value(-1200)),
                    col(CarriedOver, NotApplicable),
                    col(Transfer, Blank),
                    col(Current, Value(3800)),
                    col(Settlement, Value(3500)),
                ],
            },
            MoneyYear {
                label: "令和5年度".into(),
                columns: vec![
                    col(Initial, Value(4000)),
                    col(Supplementary, Value(300)),
                    col(CarriedOver, Value(100)),
                    col(Transfer, Value(0)),
                    col(Current, Value(4400)),
                    col(SettlementEstimate, Value(4100)),
                    col(Forecast, Blank),
                ],
            },
        ]
    }

    fn chart() -> Chart {
        font();
        money_chart("事業費の推移 <&\">", "千円", &years(), money).unwrap()
    }

    #[test]
    fn desc_names_every_year_column_and_state() {
        let c = chart();
        let desc = check(&c.svg);
        assert_eq!(desc, c.desc);
        for s in [
            "（単位：千円）",
            "令和4年度は当初予算5,000千円、補正△1,200千円、繰越該当なし（—）、流用未記入、予算現額3,800千円、決算3,500千円",
            "令和5年度は当初予算4,000千円、補正300千円、繰越100千円、流用0千円、予算現額4,400千円、決算見込4,100千円、見込未記入",
        ] {
            assert!(desc.contains(s), "{desc}");
        }
    }

    #[test]
    fn every_bar_is_labelled_and_states_are_written() {
        let t = texts(&chart().svg);
        for s in [
            "当初 5,000千円",
            "補正 △1,200千円",
            "繰越 —（該当なし）",
            "流用 未記入",
            "決算見込 4,100千円",
            "見込 未記入",
            "令和4年度",
            "令和5年度",
            "補正（斜線）",
            "見込（点線の枠）",
        ] {
            assert!(t.iter().any(|x| x == s), "lacks {s}: {t:?}");
        }
    }

    #[test]
    fn a_reduction_hangs_below_the_zero_line() {
        let svg = chart().svg;
        // 補正 bars: hatched in the budget colour.
        let hatched = rects(&svg, "url(#mieru-p20)");
        // The legend sample, the −1,200 bar and the +300 bar.
        assert_eq!(hatched.len(), 3, "{hatched:?}");
        let (_, neg_top, neg_h) = hatched[1];
        let (_, pos_top, pos_h) = hatched[2];
        let zero = pos_top + pos_h;
        assert_eq!(neg_top, zero, "a reduction starts at the zero line");
        assert!(neg_h > 0);
        assert!(neg_top + neg_h > zero, "and goes below it");
    }

    #[test]
    fn blank_dash_and_zero_draw_no_bar() {
        let svg = chart().svg;
        // 繰越: one legend sample and one bar (100), none for "—".
        assert_eq!(rects(&svg, "url(#mieru-p30)").len(), 2);
        // 流用: the legend sample only (blank, and 0 has no height).
        assert_eq!(rects(&svg, "url(#mieru-p50)").len(), 1);
        // 見込 (blank): the legend sample's outline only.
        let forecast = svg.matches("stroke-dasharray=\"2 3\"").count();
        assert_eq!(forecast, 1);
    }

    #[test]
    fn data_text_is_escaped_and_output_is_stable() {
        let a = chart();
        let b = chart();
        assert_eq!(a.svg, b.svg);
        assert!(a.svg.contains("事業費の推移 &lt;&amp;&quot;&gt;"));
        let mut y = years();
        y[0].label = "<令和&\"4年度".into();
        let c = money_chart("t", "千円", &y, money).unwrap();
        check(&c.svg);
        assert!(c.svg.contains("&lt;令和&amp;&quot;4年度"));
    }

    #[test]
    fn no_years_is_still_a_document() {
        font();
        let c = money_chart("事業費", "千円", &[], money).unwrap();
        assert!(check(&c.svg).contains("年度のデータはありません"));
    }
}
