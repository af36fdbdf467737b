//! Patrol routes and rounds (巡查): routes over a site's areas, kept by supervisors; rounds
//! started, checkpoint by checkpoint, finished on the phone; the printable QR tag sheet.

use super::{Ctx, Entity, Outcome, Refusal};
use crate::db::Conn;
use crate::db::{self, now_ms, Db};
use crate::http::error::{ApiError, ApiResult};
use crate::http::ApiJson;
use crate::http::Caller;
use crate::AppState;
use app::i18n::Key;
use app::model::{Action, AreaKind, SiteKind};
use app::rounds::{self, Check, Finish, RouteEdit, Start};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;

pub fn router() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post, put};
    axum::Router::new()
        .route("/api/v1/routes/{id}", put(put_route))
        .route("/api/v1/routes/{id}/remove", post(remove_route))
        .route("/api/v1/sites/{id}/tags.svg", get(tag_sheet))
}

const SEEN_WITH: &[Action] = &[Action::PatrolRound, Action::Inspect];

pub const ROUTE: Entity = Entity {
    name: app::rounds::ROUTE,
    table: "routes",
    seen_with: SEEN_WITH,
    columns: &[
        "site_id",
        "kind",
        "name_zh",
        "name_en",
        "days",
        "window_start",
        "window_end",
        "area_ids",
        "updated_at",
    ],
    gone: &["deleted_at"],
    shape: super::as_stored,
    court_wide: false,
};

pub const ROUND: Entity = Entity {
    name: app::rounds::ROUND,
    table: "rounds",
    seen_with: SEEN_WITH,
    columns: &[
        "site_id",
        "route_id",
        "started_at",
        "finished_at",
        "skipped",
        "note",
        "author_id",
        "clock_skewed",
        "created_at",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

pub const CHECK: Entity = Entity {
    name: app::rounds::ROUND_CHECK,
    table: "round_checks",
    seen_with: SEEN_WITH,
    columns: &[
        "round_id",
        "site_id",
        "area_id",
        "how",
        "reason",
        "reason_note",
        "finding",
        "checked_at",
        "author_id",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

/// kind, name (zh, en), days, window (minutes), checkpoints.
type RouteSeed = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    i64,
    Vec<String>,
);

/// The court's starting routes, for every site that has none: the main court's checks before
/// and after work and its courtroom patrol; each tribunal's night and rest-day checks. A
/// supervisor edits them from then on (a removed route still counts as the site having routes).
pub async fn seed_defaults(db: &Db) -> anyhow::Result<usize> {
    let sites: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, kind FROM sites s WHERE NOT EXISTS (SELECT 1 FROM routes r WHERE r.site_id = s.id)",
    )
    .fetch_all(db)
    .await?;
    let mut made = 0;
    let mut tx = crate::db::dialect::begin_write(db).await?;
    for (site_id, kind) in sites {
        let areas: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, kind FROM areas WHERE site_id = ? AND active = TRUE ORDER BY sort, code",
        )
        .bind(&site_id)
        .fetch_all(&mut *tx)
        .await?;
        let of = |kinds: &[AreaKind]| -> Vec<String> {
            areas
                .iter()
                .filter(|(_, k)| AreaKind::parse(k).is_some_and(|k| kinds.contains(&k)))
                .map(|(id, _)| id.clone())
                .collect()
        };
        use AreaKind as A;
        let public = [
            A::Floor,
            A::Corridor,
            A::Restroom,
            A::Hall,
            A::FilingArea,
            A::ReceptionArea,
        ];
        let tribunal = [
            A::FilingArea,
            A::ReceptionArea,
            A::Courtroom,
            A::Hall,
            A::Floor,
            A::Corridor,
            A::Restroom,
            A::BoilerRoom,
            A::Yard,
        ];
        let list: Vec<RouteSeed> = if SiteKind::parse(&kind) == Some(SiteKind::MainCourt) {
            vec![
                (
                    "morning",
                    "上班前安全检查",
                    "Morning check",
                    "workdays",
                    390,
                    480,
                    of(&public),
                ),
                (
                    "night",
                    "下班后夜间检查",
                    "Night check",
                    "workdays",
                    1020,
                    1260,
                    of(&public),
                ),
                (
                    "court_patrol",
                    "巡庭",
                    "Courtroom patrol",
                    "unscheduled",
                    480,
                    1050,
                    of(&[A::Courtroom]),
                ),
            ]
        } else {
            vec![
                (
                    "night",
                    "夜间安全检查",
                    "Night check",
                    "workdays",
                    1020,
                    1260,
                    of(&tribunal),
                ),
                (
                    "rest_day",
                    "休息日巡查",
                    "Rest-day patrol",
                    "rest_days",
                    480,
                    1020,
                    of(&tribunal),
                ),
            ]
        };
        for (kind, zh, en, days, from, to, area_ids) in list {
            if area_ids.is_empty() {
                continue;
            }
            let version = super::next_version(&mut tx).await?;
            sqlx::query(
                "INSERT INTO routes (id, site_id, kind, name_zh, name_en, days, window_start,
                    window_end, area_ids, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(db::new_id())
            .bind(&site_id)
            .bind(kind)
            .bind(zh)
            .bind(en)
            .bind(days)
            .bind(from)
            .bind(to)
            .bind(serde_json::to_string(&area_ids)?)
            .bind(now_ms())
            .bind(version)
            .execute(&mut *tx)
            .await?;
            made += 1;
        }
    }
    tx.commit().await?;
    Ok(made)
}

async fn site_areas(tx: &mut Conn, site_id: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT id FROM areas WHERE site_id = ? AND active = TRUE")
        .bind(site_id)
        .fetch_all(tx)
        .await
}

/// `PUT /api/v1/routes/{id}`: creates or replaces a route, for those who inspect at its site.
pub async fn put_route(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
    ApiJson(edit): ApiJson<RouteEdit>,
) -> ApiResult<Json<serde_json::Value>> {
    if uuid::Uuid::parse_str(&id).is_err() {
        return Err(ApiError::NotFound(Key::ErrNotFound));
    }
    caller.require_site(Action::Inspect, &edit.site_id)?;
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    let existing: Option<String> = sqlx::query_scalar("SELECT site_id FROM routes WHERE id = ?")
        .bind(&id)
        .fetch_optional(&mut *tx)
        .await?;
    if existing.as_ref().is_some_and(|s| *s != edit.site_id) {
        return Err(ApiError::Forbidden(Key::ErrSiteForbidden));
    }
    let areas = site_areas(&mut tx, &edit.site_id).await?;
    let r = rounds::check_route(edit, &areas, crate::http::locale_of(&headers))?;
    let version = super::next_version(&mut tx).await?;
    sqlx::query(
        "INSERT INTO routes (id, site_id, kind, name_zh, name_en, days, window_start, window_end,
            area_ids, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name_zh = excluded.name_zh,
            name_en = excluded.name_en, days = excluded.days, window_start = excluded.window_start,
            window_end = excluded.window_end, area_ids = excluded.area_ids,
            updated_at = excluded.updated_at, version = excluded.version, deleted_at = NULL",
    )
    .bind(&id)
    .bind(&r.site_id)
    .bind(r.kind.code())
    .bind(&r.name_zh)
    .bind(&r.name_en)
    .bind(r.days.code())
    .bind(r.window_start)
    .bind(r.window_end)
    .bind(serde_json::to_string(&r.area_ids).unwrap_or_default())
    .bind(now_ms())
    .bind(version)
    .execute(&mut *tx)
    .await?;
    db::audit(&mut *tx, Some(&caller.id), "route_put", &id, &r.name_zh).await?;
    tx.commit().await?;
    Ok(Json(serde_json::json!({"id": id, "version": version})))
}

/// `POST /api/v1/routes/{id}/remove`: the route is no longer walked (its rounds stay).
pub async fn remove_route(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    let site: Option<String> =
        sqlx::query_scalar("SELECT site_id FROM routes WHERE id = ? AND deleted_at IS NULL")
            .bind(&id)
            .fetch_optional(&mut *tx)
            .await?;
    let site = site.ok_or(ApiError::NotFound(Key::ErrNotFound))?;
    caller.require_site(Action::Inspect, &site)?;
    let version = super::next_version(&mut tx).await?;
    sqlx::query("UPDATE routes SET deleted_at = ?, version = ? WHERE id = ?")
        .bind(now_ms())
        .bind(version)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    db::audit(&mut *tx, Some(&caller.id), "route_remove", &id, "").await?;
    tx.commit().await?;
    Ok(Json(serde_json::json!({"removed": id})))
}

/// `GET /api/v1/sites/{id}/tags.svg`: one QR tag per active area, to print and put up, for those
/// who inspect at the site and for administrators.
pub async fn tag_sheet(
    State(state): State<AppState>,
    caller: Caller,
    Path(site_id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    if caller.require_site(Action::Inspect, &site_id).is_err() {
        caller.require_site(Action::ManageSites, &site_id)?;
    }
    let site: Option<String> = sqlx::query_scalar("SELECT name_zh FROM sites WHERE id = ?")
        .bind(&site_id)
        .fetch_optional(&state.db)
        .await?;
    let site = site.ok_or(ApiError::NotFound(Key::ErrNotFound))?;
    let areas: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, name_zh FROM areas WHERE site_id = ? AND active = TRUE ORDER BY sort, code",
    )
    .bind(&site_id)
    .fetch_all(&state.db)
    .await?;
    db::audit(&state.db, Some(&caller.id), "tag_sheet", &site_id, "").await?;
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        tag_svg(&site, &areas),
    ))
}

/// Text made safe inside XML or HTML (the tag sheet, the printable ledger).
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An A4 sheet (210 × 297 mm) of tags, three across: the QR code, the area's name, the site.
/// Longer lists continue downwards (the browser's print splits the pages).
pub fn tag_svg(site: &str, areas: &[(String, String)]) -> String {
    const COLS: usize = 3;
    const W: f64 = 70.0;
    const H: f64 = 82.0;
    let rows = areas.len().div_ceil(COLS).max(1);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"210mm\" height=\"{h}mm\" viewBox=\"0 0 210 {h}\" font-family=\"sans-serif\">",
        h = rows as f64 * H
    );
    for (i, (id, name)) in areas.iter().enumerate() {
        let (x, y) = ((i % COLS) as f64 * W, (i / COLS) as f64 * H);
        let code = qrcode::QrCode::with_error_correction_level(
            rounds::tag_text(id).as_bytes(),
            qrcode::EcLevel::M,
        );
        let Ok(code) = code else { continue };
        let n = code.width();
        let module = 54.0 / n as f64;
        out.push_str(&format!(
            "<g transform=\"translate({x} {y})\"><rect x=\"2\" y=\"2\" width=\"66\" height=\"78\" fill=\"#fff\" stroke=\"#999\" stroke-width=\"0.3\" stroke-dasharray=\"2 2\"/><path transform=\"translate(8 6) scale({module})\" d=\""
        ));
        for (j, dark) in code.to_colors().iter().enumerate() {
            if *dark == qrcode::Color::Dark {
                out.push_str(&format!("M{} {}h1v1h-1z", j % n, j / n));
            }
        }
        out.push_str(&format!(
            "\"/><text x=\"35\" y=\"68\" text-anchor=\"middle\" font-size=\"6\">{}</text><text x=\"35\" y=\"76\" text-anchor=\"middle\" font-size=\"4\" fill=\"#555\">{} · 巡查点</text></g>",
            escape(name),
            escape(site)
        ));
    }
    out.push_str("</svg>");
    out
}

async fn round_site(
    cx: &mut Ctx<'_>,
    round_id: &str,
) -> Result<(String, String, Option<i64>), Refusal> {
    let row: Option<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT site_id, route_id, finished_at FROM rounds WHERE id = ?")
            .bind(round_id)
            .fetch_optional(&mut *cx.tx)
            .await
            .ok()
            .flatten();
    row.ok_or_else(|| cx.refuse("not_found", Key::ErrNotFound))
}

async fn route_areas(cx: &mut Ctx<'_>, route_id: &str) -> Result<Vec<String>, super::Reject> {
    let json: String = sqlx::query_scalar("SELECT area_ids FROM routes WHERE id = ?")
        .bind(route_id)
        .fetch_one(&mut *cx.tx)
        .await?;
    Ok(serde_json::from_str(&json).unwrap_or_default())
}

pub async fn start(cx: &mut Ctx<'_>, s: Start) -> Outcome {
    cx.new_id(&s.id)?;
    let site: Option<String> =
        sqlx::query_scalar("SELECT site_id FROM routes WHERE id = ? AND deleted_at IS NULL")
            .bind(&s.route_id)
            .fetch_optional(&mut *cx.tx)
            .await?;
    let Some(site) = site else {
        return Err(cx.refuse("not_found", Key::ErrNotFound).into());
    };
    cx.allow(Action::PatrolRound, &site)?;
    let version = cx.version().await?;
    let q = sqlx::query(
        "INSERT INTO rounds (id, site_id, route_id, started_at, author_id, client_id, clock_skewed,
            created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&s.id)
    .bind(&site)
    .bind(&s.route_id)
    .bind(cx.event_time());
    cx.insert_new(q, version).await
}

/// A checkpoint confirmed twice (a second scan) is applied and changes nothing.
pub async fn check(cx: &mut Ctx<'_>, c: Check) -> Outcome {
    let (site, route, finished) = round_site(cx, &c.round_id).await?;
    cx.allow(Action::PatrolRound, &site)?;
    if finished.is_some() {
        return Err(cx.refuse("finished", Key::ErrRoundFinished).into());
    }
    let areas = route_areas(cx, &route).await?;
    rounds::check_check(&c, &areas, cx.locale)?;
    let version = cx.version().await?;
    sqlx::query(
        "INSERT INTO round_checks (id, round_id, site_id, area_id, how, reason, reason_note,
            finding, checked_at, author_id, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(rounds::check_id(&c.round_id, &c.area_id))
    .bind(&c.round_id)
    .bind(&site)
    .bind(&c.area_id)
    .bind(c.how.code())
    .bind(c.reason.map(|r| r.code()))
    .bind(c.reason_note.trim())
    .bind(c.finding.trim())
    .bind(cx.event_time())
    .bind(&cx.m.author)
    .bind(version)
    .execute(&mut *cx.tx)
    .await?;
    Ok(())
}

/// Finishing counts the route's checkpoints not confirmed; finishing twice changes nothing.
pub async fn finish(cx: &mut Ctx<'_>, f: Finish) -> Outcome {
    let (site, route, finished) = round_site(cx, &f.round_id).await?;
    cx.allow(Action::PatrolRound, &site)?;
    if finished.is_some() {
        return Ok(());
    }
    if f.note.chars().count() > 200 {
        return Err(cx.refuse("invalid", Key::ErrBadRequest).into());
    }
    let areas = route_areas(cx, &route).await?;
    let confirmed: Vec<String> =
        sqlx::query_scalar("SELECT area_id FROM round_checks WHERE round_id = ?")
            .bind(&f.round_id)
            .fetch_all(&mut *cx.tx)
            .await?;
    let skipped = rounds::skipped(&areas, &confirmed).len() as i64;
    let version = cx.version().await?;
    sqlx::query(
        "UPDATE rounds SET finished_at = ?, skipped = ?, note = ?, version = ? WHERE id = ?",
    )
    .bind(cx.event_time())
    .bind(skipped)
    .bind(f.note.trim())
    .bind(version)
    .bind(&f.round_id)
    .execute(&mut *cx.tx)
    .await?;
    Ok(())
}

super::applied! {
    app::rounds::Start => start,
    app::rounds::Check => check,
    app::rounds::Finish => finish,
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_tag_sheet_has_one_code_per_area_and_escapes_names() {
        let svg = super::tag_svg(
            "营城子法庭",
            &[("a1".into(), "院落".into()), ("a2".into(), "<厕所>".into())],
        );
        assert_eq!(svg.matches("<path").count(), 2);
        assert!(svg.contains("&lt;厕所&gt;"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
