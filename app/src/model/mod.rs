//! Types both sides share: roles, the authorization table, sites and people as they cross the wire.
//!
//! Roles, area kinds and actions are enums; they become strings only at the database and JSON
//! boundaries (`as_str` / `parse`), so a typo in a role is a compile error, not a silent deny.

mod people;
mod sites;

pub use people::*;
pub use sites::*;

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
    /// Court staff (法院工作人员): files requests online from their own phone, nothing else.
    CourtStaff,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Guard,
        Role::TeamLeader,
        Role::GateGuard,
        Role::Caretaker,
        Role::FireOperator,
        Role::Supervisor,
        Role::CourtLiaison,
        Role::Admin,
        Role::CourtStaff,
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
            Role::CourtStaff => "court_staff",
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
    /// File a request to the service, as the court (online), and confirm it closed.
    FileRequest,
    /// Log a request that came by telephone, e-mail, the box or in person; acknowledge,
    /// handle and report back.
    HandleRequest,
    /// Open an emergency at a post, walk its steps, write its report afterwards.
    HandleEmergency,
    ViewReports,
    RevealIdNumber,
    EnrolDevice,
    /// Keep the court's watchlist (重点关注人员名单).
    ManageWatchlist,
    /// See the enrolled phones, revoke a lost one, decide the records it held.
    ManageDevices,
    /// See the server's backups (and where their copies go) and its certificate page.
    ManageServer,
    /// Open the court's satisfaction survey rounds and hand out their one-time links (the
    /// court's side: the service graded does not hold the links).
    RunSurvey,
    /// Edit the questions a new survey round starts with.
    EditSurvey,
    /// Write the next month's plan into the monthly report and file it (frozen, numbered).
    FileReport,
    /// Search past visits (every search recorded).
    SearchVisits,
}

impl Action {
    pub const ALL: [Action; 28] = [
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
        Action::HandleRequest,
        Action::HandleEmergency,
        Action::ViewReports,
        Action::RevealIdNumber,
        Action::EnrolDevice,
        Action::ManageWatchlist,
        Action::ManageDevices,
        Action::ManageServer,
        Action::RunSurvey,
        Action::EditSurvey,
        Action::FileReport,
        Action::SearchVisits,
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
                | Action::EditSurvey
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
                | A::ManageServer
                | A::EditSurvey
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
                | A::HandleRequest
                | A::HandleEmergency
                | A::RevealIdNumber
                | A::EnrolDevice
                | A::ManageWatchlist
                | A::ManageDevices
                | A::FileReport
                | A::SearchVisits
        ),
        R::TeamLeader => matches!(
            action,
            A::ViewSites
                | A::ViewPeople
                | A::RegisterVisitor
                | A::RecordScreening
                | A::PatrolRound
                | A::ReportHazard
                | A::HandleRequest
                | A::HandleEmergency
                | A::RevealIdNumber
        ),
        R::Guard => matches!(
            action,
            A::ViewSites
                | A::RegisterVisitor
                | A::RecordScreening
                | A::PatrolRound
                | A::ReportHazard
                | A::HandleRequest
                | A::HandleEmergency
        ),
        R::GateGuard => matches!(
            action,
            A::ViewSites
                | A::RegisterVisitor
                | A::GateLog
                | A::PatrolRound
                | A::ReportHazard
                | A::HandleEmergency
        ),
        R::Caretaker => matches!(
            action,
            A::ViewSites
                | A::BoilerLog
                | A::Housekeeping
                | A::PatrolRound
                | A::GateLog
                | A::ReportHazard
                | A::HandleEmergency
        ),
        R::FireOperator => matches!(
            action,
            A::ViewSites | A::FireDuty | A::ReportHazard | A::HandleEmergency
        ),
        R::CourtLiaison => matches!(
            action,
            A::ViewSites | A::FileRequest | A::ViewReports | A::ViewKpis | A::RunSurvey
        ),
        R::CourtStaff => matches!(action, A::ViewSites | A::FileRequest),
    }
}

/// Whether any of `roles` allows `action`.
pub fn roles_allow(roles: &[Role], action: Action) -> bool {
    roles.iter().any(|r| role_allows(*r, action))
}

/// The server's backups as administrators see them (`GET /api/v1/backups`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BackupStatus {
    /// The newest good backup (finished, and its copy verified when copies are asked for).
    pub last_good: Option<BackupTaken>,
    /// What went wrong with the newest backup, if it failed (or its copy did).
    pub failing: Option<String>,
    /// Where copies go; none named: the backups live only beside the database.
    pub copy_dir: Option<String>,
    /// Hours between scheduled backups (0: none scheduled).
    pub every_hours: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BackupTaken {
    pub file: String,
    pub finished_at: i64,
    pub bytes: i64,
    pub copy_file: Option<String>,
}

/// What the certificate page shows (`GET /api/v1/ca`, no session needed).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CaInfo {
    /// SHA-256 of the court's authority, when it made one (else the server needs none).
    pub fingerprint: Option<String>,
    /// The app over HTTPS, at the address this page was opened at.
    pub https_url: String,
    /// The install page, where a phone that does not trust the authority yet can open it.
    pub page_url: String,
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

    /// Court staff only: they ask online from their own phone, which is never enrolled and
    /// keeps nothing to sync (so it is not told to be enrolled).
    pub fn online_only(&self) -> bool {
        !self.roles.is_empty() && self.roles.iter().all(|r| *r == Role::CourtStaff)
    }
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
            Role::CourtStaff => Key::RoleCourtStaff,
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
