//! Bar charts as SVG text, drawn the same for the phone's page, the printed report and the
//! court-wide trends: presentation attributes only (the Content-Security-Policy allows no
//! inline style), readable at 360 px and in black and white.

use super::Series;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The smallest of 1, 2, 5 × 10ⁿ at or above `v` (an axis' top).
fn nice(v: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if m * step >= v {
                return m * step;
            }
        }
        step *= 10;
    }
}

const W: i64 = 340;
const H: i64 = 170;
const LEFT: i64 = 34;
const BOTTOM: i64 = 24;
const TOP: i64 = 22;

/// A bar chart of `s` titled `title`: its values on bars when there are few, its labels
/// under every bar or every fifth.
pub fn bars(s: &Series, title: &str) -> String {
    let n = s.points.len().max(1) as i64;
    let max = nice(s.points.iter().map(|p| p.1).max().unwrap_or(0).max(1));
    let plot_w = W - LEFT - 4;
    let plot_h = H - TOP - BOTTOM;
    let slot = plot_w as f64 / n as f64;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" width=\"100%\" role=\"img\" aria-label=\"{t}\">\
         <title>{t}</title>\
         <text x=\"0\" y=\"14\" font-size=\"12\" font-weight=\"bold\" fill=\"#0d1320\">{t}</text>",
        t = escape(title)
    );
    // The axis: zero, the middle and the top.
    for v in [0, max / 2, max] {
        let y = TOP + plot_h - v * plot_h / max;
        out.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#c8d0dc\" stroke-width=\"1\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\" fill=\"#4a5568\">{v}</text>",
            W - 4,
            LEFT - 4,
            y + 3
        ));
    }
    // Labels need about 30 of the 340 units each: every bar's up to 7, every other up to 14.
    let label_every = match n {
        0..=7 => 1,
        8..=14 => 2,
        _ => 5,
    };
    for (i, (label, v)) in s.points.iter().enumerate() {
        let h = v * plot_h / max;
        let x = LEFT as f64 + i as f64 * slot + slot * 0.15;
        let w = (slot * 0.7).max(1.0);
        let y = TOP + plot_h - h;
        out.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{h}\" fill=\"#0b3d91\"><title>{}: {v}</title></rect>",
            escape(label)
        ));
        if n <= 12 && *v > 0 {
            out.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#0d1320\">{v}</text>",
                x + w / 2.0,
                y - 3
            ));
        }
        if i as i64 % label_every == 0 {
            out.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#4a5568\">{}</text>",
                x + w / 2.0,
                H - 8,
                escape(label)
            ));
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(points: &[(&str, i64)]) -> Series {
        Series {
            zh: "每日来访".into(),
            en: "Visits per day".into(),
            points: points.iter().map(|(l, v)| (l.to_string(), *v)).collect(),
        }
    }

    #[test]
    fn axes_are_round_numbers() {
        assert_eq!(nice(1), 1);
        assert_eq!(nice(3), 5);
        assert_eq!(nice(7), 10);
        assert_eq!(nice(180), 200);
        assert_eq!(nice(1000), 1000);
    }

    #[test]
    fn a_chart_has_a_bar_a_point_and_no_style() {
        let svg = bars(
            &series(&[("1", 10), ("2", 0), ("3", 25)]),
            "每日来访 <测试>",
        );
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("每日来访 &lt;测试&gt;"));
        assert!(!svg.contains("style="), "the CSP forbids inline style");
        // The tallest bar reaches the top of the plot (axis 50): 25 of 50 is half of 124.
        assert!(svg.contains("height=\"62\""), "{svg}");
        let month: Vec<(String, i64)> = (1..=30).map(|d| (d.to_string(), d)).collect();
        let svg = bars(
            &Series {
                points: month,
                ..Default::default()
            },
            "x",
        );
        // Thirty bars, every fifth labelled, no values written on them.
        assert_eq!(svg.matches("<rect").count(), 30);
        assert_eq!(svg.matches("text-anchor=\"middle\"").count(), 6);
        // Twelve weeks: every other labelled, each bar's value on it.
        let weeks: Vec<(String, i64)> = (1..=12).map(|d| (format!("11-{d}"), 1)).collect();
        let svg = bars(
            &Series {
                points: weeks,
                ..Default::default()
            },
            "x",
        );
        assert_eq!(svg.matches("text-anchor=\"middle\"").count(), 12 + 6);
    }
}
