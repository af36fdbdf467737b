//! The store's operations: the outbox, pull pages, the screens' reads, moving an older
//! build's local storage in.

use super::idb::{
    committed, done, entries, finish, get_json, key, put_json, store, tx, META, OUTBOX,
};
use super::*;
use crate::rows::Range;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;
use web_sys::{IdbKeyRange, IdbTransaction, IdbTransactionMode as Mode};

fn outbox_of(head: Head, entries: Vec<Entry>) -> Outbox {
    Outbox {
        client_id: head.client_id,
        last_id: head.last_id,
        entries,
        backed_up_to: head.backed_up_to,
    }
}

fn head_of(o: &Outbox) -> Head {
    Head {
        client_id: o.client_id.clone(),
        last_id: o.last_id,
        backed_up_to: o.backed_up_to,
    }
}

/// The outbox as stored.
pub async fn load_outbox() -> Result<Outbox, Fail> {
    let tx = tx(&[META, OUTBOX], Mode::Readonly)?;
    let head: Head = get_json(&store(&tx, META)?, &OUTBOX.into()).await?;
    Ok(outbox_of(head, entries(&store(&tx, OUTBOX)?).await?))
}

/// Adds one entry, numbered next, in one transaction with the outbox's counter, removing
/// `replaces` (a refusal its correction takes the place of) in the same one. `make` builds
/// the entry from the outbox's state (its id is `last_id + 1`); its error aborts it all.
pub async fn append<E>(
    replaces: Option<u64>,
    make: impl FnOnce(&Head) -> Result<Entry, E>,
) -> Result<Result<Entry, E>, Fail> {
    let tx = tx(&[META, OUTBOX], Mode::Readwrite)?;
    let commit = committed(&tx);
    let (meta, out) = (store(&tx, META)?, store(&tx, OUTBOX)?);
    let mut head: Head = get_json(&meta, &OUTBOX.into()).await?;
    let entry = match make(&head) {
        Ok(e) => e,
        Err(e) => {
            let _ = tx.abort();
            return Ok(Err(e));
        }
    };
    head.last_id = entry.mutation.id;
    put_json(&out, &key(entry.mutation.id), &entry)?;
    put_json(&meta, &OUTBOX.into(), &head)?;
    if let Some(old) = replaces {
        let _ = out.delete(&key(old));
    }
    finish(&tx, commit).await?;
    Ok(Ok(entry))
}

/// Reads the whole outbox, changes it with `f`, and writes back what changed, in one
/// transaction (another tab's save meanwhile waits for it, and is not overwritten).
pub async fn rewrite_outbox(f: Box<dyn FnOnce(&mut Outbox) + '_>) -> Result<Outbox, Fail> {
    let tx = tx(&[META, OUTBOX], Mode::Readwrite)?;
    let commit = committed(&tx);
    let (meta, out) = (store(&tx, META)?, store(&tx, OUTBOX)?);
    let head: Head = get_json(&meta, &OUTBOX.into()).await?;
    let before = entries(&out).await?;
    let mut o = outbox_of(head.clone(), before.clone());
    f(&mut o);
    for e in &o.entries {
        if !before.contains(e) {
            put_json(&out, &key(e.mutation.id), e)?;
        }
    }
    for e in &before {
        if !o.entries.iter().any(|x| x.mutation.id == e.mutation.id) {
            let _ = out.delete(&key(e.mutation.id));
        }
    }
    if head_of(&o) != head {
        put_json(&meta, &OUTBOX.into(), &head_of(&o))?;
    }
    finish(&tx, commit).await?;
    Ok(o)
}

pub async fn view_head() -> Result<ViewHead, Fail> {
    let tx = tx(&[META], Mode::Readonly)?;
    get_json(&store(&tx, META)?, &"view".into()).await
}

fn entity_names() -> Vec<&'static str> {
    crate::registry::ENTITIES.iter().map(|e| e.name()).collect()
}

/// The stored object of one row (see the module docs).
fn object(e: crate::rows::Entity, id: &str, row: &serde_json::Value) -> JsValue {
    let o = Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&o, &k.into(), &v);
    };
    let k = e.keys(row);
    set("i", id.into());
    set("j", row.to_string().into());
    set("s", k.site.as_str().into());
    if let Some(t) = k.time {
        set("t", t.into());
    }
    if let Some(s) = k.open {
        set("o", s.into());
    }
    if let Some(t) = k.closed {
        set("c", t.into());
    }
    if let Some(n) = k.name {
        set("n", n.into());
    }
    if let Some(r) = k.tail {
        set("r", r.into());
    }
    o.into()
}

/// Takes one pull page: its rows, the rows that are now past their window, and the
/// cursor, in one transaction (a page is all there or not at all). `reset` drops every
/// row first, `keep` the rows it does not keep; `person` is whose pull it is.
pub async fn apply_pull(resp: &PullResponse, person: &str, now: i64) -> Result<(), Fail> {
    let mut names = entity_names();
    names.push(META);
    let tx = tx(&names, Mode::Readwrite)?;
    let commit = committed(&tx);
    names.pop();
    if resp.reset {
        for n in &names {
            let _ = store(&tx, n)?.clear();
        }
    }
    if let Some(keep) = &resp.keep {
        drop_unkept(&tx, &names, keep).await?;
    }
    for c in &resp.changes {
        let Some(e) = crate::registry::ENTITIES
            .iter()
            .find(|e| e.name() == c.entity)
        else {
            continue;
        };
        let s = store(&tx, e.name())?;
        match c.op {
            crate::sync::Op::Put => s.put(&object(*e, &c.id, &c.data)),
            crate::sync::Op::Del => s.delete(&JsValue::from_str(&c.id)),
        }
        .map_err(|_| Fail::Other)?;
    }
    prune_in(&tx, now).await?;
    let head = ViewHead {
        cursor: Some(resp.cursor.clone()),
        last_mutation_id: resp.last_mutation_id,
        person: person.to_string(),
    };
    put_json(&store(&tx, META)?, &"view".into(), &head)?;
    finish(&tx, commit).await
}

/// Deletes the rows the next person may not see: whole stores, or the rows at other sites
/// (the key ranges of the `s` index around the sites kept).
async fn drop_unkept(
    tx: &IdbTransaction,
    names: &[&str],
    keep: &crate::sync::Kept,
) -> Result<(), Fail> {
    for n in names {
        let s = store(tx, n)?;
        let sites = match keep.iter().find(|(e, _)| e == n) {
            None => {
                let _ = s.clear();
                continue;
            }
            Some((_, None)) => continue,
            Some((_, Some(sites))) => sites,
        };
        let mut sites: Vec<&str> = sites.iter().map(String::as_str).collect();
        sites.sort_unstable();
        sites.dedup();
        // Below the first site kept, between each two, above the last.
        let mut ranges = Vec::new();
        let mut lower: Option<&str> = None;
        for upper in sites.iter().copied().map(Some).chain([None]) {
            let open = |b: Option<&str>| b.map(JsValue::from_str);
            let range = match (open(lower), open(upper)) {
                (None, None) => Ok(JsValue::UNDEFINED),
                (None, Some(up)) => IdbKeyRange::upper_bound_with_open(&up, true).map(Into::into),
                (Some(low), None) => IdbKeyRange::lower_bound_with_open(&low, true).map(Into::into),
                (Some(low), Some(up)) => {
                    IdbKeyRange::bound_with_lower_open_and_upper_open(&low, &up, true, true)
                        .map(Into::into)
                }
            };
            ranges.push(range.map_err(|_| Fail::Other)?);
            lower = upper;
        }
        for range in ranges {
            delete_in(&s, "s", &range).await?;
        }
    }
    Ok(())
}

/// Deletes the rows of `s` whose key in `index` is in `range`.
async fn delete_in(s: &web_sys::IdbObjectStore, index: &str, range: &JsValue) -> Result<(), Fail> {
    let index = s.index(index).map_err(|_| Fail::Other)?;
    let keys = done(
        &index
            .get_all_keys_with_key(range)
            .map_err(|_| Fail::Other)?,
    )
    .await?;
    for k in Array::from(&keys).iter() {
        let _ = s.delete(&k);
    }
    Ok(())
}

/// Deletes the closed rows older than their entity's window.
async fn prune_in(tx: &IdbTransaction, now: i64) -> Result<(), Fail> {
    for e in crate::registry::ENTITIES {
        let Some(oldest) = e.oldest_kept(now) else {
            continue;
        };
        let s = store(tx, e.name())?;
        let range = IdbKeyRange::upper_bound_with_open(&JsValue::from_f64(oldest as f64), true)
            .map_err(|_| Fail::Other)?;
        delete_in(&s, "c", &range).await?;
    }
    Ok(())
}

/// Drops what the phone may no longer keep, even when it has not reached the server for
/// days (run at every start; pulls prune too).
pub async fn prune(now: i64) -> Result<(), Fail> {
    let tx = tx(&entity_names(), Mode::Readwrite)?;
    let commit = committed(&tx);
    prune_in(&tx, now).await?;
    finish(&tx, commit).await
}

/// Forgets every pulled row and where the pull stood (a new enrolment pulls afresh).
pub async fn clear_view() -> Result<(), Fail> {
    let mut names = entity_names();
    names.push(META);
    let tx = tx(&names, Mode::Readwrite)?;
    let commit = committed(&tx);
    for n in names.iter().take(names.len() - 1) {
        let _ = store(&tx, n)?.clear();
    }
    let _ = store(&tx, META)?.delete(&"view".into());
    finish(&tx, commit).await
}

fn bound(lower: JsValue, upper: JsValue) -> Result<JsValue, Fail> {
    IdbKeyRange::bound(&lower, &upper)
        .map(JsValue::from)
        .map_err(|_| Fail::Other)
}

fn pair(a: &str, b: JsValue) -> JsValue {
    Array::of2(&a.into(), &b).into()
}

/// The pulled rows the screens want, each read through its index range.
pub async fn read(wants: &[Want]) -> Result<Rows, Fail> {
    let mut names: Vec<&str> = Vec::new();
    for w in wants {
        if !names.contains(&w.entity.name()) {
            names.push(w.entity.name());
        }
    }
    let mut rows = Rows::new();
    if names.is_empty() {
        return Ok(rows);
    }
    let tx = tx(&names, Mode::Readonly)?;
    for w in wants {
        let s = store(&tx, w.entity.name())?;
        let index = |n: &str| s.index(n).map_err(|_| Fail::Other);
        let prefix = |site: &str, text: &str| {
            bound(
                pair(site, text.into()),
                pair(site, format!("{text}\u{ffff}").into()),
            )
        };
        let req = match &w.range {
            Range::All => s.get_all(),
            Range::Since(site, from) => index("st")?.get_all_with_key(&bound(
                pair(site, JsValue::from_f64(*from as f64)),
                pair(site, JsValue::from_f64(f64::INFINITY)),
            )?),
            Range::Open(site) => index("o")?.get_all_with_key(&site.into()),
            Range::Name(site, text) => index("sn")?.get_all_with_key(&prefix(site, text)?),
            Range::Tail(site, rev) => index("sr")?.get_all_with_key(&prefix(site, rev)?),
            Range::Ids(ids) => {
                for id in ids {
                    let v = done(&s.get(&id.into()).map_err(|_| Fail::Other)?).await?;
                    take(&mut rows, w.entity, &v);
                }
                continue;
            }
        }
        .map_err(|_| Fail::Other)?;
        let found = done(&req).await?;
        for v in Array::from(&found).iter() {
            take(&mut rows, w.entity, &v);
        }
    }
    Ok(rows)
}

fn take(rows: &mut Rows, e: crate::rows::Entity, v: &JsValue) {
    let field = |k: &str| Reflect::get(v, &k.into()).ok().and_then(|x| x.as_string());
    if let (Some(id), Some(json)) = (field("i"), field("j")) {
        if let Ok(row) = serde_json::from_str(&json) {
            rows.put_json(e, &id, row);
        }
    }
}

/// How many rows of each entity the phone holds (counted by the store, no row read).
pub async fn held() -> Result<Vec<Held>, Fail> {
    let names = entity_names();
    let tx = tx(&names, Mode::Readonly)?;
    let mut out = Vec::new();
    for e in crate::registry::ENTITIES {
        let n = done(&store(&tx, e.name())?.count().map_err(|_| Fail::Other)?).await?;
        out.push(Held {
            entity: e.name(),
            rows: n.as_f64().unwrap_or(0.0) as u32,
        });
    }
    Ok(out)
}

/// Moves the outbox and view an older build kept in local storage into the store, in one
/// transaction, then removes them from local storage. Safe to run again after a crash
/// between the two: an outbox the store already holds as far is not written twice.
pub async fn move_from_local_storage(
    old_outbox: Option<Outbox>,
    old_view: Option<crate::sync::View>,
) -> Result<(), Fail> {
    if old_outbox.is_none() && old_view.is_none() {
        return Ok(());
    }
    let mut names = entity_names();
    names.extend([META, OUTBOX]);
    let tx = tx(&names, Mode::Readwrite)?;
    let commit = committed(&tx);
    let (meta, out) = (store(&tx, META)?, store(&tx, OUTBOX)?);
    let head: Head = get_json(&meta, &OUTBOX.into()).await?;
    if let Some(o) = old_outbox {
        if head.client_id != o.client_id || head.last_id < o.last_id {
            for e in &o.entries {
                put_json(&out, &key(e.mutation.id), e)?;
            }
            put_json(&meta, &OUTBOX.into(), &head_of(&o))?;
        }
    }
    let had: ViewHead = get_json(&meta, &"view".into()).await?;
    if let (Some(v), None) = (old_view, had.cursor) {
        for (name, id, row) in v.rows.iter() {
            if let Some(e) = crate::registry::ENTITIES.iter().find(|e| e.name() == name) {
                store(&tx, e.name())?
                    .put(&object(*e, id, row))
                    .map_err(|_| Fail::Other)?;
            }
        }
        let head = ViewHead {
            cursor: v.cursor,
            last_mutation_id: v.last_mutation_id,
            person: v.person,
        };
        put_json(&meta, &"view".into(), &head)?;
    }
    finish(&tx, commit).await
}
