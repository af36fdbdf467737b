//! The alert rules: each on by default, with its threshold and its escalation chain, both an
//! administrator can change (the server keeps the changes; these are the defaults).

use crate::i18n::{coded, Locale};
use crate::model::Role;
use serde::{Deserialize, Serialize};

coded!(
    /// What an alert is raised for.
    RuleKind {
        FireAlarm = "fire_alarm", "火警报警", "Fire alarm";
        Emergency = "emergency", "突发事件", "Emergency opened";
        RequestUrgent = "request_urgent", "紧急服务需求", "Urgent request";
        BoilerStop = "boiler_stop", "锅炉停炉", "Boiler stopped";
        WatchMatch = "watch_match", "重点关注人员", "Watchlist match";
        RequestGeneral = "request_general", "一般服务需求", "Request";
        FireEntryLate = "fire_entry_late", "消控记录超时", "Fire-room entry late";
        RoundMissed = "round_missed", "巡查未完成", "Round missed";
        PhoneUnsynced = "phone_unsynced", "手机未同步", "Phone not synced";
        RectOverdue = "rect_overdue", "整改逾期", "Rectification overdue";
        BackupFailing = "backup_failing", "备份失败", "Backup failing";
        CertExpiring = "cert_expiring", "证书将到期", "Certificate expiring";
    }
);

coded!(
    /// Which group robot a webhook belongs to.
    RobotKind {
        WeCom = "wecom", "企业微信群机器人", "WeCom group robot";
        DingTalk = "dingtalk", "钉钉群机器人", "DingTalk group robot";
    }
);

/// What a rule's threshold counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Minutes,
    Hours,
    Days,
}

impl Unit {
    pub fn label(self, locale: Locale) -> &'static str {
        crate::i18n::pick(
            locale,
            match self {
                Unit::Minutes => "分钟",
                Unit::Hours => "小时",
                Unit::Days => "天",
            },
            match self {
                Unit::Minutes => "minutes",
                Unit::Hours => "hours",
                Unit::Days => "days",
            },
        )
    }

    pub fn ms(self) -> i64 {
        match self {
            Unit::Minutes => 60_000,
            Unit::Hours => 3_600_000,
            Unit::Days => 86_400_000,
        }
    }
}

impl RuleKind {
    /// The order alerts are seen in, most urgent first (the declaration's order).
    pub fn rank(self) -> u8 {
        Self::ALL.iter().position(|r| *r == self).unwrap_or(0) as u8
    }

    /// What the threshold means, for the rules that have one: how late, how long, how soon.
    pub fn unit(self) -> Option<Unit> {
        match self {
            RuleKind::RoundMissed | RuleKind::FireEntryLate | RuleKind::PhoneUnsynced => {
                Some(Unit::Minutes)
            }
            RuleKind::BackupFailing => Some(Unit::Hours),
            RuleKind::RectOverdue | RuleKind::CertExpiring => Some(Unit::Days),
            _ => None,
        }
    }

    /// What the threshold says, in words, for the administrators' page.
    pub fn threshold_help(self, locale: Locale) -> &'static str {
        let (zh, en) = match self {
            RuleKind::RoundMissed => (
                "巡查时段结束后多久未收到巡查",
                "How long after a round's window ends with no round received",
            ),
            RuleKind::FireEntryLate => (
                "设备状态记录到期后多久未收到",
                "How long after a fire-room entry falls due with none received",
            ),
            RuleKind::PhoneUnsynced => (
                "手机有待同步记录而未同步多久",
                "How long a phone holds records waiting without syncing",
            ),
            RuleKind::BackupFailing => (
                "多久没有成功的备份",
                "How long without a backup that succeeded",
            ),
            RuleKind::RectOverdue => ("超过整改期限几天", "Days past a rectification's deadline"),
            RuleKind::CertExpiring => ("证书到期前几天提醒", "Days before a certificate expires"),
            _ => ("发生即告警", "Raised when it happens"),
        };
        crate::i18n::pick(locale, zh, en)
    }
}

/// One step of an escalation chain: `after_min` minutes after the alert was raised, if nobody
/// has acknowledged it, it reaches these roles too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub after_min: u32,
    pub roles: Vec<Role>,
}

/// A rule as it stands: on or off, its threshold (in its [`Unit`]), its chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleConfig {
    pub rule: RuleKind,
    pub enabled: bool,
    #[serde(default)]
    pub threshold: Option<i64>,
    pub chain: Vec<Stage>,
}

fn stage(after_min: u32, roles: &[Role]) -> Stage {
    Stage {
        after_min,
        roles: roles.to_vec(),
    }
}

/// The defaults every rule starts from (on; the bid's timings where it gives them).
pub fn default_config(rule: RuleKind) -> RuleConfig {
    use Role::*;
    let (threshold, chain) = match rule {
        RuleKind::FireAlarm => (
            None,
            vec![
                stage(0, &[FireOperator, TeamLeader, Supervisor]),
                stage(10, &[CourtLiaison]),
            ],
        ),
        RuleKind::Emergency => (
            None,
            vec![
                stage(0, &[TeamLeader, Supervisor]),
                stage(10, &[CourtLiaison]),
            ],
        ),
        // The urgent request's 15-minute response: the site's people at once, the supervisor at
        // 5 minutes, the court's liaison too at 10.
        RuleKind::RequestUrgent => (
            None,
            vec![
                stage(0, &[Guard, TeamLeader]),
                stage(5, &[Supervisor]),
                stage(10, &[Supervisor, CourtLiaison]),
            ],
        ),
        RuleKind::RequestGeneral => (
            None,
            vec![
                stage(0, &[Guard, TeamLeader]),
                stage(30, &[Supervisor]),
                stage(50, &[CourtLiaison]),
            ],
        ),
        RuleKind::BoilerStop => (
            None,
            vec![stage(0, &[Caretaker, TeamLeader]), stage(15, &[Supervisor])],
        ),
        RuleKind::WatchMatch => (None, vec![stage(0, &[TeamLeader, Supervisor])]),
        RuleKind::FireEntryLate => (
            Some(15),
            vec![
                stage(0, &[FireOperator, TeamLeader]),
                stage(30, &[Supervisor]),
            ],
        ),
        RuleKind::RoundMissed => (
            Some(30),
            vec![stage(0, &[TeamLeader]), stage(30, &[Supervisor])],
        ),
        RuleKind::PhoneUnsynced => (
            Some(120),
            vec![stage(0, &[TeamLeader]), stage(60, &[Supervisor])],
        ),
        RuleKind::RectOverdue => (
            Some(0),
            vec![
                stage(0, &[TeamLeader, Supervisor]),
                stage(24 * 60, &[CourtLiaison]),
            ],
        ),
        RuleKind::BackupFailing => (Some(26), vec![stage(0, &[Admin]), stage(60, &[Supervisor])]),
        RuleKind::CertExpiring => (Some(30), vec![stage(0, &[Supervisor, Admin])]),
    };
    RuleConfig {
        rule,
        enabled: true,
        threshold,
        chain,
    }
}

/// Every rule's defaults, in rank order.
pub fn defaults() -> Vec<RuleConfig> {
    RuleKind::ALL.iter().map(|r| default_config(*r)).collect()
}

/// A chain as an administrator reads and writes it: `0:guard,team_leader; 5:supervisor`.
pub fn chain_text(chain: &[Stage]) -> String {
    chain
        .iter()
        .map(|s| {
            let roles: Vec<&str> = s.roles.iter().map(|r| r.as_str()).collect();
            format!("{}:{}", s.after_min, roles.join(","))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The chain `text` writes ([`chain_text`]'s form), if it is one (roles by their codes).
pub fn parse_chain(text: &str) -> Option<Vec<Stage>> {
    text.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (min, roles) = s.split_once(':')?;
            let roles = roles
                .split(',')
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(Role::parse)
                .collect::<Option<Vec<Role>>>()?;
            Some(Stage {
                after_min: min.trim().parse().ok()?,
                roles,
            })
        })
        .collect()
}

/// Why a rule as an administrator typed it cannot be saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleError {
    Threshold,
    FirstStageAtOnce,
    StagesInOrder,
    StageRoles,
    TooManyStages,
}

impl RuleError {
    pub fn message(self, locale: Locale) -> &'static str {
        let (zh, en) = match self {
            RuleError::Threshold => (
                "阈值须为 0 至 10000 的整数",
                "The threshold must be a whole number from 0 to 10000",
            ),
            RuleError::FirstStageAtOnce => (
                "第一级须在 0 分钟（立即）通知",
                "The first stage must reach people at once (0 minutes)",
            ),
            RuleError::StagesInOrder => (
                "各级时间须逐级增加，且不超过 7 天",
                "Each stage must come later than the one before, within 7 days",
            ),
            RuleError::StageRoles => (
                "每一级至少选择一个角色",
                "Each stage needs at least one role",
            ),
            RuleError::TooManyStages => ("最多 6 级", "At most 6 stages"),
        };
        crate::i18n::pick(locale, zh, en)
    }
}

/// A rule as an administrator changed it: kept to what its unit allows, its chain starting at
/// once and climbing in order.
pub fn check_config(mut c: RuleConfig) -> Result<RuleConfig, RuleError> {
    match (c.rule.unit(), c.threshold) {
        (None, _) => c.threshold = None,
        (Some(_), Some(t)) if (0..=10_000).contains(&t) => {}
        (Some(_), _) => return Err(RuleError::Threshold),
    }
    if c.chain.len() > 6 {
        return Err(RuleError::TooManyStages);
    }
    if c.chain.first().is_none_or(|s| s.after_min != 0) {
        return Err(RuleError::FirstStageAtOnce);
    }
    for s in &mut c.chain {
        // Each role once, in the order written.
        let mut seen = Vec::new();
        s.roles.retain(|r| {
            let first = !seen.contains(r);
            seen.push(*r);
            first
        });
        if s.roles.is_empty() {
            return Err(RuleError::StageRoles);
        }
    }
    let in_order = c.chain.windows(2).all(|w| w[0].after_min < w[1].after_min);
    if !in_order || c.chain.iter().any(|s| s.after_min > 7 * 24 * 60) {
        return Err(RuleError::StagesInOrder);
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_is_on_and_valid() {
        for c in defaults() {
            assert!(c.enabled);
            assert_eq!(check_config(c.clone()), Ok(c.clone()), "{:?}", c.rule);
            assert_eq!(c.threshold.is_some(), c.rule.unit().is_some());
        }
        let urgent = default_config(RuleKind::RequestUrgent);
        let at: Vec<u32> = urgent.chain.iter().map(|s| s.after_min).collect();
        assert_eq!(at, vec![0, 5, 10]);
    }

    #[test]
    fn a_chain_reads_back_as_written() {
        let c = default_config(RuleKind::RequestUrgent).chain;
        let text = chain_text(&c);
        assert_eq!(
            text,
            "0:guard,team_leader; 5:supervisor; 10:supervisor,court_liaison"
        );
        assert_eq!(parse_chain(&text), Some(c));
        assert_eq!(parse_chain("0:guard; x:supervisor"), None);
        assert_eq!(parse_chain("0:guard,warden"), None);
    }

    #[test]
    fn a_chain_starts_at_once_and_climbs() {
        let mut c = default_config(RuleKind::RequestUrgent);
        c.chain[0].after_min = 1;
        assert_eq!(check_config(c), Err(RuleError::FirstStageAtOnce));
        let mut c = default_config(RuleKind::RequestUrgent);
        c.chain[2].after_min = 5;
        assert_eq!(check_config(c), Err(RuleError::StagesInOrder));
        let mut c = default_config(RuleKind::RequestUrgent);
        c.chain[1].roles.clear();
        assert_eq!(check_config(c), Err(RuleError::StageRoles));
        let mut c = default_config(RuleKind::RoundMissed);
        c.threshold = Some(-1);
        assert_eq!(check_config(c), Err(RuleError::Threshold));
        let mut c = default_config(RuleKind::FireAlarm);
        c.threshold = Some(5);
        assert_eq!(check_config(c).unwrap().threshold, None);
    }
}
