//! `/inspect`: the supervisor's inspections (weekly, monthly, spot) from editable checklists, a
//! failed item turned into a rectification in the same tap; and the day's screening sample.
//! Saved on the phone first.

use crate::components::{field, SignedIn};
use crate::components::{use_my_sites, SitePicker};
use crate::core::new_uuid;
use crate::i18n::inspect::Text;
use crate::i18n::{Key, Locale};
use crate::inspect::{
    self, ChecklistRow, Inspection, InspectionKind, InspectionRow, ItemResult, Sample,
};
use crate::inspect::{INSPECTION, INSPECTION_CHECKLIST, SCREENING_SAMPLE};
use crate::phone::outbox;
use crate::phone::state::use_app;
use crate::screening::ScreeningRow;
use crate::screening::SCREENING;
use leptos::prelude::*;

/// One item being answered: passed, the note, turn a failure into a rectification.
#[derive(Clone, Copy)]
struct Answer {
    ok: RwSignal<bool>,
    note: RwSignal<String>,
    rectify: RwSignal<bool>,
}

#[component]
pub fn Inspect() -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let site = RwSignal::new(String::new());
    let sites = use_my_sites(site);
    let rows = crate::components::use_rows(move || {
        let s = site.get();
        vec![
            INSPECTION_CHECKLIST.all(),
            INSPECTION.at(&s),
            SCREENING_SAMPLE.at(&s),
            SCREENING.at(&s),
        ]
    });
    let lists = move || {
        let mut l = rows
            .get()
            .list(crate::inspect::INSPECTION_CHECKLIST, |c: &ChecklistRow| {
                -c.sort
            });
        l.sort_by_key(|(_, c)| c.sort);
        l
    };
    let kind = RwSignal::new(InspectionKind::Weekly);
    let chosen = RwSignal::new(String::new());
    let current = move || {
        let id = chosen.get();
        let all = lists();
        all.iter().find(|(i, _)| *i == id).or(all.first()).cloned()
    };
    // The chosen checklist's items: a memo, so a sync that changes other rows does not start
    // the answers over under the person's thumb.
    let items = Memo::new(move |_| current().map(|(id, c)| (id, c.items())));
    let answers = RwSignal::new(Vec::<(String, Answer)>::new());
    Effect::new(move |_| {
        let items = items.get().map(|(_, i)| i).unwrap_or_default();
        answers.set(
            items
                .into_iter()
                .map(|text| {
                    (
                        text,
                        Answer {
                            ok: RwSignal::new(true),
                            note: RwSignal::new(String::new()),
                            rectify: RwSignal::new(true),
                        },
                    )
                })
                .collect(),
        );
    });
    let message = RwSignal::new((String::new(), true));
    let inspections = move || {
        let s = site.get();
        rows.get()
            .list(crate::inspect::INSPECTION, |r: &InspectionRow| {
                r.recorded_at
            })
            .into_iter()
            .filter(|(_, r)| r.site_id == s)
            .collect::<Vec<_>>()
    };
    let due = move || {
        let now = crate::phone::client::now_ms() as i64;
        let list = inspections();
        [InspectionKind::Weekly, InspectionKind::Monthly]
            .into_iter()
            .filter(|k| {
                let last = list
                    .iter()
                    .filter(|(_, r)| r.kind == k.code())
                    .map(|(_, r)| r.recorded_at)
                    .max();
                k.due(last, now)
            })
            .collect::<Vec<_>>()
    };
    let save = move |_| {
        let Some((id, list)) = current() else { return };
        let i = Inspection {
            id: new_uuid(),
            site_id: site.get_untracked(),
            kind: kind.get_untracked(),
            checklist_id: id,
            items: answers
                .get_untracked()
                .into_iter()
                .map(|(text, a)| ItemResult {
                    text,
                    ok: a.ok.get_untracked(),
                    note: a.note.get_untracked(),
                    rectify: a.rectify.get_untracked(),
                })
                .collect(),
            note: String::new(),
        };
        let i = match inspect::check(i, &list.items(), app.locale) {
            Ok(i) => i,
            Err(e) => {
                message.set((e.message, false));
                return;
            }
        };
        let opened = i.items.iter().filter(|x| x.rectify).count();
        outbox::send(app, &i, move |r| match r {
            Ok(_) => {
                for (_, a) in answers.get_untracked() {
                    a.ok.set(true);
                    a.note.set(String::new());
                    a.rectify.set(true);
                }
                let text = match app.locale {
                    Locale::Zh => format!("已保存，转整改 {opened} 项"),
                    Locale::En => format!("Saved; {opened} rectification(s) opened"),
                };
                message.set((text, true));
            }
            Err(e) => message.set((e, false)),
        })
    };
    let item_rows = move || {
        answers
            .get()
            .into_iter()
            .map(|(text, a)| {
                view! {
                    <li class="rec" data-testid="inspect-item">
                        <div><strong>{text}</strong></div>
                        <div class="chips">
                            <button type="button" class="chip" class:on=move || a.ok.get() on:click=move |_| a.ok.set(true)>{t(Text::Pass)}</button>
                            <button type="button" class="chip" class:on=move || !a.ok.get() data-testid="item-fail"
                                on:click=move |_| a.ok.set(false)>{t(Text::Fail)}</button>
                        </div>
                        <Show when=move || !a.ok.get()>
                            {field(t(Text::WhatIsWrong), "item_note", a.note, "text", None)}
                            <label class="check"><input type="checkbox" data-testid="item-rectify" prop:checked=move || a.rectify.get()
                                on:change=move |ev| a.rectify.set(event_target_checked(&ev)) />
                                <span>{t(Text::OpenARectification)}</span></label>
                        </Show>
                    </li>
                }
            })
            .collect_view()
    };

    // Editing the chosen checklist (online: it is the court's, not this phone's).
    let edit_text = RwSignal::new(String::new());
    let edit_name = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some((_, c)) = current() {
            edit_name.set(c.name_zh.clone());
            edit_text.set(c.items().join("\n"));
        }
    });
    let edit_message = RwSignal::new((String::new(), true));
    let save_list = move |_| {
        let Some((id, _)) = current() else { return };
        if let Err(e) = inspect::parse_items(&edit_text.get_untracked(), app.locale) {
            edit_message.set((e.message, false));
            return;
        }
        let body = serde_json::json!({"name_zh": edit_name.get_untracked(), "items": edit_text.get_untracked()});
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/inspection-checklists/{id}");
            match crate::phone::client::put::<_, serde_json::Value>(&path, &body).await {
                Ok(_) => {
                    edit_message.set((t(Text::SavedInUseAfterTheNext).into(), true));
                    outbox::sync(app).await;
                }
                Err(e) => edit_message.set((crate::components::handle_error(app, &e), false)),
            }
        });
    };

    // The day's screenings to re-check.
    let screenings = move || {
        let s = site.get();
        let from = crate::core::court_day_start(crate::phone::client::now_ms() as i64);
        let r = rows.get();
        r.list(crate::screening::SCREENING, |x: &ScreeningRow| {
            x.screened_at
        })
        .into_iter()
        .filter(|(_, x)| x.site_id == s && x.screened_at >= from)
        .map(|(id, x)| {
            let done = r
                .row(inspect::SCREENING_SAMPLE, &inspect::sample_id(&id))
                .map(|v| v["correct"].as_bool().unwrap_or(false));
            (id, x, done)
        })
        .collect::<Vec<_>>()
    };
    let sample_note = RwSignal::new(String::new());
    let sample = move |screening_id: String, correct: bool| {
        let x = Sample {
            screening_id,
            correct,
            note: sample_note.get_untracked(),
        };
        if let Err(e) = inspect::check_sample(x.clone(), app.locale) {
            message.set((e.message, false));
            return;
        }
        outbox::send(app, &x, move |r| {
            if r.is_ok() {
                sample_note.set(String::new());
            }
        })
    };

    view! {
        <SignedIn>
            <h1>{t(Text::Inspections)}</h1>
            <SitePicker sites=sites site=site />
            <Show when=move || !due().is_empty()>
                <p class="tag warn" data-testid="inspection-due">{t(Text::Due)}
                    {move || due().into_iter().map(|k| k.label(app.locale)).collect::<Vec<_>>().join("、")}</p>
            </Show>
            <nav class="tabs wrap">
                {InspectionKind::ALL.iter().map(|k| {
                    let k = *k;
                    view! { <button type="button" class="tab" class:active=move || kind.get() == k
                        data-testid=format!("kind-{}", k.code()) on:click=move |_| kind.set(k)>{k.label(app.locale)}</button> }
                }).collect_view()}
            </nav>
            <section class="card form" data-testid="inspection">
                <label><span>{t(Text::Checklist)}</span>
                    <select name="checklist" on:change=move |ev| chosen.set(event_target_value(&ev))>
                        {move || lists().into_iter().map(|(id, c)| {
                            let sel = current().is_some_and(|(cur, _)| cur == id);
                            view! { <option value=id selected=sel>{c.name_zh}</option> }
                        }).collect_view()}
                    </select></label>
                <ul class="records">{item_rows}</ul>
                {move || {
                    let (text, ok) = message.get();
                    (!text.is_empty()).then(|| view! { <p class=if ok { "ok" } else { "error" } role="status" data-testid="message">{text}</p> })
                }}
                <button class="primary big" data-testid="save" on:click=save disabled=move || !app.hydrated.get()>{app.t(Key::Save)}</button>
                <details data-testid="checklist-edit">
                    <summary>{t(Text::EditThisChecklist)}</summary>
                    {field(t(Text::Name), "checklist_name", edit_name, "text", None)}
                    <label><span>{t(Text::ItemsOneALine)}</span>
                        <textarea name="checklist_items" rows="8" prop:value=move || edit_text.get()
                            on:input=move |ev| edit_text.set(event_target_value(&ev))></textarea></label>
                    {move || {
                        let (text, ok) = edit_message.get();
                        (!text.is_empty()).then(|| view! { <p class=if ok { "ok" } else { "error" } role="status">{text}</p> })
                    }}
                    <button data-testid="save-checklist" on:click=save_list>{t(Text::SaveTheChecklist)}</button>
                </details>
            </section>
            <section class="card" data-testid="sampling">
                <h2>{t(Text::ScreeningReChecks)}</h2>
                <p class="muted">{t(Text::ReCheckTodaySScreeningsThe)}</p>
                {field(t(Text::IfWrongWhatWasWrong), "sample_note", sample_note, "text", None)}
                <ul class="records">
                    {move || screenings().into_iter().map(|(id, x, done)| {
                        let (a, b) = (id.clone(), id.clone());
                        view! {
                            <li class="rec" data-testid="sample-row">
                                <div><strong>{x.name}</strong> " " <span class="muted">{crate::phone::client::format_local_time(x.screened_at as f64)}</span></div>
                                {match done {
                                    Some(true) => view! { <span class="tag plain">{t(Text::Correct)}</span> }.into_any(),
                                    Some(false) => view! { <span class="tag">{t(Text::Wrong)}</span> }.into_any(),
                                    None => view! {
                                        <div class="chips">
                                            <button class="chip" data-testid="sample-correct" on:click=move |_| sample(a.clone(), true)>{t(Text::Correct)}</button>
                                            <button class="chip" data-testid="sample-wrong" on:click=move |_| sample(b.clone(), false)>{t(Text::Wrong)}</button>
                                        </div>
                                    }.into_any(),
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <Show when=move || screenings().is_empty()>
                    <p class="muted" data-testid="sampling-empty">{t(Text::NoScreeningsAtThisSiteToday)}</p>
                </Show>
            </section>
            <section class="card">
                <h2>{t(Text::RecentInspections)}</h2>
                <ul class="records">
                    {move || inspections().into_iter().take(10).map(|(_, r)| view! {
                        <li class="rec" data-testid="inspection-row"><div>
                            <strong>{InspectionKind::parse(&r.kind).map(|k| k.label(app.locale))}</strong> " " {r.name_zh}
                            " " <span class="muted">{crate::phone::client::format_local_time(r.recorded_at as f64)}</span>
                            {(r.failed > 0).then(|| view! { <span class="tag">{format!("{} {}", t(Text::Failed), r.failed)}</span> })}
                        </div></li>
                    }).collect_view()}
                </ul>
            </section>
            <p><a href="/rectify">{t(Text::RectificationLedger)}</a></p>
        </SignedIn>
    }
}
