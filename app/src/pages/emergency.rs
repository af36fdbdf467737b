//! `/emergency`: an emergency at any post in two taps (the home's tile, then what happened),
//! its steps one big button at a time (the fire room's procedure panel), the immediate report
//! to the court among them, then the report afterwards, due within 48 hours, and both printed
//! for the court. Everything is saved on the phone first: it works with no signal.

use super::hazard::{area, message_line};
use crate::components::{field, lazy_part, use_my_sites, SignedIn, SitePicker};
use crate::core::new_uuid;
use crate::emergency::{AfterReport, EmergencyRow, Open, EMERGENCY};
use crate::i18n::emergency::Text;
use crate::phone::client;
use crate::phone::outbox;
use crate::phone::state::use_app;
use crate::procedure::{self, ProcedureKind, PROCEDURE_STEP};
use crate::sync::Rows;
use leptos::prelude::*;

#[component]
pub fn Emergency() -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let site = RwSignal::new(String::new());
    let sites = use_my_sites(site);
    let drill = RwSignal::new(false);
    let place = RwSignal::new(String::new());
    let message = RwSignal::new((String::new(), true));
    let rows = crate::components::use_rows(move || {
        let s = site.get();
        vec![EMERGENCY.at(&s), PROCEDURE_STEP.at(&s)]
    });
    let list = Memo::new(move |_| {
        let s = site.get();
        let mut all = rows.get().list(EMERGENCY, |e: &EmergencyRow| e.opened_at);
        all.retain(|(_, e)| e.site_id == s && e.kind().is_some());
        all.sort_by_key(|(_, e)| std::cmp::Reverse(e.opened_at));
        all
    });
    let open = move |kind: ProcedureKind| {
        let o = Open {
            id: new_uuid(),
            site_id: site.get_untracked(),
            kind,
            place: place.get_untracked(),
            drill: drill.get_untracked(),
        };
        if let Err(e) = crate::emergency::check_open(o.clone(), app.locale) {
            message.set((e.message, false));
            return;
        }
        outbox::send(app, &o, move |r| match r {
            Ok(_) => {
                place.set(String::new());
                message.set((t(Text::Opened).into(), true));
            }
            Err(e) => message.set((e, false)),
        });
    };
    let cards = move |open: bool| {
        let shown: Vec<_> = list
            .get()
            .into_iter()
            .filter(|(_, e)| e.closed_at.is_none() == open)
            .take(if open { 20 } else { 5 })
            .collect();
        if shown.is_empty() {
            return view! { <p class="muted">{t(Text::Nothing)}</p> }.into_any();
        }
        shown
            .into_iter()
            .map(|(id, e)| view! { <EmergencyCard id=id row=e rows=rows message=message /> })
            .collect_view()
            .into_any()
    };
    // One under way comes first, above what may happen next: its next step is what a guard needs.
    view! {
        <SignedIn>
            <h1>{t(Text::Emergencies)}</h1>
            <SitePicker sites=sites site=site />
            {message_line(message)}
            <Show when=move || list.get().iter().any(|(_, e)| e.closed_at.is_none())>
                <h2>{t(Text::Open)}</h2>
                <div data-testid="emergencies-open">{move || cards(true)}</div>
            </Show>
            <section class="card form" data-testid="emergency-kinds">
                <h2>{t(Text::WhatHappened)}</h2>
                <label class="check"><input type="checkbox" name="drill" prop:checked=move || drill.get()
                    on:change=move |ev| drill.set(event_target_checked(&ev)) />{t(Text::ThisIsADrill)}</label>
                {field(t(Text::Place), "place", place, "text", None)}
                <div class="kinds">
                    {ProcedureKind::EMERGENCIES.iter().map(|k| {
                        let k = *k;
                        view! { <button type="button" class="primary big" data-testid=format!("emergency-{}", k.code())
                            on:click=move |_| open(k)>{k.label(app.locale)}</button> }
                    }).collect_view()}
                </div>
            </section>
            <h2>{t(Text::Closed)}</h2>
            <div data-testid="emergencies-closed">{move || cards(false)}</div>
        </SignedIn>
    }
}

#[component]
fn EmergencyCard(
    id: String,
    row: EmergencyRow,
    rows: Memo<Rows>,
    message: RwSignal<(String, bool)>,
) -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let Some(kind) = row.kind() else {
        return ().into_any();
    };
    let of = StoredValue::new(id.clone());
    let complete =
        move || procedure::complete(kind, &procedure::steps_of(&rows.get(), &of.get_value()));
    let time = |ms: i64| client::format_local_time(ms as f64);
    let now = client::now_ms() as i64;
    let late = row.after_report_late(now);
    let due = format!(
        "{}{}{}",
        t(Text::DueBy),
        time(row.after_report_due()),
        if late { t(Text::Late) } else { "" }
    );
    let print = format!("/emergency/print?id={id}");
    let head = view! {
        <h2>{kind.label(app.locale)} {row.drill.then(|| view! { " " <span class="tag">{t(Text::Drill)}</span> })}</h2>
        <p class="muted">{time(row.opened_at)} {(!row.place.is_empty()).then(|| format!(" · {}", row.place))}
            {row.opened_name.clone().map(|n| format!(" · {} {n}", t(Text::OpenedBy)))}</p>
    };
    if row.closed_at.is_some() {
        return view! {
            <section class="card" data-testid="emergency">
                {head}
                <p>{t(Text::AfterReport)} " " {row.after_report_at.map(time)} {late.then(|| t(Text::Late))}</p>
                <a class="button" href=print rel="external" target="_blank">{t(Text::Print)}</a>
            </section>
        }
        .into_any();
    }
    let parts: [RwSignal<String>; 5] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let send = move |_| {
        let [cause, process, losses, lessons, improvements] = parts.map(|p| p.get_untracked());
        let r = AfterReport {
            emergency_id: of.get_value(),
            cause,
            process,
            losses,
            lessons,
            improvements,
        };
        if let Err(e) = crate::emergency::check_after_report(r.clone(), app.locale) {
            message.set((e.message, false));
            return;
        }
        outbox::send(app, &r, move |r| match r {
            Ok(_) => message.set((app.saved_pending().into(), true)),
            Err(e) => message.set((e, false)),
        });
    };
    view! {
        <section class="card watch-alert" data-testid="emergency">
            {head}
            {lazy_part(super::procedure::panel(kind, id, rows))}
            <Show when=complete>
                <div class="form" data-testid="after-report">
                    <h3>{t(Text::AfterReport)}</h3>
                    <p class:error-text=late>{due.clone()}</p>
                    {area(t(Text::Cause), "cause", parts[0])}
                    {area(t(Text::Process), "process", parts[1])}
                    {area(t(Text::Losses), "losses", parts[2])}
                    {area(t(Text::Lessons), "lessons", parts[3])}
                    {area(t(Text::Improvements), "improvements", parts[4])}
                    <button type="button" class="primary" data-testid="after-report-send" on:click=send>{t(Text::SendReport)}</button>
                </div>
            </Show>
        </section>
    }
    .into_any()
}
