//! The steps of a fire alarm, a boiler stop or an emergency, one big button for the next step:
//! each tap is saved on the phone at once with its time; a step can only be passed over with a
//! reason; the report to the court is done with what was said.

use super::hazard::area;
use crate::components::field;
use crate::i18n::procedure::Text;
use crate::i18n::Key;
use crate::phone::outbox;
use crate::phone::state::use_app;
use crate::procedure::{self, ProcedureKind, Step, StepError};
use crate::sync::Rows;
use leptos::prelude::*;

/// [`ProcedurePanel`] as a lazy part (`components::lazy_part`): its code loads with the first
/// alarm or boiler stop (a chunk of its own, out of both pages' download).
#[leptos::lazy]
pub(super) fn panel(kind: ProcedureKind, of: String, rows: Memo<Rows>) -> AnyView {
    view! { <ProcedurePanel kind=kind of=of rows=rows /> }.into_any()
}

#[component]
fn ProcedurePanel(
    kind: ProcedureKind,
    of: String,
    /// The phone's rows as the page already holds them.
    rows: Memo<Rows>,
) -> impl IntoView {
    let app = use_app();
    let of = StoredValue::new(of);
    let steps = Memo::new(move |_| crate::procedure::steps_of(&rows.get(), &of.get_value()));
    let next = move || procedure::next_step(kind, &steps.get());
    let skipping = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    // The step just saved, until the phone's rows show it: a second tap on the same big button
    // (a glove, a double tap) is not a second record the server would refuse.
    let in_flight = RwSignal::new(None::<&'static str>);
    let record = move |skip: bool| {
        let Some(def) = procedure::next_step(kind, &steps.get_untracked()) else {
            return;
        };
        if in_flight.get_untracked() == Some(def.code) {
            return;
        }
        let why = if skip {
            reason.get_untracked()
        } else {
            String::new()
        };
        if skip && why.trim().is_empty() {
            message.set(StepError::NoReason.message(app.locale));
            return;
        }
        let s = Step {
            of: of.get_value(),
            kind,
            step: def.code.into(),
            skipped_because: why.clone(),
            note: note.get_untracked(),
        };
        let checked = procedure::StepRecord {
            step: s.step.clone(),
            at: i64::MAX,
            skipped_because: why,
            note: s.note.clone(),
        };
        if let Err(e) = procedure::record_step(kind, &steps.get_untracked(), checked) {
            message.set(e.message(app.locale));
            return;
        }
        in_flight.set(Some(def.code));
        outbox::send(app, &s, move |r| match r {
            Ok(_) => {
                skipping.set(false);
                reason.set(String::new());
                note.set(String::new());
                message.set(String::new());
            }
            Err(e) => {
                in_flight.set(None);
                message.set(e)
            }
        })
    };
    let list = move || {
        let done = steps.get();
        let upcoming = next().map(|d| d.code);
        kind.steps()
            .iter()
            .map(|d| {
                let rec = done.iter().find(|r| r.step == d.code).cloned();
                let state = match (&rec, upcoming == Some(d.code)) {
                    (Some(_), _) => "done",
                    (None, true) => "next",
                    _ => "",
                };
                let when = rec.map(|r| {
                    let t = crate::phone::client::format_local_time(r.at as f64);
                    if !r.note.is_empty() {
                        format!("{t} {}{}", Text::Reported.text(app.locale), r.note)
                    } else if r.skipped_because.is_empty() {
                        t
                    } else {
                        format!(
                            "{t} {}{}",
                            Text::Skipped.text(app.locale),
                            r.skipped_because
                        )
                    }
                });
                view! {
                    <li class=state data-testid=format!("step-{}", d.code)>
                        <span>{d.label(app.locale)}</span>
                        {when.map(|w| view! { <small class="muted" data-testid="step-time">{w}</small> })}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <ol class="steps" data-testid="steps">{list}</ol>
        <Show when=move || next().is_some_and(|d| d.needs_note())>
            {area(Text::WhatWasReported.text(app.locale), "step_note", note)}
        </Show>
        <Show when=move || next().is_some()>
            <button type="button" class="primary big" data-testid="step-done" on:click=move |_| record(false)>
                {move || next().map(|d| d.label(app.locale)).unwrap_or_default()} " ✓"</button>
            <button type="button" class="small" data-testid="step-skip" on:click=move |_| skipping.update(|s| *s = !*s)>
                {move || Text::SkipThisStep.text(app.locale)}</button>
            <Show when=move || skipping.get()>
                <div class="form">
                    {field(Text::WhyItIsSkipped.text(app.locale), "skip_reason", reason, "text", None)}
                    <button type="button" data-testid="step-skip-confirm" on:click=move |_| record(true)>{app.t(Key::Confirm)}</button>
                </div>
            </Show>
        </Show>
        {move || (!message.get().is_empty()).then(|| view! { <p class="error" role="alert">{message.get()}</p> })}
    }
}
