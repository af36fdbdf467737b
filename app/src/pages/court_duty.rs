//! Courtroom duty (值庭) on the rounds page: a guard takes up duty in a courtroom for a hearing
//! (the case number if they have it), and when it ends says how order was kept and what
//! happened. Saved on the phone first; the supervisor sees the day's duties.

use crate::components::field;
use crate::core::new_uuid;
use crate::i18n::court_duty::Text;
use crate::i18n::Locale;
use crate::model::{AreaKind, Site};
use crate::phone::outbox;
use crate::phone::state::use_app;
use crate::rounds::{self, DutyFinish, DutyOutcome, DutyRow, DutyStart};
use crate::sync::Rows;
use leptos::prelude::*;

#[component]
pub fn CourtDuty(
    site: RwSignal<String>,
    sites: RwSignal<Vec<Site>>,
    rows: Memo<Rows>,
    message: RwSignal<(String, bool)>,
) -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let courtrooms = move || {
        let s = site.get();
        sites
            .get()
            .into_iter()
            .filter(|x| x.id == s)
            .flat_map(|x| x.areas)
            .filter(|a| a.active && a.kind == AreaKind::Courtroom)
            .map(|a| match app.locale {
                Locale::En if !a.name_en.is_empty() => a.name_en,
                _ => a.name_zh,
            })
            .collect::<Vec<_>>()
    };
    let duties = Memo::new(move |_| {
        let s = site.get();
        rows.get()
            .list(crate::rounds::COURT_DUTY, |d: &DutyRow| d.started_at)
            .into_iter()
            .filter(|(_, d)| d.site_id == s)
            .collect::<Vec<_>>()
    });
    let me = move || app.me.get().map(|m| m.id).unwrap_or_default();
    // The duty this guard is on now.
    let mine = Memo::new(move |_| {
        let me = me();
        duties
            .get()
            .into_iter()
            .find(|(_, d)| d.finished_at.is_none() && d.author_id == me)
    });
    let room = RwSignal::new(String::new());
    let case_no = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<DutyOutcome>);
    let note = RwSignal::new(String::new());
    let bad = RwSignal::new(String::new());
    let said = move |r: Result<u64, String>| match r {
        Ok(_) => {
            message.set((app.saved_pending().into(), true));
            true
        }
        Err(e) => {
            message.set((e, false));
            false
        }
    };
    let start = move |_| {
        let d = DutyStart {
            id: new_uuid(),
            site_id: site.get_untracked(),
            courtroom: room.get_untracked(),
            case_no: case_no.get_untracked(),
        };
        if let Err(e) = rounds::check_duty_start(d.clone(), app.locale) {
            bad.set(e.field.into());
            message.set((e.message, false));
            return;
        }
        outbox::send(app, &d, move |r| {
            if said(r) {
                case_no.set(String::new());
                bad.set(String::new());
            }
        })
    };
    let finish = move |duty_id: String| {
        let f = DutyFinish {
            duty_id,
            outcome: outcome.get_untracked(),
            note: note.get_untracked(),
        };
        if let Err(e) = rounds::check_duty_finish(f.clone(), app.locale) {
            bad.set(e.field.into());
            message.set((e.message, false));
            return;
        }
        outbox::send(app, &f, move |r| {
            if said(r) {
                outcome.set(None);
                note.set(String::new());
                bad.set(String::new());
            }
        })
    };
    let since = |ms: i64| crate::phone::client::format_local_time(ms as f64);

    view! {
        <Show when=move || !courtrooms().is_empty()>
            <section class="card form" data-testid="court-duty">
                <h2>{t(Text::CourtroomDuty)}</h2>
                {move || match mine.get() {
                    Some((id, d)) => view! {
                        <p data-testid="duty-on"><strong>{t(Text::OnDuty)} {d.courtroom.clone()}</strong>
                            {(!d.case_no.is_empty()).then(|| format!(" · {}", d.case_no))}<br/>
                            <span class="muted">{t(Text::Since)} {since(d.started_at)}</span></p>
                        <fieldset class="chips" class:invalid=move || bad.get() == "outcome">
                            {DutyOutcome::ALL.iter().copied().map(|o| view! {
                                <button type="button" class="chip" class:on=move || outcome.get() == Some(o)
                                    data-testid=format!("duty-{}", o.code()) on:click=move |_| outcome.set(Some(o))>{o.label(app.locale)}</button>
                            }).collect_view()}
                        </fieldset>
                        {field(t(Text::WhatHappenedAndWhatWasDone), "note", note, "text", Some(bad))}
                        <button type="button" class="primary" data-testid="duty-finish" on:click=move |_| finish(id.clone())>{t(Text::EndDuty)}</button>
                    }.into_any(),
                    None => view! {
                        <fieldset class="chips" class:invalid=move || bad.get() == "courtroom" data-testid="duty-rooms">
                            {move || courtrooms().into_iter().map(|r| {
                                let (r1, r2) = (r.clone(), r.clone());
                                view! {
                                    <button type="button" class="chip" class:on=move || room.get() == r1
                                        on:click=move |_| room.set(r2.clone())>{r}</button>
                                }
                            }).collect_view()}
                        </fieldset>
                        {field(t(Text::CaseNumberOptional), "case_no", case_no, "text", Some(bad))}
                        <button type="button" class="primary" data-testid="duty-start" on:click=start>{t(Text::StartDuty)}</button>
                    }.into_any(),
                }}
                <ul class="records" data-testid="duty-history">
                    {move || duties.get().into_iter().filter(|(_, d)| d.finished_at.is_some()).take(5).map(|(_, d)| {
                        let o = d.outcome.as_deref().and_then(DutyOutcome::parse);
                        let calm = o == Some(DutyOutcome::Orderly);
                        view! {
                            <li class="rec" data-testid="duty-row">
                                <div><strong>{d.courtroom}</strong> " " <span class="muted">{since(d.started_at)} "–" {d.finished_at.map(since)}</span><br/>
                                    <span class=if calm { "tag ok" } else { "tag warn" }>{o.map(|o| o.label(app.locale))}</span> " " {d.note}</div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}
