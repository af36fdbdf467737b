//! Deposited items (寄存) at a site: open until the owner collects them (confirming the item in
//! person) or they are transferred. Those from earlier days are listed apart, to resolve.

use crate::components::{field, FrontTabs, SignedIn};
use crate::components::{use_my_sites, SitePicker};
use crate::i18n::Key;

use crate::phone::outbox;
use crate::phone::state::use_app;
use crate::screening::DEPOSIT;
use crate::screening::{self, CloseHow, DepositClose, DepositRow, ItemCategory};
use leptos::prelude::*;

#[component]
pub fn Deposits() -> impl IntoView {
    let app = use_app();
    let site = RwSignal::new(String::new());
    let sites = use_my_sites(site);
    let message = RwSignal::new(String::new());
    // The deposit being closed, and how.
    let closing = RwSignal::new(None::<(String, CloseHow)>);
    let confirmed = RwSignal::new(false);
    let to = RwSignal::new(String::new());
    let rows = crate::components::use_rows(move || vec![DEPOSIT.open(&site.get())]);
    let open = Memo::new(move |_| {
        let s = site.get();
        let start = crate::core::court_day_start(crate::phone::client::now_ms() as i64);
        let (today, earlier): (Vec<_>, Vec<_>) = crate::screening::deposits(&rows.get())
            .into_iter()
            .filter(|(_, d)| d.site_id == s && d.closed_at.is_none())
            .partition(|(_, d)| d.deposited_at >= start);
        (today, earlier)
    });
    let close = move |_| {
        let Some((deposit_id, how)) = closing.get_untracked() else {
            return;
        };
        let c = DepositClose {
            deposit_id,
            how,
            confirmed: confirmed.get_untracked(),
            to: to.get_untracked(),
        };
        if let Err(e) = screening::check_close(&c, app.locale) {
            message.set(e.message);
            return;
        }
        outbox::send(app, &c, move |r| match r {
            Ok(_) => {
                message.set(String::new());
                closing.set(None);
            }
            Err(e) => message.set(e),
        })
    };
    let start_close = move |id: String, how: CloseHow| {
        confirmed.set(false);
        to.set(String::new());
        message.set(String::new());
        closing.set(Some((id, how)));
    };
    let row = move |(id, d): (String, DepositRow)| {
        let when = crate::phone::client::format_local_time(d.deposited_at as f64);
        let kind = ItemCategory::parse(&d.category)
            .map(|c| c.label(app.locale))
            .unwrap_or_default();
        let (id1, id2, id3) = (id.clone(), id.clone(), id.clone());
        view! {
            <li class="rec" data-testid="deposit-row">
                <div>
                    <strong>{d.locker.clone()} " / " {d.tag.clone()}</strong> " " {d.description.clone()}<br/>
                    <span class="muted">{d.name.clone()} " · " {kind} " · " {when}</span>
                </div>
                <span class="actions">
                    <button class="small primary" data-testid="collect"
                        on:click=move |_| start_close(id1.clone(), CloseHow::Collected)>{app.t(Key::Collect)}</button>
                    <button class="small" on:click=move |_| start_close(id2.clone(), CloseHow::Transferred)>{app.t(Key::Transfer)}</button>
                </span>
                <Show when=move || closing.get().is_some_and(|(c, _)| c == id3)>
                    <div class="form closing">
                        {move || match closing.get().map(|c| c.1) {
                            Some(CloseHow::Transferred) => view! {
                                {field(app.t(Key::TransferTo), "to", to, "text", None)}
                            }.into_any(),
                            _ => view! {
                                <label class="check"><input type="checkbox" name="confirmed" data-testid="confirmed"
                                    prop:checked=move || confirmed.get() on:change=move |ev| confirmed.set(event_target_checked(&ev)) />
                                    <span>{app.t(Key::VisitorConfirmed)}</span></label>
                            }.into_any(),
                        }}
                        <button class="primary" data-testid="confirm-close" on:click=close>{app.t(Key::Confirm)}</button>
                        <button on:click=move |_| closing.set(None)>{app.t(Key::Cancel)}</button>
                    </div>
                </Show>
            </li>
        }
    };
    view! {
        <SignedIn>
            <FrontTabs active="/deposits" />
            <SitePicker sites=sites site=site />
            <h1>{app.t(Key::DepositsTitle)}</h1>
            {move || (!message.get().is_empty()).then(|| view! { <p class="error" role="alert">{message.get()}</p> })}
            <ul class="records" data-testid="deposits">
                <For each=move || open.get().0 key=|(id, _)| id.clone() children=row />
            </ul>
            <Show when=move || open.get().0.is_empty() && open.get().1.is_empty()>
                <p class="muted">{app.t(Key::NoOpenDeposits)}</p>
            </Show>
            <Show when=move || !open.get().1.is_empty()>
                <h2 class="warn">{app.t(Key::EarlierDeposits)}</h2>
                <ul class="records" data-testid="earlier-deposits">
                    <For each=move || open.get().1 key=|(id, _)| id.clone() children=row />
                </ul>
            </Show>
        </SignedIn>
    }
}
