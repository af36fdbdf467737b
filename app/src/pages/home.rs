//! The home screen: the signed-in person's tasks, from the authorization table.

use crate::components::SignedIn;
use crate::i18n::Key;
use crate::model::Action;
use crate::phone::state::use_app;
use leptos::prelude::*;

/// The home-screen task of an action, and the page that does it once it exists.
fn task(action: Action) -> Option<(Key, Option<&'static str>)> {
    Some(match action {
        Action::ManagePeople => (Key::TaskManagePeople, Some("/admin/people")),
        Action::EnrolDevice => (Key::DeviceTitle, Some("/device")),
        // The phones list is on the device page, beside enrolling one.
        Action::ViewSites | Action::ViewPeople | Action::RevealIdNumber | Action::ManageDevices => {
            return None
        }
        Action::ManageSites => (Key::TaskManageSites, Some("/sites")),
        Action::RegisterVisitor => (Key::TaskRegisterVisitor, Some("/visit")),
        Action::RecordScreening => (Key::TaskRecordScreening, Some("/screen")),
        Action::PatrolRound => (Key::TaskPatrolRound, Some("/rounds")),
        Action::ReportHazard => (Key::TaskReportHazard, Some("/hazard")),
        Action::GateLog => (Key::TaskGateLog, Some("/gate")),
        Action::BoilerLog => (Key::TaskBoilerLog, Some("/boiler")),
        Action::Housekeeping => (Key::TaskHousekeeping, Some("/duties")),
        Action::FireDuty => (Key::TaskFireDuty, Some("/fire")),
        Action::Inspect => (Key::TaskInspect, Some("/inspect")),
        Action::ReviewRectification => (Key::TaskReviewRectification, Some("/rectify")),
        Action::ViewKpis => (Key::TaskViewKpis, Some("/dashboard")),
        Action::FileRequest => (Key::TaskFileRequest, Some("/requests")),
        Action::HandleRequest => (Key::TaskHandleRequest, Some("/requests")),
        Action::HandleEmergency => (Key::TaskEmergency, Some("/emergency")),
        Action::ViewReports => (Key::TaskViewReports, Some("/monthly")),
        Action::ManageWatchlist => (Key::TaskWatchlist, Some("/watchlist")),
        Action::ManageServer => (Key::TaskServer, Some("/server")),
        Action::RunSurvey => (Key::TaskSurvey, Some("/surveys")),
        Action::EditSurvey => (Key::TaskSurveyQuestions, Some("/surveys")),
        // Filed on the monthly report's page.
        Action::FileReport => return None,
        // On the dashboard, under the day's figures.
        Action::SearchVisits => return None,
    })
}

#[component]
pub fn Home() -> impl IntoView {
    let app = use_app();
    let body = move || {
        let me = app.me.get()?;
        let roles = me
            .roles
            .iter()
            .map(|r| app.t(r.key()))
            .collect::<Vec<_>>()
            .join(" · ");
        let tasks = Action::ALL
            .into_iter()
            .filter(|a| me.can(*a))
            .filter_map(task)
            .map(|(key, href)| match href {
                Some(href) => view! {
                    <a class="task" href=href>{app.t(key)}</a>
                }
                .into_any(),
                None => view! {
                    <div class="task later" aria-disabled="true">
                        {app.t(key)}
                        <small>{app.t(Key::ComingSoon)}</small>
                    </div>
                }
                .into_any(),
            })
            .collect_view();
        Some(view! {
            <section class="hello">
                <h1 data-testid="hello">{me.display_name.clone()}</h1>
                <p class="muted" data-testid="roles">{roles}</p>
            </section>
            // What needs this person now comes first; its room is kept from the first paint, so
            // the tiles do not jump when it arrives.
            <section class="now-panel" data-testid="now">
                <h2>{app.t(Key::NeedsYouNow)}</h2>
                {move || app.started.get().then(|| crate::components::lazy_part(super::now::now_panel()))}
            </section>
            <h2>{app.t(Key::MyTasks)}</h2>
            <nav class="tasks" data-testid="tasks">
                {tasks}
                <a class="task" href="/sites">{app.t(Key::Sites)}</a>
                <a class="task" href="/password">{app.t(Key::ChangePassword)}</a>
            </nav>
        })
    };
    view! { <SignedIn drawn_by_server=true>{body}</SignedIn> }
}
