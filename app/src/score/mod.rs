//! The contract's scorecard (质量监督指标): four figures with fixed weights, shared by the
//! server that counts and the phone that shows them.
//!
//! The court grades the service on customer satisfaction (≥ 90%, 30%), response time (20%),
//! screening accuracy (≥ 95%, 25%) and registration completeness (≥ 98%, 25%). The bid's breach
//! chapter is missing from its text, so how a figure becomes points is a setting ([`Scoring`])
//! with this default, shown beside the figures: at or above its target a figure earns its full
//! weight, below it `weight × value / target`. Figures are counted as whole numbers
//! (`part` of `whole`) and points in hundredths, so a test can check every one exactly.
//!
//! A figure with nothing to count: a month without requests or without visits has failed
//! nobody, and earns the full weight, marked so; screening accuracy without a single re-check,
//! or satisfaction without a survey answered, is not known, and earns nothing, marked "not
//! measured" (otherwise not re-checking, or not asking, would score best).

pub mod period;

pub use period::Period;

use crate::i18n::{coded, Locale};
use serde::{Deserialize, Serialize};

coded! {
    /// One of the four weighted figures.
    Kpi {
        Satisfaction = "satisfaction", "客户满意度", "Customer satisfaction";
        Response = "response", "响应时间", "Response time";
        Accuracy = "accuracy", "安检准确率", "Screening accuracy";
        Completeness = "completeness", "来访登记完整率", "Registration completeness";
    }
}

impl Kpi {
    /// What the figure counts, said beside it.
    pub fn measure(self, locale: Locale) -> &'static str {
        crate::i18n::pick(
            locale,
            match self {
                Kpi::Satisfaction => "问卷中评4分或5分（满分5分）的比例",
                Kpi::Response => "在时限内确认的需求比例",
                Kpi::Accuracy => "抽查复核中判断正确的比例",
                Kpi::Completeness => "必填项齐全有效的登记比例",
            },
            match self {
                Kpi::Satisfaction => "share of survey answers of 4 or 5 (of 5)",
                Kpi::Response => "share of requests acknowledged within their limit",
                Kpi::Accuracy => "share of re-checked screenings found right",
                Kpi::Completeness => "share of registrations with every required field",
            },
        )
    }

    /// Whether a period with nothing to count earns the full weight (nothing came, so nothing
    /// was failed) rather than nothing (nothing was measured).
    fn empty_earns_full(self) -> bool {
        matches!(self, Kpi::Response | Kpi::Completeness)
    }
}

/// How one figure is scored: its target (per mille) and its weight (points of 100).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub kpi: Kpi,
    pub target_permille: u32,
    pub weight: u32,
}

/// The scoring setting: one rule per figure, in [`Kpi::ALL`]'s order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scoring {
    pub rules: Vec<Rule>,
}

impl Default for Scoring {
    /// The bid's targets and weights; response time's target is 95% of requests in time.
    fn default() -> Self {
        let rule = |kpi, target_permille, weight| Rule {
            kpi,
            target_permille,
            weight,
        };
        Scoring {
            rules: vec![
                rule(Kpi::Satisfaction, 900, 30),
                rule(Kpi::Response, 950, 20),
                rule(Kpi::Accuracy, 950, 25),
                rule(Kpi::Completeness, 980, 25),
            ],
        }
    }
}

impl Scoring {
    pub fn rule(&self, kpi: Kpi) -> Rule {
        self.rules
            .iter()
            .copied()
            .find(|r| r.kpi == kpi)
            .unwrap_or_else(|| Scoring::default().rule(kpi))
    }

    /// A setting an administrator may save: each figure once, targets from 1‰ to 100%, weights
    /// adding up to 100. The error says what is wrong, in `locale`.
    pub fn check(&self, locale: Locale) -> Result<(), String> {
        let say =
            |zh: &'static str, en: &'static str| crate::i18n::pick(locale, zh, en).to_string();
        for kpi in Kpi::ALL {
            if self.rules.iter().filter(|r| r.kpi == *kpi).count() != 1 {
                return Err(say(
                    "四项指标各需一条规则",
                    "Each of the four figures needs one rule",
                ));
            }
        }
        if self.rules.len() != Kpi::ALL.len() {
            return Err(say(
                "四项指标各需一条规则",
                "Each of the four figures needs one rule",
            ));
        }
        if let Some(r) = self
            .rules
            .iter()
            .find(|r| r.target_permille == 0 || r.target_permille > 1000)
        {
            return Err(format!(
                "{}: {}",
                r.kpi.label(locale),
                say("目标须在0.1%到100%之间", "the target is from 0.1% to 100%")
            ));
        }
        let total: u32 = self.rules.iter().map(|r| r.weight).sum();
        if total != 100 {
            return Err(format!(
                "{} ({total})",
                say("权重合计须为100", "The weights must add up to 100")
            ));
        }
        Ok(())
    }
}

/// Why a figure reads as it does when there was little to count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Note {
    /// No requests came in: response time earns its full weight.
    NoRequests,
    /// No visitors were registered: completeness earns its full weight.
    NoVisits,
    /// No screening was re-checked: accuracy is not known, and earns nothing.
    NotSampled,
    /// No survey answered for the period: satisfaction is not known, and earns nothing.
    NoSurvey,
    /// No department of this site answered: the court's answers are used.
    CourtSurvey,
}

impl Note {
    pub fn text(self, locale: Locale) -> &'static str {
        crate::i18n::pick(
            locale,
            match self {
                Note::NoRequests => "本期无需求，得满分",
                Note::NoVisits => "本期无来访登记，得满分",
                Note::NotSampled => "本期未抽查复核，未测得，不得分",
                Note::NoSurvey => "本期无问卷答复，未测得，不得分",
                Note::CourtSurvey => "本场所无部门答卷，采用全院问卷结果",
            },
            match self {
                Note::NoRequests => "no requests: full weight",
                Note::NoVisits => "no registrations: full weight",
                Note::NotSampled => "not re-checked: not measured, no points",
                Note::NoSurvey => "no survey answers: not measured, no points",
                Note::CourtSurvey => "no department of this site answered: the court's answers",
            },
        )
    }
}

/// One weighted figure: what was counted and what it earned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub kpi: Kpi,
    /// Counted that met the measure, of all counted (answers of 4 or 5 of all answers, …).
    pub part: u32,
    pub whole: u32,
    pub target_permille: u32,
    pub weight: u32,
    /// Points earned, in hundredths.
    pub score_centi: u32,
    pub note: Option<Note>,
}

impl Figure {
    /// The figure's value in tenths of a per cent (per mille, rounded down), if counted.
    pub fn value_permille(&self) -> Option<u32> {
        (self.whole > 0).then(|| (u64::from(self.part) * 1000 / u64::from(self.whole)) as u32)
    }

    pub fn met(&self) -> bool {
        match self.value_permille() {
            Some(_) => {
                u64::from(self.part) * 1000
                    >= u64::from(self.target_permille) * u64::from(self.whole)
            }
            None => self.kpi.empty_earns_full(),
        }
    }
}

/// `part` of `whole` as `rule` scores it, in hundredths of a point (rounded half up).
pub fn score_centi(rule: Rule, part: u32, whole: u32) -> u32 {
    let full = rule.weight * 100;
    if whole == 0 {
        return if rule.kpi.empty_earns_full() { full } else { 0 };
    }
    let (part, whole) = (u64::from(part.min(whole)), u64::from(whole));
    let target = u64::from(rule.target_permille.max(1));
    if part * 1000 >= target * whole {
        return full;
    }
    // weight × (part / whole) / (target / 1000), in hundredths.
    let num = u64::from(full) * part * 1000;
    let den = whole * target;
    ((2 * num + den) / (2 * den)) as u32
}

/// What the server counted for one scope and period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Answers of 4 or 5, of all rated answers.
    pub satisfied: (u32, u32),
    /// The answers are the court's, as no department of the site answered.
    pub court_survey: bool,
    /// Requests acknowledged within their limit, of those judged.
    pub in_time: (u32, u32),
    /// Re-checked screenings found right, of those re-checked.
    pub correct: (u32, u32),
    /// Registrations complete, of all.
    pub complete: (u32, u32),
}

/// The four figures of `counts` under `scoring`, and their total in hundredths.
pub fn figures(counts: &Counts, scoring: &Scoring) -> (Vec<Figure>, u32) {
    let figures: Vec<Figure> = Kpi::ALL
        .iter()
        .map(|&kpi| {
            let (part, whole) = match kpi {
                Kpi::Satisfaction => counts.satisfied,
                Kpi::Response => counts.in_time,
                Kpi::Accuracy => counts.correct,
                Kpi::Completeness => counts.complete,
            };
            let rule = scoring.rule(kpi);
            let note = match (kpi, whole) {
                (Kpi::Satisfaction, 0) => Some(Note::NoSurvey),
                (Kpi::Satisfaction, _) if counts.court_survey => Some(Note::CourtSurvey),
                (Kpi::Response, 0) => Some(Note::NoRequests),
                (Kpi::Accuracy, 0) => Some(Note::NotSampled),
                (Kpi::Completeness, 0) => Some(Note::NoVisits),
                _ => None,
            };
            Figure {
                kpi,
                part,
                whole,
                target_permille: rule.target_permille,
                weight: rule.weight,
                score_centi: score_centi(rule, part, whole),
                note,
            }
        })
        .collect();
    let total = figures.iter().map(|f| f.score_centi).sum();
    (figures, total)
}

/// A share beside the weighted figures, not scored (持证率, attendance).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub part: u32,
    pub whole: u32,
}

/// The survey round a scorecard's satisfaction comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundUsed {
    pub id: String,
    pub title: String,
    pub period: String,
}

/// `GET /api/v1/scorecard?site=<id or "court">&period=<YYYY-MM or YYYY-Qn>`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scorecard {
    /// A site's id, or none for the whole court.
    pub site_id: Option<String>,
    pub period: String,
    pub figures: Vec<Figure>,
    pub total_centi: u32,
    pub scoring: Option<Scoring>,
    pub round: Option<RoundUsed>,
    /// People on site whose roles need a certificate, and those holding a valid one.
    pub certificates: Share,
    /// Days rostered and days worked: none until rosters are kept.
    pub attendance: Option<Share>,
}

/// The court's name for "the whole court" in a scorecard's `site` parameter.
pub const COURT: &str = "court";

/// Points in hundredths as written: `24.34`.
pub fn points_text(centi: u32) -> String {
    format!("{}.{:02}", centi / 100, centi % 100)
}

/// A per mille as a per cent with one decimal: `92.5%`.
pub fn permille_text(p: u32) -> String {
    format!("{}.{}%", p / 10, p % 10)
}

/// `GET /api/v1/scorecard/records?site=&period=&kpi=`: the records a figure counted against
/// (incomplete registrations and why, screenings re-checked and found wrong, requests past
/// their limit, answers below 4), oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detail {
    pub rows: Vec<DetailRow>,
    /// More than were sent ([`DETAIL_MAX`]).
    pub more: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailRow {
    pub at: i64,
    pub site_id: String,
    pub subject: String,
    /// Why it counted against the figure, in the reader's language.
    pub why: String,
}

pub const DETAIL_MAX: usize = 500;

/// A registration's required field, named as the form names it.
pub fn field_label(field: &str, locale: Locale) -> &'static str {
    match field {
        "id_number" => crate::i18n::pick(locale, "证件号码", "document number"),
        "phone" => crate::i18n::pick(locale, "联系电话", "phone"),
        "purpose" => crate::i18n::pick(locale, "来访事由", "purpose"),
        "area_id" => crate::i18n::pick(locale, "前往区域", "area"),
        _ => crate::i18n::pick(locale, "其他", "other"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(kpi: Kpi) -> Rule {
        Scoring::default().rule(kpi)
    }

    #[test]
    fn at_or_above_the_target_earns_the_weight_below_it_a_share() {
        let a = rule(Kpi::Accuracy);
        assert_eq!(score_centi(a, 38, 40), 2500, "95.0% is the target");
        assert_eq!(score_centi(a, 40, 40), 2500);
        // 37/40 = 92.5%; 25 × 92.5 / 95 = 24.342…
        assert_eq!(score_centi(a, 37, 40), 2434);
        let s = rule(Kpi::Satisfaction);
        // 44/50 = 88%; 30 × 88 / 90 = 29.333…
        assert_eq!(score_centi(s, 44, 50), 2933);
        // Half up: 20 × (1/3) / 0.95 = 7.0175… → 7.02.
        assert_eq!(score_centi(rule(Kpi::Response), 1, 3), 702);
        assert_eq!(score_centi(s, 0, 10), 0);
    }

    #[test]
    fn nothing_to_count_is_full_for_what_came_and_nothing_for_what_was_not_measured() {
        let (f, total) = figures(&Counts::default(), &Scoring::default());
        let notes: Vec<_> = f.iter().map(|f| (f.kpi, f.score_centi, f.note)).collect();
        assert_eq!(
            notes,
            vec![
                (Kpi::Satisfaction, 0, Some(Note::NoSurvey)),
                (Kpi::Response, 2000, Some(Note::NoRequests)),
                (Kpi::Accuracy, 0, Some(Note::NotSampled)),
                (Kpi::Completeness, 2500, Some(Note::NoVisits)),
            ]
        );
        assert_eq!(total, 4500);
        assert!(f[1].met() && !f[0].met());
    }

    #[test]
    fn the_total_adds_the_weighted_figures() {
        let counts = Counts {
            satisfied: (44, 50),
            court_survey: true,
            in_time: (18, 20),
            correct: (37, 40),
            complete: (196, 200),
        };
        let (f, total) = figures(&counts, &Scoring::default());
        let scores: Vec<u32> = f.iter().map(|f| f.score_centi).collect();
        // 20 × 0.9 / 0.95 = 18.947… → 18.95; 196/200 = 98%: full.
        assert_eq!(scores, vec![2933, 1895, 2434, 2500]);
        assert_eq!(total, 9762);
        assert_eq!(points_text(total), "97.62");
        assert_eq!(f[0].note, Some(Note::CourtSurvey));
        assert_eq!(f[3].value_permille(), Some(980));
        assert!(f[3].met());
        assert_eq!(permille_text(f[2].value_permille().unwrap()), "92.5%");
    }

    #[test]
    fn a_setting_is_checked_before_it_is_kept() {
        assert_eq!(Scoring::default().check(Locale::En), Ok(()));
        let mut s = Scoring::default();
        s.rules[0].weight = 31;
        assert_eq!(
            s.check(Locale::En),
            Err("The weights must add up to 100 (101)".into())
        );
        let mut s = Scoring::default();
        s.rules[1].target_permille = 0;
        assert!(s.check(Locale::Zh).unwrap_err().starts_with("响应时间"));
        let mut s = Scoring::default();
        s.rules.pop();
        assert!(s.check(Locale::En).is_err());
        let mut s = Scoring::default();
        s.rules[3].kpi = Kpi::Accuracy;
        assert!(s.check(Locale::En).is_err());
    }
}
