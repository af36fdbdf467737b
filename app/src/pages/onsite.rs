//! Who is on site now (registered, not checked out), with counts per destination, one-tap
//! check-out, those left over from earlier days to resolve, and a printable evacuation list.
//! Built from the phone's copy, so it works offline.

use crate::components::{destinations, site_name, use_my_sites, SitePicker};
use crate::components::{FrontTabs, SignedIn};
use crate::front::VISIT;
use crate::front::{CheckOut, VisitRow};
use crate::i18n::{Key, Locale};
use crate::model::Action;
use crate::phone::outbox;
use crate::phone::state::use_app;
use crate::watch::WATCH_ALERT;
use leptos::prelude::*;

#[component]
pub fn OnSite() -> impl IntoView {
    let app = use_app();
    let site = RwSignal::new(String::new());
    let sites = use_my_sites(site);
    let message = RwSignal::new(String::new());
    let revealed = RwSignal::new(std::collections::HashMap::<String, String>::new());
    // (today's, earlier days') visitors still on site, oldest first.
    // Who is on site (however long ago they came), and today's watchlist alerts.
    let rows = crate::components::use_rows(move || {
        let s = site.get();
        let start = crate::core::court_day_start(crate::phone::client::now_ms() as i64);
        vec![VISIT.open(&s), WATCH_ALERT.since(&s, start)]
    });
    let present = Memo::new(move |_| {
        let s = site.get();
        let start = crate::core::court_day_start(crate::phone::client::now_ms() as i64);
        let mut list: Vec<(String, VisitRow)> = crate::front::visits(&rows.get())
            .into_iter()
            .filter(|(_, v)| v.site_id == s && v.checked_out_at.is_none())
            .collect();
        list.reverse();
        let (today, earlier): (Vec<_>, Vec<_>) = list
            .into_iter()
            .partition(|(_, v)| v.checked_in_at >= start);
        (today, earlier)
    });
    let alerted = Memo::new(move |_| crate::watch::alerted_visits(&rows.get()));
    let area_name = move |id: &str| {
        let s = site.get_untracked();
        destinations(sites.get_untracked().iter().find(|x| x.id == s))
            .into_iter()
            .find(|a| a.0 == id)
            .map(|(_, zh, en)| if app.locale == Locale::Zh { zh } else { en })
            .unwrap_or_else(|| "—".into())
    };
    let counts = move || {
        let (today, earlier) = present.get();
        let mut by_area = std::collections::BTreeMap::<String, usize>::new();
        for (_, v) in today.iter().chain(earlier.iter()) {
            *by_area.entry(area_name(&v.area_id)).or_default() += 1 + v.companions as usize;
        }
        by_area.into_iter().collect::<Vec<_>>()
    };
    let total = move || {
        let (today, earlier) = present.get();
        today
            .iter()
            .chain(earlier.iter())
            .map(|(_, v)| 1 + v.companions as usize)
            .sum::<usize>()
    };
    let check_out = move |visit_id: String| {
        outbox::send(app, &CheckOut { visit_id }, move |r| match r {
            Ok(_) => message.set(String::new()),
            Err(e) => message.set(e),
        })
    };
    let can_reveal = move || app.me.get().is_some_and(|m| m.can(Action::RevealIdNumber));
    let reveal = move |id: String, minor: bool| {
        // A minor's number is shown only with a reason, kept in the audit log.
        let reason = if minor {
            match crate::phone::client::prompt(app.t(Key::RevealReasonPrompt)) {
                Some(r) => r,
                None => return,
            }
        } else {
            String::new()
        };
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/visits/{id}/reveal");
            let body = serde_json::json!({"reason": reason});
            match crate::phone::client::post::<_, serde_json::Value>(&path, &body).await {
                Ok(v) => {
                    let n = v["id_number"].as_str().unwrap_or_default().to_string();
                    revealed.update(|m| {
                        m.insert(id, n);
                    });
                }
                Err(e) => message.set(crate::components::handle_error(app, &e)),
            }
        });
    };
    let row = move |(id, v): (String, VisitRow)| {
        let when = crate::phone::client::format_local_time(v.checked_in_at as f64);
        let area = area_name(&v.area_id);
        let id_out = id.clone();
        let id_rev = id.clone();
        let id_show = id.clone();
        let extra = if v.companions > 0 {
            format!(" +{}", v.companions)
        } else {
            String::new()
        };
        let masked = v.id_masked.clone();
        let minor = v.minor;
        view! {
            <li class="rec" data-testid="onsite-row">
                <div>
                    <strong>{v.name.clone()}{extra}</strong>
                    {(!v.complete).then(|| view! { <span class="tag warn">{app.t(Key::Incomplete)}</span> })}
                    {v.minor.then(|| view! { <span class="tag" data-testid="minor-tag">{app.t(Key::MinorTag)}</span> })}
                    {v.watch_id.is_some().then(|| {
                        let handled = alerted.get_untracked().contains(&id);
                        let text = if handled { app.t(Key::WatchTag) } else { app.t(Key::WatchNotHandled) };
                        view! { <span class="tag" data-testid="watch-tag">{text}</span> }
                    })}
                    <br/>
                    <span class="muted">{when} " · " {area} " · "
                        {move || revealed.get().get(&id_show).cloned().unwrap_or_else(|| masked.clone())}</span>
                </div>
                <Show when=can_reveal>
                    {
                        let id_rev = id_rev.clone();
                        view! { <button class="small no-print" on:click=move |_| reveal(id_rev.clone(), minor)>{app.t(Key::RevealId)}</button> }
                    }
                </Show>
                <button class="small primary no-print" data-testid="check-out"
                    on:click=move |_| check_out(id_out.clone())>{app.t(Key::CheckOut)}</button>
            </li>
        }
    };
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };

    view! {
        <SignedIn>
            <FrontTabs active="/onsite" />
            <SitePicker sites=sites site=site />
            <h1>{app.t(Key::OnSiteTitle)} " "
                <span class="print-only">{move || sites.get().iter().find(|s| s.id == site.get()).map(|s| site_name(app.locale, s))}</span></h1>
            <p class="total"><span>{app.t(Key::OnSiteTotal)}</span> " "
                <strong data-testid="onsite-total">{total}</strong> " " {app.t(Key::PeopleCount)}</p>
            <ul class="counts">
                {move || counts().into_iter().map(|(a, n)| view! { <li>{a} " " <strong>{n}</strong></li> }).collect_view()}
            </ul>
            {move || (!message.get().is_empty()).then(|| view! { <p class="error" role="alert">{message.get()}</p> })}
            <ul class="records" data-testid="onsite">
                <For each=move || present.get().0 key=|(id, _)| id.clone() children=row />
            </ul>
            <Show when=move || present.get().0.is_empty() && present.get().1.is_empty()>
                <p class="muted">{app.t(Key::NobodyOnSite)}</p>
            </Show>
            <Show when=move || !present.get().1.is_empty()>
                <h2 class="warn">{app.t(Key::EarlierNotOut)}</h2>
                <ul class="records" data-testid="earlier">
                    <For each=move || present.get().1 key=|(id, _)| id.clone() children=row />
                </ul>
            </Show>
            <button class="no-print" on:click=print>{app.t(Key::PrintEvacuation)}</button>
        </SignedIn>
    }
}
