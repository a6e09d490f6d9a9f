//! The course a learner follows, if any: kept in local storage (its text) so the catalog stays
//! the course's across reloads, with the learner's progress in it under a key of its own
//! (`queuelab.progress.course.ID.v1`), so solving an exercise in a course neither marks nor
//! unmarks it in the built-in catalog or in another course.

use super::browser;
use crate::course::Course;
use crate::exercise::Exercise;
use crate::playground::Progress;
use std::rc::Rc;

/// The text of the course being followed.
const COURSE_KEY: &str = "queuelab.course.v1";

/// Where the progress in course `id` is saved.
pub fn progress_key(id: &str) -> String {
    format!("queuelab.progress.course.{id}.v1")
}

/// The course followed before this page loaded, if it still reads against the built-in
/// exercises (`built_in`).
pub fn saved_course(built_in: &[Exercise]) -> Option<Rc<Course>> {
    let text = browser::load(COURSE_KEY)?;
    Course::parse(&text, "course", built_in).ok().map(Rc::new)
}

/// Follows `course` from now on (`None`: back to the built-in catalog).
pub fn remember(course: Option<&Course>) {
    match course {
        Some(course) => browser::save(COURSE_KEY, course.source()),
        None => browser::remove(COURSE_KEY),
    }
}

/// The learner's saved progress in `course`.
pub fn progress_in(course: &Course) -> Progress {
    Progress::from_json(&browser::load(&progress_key(&course.id)).unwrap_or_default())
}

/// `exercises` with the course's own exercises (inline and linked) in it, so their pages open.
pub fn with_own_exercises(exercises: &[Exercise], course: &Course) -> Vec<Exercise> {
    let mut list: Vec<Exercise> = exercises
        .iter()
        .filter(|kept| course.own_exercises().all(|own| own.id != kept.id))
        .cloned()
        .collect();
    list.extend(course.own_exercises().cloned());
    list
}

/// Whether the course lists the exercise `id`.
pub fn lists(course: &Course, id: &str) -> bool {
    course.exercises().any(|exercise| exercise.id == id)
}
