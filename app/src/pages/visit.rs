//! Visitor check-in, the first record made through the outbox: saved on the phone first, sent
//! when the server can be reached. (The full registration form comes with the front-desk issue.)

use crate::components::SignedIn;
use crate::i18n::{Key, Locale};
use crate::model::{Action, Site};
use crate::outbox::{self, SaveError};
use crate::state::use_app;
use crate::sync::EntryState;
use leptos::prelude::*;

pub const SITES: &str = "gp.sites";

fn new_uuid() -> String {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.crypto().ok())
            .map(|c| c.random_uuid())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

#[component]
pub fn Visit() -> impl IntoView {
    let app = use_app();
    let site = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let purpose = RwSignal::new(String::new());
    let message = RwSignal::new((String::new(), true));
    let sites = RwSignal::new(Vec::<Site>::new());
    let entries = RwSignal::new(Vec::new());
    let reload = move || {
        let o = outbox::load();
        let mut list: Vec<_> = o
            .entries
            .into_iter()
            .filter(|e| e.mutation.name == "visit.check_in")
            .collect();
        list.reverse();
        list.truncate(30);
        entries.set(list);
    };
    Effect::new(move |_| {
        let me = app.me.get();
        // Re-read whenever the counts change (a save here or a sync anywhere).
        app.pending.track();
        if let Some(me) = me {
            let mine: Vec<Site> = crate::client::store::get::<Vec<Site>>(SITES)
                .unwrap_or_default()
                .into_iter()
                .filter(|s| me.site_ids.contains(&s.id))
                .collect();
            if site.get_untracked().is_empty() {
                if let Some(s) = mine.first() {
                    site.set(s.id.clone());
                }
            }
            sites.set(mine);
        }
        reload();
    });
    // A half-filled form holds back an app update.
    let dirty = Memo::new(move |_| !name.get().is_empty() || !purpose.get().is_empty());
    Effect::new(move |prev: Option<bool>| {
        let now = dirty.get();
        if prev.unwrap_or(false) != now {
            app.dirty_forms.update(|n| {
                if now {
                    *n += 1
                } else {
                    *n = n.saturating_sub(1)
                }
            });
        }
        now
    });
    on_cleanup(move || {
        if dirty.get_untracked() {
            app.dirty_forms.update(|n| *n = n.saturating_sub(1));
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(me) = app.me.get_untracked() else {
            return;
        };
        let n = name.get_untracked().trim().to_string();
        if n.is_empty() || n.chars().count() > 40 {
            message.set((app.t(Key::ErrDisplayName).into(), false));
            return;
        }
        let args = serde_json::json!({
            "id": new_uuid(), "site_id": site.get_untracked(), "name": n,
            "purpose": purpose.get_untracked().trim(),
        });
        match outbox::save(app, "visit.check_in", 1, &me.id, args) {
            Ok(_) => {
                name.set(String::new());
                purpose.set(String::new());
                message.set((app.t(Key::SavedPending).into(), true));
                reload();
                leptos::task::spawn_local(outbox::flush(app));
            }
            Err(SaveError::StorageFull) => message.set((app.t(Key::ErrStorageFull).into(), false)),
        }
    };
    let site_name = move |s: &Site| match app.locale {
        Locale::Zh => s.name_zh.clone(),
        Locale::En => s.name_en.clone(),
    };
    let allowed = move || {
        app.me
            .get()
            .map(|m| m.can(Action::RegisterVisitor))
            .unwrap_or(false)
    };

    view! {
        <SignedIn>
            <h1>{app.t(Key::TaskRegisterVisitor)}</h1>
            <Show when=allowed fallback=move || view! { <p class="error">{app.t(Key::ErrForbidden)}</p> }>
                <form class="card form" on:submit=submit data-testid="visit-form">
                    <label><span>{app.t(Key::Sites)}</span>
                        <select name="site" on:change=move |ev| site.set(event_target_value(&ev))>
                            <For each=move || sites.get() key=|s| s.id.clone() let:s>
                                {
                                    let id = s.id.clone();
                                    let id2 = s.id.clone();
                                    view! { <option value=id selected=move || site.get() == id2>{site_name(&s)}</option> }
                                }
                            </For>
                        </select></label>
                    <label><span>{app.t(Key::VisitorName)}</span>
                        <input name="name" required prop:value=move || name.get()
                            on:input=move |ev| name.set(event_target_value(&ev)) /></label>
                    <label><span>{app.t(Key::Purpose)}</span>
                        <input name="purpose" prop:value=move || purpose.get()
                            on:input=move |ev| purpose.set(event_target_value(&ev)) /></label>
                    {move || {
                        let (text, ok) = message.get();
                        (!text.is_empty()).then(|| view! {
                            <p class=if ok { "ok" } else { "error" } role="status" data-testid="message">{text}</p>
                        })
                    }}
                    <button class="primary" type="submit" disabled=move || !app.hydrated.get()>{app.t(Key::Save)}</button>
                </form>
            </Show>
            <h2>{app.t(Key::Recent)}</h2>
            <ul class="records" data-testid="visits">
                <For each=move || entries.get() key=|e| (e.mutation.id, format!("{:?}", e.state)) let:e>
                    {
                        let (class, label) = match &e.state {
                            EntryState::Pending => ("rec pending", app.t(Key::WaitingToSync).to_string()),
                            EntryState::Acked { .. } => ("rec acked", app.t(Key::StateSynced).to_string()),
                            EntryState::Rejected { message, .. } => ("rec rejected", format!("{}：{}", app.t(Key::StateRejected), message)),
                        };
                        let who = e.mutation.args["name"].as_str().unwrap_or("").to_string();
                        let at = crate::client::format_local_time(e.mutation.client_time as f64);
                        view! { <li class=class data-testid="visit-row"><strong>{who}</strong> <span class="muted">{at}</span> <span>{label}</span></li> }
                    }
                </For>
            </ul>
        </SignedIn>
    }
}
