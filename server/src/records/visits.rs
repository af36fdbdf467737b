//! Visitor check-in and check-out (来访登记).

use super::{Ctx, Entity, Outcome};
use app::front::{self, CheckIn, CheckOut};
use app::i18n::Key;
use app::idcard;
use app::model::Action;

pub fn router() -> axum::Router<crate::AppState> {
    axum::Router::new().route("/api/v1/visits/{id}/reveal", axum::routing::post(reveal))
}

pub const ENTITY: Entity = Entity {
    name: app::front::VISIT,
    table: "visits",
    seen_with: &[
        Action::RegisterVisitor,
        Action::RecordScreening,
        Action::Inspect,
    ],
    columns: &[
        "site_id",
        "name",
        "purpose",
        "author_id",
        "checked_in_at",
        "clock_skewed",
        "created_at",
        "id_type",
        "id_masked",
        "phone",
        "category",
        "area_id",
        "person_visited",
        "case_number",
        "companions",
        "complete",
        "checked_out_at",
        "watch_id",
        "minor",
    ],
    gone: &["deleted_at", "anonymised_at"],
    shape: app::front::shape_visit_for_phone,
    court_wide: false,
};

pub async fn check_in(cx: &mut Ctx<'_>, mut args: CheckIn) -> Outcome {
    cx.new_id(&args.id)?;
    cx.allow(Action::RegisterVisitor, &args.site_id)?;
    // A returning visitor's document comes from the earlier visit, at a site the author works.
    let mut earlier: Option<(String, String, String, bool)> = None;
    if let Some(prev) = &args.repeat_of {
        earlier = sqlx::query_as(
            "SELECT id_type, id_number, phone, id_missing_reason = '' AND id_number <> '' FROM visits
             WHERE id = ? AND site_id = ? AND anonymised_at IS NULL",
        )
        .bind(prev)
        .bind(&args.site_id)
        .fetch_optional(&mut *cx.tx)
        .await?;
    }
    let repeat_ok = earlier.as_ref().is_some_and(|e| e.3);
    if let Some((_, _, phone, _)) = &earlier {
        if args.phone.trim().is_empty() {
            args.phone = phone.clone();
        }
    }
    let today = app::core::court_date(cx.at);
    let checked = front::check_in(args, today, repeat_ok, cx.locale)?;
    let mut v = checked.visit;
    if let Some((id_type, number, _, _)) = earlier {
        if v.id_number.is_empty() {
            v.id_type = idcard::IdType::parse(&id_type).unwrap_or(v.id_type);
            v.id_number = number;
        }
    }
    // A returning minor is one too (the phone sent no number to tell by).
    let minor = checked.minor || front::is_minor(v.id_type, &v.id_number, today);
    if minor && v.guardian.is_empty() {
        return Err(super::Refusal {
            code: "invalid",
            message: Key::ErrGuardian.text(cx.locale).to_string(),
            field: Some("guardian"),
        }
        .into());
    }
    if !v.area_id.is_empty() {
        let here: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM areas WHERE id = ? AND site_id = ?")
                .bind(&v.area_id)
                .bind(&v.site_id)
                .fetch_optional(&mut *cx.tx)
                .await?;
        if here.is_none() {
            return Err(cx.refuse("invalid_area", Key::ErrBadRequest).into());
        }
    }
    let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM visits WHERE id = ?")
        .bind(&v.id)
        .fetch_optional(&mut *cx.tx)
        .await?;
    if exists.is_some() {
        return Err(cx.refuse("exists", Key::ErrBadRequest).into());
    }
    // The watchlist, matched here too: a phone that has not pulled the newest list still
    // gets the visit marked, and the alert shows on the on-site list.
    let watch_id = super::watch::hit(cx.tx, v.id_type, &v.id_number).await?;
    let version = cx.version().await?;
    sqlx::query(
        "INSERT INTO visits (id, site_id, name, purpose, author_id, client_id, checked_in_at, clock_skewed,
            created_at, version, id_type, id_number, id_masked, id_missing_reason, phone, category, area_id,
            person_visited, case_number, companions, repeat_of, complete, watch_id, minor, guardian, incomplete)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&v.id)
    .bind(&v.site_id)
    .bind(&v.name)
    .bind(&v.purpose)
    .bind(&cx.m.author)
    .bind(cx.client_id)
    .bind(cx.event_time())
    .bind(cx.clock_skewed())
    .bind(cx.now)
    .bind(version)
    .bind(v.id_type.code())
    .bind(&v.id_number)
    .bind(idcard::mask(&v.id_number))
    .bind(&v.id_missing_reason)
    .bind(&v.phone)
    .bind(v.category.code())
    .bind(&v.area_id)
    .bind(&v.person_visited)
    .bind(&v.case_number)
    .bind(v.companions as i64)
    .bind(&v.repeat_of)
    .bind(checked.incomplete.is_empty())
    .bind(watch_id)
    .bind(minor)
    .bind(&v.guardian)
    .bind(checked.incomplete.join(","))
    .execute(&mut *cx.tx)
    .await?;
    Ok(())
}

/// Checking out someone already out is applied and changes nothing: two guards tapping the
/// same visitor offline is not an error anyone must fix.
pub async fn check_out(cx: &mut Ctx<'_>, args: CheckOut) -> Outcome {
    let (site_id, out) = cx
        .site_and_closed("visits", "checked_out_at", &args.visit_id)
        .await?;
    cx.allow(Action::RegisterVisitor, &site_id)?;
    if out.is_some() {
        return Ok(());
    }
    let version = cx.version().await?;
    sqlx::query(
        "UPDATE visits SET checked_out_at = ?, checked_out_by = ?, version = ? WHERE id = ?",
    )
    .bind(cx.event_time())
    .bind(&cx.m.author)
    .bind(version)
    .bind(&args.visit_id)
    .execute(&mut *cx.tx)
    .await?;
    Ok(())
}

/// `POST /api/v1/visits/{id}/reveal`: the full document number, for a role allowed to see it
/// at the visit's site; every reveal is recorded (who, when, which visit) before it is answered.
#[derive(serde::Deserialize, Default)]
pub struct RevealRequest {
    #[serde(default)]
    pub reason: String,
}

/// A supervisor or team leader sees a visitor's full document number; recorded. A minor's
/// needs a reason, recorded with it.
pub async fn reveal(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    caller: crate::http::Caller,
    axum::extract::Path(id): axum::extract::Path<String>,
    crate::http::ApiJson(req): crate::http::ApiJson<Option<RevealRequest>>,
) -> crate::http::error::ApiResult<axum::Json<serde_json::Value>> {
    caller.require(Action::RevealIdNumber)?;
    let row: Option<(String, String, String, bool)> = sqlx::query_as(
        "SELECT site_id, id_type, id_number, minor FROM visits WHERE id = ? AND anonymised_at IS NULL",
    )
    .bind(&id)
    .fetch_optional(&state.db)
    .await?;
    let Some((site_id, id_type, number, minor)) = row else {
        return Err(crate::http::error::ApiError::NotFound(Key::ErrNotFound));
    };
    caller.require_site(Action::RevealIdNumber, &site_id)?;
    let reason = req.unwrap_or_default().reason.trim().to_string();
    if minor && (reason.is_empty() || reason.chars().count() > 100) {
        return Err(crate::http::error::ApiError::bad(
            Key::ErrRevealReason,
            "reason",
        ));
    }
    let detail = if minor {
        format!("{site_id} minor reason={reason}")
    } else {
        site_id.clone()
    };
    crate::db::audit(
        &state.db,
        Some(&caller.id),
        "reveal_id_number",
        &id,
        &detail,
    )
    .await?;
    Ok(axum::Json(
        serde_json::json!({"id_type": id_type, "id_number": number}),
    ))
}

super::applied! {
    app::front::CheckIn => check_in,
    app::front::CheckOut => check_out,
}
