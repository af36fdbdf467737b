//! Ids of new records, made on the phone (the server checks each is a UUID).

/// A random (v4) UUID from the browser's crypto; empty when rendered on the server, which
/// makes no records.
pub fn new_uuid() -> String {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.crypto().ok())
            .map(|c| c.random_uuid())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}
