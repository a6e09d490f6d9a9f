//! One integration-test binary: queueing theory, determinism, bad input, the CLI, fuzzing.

mod admission;
mod autoscaling;
mod bad_input;
mod behaviour;
mod caps;
mod cli;
mod clock_end;
mod determinism;
mod downstream;
mod exercises;
mod fuzz;
mod golden;
mod hedging;
mod hostile;
mod hostile_urls;
mod lifecycle;
mod mixed;
mod part_series;
mod parts_and_limits;
mod pipeline;
mod split_pools;
mod support;
mod theory;
mod theory_formulas;
mod thread_budget;
mod threads;
