//! The gate log against the real server: each kind's required fields, who may log where, and
//! closing (a parcel names who collected it) once.

use crate::common::{enrol, mutation, pull, push, spawn_app, statuses};
use serde_json::json;

#[tokio::test]
async fn vehicles_parcels_and_custody() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let hc = app.site_id("huancheng").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (gg, ggid) = app
        .person(&admin, "gate.main", &["gate_guard"], &["main"])
        .await;
    let (g, gid) = app
        .person(&admin, "guard.main", &["guard"], &["main"])
        .await;
    let (ct, ctid) = app
        .person(&admin, "caretaker.hc", &["caretaker"], &["huancheng"])
        .await;
    let d = enrol(&app, &sup).await;
    let uuid = || uuid::Uuid::now_v7().to_string();
    let vehicle = json!({"id": uuid(), "site_id": main, "kind": "vehicle", "plate": "吉c 12345",
        "driver": "李师傅", "unit": "县检察院", "purpose": "送达文书", "parking": "东侧车位"});
    let bad_plate = json!({"id": uuid(), "site_id": main, "kind": "vehicle", "plate": "C12345",
        "driver": "李师傅", "purpose": "送达"});
    let parcel = json!({"id": uuid(), "site_id": main, "kind": "parcel", "carrier": "顺丰",
        "tracking": "sf1234567890", "recipient": "立案庭 王法官"});
    let custody = json!({"id": uuid(), "site_id": main, "kind": "custody",
        "case_number": "(2026)吉0323执123号", "description": "白色轿车一辆", "plate": "吉C54321",
        "handed_by": "执行局 赵警官"});
    let (_, r) = push(
        &app,
        &gg,
        &d,
        json!([
            mutation(1, "gate.arrive", 1, &ggid, vehicle.clone()),
            mutation(2, "gate.arrive", 1, &ggid, bad_plate),
            mutation(3, "gate.arrive", 1, &ggid, parcel.clone()),
            mutation(4, "gate.arrive", 1, &ggid, custody.clone()),
        ]),
    )
    .await;
    assert_eq!(statuses(&r), ["applied", "rejected", "applied", "applied"]);
    assert_eq!(r["results"][1]["field"], "plate");
    assert_eq!(r["results"][1]["message"], "车牌号格式不对，例如：吉C12345");
    let plate: String = sqlx::query_scalar("SELECT plate FROM gate_entries WHERE kind = 'vehicle'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(plate, "吉C12345");

    // A hall guard does not keep the gate log; a tribunal caretaker does, at the tribunal only.
    let at = |site: &str| {
        json!({"id": uuid(), "site_id": site, "kind": "vehicle", "plate": "吉C11111",
        "driver": "王", "purpose": "公务"})
    };
    let (_, r) = push(
        &app,
        &g,
        &d,
        json!([mutation(5, "gate.arrive", 1, &gid, at(&main))]),
    )
    .await;
    assert_eq!(r["results"][0]["code"], "forbidden");
    let (_, r) = push(
        &app,
        &ct,
        &d,
        json!([
            mutation(6, "gate.arrive", 1, &ctid, at(&main)),
            mutation(7, "gate.arrive", 1, &ctid, at(&hc)),
        ]),
    )
    .await;
    assert_eq!(statuses(&r), ["rejected", "applied"]);
    assert_eq!(r["results"][0]["code"], "site_forbidden");

    // Closing: the parcel names who collected it; twice changes nothing; the vehicle just leaves.
    let leave = |entry: &serde_json::Value, to: &str| json!({"entry_id": entry["id"], "to": to});
    let (_, r) = push(
        &app,
        &gg,
        &d,
        json!([
            mutation(8, "gate.leave", 1, &ggid, leave(&parcel, "")),
            mutation(9, "gate.leave", 1, &ggid, leave(&parcel, "王法官本人")),
            mutation(10, "gate.leave", 1, &ggid, leave(&parcel, "别人")),
            mutation(11, "gate.leave", 1, &ggid, leave(&vehicle, "")),
        ]),
    )
    .await;
    assert_eq!(statuses(&r), ["rejected", "applied", "applied", "applied"]);
    assert_eq!(r["results"][0]["field"], "to");
    let to: String = sqlx::query_scalar("SELECT left_to FROM gate_entries WHERE kind = 'parcel'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(to, "王法官本人");

    // The gate guard's phone sees the main court's entries, the held car still open.
    let (_, p) = pull(&app, &gg, &d, None).await;
    let gate: Vec<&serde_json::Value> = p["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["entity"] == "gate")
        .collect();
    assert_eq!(gate.len(), 3);
    let open: Vec<_> = gate
        .iter()
        .filter(|c| c["data"]["left_at"].is_null())
        .collect();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["data"]["kind"], "custody");
}
