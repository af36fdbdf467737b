//! The gate (门卫): a short form per kind (vehicle, parcel, item held in custody) and, below
//! it, what is on site now for that kind, closed with one tap (a parcel or a held item names
//! who took it). Saved on the phone first.

use crate::components::{field, SignedIn};
use crate::components::{use_my_sites, SitePicker};
use crate::core::new_uuid;
use crate::gate::GATE;
use crate::gate::{self, Arrive, GateKind, GateRow, Leave};
use crate::i18n::gate::Text;
use crate::i18n::Key;
use crate::model::Action;
use crate::phone::outbox;
use crate::phone::state::use_app;
use leptos::prelude::*;

const CARRIERS: [&str; 8] = [
    "顺丰", "EMS", "京东", "中通", "圆通", "韵达", "申通", "极兔",
];

#[component]
pub fn Gate() -> impl IntoView {
    let app = use_app();
    let site = RwSignal::new(String::new());
    let sites = use_my_sites(site);
    let kind = RwSignal::new(GateKind::Vehicle);
    let fields: [(RwSignal<String>, &'static str); 12] = std::array::from_fn(|i| {
        let names = [
            "plate",
            "unit",
            "driver",
            "purpose",
            "parking",
            "carrier",
            "tracking",
            "recipient",
            "case_number",
            "description",
            "handed_by",
            "note",
        ];
        (RwSignal::new(String::new()), names[i])
    });
    let get = move |name: &str| {
        fields
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(s, _)| s.get_untracked())
            .unwrap_or_default()
    };
    let message = RwSignal::new((String::new(), true));
    let bad_field = RwSignal::new(String::new());
    let leaving = RwSignal::new(None::<String>);
    let to = RwSignal::new(String::new());

    let rows = crate::components::use_rows(move || vec![GATE.open(&site.get())]);
    let open = Memo::new(move |_| {
        let (s, k) = (site.get(), kind.get());
        let mut list: Vec<(String, GateRow)> = crate::gate::gate_entries(&rows.get())
            .into_iter()
            .filter(|(_, g)| g.site_id == s && g.kind == k.code() && g.left_at.is_none())
            .collect();
        list.reverse();
        list
    });
    let dirty = Memo::new(move |_| fields.iter().any(|(s, _)| !s.get().is_empty()));
    crate::components::hold_update_while(dirty);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let a = Arrive {
            id: new_uuid(),
            site_id: site.get_untracked(),
            kind: Some(kind.get_untracked()),
            plate: get("plate"),
            unit: get("unit"),
            driver: get("driver"),
            purpose: get("purpose"),
            parking: get("parking"),
            carrier: get("carrier"),
            tracking: get("tracking"),
            recipient: get("recipient"),
            case_number: get("case_number"),
            description: get("description"),
            handed_by: get("handed_by"),
            note: get("note"),
        };
        if let Err(e) = gate::check_arrive(a.clone(), app.locale) {
            bad_field.set(e.field.into());
            message.set((e.message, false));
            return;
        }
        outbox::send(app, &a, move |r| match r {
            Ok(_) => {
                for (s, _) in fields {
                    s.set(String::new());
                }
                bad_field.set(String::new());
                message.set((app.saved_pending().into(), true));
            }
            Err(e) => message.set((e, false)),
        })
    };
    let leave = move |entry_id: String| {
        let l = Leave {
            entry_id,
            to: to.get_untracked(),
        };
        if let Err(e) = gate::check_leave(kind.get_untracked(), &l, app.locale) {
            message.set((e.message, false));
            return;
        }
        outbox::send(app, &l, move |r| match r {
            Ok(_) => {
                leaving.set(None);
                to.set(String::new());
                message.set((String::new(), true));
            }
            Err(e) => message.set((e, false)),
        })
    };
    let tap_leave = move |id: String| {
        if kind.get_untracked() == GateKind::Vehicle {
            leave(id);
        } else {
            to.set(String::new());
            leaving.set(Some(id));
        }
    };

    let input = move |key: Key, name: &'static str, mode: &'static str| {
        let s = fields
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(s, _)| *s)
            .unwrap_or_else(|| RwSignal::new(String::new()));
        field(app.t(key), name, s, mode, Some(bad_field))
    };
    let form = move || match kind.get() {
        GateKind::Vehicle => view! {
            {input(Key::Plate, "plate", "text")}
            {input(Key::Driver, "driver", "text")}
            {input(Key::Unit, "unit", "text")}
            {input(Key::Purpose, "purpose", "text")}
            {input(Key::Parking, "parking", "text")}
        }
        .into_any(),
        GateKind::Parcel => {
            let carrier = fields[5].0;
            view! {
                <fieldset class="chips" aria-label=app.t(Key::Carrier)>
                    {CARRIERS.into_iter().map(|c| view! {
                        <button type="button" class="chip" class:on=move || carrier.get() == c
                            on:click=move |_| carrier.set(c.into())>{c}</button>
                    }).collect_view()}
                </fieldset>
                {input(Key::Carrier, "carrier", "text")}
                {input(Key::Tracking, "tracking", "text")}
                {input(Key::Recipient, "recipient", "text")}
            }
            .into_any()
        }
        GateKind::Custody => view! {
            {input(Key::CustodyCase, "case_number", "text")}
            {input(Key::CustodyItem, "description", "text")}
            {input(Key::CustodyPlate, "plate", "text")}
            {input(Key::HandedBy, "handed_by", "text")}
        }
        .into_any(),
    };
    let open_title = move || match kind.get() {
        GateKind::Vehicle => app.t(Key::OpenVehicle),
        GateKind::Parcel => app.t(Key::OpenParcel),
        GateKind::Custody => app.t(Key::OpenCustody),
    };
    let row = move |(id, g): (String, GateRow)| {
        let when = crate::phone::client::format_local_time(g.arrived_at as f64);
        let (id1, id2) = (id.clone(), id.clone());
        let sub = [
            g.unit.as_str(),
            g.purpose.as_str(),
            g.parking.as_str(),
            g.handed_by.as_str(),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
        view! {
            <li class="rec" data-testid="gate-row">
                <div><strong>{g.title()}</strong><br/><span class="muted">{when} " " {sub}</span></div>
                <button class="small primary" data-testid="gate-leave"
                    on:click=move |_| tap_leave(id1.clone())>{move || kind.get().leave_label(app.locale)}</button>
                <Show when=move || leaving.get().as_deref() == Some(id2.as_str())>
                    {
                        let id3 = id.clone();
                        view! {
                            <div class="form closing">
                                <label><span>{move || if kind.get() == GateKind::Parcel { app.t(Key::CollectedBy) } else { app.t(Key::ReleasedTo) }}</span>
                                    <input name="to" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev)) /></label>
                                <button class="primary" data-testid="gate-leave-confirm" on:click=move |_| leave(id3.clone())>{app.t(Key::Confirm)}</button>
                                <button on:click=move |_| leaving.set(None)>{app.t(Key::Cancel)}</button>
                            </div>
                        }
                    }
                </Show>
            </li>
        }
    };
    let allowed = move || app.me.get().is_some_and(|m| m.can(Action::GateLog));

    view! {
        <SignedIn>
            <nav class="tabs">
                {GateKind::ALL.into_iter().map(|k| view! {
                    <button type="button" class="tab" class:active=move || kind.get() == k data-testid=format!("gate-{}", k.code())
                        on:click=move |_| { kind.set(k); bad_field.set(String::new()); message.set((String::new(), true)); leaving.set(None); }>
                        {k.label(app.locale)}</button>
                }).collect_view()}
            </nav>
            <Show when=allowed fallback=move || view! { <p class="error">{app.t(Key::ErrForbidden)}</p> }>
                <SitePicker sites=sites site=site />
                <a class="task" href="/duties">{move || Text::WaterTanksDailyChecklists.text(app.locale)}</a>
                <form class="card form" on:submit=submit data-testid="gate-form" novalidate>
                    {form}
                    {input(Key::NoteLabel, "note", "text")}
                    {move || {
                        let (text, ok) = message.get();
                        (!text.is_empty()).then(|| view! {
                            <p class=if ok { "ok" } else { "error" } role="status" data-testid="message">{text}</p>
                        })
                    }}
                    <button class="primary" type="submit" data-testid="save" disabled=move || !app.hydrated.get()>{app.t(Key::Save)}</button>
                </form>
                <h2>{open_title} " " <strong data-testid="gate-open-count">{move || open.get().len()}</strong></h2>
                <ul class="records" data-testid="gate-open">
                    <For each=move || open.get() key=|(id, _)| id.clone() children=row />
                </ul>
                <Show when=move || open.get().is_empty()>
                    <p class="muted">{app.t(Key::NoneOpen)}</p>
                </Show>
            </Show>
        </SignedIn>
    }
}
