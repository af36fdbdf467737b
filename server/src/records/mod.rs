//! The server's half of the record types that travel through the sync engine: each type's
//! [`Apply`] (the list is `app::with_records!`, so one without it does not compile) and its
//! tables in [`ENTITIES`] for pull. Handlers get a [`Ctx`] with the batch's transaction, the
//! author's grants and helpers for the checks every record shares (args, role, site, version).

/// Implements [`Apply`] for each record type by its handler, `handler(cx, args)`.
macro_rules! applied {
    ($($t:ty => $handler:expr),* $(,)?) => {
        $(impl $crate::records::Apply for $t {
            async fn apply(self, cx: &mut $crate::records::Ctx<'_>) -> $crate::records::Outcome {
                $handler(cx, self).await
            }
        })*
    };
}
pub(crate) use applied;

pub mod alerts;
pub mod boiler;
pub mod checklist;
pub mod court_duty;
pub mod emergency;
pub mod escalation;
pub mod fire;
pub mod gate;
pub mod hazard;
pub mod inspect;
pub mod requests;
pub mod rounds;
pub mod screening;
pub mod suggestion_box;
pub mod survey_link;
pub mod visits;
pub mod watch;

use crate::db::Conn;
use crate::http::error::ApiError;
use app::i18n::{Key, Locale};
use app::model::{roles_allow, Action, Role};
use app::sync::{ClockFlag, Mutation};

/// The record features' own routes (what is not sync: reveals, route and boiler edits, tag
/// sheets, checklists, the watchlist).
pub fn router() -> axum::Router<crate::AppState> {
    axum::Router::new()
        .merge(visits::router())
        .merge(rounds::router())
        .merge(boiler::router())
        .merge(inspect::router())
        .merge(watch::router())
        .merge(requests::router())
        .route("/emergency/print", axum::routing::get(emergency::print))
}

/// A table phones pull: who may see its rows, and which of its columns they get.
pub struct Entity {
    pub name: app::rows::Entity,
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
    court_duty::COURT_DUTY,
    checklist::ENTITY,
    hazard::HAZARD,
    hazard::RECT,
    hazard::COMMENT,
    inspect::CHECKLIST,
    inspect::INSPECTION,
    inspect::SAMPLE,
    requests::REQUEST,
    emergency::EMERGENCY,
    suggestion_box::SUGGESTION_BOX,
    alerts::ALERT,
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
impl From<app::core::FieldError> for Refusal {
    fn from(e: app::core::FieldError) -> Self {
        Refusal {
            code: "invalid",
            message: e.message,
            field: Some(e.field),
        }
    }
}

impl From<app::core::FieldError> for Reject {
    fn from(e: app::core::FieldError) -> Self {
        Reject::Refused(e.into())
    }
}

/// The next global version, for rows changed in this transaction (records, the watchlist,
/// the retention job alike).
pub async fn next_version(tx: &mut Conn) -> sqlx::Result<i64> {
    sqlx::query_scalar("UPDATE sync_meta SET version = version + 1 WHERE id = 1 RETURNING version")
        .fetch_one(tx)
        .await
}

pub type Outcome = Result<(), Reject>;

pub struct Ctx<'a> {
    pub tx: &'a mut Conn,
    pub client_id: &'a str,
    pub m: &'a Mutation,
    /// The author's roles and sites (not whoever is signed in now).
    pub grants: &'a crate::http::caller::Grants,
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
pub type Insert<'q> = crate::db::Query<'q>;

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
    pub fn inserted(&self, done: crate::db::Done) -> Outcome {
        if done.rows_affected() == 0 {
            return Err(self.refuse("exists", Key::ErrBadRequest).into());
        }
        Ok(())
    }

    /// The author (not whoever is signed in now) may do `action` at `site_id`.
    pub fn allow(&self, action: Action, site_id: &str) -> Result<(), Refusal> {
        if !roles_allow(&self.grants.roles, action) {
            return Err(self.refuse("forbidden", Key::ErrForbidden));
        }
        let everywhere =
            self.grants.roles.contains(&Role::Admin) && roles_allow(&[Role::Admin], action);
        if !everywhere && !self.grants.sites.iter().any(|s| s == site_id) {
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
        app::core::court_date(self.at)
    }
}

/// The server's half of a record type ([`app::record::Record`]): how it is applied, in the
/// batch's transaction, as its author.
pub trait Apply: app::record::Record {
    fn apply(self, cx: &mut Ctx<'_>) -> impl std::future::Future<Output = Outcome> + Send;
}

/// Does this server know the mutation's name and version?
pub fn known(name: &str, v: u32) -> bool {
    app::registry::declared(name).is_some_and(|d| (1..=d.version).contains(&v))
}

macro_rules! dispatch {
    ($($t:ty),* $(,)?) => {
        /// Runs the handler for `cx.m`: its args upgraded to the newest version, then applied.
        /// Names were checked with [`known`] before the batch.
        pub async fn run(cx: &mut Ctx<'_>) -> Outcome {
            $(
                if cx.m.name == <$t as app::record::Record>::NAME {
                    let args = <$t as app::record::Record>::upgrade(cx.m.v, &cx.m.args)
                        .ok_or_else(|| cx.refuse("invalid", Key::ErrBadRequest))?;
                    return Apply::apply(args, cx).await;
                }
            )*
            Err(cx.refuse("unknown_mutation", Key::ErrUnknownMutation).into())
        }
    };
}
app::with_records!(dispatch);

/// Runs record `args` as `caller` made it now, through its handler, in a write transaction.
pub async fn run_online<T: app::record::Record + serde::Serialize>(
    state: &crate::AppState,
    caller: &crate::http::Caller,
    headers: &axum::http::HeaderMap,
    args: &T,
) -> crate::http::ApiResult<()> {
    let now = crate::db::now_ms();
    let m = app::sync::Mutation {
        id: 0,
        name: T::NAME.into(),
        v: T::VERSION,
        author: caller.id.clone(),
        args: serde_json::to_value(args).map_err(anyhow::Error::from)?,
        client_time: now,
        clock: None,
        base_version: None,
        oversized: None,
        replay_of: Vec::new(),
        proof: None,
    };
    let grants = crate::http::caller::Grants {
        roles: caller.roles.clone(),
        sites: caller.site_ids.clone(),
    };
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    let mut cx = Ctx {
        tx: &mut tx,
        client_id: ONLINE,
        m: &m,
        grants: &grants,
        now,
        at: now,
        clock_flag: None,
        locale: crate::http::locale::locale_of(headers),
    };
    match run(&mut cx).await {
        Ok(()) => {}
        // The same request sent again (a retry after a lost answer) is done already.
        Err(Reject::Refused(r)) if r.code == "exists" => return Ok(()),
        Err(Reject::Refused(r)) => {
            return Err(ApiError::Invalid {
                message: r.message,
                field: r.field.unwrap_or("request"),
            })
        }
        Err(Reject::Failed(e)) => return Err(e),
    }
    tx.commit().await?;
    state.alerts.wake();
    Ok(())
}

/// What `client_id` holds on a record filed online (no phone's outbox made it).
pub const ONLINE: &str = "online";

#[cfg(test)]
mod tests {
    use super::*;

    /// The server serves each entity the phone declares, once, in the same order.
    #[test]
    fn the_server_serves_every_entity_the_phone_knows() {
        let served: Vec<app::rows::Entity> = ENTITIES.iter().map(|e| e.name).collect();
        assert_eq!(served, app::registry::ENTITIES);
    }

    /// Every declared record type is known at each of its versions, and at no later one.
    #[test]
    fn every_record_type_is_known_at_its_versions() {
        for d in app::registry::RECORDS {
            assert!((1..=d.version).all(|v| known(d.name, v)), "{}", d.name);
            assert!(
                !known(d.name, d.version + 1) && !known(d.name, 0),
                "{}",
                d.name
            );
        }
        assert!(!known("visit.check_inn", 1));
    }
}
