//! Security screening through the sync engine against the real server: the legal limits on
//! what guards may record (body checks by the same sex, the officer named for seizures and body
//! checks), deposits open until collected with the visitor's confirmation, the self-test, and
//! the site rules.

use crate::common::uuid;
use crate::common::{enrol, mutation, pull, push, spawn_app, statuses};
use serde_json::{json, Value};

fn screening(site: &str, visit: Option<&str>, outcome: &str, items: Value) -> Value {
    json!({"id": uuid(), "site_id": site, "visit_id": visit, "name": "张三",
           "equipment": ["gate", "xray"], "outcome": outcome, "items": items})
}

#[tokio::test]
async fn screenings_deposits_and_self_tests_follow_the_rules() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g, gid) = app
        .person(&admin, "guard.main", &["guard"], &["main"])
        .await;
    let (tg, tgid) = app
        .person(&admin, "guard.hc", &["guard"], &["huancheng"])
        .await;
    let (gate, gateid) = app
        .person(&admin, "gate.main", &["gate_guard"], &["main"])
        .await;
    let d = enrol(&app, &sup).await;

    let visit = json!({"id": uuid(), "site_id": main, "name": "张三", "id_type": "resident_id",
        "id_number": "11010519491231002X", "phone": "13800001111", "category": "party",
        "purpose": "开庭"});
    let knife = json!({"category": "p1", "description": "水果刀", "disposition": "deposit",
        "locker": "3", "tag": "A12", "blade_mm": 120, "tip_angle": 45});
    let seized = json!({"category": "p1", "description": "匕首", "disposition": "seized"});
    let deposited = screening(&main, visit["id"].as_str(), "prohibited", json!([knife]));
    let mut with_officer = screening(&main, None, "prohibited", json!([seized]));
    with_officer["officer"] = json!("王警官");
    let no_officer = screening(&main, None, "prohibited", json!([seized]));
    let mut other_sex = screening(&main, None, "passed", json!([]));
    other_sex["body_check"] = json!(true);
    other_sex["officer"] = json!("王警官");
    other_sex["visitor_sex"] = json!("f");
    other_sex["staff_sex"] = json!("m");
    let no_deposit_tag = screening(
        &main,
        None,
        "restricted",
        json!([{"category": "restricted", "description": "相机", "disposition": "deposit", "locker": "1"}]),
    );
    let (_, r) = push(
        &app,
        &g,
        &d,
        json!([
            mutation(1, "visit.check_in", 2, &gid, visit.clone()),
            mutation(2, "screening.record", 1, &gid, deposited.clone()),
            mutation(3, "screening.record", 1, &gid, with_officer),
            mutation(4, "screening.record", 1, &gid, no_officer),
            mutation(5, "screening.record", 1, &gid, other_sex),
            mutation(6, "screening.record", 1, &gid, no_deposit_tag),
        ]),
    )
    .await;
    assert_eq!(
        statuses(&r),
        ["applied", "applied", "applied", "rejected", "rejected", "rejected"]
    );
    assert_eq!(r["results"][3]["field"], "officer");
    assert_eq!(r["results"][4]["field"], "staff_sex");
    assert_eq!(
        r["results"][4]["message"],
        "人身检查须由同性别工作人员进行，不能记录异性检查"
    );
    assert_eq!(r["results"][5]["field"], "item_tag");

    // The screening is linked to the visit; the knife is an open deposit.
    let linked: Option<String> = sqlx::query_scalar("SELECT visit_id FROM screenings WHERE id = ?")
        .bind(deposited["id"].as_str())
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(linked.as_deref(), visit["id"].as_str());
    let deposit_id = format!("{}/0", deposited["id"].as_str().unwrap());
    let (_, p) = pull(&app, &g, &d, None).await;
    let entities: Vec<&str> = p["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["entity"].as_str().unwrap())
        // The patrol routes a guard walks, and the alerts of the site (its rounds are missed).
        .filter(|e| *e != "route" && *e != "alert")
        .collect();
    assert_eq!(
        entities,
        ["visit", "screening", "deposit", "screening"],
        "{p}"
    );
    let deposit = p["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["entity"] == "deposit")
        .unwrap();
    assert_eq!(deposit["id"], deposit_id);
    assert_eq!(deposit["data"]["tag"], "A12");

    // A gate guard does not screen; a tribunal guard cannot close the main court's deposit.
    let (_, r) = push(
        &app,
        &gate,
        &d,
        json!([mutation(
            7,
            "screening.record",
            1,
            &gateid,
            screening(&main, None, "passed", json!([]))
        )]),
    )
    .await;
    assert_eq!(r["results"][0]["code"], "forbidden");
    let collect = |confirmed: bool| json!({"deposit_id": deposit_id, "how": "collected", "confirmed": confirmed});
    let (_, r) = push(
        &app,
        &tg,
        &d,
        json!([mutation(8, "deposit.close", 1, &tgid, collect(true))]),
    )
    .await;
    assert_eq!(r["results"][0]["code"], "site_forbidden");

    // Collection needs the visitor's confirmation; a second collection changes nothing.
    let (_, r) = push(
        &app,
        &g,
        &d,
        json!([
            mutation(9, "deposit.close", 1, &gid, collect(false)),
            mutation(10, "deposit.close", 1, &gid, collect(true)),
            mutation(
                11,
                "deposit.close",
                1,
                &gid,
                json!({"deposit_id": deposit_id, "how": "transferred", "to": "司法警察队"})
            ),
        ]),
    )
    .await;
    assert_eq!(statuses(&r), ["rejected", "applied", "applied"]);
    assert_eq!(r["results"][0]["field"], "confirmed");
    let row: (String, bool, String) =
        sqlx::query_as("SELECT closed_how, confirmed, closed_to FROM deposits WHERE id = ?")
            .bind(&deposit_id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(row, ("collected".into(), true, "".into()));

    // The self-test: a fault without a note is refused.
    let test = |handheld: bool, note: &str| {
        json!({"id": uuid(), "site_id": main, "gate_ok": true, "handheld_charged": handheld,
               "xray_ok": null, "note": note})
    };
    let (_, r) = push(
        &app,
        &g,
        &d,
        json!([
            mutation(12, "equipment.self_test", 1, &gid, test(false, "")),
            mutation(13, "equipment.self_test", 1, &gid, test(false, "已换电池")),
        ]),
    )
    .await;
    assert_eq!(statuses(&r), ["rejected", "applied"]);
    assert_eq!(r["results"][0]["field"], "note");
}
