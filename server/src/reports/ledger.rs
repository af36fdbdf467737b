//! The hazard and rectification ledger (隐患排查整改台账) for a site and a period of months, as
//! an Excel workbook (one sheet per month, Chinese headers) and as a printable page the court
//! files. Both read the same rows and columns; every export is recorded.

use crate::db;
use crate::http::error::{ApiError, ApiResult};
use crate::http::Caller;
use crate::records::rounds::escape;
use crate::reports::dashboard::{day_start, OFFSET_MS};
use crate::AppState;
use app::hazard::{Category, Grade, RectState};
use app::i18n::{Key, Locale};
use app::model::Action;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use chrono::NaiveDate;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct LedgerQuery {
    pub site: String,
    /// First month, `YYYY-MM`.
    pub from: String,
    /// Last month, `YYYY-MM` (included).
    pub to: String,
}

/// The columns, in the ledger's order.
pub const HEADERS: [&str; 23] = [
    "序号",
    "发现时间",
    "发现人",
    "地点",
    "类别",
    "隐患描述",
    "等级",
    "是否当场整改",
    "当场整改情况",
    "整改通知书编号",
    "责任部门",
    "责任人",
    "整改措施",
    "整改期限",
    "整改资金",
    "整改期间防范措施",
    "完成情况",
    "验收人",
    "验收日期",
    "状态",
    "销号日期",
    "是否逾期",
    "隐患来源",
];

/// The inspection results' columns (检查记录), under the ledger on each month's sheet.
pub const INSPECTION_HEADERS: [&str; 9] = [
    "序号",
    "检查时间",
    "检查类型",
    "检查表",
    "检查人",
    "检查项数",
    "不合格项数",
    "不合格项及情况",
    "备注",
];

/// One month of the ledger: its `YYYY-MM`, its rows (the cells under [`HEADERS`]), the
/// inspections made (under [`INSPECTION_HEADERS`]) and the screening-accuracy sampling line.
pub struct Month {
    pub month: String,
    pub rows: Vec<Vec<String>>,
    pub inspections: Vec<Vec<String>>,
    pub accuracy: String,
}

fn month_start(ym: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{ym}-01"), "%Y-%m-%d").ok()
}

fn court_time(ms: Option<i64>, fmt: &str) -> String {
    ms.and_then(|ms| chrono::DateTime::from_timestamp_millis(ms + OFFSET_MS))
        .map(|t| t.format(fmt).to_string())
        .unwrap_or_default()
}

/// The months from `from` to `to` (at most 24), or `None` when they are not valid.
fn months(from: &str, to: &str) -> Option<Vec<NaiveDate>> {
    let (mut m, end) = (month_start(from)?, month_start(to)?);
    let mut out = Vec::new();
    while m <= end {
        out.push(m);
        if out.len() > 24 {
            return None;
        }
        m = m.checked_add_months(chrono::Months::new(1))?;
    }
    (!out.is_empty()).then_some(out)
}

#[derive(sqlx::FromRow)]
struct Row {
    reported_at: i64,
    finder: String,
    place: String,
    category: String,
    description: String,
    grade: String,
    fixed_on_spot: bool,
    fix_note: String,
    notice_no: Option<String>,
    department: Option<String>,
    responsible: Option<String>,
    measures: Option<String>,
    deadline: Option<String>,
    funding: Option<String>,
    safeguards: Option<String>,
    completion: Option<String>,
    reviewer: Option<String>,
    reviewed_at: Option<i64>,
    state: Option<String>,
    closed_at: Option<i64>,
    from_check: Option<String>,
}

/// The ledger of `site` month by month.
pub async fn read(db: &crate::db::Db, site: &str, from: &str, to: &str) -> ApiResult<Vec<Month>> {
    let months = months(from, to).ok_or_else(bad_period)?;
    let today = app::core::date_text(app::core::court_date(db::now_ms()));
    let mut out = Vec::new();
    for m in months {
        let next = m
            .checked_add_months(chrono::Months::new(1))
            .ok_or_else(bad_period)?;
        let (start, end) = (day_start(m), day_start(next));
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT h.reported_at, f.display_name AS finder, h.place, h.category, h.description,
                h.grade, h.fixed_on_spot, h.fix_note, r.notice_no, r.department,
                p.display_name AS responsible, r.measures, r.deadline, r.funding, r.safeguards,
                r.completion, v.display_name AS reviewer, r.reviewed_at, r.state, r.closed_at,
                h.from_check
             FROM hazards h JOIN people f ON f.id = h.author_id
             LEFT JOIN rectifications r ON r.hazard_id = h.id
             LEFT JOIN people p ON p.id = r.responsible_id
             LEFT JOIN people v ON v.id = r.reviewer_id
             WHERE h.site_id = ? AND h.reported_at >= ? AND h.reported_at < ?
             ORDER BY h.reported_at, h.id",
        )
        .bind(site)
        .bind(start)
        .bind(end)
        .fetch_all(db)
        .await?;
        let rows = rows
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let zh = Locale::Zh;
                let state = r.state.as_deref().and_then(RectState::parse);
                let deadline = r.deadline.unwrap_or_default();
                let late = state.is_some_and(|s| app::hazard::overdue(s, &deadline, &today));
                vec![
                    (i + 1).to_string(),
                    court_time(Some(r.reported_at), "%Y-%m-%d %H:%M"),
                    r.finder,
                    r.place,
                    Category::parse(&r.category)
                        .map(|c| c.label(zh))
                        .unwrap_or_default()
                        .into(),
                    r.description,
                    Grade::parse(&r.grade)
                        .map(|g| g.label(zh))
                        .unwrap_or_default()
                        .into(),
                    if r.fixed_on_spot { "是" } else { "否" }.into(),
                    r.fix_note,
                    r.notice_no.unwrap_or_default(),
                    r.department.unwrap_or_default(),
                    r.responsible.unwrap_or_default(),
                    r.measures.unwrap_or_default(),
                    deadline,
                    r.funding.unwrap_or_default(),
                    r.safeguards.unwrap_or_default(),
                    r.completion.unwrap_or_default(),
                    r.reviewer.unwrap_or_default(),
                    court_time(r.reviewed_at, "%Y-%m-%d"),
                    match state {
                        Some(s) => s.label(zh).into(),
                        None => "当场整改完毕".into(),
                    },
                    court_time(
                        r.closed_at.or(r.fixed_on_spot.then_some(r.reported_at)),
                        "%Y-%m-%d",
                    ),
                    if late { "逾期" } else { "" }.into(),
                    app::hazard::source_label(r.from_check.as_deref()).into(),
                ]
            })
            .collect();
        let inspections = inspections(db, site, start, end).await?;
        let (sampled, correct): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(correct), 0) FROM screening_samples
             WHERE site_id = ? AND screened_at >= ? AND screened_at < ?",
        )
        .bind(site)
        .bind(start)
        .bind(end)
        .fetch_one(db)
        .await?;
        out.push(Month {
            month: m.format("%Y-%m").to_string(),
            rows,
            inspections,
            accuracy: accuracy_line(sampled, correct),
        });
    }
    Ok(out)
}

/// The inspections of `site` in `[start, end)`, each as the cells under [`INSPECTION_HEADERS`].
async fn inspections(
    db: &crate::db::Db,
    site: &str,
    start: i64,
    end: i64,
) -> ApiResult<Vec<Vec<String>>> {
    let rows: Vec<(i64, String, String, String, String, i64, String)> = sqlx::query_as(
        "SELECT i.recorded_at, i.kind, i.name_zh, p.display_name, i.items, i.failed, i.note
         FROM inspections i JOIN people p ON p.id = i.author_id
         WHERE i.site_id = ? AND i.recorded_at >= ? AND i.recorded_at < ?
         ORDER BY i.recorded_at, i.id",
    )
    .bind(site)
    .bind(start)
    .bind(end)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(n, (at, kind, name, who, items, failed, note))| {
            let items: Vec<app::inspect::ItemResult> =
                serde_json::from_str(&items).unwrap_or_default();
            let wrong: Vec<String> = items
                .iter()
                .filter(|i| !i.ok)
                .map(|i| {
                    let rect = if i.rectify { "（转整改）" } else { "" };
                    format!("{}：{}{rect}", i.text, i.note)
                })
                .collect();
            vec![
                (n + 1).to_string(),
                court_time(Some(at), "%Y-%m-%d %H:%M"),
                app::inspect::InspectionKind::parse(&kind)
                    .map(|k| k.label(Locale::Zh))
                    .unwrap_or_default()
                    .into(),
                name,
                who,
                items.len().to_string(),
                failed.to_string(),
                wrong.join("；"),
                note,
            ]
        })
        .collect())
}

/// The month's screening-accuracy sampling (安检准确率抽检), said in one line.
fn accuracy_line(sampled: i64, correct: i64) -> String {
    if sampled == 0 {
        return "安检准确率抽检：本月未抽检".into();
    }
    let share = correct as f64 * 100.0 / sampled as f64;
    let verdict = if share >= 95.0 { "达标" } else { "未达标" };
    format!("安检准确率抽检：抽检{sampled}人次，正确{correct}人次，准确率{share:.1}%（目标≥95%，{verdict}）")
}

/// The workbook: one sheet per month named `YYYY年MM月`, the headers in bold, frozen.
/// Writes `headers` at row `at` and `rows` under it; returns the first row after them.
fn sheet_table(
    sheet: &mut rust_xlsxwriter::Worksheet,
    at: u32,
    headers: &[&str],
    rows: &[Vec<String>],
    bold: &rust_xlsxwriter::Format,
    wrap: &rust_xlsxwriter::Format,
) -> Result<u32, rust_xlsxwriter::XlsxError> {
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(at, c as u16, *h, bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string_with_format(at + 1 + r as u32, c as u16, cell, wrap)?;
        }
    }
    Ok(at + 1 + rows.len() as u32)
}

pub fn workbook(site_name: &str, months: &[Month]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let wrap = Format::new().set_text_wrap();
    for m in months {
        let sheet = book.add_worksheet();
        sheet.set_name(format!("{}年{}月", &m.month[..4], &m.month[5..]))?;
        sheet.write_string_with_format(
            0,
            0,
            format!("{site_name} 安全隐患排查整改台账 {}", m.month),
            &bold,
        )?;
        let end = sheet_table(sheet, 1, &HEADERS, &m.rows, &bold, &wrap)?;
        // Under the ledger: the screening-accuracy line, then the month's inspections.
        sheet.write_string_with_format(end + 1, 0, &m.accuracy, &bold)?;
        sheet.write_string_with_format(end + 3, 0, "检查记录", &bold)?;
        sheet_table(
            sheet,
            end + 4,
            &INSPECTION_HEADERS,
            &m.inspections,
            &bold,
            &wrap,
        )?;
        sheet.set_freeze_panes(2, 0)?;
        for (c, width) in [(5u16, 30.0), (12, 30.0), (16, 30.0)] {
            sheet.set_column_width(c, width)?;
        }
    }
    book.save_to_buffer()
}

async fn site_name(state: &AppState, caller: &Caller, q: &LedgerQuery) -> ApiResult<String> {
    caller.require_site_any(&[Action::ViewReports, Action::ReviewRectification], &q.site)?;
    let name: Option<String> = sqlx::query_scalar("SELECT name_zh FROM sites WHERE id = ?")
        .bind(&q.site)
        .fetch_optional(&state.db)
        .await?;
    name.ok_or(ApiError::NotFound(Key::ErrNotFound))
}

fn bad_period() -> ApiError {
    ApiError::BadRequest {
        key: Key::ErrBadRequest,
        field: Some("from"),
    }
}

/// `GET /api/v1/ledger.xlsx?site=&from=YYYY-MM&to=YYYY-MM`: for those who see reports or review
/// rectifications at the site.
pub async fn xlsx(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<LedgerQuery>,
) -> ApiResult<impl IntoResponse> {
    let name = site_name(&state, &caller, &q).await?;
    let months = read(&state.db, &q.site, &q.from, &q.to).await?;
    let bytes = workbook(&name, &months).map_err(|e| ApiError::Internal(e.into()))?;
    let period = format!("{} {}..{}", q.site, q.from, q.to);
    db::audit(
        &state.db,
        Some(&caller.id),
        "ledger_export",
        &period,
        "xlsx",
    )
    .await?;
    let file = format!("attachment; filename=\"ledger-{}-{}.xlsx\"", q.from, q.to);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, file),
        ],
        bytes,
    ))
}

/// The printable page: the same columns, A4 landscape, a signature line under each month.
/// One table of the printable page: `headers`, then `rows` (escaped), or `empty` across it.
fn html_table(html: &mut String, headers: &[&str], rows: &[Vec<String>], empty: &str) {
    html.push_str("<table><thead><tr>");
    for h in headers {
        html.push_str(&format!("<th>{h}</th>"));
    }
    html.push_str("</tr></thead><tbody>");
    if rows.is_empty() {
        html.push_str(&format!(
            "<tr><td colspan=\"{}\">{empty}</td></tr>",
            headers.len()
        ));
    }
    for row in rows {
        html.push_str("<tr>");
        for cell in row {
            html.push_str(&format!("<td>{}</td>", escape(cell)));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
}

pub fn page(site_name: &str, months: &[Month]) -> String {
    let mut html = String::from(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>安全隐患排查整改台账</title>\
         <link rel=\"stylesheet\" href=\"/print.css\"></head><body>",
    );
    html.push_str(&format!(
        "<h1>{} 安全隐患排查整改台账</h1>",
        escape(site_name)
    ));
    for m in months {
        html.push_str(&format!("<h2>{}年{}月</h2>", &m.month[..4], &m.month[5..]));
        html_table(&mut html, &HEADERS, &m.rows, "本月无记录");
        html.push_str(&format!("<p>{}</p><h3>检查记录</h3>", escape(&m.accuracy)));
        html_table(
            &mut html,
            &INSPECTION_HEADERS,
            &m.inspections,
            "本月无检查记录",
        );
        html.push_str(
            "<p class=\"sign\">项目负责人（签字）：__________　\
             法院联络人（签字）：__________　日期：__________</p>",
        );
    }
    html.push_str("</body></html>");
    html
}

/// `GET /ledger/print?site=&from=&to=`: the printable page.
pub async fn print(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<LedgerQuery>,
) -> ApiResult<impl IntoResponse> {
    let name = site_name(&state, &caller, &q).await?;
    let months = read(&state.db, &q.site, &q.from, &q.to).await?;
    let period = format!("{} {}..{}", q.site, q.from, q.to);
    db::audit(
        &state.db,
        Some(&caller.id),
        "ledger_export",
        &period,
        "print",
    )
    .await?;
    Ok((
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page(&name, &months),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        assert_eq!(months("2026-11", "2027-01").map(|m| m.len()), Some(3));
        assert!(months("2026-12", "2026-11").is_none());
        assert!(months("2026-13", "2026-12").is_none());
        assert!(months("2024-01", "2026-12").is_none(), "at most two years");
    }

    #[test]
    fn the_page_escapes_what_people_typed() {
        let m = Month {
            month: "2026-11".into(),
            rows: vec![vec!["<script>".into()]],
            inspections: vec![vec!["<b>".into()]],
            accuracy: accuracy_line(0, 0),
        };
        let html = page("主院", &[m]);
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;b&gt;"));
        assert!(html.contains("2026年11月"));
        assert!(html.contains("安检准确率抽检：本月未抽检"));
    }

    #[test]
    fn the_accuracy_line_says_whether_the_target_is_met() {
        assert_eq!(
            accuracy_line(40, 38),
            "安检准确率抽检：抽检40人次，正确38人次，准确率95.0%（目标≥95%，达标）"
        );
        assert_eq!(
            accuracy_line(3, 2),
            "安检准确率抽检：抽检3人次，正确2人次，准确率66.7%（目标≥95%，未达标）"
        );
    }
}
