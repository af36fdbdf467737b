//! A patrol route's editor (supervisors): its areas in order, its days and time window.

use crate::components::{field, handle_error};
use crate::i18n::rounds::Text;
use crate::i18n::{Key, Locale};
use crate::model::Site;
use crate::phone::outbox;
use crate::phone::state::use_app;
use crate::rounds::{self, Days, RouteEdit, RouteKind, RouteRow};
use leptos::prelude::*;

/// [`RouteEditor`], its code loaded when first opened.
#[leptos::lazy]
pub(super) fn editor(
    id: String,
    route: RouteRow,
    sites: RwSignal<Vec<Site>>,
    editing: RwSignal<Option<(String, RouteRow)>>,
) -> AnyView {
    view! { <RouteEditor id=id route=route sites=sites editing=editing /> }.into_any()
}

/// A supervisor's edit of a route: name, days, window, which of the site's areas (in the site's
/// order). Saved to the server at once (routes are kept online).
#[component]
fn RouteEditor(
    id: String,
    route: RouteRow,
    sites: RwSignal<Vec<Site>>,
    editing: RwSignal<Option<(String, RouteRow)>>,
) -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let name = RwSignal::new(route.name_zh.clone());
    let days = RwSignal::new(Days::parse(&route.days).unwrap_or(Days::Workdays));
    let from = RwSignal::new(rounds::hhmm(route.window_start));
    let to = RwSignal::new(rounds::hhmm(route.window_end));
    let chosen = RwSignal::new(route.areas());
    let message = RwSignal::new(String::new());
    let site_id = route.site_id.clone();
    let areas = {
        let site_id = site_id.clone();
        move || {
            sites
                .get()
                .into_iter()
                .find(|s| s.id == site_id)
                .map(|s| s.areas.into_iter().filter(|a| a.active).collect::<Vec<_>>())
                .unwrap_or_default()
        }
    };
    let all_areas = areas.clone();
    let save = move |_| {
        let (Some(start), Some(end)) = (
            rounds::parse_hhmm(&from.get_untracked()),
            rounds::parse_hhmm(&to.get_untracked()),
        ) else {
            message.set(t(Text::TimesAreHhMmEG).into());
            return;
        };
        let picked = chosen.get_untracked();
        let edit = RouteEdit {
            site_id: site_id.clone(),
            kind: RouteKind::parse(&route.kind).unwrap_or(RouteKind::Night),
            name_zh: name.get_untracked(),
            name_en: route.name_en.clone(),
            days: days.get_untracked(),
            window_start: start,
            window_end: end,
            area_ids: all_areas()
                .into_iter()
                .map(|a| a.id)
                .filter(|a| picked.contains(a))
                .collect(),
        };
        let path = format!("/api/v1/routes/{id}");
        leptos::task::spawn_local(async move {
            match crate::phone::client::put::<_, serde_json::Value>(&path, &edit).await {
                Ok(_) => {
                    editing.set(None);
                    outbox::sync(app).await;
                }
                Err(e) => message.set(handle_error(app, &e)),
            }
        });
    };
    view! {
        <section class="card form" data-testid="route-editor">
            <h2>{t(Text::EditRoute)}</h2>
            {field(t(Text::Name), "route_name", name, "text", None)}
            <label><span>{t(Text::Days)}</span>
                <select on:change=move |ev| if let Some(d) = Days::parse(&event_target_value(&ev)) { days.set(d) }>
                    {Days::ALL.iter().copied().map(|d| view! {
                        <option value=d.code() selected=move || days.get() == d>{d.label(app.locale)}</option>
                    }).collect_view()}
                </select></label>
            <div class="pair">
                {field(t(Text::From), "window_start", from, "numeric", None)}
                {field(t(Text::Until), "window_end", to, "numeric", None)}
            </div>
            <fieldset class="chips"><legend>{t(Text::Checkpoints2)}</legend>
                {move || areas().into_iter().map(|a| {
                    let (id1, id2) = (a.id.clone(), a.id.clone());
                    let label = if app.locale == Locale::En { a.name_en.clone() } else { a.name_zh.clone() };
                    view! {
                        <button type="button" class="chip" class:on=move || chosen.get().contains(&id1)
                            on:click=move |_| chosen.update(|c| if let Some(i) = c.iter().position(|x| *x == id2) { c.remove(i); } else { c.push(id2.clone()); })>{label}</button>
                    }
                }).collect_view()}
            </fieldset>
            {move || (!message.get().is_empty()).then(|| view! { <p class="error" role="alert">{message.get()}</p> })}
            <button class="primary" data-testid="route-save" on:click=save>{app.t(Key::Save)}</button>
            <button on:click=move |_| editing.set(None)>{app.t(Key::Cancel)}</button>
        </section>
    }
}
