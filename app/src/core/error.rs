//! A rule's refusal of what was typed, in the person's language.

use crate::i18n::Locale;

/// A field that cannot be saved as typed, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    /// The fault with `field`, said in the person's language.
    pub fn said(locale: Locale, field: &'static str, zh: &'static str, en: &'static str) -> Self {
        FieldError {
            field,
            message: crate::i18n::pick(locale, zh, en).to_string(),
        }
    }
}
