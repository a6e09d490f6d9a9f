//! The playground's model: everything the browser UI needs that is not DOM — permalinks, saved
//! progress, safe Markdown, and the run session that advances the engine in real-time slices.
//!
//! It never imports yew or web-sys, so it is tested natively like the engine; `src/web` only
//! renders it and wires browser events to it.

pub mod code_diff;
pub mod code_drafts;
pub mod drafts;
pub mod embed;
pub mod markdown;
pub mod marks;
pub mod narrate;
pub mod opened;
pub mod permalink;
pub mod progress;
pub mod report;
pub mod route;
pub mod sandbox_files;
pub mod session;
pub mod share;
pub mod worker_job;

pub use permalink::Permalink;
pub use progress::{Progress, Status};
pub use session::{Session, Speed};
