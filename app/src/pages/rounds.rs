//! Patrol rounds (巡查): the site's routes with today's state (due, done, late, missed); a round
//! walked checkpoint by checkpoint, each scanned from its QR tag where the phone can, otherwise
//! chosen from the list with a reason; anything found noted on the spot. Saved on the phone
//! first. Supervisors see the same, edit the routes and print the tag sheet.

use crate::components::{field, SignedIn};
use crate::components::{use_my_sites, SitePicker};
use crate::core::court_day_start;
use crate::core::new_uuid;
use crate::i18n::rounds::Text;
use crate::i18n::{Key, Locale};
use crate::model::{Action, Site};
use crate::phone::outbox;
use crate::phone::state::use_app;
use crate::rounds::{
    self, Check, CheckRow, Days, Finish, How, ListReason, RoundRow, RoundStatus, RouteKind,
    RouteRow, Start,
};
use crate::rounds::{COURT_DUTY, ROUND, ROUND_CHECK, ROUTE};
use leptos::prelude::*;
use std::collections::HashMap;

fn area_names(sites: &[Site], site: &str, locale: Locale) -> HashMap<String, String> {
    sites
        .iter()
        .filter(|s| s.id == site)
        .flat_map(|s| s.areas.iter())
        .map(|a| {
            let name = if locale == Locale::En && !a.name_en.is_empty() {
                a.name_en.clone()
            } else {
                a.name_zh.clone()
            };
            (a.id.clone(), name)
        })
        .collect()
}

fn status_text(s: RoundStatus, locale: Locale) -> (String, &'static str) {
    match s {
        RoundStatus::NotDue => (Text::NotDueToday.text(locale).into(), "plain"),
        RoundStatus::Due { window_end } => (
            format!(
                "{} {}",
                Text::DueBy.text(locale),
                crate::phone::client::format_local_time(window_end as f64)
            ),
            "warn",
        ),
        RoundStatus::Done { late: false } => (Text::Done.text(locale).into(), "ok"),
        RoundStatus::Done { late: true } => (Text::DoneLate.text(locale).into(), "warn"),
        RoundStatus::Missed => (Text::Missed.text(locale).into(), "alarm"),
    }
}

#[component]
pub fn Rounds() -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let site = RwSignal::new(String::new());
    let sites = use_my_sites(site);
    let message = RwSignal::new((String::new(), true));
    let rows = crate::components::use_rows(move || {
        let s = site.get();
        vec![
            ROUTE.all(),
            ROUND.at(&s),
            ROUND_CHECK.at(&s),
            COURT_DUTY.at(&s),
        ]
    });
    let routes = Memo::new(move |_| {
        let s = site.get();
        let mut list: Vec<(String, RouteRow)> = rows
            .get()
            .list(crate::rounds::ROUTE, |_: &RouteRow| 0)
            .into_iter()
            .filter(|(_, r)| r.site_id == s)
            .collect();
        list.sort_by_key(|(_, r)| {
            (
                RouteKind::ALL.iter().position(|k| k.code() == r.kind),
                r.window_start,
            )
        });
        list
    });
    let rounds_here = Memo::new(move |_| {
        let s = site.get();
        rows.get()
            .list(crate::rounds::ROUND, |r: &RoundRow| r.started_at)
            .into_iter()
            .filter(|(_, r)| r.site_id == s)
            .collect::<Vec<_>>()
    });
    let open_round = Memo::new(move |_| {
        rounds_here
            .get()
            .into_iter()
            .find(|(_, r)| r.finished_at.is_none())
    });
    let checks_of = move |round: &str| -> Vec<CheckRow> {
        rows.get()
            .list(crate::rounds::ROUND_CHECK, |c: &CheckRow| -c.checked_at)
            .into_iter()
            .map(|(_, c)| c)
            .filter(|c| c.round_id == round)
            .collect()
    };
    let names = move || area_names(&sites.get(), &site.get(), app.locale);
    let walks = move || app.me.get().is_some_and(|m| m.can(Action::PatrolRound));
    let inspects = move || app.me.get().is_some_and(|m| m.can(Action::Inspect));

    let editing = RwSignal::new(None::<(String, RouteRow)>);
    let start = move |route_id: String| {
        let s = Start {
            id: new_uuid(),
            route_id,
        };
        outbox::send(app, &s, move |r| match r {
            Ok(_) => message.set((String::new(), true)),
            Err(e) => message.set((e, false)),
        })
    };

    let route_card = move |(id, r): (String, RouteRow)| {
        let now = crate::phone::client::now_ms() as i64;
        let starts: Vec<i64> = rounds_here
            .get()
            .iter()
            .filter(|(_, x)| x.route_id == id)
            .map(|(_, x)| x.started_at)
            .collect();
        let status = rounds::round_status(r.schedule(), now, &starts, now);
        let today = starts
            .iter()
            .filter(|s| **s >= court_day_start(now))
            .count();
        let (text, class) = if r.schedule().days == Days::Unscheduled {
            (format!("{} {today}", t(Text::RoundsToday)), "plain")
        } else {
            status_text(status, app.locale)
        };
        let window = if r.schedule().days == Days::Unscheduled {
            Days::Unscheduled.label(app.locale).to_string()
        } else {
            format!(
                "{} {}–{}",
                Days::parse(&r.days)
                    .map(|d| d.label(app.locale))
                    .unwrap_or_default(),
                rounds::hhmm(r.window_start),
                rounds::hhmm(r.window_end)
            )
        };
        let count = r.areas().len();
        let id2 = id.clone();
        let kind = r.kind.clone();
        let editing_route = (id.clone(), r.clone());
        view! {
            <li class="rec" data-testid=format!("route-{kind}")>
                <div>
                    <strong>{r.name(app.locale).to_string()}</strong>
                    " " <span class=format!("tag {class}") data-testid="route-status">{text}</span><br/>
                    <span class="muted">{window} " · " {count} {t(Text::Checkpoints)}</span>
                </div>
                <Show when=move || walks() && open_round.get().is_none()>
                    {
                        let id3 = id2.clone();
                        view! { <button class="primary" data-testid="round-start" on:click=move |_| start(id3.clone())>{t(Text::Start)}</button> }
                    }
                </Show>
                <Show when=inspects>
                    {
                        let e = editing_route.clone();
                        view! { <button class="small" data-testid="route-edit" on:click=move |_| editing.set(Some(e.clone()))>{t(Text::Edit)}</button> }
                    }
                </Show>
            </li>
        }
    };
    let history = move || {
        let names = names();
        let all_routes = routes.get();
        rounds_here
            .get()
            .into_iter()
            .filter(|(_, r)| r.finished_at.is_some())
            .take(10)
            .map(|(id, r)| {
                let route = all_routes.iter().find(|(rid, _)| *rid == r.route_id).map(|(_, x)| x.clone());
                let checks = checks_of(&id);
                let confirmed: Vec<String> = checks.iter().map(|c| c.area_id.clone()).collect();
                let skipped = route
                    .as_ref()
                    .map(|x| rounds::skipped(&x.areas(), &confirmed))
                    .unwrap_or_default();
                let findings: Vec<String> = checks
                    .into_iter()
                    .filter(|c| !c.finding.is_empty())
                    .map(|c| format!("{}：{}", names.get(&c.area_id).cloned().unwrap_or_default(), c.finding))
                    .collect();
                let skipped_names: Vec<String> = skipped.iter().filter_map(|a| names.get(a).cloned()).collect();
                view! {
                    <li class="rec" data-testid="round-row">
                        <div>
                            <strong>{route.map(|x| x.name(app.locale).to_string()).unwrap_or_default()}</strong>
                            " " <span class="muted">{crate::phone::client::format_local_time(r.started_at as f64)} "–"
                                {r.finished_at.map(|f| crate::phone::client::format_local_time(f as f64))}</span>
                            {(!skipped_names.is_empty()).then(|| view! {
                                <br/><span class="tag warn" data-testid="round-skipped">{t(Text::Skipped)}{skipped_names.join("、")}</span>
                            })}
                            {findings.into_iter().map(|f| view! { <br/><span data-testid="round-finding">{f}</span> }).collect_view()}
                        </div>
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <SignedIn>
            <Show when=move || walks() || inspects() fallback=move || view! { <p class="error">{app.t(Key::ErrForbidden)}</p> }>
                <h1>{t(Text::PatrolRounds)}</h1>
                <SitePicker sites=sites site=site />
                {move || open_round.get().map(|(id, r)| view! {
                    // The walking code comes with the first round under way (a chunk of its own).
                    {crate::components::lazy_part(round_card(id, r, rows, routes, Signal::derive(names), message))}
                })}
                {move || {
                    let (text, ok) = message.get();
                    (!text.is_empty()).then(|| view! {
                        <p class=if ok { "ok" } else { "error" } role="status" data-testid="message">{text}</p>
                    })
                }}
                <Show when=walks>
                    <super::court_duty::CourtDuty site=site sites=sites rows=rows message=message />
                </Show>
                <h2>{t(Text::Routes)}</h2>
                <ul class="records" data-testid="routes">
                    <For each=move || routes.get() key=|(id, r)| format!("{id}{}{}", r.area_ids, r.window_end) children=route_card />
                </ul>
                {move || editing.get().map(|(id, r)| view! {
                    // The editor's code comes with the first edit (supervisors only).
                    {crate::components::lazy_part(super::route_editor::editor(id, r, sites, editing))}
                })}
                <Show when=inspects>
                    <p><a class="task" target="_blank" data-testid="tag-sheet"
                        href=move || format!("/api/v1/sites/{}/tags.svg", site.get())>{t(Text::PrintCheckpointQrTags)}</a></p>
                </Show>
                <h2>{t(Text::RecentRounds)}</h2>
                <ul class="records" data-testid="round-history">{history}</ul>
            </Show>
        </SignedIn>
    }
}

/// [`RoundCard`], its code loaded when a round is first under way.
#[leptos::lazy]
fn round_card(
    id: String,
    round: RoundRow,
    rows: Memo<crate::sync::Rows>,
    routes: Memo<Vec<(String, RouteRow)>>,
    names: Signal<HashMap<String, String>>,
    message: RwSignal<(String, bool)>,
) -> AnyView {
    view! { <RoundCard id=id round=round rows=rows routes=routes names=names message=message /> }
        .into_any()
}

/// The round under way: its checkpoints in order, each confirmed by a scan or from the list.
#[component]
fn RoundCard(
    id: String,
    round: RoundRow,
    rows: Memo<crate::sync::Rows>,
    routes: Memo<Vec<(String, RouteRow)>>,
    names: Signal<HashMap<String, String>>,
    message: RwSignal<(String, bool)>,
) -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let round_id = StoredValue::new(id);
    let route_id = StoredValue::new(round.route_id.clone());
    let started_at = round.started_at;
    let route = move || {
        routes
            .get()
            .into_iter()
            .find(|(rid, _)| *rid == route_id.get_value())
            .map(|(_, r)| r)
    };
    let checks = Memo::new(move |_| {
        let id = round_id.get_value();
        rows.get()
            .list(crate::rounds::ROUND_CHECK, |c: &CheckRow| -c.checked_at)
            .into_iter()
            .map(|(_, c)| c)
            .filter(|c| c.round_id == id)
            .collect::<Vec<_>>()
    });
    let can_scan = crate::phone::scan::available();
    let picking = RwSignal::new(None::<String>);
    let reason = RwSignal::new((!can_scan).then_some(ListReason::NoScanner));
    let reason_note = RwSignal::new(String::new());
    let finding = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let scanning = RwSignal::new(false);
    let video = NodeRef::<leptos::html::Video>::new();

    let confirm = move |area_id: String, how: How| {
        let c = Check {
            round_id: round_id.get_value(),
            area_id,
            how,
            reason: if how == How::List {
                reason.get_untracked()
            } else {
                None
            },
            reason_note: reason_note.get_untracked(),
            finding: finding.get_untracked(),
        };
        let areas = route().map(|r| r.areas()).unwrap_or_default();
        if let Err(e) = rounds::check_check(&c, &areas, app.locale) {
            message.set((e.message, false));
            return;
        }
        outbox::send(app, &c, move |r| match r {
            Ok(_) => {
                picking.set(None);
                finding.set(String::new());
                reason_note.set(String::new());
                message.set((String::new(), true));
            }
            Err(e) => message.set((e, false)),
        })
    };
    let scan = move |_| {
        scanning.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            // Let the video element render first.
            leptos::task::tick().await;
            let Some(v) = video.get_untracked() else {
                return;
            };
            let found = crate::phone::scan::scan(v, move || !scanning.get_untracked()).await;
            scanning.set(false);
            match found {
                Ok(Some(text)) => {
                    let areas = route().map(|r| r.areas()).unwrap_or_default();
                    match rounds::area_from_tag(&text).filter(|a| areas.iter().any(|x| x == a)) {
                        Some(a) => confirm(a.to_string(), How::Scan),
                        None => {
                            message.set((Text::NotATagOfThisRoute.text(app.locale).into(), false))
                        }
                    }
                }
                Ok(None) => {}
                Err(_) => message.set((
                    Text::TheCameraCannotBeOpenedChoose.text(app.locale).into(),
                    false,
                )),
            }
        });
    };
    let finish = move |_| {
        let f = Finish {
            round_id: round_id.get_value(),
            note: note.get_untracked(),
        };
        outbox::send(app, &f, move |r| match r {
            Ok(_) => message.set((app.saved_pending().into(), true)),
            Err(e) => message.set((e, false)),
        })
    };
    let left = move || {
        let confirmed: Vec<String> = checks.get().into_iter().map(|c| c.area_id).collect();
        route()
            .map(|r| rounds::skipped(&r.areas(), &confirmed).len())
            .unwrap_or_default()
    };
    let checkpoint = move |area: String| {
        let name = names.get().get(&area).cloned().unwrap_or_default();
        let done = checks.get().into_iter().find(|c| c.area_id == area);
        let (a1, a2, a3) = (area.clone(), area.clone(), area.clone());
        match done {
            Some(c) => view! {
                <li class="rec acked" data-testid="checkpoint-done">
                    <div><strong>"✓ " {name.clone()}</strong><br/>
                    <span class="muted">{crate::phone::client::format_local_time(c.checked_at as f64)} " · "
                        {How::parse(&c.how).map(|h| h.label(app.locale))} " " {c.finding.clone()}</span>
                    {(!c.finding.is_empty() && app.me.get_untracked().is_some_and(|m| m.can(crate::model::Action::ReportHazard))).then(|| {
                        let href = crate::hazard::from_finding_href(&rounds::check_id(&c.round_id, &c.area_id), &name, &c.finding);
                        view! { <br/><a class="button small" data-testid="finding-hazard" href=href>{t(Text::ReportAsAHazard)}</a> }
                    })}</div>
                </li>
            }
            .into_any(),
            None => view! {
                <li class="rec" data-testid="checkpoint">
                    <div><strong>{name}</strong></div>
                    <button class="small" data-testid="checkpoint-pick" on:click=move |_| picking.set(Some(a1.clone()))>{t(Text::ConfirmWithoutScan)}</button>
                    <Show when=move || picking.get().as_deref() == Some(a2.as_str())>
                        {
                            let a = a3.clone();
                            view! {
                                <div class="form closing">
                                    <fieldset class="chips"><legend>{t(Text::WhyNotScanned)}</legend>
                                        {ListReason::ALL.iter().copied().map(|r| view! {
                                            <button type="button" class="chip" class:on=move || reason.get() == Some(r)
                                                on:click=move |_| reason.set(Some(r))>{r.label(app.locale)}</button>
                                        }).collect_view()}
                                    </fieldset>
                                    <Show when=move || reason.get() == Some(ListReason::Other)>
                                        {field(t(Text::Reason), "reason_note", reason_note, "text", None)}
                                    </Show>
                                    {field(t(Text::AnythingFoundLeaveEmptyIfNone), "finding", finding, "text", None)}
                                    {
                                        let a = a.clone();
                                        view! { <button class="primary" data-testid="checkpoint-save" on:click=move |_| confirm(a.clone(), How::List)>{app.t(Key::Confirm)}</button> }
                                    }
                                    <button on:click=move |_| picking.set(None)>{app.t(Key::Cancel)}</button>
                                </div>
                            }
                        }
                    </Show>
                </li>
            }
            .into_any(),
        }
    };
    view! {
        <section class="card" data-testid="round">
            <h2>{move || route().map(|r| r.name(app.locale).to_string())} " "
                <span class="muted small">{t(Text::Started)} " " {crate::phone::client::format_local_time(started_at as f64)}</span></h2>
            {can_scan.then(|| view! {
                <button class="primary big" data-testid="scan" on:click=scan>{t(Text::ScanCheckpointTag)}</button>
                <Show when=move || scanning.get()>
                    <video node_ref=video class="scanner" autoplay=true muted=true playsinline=true></video>
                    <button on:click=move |_| scanning.set(false)>{app.t(Key::Cancel)}</button>
                </Show>
            })}
            <ul class="records">
                {move || route().map(|r| r.areas().into_iter().map(checkpoint).collect_view())}
            </ul>
            {field(t(Text::Summary), "round_note", note, "text", None)}
            <Show when=move || { left() > 0 }>
                <p class="tag warn" data-testid="round-left">{move || t(Text::CheckpointsLeft).replace("{}", &left().to_string())}</p>
            </Show>
            <button class="primary" data-testid="round-finish" on:click=finish>{t(Text::FinishRound)}</button>
        </section>
    }
}
