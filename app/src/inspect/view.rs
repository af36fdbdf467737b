//! How the phone shows inspections and screening re-checks before the server has them. They
//! read their args as JSON: their structs' code stays out of the first download. The page
//! checked them; the server checks again.

use super::{Inspection, Sample, INSPECTION, INSPECTION_CHECKLIST, SCREENING_SAMPLE};
use crate::record::Record;
use crate::screening::SCREENING;
use crate::sync::{Mutation, Rows};

impl Record for Inspection {
    const NAME: &'static str = "inspection.record";

    fn show(rows: &mut Rows, m: &Mutation) {
        let a = &m.args;
        let (Some(id), Some(site), Some(list_id), Some(items)) = (
            a["id"].as_str(),
            a["site_id"].as_str(),
            a["checklist_id"].as_str(),
            a["items"].as_array(),
        ) else {
            return;
        };
        let Some(list) = rows.row(INSPECTION_CHECKLIST, list_id).cloned() else {
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
                crate::hazard::view::open_rect(
                    rows,
                    m,
                    &super::finding_id(id, n),
                    &finding,
                    category,
                    "general",
                );
            }
        }
        let row = serde_json::json!({"site_id": site, "kind": a["kind"],
            "checklist_id": list_id, "name_zh": name, "failed": failed,
            "recorded_at": m.client_time, "author_id": m.author});
        rows.put_json(INSPECTION, id, row);
    }
}

impl Record for Sample {
    const NAME: &'static str = "screening.sample";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(sid) = m.args["screening_id"].as_str() else {
            return;
        };
        let Some(site) = rows.row(SCREENING, sid).map(|v| v["site_id"].clone()) else {
            return;
        };
        let row = serde_json::json!({"screening_id": sid, "site_id": site,
            "correct": m.args["correct"], "note": m.args["note"], "sampled_at": m.client_time});
        rows.put_json(SCREENING_SAMPLE, &format!("{sid}/sample"), row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hazard::RECTIFICATION;
    use crate::record::testing::mutation as m;
    use crate::registry::show;
    use serde_json::json;

    #[test]
    fn an_inspection_opens_its_failed_items_on_the_phone() {
        let mut rows = Rows::new();
        rows.table_mut(INSPECTION_CHECKLIST).insert(
            "c".into(),
            json!({"name_zh": "安检流程", "name_en": "", "category": "public_order",
                   "items": "[\"甲\",\"乙\"]", "sort": 0}),
        );
        let items = json!([{"text": "甲", "ok": true, "rectify": true},
            {"text": "乙", "ok": false, "note": "未开包", "rectify": true}]);
        show(
            &mut rows,
            &m::<Inspection>(json!({"id": "i", "site_id": "s", "kind": "weekly",
                "checklist_id": "c", "items": items})),
        );
        assert_eq!(rows.row(INSPECTION, "i").unwrap()["failed"], 1);
        assert_eq!(
            rows.table(RECTIFICATION).unwrap().len(),
            1,
            "a pass opens nothing"
        );
        let r = rows.row(RECTIFICATION, "i/1/rect").unwrap();
        assert_eq!(
            (r["description"].as_str(), r["category"].as_str()),
            (Some("乙：未开包"), Some("public_order"))
        );
        assert_eq!(super::super::finding_id("i", 1), "i/1");
    }
}
