use super::*;
use crate::exercise::Knob;

fn script_exercise() -> (Exercise, Knob) {
    let exercise = crate::exercise::catalog()
        .into_iter()
        .find(|e| e.knobs.iter().any(|k| k.kind == KnobKind::Script))
        .expect("a script exercise");
    let knob = exercise
        .knobs
        .iter()
        .find(|k| k.kind == KnobKind::Script)
        .unwrap()
        .clone();
    (exercise, knob)
}

fn with_code(exercise: &Exercise, knob: &Knob, code: &str) -> Vec<(String, KnobValue)> {
    let mut values = exercise.start_values();
    values.iter_mut().find(|(p, _)| *p == knob.path).unwrap().1 = knob.parse(code).unwrap();
    values
}

#[test]
fn code_is_kept_per_exercise_and_knob_and_forgotten_at_the_starter() {
    let mut drafts = CodeDrafts::default();
    drafts.keep("a", "autoscaler.code", Some("fn x() {}"));
    drafts.keep("a", "retry.code", Some("fn y() {}"));
    drafts.keep("b", "autoscaler.code", Some("fn z() {}"));
    assert_eq!(drafts.get("a", "retry.code"), Some("fn y() {}"));
    assert_eq!(drafts.get("b", "autoscaler.code"), Some("fn z() {}"));
    assert_eq!(drafts.get("b", "retry.code"), None);
    drafts.keep("a", "retry.code", None);
    drafts.keep("a", "autoscaler.code", None);
    assert_eq!(drafts.get("a", "autoscaler.code"), None);
    let back = CodeDrafts::from_json(&drafts.to_json()).unwrap();
    assert_eq!(back, drafts);
    assert_eq!(
        back.exercises.len(),
        1,
        "an exercise with no code left is gone"
    );
}

#[test]
fn the_least_recently_edited_exercise_goes_first() {
    let mut drafts = CodeDrafts::default();
    for i in 0..MAX_DRAFTED_EXERCISES {
        drafts.keep(&format!("e{i}"), "k", Some("code"));
    }
    drafts.keep("e0", "k", Some("edited again"));
    drafts.keep("new", "k", Some("code"));
    assert_eq!(drafts.exercises.len(), MAX_DRAFTED_EXERCISES);
    assert_eq!(drafts.get("e1", "k"), None);
    assert_eq!(drafts.get("e0", "k"), Some("edited again"));
}

#[test]
fn a_script_exercise_gets_its_code_back_when_opened_without_code() {
    let (exercise, knob) = script_exercise();
    let mine = format!("// mine\n{}", knob.start);
    let mut drafts = CodeDrafts::default();
    drafts.remember(&exercise, &exercise.start_values());
    assert_eq!(drafts, CodeDrafts::default(), "the starter is not a draft");
    let values = with_code(&exercise, &knob, &mine);
    drafts.remember(&exercise, &values);

    let mut opened = exercise.start_values();
    let found = drafts.restore(&exercise, &[], &mut opened);
    assert_eq!(found.restored, vec![knob.path.clone()]);
    assert_eq!(opened, values);
}

#[test]
fn code_typed_after_the_last_apply_wins_over_the_pages_own_address() {
    let (exercise, knob) = script_exercise();
    let applied = format!("// applied\n{}", knob.start);
    let typed = format!("// typed, not applied\n{}", knob.start);
    let mut drafts = CodeDrafts::default();
    drafts.remember(&exercise, &with_code(&exercise, &knob, &applied));
    drafts.keep(&exercise.id, &knob.path, Some(&typed));
    // A reload: the address carries the applied code.
    let params = vec![(knob.path.clone(), applied.clone())];
    let mut opened = with_code(&exercise, &knob, &applied);
    let found = drafts.restore(&exercise, &params, &mut opened);
    assert_eq!(found.restored, vec![knob.path.clone()]);
    assert_eq!(opened, with_code(&exercise, &knob, &typed));
}

#[test]
fn a_link_with_other_code_wins_and_the_draft_is_shadowed_not_lost() {
    let (exercise, knob) = script_exercise();
    let mine = format!("// mine\n{}", knob.start);
    let theirs = format!("// theirs\n{}", knob.start);
    let mut drafts = CodeDrafts::default();
    drafts.remember(&exercise, &with_code(&exercise, &knob, &mine));
    let params = vec![(knob.path.clone(), theirs.clone())];
    let mut opened = with_code(&exercise, &knob, &theirs);
    let found = drafts.restore(&exercise, &params, &mut opened);
    assert!(found.restored.is_empty());
    assert_eq!(found.shadowed, vec![(knob.path.clone(), mine.clone())]);
    assert_eq!(opened, with_code(&exercise, &knob, &theirs));
    drafts.set_aside(&exercise.id, &knob.path, Some(&mine));
    assert_eq!(drafts.aside(&exercise.id, &knob.path), Some(mine.as_str()));
}

#[test]
fn a_reset_sets_the_replaced_code_aside_until_it_is_taken_back() {
    let (exercise, knob) = script_exercise();
    let mine = format!("// mine\n{}", knob.start);
    let mut drafts = CodeDrafts::default();
    drafts.remember(&exercise, &with_code(&exercise, &knob, &mine));
    drafts.set_aside(&exercise.id, &knob.path, Some(&mine));
    drafts.remember(&exercise, &exercise.start_values());
    let back = CodeDrafts::from_json(&drafts.to_json()).unwrap();
    assert_eq!(
        back.aside(&exercise.id, &knob.path),
        Some(mine.as_str()),
        "kept past a reload"
    );
    assert_eq!(back.get(&exercise.id, &knob.path), None);
    drafts.set_aside(&exercise.id, &knob.path, None);
    assert!(drafts.exercises.is_empty());
}

#[test]
fn drafts_saved_before_applied_and_aside_existed_still_read() {
    let old = r#"{"exercises":[{"id":"a","code":{"k":"fn x() {}"}}]}"#;
    assert_eq!(
        CodeDrafts::from_json(old).unwrap().get("a", "k"),
        Some("fn x() {}")
    );
}

#[test]
fn text_that_is_not_drafts_is_refused_not_read_as_empty() {
    assert!(CodeDrafts::from_json("{\"exercises\": 3}").is_err());
    assert!(CodeDrafts::from_json("not json").is_err());
    assert_eq!(CodeDrafts::from_json("").unwrap(), CodeDrafts::default());
}
