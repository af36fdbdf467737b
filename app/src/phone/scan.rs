//! Scanning a checkpoint's QR tag with the phone's camera, where the browser has the Shape
//! Detection API's `BarcodeDetector` (Chrome on Android does; desktop Linux does not). Nothing
//! is stored: frames are read in the browser and only the tag's text is kept.

/// Whether this browser can read QR codes from the camera.
#[cfg(feature = "hydrate")]
pub fn available() -> bool {
    let w = leptos::prelude::window();
    js_sys::Reflect::has(&w, &"BarcodeDetector".into()).unwrap_or(false)
        && w.navigator().media_devices().is_ok()
}
#[cfg(not(feature = "hydrate"))]
pub fn available() -> bool {
    false
}

#[cfg(feature = "hydrate")]
mod camera {
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    fn detector() -> Result<JsValue, JsValue> {
        let w = leptos::prelude::window();
        let ctor: js_sys::Function =
            js_sys::Reflect::get(&w, &"BarcodeDetector".into())?.dyn_into()?;
        let opts = js_sys::Object::new();
        let formats = js_sys::Array::of1(&"qr_code".into());
        js_sys::Reflect::set(&opts, &"formats".into(), &formats)?;
        js_sys::Reflect::construct(&ctor, &js_sys::Array::of1(&opts))
    }

    async fn sleep(ms: i32) {
        let p = js_sys::Promise::new(&mut |resolve, _| {
            let _ = leptos::prelude::window()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        });
        let _ = JsFuture::from(p).await;
    }

    /// Opens the back camera into `video` and reads frames until a QR code is found or
    /// `cancelled()` says stop; the camera is released either way.
    pub async fn scan(
        video: web_sys::HtmlVideoElement,
        cancelled: impl Fn() -> bool,
    ) -> Result<Option<String>, JsValue> {
        let devices = leptos::prelude::window().navigator().media_devices()?;
        let constraints = web_sys::MediaStreamConstraints::new();
        let facing = js_sys::Object::new();
        js_sys::Reflect::set(&facing, &"facingMode".into(), &"environment".into())?;
        constraints.set_video(&facing);
        let stream: web_sys::MediaStream =
            JsFuture::from(devices.get_user_media_with_constraints(&constraints)?)
                .await?
                .dyn_into()?;
        video.set_src_object(Some(&stream));
        let _ = video.play();
        let detector = detector()?;
        let detect: js_sys::Function =
            js_sys::Reflect::get(&detector, &"detect".into())?.dyn_into()?;
        let mut found = None;
        while !cancelled() {
            if video.ready_state() >= 2 {
                if let Ok(p) = detect.call1(&detector, &video) {
                    if let Ok(list) = JsFuture::from(js_sys::Promise::from(p)).await {
                        let first = js_sys::Array::from(&list).get(0);
                        if let Ok(text) = js_sys::Reflect::get(&first, &"rawValue".into()) {
                            if let Some(t) = text.as_string() {
                                found = Some(t);
                                break;
                            }
                        }
                    }
                }
            }
            sleep(250).await;
        }
        for t in stream.get_tracks().iter() {
            if let Ok(t) = t.dyn_into::<web_sys::MediaStreamTrack>() {
                t.stop();
            }
        }
        video.set_src_object(None);
        Ok(found)
    }
}

#[cfg(feature = "hydrate")]
pub use camera::scan;
