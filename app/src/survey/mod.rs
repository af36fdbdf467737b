//! The court's satisfaction survey (满意度调查) and monthly feedback round (意见征集): rounds,
//! their questions, the one-time links departments answer from, and the results.
//!
//! Shared by the server (which checks every answer) and the liaison's and supervisor's pages.
//! A respondent answers from a link or QR code on any phone's browser, with nothing to install
//! and no account: the link is the only key, good for one answer, until the round closes.

use crate::i18n::{coded, pick, Locale};
use serde::{Deserialize, Serialize};

coded! {
    /// Which round: the quarterly survey the scorecard reads, or the monthly feedback round.
    RoundKind {
        Quarterly = "quarterly", "季度满意度调查", "Quarterly satisfaction survey";
        Monthly = "monthly", "月度意见征集", "Monthly feedback round";
    }
}

/// One question of a round: rated 1 to 5, or answered in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Stable within a round: `attitude`, `comment`, ….
    pub key: String,
    pub zh: String,
    pub en: String,
    pub rated: bool,
}

impl Question {
    pub fn text(&self, locale: Locale) -> &str {
        match locale {
            Locale::Zh => &self.zh,
            Locale::En if self.en.is_empty() => &self.zh,
            Locale::En => &self.en,
        }
    }
}

/// The bid's questions (服务态度、专业能力、响应速度、秩序维护、总体评价, and a comment).
pub fn default_questions() -> Vec<Question> {
    let q = |key: &str, zh: &str, en: &str, rated| Question {
        key: key.into(),
        zh: zh.into(),
        en: en.into(),
        rated,
    };
    vec![
        q("attitude", "服务态度", "Service attitude", true),
        q("ability", "专业能力", "Professional ability", true),
        q("response", "响应速度", "Response to requests", true),
        q("order", "秩序维护", "Keeping order", true),
        q("overall", "总体评价", "Overall", true),
        q("comment", "意见和建议", "Comments and suggestions", false),
    ]
}

/// The answers a score of which counts as satisfied (4 or 5 of 5).
pub const SATISFIED_FROM: u8 = 4;

/// Longest answer in words, in characters.
pub const TEXT_MAX: usize = 500;

/// Questions as an administrator edits them: 1 to 20, keys of lower-case letters, digits and
/// `_` (1 to 30), each once; a Chinese text of 1 to 100 characters (English optional, up to
/// 200); at least one rated.
pub fn check_questions(qs: &[Question], locale: Locale) -> Result<(), String> {
    let say = |zh: &'static str, en: &'static str| pick(locale, zh, en).to_string();
    if qs.is_empty() || qs.len() > 20 {
        return Err(say("问题数须为1到20个", "A survey has 1 to 20 questions"));
    }
    for (i, q) in qs.iter().enumerate() {
        let n = i + 1;
        let key_ok = !q.key.is_empty()
            && q.key.len() <= 30
            && q.key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !key_ok {
            return Err(format!(
                "{} {n}: {}",
                say("第", "Question"),
                say(
                    "代码须为1到30个小写字母、数字或下划线",
                    "the code is 1 to 30 lower-case letters, digits or _"
                )
            ));
        }
        if qs[..i].iter().any(|o| o.key == q.key) {
            return Err(format!("{}: {}", q.key, say("代码重复", "used twice")));
        }
        let zh = q.zh.trim().chars().count();
        if zh == 0 || zh > 100 || q.en.chars().count() > 200 {
            return Err(format!(
                "{}: {}",
                q.key,
                say(
                    "中文题目须为1到100个字，英文不超过200个字符",
                    "the Chinese text is 1 to 100 characters, the English at most 200"
                )
            ));
        }
    }
    if !qs.iter().any(|q| q.rated) {
        return Err(say(
            "至少要有一个打分题",
            "At least one question is rated 1 to 5",
        ));
    }
    Ok(())
}

/// One respondent's answers, checked against the round's questions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// Each rated question's score, 1 to 5, in the round's order.
    pub scores: Vec<(String, u8)>,
    /// Each question answered in words (blank ones left out).
    pub texts: Vec<(String, String)>,
}

/// What is wrong with a form's answers: the questions not rated (by key), or a text too long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnswerError {
    Unrated(Vec<String>),
    TooLong(String),
}

impl AnswerError {
    pub fn message(&self, qs: &[Question], locale: Locale) -> String {
        match self {
            AnswerError::Unrated(keys) => {
                let names: Vec<&str> = qs
                    .iter()
                    .filter(|q| keys.contains(&q.key))
                    .map(|q| q.text(locale))
                    .collect();
                format!(
                    "{}{}",
                    pick(
                        locale,
                        "请为每一项打分，尚未打分：",
                        "Please rate every item; not rated: "
                    ),
                    names.join(pick(locale, "、", ", "))
                )
            }
            AnswerError::TooLong(_) => format!(
                "{}{TEXT_MAX}{}",
                pick(locale, "意见不超过", "Comments have at most "),
                pick(locale, "字", " characters")
            ),
        }
    }
}

/// Reads a submitted form (`key=value` pairs, as posted) against `qs`: every rated question
/// needs a score from 1 to 5; texts are trimmed and at most [`TEXT_MAX`] characters. Fields
/// that are not questions are ignored.
pub fn check_answer(qs: &[Question], form: &[(String, String)]) -> Result<Answer, AnswerError> {
    let value = |key: &str| {
        form.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
    };
    let mut answer = Answer::default();
    let mut unrated = Vec::new();
    for q in qs {
        let v = value(&q.key).unwrap_or_default();
        if q.rated {
            match v.parse::<u8>() {
                Ok(s @ 1..=5) => answer.scores.push((q.key.clone(), s)),
                _ => unrated.push(q.key.clone()),
            }
        } else if v.chars().count() > TEXT_MAX {
            return Err(AnswerError::TooLong(q.key.clone()));
        } else if !v.is_empty() {
            answer.texts.push((q.key.clone(), v));
        }
    }
    if unrated.is_empty() {
        Ok(answer)
    } else {
        Err(AnswerError::Unrated(unrated))
    }
}

/// A round as the liaison's and supervisor's pages list it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundRow {
    pub id: String,
    pub kind: String,
    /// `YYYY-MM` or `YYYY-Qn`.
    pub period: String,
    pub title: String,
    pub opens_at: i64,
    /// Links stop working at this instant (the court's midnight after its last day).
    pub closes_at: i64,
    /// Closed early by the liaison.
    pub closed_at: Option<i64>,
    pub questions: Vec<Question>,
    pub links: u32,
    pub answered: u32,
}

impl RoundRow {
    pub fn open_at(&self, now: i64) -> bool {
        self.closed_at.is_none() && now < self.closes_at
    }
}

/// `POST /api/v1/surveys`: a new round (its questions are the administrator's at that time).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRound {
    pub kind: String,
    pub period: String,
    /// Empty: named after the kind and period.
    #[serde(default)]
    pub title: String,
    /// The last day answers are taken, `YYYY-MM-DD`.
    pub closes_on: String,
}

/// `POST /api/v1/surveys/{id}/links`: links for one department.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkAsk {
    /// The department (审判管理办公室, 立案庭, …), shown with its answers.
    pub department: String,
    /// The site the department works at (its answers count for that site).
    pub site_id: String,
    /// How many respondents, 1 to 50: one link each.
    pub count: u32,
}

/// A link made for one respondent: shown once (the server keeps only its hash).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkMade {
    pub url: String,
    /// Its QR code, as SVG drawn by the server.
    pub svg: String,
}

/// One question's answers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionResult {
    pub key: String,
    /// How many answered 1, 2, 3, 4 and 5.
    pub counts: [u32; 5],
}

impl QuestionResult {
    pub fn answered(&self) -> u32 {
        self.counts.iter().sum()
    }

    pub fn satisfied(&self) -> u32 {
        self.counts[usize::from(SATISFIED_FROM - 1)..].iter().sum()
    }
}

/// An answer in words, for the supervisor to act on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub response_id: String,
    pub department: String,
    pub site_id: String,
    pub question: String,
    pub text: String,
    pub answered_at: i64,
    /// The rectification it opened, if one was.
    pub rect_id: Option<String>,
}

/// `GET /api/v1/surveys/{id}/results`, over the sites the reader may see.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Results {
    pub round: RoundRow,
    pub questions: Vec<QuestionResult>,
    /// Responses per department, and links made for it.
    pub departments: Vec<(String, u32, u32)>,
    pub comments: Vec<Comment>,
}

impl Results {
    /// Answers of 4 or 5, of every rated answer.
    pub fn satisfied(&self) -> (u32, u32) {
        self.questions
            .iter()
            .fold((0, 0), |(s, a), q| (s + q.satisfied(), a + q.answered()))
    }
}

/// What `from_check` starts with on a hazard opened from a survey comment (the response's id
/// follows): the rectification and the response name each other.
pub const FROM_SURVEY: &str = "survey:";

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_bids_questions_are_valid() {
        assert_eq!(check_questions(&default_questions(), Locale::En), Ok(()));
        let mut qs = default_questions();
        qs[1].key = "attitude".into();
        assert_eq!(
            check_questions(&qs, Locale::En),
            Err("attitude: used twice".into())
        );
        let mut qs = default_questions();
        qs[0].key = "Attitude".into();
        assert!(check_questions(&qs, Locale::Zh).is_err());
        let qs: Vec<Question> = default_questions()
            .into_iter()
            .filter(|q| !q.rated)
            .collect();
        assert!(check_questions(&qs, Locale::En).is_err());
        assert!(check_questions(&[], Locale::En).is_err());
    }

    #[test]
    fn every_rated_question_needs_a_score_and_nothing_else_is_taken() {
        let qs = default_questions();
        let full = form(&[
            ("attitude", "5"),
            ("ability", "4"),
            ("response", "3"),
            ("order", "2"),
            ("overall", "1"),
            ("comment", "  门口排队太长  "),
            ("admin", "1"),
        ]);
        let a = check_answer(&qs, &full).unwrap();
        assert_eq!(a.scores.len(), 5);
        assert_eq!(a.texts, vec![("comment".into(), "门口排队太长".into())]);
        let partial = form(&[("attitude", "5"), ("ability", "6"), ("response", "x")]);
        let e = check_answer(&qs, &partial).unwrap_err();
        assert_eq!(
            e,
            AnswerError::Unrated(vec![
                "ability".into(),
                "response".into(),
                "order".into(),
                "overall".into()
            ])
        );
        assert_eq!(
            e.message(&qs, Locale::Zh),
            "请为每一项打分，尚未打分：专业能力、响应速度、秩序维护、总体评价"
        );
        let mut long = full.clone();
        long[5].1 = "长".repeat(TEXT_MAX + 1);
        assert_eq!(
            check_answer(&qs, &long),
            Err(AnswerError::TooLong("comment".into()))
        );
    }

    #[test]
    fn satisfied_counts_fours_and_fives() {
        let r = Results {
            questions: vec![
                QuestionResult {
                    key: "a".into(),
                    counts: [1, 0, 1, 3, 5],
                },
                QuestionResult {
                    key: "b".into(),
                    counts: [0, 0, 0, 0, 10],
                },
            ],
            ..Default::default()
        };
        assert_eq!(r.satisfied(), (18, 20));
    }
}
