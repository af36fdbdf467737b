//! Hazards and the rectification ledger on the phone: the report form (from anywhere, or from a
//! patrol finding in one tap), and the ledger with the supervisor's queue: issue with the plan,
//! record the work, approve or return in two taps, comment. Every change is saved on the phone
//! first with the revision it was read at; the server refuses one made on a stale revision.

use crate::components::{field, SignedIn};
use crate::components::{use_my_sites, SitePicker};
use crate::core::new_uuid;
use crate::hazard::{self, Category, Grade, Report};
use crate::i18n::hazard::Text;
use crate::i18n::{Key, Locale};
use crate::phone::outbox;
use crate::phone::queue;
use crate::phone::state::use_app;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

type Say = RwSignal<(String, bool)>;

pub(super) fn message_line(message: Say) -> impl IntoView {
    move || {
        let (text, ok) = message.get();
        (!text.is_empty()).then(|| {
            view! { <p class=if ok { "ok" } else { "error" } role="status" data-testid="message">{text}</p> }
        })
    }
}

pub(super) fn area(label: &'static str, name: &'static str, value: RwSignal<String>) -> AnyView {
    view! {
        <label><span>{label}</span>
            <textarea name=name rows="3" prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))></textarea></label>
    }
    .into_any()
}

/// `/hazard`: report a hazard in under a minute. `?place=&text=&check=` come from a patrol
/// finding.
#[component]
pub fn HazardReport() -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let query = use_query_map();
    let q = move |k: &str| query.with_untracked(|m| m.get(k).unwrap_or_default());
    let site = RwSignal::new(String::new());
    let sites = use_my_sites(site);
    let place = RwSignal::new(q("place"));
    let description = RwSignal::new(q("text"));
    let from_check = q("check");
    // `?complaint=1`: the court liaison files a complaint that needs work (法院投诉转整改).
    let complaint = q("complaint") == "1";
    let category = RwSignal::new(None::<Category>);
    let grade = RwSignal::new(Some(Grade::General));
    let fixed = RwSignal::new(false);
    let fix_note = RwSignal::new(String::new());
    let message = RwSignal::new((String::new(), true));
    let areas = move || {
        let s = site.get();
        sites
            .get()
            .into_iter()
            .find(|x| x.id == s)
            .map(|x| {
                x.areas
                    .into_iter()
                    .filter(|a| a.active)
                    .map(|a| match app.locale {
                        Locale::Zh => a.name_zh,
                        Locale::En => a.name_en,
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let from_check = StoredValue::new(from_check);
    let save = move |_| {
        let r = Report {
            id: new_uuid(),
            site_id: site.get_untracked(),
            place: place.get_untracked(),
            category: category.get_untracked(),
            grade: grade.get_untracked(),
            description: description.get_untracked(),
            fixed_on_spot: fixed.get_untracked(),
            fix_note: fix_note.get_untracked(),
            from_check: Some(from_check.get_value()).filter(|c| !c.is_empty()),
        };
        let r = if complaint {
            hazard::as_complaint(r)
        } else {
            r
        };
        if let Err(e) = hazard::check_report(r.clone(), app.locale) {
            message.set((e.message, false));
            return;
        }
        let made = if complaint {
            queue::Made::of(&hazard::Complaint(r.clone()))
        } else {
            queue::Made::of(&r)
        };
        let fixed_on_spot = r.fixed_on_spot;
        outbox::send_made(app, made, None, move |saved| match saved {
            Ok(_) => {
                place.set(String::new());
                description.set(String::new());
                fix_note.set(String::new());
                fixed.set(false);
                category.set(None);
                message.set((
                    if fixed_on_spot {
                        app.saved_pending().to_string()
                    } else {
                        t(Text::SavedARectificationIsRegisteredFor).to_string()
                    },
                    true,
                ));
            }
            Err(e) => message.set((e, false)),
        })
    };
    view! {
        <SignedIn>
            <h1>{if complaint { t(Text::ACourtComplaintToRectify) } else { t(Text::ReportAHazard) }}</h1>
            <SitePicker sites=sites site=site />
            <section class="card form" data-testid="hazard-form">
                {field(t(Text::Place), "place", place, "text", None)}
                <div class="chips" data-testid="place-chips">
                    {move || areas().into_iter().map(|name| {
                        let n = name.clone();
                        view! { <button type="button" class="chip" class:on=move || place.get() == n
                            on:click=move |_| place.set(name.clone())>{name.clone()}</button> }
                    }).collect_view()}
                </div>
                <span class="label">{t(Text::Category)}</span>
                <div class="chips" data-testid="category">
                    {Category::ALL.iter().map(|c| {
                        let c = *c;
                        view! { <button type="button" class="chip" class:on=move || category.get() == Some(c)
                            data-testid=format!("category-{}", c.code())
                            on:click=move |_| category.set(Some(c))>{c.label(app.locale)}</button> }
                    }).collect_view()}
                </div>
                <Show when=move || !complaint>
                <span class="label">{t(Text::Grade)}</span>
                <div class="chips" data-testid="grade">
                    {Grade::ALL.iter().map(|g| {
                        let g = *g;
                        view! { <button type="button" class="chip" class:on=move || grade.get() == Some(g)
                            data-testid=format!("grade-{}", g.code())
                            on:click=move |_| grade.set(Some(g))>{g.label(app.locale)}</button> }
                    }).collect_view()}
                </div>
                </Show>
                {area(if complaint { t(Text::TheComplaintAndWhatNeedsWork) } else { t(Text::WhatIsWrong) }, "description", description)}
                <Show when=move || !complaint>
                <label class="check"><input type="checkbox" name="fixed_on_spot" prop:checked=move || fixed.get()
                    on:change=move |ev| fixed.set(event_target_checked(&ev)) />
                    <span>{t(Text::FixedOnTheSpot)}</span></label>
                <Show when=move || fixed.get()>
                    {field(t(Text::HowItWasFixed), "fix_note", fix_note, "text", None)}
                </Show>
                </Show>
                {message_line(message)}
                <button class="primary big" data-testid="save" on:click=save disabled=move || !app.hydrated.get()>{app.t(Key::Save)}</button>
            </section>
            <p><a href="/rectify">{t(Text::RectificationLedger)}</a></p>
        </SignedIn>
    }
}
