//! What supervisors and the court read: the day's KPIs, the rectification ledger (a
//! spreadsheet and a printable page), the duty day, the contract's scorecard and the monthly
//! report to the court.

pub mod dashboard;
pub mod duty_day;
pub mod ledger;
pub mod monthly;
pub mod monthly_parts;
pub mod monthly_print;
pub mod score_detail;
pub mod scorecard;
pub mod trends;
pub mod visit_search;

use crate::AppState;
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dashboard", get(dashboard::get))
        .route("/api/v1/ledger.xlsx", get(ledger::xlsx))
        .route("/ledger/print", get(ledger::print))
        .route("/api/v1/scorecard", get(scorecard::get))
        .route("/api/v1/overview", get(trends::overview))
        .route("/api/v1/trends", get(trends::trends))
        .route("/api/v1/visits/search", get(visit_search::search))
        .route("/api/v1/monthly-report", get(monthly::get))
        .route(
            "/api/v1/monthly-report/plan",
            axum::routing::put(monthly::put_plan),
        )
        .route(
            "/api/v1/monthly-report/file",
            axum::routing::post(monthly::file),
        )
        .route("/api/v1/monthly-report.xlsx", get(monthly_print::xlsx))
        .route("/monthly-report/print", get(monthly_print::print))
        .route("/api/v1/scorecard/records", get(scorecard::records))
        .route(
            "/api/v1/scoring",
            get(scorecard::get_scoring).put(scorecard::put_scoring),
        )
}
