//! Every role against every entry point that exists, and site scoping.
//!
//! The expected table below is written out by hand from the roles in `domain-rules.md`; it is
//! compared with both the shared table (`role_allows`) and what the server really does.

use crate::common::{body, spawn_app, TestApp};
use app::model::{role_allows, Action, Role};
use reqwest::{Client, StatusCode};
use serde_json::json;

//                              VS MS VP MP RV RS PR RH GL BL HK FD IN RR VK FR HR HE VR RI ED MW MD SV RU ES FL SR
const TABLE: [(&str, &str); 9] = [
    (
        "guard",
        "Y  .  .  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  Y  Y  .  .  .  .  .  .  .  .  .  .",
    ),
    (
        "team_leader",
        "Y  .  Y  .  Y  Y  Y  Y  .  .  .  .  .  .  .  .  Y  Y  .  Y  .  .  .  .  .  .  .  .",
    ),
    (
        "gate_guard",
        "Y  .  .  .  Y  .  Y  Y  Y  .  .  .  .  .  .  .  .  Y  .  .  .  .  .  .  .  .  .  .",
    ),
    (
        "caretaker",
        "Y  .  .  .  .  .  Y  Y  Y  Y  Y  .  .  .  .  .  .  Y  .  .  .  .  .  .  .  .  .  .",
    ),
    (
        "fire_operator",
        "Y  .  .  .  .  .  .  Y  .  .  .  Y  .  .  .  .  .  Y  .  .  .  .  .  .  .  .  .  .",
    ),
    (
        "supervisor",
        "Y  .  Y  .  .  .  .  Y  .  .  .  .  Y  Y  Y  .  Y  Y  Y  Y  Y  Y  Y  .  .  .  Y  Y",
    ),
    (
        "court_liaison",
        "Y  .  .  .  .  .  .  .  .  .  .  .  .  .  Y  Y  .  .  Y  .  .  .  .  .  Y  .  .  .",
    ),
    (
        "admin",
        "Y  Y  Y  Y  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y  Y  Y  Y  .  Y  .  .",
    ),
    (
        "court_staff",
        "Y  .  .  .  .  .  .  .  .  .  .  .  .  .  .  Y  .  .  .  .  .  .  .  .  .  .  .  .",
    ),
];

fn expected(role: Role, action: Action) -> bool {
    let row = TABLE
        .iter()
        .find(|(r, _)| *r == role.as_str())
        .expect("row")
        .1;
    let col = Action::ALL
        .iter()
        .position(|a| *a == action)
        .expect("column");
    row.split_whitespace().nth(col) == Some("Y")
}

#[test]
fn the_shared_table_is_the_written_one() {
    for role in Role::ALL {
        for action in Action::ALL {
            assert_eq!(
                role_allows(role, action),
                expected(role, action),
                "{role:?} × {action:?}"
            );
        }
    }
}

/// Tries `action` through the API as `c`; `Some(allowed)` for actions with an entry point.
async fn attempt(
    app: &TestApp,
    c: &Client,
    action: Action,
    own_site: &str,
    victim: &str,
) -> Option<bool> {
    let r = match action {
        Action::ViewSites => app.get(c, &format!("/api/v1/sites/{own_site}")).await,
        Action::ManageSites => {
            app.put(
                c,
                &format!("/api/v1/sites/{own_site}"),
                json!({"name_zh": "环城人民法庭", "name_en": "Huancheng tribunal"}),
            )
            .await
        }
        Action::ViewPeople => app.get(c, "/api/v1/people").await,
        Action::ManagePeople => {
            app.post(
                c,
                &format!("/api/v1/people/{victim}/reset-password"),
                json!(null),
            )
            .await
        }
        Action::ManageWatchlist => app.get(c, "/api/v1/watchlist").await,
        Action::ManageDevices => app.get(c, "/api/v1/devices").await,
        Action::ManageServer => app.get(c, "/api/v1/backups").await,
        Action::FileRequest => app.get(c, "/api/v1/requests/mine").await,
        Action::ViewKpis => {
            app.get(c, &format!("/api/v1/scorecard?site={own_site}&period=2026-11"))
                .await
        }
        Action::RunSurvey => {
            app.post(
                c,
                "/api/v1/surveys",
                json!({"kind": "monthly", "period": app::score::Period::month_of(crate::common::now()).text(),
                       "closes_on": crate::common::court_day(1)}),
            )
            .await
        }
        Action::EditSurvey => {
            app.put(
                c,
                "/api/v1/survey/questions",
                json!(app::survey::default_questions()),
            )
            .await
        }
        Action::FileReport => {
            app.put(
                c,
                "/api/v1/monthly-report/plan",
                json!({"site": own_site, "month": "2026-10", "plan": "加强夜间巡查"}),
            )
            .await
        }
        Action::SearchVisits => {
            app.get(
                c,
                &format!("/api/v1/visits/search?site={own_site}&from=2026-11-01&to=2026-11-30"),
            )
            .await
        }
        _ => return None,
    };
    let s = r.status();
    assert!(
        s == StatusCode::OK || s == StatusCode::FORBIDDEN,
        "{action:?}: {s}"
    );
    if s == StatusCode::FORBIDDEN {
        let (_, e) = body(r).await;
        assert_eq!(e["code"], "forbidden");
    }
    Some(s == StatusCode::OK)
}

#[tokio::test]
async fn every_role_is_allowed_and_denied_as_the_table_says() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let site = app.site_id("huancheng").await;
    let (_, victim) = app
        .person(&admin, "victim", &["guard"], &["huancheng"])
        .await;
    let mut checked = 0;
    for role in Role::ALL {
        let (c, _) = app
            .person(
                &admin,
                &format!("p.{}", role.as_str().replace('_', "-")),
                &[role.as_str()],
                &["huancheng"],
            )
            .await;
        for action in Action::ALL {
            if let Some(allowed) = attempt(&app, &c, action, &site, &victim).await {
                assert_eq!(allowed, expected(role, action), "{role:?} × {action:?}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 9 * 13);
}

#[tokio::test]
async fn nobody_signed_out_gets_anything() {
    let app = spawn_app().await;
    let c = crate::common::client();
    for path in ["/api/v1/me", "/api/v1/sites", "/api/v1/people"] {
        let (s, e) = body(app.get(&c, path).await).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(e["code"], "not_signed_in");
    }
    // A forged cookie is nobody.
    let r = c
        .get(app.url("/api/v1/me"))
        .header("cookie", "gp_session=forged")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn people_see_only_their_own_sites() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let huancheng = app.site_id("huancheng").await;
    let (guard, _) = app
        .person(&admin, "tribunal.guard", &["guard"], &["huancheng"])
        .await;

    let (s, sites) = body(app.get(&guard, "/api/v1/sites").await).await;
    assert_eq!(s, StatusCode::OK);
    let ids: Vec<&str> = sites
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![huancheng.as_str()]);

    let (s, e) = body(app.get(&guard, &format!("/api/v1/sites/{main}")).await).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(e["code"], "site_forbidden");
    assert_eq!(e["message"], "您不属于该场所");

    // The administrator sees all seven.
    let (_, all) = body(app.get(&admin, "/api/v1/sites").await).await;
    assert_eq!(all.as_array().unwrap().len(), 7);

    // A supervisor of the main court sees its people, not a tribunal's.
    let (sup, _) = app
        .person(&admin, "main.sup", &["supervisor"], &["main"])
        .await;
    app.person(&admin, "main.guard", &["guard"], &["main"])
        .await;
    let (_, people) = body(app.get(&sup, "/api/v1/people").await).await;
    let logins: Vec<&str> = people
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["login"].as_str().unwrap())
        .collect();
    assert!(logins.contains(&"main.guard"));
    assert!(!logins.contains(&"tribunal.guard"));

    // The administrator's list: everyone once, each with their own roles and sites.
    let (_, people) = body(app.get(&admin, "/api/v1/people").await).await;
    let of = |login: &str| {
        let p = people
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["login"] == login)
            .collect::<Vec<_>>();
        assert_eq!(p.len(), 1, "{login} once");
        (p[0]["roles"].clone(), p[0]["site_ids"].clone())
    };
    assert_eq!(of("tribunal.guard"), (json!(["guard"]), json!([huancheng])));
    assert_eq!(of("main.sup"), (json!(["supervisor"]), json!([main])));
    assert_eq!(of("main.guard"), (json!(["guard"]), json!([main])));
    assert_eq!(of("admin").0, json!(["admin"]));
}
