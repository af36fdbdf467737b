//! The figures of the monthly report, part by part, counted from the records of `sites` over a
//! month (the same records the dashboard reads a day of).

use crate::db::Db;
use crate::records::requests;
use app::i18n::Locale;
use app::report::{Line, Part, PartKey, Series};

/// A line labelled by a function of the language (an enum's label, say).
fn lab(f: impl Fn(Locale) -> String, value: impl ToString) -> Line {
    Line::new(f(Locale::Zh), f(Locale::En), value)
}

fn line(zh: &str, en: &str, value: impl ToString) -> Line {
    Line::new(zh, en, value)
}

fn share(part: i64, whole: i64) -> String {
    match (part * 1000).checked_div(whole) {
        Some(p) => app::score::permille_text(p as u32),
        None => "—".into(),
    }
}

async fn one(db: &Db, sql: &str, sites: &[String], from: i64, to: i64) -> sqlx::Result<i64> {
    let mut n = 0;
    for s in sites {
        let v: i64 = sqlx::query_scalar(sql)
            .bind(s)
            .bind(from)
            .bind(to)
            .fetch_one(db)
            .await?;
        n += v;
    }
    Ok(n)
}

/// `(code, count)` pairs summed over the sites, in code order.
async fn grouped(
    db: &Db,
    sql: &str,
    sites: &[String],
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<(String, i64)>> {
    let mut all: std::collections::BTreeMap<String, i64> = Default::default();
    for s in sites {
        let rows: Vec<(String, i64)> = sqlx::query_as(sql)
            .bind(s)
            .bind(from)
            .bind(to)
            .fetch_all(db)
            .await?;
        for (k, v) in rows {
            *all.entry(k).or_default() += v;
        }
    }
    Ok(all.into_iter().collect())
}

pub struct Month<'a> {
    pub db: &'a Db,
    pub sites: &'a [String],
    pub from: i64,
    pub to: i64,
    pub now: i64,
}

impl Month<'_> {
    async fn one(&self, sql: &str) -> sqlx::Result<i64> {
        one(self.db, sql, self.sites, self.from, self.to).await
    }

    async fn grouped(&self, sql: &str) -> sqlx::Result<Vec<(String, i64)>> {
        grouped(self.db, sql, self.sites, self.from, self.to).await
    }

    pub async fn visits(&self) -> sqlx::Result<(Part, Series)> {
        let n = self.one("SELECT COUNT(*) FROM visits WHERE site_id = ? AND checked_in_at >= ? AND checked_in_at < ?").await?;
        let people = self.one("SELECT COALESCE(SUM(1 + companions), 0) FROM visits WHERE site_id = ? AND checked_in_at >= ? AND checked_in_at < ?").await?;
        let complete = self.one("SELECT COUNT(*) FROM visits WHERE complete = TRUE AND site_id = ? AND checked_in_at >= ? AND checked_in_at < ?").await?;
        let minors = self.one("SELECT COUNT(*) FROM visits WHERE minor = TRUE AND site_id = ? AND checked_in_at >= ? AND checked_in_at < ?").await?;
        let watch = self.one("SELECT COUNT(*) FROM visits WHERE watch_id IS NOT NULL AND site_id = ? AND checked_in_at >= ? AND checked_in_at < ?").await?;
        let mut lines = vec![
            line("登记次数", "Registrations", n),
            line("来访人数（含同行）", "People (with companions)", people),
            line("登记完整率", "Complete registrations", share(complete, n)),
            line("未成年人来访", "Minors", minors),
            line("重点关注人员比对命中", "Watchlist matches", watch),
        ];
        for (code, count) in self.grouped("SELECT category, COUNT(*) FROM visits WHERE site_id = ? AND checked_in_at >= ? AND checked_in_at < ? GROUP BY category").await? {
            if let Some(c) = app::front::VisitCategory::parse(&code) {
                lines.push(lab(|l| format!("{}{}", app::i18n::pick(l, "类别：", "Category: "), c.label(l)), count));
            }
        }
        // Registrations per day of the month.
        let mut points = Vec::new();
        let mut day = self.from;
        let mut d = 1;
        while day < self.to {
            let next = day + 24 * 3600 * 1000;
            let v = one(self.db, "SELECT COUNT(*) FROM visits WHERE site_id = ? AND checked_in_at >= ? AND checked_in_at < ?", self.sites, day, next).await?;
            points.push((d.to_string(), v));
            day = next;
            d += 1;
        }
        let series = Series {
            zh: "每日来访登记".into(),
            en: "Registrations per day".into(),
            points,
        };
        Ok((
            Part {
                key: PartKey::Visits,
                lines,
            },
            series,
        ))
    }

    pub async fn screening(&self) -> sqlx::Result<(Part, Part, Series)> {
        let n = self.one("SELECT COUNT(*) FROM screenings WHERE site_id = ? AND screened_at >= ? AND screened_at < ?").await?;
        let mut lines = vec![line("安检人次", "Screenings", n)];
        for (code, count) in self.grouped("SELECT outcome, COUNT(*) FROM screenings WHERE site_id = ? AND screened_at >= ? AND screened_at < ? GROUP BY outcome").await? {
            if let Some(o) = app::screening::Outcome::parse(&code) {
                lines.push(lab(|l| o.label(l).to_string(), count));
            }
        }
        let items = self
            .grouped(crate::db::dialect::SCREENED_ITEMS_BY_CATEGORY)
            .await?;
        let mut points = Vec::new();
        for (code, count) in &items {
            if let Some(c) = app::screening::ItemCategory::parse(code) {
                lines.push(lab(
                    |l| format!("{}{}", app::i18n::pick(l, "查出：", "Found: "), c.label(l)),
                    count,
                ));
                points.push((code.to_uppercase(), *count));
            }
        }
        for (code, count) in self
            .grouped(crate::db::dialect::SCREENED_ITEMS_BY_DISPOSITION)
            .await?
        {
            if let Some(d) = app::screening::Disposition::parse(&code) {
                lines.push(lab(
                    |l| {
                        format!(
                            "{}{}",
                            app::i18n::pick(l, "处置：", "Disposition: "),
                            d.label(l)
                        )
                    },
                    count,
                ));
            }
        }
        let sampled = self.one("SELECT COUNT(*) FROM screening_samples WHERE site_id = ? AND screened_at >= ? AND screened_at < ?").await?;
        let right = self.one("SELECT COUNT(*) FROM screening_samples WHERE correct = TRUE AND site_id = ? AND screened_at >= ? AND screened_at < ?").await?;
        lines.push(line("抽查复核", "Re-checked", sampled));
        lines.push(line("复核准确率", "Found right", share(right, sampled)));
        let tests = self.one("SELECT COUNT(*) FROM self_tests WHERE site_id = ? AND tested_at >= ? AND tested_at < ?").await?;
        lines.push(line("设备自检", "Equipment self-tests", tests));
        let made = self.one("SELECT COUNT(*) FROM deposits WHERE site_id = ? AND deposited_at >= ? AND deposited_at < ?").await?;
        let mut deposits = vec![line("寄存件数", "Items deposited", made)];
        for (code, count) in self.grouped("SELECT COALESCE(closed_how, 'open'), COUNT(*) FROM deposits WHERE site_id = ? AND deposited_at >= ? AND deposited_at < ? GROUP BY 1").await? {
            let (zh, en) = match code.as_str() {
                "open" => ("月末未领取", "Not collected by the month's end"),
                "collected" => ("本人领取", "Collected"),
                "transferred" => ("移交", "Transferred"),
                _ => ("其他", "Other"),
            };
            deposits.push(line(zh, en, count));
        }
        let series = Series {
            zh: "查出物品（按类别）".into(),
            en: "Items found, by category".into(),
            points,
        };
        Ok((
            Part {
                key: PartKey::Screening,
                lines,
            },
            Part {
                key: PartKey::Deposits,
                lines: deposits,
            },
            series,
        ))
    }

    pub async fn gate(&self) -> sqlx::Result<Part> {
        let mut lines = Vec::new();
        for (code, count) in self.grouped("SELECT kind, COUNT(*) FROM gate_entries WHERE site_id = ? AND arrived_at >= ? AND arrived_at < ? GROUP BY kind").await? {
            if let Some(k) = app::gate::GateKind::parse(&code) {
                lines.push(lab(|l| k.label(l).to_string(), count));
            }
        }
        if lines.is_empty() {
            lines.push(line("无记录", "None recorded", 0));
        }
        Ok(Part {
            key: PartKey::Gate,
            lines,
        })
    }

    /// Rounds and the boiler, from each day's duty log (the dashboard's), and the fire room.
    pub async fn duty(&self) -> sqlx::Result<(Part, Part, Part)> {
        let (mut done, mut late, mut missed, mut skipped) = (0, 0, 0, 0);
        let (mut readings, mut stops, mut covered_ms) = (0i64, 0i64, 0i64);
        let (mut entries, mut entries_late) = (0, 0);
        let mut alarms: std::collections::BTreeMap<String, i64> = Default::default();
        let mut day = self.from;
        while day < self.to {
            let next = day + 24 * 3600 * 1000;
            for s in self.sites {
                let d = super::duty_day::day(self.db, s, day, next, self.now).await?;
                for r in &d.routes {
                    match r.status.as_str() {
                        "done" => done += 1,
                        "late" => late += 1,
                        "missed" => missed += 1,
                        _ => {}
                    }
                    skipped += r.rounds.iter().map(|x| x.skipped.len() as i64).sum::<i64>();
                }
                readings += d.boiler_readings;
                stops += d.boiler_stops.len() as i64;
                entries += d.fire_entries;
                entries_late += d.fire_late;
                for a in &d.alarms {
                    if a.raised_at >= day && a.raised_at < next {
                        *alarms.entry(a.kind.clone()).or_default() += 1;
                    }
                }
                let span: (Option<i64>, Option<i64>) = sqlx::query_as(
                    "SELECT MIN(read_at), MAX(read_at) FROM boiler_readings WHERE site_id = ? AND read_at >= ? AND read_at < ?",
                )
                .bind(s)
                .bind(day)
                .bind(next)
                .fetch_one(self.db)
                .await?;
                if let (Some(a), Some(b)) = span {
                    covered_ms += b - a;
                }
            }
            day = next;
        }
        let rounds = Part {
            key: PartKey::Rounds,
            lines: vec![
                line("按时完成（路线·天）", "Done on time (route-days)", done),
                line("迟到完成", "Done late", late),
                line("未巡查", "Missed", missed),
                line("漏检点位", "Checkpoints skipped", skipped),
            ],
        };
        let boiler = Part {
            key: PartKey::Boiler,
            lines: vec![
                line("运行记录条数", "Readings", readings),
                line(
                    "记录覆盖时长（小时）",
                    "Hours covered by readings",
                    format!("{:.1}", covered_ms as f64 / 3_600_000.0),
                ),
                line("超限停炉", "Stops on a limit", stops),
            ],
        };
        let repairs_open = self.one("SELECT COUNT(*) FROM repairs WHERE site_id = ? AND opened_at >= ? AND opened_at < ? AND repaired_at IS NULL").await?;
        let repairs = self.one("SELECT COUNT(*) FROM repairs WHERE site_id = ? AND opened_at >= ? AND opened_at < ?").await?;
        let mut fire = vec![
            line("设备运行记录", "Status entries", entries),
            line(
                "间隔超过2小时",
                "More than 2 hours after the one before",
                entries_late,
            ),
        ];
        for (code, count) in alarms {
            if let Some(k) = app::fire::AlarmKind::parse(&code) {
                fire.push(lab(
                    |l| format!("{}{}", app::i18n::pick(l, "报警：", "Alarm: "), k.label(l)),
                    count,
                ));
            }
        }
        fire.push(line("报修", "Repairs opened", repairs));
        fire.push(line("未修复", "Not repaired yet", repairs_open));
        Ok((
            rounds,
            boiler,
            Part {
                key: PartKey::FireRoom,
                lines: fire,
            },
        ))
    }

    pub async fn hazards(&self) -> sqlx::Result<Part> {
        let reported = self.one("SELECT COUNT(*) FROM hazards WHERE site_id = ? AND reported_at >= ? AND reported_at < ?").await?;
        let fixed = self.one("SELECT COUNT(*) FROM hazards WHERE fixed_on_spot = TRUE AND site_id = ? AND reported_at >= ? AND reported_at < ?").await?;
        let opened = self.one("SELECT COUNT(*) FROM rectifications WHERE site_id = ? AND found_at >= ? AND found_at < ?").await?;
        let closed = self.one("SELECT COUNT(*) FROM rectifications WHERE state = 'closed' AND site_id = ? AND closed_at >= ? AND closed_at < ?").await?;
        // Open at the month's end and past their deadline then (deadlines are court dates).
        let last_day = app::core::date_text(app::core::court_date(self.to - 1));
        let mut overdue = 0;
        let mut open = 0;
        for s in self.sites {
            let (o, d): (i64, i64) = sqlx::query_as(
                "SELECT COUNT(*), COALESCE(SUM(deadline != '' AND deadline < ?), 0) FROM rectifications
                 WHERE site_id = ? AND found_at < ? AND (closed_at IS NULL OR closed_at >= ?)",
            )
            .bind(&last_day)
            .bind(s)
            .bind(self.to)
            .bind(self.to)
            .fetch_one(self.db)
            .await?;
            open += o;
            overdue += d;
        }
        Ok(Part {
            key: PartKey::Hazards,
            lines: vec![
                line("隐患上报", "Hazards reported", reported),
                line("当场整改", "Fixed on the spot", fixed),
                line("立整改单", "Rectifications opened", opened),
                line("销号", "Closed", closed),
                line("月末未销号", "Open at the month's end", open),
                line("其中逾期", "of which overdue", overdue),
            ],
        })
    }

    pub async fn inspections(&self) -> sqlx::Result<Part> {
        let mut lines = Vec::new();
        for (code, count) in self.grouped("SELECT kind, COUNT(*) FROM inspections WHERE site_id = ? AND recorded_at >= ? AND recorded_at < ? GROUP BY kind").await? {
            if let Some(k) = app::inspect::InspectionKind::parse(&code) {
                lines.push(lab(|l| k.label(l).to_string(), count));
            }
        }
        let failed = self.one("SELECT COALESCE(SUM(failed), 0) FROM inspections WHERE site_id = ? AND recorded_at >= ? AND recorded_at < ?").await?;
        lines.push(line("不合格项", "Items failed", failed));
        Ok(Part {
            key: PartKey::Inspections,
            lines,
        })
    }

    pub async fn requests(&self) -> sqlx::Result<Part> {
        let mut rows = Vec::new();
        for s in self.sites {
            rows.extend(requests::rows_between(self.db, s, self.from, self.to).await?);
        }
        let k = app::request::ResponseKpi::of("", &rows, self.now);
        let r = &k.response;
        let minutes = |ms: Option<i64>| {
            ms.map(|m| ((m + 59_999) / 60_000).to_string())
                .unwrap_or_else(|| "—".into())
        };
        Ok(Part {
            key: PartKey::Requests,
            lines: vec![
                line("需求与反馈", "Requests", k.requests),
                line("按时确认", "Acknowledged in time", r.within),
                line("超时", "Past their limit", r.breaches),
                line(
                    "按时率",
                    "Share in time",
                    share(r.within.into(), r.judged.into()),
                ),
                line(
                    "确认用时中位数（分钟）",
                    "Median time to acknowledge (min)",
                    minutes(r.median_ms),
                ),
                line("最长（分钟）", "Longest (min)", minutes(r.worst_ms)),
                line("月末未办结", "Open at the month's end", k.open),
            ],
        })
    }

    pub async fn emergencies(&self) -> sqlx::Result<Part> {
        let n = self.one("SELECT COUNT(*) FROM emergencies WHERE site_id = ? AND opened_at >= ? AND opened_at < ?").await?;
        let drills = self.one("SELECT COUNT(*) FROM emergencies WHERE drill = TRUE AND site_id = ? AND opened_at >= ? AND opened_at < ?").await?;
        let late = self.one(&format!(
            "SELECT COUNT(*) FROM emergencies WHERE COALESCE(after_report_at, {}) > opened_at + {} AND site_id = ? AND opened_at >= ? AND opened_at < ?",
            self.now,
            app::emergency::AFTER_REPORT_WITHIN
        )).await?;
        Ok(Part {
            key: PartKey::Emergencies,
            lines: vec![
                line("突发事件（含演练）", "Emergencies (drills included)", n),
                line("其中演练", "of which drills", drills),
                line(
                    "事后报告超过48小时",
                    "Reports afterwards past 48 hours",
                    late,
                ),
            ],
        })
    }
}
