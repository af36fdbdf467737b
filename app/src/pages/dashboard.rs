//! The supervisor's dashboard: one site, one court day; the counts behind the contract's KPIs,
//! read from the server (it holds every phone's records).

use crate::components::{handle_error, Message, SignedIn};
use crate::components::{use_my_sites, SitePicker};
use crate::dashboard::{Dashboard as Figures, DutyDay};
use crate::fire::AlarmKind;
use crate::gate::GateKind;
use crate::i18n::dashboard::Text;
use crate::i18n::Key;
use crate::i18n::Locale;
use crate::phone::client;
use crate::phone::state::use_app;
use crate::screening::{ItemCategory, Outcome};
use leptos::prelude::*;

/// Completeness target of the contract (来访登记完整率).
const COMPLETENESS_TARGET: f64 = 98.0;

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
            day.set(client::court_today_text());
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
            let t = move |w: Text| w.text(app.locale);
            let accuracy = Figures::percent(f.month_sampled_correct, f.month_sampled);
            let accuracy_low = accuracy.is_some_and(|p| p < 95.0);
            let r = f.rectify.clone();
            let responses = responses_view(app.locale, f.responses.clone());
            let emergencies = emergencies_view(app.locale, f.emergencies.clone());
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
                    <p data-testid="screening-accuracy">{t(Text::ReChecked)} <strong>{f.sampled}</strong>
                        {t(Text::Correct)} <strong>{f.sampled_correct}</strong> " · " {app.t(Key::DashMonth)} " "
                        <strong class:error-text=accuracy_low>{pct(f.month_sampled_correct, f.month_sampled)}</strong>
                        <span class="muted">{t(Text::Target95)}</span></p>
                </section>
                <section class="card kpi" class:alarm={r.overdue > 0} data-testid="kpi-rectify">
                    <h2><a href="/rectify">{t(Text::HazardsAndRectifications)}</a></h2>
                    <p>{t(Text::Reported)} <strong>{r.reported}</strong> " · " {t(Text::Open)} <strong data-testid="rect-open">{r.open}</strong>
                        " · " {t(Text::ToReview)} <strong>{r.awaiting_review}</strong> " · " {t(Text::Closed)} <strong>{r.closed}</strong></p>
                    <p class:error-text={r.overdue > 0}>{t(Text::Overdue)} <strong data-testid="rect-overdue">{r.overdue}</strong></p>
                </section>
                {responses}
                {emergencies}
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
                {duty_view(app.locale, f.duty)}
                <Show when=move || { f.clock_flagged > 0 }>
                    <section class="card kpi alarm" data-testid="kpi-clock">
                        <p>{t(Text::RecordsWithADoubtfulTime)} <strong data-testid="clock-flagged">{f.clock_flagged}</strong>
                            <span class="muted">{t(Text::ThePhoneSClockWasOff)}</span></p>
                    </section>
                </Show>
            }
        })
    };
    view! {
        <SignedIn>
            <h1>{app.t(Key::TaskViewKpis)}</h1>
            <p class="row no-print">
                <a class="button small" href="/scorecard" data-testid="to-scorecard">{Text::ScorecardLink.text(app.locale)}</a>
                <a class="button small" href="/surveys">{Text::SurveysLink.text(app.locale)}</a>
            </p>
            <super::overview::CourtOverview day=day sites=sites />
            <SitePicker sites=sites site=site />
            <label class="inline"><span>{app.t(Key::DashDay)}</span>
                <input type="date" name="day" prop:value=move || day.get()
                    on:change=move |ev| day.set(event_target_value(&ev)) /></label>
            <Message text=message />
            {body}
            <super::overview::TrendCharts site=site />
            <Show when=move || app.me.get().is_some_and(|m| m.can(crate::model::Action::SearchVisits))>
                <super::visit_search::VisitSearch site=site />
            </Show>
        </SignedIn>
    }
}

/// The share of a clock's judged requests within the limit ("—" when none is judged yet).
fn share(f: &crate::request::ClockFigures) -> String {
    f.share_permille()
        .map(|p| format!("{:.1}%", p as f64 / 10.0))
        .unwrap_or_else(|| "—".into())
}

/// The month's response-time KPI (its target, 95%, as the scorecard's default).
fn responses_view(locale: Locale, k: crate::request::ResponseKpi) -> impl IntoView {
    let t = move |w: Text| w.text(locale);
    let span = move |ms: Option<i64>| {
        ms.map(|ms| crate::request::span_text(ms, locale))
            .unwrap_or_else(|| "—".into())
    };
    let r = &k.response;
    let low = r.share_permille().is_some_and(|p| p < 950);
    let email = &k.email_reply;
    let emails = (email.judged + email.running > 0).then(|| {
        view! { <p data-testid="resp-email">{t(Text::EmailReplies)} <strong>{share(email)}</strong>
            " · " {t(Text::Breaches)} <strong class:error-text={email.breaches > 0}>{email.breaches}</strong></p> }
    });
    view! {
        <section class="card kpi" class:alarm={r.breaches > 0} data-testid="kpi-responses">
            <h2><a href="/requests">{t(Text::ResponseTime)}</a></h2>
            <p>{t(Text::Requests)} <strong data-testid="resp-requests">{k.requests}</strong> " · " {t(Text::InTime)}
                <strong class:error-text=low data-testid="resp-share">{share(r)}</strong>
                <span class="muted">{t(Text::Target95)}</span></p>
            <p>{t(Text::Median)} <strong data-testid="resp-median">{span(r.median_ms)}</strong>
                " · " {t(Text::Worst)} <strong>{span(r.worst_ms)}</strong>
                " · " {t(Text::Breaches)} <strong class:error-text={r.breaches > 0} data-testid="resp-breaches">{r.breaches}</strong>
                " · " {t(Text::Waiting)} <strong>{r.running}</strong></p>
            {emails}
            <p>{t(Text::Closing)} <strong data-testid="resp-close">{span(k.close_median_ms)}</strong>
                " · " {t(Text::Worst)} <strong>{span(k.close_worst_ms)}</strong></p>
        </section>
    }
}

/// The month's emergencies, with the reports afterwards that were not made within 48 hours.
fn emergencies_view(locale: Locale, e: crate::dashboard::EmergencyMonth) -> impl IntoView {
    let t = move |w: Text| w.text(locale);
    view! {
        <section class="card kpi" class:alarm={e.reports_late > 0 || e.open > 0} data-testid="kpi-emergencies">
            <h2><a href="/emergency">{t(Text::EmergenciesMonth)}</a></h2>
            <p>{t(Text::Opened)} <strong data-testid="em-opened">{e.opened}</strong>
                " · " {t(Text::Drills)} <strong>{e.drills}</strong>
                " · " {t(Text::UnderWay2)} <strong class:error-text={e.open > 0}>{e.open}</strong>
                " · " {t(Text::ReportsLate)} <strong class:error-text={e.reports_late > 0} data-testid="em-late">{e.reports_late}</strong></p>
        </section>
    }
}

fn time(ms: i64) -> String {
    client::format_local_time(ms as f64)
}

/// Rounds, boiler and fire room of the day; each line opens to its record.
fn duty_view(locale: Locale, d: DutyDay) -> impl IntoView {
    let t = move |w: Text| w.text(locale);
    let routes = d
        .routes
        .into_iter()
        .map(|r| {
            let (label, bad) = match r.status.as_str() {
                "done" => (t(Text::Done), false),
                "late" => (t(Text::Late), true),
                "missed" => (t(Text::Missed), true),
                "due" => (t(Text::Due), false),
                "not_due" => (t(Text::NotDue), false),
                _ => (t(Text::WhenNeeded), false),
            };
            let flagged = bad || r.rounds.iter().any(|x| !x.skipped.is_empty());
            let name = if locale == Locale::En { r.name_en } else { r.name_zh };
            let rounds = r
                .rounds
                .into_iter()
                .map(|x| {
                    view! {
                        <li data-testid="duty-round">
                            {time(x.started_at)} "–" {x.finished_at.map(time).unwrap_or_else(|| t(Text::UnderWay).into())}
                            {(x.by_list > 0).then(|| format!(" · {}{}", t(Text::ConfirmedWithoutScan), x.by_list))}
                            {(!x.skipped.is_empty()).then(|| view! { <br/><span class="error-text">{t(Text::Skipped)}{x.skipped.join("、")}</span> })}
                            {x.findings.into_iter().map(|f| view! { <br/><span>{f}</span> }).collect_view()}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <details data-testid="duty-route">
                    <summary class:error-text=flagged>{name} " · " {label}</summary>
                    <ul>{rounds}</ul>
                </details>
            }
        })
        .collect_view();
    let stop_count = d.boiler_stops.len();
    let boiler = d
        .boiler_stops
        .into_iter()
        .map(|b| {
            let reasons = if locale == Locale::En { b.reasons_en } else { b.reasons_zh };
            view! {
                <li data-testid="duty-boiler-stop">{time(b.read_at)} " " {b.boiler} "：" {reasons.join("；")}
                    " · " {t(Text::StopSteps)} " " {b.steps_done} "/" {b.steps_total}</li>
            }
        })
        .collect_view();
    let now = client::now_ms() as i64;
    let overdue = d
        .fire_last
        .is_some_and(|last| crate::fire::status_due(Some(last), last, now).late);
    let open_fire = d.alarms.iter().any(|a| a.closed_at.is_none());
    let alarms = d
        .alarms
        .into_iter()
        .map(|a| {
            let kind = AlarmKind::parse(&a.kind).map(|k| k.label(locale)).unwrap_or("?");
            let steps = (a.kind == "fire").then(|| {
                format!(
                    " · {} {}/5{}",
                    t(Text::Steps),
                    a.steps_done,
                    if a.steps_skipped > 0 {
                        format!("（{}{}）", t(Text::Skipped2), a.steps_skipped)
                    } else {
                        String::new()
                    }
                )
            });
            view! {
                <details data-testid="duty-alarm">
                    <summary class:error-text=a.closed_at.is_none()>{time(a.raised_at)} " " {kind} " · " {a.place}
                        {a.closed_at.is_none().then(|| format!(" · {}", t(Text::Open2)))}</summary>
                    <p>{a.cause} " " {a.handling} {steps}</p>
                </details>
            }
        })
        .collect_view();
    let unsigned: i64 = d.checklists.iter().map(|c| c.unsigned).sum();
    let checklists = d
        .checklists
        .into_iter()
        .map(|c| {
            let label = crate::checklist::ChecklistKind::parse(&c.kind)
                .map(|k| k.label(locale))
                .unwrap_or("?");
            view! {
                <li data-testid="duty-checklist">{label} " " <strong>{c.count}</strong>
                    {(c.failed > 0).then(|| view! { " · " <span class="error-text">{t(Text::ItemsWrong)}{c.failed}</span> })}
                    {(c.unsigned > 0).then(|| view! { " · " <span class="error-text">{t(Text::ToCountersign)}{c.unsigned}</span> })}</li>
            }
        })
        .collect_view();
    let duty_count = d.court_duties.len();
    let duty_incidents = d
        .court_duties
        .into_iter()
        .filter(|x| x.outcome.as_deref() != Some("orderly"))
        .map(|x| {
            let what = match x.outcome.as_deref().and_then(crate::rounds::DutyOutcome::parse) {
                Some(o) => format!("{}：{}", o.label(locale), x.note),
                None => t(Text::OnDutyNow).to_string(),
            };
            view! { <li data-testid="duty-court">{time(x.started_at)} " " {x.courtroom} " " {x.case_no} " · " {what}</li> }
        })
        .collect_view();
    let shift_warned = d.shifts.iter().any(|s| !s.warnings.is_empty());
    let shifts = d
        .shifts
        .into_iter()
        .map(|s| {
            let said: Vec<String> = s.warnings.iter().map(|w| w.message(locale)).collect();
            view! {
                <li data-testid="duty-shift">{time(s.starts_at)} "–" {time(s.ends_at)} " " {s.operators}
                    {(!said.is_empty()).then(|| view! { " · " <span class="error-text">{said.join("；")}</span> })}</li>
            }
        })
        .collect_view();
    let repairs_count = d.repairs_open.len();
    let repairs = d
        .repairs_open
        .into_iter()
        .map(|r| view! { <li>{time(r.opened_at)} " " {r.place}</li> })
        .collect_view();
    view! {
        <section class="card kpi" data-testid="kpi-rounds">
            <h2>{t(Text::PatrolRounds)}</h2>
            {routes}
            <p>{t(Text::CourtroomDuty)} " " <strong data-testid="court-duties">{duty_count}</strong></p>
            <ul>{duty_incidents}</ul>
        </section>
        <section class="card kpi" class:alarm={stop_count > 0} data-testid="kpi-boiler">
            <h2>{t(Text::Boiler)}</h2>
            <p>{t(Text::Readings)} " " <strong data-testid="boiler-readings">{d.boiler_readings}</strong>
                " · " {t(Text::Stops)} " " <strong data-testid="boiler-stops">{stop_count}</strong></p>
            <ul>{boiler}</ul>
        </section>
        <section class="card kpi" class:alarm={overdue || open_fire || repairs_count > 0 || shift_warned} data-testid="kpi-fire">
            <h2>{t(Text::FireControlRoom)}</h2>
            <ul data-testid="duty-shifts">{shifts}</ul>
            <p>{t(Text::StatusEntries)} " " <strong data-testid="fire-entries">{d.fire_entries}</strong>
                " · " {t(Text::Late2)} " " <strong class:error-text={d.fire_late > 0}>{d.fire_late}</strong>
                {overdue.then(|| view! { " · " <strong class="error-text">{t(Text::OverdueNow)}</strong> })}</p>
            {alarms}
            <p>{t(Text::OpenRepairs)} " " <strong data-testid="repairs-open">{repairs_count}</strong></p>
            <ul>{repairs}</ul>
        </section>
        <section class="card kpi" data-testid="kpi-checklists">
            <h2>{t(Text::DailyChecklists)}</h2>
            <ul class="counts">{checklists}</ul>
            {(unsigned > 0).then(|| view! { <a class="task" href="/duties">{t(Text::Countersign)}</a> })}
        </section>
    }
}
