//! Visitor registration (来访登记): saved on the phone first, sent when the server can be
//! reached. A returning visitor is found on the phone by name or the last digits of the
//! document and registered again in two taps; a refused registration comes back here to be
//! corrected (`?fix=<mutation id>`).

use crate::components::{
    destinations, field, hold_update_while, my_sites, site_name, FrontTabs, SignedIn,
};
use crate::core::new_uuid;
use crate::front::VISIT;
use crate::front::{self, CheckIn, VisitCategory, VisitRow};
use crate::i18n::{Key, Locale};
use crate::idcard::IdType;
use crate::model::{Action, Site};
use crate::phone::client::store;
use crate::phone::outbox;
use crate::phone::queue;
use crate::phone::state::use_app;
use crate::watch::WATCH;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Copy)]
struct Form {
    site: RwSignal<String>,
    area: RwSignal<String>,
    name: RwSignal<String>,
    id_type: RwSignal<IdType>,
    id_number: RwSignal<String>,
    unreadable: RwSignal<bool>,
    reason: RwSignal<String>,
    phone: RwSignal<String>,
    category: RwSignal<VisitCategory>,
    purpose: RwSignal<String>,
    person: RwSignal<String>,
    case_no: RwSignal<String>,
    companions: RwSignal<String>,
    /// A returning visitor: the earlier visit and its masked document.
    repeat: RwSignal<Option<(String, String)>>,
    guardian: RwSignal<String>,
    /// The returning visitor was under 14 (the phone holds no number to tell).
    repeat_minor: RwSignal<bool>,
}

impl Form {
    fn new() -> Self {
        Form {
            site: RwSignal::new(String::new()),
            area: RwSignal::new(String::new()),
            name: RwSignal::new(String::new()),
            id_type: RwSignal::new(IdType::ResidentId),
            id_number: RwSignal::new(String::new()),
            unreadable: RwSignal::new(false),
            reason: RwSignal::new(String::new()),
            phone: RwSignal::new(String::new()),
            category: RwSignal::new(VisitCategory::Party),
            purpose: RwSignal::new(String::new()),
            person: RwSignal::new(String::new()),
            case_no: RwSignal::new(String::new()),
            companions: RwSignal::new(String::new()),
            repeat: RwSignal::new(None),
            guardian: RwSignal::new(String::new()),
            repeat_minor: RwSignal::new(false),
        }
    }

    fn dirty(&self) -> bool {
        !self.name.get().is_empty()
            || !self.id_number.get().is_empty()
            || !self.phone.get().is_empty()
            || !self.purpose.get().is_empty()
    }

    /// Empties what belongs to one visitor; the post (site, destination) stays.
    fn clear(&self) {
        for s in [
            self.name,
            self.id_number,
            self.reason,
            self.phone,
            self.purpose,
            self.person,
            self.case_no,
            self.companions,
            self.guardian,
        ] {
            s.set(String::new());
        }
        self.repeat_minor.set(false);
        self.unreadable.set(false);
        self.repeat.set(None);
    }

    fn fill(&self, c: &CheckIn) {
        self.site.set(c.site_id.clone());
        self.area.set(c.area_id.clone());
        self.name.set(c.name.clone());
        self.id_type.set(c.id_type);
        self.id_number.set(c.id_number.clone());
        self.unreadable.set(!c.id_missing_reason.is_empty());
        self.reason.set(c.id_missing_reason.clone());
        self.phone.set(c.phone.clone());
        self.category.set(c.category);
        self.purpose.set(c.purpose.clone());
        self.person.set(c.person_visited.clone());
        self.case_no.set(c.case_number.clone());
        self.companions.set(if c.companions > 0 {
            c.companions.to_string()
        } else {
            String::new()
        });
    }

    /// A returning visitor from the phone's copy: everything but the document and the phone
    /// number is filled in (the server reuses the earlier visit's, which the phone never holds).
    fn fill_repeat(&self, id: &str, v: &VisitRow) {
        self.clear();
        self.name.set(v.name.clone());
        self.id_type
            .set(IdType::parse(&v.id_type).unwrap_or(IdType::Other));
        // The phone holds only the masked number: left empty, the server takes the earlier
        // visit's (as it does the document).
        self.phone.set(String::new());
        self.category
            .set(VisitCategory::parse(&v.category).unwrap_or(VisitCategory::Other));
        self.purpose.set(v.purpose.clone());
        if !v.area_id.is_empty() {
            self.area.set(v.area_id.clone());
        }
        self.person.set(v.person_visited.clone());
        self.case_no.set(v.case_number.clone());
        self.repeat.set(Some((id.to_string(), v.id_masked.clone())));
        self.repeat_minor.set(v.minor);
    }

    fn args(&self, id: String) -> CheckIn {
        let repeat = self.repeat.get_untracked();
        CheckIn {
            id,
            site_id: self.site.get_untracked(),
            name: self.name.get_untracked(),
            id_type: self.id_type.get_untracked(),
            id_number: if repeat.is_some() {
                String::new()
            } else {
                self.id_number.get_untracked()
            },
            id_missing_reason: if self.unreadable.get_untracked() && repeat.is_none() {
                self.reason.get_untracked()
            } else {
                String::new()
            },
            phone: self.phone.get_untracked(),
            category: self.category.get_untracked(),
            purpose: self.purpose.get_untracked(),
            area_id: self.area.get_untracked(),
            person_visited: self.person.get_untracked().trim().to_string(),
            case_number: self.case_no.get_untracked().trim().to_string(),
            companions: self.companions.get_untracked().trim().parse().unwrap_or(0),
            repeat_of: repeat.map(|r| r.0),
            guardian: self.guardian.get_untracked(),
        }
    }
}

#[component]
pub fn Visit() -> impl IntoView {
    let app = use_app();
    let f = Form::new();
    let message = RwSignal::new((String::new(), true));
    let bad_field = RwSignal::new(String::new());
    let sites = RwSignal::new(Vec::<Site>::new());
    let lookup = RwSignal::new(String::new());
    // The refused entry being corrected, if any.
    let fixing = RwSignal::new(None::<u64>);
    // The registration just saved, for screening next.
    let saved = RwSignal::new(None::<String>);
    let alert = RwSignal::new(None::<super::watchlist::PendingAlert>);
    let query = use_query_map();

    Effect::new(move |_| {
        let Some(me) = app.me.get() else { return };
        app.view_rev.track();
        let mine = my_sites(&me.site_ids);
        if f.site.get_untracked().is_empty() {
            let last = crate::phone::client::store::get::<(String, String)>(store::LAST_POST);
            match last.filter(|(s, _)| mine.iter().any(|m| &m.id == s)) {
                Some((s, a)) => {
                    f.site.set(s);
                    f.area.set(a);
                }
                None => {
                    if let Some(s) = mine.first() {
                        f.site.set(s.id.clone());
                    }
                }
            }
        }
        sites.set(mine);
    });
    // `?fix=<id>`: the refused registration, back in the form with the server's reason.
    Effect::new(move |_| {
        let Some(id) = query.get().get("fix").and_then(|v| v.parse::<u64>().ok()) else {
            return;
        };
        if !app.hydrated.get() {
            return;
        }
        if let Some(e) = queue::rejected_entry(id) {
            let args = CheckIn::from_args(e.mutation.v, &e.mutation.args);
            if let Ok(c) = args {
                f.fill(&c);
                fixing.set(Some(id));
                if let crate::sync::EntryState::Rejected {
                    message: m, field, ..
                } = e.state
                {
                    message.set((m, false));
                    bad_field.set(field.unwrap_or_default());
                }
            }
        }
    });
    let dirty = Memo::new(move |_| f.dirty());
    hold_update_while(dirty);

    // Returning visitors this phone holds for the chosen site.
    // Looked up by the start of the name or the last digits of the number: an index range of
    // the phone's store, not every visit it holds.
    let looked = crate::components::use_rows(move || {
        let q = lookup.get().trim().to_uppercase();
        let site = f.site.get();
        let mut wants = Vec::new();
        if q.chars().count() >= 2 {
            wants.push(VISIT.named(&site, &q));
            if q.len() >= 3 {
                wants.push(VISIT.tail(&site, &q));
            }
        }
        wants
    });
    let matches = Memo::new(move |_| {
        let q = lookup.get().trim().to_uppercase();
        if q.chars().count() < 2 {
            return Vec::new();
        }
        let site = f.site.get();
        let mut seen = std::collections::HashSet::new();
        crate::front::visits(&looked.get())
            .into_iter()
            .filter(|(_, v)| v.site_id == site)
            .filter(|(_, v)| {
                v.name.to_uppercase().starts_with(&q) || (q.len() >= 3 && v.id_masked.ends_with(&q))
            })
            // The newest visit of each person.
            .filter(|(_, v)| seen.insert((v.name.clone(), v.id_masked.clone())))
            .take(5)
            .collect::<Vec<_>>()
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(me) = app.me.get_untracked() else {
            return;
        };
        if f.unreadable.get_untracked() && f.reason.get_untracked().trim().is_empty() {
            bad_field.set("id_missing_reason".into());
            message.set((app.t(Key::ErrReasonNeeded).into(), false));
            return;
        }
        let args = f.args(new_uuid());
        let today = crate::phone::client::court_today();
        // The phone checks what the server will check, in the same words.
        let checked = match front::check_in(args.clone(), today, true, app.locale) {
            Ok(c) => c,
            Err(e) => {
                bad_field.set(e.field.into());
                message.set((e.message, false));
                return;
            }
        };
        let replaces = fixing.get_untracked();
        leptos::task::spawn_local(async move {
            if let Err(e) = queue::save_for(app, &args, &me.id, replaces).await {
                message.set((outbox::save_error(app, e), false));
                queue::check_room(app).await;
                return;
            }
            // The watchlist, matched on the phone without any number kept on it.
            let v = &checked.visit;
            let earlier: Vec<String> = v.repeat_of.iter().cloned().collect();
            let rows = queue::read(vec![WATCH.all(), VISIT.ids(earlier)]).await;
            if let Some((watch_id, reason)) =
                crate::watch::find_hit(&rows, v.id_type, &v.id_number, v.repeat_of.as_deref())
            {
                alert.set(Some(super::watchlist::PendingAlert {
                    visit_id: v.id.clone(),
                    site_id: v.site_id.clone(),
                    watch_id,
                    visitor: v.name.clone(),
                    reason,
                }));
            }
            crate::phone::client::store::set(
                store::LAST_POST,
                &(args.site_id.clone(), args.area_id.clone()),
            );
            f.clear();
            saved.set(Some(args.id.clone()));
            lookup.set(String::new());
            fixing.set(None);
            bad_field.set(String::new());
            let text = if checked.incomplete.is_empty() {
                app.saved_pending()
            } else {
                app.t(Key::IncompleteSaved)
            };
            message.set((text.into(), true));
            leptos::task::spawn_local(outbox::sync(app));
            queue::check_room(app).await;
        });
    };
    let allowed = move || {
        app.me
            .get()
            .map(|m| m.can(Action::RegisterVisitor))
            .unwrap_or(false)
    };
    let invalid = move |field: &'static str| move || bad_field.get() == field;
    let areas = Memo::new(move |_| {
        let site = f.site.get();
        destinations(sites.get().iter().find(|s| s.id == site))
    });
    let id_type_value = move || f.id_type.get().code();

    view! {
        <SignedIn>
            <FrontTabs active="/visit" />
            <super::watchlist::WatchAlertPanel alert=alert />
            <Show when=move || allowed() && alert.get().is_none() fallback=move || (!allowed()).then(|| view! { <p class="error">{app.t(Key::ErrForbidden)}</p> })>
                <Show when=move || fixing.get().is_some()>
                    <p class="note" data-testid="fixing">{app.t(Key::FixingNote)}</p>
                </Show>
                <div class="card lookup">
                    <label><span>{app.t(Key::LookupReturning)}</span>
                        <input name="lookup" type="search" autocomplete="off" prop:value=move || lookup.get()
                            on:input=move |ev| lookup.set(event_target_value(&ev)) data-testid="lookup" /></label>
                    <ul class="matches">
                        <For each=move || matches.get() key=|(id, _)| id.clone() let:m>
                            {
                                let (id, v) = m;
                                let label = format!("{} {}", v.name, v.id_masked);
                                let when = crate::phone::client::format_local_time(v.checked_in_at as f64);
                                view! {
                                    <li><button type="button" class="match" data-testid="match"
                                        on:click=move |_| { f.fill_repeat(&id, &v); lookup.set(String::new()); }>
                                        <strong>{label}</strong> <span class="muted">{when}</span>
                                    </button></li>
                                }
                            }
                        </For>
                    </ul>
                </div>
                <form class="card form" on:submit=submit data-testid="visit-form" novalidate>
                    <Show when=move || { sites.get().len() > 1 }>
                        <label><span>{app.t(Key::Sites)}</span>
                            <select name="site" on:change=move |ev| { f.site.set(event_target_value(&ev)); f.area.set(String::new()); }>
                                <For each=move || sites.get() key=|s| s.id.clone() let:s>
                                    {
                                        let id = s.id.clone();
                                        let id2 = s.id.clone();
                                        view! { <option value=id selected=move || f.site.get() == id2>{site_name(app.locale, &s)}</option> }
                                    }
                                </For>
                            </select></label>
                    </Show>
                    <label><span>{app.t(Key::Destination)}</span>
                        <select name="area" class:invalid=invalid("area_id") on:change=move |ev| f.area.set(event_target_value(&ev))>
                            <option value="" selected=move || f.area.get().is_empty()>"—"</option>
                            <For each=move || areas.get() key=|a| a.0.clone() let:a>
                                {
                                    let (id, zh, en) = a;
                                    let id2 = id.clone();
                                    let label = if app.locale == Locale::Zh { zh } else { en };
                                    view! { <option value=id selected=move || f.area.get() == id2>{label}</option> }
                                }
                            </For>
                        </select></label>
                    {field(app.t(Key::VisitorName), "name", f.name, "text", Some(bad_field))}
                    {move || match f.repeat.get() {
                        Some((_, masked)) => view! {
                            <p class="reuse" data-testid="reuse">{app.t(Key::ReuseDocument)} " " <strong>{masked}</strong>
                                <button type="button" class="small" on:click=move |_| f.clear()>{app.t(Key::ClearLookup)}</button></p>
                        }.into_any(),
                        None => view! {
                            <div class="doc">
                                <label><span>{app.t(Key::IdTypeLabel)}</span>
                                    <select name="id_type" on:change=move |ev| {
                                        if let Some(t) = IdType::parse(&event_target_value(&ev)) { f.id_type.set(t) }
                                    }>
                                        {IdType::ALL.into_iter().map(|t| view! {
                                            <option value=t.code() selected=move || id_type_value() == t.code()>{t.label(app.locale)}</option>
                                        }).collect_view()}
                                    </select></label>
                                <label><span>{app.t(Key::IdNumber)}</span>
                                    <span class="with-key">
                                        <input name="id_number" autocomplete="off" maxlength="30" class:invalid=invalid("id_number")
                                            inputmode=move || if f.id_type.get().numeric() { "numeric" } else { "text" }
                                            prop:value=move || f.id_number.get()
                                            on:input=move |ev| f.id_number.set(event_target_value(&ev)) />
                                        <Show when=move || f.id_type.get() == IdType::ResidentId>
                                            <button type="button" class="key" data-testid="key-x"
                                                on:click=move |_| f.id_number.update(|n| n.push('X'))>"X"</button>
                                        </Show>
                                    </span></label>
                                <label class="check"><input type="checkbox" name="unreadable" prop:checked=move || f.unreadable.get()
                                    on:change=move |ev| f.unreadable.set(event_target_checked(&ev)) />
                                    <span>{app.t(Key::IdUnreadable)}</span></label>
                                <Show when=move || f.unreadable.get()>
                                    {field(app.t(Key::IdMissingReason), "id_missing_reason", f.reason, "text", Some(bad_field))}
                                </Show>
                            </div>
                        }.into_any(),
                    }}
                    {field(app.t(Key::PhoneLabel), "phone", f.phone, "tel", Some(bad_field))}
                    // Under 14 by the document (or a returning minor): their guardian.
                    <Show when=move || f.repeat_minor.get() || crate::front::is_minor(
                        f.id_type.get(), f.id_number.get().trim(), crate::phone::client::court_today())>
                        <p class="note" data-testid="minor-note">{app.t(Key::MinorNote)}</p>
                        {field(app.t(Key::GuardianLabel), "guardian", f.guardian, "text", Some(bad_field))}
                    </Show>
                    <fieldset class="chips"><legend>{app.t(Key::CategoryLabel)}</legend>
                        {VisitCategory::ALL.into_iter().map(|c| view! {
                            <button type="button" class="chip" class:on=move || f.category.get() == c
                                on:click=move |_| f.category.set(c)>{c.label(app.locale)}</button>
                        }).collect_view()}
                    </fieldset>
                    {field(app.t(Key::Purpose), "purpose", f.purpose, "text", Some(bad_field))}
                    {field(app.t(Key::PersonVisited), "person_visited", f.person, "text", None)}
                    {field(app.t(Key::CaseNumber), "case_number", f.case_no, "text", None)}
                    {field(app.t(Key::Companions), "companions", f.companions, "numeric", Some(bad_field))}
                    {move || {
                        let (text, ok) = message.get();
                        (!text.is_empty()).then(|| view! {
                            <p class=if ok { "ok" } else { "error" } role="status" data-testid="message">{text}</p>
                        })
                    }}
                    <button class="primary" type="submit" data-testid="save" disabled=move || !app.hydrated.get()>{app.t(Key::Save)}</button>
                    {move || saved.get().filter(|_| app.me.get().is_some_and(|m| m.can(Action::RecordScreening))).map(|id| view! {
                        <a class="button" data-testid="screen-this" href=format!("/screen?visit={id}")>{app.t(Key::ScreenThis)}</a>
                    })}
                </form>
            </Show>
        </SignedIn>
    }
}
