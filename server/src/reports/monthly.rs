//! The monthly report to the court (月度报告), per site or for the whole court: computed from
//! the records while a draft, frozen and numbered once the supervisor files it, with the
//! records of earlier months that reached the server after the last filed report listed as
//! late additions. As JSON for the page, an Excel workbook (one sheet per part) and a printed
//! A4 page (`monthly_print`); every export is recorded.

use super::monthly_parts::Month;
use super::scorecard;
use crate::db::Db;
use crate::http::error::{ApiError, ApiResult};
use crate::http::json::ApiJson;
use crate::http::Caller;
use crate::records::{self, Entity};
use crate::AppState;
use app::i18n::Key;
use app::model::Action;
use app::report::{Line, MonthlyReport, Part, PartKey, ReportAsk};
use app::score::Period;
use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ReportQuery {
    pub site: String,
    pub month: String,
}

fn month_of(text: &str) -> ApiResult<Period> {
    match Period::parse(text) {
        Some(p @ Period::Month { .. }) => Ok(p),
        _ => Err(ApiError::bad(Key::ErrBadRequest, "month")),
    }
}

/// The records counted as late additions, by kind: a kind's label and its entities.
const LATE: &[(Key, &[&Entity])] = &[
    (Key::TaskRegisterVisitor, &[&records::visits::ENTITY]),
    (Key::TaskRecordScreening, &[&records::screening::SCREENING]),
    (Key::TaskGateLog, &[&records::gate::ENTITY]),
    (Key::TaskPatrolRound, &[&records::rounds::ROUND]),
    (Key::TaskBoilerLog, &[&records::boiler::READING]),
    (
        Key::TaskFireDuty,
        &[&records::fire::STATUS, &records::fire::ALARM],
    ),
    (Key::RecordHazard, &[&records::hazard::HAZARD]),
    (Key::TaskInspect, &[&records::inspect::INSPECTION]),
    (Key::RecordRequest, &[&records::requests::REQUEST]),
    (Key::RecordEmergency, &[&records::emergency::EMERGENCY]),
];

/// Records made before `before` that reached the server from `since` to `until`, by kind and
/// the month they were made in.
async fn late(
    db: &Db,
    sites: &[String],
    before: i64,
    since: i64,
    until: i64,
) -> sqlx::Result<Part> {
    let mut lines = Vec::new();
    for (key, entities) in LATE {
        let mut by_month: std::collections::BTreeMap<String, i64> = Default::default();
        for e in *entities {
            let Some((column, _)) = e.name.window() else {
                continue;
            };
            let sql = format!(
                "SELECT {column} FROM {} WHERE site_id = ? AND {column} < ? AND created_at > ? AND created_at <= ?",
                e.table
            );
            for s in sites {
                let times: Vec<i64> = sqlx::query_scalar(&sql)
                    .bind(s)
                    .bind(before)
                    .bind(since)
                    .bind(until)
                    .fetch_all(db)
                    .await?;
                for t in times {
                    *by_month.entry(Period::month_of(t).text()).or_default() += 1;
                }
            }
        }
        for (month, n) in by_month {
            lines.push(Line::new(
                format!("{}（{month}）", key.text(app::i18n::Locale::Zh)),
                format!("{} ({month})", key.text(app::i18n::Locale::En)),
                n,
            ));
        }
    }
    if lines.is_empty() {
        lines.push(Line::new("无", "None", 0));
    }
    Ok(Part {
        key: PartKey::Late,
        lines,
    })
}

/// The scope's name as the court reads it.
async fn scope_name(db: &Db, site: &str) -> sqlx::Result<String> {
    if site == app::score::COURT {
        return Ok("伊通满族自治县人民法院".into());
    }
    let n: Option<String> = sqlx::query_scalar("SELECT name_zh FROM sites WHERE id = ?")
        .bind(site)
        .fetch_optional(db)
        .await?;
    Ok(n.unwrap_or_default())
}

type Stored = (String, Option<String>, Option<i64>, Option<String>);

/// The report row of `scope` and `month`: its plan, number, filing time and frozen body.
async fn stored(db: &Db, scope: &str, month: &str) -> sqlx::Result<Option<Stored>> {
    sqlx::query_as(
        "SELECT plan, number, filed_at, body FROM monthly_reports WHERE scope = ? AND month = ?",
    )
    .bind(scope)
    .bind(month)
    .fetch_optional(db)
    .await
}

/// When the scope's last report before `month` was filed (none: nothing is late yet).
async fn last_filed(db: &Db, scope: &str, month: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT MAX(filed_at) FROM monthly_reports WHERE scope = ? AND month < ? AND filed_at IS NOT NULL",
    )
    .bind(scope)
    .bind(month)
    .fetch_one(db)
    .await
}

/// The report of `sites` for `month` as the records stand at `now`.
pub async fn compute(
    db: &Db,
    scope: &str,
    sites: &[String],
    court: bool,
    month: Period,
    now: i64,
) -> ApiResult<MonthlyReport> {
    let (from, to) = month.bounds();
    let m = Month {
        db,
        sites,
        from,
        to,
        now,
    };
    let (visits, per_day) = m.visits().await?;
    let (screening, deposits, items) = m.screening().await?;
    let (rounds, boiler, fire) = m.duty().await?;
    let mut parts = vec![
        visits,
        screening,
        deposits,
        m.gate().await?,
        rounds,
        boiler,
        fire,
        m.hazards().await?,
        m.inspections().await?,
        m.requests().await?,
        m.emergencies().await?,
    ];
    if let Some(since) = last_filed(db, scope, &month.text()).await? {
        parts.push(late(db, sites, from, since, now).await?);
    }
    let plan = stored(db, scope, &month.text())
        .await?
        .map(|s| s.0)
        .unwrap_or_default();
    Ok(MonthlyReport {
        number: None,
        site_id: (!court).then(|| scope.to_string()),
        site_name: scope_name(db, scope).await?,
        month: month.text(),
        computed_at: now,
        filed_at: None,
        filed_by: None,
        plan,
        parts,
        charts: vec![per_day, items],
        scorecard: scorecard::card(db, sites, court, month, now).await?,
    })
}

/// The filed report, or the draft.
pub async fn read(
    db: &Db,
    scope: &str,
    sites: &[String],
    court: bool,
    month: Period,
) -> ApiResult<MonthlyReport> {
    if let Some((_, _, Some(_), Some(body))) = stored(db, scope, &month.text()).await? {
        if let Ok(r) = serde_json::from_str(&body) {
            return Ok(r);
        }
    }
    compute(db, scope, sites, court, month, crate::db::now_ms()).await
}

/// `GET /api/v1/monthly-report?site=&month=`: for those who read reports there.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Json<MonthlyReport>> {
    let month = month_of(&q.month)?;
    let (sites, court) = scorecard::scope(&state.db, &caller, &q.site, Action::ViewReports).await?;
    Ok(Json(read(&state.db, &q.site, &sites, court, month).await?))
}

fn plan_checked(plan: &str, locale: app::i18n::Locale) -> ApiResult<String> {
    let plan = plan.trim();
    if plan.chars().count() > app::report::PLAN_MAX {
        return Err(ApiError::Invalid {
            message: app::i18n::pick(
                locale,
                "下月计划不超过2000字",
                "The plan has at most 2,000 characters",
            )
            .into(),
            field: "plan",
        });
    }
    Ok(plan.to_string())
}

/// Whether the report of `scope` and `month` is filed (read in the write that would change it).
async fn filed(tx: &mut crate::db::Tx, scope: &str, month: &str) -> sqlx::Result<bool> {
    let at: Option<Option<i64>> =
        sqlx::query_scalar("SELECT filed_at FROM monthly_reports WHERE scope = ? AND month = ?")
            .bind(scope)
            .bind(month)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(matches!(at, Some(Some(_))))
}

fn already_filed(locale: app::i18n::Locale) -> ApiError {
    ApiError::Invalid {
        message: app::i18n::pick(
            locale,
            "该月报告已归档，不能再修改",
            "This month's report is filed and cannot change",
        )
        .into(),
        field: "month",
    }
}

/// `PUT /api/v1/monthly-report/plan`: the supervisor's plan for the next month, on a draft.
pub async fn put_plan(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    ApiJson(a): ApiJson<ReportAsk>,
) -> ApiResult<Json<MonthlyReport>> {
    let locale = crate::http::locale_of(&headers);
    let month = month_of(&a.month)?;
    let (sites, court) = scorecard::scope(&state.db, &caller, &a.site, Action::FileReport).await?;
    let plan = plan_checked(&a.plan, locale)?;
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    if filed(&mut tx, &a.site, &month.text()).await? {
        return Err(already_filed(locale));
    }
    sqlx::query(
        "INSERT INTO monthly_reports (id, scope, month, plan, plan_at, plan_by) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (scope, month) DO UPDATE SET plan = excluded.plan, plan_at = excluded.plan_at,
            plan_by = excluded.plan_by",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(&a.site)
    .bind(month.text())
    .bind(&plan)
    .bind(crate::db::now_ms())
    .bind(&caller.id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Json(read(&state.db, &a.site, &sites, court, month).await?))
}

/// `POST /api/v1/monthly-report/file`: the report frozen as it stands, numbered. Only a month
/// that has ended is filed; a filed one is not filed again.
pub async fn file(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    ApiJson(a): ApiJson<ReportAsk>,
) -> ApiResult<Json<MonthlyReport>> {
    let locale = crate::http::locale_of(&headers);
    let month = month_of(&a.month)?;
    let (sites, court) = scorecard::scope(&state.db, &caller, &a.site, Action::FileReport).await?;
    let now = crate::db::now_ms();
    if now < month.bounds().1 {
        return Err(ApiError::Invalid {
            message: app::i18n::pick(
                locale,
                "本月尚未结束，月末后才能归档",
                "The month has not ended: file it after its last day",
            )
            .into(),
            field: "month",
        });
    }
    let plan = plan_checked(&a.plan, locale)?;
    // The plan as sent is saved first, so the frozen body carries it.
    let mut report = compute(&state.db, &a.site, &sites, court, month, now).await?;
    report.plan = plan.clone();
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    if filed(&mut tx, &a.site, &month.text()).await? {
        return Err(already_filed(locale));
    }
    let year = &month.text()[..4];
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM monthly_reports WHERE number LIKE ?")
        .bind(format!("{year}-%"))
        .fetch_one(&mut *tx)
        .await?;
    let number = format!("{year}-{:03}", n + 1);
    report.number = Some(number.clone());
    report.filed_at = Some(now);
    report.filed_by = Some(caller.display_name.clone());
    let body = serde_json::to_string(&report).unwrap_or_default();
    sqlx::query(
        "INSERT INTO monthly_reports (id, scope, month, plan, plan_at, plan_by, number, filed_at, filed_by, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (scope, month) DO UPDATE SET plan = excluded.plan, number = excluded.number,
            filed_at = excluded.filed_at, filed_by = excluded.filed_by, body = excluded.body",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(&a.site)
    .bind(month.text())
    .bind(&plan)
    .bind(now)
    .bind(&caller.id)
    .bind(&number)
    .bind(now)
    .bind(&caller.id)
    .bind(&body)
    .execute(&mut *tx)
    .await?;
    crate::db::audit(
        &mut *tx,
        Some(&caller.id),
        "monthly_report_file",
        &number,
        &format!("{} {}", a.site, month.text()),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(report))
}
