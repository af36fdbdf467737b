//! Daily checklists (日常记录): housekeeping, water tanks, the fire controller's daily check, the
//! fire patrol and the facility inspection, each item done or not with a note when not, one tap
//! per exception. Supervisors countersign the fire patrol and the inspection here. Saved on the
//! phone first.

use crate::checklist::CHECKLIST;
use crate::checklist::{self, Checklist, ChecklistKind, ChecklistRow, Countersign, ItemResult};
use crate::components::{field, SignedIn};
use crate::components::{use_my_sites, SitePicker};
use crate::core::new_uuid;
use crate::i18n::duties::Text;
use crate::i18n::Key;
use crate::model::Action;
use crate::phone::outbox;
use crate::phone::state::use_app;
use leptos::prelude::*;

#[component]
pub fn Duties() -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let site = RwSignal::new(String::new());
    let sites = use_my_sites(site);
    let mine = move || {
        let me = app.me.get();
        ChecklistKind::ALL
            .iter()
            .copied()
            .filter(|k| {
                me.as_ref()
                    .is_some_and(|m| k.kept_with().iter().any(|a| m.can(*a)))
            })
            .collect::<Vec<_>>()
    };
    let kind = RwSignal::new(None::<ChecklistKind>);
    let current = move || kind.get().or_else(|| mine().first().copied());
    // Per item: done (or in order), and the note when not.
    let answers = RwSignal::new(Vec::<(bool, RwSignal<String>)>::new());
    Effect::new(move |_| {
        let n = current().map(|k| k.items().len()).unwrap_or_default();
        answers.set(
            (0..n)
                .map(|_| (true, RwSignal::new(String::new())))
                .collect(),
        );
    });
    let note = RwSignal::new(String::new());
    let message = RwSignal::new((String::new(), true));
    let stored = crate::components::use_rows(move || vec![CHECKLIST.at(&site.get())]);
    let rows = Memo::new(move |_| {
        stored
            .get()
            .list(CHECKLIST, |c: &ChecklistRow| c.recorded_at)
    });
    let save = move |_| {
        let Some(k) = current() else { return };
        let c = Checklist {
            id: new_uuid(),
            site_id: site.get_untracked(),
            kind: k,
            items: k
                .items()
                .iter()
                .zip(answers.get_untracked())
                .map(|(d, (ok, note))| ItemResult {
                    key: d.key.into(),
                    ok,
                    note: note.get_untracked(),
                })
                .collect(),
            note: note.get_untracked(),
        };
        if let Err(e) = checklist::check(c.clone(), app.locale) {
            message.set((e.message, false));
            return;
        }
        outbox::send(app, &c, move |r| match r {
            Ok(_) => {
                answers.update(|a| {
                    for (ok, n) in a.iter_mut() {
                        *ok = true;
                        n.set(String::new());
                    }
                });
                note.set(String::new());
                message.set((app.saved_pending().into(), true));
            }
            Err(e) => message.set((e, false)),
        })
    };
    let item_rows = move || {
        let Some(k) = current() else {
            return Vec::new();
        };
        k.items()
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let ok = move || answers.with(|a| a.get(i).map(|x| x.0).unwrap_or(true));
                let set = move |v: bool| answers.update(|a| if let Some(x) = a.get_mut(i) { x.0 = v });
                let note = move || answers.with(|a| a.get(i).map(|x| x.1));
                view! {
                    <li class="rec" data-testid="checklist-item">
                        <div><strong>{d.label(app.locale)}</strong></div>
                        <div class="chips">
                            <button type="button" class="chip" class:on=ok on:click=move |_| set(true)>{t(Text::Ok)}</button>
                            <button type="button" class="chip" class:on=move || !ok() data-testid="item-not-ok"
                                on:click=move |_| set(false)>{t(Text::NotDoneWrong)}</button>
                        </div>
                        {move || (!ok()).then(|| note().map(|n| field(t(Text::WhatIsWrong), "item_note", n, "text", None)))}
                    </li>
                }
            })
            .collect::<Vec<_>>()
    };
    let today = move || {
        let s = site.get();
        let k = current().map(|k| k.code()).unwrap_or_default();
        let from = crate::core::court_day_start(crate::phone::client::now_ms() as i64);
        rows.get()
            .into_iter()
            .filter(|(_, c)| c.site_id == s && c.kind == k && c.recorded_at >= from)
            .collect::<Vec<_>>()
    };
    let me_id = move || app.me.get().map(|m| m.id).unwrap_or_default();
    let inspects = move || app.me.get().is_some_and(|m| m.can(Action::Inspect));
    let to_sign = move || {
        let s = site.get();
        let me = me_id();
        rows.get()
            .into_iter()
            .filter(|(_, c)| {
                c.site_id == s
                    && c.countersigned_at.is_none()
                    && c.author_id != me
                    && ChecklistKind::parse(&c.kind).is_some_and(|k| k.countersigned())
            })
            .collect::<Vec<_>>()
    };
    let sign = move |id: String| {
        let s = Countersign {
            checklist_id: id,
            note: String::new(),
        };
        outbox::send(app, &s, move |r| {
            if let Err(e) = r {
                message.set((e, false));
            }
        })
    };
    let summary = move |c: &ChecklistRow| {
        let k = ChecklistKind::parse(&c.kind);
        c.items()
            .into_iter()
            .filter(|i| !i.ok)
            .map(|i| {
                let label = k
                    .and_then(|k| k.items().iter().find(|d| d.key == i.key))
                    .map(|d| d.label(app.locale))
                    .unwrap_or_default();
                format!("✗ {label}：{}", i.note)
            })
            .collect::<Vec<_>>()
    };

    view! {
        <SignedIn>
            <h1>{t(Text::DailyChecklists)}</h1>
            <SitePicker sites=sites site=site />
            <Show when=move || inspects() && !to_sign().is_empty()>
                <section class="card" data-testid="to-countersign">
                    <h2>{t(Text::ToCountersign)}</h2>
                    <ul class="records">
                        {move || to_sign().into_iter().map(|(id, c)| {
                            let lines = summary(&c);
                            view! {
                                <li class="rec" data-testid="countersign-row">
                                    <div><strong>{ChecklistKind::parse(&c.kind).map(|k| k.label(app.locale))}</strong>
                                        " " <span class="muted">{crate::phone::client::format_local_time(c.recorded_at as f64)}</span>
                                        {lines.into_iter().map(|l| view! { <br/><span>{l}</span> }).collect_view()}</div>
                                    <button class="primary small" data-testid="countersign" on:click=move |_| sign(id.clone())>{t(Text::Countersign)}</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            </Show>
            <Show when=move || !mine().is_empty()>
                <nav class="tabs wrap">
                    {move || mine().into_iter().map(|k| view! {
                        <button type="button" class="tab" class:active=move || current() == Some(k) data-testid=format!("kind-{}", k.code())
                            on:click=move |_| { kind.set(Some(k)); message.set((String::new(), true)); }>{k.label(app.locale)}</button>
                    }).collect_view()}
                </nav>
                <section class="card form" data-testid="checklist">
                    <ul class="records">{item_rows}</ul>
                    {field(t(Text::Note), "checklist_note", note, "text", None)}
                    {move || {
                        let (text, ok) = message.get();
                        (!text.is_empty()).then(|| view! {
                            <p class=if ok { "ok" } else { "error" } role="status" data-testid="message">{text}</p>
                        })
                    }}
                    <button class="primary" data-testid="save" on:click=save disabled=move || !app.hydrated.get()>{app.t(Key::Save)}</button>
                </section>
                <h2>{t(Text::Today)}</h2>
                <ul class="records" data-testid="checklist-today">
                    {move || today().into_iter().map(|(_, c)| {
                        let lines = summary(&c);
                        let signed = c.countersigned_at.is_some();
                        let needs = ChecklistKind::parse(&c.kind).is_some_and(|k| k.countersigned());
                        view! {
                            <li class="rec" data-testid="checklist-row">
                                <div><strong>{crate::phone::client::format_local_time(c.recorded_at as f64)}</strong>
                                    {if lines.is_empty() { view! { " " <span>{t(Text::AllInOrder)}</span> }.into_any() }
                                     else { lines.into_iter().map(|l| view! { <br/><span>{l}</span> }).collect_view().into_any() }}
                                    {needs.then(|| view! { <br/><span class=if signed { "tag plain" } else { "tag warn" }>
                                        {if signed { t(Text::Countersigned) } else { t(Text::AwaitingCountersign) }}</span> })}
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
        </SignedIn>
    }
}
