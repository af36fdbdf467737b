//! What supervisors and the court read: the day's KPIs, the rectification ledger (a
//! spreadsheet and a printable page), the duty day, and the contract's scorecard.

pub mod dashboard;
pub mod duty_day;
pub mod ledger;
pub mod score_detail;
pub mod scorecard;

use crate::AppState;
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dashboard", get(dashboard::get))
        .route("/api/v1/ledger.xlsx", get(ledger::xlsx))
        .route("/ledger/print", get(ledger::print))
        .route("/api/v1/scorecard", get(scorecard::get))
        .route("/api/v1/scorecard/records", get(scorecard::records))
        .route(
            "/api/v1/scoring",
            get(scorecard::get_scoring).put(scorecard::put_scoring),
        )
}
