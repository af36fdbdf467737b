//! What every feature stands on and that imports no feature: a rule's refusal of a field,
//! the court's time and dates, record ids.

mod error;
mod id;
mod time;

pub use error::{trimmed, FieldError};
pub use id::new_uuid;
pub use time::{court_date, court_day_start, date_text, valid_date};
