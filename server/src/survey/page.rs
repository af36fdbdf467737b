//! The page a department answers the survey on: plain HTML with a form, drawn by the server,
//! so any phone's browser opens it from a link or QR code with nothing to install, no account
//! and no script (it passes the Content-Security-Policy with its stylesheet `/survey.css`).
//! A used, closed or unknown link says so and records nothing; a form with an item not rated
//! comes back with what was typed kept and the items named.

use super::token_hash;
use crate::records::rounds::escape;
use crate::AppState;
use app::i18n::{pick, Locale};
use app::survey::{self, AnswerError, Question};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;

#[derive(serde::Deserialize, Default)]
pub struct Lang {
    #[serde(default)]
    lang: Option<String>,
}

fn locale(headers: &HeaderMap, q: &Lang) -> Locale {
    match q.lang.as_deref() {
        Some("en") => Locale::En,
        Some(_) => Locale::Zh,
        None => crate::http::locale_of(headers),
    }
}

/// The link's round and department, if the token names one.
struct Link {
    round_id: String,
    title: String,
    questions: Vec<Question>,
    department: String,
    used: bool,
    open: bool,
}

/// Round id, title, questions, department, used at, closes at, closed at.
type LinkOf = (
    String,
    String,
    String,
    String,
    Option<i64>,
    i64,
    Option<i64>,
);

async fn link(state: &AppState, token: &str) -> sqlx::Result<Option<Link>> {
    // A token is 32 lower-case hex digits; anything else is no link, without a lookup.
    if token.len() != 32
        || !token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Ok(None);
    }
    let row: Option<LinkOf> = sqlx::query_as(
        "SELECT r.id, r.title, r.questions, l.department, l.used_at, r.closes_at, r.closed_at
             FROM survey_links l JOIN survey_rounds r ON r.id = l.round_id
             WHERE l.token_hash = ?",
    )
    .bind(token_hash(token))
    .fetch_optional(&state.db)
    .await?;
    let now = crate::db::now_ms();
    Ok(row.map(
        |(round_id, title, questions, department, used, closes, closed)| Link {
            round_id,
            title,
            questions: serde_json::from_str(&questions).unwrap_or_default(),
            department,
            used: used.is_some(),
            open: closed.is_none() && now < closes,
        },
    ))
}

fn html(status: StatusCode, locale: Locale, title: &str, body: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/survey.css\"></head>\
         <body><main>{body}</main></body></html>",
        locale.code(),
        escape(title)
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        page,
    )
        .into_response()
}

/// A page that only says something (the link unknown, used, closed; thanks).
fn notice(status: StatusCode, locale: Locale, zh: &'static str, en: &'static str) -> Response {
    let text = pick(locale, zh, en);
    html(
        status,
        locale,
        pick(locale, "满意度调查", "Satisfaction survey"),
        &format!(
            "<h1>{}</h1><p class=\"notice\" data-testid=\"notice\">{}</p>",
            pick(locale, "满意度调查", "Satisfaction survey"),
            escape(text)
        ),
    )
}

fn unknown(locale: Locale) -> Response {
    notice(
        StatusCode::NOT_FOUND,
        locale,
        "此链接无效。请向法院联络人索取新的链接。",
        "This link is not valid. Ask the court's liaison for a new one.",
    )
}

fn used(locale: Locale) -> Response {
    notice(
        StatusCode::GONE,
        locale,
        "此链接已提交过答卷，每个链接只能提交一次，本次未记录任何内容。感谢您的参与。",
        "This link has been answered already; each link answers once, and nothing was recorded now. Thank you.",
    )
}

fn closed(locale: Locale) -> Response {
    notice(
        StatusCode::GONE,
        locale,
        "本次调查已结束，未记录任何内容。",
        "This survey round has closed; nothing was recorded.",
    )
}

/// The words of each score, 1 to 5.
fn score_words(locale: Locale) -> [&'static str; 5] {
    match locale {
        Locale::Zh => ["很不满意", "不满意", "一般", "满意", "很满意"],
        Locale::En => [
            "very unsatisfied",
            "unsatisfied",
            "fair",
            "satisfied",
            "very satisfied",
        ],
    }
}

fn form_page(
    locale: Locale,
    token: &str,
    l: &Link,
    kept: &[(String, String)],
    error: Option<&str>,
) -> Response {
    let kept_of = |k: &str| {
        kept.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let mut body = format!(
        "<h1>{}</h1><p class=\"muted\">{}{}</p><p>{}</p>",
        escape(&l.title),
        pick(locale, "部门：", "Department: "),
        escape(&l.department),
        pick(
            locale,
            "请按您对本院安保服务的感受为每一项打分（1分最低，5分最高）。答卷不记录您的姓名。",
            "Rate each item by how the court's security service served you (1 lowest, 5 highest). Your name is not recorded."
        )
    );
    if let Some(e) = error {
        body.push_str(&format!(
            "<p class=\"error\" role=\"alert\" data-testid=\"error\">{}</p>",
            escape(e)
        ));
    }
    let other = locale.other();
    body.push_str(&format!(
        "<p class=\"lang\"><a href=\"/survey/{token}?lang={}\">{}</a></p>",
        other.cookie_value(),
        pick(other, "中文", "English")
    ));
    body.push_str(&format!(
        "<form method=\"post\" action=\"/survey/{token}?lang={}\">",
        locale.cookie_value()
    ));
    let words = score_words(locale);
    for q in &l.questions {
        let key = escape(&q.key);
        if q.rated {
            body.push_str(&format!(
                "<fieldset class=\"rate\"><legend>{}</legend><div class=\"scale\">",
                escape(q.text(locale))
            ));
            for (i, w) in words.iter().enumerate() {
                let n = i + 1;
                let checked = if kept_of(&q.key) == n.to_string() {
                    " checked"
                } else {
                    ""
                };
                body.push_str(&format!(
                    "<label><input type=\"radio\" name=\"{key}\" value=\"{n}\"{checked}>\
                     <span><b>{n}</b><small>{w}</small></span></label>"
                ));
            }
            body.push_str("</div></fieldset>");
        } else {
            body.push_str(&format!(
                "<label class=\"text\">{}<textarea name=\"{key}\" rows=\"4\" maxlength=\"{}\">{}</textarea></label>",
                escape(q.text(locale)),
                survey::TEXT_MAX,
                escape(kept_of(&q.key))
            ));
        }
    }
    body.push_str(&format!(
        "<button type=\"submit\" data-testid=\"submit\">{}</button></form>",
        pick(locale, "提交", "Send")
    ));
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    html(status, locale, &l.title, &body)
}

/// `GET /survey/{token}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(q): Query<Lang>,
) -> Response {
    let locale = locale(&headers, &q);
    match link(&state, &token).await {
        Ok(None) => unknown(locale),
        Ok(Some(l)) if l.used => used(locale),
        Ok(Some(l)) if !l.open => closed(locale),
        Ok(Some(l)) => form_page(locale, &token, &l, &[], None),
        Err(e) => failed(locale, e),
    }
}

fn failed(locale: Locale, e: sqlx::Error) -> Response {
    tracing::error!(error = %e, "survey page");
    notice(
        StatusCode::INTERNAL_SERVER_ERROR,
        locale,
        "暂时无法提交，请稍后再试，您的链接仍然有效。",
        "This could not be done just now; try again later, your link still works.",
    )
}

/// `POST /survey/{token}`: the answers, recorded once.
pub async fn answer(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(q): Query<Lang>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let locale = locale(&headers, &q);
    let l = match link(&state, &token).await {
        Ok(None) => return unknown(locale),
        Ok(Some(l)) if l.used => return used(locale),
        Ok(Some(l)) if !l.open => return closed(locale),
        Ok(Some(l)) => l,
        Err(e) => return failed(locale, e),
    };
    let a = match survey::check_answer(&l.questions, &form) {
        Ok(a) => a,
        Err(e @ (AnswerError::Unrated(_) | AnswerError::TooLong(_))) => {
            let message = e.message(&l.questions, locale);
            return form_page(locale, &token, &l, &form, Some(&message));
        }
    };
    match record(&state, &token, &l, &a).await {
        Ok(true) => notice(
            StatusCode::OK,
            locale,
            "已提交，感谢您的意见！",
            "Sent. Thank you for your views!",
        ),
        Ok(false) => used(locale),
        Err(e) => failed(locale, e),
    }
}

/// Claims the link and stores the answers in one transaction: `false` when the link was
/// claimed first (by another tap) or the round closed meanwhile.
async fn record(state: &AppState, token: &str, l: &Link, a: &survey::Answer) -> sqlx::Result<bool> {
    let now = crate::db::now_ms();
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    let claimed: Option<String> = sqlx::query_scalar(
        "UPDATE survey_links SET used_at = ?
         WHERE token_hash = ? AND used_at IS NULL AND EXISTS (
            SELECT 1 FROM survey_rounds r WHERE r.id = survey_links.round_id
            AND r.closed_at IS NULL AND r.closes_at > ?)
         RETURNING site_id",
    )
    .bind(now)
    .bind(token_hash(token))
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(site) = claimed else {
        return Ok(false);
    };
    let id = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO survey_responses (id, round_id, department, site_id, answered_at)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&l.round_id)
    .bind(&l.department)
    .bind(&site)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    for (key, score) in &a.scores {
        sqlx::query(
            "INSERT INTO survey_answers (response_id, question_key, score) VALUES (?, ?, ?)",
        )
        .bind(&id)
        .bind(key)
        .bind(i64::from(*score))
        .execute(&mut *tx)
        .await?;
    }
    for (key, text) in &a.texts {
        sqlx::query(
            "INSERT INTO survey_answers (response_id, question_key, text) VALUES (?, ?, ?)",
        )
        .bind(&id)
        .bind(key)
        .bind(text)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}
