//! Enrolling this phone (once, by a supervisor or administrator) so it may sync.

use crate::components::{handle_error, Message, SignedIn};
use crate::i18n::Key;
use crate::model::Action;
use crate::phone::client;
use crate::phone::outbox;
use crate::phone::queue;
use crate::phone::queue::Device as Enrolment;
use crate::phone::state::use_app;
use crate::phone::state::Blocked;
use leptos::prelude::*;

#[component]
pub fn Device() -> impl IntoView {
    let app = use_app();
    let label = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let client_id = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        app.enrolled.track();
        client_id.set(queue::device().map(|d| d.client_id));
    });
    let can = move || {
        app.me
            .get()
            .map(|m| m.can(Action::EnrolDevice))
            .unwrap_or(false)
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = queue::enrol_request(&label.get_untracked());
        let resume_after = body["resume_after"].as_u64().unwrap_or(0);
        leptos::task::spawn_local(async move {
            match client::post::<_, Enrolment>("/api/v1/devices", &body).await {
                Ok(d) => {
                    app.contact();
                    let id = d.client_id.clone();
                    // Said once the phone's store has it.
                    queue::enrolled(app, d, resume_after).await;
                    client_id.set(Some(id));
                    message.set(String::new());
                    // The enrolling person's secret on this phone, then what waits.
                    leptos::task::spawn_local(async move {
                        outbox::hello(app).await;
                        outbox::sync(app).await;
                    });
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
            <StoreCard />
            <Show when=move || app.me.get().is_some_and(|m| m.can(Action::ManageDevices))>
                <Phones />
                <HeldRecords />
            </Show>
        </SignedIn>
    }
}

/// What this phone holds (rows per kind, their size, what waits) and how much room is left,
/// as the browser says it; whether the browser keeps it for good.
#[component]
fn StoreCard() -> impl IntoView {
    use crate::i18n::device::Text;
    use crate::phone::db;
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    // Read when the page opens and after each sync (not at every pulled page).
    let facts = LocalResource::new(move || {
        app.last_sync.track();
        async move {
            let held = db::held().await.unwrap_or_default();
            (held, db::estimate().await, db::persist().await)
        }
    });
    let mb = |b: f64| format!("{:.1} MB", b / 1_048_576.0);
    view! {
        <section class="card" data-testid="store">
            <h2>{t(Text::StoreTitle)}</h2>
            {move || facts.get().map(|(held, room, kept)| {
                let rows: u32 = held.iter().map(|h| h.rows).sum();
                let kinds = held.into_iter().filter(|h| h.rows > 0).map(|h| view! {
                    <li><span>{h.entity}</span> " " {h.rows}</li>
                }).collect_view();
                view! {
                    <p data-testid="store-holds">{t(Text::Holds)} " " {rows} " " {t(Text::Rows)} ", "
                        {t(Text::Waiting)} " " {move || app.pending.get()}</p>
                    {room.map(|(usage, quota)| view! {
                        <p data-testid="store-room">{t(Text::Used)} " " {mb(usage)} " · " {t(Text::Left)} " " {mb((quota - usage).max(0.0))}</p>
                    })}
                    <p class="muted">{if kept { t(Text::Kept) } else { t(Text::NotKept) }}</p>
                    <details><summary>{t(Text::ByKind)}</summary><ul class="muted">{kinds}</ul></details>
                }
            })}
        </section>
    }
}

/// One enrolled phone as the server lists it.
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
struct PhoneRow {
    client_id: String,
    label: String,
    revoked_at: Option<i64>,
    last_contact: Option<i64>,
    people: Vec<String>,
    waiting: u64,
    held: u64,
    sessions: u64,
}

/// Every enrolled phone, for finding a lost one: its name, last contact, who used it, what it
/// had not sent; revoking one ends every session signed in on it.
#[component]
fn Phones() -> impl IntoView {
    let app = use_app();
    let rev = RwSignal::new(0u32);
    let message = RwSignal::new(String::new());
    let list = LocalResource::new(move || {
        rev.track();
        async move { client::get::<Vec<PhoneRow>>("/api/v1/devices").await.ok() }
    });
    let revoke = move |id: String| {
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/devices/{id}/revoke");
            match client::post::<_, serde_json::Value>(&path, &()).await {
                Ok(_) => rev.update(|n| *n += 1),
                Err(err) => message.set(handle_error(app, &err)),
            }
        });
    };
    view! {
        <section class="card" data-testid="phones">
            <h2>{app.t(Key::PhonesTitle)}</h2>
            <Message text=message />
            <ul class="records">
            {move || list.get().flatten().map(|rows| rows.into_iter().map(|p| {
                let id = p.client_id.clone();
                let last = p.last_contact.map(|t| client::format_local_time(t as f64)).unwrap_or_else(|| "—".into());
                view! {
                    <li class="rec" data-testid="phone">
                        <div>
                            <strong>{p.label.clone()}</strong><br/>
                            <span class="muted">{app.t(Key::PhoneLastContact)} " " {last}</span><br/>
                            <span class="muted">{p.people.join("、")}</span><br/>
                            <span class="muted">{app.t(Key::PhoneWaiting)} " " {p.waiting} " · " {app.t(Key::PhoneHeld)} " " {p.held} " · " {app.t(Key::PhoneSessions)} " " {p.sessions}</span>
                        </div>
                        {if p.revoked_at.is_some() {
                            view! { <span class="tag warn">{app.t(Key::PhoneRevoked)}</span> }.into_any()
                        } else {
                            view! { <button class="small" data-testid="revoke" on:click=move |_| revoke(id.clone())>{app.t(Key::PhoneRevoke)}</button> }.into_any()
                        }}
                    </li>
                }
            }).collect_view())}
            </ul>
        </section>
    }
}

/// A record the server holds, as supervisors decide it.
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
struct HeldRow {
    client_id: String,
    id: u64,
    name: String,
    author_name: String,
    device: String,
    code: String,
    made_at: i64,
}

/// Records held (signed on a phone since revoked, or by someone whose secrets were voided and
/// who cannot sign again): accepted as their author's, or refused; each decision is recorded.
#[component]
fn HeldRecords() -> impl IntoView {
    let app = use_app();
    let rev = RwSignal::new(0u32);
    let message = RwSignal::new(String::new());
    let list = LocalResource::new(move || {
        rev.track();
        async move { client::get::<Vec<HeldRow>>("/api/v1/held").await.ok() }
    });
    let decide = move |client_id: String, id: u64, decision: &'static str| {
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/held/{client_id}/{id}/{decision}");
            match client::post::<_, serde_json::Value>(&path, &()).await {
                Ok(_) => rev.update(|n| *n += 1),
                Err(err) => message.set(handle_error(app, &err)),
            }
        });
    };
    view! {
        <Show when=move || list.get().flatten().is_some_and(|l| !l.is_empty())>
            <section class="card" data-testid="held-records">
                <h2>{app.t(Key::HeldTitle)}</h2>
                <Message text=message />
                <ul class="records">
                {move || list.get().flatten().unwrap_or_default().into_iter().map(|h| {
                    let (c1, c2) = (h.client_id.clone(), h.client_id.clone());
                    let id = h.id;
                    let why = app.t(crate::sync::held_reason(&h.code));
                    view! {
                        <li class="rec pending" data-testid="held-row">
                            <div>
                                <strong>{crate::registry::label(&h.name, app.locale)}</strong><br/>
                                <span class="muted">{h.author_name.clone()} " · " {h.device.clone()} " · "
                                    {client::format_local_time(h.made_at as f64)}</span><br/>
                                <span class="muted">{why}</span>
                            </div>
                            <span class="actions">
                                <button class="primary small" data-testid="held-accept"
                                    on:click=move |_| decide(c1.clone(), id, "accept")>{app.t(Key::HeldAccept)}</button>
                                <button class="small" data-testid="held-refuse"
                                    on:click=move |_| decide(c2.clone(), id, "refuse")>{app.t(Key::HeldRefuse)}</button>
                            </span>
                        </li>
                    }
                }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}
