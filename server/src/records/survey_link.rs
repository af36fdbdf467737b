//! A hazard reported from a comment of the court's survey: the survey's response and the
//! rectification name each other, once.

/// A survey comment's response at `site` with no rectification yet (checked before a hazard
/// reported from it is stored), and its link once stored.
pub async fn may_rectify(
    tx: &mut crate::db::dialect::Conn,
    response: &str,
    site: &str,
) -> sqlx::Result<Result<(), &'static str>> {
    let row: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT site_id, rect_id FROM survey_responses WHERE id = ?")
            .bind(response)
            .fetch_optional(&mut *tx)
            .await?;
    Ok(match row {
        Some((s, None)) if s == site => Ok(()),
        Some((s, Some(_))) if s == site => Err("exists"),
        _ => Err("not_found"),
    })
}

pub async fn link_rect(
    tx: &mut crate::db::dialect::Conn,
    response: &str,
    rect_id: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE survey_responses SET rect_id = ? WHERE id = ?")
        .bind(rect_id)
        .bind(response)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
