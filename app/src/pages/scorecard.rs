//! The contract's scorecard (考核评分) for supervisors and the court's liaison: a site or the
//! whole court, a month or a quarter; the four weighted figures with their targets, weights
//! and scores, the scoring rule beside them, and under each figure the records that cost it
//! points.

use crate::components::{handle_error, site_name, use_my_sites, Message, SignedIn};
use crate::i18n::score::Text;
use crate::i18n::Locale;
use crate::phone::client;
use crate::phone::state::use_app;
use crate::score::{permille_text, points_text, Detail, Figure, Period, Scorecard};
use leptos::prelude::*;

/// The periods offered: this month and the eleven before, this quarter and the three before.
fn periods(now: i64) -> Vec<Period> {
    let mut out = Vec::new();
    let mut m = Period::month_of(now);
    for _ in 0..12 {
        out.push(m);
        m = m.previous();
    }
    let mut q = Period::quarter_of(now);
    for _ in 0..4 {
        out.push(q);
        q = q.previous();
    }
    out
}

/// A bar of the value against the target, in SVG (no inline style: the CSP forbids it).
fn meter(f: &Figure) -> impl IntoView {
    let value = f.value_permille().unwrap_or(0).min(1000);
    let w = |p: u32| format!("{:.1}", f64::from(p) / 10.0);
    let met = f.met();
    view! {
        <svg class="meter" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-hidden="true">
            <rect class="track" x="0" y="0" width="100" height="10" />
            <rect class=if met { "fill ok" } else { "fill low" } x="0" y="0" width=w(value) height="10" />
            <rect class="goal" x=w(f.target_permille.min(1000)) y="0" width="0.8" height="10" />
        </svg>
    }
}

#[component]
pub fn ScorecardPage() -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let site = RwSignal::new(String::new());
    let sites = use_my_sites(site);
    let period = RwSignal::new(String::new());
    let options = RwSignal::new(Vec::<Period>::new());
    let card = RwSignal::new(None::<Scorecard>);
    let message = RwSignal::new(String::new());
    Effect::new(move |_| {
        if app.hydrated.get() && options.get_untracked().is_empty() {
            let now = client::now_ms() as i64;
            options.set(periods(now));
            period.set(Period::month_of(now).text());
        }
    });
    Effect::new(move |_| {
        let (s, p) = (site.get(), period.get());
        if s.is_empty() || p.is_empty() || !app.hydrated.get() {
            return;
        }
        leptos::task::spawn_local(async move {
            match client::get::<Scorecard>(&format!("/api/v1/scorecard?site={s}&period={p}")).await
            {
                Ok(c) => {
                    app.contact();
                    message.set(String::new());
                    card.set(Some(c));
                }
                Err(e) => {
                    card.set(None);
                    message.set(handle_error(app, &e));
                }
            }
        });
    });
    let body = move || {
        card.get().map(|c| {
            let figures = c
                .figures
                .iter()
                .cloned()
                .map(|f| figure_view(app.locale, f, c.site_id.clone(), c.period.clone()))
                .collect_view();
            let round = match &c.round {
                Some(r) => format!("{}{}", t(Text::SurveyUsed), r.title),
                None => t(Text::NoSurveyRound).to_string(),
            };
            let certs = match (c.certificates.part * 1000).checked_div(c.certificates.whole) {
                None => t(Text::NoneNeeded).to_string(),
                Some(p) => format!(
                    "{} / {} ({})",
                    c.certificates.part,
                    c.certificates.whole,
                    permille_text(p)
                ),
            };
            let attendance = match &c.attendance {
                Some(a) if a.whole > 0 => format!("{} / {}", a.part, a.whole),
                _ => t(Text::AttendanceLater).to_string(),
            };
            view! {
                <section class="card total" data-testid="score-total">
                    <p>{t(Text::Total)}</p>
                    <p><strong class="big" data-testid="total">{points_text(c.total_centi)}</strong>
                        <span class="muted">" / 100" {t(Text::Points)}</span></p>
                    <p class="muted" data-testid="round">{round}</p>
                </section>
                {figures}
                <section class="card">
                    <p>{t(Text::Certificates)} " " <strong data-testid="certificates">{certs}</strong></p>
                    <p>{t(Text::Attendance)} " " <span class="muted">{attendance}</span></p>
                    <p class="muted small" data-testid="rule">{t(Text::Rule)}</p>
                </section>
            }
        })
    };
    view! {
        <SignedIn>
            <h1>{t(Text::Scorecard)}</h1>
            <ScopeAndPeriod sites=sites site=site periods=options period=period name="period" />
            <Message text=message />
            {body}
        </SignedIn>
    }
}

/// The site (or the whole court, offered to a reader of more than one site; the server checks
/// that they see every one) and the period a report page reads, as two selects.
#[component]
pub(super) fn ScopeAndPeriod(
    sites: RwSignal<Vec<crate::model::Site>>,
    site: RwSignal<String>,
    periods: RwSignal<Vec<Period>>,
    period: RwSignal<String>,
    name: &'static str,
) -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let site_options = move || {
        let mut all: Vec<(String, String)> = sites
            .get()
            .iter()
            .map(|s| (s.id.clone(), site_name(app.locale, s)))
            .collect();
        if all.len() > 1 {
            all.push((crate::score::COURT.into(), t(Text::Court).into()));
        }
        all.into_iter()
            .map(|(id, name)| {
                let id2 = id.clone();
                view! { <option value=id selected=move || site.get() == id2>{name}</option> }
            })
            .collect_view()
    };
    let period_options = move || {
        periods
            .get()
            .into_iter()
            .map(|p| {
                let text = p.text();
                let text2 = text.clone();
                view! { <option value=text selected=move || period.get() == text2>{p.label(app.locale)}</option> }
            })
            .collect_view()
    };
    view! {
        <div class="row no-print">
            <select name="site" aria-label=move || t(Text::Site)
                on:change=move |ev| site.set(event_target_value(&ev))>{site_options}</select>
            <select name=name aria-label=move || t(Text::Period)
                on:change=move |ev| period.set(event_target_value(&ev))>{period_options}</select>
        </div>
    }
}

fn figure_view(locale: Locale, f: Figure, site: Option<String>, period: String) -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(locale);
    let detail = RwSignal::new(None::<Detail>);
    let kpi = f.kpi;
    let value = f
        .value_permille()
        .map(permille_text)
        .unwrap_or_else(|| "—".into());
    let met = f.met();
    let note = f.note.map(|n| n.text(locale));
    let site = site.unwrap_or_else(|| crate::score::COURT.into());
    let open = move |_| {
        if detail.get_untracked().is_some() {
            detail.set(None);
            return;
        }
        let path = format!(
            "/api/v1/scorecard/records?site={site}&period={period}&kpi={}",
            kpi.code()
        );
        leptos::task::spawn_local(async move {
            if let Ok(d) = client::get::<Detail>(&path).await {
                detail.set(Some(d));
            } else {
                app.contact();
            }
        });
    };
    let rows = move || {
        detail.get().map(|d| {
            if d.rows.is_empty() {
                return view! { <p class="muted">{t(Text::NoRecords)}</p> }.into_any();
            }
            let more = d.more.then(|| view! { <p class="muted">{t(Text::MoreRecords)}</p> });
            let items = d
                .rows
                .into_iter()
                .map(|r| {
                    view! { <li><span class="muted">{crate::alert::text::court_when(r.at)}</span> " "
                        <strong>{r.subject}</strong> " " {r.why}</li> }
                })
                .collect_view();
            view! { <ul class="detail" data-testid="detail">{items}</ul> {more} }.into_any()
        })
    };
    let whole = f.whole;
    view! {
        <section class="card kpi" class:alarm=!met data-testid=format!("kpi-{}", kpi.code())>
            <h2>{kpi.label(locale)}</h2>
            <p class="muted small">{kpi.measure(locale)}</p>
            <p><strong class="big" class:error-text=!met data-testid="value">{value}</strong>
                " " <span class="muted">{t(Text::Target)} " ≥" {permille_text(f.target_permille)}</span></p>
            {meter(&f)}
            <p>{t(Text::Score)} " " <strong data-testid="score">{points_text(f.score_centi)}</strong>
                " / " {f.weight} " · " {t(Text::Counted)} " " {whole} {t(Text::OfWhich)} " " {f.part}</p>
            {note.map(|n| view! { <p class="muted" data-testid="note">{n}</p> })}
            <button type="button" class="small" data-testid="open-records" on:click=open>{t(Text::Records)}</button>
            {rows}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_months_and_four_quarters_back() {
        let (from, _) = Period::parse("2026-02").unwrap().bounds();
        let p = periods(from + 1);
        assert_eq!(p.len(), 16);
        assert_eq!(p[0].text(), "2026-02");
        assert_eq!(p[11].text(), "2025-03");
        assert_eq!(p[12].text(), "2026-Q1");
        assert_eq!(p[15].text(), "2025-Q2");
    }
}
