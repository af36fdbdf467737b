//! Types both sides share: roles, the authorization table, sites and people as they cross the wire.
//!
//! Roles, area kinds and actions are enums; they become strings only at the database and JSON
//! boundaries (`as_str` / `parse`), so a typo in a role is a compile error, not a silent deny.

use crate::i18n::Key;
use serde::{Deserialize, Serialize};

/// A person's role in the security service (see the glossary). A person may hold several.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Guard,
    TeamLeader,
    GateGuard,
    Caretaker,
    FireOperator,
    Supervisor,
    CourtLiaison,
    Admin,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Guard,
        Role::TeamLeader,
        Role::GateGuard,
        Role::Caretaker,
        Role::FireOperator,
        Role::Supervisor,
        Role::CourtLiaison,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Guard => "guard",
            Role::TeamLeader => "team_leader",
            Role::GateGuard => "gate_guard",
            Role::Caretaker => "caretaker",
            Role::FireOperator => "fire_operator",
            Role::Supervisor => "supervisor",
            Role::CourtLiaison => "court_liaison",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Everything a person can ask the server to do, checked on every entry point.
///
/// Actions that later issues build (visitors, rounds, …) are listed already so the home screen
/// can show each role its tasks from one table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// See the sites one belongs to, with their areas.
    ViewSites,
    /// Rename sites, add, rename and retire areas.
    ManageSites,
    /// See the list of people and their roles and sites.
    ViewPeople,
    /// Create people, set roles and sites, reset passwords, disable accounts.
    ManagePeople,
    RegisterVisitor,
    RecordScreening,
    PatrolRound,
    ReportHazard,
    GateLog,
    BoilerLog,
    Housekeeping,
    FireDuty,
    Inspect,
    ReviewRectification,
    ViewKpis,
    FileRequest,
    ViewReports,
    RevealIdNumber,
    EnrolDevice,
    /// Keep the court's watchlist (重点关注人员名单).
    ManageWatchlist,
    /// See the enrolled phones, revoke a lost one, decide the records it held.
    ManageDevices,
}

impl Action {
    pub const ALL: [Action; 21] = [
        Action::ViewSites,
        Action::ManageSites,
        Action::ViewPeople,
        Action::ManagePeople,
        Action::RegisterVisitor,
        Action::RecordScreening,
        Action::PatrolRound,
        Action::ReportHazard,
        Action::GateLog,
        Action::BoilerLog,
        Action::Housekeeping,
        Action::FireDuty,
        Action::Inspect,
        Action::ReviewRectification,
        Action::ViewKpis,
        Action::FileRequest,
        Action::ViewReports,
        Action::RevealIdNumber,
        Action::EnrolDevice,
        Action::ManageWatchlist,
        Action::ManageDevices,
    ];

    /// Actions about records of the service itself rather than of one site.
    pub fn is_site_scoped(self) -> bool {
        !matches!(
            self,
            Action::ManageSites
                | Action::ViewPeople
                | Action::ManagePeople
                | Action::ManageWatchlist
                | Action::ManageDevices
        )
    }
}

/// The authorization table: may a holder of `role` do `action` (at one of their sites)?
///
/// One match, read row by row against the roles in `domain-rules.md`; the integration test walks
/// every cell of it through the real HTTP entry points that exist.
pub fn role_allows(role: Role, action: Action) -> bool {
    use Action as A;
    use Role as R;
    match role {
        R::Admin => matches!(
            action,
            A::ViewSites
                | A::ManageSites
                | A::ViewPeople
                | A::ManagePeople
                | A::EnrolDevice
                | A::ManageWatchlist
                | A::ManageDevices
        ),
        R::Supervisor => matches!(
            action,
            A::ViewSites
                | A::ViewPeople
                | A::ReportHazard
                | A::Inspect
                | A::ReviewRectification
                | A::ViewKpis
                | A::ViewReports
                | A::RevealIdNumber
                | A::EnrolDevice
                | A::ManageWatchlist
                | A::ManageDevices
        ),
        R::TeamLeader => matches!(
            action,
            A::ViewSites
                | A::ViewPeople
                | A::RegisterVisitor
                | A::RecordScreening
                | A::PatrolRound
                | A::ReportHazard
                | A::RevealIdNumber
        ),
        R::Guard => matches!(
            action,
            A::ViewSites
                | A::RegisterVisitor
                | A::RecordScreening
                | A::PatrolRound
                | A::ReportHazard
        ),
        R::GateGuard => matches!(
            action,
            A::ViewSites | A::RegisterVisitor | A::GateLog | A::PatrolRound | A::ReportHazard
        ),
        R::Caretaker => matches!(
            action,
            A::ViewSites
                | A::BoilerLog
                | A::Housekeeping
                | A::PatrolRound
                | A::GateLog
                | A::ReportHazard
        ),
        R::FireOperator => matches!(action, A::ViewSites | A::FireDuty | A::ReportHazard),
        R::CourtLiaison => matches!(
            action,
            A::ViewSites | A::FileRequest | A::ViewReports | A::ViewKpis
        ),
    }
}

/// Whether any of `roles` allows `action`.
pub fn roles_allow(roles: &[Role], action: Action) -> bool {
    roles.iter().any(|r| role_allows(*r, action))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    MainCourt,
    Tribunal,
}

impl SiteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SiteKind::MainCourt => "main_court",
            SiteKind::Tribunal => "tribunal",
        }
    }
    pub fn parse(s: &str) -> Option<SiteKind> {
        [SiteKind::MainCourt, SiteKind::Tribunal]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// What kind of place an area is; patrol routes and forms pick areas by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaKind {
    Hall,
    Room,
    Courtroom,
    GateHouse,
    Floor,
    Corridor,
    Restroom,
    Yard,
    FilingArea,
    ReceptionArea,
    FireControlRoom,
    BoilerRoom,
    Other,
}

impl AreaKind {
    pub const ALL: [AreaKind; 13] = [
        AreaKind::Hall,
        AreaKind::Room,
        AreaKind::Courtroom,
        AreaKind::GateHouse,
        AreaKind::Floor,
        AreaKind::Corridor,
        AreaKind::Restroom,
        AreaKind::Yard,
        AreaKind::FilingArea,
        AreaKind::ReceptionArea,
        AreaKind::FireControlRoom,
        AreaKind::BoilerRoom,
        AreaKind::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            AreaKind::Hall => "hall",
            AreaKind::Room => "room",
            AreaKind::Courtroom => "courtroom",
            AreaKind::GateHouse => "gate_house",
            AreaKind::Floor => "floor",
            AreaKind::Corridor => "corridor",
            AreaKind::Restroom => "restroom",
            AreaKind::Yard => "yard",
            AreaKind::FilingArea => "filing_area",
            AreaKind::ReceptionArea => "reception_area",
            AreaKind::FireControlRoom => "fire_control_room",
            AreaKind::BoilerRoom => "boiler_room",
            AreaKind::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<AreaKind> {
        AreaKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Area {
    pub id: String,
    pub code: String,
    pub kind: AreaKind,
    pub name_zh: String,
    pub name_en: String,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Site {
    pub id: String,
    pub code: String,
    pub kind: SiteKind,
    pub name_zh: String,
    pub name_en: String,
    pub areas: Vec<Area>,
}

/// The signed-in person as the client keeps it (also in local storage for offline start).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub id: String,
    pub login: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub site_ids: Vec<String>,
    pub must_change_password: bool,
}

impl Me {
    pub fn can(&self, action: Action) -> bool {
        roles_allow(&self.roles, action)
    }
}

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
    use crate::i18n::pick;
    let err = |zh: &'static str, en: &'static str, kind: CertKind| crate::core::FieldError {
        field: "certificates",
        message: format!("{}：{}", kind.label(locale), pick(locale, zh, en)),
    };
    let mut out: Vec<Certificate> = Vec::new();
    for mut c in certs {
        c.number = c.number.trim().into();
        c.valid_until = c.valid_until.trim().into();
        if out.iter().any(|o| o.kind == c.kind) {
            return Err(err("重复", "listed twice", c.kind));
        }
        if c.number.is_empty() || c.number.chars().count() > 40 {
            return Err(err(
                "请填写证书编号（不超过40字）",
                "enter the certificate number (at most 40 characters)",
                c.kind,
            ));
        }
        if !c.valid_until.is_empty() && !crate::core::valid_date(&c.valid_until) {
            return Err(err(
                "有效期应为日期，如 2027-06-30",
                "valid until must be a date such as 2027-06-30",
                c.kind,
            ));
        }
        out.push(c);
    }
    Ok(out)
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
    use crate::i18n::pick;
    let mut needed = Vec::new();
    if p.roles.iter().any(|r| {
        matches!(
            r,
            Role::Guard | Role::TeamLeader | Role::GateGuard | Role::Caretaker | Role::FireOperator
        )
    }) {
        needed.push(CertKind::GuardLicense);
    }
    if p.roles.contains(&Role::FireOperator) {
        needed.push(CertKind::FireOperator);
    }
    let mut flags = Vec::new();
    for k in needed {
        if !p.certificates.iter().any(|c| c.kind == k) {
            flags.push(format!(
                "{}{}",
                pick(locale, "缺少", "Missing: "),
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
                pick(locale, "已过期", " expired")
            ));
        } else if until <= soon {
            flags.push(format!(
                "{}{} {until}",
                c.kind.label(locale),
                pick(locale, "将到期", " expires")
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

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SiteUpdate {
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AreaInput {
    pub code: String,
    pub kind: AreaKind,
    pub name_zh: String,
    pub name_en: String,
    pub active: bool,
}

/// Every refusal the API gives: a stable code for programs and a message in the caller's
/// language for people.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
    /// With a 413 from the sync push: what the server takes (`sync::Limits`; the phone halves
    /// its batch and reads the limits from the next answer, so it does not parse this).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<serde_json::Value>,
    /// With a 426: the build the phone must update to before it syncs again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_build: Option<String>,
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

impl Role {
    /// The role's name in the interface.
    pub fn key(self) -> Key {
        match self {
            Role::Guard => Key::RoleGuard,
            Role::TeamLeader => Key::RoleTeamLeader,
            Role::GateGuard => Key::RoleGateGuard,
            Role::Caretaker => Key::RoleCaretaker,
            Role::FireOperator => Key::RoleFireOperator,
            Role::Supervisor => Key::RoleSupervisor,
            Role::CourtLiaison => Key::RoleCourtLiaison,
            Role::Admin => Key::RoleAdmin,
        }
    }
}

impl AreaKind {
    /// The kind's name in the interface.
    pub fn key(self) -> Key {
        match self {
            AreaKind::Hall => Key::KindHall,
            AreaKind::Room => Key::KindRoom,
            AreaKind::Courtroom => Key::KindCourtroom,
            AreaKind::GateHouse => Key::KindGateHouse,
            AreaKind::Floor => Key::KindFloor,
            AreaKind::Corridor => Key::KindCorridor,
            AreaKind::Restroom => Key::KindRestroom,
            AreaKind::Yard => Key::KindYard,
            AreaKind::FilingArea => Key::KindFilingArea,
            AreaKind::ReceptionArea => Key::KindReceptionArea,
            AreaKind::FireControlRoom => Key::KindFireControlRoom,
            AreaKind::BoilerRoom => Key::KindBoilerRoom,
            AreaKind::Other => Key::KindOther,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    fn cert(kind: CertKind, number: &str, until: &str) -> Certificate {
        Certificate {
            kind,
            number: number.into(),
            valid_until: until.into(),
        }
    }

    #[test]
    fn certificates_need_a_number_a_real_date_and_one_per_kind() {
        let ok = check_certificates(
            vec![cert(CertKind::FireOperator, " 消操-1 ", " 2028-02-29 ")],
            Locale::Zh,
        )
        .unwrap();
        assert_eq!(ok, [cert(CertKind::FireOperator, "消操-1", "2028-02-29")]);
        let wrong = |c: Vec<Certificate>| check_certificates(c, Locale::Zh).unwrap_err().message;
        assert_eq!(
            wrong(vec![cert(CertKind::FireOperator, "1", "2027-02-29")]),
            "消防设施操作员证：有效期应为日期，如 2027-06-30"
        );
        assert_eq!(
            wrong(vec![cert(CertKind::Skill, "", "")]),
            "保安员职业技能证书：请填写证书编号（不超过40字）"
        );
        assert_eq!(
            wrong(vec![
                cert(CertKind::Skill, "1", ""),
                cert(CertKind::Skill, "2", "")
            ]),
            "保安员职业技能证书：重复"
        );
    }

    #[test]
    fn missing_expired_and_expiring_certificates_are_flagged() {
        let mut p = PersonView {
            id: "p".into(),
            login: "p".into(),
            display_name: "甲".into(),
            roles: vec![Role::FireOperator],
            site_ids: vec![],
            disabled: false,
            must_change_password: false,
            certificates: vec![],
        };
        let flags = |p: &PersonView| certificate_flags(p, "2026-11-28", "2026-12-28", Locale::Zh);
        assert_eq!(flags(&p), ["缺少保安员证", "缺少消防设施操作员证"]);
        p.certificates = vec![
            cert(CertKind::GuardLicense, "1", ""),
            cert(CertKind::FireOperator, "2", "2026-12-28"),
            cert(CertKind::Skill, "3", "2026-11-27"),
        ];
        assert_eq!(
            flags(&p),
            [
                "消防设施操作员证将到期 2026-12-28",
                "保安员职业技能证书已过期"
            ]
        );
        p.certificates[1].valid_until = "2026-12-29".into();
        p.certificates.pop();
        assert!(flags(&p).is_empty());
        // A supervisor needs none of them.
        p.roles = vec![Role::Supervisor];
        p.certificates.clear();
        assert!(flags(&p).is_empty());
    }

    #[test]
    fn role_and_kind_strings_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
        }
        for k in AreaKind::ALL {
            assert_eq!(AreaKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Role::parse("Admin"), None);
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn only_admin_manages_people_and_sites() {
        for r in Role::ALL {
            assert_eq!(
                role_allows(r, Action::ManagePeople),
                r == Role::Admin,
                "{r:?}"
            );
            assert_eq!(
                role_allows(r, Action::ManageSites),
                r == Role::Admin,
                "{r:?}"
            );
        }
    }

    #[test]
    fn every_role_sees_its_sites_and_has_a_task() {
        for r in Role::ALL {
            assert!(role_allows(r, Action::ViewSites));
            let tasks = Action::ALL.iter().filter(|a| role_allows(r, **a)).count();
            assert!(tasks >= 2, "{r:?} has no task beyond viewing sites");
        }
    }

    #[test]
    fn reveal_is_restricted() {
        let revealers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| role_allows(*r, Action::RevealIdNumber))
            .collect();
        assert_eq!(revealers, vec![Role::TeamLeader, Role::Supervisor]);
    }

    #[test]
    fn several_roles_combine() {
        assert!(!roles_allow(&[Role::Guard], Action::BoilerLog));
        assert!(roles_allow(
            &[Role::Guard, Role::Caretaker],
            Action::BoilerLog
        ));
        assert!(!roles_allow(&[], Action::ViewSites));
    }

    #[test]
    fn login_and_password_rules() {
        assert!(validate_login("zhang.san").is_ok());
        assert!(validate_login("ab").is_err());
        assert!(validate_login("Zhang").is_err());
        assert!(validate_login("张三").is_err());
        assert!(validate_new_password("zhang", "short").is_err());
        assert!(validate_new_password("zhangsan01", "ZHANGSAN01").is_err());
        assert!(validate_new_password("zhang", "长城长城长城长城长城").is_ok());
        assert!(validate_display_name("  ").is_err());
        assert!(validate_display_name("张三").is_ok());
    }
}
