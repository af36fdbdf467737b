//! People as they cross the wire: their accounts, certificates, and the rules for logins,
//! passwords and names.

use super::Role;
use crate::i18n::people_rules::Words;
use serde::{Deserialize, Serialize};

/// A person as an administrator sees them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonView {
    pub id: String,
    pub login: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub site_ids: Vec<String>,
    pub disabled: bool,
    pub must_change_password: bool,
    /// The person's certificates (资质证书), one per kind.
    #[serde(default)]
    pub certificates: Vec<Certificate>,
}

crate::i18n::coded!(
    /// The certificates the domain rules ask of the service's people.
    CertKind {
        GuardLicense = "guard_license", "保安员证", "Security guard licence";
        Skill = "skill", "保安员职业技能证书", "Guard skill certificate";
        FireOperator = "fire_operator", "消防设施操作员证", "Fire-facility operator certificate";
    }
);

/// A certificate a person holds: its number and the last day it is valid (`YYYY-MM-DD`;
/// empty when it does not expire).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Certificate {
    pub kind: CertKind,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub valid_until: String,
}

/// Certificates as typed on the people page: trimmed, one per kind, a number each, and a real
/// date or none.
pub fn check_certificates(
    certs: Vec<Certificate>,
    locale: crate::i18n::Locale,
) -> Result<Vec<Certificate>, crate::core::FieldError> {
    let err = |words: Words, kind: CertKind| crate::core::FieldError {
        field: "certificates",
        message: format!("{}：{}", kind.label(locale), words.text(locale)),
    };
    let mut out: Vec<Certificate> = Vec::new();
    for mut c in certs {
        c.number = c.number.trim().into();
        c.valid_until = c.valid_until.trim().into();
        if out.iter().any(|o| o.kind == c.kind) {
            return Err(err(Words::ListedTwice, c.kind));
        }
        if c.number.is_empty() || c.number.chars().count() > 40 {
            return Err(err(Words::EnterTheCertificateNumberAtMost, c.kind));
        }
        if !c.valid_until.is_empty() && !crate::core::valid_date(&c.valid_until) {
            return Err(err(Words::ValidUntilMustBeADate, c.kind));
        }
        out.push(c);
    }
    Ok(out)
}

/// The certificates `roles` need: every post of the service the guard licence, the fire
/// control room the operator's certificate too.
pub fn needed_certificates(roles: &[Role]) -> Vec<CertKind> {
    let mut needed = Vec::new();
    if roles.iter().any(|r| {
        matches!(
            r,
            Role::Guard | Role::TeamLeader | Role::GateGuard | Role::Caretaker | Role::FireOperator
        )
    }) {
        needed.push(CertKind::GuardLicense);
    }
    if roles.contains(&Role::FireOperator) {
        needed.push(CertKind::FireOperator);
    }
    needed
}

/// Whether `p` holds, valid on `today` (`YYYY-MM-DD`), every certificate their roles need;
/// none when they need none (持证率 counts those who do).
pub fn holds_needed(p: &PersonView, today: &str) -> Option<bool> {
    let needed = needed_certificates(&p.roles);
    (!needed.is_empty()).then(|| {
        needed.iter().all(|k| {
            p.certificates.iter().any(|c| {
                c.kind == *k && (c.valid_until.is_empty() || c.valid_until.as_str() >= today)
            })
        })
    })
}

/// What is wrong with a person's certificates on `today` (`YYYY-MM-DD`), for rostering: a
/// certificate their roles need and they lack, or one expired or expiring within 30 days
/// (`soon` is the date 30 days on).
pub fn certificate_flags(
    p: &PersonView,
    today: &str,
    soon: &str,
    locale: crate::i18n::Locale,
) -> Vec<String> {
    let mut flags = Vec::new();
    for k in needed_certificates(&p.roles) {
        if !p.certificates.iter().any(|c| c.kind == k) {
            flags.push(format!(
                "{}{}",
                Words::Missing.text(locale),
                k.label(locale)
            ));
        }
    }
    for c in &p.certificates {
        let until = c.valid_until.as_str();
        if until.is_empty() {
            continue;
        }
        if until < today {
            flags.push(format!(
                "{}{}",
                c.kind.label(locale),
                Words::Expired.text(locale)
            ));
        } else if until <= soon {
            flags.push(format!(
                "{}{} {until}",
                c.kind.label(locale),
                Words::Expires.text(locale)
            ));
        }
    }
    flags
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SignInRequest {
    pub login: String,
    pub password: String,
    /// The enrolled phone signed in on (with its key in the device header): its failures are
    /// counted for it, so a court's shared address locks no phone out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NewPerson {
    pub login: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub site_ids: Vec<String>,
    /// Held from the start (a fire operator's certificate before their first shift).
    #[serde(default)]
    pub certificates: Vec<Certificate>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PersonUpdate {
    pub display_name: String,
    pub roles: Vec<Role>,
    pub site_ids: Vec<String>,
    pub disabled: bool,
    /// Replaces the person's certificates.
    #[serde(default)]
    pub certificates: Vec<Certificate>,
}

/// The answer when an administrator creates a person or resets a password: the one-time
/// password is shown once to the administrator and never stored in plain text.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OneTimePassword {
    pub person: PersonView,
    pub one_time_password: String,
}

/// Login names: 3–32 of a–z, 0–9, `.`, `_`, `-`, so they are easy to type with gloves and
/// unambiguous in logs.
pub fn validate_login(login: &str) -> Result<(), crate::i18n::Key> {
    let ok_len = (3..=32).contains(&login.chars().count());
    let ok_chars = login
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok_len && ok_chars {
        Ok(())
    } else {
        Err(crate::i18n::Key::ErrLoginFormat)
    }
}

/// New passwords: at least 10 characters, not the login name.
pub fn validate_new_password(login: &str, password: &str) -> Result<(), crate::i18n::Key> {
    if password.chars().count() < 10 {
        return Err(crate::i18n::Key::ErrPasswordTooShort);
    }
    if password.chars().count() > 128 {
        return Err(crate::i18n::Key::ErrPasswordTooLong);
    }
    if password.eq_ignore_ascii_case(login) {
        return Err(crate::i18n::Key::ErrPasswordIsLogin);
    }
    Ok(())
}

pub fn validate_display_name(name: &str) -> Result<(), crate::i18n::Key> {
    let n = name.trim().chars().count();
    if (1..=40).contains(&n) {
        Ok(())
    } else {
        Err(crate::i18n::Key::ErrDisplayName)
    }
}
