//! The http layer every feature's routes stand on, importing no feature: the JSON extractor,
//! the caller and their grants, the caller's language, errors as responses, and what every
//! response gets (headers, cache rules, the service worker, the built assets).

pub mod assets;
pub mod caller;
pub mod error;
pub mod json;
pub mod locale;

pub use caller::{Caller, SiteScope};
pub use error::{ApiError, ApiResult};
pub use json::ApiJson;
pub use locale::locale_of;
