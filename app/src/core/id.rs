//! Ids of new records, made on the phone (the server checks each is a UUID).

/// A random (v4) UUID from the browser's cryptographic generator (`getRandomValues`, which
/// a page opened over plain HTTP has too, unlike `randomUUID`); empty when rendered on the
/// server, which makes no records.
pub fn new_uuid() -> String {
    #[cfg(feature = "hydrate")]
    {
        let mut b = [0u8; 16];
        match web_sys::window().and_then(|w| w.crypto().ok()) {
            Some(c) if c.get_random_values_with_u8_array(&mut b).is_ok() => v4(&b),
            _ => String::new(),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

/// A version 4 UUID from 16 random bytes.
#[cfg(any(feature = "hydrate", test))]
pub fn v4(random: &[u8]) -> String {
    let mut b = [0u8; 16];
    for (d, s) in b.iter_mut().zip(random) {
        *d = *s;
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn random_bytes_make_a_version_4_uuid() {
        let id = super::v4(&[0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let id = super::v4(&[0; 16]);
        assert_eq!(id, "00000000-0000-4000-8000-000000000000");
    }
}
