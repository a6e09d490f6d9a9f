//! The exercise file as written (serde, unknown fields refused). See `exercises/README.md`.

use crate::scenario::raw::RawScenario;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExercise {
    pub format_version: Option<i64>,
    pub id: Option<String>,
    pub title: Option<String>,
    pub chapter: Option<String>,
    pub difficulty: Option<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    pub summary: Option<String>,
    pub instructions: Option<String>,
    pub scenario: Option<RawScenario>,
    #[serde(default)]
    pub knobs: Vec<RawKnob>,
    #[serde(default)]
    pub goals: Vec<RawGoal>,
    pub par: Option<RawPar>,
    #[serde(default)]
    pub hints: Vec<String>,
    pub solution: Option<RawSolution>,
    /// Seeds the checker (and the "new seed" button's first values) use; default: the scenario's
    /// seed and the next two.
    pub seeds: Option<Vec<u64>>,
    /// Which charts matter most here, in order: latency, queue, throughput, pool, drops.
    #[serde(default)]
    pub watch: Vec<String>,
    #[serde(default)]
    pub questions: Vec<RawQuestion>,
}

/// A question with choices, answered by reading the run (or the validation error).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    pub ask: Option<String>,
    #[serde(default)]
    pub choices: Vec<String>,
    pub answer: Option<i64>,
    pub explanation: Option<String>,
    #[serde(default)]
    pub proof: Vec<RawProof>,
}

/// What the checker confirms on the scenario for a question's answer to stand.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProof {
    #[serde(default)]
    pub set: BTreeMap<String, toml::Value>,
    pub refused: Option<String>,
    #[serde(default)]
    pub goals: Vec<RawGoal>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKnob {
    pub path: Option<String>,
    pub label: Option<String>,
    pub choices: Option<Vec<toml::Value>>,
    pub min: Option<toml::Value>,
    pub max: Option<toml::Value>,
    pub step: Option<toml::Value>,
    pub unit: Option<String>,
    pub help: Option<String>,
    /// `"script"`: the knob is the code of a policy script, edited in a code editor.
    pub editor: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGoal {
    pub metric: Option<String>,
    pub below: Option<toml::Value>,
    pub above: Option<toml::Value>,
    pub at_most: Option<toml::Value>,
    pub at_least: Option<toml::Value>,
    pub label: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPar {
    pub path: Option<String>,
    pub value: Option<toml::Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSolution {
    #[serde(default)]
    pub set: BTreeMap<String, toml::Value>,
    pub explanation: Option<String>,
}
