//! The periods the court is reported to: a month (`2026-11`) or a quarter (`2026-Q4`), in the
//! court's calendar (China Standard Time).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Period {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
}

const DAY: i64 = 24 * 3600 * 1000;
const OFFSET: i64 = 8 * 3600 * 1000;

/// Days from 1970-01-01 to `y-m-d` (proleptic Gregorian; Howard Hinnant's algorithm).
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The court's midnight at the start of `y-m-01`, in milliseconds.
pub fn month_start(year: i32, month: u32) -> i64 {
    days_from_civil(year, month, 1) * DAY - OFFSET
}

/// The court's midnight starting the day written `YYYY-MM-DD`, if it is a real date.
pub fn day_start(date: &str) -> Option<i64> {
    if !crate::core::valid_date(date) {
        return None;
    }
    let y = date[..4].parse().ok()?;
    let m = date[5..7].parse().ok()?;
    let d: i64 = date[8..10].parse().ok()?;
    Some(month_start(y, m) + (d - 1) * DAY)
}

fn next_month(year: i32, month: u32) -> (i32, u32) {
    if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    }
}

impl Period {
    /// `YYYY-MM` or `YYYY-Qn`, years 2000 to 2099.
    pub fn parse(s: &str) -> Option<Period> {
        let (y, rest) = s.split_once('-')?;
        let year: i32 = y.parse().ok().filter(|y| (2000..2100).contains(y))?;
        if y.len() != 4 {
            return None;
        }
        if let Some(q) = rest.strip_prefix('Q') {
            let quarter: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
            return (q.len() == 1).then_some(Period::Quarter { year, quarter });
        }
        let month: u32 = rest.parse().ok().filter(|m| (1..=12).contains(m))?;
        (rest.len() == 2).then_some(Period::Month { year, month })
    }

    pub fn text(self) -> String {
        match self {
            Period::Month { year, month } => format!("{year:04}-{month:02}"),
            Period::Quarter { year, quarter } => format!("{year:04}-Q{quarter}"),
        }
    }

    /// As the court writes it: `2026年11月`, `2026年第四季度`.
    pub fn label(self, locale: crate::i18n::Locale) -> String {
        use crate::i18n::Locale;
        match (self, locale) {
            (Period::Month { year, month }, Locale::Zh) => format!("{year}年{month}月"),
            (Period::Quarter { year, quarter }, Locale::Zh) => {
                let q = ["一", "二", "三", "四"][(quarter as usize - 1).min(3)];
                format!("{year}年第{q}季度")
            }
            (Period::Month { year, month }, Locale::En) => format!("{year}-{month:02}"),
            (Period::Quarter { year, quarter }, Locale::En) => format!("Q{quarter} {year}"),
        }
    }

    /// The months it covers, in order.
    pub fn months(self) -> Vec<(i32, u32)> {
        match self {
            Period::Month { year, month } => vec![(year, month)],
            Period::Quarter { year, quarter } => {
                (0..3).map(|i| (year, (quarter - 1) * 3 + 1 + i)).collect()
            }
        }
    }

    /// `[from, to)` in milliseconds: the court's midnight starting its first day and the one
    /// after its last.
    pub fn bounds(self) -> (i64, i64) {
        let months = self.months();
        let (fy, fm) = months[0];
        let (ly, lm) = months[months.len() - 1];
        let (ny, nm) = next_month(ly, lm);
        (month_start(fy, fm), month_start(ny, nm))
    }

    /// The month or quarter containing `ms`.
    pub fn month_of(ms: i64) -> Period {
        let (year, month, _) = crate::core::court_date(ms);
        Period::Month { year, month }
    }

    pub fn quarter_of(ms: i64) -> Period {
        let (year, month, _) = crate::core::court_date(ms);
        Period::Quarter {
            year,
            quarter: (month - 1) / 3 + 1,
        }
    }

    /// The period before this one, of the same length.
    pub fn previous(self) -> Period {
        match self {
            Period::Month { year: y, month: 1 } => Period::Month {
                year: y - 1,
                month: 12,
            },
            Period::Month { year, month } => Period::Month {
                year,
                month: month - 1,
            },
            Period::Quarter {
                year: y,
                quarter: 1,
            } => Period::Quarter {
                year: y - 1,
                quarter: 4,
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year,
                quarter: quarter - 1,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn periods_are_read_and_written() {
        let m = Period::parse("2026-11").unwrap();
        assert_eq!(m.text(), "2026-11");
        assert_eq!(m.label(Locale::Zh), "2026年11月");
        let q = Period::parse("2026-Q4").unwrap();
        assert_eq!(q.label(Locale::Zh), "2026年第四季度");
        assert_eq!(q.months(), vec![(2026, 10), (2026, 11), (2026, 12)]);
        for bad in [
            "2026-13",
            "2026-1",
            "2026-Q5",
            "26-11",
            "2026-Q",
            "x",
            "2026-11-01",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
        assert_eq!(q.previous().text(), "2026-Q3");
        assert_eq!(
            Period::parse("2026-01").unwrap().previous().text(),
            "2025-12"
        );
    }

    #[test]
    fn bounds_are_the_courts_midnights() {
        let (from, to) = Period::parse("2026-11").unwrap().bounds();
        // 2026-11-01 00:00 +08:00 is 2026-10-31 16:00 UTC.
        assert_eq!(from, 1_793_462_400_000);
        assert_eq!(crate::core::court_date(from), (2026, 11, 1));
        assert_eq!(crate::core::court_date(from - 1), (2026, 10, 31));
        assert_eq!(crate::core::court_date(to), (2026, 12, 1));
        assert_eq!((to - from) / DAY, 30);
        let (qf, qt) = Period::parse("2026-Q4").unwrap().bounds();
        assert_eq!(crate::core::court_date(qf), (2026, 10, 1));
        assert_eq!(crate::core::court_date(qt), (2027, 1, 1));
        assert_eq!(Period::month_of(from).text(), "2026-11");
        assert_eq!(Period::quarter_of(to - 1).text(), "2026-Q4");
        // A leap February.
        let (f, t) = Period::parse("2028-02").unwrap().bounds();
        assert_eq!((t - f) / DAY, 29);
        assert_eq!(day_start("2026-11-01"), Some(from));
        assert_eq!(day_start("2026-11-30"), Some(to - DAY));
        assert_eq!(day_start("2026-02-30"), None);
    }
}
