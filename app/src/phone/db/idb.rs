//! IndexedDB as the store uses it: opening (and upgrading) the database, requests and
//! transactions as futures, the small values kept as JSON text, telling the other tabs.

use super::*;
use js_sys::{Array, Promise, Reflect};
use std::cell::RefCell;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbRequest, IdbTransaction};
use web_sys::{IdbTransactionMode as Mode, IdbVersionChangeEvent};

pub(super) const META: &str = "meta";
pub(super) const OUTBOX: &str = "outbox";

thread_local! {
    static DB: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
    static REPLACED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static CHANNEL: RefCell<Option<web_sys::BroadcastChannel>> = const { RefCell::new(None) };
}

fn fail_of(e: Option<web_sys::DomException>) -> Fail {
    match e.map(|e| e.name()).as_deref() {
        Some("QuotaExceededError") => Fail::Full,
        _ => Fail::Other,
    }
}

/// The request's result once it succeeded.
pub(super) async fn done(req: &IdbRequest) -> Result<JsValue, Fail> {
    let p = Promise::new(&mut |ok, err| {
        req.set_onsuccess(Some(&ok));
        req.set_onerror(Some(&err));
    });
    match JsFuture::from(p).await {
        Ok(_) => req.result().map_err(|_| Fail::Other),
        Err(_) => Err(fail_of(req.error().ok().flatten())),
    }
}

/// Resolves when the transaction committed; an error or abort says why.
pub(super) fn committed(tx: &IdbTransaction) -> JsFuture {
    JsFuture::from(Promise::new(&mut |ok, err| {
        tx.set_oncomplete(Some(&ok));
        tx.set_onerror(Some(&err));
        tx.set_onabort(Some(&err));
    }))
}

pub(super) async fn finish(tx: &IdbTransaction, commit: JsFuture) -> Result<(), Fail> {
    let r = commit.await.map(|_| ()).map_err(|_| fail_of(tx.error()));
    if r.is_ok() {
        notify();
    }
    r
}

/// Opens the store (once per page), creating or upgrading its schema. `Err` when the phone
/// has no IndexedDB to give. While an older build's tab holds the store, the window hears
/// `gp-store-blocked`; that tab hears `gp-store-replaced` and lets go.
pub async fn open() -> Result<(), Fail> {
    if DB.with(|d| d.borrow().is_some()) {
        return Ok(());
    }
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or(Fail::Unavailable)?;
    let req = factory
        .open_with_u32(NAME, SCHEMA)
        .map_err(|_| Fail::Unavailable)?;
    let upgrade =
        Closure::<dyn FnMut(IdbVersionChangeEvent)>::new(move |e: IdbVersionChangeEvent| {
            let Some(req) = e.target().and_then(|t| t.dyn_into::<IdbRequest>().ok()) else {
                return;
            };
            if let Ok(db) = req.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
                create_schema(&db, req.transaction());
            }
        });
    req.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    upgrade.forget();
    let blocked = Closure::<dyn FnMut()>::new(|| say("gp-store-blocked"));
    req.set_onblocked(Some(blocked.as_ref().unchecked_ref()));
    blocked.forget();
    let db: IdbDatabase = done(&req)
        .await
        .map_err(|_| Fail::Unavailable)?
        .dyn_into()
        .map_err(|_| Fail::Unavailable)?;
    // A newer build wants the store: let it have it, and stop saving here.
    let replaced = Closure::<dyn FnMut()>::new(|| {
        DB.with(|d| {
            if let Some(db) = d.borrow_mut().take() {
                db.close();
            }
        });
        REPLACED.with(|r| r.set(true));
        say("gp-store-replaced");
    });
    db.set_onversionchange(Some(replaced.as_ref().unchecked_ref()));
    replaced.forget();
    DB.with(|d| *d.borrow_mut() = Some(db));
    Ok(())
}

/// Creates what this schema has and the store lacks; rows and entries stay.
fn create_schema(db: &IdbDatabase, tx: Option<IdbTransaction>) {
    let names = db.object_store_names();
    for s in [META, OUTBOX] {
        if !names.contains(s) {
            let _ = db.create_object_store(s);
        }
    }
    for e in crate::registry::ENTITIES {
        let store = if names.contains(e.name()) {
            match tx.as_ref().and_then(|t| t.object_store(e.name()).ok()) {
                Some(s) => s,
                None => continue,
            }
        } else {
            let p = web_sys::IdbObjectStoreParameters::new();
            p.set_key_path(&JsValue::from_str("i"));
            match db.create_object_store_with_optional_parameters(e.name(), &p) {
                Ok(s) => s,
                Err(_) => continue,
            }
        };
        let have = store.index_names();
        for (name, path) in INDEXES {
            if have.contains(name) {
                continue;
            }
            let _ = if path.len() == 1 {
                store.create_index_with_str(name, path[0])
            } else {
                let keys: Array = path.iter().map(|k| JsValue::from_str(k)).collect();
                store.create_index_with_str_sequence(name, &keys)
            };
        }
    }
}

const INDEXES: &[(&str, &[&str])] = &[
    ("s", &["s"]),
    ("st", &["s", "t"]),
    ("o", &["o"]),
    ("c", &["c"]),
    ("sn", &["s", "n"]),
    ("sr", &["s", "r"]),
];

/// Tells the page (a window event) what happened to the store.
fn say(event: &str) {
    if let (Some(w), Ok(e)) = (web_sys::window(), web_sys::Event::new(event)) {
        let _ = w.dispatch_event(&e);
    }
}

fn db() -> Result<IdbDatabase, Fail> {
    if REPLACED.with(|r| r.get()) {
        return Err(Fail::Replaced);
    }
    DB.with(|d| d.borrow().clone()).ok_or(Fail::Unavailable)
}

pub(super) fn tx(stores: &[&str], mode: Mode) -> Result<IdbTransaction, Fail> {
    let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
    db()?
        .transaction_with_str_sequence_and_mode(&names, mode)
        .map_err(|_| Fail::Other)
}

pub(super) fn store(tx: &IdbTransaction, name: &str) -> Result<IdbObjectStore, Fail> {
    tx.object_store(name).map_err(|_| Fail::Other)
}

pub(super) async fn get_json<T: serde::de::DeserializeOwned + Default>(
    s: &IdbObjectStore,
    key: &JsValue,
) -> Result<T, Fail> {
    let v = done(&s.get(key).map_err(|_| Fail::Other)?).await?;
    Ok(v.as_string()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default())
}

pub(super) fn put_json<T: Serialize>(
    s: &IdbObjectStore,
    key: &JsValue,
    value: &T,
) -> Result<(), Fail> {
    let text = serde_json::to_string(value).map_err(|_| Fail::Other)?;
    s.put_with_key(&JsValue::from_str(&text), key)
        .map(|_| ())
        .map_err(|_| Fail::Other)
}

pub(super) fn key(id: u64) -> JsValue {
    JsValue::from_f64(id as f64)
}

pub(super) async fn entries(s: &IdbObjectStore) -> Result<Vec<Entry>, Fail> {
    let all = done(&s.get_all().map_err(|_| Fail::Other)?).await?;
    Ok(Array::from(&all)
        .iter()
        .filter_map(|v| v.as_string())
        .filter_map(|t| serde_json::from_str::<Entry>(&t).ok())
        .collect())
}

/// Tells this app's other tabs that the store changed.
fn notify() {
    CHANNEL.with(|c| {
        if let Some(c) = c.borrow().as_ref() {
            let _ = c.post_message(&JsValue::TRUE);
        }
    });
}

/// Runs `f` whenever another tab of this app changed the store.
pub fn on_other_tab(f: impl Fn() + 'static) {
    let Ok(c) = web_sys::BroadcastChannel::new("guardpost-store") else {
        return;
    };
    let cb = Closure::<dyn Fn()>::new(f);
    c.set_onmessage(Some(cb.as_ref().unchecked_ref()));
    cb.forget();
    CHANNEL.with(|x| *x.borrow_mut() = Some(c));
}

/// What the browser says this origin uses and may use, in bytes.
pub async fn estimate() -> Option<(f64, f64)> {
    let storage = web_sys::window()?.navigator().storage();
    let e = JsFuture::from(storage.estimate().ok()?).await.ok()?;
    let num = |k: &str| Reflect::get(&e, &k.into()).ok()?.as_f64();
    Some((num("usage")?, num("quota")?))
}

/// Asks the browser to keep this origin's storage under pressure (`true`: it will).
pub async fn persist() -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let storage = w.navigator().storage();
    let Ok(p) = storage.persist() else {
        return false;
    };
    JsFuture::from(p)
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}
