//! The monthly report as the court files it: an Excel workbook (Chinese headers, one sheet per
//! part, the scorecard and the plan) and a printable A4 page with its charts, both read from
//! the same report (the filed one when filed) and both recorded.

use super::monthly::{self, ReportQuery};
use super::scorecard;
use crate::http::error::{ApiError, ApiResult};
use crate::http::Caller;
use crate::records::rounds::escape;
use crate::AppState;
use app::i18n::{Key, Locale};
use app::model::Action;
use app::report::{chart, MonthlyReport};
use app::score::{permille_text, points_text, Period};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;

async fn report(state: &AppState, caller: &Caller, q: &ReportQuery) -> ApiResult<MonthlyReport> {
    let month = match Period::parse(&q.month) {
        Some(p @ Period::Month { .. }) => p,
        _ => return Err(ApiError::bad(Key::ErrBadRequest, "month")),
    };
    let (sites, court) = scorecard::scope(&state.db, caller, &q.site, Action::ViewReports).await?;
    monthly::read(&state.db, &q.site, &sites, court, month).await
}

/// The scorecard's rows: figure, value, target, weight, score.
fn score_rows(r: &MonthlyReport) -> Vec<[String; 5]> {
    let mut rows: Vec<[String; 5]> = r
        .scorecard
        .figures
        .iter()
        .map(|f| {
            [
                f.kpi.label(Locale::Zh).to_string(),
                f.value_permille()
                    .map(permille_text)
                    .unwrap_or_else(|| "—".into())
                    + &f.note
                        .map(|n| format!("（{}）", n.text(Locale::Zh)))
                        .unwrap_or_default(),
                format!("≥{}", permille_text(f.target_permille)),
                f.weight.to_string(),
                points_text(f.score_centi),
            ]
        })
        .collect();
    rows.push([
        "加权总分".into(),
        String::new(),
        String::new(),
        "100".into(),
        points_text(r.scorecard.total_centi),
    ]);
    rows
}

const SCORE_HEADERS: [&str; 5] = ["指标", "实际值", "目标", "权重", "得分"];

fn heading(r: &MonthlyReport) -> String {
    let mut h = app::report::title(&r.site_name, &r.month, Locale::Zh);
    match (&r.number, r.filed_at) {
        (Some(n), Some(at)) => h.push_str(&format!(
            "（编号 {n}，{} 归档）",
            app::core::date_text(app::core::court_date(at))
        )),
        _ => h.push_str("（草稿）"),
    }
    h
}

pub fn workbook(r: &MonthlyReport) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    for p in &r.parts {
        let sheet = book.add_worksheet();
        sheet.set_name(p.key.label(Locale::Zh).chars().take(31).collect::<String>())?;
        sheet.write_string_with_format(0, 0, heading(r), &bold)?;
        sheet.write_string_with_format(1, 0, "项目", &bold)?;
        sheet.write_string_with_format(1, 1, "数量", &bold)?;
        for (i, l) in p.lines.iter().enumerate() {
            let row = i as u32 + 2;
            sheet.write_string(row, 0, &l.zh)?;
            match l.value.parse::<f64>() {
                Ok(v) => sheet.write_number(row, 1, v)?,
                Err(_) => sheet.write_string(row, 1, &l.value)?,
            };
        }
        sheet.set_column_width(0, 40)?;
        sheet.set_column_width(1, 14)?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name("考核评分")?;
    sheet.write_string_with_format(0, 0, heading(r), &bold)?;
    for (c, h) in SCORE_HEADERS.iter().enumerate() {
        sheet.write_string_with_format(1, c as u16, *h, &bold)?;
    }
    for (i, row) in score_rows(r).iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(i as u32 + 2, c as u16, v)?;
        }
    }
    sheet.set_column_width(0, 20)?;
    sheet.set_column_width(1, 36)?;
    let sheet = book.add_worksheet();
    sheet.set_name("下月工作计划")?;
    sheet.write_string_with_format(0, 0, heading(r), &bold)?;
    sheet.write_string_with_format(1, 0, &r.plan, &wrap)?;
    sheet.set_column_width(0, 100)?;
    book.save_to_buffer()
}

/// The printable page: A4 portrait, a table per part, the charts, the scorecard, the plan and
/// the signatures.
pub fn page(r: &MonthlyReport) -> String {
    let title = app::report::title(&r.site_name, &r.month, Locale::Zh);
    let mut html = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/print.css\"></head>\
         <body class=\"portrait\"><h1>{}</h1>",
        escape(&title),
        escape(&heading(r))
    );
    for s in &r.charts {
        html.push_str(&format!(
            "<div class=\"chart\">{}</div>",
            chart::bars(s, &s.zh)
        ));
    }
    for p in &r.parts {
        html.push_str(&format!(
            "<h3>{}</h3><table><thead><tr><th>项目</th><th>数量</th></tr></thead><tbody>",
            escape(p.key.label(Locale::Zh))
        ));
        for l in &p.lines {
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td></tr>",
                escape(&l.zh),
                escape(&l.value)
            ));
        }
        html.push_str("</tbody></table>");
    }
    html.push_str("<h3>考核评分</h3><table><thead><tr>");
    for h in SCORE_HEADERS {
        html.push_str(&format!("<th>{h}</th>"));
    }
    html.push_str("</tr></thead><tbody>");
    for row in score_rows(r) {
        html.push_str("<tr>");
        for v in row {
            html.push_str(&format!("<td>{}</td>", escape(&v)));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html.push_str(&format!(
        "<h3>下月工作计划</h3><p>{}</p>\
         <p class=\"sign\">项目负责人（签字）：__________　法院联络人（签字）：__________　日期：__________</p>\
         </body></html>",
        escape(&r.plan).replace('\n', "<br>")
    ));
    html
}

/// `GET /api/v1/monthly-report.xlsx?site=&month=`.
pub async fn xlsx(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ReportQuery>,
) -> ApiResult<impl IntoResponse> {
    let r = report(&state, &caller, &q).await?;
    let bytes = workbook(&r).map_err(|e| ApiError::Internal(e.into()))?;
    crate::db::audit(
        &state.db,
        Some(&caller.id),
        "monthly_report_export",
        &format!("{} {}", q.site, q.month),
        "xlsx",
    )
    .await?;
    let file = format!("attachment; filename=\"monthly-report-{}.xlsx\"", r.month);
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

/// `GET /monthly-report/print?site=&month=`.
pub async fn print(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ReportQuery>,
) -> ApiResult<impl IntoResponse> {
    let r = report(&state, &caller, &q).await?;
    crate::db::audit(
        &state.db,
        Some(&caller.id),
        "monthly_report_export",
        &format!("{} {}", q.site, q.month),
        "print",
    )
    .await?;
    Ok((
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page(&r),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::report::{Line, Part, PartKey, Series};

    #[test]
    fn the_page_escapes_and_carries_its_charts_and_plan() {
        let r = MonthlyReport {
            site_name: "院本级".into(),
            month: "2026-11".into(),
            plan: "<b>加强</b>\n夜间巡查".into(),
            parts: vec![Part {
                key: PartKey::Visits,
                lines: vec![Line::new("<登记>", "x", 3)],
            }],
            charts: vec![Series {
                zh: "每日来访登记".into(),
                en: String::new(),
                points: vec![("1".into(), 3)],
            }],
            ..Default::default()
        };
        let html = page(&r);
        assert!(html.contains("院本级安保服务2026年11月月度报告（草稿）"));
        assert!(html.contains("&lt;登记&gt;"));
        assert!(html.contains("&lt;b&gt;加强&lt;/b&gt;<br>夜间巡查"));
        assert!(html.contains("<svg") && !html.contains("style="));
        assert!(html.contains("加权总分"));
        let book = workbook(&r).unwrap();
        assert!(book.len() > 1000);
    }
}
