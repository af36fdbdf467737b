//! On `/server`, for administrators: the alert rules (on or off, the threshold, the escalation
//! chain) and the group robots alerts are posted to. A robot's address is pasted once; the
//! server shows it back only masked, and saving it sends a test message and says whether it
//! arrived.

use crate::alert::rules::{chain_text, parse_chain, RobotKind, RuleConfig};
use crate::i18n::alert::Text;
use crate::phone::client;
use crate::phone::state::use_app;
use leptos::prelude::*;

#[derive(Clone, Debug, serde::Deserialize)]
struct RobotView {
    id: String,
    site_id: String,
    kind: String,
    url_masked: String,
    waiting: i64,
    last_sent_at: Option<i64>,
    last_error: Option<String>,
}

#[component]
pub fn AlertAdmin() -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let reload = RwSignal::new(0u32);
    let rules = LocalResource::new(move || {
        reload.track();
        async {
            client::get::<Vec<RuleConfig>>("/api/v1/alert-rules")
                .await
                .ok()
        }
    });
    let robots = LocalResource::new(move || {
        reload.track();
        async { client::get::<Vec<RobotView>>("/api/v1/robots").await.ok() }
    });
    let message = RwSignal::new(String::new());
    let save = move |mut c: RuleConfig, enabled: bool, threshold: String, chain: String| {
        let Some(stages) = parse_chain(&chain) else {
            message.set(t(Text::BadChain).into());
            return;
        };
        c.enabled = enabled;
        c.chain = stages;
        if c.rule.unit().is_some() {
            c.threshold = threshold.trim().parse().ok();
        }
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/alert-rules/{}", c.rule.code());
            match client::put::<_, RuleConfig>(&path, &c).await {
                Ok(_) => message.set(format!("{} · {}", c.rule.label(app.locale), t(Text::Saved))),
                Err(e) => message.set(crate::components::error_text(app, &e)),
            }
        });
    };
    let rule_row = move |c: RuleConfig| {
        let enabled = RwSignal::new(c.enabled);
        let threshold = RwSignal::new(c.threshold.map(|v| v.to_string()).unwrap_or_default());
        let chain = RwSignal::new(chain_text(&c.chain));
        let unit = c.rule.unit();
        let help = c.rule.threshold_help(app.locale);
        let code = c.rule.code();
        view! {
            <details class="card" data-testid=format!("rule-{code}")>
                <summary>{c.rule.label(app.locale)}{move || (!enabled.get()).then_some(" ✕")}</summary>
                <label class="check"><input type="checkbox" prop:checked=enabled
                    on:change=move |e| enabled.set(event_target_checked(&e)) />{t(Text::Enabled)}</label>
                <p class="muted">{help}</p>
                {unit.map(|u| view! {
                    <label>{t(Text::Threshold)} " (" {u.label(app.locale)} ")"
                        <input type="number" inputmode="numeric" prop:value=threshold
                            on:input=move |e| threshold.set(event_target_value(&e)) /></label>
                })}
                <label>{t(Text::Chain)}
                    <textarea rows="3" data-testid="chain" prop:value=chain
                        on:input=move |e| chain.set(event_target_value(&e))></textarea></label>
                <p class="muted">{t(Text::ChainHelp)}</p>
                <button class="primary" on:click=move |_| save(c.clone(), enabled.get_untracked(),
                    threshold.get_untracked(), chain.get_untracked())>{t(Text::Save)}</button>
            </details>
        }
    };

    // Every site (an administrator works at none of them): the robot serves one, or the court.
    let site = RwSignal::new(String::new());
    let all_sites = LocalResource::new(|| async {
        client::get::<Vec<crate::model::Site>>("/api/v1/sites")
            .await
            .unwrap_or_default()
    });
    let sites = move || all_sites.get().unwrap_or_default();
    let kind = RwSignal::new(RobotKind::WeCom.code().to_string());
    let url = RwSignal::new(String::new());
    let add = move |_| {
        let body = serde_json::json!({"site_id": site.get_untracked(), "kind": kind.get_untracked(),
            "url": url.get_untracked()});
        leptos::task::spawn_local(async move {
            match client::post::<_, serde_json::Value>("/api/v1/robots", &body).await {
                Ok(v) => {
                    url.set(String::new());
                    message.set(if v["test_arrived"] == true {
                        t(Text::TestArrived).to_string()
                    } else {
                        format!(
                            "{}{}",
                            t(Text::TestFailed),
                            v["test_error"].as_str().unwrap_or_default()
                        )
                    });
                    reload.update(|n| *n += 1);
                }
                Err(e) => message.set(crate::components::error_text(app, &e)),
            }
        });
    };
    let remove = move |id: String| {
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/robots/{id}/remove");
            let _ = client::post::<_, serde_json::Value>(&path, &serde_json::json!({})).await;
            reload.update(|n| *n += 1);
        });
    };
    let site_label = move |id: &str| {
        if id.is_empty() {
            return t(Text::CourtWide).to_string();
        }
        sites()
            .iter()
            .find(|s| s.id == id)
            .map(|s| crate::components::site_name(app.locale, s))
            .unwrap_or_default()
    };
    view! {
        <section class="card" data-testid="robots">
            <h2>{t(Text::Robots)}</h2>
            {move || robots.get().flatten().unwrap_or_default().into_iter().map(|r| {
                let id = r.id.clone();
                let kind = RobotKind::parse(&r.kind).map(|k| k.label(app.locale)).unwrap_or_default();
                view! {
                    <div class="item card" data-testid="robot">
                        <p><strong>{kind}</strong> " · " {site_label(&r.site_id)}</p>
                        <p class="mono muted">{r.url_masked.clone()}</p>
                        <p class="muted">{format!("{} {} · {} {}", t(Text::Waiting), r.waiting, t(Text::LastSent),
                            r.last_sent_at.map(|s| client::format_local_time(s as f64)).unwrap_or_else(|| "—".into()))}</p>
                        {r.last_error.clone().map(|e| view! { <p class="error-text">{e}</p> })}
                        <button on:click=move |_| remove(id.clone())>{t(Text::Remove)}</button>
                    </div>
                }
            }).collect_view()}
            <label>{app.t(crate::i18n::Key::Sites)}
                <select on:change=move |e| site.set(event_target_value(&e))>
                    <option value="">{t(Text::CourtWide)}</option>
                    {move || sites().into_iter().map(|s| {
                        let name = crate::components::site_name(app.locale, &s);
                        view! { <option value=s.id.clone()>{name}</option> }
                    }).collect_view()}
                </select></label>
            <select on:change=move |e| kind.set(event_target_value(&e))>
                {RobotKind::ALL.iter().map(|k| view! { <option value=k.code()>{k.label(app.locale)}</option> }).collect_view()}
            </select>
            <label>{t(Text::RobotUrl)}
                <input type="url" autocomplete="off" prop:value=url
                    on:input=move |e| url.set(event_target_value(&e)) /></label>
            <button class="primary" data-testid="add-robot" on:click=add>{t(Text::AddRobot)}</button>
        </section>
        {move || {
            let m = message.get();
            (!m.is_empty()).then(|| view! { <p class="note" role="status" data-testid="admin-message">{m}</p> })
        }}
        <section data-testid="alert-rules">
            <h2>{t(Text::AlertRules)}</h2>
            {move || rules.get().flatten().unwrap_or_default().into_iter().map(rule_row).collect_view()}
        </section>
    }
}
