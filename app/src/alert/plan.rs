//! When an alert climbs its chain, and how messages go to a group robot: retried with a growing
//! wait while it fails, never again once it took one, merged when its rate limit is reached.

use super::Stage;
use crate::model::Role;

/// The stage an unacknowledged alert raised at `raised_at` has reached at `now` (the last one
/// whose time has come), and the roles it reaches by then (every stage's so far).
pub fn reached(chain: &[Stage], raised_at: i64, now: i64) -> (u32, Vec<Role>) {
    let minutes = (now - raised_at).max(0) / 60_000;
    let mut stage = 0;
    let mut roles: Vec<Role> = Vec::new();
    for (i, s) in chain.iter().enumerate() {
        if i == 0 || i64::from(s.after_min) <= minutes {
            stage = i as u32;
            roles.extend(&s.roles);
        }
    }
    roles.sort();
    roles.dedup();
    (stage, roles)
}

/// How long to wait before trying a message again after `attempts` failed ones: 10 s doubling
/// to 10 minutes. Never given up: an alert is not lost while the robot or the network is down.
pub fn retry_after_ms(attempts: u32) -> i64 {
    (10_000i64 << attempts.min(6)).min(600_000)
}

/// A robot's limit: 20 messages in any minute (企业微信's; 钉钉's is the same).
pub const PER_MINUTE: usize = 20;

/// What to send to one robot now, given how many messages it took in the last minute and the
/// messages waiting (oldest first): each inner list is one message. Under the limit each goes
/// alone; over it, the last message the minute allows carries all the rest together. Nothing
/// when the minute is used up.
pub fn batches<T: Clone>(sent_last_minute: usize, waiting: &[T]) -> Vec<Vec<T>> {
    let room = PER_MINUTE.saturating_sub(sent_last_minute);
    if room == 0 || waiting.is_empty() {
        return Vec::new();
    }
    if waiting.len() <= room {
        return waiting.iter().map(|w| vec![w.clone()]).collect();
    }
    let mut out: Vec<Vec<T>> = waiting[..room - 1]
        .iter()
        .map(|w| vec![w.clone()])
        .collect();
    out.push(waiting[room - 1..].to_vec());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::rules::{default_config, RuleKind};
    use Role::*;

    const MIN: i64 = 60_000;

    #[test]
    fn an_urgent_request_climbs_its_chain_on_time() {
        let chain = default_config(RuleKind::RequestUrgent).chain;
        assert_eq!(reached(&chain, 0, 0), (0, vec![Guard, TeamLeader]));
        assert_eq!(reached(&chain, 0, 5 * MIN - 1).0, 0);
        assert_eq!(
            reached(&chain, 0, 5 * MIN),
            (1, vec![Guard, TeamLeader, Supervisor])
        );
        assert_eq!(
            reached(&chain, 0, 10 * MIN),
            (2, vec![Guard, TeamLeader, Supervisor, CourtLiaison])
        );
        // A raised-at in the phone's future (its clock ahead) is the first stage.
        assert_eq!(reached(&chain, 10 * MIN, 0).0, 0);
    }

    #[test]
    fn retries_wait_longer_and_longer_but_never_stop() {
        assert_eq!(retry_after_ms(0), 10_000);
        assert_eq!(retry_after_ms(1), 20_000);
        assert_eq!(retry_after_ms(30), 600_000);
    }

    #[test]
    fn over_the_limit_the_rest_go_as_one_message() {
        let waiting: Vec<u32> = (1..=25).collect();
        let b = batches(0, &waiting);
        assert_eq!(b.len(), PER_MINUTE);
        assert!(b[..19].iter().all(|m| m.len() == 1));
        assert_eq!(b[19], (20..=25).collect::<Vec<_>>());
        assert_eq!(batches(18, &waiting).len(), 2);
        assert_eq!(batches(18, &waiting)[1].len(), 24);
        assert!(batches(20, &waiting).is_empty());
        assert_eq!(batches(0, &waiting[..3]).len(), 3);
    }
}
