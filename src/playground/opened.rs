//! An exercise file opened in the playground (an instructor's preview, later a shared file) joins
//! the catalog beside the built-in exercises. Progress is saved by exercise id, so a file whose
//! `id` is a built-in exercise's must not take that exercise's place nor its saved progress: it
//! opens under an id of its own (`file-ID`), titled as an opened file, and the page says so. A
//! file opened again with the id of an earlier opened file replaces it (a preview reloaded).

use crate::exercise::Exercise;

/// The catalog once `opened` has joined it, the id it opened under, and what the page should
/// say about that id when it is not the file's own.
pub struct Placed {
    pub exercises: Vec<Exercise>,
    pub id: String,
    pub notice: Option<String>,
}

/// Places `opened` among `exercises`, of which those whose id is in `built_in` came with the
/// playground.
pub fn place(mut opened: Exercise, exercises: &[Exercise], built_in: &[&str]) -> Placed {
    let own = opened.id.clone();
    let notice = built_in.contains(&own.as_str()).then(|| {
        // `file-ID`, or `file-2-ID`, … should a built-in exercise ever be called `file-ID`.
        let id = (1..)
            .map(|n| match n {
                1 => format!("file-{own}"),
                n => format!("file-{n}-{own}"),
            })
            .find(|id| !built_in.contains(&id.as_str()))
            .unwrap_or_default();
        opened.id = id.clone();
        opened.title = format!("{} (opened file)", opened.title);
        format!(
            "This file's id {own:?} is the id of a built-in exercise, so it opened as {id:?}, with progress of its own: the built-in exercise and its saved progress are unchanged."
        )
    });
    let id = opened.id.clone();
    let mut list: Vec<Exercise> = exercises
        .iter()
        .filter(|exercise| exercise.id != id)
        .cloned()
        .collect();
    list.push(opened);
    Placed {
        exercises: list,
        id,
        notice,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::{Progress, Status};

    fn built_in() -> (Vec<Exercise>, Vec<String>) {
        let exercises = crate::exercise::catalog();
        let ids = exercises.iter().map(|e| e.id.clone()).collect();
        (exercises, ids)
    }

    fn file_named(id: &str) -> Exercise {
        let (name, text) = crate::exercise::catalog_files()[0];
        let original = Exercise::parse(text, name).expect("a built-in file parses");
        let text = text.replacen(
            &format!("id = {:?}", original.id),
            &format!("id = {id:?}"),
            1,
        );
        Exercise::parse(&text, "opened.toml").expect("the edited file parses")
    }

    #[test]
    fn a_file_with_a_built_in_id_keeps_apart_from_it_and_its_progress() {
        let (exercises, ids) = built_in();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let taken = crate::exercise::catalog_files()[0].1;
        let original = Exercise::parse(taken, "x.toml").unwrap();
        let placed = place(file_named(&original.id), &exercises, &ids);
        assert_eq!(placed.id, format!("file-{}", original.id));
        let notice = placed.notice.expect("the page says so");
        assert!(notice.contains(&format!("{:?}", original.id)), "{notice}");
        // The built-in exercise is still there, unchanged, beside the opened one.
        assert_eq!(placed.exercises.len(), exercises.len() + 1);
        let kept = placed
            .exercises
            .iter()
            .find(|e| e.id == original.id)
            .unwrap();
        assert_eq!(kept.title, original.title);
        let file = placed.exercises.iter().find(|e| e.id == placed.id).unwrap();
        assert!(file.title.ends_with("(opened file)"));
        // Solving the opened file records progress under its own id only.
        let mut progress =
            Progress::from_json(&format!(r#"{{"exercises":{{"{}":"tried"}}}}"#, original.id));
        progress.record(&placed.id, Status::Solved);
        assert_eq!(progress.status(&original.id), Some(Status::Tried));
        assert_eq!(progress.status(&placed.id), Some(Status::Solved));
    }

    #[test]
    fn a_new_id_opens_as_itself_and_reopening_replaces_the_earlier_file() {
        let (exercises, ids) = built_in();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let first = place(file_named("my-draft"), &exercises, &ids);
        assert_eq!((first.id.as_str(), first.notice), ("my-draft", None));
        let again = place(file_named("my-draft"), &first.exercises, &ids);
        assert_eq!(again.exercises.len(), exercises.len() + 1);
        // Opening the colliding file twice also keeps one copy.
        let taken = exercises[0].id.clone();
        let once = place(file_named(&taken), &exercises, &ids);
        let twice = place(file_named(&taken), &once.exercises, &ids);
        assert_eq!(twice.exercises.len(), exercises.len() + 1);
        assert_eq!(twice.id, once.id);
    }

    #[test]
    fn a_built_in_exercise_called_file_id_is_not_taken_either() {
        let (exercises, _) = built_in();
        let taken = exercises[0].id.clone();
        let squatted = format!("file-{taken}");
        let ids = [taken.as_str(), squatted.as_str()];
        let placed = place(file_named(&taken), &exercises, &ids);
        assert_eq!(placed.id, format!("file-2-{taken}"));
    }
}
