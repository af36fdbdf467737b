//! One module per screen.

mod boiler;
mod court_duty;
mod dashboard;
mod deposits;
mod device;
mod duties;
mod fire;
mod gate;
mod hazard;
mod home;
mod inspect;
mod onsite;
mod password;
mod people;
mod procedure;
mod rounds;
mod screen;
mod signin;
mod sites;
mod visit;
mod watchlist;

pub use boiler::Boiler;
pub use dashboard::Dashboard;
pub use deposits::Deposits;
pub use device::Device;
pub use duties::Duties;
pub use fire::Fire;
pub use gate::Gate;
pub use hazard::{HazardReport, Rectify};
pub use home::Home;
pub use inspect::Inspect;
pub use onsite::OnSite;
pub use password::ChangePassword;
pub use people::People;
pub use rounds::Rounds;
pub use screen::Screen;
pub use signin::SignIn;
pub use sites::Sites;
pub use visit::{Visit, SITES};
pub use watchlist::Watchlist;

use crate::i18n::Key;
use crate::state::use_app;
use leptos::prelude::*;

/// The form where a refused record of this mutation is corrected and sent again.
pub fn fix_route(mutation: &str) -> Option<&'static str> {
    match mutation {
        "visit.check_in" => Some("/visit"),
        _ => None,
    }
}

/// What kind of record a mutation is about, for a refusal that names no visitor.
pub fn record_label(mutation: &str, locale: crate::i18n::Locale) -> &'static str {
    let (zh, en) = match mutation.split('.').next().unwrap_or_default() {
        "rect" => ("整改单", "Rectification"),
        "hazard" => ("隐患上报", "Hazard report"),
        _ => ("记录", "Record"),
    };
    crate::i18n::pick(locale, zh, en)
}

#[component]
pub fn NotFound() -> impl IntoView {
    let app = use_app();
    view! {
        <h1>{app.t(Key::NotFound)}</h1>
        <a class="button" href="/">{app.t(Key::BackHome)}</a>
    }
}
