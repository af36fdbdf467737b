//! On the dashboard: every site of the reader's scope at once (a line each, wrapping at 360 px),
//! and the trends over weeks and months as SVG bar charts, fetched only when opened.

use crate::components::site_name;
use crate::dashboard::{SiteRow, Trends};
use crate::i18n::dashboard::Text;
use crate::i18n::Locale;
use crate::model::Site;
use crate::phone::client;
use crate::phone::state::use_app;
use crate::report::chart;
use leptos::prelude::*;

/// The sites' lines for `day`.
#[component]
pub fn CourtOverview(day: RwSignal<String>, sites: RwSignal<Vec<Site>>) -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let rows = RwSignal::new(Vec::<SiteRow>::new());
    Effect::new(move |_| {
        let d = day.get();
        if d.is_empty() || !app.hydrated.get() {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(r) = client::get::<Vec<SiteRow>>(&format!("/api/v1/overview?day={d}")).await {
                rows.set(r);
            }
        });
    });
    let name = move |id: &str| {
        sites
            .get()
            .iter()
            .find(|s| s.id == id)
            .map(|s| site_name(app.locale, s))
            .unwrap_or_default()
    };
    let list = move || {
        rows.get()
            .into_iter()
            .map(|r| {
                let bad = r.rounds_missed > 0 || r.alarms_open > 0 || r.rect_overdue > 0;
                let n = |label: Text, v: i64, warn: bool| {
                    view! { <span class="chip-figure" class:error-text={warn && v > 0}>{t(label)} " " <strong>{v}</strong></span> }
                };
                view! {
                    <li class:alarm=bad data-testid="site-row">
                        <strong class="site">{name(&r.site_id)}</strong>
                        {n(Text::Visitors, r.visitors, false)}
                        {n(Text::OnSiteNow, r.on_site, false)}
                        {n(Text::RoundsDone, r.rounds_done, false)}
                        {n(Text::RoundsMissed, r.rounds_missed, true)}
                        {n(Text::AlarmsOpen, r.alarms_open, true)}
                        {n(Text::RepairsOpen, r.repairs_open, true)}
                        {n(Text::RectOverdue, r.rect_overdue, true)}
                        {n(Text::RequestsOpen, r.requests_open, true)}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <Show when=move || { rows.get().len() > 1 }>
            <section class="card" data-testid="court-overview">
                <h2>{t(Text::AllSites)}</h2>
                <ul class="site-rows">{list}</ul>
            </section>
        </Show>
    }
}

/// The trends of `site` (or the court), as charts, loaded on opening.
#[component]
pub fn TrendCharts(site: RwSignal<String>) -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let trends = RwSignal::new(None::<Trends>);
    let open = RwSignal::new(false);
    Effect::new(move |_| {
        let s = site.get();
        if !open.get() || s.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(r) = client::get::<Trends>(&format!("/api/v1/trends?site={s}")).await {
                trends.set(Some(r));
            }
        });
    });
    let charts = move || {
        trends.get().map(|tr| {
            tr.series
                .into_iter()
                .map(|s| {
                    let title = match app.locale {
                        Locale::Zh => s.zh.clone(),
                        Locale::En => s.en.clone(),
                    };
                    view! { <div class="chart" inner_html=chart::bars(&s, &title)></div> }
                })
                .collect_view()
        })
    };
    view! {
        <details class="card" data-testid="trends" on:toggle=move |_| open.set(true)>
            <summary>{t(Text::Trends)}</summary>
            {charts}
        </details>
    }
}
