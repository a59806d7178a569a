//! The indicator series chart: target, actual and forecast values by year.
//! Each series has its own line and marker (target: dashed line, hollow
//! squares; actual: solid line, filled circles; forecast: dotted line,
//! triangles), every point is labelled with its value, and a value written
//! as text, "—" or left blank is written under its year, never plotted.

use super::frame::{
    draw_painted, err, nice_ceiling, text_style, Area, Err, BUDGET, GRID, INK, MUTED, SETTLEMENT,
};
use super::Chart;
use crate::model::value::{Measure, SheetValue};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// One year of an indicator series. A value is a number, text as written
/// (`Measure::Text`), "—" or blank.
#[derive(Debug, Clone)]
pub struct SeriesYear {
    /// 和暦 or Gregorian label, as the page writes the year.
    pub year_label: String,
    pub target: SheetValue<Measure>,
    pub actual: SheetValue<Measure>,
    pub forecast: SheetValue<Measure>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Target,
    Actual,
    Forecast,
}

const KINDS: [Kind; 3] = [Kind::Target, Kind::Actual, Kind::Forecast];

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Target => "目標値",
            Kind::Actual => "実績値",
            Kind::Forecast => "見込値",
        }
    }
    fn short(self) -> &'static str {
        match self {
            Kind::Target => "目標",
            Kind::Actual => "実績",
            Kind::Forecast => "見込",
        }
    }
    fn colour(self) -> RGBColor {
        match self {
            Kind::Target => BUDGET,
            Kind::Actual => SETTLEMENT,
            Kind::Forecast => MUTED,
        }
    }
    fn of(self, y: &SeriesYear) -> &SheetValue<Measure> {
        match self {
            Kind::Target => &y.target,
            Kind::Actual => &y.actual,
            Kind::Forecast => &y.forecast,
        }
    }
}

fn number(v: &SheetValue<Measure>) -> Option<f64> {
    match v {
        SheetValue::Value(Measure::Number(n)) if n.is_finite() => Some(*n),
        _ => None,
    }
}

/// A line chart of an indicator's target, actual and forecast values.
pub fn series_chart(title: &str, unit: &str, points: &[SeriesYear]) -> Result<Chart, Err> {
    let desc = series_desc(title, unit, points);
    let width = (110 + 130 * points.len().max(1) as u32).max(super::frame::WIDTH);
    draw_painted(title, desc, (width, 440), |root| {
        draw_series(root, title, unit, points)
    })
}

fn draw_series(root: &Area, title: &str, unit: &str, points: &[SeriesYear]) -> Result<(), Err> {
    let fmt = |v: f64| format!("{}{unit}", crate::model::format::number(v));
    // A series nobody filled in is left out; in a filled one every year's
    // value or state is shown.
    let used: Vec<Kind> = KINDS
        .into_iter()
        .filter(|k| points.iter().any(|p| !k.of(p).is_blank()))
        .collect();
    let values: Vec<f64> = points
        .iter()
        .flat_map(|p| KINDS.map(|k| number(k.of(p))))
        .flatten()
        .collect();
    let max = values.iter().copied().fold(0.0f64, f64::max);
    let min = values.iter().copied().fold(0.0f64, f64::min);
    let hi = nice_ceiling(if max > 0.0 { max * 1.25 } else { 1.0 });
    let lo = if min < 0.0 {
        -nice_ceiling(-min * 1.25)
    } else {
        0.0
    };
    let n = points.len().max(1) as f64;
    let notes = points
        .iter()
        .map(|p| used.iter().filter(|k| number(k.of(p)).is_none()).count())
        .max()
        .unwrap_or(0) as u32;
    let mut chart = ChartBuilder::on(root)
        .margin_top(14)
        .margin_left(10)
        .margin_right(40)
        .caption(title, (super::frame::FONT, 20).into_font().color(&INK))
        .x_label_area_size(34 + 18 * notes)
        .y_label_area_size(80)
        .build_cartesian_2d(-0.5..(n - 0.5), lo..hi)
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
    let note_style = text_style(13.0, MUTED, HPos::Center, VPos::Top);
    for (i, p) in points.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(i as f64, lo));
        root.draw(&Text::new(
            p.year_label.clone(),
            (x, y + 8),
            year_style.clone(),
        ))
        .map_err(err)?;
        let mut row = 0;
        for k in &used {
            let v = k.of(p);
            if number(v).is_some() {
                continue;
            }
            let what = match v {
                SheetValue::Value(Measure::Text(t)) => t.clone(),
                SheetValue::NotApplicable => "—".to_string(),
                _ => "未記入".to_string(),
            };
            root.draw(&Text::new(
                format!("{} {what}", k.short()),
                (x, y + 30 + 18 * row),
                note_style.clone(),
            ))
            .map_err(err)?;
            row += 1;
        }
    }

    for k in &used {
        let style =
            ShapeStyle::from(&k.colour()).stroke_width(if *k == Kind::Actual { 3 } else { 2 });
        // Lines join neighbouring years with numbers; a gap breaks them.
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (i, p) in points.iter().enumerate() {
            match number(k.of(p)) {
                Some(v) => runs.last_mut().expect("a run").push((i as f64, v)),
                None => runs.push(Vec::new()),
            }
        }
        for run in runs.into_iter().filter(|r| r.len() > 1) {
            match k {
                Kind::Target => chart
                    .draw_series(DashedLineSeries::new(run, 8, 6, style))
                    .map(|_| ()),
                Kind::Actual => chart.draw_series(LineSeries::new(run, style)).map(|_| ()),
                Kind::Forecast => chart
                    .draw_series(DashedLineSeries::new(run, 2, 5, style))
                    .map(|_| ()),
            }
            .map_err(err)?;
        }
    }
    let above = text_style(14.0, INK, HPos::Center, VPos::Bottom);
    let below = text_style(14.0, INK, HPos::Center, VPos::Top);
    let beside = text_style(14.0, INK, HPos::Left, VPos::Center);
    for (i, p) in points.iter().enumerate() {
        for k in &used {
            let Some(v) = number(k.of(p)) else { continue };
            let at = chart.backend_coord(&(i as f64, v));
            marker(root, *k, at, 1)?;
            let label = format!("{} {}", k.short(), fmt(v));
            let (pos, style) = match k {
                Kind::Target => ((at.0, at.1 - 10), above.clone()),
                Kind::Actual => ((at.0, at.1 + 10), below.clone()),
                Kind::Forecast => ((at.0 + 10, at.1), beside.clone()),
            };
            root.draw(&Text::new(label, pos, style)).map_err(err)?;
        }
    }

    // Legend, in words, line styles and markers.
    let (lx, ly) = chart.backend_coord(&(-0.45, hi));
    let legend = text_style(14.0, INK, HPos::Left, VPos::Center);
    let mut x = lx + 4;
    for k in &used {
        let y = ly + 14;
        let style = ShapeStyle::from(&k.colour()).stroke_width(2);
        match k {
            Kind::Actual => {
                root.draw(&PathElement::new(vec![(x, y), (x + 28, y)], style))
                    .map_err(err)?;
            }
            _ => {
                let (dash, gap) = if *k == Kind::Target { (8, 4) } else { (2, 4) };
                let mut d = x;
                while d < x + 28 {
                    root.draw(&PathElement::new(
                        vec![(d, y), ((d + dash).min(x + 28), y)],
                        style,
                    ))
                    .map_err(err)?;
                    d += dash + gap;
                }
            }
        }
        marker(root, *k, (x + 14, y), 0)?;
        let how = match k {
            Kind::Target => "（破線・□）",
            Kind::Actual => "（実線・●）",
            Kind::Forecast => "（点線・▲）",
        };
        let label = format!("{}{how}", k.name());
        let (w, _) = root.estimate_text_size(&label, &legend).map_err(err)?;
        root.draw(&Text::new(label, (x + 34, y), legend.clone()))
            .map_err(err)?;
        x += 34 + w as i32 + 24;
    }
    if points.iter().all(|p| number(&p.actual).is_none()) {
        let (cx, cy) = chart.backend_coord(&((n - 1.0) / 2.0, lo + (hi - lo) * 0.12));
        let text = if points
            .iter()
            .any(|p| matches!(p.actual, SheetValue::Value(Measure::Text(_))))
        {
            "実績値は文字で記入されています"
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

/// A series' marker at `at`; `grow` makes it a little larger on the plot.
fn marker(root: &Area, k: Kind, (x, y): (i32, i32), grow: i32) -> Result<(), Err> {
    let c = k.colour();
    match k {
        Kind::Target => {
            let r = 5 + grow;
            root.draw(&Rectangle::new(
                [(x - r, y - r), (x + r, y + r)],
                WHITE.filled(),
            ))
            .map_err(err)?;
            root.draw(&PathElement::new(
                vec![
                    (x - r, y - r),
                    (x + r, y - r),
                    (x + r, y + r),
                    (x - r, y + r),
                    (x - r, y - r),
                ],
                c.stroke_width(2),
            ))
            .map_err(err)
        }
        Kind::Actual => root
            .draw(&Circle::new((x, y), (5 + grow) as u32, c.filled()))
            .map_err(err),
        Kind::Forecast => root
            .draw(&TriangleMarker::new((x, y), 7 + grow, c.filled()))
            .map_err(err),
    }
}

/// The chart's description: every year's target, actual and forecast, and
/// which of them are written as text, "—" or left blank.
pub fn series_desc(title: &str, unit: &str, points: &[SeriesYear]) -> String {
    let show = |k: Kind, v: &SheetValue<Measure>| match v {
        SheetValue::Value(Measure::Number(n)) => {
            format!("{}{}{unit}", k.name(), crate::model::format::number(*n))
        }
        SheetValue::Value(Measure::Text(t)) => {
            format!("{}は文字で記入されています（「{t}」）", k.name())
        }
        SheetValue::NotApplicable => format!("{}該当なし（—）", k.name()),
        SheetValue::Blank => format!("{}未記入", k.name()),
    };
    let parts: Vec<String> = points
        .iter()
        .map(|p| {
            let vals: Vec<String> = KINDS.iter().map(|k| show(*k, k.of(p))).collect();
            format!("{}は{}", p.year_label, vals.join("、"))
        })
        .collect();
    let mut out = if parts.is_empty() {
        format!("{title}。年のデータはありません。")
    } else {
        format!("{title}。{}。", parts.join("。"))
    };
    if points.iter().all(|p| number(&p.actual).is_none()) {
        if points
            .iter()
            .any(|p| matches!(p.actual, SheetValue::Value(Measure::Text(_))))
        {
            out.push_str("実績値は文字で記入されています。");
        } else {
            out.push_str("実績値はまだありません。");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::frame::testing::{check, font, texts};
    use super::*;
    use SheetValue::*;

    fn num(v: f64) -> SheetValue<Measure> {
        Value(Measure::Number(v))
    }

    fn points() -> Vec<SeriesYear> {
        vec![
            SeriesYear {
                year_label: "令和4年度".into(),
                target: num(20.0),
                actual: num(18.0),
                forecast: NotApplicable,
            },
            SeriesYear {
                year_label: "令和5年度".into(),
                target: num(25.0),
                actual: Value(Measure::Text("集計中 <&\">".into())),
                forecast: num(22.5),
            },
            SeriesYear {
                year_label: "令和6年度".into(),
                target: num(30.0),
                actual: Blank,
                forecast: Blank,
            },
        ]
    }

    fn chart(p: &[SeriesYear]) -> Chart {
        font();
        series_chart("参加者数", "人", p).unwrap()
    }

    #[test]
    fn desc_names_every_value_and_state() {
        let c = chart(&points());
        let desc = check(&c.svg);
        assert_eq!(desc, c.desc);
        for s in [
            "令和4年度は目標値20人、実績値18人、見込値該当なし（—）",
            "令和5年度は目標値25人、実績値は文字で記入されています（「集計中 <&\">」）、見込値22.5人",
            "令和6年度は目標値30人、実績値未記入、見込値未記入",
        ] {
            assert!(desc.contains(s), "{desc}");
        }
        assert!(!desc.contains("まだありません"), "{desc}");
    }

    #[test]
    fn text_actuals_are_not_called_missing() {
        let mut p = points();
        p[0].actual = Blank;
        let c = chart(&p);
        assert!(
            c.desc.ends_with("実績値は文字で記入されています。"),
            "{}",
            c.desc
        );
        assert!(texts(&c.svg)
            .iter()
            .any(|t| t == "実績値は文字で記入されています"));
        for y in &mut p {
            y.actual = Blank;
        }
        let c = chart(&p);
        assert!(c.desc.ends_with("実績値はまだありません。"), "{}", c.desc);
    }

    #[test]
    fn every_point_is_labelled_and_states_are_written_at_their_year() {
        let svg = chart(&points()).svg;
        let t = texts(&svg);
        for s in [
            "目標 20人",
            "目標 30人",
            "実績 18人",
            "見込 22.5人",
            "見込 —",
            "実績 集計中 <&\">",
            "実績 未記入",
            "令和6年度",
            "目標値（破線・□）",
        ] {
            assert!(t.iter().any(|x| x == s), "lacks {s}: {t:?}");
        }
        // One filled circle: the only numeric actual.
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let circles = doc
            .descendants()
            .filter(|n| n.has_tag_name("circle") && n.attribute("fill") == Some("#A8450C"))
            .count();
        assert_eq!(circles, 2, "one on the plot, one in the legend");
    }

    #[test]
    fn escaped_and_stable() {
        let a = chart(&points());
        assert_eq!(a.svg, chart(&points()).svg);
        assert!(a.svg.contains("集計中 &lt;&amp;&quot;&gt;"));
        check(&chart(&[]).svg);
    }
}
