//! Fire control room duty (消防控制室值班): the two-hourly equipment status entry with its
//! reminder; alarms by kind, a fire walked through its ordered steps; the fault repairs a false
//! alarm or a fault opens, open until repaired. Saved on the phone first.

use crate::components::{field, SignedIn};
use crate::components::{use_my_sites, SitePicker};
use crate::core::new_uuid;
use crate::fire::{
    self, Alarm, AlarmClose, AlarmKind, AlarmRow, Handover, HandoverAccept, HandoverRow, Operator,
    RepairDone, RepairRow, Shift, ShiftRow, ShiftWarning, StatusEntry,
};
use crate::fire::{FIRE_ALARM, FIRE_SHIFT, FIRE_STATUS, HANDOVER, REPAIR};
use crate::i18n::fire::Text;
use crate::i18n::Key;
use crate::model::Action;
use crate::phone::outbox;
use crate::phone::state::use_app;
use crate::procedure::PROCEDURE_STEP;
use crate::procedure::{self, ProcedureKind};
use leptos::prelude::*;

#[component]
pub fn Fire() -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let site = RwSignal::new(String::new());
    let sites = use_my_sites(site);
    let rows = crate::components::use_rows(move || {
        let s = site.get();
        vec![
            FIRE_SHIFT.at(&s),
            FIRE_STATUS.at(&s),
            FIRE_ALARM.at(&s),
            REPAIR.at(&s),
            HANDOVER.at(&s),
            PROCEDURE_STEP.at(&s),
        ]
    });
    let message = RwSignal::new((String::new(), true));
    let say = move |r: Result<u64, String>, ok: &'static str| match r {
        Ok(_) => {
            message.set((ok.into(), true));
            true
        }
        Err(e) => {
            message.set((e, false));
            false
        }
    };

    // Shifts: the site's operators with their certificates, kept for offline use.
    let operators = RwSignal::new(Vec::<Operator>::new());
    Effect::new(move |_| {
        let s = site.get();
        if s.is_empty() {
            return;
        }
        let key = format!("gp.fire_operators.{s}");
        operators.set(crate::phone::client::store::get(&key).unwrap_or_default());
        leptos::task::spawn_local(async move {
            let url = format!("/api/v1/fire-operators?site={s}");
            if let Ok(list) = crate::phone::client::get::<Vec<Operator>>(&url).await {
                crate::phone::client::store::set(&key, &list);
                operators.set(list);
            }
        });
    });
    // The site's operators with these ids, in this order (unknown ids left out).
    let on_shift = move |ids: &[String]| {
        let ops = operators.get();
        ids.iter()
            .filter_map(|id| ops.iter().find(|o| &o.id == id).cloned())
            .collect::<Vec<Operator>>()
    };
    // The shift on now (or the latest not yet ended) at this site.
    let current = Memo::new(move |_| {
        let s = site.get();
        let now = crate::phone::client::now_ms() as i64;
        rows.get()
            .list(crate::fire::FIRE_SHIFT, |r: &ShiftRow| r.starts_at)
            .into_iter()
            .find(|(_, r)| r.site_id == s && r.ends_at > now && r.starts_at <= now + 3_600_000)
            .map(|(_, r)| r)
    });
    let chosen = RwSignal::new(Vec::<String>::new());
    let hours = RwSignal::new(8i64);
    // The operator starting the shift is on it, when they are one of the site's operators.
    Effect::new(move |_| {
        let me = app.me.get().map(|m| m.id).unwrap_or_default();
        if operators.get().iter().any(|o| o.id == me) {
            chosen.update(|c| {
                if c.is_empty() {
                    c.push(me)
                }
            });
        }
    });
    let planned = move || {
        let now = crate::phone::client::now_ms() as i64;
        fire::shift_warnings(&on_shift(&chosen.get()), now, now + hours.get() * 3_600_000)
    };
    let start_shift = move |_| {
        let now = crate::phone::client::now_ms() as i64;
        let warned = !planned().is_empty();
        let s = Shift {
            id: new_uuid(),
            site_id: site.get_untracked(),
            operator_ids: chosen.get_untracked(),
            starts_at: now,
            ends_at: now + hours.get_untracked() * 3_600_000,
            acknowledged: warned,
        };
        if let Err(e) = fire::check_shift(s.clone(), now, app.locale) {
            message.set((e.message, false));
            return;
        }
        outbox::send(app, &s, move |r| {
            say(r, app.saved_pending());
        });
    };
    let warning_list = move |w: Vec<ShiftWarning>| {
        (!w.is_empty()).then(|| {
            view! {
                <ul class="warnings" data-testid="shift-warnings">
                    {w.iter().map(|w| view! { <li>{w.message(app.locale)}</li> }).collect_view()}
                </ul>
            }
        })
    };
    let shift_card = move |r: ShiftRow| {
        let ids: Vec<String> = serde_json::from_str(&r.operator_ids).unwrap_or_default();
        // Named and judged by the server once synced; until then as the form did.
        let names = if r.operator_names.is_empty() {
            let on = on_shift(&ids);
            on.iter()
                .map(|o| o.name.as_str())
                .collect::<Vec<_>>()
                .join("、")
        } else {
            r.operator_names.clone()
        };
        let warnings: Vec<ShiftWarning> = match &r.warnings {
            Some(w) => serde_json::from_str(w).unwrap_or_default(),
            None => fire::shift_warnings(&on_shift(&ids), r.starts_at, r.ends_at),
        };
        view! {
            <div data-testid="shift-current">
                <p><strong>{t(Text::OnDuty)} {names}</strong><br/>
                    <span class="muted">{crate::phone::client::format_local_time(r.starts_at as f64)} " – "
                        {crate::phone::client::format_local_time(r.ends_at as f64)}</span></p>
                {warning_list(warnings)}
            </div>
        }
    };

    // Status entries.
    let last_status = move || {
        let s = site.get();
        rows.get()
            .all(crate::fire::FIRE_STATUS)
            .filter(|v| v["site_id"] == s.as_str())
            .filter_map(|v| v["recorded_at"].as_i64())
            .max()
    };
    let status_note = RwSignal::new(String::new());
    let abnormal = RwSignal::new(false);
    let record_status = move |normal: bool| {
        let s = StatusEntry {
            id: new_uuid(),
            site_id: site.get_untracked(),
            normal,
            note: status_note.get_untracked(),
        };
        if let Err(e) = fire::check_status(s.clone(), app.locale) {
            message.set((e.message, false));
            return;
        }
        outbox::send(app, &s, move |r| {
            if say(r, app.saved_pending()) {
                status_note.set(String::new());
                abnormal.set(false);
            }
        })
    };
    let status_line = move || {
        let now = crate::phone::client::now_ms() as i64;
        // On a shift, entries are due from its start.
        let since = current.get().map(|r| r.starts_at);
        let last = match since {
            Some(start) => Some(last_status().filter(|l| *l >= start).unwrap_or(start)),
            None => last_status(),
        };
        match last {
            None => (t(Text::NoStatusEntryYet).to_string(), "warn"),
            Some(last) => {
                let due = fire::status_due(Some(last), last, now);
                let when = crate::phone::client::format_local_time(due.due_at as f64);
                if due.late {
                    (format!("{} {when}", t(Text::LateDueAt)), "alarm")
                } else {
                    (format!("{} {when}", t(Text::NextEntry)), "ok")
                }
            }
        }
    };

    // Alarms.
    let alarms = Memo::new(move |_| {
        let s = site.get();
        rows.get()
            .list(crate::fire::FIRE_ALARM, |a: &AlarmRow| a.raised_at)
            .into_iter()
            .filter(|(_, a)| a.site_id == s)
            .collect::<Vec<_>>()
    });
    let kind = RwSignal::new(AlarmKind::Fire);
    let [place, cause, handling] = std::array::from_fn::<_, 3, _>(|_| RwSignal::new(String::new()));
    let bad_field = RwSignal::new(String::new());
    let raise = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let a = Alarm {
            id: new_uuid(),
            site_id: site.get_untracked(),
            kind: Some(kind.get_untracked()),
            place: place.get_untracked(),
            cause: cause.get_untracked(),
            handling: handling.get_untracked(),
        };
        if let Err(e) = fire::check_alarm(a.clone(), app.locale) {
            bad_field.set(e.field.into());
            message.set((e.message, false));
            return;
        }
        outbox::send(app, &a, move |r| {
            if say(r, "") {
                for s in [place, cause, handling, bad_field] {
                    s.set(String::new());
                }
            }
        })
    };
    let open_fire = move |(id, a): (String, AlarmRow)| {
        let close_cause = RwSignal::new(String::new());
        let close_handling = RwSignal::new(String::new());
        let of = id.clone();
        let complete = move || {
            procedure::complete(
                ProcedureKind::FireAlarm,
                &crate::procedure::steps_of(&rows.get(), &of),
            )
        };
        let id2 = id.clone();
        let close = move |_| {
            let c = AlarmClose {
                alarm_id: id2.clone(),
                cause: close_cause.get_untracked(),
                handling: close_handling.get_untracked(),
            };
            if let Err(e) = fire::check_close(c.clone(), true, app.locale) {
                message.set((e.message, false));
                return;
            }
            outbox::send(app, &c, move |r| {
                say(r, app.saved_pending());
            });
        };
        view! {
            <section class="card watch-alert" data-testid="fire-alarm">
                <h2>{t(Text::FireAlarm)} " · " {a.place.clone()}</h2>
                <p class="muted">{crate::phone::client::format_local_time(a.raised_at as f64)}</p>
                {crate::components::lazy_part(super::procedure::panel(ProcedureKind::FireAlarm, id, rows))}
                <Show when=complete.clone()>
                    <div class="form">
                        {field(t(Text::Cause), "close_cause", close_cause, "text", None)}
                        {field(t(Text::WhatWasDone), "close_handling", close_handling, "text", None)}
                        <button class="primary" data-testid="fire-close" on:click=close.clone()>{t(Text::CloseTheAlarm)}</button>
                    </div>
                </Show>
            </section>
        }
    };

    // Repairs.
    let repairs = Memo::new(move |_| {
        let s = site.get();
        rows.get()
            .list(crate::fire::REPAIR, |r: &RepairRow| r.opened_at)
            .into_iter()
            .filter(|(_, r)| r.site_id == s && r.repaired_at.is_none())
            .collect::<Vec<_>>()
    });
    let repairing = RwSignal::new(None::<String>);
    let repaired_by = RwSignal::new(String::new());
    let repair_done = move |id: String| {
        let r = RepairDone {
            repair_id: id,
            repaired_by: repaired_by.get_untracked(),
            note: String::new(),
        };
        if let Err(e) = fire::check_repair(r.clone(), app.locale) {
            message.set((e.message, false));
            return;
        }
        outbox::send(app, &r, move |r| {
            if say(r, app.saved_pending()) {
                repairing.set(None);
                repaired_by.set(String::new());
            }
        })
    };

    // Handover: the newest one at the site not yet signed by the one taking over.
    let handovers = Memo::new(move |_| {
        let s = site.get();
        rows.get()
            .list(crate::fire::HANDOVER, |h: &HandoverRow| h.handed_at)
            .into_iter()
            .filter(|(_, h)| h.site_id == s)
            .collect::<Vec<_>>()
    });
    let me_id = move || app.me.get().map(|m| m.id).unwrap_or_default();
    let to_accept = move || {
        handovers
            .get()
            .into_iter()
            .next()
            .filter(|(_, h)| h.accepted_at.is_none() && h.author_id != me_id())
    };
    let handover_notes = RwSignal::new(String::new());
    let hand_over = move |_| {
        let h = Handover {
            id: new_uuid(),
            site_id: site.get_untracked(),
            notes: handover_notes.get_untracked(),
        };
        outbox::send(app, &h, move |r| {
            if say(r, app.saved_pending()) {
                handover_notes.set(String::new());
            }
        })
    };
    let accept = move |id: String| {
        let a = HandoverAccept { handover_id: id };
        outbox::send(app, &a, move |r| {
            say(r, app.saved_pending());
        });
    };
    let open_counts = move || {
        let alarms_open = alarms
            .get()
            .iter()
            .filter(|(_, a)| a.closed_at.is_none())
            .count();
        format!(
            "{} {} · {} {}",
            t(Text::OpenAlarms),
            alarms_open,
            t(Text::OpenRepairs),
            repairs.get().len()
        )
    };

    let allowed = move || {
        app.me
            .get()
            .is_some_and(|m| m.can(Action::FireDuty) || m.can(Action::Inspect))
    };
    view! {
        <SignedIn>
            <Show when=allowed fallback=move || view! { <p class="error">{app.t(Key::ErrForbidden)}</p> }>
                <h1>{t(Text::FireRoomDuty)}</h1>
                <SitePicker sites=sites site=site />
                <a class="task" href="/duties" data-testid="to-duties">{t(Text::ControllerCheckFirePatrolFacilityInspection)}</a>
                {move || alarms.get().into_iter().filter(|(_, a)| a.closed_at.is_none()).map(open_fire).collect_view()}
                {move || {
                    let (text, ok) = message.get();
                    (!text.is_empty()).then(|| view! {
                        <p class=if ok { "ok" } else { "error" } role="status" data-testid="message">{text}</p>
                    })
                }}
                <section class="card form" data-testid="shift">
                    <h2>{t(Text::Shift)}</h2>
                    {move || current.get().map(shift_card)}
                    <details open=move || current.get().is_none()>
                        <summary>{t(Text::StartAShift)}</summary>
                        <p class="muted small">{t(Text::OperatorsOnThisShiftAtLeast)}</p>
                        <fieldset class="chips" data-testid="shift-operators">
                            {move || operators.get().into_iter().map(|o| {
                                let id = o.id.clone();
                                let id2 = o.id.clone();
                                view! {
                                    <button type="button" class="chip" class:on=move || chosen.get().contains(&id)
                                        on:click=move |_| { let id = id2.clone(); chosen.update(|c| if c.contains(&id) { c.retain(|x| *x != id) } else { c.push(id) }) }>{o.name}</button>
                                }
                            }).collect_view()}
                        </fieldset>
                        {move || operators.get().is_empty().then(|| view! { <p class="muted">{t(Text::NoFireRoomOperatorsAtThis)}</p> })}
                        <fieldset class="chips">
                            {[4i64, 6, 8, 12].into_iter().map(|h| view! {
                                <button type="button" class="chip" class:on=move || hours.get() == h data-testid=format!("shift-hours-{h}")
                                    on:click=move |_| hours.set(h)>{h} {t(Text::H)}</button>
                            }).collect_view()}
                        </fieldset>
                        {move || warning_list(planned())}
                        {move || {
                            let warned = !planned().is_empty();
                            view! {
                                <button type="button" class="primary" class:warn=warned data-testid="shift-start" on:click=start_shift>
                                    {if warned { t(Text::StartAnywayKnowingTheAbove) } else { t(Text::StartTheShiftNow) }}</button>
                            }
                        }}
                    </details>
                </section>
                <section class="card form" data-testid="fire-status">
                    <h2>{t(Text::EquipmentStatusEvery2Hours)}</h2>
                    {move || { let (text, class) = status_line(); view! { <p class=format!("tag {class}") data-testid="status-due">{text}</p> } }}
                    <Show when=move || abnormal.get()>
                        {field(t(Text::WhatIsNotNormal), "status_note", status_note, "text", None)}
                    </Show>
                    <div class="row">
                        <button type="button" class="primary" data-testid="status-ok" on:click=move |_| record_status(true)>{t(Text::AllNormal)}</button>
                        <button type="button" data-testid="status-fault" on:click=move |_| if abnormal.get_untracked() { record_status(false) } else { abnormal.set(true) }>{t(Text::NotNormal)}</button>
                    </div>
                </section>
                <form class="card form" on:submit=raise data-testid="alarm-form" novalidate>
                    <h2>{t(Text::Alarm)}</h2>
                    <fieldset class="chips">
                        {AlarmKind::ALL.iter().copied().map(|k| view! {
                            <button type="button" class="chip" class:on=move || kind.get() == k data-testid=format!("alarm-{}", k.code())
                                on:click=move |_| kind.set(k)>{k.label(app.locale)}</button>
                        }).collect_view()}
                    </fieldset>
                    {field(t(Text::Where), "place", place, "text", Some(bad_field))}
                    <Show when=move || kind.get() != AlarmKind::Fire>
                        {field(t(Text::Cause2), "cause", cause, "text", Some(bad_field))}
                        {field(t(Text::Handling), "handling", handling, "text", Some(bad_field))}
                    </Show>
                    <button class="primary" type="submit" data-testid="alarm-save" disabled=move || !app.hydrated.get()>
                        {move || if kind.get() == AlarmKind::Fire { t(Text::FireStartHandling) } else { app.t(Key::Save) }}</button>
                </form>
                <h2>{t(Text::OpenRepairs2)} " " <strong data-testid="repair-count">{move || repairs.get().len()}</strong></h2>
                <ul class="records" data-testid="repairs">
                    {move || repairs.get().into_iter().map(|(id, r)| {
                        let (id1, id2, id3) = (id.clone(), id.clone(), id);
                        view! {
                            <li class="rec" data-testid="repair-row">
                                <div><strong>{r.place}</strong><br/><span class="muted">{crate::phone::client::format_local_time(r.opened_at as f64)}</span></div>
                                <button class="small" data-testid="repair-done" on:click=move |_| repairing.set(Some(id1.clone()))>{t(Text::Repaired)}</button>
                                <Show when=move || repairing.get().as_deref() == Some(id2.as_str())>
                                    {
                                        let id = id3.clone();
                                        view! {
                                            <div class="form closing">
                                                {field(t(Text::RepairedBy), "repaired_by", repaired_by, "text", None)}
                                                <button class="primary" data-testid="repair-confirm" on:click=move |_| repair_done(id.clone())>{app.t(Key::Confirm)}</button>
                                            </div>
                                        }
                                    }
                                </Show>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <section class="card form" data-testid="handover">
                    <h2>{t(Text::Handover)}</h2>
                    {move || match to_accept() {
                        Some((id, h)) => view! {
                            <p data-testid="handover-pending">{crate::phone::client::format_local_time(h.handed_at as f64)} " "
                                {t(Text::HandedOver)} {h.notes.clone()}<br/>
                                {t(Text::OpenAlarms)} " " {h.open_alarms} " · " {t(Text::OpenRepairs)} " " {h.open_repairs}</p>
                            <button type="button" class="primary" data-testid="handover-accept" on:click=move |_| accept(id.clone())>{t(Text::TakeOverAndSign)}</button>
                        }.into_any(),
                        None => view! {
                            {handovers.get().into_iter().next().filter(|(_, h)| h.accepted_at.is_none()).map(|_| view! {
                                <p class="tag warn" data-testid="handover-waiting">{t(Text::HandedOverWaitingForTheNext)}</p>
                            })}
                            <p class="muted" data-testid="handover-open">{open_counts}</p>
                            {field(t(Text::NotesForTheNextShift), "handover_notes", handover_notes, "text", None)}
                            <button type="button" data-testid="handover-save" on:click=hand_over>{t(Text::HandOver)}</button>
                        }.into_any(),
                    }}
                    {move || handovers.get().into_iter().find(|(_, h)| h.accepted_at.is_some()).map(|(_, h)| view! {
                        <p class="muted small">{t(Text::LastHandover)} {crate::phone::client::format_local_time(h.handed_at as f64)} " " {t(Text::Signed)}</p>
                    })}
                </section>
                <h2>{t(Text::RecentAlarms)}</h2>
                <ul class="records" data-testid="alarms">
                    {move || alarms.get().into_iter().take(10).map(|(_, a)| view! {
                        <li class="rec" data-testid="alarm-row">
                            <div><strong>{AlarmKind::parse(&a.kind).map(|k| k.label(app.locale))} " · " {a.place}</strong><br/>
                                <span class="muted">{crate::phone::client::format_local_time(a.raised_at as f64)} " " {a.cause} " " {a.handling}</span></div>
                        </li>
                    }).collect_view()}
                </ul>
            </Show>
        </SignedIn>
    }
}
