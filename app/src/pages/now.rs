//! What the home shows first: what needs its person now, in the order it must be done. Alerts
//! not yet acknowledged (one tap each), then the requests open with their clocks, the rounds,
//! fire-room entries and boiler duties due, then what is open (visitors on site, deposits).
//! Read from the phone's store (the alerts pulled for this person's sites), or online for
//! someone without an enrolled phone; a lazy part, so the first download stays the home's.

use crate::alert::{inbox, Ack, AlertRow, ALERT};
use crate::components::{ticking_now, use_rows};
use crate::i18n::alert::Text;
use crate::model::{Action, Me};
use crate::phone::state::{use_app, AppState};
use crate::phone::{client, outbox};
use crate::request::{span_text, RequestRow, RequestState, COURT_REQUEST};
use crate::rows::Want;
use crate::sync::Rows;
use leptos::prelude::*;

#[leptos::lazy]
pub(super) fn panel() -> AnyView {
    view! { <NowPanel /> }.into_any()
}

/// One thing due: what, a line on it, where it is done, how pressing.
struct Due {
    title: String,
    line: String,
    href: &'static str,
    class: &'static str,
}

fn wants(me: &Me, now: i64) -> Vec<Want> {
    let day = crate::core::court_day_start(now);
    let mut w = Vec::new();
    let mut sites = me.site_ids.clone();
    // The court's own alerts (a backup) are kept under no site.
    sites.push(String::new());
    for s in &sites {
        w.push(ALERT.open(s));
        if s.is_empty() {
            continue;
        }
        if me.can(Action::HandleRequest) {
            w.push(COURT_REQUEST.at(s));
        }
        if me.can(Action::PatrolRound) {
            w.push(crate::rounds::ROUTE.all());
            w.push(crate::rounds::ROUND.since(s, day));
        }
        if me.can(Action::FireDuty) {
            w.push(crate::fire::FIRE_SHIFT.since(s, now - 24 * 3_600_000));
            w.push(crate::fire::FIRE_STATUS.since(s, now - 24 * 3_600_000));
        }
        if me.can(Action::BoilerLog) {
            w.push(crate::boiler::BOILER.all());
            w.push(crate::boiler::BOILER_READING.since(s, now - 31 * 24 * 3_600_000));
        }
        if me.can(Action::RegisterVisitor) {
            w.push(crate::front::VISIT.open(s));
        }
        if me.can(Action::RecordScreening) {
            w.push(crate::screening::DEPOSIT.open(s));
        }
    }
    w
}

fn requests_due(app: AppState, rows: &Rows, now: i64) -> Vec<Due> {
    let t = |w: crate::i18n::request::Text| w.text(app.locale);
    rows.list(COURT_REQUEST, |r: &RequestRow| -r.received_at)
        .into_iter()
        .rev()
        .filter(|(_, r)| r.state() != RequestState::Closed)
        .map(|(_, r)| {
            let clock = r.response(now);
            let (line, class) = if clock.took.is_some() {
                (r.state().label(app.locale).to_string(), "plain")
            } else if clock.breached() {
                use crate::i18n::request::Text::LateBy;
                (
                    format!("{}{}", t(LateBy), span_text(-clock.left(), app.locale)),
                    "alarm",
                )
            } else {
                use crate::i18n::request::Text::LeftToRespond;
                (
                    format!(
                        "{}{}",
                        t(LeftToRespond),
                        span_text(clock.left(), app.locale)
                    ),
                    "warn",
                )
            };
            Due {
                title: r.subject.clone(),
                line,
                href: "/requests",
                class,
            }
        })
        .collect()
}

fn rounds_due(app: AppState, rows: &Rows, me: &Me, now: i64) -> Vec<Due> {
    use crate::rounds::{round_status, RoundRow, RoundStatus, RouteRow, ROUND, ROUTE};
    let rounds = rows.list(ROUND, |r: &RoundRow| r.started_at);
    rows.list(ROUTE, |r: &RouteRow| -r.window_start)
        .into_iter()
        .rev()
        .filter(|(_, r)| me.site_ids.contains(&r.site_id))
        .filter_map(|(id, r)| {
            let starts: Vec<i64> = rounds
                .iter()
                .filter(|(_, x)| x.route_id == id)
                .map(|(_, x)| x.started_at)
                .collect();
            let status = round_status(r.schedule(), now, &starts, now);
            let opened = now >= crate::core::court_day_start(now) + r.window_start * 60_000;
            let (line, class) = match status {
                RoundStatus::Due { .. } if opened => super::rounds::status_text(status, app.locale),
                RoundStatus::Missed => super::rounds::status_text(status, app.locale),
                _ => return None,
            };
            let name = if app.locale == crate::i18n::Locale::En && !r.name_en.is_empty() {
                r.name_en.clone()
            } else {
                r.name_zh.clone()
            };
            Some(Due {
                title: name,
                line,
                href: "/rounds",
                class,
            })
        })
        .collect()
}

fn fire_due(app: AppState, rows: &Rows, now: i64) -> Option<Due> {
    use crate::fire::{status_due, ShiftRow, FIRE_SHIFT, FIRE_STATUS};
    let shift = rows
        .list(FIRE_SHIFT, |s: &ShiftRow| s.starts_at)
        .into_iter()
        .map(|(_, s)| s)
        .find(|s| s.starts_at <= now && now < s.ends_at)?;
    let last = rows
        .all(FIRE_STATUS)
        .filter_map(|v| v["recorded_at"].as_i64())
        .filter(|t| *t >= shift.starts_at)
        .max();
    let due = status_due(last, shift.starts_at, now);
    let when = client::format_local_time(due.due_at as f64);
    Some(Due {
        title: Text::FireEntryDue.text(app.locale).into(),
        line: Text::DueAt.text(app.locale).replace("{}", &when),
        href: "/fire",
        class: if due.late { "alarm" } else { "plain" },
    })
}

fn boiler_due(app: AppState, rows: &Rows, me: &Me, now: i64) -> Option<Due> {
    use crate::boiler::{duties_due, ReadingRow, BOILER, BOILER_READING};
    let here = rows.all(BOILER).any(|b| {
        b["site_id"]
            .as_str()
            .is_some_and(|s| me.site_ids.iter().any(|m| m == s))
    });
    if !here {
        return None;
    }
    let done: Vec<(i64, Vec<crate::boiler::Duty>)> = rows
        .list(BOILER_READING, |r: &ReadingRow| r.read_at)
        .into_iter()
        .map(|(_, r)| (r.read_at, r.duties()))
        .collect();
    let due = duties_due(&done, now);
    (!due.is_empty()).then(|| Due {
        title: Text::BoilerDue.text(app.locale).into(),
        line: due
            .iter()
            .map(|d| d.label(app.locale))
            .collect::<Vec<_>>()
            .join("、"),
        href: "/boiler",
        class: "warn",
    })
}

fn open_items(app: AppState, rows: &Rows) -> Vec<Due> {
    let mut out = Vec::new();
    let on_site = rows.all(crate::front::VISIT).count();
    if on_site > 0 {
        out.push(Due {
            title: Text::OnSite.text(app.locale).into(),
            line: on_site.to_string(),
            href: "/onsite",
            class: "plain",
        });
    }
    let deposits = rows.all(crate::screening::DEPOSIT).count();
    if deposits > 0 {
        out.push(Due {
            title: Text::Deposits.text(app.locale).into(),
            line: deposits.to_string(),
            href: "/deposits",
            class: "plain",
        });
    }
    out
}

#[component]
fn NowPanel() -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let now = ticking_now();
    let rows = use_rows(move || match app.me.get() {
        Some(me) if app.enrolled.get() => wants(&me, client::now_ms() as i64),
        _ => Vec::new(),
    });
    // Without an enrolled phone (the court's liaison on their own), alerts come online.
    let fetched = RwSignal::new(Vec::<(String, AlertRow)>::new());
    Effect::new(move |_| {
        app.view_rev.track();
        if app.enrolled.get() || app.me.get().is_none() {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(list) = client::get::<Vec<(String, AlertRow)>>("/api/v1/alerts").await {
                fetched.set(list);
            }
        });
    });
    let alerts = move || {
        let me = app.me.get()?;
        let list = if app.enrolled.get() {
            rows.get().list(ALERT, |a: &AlertRow| a.raised_at)
        } else {
            fetched.get()
        };
        Some(inbox(list, &me.roles))
    };
    let ack = move |id: String| {
        if app.enrolled.get_untracked() {
            outbox::send(app, &Ack { alert_id: id }, |_| ());
        } else {
            leptos::task::spawn_local(async move {
                let path = format!("/api/v1/alerts/{id}/ack");
                let _ = client::post::<_, serde_json::Value>(&path, &serde_json::json!({})).await;
                app.view_rev.update(|n| *n = n.wrapping_add(1));
            });
        }
    };
    let alert_card = move |(id, a): (String, AlertRow)| {
        let n = now.get();
        let ago = format!("{}{}", span_text(n - a.raised_at, app.locale), t(Text::Ago));
        let waiting = a.waiting();
        let label = a.rule().map(|r| r.label(app.locale)).unwrap_or_default();
        let note = a
            .last_sync_at
            .map(|s| crate::alert::text::not_received(s, app.locale));
        let acked = a
            .acknowledged_name
            .clone()
            .map(|who| format!("{} · {who}", t(Text::Acknowledged)));
        let escalated = (a.stage > 0 && waiting).then(|| t(Text::Escalated));
        view! {
            <li class=if waiting { "due alarm" } else { "due plain" } data-testid="alert">
                <p><strong>{format!("#{} {label}", a.number)}</strong>" · "{ago}
                    {escalated.map(|e| view! { " · " <span class="error-text">{e}</span> })}</p>
                <p>{a.words(app.locale)}</p>
                {note.map(|n| view! { <p class="muted" data-testid="not-received">{n}</p> })}
                {acked.map(|a| view! { <p class="muted">{a}</p> })}
                {waiting.then(|| view! {
                    <button class="primary" data-testid="ack" on:click=move |_| ack(id.clone())>
                        {t(Text::Acknowledge)}
                    </button>
                })}
            </li>
        }
    };
    let due = move || {
        let me = app.me.get()?;
        let (r, n) = (rows.get(), now.get());
        let mut list = Vec::new();
        list.extend(requests_due(app, &r, n));
        list.extend(rounds_due(app, &r, &me, n));
        list.extend(fire_due(app, &r, n));
        list.extend(boiler_due(app, &r, &me, n));
        list.extend(open_items(app, &r));
        Some(list)
    };
    let due_card = |d: Due| {
        view! {
            <li class=format!("due {}", d.class)>
                <a href=d.href><strong>{d.title}</strong><span>{d.line}</span></a>
            </li>
        }
    };
    let empty =
        move || alerts().is_some_and(|a| a.is_empty()) && due().is_some_and(|d| d.is_empty());
    view! {
        <ul class="now" data-testid="now-alerts">
            {move || alerts().unwrap_or_default().into_iter().map(alert_card).collect_view()}
        </ul>
        <ul class="now" data-testid="now-due">
            {move || due().unwrap_or_default().into_iter().map(due_card).collect_view()}
        </ul>
        <Show when=empty>
            <p class="muted" data-testid="nothing-now">{t(Text::NothingNow)}</p>
        </Show>
    }
}
