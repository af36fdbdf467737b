//! Sites and their areas: everyone sees their own; an administrator renames sites and adds,
//! renames and retires areas.

use crate::components::site_name;
use crate::components::{handle_error, Message, SignedIn};
use crate::i18n::{Key, Locale};
use crate::model::{Action, Area, AreaInput, AreaKind, Site, SiteUpdate};
use crate::phone::client;
use crate::phone::state::{use_app, AppState};
use leptos::prelude::*;

fn area_name(locale: Locale, a: &Area) -> String {
    match locale {
        Locale::Zh => a.name_zh.clone(),
        Locale::En => a.name_en.clone(),
    }
}

#[component]
pub fn Sites() -> impl IntoView {
    let app = use_app();
    let sites = RwSignal::new(Vec::<Site>::new());
    let message = RwSignal::new(String::new());
    let reload = move || {
        leptos::task::spawn_local(async move {
            match client::get::<Vec<Site>>("/api/v1/sites").await {
                Ok(list) => {
                    app.contact();
                    sites.set(list);
                }
                Err(err) => message.set(handle_error(app, &err)),
            }
        })
    };
    Effect::new(move |_| {
        if app.is_signed_in() {
            reload();
        }
    });
    let can_manage = move || {
        app.me
            .get()
            .map(|m| m.can(Action::ManageSites))
            .unwrap_or(false)
    };

    view! {
        <SignedIn>
            <h1>{app.t(Key::Sites)}</h1>
            <Message text=message />
            <div data-testid="sites">
                <For each=move || sites.get() key=|s| (s.id.clone(), s.name_zh.clone(), s.name_en.clone(), s.areas.len()) let:site>
                    <SiteCard site=site can_manage=Signal::derive(can_manage) on_change=Callback::new(move |_| reload()) app=app />
                </For>
            </div>
        </SignedIn>
    }
}

#[component]
fn SiteCard(
    site: Site,
    can_manage: Signal<bool>,
    on_change: Callback<()>,
    app: AppState,
) -> impl IntoView {
    let locale = app.locale;
    let name_zh = RwSignal::new(site.name_zh.clone());
    let name_en = RwSignal::new(site.name_en.clone());
    let editing = RwSignal::new(false);
    let message = RwSignal::new(String::new());
    let site_id = site.id.clone();
    let save_site = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = SiteUpdate {
            name_zh: name_zh.get_untracked(),
            name_en: name_en.get_untracked(),
        };
        let path = format!("/api/v1/sites/{}", site_id);
        leptos::task::spawn_local(async move {
            match client::put::<_, Site>(&path, &body).await {
                Ok(_) => {
                    editing.set(false);
                    on_change.run(());
                }
                Err(err) => message.set(handle_error(app, &err)),
            }
        });
    };
    let count = site.areas.iter().filter(|a| a.active).count();
    let areas = site.areas.clone();
    let site_id2 = site.id.clone();
    view! {
        <details class="card site" data-testid="site">
            <summary>
                <strong>{site_name(locale, &site)}</strong>
                <span class="muted">" · " {count}</span>
            </summary>
            <Show when=move || can_manage.get() && !editing.get()>
                <button class="small" on:click=move |_| editing.set(true)>{app.t(Key::Edit)}</button>
            </Show>
            <Show when=move || editing.get()>
                <form class="form" on:submit=save_site.clone()>
                    <label><span>{app.t(Key::SiteNameZh)}</span>
                        <input prop:value=move || name_zh.get() on:input=move |ev| name_zh.set(event_target_value(&ev)) /></label>
                    <label><span>{app.t(Key::SiteNameEn)}</span>
                        <input prop:value=move || name_en.get() on:input=move |ev| name_en.set(event_target_value(&ev)) /></label>
                    <Message text=message />
                    <div class="row">
                        <button class="primary" type="submit">{app.t(Key::Save)}</button>
                        <button type="button" on:click=move |_| editing.set(false)>{app.t(Key::Cancel)}</button>
                    </div>
                </form>
            </Show>
            <ul class="areas">
                {areas
                    .into_iter()
                    .map(|a| view! { <AreaRow site_id=site.id.clone() area=a can_manage on_change app /> })
                    .collect_view()}
            </ul>
            <Show when=move || can_manage.get()>
                <AreaForm site_id=site_id2.clone() area=None on_change app />
            </Show>
        </details>
    }
}

#[component]
fn AreaRow(
    site_id: String,
    area: Area,
    can_manage: Signal<bool>,
    on_change: Callback<()>,
    app: AppState,
) -> impl IntoView {
    let editing = RwSignal::new(false);
    let name = area_name(app.locale, &area);
    let kind = app.t(area.kind.key());
    let class = if area.active { "area" } else { "area retired" };
    let area2 = area.clone();
    view! {
        <li class=class>
            <span>{name}</span>
            <small class="muted">{kind}</small>
            <Show when=move || can_manage.get() && !editing.get()>
                <button class="small" on:click=move |_| editing.set(true)>{app.t(Key::Edit)}</button>
            </Show>
            <Show when=move || editing.get()>
                <AreaForm site_id=site_id.clone() area=Some(area2.clone()) on_change app />
            </Show>
        </li>
    }
}

/// Adds an area (`area` is `None`) or edits one.
#[component]
fn AreaForm(
    site_id: String,
    area: Option<Area>,
    on_change: Callback<()>,
    app: AppState,
) -> impl IntoView {
    let code = RwSignal::new(area.as_ref().map(|a| a.code.clone()).unwrap_or_default());
    let name_zh = RwSignal::new(area.as_ref().map(|a| a.name_zh.clone()).unwrap_or_default());
    let name_en = RwSignal::new(area.as_ref().map(|a| a.name_en.clone()).unwrap_or_default());
    let kind = RwSignal::new(area.as_ref().map(|a| a.kind).unwrap_or(AreaKind::Room));
    let active = RwSignal::new(area.as_ref().map(|a| a.active).unwrap_or(true));
    let message = RwSignal::new(String::new());
    let is_new = area.is_none();
    let area_id = area.map(|a| a.id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = AreaInput {
            code: code.get_untracked().trim().to_string(),
            kind: kind.get_untracked(),
            name_zh: name_zh.get_untracked(),
            name_en: name_en.get_untracked(),
            active: active.get_untracked(),
        };
        let site_id = site_id.clone();
        let area_id = area_id.clone();
        leptos::task::spawn_local(async move {
            let res = match area_id {
                None => {
                    client::post::<_, Area>(&format!("/api/v1/sites/{site_id}/areas"), &body).await
                }
                Some(id) => {
                    client::put::<_, Area>(&format!("/api/v1/sites/{site_id}/areas/{id}"), &body)
                        .await
                }
            };
            match res {
                Ok(_) => {
                    message.set(String::new());
                    on_change.run(());
                }
                Err(err) => message.set(handle_error(app, &err)),
            }
        });
    };
    view! {
        <form class="form area-form" on:submit=submit>
            <Show when=move || is_new>
                <h3>{app.t(Key::Add)}</h3>
            </Show>
            <label><span>{app.t(Key::AreaCode)}</span>
                <input name="code" autocapitalize="none" prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) /></label>
            <label><span>{app.t(Key::AreaName)} " (中文)"</span>
                <input name="name_zh" prop:value=move || name_zh.get() on:input=move |ev| name_zh.set(event_target_value(&ev)) /></label>
            <label><span>{app.t(Key::AreaName)} " (English)"</span>
                <input name="name_en" prop:value=move || name_en.get() on:input=move |ev| name_en.set(event_target_value(&ev)) /></label>
            <label><span>{app.t(Key::AreaKindLabel)}</span>
                <select name="kind" on:change=move |ev| {
                    if let Some(k) = AreaKind::parse(&event_target_value(&ev)) { kind.set(k) }
                }>
                    {AreaKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=move || kind.get() == k>{app.t(k.key())}</option>
                    }).collect_view()}
                </select></label>
            <label class="check"><input type="checkbox" prop:checked=move || active.get()
                on:change=move |ev| active.set(event_target_checked(&ev)) /><span>{app.t(Key::Active)}</span></label>
            <Message text=message />
            <button class="primary" type="submit">{app.t(Key::Save)}</button>
        </form>
    }
}
