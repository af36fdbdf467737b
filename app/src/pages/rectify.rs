//! The rectification queue (整改): each site's open items by state and deadline, a card each.

use crate::components::SignedIn;
use crate::components::{use_my_sites, SitePicker};
use crate::hazard::{self, RectRow};
use crate::hazard::{HAZARD, RECTIFICATION, RECT_COMMENT};
use crate::i18n::rectify::Text;
use crate::inspect::INSPECTION;
use crate::model::{Action, PersonView};
use crate::phone::state::{use_app, AppState};
use leptos::prelude::*;

use super::rect_card::RectCard;

const PEOPLE: &str = "gp.people";

/// The people a supervisor may make responsible: fetched when online, kept for offline use.
fn use_people(app: AppState) -> RwSignal<Vec<PersonView>> {
    let people = RwSignal::new(
        crate::phone::client::store::get::<Vec<PersonView>>(PEOPLE).unwrap_or_default(),
    );
    Effect::new(move |_| {
        if !app.me.get().is_some_and(|m| m.can(Action::ViewPeople)) {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(list) = crate::phone::client::get::<Vec<PersonView>>("/api/v1/people").await {
                crate::phone::client::store::set(PEOPLE, &list);
                people.set(list);
            }
        });
    });
    people
}

fn this_month() -> String {
    let (y, m, _) = crate::phone::client::court_today();
    format!("{y:04}-{m:02}")
}

/// `/rectify`: the queue and the ledger of a site.
#[component]
pub fn Rectify() -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let site = RwSignal::new(String::new());
    let sites = use_my_sites(site);
    let people = use_people(app);
    let rows = crate::components::use_rows(move || {
        let s = site.get();
        vec![
            RECTIFICATION.all(),
            RECT_COMMENT.all(),
            HAZARD.at(&s),
            INSPECTION.at(&s),
        ]
    });
    let me = move || app.me.get().map(|m| m.id).unwrap_or_default();
    let reviewer = move || {
        app.me
            .get()
            .is_some_and(|m| m.can(Action::ReviewRectification))
    };
    let today = crate::phone::client::court_today_text;
    let items = move || {
        let s = site.get();
        rows.get()
            .list(crate::hazard::RECTIFICATION, |r: &RectRow| r.found_at)
            .into_iter()
            .filter(|(_, r)| r.site_id == s)
            .collect::<Vec<_>>()
    };
    // The queue, in the order a supervisor works it.
    let group = move |which: hazard::Queue| {
        let (me, rev, today) = (me(), reviewer(), today());
        items()
            .into_iter()
            .filter(|(_, r)| which.holds(r, &me, rev, &today))
            .collect::<Vec<_>>()
    };
    // Inspections due at the site, for those who inspect.
    let inspections_due = move || {
        if !app.me.get().is_some_and(|m| m.can(Action::Inspect)) {
            return Vec::new();
        }
        let s = site.get();
        let now = crate::phone::client::now_ms() as i64;
        let list = rows.get().list(
            crate::inspect::INSPECTION,
            |r: &crate::inspect::InspectionRow| r.recorded_at,
        );
        [
            crate::inspect::InspectionKind::Weekly,
            crate::inspect::InspectionKind::Monthly,
        ]
        .into_iter()
        .filter(|k| {
            let last = list
                .iter()
                .filter(|(_, r)| r.site_id == s && r.kind == k.code())
                .map(|(_, r)| r.recorded_at)
                .max();
            k.due(last, now)
        })
        .map(|k| k.label(app.locale))
        .collect::<Vec<_>>()
    };
    let from = RwSignal::new(this_month());
    let to = RwSignal::new(this_month());
    let can = move |a: Action| app.me.get().is_some_and(|m| m.can(a));
    let exports = move || can(Action::ViewReports) || can(Action::ReviewRectification);
    let opened = RwSignal::new(None::<(String, (String, bool))>);
    let section = move |which: hazard::Queue| {
        view! {
            <Show when=move || !group(which).is_empty()>
                <section class="card" data-testid=format!("queue-{}", which.code())>
                    <h2 class:error=which == hazard::Queue::Overdue>{which.label(app.locale)} " " <span class="count">{move || group(which).len()}</span></h2>
                    <ul class="records">
                        <For each=move || group(which) key=|(id, r)| format!("{id}{r:?}") let:item>
                            <RectCard id=item.0 row=item.1 rows=rows people=people section=which.code() opened=opened />
                        </For>
                    </ul>
                </section>
            </Show>
        }
    };
    view! {
        <SignedIn>
            <h1>{t(Text::Rectifications)}</h1>
            <SitePicker sites=sites site=site />
            <p class="chips">
                <Show when=move || can(Action::ReportHazard)>
                    <a class="button" href="/hazard" data-testid="report-link">{t(Text::ReportAHazardLink)}</a>
                </Show>
                <Show when=move || can(Action::FileRequest)>
                    <a class="button" href="/hazard?complaint=1" data-testid="complaint-link">{t(Text::CourtComplaintLink)}</a>
                </Show>
            </p>
            <Show when=move || !inspections_due().is_empty()>
                <p><a class="tag warn" href="/inspect" data-testid="queue-inspections">{t(Text::InspectionsDue)}{move || inspections_due().join("、")}</a></p>
            </Show>
            {hazard::Queue::ALL.iter().map(|q| section(*q)).collect_view()}
            <section class="card">
                <h2>{t(Text::Ledger)}</h2>
                <ul class="records" data-testid="ledger">
                    <For each=items key=|(id, r)| format!("{id}{r:?}") let:item>
                        <RectCard id=item.0 row=item.1 rows=rows people=people section="ledger" opened=opened />
                    </For>
                </ul>
                <Show when=move || items().is_empty()>
                    <p class="muted">{t(Text::NoRectificationsYet)}</p>
                </Show>
            </section>
            <Show when=exports>
                <section class="card form no-print" data-testid="export">
                    <h2>{t(Text::ExportTheLedgerAndInspections)}</h2>
                    <label><span>{t(Text::FromMonth)}</span>
                        <input type="month" name="from" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev)) /></label>
                    <label><span>{t(Text::ToMonth)}</span>
                        <input type="month" name="to" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev)) /></label>
                    <p class="chips">
                        <a class="button" data-testid="export-xlsx" href=move || format!("/api/v1/ledger.xlsx?site={}&from={}&to={}", site.get(), from.get(), to.get())>{t(Text::ExcelFile)}</a>
                        <a class="button" data-testid="export-print" target="_blank" href=move || format!("/ledger/print?site={}&from={}&to={}", site.get(), from.get(), to.get())>{t(Text::PrintablePage)}</a>
                    </p>
                </section>
            </Show>
        </SignedIn>
    }
}
