//! The worker's copy of the home page drawn for the person signed in on this phone (see
//! `public/sw.js`): what the page tells the worker when the person changes.

/// Keeps the worker's copy of the home page drawn for the person signed in on this phone, so a
/// warm start paints its content from the worker's HTML before the wasm runs: fetched again
/// when the person (or what the server says of them) changed and the server answers, and
/// forgotten when nobody is signed in, or someone else signed in offline (a shared post phone
/// never shows one guard's home to the next). The worker's other pages name nobody.
pub fn person_home(me: Option<&crate::model::Me>, online: bool) {
    #[cfg(feature = "hydrate")]
    {
        use crate::phone::client::store;
        let held = store::get::<crate::model::Me>(store::HOME_PERSON);
        if held.as_ref() == me {
            return;
        }
        let controller = web_sys::window()
            .filter(|w| w.is_secure_context())
            .and_then(|w| w.navigator().service_worker().controller());
        let tell = |what: &str| {
            if let Some(c) = &controller {
                let _ = c.post_message(&wasm_bindgen::JsValue::from_str(what));
            }
        };
        match me {
            // No worker controls the page yet (a first visit): the one installing fetches the
            // home as the session now has it; the next contact asks again.
            Some(_) if online && controller.is_none() => {}
            Some(me) if online => {
                tell("person-home");
                store::set(store::HOME_PERSON, me);
            }
            _ => {
                tell("forget-person");
                store::delete(store::HOME_PERSON);
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (me, online);
}
