//! Alerts (告警): what the server raises when something needs a person now, who it reaches and
//! when it escalates, and the one-tap acknowledgement.
//!
//! Every alert is judged by the server from its own records (`server::alerts::engine`), as a
//! condition that holds or not: a request not yet answered, a fire alarm not closed, a round
//! whose window passed with no round received. An alert is raised when its condition first
//! holds, climbs its rule's escalation chain while nobody acknowledges it, and is resolved when
//! the condition stops holding (the answer came, the late record arrived), so an alert judged
//! on records a phone had not sent yet is put right by their arrival instead of staying wrong.
//!
//! Rules, their defaults and the chains are [`rules`]; the words each alert is told in, on the
//! phone and to the group robots (never a name there), are [`text`]; when to escalate and how
//! to send under a robot's rate limit are [`plan`].

pub mod plan;
pub mod rules;
pub mod text;

use crate::i18n::Key;
use crate::model::Role;
use crate::record::Record;
use crate::rows::Entity;
use crate::sync::{Mutation, Rows};
use serde::{Deserialize, Serialize};

pub use rules::{RuleConfig, RuleKind, Stage};

/// Alerts phones pull: those of their sites (the court's own, such as a failing backup, reach
/// administrators); each phone shows a person those addressed to their roles. Kept a week after
/// they are raised, and however long while still open.
pub const ALERT: Entity = Entity::declare("alert")
    .kept_by("raised_at", 7)
    .open_until("resolved_at");

/// `alert.ack` v1: the person signed in acknowledged alert `id` with one tap, at the time the
/// tap was made. For a request's alert, by someone who may answer requests, it is the request's
/// response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Ack {
    pub alert_id: String,
}

impl Record for Ack {
    const NAME: &'static str = "alert.ack";
    const LABEL: Key = Key::RecordAlert;
    const FIX_ROUTE: Option<&'static str> = Some("/");

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(a) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        if let Some(row) = rows.row_mut(ALERT, &a.alert_id) {
            if row["acknowledged_at"].is_null() {
                row["acknowledged_at"] = m.client_time.into();
            }
        }
    }
}

/// An alert as phones keep it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AlertRow {
    /// The alert's number, the same on the phone, the server and in the robots' messages (a
    /// rare duplicate message is recognisable by it).
    pub number: i64,
    pub rule: String,
    /// Empty for the court's own (a backup).
    #[serde(default)]
    pub site_id: String,
    /// What it is about: `court_request:<id>`, `fire_alarm:<id>`, `phone:<client id>`, …
    #[serde(default)]
    pub subject: String,
    /// Since when its condition holds (a request: when it came in).
    pub raised_at: i64,
    /// How far up its chain it has gone (0: the first people).
    #[serde(default)]
    pub stage: u32,
    /// Roles it reaches now, `,a,b,` (each stage adds its roles).
    #[serde(default)]
    pub to_roles: String,
    /// What its words are made of (JSON object; see [`text`]).
    #[serde(default)]
    pub params: String,
    /// Judged on records a phone may not have sent: when the site's phones last synced.
    #[serde(default)]
    pub last_sync_at: Option<i64>,
    #[serde(default)]
    pub acknowledged_at: Option<i64>,
    #[serde(default)]
    pub acknowledged_name: Option<String>,
    #[serde(default)]
    pub resolved_at: Option<i64>,
}

impl AlertRow {
    pub fn rule(&self) -> Option<RuleKind> {
        RuleKind::parse(&self.rule)
    }

    /// Does it reach someone holding `roles` now?
    pub fn reaches(&self, roles: &[Role]) -> bool {
        roles_reach(&self.to_roles, roles)
    }

    pub fn params(&self) -> serde_json::Value {
        serde_json::from_str(&self.params).unwrap_or_default()
    }

    /// Its words in `locale`, as the server wrote them.
    pub fn words(&self, locale: crate::i18n::Locale) -> String {
        let key = if locale == crate::i18n::Locale::Zh {
            "zh"
        } else {
            "en"
        };
        self.params()[key].as_str().unwrap_or_default().to_string()
    }

    /// Open and nobody has acknowledged it: it comes first on a home.
    pub fn waiting(&self) -> bool {
        self.resolved_at.is_none() && self.acknowledged_at.is_none()
    }

    /// The request it is about, if it is a request's.
    pub fn request_id(&self) -> Option<&str> {
        self.subject.strip_prefix("court_request:")
    }
}

/// Roles as an alert's row keeps them: `,guard,team_leader,`.
pub fn roles_text(roles: &[Role]) -> String {
    let mut out = String::from(",");
    for r in roles {
        out.push_str(r.as_str());
        out.push(',');
    }
    out
}

/// Does `to_roles` (as [`roles_text`] writes it) name any of `roles`?
pub fn roles_reach(to_roles: &str, roles: &[Role]) -> bool {
    roles
        .iter()
        .any(|r| to_roles.contains(&format!(",{},", r.as_str())))
}

/// Of `rows`, those that reach `roles` and are still open, in the order they must be seen:
/// unacknowledged first, then the most urgent rule, then the oldest.
pub fn inbox(mut rows: Vec<(String, AlertRow)>, roles: &[Role]) -> Vec<(String, AlertRow)> {
    rows.retain(|(_, a)| a.resolved_at.is_none() && a.reaches(roles));
    rows.sort_by_key(|(_, a)| {
        (
            a.acknowledged_at.is_some(),
            a.rule().map_or(u8::MAX, RuleKind::rank),
            a.raised_at,
        )
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: i64, rule: RuleKind, to: &[Role]) -> (String, AlertRow) {
        (
            format!("a{n}"),
            AlertRow {
                number: n,
                rule: rule.code().into(),
                site_id: "s".into(),
                raised_at: 100 - n,
                to_roles: roles_text(to),
                ..AlertRow::default()
            },
        )
    }

    #[test]
    fn an_inbox_holds_what_reaches_its_person_most_urgent_first() {
        let mut acked = row(1, RuleKind::FireAlarm, &[Role::TeamLeader]);
        acked.1.acknowledged_at = Some(5);
        let mut resolved = row(2, RuleKind::RequestUrgent, &[Role::TeamLeader]);
        resolved.1.resolved_at = Some(9);
        let rows = vec![
            acked,
            resolved,
            row(
                3,
                RuleKind::RoundMissed,
                &[Role::TeamLeader, Role::Supervisor],
            ),
            row(4, RuleKind::RequestUrgent, &[Role::Guard, Role::TeamLeader]),
            row(5, RuleKind::CertExpiring, &[Role::Supervisor]),
        ];
        let got: Vec<i64> = inbox(rows, &[Role::TeamLeader])
            .iter()
            .map(|(_, a)| a.number)
            .collect();
        assert_eq!(got, vec![4, 3, 1]);
    }

    #[test]
    fn roles_are_matched_whole() {
        let to = roles_text(&[Role::TeamLeader]);
        assert!(roles_reach(&to, &[Role::Guard, Role::TeamLeader]));
        assert!(!roles_reach(&to, &[Role::Guard]));
        assert!(!roles_reach(",gate_guard,", &[Role::Guard]));
    }
}
