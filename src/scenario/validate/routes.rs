//! Validation of routing (`pool.routes`, `stages[].routes`): each branch names a later stage or
//! `"exit"` with a share, the shares of a station sum to 1, and no item can be trapped in a loop
//! with no way out.

use super::Checker;
use crate::scenario::config::{Next, Route, StageConfig, FRONT_STAGE};
use crate::scenario::network::visit_ratios;
use crate::scenario::raw::RawRoute;

/// The exit's name in `to`.
pub const EXIT: &str = "exit";

/// Checks one station's `routes` (at `path`) against the stages there are.
pub(super) fn routes(
    c: &mut Checker,
    path: &str,
    raw: Option<&Vec<RawRoute>>,
    stages: &[StageConfig],
) -> Vec<Route> {
    let Some(raw) = raw else {
        return Vec::new();
    };
    if raw.is_empty() {
        c.error(
            path,
            "lists no route: give at least one { to = \"STAGE\" or \"exit\", share = … }, or remove it",
        );
        return Vec::new();
    }
    if raw.len() > stages.len() + 1 {
        c.error(
            path,
            format!(
                "{} routes, more than the {} places an item can go (each stage and \"exit\")",
                raw.len(),
                stages.len() + 1
            ),
        );
        return Vec::new();
    }
    let mut routes: Vec<Route> = Vec::new();
    let mut total = 0.0;
    for (i, route) in raw.iter().enumerate() {
        let here = |field: &str| format!("{path}[{i}].{field}");
        let to = match route.to.as_deref() {
            None => {
                c.error(&here("to"), "is required: a stage's name or \"exit\"");
                None
            }
            Some(EXIT) => Some(Next::Exit),
            Some(FRONT_STAGE) => {
                c.error(&here("to"), format!("routing back to \"{FRONT_STAGE}\" (the first pool, with its admission and overflow policies) is not supported; route to a later stage or \"exit\""));
                None
            }
            Some(name) => match stages.iter().position(|stage| stage.name == name) {
                Some(stage) => Some(Next::Stage(stage)),
                None => {
                    let known: Vec<String> = stages
                        .iter()
                        .map(|stage| format!("{:?}", stage.name))
                        .chain([format!("{EXIT:?}")])
                        .collect();
                    c.error_of(
                        crate::scenario::ErrorKind::UnknownChoice,
                        &here("to"),
                        format!(
                            "no stage is named {name:?} (it may be one of: {})",
                            known.join(", ")
                        ),
                    );
                    None
                }
            },
        };
        let share = match route.share {
            Some(share) if share > 0.0 && share <= 1.0 => Some(share),
            Some(share) => {
                c.error(
                    &here("share"),
                    format!("must be a share above 0 and at most 1, got {share}"),
                );
                None
            }
            None => {
                c.error(
                    &here("share"),
                    "is required: the fraction of items sent there",
                );
                None
            }
        };
        if let (Some(to), Some(share)) = (to, share) {
            if routes.iter().any(|earlier| earlier.to == to) {
                c.error(&here("to"), "goes where an earlier route already goes: give it one route with the shares added");
                continue;
            }
            total += share;
            routes.push(Route { to, share });
        }
    }
    if routes.len() == raw.len() && (total - 1.0).abs() > 1e-9 {
        c.error(
            path,
            format!("the shares must add up to 1, they add up to {total}"),
        );
    }
    routes
}

/// Refuses a network in which an item can reach a station it can never leave, and returns each
/// station's visit ratio (the pool's is 1).
pub(super) fn check_network(
    c: &mut Checker,
    pool_routes: &[Route],
    stages: &[StageConfig],
) -> Option<Vec<f64>> {
    let routes: Vec<Vec<Route>> = std::iter::once(pool_routes.to_vec())
        .chain(stages.iter().map(|stage| stage.routes.clone()))
        .collect();
    match visit_ratios(&routes) {
        Ok(ratios) => Some(ratios),
        Err(trapped) => {
            let (path, name) = match trapped.position {
                0 => ("pool.routes".to_string(), FRONT_STAGE.to_string()),
                i => (
                    format!("stages[{}].routes", i - 1),
                    stages[i - 1].name.clone(),
                ),
            };
            c.error(&path, format!("items that reach {name:?} can never leave: no chain of routes from it leads to \"exit\", so they would loop for ever"));
            None
        }
    }
}
