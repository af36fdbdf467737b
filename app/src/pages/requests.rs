//! `/requests`: the court's requests and feedback with their response clocks. The service (a
//! guard, team leader or supervisor) logs what came by telephone, e-mail, the box or in person
//! and answers each one step by step, offline too (saved on the phone first). The court's side
//! (the liaison, court staff from their own phone) asks online and confirms it closed.

use super::hazard::message_line;
use super::request_form::{BoxCard, CourtForm, LogForm};
use crate::components::{use_my_sites, SignedIn, SitePicker};
use crate::i18n::request::Text;
use crate::model::Action;
use crate::phone::client;
use crate::phone::outbox;
use crate::phone::state::use_app;
use crate::request::{span_text, RequestRow, RequestState, Step, StepKind};
use crate::request::{COURT_REQUEST, SUGGESTION_BOX};
use leptos::prelude::*;

#[component]
pub fn Requests() -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let site = RwSignal::new(String::new());
    let sites = use_my_sites(site);
    let message = RwSignal::new((String::new(), true));
    let now = crate::components::ticking_now();
    // The service answers; the court's side asks (online) and confirms.
    let service = move || app.me.get().is_some_and(|m| m.can(Action::HandleRequest));
    let stored = crate::components::use_rows(move || {
        let s = site.get();
        vec![COURT_REQUEST.at(&s), SUGGESTION_BOX.at(&s)]
    });
    let fetched = RwSignal::new(Vec::<(String, RequestRow)>::new());
    let refetch = RwSignal::new(0u32);
    Effect::new(move |_| {
        refetch.track();
        if service() || app.me.get().is_none() {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(list) =
                client::get::<Vec<(String, RequestRow)>>("/api/v1/requests/mine").await
            {
                fetched.set(list);
            }
        });
    });
    let list = Memo::new(move |_| {
        let s = site.get();
        let mut all: Vec<(String, RequestRow)> = if service() {
            stored
                .get()
                .list(COURT_REQUEST, |r: &RequestRow| r.received_at)
        } else {
            fetched.get()
        };
        all.retain(|(_, r)| r.site_id == s);
        all.sort_by_key(|(_, r)| std::cmp::Reverse(r.received_at));
        all
    });
    let open = move || {
        list.get()
            .into_iter()
            .filter(|(_, r)| r.closed_at.is_none())
            .collect::<Vec<_>>()
    };
    let closed = move || {
        list.get()
            .into_iter()
            .filter(|(_, r)| r.closed_at.is_some())
            .take(10)
            .collect::<Vec<_>>()
    };
    let cards = move |rows: Vec<(String, RequestRow)>| {
        if rows.is_empty() {
            return view! { <p class="muted">{t(Text::Nothing)}</p> }.into_any();
        }
        rows.into_iter()
            .map(|(id, r)| view! { <RequestCard id=id row=r now=now service=service() message=message refetch=refetch /> })
            .collect_view()
            .into_any()
    };
    view! {
        <SignedIn>
            <h1>{move || if service() { t(Text::CourtRequests) } else { t(Text::RequestsAndFeedback) }}</h1>
            <SitePicker sites=sites site=site />
            {message_line(message)}
            {move || if service() {
                view! { <LogForm site=site message=message /> <BoxCard site=site rows=stored now=now message=message /> }.into_any()
            } else {
                view! { <CourtForm site=site message=message refetch=refetch /> }.into_any()
            }}
            <h2>{t(Text::Open)}</h2>
            <div data-testid="requests-open">{move || cards(open())}</div>
            <h2>{t(Text::Closed)}</h2>
            <div data-testid="requests-closed">{move || cards(closed())}</div>
        </SignedIn>
    }
}

/// The response clock (and an e-mail's reply clock) as a person reads it.
fn clock_line(r: &RequestRow, now: i64, locale: crate::i18n::Locale) -> (String, bool) {
    let t = |w: Text| w.text(locale);
    let c = r.response(now);
    let mut text = match c.took {
        Some(took) => format!(
            "{}{}{}",
            t(Text::RespondedIn),
            span_text(took, locale),
            if c.breached() {
                t(Text::LateResponse)
            } else {
                ""
            }
        ),
        None if c.breached() => format!("{}{}", t(Text::LateBy), span_text(c.left(), locale)),
        None => format!("{}{}", t(Text::LeftToRespond), span_text(c.left(), locale)),
    };
    if let Some(reply) = r.reply(now) {
        let part = match reply.took {
            Some(took) => format!("{}{}", t(Text::RepliedIn), span_text(took, locale)),
            None => format!("{}{}", t(Text::ReplyLeft), span_text(reply.left(), locale)),
        };
        text = format!("{text} · {part}");
    }
    let late = c.breached() || r.reply(now).is_some_and(|c| c.breached());
    (text, late)
}

#[component]
fn RequestCard(
    id: String,
    row: RequestRow,
    now: ReadSignal<i64>,
    service: bool,
    message: RwSignal<(String, bool)>,
    refetch: RwSignal<u32>,
) -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let state = row.state();
    let urgent = row.urgency() == crate::request::Urgency::Urgent;
    let channel = crate::request::Channel::parse(&row.channel).map(|c| c.label(app.locale));
    let received = client::format_local_time(row.received_at as f64);
    let r = row.clone();
    let clock = Memo::new(move |_| clock_line(&r, now.get(), app.locale));
    let note = RwSignal::new(String::new());
    let on_site = RwSignal::new(false);
    let id = StoredValue::new(id);
    let take = move |step: StepKind| {
        let s = Step {
            request_id: id.get_value(),
            step,
            note: note.get_untracked(),
            on_site: on_site.get_untracked(),
        };
        if let Err(e) = crate::request::check_step(s.clone(), app.locale) {
            message.set((e.message, false));
            return;
        }
        if step.is_court_s() {
            let path = format!("/api/v1/requests/{}/confirm", s.request_id);
            leptos::task::spawn_local(async move {
                let body = serde_json::json!({"note": s.note});
                match client::post::<_, serde_json::Value>(&path, &body).await {
                    Ok(_) => {
                        message.set((t(Text::Closed).into(), true));
                        refetch.update(|n| *n += 1);
                    }
                    Err(e) => message.set((crate::components::error_text(app, &e), false)),
                }
            });
            return;
        }
        outbox::send(app, &s, move |r| match r {
            Ok(_) => message.set((app.saved_pending().into(), true)),
            Err(e) => message.set((e, false)),
        });
    };
    let by = |name: &Option<String>| name.clone().unwrap_or_default();
    let steps = {
        let r = row.clone();
        view! {
            <ul class="steps">
                {r.acknowledged_at.map(|at| view! { <li>{StepKind::Acknowledge.label(app.locale)} " " {client::format_local_time(at as f64)} " " {by(&r.acknowledged_name)}</li> })}
                {r.handled_at.map(|at| view! { <li>{StepKind::Handle.label(app.locale)} " " {client::format_local_time(at as f64)} " " {by(&r.handled_name)} "：" {r.handling.clone()} {r.on_site.then(|| format!(" · {}", t(Text::OnSite)))}</li> })}
                {r.reported_at.map(|at| view! { <li>{StepKind::Report.label(app.locale)} " " {client::format_local_time(at as f64)} "：" {r.report.clone()}</li> })}
                {r.closed_at.map(|at| view! { <li>{if r.close_kind.as_deref() == Some("unconfirmed") { t(Text::ClosedUnconfirmed) } else { StepKind::Confirm.label(app.locale) }} " " {client::format_local_time(at as f64)}</li> })}
            </ul>
        }
    };
    let actions = match (service, state) {
        (true, RequestState::Received) => Some(view! {
            <button type="button" class="primary" data-testid="req-ack" on:click=move |_| take(StepKind::Acknowledge)>{t(Text::Acknowledge)}</button>
        }.into_any()),
        (true, RequestState::Acknowledged) => Some(view! {
            {super::hazard::area(t(Text::WhatWasDone), "note", note)}
            <label class="check"><input type="checkbox" prop:checked=move || on_site.get()
                on:change=move |ev| on_site.set(event_target_checked(&ev)) />{t(Text::OnSite)}</label>
            <button type="button" class="primary" data-testid="req-handle" on:click=move |_| take(StepKind::Handle)>{t(Text::Handled)}</button>
        }.into_any()),
        (true, RequestState::Handled) => Some(view! {
            {super::hazard::area(t(Text::WhatTheCourtWasTold), "note", note)}
            <button type="button" class="primary" data-testid="req-report" on:click=move |_| take(StepKind::Report)>{t(Text::ReportBack)}</button>
        }.into_any()),
        (false, RequestState::Reported) => Some(view! {
            <button type="button" class="primary" data-testid="req-confirm" on:click=move |_| take(StepKind::Confirm)>{t(Text::Confirm)}</button>
        }.into_any()),
        _ => None,
    };
    // A request that needs work opens a rectification (the two name each other).
    let rectify = match (&row.rect_id, service && state != RequestState::Received) {
        (Some(_), _) => Some(
            view! { <p class="muted" data-testid="req-rect">{t(Text::Rectification)}</p> }
                .into_any(),
        ),
        (None, true) => {
            let check = format!("{}{}", crate::hazard::FROM_REQUEST, id.get_value());
            let href = crate::hazard::from_finding_href(&check, "", &row.subject);
            Some(view! { <a class="button small" href=href data-testid="req-rectify">{t(Text::ToRectify)}</a> }.into_any())
        }
        _ => None,
    };
    view! {
        <section class="card" class:late=move || clock.get().1 data-testid="request">
            <p>
                <span class=if urgent { "tag warn" } else { "tag" }>{row.urgency().label(app.locale)}</span>
                " " <span class="tag">{state.label(app.locale)}</span>
                " " <span class="muted">{channel} " · " {t(Text::ReceivedLabel)} " " {received}</span>
            </p>
            <p><strong data-testid="req-subject">{row.subject.clone()}</strong>
                {(!row.from_whom.is_empty()).then(|| format!(" · {}", row.from_whom))}</p>
            {(!row.detail.is_empty()).then(|| view! { <p class="muted">{row.detail.clone()}</p> })}
            <p class=move || if clock.get().1 { "error" } else { "ok" } data-testid="req-clock">{move || clock.get().0}</p>
            {steps}
            {actions}
            {rectify}
        </section>
    }
}
