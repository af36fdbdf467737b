//! On the dashboard, for supervisors: past visits at the site by name, date range and the
//! document's last digits. Numbers come masked; a full document number is the reveal's (the
//! server records every search and every reveal).

use crate::components::{error_text, Message};
use crate::dashboard::VisitFound;
use crate::i18n::dashboard::Text;
use crate::phone::client;
use crate::phone::state::use_app;
use leptos::prelude::*;

#[derive(Clone, Debug, Default, serde::Deserialize)]
struct Found {
    visits: Vec<VisitFound>,
    more: bool,
}

#[derive(Clone, Debug, serde::Deserialize)]
struct Revealed {
    id_number: String,
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
pub fn VisitSearch(site: RwSignal<String>) -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let tail = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Found>);
    let message = RwSignal::new(String::new());
    Effect::new(move |_| {
        if app.hydrated.get() && to.get_untracked().is_empty() {
            let now = client::now_ms() as i64;
            to.set(crate::core::date_text(crate::core::court_date(now)));
            from.set(crate::core::date_text(crate::core::court_date(
                now - 30 * 86_400_000,
            )));
        }
    });
    let search = move |_| {
        let path = format!(
            "/api/v1/visits/search?site={}&from={}&to={}&name={}&id_tail={}",
            site.get_untracked(),
            from.get_untracked(),
            to.get_untracked(),
            enc(&name.get_untracked()),
            enc(&tail.get_untracked())
        );
        leptos::task::spawn_local(async move {
            match client::get::<Found>(&path).await {
                Ok(f) => {
                    message.set(String::new());
                    found.set(Some(f));
                }
                Err(e) => message.set(error_text(app, &e)),
            }
        });
    };
    let results = move || {
        found.get().map(|f| {
            let more = f.more.then(|| view! { <p class="muted">{t(Text::OnlyNewest200)}</p> });
            let none = f.visits.is_empty().then(|| view! { <p class="muted">{t(Text::NoneFound)}</p> });
            let items = f
                .visits
                .into_iter()
                .map(|v| {
                    let shown = RwSignal::new(v.id_masked.clone());
                    let id = v.id.clone();
                    let reveal = move |_| {
                        let id = id.clone();
                        leptos::task::spawn_local(async move {
                            let path = format!("/api/v1/visits/{id}/reveal");
                            match client::post::<_, Revealed>(&path, &serde_json::json!({})).await {
                                Ok(r) => shown.set(r.id_number),
                                Err(e) => message.set(error_text(app, &e)),
                            }
                        });
                    };
                    view! {
                        <li data-testid="found-visit">
                            <strong>{v.name}</strong> " "
                            <span class="muted">{crate::alert::text::court_when(v.checked_in_at)}</span>
                            <p>{v.purpose} " · " {move || shown.get()} " · " {v.phone_masked}</p>
                            <button type="button" class="small" on:click=reveal>{t(Text::Reveal)}</button>
                        </li>
                    }
                })
                .collect_view();
            view! { {none} <ul class="comments">{items}</ul> {more} }
        })
    };
    view! {
        <details class="card no-print" data-testid="visit-search">
            <summary>{t(Text::SearchVisits)}</summary>
            <div class="pair">
                <label><span>{t(Text::From)}</span>
                    <input type="date" name="from" prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev)) /></label>
                <label><span>{t(Text::To)}</span>
                    <input type="date" name="to" prop:value=move || to.get() on:change=move |ev| to.set(event_target_value(&ev)) /></label>
            </div>
            <label><span>{t(Text::VisitorName)}</span>
                <input name="name" maxlength="40" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) /></label>
            <label><span>{t(Text::IdTail)}</span>
                <input name="id_tail" maxlength="6" inputmode="numeric" prop:value=move || tail.get() on:input=move |ev| tail.set(event_target_value(&ev)) /></label>
            <button type="button" class="primary" data-testid="search-visits" on:click=search>{t(Text::Search)}</button>
            <Message text=message />
            {results}
        </details>
    }
}
