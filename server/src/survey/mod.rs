//! The court's satisfaction survey: the questions an administrator keeps, the rounds the
//! court's liaison opens, the one-time links handed to departments, and the results.
//!
//! How it is kept honest: the survey grades the service, so its links are made by the court's
//! liaison, not by the service's people, and are shown once (the server keeps only each
//! token's SHA-256, so nobody reading the database can answer in a department's name). A link
//! is good for one answer, until the round closes; claiming it and storing the answers are one
//! transaction, so a link answered twice at once records once. Answers keep the department and
//! its site, never the link or who answered.

pub mod page;

use crate::db::Db;
use crate::http::caller::SiteScope;
use crate::http::error::{ApiError, ApiResult};
use crate::http::json::ApiJson;
use crate::http::Caller;
use crate::AppState;
use app::i18n::Key;
use app::model::Action;
use app::survey::{self, LinkAsk, LinkMade, NewRound, Question, Results, RoundKind, RoundRow};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use sha2::Digest;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/survey/questions",
            get(get_questions).put(put_questions),
        )
        .route("/api/v1/surveys", get(list).post(create))
        .route("/api/v1/surveys/{id}/close", post(close))
        .route("/api/v1/surveys/{id}/links", post(links))
        .route("/api/v1/surveys/{id}/results", get(results))
        .route("/survey/{token}", get(page::show).post(page::answer))
}

const QUESTIONS: &str = "survey_questions";

pub fn token_hash(token: &str) -> String {
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

/// The questions a new round starts with.
pub async fn questions(db: &Db) -> sqlx::Result<Vec<Question>> {
    Ok(crate::db::saved_setting(db, QUESTIONS)
        .await?
        .unwrap_or_else(survey::default_questions))
}

async fn get_questions(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<Question>>> {
    if !caller.can(Action::RunSurvey) {
        caller.require(Action::EditSurvey)?;
    }
    Ok(Json(questions(&state.db).await?))
}

async fn put_questions(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(mut qs): ApiJson<Vec<Question>>,
) -> ApiResult<Json<Vec<Question>>> {
    caller.require(Action::EditSurvey)?;
    for q in &mut qs {
        q.key = q.key.trim().to_string();
        q.zh = q.zh.trim().to_string();
        q.en = q.en.trim().to_string();
    }
    survey::check_questions(&qs, crate::http::locale_of(&headers)).map_err(|message| {
        ApiError::Invalid {
            message,
            field: "questions",
        }
    })?;
    crate::db::save_setting(
        &state.db,
        QUESTIONS,
        &qs,
        &caller.id,
        "survey_questions_set",
        false,
    )
    .await?;
    Ok(Json(qs))
}

type RoundOf = (
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    i64,
    i64,
);

const ROUND_SQL: &str =
    "SELECT r.id, r.kind, r.period, r.title, r.questions, r.opens_at, r.closes_at,
        r.closed_at,
        (SELECT COUNT(*) FROM survey_links l WHERE l.round_id = r.id),
        (SELECT COUNT(*) FROM survey_responses x WHERE x.round_id = r.id)
     FROM survey_rounds r";

fn round_row(r: RoundOf) -> RoundRow {
    RoundRow {
        id: r.0,
        kind: r.1,
        period: r.2,
        title: r.3,
        questions: serde_json::from_str(&r.4).unwrap_or_default(),
        opens_at: r.5,
        closes_at: r.6,
        closed_at: r.7,
        links: r.8 as u32,
        answered: r.9 as u32,
    }
}

pub async fn round(db: &Db, id: &str) -> ApiResult<RoundRow> {
    let r: Option<RoundOf> = sqlx::query_as(&format!("{ROUND_SQL} WHERE r.id = ?"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    r.map(round_row)
        .ok_or(ApiError::NotFound(Key::ErrNoSuchSurvey))
}

/// Those who run the survey, and those who read its results (the KPIs' readers).
fn may_read(caller: &Caller) -> ApiResult<()> {
    if caller.can(Action::RunSurvey) {
        Ok(())
    } else {
        caller.require(Action::ViewKpis)
    }
}

async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<RoundRow>>> {
    may_read(&caller)?;
    let rows: Vec<RoundOf> =
        sqlx::query_as(&format!("{ROUND_SQL} ORDER BY r.opens_at DESC LIMIT 40"))
            .fetch_all(&state.db)
            .await?;
    Ok(Json(rows.into_iter().map(round_row).collect()))
}

const DAY: i64 = 24 * 3600 * 1000;

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(n): ApiJson<NewRound>,
) -> ApiResult<Json<RoundRow>> {
    caller.require(Action::RunSurvey)?;
    let locale = crate::http::locale_of(&headers);
    let bad = |field, zh: &'static str, en: &'static str| ApiError::Invalid {
        message: app::i18n::pick(locale, zh, en).to_string(),
        field,
    };
    let kind = RoundKind::parse(&n.kind).ok_or(ApiError::bad(Key::ErrBadRequest, "kind"))?;
    let period = app::score::Period::parse(n.period.trim());
    let period = match (kind, period) {
        (RoundKind::Quarterly, Some(p @ app::score::Period::Quarter { .. }))
        | (RoundKind::Monthly, Some(p @ app::score::Period::Month { .. })) => p,
        (RoundKind::Quarterly, _) => {
            return Err(bad(
                "period",
                "季度调查的期间形如 2026-Q4",
                "A quarterly round's period reads 2026-Q4",
            ))
        }
        (RoundKind::Monthly, _) => {
            return Err(bad(
                "period",
                "月度征集的期间形如 2026-11",
                "A monthly round's period reads 2026-11",
            ))
        }
    };
    let now = crate::db::now_ms();
    let today = app::core::court_day_start(now);
    // Links stop at the court's midnight after the last day.
    let closes_at = app::score::period::day_start(&n.closes_on).map_or(0, |d| d + DAY);
    if closes_at <= today || closes_at > today + 93 * DAY {
        return Err(bad(
            "closes_on",
            "截止日期须在今天到92天之后之间",
            "The last day is from today to 92 days on",
        ));
    }
    let title = n.title.trim();
    if title.chars().count() > 60 {
        return Err(bad(
            "title",
            "标题不超过60个字",
            "The title has at most 60 characters",
        ));
    }
    let title = if title.is_empty() {
        // 2026年第四季度满意度调查, 2026年11月意见征集.
        let what = match kind {
            RoundKind::Quarterly => app::i18n::pick(locale, "满意度调查", " satisfaction survey"),
            RoundKind::Monthly => app::i18n::pick(locale, "意见征集", " feedback round"),
        };
        format!("{}{what}", period.label(locale))
    } else {
        title.to_string()
    };
    let questions = serde_json::to_string(&questions(&state.db).await?).unwrap_or_default();
    let id = uuid::Uuid::now_v7().to_string();
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    let taken: Option<String> =
        sqlx::query_scalar("SELECT id FROM survey_rounds WHERE kind = ? AND period = ?")
            .bind(kind.code())
            .bind(period.text())
            .fetch_optional(&mut *tx)
            .await?;
    if taken.is_some() {
        return Err(ApiError::Conflict {
            key: Key::ErrSurveyRoundExists,
            field: Some("period"),
        });
    }
    sqlx::query(
        "INSERT INTO survey_rounds (id, kind, period, title, questions, opens_at, closes_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(kind.code())
    .bind(period.text())
    .bind(&title)
    .bind(&questions)
    .bind(now)
    .bind(closes_at)
    .bind(&caller.id)
    .execute(&mut *tx)
    .await?;
    crate::db::audit(
        &mut *tx,
        Some(&caller.id),
        "survey_open",
        &id,
        &period.text(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(round(&state.db, &id).await?))
}

async fn close(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<RoundRow>> {
    caller.require(Action::RunSurvey)?;
    round(&state.db, &id).await?;
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    sqlx::query("UPDATE survey_rounds SET closed_at = ? WHERE id = ? AND closed_at IS NULL")
        .bind(crate::db::now_ms())
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    crate::db::audit(&mut *tx, Some(&caller.id), "survey_close", &id, "").await?;
    tx.commit().await?;
    Ok(Json(round(&state.db, &id).await?))
}

/// The address links are made for: the origin the liaison's page was opened at.
fn origin(headers: &HeaderMap) -> String {
    let h = |k| headers.get(k).and_then(|v| v.to_str().ok());
    match (h(axum::http::header::ORIGIN), h(axum::http::header::HOST)) {
        (Some(o), _) if o.starts_with("http") => o.trim_end_matches('/').to_string(),
        (_, Some(host)) => format!("http://{host}"),
        _ => String::new(),
    }
}

fn qr_svg(url: &str) -> String {
    qrcode::QrCode::new(url.as_bytes())
        .map(|c| {
            c.render::<qrcode::render::svg::Color>()
                .min_dimensions(160, 160)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default()
}

async fn links(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(ask): ApiJson<LinkAsk>,
) -> ApiResult<Json<Vec<LinkMade>>> {
    caller.require_site(Action::RunSurvey, &ask.site_id)?;
    let locale = crate::http::locale_of(&headers);
    let r = round(&state.db, &id).await?;
    let now = crate::db::now_ms();
    if !r.open_at(now) {
        return Err(ApiError::Conflict {
            key: Key::ErrSurveyClosed,
            field: None,
        });
    }
    let department = ask.department.trim();
    if department.is_empty() || department.chars().count() > 40 {
        return Err(ApiError::Invalid {
            message: app::i18n::pick(
                locale,
                "部门名称须为1到40个字",
                "The department: 1 to 40 characters",
            )
            .into(),
            field: "department",
        });
    }
    if !(1..=50).contains(&ask.count) {
        return Err(ApiError::Invalid {
            message: app::i18n::pick(locale, "每次可生成1到50个链接", "1 to 50 links at a time")
                .into(),
            field: "count",
        });
    }
    let base = origin(&headers);
    let mut made = Vec::new();
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    for _ in 0..ask.count {
        let token = hex::encode(rand::random::<[u8; 16]>());
        sqlx::query(
            "INSERT INTO survey_links (token_hash, round_id, department, site_id, created_at, created_by)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(token_hash(&token))
        .bind(&id)
        .bind(department)
        .bind(&ask.site_id)
        .bind(now)
        .bind(&caller.id)
        .execute(&mut *tx)
        .await?;
        let url = format!("{base}/survey/{token}");
        made.push(LinkMade {
            svg: qr_svg(&url),
            url,
        });
    }
    crate::db::audit(
        &mut *tx,
        Some(&caller.id),
        "survey_links",
        &id,
        &format!("{department} × {}", ask.count),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(made))
}

/// The sites whose answers `caller` may read.
fn readable(caller: &Caller) -> SiteScope {
    let mut sites = Vec::new();
    for a in [Action::RunSurvey, Action::ViewKpis] {
        match caller.scope(a) {
            Ok(SiteScope::All) => return SiteScope::All,
            Ok(SiteScope::Only(s)) => sites.extend(s),
            Err(_) => {}
        }
    }
    SiteScope::Only(sites)
}

/// Response, department, site, answered at, question, score, text, rectification.
type AnswerOf = (
    String,
    String,
    String,
    i64,
    String,
    Option<i64>,
    String,
    Option<String>,
);

async fn results(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Results>> {
    may_read(&caller)?;
    let scope = readable(&caller);
    let r = round(&state.db, &id).await?;
    let answers: Vec<AnswerOf> = sqlx::query_as(
        "SELECT x.id, x.department, x.site_id, x.answered_at, a.question_key, a.score, a.text,
                    x.rect_id
             FROM survey_answers a JOIN survey_responses x ON x.id = a.response_id
             WHERE x.round_id = ? ORDER BY x.answered_at, a.question_key",
    )
    .bind(&id)
    .fetch_all(&state.db)
    .await?;
    let mut out = Results {
        questions: r
            .questions
            .iter()
            .filter(|q| q.rated)
            .map(|q| survey::QuestionResult {
                key: q.key.clone(),
                counts: [0; 5],
            })
            .collect(),
        ..Default::default()
    };
    for (response, department, site, at, key, score, text, rect) in answers {
        if !scope.contains(&site) {
            continue;
        }
        match score {
            Some(s @ 1..=5) => {
                if let Some(q) = out.questions.iter_mut().find(|q| q.key == key) {
                    q.counts[s as usize - 1] += 1;
                }
            }
            _ if !text.is_empty() => out.comments.push(survey::Comment {
                response_id: response,
                department,
                site_id: site,
                question: key,
                text,
                answered_at: at,
                rect_id: rect,
            }),
            _ => {}
        }
    }
    let departments: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT department, site_id, COUNT(*), COALESCE(SUM(used_at IS NOT NULL), 0)
         FROM survey_links WHERE round_id = ? GROUP BY department, site_id ORDER BY department",
    )
    .bind(&id)
    .fetch_all(&state.db)
    .await?;
    out.departments = departments
        .into_iter()
        .filter(|(_, s, _, _)| scope.contains(s))
        .map(|(d, _, links, used)| (d, used as u32, links as u32))
        .collect();
    out.round = r;
    Ok(Json(out))
}
