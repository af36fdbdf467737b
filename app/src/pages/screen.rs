//! Security screening (安检): one person, the equipment used, the result, the items found and
//! what became of each. Opened from a registration (`?visit=<id>`) or for a passer-by. The
//! start-of-shift equipment self-test sits on top until it is done. Saved on the phone first.

use crate::components::{field, FrontTabs, SignedIn};
use crate::components::{use_my_sites, SitePicker};
use crate::core::new_uuid;
use crate::core::FieldError;
use crate::i18n::Key;
use crate::idcard;
use crate::model::Action;
use crate::phone::outbox;
use crate::phone::state::{use_app, AppState};
use crate::screening::{
    self, controlled_knife, Disposition, Equipment, Item, ItemCategory, Outcome, Screening,
    SelfTest, Sex,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A self-test older than this is from another shift.
const SHIFT_MS: i64 = 12 * 3600 * 1000;

#[derive(Clone, Copy)]
struct ItemForm {
    key: u32,
    category: RwSignal<ItemCategory>,
    description: RwSignal<String>,
    disposition: RwSignal<Disposition>,
    locker: RwSignal<String>,
    tag: RwSignal<String>,
    blade: RwSignal<String>,
    tip: RwSignal<String>,
}

impl ItemForm {
    fn new(key: u32) -> Self {
        ItemForm {
            key,
            category: RwSignal::new(ItemCategory::Weapon),
            description: RwSignal::new(String::new()),
            disposition: RwSignal::new(Disposition::Deposit),
            locker: RwSignal::new(String::new()),
            tag: RwSignal::new(String::new()),
            blade: RwSignal::new(String::new()),
            tip: RwSignal::new(String::new()),
        }
    }

    fn item(&self) -> Item {
        let num = |s: RwSignal<String>| s.get_untracked().trim().parse().ok();
        let knife = self.category.get_untracked() == ItemCategory::Weapon;
        Item {
            category: self.category.get_untracked(),
            description: self.description.get_untracked(),
            disposition: self.disposition.get_untracked(),
            locker: self.locker.get_untracked(),
            tag: self.tag.get_untracked(),
            blade_mm: if knife { num(self.blade) } else { None },
            tip_angle: if knife { num(self.tip) } else { None },
        }
    }
}

/// Chips choosing one of `all`.
fn one_of<T: Copy + PartialEq + Send + Sync + 'static>(
    app: AppState,
    all: &'static [T],
    value: RwSignal<T>,
    label: fn(T, crate::i18n::Locale) -> &'static str,
    testid: &'static str,
) -> impl IntoView {
    all.iter()
        .map(|&c| {
            view! {
                <button type="button" class="chip" class:on=move || value.get() == c data-testid=testid
                    on:click=move |_| value.set(c)>{label(c, app.locale)}</button>
            }
        })
        .collect_view()
}

#[component]
fn SelfTestCard(site: RwSignal<String>) -> impl IntoView {
    let app = use_app();
    // Some(true) OK, Some(false) fault, None: not at this post.
    let gate = RwSignal::new(Some(true));
    let handheld = RwSignal::new(Some(true));
    let xray = RwSignal::new(None::<bool>);
    let note = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let tests = crate::components::use_rows(move || {
        let now = crate::phone::client::now_ms() as i64;
        vec![crate::screening::SELF_TEST.since(&site.get(), now - SHIFT_MS)]
    });
    let last = Memo::new(move |_| crate::screening::last_self_test(&tests.get(), &site.get()));
    let due = move || {
        last.get()
            .is_none_or(|t| t < crate::phone::client::now_ms() as i64 - SHIFT_MS)
    };
    let row = move |label: Key, value: RwSignal<Option<bool>>, name: &'static str| {
        let states = [
            (Some(true), Key::StatusOk),
            (Some(false), Key::StatusFault),
            (None, Key::StatusAbsent),
        ];
        view! {
            <fieldset class="chips"><legend>{app.t(label)}</legend>
                {states.into_iter().map(|(v, k)| view! {
                    <button type="button" class="chip" class:on=move || value.get() == v
                        data-testid=format!("{name}-{}", app.t(k))
                        on:click=move |_| value.set(v)>{app.t(k)}</button>
                }).collect_view()}
            </fieldset>
        }
    };
    let submit = move |_| {
        let t = SelfTest {
            id: new_uuid(),
            site_id: site.get_untracked(),
            gate_ok: gate.get_untracked(),
            handheld_charged: handheld.get_untracked(),
            xray_ok: xray.get_untracked(),
            note: note.get_untracked(),
        };
        if let Err(e) = screening::check_self_test(&t, app.locale) {
            message.set(e.message);
            return;
        }
        outbox::send(app, &t, move |r| match r {
            Ok(_) => message.set(String::new()),
            Err(e) => message.set(e),
        })
    };
    view! {
        <Show when=due fallback=move || view! {
            <p class="ok small" data-testid="self-test-done">{app.t(Key::SelfTestDone)} " "
                {move || last.get().map(|t| crate::phone::client::format_local_time(t as f64))}</p>
        }>
            <div class="card form" data-testid="self-test">
                <h2>{app.t(Key::SelfTestTitle)}</h2>
                {row(Key::WalkThroughGate, gate, screening::Equipment::Gate.code())}
                {row(Key::HandheldCharged, handheld, screening::Equipment::Handheld.code())}
                {row(Key::XrayMachine, xray, screening::Equipment::Xray.code())}
                {field(app.t(Key::NoteLabel), "self_test_note", note, "text", None)}
                {move || (!message.get().is_empty()).then(|| view! { <p class="error" role="alert">{message.get()}</p> })}
                <button type="button" class="primary" data-testid="self-test-save" on:click=submit>{app.t(Key::Save)}</button>
            </div>
        </Show>
    }
}

#[component]
pub fn Screen() -> impl IntoView {
    let app = use_app();
    let query = use_query_map();
    let site = RwSignal::new(String::new());
    let sites = use_my_sites(site);
    // The registration screened; empty for a passer-by.
    let visit = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let equipment = RwSignal::new(vec![Equipment::Gate]);
    let outcome = RwSignal::new(Outcome::Passed);
    let items = RwSignal::new(Vec::<ItemForm>::new());
    let next_key = StoredValue::new(0u32);
    let body_check = RwSignal::new(false);
    let visitor_sex = RwSignal::new(None::<Sex>);
    let staff_sex = RwSignal::new(None::<Sex>);
    let officer = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let message = RwSignal::new((String::new(), true));
    let bad_field = RwSignal::new(String::new());

    // Today's registrations at this site not screened yet, newest first.
    let today = crate::components::use_rows(move || {
        let s = site.get();
        let start = crate::core::court_day_start(crate::phone::client::now_ms() as i64);
        vec![
            crate::front::VISIT.since(&s, start),
            crate::screening::SCREENING.since(&s, start),
        ]
    });
    let waiting = Memo::new(move |_| {
        let rows = today.get();
        let s = site.get();
        let start = crate::core::court_day_start(crate::phone::client::now_ms() as i64);
        let screened: std::collections::HashSet<String> = crate::screening::screenings(&rows)
            .into_iter()
            .filter_map(|(_, r)| r.visit_id)
            .collect();
        crate::front::visits(&rows)
            .into_iter()
            .filter(|(id, v)| {
                v.site_id == s
                    && v.checked_in_at >= start
                    && v.checked_out_at.is_none()
                    && !screened.contains(id)
            })
            .collect::<Vec<_>>()
    });
    let choose = move |id: String| {
        let rows = today.get_untracked();
        if let Some((_, v)) = crate::front::visits(&rows)
            .into_iter()
            .find(|(i, _)| *i == id)
        {
            site.set(v.site_id.clone());
            name.set(v.name.clone());
            visitor_sex.set(idcard::male_from_masked(&v.id_masked).map(|m| {
                if m {
                    Sex::Male
                } else {
                    Sex::Female
                }
            }));
        }
        visit.set(id);
    };
    // `?visit=<id>`: straight from the registration just saved.
    Effect::new(move |_| {
        if !app.hydrated.get() {
            return;
        }
        if let Some(id) = query.get().get("visit") {
            choose(id);
        }
    });
    let clear = move || {
        visit.set(String::new());
        name.set(String::new());
        equipment.set(vec![Equipment::Gate]);
        outcome.set(Outcome::Passed);
        items.set(Vec::new());
        body_check.set(false);
        visitor_sex.set(None);
        staff_sex.set(None);
        officer.set(String::new());
        note.set(String::new());
        bad_field.set(String::new());
    };
    let dirty = Memo::new(move |_| !items.get().is_empty() || !name.get().is_empty());
    crate::components::hold_update_while(dirty);

    let add_item = move |_| {
        let k = next_key.get_value();
        next_key.set_value(k + 1);
        items.update(|v| v.push(ItemForm::new(k)));
        if outcome.get_untracked() == Outcome::Passed {
            outcome.set(Outcome::Prohibited);
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let v = visit.get_untracked();
        let s = Screening {
            id: new_uuid(),
            site_id: site.get_untracked(),
            visit_id: (!v.is_empty()).then_some(v),
            name: name.get_untracked(),
            equipment: equipment.get_untracked(),
            outcome: outcome.get_untracked(),
            items: items.get_untracked().iter().map(ItemForm::item).collect(),
            body_check: body_check.get_untracked(),
            visitor_sex: visitor_sex.get_untracked(),
            staff_sex: staff_sex.get_untracked(),
            officer: officer.get_untracked(),
            note: note.get_untracked(),
        };
        // The phone checks what the server will check, in the same words.
        if let Err(FieldError { field, message: m }) = screening::check(s.clone(), app.locale) {
            bad_field.set(field.into());
            message.set((m, false));
            return;
        }
        outbox::send(app, &s, move |r| match r {
            Ok(_) => {
                clear();
                message.set((app.saved_pending().into(), true));
            }
            Err(e) => message.set((e, false)),
        })
    };
    let invalid = move |field: &'static str| move || bad_field.get() == field;
    let allowed = move || app.me.get().is_some_and(|m| m.can(Action::RecordScreening));
    let needs_officer = move || {
        body_check.get()
            || items
                .get()
                .iter()
                .any(|i| i.disposition.get() == Disposition::Seized)
    };

    let item_view = move |it: ItemForm| {
        let hint = move || {
            let blade = it.blade.get().trim().parse::<u32>().ok()?;
            let tip = it.tip.get().trim().parse::<u32>().ok()?;
            Some(if controlled_knife(blade, tip) {
                view! { <p class="error" data-testid="knife-hint">{app.t(Key::KnifeControlled)}</p> }
            } else {
                view! { <p class="note" data-testid="knife-hint">{app.t(Key::KnifeNotControlled)}</p> }
            })
        };
        let remove = move |_| items.update(|v| v.retain(|x| x.key != it.key));
        view! {
            <div class="item card" data-testid="item">
                <label><span>{app.t(Key::ItemCategoryLabel)}</span>
                    <select name="item_category" on:change=move |ev| {
                        if let Some(c) = ItemCategory::parse(&event_target_value(&ev)) { it.category.set(c) }
                    }>
                        {ItemCategory::ALL.iter().map(|&c| view! {
                            <option value=c.code() selected=move || it.category.get() == c>{c.label(app.locale)}</option>
                        }).collect_view()}
                    </select></label>
                {field(app.t(Key::ItemDescription), "item_description", it.description, "text", Some(bad_field))}
                <Show when=move || it.category.get() == ItemCategory::Weapon>
                    <div class="pair">
                        {field(app.t(Key::BladeMm), "blade_mm", it.blade, "numeric", None)}
                        {field(app.t(Key::TipAngle), "tip_angle", it.tip, "numeric", None)}
                    </div>
                    {hint}
                </Show>
                <fieldset class="chips"><legend>{app.t(Key::DispositionLabel)}</legend>
                    {one_of(app, Disposition::ALL, it.disposition, Disposition::label, "disposition")}
                </fieldset>
                <Show when=move || it.disposition.get() == Disposition::Deposit>
                    <div class="pair">
                        {field(app.t(Key::Locker), "item_tag", it.locker, "numeric", Some(bad_field))}
                        {field(app.t(Key::TagNo), "item_tag", it.tag, "text", Some(bad_field))}
                    </div>
                </Show>
                <button type="button" class="small" on:click=remove>{app.t(Key::RemoveItem)}</button>
            </div>
        }
    };

    view! {
        <SignedIn>
            <FrontTabs active="/screen" />
            <Show when=allowed fallback=move || view! { <p class="error">{app.t(Key::ErrForbidden)}</p> }>
                <SitePicker sites=sites site=site />
                <SelfTestCard site=site />
                <form class="card form" on:submit=submit data-testid="screen-form" novalidate>
                    <label><span>{app.t(Key::ScreenWho)}</span>
                        <select name="visit" class:invalid=invalid("name") on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if v.is_empty() { visit.set(String::new()); name.set(String::new()); visitor_sex.set(None); } else { choose(v) }
                        }>
                            <option value="" selected=move || visit.get().is_empty()>{app.t(Key::PasserBy)}</option>
                            {move || {
                                let mut list = waiting.get();
                                // The chosen one stays listed after it is screened elsewhere.
                                let chosen = visit.get();
                                if !chosen.is_empty() && !list.iter().any(|(id, _)| *id == chosen) {
                                    if let Some(v) = crate::front::visits(&today.get()).into_iter().find(|(id, _)| *id == chosen) {
                                        list.insert(0, v);
                                    }
                                }
                                list.into_iter().map(|(id, v)| {
                                    let id2 = id.clone();
                                    let label = format!("{} {}", v.name, v.id_masked);
                                    view! { <option value=id selected=move || visit.get() == id2>{label}</option> }
                                }).collect_view()
                            }}
                        </select></label>
                    <Show when=move || visit.get().is_empty()>
                        {field(app.t(Key::PasserByName), "name", name, "text", Some(bad_field))}
                    </Show>
                    <fieldset class="chips" class:invalid=invalid("equipment")><legend>{app.t(Key::EquipmentLabel)}</legend>
                        {Equipment::ALL.iter().map(|&e| view! {
                            <button type="button" class="chip" class:on=move || equipment.get().contains(&e) data-testid="equipment"
                                on:click=move |_| equipment.update(|v| if let Some(p) = v.iter().position(|x| *x == e) { v.remove(p); } else { v.push(e) })>
                                {e.label(app.locale)}</button>
                        }).collect_view()}
                    </fieldset>
                    <fieldset class="chips" class:invalid=invalid("outcome")><legend>{app.t(Key::OutcomeLabel)}</legend>
                        {one_of(app, Outcome::ALL, outcome, Outcome::label, "outcome")}
                    </fieldset>
                    <fieldset class:invalid=invalid("items")><legend>{app.t(Key::ItemsLabel)}</legend>
                        <For each=move || items.get() key=|i| i.key children=item_view />
                        <button type="button" data-testid="add-item" on:click=add_item>{app.t(Key::AddItem)}</button>
                    </fieldset>
                    <label class="check"><input type="checkbox" name="body_check" prop:checked=move || body_check.get()
                        on:change=move |ev| body_check.set(event_target_checked(&ev)) />
                        <span>{app.t(Key::BodyCheck)}</span></label>
                    <Show when=move || body_check.get()>
                        <fieldset class="chips"><legend>{app.t(Key::VisitorSex)}</legend>
                            {Sex::ALL.iter().map(|&x| view! {
                                <button type="button" class="chip" class:on=move || visitor_sex.get() == Some(x)
                                    on:click=move |_| visitor_sex.set(Some(x))>{x.label(app.locale)}</button>
                            }).collect_view()}
                        </fieldset>
                        <fieldset class="chips" class:invalid=invalid("staff_sex")><legend>{app.t(Key::StaffSex)}</legend>
                            {Sex::ALL.iter().map(|&x| view! {
                                <button type="button" class="chip" class:on=move || staff_sex.get() == Some(x) data-testid="staff-sex"
                                    on:click=move |_| staff_sex.set(Some(x))>{x.label(app.locale)}</button>
                            }).collect_view()}
                        </fieldset>
                    </Show>
                    <Show when=needs_officer>
                        {field(app.t(Key::Officer), "officer", officer, "text", Some(bad_field))}
                    </Show>
                    {field(app.t(Key::NoteLabel), "note", note, "text", None)}
                    {move || {
                        let (text, ok) = message.get();
                        (!text.is_empty()).then(|| view! {
                            <p class=if ok { "ok" } else { "error" } role="status" data-testid="message">{text}</p>
                        })
                    }}
                    <button class="primary" type="submit" data-testid="save" disabled=move || !app.hydrated.get()>{app.t(Key::Save)}</button>
                </form>
            </Show>
        </SignedIn>
    }
}
