//! The service worker from the page's side: register it, notice a waiting new build, and switch
//! to it only when the person agrees and no form is half-filled (mixing an old page with new
//! code breaks hydration, and a reload would lose what was typed).

use crate::phone::state::AppState;

#[cfg(feature = "hydrate")]
pub fn register(app: AppState) {
    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast};
    use wasm_bindgen_futures::JsFuture;

    let Some(window) = web_sys::window() else {
        return;
    };
    // Only a secure context has service workers (there is none to register on plain HTTP).
    if !window.is_secure_context() {
        app.insecure.set(true);
        return;
    }
    let container = window.navigator().service_worker();

    leptos::task::spawn_local(async move {
        let Ok(reg) = JsFuture::from(container.register("/sw.js")).await else {
            return;
        };
        let Ok(reg) = reg.dyn_into::<web_sys::ServiceWorkerRegistration>() else {
            return;
        };
        let has_controller = container.controller().is_some();
        // A first visit: the page is served from the network until the worker has cached every
        // page and part and takes control; until then it says so.
        if !has_controller {
            app.preparing_offline.set(true);
            let ready = Closure::<dyn FnMut()>::new(move || app.preparing_offline.set(false));
            let _ = container.add_event_listener_with_callback(
                "controllerchange",
                ready.as_ref().unchecked_ref(),
            );
            ready.forget();
            if container.controller().is_some() {
                app.preparing_offline.set(false);
            }
        }
        if reg.waiting().is_some() && has_controller {
            app.update_ready.set(true);
        }
        let reg2 = reg.clone();
        let on_update = Closure::<dyn FnMut()>::new(move || {
            let Some(installing) = reg2.installing() else {
                return;
            };
            let worker = installing.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                let installed = worker.state() == web_sys::ServiceWorkerState::Installed;
                let controlled = web_sys::window()
                    .map(|w| w.navigator().service_worker().controller().is_some())
                    .unwrap_or(false);
                if installed && controlled {
                    app.update_ready.set(true);
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        reg.set_onupdatefound(Some(on_update.as_ref().unchecked_ref()));
        on_update.forget();
    });
}

#[cfg(not(feature = "hydrate"))]
pub fn register(_app: AppState) {}

/// Tells the waiting worker to take over; the page reloads on `controllerchange`.
/// Refused (returns false) while a form holds unsaved input.
pub fn apply_update(app: AppState) -> bool {
    use leptos::prelude::GetUntracked;
    if app.dirty_forms.get_untracked() > 0 {
        return false;
    }
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen_futures::JsFuture;
        leptos::task::spawn_local(async move {
            let Some(window) = web_sys::window() else {
                return;
            };
            let container = window.navigator().service_worker();
            // The new worker taking control is the moment to load the new build (only
            // now: the first install also changes the controller, and must not reload).
            let reload = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(|| {
                if let Some(w) = web_sys::window() {
                    let _ = w.location().reload();
                }
            });
            container
                .set_oncontrollerchange(Some(wasm_bindgen::JsCast::unchecked_ref(reload.as_ref())));
            reload.forget();
            if let Ok(reg) = JsFuture::from(container.get_registration()).await {
                use wasm_bindgen::JsCast;
                if let Ok(reg) = reg.dyn_into::<web_sys::ServiceWorkerRegistration>() {
                    if let Some(w) = reg.waiting() {
                        let _ = w.post_message(&wasm_bindgen::JsValue::from_str("skip-waiting"));
                    }
                }
            }
        });
    }
    true
}

/// Asks the worker to fetch the app's pages again (after a language change, so the cached pages
/// speak the new language), then reloads.
pub fn recache_pages_and_reload() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::{closure::Closure, JsCast, JsValue};
        use wasm_bindgen_futures::JsFuture;
        leptos::task::spawn_local(async move {
            let Some(window) = web_sys::window() else {
                return;
            };
            // The worker that will serve the reload: the page's controller, or (in the first
            // minute after a first visit, before it controls the page) the one being installed,
            // whose cached pages would otherwise bring the old language back. None outside a
            // secure context.
            let worker = if window.is_secure_context() {
                let container = window.navigator().service_worker();
                match container.controller() {
                    Some(c) => Some(c),
                    None => {
                        let ready = js_sys::Promise::race(&js_sys::Array::of2(
                            &container
                                .ready()
                                .unwrap_or_else(|_| js_sys::Promise::resolve(&JsValue::NULL)),
                            &js_sys::Promise::new(&mut |resolve, _| {
                                let _ = window
                                    .set_timeout_with_callback_and_timeout_and_arguments_0(
                                        &resolve, 3000,
                                    );
                            }),
                        ));
                        JsFuture::from(ready)
                            .await
                            .ok()
                            .and_then(|r| r.dyn_into::<web_sys::ServiceWorkerRegistration>().ok())
                            .and_then(|r| r.active())
                    }
                }
            } else {
                None
            };
            if let Some(ctrl) = worker {
                // Wait for the worker's answer (or give up after 3 s), then reload.
                let promise = js_sys::Promise::new(&mut |resolve, _| {
                    let channel = web_sys::MessageChannel::new();
                    if let Ok(channel) = channel {
                        let resolve2 = resolve.clone();
                        let on_msg = Closure::<dyn FnMut()>::new(move || {
                            let _ = resolve2.call0(&wasm_bindgen::JsValue::NULL);
                        });
                        channel
                            .port1()
                            .set_onmessage(Some(on_msg.as_ref().unchecked_ref()));
                        on_msg.forget();
                        let transfer = js_sys::Array::of1(&channel.port2());
                        let _ = ctrl.post_message_with_transferable(
                            &wasm_bindgen::JsValue::from_str("recache-pages"),
                            &transfer,
                        );
                    }
                    if let Some(w) = web_sys::window() {
                        let _ =
                            w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 3000);
                    }
                });
                let _ = JsFuture::from(promise).await;
            }
            let _ = window.location().reload();
        });
    }
}
