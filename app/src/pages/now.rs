//! What the home shows first: what needs its person now, in the order it must be done. Alerts
//! not yet acknowledged (one tap each), then the requests open with their clocks, the rounds,
//! fire-room entries and boiler duties due, then what is open (visitors on site, deposits).
//! Read from the phone's store (the alerts pulled for this person's sites), or online for
//! someone without an enrolled phone; a lazy part, so the first download stays the home's.

use crate::alert::{inbox, Ack, AlertRow, ALERT};
use crate::components::{ticking_now, use_rows_showing};
use crate::i18n::alert::Text;
use crate::model::{Action, Me};
use crate::phone::state::{use_app, AppState};
use crate::phone::{client, outbox};
use crate::record::Record;
use crate::request::{span_text, COURT_REQUEST};
use crate::rows::Want;
use crate::sync::Rows;
use leptos::prelude::*;

#[leptos::lazy]
pub(super) fn now_panel() -> AnyView {
    view! { <NowPanel /> }.into_any()
}

/// Of the phone's records not yet on the server, the panel shows only its own taps (an alert
/// acknowledged offline shows acknowledged): it does not download every record type's view.
fn show_acks(rows: &mut Rows, m: &crate::sync::Mutation) {
    if m.name == Ack::NAME {
        Ack::show(rows, m);
    }
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
        if daily_checklists(me).next().is_some() {
            w.push(crate::checklist::CHECKLIST.since(s, day));
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

// The rows are read as JSON, not as each feature's row type: the panel then shares no code
// with the pages of one part or another (the split tool makes a chunk of each set of parts
// that share a function, and the home would load dozens of them at its start).

fn text(v: &serde_json::Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

fn requests_due(app: AppState, rows: &Rows, now: i64) -> Vec<Due> {
    use crate::request::{Clock, Urgency};
    let t = |w: Text| w.text(app.locale);
    let mut open: Vec<&serde_json::Value> = rows
        .all(COURT_REQUEST)
        .filter(|r| r["closed_at"].is_null())
        .collect();
    open.sort_by_key(|r| r["received_at"].as_i64().unwrap_or_default());
    open.into_iter()
        .map(|r| {
            let limit = if r["urgency"].as_str() == Some(Urgency::Urgent.code()) {
                Urgency::Urgent.response_limit()
            } else {
                Urgency::General.response_limit()
            };
            let from = r["received_at"].as_i64().unwrap_or_default();
            let clock = Clock::new(from, limit, r["acknowledged_at"].as_i64(), now);
            let (line, class) = if clock.took.is_some() {
                (t(Text::Answered).to_string(), "plain")
            } else if clock.breached() {
                (
                    format!(
                        "{}{}",
                        t(Text::LateBy),
                        span_text(-clock.left(), app.locale)
                    ),
                    "alarm",
                )
            } else {
                (
                    format!(
                        "{}{}",
                        t(Text::LeftToRespond),
                        span_text(clock.left(), app.locale)
                    ),
                    "warn",
                )
            };
            Due {
                title: text(r, "subject"),
                line,
                href: "/requests",
                class,
            }
        })
        .collect()
}

fn rounds_due(app: AppState, rows: &Rows, me: &Me, now: i64) -> Vec<Due> {
    use crate::rounds::{round_status, Days, RoundStatus, Schedule, ROUND, ROUTE};
    let day = crate::core::court_day_start(now);
    let mut routes: Vec<(&String, &serde_json::Value)> = rows
        .table(ROUTE)
        .into_iter()
        .flatten()
        .filter(|(_, r)| me.site_ids.iter().any(|s| r["site_id"].as_str() == Some(s)))
        .collect();
    routes.sort_by_key(|(_, r)| r["window_start"].as_i64().unwrap_or_default());
    routes
        .into_iter()
        .filter_map(|(id, r)| {
            let schedule = Schedule {
                days: Days::parse(r["days"].as_str().unwrap_or_default())
                    .unwrap_or(Days::Unscheduled),
                window_start: r["window_start"].as_i64().unwrap_or_default(),
                window_end: r["window_end"].as_i64().unwrap_or_default(),
            };
            let starts: Vec<i64> = rows
                .all(ROUND)
                .filter(|x| x["route_id"].as_str() == Some(id.as_str()))
                .filter_map(|x| x["started_at"].as_i64())
                .collect();
            let opened = now >= day + schedule.window_start * 60_000;
            let (line, class) = match round_status(schedule, now, &starts, now) {
                RoundStatus::Due { window_end } if opened => (
                    Text::DueBy
                        .text(app.locale)
                        .replace("{}", &client::format_local_time(window_end as f64)),
                    "warn",
                ),
                RoundStatus::Missed => (Text::NotReceived.text(app.locale).to_string(), "alarm"),
                _ => return None,
            };
            let en = text(r, "name_en");
            let name = if app.locale == crate::i18n::Locale::En && !en.is_empty() {
                en
            } else {
                text(r, "name_zh")
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
    use crate::fire::{status_due, FIRE_SHIFT, FIRE_STATUS};
    let start = rows
        .all(FIRE_SHIFT)
        .filter(|s| {
            let (from, to) = (s["starts_at"].as_i64(), s["ends_at"].as_i64());
            from.is_some_and(|f| f <= now) && to.is_some_and(|t| now < t)
        })
        .filter_map(|s| s["starts_at"].as_i64())
        .min()?;
    let last = rows
        .all(FIRE_STATUS)
        .filter_map(|v| v["recorded_at"].as_i64())
        .filter(|t| *t >= start)
        .max();
    let due = status_due(last, start, now);
    let when = client::format_local_time(due.due_at as f64);
    Some(Due {
        title: Text::FireEntryDue.text(app.locale).into(),
        line: Text::DueAt.text(app.locale).replace("{}", &when),
        href: "/fire",
        class: if due.late { "alarm" } else { "plain" },
    })
}

fn boiler_due(app: AppState, rows: &Rows, me: &Me, now: i64) -> Option<Due> {
    use crate::boiler::{duties_due, Duty, BOILER, BOILER_READING};
    let here = rows.all(BOILER).any(|b| {
        b["site_id"]
            .as_str()
            .is_some_and(|s| me.site_ids.iter().any(|m| m == s))
    });
    if !here {
        return None;
    }
    let done: Vec<(i64, Vec<Duty>)> = rows
        .all(BOILER_READING)
        .filter_map(|r| {
            let duties: Vec<Duty> = serde_json::from_str::<Vec<String>>(r["duties"].as_str()?)
                .ok()?
                .iter()
                .filter_map(|d| Duty::parse(d))
                .collect();
            Some((r["read_at"].as_i64()?, duties))
        })
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

/// The checklists kept every day that `me` keeps (the monthly fire-facility inspection aside).
fn daily_checklists(me: &Me) -> impl Iterator<Item = crate::checklist::ChecklistKind> + '_ {
    use crate::checklist::ChecklistKind as K;
    [
        K::Housekeeping,
        K::WaterTank,
        K::ControllerCheck,
        K::FirePatrol,
    ]
    .into_iter()
    .filter(|k| k.kept_with().iter().any(|a| me.can(*a)))
}

/// The day's checklists not recorded yet today at any of `me`'s sites.
fn duties_due(app: AppState, rows: &Rows, me: &Me, now: i64) -> Vec<Due> {
    let day = crate::core::court_day_start(now);
    daily_checklists(me)
        .filter(|k| {
            !rows.all(crate::checklist::CHECKLIST).any(|c| {
                c["kind"].as_str() == Some(k.code())
                    && c["recorded_at"].as_i64().is_some_and(|t| t >= day)
            })
        })
        .map(|k| Due {
            title: k.label(app.locale).into(),
            line: Text::NotRecordedToday.text(app.locale).into(),
            href: "/duties",
            class: "plain",
        })
        .collect()
}

fn open_items(app: AppState, rows: &Rows) -> Vec<Due> {
    [
        (crate::front::VISIT, Text::OnSite, "/onsite"),
        (crate::screening::DEPOSIT, Text::Deposits, "/deposits"),
    ]
    .into_iter()
    .filter_map(|(entity, what, href)| {
        let n = rows.all(entity).count();
        (n > 0).then(|| Due {
            title: what.text(app.locale).into(),
            line: n.to_string(),
            href,
            class: "plain",
        })
    })
    .collect()
}

/// Keeps the panel's height, measured once the browser has laid it out.
fn keep_height() {
    #[cfg(feature = "hydrate")]
    request_animation_frame(|| {
        let h = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("[data-testid=now]").ok().flatten())
            .map(|e| f64::from(e.client_height()));
        if let Some(h) = h.filter(|h| *h > 0.0) {
            crate::phone::client::store::set(crate::phone::client::store::NOW_HEIGHT, &h);
        }
    });
}

#[component]
fn NowPanel() -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let now = ticking_now();
    let rows = use_rows_showing(
        move || match app.me.get() {
            Some(me) if app.enrolled.get() => wants(&me, client::now_ms() as i64),
            _ => Vec::new(),
        },
        show_acks,
    );
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
        list.extend(duties_due(app, &r, &me, n));
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
    // The room it took, for the next visit's first paint (see `NOW_HEIGHT` in lib.rs).
    Effect::new(move |_| {
        let _ = (alerts(), due());
        keep_height();
    });
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
