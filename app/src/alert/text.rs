//! The words an alert is told in: for the app, in both languages (a staff member's name or a
//! request's subject may be among them), and for the group robots, whose messages go to a
//! third party's servers, with no name, ID number or telephone number, only what happened,
//! where and since when. The server writes them when it raises an alert; phones show the app's.

use crate::i18n::Locale;

/// An alert's words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Words {
    pub zh: String,
    pub en: String,
    /// For the robots (Chinese: they post to the court's work groups).
    pub robot: String,
}

impl Words {
    fn new(zh: String, en: String, robot: String) -> Words {
        Words { zh, en, robot }
    }

    /// The app's words, as an alert row keeps them (`params`).
    pub fn params(&self) -> String {
        serde_json::json!({"zh": self.zh, "en": self.en}).to_string()
    }
}

/// `HH:MM` at the court (UTC+8).
pub fn court_hm(ms: i64) -> String {
    let minutes = (ms + 8 * 3_600_000).rem_euclid(86_400_000) / 60_000;
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `MM-DD HH:MM` at the court.
pub fn court_when(ms: i64) -> String {
    let (_, m, d) = crate::core::court_date(ms);
    format!("{m:02}-{d:02} {}", court_hm(ms))
}

/// Place text as typed at a post: short, on one line (a robot's message quotes no more).
fn short(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    one.chars().take(40).collect()
}

pub fn fire_alarm(kind: (&str, &str), place: &str) -> Words {
    let p = short(place);
    Words::new(
        format!("消防报警（{}）：{p}", kind.0),
        format!("Fire alarm ({}): {p}", kind.1),
        format!("消防报警（{}）：{p}，请立即处置", kind.0),
    )
}

pub fn emergency(kind: (&str, &str), place: &str) -> Words {
    let p = short(place);
    Words::new(
        format!("突发事件（{}）：{p}", kind.0),
        format!("Emergency ({}): {p}", kind.1),
        format!("突发事件（{}）：{p}，应急处置进行中", kind.0),
    )
}

/// A request to answer within `limit_min` minutes; its subject is the court's words, so it is
/// the app's only.
pub fn request(urgent: bool, subject: &str, limit_min: i64) -> Words {
    let s = short(subject);
    let (zh, en) = if urgent {
        ("紧急需求", "Urgent request")
    } else {
        ("服务需求", "Request")
    };
    Words::new(
        format!("{zh}：{s}（{limit_min} 分钟内响应）"),
        format!("{en}: {s} (answer within {limit_min} min)"),
        format!("法院{zh}，请在 {limit_min} 分钟内响应（内容见安保应用）"),
    )
}

pub fn boiler_stop(boiler: &str, reason: (&str, &str)) -> Words {
    let b = short(boiler);
    Words::new(
        format!("锅炉停炉：{b}（{}）", short(reason.0)),
        format!("Boiler stopped: {b} ({})", short(reason.1)),
        format!("锅炉停炉：{b}（{}）", short(reason.0)),
    )
}

pub fn watch_match() -> Words {
    Words::new(
        "重点关注人员登记入院，请按处置要求跟进".into(),
        "A person on the watchlist was registered: follow the instructions".into(),
        "重点关注人员登记入院，请查看安保应用".into(),
    )
}

pub fn fire_entry_late(due_at: i64) -> Words {
    let t = court_hm(due_at);
    Words::new(
        format!("消控室设备状态记录应于 {t} 记录，尚未收到"),
        format!("The fire room's status entry was due at {t}: none received"),
        format!("消控室设备状态记录应于 {t} 记录，尚未收到"),
    )
}

pub fn round_missed(route: (&str, &str), window_end: i64) -> Words {
    let t = court_hm(window_end);
    Words::new(
        format!("巡查「{}」应于 {t} 前完成，尚未收到", short(route.0)),
        format!("Round \"{}\" was due by {t}: none received", short(route.1)),
        format!("巡查「{}」应于 {t} 前完成，尚未收到", short(route.0)),
    )
}

/// A phone (by its label: a post's name, set at enrolment) holding `waiting` records since
/// `since`. Labels can name a person: the robot gets none.
pub fn phone_unsynced(label: &str, waiting: i64, since: i64) -> Words {
    let (l, t) = (short(label), court_when(since));
    Words::new(
        format!("手机「{l}」有 {waiting} 条记录待同步，自 {t} 起未同步"),
        format!("Phone \"{l}\" has {waiting} records waiting, not synced since {t}"),
        format!("有岗位手机 {waiting} 条记录自 {t} 起未同步，请检查网络"),
    )
}

pub fn rect_overdue(deadline: &str, problem: &str) -> Words {
    Words::new(
        format!("整改逾期（期限 {deadline}）：{}", short(problem)),
        format!(
            "Rectification overdue (deadline {deadline}): {}",
            short(problem)
        ),
        format!("有整改项已逾期（期限 {deadline}）"),
    )
}

/// The last backup failed (`failed`), or none succeeded since `last_ok`.
pub fn backup_failing(failed: bool, last_ok: Option<i64>) -> Words {
    let since = last_ok.map_or_else(|| "—".to_string(), court_when);
    let (zh, en) = if failed {
        (
            format!("最近一次备份失败（上次成功：{since}）"),
            format!("The last backup failed (last good one: {since})"),
        )
    } else {
        (
            format!("备份未按时完成（上次成功：{since}）"),
            format!("No backup has succeeded on time (last good one: {since})"),
        )
    };
    Words::new(zh.clone(), en, zh)
}

/// A certificate of `name` expiring on `until` (or expired).
pub fn cert_expiring(name: &str, cert: (&str, &str), until: &str) -> Words {
    Words::new(
        format!("{}：{}将于 {until} 到期", short(name), cert.0),
        format!("{}: {} expires on {until}", short(name), cert.1),
        format!("有人员{}将于 {until} 到期，请及时复审", cert.0),
    )
}

/// The whole message a robot posts: the alert's number (a duplicate is recognisable by it), its
/// site, its words, how far it has climbed, and when the words rest on records a phone may
/// not have sent.
pub fn robot_message(
    number: i64,
    site: &str,
    robot: &str,
    stage: u32,
    after_min: u32,
    last_sync_at: Option<i64>,
) -> String {
    let mut out = format!("【安保告警 #{number}】{site}：{robot}");
    if stage > 0 {
        out.push_str(&format!(
            "\n已 {after_min} 分钟无人确认（第 {} 级）",
            stage + 1
        ));
    }
    if let Some(t) = last_sync_at {
        out.push_str(&format!("\n尚未收到：该院区手机最后同步于 {}", court_hm(t)));
    }
    out
}

/// Several alerts in one message, when a robot's minute is used up.
pub fn merged_message(lines: &[String]) -> String {
    format!("【安保告警 {} 条合并】\n{}", lines.len(), lines.join("\n"))
}

/// What a phone says under an alert judged on records not received yet.
pub fn not_received(last_sync_at: i64, locale: Locale) -> String {
    let t = court_hm(last_sync_at);
    match locale {
        Locale::Zh => format!("尚未收到：该院区手机最后同步于 {t}"),
        Locale::En => format!("Not received yet: the site's phones last synced at {t}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robots_get_no_names_and_no_request_text() {
        let w = cert_expiring("张三", ("保安员证", "Guard licence"), "2026-12-20");
        assert!(w.zh.contains("张三") && !w.robot.contains("张三"));
        let r = request(true, "请派人到3号法庭 13912345678", 15);
        assert!(r.zh.contains("3号法庭"));
        assert!(!r.robot.contains("3号法庭") && !r.robot.contains("139"));
        let p = phone_unsynced("李四的手机", 3, 0);
        assert!(!p.robot.contains("李四"));
    }

    #[test]
    fn a_message_carries_its_number_and_what_it_rests_on() {
        let m = robot_message(
            12,
            "第一派出法庭",
            "锅炉停炉",
            1,
            15,
            Some(13 * 3_600_000 + 40 * 60_000),
        );
        assert!(m.starts_with("【安保告警 #12】第一派出法庭"));
        assert!(m.contains("15 分钟无人确认（第 2 级）"));
        assert!(m.contains("最后同步于 21:40"));
    }

    #[test]
    fn court_time_is_utc_plus_eight() {
        assert_eq!(court_hm(0), "08:00");
        assert_eq!(court_hm(16 * 3_600_000 + 5 * 60_000), "00:05");
    }
}
