//! `/ca`: hands a phone the court's certificate authority, with a QR code of this page and
//! the steps for Android and iOS. Needs no session (a phone installs it before it can trust
//! the sign-in page) and works over the plain-HTTP port.

use crate::i18n::trust::Text;
use crate::model::CaInfo;
use crate::phone::client;
use crate::phone::state::use_app;
use leptos::prelude::*;

#[component]
pub fn Trust() -> impl IntoView {
    let app = use_app();
    let t = move |w: Text| w.text(app.locale);
    let info = LocalResource::new(|| async { client::get::<CaInfo>("/api/v1/ca").await.ok() });
    let steps = move |title: Text, items: [Text; 4], id: &'static str| {
        view! {
            <section class="card" data-testid=id>
                <h2>{t(title)}</h2>
                <ol>{items.map(|s| view! { <li>{t(s)}</li> }).collect_view()}</ol>
            </section>
        }
    };
    view! {
        <section class="card" data-testid="trust">
            <h1>{t(Text::Title)}</h1>
            <p>{t(Text::Why)}</p>
            {move || info.get().flatten().map(|i: CaInfo| match i.fingerprint {
                None => view! { <p class="note" data-testid="no-authority">{t(Text::NoAuthority)}</p> }.into_any(),
                Some(fp) => view! {
                    <figure class="qr">
                        <img src="/ca/qr.svg" width="240" height="240" alt=t(Text::Scan) />
                        <figcaption class="muted">{t(Text::Scan)}</figcaption>
                    </figure>
                    <a class="button primary big" href="/ca.crt" download="guardpost-ca.crt" data-testid="download-ca">{t(Text::Download)}</a>
                    <p class="muted">{t(Text::Fingerprint)}</p>
                    <p class="mono" data-testid="fingerprint">{fp}</p>
                    <p>{t(Text::Open)} " " <a href=i.https_url.clone() data-testid="https-url">{i.https_url.clone()}</a></p>
                }.into_any(),
            })}
        </section>
        {steps(Text::Android, [Text::Android1, Text::Android2, Text::Android3, Text::Android4], "android")}
        {steps(Text::Ios, [Text::Ios1, Text::Ios2, Text::Ios3, Text::Ios4], "ios")}
    }
}
