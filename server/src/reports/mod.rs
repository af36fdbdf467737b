//! What supervisors and the court read: the day's KPIs, the rectification ledger (a
//! spreadsheet and a printable page), and the duty day.

pub mod dashboard;
pub mod duty_day;
pub mod ledger;

use crate::AppState;
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dashboard", get(dashboard::get))
        .route("/api/v1/ledger.xlsx", get(ledger::xlsx))
        .route("/ledger/print", get(ledger::print))
}
