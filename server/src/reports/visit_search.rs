//! Supervisors search past visits (来访记录查询): by name, date range, site and the last digits
//! of the document. Results show document and phone numbers masked (the full number is the
//! reveal's, recorded on its own); every search is recorded in the audit log with what was
//! asked.

use crate::http::error::{ApiError, ApiResult};
use crate::http::Caller;
use crate::AppState;
use app::dashboard::VisitFound;
use app::i18n::pick;
use app::model::Action;
use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct SearchQuery {
    pub site: String,
    /// `YYYY-MM-DD`, both included.
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub name: String,
    /// The document's last 4 to 6 characters.
    #[serde(default)]
    pub id_tail: String,
}

/// At most this many results (the newest); more says so.
pub const MAX: usize = 200;

type Row = (
    String,
    String,
    i64,
    Option<i64>,
    String,
    String,
    String,
    String,
    String,
);

#[derive(serde::Serialize)]
pub struct Found {
    pub visits: Vec<VisitFound>,
    pub more: bool,
}

/// `GET /api/v1/visits/search?site=&from=&to=&name=&id_tail=`.
pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    Query(q): Query<SearchQuery>,
) -> ApiResult<Json<Found>> {
    caller.require_site(Action::SearchVisits, &q.site)?;
    let locale = crate::http::locale_of(&headers);
    let bad = |field, zh: &'static str, en: &'static str| ApiError::Invalid {
        message: pick(locale, zh, en).into(),
        field,
    };
    let day = app::score::period::day_start;
    let (from, last) = match (day(&q.from), day(&q.to)) {
        (Some(f), Some(l)) if l >= f => (f, l),
        _ => {
            return Err(bad(
                "from",
                "请填写起止日期（止不早于起）",
                "Give the first and last day (the last not before the first)",
            ))
        }
    };
    let to = last + 24 * 3600 * 1000;
    if to - from > 366 * 24 * 3600 * 1000 {
        return Err(bad("to", "一次最多查询一年", "At most a year at a time"));
    }
    let name = q.name.trim();
    if name.chars().count() > 40 {
        return Err(bad(
            "name",
            "姓名不超过40个字",
            "A name has at most 40 characters",
        ));
    }
    let tail = q.id_tail.trim().to_uppercase();
    if !tail.is_empty()
        && (!(4..=6).contains(&tail.len()) || !tail.chars().all(|c| c.is_ascii_digit() || c == 'X'))
    {
        return Err(bad(
            "id_tail",
            "证件尾号须为4到6位数字或X",
            "The document's last 4 to 6 digits (or X)",
        ));
    }
    // Recorded before it is answered: who searched, where, for what.
    crate::db::audit(
        &state.db,
        Some(&caller.id),
        "visit_search",
        &q.site,
        &format!("{}..{} name={name} id_tail={tail}", q.from, q.to),
    )
    .await?;
    let rows: Vec<Row> = sqlx::query_as(crate::db::dialect::VISIT_SEARCH)
        .bind(&q.site)
        .bind(from)
        .bind(to)
        .bind(name)
        .bind(name)
        .bind(&tail)
        .bind(&tail)
        .bind(&tail)
        .bind(MAX as i64 + 1)
        .fetch_all(&state.db)
        .await?;
    let more = rows.len() > MAX;
    let visits = rows
        .into_iter()
        .take(MAX)
        .map(
            |(id, name, at, out, category, purpose, id_masked, phone, person)| VisitFound {
                id,
                name,
                checked_in_at: at,
                checked_out_at: out,
                category,
                purpose,
                id_masked,
                phone_masked: app::front::mask_phone(&phone),
                person_visited: person,
            },
        )
        .collect();
    Ok(Json(Found { visits, more }))
}
