//! People and accounts (administrator): create, set roles and sites, reset passwords, disable.

use crate::components::{handle_error, Message, SignedIn};
use crate::i18n::people::Text;
use crate::i18n::{Key, Locale};
use crate::model::{
    certificate_flags, check_certificates, validate_display_name, validate_login, CertKind,
    Certificate, NewPerson, OneTimePassword, PersonUpdate, PersonView, Role, Site,
};
use crate::phone::client;
use crate::phone::state::{use_app, AppState};
use leptos::prelude::*;

#[component]
pub fn People() -> impl IntoView {
    let app = use_app();
    let people = RwSignal::new(Vec::<PersonView>::new());
    let sites = RwSignal::new(Vec::<Site>::new());
    let message = RwSignal::new(String::new());
    let one_time = RwSignal::new(None::<(String, String)>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match client::get::<Vec<PersonView>>("/api/v1/people").await {
                Ok(list) => {
                    app.contact();
                    people.set(list);
                }
                Err(err) => message.set(handle_error(app, &err)),
            }
            if let Ok(list) = client::get::<Vec<Site>>("/api/v1/sites").await {
                sites.set(list);
            }
        })
    };
    Effect::new(move |_| {
        if app.is_signed_in() {
            reload();
        }
    });
    let on_password = Callback::new(move |otp: OneTimePassword| {
        one_time.set(Some((otp.person.login, otp.one_time_password)));
        reload();
    });

    view! {
        <SignedIn>
            <h1>{app.t(Key::People)}</h1>
            <Message text=message />
            {move || one_time.get().map(|(login, pw)| view! {
                <div class="card otp" data-testid="one-time-password">
                    <p>{login} " · " {app.t(Key::OneTimePasswordIs)}</p>
                    <code class="big">{pw}</code>
                    <button class="small" on:click=move |_| one_time.set(None)>"OK"</button>
                </div>
            })}
            <details class="card">
                <summary><strong>{app.t(Key::NewPerson)}</strong></summary>
                <PersonForm person=None sites on_password on_saved=Callback::new(move |_| reload()) app />
            </details>
            <ul class="people" data-testid="people">
                <For each=move || people.get() key=|p| format!("{:?}", p) let:person>
                    <PersonRow person sites on_password on_saved=Callback::new(move |_| reload()) app />
                </For>
            </ul>
        </SignedIn>
    }
}

#[component]
fn PersonRow(
    person: PersonView,
    sites: RwSignal<Vec<Site>>,
    on_password: Callback<OneTimePassword>,
    on_saved: Callback<()>,
    app: AppState,
) -> impl IntoView {
    let roles = person
        .roles
        .iter()
        .map(|r| app.t(r.key()))
        .collect::<Vec<_>>()
        .join(" · ");
    let class = if person.disabled {
        "person card disabled"
    } else {
        "person card"
    };
    let editing = RwSignal::new(false);
    let p2 = person.clone();
    // Flagged before rostering: needed certificates missing, expired or expiring in 30 days.
    let now = crate::phone::client::now_ms() as i64;
    let day = |ms: i64| crate::core::date_text(crate::core::court_date(ms));
    let flags = certificate_flags(&person, &day(now), &day(now + 30 * 86_400_000), app.locale);
    view! {
        <li class=class data-testid="person">
            <div class="row spread">
                <div>
                    <strong>{person.display_name.clone()}</strong>
                    <span class="muted">" @" {person.login.clone()}</span>
                    {person.disabled.then(|| view! { <span class="tag">{app.t(Key::Disabled)}</span> })}
                    <div class="muted small">{roles}</div>
                    {flags.into_iter().map(|f| view! { <span class="tag warn" data-testid="cert-flag">{f}</span> " " }).collect_view()}
                </div>
                <Show when=move || !editing.get()>
                    <button class="small" on:click=move |_| editing.set(true)>{app.t(Key::Edit)}</button>
                </Show>
            </div>
            <Show when=move || editing.get()>
                <PersonForm person=Some(p2.clone()) sites on_password on_saved app />
            </Show>
        </li>
    }
}

/// Creates a person (`person` is `None`) or edits one.
#[component]
fn PersonForm(
    person: Option<PersonView>,
    sites: RwSignal<Vec<Site>>,
    on_password: Callback<OneTimePassword>,
    on_saved: Callback<()>,
    app: AppState,
) -> impl IntoView {
    let login = RwSignal::new(person.as_ref().map(|p| p.login.clone()).unwrap_or_default());
    let name = RwSignal::new(
        person
            .as_ref()
            .map(|p| p.display_name.clone())
            .unwrap_or_default(),
    );
    let roles = RwSignal::new(person.as_ref().map(|p| p.roles.clone()).unwrap_or_default());
    let site_ids = RwSignal::new(
        person
            .as_ref()
            .map(|p| p.site_ids.clone())
            .unwrap_or_default(),
    );
    let disabled = RwSignal::new(person.as_ref().map(|p| p.disabled).unwrap_or(false));
    // Number and last valid day per kind of certificate.
    let certs: Vec<(CertKind, RwSignal<String>, RwSignal<String>)> = CertKind::ALL
        .iter()
        .map(|k| {
            let held = person
                .as_ref()
                .and_then(|p| p.certificates.iter().find(|c| c.kind == *k));
            (
                *k,
                RwSignal::new(held.map(|c| c.number.clone()).unwrap_or_default()),
                RwSignal::new(held.map(|c| c.valid_until.clone()).unwrap_or_default()),
            )
        })
        .collect();
    let certs_typed = {
        let certs = certs.clone();
        move || {
            certs
                .iter()
                .filter(|(_, n, d)| {
                    !n.get_untracked().trim().is_empty() || !d.get_untracked().is_empty()
                })
                .map(|(k, n, d)| Certificate {
                    kind: *k,
                    number: n.get_untracked(),
                    valid_until: d.get_untracked(),
                })
                .collect::<Vec<_>>()
        }
    };
    let message = RwSignal::new(String::new());
    let id = person.as_ref().map(|p| p.id.clone());
    let is_new = id.is_none();
    let id2 = id.clone();

    let form_certs = certs.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        message.set(String::new());
        let check = validate_display_name(&name.get_untracked()).and_then(|_| {
            if is_new {
                validate_login(login.get_untracked().trim())
            } else {
                Ok(())
            }
        });
        if let Err(key) = check {
            message.set(app.t(key).into());
            return;
        }
        let certificates = match check_certificates(certs_typed(), app.locale) {
            Ok(c) => c,
            Err(e) => {
                message.set(e.message);
                return;
            }
        };
        let id = id.clone();
        let cleared = form_certs.clone();
        leptos::task::spawn_local(async move {
            let res = match id {
                None => client::post::<_, OneTimePassword>(
                    "/api/v1/people",
                    &NewPerson {
                        login: login.get_untracked().trim().to_string(),
                        display_name: name.get_untracked(),
                        roles: roles.get_untracked(),
                        site_ids: site_ids.get_untracked(),
                        certificates,
                    },
                )
                .await
                .map(|otp| {
                    // Ready for the next person.
                    login.set(String::new());
                    name.set(String::new());
                    roles.set(Vec::new());
                    site_ids.set(Vec::new());
                    for (_, n, d) in &cleared {
                        n.set(String::new());
                        d.set(String::new());
                    }
                    on_password.run(otp)
                }),
                Some(id) => client::put::<_, PersonView>(
                    &format!("/api/v1/people/{id}"),
                    &PersonUpdate {
                        display_name: name.get_untracked(),
                        roles: roles.get_untracked(),
                        site_ids: site_ids.get_untracked(),
                        disabled: disabled.get_untracked(),
                        certificates,
                    },
                )
                .await
                .map(|_| on_saved.run(())),
            };
            if let Err(err) = res {
                message.set(handle_error(app, &err));
            }
        });
    };
    let reset = move |_| {
        let Some(id) = id2.clone() else { return };
        leptos::task::spawn_local(async move {
            match client::post::<_, OneTimePassword>(
                &format!("/api/v1/people/{id}/reset-password"),
                &(),
            )
            .await
            {
                Ok(otp) => on_password.run(otp),
                Err(err) => message.set(handle_error(app, &err)),
            }
        });
    };

    let site_label = move |s: &Site| match app.locale {
        Locale::Zh => s.name_zh.clone(),
        Locale::En => s.name_en.clone(),
    };
    view! {
        <form class="form person-form" on:submit=submit data-testid="person-form">
            <Show when=move || is_new>
                <label><span>{app.t(Key::Login)}</span>
                    <input name="login" autocapitalize="none" spellcheck="false" required
                        prop:value=move || login.get() on:input=move |ev| login.set(event_target_value(&ev)) /></label>
            </Show>
            <label><span>{app.t(Key::DisplayName)}</span>
                <input name="display_name" required prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) /></label>
            <fieldset>
                <legend>{app.t(Key::Roles)}</legend>
                {Role::ALL.into_iter().map(|r| view! {
                    <label class="check">
                        <input type="checkbox" name="role" value=r.as_str()
                            prop:checked=move || roles.get().contains(&r)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                roles.update(|v| { v.retain(|x| *x != r); if on { v.push(r) } });
                            } />
                        <span>{app.t(r.key())}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            <fieldset>
                <legend>{app.t(Key::SitesOf)}</legend>
                <For each=move || sites.get() key=|s| s.id.clone() let:site>
                    {
                        let sid = site.id.clone();
                        let sid2 = site.id.clone();
                        view! {
                            <label class="check">
                                <input type="checkbox" name="site" value=site.code.clone()
                                    prop:checked=move || site_ids.get().contains(&sid)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let sid = sid2.clone();
                                        site_ids.update(|v| { v.retain(|x| *x != sid); if on { v.push(sid) } });
                                    } />
                                <span>{site_label(&site)}</span>
                            </label>
                        }
                    }
                </For>
            </fieldset>
            <fieldset data-testid="certificates">
                <legend>{Text::CertificatesNumberValidUntil.text(app.locale)}</legend>
                {certs.iter().map(|(k, number, until)| {
                    let (k, number, until) = (*k, *number, *until);
                    view! {
                        <div class="cert">
                            <span>{k.label(app.locale)}</span>
                            <input name=format!("cert-{}", k.code()) autocomplete="off"
                                placeholder=Text::Number.text(app.locale)
                                aria-label=format!("{} {}", k.label(app.locale), Text::Number2.text(app.locale))
                                prop:value=move || number.get() on:input=move |ev| number.set(event_target_value(&ev)) />
                            <input type="date" name=format!("cert-{}-until", k.code())
                                aria-label=format!("{} {}", k.label(app.locale), Text::ValidUntil.text(app.locale))
                                prop:value=move || until.get() on:input=move |ev| until.set(event_target_value(&ev)) />
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <Show when=move || !is_new>
                <label class="check"><input type="checkbox" name="disabled" prop:checked=move || disabled.get()
                    on:change=move |ev| disabled.set(event_target_checked(&ev)) /><span>{app.t(Key::DisableAccount)}</span></label>
            </Show>
            <Message text=message />
            <div class="row">
                <button class="primary" type="submit">{app.t(Key::Save)}</button>
                <Show when=move || !is_new>
                    <button type="button" on:click=reset.clone() data-testid="reset-password">{app.t(Key::ResetPassword)}</button>
                </Show>
            </div>
        </form>
    }
}
