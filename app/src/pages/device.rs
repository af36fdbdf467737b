//! Enrolling this phone (once, by a supervisor or administrator) so it may sync.

use crate::client;
use crate::components::{handle_error, Message, SignedIn};
use crate::i18n::Key;
use crate::model::Action;
use crate::outbox::{self, Blocked, Device as Enrolment};
use crate::state::use_app;
use leptos::prelude::*;

#[component]
pub fn Device() -> impl IntoView {
    let app = use_app();
    let label = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let client_id = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        app.enrolled.track();
        client_id.set(outbox::device().map(|d| d.client_id));
    });
    let can = move || {
        app.me
            .get()
            .map(|m| m.can(Action::EnrolDevice))
            .unwrap_or(false)
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = outbox::enrol_request(&label.get_untracked());
        let resume_after = body["resume_after"].as_u64().unwrap_or(0);
        leptos::task::spawn_local(async move {
            match client::post::<_, Enrolment>("/api/v1/devices", &body).await {
                Ok(d) => {
                    app.contact();
                    client_id.set(Some(d.client_id.clone()));
                    outbox::enrolled(app, d, resume_after);
                    message.set(String::new());
                    leptos::task::spawn_local(outbox::sync(app));
                }
                Err(err) => message.set(handle_error(app, &err)),
            }
        });
    };
    view! {
        <SignedIn>
            <h1>{app.t(Key::DeviceTitle)}</h1>
            {move || match client_id.get() {
                Some(id) => view! {
                    <p class="ok" data-testid="device-enrolled">{app.t(Key::DeviceEnrolled)} " · " {id.chars().take(8).collect::<String>()}</p>
                }.into_any(),
                None => view! { <p class="note">{app.t(Key::NeedEnrol)}</p> }.into_any(),
            }}
            // A phone revoked (lost and found) or one the server no longer knows (restored
            // from a backup) is enrolled again; what waits on it is kept and sent.
            <Show when=move || {
                let again = matches!(app.sync_blocked.get(), Some(Blocked::Revoked | Blocked::NotEnrolled));
                (client_id.get().is_none() || again) && can()
            }>
                <form class="card form" on:submit=submit data-testid="enrol-form">
                    <label><span>{app.t(Key::DeviceLabel)}</span>
                        <input name="label" required prop:value=move || label.get()
                            on:input=move |ev| label.set(event_target_value(&ev)) /></label>
                    <Message text=message />
                    <button class="primary" type="submit">{app.t(Key::EnrolThisPhone)}</button>
                </form>
            </Show>
        </SignedIn>
    }
}
