//! One rectification's card: its ledger, the work, the review and the thread, each move saved
//! on the phone first.

use crate::components::field;
use crate::core::new_uuid;
use crate::hazard::{
    self, Category, Comment, Grade, Ledger, LedgerChange, Plan, Progress, RectRow, RectState,
    Review, ThreadRow,
};
use crate::i18n::rectify::Text;
use crate::model::{Action, PersonView};
use crate::phone::outbox;
use crate::phone::queue;
use crate::phone::state::use_app;
use leptos::prelude::*;

use super::hazard::{area, message_line};

/// Whether the card left open is `key`.
fn o_is(opened: RwSignal<Option<(String, (String, bool))>>, key: String) -> bool {
    opened.with_untracked(|o| o.as_ref().is_some_and(|(k, _)| *k == key))
}

fn person_name(people: &[PersonView], id: &str, fallback: &str) -> String {
    if !fallback.is_empty() {
        return fallback.into();
    }
    people
        .iter()
        .find(|p| p.id == id)
        .map(|p| p.display_name.clone())
        .unwrap_or_default()
}

/// What is typed on a card: kept while the card is closed and opened again.
#[derive(Clone, Copy)]
struct Drafts {
    department: RwSignal<String>,
    responsible_id: RwSignal<String>,
    measures: RwSignal<String>,
    deadline: RwSignal<String>,
    funding: RwSignal<String>,
    safeguards: RwSignal<String>,
    plan: [RwSignal<String>; 6],
    note: RwSignal<String>,
    comment: RwSignal<String>,
    say: RwSignal<String>,
}

impl Drafts {
    fn of(row: &RectRow, locale: crate::i18n::Locale) -> Drafts {
        let l = row.ledger();
        let p = l.plan;
        Drafts {
            department: RwSignal::new(if l.department.is_empty() {
                Text::Facilities.text(locale).to_string()
            } else {
                l.department
            }),
            responsible_id: RwSignal::new(l.responsible_id),
            measures: RwSignal::new(l.measures),
            deadline: RwSignal::new(l.deadline),
            funding: RwSignal::new(l.funding),
            safeguards: RwSignal::new(l.safeguards),
            plan: [
                RwSignal::new(p.goal),
                RwSignal::new(p.method),
                RwSignal::new(p.materials),
                RwSignal::new(p.people),
                RwSignal::new(p.safety),
                RwSignal::new(p.contingency),
            ],
            note: RwSignal::new(String::new()),
            comment: RwSignal::new(String::new()),
            say: RwSignal::new(String::new()),
        }
    }
}

/// One rectification: its ledger fields, its thread, and what the signed-in person may do.
#[component]
pub(super) fn RectCard(
    id: String,
    row: RectRow,
    rows: Memo<crate::sync::Rows>,
    people: RwSignal<Vec<PersonView>>,
    /// Where the card is (a queue or the ledger).
    section: &'static str,
    /// The card left open, and what its last action said: a save changes the row, which
    /// renders the card anew, and it must stay open with its message.
    opened: RwSignal<Option<(String, (String, bool))>>,
) -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let state = row.state();
    let late = hazard::overdue(
        state,
        &row.deadline,
        &crate::phone::client::court_today_text(),
    );
    let key = format!("{section}/{id}");
    let kept = opened
        .get_untracked()
        .filter(|(k, _)| *k == key)
        .map(|(_, m)| m);
    let was_open = kept.is_some();
    let open = RwSignal::new(was_open);
    let message = RwSignal::new(kept.unwrap_or_default());
    let key = StoredValue::new(key);
    let id = StoredValue::new(id);
    let drafts = Drafts::of(&row, app.locale);
    let notice = if row.notice_no.is_empty() {
        t(Text::NoNumberYet).to_string()
    } else {
        row.notice_no.clone()
    };
    let summary = format!(
        "{} · {} · {}",
        notice,
        Category::parse(&row.category)
            .map(|c| c.label(app.locale))
            .unwrap_or_default(),
        row.place
    );

    let state_class = match state {
        RectState::Closed => "tag plain",
        _ if late => "tag",
        RectState::AwaitingReview => "tag warn",
        _ => "tag plain",
    };
    view! {
        <li class="rec rect" class:late=late data-testid="rect">
            <details open=was_open on:toggle=move |ev| {
                let is_open = event_target::<leptos::web_sys::Element>(&ev).has_attribute("open");
                open.set(is_open);
                let open = is_open;
                let mine = o_is(opened, key.get_value());
                opened.update_untracked(|o| match (open, mine) {
                    (true, false) => *o = Some((key.get_value(), Default::default())),
                    (false, true) => *o = None,
                    _ => {}
                });
            }>
                <summary>
                    <span class=state_class data-testid="rect-state">{state.label(app.locale)}</span>
                    " " <strong>{summary}</strong>
                    {(!row.deadline.is_empty()).then(|| view! { <br/><span class:error=late class="muted">{t(Text::Due)}{row.deadline.clone()}{late.then(|| t(Text::Overdue))}</span> })}
                </summary>
                // The body only while the card is open: a queue of many cards costs what is read.
                {move || open.get().then(|| {
                    // Its code comes with the first card opened (a chunk of its own).
                    let body = rect_body(id.get_value(), row.clone(), rows, people, drafts, opened, key.get_value(), message);
                    crate::components::lazy_part(body)
                })}
                {message_line(message)}
            </details>
        </li>
    }
}

/// An open card's body: the ledger, the thread, the work, the review and the ledger form.
#[leptos::lazy]
#[allow(clippy::too_many_arguments)]
fn rect_body(
    id: String,
    row: RectRow,
    rows: Memo<crate::sync::Rows>,
    people: RwSignal<Vec<PersonView>>,
    drafts: Drafts,
    opened: RwSignal<Option<(String, (String, bool))>>,
    key: String,
    message: RwSignal<(String, bool)>,
) -> AnyView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let me = app.me.get_untracked().map(|m| m.id).unwrap_or_default();
    let reviewer = app
        .me
        .get_untracked()
        .is_some_and(|m| m.can(Action::ReviewRectification));
    let state = row.state();
    let key = StoredValue::new(key);
    // Said on the card and kept for it: a save renders the card anew at once.
    let tell = move |m: (String, bool)| {
        opened.update_untracked(|o| {
            if let Some((k, said)) = o {
                if *k == key.get_value() {
                    *said = m.clone();
                }
            }
        });
        message.set(m);
    };
    let base = Some(row.rev);
    let id = StoredValue::new(id);
    // `then` runs once the phone's store has the record.
    let send_then = move |made: queue::Made, then: Box<dyn FnOnce()>| {
        outbox::send_made(app, made, base, move |r| match r {
            Ok(_) => {
                tell((app.saved_pending().into(), true));
                then();
            }
            Err(e) => tell((e, false)),
        })
    };
    let send = move |made: queue::Made| send_then(made, Box::new(|| {}));
    let thread = move || {
        let rid = id.get_value();
        let mut list = rows
            .get()
            .list(crate::hazard::RECT_COMMENT, |c: &ThreadRow| c.at)
            .into_iter()
            .filter(|(_, c)| c.rect_id == rid)
            .collect::<Vec<_>>();
        list.reverse();
        list
    };
    let kind_label = move |k: &str| match k {
        "issue" => t(Text::Issued),
        "edit" => t(Text::Edited),
        "start" => t(Text::Started),
        "note" => t(Text::Progress),
        "complete" => t(Text::DoneToReview),
        "approve" => t(Text::Approved),
        "return" => t(Text::Returned),
        "escalate" => t(Text::EscalatedOverdue),
        _ => t(Text::Comment),
    };
    let responsible = person_name(
        &people.get_untracked(),
        &row.responsible_id,
        &row.responsible_name,
    );
    let _is_responsible = !row.responsible_id.is_empty() && row.responsible_id == me;
    let plan = row.plan();
    let major = row.grade() == Grade::Major;
    // Issue, or correct the ledger fields.
    let Drafts {
        department,
        responsible_id,
        measures,
        deadline,
        funding,
        safeguards,
        plan: plan_fields,
        note,
        comment,
        say,
    } = drafts;
    let issue = state == RectState::Registered;
    let grade = row.grade();
    let site = StoredValue::new(row.site_id.clone());
    let save_ledger = move |_| {
        let ledger = Ledger {
            department: department.get_untracked(),
            responsible_id: responsible_id.get_untracked(),
            measures: measures.get_untracked(),
            deadline: deadline.get_untracked(),
            funding: funding.get_untracked(),
            safeguards: safeguards.get_untracked(),
            plan: Plan {
                goal: plan_fields[0].get_untracked(),
                method: plan_fields[1].get_untracked(),
                materials: plan_fields[2].get_untracked(),
                people: plan_fields[3].get_untracked(),
                safety: plan_fields[4].get_untracked(),
                contingency: plan_fields[5].get_untracked(),
            },
        };
        if let Err(e) = hazard::check_ledger(
            ledger.clone(),
            grade,
            &crate::phone::client::court_today_text(),
            app.locale,
        ) {
            tell((e.message, false));
            return;
        }
        let c = LedgerChange {
            rect_id: id.get_value(),
            ledger,
        };
        send(if issue {
            queue::Made::of(&hazard::Issue(c))
        } else {
            queue::Made::of(&hazard::Edit(c))
        });
    };
    let candidates = move || {
        let s = site.get_value();
        people
            .get()
            .into_iter()
            .filter(|p| !p.disabled && p.site_ids.contains(&s))
            .collect::<Vec<_>>()
    };

    // The work, by the person responsible (or a supervisor on their behalf).
    let progress = move |done: bool| {
        let p = Progress {
            rect_id: id.get_value(),
            note: note.get_untracked(),
            done,
        };
        if let Err(e) = hazard::check_progress(p.clone(), app.locale) {
            tell((e.message, false));
            return;
        }
        send_then(
            queue::Made::of(&p),
            Box::new(move || note.set(String::new())),
        );
    };
    // Review: approve in one tap, or return with a comment.
    let review = move |approve: bool| {
        let r = Review {
            rect_id: id.get_value(),
            approve,
            comment: comment.get_untracked(),
        };
        if let Err(e) = hazard::check_review(r.clone(), app.locale) {
            tell((e.message, false));
            return;
        }
        send(queue::Made::of(&r));
    };
    let add_comment = move |_| {
        let c = Comment {
            id: new_uuid(),
            rect_id: id.get_value(),
            text: say.get_untracked(),
        };
        if let Err(e) = hazard::check_comment(c.clone(), app.locale) {
            tell((e.message, false));
            return;
        }
        outbox::send(app, &c, move |r| {
            if r.is_ok() {
                say.set(String::new());
            }
        })
    };
    let may_edit = reviewer && state != RectState::Closed;
    // Who may make which move is the ledger's rule (`hazard::allowed`), the server's too.
    let may = |mv: hazard::Move| hazard::allowed(state, mv, &me, &row.responsible_id, reviewer);
    let may_work = may(hazard::Move::Complete).is_ok();
    let may_review = reviewer && may(hazard::Move::Approve).is_ok();
    let own_review = reviewer && may(hazard::Move::Approve) == Err(hazard::Refused::OwnWork);
    view! {
                <dl class="facts">
                    <dt>{t(Text::Grade)}</dt><dd>{row.grade().label(app.locale)}</dd>
                    <dt>{t(Text::Description)}</dt><dd>{row.description.clone()}</dd>
                    <dt>{t(Text::Found)}</dt><dd>{crate::phone::client::format_local_time(row.found_at as f64)} " " {row.finder_name.clone()}</dd>
                    {(!row.responsible_id.is_empty()).then(|| view! {
                        <dt>{t(Text::Responsible)}</dt><dd data-testid="responsible">{row.department.clone()} " · " {responsible.clone()}</dd>
                        <dt>{t(Text::Measures)}</dt><dd>{row.measures.clone()}</dd>
                        <dt>{t(Text::Funding)}</dt><dd>{row.funding.clone()}</dd>
                        <dt>{t(Text::Safeguards)}</dt><dd>{row.safeguards.clone()}</dd>
                    })}
                    {(major && !plan.goal.is_empty()).then(|| plan.parts().into_iter().map(|(_, v, part)| {
                        let v = v.to_string();
                        view! { <dt>{app.t(part)}</dt><dd>{v}</dd> }
                    }).collect_view())}
                    {(!row.completion.is_empty()).then(|| view! { <dt>{t(Text::WorkDone)}</dt><dd>{row.completion.clone()}</dd> })}
                </dl>
                <ol class="thread" data-testid="thread">
                    {move || thread().into_iter().map(|(_, c)| view! {
                        <li><span class="muted">{crate::phone::client::format_local_time(c.at as f64)}</span> " "
                            <strong>{kind_label(&c.kind)}</strong> " " {c.text}</li>
                    }).collect_view()}
                </ol>
                {may_review.then(|| view! {
                    <div class="form" data-testid="review">
                        {field(t(Text::CommentNeededToReturn), "review_comment", comment, "text", None)}
                        <div class="chips">
                            <button class="primary big" data-testid="approve" on:click=move |_| review(true)>{t(Text::Approve)}</button>
                            <button class="big" data-testid="return" on:click=move |_| review(false)>{t(Text::Return)}</button>
                        </div>
                    </div>
                })}
                {own_review.then(|| view! { <p class="muted">{t(Text::YouAreResponsibleAnotherSupervisorReviews)}</p> })}
                {may_work.then(|| view! {
                    <div class="form" data-testid="work">
                        {area(t(Text::WhatWasDone), "work_note", note)}
                        <div class="chips">
                            {(state == RectState::Issued).then(|| view! {
                                <button data-testid="start" on:click=move |_| progress(false)>{t(Text::Start)}</button>
                            })}
                            {(state == RectState::InProgress).then(|| view! {
                                <button data-testid="note" on:click=move |_| progress(false)>{t(Text::AddProgress)}</button>
                            })}
                            <button class="primary" data-testid="complete" on:click=move |_| progress(true)>{t(Text::DoneAskForReview)}</button>
                        </div>
                    </div>
                })}
                {may_edit.then(|| view! {
                    <details class="form" data-testid="ledger-form" open=issue>
                        <summary>{if issue { t(Text::IssueTheNotice) } else { t(Text::CorrectTheLedger) }}</summary>
                        {field(t(Text::Department), "department", department, "text", None)}
                        <label><span>{t(Text::PersonResponsible)}</span>
                            <select name="responsible_id" on:change=move |ev| responsible_id.set(event_target_value(&ev))>
                                <option value="" selected=move || responsible_id.get().is_empty()>{t(Text::Choose)}</option>
                                {move || candidates().into_iter().map(|p| {
                                    let pid = p.id.clone();
                                    let sel = responsible_id.get() == pid;
                                    view! { <option value=pid selected=sel>{p.display_name}</option> }
                                }).collect_view()}
                            </select></label>
                        {area(t(Text::Measures2), "measures", measures)}
                        <label><span>{t(Text::Deadline)}</span>
                            <input type="date" name="deadline" prop:value=move || deadline.get() on:input=move |ev| deadline.set(event_target_value(&ev)) /></label>
                        {field(t(Text::Funding2), "funding", funding, "text", None)}
                        {field(t(Text::InterimSafeguards), "safeguards", safeguards, "text", None)}
                        {major.then(|| {
                            let empty = Plan::default();
                            empty.parts().into_iter().zip(plan_fields).map(|((name, _, part), sig)| {
                                view! { <label><span>{app.t(part)}</span>
                                    <input type="text" name=name prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) /></label> }
                            }).collect_view()
                        })}
                        <button class="primary" data-testid="save-ledger" on:click=save_ledger>{if issue { t(Text::Issue) } else { t(Text::SaveChanges) }}</button>
                    </details>
                })}
                <div class="form comment">
                    {field(t(Text::Comment), "comment", say, "text", None)}
                    <button class="small" data-testid="add-comment" on:click=add_comment>{t(Text::Post)}</button>
                </div>
    }
    .into_any()
}
