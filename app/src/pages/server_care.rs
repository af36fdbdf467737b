//! `/server`, for administrators: the server's backups (the last good one, its size and its
//! verified copy off the machine, a failing one flagged) and the page that hands phones the
//! court's certificate, the alert rules and the group robots.

use crate::components::SignedIn;
use crate::i18n::trust::Text;
use crate::model::BackupStatus;
use crate::phone::client;
use crate::phone::state::use_app;
use leptos::prelude::*;

#[component]
pub fn ServerCare() -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let status =
        LocalResource::new(|| async { client::get::<BackupStatus>("/api/v1/backups").await.ok() });
    let mb = |b: i64| format!("{:.1} MB", b as f64 / 1_048_576.0);
    view! {
        <SignedIn>
            <section class="card" data-testid="backups">
                <h1>{t(Text::Backups)}</h1>
                {move || status.get().flatten().map(|s: BackupStatus| view! {
                    {s.failing.clone().map(|e| view! {
                        <p class="error" role="alert" data-testid="backup-failing">{t(Text::Failing)} " " {e}</p>
                    })}
                    {match s.last_good.clone() {
                        Some(b) => view! {
                            <p data-testid="backup-last">{t(Text::LastGood)} " "
                                {client::format_local_time(b.finished_at as f64)} " · " {mb(b.bytes)}</p>
                            <p class="mono muted">{b.file.clone()}</p>
                            {b.copy_file.clone().map(|c| view! {
                                <p>{t(Text::CopyAt)}</p><p class="mono muted" data-testid="backup-copy">{c}</p>
                            })}
                        }.into_any(),
                        None => view! { <p class="note" data-testid="backup-none">{t(Text::NoGood)}</p> }.into_any(),
                    }}
                    {match s.copy_dir.clone() {
                        Some(d) => view! { <p>{t(Text::CopiesTo)} " " <span class="mono">{d}</span></p> }.into_any(),
                        None => view! { <p class="error" data-testid="backup-only-here">{t(Text::OnlyHere)}</p> }.into_any(),
                    }}
                    <p class="muted">{if s.every_hours > 0 {
                        format!("{} {}", t(Text::EveryHours), s.every_hours)
                    } else {
                        t(Text::NoSchedule).to_string()
                    }}</p>
                })}
            </section>
            <section class="card">
                <a class="button big" href="/ca">{t(Text::Title)}</a>
            </section>
            <super::alert_admin::AlertAdmin />
        </SignedIn>
    }
}
