//! Starting points for a new exercise: a commented template (every part an exercise has, each
//! explained where it is) and a remix of a built-in exercise under an id of its own. The
//! authoring page's "Start from" and `queuelab new exercise` both take them from here.

/// A small, complete exercise that proves: the start misses its goal, the solution meets it.
pub const TEMPLATE: &str = r#"# A new Queue Lab exercise. Every field is described in exercises/README.md and docs/reference.md.
format_version = 1
# The id names the exercise in links and saved progress: lowercase letters, digits and dashes.
id = "my-first-exercise"
title = "Enough workers for the lunch rush"
# One of: pools, backpressure, limiters, autoscaling, steady-state, build-it.
chapter = "pools"
# One of: junior, middle, senior.
difficulty = "junior"
sources = ["my course, week 1"]
summary = "Two workers at 90 % load: find how many keep p99 under half a second."
# Charts the page shows: latency, queue, throughput, utilization, ...
watch = ["latency", "queue"]
hints = [
  "Utilisation is the arrival rate times the mean service time, divided by the workers.",
  "Waiting explodes as utilisation nears 100 %: try a few more workers and watch p99.",
]
# Markdown: the story the learner reads first.
instructions = """
The sandwich shop's order service has **2 workers**; an order takes **100 ms** on average and
**18 orders a second** arrive at lunch. Customers complain.

Add workers until **p99 latency is under 500 ms**.
"""

# The system under load, in the `queuelab run` format (each table prefixed with `scenario.`).
[scenario]
name = "lunch rush"

[scenario.run]
seed = 1
duration = "2m"
warmup = "10s"

[scenario.arrivals]
process = "poisson"
rate = 18

[scenario.service]
distribution = "exponential"
mean = "100ms"

[scenario.pool]
workers = 2

# What the learner may change: a field path of the scenario and its range.
[[knobs]]
path = "pool.workers"
label = "Workers"
min = 1
max = 8
step = 1

# Checked on every run: the start must miss one, the solution must meet all (on every seed).
[[goals]]
metric = "latency.p99"
below = "500ms"
label = "p99 latency under 500 ms"

[solution]
set = { "pool.workers" = 4 }
explanation = """
At 2 workers utilisation is 18 × 0.1 ÷ 2 = **90 %**, and the queue grows long in every burst.
At 3 workers (60 %) p99 falls near the target; **4** (45 %) meets it with room to spare.
"""
"#;

/// The text of built-in exercise `id`, remixed: a comment says where it came from and its id
/// becomes `my-ID`, so the remix keeps its own saved progress. `None` when no built-in exercise
/// has that id.
pub fn remix(id: &str) -> Option<String> {
    let text = super::catalog_files().iter().find_map(|(name, text)| {
        super::Exercise::parse(text, name)
            .ok()
            .filter(|exercise| exercise.id == id)
            .map(|_| *text)
    })?;
    let own = format!("id = {id:?}");
    let renamed = text.replacen(&own, &format!("id = \"my-{id}\""), 1);
    Some(format!(
        "# Remixed from the built-in exercise {id:?}: change anything, then prove it.\n{renamed}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_a_valid_exercise_that_proves() {
        let exercise = super::super::Exercise::parse(TEMPLATE, "template.toml")
            .unwrap_or_else(|e| panic!("{e}"));
        let verification = super::super::verify(&exercise).unwrap();
        assert!(
            verification.is_ok(),
            "{:?}",
            verification.problems(&exercise)
        );
    }

    #[test]
    fn a_remix_parses_under_its_own_id() {
        let remixed = remix("find-the-knee").expect("a built-in exercise");
        let exercise = super::super::Exercise::parse(&remixed, "remix.toml").unwrap();
        assert_eq!(exercise.id, "my-find-the-knee");
        assert!(remix("no-such-exercise").is_none());
    }
}
