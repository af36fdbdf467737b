//! Requests and feedback from the court (服务需求 / 意见反馈), shared by the phone and the server.
//!
//! The court's side files a request online (its liaison, or court staff from their own phone);
//! a guard, team leader or supervisor logs one that came by the service telephone, e-mail, the
//! suggestion box or in person, offline too, with the time it came in. Each request moves
//! received → acknowledged (the response) → handled → reported back → closed by the court's
//! confirmation, or closed unconfirmed some days after being reported back. Nothing goes back,
//! nothing is done twice, nothing follows the close.
//!
//! Its class (urgent, general) sets the response limit the contract's response-time KPI counts,
//! whatever the channel; an e-mail also has its reply class, judged on the report back (the
//! written answer to it). Times are the ones the phones made the records at (`app::sync::place`).

use crate::core::{trimmed as text, FieldError};
use crate::i18n::request_rules::Words;
use crate::i18n::{coded, Locale};
use serde::{Deserialize, Serialize};

use crate::rows::Entity;

mod kpi;
mod suggestion_box;
pub mod view;

pub use kpi::*;
pub use suggestion_box::*;

/// Requests stay on phones 90 days after they came in, open ones however old.
pub const COURT_REQUEST: Entity = Entity::declare("court_request")
    .kept_by("received_at", 90)
    .open_until("closed_at");

pub const MINUTE: i64 = 60 * 1000;
pub const HOUR: i64 = 60 * MINUTE;

/// How long after it came in a request may be logged (a call noted at the end of a shift).
pub const LOG_WITHIN: i64 = 24 * HOUR;

/// Days after the report back that an unconfirmed request closes by itself (a setting).
pub const UNCONFIRMED_CLOSE_DAYS: i64 = 3;

coded!(
    /// How a request reached the service.
    Channel {
        Online = "online", "线上提交", "Filed online";
        Phone = "phone", "服务电话", "Service telephone";
        Email = "email", "邮件", "E-mail";
        SuggestionBox = "suggestion_box", "意见箱", "Suggestion box";
        InPerson = "in_person", "当面提出", "In person";
    }
);

coded!(
    /// The class that sets a request's response limit.
    Urgency {
        Urgent = "urgent", "紧急", "Urgent";
        General = "general", "一般", "General";
    }
);

coded!(
    /// An e-mail's reply class (邮件分类).
    EmailClass {
        Urgent = "urgent", "紧急（1小时内回复）", "Urgent (reply within 1 h)";
        Important = "important", "重要（24小时内回复）", "Important (reply within 24 h)";
        General = "general", "一般（48小时内回复）", "General (reply within 48 h)";
    }
);

coded!(
    /// Where a request is.
    RequestState {
        Received = "received", "待响应", "Awaiting response";
        Acknowledged = "acknowledged", "已响应", "Acknowledged";
        Handled = "handled", "已处理", "Handled";
        Reported = "reported", "已反馈", "Reported back";
        Closed = "closed", "已办结", "Closed";
    }
);

coded!(
    /// A step someone takes on a request.
    StepKind {
        Acknowledge = "acknowledge", "响应", "Acknowledge";
        Handle = "handle", "处理", "Handle";
        Report = "report", "反馈法院", "Report back";
        Confirm = "confirm", "确认办结", "Confirm closed";
    }
);

impl Urgency {
    /// The response limit the KPI counts: 15 minutes urgent, 1 hour general.
    pub fn response_limit(self) -> i64 {
        match self {
            Urgency::Urgent => 15 * MINUTE,
            Urgency::General => HOUR,
        }
    }
}

impl EmailClass {
    /// The reply limit of an e-mail: 1 hour urgent, 24 important, 48 general.
    pub fn reply_limit(self) -> i64 {
        match self {
            EmailClass::Urgent => HOUR,
            EmailClass::Important => 24 * HOUR,
            EmailClass::General => 48 * HOUR,
        }
    }
}

impl StepKind {
    /// The step the court takes (its confirmation); the others are the service's.
    pub fn is_court_s(self) -> bool {
        self == StepKind::Confirm
    }
}

/// `request.file` v1: a request filed by the court online, or logged by the service.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct File {
    pub id: String,
    pub site_id: String,
    pub channel: Option<Channel>,
    pub urgency: Option<Urgency>,
    /// Only for an e-mail.
    #[serde(default)]
    pub email_class: Option<EmailClass>,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub detail: String,
    /// Who at the court asked (a department, or a name): never a telephone number.
    #[serde(default)]
    pub from_whom: String,
    /// How long before the record was made the request came in (a call logged after it
    /// ended): carried as a span, so the server's placing of the record's time (a phone's
    /// clock put right) moves the call's time with it.
    #[serde(default)]
    pub received_before_ms: i64,
}

/// `request.step` v1: acknowledge, handle, report back, or the court's confirmation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub request_id: String,
    pub step: StepKind,
    /// What was done (handle), what the court was told (report back), any word otherwise.
    #[serde(default)]
    pub note: String,
    /// Handled by someone sent on site.
    #[serde(default)]
    pub on_site: bool,
}

/// Why a step cannot be taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepError {
    /// The request is closed: nothing more is recorded on it.
    Closed,
    /// It was acknowledged already (by whoever answered first).
    AcknowledgedAlready,
    /// This step was taken already.
    Twice,
    /// An earlier step is missing.
    OutOfOrder { first: StepKind },
}

impl StepError {
    pub fn message(self, locale: Locale) -> String {
        match self {
            StepError::Closed => Words::ThisRequestIsClosed.text(locale).into(),
            StepError::AcknowledgedAlready => Words::AcknowledgedAlready.text(locale).into(),
            StepError::Twice => Words::ThisStepIsDoneAlready.text(locale).into(),
            StepError::OutOfOrder { first } => match locale {
                Locale::Zh => format!("请先完成“{}”", first.label(locale)),
                Locale::En => format!("First: {}", first.label(locale)),
            },
        }
    }
}

/// The state after `step`, or why it cannot be taken in `state`.
pub fn after(state: RequestState, step: StepKind) -> Result<RequestState, StepError> {
    use RequestState as S;
    use StepKind as K;
    let rank = |s: RequestState| S::ALL.iter().position(|x| *x == s).unwrap_or_default();
    let (from, to) = match step {
        K::Acknowledge => (S::Received, S::Acknowledged),
        K::Handle => (S::Acknowledged, S::Handled),
        K::Report => (S::Handled, S::Reported),
        K::Confirm => (S::Reported, S::Closed),
    };
    if state == S::Closed {
        return Err(StepError::Closed);
    }
    if state == from {
        return Ok(to);
    }
    if rank(state) > rank(from) {
        return Err(if step == K::Acknowledge {
            StepError::AcknowledgedAlready
        } else {
            StepError::Twice
        });
    }
    // The first step not yet taken.
    let first = K::ALL[rank(state)];
    Err(StepError::OutOfOrder { first })
}

/// Checks a request as filed. `court_side`: filed by the court itself, online and now; else
/// logged by the service, which names the channel it came by (an e-mail with its reply class)
/// and when it came in, up to a day before.
pub fn check_file(mut f: File, court_side: bool, locale: Locale) -> Result<File, FieldError> {
    let said = |field, w: Words| FieldError::said(locale, field, w);
    if court_side {
        f.channel = Some(Channel::Online);
        f.email_class = None;
        f.received_before_ms = 0;
    }
    let channel = match f.channel {
        None => return Err(said("channel", Words::SayHowTheRequestCame)),
        Some(Channel::Online) if !court_side => {
            return Err(said("channel", Words::SayHowTheRequestCame))
        }
        Some(c) => c,
    };
    if f.urgency.is_none() {
        return Err(said("urgency", Words::UrgentOrGeneral));
    }
    match (channel, f.email_class) {
        (Channel::Email, None) => return Err(said("email_class", Words::ChooseTheEmailClass)),
        (Channel::Email, Some(_)) => {}
        _ => f.email_class = None,
    }
    f.subject = text("subject", &f.subject, 60, locale)?;
    if f.subject.chars().count() < 2 {
        return Err(said("subject", Words::SayWhatIsAsked));
    }
    f.detail = text("detail", &f.detail, 500, locale)?;
    f.from_whom = text("from_whom", &f.from_whom, 40, locale)?;
    if !court_side && f.from_whom.is_empty() {
        return Err(said("from_whom", Words::SayWhoAsked));
    }
    if looks_like_a_phone_number(&f.from_whom) {
        return Err(said("from_whom", Words::NoPhoneNumbers));
    }
    if f.received_before_ms < 0 {
        return Err(said("received_at", Words::ItCannotComeInLater));
    }
    if f.received_before_ms > LOG_WITHIN {
        return Err(said("received_at", Words::OnlyWithinADay));
    }
    Ok(f)
}

/// A run of 7 or more digits: a telephone number typed where a name goes (phone numbers are
/// personal data and are not kept with requests).
fn looks_like_a_phone_number(s: &str) -> bool {
    let mut run = 0;
    for c in s.chars() {
        if c.is_ascii_digit() {
            run += 1;
            if run >= 7 {
                return true;
            }
        } else if c != '-' && c != ' ' {
            run = 0;
        }
    }
    false
}

/// Checks a step's words: handling says what was done, a report back what the court was told.
pub fn check_step(mut s: Step, locale: Locale) -> Result<Step, FieldError> {
    s.note = text("note", &s.note, 300, locale)?;
    let needs = match s.step {
        StepKind::Handle => Some(Words::SayWhatWasDone),
        StepKind::Report => Some(Words::SayWhatTheCourtWasTold),
        StepKind::Acknowledge | StepKind::Confirm => None,
    };
    if let Some(w) = needs {
        if s.note.chars().count() < 2 {
            return Err(FieldError::said(locale, "note", w));
        }
    }
    if s.step != StepKind::Handle {
        s.on_site = false;
    }
    Ok(s)
}

/// A request as phones keep it (the server's row, or the phone's own before it syncs).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RequestRow {
    pub site_id: String,
    pub channel: String,
    pub urgency: String,
    #[serde(default)]
    pub email_class: Option<String>,
    pub subject: String,
    #[serde(default)]
    pub detail: String,
    #[serde(default)]
    pub from_whom: String,
    pub received_at: i64,
    pub state: String,
    #[serde(default)]
    pub acknowledged_at: Option<i64>,
    #[serde(default)]
    pub acknowledged_name: Option<String>,
    #[serde(default)]
    pub handled_at: Option<i64>,
    #[serde(default)]
    pub handled_name: Option<String>,
    #[serde(default)]
    pub handling: Option<String>,
    #[serde(default, deserialize_with = "crate::rows::bool_or_int")]
    pub on_site: bool,
    #[serde(default)]
    pub reported_at: Option<i64>,
    #[serde(default)]
    pub report: Option<String>,
    #[serde(default)]
    pub closed_at: Option<i64>,
    /// `confirmed` by the court, or `unconfirmed` (closed by itself).
    #[serde(default)]
    pub close_kind: Option<String>,
    /// The rectification it opened, when it needed work.
    #[serde(default)]
    pub rect_id: Option<String>,
    pub author_id: String,
}

impl RequestRow {
    pub fn state(&self) -> RequestState {
        RequestState::parse(&self.state).unwrap_or(RequestState::Received)
    }
    pub fn urgency(&self) -> Urgency {
        Urgency::parse(&self.urgency).unwrap_or(Urgency::General)
    }
    pub fn email_class(&self) -> Option<EmailClass> {
        self.email_class.as_deref().and_then(EmailClass::parse)
    }
    /// The response clock of this request at `now`.
    pub fn response(&self, now: i64) -> Clock {
        Clock::new(
            self.received_at,
            self.urgency().response_limit(),
            self.acknowledged_at,
            now,
        )
    }
    /// An e-mail's reply clock (the report back answers it) at `now`.
    pub fn reply(&self, now: i64) -> Option<Clock> {
        let class = self.email_class()?;
        Some(Clock::new(
            self.received_at,
            class.reply_limit(),
            self.reported_at,
            now,
        ))
    }
}

/// A clock against a limit: from when the request came in to when it was met (or now).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    pub limit: i64,
    /// How long it took, once met.
    pub took: Option<i64>,
    /// How long it has run (met: how long it took).
    pub ran: i64,
}

impl Clock {
    pub fn new(from: i64, limit: i64, met_at: Option<i64>, now: i64) -> Clock {
        let took = met_at.map(|t| (t - from).max(0));
        Clock {
            limit,
            took,
            ran: took.unwrap_or((now - from).max(0)),
        }
    }
    /// Past its limit: met late, or not met and the limit gone by. Exactly at the limit is
    /// in time.
    pub fn breached(self) -> bool {
        self.ran > self.limit
    }
    /// Still running and within its limit.
    pub fn running(self) -> bool {
        self.took.is_none() && !self.breached()
    }
    /// Time left (negative: over by).
    pub fn left(self) -> i64 {
        self.limit - self.ran
    }
}

/// Minutes as a person reads them: "12 分钟", "1 小时 5 分钟".
pub fn span_text(ms: i64, locale: Locale) -> String {
    let minutes = ms.abs() / MINUTE;
    let (h, m) = (minutes / 60, minutes % 60);
    match (locale, h) {
        (Locale::Zh, 0) => format!("{m} 分钟"),
        (Locale::Zh, _) => format!("{h} 小时 {m} 分钟"),
        (Locale::En, 0) => format!("{m} min"),
        (Locale::En, _) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> File {
        File {
            id: "r".into(),
            site_id: "s".into(),
            channel: Some(Channel::Phone),
            urgency: Some(Urgency::Urgent),
            email_class: None,
            subject: " 三楼走廊有人争吵 ".into(),
            detail: String::new(),
            from_whom: "立案庭".into(),
            received_before_ms: 40 * MINUTE,
        }
    }

    #[test]
    fn the_steps_go_in_order_once_each_and_never_after_the_close() {
        use RequestState as S;
        use StepKind as K;
        assert_eq!(after(S::Received, K::Acknowledge), Ok(S::Acknowledged));
        assert_eq!(
            after(S::Acknowledged, K::Acknowledge),
            Err(StepError::AcknowledgedAlready)
        );
        assert_eq!(
            after(S::Handled, K::Acknowledge),
            Err(StepError::AcknowledgedAlready)
        );
        assert_eq!(
            after(S::Received, K::Handle),
            Err(StepError::OutOfOrder {
                first: K::Acknowledge
            })
        );
        assert_eq!(
            after(S::Received, K::Confirm),
            Err(StepError::OutOfOrder {
                first: K::Acknowledge
            })
        );
        assert_eq!(after(S::Acknowledged, K::Handle), Ok(S::Handled));
        assert_eq!(
            after(S::Acknowledged, K::Report),
            Err(StepError::OutOfOrder { first: K::Handle })
        );
        assert_eq!(after(S::Handled, K::Handle), Err(StepError::Twice));
        assert_eq!(after(S::Handled, K::Report), Ok(S::Reported));
        assert_eq!(after(S::Reported, K::Confirm), Ok(S::Closed));
        for k in K::ALL {
            assert_eq!(after(S::Closed, *k), Err(StepError::Closed));
        }
        assert_eq!(
            StepError::OutOfOrder { first: K::Handle }.message(Locale::Zh),
            "请先完成“处理”"
        );
    }

    #[test]
    fn a_logged_request_names_its_channel_caller_and_time() {
        let f = check_file(file(), false, Locale::Zh).unwrap();
        assert_eq!(f.subject, "三楼走廊有人争吵");
        let wrong = |f: File| check_file(f, false, Locale::Zh).unwrap_err();
        assert_eq!(
            wrong(File {
                channel: Some(Channel::Online),
                ..file()
            })
            .field,
            "channel"
        );
        assert_eq!(
            wrong(File {
                channel: Some(Channel::Email),
                ..file()
            })
            .field,
            "email_class"
        );
        assert_eq!(
            wrong(File {
                from_whom: "张先生 139 1234 5678".into(),
                ..file()
            })
            .message,
            Words::NoPhoneNumbers.text(Locale::Zh)
        );
        assert_eq!(
            wrong(File {
                from_whom: " ".into(),
                ..file()
            })
            .field,
            "from_whom"
        );
        assert_eq!(
            wrong(File {
                received_before_ms: LOG_WITHIN + 1,
                ..file()
            })
            .field,
            "received_at"
        );
        assert_eq!(
            wrong(File {
                received_before_ms: -1,
                ..file()
            })
            .field,
            "received_at"
        );
        assert_eq!(
            wrong(File {
                urgency: None,
                ..file()
            })
            .field,
            "urgency"
        );
        // An e-mail class on a call is dropped, not kept.
        let f = check_file(
            File {
                email_class: Some(EmailClass::Urgent),
                ..file()
            },
            false,
            Locale::Zh,
        )
        .unwrap();
        assert_eq!(f.email_class, None);
    }

    #[test]
    fn the_court_files_online_and_now() {
        let f = check_file(
            File {
                channel: Some(Channel::Phone),
                from_whom: String::new(),
                email_class: Some(EmailClass::General),
                ..file()
            },
            true,
            Locale::En,
        )
        .unwrap();
        assert_eq!(f.channel, Some(Channel::Online));
        assert_eq!(f.received_before_ms, 0);
        assert_eq!(f.email_class, None);
    }

    #[test]
    fn handling_and_reporting_say_what() {
        let s = |step, note: &str| Step {
            request_id: "r".into(),
            step,
            note: note.into(),
            on_site: true,
        };
        assert!(check_step(s(StepKind::Acknowledge, ""), Locale::Zh).is_ok());
        assert_eq!(
            check_step(s(StepKind::Handle, " "), Locale::Zh)
                .unwrap_err()
                .field,
            "note"
        );
        assert!(
            check_step(s(StepKind::Handle, "已到场劝离"), Locale::Zh)
                .unwrap()
                .on_site
        );
        assert!(
            !check_step(s(StepKind::Report, "已电话告知"), Locale::Zh)
                .unwrap()
                .on_site
        );
    }

    #[test]
    fn a_clock_at_its_limit_is_in_time_and_a_millisecond_more_is_late() {
        let limit = Urgency::Urgent.response_limit();
        assert!(!Clock::new(0, limit, Some(limit), 0).breached());
        assert!(Clock::new(0, limit, Some(limit + 1), 0).breached());
        // Not met: running until the limit, breached after it.
        assert!(Clock::new(0, limit, None, limit).running());
        let c = Clock::new(0, limit, None, limit + MINUTE);
        assert!(c.breached() && !c.running());
        assert_eq!(c.left(), -MINUTE);
        assert_eq!(span_text(65 * MINUTE, Locale::Zh), "1 小时 5 分钟");
        assert_eq!(span_text(-12 * MINUTE, Locale::En), "12 min");
    }
}
