//! Sign-in with account and password.

use crate::components::{error_text, Message};
use crate::i18n::Key;
use crate::model::{Me, SignInRequest};
use crate::phone::client::{self, store};
use crate::phone::known::{KnownPeople, OfflineRefusal};
use crate::phone::state::use_app;
use leptos::html::Input;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn SignIn() -> impl IntoView {
    let app = use_app();
    // Uncontrolled inputs: what someone typed before the page's code arrived is kept.
    let login: NodeRef<Input> = NodeRef::new();
    let password: NodeRef<Input> = NodeRef::new();
    let message = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let navigate = use_navigate();

    // Someone already signed in has nothing to do here.
    let nav = navigate.clone();
    Effect::new(move |_| {
        if app.started.get() && app.is_signed_in() && !app.offline_session.get() {
            nav("/", Default::default());
        }
    });

    let value = |r: NodeRef<Input>| r.get_untracked().map(|i| i.value()).unwrap_or_default();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        message.set(String::new());
        let req = SignInRequest {
            login: value(login).trim().to_lowercase(),
            password: value(password),
            client_id: crate::phone::queue::device().map(|d| d.client_id),
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            // From an enrolled phone, with its key: its failures are its own.
            let sent = match crate::phone::queue::device() {
                Some(d) => {
                    client::post_with_device::<_, Me>("/api/v1/auth/sign-in", &req, &d.device_key)
                        .await
                }
                None => client::post::<_, Me>("/api/v1/auth/sign-in", &req).await,
            };
            match sent {
                Ok(me) => {
                    app.contact();
                    let target = if me.must_change_password {
                        "/password"
                    } else {
                        "/"
                    };
                    app.signed_in(me.clone());
                    crate::phone::live::open(app);
                    if let Some(p) = password.get_untracked() {
                        p.set_value("");
                    }
                    navigate(target, Default::default());
                    app.load_sites().await;
                    // This phone's secret for this person, kept wrapped by the password for an
                    // offline sign-in later (not for administrators); `hello` then finds it
                    // taken and does not ask again.
                    crate::phone::author::signed_in_online(app, &req.login, &req.password, &me)
                        .await;
                    crate::phone::outbox::hello(app).await;
                    crate::phone::outbox::sync(app).await;
                }
                Err(client::ApiError::Network) => {
                    // No server: someone who signed in on this phone before may still start
                    // their shift; the server is asked again when it can be reached.
                    app.online.set(false);
                    let known = store::get::<KnownPeople>(store::KNOWN).unwrap_or_default();
                    match known.check(&req.login, &req.password) {
                        Ok((me, key)) => {
                            crate::phone::secret::keep(&key);
                            app.signed_in_offline(me);
                            if let Some(p) = password.get_untracked() {
                                p.set_value("");
                            }
                            navigate("/", Default::default());
                        }
                        Err(OfflineRefusal::Unknown) => {
                            message.set(app.t(Key::OfflineUnknown).into())
                        }
                        Err(OfflineRefusal::WrongPassword) => {
                            message.set(app.t(Key::ErrWrongPassword).into())
                        }
                    }
                }
                Err(err) => {
                    app.contact();
                    message.set(error_text(app, &err));
                }
            }
            busy.set(false);
        });
    };

    view! {
        <form class="card form" on:submit=submit data-testid="signin-form">
            <h1>{app.t(Key::SignIn)}</h1>
            <label>
                <span>{app.t(Key::Login)}</span>
                <input name="login" autocomplete="username" autocapitalize="none" spellcheck="false"
                    required node_ref=login />
            </label>
            <label>
                <span>{app.t(Key::Password)}</span>
                <input name="password" type="password" autocomplete="current-password" required
                    node_ref=password />
            </label>
            <Message text=message />
            // Disabled until the page's code runs: a tap before then would make the browser
            // send the form itself, password in the address.
            <button class="primary" type="submit" disabled=move || busy.get() || !app.hydrated.get()>
                {move || if busy.get() { app.t(Key::SigningIn) } else { app.t(Key::SignIn) }}
            </button>
        </form>
    }
}
