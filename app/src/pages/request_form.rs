//! The two ways a request starts: the court asks online (its liaison, court staff), or the
//! service logs one that came by telephone, e-mail, the box or in person, with when it came in.

use super::hazard::area;
use crate::components::field;
use crate::core::new_uuid;
use crate::i18n::request::Text;
use crate::phone::client;
use crate::phone::outbox;
use crate::phone::state::use_app;
use crate::request::{self, Channel, EmailClass, File, Urgency, MINUTE};
use leptos::prelude::*;

type Say = RwSignal<(String, bool)>;

/// Chips for one choice of a coded list.
fn chips<T: Copy + PartialEq + Send + Sync + 'static>(
    name: &'static str,
    all: Vec<(T, &'static str, String)>,
    value: RwSignal<Option<T>>,
    bad: RwSignal<String>,
) -> impl IntoView {
    view! {
        <fieldset class="chips" class:invalid=move || bad.get() == name data-testid=name>
            {all.into_iter().map(|(v, code, label)| view! {
                <button type="button" class="chip" class:on=move || value.get() == Some(v)
                    data-testid=format!("{name}-{code}") on:click=move |_| value.set(Some(v))>{label}</button>
            }).collect_view()}
        </fieldset>
    }
}

/// How long before `now` the clock time `hh:mm` (court time) was: today's, or yesterday's when
/// today's is still to come. Empty: now.
fn before_now(hhmm: &str, now: i64) -> Option<i64> {
    if hhmm.trim().is_empty() {
        return Some(0);
    }
    let (h, m) = hhmm.trim().split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    let mut at = crate::core::court_day_start(now) + h * 60 * MINUTE + m * MINUTE;
    if at > now {
        at -= 24 * 60 * MINUTE;
    }
    Some(now - at)
}

/// The service logs a request that reached it (offline too).
#[component]
pub fn LogForm(site: RwSignal<String>, message: Say) -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let channel = RwSignal::new(None::<Channel>);
    let urgency = RwSignal::new(None::<Urgency>);
    let email_class = RwSignal::new(None::<EmailClass>);
    let subject = RwSignal::new(String::new());
    let detail = RwSignal::new(String::new());
    let from_whom = RwSignal::new(String::new());
    let received = RwSignal::new(String::new());
    let bad = RwSignal::new(String::new());
    let dirty = Memo::new(move |_| !subject.get().is_empty() || !detail.get().is_empty());
    crate::components::hold_update_while(dirty);
    let save = move |_| {
        let now = client::now_ms() as i64;
        let Some(before) = before_now(&received.get_untracked(), now) else {
            bad.set("received_at".into());
            message.set((
                crate::i18n::request_rules::Words::ItCannotComeInLater
                    .text(app.locale)
                    .into(),
                false,
            ));
            return;
        };
        let f = File {
            id: new_uuid(),
            site_id: site.get_untracked(),
            channel: channel.get_untracked(),
            urgency: urgency.get_untracked(),
            email_class: email_class.get_untracked(),
            subject: subject.get_untracked(),
            detail: detail.get_untracked(),
            from_whom: from_whom.get_untracked(),
            received_before_ms: before,
        };
        if let Err(e) = request::check_file(f.clone(), false, app.locale) {
            bad.set(e.field.into());
            message.set((e.message, false));
            return;
        }
        outbox::send(app, &f, move |r| match r {
            Ok(_) => {
                subject.set(String::new());
                detail.set(String::new());
                from_whom.set(String::new());
                received.set(String::new());
                bad.set(String::new());
                message.set((app.saved_pending().into(), true));
            }
            Err(e) => message.set((e, false)),
        });
    };
    let logged = Channel::ALL
        .iter()
        .filter(|c| **c != Channel::Online)
        .map(|c| (*c, c.code(), c.label(app.locale).to_string()))
        .collect();
    view! {
        <details class="card form" data-testid="log-request">
            <summary>{t(Text::LogARequest)}</summary>
            <span class="label">{t(Text::Channel)}</span>
            {chips("channel", logged, channel, bad)}
            <span class="label">{t(Text::Urgency)}</span>
            {chips("urgency", Urgency::ALL.iter().map(|u| (*u, u.code(), u.label(app.locale).to_string())).collect(), urgency, bad)}
            <Show when=move || channel.get() == Some(Channel::Email)>
                <span class="label">{t(Text::EmailClass)}</span>
                {chips("email_class", EmailClass::ALL.iter().map(|c| (*c, c.code(), c.label(app.locale).to_string())).collect(), email_class, bad)}
            </Show>
            {field(t(Text::FromWhom), "from_whom", from_whom, "text", Some(bad))}
            {field(t(Text::Subject), "subject", subject, "text", Some(bad))}
            {area(t(Text::Detail), "detail", detail)}
            <label><span>{t(Text::ReceivedAt)}</span>
                <input type="time" name="received_at" class:invalid=move || bad.get() == "received_at"
                    prop:value=move || received.get() on:input=move |ev| received.set(event_target_value(&ev)) /></label>
            <button type="button" class="primary" data-testid="log-save" on:click=save>{t(Text::Log)}</button>
        </details>
    }
}

/// The court asks the service, online (court staff have no outbox on their own phone).
#[component]
pub fn CourtForm(site: RwSignal<String>, message: Say, refetch: RwSignal<u32>) -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let urgency = RwSignal::new(None::<Urgency>);
    let subject = RwSignal::new(String::new());
    let detail = RwSignal::new(String::new());
    let bad = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let send = move |_| {
        let f = File {
            id: new_uuid(),
            site_id: site.get_untracked(),
            channel: Some(Channel::Online),
            urgency: urgency.get_untracked(),
            subject: subject.get_untracked(),
            detail: detail.get_untracked(),
            ..Default::default()
        };
        if let Err(e) = request::check_file(f.clone(), true, app.locale) {
            bad.set(e.field.into());
            message.set((e.message, false));
            return;
        }
        if !app.online.get_untracked() {
            message.set((t(Text::OnlineOnly).into(), false));
            return;
        }
        sending.set(true);
        leptos::task::spawn_local(async move {
            let r = client::post::<_, serde_json::Value>("/api/v1/requests", &f).await;
            sending.set(false);
            match r {
                Ok(_) => {
                    subject.set(String::new());
                    detail.set(String::new());
                    urgency.set(None);
                    bad.set(String::new());
                    message.set((t(Text::Sent).into(), true));
                    refetch.update(|n| *n += 1);
                }
                Err(e) => message.set((crate::components::error_text(app, &e), false)),
            }
        });
    };
    view! {
        <section class="card form" data-testid="court-request">
            <h2>{t(Text::FileARequest)}</h2>
            <span class="label">{t(Text::Urgency)}</span>
            {chips("urgency", Urgency::ALL.iter().map(|u| (*u, u.code(), u.label(app.locale).to_string())).collect(), urgency, bad)}
            {field(t(Text::Subject), "subject", subject, "text", Some(bad))}
            {area(t(Text::Detail), "detail", detail)}
            <button type="button" class="primary" data-testid="court-send" disabled=move || sending.get() on:click=send>{t(Text::Send)}</button>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_time_typed_is_today_s_or_yesterday_s() {
        // 2026-11-29 10:00 court time.
        let now = crate::core::court_day_start(1_795_885_200_000) + 10 * 60 * MINUTE;
        assert_eq!(before_now("", now), Some(0));
        assert_eq!(before_now("09:20", now), Some(40 * MINUTE));
        assert_eq!(before_now("10:30", now), Some((24 * 60 - 30) * MINUTE));
        assert_eq!(before_now("25:00", now), None);
        assert_eq!(before_now("nine", now), None);
    }
}

/// The site's suggestion box: when it was last opened, whether an opening is due (the weekly
/// rhythm), and the opening recorded with what was in it.
#[component]
pub fn BoxCard(
    site: RwSignal<String>,
    rows: Memo<crate::sync::Rows>,
    now: ReadSignal<i64>,
    message: Say,
) -> impl IntoView {
    use crate::request::{box_due, check_opening, BoxOpening, BoxRow, SUGGESTION_BOX};
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let last = Memo::new(move |_| {
        let s = site.get();
        rows.get()
            .list(SUGGESTION_BOX, |b: &BoxRow| b.opened_at)
            .into_iter()
            .map(|(_, b)| b)
            .filter(|b| b.site_id == s)
            .max_by_key(|b| b.opened_at)
    });
    let items = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let state = move || {
        let l = last.get();
        let (due, overdue) = box_due(l.as_ref().map(|b| b.opened_at), now.get());
        let when = |ms: i64| client::format_local_time(ms as f64);
        let text = match &l {
            Some(b) => format!(
                "{}{} · {}{}",
                t(Text::BoxLastOpened),
                when(b.opened_at),
                t(Text::BoxDue),
                when(due)
            ),
            None => t(Text::BoxNeverOpened).to_string(),
        };
        (text, overdue)
    };
    let save = move |_| {
        let o = BoxOpening {
            id: new_uuid(),
            site_id: site.get_untracked(),
            items: items.get_untracked().trim().parse().unwrap_or(u32::MAX),
            note: note.get_untracked(),
        };
        let o = BoxOpening {
            items: if items.get_untracked().trim().is_empty() {
                0
            } else {
                o.items
            },
            ..o
        };
        if let Err(e) = check_opening(o.clone(), app.locale) {
            message.set((e.message, false));
            return;
        }
        outbox::send(app, &o, move |r| match r {
            Ok(_) => {
                items.set(String::new());
                note.set(String::new());
                message.set((app.saved_pending().into(), true));
            }
            Err(e) => message.set((e, false)),
        });
    };
    view! {
        <details class="card form" data-testid="suggestion-box">
            <summary>{t(Text::SuggestionBox)} " · "
                <span class=move || if state().1 { "error-text" } else { "muted" } data-testid="box-state">
                    {move || state().0}{move || state().1.then(|| t(Text::BoxOverdue))}</span></summary>
            {field(t(Text::BoxItems), "items", items, "numeric", None)}
            {area(t(Text::BoxContents), "box_note", note)}
            <button type="button" class="primary" data-testid="box-save" on:click=save>{t(Text::BoxOpened)}</button>
        </details>
    }
}
