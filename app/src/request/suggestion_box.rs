//! The suggestion box (意见箱): opened on a fixed rhythm (weekly), each opening recorded with
//! how many items were in it and what they said; each item that asks something is then logged
//! as a request of its own (channel: the suggestion box), so its clock runs from the opening.

use crate::core::FieldError;
use crate::i18n::request_rules::Words;
use crate::i18n::Locale;
use crate::record::Record;
use crate::rows::Entity;
use crate::sync::{Mutation, Rows};
use serde::{Deserialize, Serialize};

pub const SUGGESTION_BOX: Entity = Entity::declare("suggestion_box").kept_by("opened_at", 90);

/// The box is opened at least this often (the bid: weekly).
pub const BOX_EVERY_DAYS: i64 = 7;
const DAY: i64 = 24 * 3600 * 1000;

/// `suggestion_box.open` v1: the box of a site opened now.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BoxOpening {
    pub id: String,
    pub site_id: String,
    pub items: u32,
    /// What was in it (each request among them is logged as a request too).
    #[serde(default)]
    pub note: String,
}

pub fn check_opening(mut o: BoxOpening, locale: Locale) -> Result<BoxOpening, FieldError> {
    o.note = o.note.trim().chars().take(300).collect();
    if o.items > 500 {
        return Err(FieldError::said(locale, "items", Words::HowManyItems));
    }
    if o.items > 0 && o.note.chars().count() < 2 {
        return Err(FieldError::said(locale, "note", Words::SayWhatWasInTheBox));
    }
    Ok(o)
}

/// When the box is next due to be opened, given its last opening, and whether that is past at
/// `now` (never opened: due now).
pub fn box_due(last_opened: Option<i64>, now: i64) -> (i64, bool) {
    let due = last_opened.map_or(now, |t| t + BOX_EVERY_DAYS * DAY);
    (due, last_opened.is_none() || now > due)
}

/// An opening as phones keep it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BoxRow {
    pub site_id: String,
    pub items: u32,
    #[serde(default)]
    pub note: String,
    pub opened_at: i64,
    #[serde(default)]
    pub opened_name: Option<String>,
}

impl Record for BoxOpening {
    const NAME: &'static str = "suggestion_box.open";
    const LABEL: crate::i18n::Key = crate::i18n::Key::RecordRequest;
    const FIX_ROUTE: Option<&'static str> = Some("/requests");

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(o) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        let row = serde_json::json!({"site_id": o.site_id, "items": o.items,
            "note": o.note.trim(), "opened_at": m.client_time});
        rows.put_json(SUGGESTION_BOX, &o.id, row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_box_is_due_a_week_after_its_last_opening() {
        assert_eq!(box_due(None, 5), (5, true));
        assert_eq!(box_due(Some(0), 7 * DAY), (7 * DAY, false));
        assert!(box_due(Some(0), 7 * DAY + 1).1);
    }

    #[test]
    fn an_opening_with_items_says_what_they_were() {
        let o = BoxOpening {
            id: "o".into(),
            site_id: "s".into(),
            items: 2,
            note: " ".into(),
        };
        assert_eq!(
            check_opening(o.clone(), Locale::Zh).unwrap_err().field,
            "note"
        );
        let empty = BoxOpening { items: 0, ..o };
        assert!(check_opening(empty, Locale::Zh).is_ok());
    }
}
