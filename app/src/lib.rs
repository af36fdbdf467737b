//! Guardpost's user interface and the types both the phone and the server compile.
//!
//! `ssr` builds it into the server (rendering pages), `hydrate` into the wasm the phone runs.
//! Pages carry no personal data in their server HTML: they fill in after hydration from the
//! phone's store and the JSON API, so the service worker can cache and replay them offline.

#![recursion_limit = "256"]

pub mod client;
pub mod dashboard;
pub mod front;
pub mod gate;
pub mod i18n;
pub mod idcard;
pub mod known;
pub mod local;
pub mod model;
pub mod outbox;
pub mod pwa;
pub mod screening;
pub mod state;
pub mod sync;
pub mod watch;

mod components;
mod pages;

use i18n::{Key, Locale};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};
use state::AppState;

/// The build this server runs, put in every page so the service worker can tell whether a page
/// it fetched belongs to the code it cached.
#[derive(Clone, Debug)]
pub struct BuildId(pub String);

/// The pages of the app; the service worker caches each of them for offline starts.
pub const PAGES: [&str; 13] = [
    "/",
    "/signin",
    "/password",
    "/sites",
    "/admin/people",
    "/visit",
    "/onsite",
    "/screen",
    "/deposits",
    "/watchlist",
    "/gate",
    "/dashboard",
    "/device",
];

/// The HTML document around the app (server only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = use_context::<Locale>().unwrap_or_default();
    let build = use_context::<BuildId>().map(|b| b.0).unwrap_or_default();
    view! {
        <!DOCTYPE html>
        <html lang=locale.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="theme-color" content="#0b3d91" />
                <meta name="gp-build" content=build />
                <meta name="color-scheme" content="light dark" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icons/icon-192.png" type="image/png" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                <leptos_meta::HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <leptos_meta::MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The language the page is rendered in: on the server from the cookie (given by context), on the
/// phone from the `lang` of the document it hydrates, so both always agree.
fn page_locale() -> Locale {
    #[cfg(feature = "hydrate")]
    {
        let lang = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .unwrap_or_default();
        if lang == "en" {
            Locale::En
        } else {
            Locale::Zh
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        use_context::<Locale>().unwrap_or_default()
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let app = AppState::new(page_locale());
    provide_context(app);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| app.start());

    view! {
        <Title text=app.t(Key::AppTitle) />
        <Router>
            <components::TopBar />
            <components::UpdateBanner />
            <components::SyncBar />
            <main class="page">
                <Routes fallback=|| view! { <pages::NotFound /> }>
                    <Route path=path!("/") view=pages::Home />
                    <Route path=path!("/signin") view=pages::SignIn />
                    <Route path=path!("/password") view=pages::ChangePassword />
                    <Route path=path!("/sites") view=pages::Sites />
                    <Route path=path!("/admin/people") view=pages::People />
                    <Route path=path!("/visit") view=pages::Visit />
                    <Route path=path!("/onsite") view=pages::OnSite />
                    <Route path=path!("/screen") view=pages::Screen />
                    <Route path=path!("/deposits") view=pages::Deposits />
                    <Route path=path!("/watchlist") view=pages::Watchlist />
                    <Route path=path!("/gate") view=pages::Gate />
                    <Route path=path!("/dashboard") view=pages::Dashboard />
                    <Route path=path!("/device") view=pages::Device />
                </Routes>
            </main>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
