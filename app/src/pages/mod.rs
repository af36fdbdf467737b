//! One module per screen.

mod alert_admin;
mod boiler;
mod court_duty;
mod dashboard;
mod deposits;
mod device;
mod duties;
mod emergency;
mod fire;
mod gate;
mod hazard;
mod home;
mod inspect;
mod monthly;
mod now;
mod onsite;
mod overview;
mod password;
mod people;
mod procedure;
mod rect_card;
mod rectify;
mod request_form;
mod requests;
mod rounds;
mod route_editor;
mod scorecard;
mod screen;
mod server_care;
mod signin;
mod sites;
mod surveys;
mod trust;
mod visit;
mod visit_search;
mod watchlist;

pub use boiler::Boiler;
pub use dashboard::Dashboard;
pub use deposits::Deposits;
pub use device::Device;
pub use duties::Duties;
pub use emergency::Emergency;
pub use fire::Fire;
pub use gate::Gate;
pub use hazard::HazardReport;
pub use home::Home;
pub use inspect::Inspect;
pub use monthly::Monthly;
pub use onsite::OnSite;
pub use password::ChangePassword;
pub use people::People;
pub use rectify::Rectify;
pub use requests::Requests;
pub use rounds::Rounds;
pub use scorecard::ScorecardPage;
pub use screen::Screen;
pub use server_care::ServerCare;
pub use signin::SignIn;
pub use sites::Sites;
pub use surveys::Surveys;
pub use trust::Trust;
pub use visit::Visit;
pub use watchlist::Watchlist;

use crate::i18n::Key;
use crate::phone::state::use_app;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let app = use_app();
    view! {
        <h1>{app.t(Key::NotFound)}</h1>
        <a class="button" href="/">{app.t(Key::BackHome)}</a>
    }
}
