//! The watchlist (重点关注人员名单): kept online by supervisors and administrators; and the
//! alert a guard gets at registration, which stays on screen until what was done is recorded.

use crate::components::{field, handle_error, Message, SignedIn};
use crate::i18n::Key;
use crate::idcard::{self, IdType};
use crate::phone::client;
use crate::phone::outbox;
use crate::phone::state::use_app;
use crate::watch::{self, Alert, AlertAction, NewWatchEntry, WatchEntry};
use leptos::prelude::*;

/// An alert raised at a registration, waiting for what was done.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingAlert {
    pub visit_id: String,
    pub site_id: String,
    pub watch_id: String,
    pub visitor: String,
    pub reason: String,
}

#[component]
pub fn WatchAlertPanel(alert: RwSignal<Option<PendingAlert>>) -> impl IntoView {
    let app = use_app();
    let action = RwSignal::new(AlertAction::NotifiedPolice);
    let note = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let save = move |_| {
        let Some(p) = alert.get_untracked() else {
            return;
        };
        let a = Alert {
            id: crate::core::new_uuid(),
            site_id: p.site_id,
            visit_id: p.visit_id,
            watch_id: p.watch_id,
            action: action.get_untracked(),
            note: note.get_untracked(),
        };
        if let Err(e) = watch::check_alert(&a, app.locale) {
            message.set(e.message);
            return;
        }
        outbox::send(app, &a, move |r| match r {
            Ok(_) => {
                alert.set(None);
                note.set(String::new());
                message.set(String::new());
            }
            Err(e) => message.set(e),
        })
    };
    move || {
        alert.get().map(|p| {
            view! {
                <div class="card watch-alert" role="alertdialog" data-testid="watch-alert">
                    <h2>{app.t(Key::WatchAlertTitle)}</h2>
                    <p class="big"><strong>{p.visitor.clone()}</strong></p>
                    <p>{app.t(Key::WatchReason)} "：" {p.reason.clone()}</p>
                    <fieldset class="chips"><legend>{app.t(Key::WatchWhatDone)}</legend>
                        {AlertAction::ALL.into_iter().map(|a| view! {
                            <button type="button" class="chip" class:on=move || action.get() == a
                                data-testid="alert-action" on:click=move |_| action.set(a)>{a.label(app.locale)}</button>
                        }).collect_view()}
                    </fieldset>
                    {field(app.t(Key::NoteLabel), "alert_note", note, "text", None)}
                    {move || (!message.get().is_empty()).then(|| view! { <p class="error">{message.get()}</p> })}
                    <button type="button" class="primary" data-testid="alert-save" on:click=save>{app.t(Key::WatchRecord)}</button>
                </div>
            }
        })
    }
}

#[component]
pub fn Watchlist() -> impl IntoView {
    let app = use_app();
    let entries = RwSignal::new(Vec::<WatchEntry>::new());
    let message = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let id_type = RwSignal::new(IdType::ResidentId);
    let number = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let bad_field = RwSignal::new(String::new());
    let reload = move || {
        leptos::task::spawn_local(async move {
            match client::get::<Vec<WatchEntry>>("/api/v1/watchlist").await {
                Ok(list) => {
                    app.contact();
                    entries.set(list);
                }
                Err(err) => message.set(handle_error(app, &err)),
            }
        })
    };
    Effect::new(move |_| {
        if app.is_signed_in() {
            reload();
        }
    });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let today = client::court_today();
        // The same check the server makes, before anything is sent.
        if let Err(e) =
            idcard::check_number(id_type.get_untracked(), &number.get_untracked(), today)
        {
            bad_field.set("id_number".into());
            message.set(e.message(app.locale));
            return;
        }
        let req = NewWatchEntry {
            name: name.get_untracked(),
            id_type: id_type.get_untracked(),
            id_number: number.get_untracked(),
            reason: reason.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match client::post::<_, WatchEntry>("/api/v1/watchlist", &req).await {
                Ok(_) => {
                    for s in [name, number, reason, message, bad_field] {
                        s.set(String::new());
                    }
                    reload();
                }
                Err(err) => {
                    if let client::ApiError::Refused { body, .. } = &err {
                        bad_field.set(body.field.clone().unwrap_or_default());
                    }
                    message.set(handle_error(app, &err));
                }
            }
        });
    };
    let remove = move |id: String| {
        if !client::confirm(app.t(Key::WatchRemoveConfirm)) {
            return;
        }
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/watchlist/{id}/remove");
            match client::post::<_, serde_json::Value>(&path, &serde_json::json!({})).await {
                Ok(_) => reload(),
                Err(err) => message.set(handle_error(app, &err)),
            }
        });
    };
    view! {
        <SignedIn>
            <h1>{app.t(Key::TaskWatchlist)}</h1>
            <p class="note">{app.t(Key::WatchlistNote)}</p>
            <Message text=message />
            <form class="card form" on:submit=add novalidate data-testid="watch-form">
                {field(app.t(Key::PasserByName), "name", name, "text", Some(bad_field))}
                <label><span>{app.t(Key::IdTypeLabel)}</span>
                    <select name="id_type" on:change=move |ev| {
                        if let Some(t) = IdType::parse(&event_target_value(&ev)) { id_type.set(t) }
                    }>
                        {IdType::ALL.into_iter().map(|t| view! {
                            <option value=t.code() selected=move || id_type.get() == t>{t.label(app.locale)}</option>
                        }).collect_view()}
                    </select></label>
                {field(app.t(Key::IdNumber), "id_number", number, "text", Some(bad_field))}
                {field(app.t(Key::WatchReason), "reason", reason, "text", Some(bad_field))}
                <button class="primary" type="submit" disabled=move || !app.hydrated.get()>{app.t(Key::WatchAdd)}</button>
            </form>
            <ul class="records" data-testid="watchlist">
                <For each=move || entries.get() key=|e| e.id.clone() let:e>
                    {
                        let id = e.id.clone();
                        let when = client::format_local_time(e.created_at as f64);
                        view! {
                            <li class="rec" data-testid="watch-row">
                                <div><strong>{e.name.clone()}</strong> " " {e.id_masked.clone()}<br/>
                                    <span class="muted">{e.reason.clone()} " · " {e.added_by.clone()} " · " {when}</span></div>
                                <button class="small" on:click=move |_| remove(id.clone())>{app.t(Key::WatchRemove)}</button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <Show when=move || entries.get().is_empty()>
                <p class="muted">{app.t(Key::WatchEmpty)}</p>
            </Show>
        </SignedIn>
    }
}
