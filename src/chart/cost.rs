//! The total-cost chart: 事業費 and 人件費 stacked into トータルコスト per
//! fiscal year. The two parts differ in fill (solid, hatched), are named in
//! the legend and under each bar with their amounts, and the total is
//! written above the bar.

use super::frame::{
    draw_painted, err, legend, nice_ceiling, signed_money, text_style, Area, Err, Paint, BUDGET,
    GRID, INK, MUTED, SETTLEMENT,
};
use super::Chart;
use crate::model::value::SheetValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// One fiscal year of a total-cost chart.
#[derive(Debug, Clone)]
pub struct CostYear {
    /// 和暦 label, e.g. 令和3年度.
    pub label: String,
    /// 事業費
    pub program_cost: SheetValue<i64>,
    /// 人件費
    pub staff_cost: SheetValue<i64>,
    /// トータルコスト, as written or computed by the caller.
    pub total: SheetValue<i64>,
}

const PROGRAM: Paint = Paint::Solid(BUDGET);
const STAFF: Paint = Paint::Diagonal(SETTLEMENT);
const Y_AREA: u32 = 96;
const RIGHT: u32 = 24;

fn show(v: &SheetValue<i64>, money: &impl Fn(i64) -> String) -> String {
    match v {
        SheetValue::Value(n) => signed_money(*n, money),
        SheetValue::NotApplicable => "—（該当なし）".to_string(),
        SheetValue::Blank => "未記入".to_string(),
    }
}

/// Stacked bars of 事業費 + 人件費 = トータルコスト by fiscal year.
pub fn cost_chart(
    title: &str,
    years: &[CostYear],
    money: impl Fn(i64) -> String,
) -> Result<Chart, Err> {
    let desc = cost_desc(title, years, &money);
    let width = (Y_AREA + RIGHT + 10 + 170 * years.len().max(1) as u32).max(super::frame::WIDTH);
    draw_painted(title, desc, (width, 420), |root| {
        draw_cost(root, title, years, &money)
    })
}

fn draw_cost(
    root: &Area,
    title: &str,
    years: &[CostYear],
    money: &impl Fn(i64) -> String,
) -> Result<(), Err> {
    let (width, _) = root.dim_in_pixel();
    root.draw(&Text::new(
        title.to_string(),
        (width as i32 / 2, 14),
        text_style(20.0, INK, HPos::Center, VPos::Top),
    ))
    .map_err(err)?;
    let items = [
        (PROGRAM, "事業費（塗りつぶし）".to_string()),
        (STAFF, "人件費（斜線）".to_string()),
    ];
    let band = legend(root, &items, (Y_AREA as i32, 44), width as i32)?;
    // The plot sits under the legend; what is drawn at the chart's backend
    // coordinates is drawn on `root`, whose origin they are.
    let (_, body) = root.split_vertically(44 + band + 4);

    let part = |v: &SheetValue<i64>| v.value().copied().unwrap_or(0);
    let ups = years
        .iter()
        .map(|y| part(&y.program_cost).max(0) + part(&y.staff_cost).max(0))
        .chain(years.iter().filter_map(|y| y.total.value().copied()))
        .max()
        .unwrap_or(0)
        .max(1);
    let downs = years
        .iter()
        .map(|y| part(&y.program_cost).min(0) + part(&y.staff_cost).min(0))
        .min()
        .unwrap_or(0);
    let hi = nice_ceiling(ups as f64 * 1.2);
    let lo = if downs < 0 {
        -nice_ceiling(-downs as f64 * 1.2)
    } else {
        0.0
    };
    let n = years.len().max(1) as f64;
    let mut chart = ChartBuilder::on(&body)
        .margin_top(6)
        .margin_right(RIGHT)
        .x_label_area_size(70)
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
        .axis_desc_style(text_style(15.0, INK, HPos::Center, VPos::Center))
        .draw()
        .map_err(err)?;
    if lo < 0.0 {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (n, 0.0)],
                INK.stroke_width(2),
            )))
            .map_err(err)?;
    }

    let year_style = text_style(16.0, INK, HPos::Center, VPos::Top);
    let line_style = text_style(13.0, INK, HPos::Left, VPos::Center);
    let total_style = text_style(14.0, INK, HPos::Center, VPos::Bottom);
    for (i, y) in years.iter().enumerate() {
        let x = i as f64;
        let (cx, bottom) = chart.backend_coord(&(x + 0.5, lo));
        root.draw(&Text::new(
            y.label.clone(),
            (cx, bottom + 6),
            year_style.clone(),
        ))
        .map_err(err)?;
        // Under the year: each part with its sample and amount.
        for (row, (paint, name, v)) in [
            (PROGRAM, "事業費", &y.program_cost),
            (STAFF, "人件費", &y.staff_cost),
        ]
        .into_iter()
        .enumerate()
        {
            let ly = bottom + 36 + 18 * row as i32;
            let (lx, _) = chart.backend_coord(&(x + 0.1, 0.0));
            paint.draw(root, (lx, ly - 5), (lx + 10, ly + 5))?;
            let colour = if v.value().is_some() { INK } else { MUTED };
            let style = text_style(13.0, colour, HPos::Left, VPos::Center);
            root.draw(&Text::new(
                format!("{name} {}", show(v, money)),
                (lx + 14, ly),
                if v.value().is_some() {
                    line_style.clone()
                } else {
                    style
                },
            ))
            .map_err(err)?;
        }
        // The stack: 事業費 from the zero line, 人件費 on top of it
        // (a negative part hangs below the line).
        let (x0, zero) = chart.backend_coord(&(x + 0.3, 0.0));
        let (x1, _) = chart.backend_coord(&(x + 0.7, 0.0));
        let (mut up, mut down) = (0i64, 0i64);
        for (paint, v) in [(PROGRAM, &y.program_cost), (STAFF, &y.staff_cost)] {
            let Some(&v) = v.value() else { continue };
            let base = if v >= 0 { &mut up } else { &mut down };
            let (_, a) = chart.backend_coord(&(x, *base as f64));
            *base += v;
            let (_, b) = chart.backend_coord(&(x, *base as f64));
            if v != 0 {
                paint.draw(root, (x0, a), (x1, b))?;
            }
        }
        let (_, top) = chart.backend_coord(&(x, up as f64));
        let top = top.min(zero);
        root.draw(&Text::new(
            format!("計 {}", show(&y.total, money)),
            (cx, top - 4),
            total_style.clone(),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// The chart's description: every year's 事業費, 人件費 and トータルコスト,
/// with the states (未記入, 該当なし) where a value is not written.
pub fn cost_desc(title: &str, years: &[CostYear], money: &impl Fn(i64) -> String) -> String {
    let desc = |v: &SheetValue<i64>| match v {
        SheetValue::NotApplicable => "該当なし（—）".to_string(),
        v => show(v, money),
    };
    let parts: Vec<String> = years
        .iter()
        .map(|y| {
            format!(
                "{}は事業費{}、人件費{}、トータルコスト{}",
                y.label,
                desc(&y.program_cost),
                desc(&y.staff_cost),
                desc(&y.total)
            )
        })
        .collect();
    if parts.is_empty() {
        format!("{title}。年度のデータはありません。")
    } else {
        format!("{title}。{}。", parts.join("。"))
    }
}

#[cfg(test)]
mod tests {
    use super::super::frame::testing::{check, font, rects, texts};
    use super::*;
    use SheetValue::*;

    fn money(n: i64) -> String {
        crate::model::format::money(n, "千円")
    }

    fn years() -> Vec<CostYear> {
        vec![
            CostYear {
                label: "令和4年度".into(),
                program_cost: Value(3000),
                staff_cost: Value(1500),
                total: Value(4500),
            },
            CostYear {
                label: "令和5年度".into(),
                program_cost: NotApplicable,
                staff_cost: Value(800),
                total: Value(800),
            },
            CostYear {
                label: "令和6年度".into(),
                program_cost: Blank,
                staff_cost: Blank,
                total: Blank,
            },
        ]
    }

    fn chart() -> Chart {
        font();
        cost_chart("トータルコスト <&\">", &years(), money).unwrap()
    }

    #[test]
    fn desc_names_every_part_and_state() {
        let c = chart();
        let desc = check(&c.svg);
        assert_eq!(desc, c.desc);
        for s in [
            "令和4年度は事業費3,000千円、人件費1,500千円、トータルコスト4,500千円",
            "令和5年度は事業費該当なし（—）、人件費800千円、トータルコスト800千円",
            "令和6年度は事業費未記入、人件費未記入、トータルコスト未記入",
        ] {
            assert!(desc.contains(s), "{desc}");
        }
    }

    #[test]
    fn parts_are_labelled_and_the_total_is_above_the_bar() {
        let svg = chart().svg;
        let t = texts(&svg);
        for s in [
            "計 4,500千円",
            "事業費 3,000千円",
            "人件費 1,500千円",
            "事業費 —（該当なし）",
            "計 未記入",
            "人件費（斜線）",
        ] {
            assert!(t.iter().any(|x| x == s), "lacks {s}: {t:?}");
        }
        // 人件費 sits on 事業費: the hatched rect ends where the solid begins.
        let solid = rects(&svg, "#1F4E79");
        let staff = rects(&svg, "url(#mieru-p21)");
        // Legend + bar of 事業費 (— and blank draw none); legend + two bars of 人件費.
        assert_eq!(solid.len(), 1 + 1 + 3, "{solid:?}"); // and three row samples
        assert_eq!(staff.len(), 1 + 2 + 3, "{staff:?}");
        let bar = solid.iter().max_by_key(|r| r.2).unwrap();
        let on_top = staff.iter().find(|r| r.1 + r.2 == bar.1);
        assert!(on_top.is_some(), "{solid:?} {staff:?}");
    }

    #[test]
    fn escaped_and_stable() {
        let a = chart();
        assert_eq!(a.svg, chart().svg);
        assert!(a.svg.contains("トータルコスト &lt;&amp;&quot;&gt;"));
    }
}
