//! A record type, declared once for the phone and the server.
//!
//! A mutation is one Rust type (its args) implementing [`Record`]: its name and version on the
//! wire, how args of an older version upgrade, how the phone shows it before the server has
//! it, and what a refusal of it is called. Features implement it beside their rules; the list
//! of them all is [`crate::registry`]; the server's half is `server::records::Apply`.

use crate::i18n::Key;
use crate::rows::Rows;
use crate::sync::Mutation;
use serde::{de::DeserializeOwned, Serialize};

/// A record type: the args of one mutation, declared once for the phone and the server.
pub trait Record: Serialize + DeserializeOwned {
    /// The mutation's name on the wire, e.g. `visit.check_in`.
    const NAME: &'static str;
    /// The newest version of the args; the server takes 1 to this.
    const VERSION: u32 = 1;

    /// The args as sent under version `v` (1 to [`Record::VERSION`]), as this version's.
    fn upgrade(v: u32, args: &serde_json::Value) -> Option<Self> {
        let _ = v;
        serde_json::from_value(args.clone()).ok()
    }

    /// How the phone shows `m` (a mutation of this type) in its rows before the server has
    /// it; the server's rows replace it by pull. A record the server will refuse may show
    /// until its refusal comes (its author then corrects it). Features whose code stays out of
    /// the first download read `m.args` as JSON here instead of upgrading it.
    fn show(rows: &mut Rows, m: &Mutation);

    /// What kind of record it is, for a refusal that names no visitor.
    const LABEL: Key = Key::RecordAny;

    /// The page where a refused record of this type is corrected and sent again.
    const FIX_ROUTE: Option<&'static str> = None;
}

/// What the phone's dispatch knows of a record type (its view is in
/// [`crate::registry::VIEWS`], kept apart so the screens that show no rows do not download every
/// record type's view).
pub struct Declared {
    pub name: &'static str,
    pub version: u32,
    pub label: Key,
    pub fix_route: Option<&'static str>,
}

/// Mutations as a phone makes them, for the views' tests.
#[cfg(test)]
pub mod testing {
    use super::Record;
    use crate::sync::Mutation;

    /// A `T` by person `p` at 2026-11-29 (the court's day) with these args.
    pub fn mutation<T: Record>(args: serde_json::Value) -> Mutation {
        Mutation {
            id: 1,
            name: T::NAME.into(),
            v: T::VERSION,
            author: "p".into(),
            args,
            client_time: 1_795_885_200_000,
            clock: None,
            base_version: None,
            oversized: None,
            replay_of: Vec::new(),
            proof: None,
        }
    }
}
