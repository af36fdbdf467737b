//! Guardpost's user interface and the types both the phone and the server compile.
//!
//! `ssr` builds it into the server (rendering pages), `hydrate` into the wasm the phone runs.
//! Pages carry no records in their server HTML: they fill in after hydration from the phone's
//! store and the JSON API, so the service worker can cache and replay them offline. The one
//! thing the server draws of a person is who is signed in (name, roles, the home's tasks; see
//! [`PagePerson`]), so the home's content is painted before the wasm arrives.

#![recursion_limit = "256"]

pub mod alert;
pub mod boiler;
pub mod checklist;
pub mod core;
pub mod dashboard;
pub mod emergency;
pub mod fire;
pub mod front;
pub mod gate;
pub mod hazard;
pub mod i18n;
pub mod idcard;
pub mod inspect;
pub mod model;
pub mod phone;
pub mod procedure;
pub mod proof;
pub mod record;
pub mod registry;
pub mod report;
pub mod request;
pub mod rounds;
pub mod rows;
pub mod score;
pub mod screening;
pub mod survey;
pub mod sync;
pub mod watch;

mod components;
mod pages;

use i18n::{Key, Locale};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy, LazyRoute,
};
use phone::state::AppState;

/// The build this server runs, put in every page so the service worker can tell whether a page
/// it fetched belongs to the code it cached.
#[derive(Clone, Debug)]
pub struct BuildId(pub String);

/// Who is signed in, as the server knows from the request's session: the page draws the
/// signed-in chrome and the home's tasks from it and carries it in a `gp-me` meta tag, so the
/// phone hydrates the same. Pages the worker caches for every person are fetched without it
/// (`x-guardpost-page: anonymous`); its copy of the home with the person is deleted when the
/// person signs out.
#[derive(Clone, Debug)]
pub struct PagePerson(pub model::Me);

/// The request header the worker sends for its person-less copies of the pages.
pub const ANONYMOUS_PAGE: &str = "x-guardpost-page";

/// The person the page was drawn for: on the server from the session (by context), on the phone
/// from the page's `gp-me` tag, so both draw the same.
fn page_person() -> Option<model::Me> {
    #[cfg(feature = "hydrate")]
    {
        let json = web_sys::window()?
            .document()?
            .query_selector("meta[name=gp-me]")
            .ok()??
            .get_attribute("content")?;
        serde_json::from_str(&json).ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        use_context::<PagePerson>().map(|p| p.0)
    }
}

/// The pages of the app; the service worker caches each of them for offline starts.
pub const PAGES: [&str; 22] = [
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
    "/rounds",
    "/boiler",
    "/fire",
    "/duties",
    "/hazard",
    "/rectify",
    "/inspect",
    "/requests",
    "/emergency",
];

/// The script that starts the page's code (the hashed JS and main wasm of this build), made
/// once when the server starts and given to each page by context.
#[derive(Clone, Debug, Default)]
pub struct PageScripts {
    start: std::sync::Arc<str>,
}

impl PageScripts {
    pub fn new(js: &str, wasm: &str) -> PageScripts {
        PageScripts {
            start: format!("const JS = {js:?}; const WASM = {wasm:?};\n{START}").into(),
        }
    }
}

/// Loads and hydrates the page's code once the page has been drawn: the main wasm does not
/// share the signal with what draws the first screen (Leptos's own script preloads it from the
/// head, before the first paint). A page opened in the background starts at once.
const START: &str = "const go = () => import(JS).then((m) => m.default({ module_or_path: WASM }).then(() => m.hydrate()));\
if (document.visibilityState === 'visible') requestAnimationFrame(() => setTimeout(go, 0)); else go();";

/// Before the first paint (a classic script in the head runs before the body is laid out): the
/// room the home's "needs you now" took last time, so its tiles are laid out where they will
/// stay when the panel's items arrive (no layout shift). `phone::home_copy::keep_now_height`
/// writes it.
const NOW_HEIGHT: &str = "try{const h=Number(localStorage.getItem('gp.now_height'));\
if(h>0)document.documentElement.style.setProperty('--now-h',h+'px')}catch(e){}";

/// The HTML document around the app (server only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = use_context::<Locale>().unwrap_or_default();
    let build = use_context::<BuildId>().map(|b| b.0).unwrap_or_default();
    // Leptos's hydration scripts, for what they give the page's context (the split manifest
    // the lazy routes name their chunks from); their tags are not drawn, see [`START`].
    let _ = HydrationScripts(
        leptos::hydration::HydrationScriptsProps::builder()
            .options(options.clone())
            .build(),
    );
    let start = use_context::<PageScripts>().unwrap_or_default().start;
    let nonce = leptos::nonce::use_nonce();
    let person = use_context::<PagePerson>().and_then(|p| serde_json::to_string(&p.0).ok());
    view! {
        <!DOCTYPE html>
        <html lang=locale.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="theme-color" content="#0b3d91" />
                <meta name="gp-build" content=build />
                {person.map(|json| view! { <meta name="gp-me" content=json /> })}
                <meta name="color-scheme" content="light dark" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icons/icon-192.png" type="image/png" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                <leptos_meta::HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                <script nonce=nonce.clone()>{NOW_HEIGHT}</script>
                <script type="module" nonce=nonce>{start}</script>
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

/// A page whose code is split from the main bundle and fetched when first opened (the worker
/// keeps every part for offline use). Every page but the home and sign-in: a phone's first
/// visit downloads only what draws those two.
///
/// Pages are split by the work they serve (`$part`: the front desk, the gate, rounds, the
/// boiler, the fire room, supervision, administration), not one by one: the split tool makes a
/// chunk of each set of parts that share code, and with a part per page that was 393 files, a
/// first opening of the fire page 182 requests, and a split loader of 250 KB naming them all.
/// A person mostly works in one part, and its pages load together.
macro_rules! lazy_page {
    ($part:ident, $route:ident, $view:ident, $preload:ident, $page:path) => {
        struct $route;

        #[leptos::wasm_split::wasm_split($part, wasm_split_path = ::leptos::wasm_split, preload($preload))]
        fn $view() -> AnyView {
            $page().into_any()
        }

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }
            async fn view(_this: Self) -> AnyView {
                // The server names the part, so the page's head preloads its chunks.
                #[cfg(not(feature = "hydrate"))]
                leptos::prefetch_lazy_fn_on_server(stringify!($part));
                $view().await
            }
            async fn preload() {
                #[cfg(target_arch = "wasm32")]
                $preload().await;
            }
        }
    };
}

/// The pages of [`lazy_page!`], each `part: Route, view, preload => page;`.
macro_rules! lazy_pages {
    ($($part:ident: $route:ident, $view:ident, $preload:ident => $page:path;)*) => {
        $(lazy_page!($part, $route, $view, $preload, $page);)*
    };
}

lazy_pages! {
    password: PasswordPage, password_view, password_preload => pages::ChangePassword;
    trust: TrustPage, trust_view, trust_preload => pages::Trust;
    front: VisitPage, visit_view, visit_preload => pages::Visit;
    front: OnSitePage, on_site_view, on_site_preload => pages::OnSite;
    front: ScreenPage, screen_view, screen_preload => pages::Screen;
    front: DepositsPage, deposits_view, deposits_preload => pages::Deposits;
    front: WatchlistPage, watchlist_view, watchlist_preload => pages::Watchlist;
    gate: GatePage, gate_view, gate_preload => pages::Gate;
    rounds: RoundsPage, rounds_view, rounds_preload => pages::Rounds;
    rounds: DutiesPage, duties_view, duties_preload => pages::Duties;
    rounds: HazardPage, hazard_view, hazard_preload => pages::HazardReport;
    boiler: BoilerPage, boiler_view, boiler_preload => pages::Boiler;
    fire: FirePage, fire_view, fire_preload => pages::Fire;
    supervise: RectifyPage, rectify_view, rectify_preload => pages::Rectify;
    supervise: InspectPage, inspect_view, inspect_preload => pages::Inspect;
    supervise: DashboardPage, dashboard_view, dashboard_preload => pages::Dashboard;
    report: ScorecardRoute, scorecard_view, scorecard_preload => pages::ScorecardPage;
    report: SurveysRoute, surveys_view, surveys_preload => pages::Surveys;
    report: MonthlyRoute, monthly_view, monthly_preload => pages::Monthly;
    service: RequestsPage, requests_view, requests_preload => pages::Requests;
    service: EmergencyPage, emergency_view, emergency_preload => pages::Emergency;
    admin: SitesPage, sites_view, sites_preload => pages::Sites;
    admin: PeoplePage, people_view, people_preload => pages::People;
    admin: DevicePage, device_view, device_preload => pages::Device;
    admin: ServerPage, server_view, server_preload => pages::ServerCare;
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let app = AppState::new(page_locale());
    if let Some(me) = page_person() {
        app.set_me(me);
    }
    provide_context(app);
    // Started once the whole page (lazy routes included) is hydrated, see [`hydrate`]: state
    // that changes before a lazy route's chunk arrives would no longer match the server's HTML.
    #[cfg(feature = "hydrate")]
    HYDRATING.with(|h| h.set(Some((app, Owner::current()))));

    view! {
        <Title text=app.t(Key::AppTitle) />
        <Router>
            <components::TopBar />
            <components::SyncBar />
            <main class="page">
                <Routes fallback=|| view! { <pages::NotFound /> }>
                    <Route path=path!("/") view=pages::Home />
                    <Route path=path!("/signin") view=pages::SignIn />
                    <Route path=path!("/password") view={Lazy::<PasswordPage>::new()} />
                    <Route path=path!("/sites") view={Lazy::<SitesPage>::new()} />
                    <Route path=path!("/admin/people") view={Lazy::<PeoplePage>::new()} />
                    <Route path=path!("/visit") view={Lazy::<VisitPage>::new()} />
                    <Route path=path!("/onsite") view={Lazy::<OnSitePage>::new()} />
                    <Route path=path!("/screen") view={Lazy::<ScreenPage>::new()} />
                    <Route path=path!("/deposits") view={Lazy::<DepositsPage>::new()} />
                    <Route path=path!("/watchlist") view={Lazy::<WatchlistPage>::new()} />
                    <Route path=path!("/gate") view={Lazy::<GatePage>::new()} />
                    <Route path=path!("/dashboard") view={Lazy::<DashboardPage>::new()} />
                    <Route path=path!("/device") view={Lazy::<DevicePage>::new()} />
                    <Route path=path!("/rounds") view={Lazy::<RoundsPage>::new()} />
                    <Route path=path!("/boiler") view={Lazy::<BoilerPage>::new()} />
                    <Route path=path!("/fire") view={Lazy::<FirePage>::new()} />
                    <Route path=path!("/duties") view={Lazy::<DutiesPage>::new()} />
                    <Route path=path!("/hazard") view={Lazy::<HazardPage>::new()} />
                    <Route path=path!("/rectify") view={Lazy::<RectifyPage>::new()} />
                    <Route path=path!("/inspect") view={Lazy::<InspectPage>::new()} />
                    <Route path=path!("/requests") view={Lazy::<RequestsPage>::new()} />
                    <Route path=path!("/emergency") view={Lazy::<EmergencyPage>::new()} />
                    <Route path=path!("/ca") view={Lazy::<TrustPage>::new()} />
                    <Route path=path!("/server") view={Lazy::<ServerPage>::new()} />
                    <Route path=path!("/scorecard") view={Lazy::<ScorecardRoute>::new()} />
                    <Route path=path!("/surveys") view={Lazy::<SurveysRoute>::new()} />
                    <Route path=path!("/monthly") view={Lazy::<MonthlyRoute>::new()} />
                </Routes>
            </main>
            <components::Notices />
        </Router>
    }
}

/// Room in the read-only data for the split tool (cargo-leptos's wasm-split). It moves each lazy
/// chunk's data (its words, its tables) out of the first download by packing every module's
/// share of the one data segment again, each share aligned; when the padding makes the packed
/// segment longer than the linker's by even a few bytes, it keeps *all* data in the main module
/// ("Overlong segment 0"): 130 KB raw, 47 KB brotli more on the first visit, flipped by any
/// small change. Nothing refers to this table, so no module carries it; its bytes are only the
/// slack the packing may use. `.ci/size-report.sh` fails when the chunks hold no data again.
#[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
#[used]
static SPLIT_DATA_SLACK: [u8; 4096] = [0xa5; 4096];

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy routes hydrate once their chunk has loaded; the app starts after that.
    // (hydrate_from_async sets up Leptos's executor; this outer task runs on the browser's.)
    wasm_bindgen_futures::spawn_local(async {
        let handle = leptos::mount::hydrate_from_async(
            leptos::prelude::document().body().expect("body"),
            App,
        )
        .await;
        // The session's start (the store, the counts, the first contact) in a task of its own:
        // hydration and it in one were one long task that held a cheap phone's first tap.
        next_task().await;
        if let Some((app, owner)) = HYDRATING.with(|h| h.take()) {
            match owner {
                Some(owner) => owner.with(|| phone::session::start(app)),
                None => phone::session::start(app),
            }
        }
        handle.forget();
    });
}

/// Resolves in a later task of the browser's (a zero timer), letting it paint and take input.
#[cfg(feature = "hydrate")]
async fn next_task() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let _ = leptos::prelude::window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// The app's state and owner, from `App` to [`hydrate`].
    static HYDRATING: std::cell::Cell<Option<(AppState, Option<Owner>)>> = const { std::cell::Cell::new(None) };
}
