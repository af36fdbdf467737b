//! The court's time: its calendar day (China Standard Time, UTC+8) and dates as written.

/// The court's calendar date (China Standard Time, UTC+8) at `ms` since the epoch.
pub fn court_date(ms: i64) -> (i32, u32, u32) {
    use chrono::Datelike;
    let t = chrono::DateTime::from_timestamp_millis(ms + 8 * 3600 * 1000)
        .unwrap_or_default()
        .date_naive();
    (t.year(), t.month(), t.day())
}

/// Milliseconds at the court's midnight starting the day that contains `ms`.
pub fn court_day_start(ms: i64) -> i64 {
    const DAY: i64 = 24 * 3600 * 1000;
    const OFFSET: i64 = 8 * 3600 * 1000;
    (ms + OFFSET).div_euclid(DAY) * DAY - OFFSET
}

/// `YYYY-MM-DD` of a court date.
pub fn date_text((y, m, d): (i32, u32, u32)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// A valid calendar date written `YYYY-MM-DD`.
pub fn valid_date(s: &str) -> bool {
    // By hand: chrono's format parser would add to what every phone downloads first.
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .map(|d| d.iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0')))
    };
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && y >= 2000 && (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn court_dates_are_china_time() {
        // 2026-11-28 17:00 UTC is already the 29th in the court.
        let ms = 1_795_885_200_000;
        assert_eq!(court_date(ms), (2026, 11, 29));
        assert_eq!(court_date(court_day_start(ms)), (2026, 11, 29));
        assert_eq!(court_date(court_day_start(ms) - 1), (2026, 11, 28));
    }

    #[test]
    fn dates_are_written_and_checked() {
        assert_eq!(date_text((2026, 3, 7)), "2026-03-07");
        for ok in ["2026-12-31", "2028-02-29", "2026-01-01"] {
            assert!(valid_date(ok), "{ok}");
        }
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "2026/01/01",
            "2026-01-01x",
            "１２３４-01-01",
        ] {
            assert!(!valid_date(bad), "{bad}");
        }
    }
}
