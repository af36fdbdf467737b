//! Types both sides share: roles, the authorization table, sites and people as they cross the wire.
//!
//! Roles, area kinds and actions are enums; they become strings only at the database and JSON
//! boundaries (`as_str` / `parse`), so a typo in a role is a compile error, not a silent deny.

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
}

impl Action {
    pub const ALL: [Action; 20] = [
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
    ];

    /// Actions about records of the service itself rather than of one site.
    pub fn is_site_scoped(self) -> bool {
        !matches!(
            self,
            Action::ManageSites
                | Action::ViewPeople
                | Action::ManagePeople
                | Action::ManageWatchlist
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
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SignInRequest {
    pub login: String,
    pub password: String,
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
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PersonUpdate {
    pub display_name: String,
    pub roles: Vec<Role>,
    pub site_ids: Vec<String>,
    pub disabled: bool,
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

#[cfg(test)]
mod tests {
    use super::*;

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
