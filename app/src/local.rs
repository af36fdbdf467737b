//! How the phone shows its own records before the server has them: for each mutation name, the
//! change it makes to the rows the phone holds (the server's rows come by pull). One match per
//! record type, the phone's half of `server::records`.

use crate::front::{self, CheckIn, CheckOut, VisitRow};
use crate::gate::{self, Arrive, GateKind, GateRow, Leave};
use crate::i18n::Locale;
use crate::screening::{
    self, DepositClose, DepositRow, Disposition, Screening, ScreeningRow, SelfTest,
};
use crate::sync::{Mutation, Rows};
use crate::watch::{Alert, WatchRow};
use crate::{boiler, checklist, fire, hazard, procedure, rounds};

/// How long the phone keeps pulled records (the server sends no older ones either).
pub const KEEP_DAYS: i64 = 14;

pub fn apply(rows: &mut Rows, m: &Mutation) {
    match m.name.as_str() {
        "visit.check_in" => {
            let Ok(args) = CheckIn::from_args(m.v, &m.args) else {
                return;
            };
            let id = args.id.clone();
            let today = front::court_date(m.client_time);
            // A returning visitor's earlier visit, as the phone holds it.
            let earlier = args
                .repeat_of
                .as_ref()
                .and_then(|r| rows.get("visit").and_then(|t| t.get(r)))
                .and_then(|v| serde_json::from_value::<VisitRow>(v.clone()).ok());
            let repeat_ok = earlier.as_ref().is_some_and(|e| e.complete);
            let earlier_masked = earlier.map(|e| e.id_masked);
            // Shown as the server will store it; a registration the server will refuse is
            // shown until its refusal arrives (then the author corrects it).
            if let Ok(c) = front::check_in(args, today, repeat_ok, Locale::Zh) {
                let mut row = VisitRow::from_check_in(&c, &m.author, m.client_time);
                if row.id_masked.is_empty() {
                    row.id_masked = earlier_masked.unwrap_or_default();
                }
                if let Ok(v) = serde_json::to_value(row) {
                    rows.entry("visit".into()).or_default().insert(id, v);
                }
            }
        }
        "visit.check_out" => {
            let Ok(args) = serde_json::from_value::<CheckOut>(m.args.clone()) else {
                return;
            };
            if let Some(v) = rows
                .get_mut("visit")
                .and_then(|t| t.get_mut(&args.visit_id))
            {
                if v["checked_out_at"].is_null() {
                    v["checked_out_at"] = m.client_time.into();
                }
            }
        }
        "screening.record" => {
            let Ok(args) = serde_json::from_value::<Screening>(m.args.clone()) else {
                return;
            };
            let Ok(s) = screening::check(args, Locale::Zh) else {
                return;
            };
            for (i, item) in s.items.iter().enumerate() {
                if item.disposition != Disposition::Deposit {
                    continue;
                }
                let row = DepositRow {
                    site_id: s.site_id.clone(),
                    screening_id: s.id.clone(),
                    name: s.name.clone(),
                    description: item.description.clone(),
                    category: item.category.code().into(),
                    locker: item.locker.clone(),
                    tag: item.tag.clone(),
                    deposited_at: m.client_time,
                    closed_at: None,
                };
                if let Ok(v) = serde_json::to_value(row) {
                    rows.entry("deposit".into())
                        .or_default()
                        .insert(screening::deposit_id(&s.id, i), v);
                }
            }
            let row = ScreeningRow {
                site_id: s.site_id,
                visit_id: s.visit_id,
                name: s.name,
                outcome: s.outcome.code().into(),
                screened_at: m.client_time,
            };
            if let Ok(v) = serde_json::to_value(row) {
                rows.entry("screening".into()).or_default().insert(s.id, v);
            }
        }
        "deposit.close" => {
            let Ok(args) = serde_json::from_value::<DepositClose>(m.args.clone()) else {
                return;
            };
            if screening::check_close(&args, Locale::Zh).is_err() {
                return;
            }
            if let Some(v) = rows
                .get_mut("deposit")
                .and_then(|t| t.get_mut(&args.deposit_id))
            {
                if v["closed_at"].is_null() {
                    v["closed_at"] = m.client_time.into();
                }
            }
        }
        "equipment.self_test" => {
            let Ok(args) = serde_json::from_value::<SelfTest>(m.args.clone()) else {
                return;
            };
            let id = args.id.clone();
            let row = serde_json::json!({"site_id": args.site_id, "tested_at": m.client_time});
            rows.entry("self_test".into()).or_default().insert(id, row);
        }
        "gate.arrive" => {
            let Ok(a) = serde_json::from_value::<Arrive>(m.args.clone()) else {
                return;
            };
            if let Ok(a) = gate::check_arrive(a, Locale::Zh) {
                if let Ok(v) = serde_json::to_value(GateRow::from_arrive(&a, m.client_time)) {
                    rows.entry("gate".into()).or_default().insert(a.id, v);
                }
            }
        }
        "gate.leave" => {
            let Ok(l) = serde_json::from_value::<Leave>(m.args.clone()) else {
                return;
            };
            if let Some(v) = rows.get_mut("gate").and_then(|t| t.get_mut(&l.entry_id)) {
                let kind = v["kind"].as_str().and_then(GateKind::parse);
                let ok = kind.is_some_and(|k| gate::check_leave(k, &l, Locale::Zh).is_ok());
                if ok && v["left_at"].is_null() {
                    v["left_at"] = m.client_time.into();
                }
            }
        }
        "watch.alert" => {
            let Ok(a) = serde_json::from_value::<Alert>(m.args.clone()) else {
                return;
            };
            let id = a.id.clone();
            let row = serde_json::json!({"site_id": a.site_id, "visit_id": a.visit_id,
                "watch_id": a.watch_id, "action": a.action.code(), "alerted_at": m.client_time});
            rows.entry("watch_alert".into())
                .or_default()
                .insert(id, row);
        }
        "round.start" => {
            let Ok(s) = serde_json::from_value::<rounds::Start>(m.args.clone()) else {
                return;
            };
            let Some(route) = row_as::<rounds::RouteRow>(rows, "route", &s.route_id) else {
                return;
            };
            put(
                rows,
                "round",
                &s.id,
                &rounds::RoundRow {
                    site_id: route.site_id,
                    route_id: s.route_id,
                    started_at: m.client_time,
                    finished_at: None,
                    note: String::new(),
                },
            );
        }
        "round.check" => {
            let Ok(c) = serde_json::from_value::<rounds::Check>(m.args.clone()) else {
                return;
            };
            let Some(round) = row_as::<rounds::RoundRow>(rows, "round", &c.round_id) else {
                return;
            };
            let Some(route) = row_as::<rounds::RouteRow>(rows, "route", &round.route_id) else {
                return;
            };
            if round.finished_at.is_some()
                || rounds::check_check(&c, &route.areas(), Locale::Zh).is_err()
            {
                return;
            }
            let id = rounds::check_id(&c.round_id, &c.area_id);
            if rows.get("round_check").is_some_and(|t| t.contains_key(&id)) {
                return;
            }
            put(
                rows,
                "round_check",
                &id,
                &rounds::CheckRow {
                    round_id: c.round_id,
                    area_id: c.area_id,
                    how: c.how.code().into(),
                    finding: c.finding.trim().into(),
                    checked_at: m.client_time,
                },
            );
        }
        "round.finish" => {
            let Ok(f) = serde_json::from_value::<rounds::Finish>(m.args.clone()) else {
                return;
            };
            if let Some(v) = rows.get_mut("round").and_then(|t| t.get_mut(&f.round_id)) {
                if v["finished_at"].is_null() {
                    v["finished_at"] = m.client_time.into();
                }
            }
        }
        "boiler.reading" => {
            let Ok(r) = serde_json::from_value::<boiler::Reading>(m.args.clone()) else {
                return;
            };
            let Some(p) = row_as::<boiler::Profile>(rows, "boiler", &r.boiler_id) else {
                return;
            };
            let Ok((r, stop)) = boiler::check_reading(&p, r, Locale::Zh) else {
                return;
            };
            let duties: Vec<&str> = r.duties.iter().map(|d| d.code()).collect();
            put(
                rows,
                "boiler_reading",
                &r.id,
                &boiler::ReadingRow {
                    site_id: p.site_id,
                    boiler_id: r.boiler_id.clone(),
                    read_at: m.client_time,
                    supply_c: r.supply_c,
                    pressure_mpa: r.pressure_mpa,
                    duties: serde_json::to_string(&duties).unwrap_or_default(),
                    stop_reasons: boiler::reasons_json(&stop),
                },
            );
        }
        "procedure.step" => {
            let Ok(s) = serde_json::from_value::<procedure::Step>(m.args.clone()) else {
                return;
            };
            let done = steps_of(rows, &s.of);
            let next = procedure::StepRecord {
                step: s.step.clone(),
                at: m.client_time,
                skipped_because: s.skipped_because,
            };
            let Ok(after) = procedure::record_step(s.kind, &done, next) else {
                return;
            };
            let rec = &after[after.len() - 1];
            let row = serde_json::json!({"of_id": s.of, "kind": s.kind.code(), "step": rec.step,
                "seq": after.len(), "at": rec.at, "skipped_because": rec.skipped_because});
            rows.entry("procedure_step".into())
                .or_default()
                .insert(format!("{}/{}", s.of, rec.step), row);
        }
        "fire.alarm" => {
            let Ok(a) = serde_json::from_value::<fire::Alarm>(m.args.clone()) else {
                return;
            };
            let Ok(a) = fire::check_alarm(a, Locale::Zh) else {
                return;
            };
            let kind = a.kind.unwrap_or(fire::AlarmKind::Fire);
            if kind.opens_repair() {
                put(
                    rows,
                    "repair",
                    &fire::repair_id(&a.id),
                    &fire::RepairRow {
                        site_id: a.site_id.clone(),
                        alarm_id: a.id.clone(),
                        place: a.place.clone(),
                        opened_at: m.client_time,
                        repaired_at: None,
                    },
                );
            }
            put(
                rows,
                "fire_alarm",
                &a.id,
                &fire::AlarmRow {
                    site_id: a.site_id.clone(),
                    kind: kind.code().into(),
                    place: a.place,
                    cause: a.cause,
                    handling: a.handling,
                    raised_at: m.client_time,
                    closed_at: (kind != fire::AlarmKind::Fire).then_some(m.client_time),
                },
            );
        }
        "fire.alarm_close" => {
            let Ok(c) = serde_json::from_value::<fire::AlarmClose>(m.args.clone()) else {
                return;
            };
            let complete = procedure::complete(
                procedure::ProcedureKind::FireAlarm,
                &steps_of(rows, &c.alarm_id),
            );
            let Ok(c) = fire::check_close(c, complete, Locale::Zh) else {
                return;
            };
            if let Some(v) = rows
                .get_mut("fire_alarm")
                .and_then(|t| t.get_mut(&c.alarm_id))
            {
                if v["closed_at"].is_null() {
                    v["closed_at"] = m.client_time.into();
                    v["cause"] = c.cause.into();
                    v["handling"] = c.handling.into();
                }
            }
        }
        "fire.repair_done" => {
            let Ok(r) = serde_json::from_value::<fire::RepairDone>(m.args.clone()) else {
                return;
            };
            if fire::check_repair(r.clone(), Locale::Zh).is_err() {
                return;
            }
            if let Some(v) = rows.get_mut("repair").and_then(|t| t.get_mut(&r.repair_id)) {
                if v["repaired_at"].is_null() {
                    v["repaired_at"] = m.client_time.into();
                }
            }
        }
        "fire.status" => {
            let Ok(s) = serde_json::from_value::<fire::StatusEntry>(m.args.clone()) else {
                return;
            };
            if let Ok(s) = fire::check_status(s, Locale::Zh) {
                let row = serde_json::json!({"site_id": s.site_id, "normal": s.normal,
                    "note": s.note, "recorded_at": m.client_time});
                rows.entry("fire_status".into())
                    .or_default()
                    .insert(s.id, row);
            }
        }
        "fire.handover" => {
            let Ok(h) = serde_json::from_value::<fire::Handover>(m.args.clone()) else {
                return;
            };
            let open = |entity: &str, column: &str| {
                rows.get(entity).map_or(0, |t| {
                    t.values()
                        .filter(|v| v["site_id"] == h.site_id.as_str() && v[column].is_null())
                        .count() as i64
                })
            };
            let row = fire::HandoverRow {
                site_id: h.site_id.clone(),
                notes: h.notes.trim().into(),
                open_alarms: open("fire_alarm", "closed_at"),
                open_repairs: open("repair", "repaired_at"),
                handed_at: m.client_time,
                author_id: m.author.clone(),
                accepted_at: None,
            };
            put(rows, "handover", &h.id, &row);
        }
        "fire.handover_accept" => {
            let Ok(a) = serde_json::from_value::<fire::HandoverAccept>(m.args.clone()) else {
                return;
            };
            if let Some(v) = rows
                .get_mut("handover")
                .and_then(|t| t.get_mut(&a.handover_id))
            {
                if v["accepted_at"].is_null() && v["author_id"] != m.author.as_str() {
                    v["accepted_at"] = m.client_time.into();
                }
            }
        }
        // The server judges the warnings; the page shows the form's own until then.
        "fire.shift" => {
            let a = &m.args;
            if let Some(id) = a["id"].as_str() {
                let row = serde_json::json!({"site_id": a["site_id"],
                    "operator_ids": a["operator_ids"].to_string(),
                    "starts_at": a["starts_at"], "ends_at": a["ends_at"]});
                put(rows, "fire_shift", id, &row);
            }
        }
        "court_duty.start" => {
            let a = &m.args;
            if let Some(id) = a["id"].as_str() {
                let row = serde_json::json!({"site_id": a["site_id"], "courtroom": a["courtroom"],
                    "case_no": a["case_no"], "started_at": m.client_time, "author_id": m.author});
                put(rows, "court_duty", id, &row);
            }
        }
        "court_duty.finish" => {
            let a = &m.args;
            let duty = a["duty_id"].as_str().unwrap_or_default();
            if let Some(v) = rows.get_mut("court_duty").and_then(|t| t.get_mut(duty)) {
                if v["finished_at"].is_null() {
                    v["finished_at"] = m.client_time.into();
                    v["outcome"] = a["outcome"].clone();
                    v["note"] = a["note"].clone();
                }
            }
        }
        "checklist.record" => {
            let Ok(c) = serde_json::from_value::<checklist::Checklist>(m.args.clone()) else {
                return;
            };
            if let Ok(c) = checklist::check(c, Locale::Zh) {
                let row = checklist::ChecklistRow::from_checklist(&c, &m.author, m.client_time);
                put(rows, "checklist", &c.id, &row);
            }
        }
        "checklist.countersign" => {
            let Ok(s) = serde_json::from_value::<checklist::Countersign>(m.args.clone()) else {
                return;
            };
            if let Some(v) = rows
                .get_mut("checklist")
                .and_then(|t| t.get_mut(&s.checklist_id))
            {
                if v["countersigned_at"].is_null() && v["author_id"] != m.author.as_str() {
                    v["countersigned_at"] = m.client_time.into();
                }
            }
        }
        // Hazards and rectifications read their args as JSON: the structs' code stays out of
        // the first download. The form checked them before saving; the server checks again.
        "hazard.report" | "complaint.file" => {
            let r = &m.args;
            let (Some(id), Some(category), Some(grade)) = (
                r["id"].as_str(),
                r["category"].as_str(),
                r["grade"].as_str(),
            ) else {
                return;
            };
            let fixed = r["fixed_on_spot"] == true;
            if !fixed {
                open_rect(rows, m, id, r, category, grade);
            }
            let row = serde_json::json!({"site_id": r["site_id"], "place": r["place"],
                "category": category, "grade": grade, "description": r["description"],
                "fixed_on_spot": fixed, "fix_note": r["fix_note"],
                "reported_at": m.client_time, "author_id": m.author});
            put(rows, "hazard", id, &row);
        }
        "rect.issue" | "rect.edit" => {
            let (Some(id), l) = (m.args["rect_id"].as_str(), &m.args["ledger"]) else {
                return;
            };
            let today = hazard::date_text(front::court_date(m.client_time));
            let issue = m.name == "rect.issue";
            let text = |k: &str| l[k].as_str().unwrap_or_default().trim().to_string();
            if text("responsible_id").is_empty() || text("deadline") < today {
                return;
            }
            rect_move(rows, m, id, |r, state| {
                if issue {
                    r["state"] = hazard::after(state, hazard::Move::Issue)?.code().into();
                } else if state == hazard::RectState::Closed {
                    return None;
                }
                r["plan"] = l["plan"].to_string().into();
                for k in [
                    "department",
                    "responsible_id",
                    "measures",
                    "deadline",
                    "funding",
                    "safeguards",
                ] {
                    r[k] = text(k).into();
                }
                let said = format!("{} · {}", text("measures"), text("deadline"));
                Some((if issue { "issue" } else { "edit" }, said))
            });
        }
        "rect.progress" => {
            let Ok(p) = serde_json::from_value::<hazard::Progress>(m.args.clone()) else {
                return;
            };
            rect_move(rows, m, &p.rect_id, |r, state| {
                if p.done {
                    r["state"] = hazard::after(state, hazard::Move::Complete)?.code().into();
                    r["completion"] = p.note.clone().into();
                    r["completed_at"] = m.client_time.into();
                    Some(("complete", p.note))
                } else if state == hazard::RectState::InProgress {
                    Some(("note", p.note))
                } else {
                    r["state"] = hazard::after(state, hazard::Move::Start)?.code().into();
                    Some(("start", p.note))
                }
            });
        }
        "rect.review" => {
            let Ok(v) = serde_json::from_value::<hazard::Review>(m.args.clone()) else {
                return;
            };
            rect_move(rows, m, &v.rect_id, |r, state| {
                if r["responsible_id"] == m.author.as_str() {
                    return None;
                }
                let mv = if v.approve {
                    hazard::Move::Approve
                } else {
                    hazard::Move::Return
                };
                r["state"] = hazard::after(state, mv)?.code().into();
                r["reviewer_id"] = m.author.clone().into();
                r["reviewed_at"] = m.client_time.into();
                if v.approve {
                    r["closed_at"] = m.client_time.into();
                }
                Some((if v.approve { "approve" } else { "return" }, v.comment))
            });
        }
        "rect.comment" => {
            let Ok(c) = serde_json::from_value::<hazard::Comment>(m.args.clone()) else {
                return;
            };
            let Some(site) = rows
                .get("rectification")
                .and_then(|t| t.get(&c.rect_id))
                .map(|r| r["site_id"].clone())
            else {
                return;
            };
            let row = serde_json::json!({"rect_id": c.rect_id, "site_id": site,
                "kind": "comment", "text": c.text, "at": m.client_time, "author_id": m.author});
            put(rows, "rect_comment", &c.id, &row);
        }
        // These two read their args as JSON: their structs' code stays out of the first
        // download. The page checked them; the server checks again.
        "inspection.record" => {
            let a = &m.args;
            let (Some(id), Some(site), Some(list_id), Some(items)) = (
                a["id"].as_str(),
                a["site_id"].as_str(),
                a["checklist_id"].as_str(),
                a["items"].as_array(),
            ) else {
                return;
            };
            let Some(list) = rows
                .get("inspection_checklist")
                .and_then(|t| t.get(list_id))
                .cloned()
            else {
                return;
            };
            let name = list["name_zh"].as_str().unwrap_or_default();
            let category = list["category"].as_str().unwrap_or_default();
            let failed = items.iter().filter(|x| x["ok"] == false).count();
            for (n, item) in items.iter().enumerate() {
                if item["ok"] == false && item["rectify"] == true {
                    let finding = serde_json::json!({"site_id": site, "place": name,
                    "description": format!(
                        "{}：{}",
                        item["text"].as_str().unwrap_or_default(),
                        item["note"].as_str().unwrap_or_default().trim()
                    )});
                    open_rect(rows, m, &format!("{id}/{n}"), &finding, category, "general");
                }
            }
            let row = serde_json::json!({"site_id": site, "kind": a["kind"],
                "checklist_id": list_id, "name_zh": name, "failed": failed,
                "recorded_at": m.client_time, "author_id": m.author});
            put(rows, "inspection", id, &row);
        }
        "screening.sample" => {
            let Some(sid) = m.args["screening_id"].as_str() else {
                return;
            };
            let Some(site) = rows
                .get("screening")
                .and_then(|t| t.get(sid))
                .map(|v| v["site_id"].clone())
            else {
                return;
            };
            let row = serde_json::json!({"screening_id": sid, "site_id": site,
                "correct": m.args["correct"], "note": m.args["note"], "sampled_at": m.client_time});
            put(rows, "screening_sample", &format!("{sid}/sample"), &row);
        }
        _ => {}
    }
}

/// The registered rectification a hazard report `id` (or an inspection's failed item) opens;
/// `r` holds its site, place and description.
fn open_rect(
    rows: &mut Rows,
    m: &Mutation,
    id: &str,
    r: &serde_json::Value,
    category: &str,
    grade: &str,
) {
    let row = serde_json::json!({"site_id": r["site_id"], "hazard_id": id,
        "state": "registered", "rev": 1, "category": category, "grade": grade,
        "place": r["place"], "description": r["description"], "found_at": m.client_time,
        "finder_id": m.author});
    put(rows, "rectification", &hazard::rect_id(id), &row);
}

/// Changes the rectification `id` (its pulled JSON, given with its state) as `f` says
/// (nothing when `f` answers `None`: the move does not apply), and adds the move to its thread
/// as the server will. The row's `rev` stays the server's: changes are sent on it.
fn rect_move(
    rows: &mut Rows,
    m: &Mutation,
    id: &str,
    f: impl FnOnce(&mut serde_json::Value, hazard::RectState) -> Option<(&'static str, String)>,
) {
    let Some(r) = rows.get_mut("rectification").and_then(|t| t.get_mut(id)) else {
        return;
    };
    let Some(state) = r["state"].as_str().and_then(hazard::RectState::parse) else {
        return;
    };
    let Some((kind, text)) = f(r, state) else {
        return;
    };
    let entry = serde_json::json!({"rect_id": id, "site_id": r["site_id"].clone(),
        "kind": kind, "text": text, "at": m.client_time, "author_id": m.author});
    put(rows, "rect_comment", &format!("{id}#{}", m.id), &entry);
}

/// Puts `row` as `entity`/`id` in the phone's copy.
fn put<T: serde::Serialize>(rows: &mut Rows, entity: &str, id: &str, row: &T) {
    if let Ok(v) = serde_json::to_value(row) {
        rows.entry(entity.into()).or_default().insert(id.into(), v);
    }
}

/// One row as `T`, if the phone holds it.
pub fn row_as<T: serde::de::DeserializeOwned>(rows: &Rows, entity: &str, id: &str) -> Option<T> {
    rows.get(entity)
        .and_then(|t| t.get(id))
        .and_then(|v| serde_json::from_value(v.clone()).ok())
}

/// The steps recorded for a fire alarm or a boiler stop, in order.
pub fn steps_of(rows: &Rows, of: &str) -> Vec<procedure::StepRecord> {
    let mut list: Vec<(i64, procedure::StepRecord)> = rows
        .get("procedure_step")
        .map(|t| {
            t.values()
                .filter(|v| v["of_id"] == of)
                .filter_map(|v| {
                    Some((
                        v["seq"].as_i64()?,
                        procedure::StepRecord {
                            step: v["step"].as_str()?.into(),
                            at: v["at"].as_i64()?,
                            skipped_because: v["skipped_because"]
                                .as_str()
                                .unwrap_or_default()
                                .into(),
                        },
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    list.sort_by_key(|(seq, _)| *seq);
    list.into_iter().map(|(_, s)| s).collect()
}

/// Drops pulled records older than [`KEEP_DAYS`] (personal data stays no longer than needed).
pub fn prune(rows: &mut Rows, now: i64) {
    let oldest = now - KEEP_DAYS * 24 * 3600 * 1000;
    let keep = |rows: &mut Rows, entity: &str, column: &str| {
        if let Some(t) = rows.get_mut(entity) {
            t.retain(|_, v| {
                // An open deposit or a held item stays until it is closed, however old.
                let open = (entity == "deposit" && v["closed_at"].is_null())
                    || (entity == "gate" && v["left_at"].is_null())
                    || (entity == "fire_alarm" && v["closed_at"].is_null())
                    || (entity == "repair" && v["repaired_at"].is_null());
                open || v[column].as_i64().unwrap_or(0) >= oldest
            });
        }
    };
    keep(rows, "visit", "checked_in_at");
    keep(rows, "screening", "screened_at");
    keep(rows, "deposit", "deposited_at");
    keep(rows, "self_test", "tested_at");
    keep(rows, "watch_alert", "alerted_at");
    keep(rows, "gate", "arrived_at");
    keep(rows, "round", "started_at");
    keep(rows, "round_check", "checked_at");
    keep(rows, "boiler_reading", "read_at");
    keep(rows, "procedure_step", "at");
    keep(rows, "fire_alarm", "raised_at");
    keep(rows, "repair", "opened_at");
    keep(rows, "fire_status", "recorded_at");
    keep(rows, "checklist", "recorded_at");
    keep(rows, "handover", "handed_at");
    keep(rows, "fire_shift", "starts_at");
    keep(rows, "court_duty", "started_at");
    keep(rows, "hazard", "reported_at");
    keep(rows, "inspection", "recorded_at");
    keep(rows, "screening_sample", "sampled_at");
}

/// Rows of `entity` as `T`, newest first by `time`.
pub fn list<T: serde::de::DeserializeOwned>(
    rows: &Rows,
    entity: &str,
    time: impl Fn(&T) -> i64,
) -> Vec<(String, T)> {
    let mut list: Vec<(String, T)> = rows
        .get(entity)
        .map(|t| {
            t.iter()
                .filter_map(|(id, v)| {
                    serde_json::from_value::<T>(v.clone())
                        .ok()
                        .map(|r| (id.clone(), r))
                })
                .collect()
        })
        .unwrap_or_default();
    list.sort_by_key(|r| std::cmp::Reverse(time(&r.1)));
    list
}

pub fn screenings(rows: &Rows) -> Vec<(String, ScreeningRow)> {
    list(rows, "screening", |s: &ScreeningRow| s.screened_at)
}

pub fn deposits(rows: &Rows) -> Vec<(String, DepositRow)> {
    list(rows, "deposit", |d: &DepositRow| d.deposited_at)
}

pub fn gate_entries(rows: &Rows) -> Vec<(String, GateRow)> {
    list(rows, "gate", |g: &GateRow| g.arrived_at)
}

/// The watchlist as the phone holds it (keys, never numbers).
pub fn watchlist(rows: &Rows) -> Vec<(String, WatchRow)> {
    list(rows, "watch", |_: &WatchRow| 0)
}

/// Visits whose watchlist alert has been recorded on this phone or the server.
pub fn alerted_visits(rows: &Rows) -> std::collections::HashSet<String> {
    rows.get("watch_alert")
        .map(|t| {
            t.values()
                .filter_map(|v| v["visit_id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// When the last self-test at `site` was made, if the phone knows one.
pub fn last_self_test(rows: &Rows, site: &str) -> Option<i64> {
    rows.get("self_test")?
        .values()
        .filter(|v| v["site_id"] == site)
        .filter_map(|v| v["tested_at"].as_i64())
        .max()
}

/// The visits the phone shows, newest first.
pub fn visits(rows: &Rows) -> Vec<(String, VisitRow)> {
    list(rows, "visit", |v: &VisitRow| v.checked_in_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(name: &str, v: u32, args: serde_json::Value) -> Mutation {
        Mutation {
            id: 1,
            name: name.into(),
            v,
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

    #[test]
    fn a_check_in_and_its_check_out_show_on_the_phone() {
        let mut rows = Rows::new();
        apply(
            &mut rows,
            &m(
                "visit.check_in",
                2,
                json!({"id": "v1", "site_id": "s", "name": "张三", "id_type": "resident_id",
                       "id_number": "11010519491231002X", "phone": "13800001111", "category": "party",
                       "purpose": "开庭", "area_id": "a"}),
            ),
        );
        let list = visits(&rows);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].1.id_masked, "110105********002X");
        assert!(list[0].1.complete);
        assert!(
            !rows["visit"]["v1"].to_string().contains("19491231"),
            "the full number is not kept"
        );
        apply(
            &mut rows,
            &m("visit.check_out", 1, json!({"visit_id": "v1"})),
        );
        assert!(visits(&rows)[0].1.checked_out_at.is_some());
        prune(
            &mut rows,
            1_795_885_200_000 + (KEEP_DAYS + 1) * 24 * 3600 * 1000,
        );
        assert!(visits(&rows).is_empty());
    }

    #[test]
    fn a_deposit_shows_until_collected_and_an_open_one_is_kept() {
        let mut rows = Rows::new();
        apply(
            &mut rows,
            &m(
                "screening.record",
                1,
                json!({"id": "s1", "site_id": "s", "name": "张三", "equipment": ["gate"],
                       "outcome": "prohibited",
                       "items": [{"category": "p1", "description": "水果刀", "disposition": "deposit",
                                  "locker": "3", "tag": "A12"}]}),
            ),
        );
        assert_eq!(screenings(&rows).len(), 1);
        let d = deposits(&rows);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].0, "s1/0");
        // Much later, the open deposit is still on the phone; the screening is not.
        let later = 1_795_885_200_000 + (KEEP_DAYS + 1) * 24 * 3600 * 1000;
        prune(&mut rows, later);
        assert!(screenings(&rows).is_empty());
        assert_eq!(deposits(&rows).len(), 1);
        // Collection without the visitor's confirmation is not shown as done.
        apply(
            &mut rows,
            &m(
                "deposit.close",
                1,
                json!({"deposit_id": "s1/0", "how": "collected"}),
            ),
        );
        assert!(deposits(&rows)[0].1.closed_at.is_none());
        apply(
            &mut rows,
            &m(
                "deposit.close",
                1,
                json!({"deposit_id": "s1/0", "how": "collected", "confirmed": true}),
            ),
        );
        assert!(deposits(&rows)[0].1.closed_at.is_some());
    }

    #[test]
    fn rounds_boiler_stops_and_fire_alarms_show_on_the_phone() {
        let mut rows = Rows::new();
        rows.entry("route".into()).or_default().insert(
            "rt".into(),
            json!({"site_id": "s", "kind": "night", "name_zh": "夜查", "name_en": "",
                   "days": "workdays", "window_start": 1020, "window_end": 1260,
                   "area_ids": "[\"a1\",\"a2\"]"}),
        );
        apply(
            &mut rows,
            &m("round.start", 1, json!({"id": "r1", "route_id": "rt"})),
        );
        let check = |area: &str, reason: serde_json::Value| json!({"round_id": "r1", "area_id": area, "how": "list", "reason": reason});
        apply(&mut rows, &m("round.check", 1, check("a1", json!(null))));
        apply(
            &mut rows,
            &m("round.check", 1, check("a1", json!("no_scanner"))),
        );
        apply(
            &mut rows,
            &m("round.check", 1, check("x", json!("no_scanner"))),
        );
        assert_eq!(
            rows["round_check"].len(),
            1,
            "no reason or off the route: not shown"
        );
        apply(&mut rows, &m("round.finish", 1, json!({"round_id": "r1"})));
        assert!(rows["round"]["r1"]["finished_at"].is_i64());

        rows.entry("boiler".into()).or_default().insert(
            "b".into(),
            json!({"site_id": "s", "name": "1号锅炉", "medium": "hot_water",
                   "rated_pressure_mpa": 0.4, "rated_temp_c": 95.0, "season_start": "10-15",
                   "season_end": "04-15"}),
        );
        apply(
            &mut rows,
            &m(
                "boiler.reading",
                1,
                json!({"id": "rd", "boiler_id": "b", "supply_c": 99.0,
                "pressure_mpa": 0.3}),
            ),
        );
        let r: boiler::ReadingRow = row_as(&rows, "boiler_reading", "rd").unwrap();
        assert_eq!(r.stop_reasons(Locale::Zh), ["出水温度99 ℃超过额定95 ℃"]);
        let step = |s: &str| json!({"of": "rd", "kind": "boiler_stop", "step": s});
        apply(&mut rows, &m("procedure.step", 1, step("damp_fire")));
        apply(&mut rows, &m("procedure.step", 1, step("stop_fuel")));
        apply(&mut rows, &m("procedure.step", 1, step("damp_fire")));
        let steps: Vec<String> = steps_of(&rows, "rd").into_iter().map(|s| s.step).collect();
        assert_eq!(steps, ["stop_fuel", "damp_fire"]);

        apply(
            &mut rows,
            &m(
                "fire.alarm",
                1,
                json!({"id": "al", "site_id": "s", "kind": "false",
                "place": "二楼烟感", "cause": "灰尘", "handling": "清洁复位"}),
            ),
        );
        assert!(rows["fire_alarm"]["al"]["closed_at"].is_i64());
        assert!(rows["repair"]["al/repair"]["repaired_at"].is_null());
        // An open repair stays on the phone, however old.
        prune(
            &mut rows,
            1_795_885_200_000 + (KEEP_DAYS + 1) * 24 * 3600 * 1000,
        );
        assert!(rows["repair"].contains_key("al/repair"));
        assert!(rows["fire_alarm"].is_empty());
    }

    #[test]
    fn a_hazard_and_its_rectification_move_on_the_phone() {
        let numbered = |id: u64, mut m: Mutation| {
            m.id = id;
            m
        };
        let mut rows = Rows::new();
        let report = json!({"id": "h", "site_id": "s", "place": "大厅", "category": "fire",
            "grade": "general", "description": "灭火器压力不足", "fixed_on_spot": false});
        apply(&mut rows, &m("hazard.report", 1, report));
        let rect =
            |rows: &Rows| row_as::<hazard::RectRow>(rows, "rectification", "h/rect").unwrap();
        assert_eq!(rect(&rows).state, "registered");
        // Work cannot be reported before the notice is issued: the view does not move.
        let done = json!({"rect_id": "h/rect", "note": "已更换", "done": true});
        apply(&mut rows, &m("rect.progress", 1, done.clone()));
        assert_eq!(rect(&rows).state, "registered");
        // 2026-11-29 in the court at the mutation's time: a deadline after it is valid.
        let issue = json!({"rect_id": "h/rect", "ledger": {"department": "物业部",
            "responsible_id": "g", "measures": "更换灭火器", "deadline": "2026-12-01"}});
        apply(&mut rows, &numbered(2, m("rect.issue", 1, issue)));
        assert_eq!(
            (rect(&rows).state.as_str(), rect(&rows).rev),
            ("issued", 1),
            "rev stays the server's"
        );
        apply(&mut rows, &numbered(3, m("rect.progress", 1, done)));
        assert_eq!(rect(&rows).state, "awaiting_review");
        // The person responsible cannot approve their own work, even on the phone.
        let mut own = m(
            "rect.review",
            1,
            json!({"rect_id": "h/rect", "approve": true}),
        );
        own.author = "g".into();
        apply(&mut rows, &own);
        assert_eq!(rect(&rows).state, "awaiting_review");
        apply(
            &mut rows,
            &m(
                "rect.review",
                1,
                json!({"rect_id": "h/rect", "approve": true}),
            ),
        );
        assert_eq!(rect(&rows).state, "closed");
        apply(
            &mut rows,
            &m(
                "rect.comment",
                1,
                json!({"id": "c", "rect_id": "h/rect", "text": "好"}),
            ),
        );
        assert_eq!(
            rows["rect_comment"].len(),
            4,
            "issue, complete, approve, the comment"
        );
        assert_eq!(rows["hazard"]["h"]["place"], "大厅");
    }

    #[test]
    fn an_inspection_opens_its_failed_items_on_the_phone() {
        let mut rows = Rows::new();
        rows.entry("inspection_checklist".into())
            .or_default()
            .insert(
                "c".into(),
                json!({"name_zh": "安检流程", "name_en": "", "category": "public_order",
                   "items": "[\"甲\",\"乙\"]", "sort": 0}),
            );
        let items = json!([{"text": "甲", "ok": true, "rectify": true},
            {"text": "乙", "ok": false, "note": "未开包", "rectify": true}]);
        apply(
            &mut rows,
            &m(
                "inspection.record",
                1,
                json!({"id": "i", "site_id": "s", "kind": "weekly",
                "checklist_id": "c", "items": items}),
            ),
        );
        assert_eq!(rows["inspection"]["i"]["failed"], 1);
        assert_eq!(rows["rectification"].len(), 1, "a pass opens nothing");
        let r = &rows["rectification"]["i/1/rect"];
        assert_eq!(
            (r["description"].as_str(), r["category"].as_str()),
            (Some("乙：未开包"), Some("public_order"))
        );
        assert_eq!(crate::inspect::finding_id("i", 1), "i/1");
    }
}
