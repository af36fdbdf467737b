//! The supervisor's dashboard: one site, one court day; the counts behind the contract's KPIs,
//! read from the server (it holds every phone's records).

use super::visit::{use_my_sites, SitePicker};
use crate::client;
use crate::components::{handle_error, Message, SignedIn};
use crate::dashboard::Dashboard as Figures;
use crate::gate::GateKind;
use crate::i18n::Key;
use crate::screening::{ItemCategory, Outcome};
use crate::state::use_app;
use leptos::prelude::*;

/// Completeness target of the contract (来访登记完整率).
const COMPLETENESS_TARGET: f64 = 98.0;

fn today() -> String {
    let (y, m, d) = crate::front::court_date(client::now_ms() as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let app = use_app();
    let site = RwSignal::new(String::new());
    let sites = use_my_sites(site);
    let day = RwSignal::new(String::new());
    let figures = RwSignal::new(None::<Figures>);
    let message = RwSignal::new(String::new());
    Effect::new(move |_| {
        if app.hydrated.get() && day.get_untracked().is_empty() {
            day.set(today());
        }
    });
    Effect::new(move |_| {
        let (s, d) = (site.get(), day.get());
        if s.is_empty() || d.is_empty() || !app.hydrated.get() {
            return;
        }
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/dashboard?site={s}&day={d}");
            match client::get::<Figures>(&path).await {
                Ok(f) => {
                    app.contact();
                    message.set(String::new());
                    figures.set(Some(f));
                }
                Err(e) => message.set(handle_error(app, &e)),
            }
        });
    });
    let pct = |part: i64, whole: i64| {
        Figures::percent(part, whole)
            .map(|p| format!("{p:.1}%"))
            .unwrap_or_else(|| "—".into())
    };
    let body = move || {
        figures.get().map(|f| {
            let today_pct = pct(f.complete, f.visits);
            let month = Figures::percent(f.month_complete, f.month_visits);
            let below = month.is_some_and(|p| p < COMPLETENESS_TARGET);
            let month_text = pct(f.month_complete, f.month_visits);
            let outcomes = f
                .outcomes
                .iter()
                .map(|(c, n)| {
                    let label = Outcome::parse(c).map(|o| o.label(app.locale)).unwrap_or("?");
                    view! { <li>{label} " " <strong>{*n}</strong></li> }
                })
                .collect_view();
            let items = f
                .items
                .iter()
                .map(|(c, n)| {
                    let label = ItemCategory::parse(c).map(|o| o.label(app.locale)).unwrap_or("?");
                    view! { <li>{label} " " <strong>{*n}</strong></li> }
                })
                .collect_view();
            let gate = f
                .gate
                .iter()
                .map(|(c, n)| {
                    let label = GateKind::parse(c).map(|o| o.label(app.locale)).unwrap_or("?");
                    view! { <li>{label} " " <strong>{*n}</strong></li> }
                })
                .collect_view();
            let unhandled = f.watch_hits > f.watch_alerts;
            view! {
                <section class="card kpi" data-testid="kpi-visits">
                    <h2>{app.t(Key::TaskRegisterVisitor)}</h2>
                    <p><strong class="big" data-testid="visits">{f.visits}</strong> " " {app.t(Key::DashRegistrations)} " · "
                        <strong>{f.people}</strong> " " {app.t(Key::PeopleCount)}</p>
                    <p>{app.t(Key::DashCompleteToday)} " "<strong data-testid="complete-today">{today_pct}</strong>
                        " · " {app.t(Key::DashMonth)} " "
                        <strong class:error-text=below data-testid="complete-month">{month_text}</strong>
                        <span class="muted">{app.t(Key::DashTarget)}</span></p>
                </section>
                <section class="card kpi" data-testid="kpi-screening">
                    <h2>{app.t(Key::TaskRecordScreening)} " " <strong data-testid="screenings">{f.screenings}</strong></h2>
                    <ul class="counts">{outcomes}</ul>
                    <h3>{app.t(Key::ItemsLabel)}</h3>
                    <ul class="counts" data-testid="items">{items}</ul>
                    <p>{app.t(Key::DepositsTitle)} " " <strong>{f.deposits_made}</strong>
                        " · " {app.t(Key::DashWaiting)} " "<strong data-testid="deposits-open">{f.deposits_open}</strong></p>
                    <p class:error-text=f.self_tests == 0>{app.t(Key::DashSelfTests)} " " <strong>{f.self_tests}</strong></p>
                </section>
                <section class="card kpi" class:alarm=unhandled>
                    <h2>{app.t(Key::TaskWatchlist)}</h2>
                    <p>{app.t(Key::DashMatches)} " "<strong data-testid="watch-hits">{f.watch_hits}</strong>
                        " · " {app.t(Key::DashHandled)} " "<strong>{f.watch_alerts}</strong></p>
                </section>
                <section class="card kpi">
                    <h2>{app.t(Key::TaskGateLog)}</h2>
                    <ul class="counts">{gate}</ul>
                    <p>{app.t(Key::OpenCustody)} " " <strong>{f.custody_open}</strong></p>
                </section>
            }
        })
    };
    view! {
        <SignedIn>
            <h1>{app.t(Key::TaskViewKpis)}</h1>
            <SitePicker sites=sites site=site />
            <label class="inline"><span>{app.t(Key::DashDay)}</span>
                <input type="date" name="day" prop:value=move || day.get()
                    on:change=move |ev| day.set(event_target_value(&ev)) /></label>
            <Message text=message />
            {body}
        </SignedIn>
    }
}
