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
    pub fn said(locale: Locale, field: &'static str, words: impl crate::i18n::Words) -> Self {
        FieldError {
            field,
            message: words.text(locale).to_string(),
        }
    }
}

/// `value` trimmed, or why it is too long for `field` (at most `max` characters).
pub fn trimmed(
    field: &'static str,
    value: &str,
    max: usize,
    locale: Locale,
) -> Result<String, FieldError> {
    let v = value.trim().to_string();
    if v.chars().count() > max {
        return Err(FieldError {
            field,
            message: match locale {
                Locale::Zh => format!("内容过长（最多{max}字）"),
                Locale::En => format!("At most {max} characters"),
            },
        });
    }
    Ok(v)
}
