//! What every chart shares: the canvas, palette and text styles, the bar
//! paints that tell series apart without colour (fills, hatching, outline
//! dashes), the legend, and the step that makes plotters' output an
//! accessible SVG document (`role="img"`, `<title>`, `<desc>`).

use super::Chart;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub(super) const WIDTH: u32 = 720;
pub(super) const HEIGHT: u32 = 400;
/// The family name charts are measured with (see `register_font`).
pub(super) const FONT: &str = "sans-serif";
/// What the SVG asks the reader's browser for.
const FONT_STACK: &str =
    "IPAexGothic, 'IPAexゴシック', 'Noto Sans JP', 'Hiragino Sans', Meiryo, sans-serif";

// Colours with at least 4.5:1 contrast on white.
pub(super) const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
pub(super) const GRID: RGBColor = RGBColor(0xd0, 0xd0, 0xd0);
pub(super) const BUDGET: RGBColor = RGBColor(0x1f, 0x4e, 0x79);
pub(super) const SETTLEMENT: RGBColor = RGBColor(0xa8, 0x45, 0x0c);
pub(super) const MUTED: RGBColor = RGBColor(0x59, 0x59, 0x59);

pub(super) type Err = String;
pub(super) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

pub(super) fn err<E: std::fmt::Display>(e: E) -> Err {
    e.to_string()
}

pub(super) fn text_style(size: f64, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    let mut style = TextStyle::from((FONT, size).into_font()).pos(Pos::new(h, v));
    style.color = color.to_backend_color();
    style
}

/// Draws on a white SVG canvas and makes the result an accessible document.
pub(super) fn draw(
    title: &str,
    desc: String,
    paint: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), Err>,
) -> Result<Chart, Err> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        paint(&root)?;
        root.present().map_err(err)?;
    }
    Ok(Chart {
        svg: finish(svg, title, &desc),
        title: title.to_string(),
        desc,
    })
}

/// Like `draw`, on a canvas of the given size, with the bar paints of
/// `Paint` made real (patterns and dashed outlines).
pub(super) fn draw_painted(
    title: &str,
    desc: String,
    size: (u32, u32),
    paint: impl FnOnce(&Area) -> Result<(), Err>,
) -> Result<Chart, Err> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        paint(&root)?;
        root.present().map_err(err)?;
    }
    let (defs, svg) = realise_paints(svg);
    Ok(Chart {
        svg: finish_with(svg, title, &desc, &defs),
        title: title.to_string(),
        desc,
    })
}

/// The smallest "nice" number (1, 2, 2.5 or 5 × 10ⁿ) at or above `v`.
pub(super) fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    for m in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if m * mag >= v {
            return m * mag;
        }
    }
    10.0 * mag
}

pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Makes plotters' output a standalone, accessible SVG document.
fn finish(svg: String, title: &str, desc: &str) -> String {
    finish_with(svg, title, desc, "")
}

/// `finish`, with `defs` (pattern definitions) placed after the desc.
fn finish_with(svg: String, title: &str, desc: &str, defs: &str) -> String {
    let close = svg.find('>').unwrap_or(0);
    let (open, rest) = svg.split_at(close);
    let rest = &rest[1..];
    // The font stack is said once, on the root, and inherited by every text.
    let body = rest.replace(" font-family=\"sans-serif\"", "");
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{open} role=\"img\" aria-labelledby=\"chart-title chart-desc\" lang=\"ja\" font-family=\"{FONT_STACK}\">\n<title id=\"chart-title\">{}</title>\n<desc id=\"chart-desc\">{}</desc>\n{defs}{body}",
        escape_xml(title),
        escape_xml(desc)
    )
}

/// Money as the passed formatter writes it, a negative amount with △
/// (the sheets' minus sign) in front in place of "-".
pub(super) fn signed_money(v: i64, money: &impl Fn(i64) -> String) -> String {
    let s = money(v);
    if v >= 0 || s.contains('△') {
        return s;
    }
    let bare = s.trim_start_matches(['-', '−', '－']);
    format!("△{bare}")
}

/// How a bar (or its legend sample) is painted. Each paint differs from the
/// others in shape, not only in colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Paint {
    /// Filled with the colour.
    Solid(RGBColor),
    /// White, with a solid outline two pixels wide.
    Outline(RGBColor),
    /// Diagonal hatching.
    Diagonal(RGBColor),
    /// Horizontal stripes.
    Horizontal(RGBColor),
    /// Vertical stripes.
    Vertical(RGBColor),
    /// Dots.
    Dots(RGBColor),
    /// White, with a long-dashed outline.
    Dashed(RGBColor),
    /// White, with a short-dashed (dotted) outline.
    Dotted(RGBColor),
}

/// Patterns and dashes are not plotters' to draw: a paint is drawn with a
/// stand-in colour that `realise_paints` replaces by the real attribute.
/// The stand-ins are near-black reds no chart uses, and each is searched
/// with its attribute's quotes, which data text cannot produce (escaped).
const SENTINEL_R: u8 = 0x01;

impl Paint {
    fn index(self) -> u8 {
        match self {
            Paint::Solid(_) => 0,
            Paint::Outline(_) => 1,
            Paint::Diagonal(_) => 2,
            Paint::Horizontal(_) => 3,
            Paint::Vertical(_) => 4,
            Paint::Dots(_) => 5,
            Paint::Dashed(_) => 6,
            Paint::Dotted(_) => 7,
        }
    }

    fn colour(self) -> RGBColor {
        match self {
            Paint::Solid(c)
            | Paint::Outline(c)
            | Paint::Diagonal(c)
            | Paint::Horizontal(c)
            | Paint::Vertical(c)
            | Paint::Dots(c)
            | Paint::Dashed(c)
            | Paint::Dotted(c) => c,
        }
    }

    /// The palette colours a paint may carry, numbered for the stand-ins.
    fn colour_index(self) -> u8 {
        match self.colour() {
            c if c == BUDGET => 0,
            c if c == SETTLEMENT => 1,
            c if c == MUTED => 2,
            _ => 3,
        }
    }

    fn sentinel(self) -> RGBColor {
        RGBColor(SENTINEL_R, self.index(), self.colour_index())
    }

    /// Draws the paint over the backend rectangle `(x0, y0)–(x1, y1)`.
    pub(super) fn draw(self, area: &Area, a: (i32, i32), b: (i32, i32)) -> Result<(), Err> {
        let (a, b) = ((a.0.min(b.0), a.1.min(b.1)), (a.0.max(b.0), a.1.max(b.1)));
        match self {
            Paint::Solid(c) => area.draw(&Rectangle::new([a, b], c.filled())).map_err(err),
            Paint::Diagonal(c) | Paint::Horizontal(c) | Paint::Vertical(c) | Paint::Dots(c) => {
                area.draw(&Rectangle::new([a, b], self.sentinel().filled()))
                    .map_err(err)?;
                area.draw(&Rectangle::new([a, b], c.stroke_width(1)))
                    .map_err(err)
            }
            Paint::Outline(_) | Paint::Dashed(_) | Paint::Dotted(_) => {
                area.draw(&Rectangle::new([a, b], WHITE.filled()))
                    .map_err(err)?;
                area.draw(&Rectangle::new([a, b], self.sentinel().stroke_width(1)))
                    .map_err(err)
            }
        }
    }

    fn hex(c: RGBColor) -> String {
        format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
    }

    fn pattern_id(self) -> String {
        format!("mieru-p{}{}", self.index(), self.colour_index())
    }

    /// The `<pattern>` element of a patterned paint.
    fn pattern(self) -> Option<String> {
        let c = Self::hex(self.colour());
        let body = match self {
            Paint::Diagonal(_) => format!(
                "<rect width=\"6\" height=\"6\" fill=\"#FFFFFF\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"{c}\" stroke-width=\"2.5\"/>"
            ),
            Paint::Horizontal(_) => format!(
                "<rect width=\"6\" height=\"6\" fill=\"#FFFFFF\"/><line x1=\"0\" y1=\"1.5\" x2=\"6\" y2=\"1.5\" stroke=\"{c}\" stroke-width=\"2\"/>"
            ),
            Paint::Vertical(_) => format!(
                "<rect width=\"6\" height=\"6\" fill=\"#FFFFFF\"/><line x1=\"1.5\" y1=\"0\" x2=\"1.5\" y2=\"6\" stroke=\"{c}\" stroke-width=\"2\"/>"
            ),
            Paint::Dots(_) => format!(
                "<rect width=\"6\" height=\"6\" fill=\"#FFFFFF\"/><circle cx=\"3\" cy=\"3\" r=\"1.4\" fill=\"{c}\"/>"
            ),
            _ => return None,
        };
        let turn = if matches!(self, Paint::Diagonal(_)) {
            " patternTransform=\"rotate(45)\""
        } else {
            ""
        };
        Some(format!(
            "<pattern id=\"{}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"{turn}>{body}</pattern>\n",
            self.pattern_id()
        ))
    }

    /// What the stand-in attribute becomes.
    fn replacement(self) -> (String, String) {
        let s = Self::hex(self.sentinel());
        let c = Self::hex(self.colour());
        match self {
            Paint::Outline(_) => (
                format!("stroke=\"{s}\""),
                format!("stroke=\"{c}\" stroke-width=\"2\""),
            ),
            Paint::Dashed(_) => (
                format!("stroke=\"{s}\""),
                format!("stroke=\"{c}\" stroke-width=\"2\" stroke-dasharray=\"7 4\""),
            ),
            Paint::Dotted(_) => (
                format!("stroke=\"{s}\""),
                format!("stroke=\"{c}\" stroke-width=\"2\" stroke-dasharray=\"2 3\""),
            ),
            _ => (
                format!("fill=\"{s}\""),
                format!("fill=\"url(#{})\"", self.pattern_id()),
            ),
        }
    }
}

/// Every paint but `Solid`, in each palette colour a paint can carry.
fn special_paints() -> impl Iterator<Item = Paint> {
    [BUDGET, SETTLEMENT, MUTED].into_iter().flat_map(|c| {
        [
            Paint::Outline(c),
            Paint::Diagonal(c),
            Paint::Horizontal(c),
            Paint::Vertical(c),
            Paint::Dots(c),
            Paint::Dashed(c),
            Paint::Dotted(c),
        ]
    })
}

/// Replaces the stand-in colours by patterns and dashes; returns the
/// `<defs>` the used patterns need and the new SVG.
fn realise_paints(mut svg: String) -> (String, String) {
    let mut defs = String::new();
    for p in special_paints() {
        let (from, to) = p.replacement();
        if svg.contains(&from) {
            svg = svg.replace(&from, &to);
            if let Some(pat) = p.pattern() {
                defs.push_str(&pat);
            }
        }
    }
    if !defs.is_empty() {
        defs = format!("<defs>\n{defs}</defs>\n");
    }
    (defs, svg)
}

/// Draws a legend of (paint, label) samples in rows from `(x, y)`, at most
/// `width` pixels wide; returns the height used.
pub(super) fn legend(
    area: &Area,
    items: &[(Paint, String)],
    (x, y): (i32, i32),
    width: i32,
) -> Result<i32, Err> {
    let style = text_style(14.0, INK, HPos::Left, VPos::Center);
    let (mut cx, mut cy) = (x, y + 10);
    for (paint, label) in items {
        let (w, _) = area.estimate_text_size(label, &style).map_err(err)?;
        let item = 18 + w as i32 + 20;
        if cx > x && cx + item > x + width {
            cx = x;
            cy += 22;
        }
        paint.draw(area, (cx, cy - 7), (cx + 14, cy + 7))?;
        area.draw(&Text::new(label.clone(), (cx + 20, cy), style.clone()))
            .map_err(err)?;
        cx += item;
    }
    Ok(cy + 12 - y)
}

#[cfg(test)]
pub(super) mod testing {
    //! Helpers for the charts' tests: the shipped font, and reading back
    //! the SVG.

    pub fn font() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/themes/default/fonts/ipaexg.ttf"
        );
        super::super::register_font(&std::fs::read(path).unwrap()).unwrap();
    }

    /// Parses the SVG and checks the accessible frame; returns the desc.
    pub fn check(svg: &str) -> String {
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"));
        let child = |name: &str| {
            root.children()
                .find(|n| n.has_tag_name(name))
                .and_then(|n| n.text())
                .unwrap_or_else(|| panic!("no <{name}>"))
                .to_string()
        };
        assert!(!child("title").is_empty());
        child("desc")
    }

    /// Every `<text>` of the SVG, trimmed.
    pub fn texts(svg: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| n.text().unwrap_or("").trim().to_string())
            .collect()
    }

    /// (y, height) of every `<rect>` whose fill or stroke is `paint`.
    pub fn rects(svg: &str, paint: &str) -> Vec<(i32, i32, i32)> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("rect"))
            .filter(|n| n.attribute("fill") == Some(paint) || n.attribute("stroke") == Some(paint))
            .map(|n| {
                let a = |k| n.attribute(k).unwrap().parse::<i32>().unwrap();
                (a("x"), a("y"), a("height"))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ceilings() {
        assert_eq!(nice_ceiling(120.0), 120.0);
        assert_eq!(nice_ceiling(600.0), 600.0);
        assert_eq!(nice_ceiling(610.0), 800.0);
        assert_eq!(nice_ceiling(24.0), 25.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
    }

    #[test]
    fn negative_money_is_written_with_a_triangle() {
        let plain = |n: i64| crate::model::format::money(n, "千円");
        assert_eq!(signed_money(-1200, &plain), "△1,200千円");
        assert_eq!(signed_money(1200, &plain), "1,200千円");
        let already = |n: i64| format!("△{}", n.abs());
        assert_eq!(signed_money(-5, &already), "△5");
        let bare = |n: i64| n.abs().to_string();
        assert_eq!(signed_money(-5, &bare), "△5");
    }

    #[test]
    fn every_special_paint_has_its_own_stand_in() {
        let all: Vec<RGBColor> = special_paints().map(|p| p.sentinel()).collect();
        for (i, a) in all.iter().enumerate() {
            assert!(!all[i + 1..].contains(a));
            assert_ne!(*a, INK);
        }
    }
}
