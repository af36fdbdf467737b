//! The site picker every form starts with, the person's sites as the phone keeps them, and the
//! guard that keeps an app update from reloading over a half-filled form.

use crate::i18n::Locale;
use crate::model::{AreaKind, Site};
use crate::phone::client::store;
use crate::phone::state::use_app;
use leptos::prelude::*;

/// The sites the signed-in person works at, as the phone keeps them.
pub fn my_sites(site_ids: &[String]) -> Vec<Site> {
    store::get::<Vec<Site>>(store::SITES)
        .unwrap_or_default()
        .into_iter()
        .filter(|s| site_ids.contains(&s.id))
        .collect()
}

/// The signed-in person's sites, kept current; `site` starts at the first when empty.
pub fn use_my_sites(site: RwSignal<String>) -> RwSignal<Vec<Site>> {
    let app = use_app();
    let sites = RwSignal::new(Vec::<Site>::new());
    Effect::new(move |_| {
        let Some(me) = app.me.get() else { return };
        app.view_rev.track();
        let mine = my_sites(&me.site_ids);
        if site.get_untracked().is_empty() {
            if let Some(s) = mine.first() {
                site.set(s.id.clone());
            }
        }
        sites.set(mine);
    });
    sites
}

/// Chooses among the person's sites; hidden for someone who works at one.
#[component]
pub fn SitePicker(sites: RwSignal<Vec<Site>>, site: RwSignal<String>) -> impl IntoView {
    let app = use_app();
    view! {
        <Show when=move || { sites.get().len() > 1 }>
            <select class="no-print" name="site" on:change=move |ev| site.set(event_target_value(&ev))>
                <For each=move || sites.get() key=|s| s.id.clone() let:s>
                    {
                        let id = s.id.clone();
                        let id2 = s.id.clone();
                        view! { <option value=id selected=move || site.get() == id2>{site_name(app.locale, &s)}</option> }
                    }
                </For>
            </select>
        </Show>
    }
}

pub fn site_name(locale: Locale, s: &Site) -> String {
    match locale {
        Locale::Zh => s.name_zh.clone(),
        Locale::En => s.name_en.clone(),
    }
}

/// Areas a visitor can be going to.
pub fn destinations(site: Option<&Site>) -> Vec<(String, String, String)> {
    site.map(|s| {
        s.areas
            .iter()
            .filter(|a| {
                a.active
                    && matches!(
                        a.kind,
                        AreaKind::Hall
                            | AreaKind::Courtroom
                            | AreaKind::Room
                            | AreaKind::FilingArea
                            | AreaKind::ReceptionArea
                            | AreaKind::Other
                    )
            })
            .map(|a| (a.id.clone(), a.name_zh.clone(), a.name_en.clone()))
            .collect()
    })
    .unwrap_or_default()
}

/// Counts a half-filled form so an app update never reloads over it.
pub fn hold_update_while(dirty: Memo<bool>) {
    let app = use_app();
    Effect::new(move |prev: Option<bool>| {
        let now = dirty.get();
        if prev.unwrap_or(false) != now {
            app.dirty_forms.update(|n| {
                if now {
                    *n += 1
                } else {
                    *n = n.saturating_sub(1)
                }
            });
        }
        now
    });
    on_cleanup(move || {
        if dirty.get_untracked() {
            app.dirty_forms.update(|n| *n = n.saturating_sub(1));
        }
    });
}
