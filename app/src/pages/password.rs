//! Changing one's own password (forced at the first sign-in).

use crate::components::{handle_error, Message, SignedIn};
use crate::i18n::Key;
use crate::model::{validate_new_password, ChangePasswordRequest, Me};
use crate::phone::client;
use crate::phone::state::use_app;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn ChangePassword() -> impl IntoView {
    let app = use_app();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let must = move || {
        app.me
            .get()
            .map(|m| m.must_change_password)
            .unwrap_or(false)
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(me) = app.me.get_untracked() else {
            return;
        };
        message.set(String::new());
        let new_pw = new.get_untracked();
        if new_pw != repeat.get_untracked() {
            message.set(app.t(Key::PasswordsDiffer).into());
            return;
        }
        if let Err(key) = validate_new_password(&me.login, &new_pw) {
            message.set(app.t(key).into());
            return;
        }
        busy.set(true);
        let req = ChangePasswordRequest {
            current_password: current.get_untracked(),
            new_password: new_pw,
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let new_password = req.new_password.clone();
            match client::post::<_, Me>("/api/v1/me/password", &req).await {
                Ok(me) => {
                    app.contact();
                    app.signed_in(me.clone());
                    // A new password starts a new generation of secrets: take this phone's,
                    // wrap it by the new password, sign what waits.
                    crate::phone::author::signed_in_online(app, &me.login, &new_password, &me)
                        .await;
                    // Refused while the first password was still to change: the forms of a
                    // first visit need the person's sites.
                    app.load_sites().await;
                    navigate("/", Default::default());
                }
                Err(err) => message.set(handle_error(app, &err)),
            }
            busy.set(false);
        });
    };

    view! {
        <SignedIn>
            <form class="card form" on:submit=submit.clone() data-testid="password-form">
                <h1>{app.t(Key::ChangePassword)}</h1>
                <Show when=must>
                    <p class="note">{app.t(Key::MustChangePassword)}</p>
                </Show>
                <label>
                    <span>{app.t(Key::CurrentPassword)}</span>
                    <input name="current" type="password" autocomplete="current-password" required
                        prop:value=move || current.get()
                        on:input=move |ev| current.set(event_target_value(&ev)) />
                </label>
                <label>
                    <span>{app.t(Key::NewPassword)}</span>
                    <input name="new" type="password" autocomplete="new-password" required minlength="10"
                        prop:value=move || new.get()
                        on:input=move |ev| new.set(event_target_value(&ev)) />
                </label>
                <label>
                    <span>{app.t(Key::RepeatPassword)}</span>
                    <input name="repeat" type="password" autocomplete="new-password" required
                        prop:value=move || repeat.get()
                        on:input=move |ev| repeat.set(event_target_value(&ev)) />
                </label>
                <Message text=message />
                <button class="primary" type="submit" disabled=move || busy.get()>{app.t(Key::Save)}</button>
            </form>
        </SignedIn>
    }
}
