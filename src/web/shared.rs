//! What every page can read and call: the catalog (built in plus opened files), the learner's
//! progress, and the app's callbacks. Pages take it as a prop, so they never reach into the shell.

use crate::exercise::Exercise;
use crate::playground::Progress;
use crate::playground::Status;
use std::rc::Rc;
use yew::Callback;

/// What every page can read: the catalog (built in plus opened files) and the learner's progress.
#[derive(Clone, PartialEq)]
pub struct Shared {
    pub exercises: Rc<Vec<Exercise>>,
    pub progress: Rc<Progress>,
    pub on_result: Callback<(String, Status)>,
    pub on_open: Callback<Exercise>,
}
