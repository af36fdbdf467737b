//! `/surveys`: the court's satisfaction survey. The liaison opens a round and makes one-time
//! links (with QR codes) for a department, shown once to print or send; whoever reads the
//! KPIs sees each round's results and the comments, and a supervisor opens a rectification
//! from a comment in one tap; an administrator edits the questions new rounds start with.

use crate::components::{error_text, site_name, use_my_sites, Message, SignedIn};
use crate::i18n::score::Text;
use crate::model::Action;
use crate::phone::client;
use crate::phone::state::use_app;
use crate::survey::{LinkAsk, LinkMade, NewRound, Question, Results, RoundKind, RoundRow};
use leptos::prelude::*;

/// Questions as the administrator's text area holds them: `code|中文|English|是`.
fn questions_text(qs: &[Question]) -> String {
    qs.iter()
        .map(|q| {
            format!(
                "{}|{}|{}|{}",
                q.key,
                q.zh,
                q.en,
                if q.rated { "是" } else { "否" }
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse_questions(text: &str) -> Vec<Question> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut p = l.split('|').map(str::trim);
            let key = p.next().unwrap_or_default().to_string();
            let zh = p.next().unwrap_or_default().to_string();
            let en = p.next().unwrap_or_default().to_string();
            let rated = !matches!(p.next(), Some("否" | "no" | "n" | "0"));
            Question { key, zh, en, rated }
        })
        .collect()
}

#[component]
pub fn Surveys() -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let me = move || app.me.get();
    let runs = move || me().is_some_and(|m| m.can(Action::RunSurvey));
    let edits = move || me().is_some_and(|m| m.can(Action::EditSurvey));
    let reads = move || me().is_some_and(|m| m.can(Action::RunSurvey) || m.can(Action::ViewKpis));
    let reload = RwSignal::new(0u32);
    let message = RwSignal::new(String::new());
    let rounds = LocalResource::new(move || {
        reload.track();
        async move {
            if !reads() {
                return None;
            }
            client::get::<Vec<RoundRow>>("/api/v1/surveys").await.ok()
        }
    });
    let list = move || {
        rounds.get().flatten().map(|rs| {
            rs.into_iter()
                .map(|r| view! { <RoundCard round=r reload=reload /> })
                .collect_view()
        })
    };
    view! {
        <SignedIn>
            <h1>{t(Text::Surveys)}</h1>
            <Message text=message />
            <Show when=runs>
                <NewRoundForm reload=reload message=message />
            </Show>
            {list}
            <Show when=edits>
                <QuestionsForm message=message />
            </Show>
        </SignedIn>
    }
}

#[component]
fn NewRoundForm(reload: RwSignal<u32>, message: RwSignal<String>) -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let kind = RwSignal::new(RoundKind::Quarterly.code().to_string());
    let period = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let closes = RwSignal::new(String::new());
    Effect::new(move |_| {
        if app.hydrated.get() && period.get_untracked().is_empty() {
            let now = client::now_ms() as i64;
            period.set(crate::score::Period::quarter_of(now).text());
            closes.set(crate::core::date_text(crate::core::court_date(
                now + 14 * 86_400_000,
            )));
        }
    });
    let create = move |_| {
        let n = NewRound {
            kind: kind.get_untracked(),
            period: period.get_untracked(),
            title: title.get_untracked(),
            closes_on: closes.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match client::post::<_, RoundRow>("/api/v1/surveys", &n).await {
                // The new round heads the list below.
                Ok(_) => {
                    message.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(e) => message.set(error_text(app, &e)),
            }
        });
    };
    let kinds = RoundKind::ALL
        .iter()
        .map(|k| view! { <option value=k.code()>{k.label(app.locale)}</option> })
        .collect_view();
    view! {
        <details class="card no-print" data-testid="new-round">
            <summary>{t(Text::NewRound)}</summary>
            <label><span>{t(Text::Kind)}</span>
                <select name="kind" on:change=move |ev| {
                    let k = event_target_value(&ev);
                    let now = client::now_ms() as i64;
                    period.set(if k == RoundKind::Monthly.code() {
                        crate::score::Period::month_of(now).text()
                    } else {
                        crate::score::Period::quarter_of(now).text()
                    });
                    kind.set(k);
                }>{kinds}</select></label>
            <label><span>{t(Text::PeriodHint)}</span>
                <input name="period" prop:value=move || period.get() on:input=move |ev| period.set(event_target_value(&ev)) /></label>
            <label><span>{t(Text::Title)}</span>
                <input name="title" maxlength="60" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) /></label>
            <label><span>{t(Text::LastDay)}</span>
                <input type="date" name="closes_on" prop:value=move || closes.get() on:change=move |ev| closes.set(event_target_value(&ev)) /></label>
            <button type="button" class="primary" data-testid="create-round" on:click=create>{t(Text::Create)}</button>
        </details>
    }
}

#[component]
fn RoundCard(round: RoundRow, reload: RwSignal<u32>) -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let id = StoredValue::new(round.id.clone());
    let runs = move || app.me.get().is_some_and(|m| m.can(Action::RunSurvey));
    let now = client::now_ms() as i64;
    let open = round.open_at(now);
    let results = RwSignal::new(None::<Results>);
    let made = RwSignal::new(Vec::<LinkMade>::new());
    let message = RwSignal::new(String::new());
    let show_results = move |_| {
        if results.get_untracked().is_some() {
            results.set(None);
            return;
        }
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/surveys/{}/results", id.get_value());
            match client::get::<Results>(&path).await {
                Ok(r) => results.set(Some(r)),
                Err(e) => message.set(error_text(app, &e)),
            }
        });
    };
    let close = move |_| {
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/surveys/{}/close", id.get_value());
            match client::post::<_, RoundRow>(&path, &()).await {
                Ok(_) => reload.update(|n| *n += 1),
                Err(e) => message.set(error_text(app, &e)),
            }
        });
    };
    let state = if open {
        format!(
            "{} · {} {}",
            t(Text::Open),
            t(Text::Until),
            crate::alert::text::court_when(round.closes_at - 1)
        )
    } else {
        t(Text::Closed).to_string()
    };
    let questions = StoredValue::new(round.questions.clone());
    view! {
        <section class="card" data-testid="round">
            <h2>{round.title.clone()}</h2>
            <p class="muted">{state} " · " {t(Text::Answered)} " " <strong data-testid="answered">{round.answered}</strong>
                " / " {t(Text::Links)} " " {round.links}</p>
            <Message text=message />
            <div class="row no-print">
                <button type="button" class="small" data-testid="show-results" on:click=show_results>{t(Text::Results)}</button>
                <Show when=move || open && runs()>
                    <button type="button" class="small" data-testid="close-round" on:click=close>{t(Text::CloseRound)}</button>
                </Show>
            </div>
            <Show when=move || open && runs()>
                <LinkForm id=id made=made message=message />
            </Show>
            {move || (!made.get().is_empty()).then(|| links_view(made.get()))}
            {move || results.get().map(|r| results_view(r, questions.get_value()))}
        </section>
    }
}

#[component]
fn LinkForm(
    id: StoredValue<String>,
    made: RwSignal<Vec<LinkMade>>,
    message: RwSignal<String>,
) -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let site = RwSignal::new(String::new());
    let sites = use_my_sites(site);
    let department = RwSignal::new(String::new());
    let count = RwSignal::new("5".to_string());
    let make = move |_| {
        let ask = LinkAsk {
            department: department.get_untracked(),
            site_id: site.get_untracked(),
            count: count.get_untracked().trim().parse().unwrap_or(0),
        };
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/surveys/{}/links", id.get_value());
            match client::post::<_, Vec<LinkMade>>(&path, &ask).await {
                Ok(l) => {
                    message.set(String::new());
                    made.set(l);
                }
                Err(e) => message.set(error_text(app, &e)),
            }
        });
    };
    view! {
        <details class="no-print" data-testid="make-links">
            <summary>{t(Text::MakeLinks)}</summary>
            <label><span>{t(Text::Department)}</span>
                <input name="department" maxlength="40" prop:value=move || department.get()
                    on:input=move |ev| department.set(event_target_value(&ev)) /></label>
            <label><span>{t(Text::Site)}</span>
                <select name="site" on:change=move |ev| site.set(event_target_value(&ev))>
                    {move || sites.get().into_iter().map(|s| {
                        let sid = s.id.clone();
                        let sid2 = s.id.clone();
                        view! { <option value=sid selected=move || site.get() == sid2>{site_name(app.locale, &s)}</option> }
                    }).collect_view()}
                </select></label>
            <label><span>{t(Text::HowMany)}</span>
                <input name="count" inputmode="numeric" prop:value=move || count.get()
                    on:input=move |ev| count.set(event_target_value(&ev)) /></label>
            <button type="button" class="primary" data-testid="make" on:click=make>{t(Text::Make)}</button>
        </details>
    }
}

fn links_view(links: Vec<LinkMade>) -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    let items = links
        .into_iter()
        .map(|l| {
            view! { <li class="link-card">
                <div class="qr" inner_html=l.svg></div>
                <p class="url" data-testid="link-url">{l.url}</p>
            </li> }
        })
        .collect_view();
    view! {
        <p class="warn no-print">{t(Text::ShownOnce)}</p>
        <button type="button" class="small no-print" on:click=print>{t(Text::Print)}</button>
        <ul class="links" data-testid="links">{items}</ul>
    }
}

fn results_view(r: Results, questions: Vec<Question>) -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let (sat, all) = r.satisfied();
    let share = (sat * 1000)
        .checked_div(all)
        .map(crate::score::permille_text)
        .unwrap_or_else(|| "—".into());
    let rows = r
        .questions
        .iter()
        .map(|q| {
            let name = questions
                .iter()
                .find(|x| x.key == q.key)
                .map(|x| x.text(app.locale).to_string())
                .unwrap_or_else(|| q.key.clone());
            let counts = q
                .counts
                .iter()
                .map(|n| view! { <td>{*n}</td> })
                .collect_view();
            let s = (q.satisfied() * 1000)
                .checked_div(q.answered())
                .map(crate::score::permille_text)
                .unwrap_or_else(|| "—".into());
            view! { <tr><th>{name}</th>{counts}<td><strong>{s}</strong></td></tr> }
        })
        .collect_view();
    let departments = r
        .departments
        .iter()
        .map(|(d, used, links)| view! { <li>{d.clone()} " " <strong>{*used}</strong> " / " {*links}</li> })
        .collect_view();
    let comments = if r.comments.is_empty() {
        view! { <p class="muted">{t(Text::NoComments)}</p> }.into_any()
    } else {
        r.comments
            .into_iter()
            .map(|c| {
                let may = app
                    .me
                    .get_untracked()
                    .is_some_and(|m| m.can(Action::ReportHazard) && m.site_ids.contains(&c.site_id));
                let action = match (&c.rect_id, may) {
                    (Some(_), _) => Some(view! { <span class="tag">{t(Text::Rectifying)}</span> }.into_any()),
                    (None, true) => {
                        let check = format!("{}{}", crate::survey::FROM_SURVEY, c.response_id);
                        let href = crate::hazard::from_finding_href(&check, "", &c.text);
                        Some(view! { <a class="button small" href=href data-testid="comment-rectify">{t(Text::ToRectify)}</a> }.into_any())
                    }
                    _ => None,
                };
                view! { <li data-testid="comment"><span class="muted">{c.department.clone()} " · "
                    {crate::alert::text::court_when(c.answered_at)}</span>
                    <p>{c.text.clone()}</p>{action}</li> }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <div class="results" data-testid="results">
            <p>{t(Text::Satisfied)} " " <strong data-testid="satisfied">{share}</strong>
                <span class="muted">" (" {sat} " / " {all} ")"</span></p>
            <div class="scroll"><table class="grid">
                <thead><tr><th></th><th>"1"</th><th>"2"</th><th>"3"</th><th>"4"</th><th>"5"</th><th>"≥4"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table></div>
            <h3>{t(Text::ByDepartment)}</h3>
            <ul class="counts">{departments}</ul>
            <h3>{t(Text::Comments)}</h3>
            <ul class="comments">{comments}</ul>
        </div>
    }
}

#[component]
fn QuestionsForm(message: RwSignal<String>) -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let text = RwSignal::new(String::new());
    let saved = RwSignal::new(String::new());
    let loaded = LocalResource::new(move || async move {
        client::get::<Vec<Question>>("/api/v1/survey/questions")
            .await
            .ok()
    });
    Effect::new(move |_| {
        if let Some(Some(qs)) = loaded.get() {
            text.set(questions_text(&qs));
        }
    });
    let save = move |_| {
        let qs = parse_questions(&text.get_untracked());
        leptos::task::spawn_local(async move {
            match client::put::<_, Vec<Question>>("/api/v1/survey/questions", &qs).await {
                Ok(qs) => {
                    text.set(questions_text(&qs));
                    message.set(String::new());
                    saved.set(t(Text::Saved).into());
                }
                Err(e) => message.set(error_text(app, &e)),
            }
        });
    };
    view! {
        <section class="card no-print" data-testid="questions">
            <h2>{t(Text::Questions)}</h2>
            <p class="muted small">{t(Text::QuestionsHint)}</p>
            <textarea name="questions" rows="8" prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <button type="button" class="primary" data-testid="save-questions" on:click=save>{t(Text::Save)}</button>
            <Message text=saved ok=true />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_questions_text_reads_back() {
        let qs = crate::survey::default_questions();
        assert_eq!(parse_questions(&questions_text(&qs)), qs);
        let qs = parse_questions("a|甲||否\n\n b | 乙 | B \n");
        assert_eq!(qs.len(), 2);
        assert!(!qs[0].rated && qs[1].rated);
        assert_eq!(qs[1].en, "B");
    }
}
