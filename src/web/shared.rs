//! What every page can read and call: the catalog (built in plus opened files), the learner's
//! progress, and the app's callbacks. Pages take it as a prop, so they never reach into the shell.

use crate::course::Course;
use crate::exercise::Exercise;
use crate::playground::Progress;
use crate::playground::Status;
use std::rc::Rc;
use yew::Callback;

/// What every page can read: the catalog (built in plus opened files) and the learner's progress.
#[derive(Clone, PartialEq)]
pub struct Shared {
    pub exercises: Rc<Vec<Exercise>>,
    /// The learner's progress: in the course followed, if any, else in the built-in catalog.
    pub progress: Rc<Progress>,
    /// A result on an exercise: its id, the status, and for a solve the solving run's
    /// permalink (`#/exercise/…`), which the learner's progress report links to.
    pub on_result: Callback<(String, Status, Option<String>)>,
    pub on_open: Callback<Exercise>,
    /// The course the catalog shows instead of the built-in chapters.
    pub course: Option<Rc<Course>>,
    /// Follows a course (and shows the catalog), or with `None` goes back to the built-in one.
    pub on_course: Callback<Option<Rc<Course>>>,
}
