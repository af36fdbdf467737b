//! Pieces every screen shares: the status bar, the update banner, the signed-in gate.

mod sites;

pub use sites::{destinations, hold_update_while, my_sites, site_name, use_my_sites, SitePicker};

use crate::i18n::Key;
use crate::phone::client::{self, ApiError};
use crate::phone::queue;
use crate::phone::state::{use_app, AppState};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

/// The rows a screen wants, read from the phone's store whenever it changes (a save, a pull,
/// another tab) or `wants` names other rows (another site chosen). Empty until the first read
/// answers, so the server's render and the first one in the browser agree.
pub fn use_rows(wants: impl Fn() -> Vec<crate::rows::Want> + 'static) -> Memo<crate::sync::Rows> {
    read_rows(Box::new(wants), crate::registry::show)
}

/// [`use_rows`], laying on top of the pulled rows only the phone's records `show` shows.
pub fn use_rows_showing(
    wants: impl Fn() -> Vec<crate::rows::Want> + 'static,
    show: fn(&mut crate::sync::Rows, &crate::sync::Mutation),
) -> Memo<crate::sync::Rows> {
    read_rows(Box::new(wants), show)
}

/// [`use_rows`], once in the download.
#[inline(never)]
fn read_rows(
    wants: Box<dyn Fn() -> Vec<crate::rows::Want>>,
    show: fn(&mut crate::sync::Rows, &crate::sync::Mutation),
) -> Memo<crate::sync::Rows> {
    let app = use_app();
    let (rows, set_rows) = signal(crate::sync::Rows::new());
    let asked = std::rc::Rc::new(std::cell::Cell::new(0u64));
    Effect::new(move |_| {
        app.view_rev.track();
        let w = wants();
        let n = asked.get() + 1;
        asked.set(n);
        let asked = asked.clone();
        leptos::task::spawn_local(async move {
            let r = queue::read_showing(w, show).await;
            // Only the latest read shows (an older one may answer after it).
            if asked.get() == n {
                set_rows.try_set(r);
            }
        });
    });
    Memo::new(move |_| rows.get())
}

/// The bar at the top of every screen: where the app is, whether the server answers, when it
/// last did, the language switch and sign-out.
#[component]
pub fn TopBar() -> impl IntoView {
    let app = use_app();
    let status = move || {
        if app.online.get() {
            ("status online", app.t(Key::Online))
        } else {
            ("status offline", app.t(Key::Offline))
        }
    };
    let last = move || {
        let when = app
            .last_contact
            .get()
            .map(client::format_local_time)
            .unwrap_or_else(|| app.t(Key::Never).to_string());
        format!("{} {}", app.t(Key::LastContact), when)
    };
    let switch_lang = move |_| {
        client::set_lang_cookie(app.locale.other().cookie_value());
        crate::phone::pwa::recache_pages_and_reload();
    };
    let navigate = use_navigate();
    let sign_out = move |_| {
        // Unsynced records stay on the phone whoever signs in next; say so before leaving.
        if app.pending.get_untracked() > 0
            && !crate::phone::client::confirm(app.t(Key::UnsyncedSignOut))
        {
            return;
        }
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            // Signing out offline still forgets the person on this phone.
            let _ = client::post::<(), serde_json::Value>("/api/v1/auth/sign-out", &()).await;
            crate::phone::live::close();
            app.signed_out();
            navigate("/signin", Default::default());
        });
    };
    view! {
        <header class="topbar">
            <a class="brand" href="/">{app.t(Key::AppName)}</a>
            <div class="sync-status" data-testid="sync-status">
                <span class=move || status().0 data-testid="net-status">{move || status().1}</span>
                <span class="last-contact">{last}</span>
            </div>
            <button class="link" on:click=switch_lang data-testid="lang-switch">{app.t(Key::Language)}</button>
            // Its place is kept while nobody is signed in: the bar does not move when it appears.
            <button class="link sign-out" on:click=sign_out data-testid="sign-out"
                class:absent=move || app.me.get().is_none()
                disabled=move || app.me.get().is_none()>{app.t(Key::SignOut)}</button>
        </header>
    }
}

/// Offered when a new build waits; never reloads over a half-filled form.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let app = use_app();
    let blocked = RwSignal::new(false);
    let update = move |_| blocked.set(!crate::phone::pwa::apply_update(app));
    view! {
        <Show when=move || app.update_ready.get()>
            <div class="banner" role="alert" data-testid="update-banner">
                <span>{app.t(Key::UpdateReady)}</span>
                <button class="primary small" on:click=update>{app.t(Key::UpdateNow)}</button>
                <button class="small" on:click=move |_| app.update_ready.set(false)>{app.t(Key::UpdateLater)}</button>
                <Show when=move || blocked.get()>
                    <p class="error">{app.t(Key::UpdateBlockedByForm)}</p>
                </Show>
            </div>
        </Show>
    }
}

/// Shows `children` to a signed-in person; sends anyone else to sign in, and someone who must
/// change the first password to do that first. `drawn_by_server`: the children depend on
/// nothing but who is signed in, so the server draws them (the home) and the phone hydrates
/// them; other pages read the phone and draw once the session has started.
#[component]
pub fn SignedIn(children: ChildrenFn, #[prop(optional)] drawn_by_server: bool) -> impl IntoView {
    let app = use_app();
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move |_| {
        // The page's person is the server's word as of when the page was drawn (perhaps
        // cached): judge once the phone's own word is in.
        if !app.loaded.get() || !app.started.get() {
            return;
        }
        match app.me.get() {
            None => navigate("/signin", Default::default()),
            Some(me) if me.must_change_password && location.pathname.get() != "/password" => {
                navigate("/password", Default::default())
            }
            _ => {}
        }
    });
    let children = StoredValue::new(children);
    view! {
        <Show
            when=move || app.is_signed_in() && (drawn_by_server || app.started.get())
            fallback=move || view! { <p class="muted">{app.t(Key::Loading)}</p> }
        >
            <Show when=move || app.offline_session.get()>
                <p class="note" data-testid="offline-session">{app.t(Key::SignedInOffline)}</p>
            </Show>
            {children.read_value()()}
        </Show>
    }
}

/// The text to show for a failed call, in the page's language.
pub fn error_text(app: AppState, err: &ApiError) -> String {
    match err {
        ApiError::Network => app.t(Key::ErrNetwork).to_string(),
        ApiError::Refused { body, .. } if !body.message.is_empty() => body.message.clone(),
        ApiError::Refused { .. } => app.t(Key::ErrServer).to_string(),
    }
}

/// Handles the refusals every page treats alike: a lost session sends the person to sign in.
/// Returns the message to show.
pub fn handle_error(app: AppState, err: &ApiError) -> String {
    match err {
        ApiError::Network => app.online.set(false),
        ApiError::Refused { status: 401, .. } => {
            app.contact();
            app.signed_out();
        }
        ApiError::Refused { .. } => app.contact(),
    }
    error_text(app, err)
}

/// A message line under a form; empty when there is nothing to say.
#[component]
pub fn Message(#[prop(into)] text: Signal<String>, #[prop(optional)] ok: bool) -> impl IntoView {
    let class = if ok { "ok" } else { "error" };
    view! {
        <Show when=move || !text.get().is_empty()>
            <p class=class role="alert" data-testid="message">{move || text.get()}</p>
        </Show>
    }
}

/// Always under the top bar of a signed-in person: how many records wait, when the last sync
/// succeeded, a sync button. It appears with the page's content, never after it.
#[component]
pub fn SyncBar() -> impl IntoView {
    use crate::phone::outbox;
    let app = use_app();
    let last = move || {
        app.last_sync
            .get()
            .map(client::format_local_time)
            .unwrap_or_else(|| app.t(Key::Never).to_string())
    };
    let signed_in = move || app.is_signed_in();
    // Its place is kept from the first paint on the pages of a signed-in person (all but
    // signing in and the certificate page), so the page does not move when it fills in.
    let location = use_location();
    let kept = move || !matches!(location.pathname.get().as_str(), "/signin" | "/ca");
    view! {
        <Show when=move || kept() || signed_in()>
            <div class="syncbar">
                <Show when=signed_in>
                    <div class="syncbar-row" data-testid="syncbar">
                        <span>{app.t(Key::WaitingToSync)} " " <strong data-testid="pending">{move || app.pending.get()}</strong></span>
                        <span class="muted">{app.t(Key::LastSync)} " " {last}</span>
                        <button class="small" data-testid="sync-now" disabled=move || app.flushing.get()
                            on:click=move |_| leptos::task::spawn_local(outbox::sync(app))>{app.t(Key::SyncNow)}</button>
                    </div>
                </Show>
            </div>
        </Show>
    }
}

/// What the phone learns after the page is drawn (offline, a new build, storage trouble, why
/// syncing is stuck, records held or refused), in one place under the page, kept in view at the
/// bottom of the screen (where a thumb reaches): a notice that arrives late moves nothing
/// already on the screen.
#[component]
pub fn Notices() -> impl IntoView {
    use crate::phone::state::Blocked;
    let app = use_app();
    let blocked = move || {
        app.sync_blocked.get().map(|b| match b {
            Blocked::SignIn => app.t(Key::BlockedSignIn),
            Blocked::NotEnrolled => app.t(Key::NeedEnrol),
            Blocked::Revoked => app.t(Key::ErrDeviceRevoked),
            Blocked::Update => app.t(Key::BlockedUpdate),
            Blocked::ServerBehind => app.t(Key::ServerBehind),
        })
    };
    let trouble = move || {
        use crate::phone::state::StoreTrouble as T;
        app.store.get().map(|t| match t {
            T::Unavailable => app.t(Key::StoreUnavailable),
            T::Replaced => app.t(Key::ErrStoreReplaced),
            T::WaitingForTabs => app.t(Key::StoreWaitingForTabs),
            T::Lost => app.t(Key::StoreLost),
            T::Low => app.t(Key::StoreLow),
            T::Full => app.t(Key::StoreFull),
        })
    };
    let signed_in = move || app.is_signed_in();
    view! {
        <div class="notices">
            <Show when=move || !app.online.get()>
                <p class="offline-note" role="status">{app.t(Key::OfflineNote)}</p>
            </Show>
            <UpdateBanner />
            <Show when=move || app.insecure.get()>
                <p class="error" role="alert" data-testid="insecure">
                    {app.t(Key::Insecure)} " " <a href="/ca">{app.t(Key::InstallCertificate)}</a>
                </p>
            </Show>
            {move || trouble().map(|text| view! { <p class="error" role="alert" data-testid="store-trouble">{text}</p> })}
            <Show when=move || signed_in() && app.preparing_offline.get()>
                <p class="note" role="status" data-testid="preparing-offline">{app.t(Key::PreparingOffline)}</p>
            </Show>
            {move || blocked().filter(|_| signed_in()).map(|text| view! { <p class="note" data-testid="sync-blocked">{text}</p> })}
            <Show when=move || { signed_in() && app.held.get() > 0 }>
                <p class="note" data-testid="held">{move || app.held.get()} " " {app.t(Key::HeldOnPhone)}</p>
            </Show>
            <Show when=move || signed_in() && !app.rejected.get().is_empty()>
                <Rejected />
            </Show>
        </div>
    }
}

/// The records the server refused, each with its reason, a correction for its author and a
/// dismissal.
#[component]
fn Rejected() -> impl IntoView {
    let app = use_app();
    view! {
        <div class="card rejected" data-testid="rejected">
            <strong>{app.t(Key::RejectedTitle)}</strong>
            <For each=move || app.rejected.get() key=|e| e.mutation.id let:e>
                {
                    let id = e.mutation.id;
                    let what = e.mutation.args["name"].as_str().filter(|n| !n.is_empty())
                        .map(str::to_string)
                        .unwrap_or_else(|| crate::registry::label(&e.mutation.name, app.locale).into());
                    let why = match &e.state {
                        crate::sync::EntryState::Rejected { message, .. } => message.clone(),
                        _ => String::new(),
                    };
                    // Only its author corrects a record; anyone may see it is stuck.
                    let mine = app.me.get_untracked().is_some_and(|m| m.id == e.mutation.author);
                    let fix = crate::registry::fix_route(&e.mutation.name).filter(|_| mine)
                        .map(|path| format!("{path}?fix={id}"));
                    view! {
                        <p class="error" data-testid="rejected-row">{what} "：" {why}
                            {fix.map(|href| view! { <a class="button small" href=href data-testid="fix">{app.t(Key::Correct)}</a> })}
                            <button class="small" on:click=move |_| leptos::task::spawn_local(queue::dismiss(app, id))>{app.t(Key::Dismiss)}</button>
                        </p>
                    }
                }
            </For>
        </div>
    }
}

/// The front desk's tabs (register, screen, on site, deposits), those the person may use.
#[component]
pub fn FrontTabs(active: &'static str) -> impl IntoView {
    use crate::model::Action;
    let app = use_app();
    let tabs = [
        ("/visit", Key::TabRegister, Action::RegisterVisitor),
        ("/screen", Key::TabScreen, Action::RecordScreening),
        ("/onsite", Key::TabOnSite, Action::RegisterVisitor),
        ("/deposits", Key::TabDeposits, Action::RecordScreening),
    ];
    move || {
        let me = app.me.get();
        let shown = tabs
            .iter()
            .filter(|(_, _, a)| me.as_ref().is_some_and(|m| m.can(*a)))
            .map(|(href, key, _)| {
                let class = if *href == active { "tab active" } else { "tab" };
                let id = format!("tab-{}", &href[1..]);
                view! { <a class=class href=*href data-testid=id>{app.t(*key)}</a> }
            })
            .collect_view();
        view! { <nav class="tabs no-print">{shown}</nav> }
    }
}

/// A labelled one-line text input bound to `value`: one piece of code for every such field of
/// every form (the phone downloads it once). `mode` is the keyboard (`text`, `numeric`, `tel`);
/// `bad` marks the field red while it holds `name`.
pub fn field(
    label: &'static str,
    name: &'static str,
    value: RwSignal<String>,
    mode: &'static str,
    bad: Option<RwSignal<String>>,
) -> AnyView {
    let kind = if mode == "tel" { "tel" } else { "text" };
    view! {
        <label><span>{label}</span>
            <input name=name type=kind inputmode=mode autocomplete="off"
                class:invalid=move || bad.is_some_and(|b| b.with(|f| f == name))
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) /></label>
    }
    .into_any()
}

/// The clock a card shows, ticking every 20 seconds (read only in the browser: the server draws
/// no rows, so nothing it drew depends on the time).
pub fn ticking_now() -> ReadSignal<i64> {
    let (now, set_now) = signal(0i64);
    Effect::new(move |_| set_now.set(crate::phone::client::now_ms() as i64));
    #[cfg(feature = "hydrate")]
    {
        let tick = set_interval_with_handle(
            move || set_now.set(crate::phone::client::now_ms() as i64),
            std::time::Duration::from_secs(20),
        );
        on_cleanup(move || {
            if let Ok(h) = tick {
                h.clear();
            }
        });
    }
    now
}

/// A lazy part of a page (a `#[leptos::lazy]` function's future): drawn once its chunk has
/// loaded, nothing in its place before (a chunk of a few KB comes in well under a second).
pub fn lazy_part<V: IntoView + 'static>(
    part: impl std::future::Future<Output = V> + Send + 'static,
) -> impl IntoView {
    view! { <Suspense fallback=|| ()>{Suspend::new(part)}</Suspense> }
}
