//! Interface text in Simplified Chinese (first) and English: one catalogue, split by feature.
//! [`Key`] (`common.rs`) holds the app's shared words; each feature's pages have their own
//! (`<feature>.rs`) and each feature's rules theirs (`<feature>_rules.rs`), compiled into the
//! phone and the server alike, so an error the server writes reads the same as one the phone
//! writes. Entries are declared with [`catalogue!`]; an enum whose values have codes declares
//! its labels beside them with `coded!`.
//!
//! The language is a cookie (`gp_lang`) so the server renders the page in the language the phone
//! will hydrate it in.

use serde::{Deserialize, Serialize};

pub const LANG_COOKIE: &str = "gp_lang";

/// The text for `locale` of a pair written in place (rules' messages live beside the rule).
pub fn pick(locale: Locale, zh: &'static str, en: &'static str) -> &'static str {
    if locale == Locale::Zh {
        zh
    } else {
        en
    }
}

/// Declares a code-named enum with its labels in both languages (the code is what crosses the
/// wire and sits in the database).
macro_rules! coded {
    ($(#[$m:meta])* $name:ident { $($v:ident = $code:literal, $zh:literal, $en:literal;)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $code)] $v),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),*];
            pub fn code(self) -> &'static str { match self { $($name::$v => $code),* } }
            pub fn parse(s: &str) -> Option<Self> { Self::ALL.iter().copied().find(|x| x.code() == s) }
            pub fn label(self, locale: $crate::i18n::Locale) -> &'static str {
                match self { $($name::$v => $crate::i18n::pick(locale, $zh, $en)),* }
            }
        }
    };
}
pub(crate) use coded;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    Zh,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::Zh => "zh-CN",
            Locale::En => "en",
        }
    }
    pub fn cookie_value(self) -> &'static str {
        match self {
            Locale::Zh => "zh",
            Locale::En => "en",
        }
    }
    pub fn from_cookie_value(v: &str) -> Locale {
        if v == "en" {
            Locale::En
        } else {
            Locale::Zh
        }
    }
    /// The language named in a `Cookie:` header; Chinese when absent.
    pub fn from_cookie_header(header: &str) -> Locale {
        header
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == LANG_COOKIE)
            .map(|(_, v)| Locale::from_cookie_value(v))
            .unwrap_or_default()
    }
    pub fn other(self) -> Locale {
        match self {
            Locale::Zh => Locale::En,
            Locale::En => Locale::Zh,
        }
    }
}

/// What a catalogue's entry gives: its words in `locale`.
pub trait Words: Copy {
    fn text(self, locale: Locale) -> &'static str;
}

/// Declares a catalogue of interface text: an enum of entries, each with its words in
/// Chinese and English (both required: a missing one does not compile). Each feature's pages
/// have their own (`i18n::<feature>::Text`), so their words travel with their code (a lazily
/// loaded page's words are in its chunk, not the first download); [`Key`] holds the app's
/// shared words and the rules' and server's messages.
macro_rules! catalogue {
    ($(#[$m:meta])* $name:ident { $($(#[$km:meta])* $key:ident => $zh:expr, $en:expr;)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name { $($(#[$km])* $key),* }

        impl $name {
            /// Every entry (for the test that both languages are there).
            pub const ALL: &'static [$name] = &[$($name::$key),*];

            /// Each entry's words, in the enum's order: a table, not code.
            const WORDS: &'static [(&'static str, &'static str)] = &[$(($zh, $en)),*];

            pub fn text(self, locale: $crate::i18n::Locale) -> &'static str {
                let (zh, en) = Self::WORDS[self as usize];
                match locale {
                    $crate::i18n::Locale::Zh => zh,
                    $crate::i18n::Locale::En => en,
                }
            }
        }

        impl $crate::i18n::Words for $name {
            fn text(self, locale: $crate::i18n::Locale) -> &'static str {
                $name::text(self, locale)
            }
        }
    };
}
pub(crate) use catalogue;

pub mod alert;
pub mod boiler;
pub mod boiler_rules;
pub mod checklist_rules;
mod common;
pub mod court_duty;
pub mod dashboard;
pub mod device;
pub mod duties;
pub mod emergency;
pub mod emergency_rules;
pub mod fire;
pub mod fire_rules;
pub mod front_rules;
pub mod gate;
pub mod gate_rules;
pub mod hazard;
pub mod hazard_rules;
pub mod idcard_rules;
pub mod inspect;
pub mod inspect_rules;
pub mod people;
pub mod people_rules;
pub mod procedure;
pub mod procedure_rules;
pub mod rectify;
pub mod request;
pub mod request_rules;
pub mod rounds;
pub mod rounds_rules;
pub mod score;
pub mod screening_rules;
pub mod trust;
pub mod watch_rules;

pub use common::Key;

#[cfg(test)]
mod tests {
    /// Every catalogue, each entry's words in both languages: Chinese that is Chinese, English
    /// that is English (a plate number's province character aside), neither empty (the
    /// language switch says the other language's name).
    #[test]
    fn every_catalogue_is_complete_in_both_languages() {
        fn check<W: Words + std::fmt::Debug>(all: &[W]) -> usize {
            let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            for w in all {
                let (zh, en) = (w.text(Locale::Zh), w.text(Locale::En));
                if format!("{w:?}") == "Language" {
                    continue;
                }
                assert!(cjk(zh), "{w:?}: no Chinese in {zh:?}");
                let latin = en.chars().filter(|c| c.is_ascii_alphabetic()).count();
                let chinese = en.chars().filter(|c| cjk(&c.to_string())).count();
                assert!(latin > 0 && chinese <= 1, "{w:?}: English {en:?}");
            }
            all.len()
        }
        let n = check(Key::ALL)
            + check(alert::Text::ALL)
            + check(boiler::Text::ALL)
            + check(court_duty::Text::ALL)
            + check(dashboard::Text::ALL)
            + check(duties::Text::ALL)
            + check(fire::Text::ALL)
            + check(gate::Text::ALL)
            + check(hazard::Text::ALL)
            + check(device::Text::ALL)
            + check(trust::Text::ALL)
            + check(inspect::Text::ALL)
            + check(people::Text::ALL)
            + check(procedure::Text::ALL)
            + check(rectify::Text::ALL)
            + check(request::Text::ALL)
            + check(request_rules::Words::ALL)
            + check(emergency::Text::ALL)
            + check(emergency_rules::Words::ALL)
            + check(rounds::Text::ALL)
            + check(score::Text::ALL)
            + check(boiler_rules::Words::ALL)
            + check(checklist_rules::Words::ALL)
            + check(fire_rules::Words::ALL)
            + check(front_rules::Words::ALL)
            + check(idcard_rules::Words::ALL)
            + check(watch_rules::Words::ALL)
            + check(gate_rules::Words::ALL)
            + check(hazard_rules::Words::ALL)
            + check(inspect_rules::Words::ALL)
            + check(people_rules::Words::ALL)
            + check(procedure_rules::Words::ALL)
            + check(rounds_rules::Words::ALL)
            + check(screening_rules::Words::ALL);
        assert!(n > 500, "{n} entries");
    }

    use super::*;

    #[test]
    fn cookie_header_picks_language() {
        assert_eq!(Locale::from_cookie_header(""), Locale::Zh);
        assert_eq!(Locale::from_cookie_header("a=b; gp_lang=en"), Locale::En);
        assert_eq!(Locale::from_cookie_header("gp_lang=zh; x=1"), Locale::Zh);
        assert_eq!(Locale::from_cookie_header("gp_lang=fr"), Locale::Zh);
    }

    #[test]
    fn both_languages_have_text() {
        for k in [Key::SignIn, Key::ErrWrongPassword, Key::RoleCaretaker] {
            assert!(!k.text(Locale::Zh).is_empty());
            assert_ne!(k.text(Locale::Zh), k.text(Locale::En));
        }
    }
}
