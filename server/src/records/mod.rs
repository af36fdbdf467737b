//! The record types that travel through the sync engine. Each one is a few lines here: its
//! mutation names in [`MUTATIONS`], a match arm in [`run`], and its table in [`ENTITIES`] for
//! pull. Handlers get a [`Ctx`] with the batch's transaction, the author's grants and helpers
//! for the checks every record shares (args, role, site, version).

pub mod boiler;
pub mod checklist;
pub mod fire;
pub mod gate;
pub mod hazard;
pub mod inspect;
pub mod rounds;
pub mod screening;
pub mod visits;
pub mod watch;

use crate::error::ApiError;
use app::i18n::{Key, Locale};
use app::model::{roles_allow, Action, Role};
use app::sync::{ClockFlag, Mutation};
use serde::de::DeserializeOwned;
use sqlx::SqliteConnection;

/// The mutations this server understands, by name and the newest `v` of their args.
pub const MUTATIONS: &[(&str, u32)] = &[
    ("visit.check_in", 2),
    ("visit.check_out", 1),
    ("screening.record", 1),
    ("deposit.close", 1),
    ("equipment.self_test", 1),
    ("watch.alert", 1),
    ("gate.arrive", 1),
    ("gate.leave", 1),
    ("round.start", 1),
    ("round.check", 1),
    ("round.finish", 1),
    ("boiler.reading", 1),
    ("procedure.step", 1),
    ("fire.alarm", 1),
    ("fire.alarm_close", 1),
    ("fire.repair_done", 1),
    ("fire.status", 1),
    ("fire.handover", 1),
    ("fire.handover_accept", 1),
    ("fire.shift", 1),
    ("complaint.file", 1),
    ("court_duty.start", 1),
    ("court_duty.finish", 1),
    ("checklist.record", 1),
    ("checklist.countersign", 1),
    ("hazard.report", 1),
    ("rect.issue", 1),
    ("rect.edit", 1),
    ("rect.progress", 1),
    ("rect.review", 1),
    ("rect.comment", 1),
    ("inspection.record", 1),
    ("screening.sample", 1),
];

/// A table phones pull: who may see its rows, and which of its columns they get.
pub struct Entity {
    pub name: &'static str,
    pub table: &'static str,
    /// Any one of these actions lets a person see the entity (at their sites).
    pub seen_with: &'static [Action],
    /// The columns phones get (besides `id` and `version`): an allow list, so a column added
    /// later stays on the server until an entity names it.
    pub columns: &'static [&'static str],
    /// Columns that, when set, make the row a removal on phones (deleted, anonymised).
    pub gone: &'static [&'static str],
    /// What phones get of a row, from what is stored (masks, and less for a minor's visit).
    pub shape: fn(&mut serde_json::Map<String, serde_json::Value>),
    /// Only rows whose `time_column` is at most this old are sent (personal data stays on
    /// phones no longer than needed).
    pub time_column: &'static str,
    pub max_age_days: i64,
    /// Rows for every site (no `site_id` column): anyone who may see the entity sees them all.
    pub court_wide: bool,
}

/// A row as stored is what phones get.
pub fn as_stored(_: &mut serde_json::Map<String, serde_json::Value>) {}

pub const ENTITIES: &[Entity] = &[
    visits::ENTITY,
    screening::SCREENING,
    screening::DEPOSIT,
    screening::SELF_TEST,
    watch::ENTITY,
    watch::ALERT,
    gate::ENTITY,
    rounds::ROUTE,
    rounds::ROUND,
    rounds::CHECK,
    boiler::BOILER,
    boiler::READING,
    fire::ALARM,
    fire::STEP,
    fire::REPAIR,
    fire::STATUS,
    fire::HANDOVER,
    fire::SHIFT,
    rounds::COURT_DUTY,
    checklist::ENTITY,
    hazard::HAZARD,
    hazard::RECT,
    hazard::COMMENT,
    inspect::CHECKLIST,
    inspect::INSPECTION,
    inspect::SAMPLE,
];

/// A business rule's refusal: recorded, acknowledged, shown to the author in their language.
#[derive(Debug)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
    pub field: Option<&'static str>,
}

/// How a handler ends when it does not apply: refused (recorded), or failed (the batch rolls
/// back and the phone retries).
pub enum Reject {
    Refused(Refusal),
    Failed(ApiError),
}

impl From<ApiError> for Reject {
    fn from(e: ApiError) -> Self {
        Reject::Failed(e)
    }
}

impl From<sqlx::Error> for Reject {
    fn from(e: sqlx::Error) -> Self {
        Reject::Failed(e.into())
    }
}

impl From<Refusal> for Reject {
    fn from(r: Refusal) -> Self {
        Reject::Refused(r)
    }
}

/// A shared rule's "this field cannot be saved as typed" becomes a refusal naming the field.
impl From<app::front::FieldError> for Refusal {
    fn from(e: app::front::FieldError) -> Self {
        Refusal {
            code: "invalid",
            message: e.message,
            field: Some(e.field),
        }
    }
}

impl From<app::front::FieldError> for Reject {
    fn from(e: app::front::FieldError) -> Self {
        Reject::Refused(e.into())
    }
}

/// The next global version, for rows changed in this transaction (records, the watchlist,
/// the retention job alike).
pub async fn next_version(tx: &mut SqliteConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar("UPDATE sync_meta SET version = version + 1 WHERE id = 1 RETURNING version")
        .fetch_one(tx)
        .await
}

pub type Outcome = Result<(), Reject>;

pub struct Ctx<'a> {
    pub tx: &'a mut SqliteConnection,
    pub client_id: &'a str,
    pub m: &'a Mutation,
    pub roles: &'a [Role],
    pub sites: &'a [String],
    /// When the server received it (`created_at`): never a record's own time.
    pub now: i64,
    /// When the record was made, as the server places it from the phone's clocks
    /// (`app::sync::place`): every record's time and every lateness rule read this.
    pub at: i64,
    /// Why the phone's clock is in doubt for this record, if it is.
    pub clock_flag: Option<ClockFlag>,
    pub locale: Locale,
}

/// A query being built, its arguments bound so far.
pub type Insert<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>;

impl<'a> Ctx<'a> {
    pub fn refuse(&self, code: &'static str, key: Key) -> Refusal {
        Refusal {
            code,
            message: key.text(self.locale).to_string(),
            field: None,
        }
    }

    /// A new record's id, made by the phone, must be a UUID.
    pub fn new_id(&self, id: &str) -> Result<(), Refusal> {
        uuid::Uuid::parse_str(id)
            .map(|_| ())
            .map_err(|_| self.refuse("invalid", Key::ErrBadRequest))
    }

    /// Ends a new record's `INSERT … ON CONFLICT (id) DO NOTHING` with what every record
    /// carries, in this order: author, client, clock skewed, server time, version; runs it and
    /// refuses an id already taken.
    pub async fn insert_new<'q>(&mut self, q: Insert<'q>, version: i64) -> Outcome
    where
        'a: 'q,
    {
        let (m, client) = (self.m, self.client_id);
        let done = q
            .bind(&m.author)
            .bind(client)
            .bind(self.clock_skewed())
            .bind(self.now)
            .bind(version)
            .execute(&mut *self.tx)
            .await?;
        self.inserted(done)
    }

    /// An `INSERT … ON CONFLICT (id) DO NOTHING` that inserted nothing: the id is taken.
    pub fn inserted(&self, done: sqlx::sqlite::SqliteQueryResult) -> Outcome {
        if done.rows_affected() == 0 {
            return Err(self.refuse("exists", Key::ErrBadRequest).into());
        }
        Ok(())
    }

    /// The args as `T`, or a refusal saying they are malformed.
    pub fn args<T: DeserializeOwned>(&self) -> Result<T, Refusal> {
        serde_json::from_value(self.m.args.clone())
            .map_err(|_| self.refuse("invalid", Key::ErrBadRequest))
    }

    /// The author (not whoever is signed in now) may do `action` at `site_id`.
    pub fn allow(&self, action: Action, site_id: &str) -> Result<(), Refusal> {
        if !roles_allow(self.roles, action) {
            return Err(self.refuse("forbidden", Key::ErrForbidden));
        }
        let everywhere = self.roles.contains(&Role::Admin) && roles_allow(&[Role::Admin], action);
        if !everywhere && !self.sites.iter().any(|s| s == site_id) {
            return Err(self.refuse("site_forbidden", Key::ErrSiteForbidden));
        }
        Ok(())
    }

    /// Any one of `actions` allows the author to act at `site_id`; otherwise the last refusal.
    pub fn allow_any(&self, actions: &[Action], site_id: &str) -> Result<(), Refusal> {
        let mut allowed = Err(self.refuse("forbidden", Key::ErrForbidden));
        for a in actions {
            allowed = self.allow(*a, site_id);
            if allowed.is_ok() {
                break;
            }
        }
        allowed
    }

    /// The next global version, for the rows this mutation changes.
    pub async fn version(&mut self) -> Result<i64, Reject> {
        Ok(next_version(self.tx).await?)
    }

    /// The site of row `id` in `table` and when it was closed (`closed` names the column), or a
    /// refusal saying there is no such record. Table and column are this code's constants.
    pub async fn site_and_closed(
        &mut self,
        table: &'static str,
        closed: &'static str,
        id: &str,
    ) -> Result<(String, Option<i64>), Reject> {
        let sql = format!("SELECT site_id, {closed} FROM {table} WHERE id = ?");
        let row: Option<(String, Option<i64>)> = sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.ok_or_else(|| self.refuse("not_found", Key::ErrNotFound).into())
    }

    /// The phone's clock gave reason to doubt this record's time (off by more than ten
    /// minutes, changed before sending, or outside the bounds): flagged on the record for the
    /// supervisor; both times are kept in `sync_mutations`.
    pub fn clock_skewed(&self) -> bool {
        self.clock_flag.is_some()
    }

    /// When the record was made (see [`Ctx::at`]).
    pub fn event_time(&self) -> i64 {
        self.at
    }

    /// The court day the record was made on.
    pub fn made_on(&self) -> (i32, u32, u32) {
        app::front::court_date(self.at)
    }
}

/// Runs the handler for `cx.m`. Names were checked against [`MUTATIONS`] before the batch.
pub async fn run(cx: &mut Ctx<'_>) -> Outcome {
    match (cx.m.name.as_str(), cx.m.v) {
        ("visit.check_in", v) => {
            let args = app::front::CheckIn::from_args(v, &cx.m.args)
                .map_err(|_| cx.refuse("invalid", Key::ErrBadRequest))?;
            visits::check_in(cx, args).await
        }
        ("visit.check_out", _) => {
            let args = cx.args()?;
            visits::check_out(cx, args).await
        }
        ("screening.record", _) => {
            let args = cx.args()?;
            screening::record(cx, args).await
        }
        ("deposit.close", _) => {
            let args = cx.args()?;
            screening::close(cx, args).await
        }
        ("equipment.self_test", _) => {
            let args = cx.args()?;
            screening::self_test(cx, args).await
        }
        ("watch.alert", _) => {
            let args = cx.args()?;
            watch::alert(cx, args).await
        }
        ("gate.arrive", _) => {
            let args = cx.args()?;
            gate::arrive(cx, args).await
        }
        ("gate.leave", _) => {
            let args = cx.args()?;
            gate::leave(cx, args).await
        }
        ("round.start", _) => {
            let args = cx.args()?;
            rounds::start(cx, args).await
        }
        ("round.check", _) => {
            let args = cx.args()?;
            rounds::check(cx, args).await
        }
        ("round.finish", _) => {
            let args = cx.args()?;
            rounds::finish(cx, args).await
        }
        ("boiler.reading", _) => {
            let args = cx.args()?;
            boiler::reading(cx, args).await
        }
        ("procedure.step", _) => {
            let args = cx.args()?;
            fire::step(cx, args).await
        }
        ("fire.alarm", _) => {
            let args = cx.args()?;
            fire::alarm(cx, args).await
        }
        ("fire.alarm_close", _) => {
            let args = cx.args()?;
            fire::close(cx, args).await
        }
        ("fire.repair_done", _) => {
            let args = cx.args()?;
            fire::repair_done(cx, args).await
        }
        ("fire.status", _) => {
            let args = cx.args()?;
            fire::status(cx, args).await
        }
        ("fire.handover", _) => {
            let args = cx.args()?;
            fire::handover(cx, args).await
        }
        ("fire.handover_accept", _) => {
            let args = cx.args()?;
            fire::handover_accept(cx, args).await
        }
        ("fire.shift", _) => {
            let args = cx.args()?;
            fire::shift(cx, args).await
        }
        ("complaint.file", _) => {
            let args = cx.args()?;
            hazard::complaint(cx, args).await
        }
        ("court_duty.start", _) => {
            let args = cx.args()?;
            rounds::duty_start(cx, args).await
        }
        ("court_duty.finish", _) => {
            let args = cx.args()?;
            rounds::duty_finish(cx, args).await
        }
        ("checklist.record", _) => {
            let args = cx.args()?;
            checklist::record(cx, args).await
        }
        ("checklist.countersign", _) => {
            let args = cx.args()?;
            checklist::countersign(cx, args).await
        }
        ("hazard.report", _) => {
            let args = cx.args()?;
            hazard::report(cx, args).await
        }
        ("rect.issue", _) => {
            let args = cx.args()?;
            hazard::ledger(cx, args, true).await
        }
        ("rect.edit", _) => {
            let args = cx.args()?;
            hazard::ledger(cx, args, false).await
        }
        ("rect.progress", _) => {
            let args = cx.args()?;
            hazard::progress(cx, args).await
        }
        ("rect.review", _) => {
            let args = cx.args()?;
            hazard::review(cx, args).await
        }
        ("rect.comment", _) => {
            let args = cx.args()?;
            hazard::comment(cx, args).await
        }
        ("inspection.record", _) => {
            let args = cx.args()?;
            inspect::record(cx, args).await
        }
        ("screening.sample", _) => {
            let args = cx.args()?;
            inspect::sample(cx, args).await
        }
        _ => Err(cx
            .refuse("unknown_mutation", Key::ErrUnknownMutation)
            .into()),
    }
}
