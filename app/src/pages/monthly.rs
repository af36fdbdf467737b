//! `/monthly`: the monthly report to the court (月度报告), a site's or the whole court's: the
//! month's figures part by part with their charts, the scorecard, and the supervisor's plan
//! for the next month; filed once the month has ended (then frozen and numbered); as a
//! workbook and as the printed page the court files.

use crate::components::{error_text, use_my_sites, Message, SignedIn};
use crate::i18n::score::Text;
use crate::model::Action;
use crate::phone::client;
use crate::phone::state::use_app;
use crate::report::{chart, MonthlyReport, ReportAsk};
use crate::score::{permille_text, points_text, Period};
use leptos::prelude::*;

#[component]
pub fn Monthly() -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let site = RwSignal::new(String::new());
    let sites = use_my_sites(site);
    let month = RwSignal::new(String::new());
    let months = RwSignal::new(Vec::<Period>::new());
    let report = RwSignal::new(None::<MonthlyReport>);
    let plan = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let saved = RwSignal::new(String::new());
    let files = move || app.me.get().is_some_and(|m| m.can(Action::FileReport));
    Effect::new(move |_| {
        if app.hydrated.get() && months.get_untracked().is_empty() {
            let now = client::now_ms() as i64;
            let mut m = Period::month_of(now).previous();
            let mut all = vec![Period::month_of(now)];
            for _ in 0..11 {
                all.push(m);
                m = m.previous();
            }
            // Last month first: the one to file.
            month.set(all[1].text());
            months.set(all);
        }
    });
    let load = move || {
        let (s, m) = (site.get_untracked(), month.get_untracked());
        if s.is_empty() || m.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            match client::get::<MonthlyReport>(&format!(
                "/api/v1/monthly-report?site={s}&month={m}"
            ))
            .await
            {
                Ok(r) => {
                    message.set(String::new());
                    plan.set(r.plan.clone());
                    report.set(Some(r));
                }
                Err(e) => {
                    report.set(None);
                    message.set(error_text(app, &e));
                }
            }
        });
    };
    Effect::new(move |_| {
        site.track();
        month.track();
        if app.hydrated.get() {
            load();
        }
    });
    let send = move |filing: bool| {
        let ask = ReportAsk {
            site: site.get_untracked(),
            month: month.get_untracked(),
            plan: plan.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            let r = if filing {
                client::post::<_, MonthlyReport>("/api/v1/monthly-report/file", &ask).await
            } else {
                client::put::<_, MonthlyReport>("/api/v1/monthly-report/plan", &ask).await
            };
            match r {
                Ok(r) => {
                    message.set(String::new());
                    saved.set(t(Text::Saved).into());
                    report.set(Some(r));
                }
                Err(e) => {
                    saved.set(String::new());
                    message.set(error_text(app, &e));
                }
            }
        });
    };
    let body = move || {
        report.get().map(|r| {
            let filed = r.filed_at.is_some();
            let state = match (&r.number, r.filed_at) {
                (Some(n), Some(at)) => format!("{} {n} · {}", t(Text::FiledNo), crate::alert::text::court_when(at)),
                _ => t(Text::Draft).to_string(),
            };
            let charts = r
                .charts
                .iter()
                .map(|s| {
                    let title = match app.locale {
                        crate::i18n::Locale::Zh => s.zh.clone(),
                        crate::i18n::Locale::En => s.en.clone(),
                    };
                    view! { <div class="chart" inner_html=chart::bars(s, &title)></div> }
                })
                .collect_view();
            let parts = r
                .parts
                .iter()
                .map(|p| {
                    let rows = p
                        .lines
                        .iter()
                        .map(|l| view! { <tr><th>{l.label(app.locale).to_string()}</th><td>{l.value.clone()}</td></tr> })
                        .collect_view();
                    view! { <section class="card" data-testid=format!("part-{}", p.key.code())>
                        <h2>{p.key.label(app.locale)}</h2>
                        <table class="grid lines"><tbody>{rows}</tbody></table>
                    </section> }
                })
                .collect_view();
            let figures = r
                .scorecard
                .figures
                .iter()
                .map(|f| {
                    let value = f.value_permille().map(permille_text).unwrap_or_else(|| "—".into());
                    view! { <tr><th>{f.kpi.label(app.locale)}</th><td>{value}</td>
                        <td>{points_text(f.score_centi)} " / " {f.weight}</td></tr> }
                })
                .collect_view();
            let (s, m) = (site.get_untracked(), month.get_untracked());
            let xlsx = format!("/api/v1/monthly-report.xlsx?site={s}&month={m}");
            let print = format!("/monthly-report/print?site={s}&month={m}");
            let ended = Period::parse(&r.month).is_some_and(|p| (client::now_ms() as i64) >= p.bounds().1);
            view! {
                <p class="muted" data-testid="report-state">{state}</p>
                <p class="row no-print">
                    <a class="button small" href=xlsx download>{t(Text::Workbook)}</a>
                    <a class="button small" href=print target="_blank">{t(Text::PrintPage)}</a>
                </p>
                {charts}
                {parts}
                <section class="card" data-testid="report-score">
                    <h2>{t(Text::Scorecard)} " " <strong>{points_text(r.scorecard.total_centi)}</strong></h2>
                    <table class="grid lines"><tbody>{figures}</tbody></table>
                </section>
                <section class="card" data-testid="report-plan">
                    <h2>{t(Text::NextMonthPlan)}</h2>
                    <Show when=move || files() && !filed fallback=move || view! { <p class="plan">{plan.get()}</p> }>
                        <textarea name="plan" rows="6" maxlength="2000" prop:value=move || plan.get()
                            on:input=move |ev| plan.set(event_target_value(&ev))></textarea>
                        <div class="row">
                            <button type="button" class="small" data-testid="save-plan" on:click=move |_| send(false)>{t(Text::Save)}</button>
                            <Show when=move || ended>
                                <button type="button" class="primary" data-testid="file-report" on:click=move |_| send(true)>{t(Text::FileReport)}</button>
                            </Show>
                        </div>
                    </Show>
                </section>
            }
        })
    };
    view! {
        <SignedIn>
            <h1>{t(Text::MonthlyReport)}</h1>
            <super::scorecard::ScopeAndPeriod sites=sites site=site periods=months period=month name="month" />
            <Message text=message />
            <Message text=saved ok=true />
            {body}
        </SignedIn>
    }
}
