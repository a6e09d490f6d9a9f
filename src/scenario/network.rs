//! The network a scenario's stations form: the pool (station 0) and the later stages (station
//! i + 1 is `stages[i]`), joined by routes. Without `routes` it is a line — each station sends its
//! items to the next and the last answers — so every pipeline is a network with one path.
//!
//! A route is chosen per item and hop from a stream of the request's own
//! ([`crate::workload::routing::next_station`]), so both runtimes send each item the same way.
//! Visit ratios (how often an item passes each station, on average) solve the traffic equations
//! v = e₀ + v·P; they size the run's work budget and are what Jackson's theorem builds on.

use super::config::{Config, Next, Route};

impl Config {
    /// Where items leaving station `position` (0: the pool, i + 1: `stages[i]`) go, by share.
    pub fn routes_after(&self, position: usize) -> &[Route] {
        if position == 0 {
            &self.pool_routes
        } else {
            &self.stages[position - 1].routes
        }
    }

    /// Where station `position`'s items go when it has no `routes`: on down the line.
    pub fn default_next(&self, position: usize) -> Next {
        if position < self.stages.len() {
            Next::Stage(position)
        } else {
            Next::Exit
        }
    }
}

/// A station from which items can never leave the system: they would loop for ever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trapped {
    /// The station (0: the pool, i + 1: `stages[i]`).
    pub position: usize,
}

/// Each station's routing table as (to, share) over stations 0..=n, exit as n + 1.
fn transitions(routes: &[Vec<Route>]) -> Vec<Vec<(usize, f64)>> {
    let stations = routes.len();
    routes
        .iter()
        .enumerate()
        .map(|(position, table)| {
            let to_index = |next: Next| match next {
                Next::Stage(i) => i + 1,
                Next::Exit => stations,
            };
            if table.is_empty() {
                let next = if position + 1 < stations {
                    position + 1
                } else {
                    stations
                };
                vec![(next, 1.0)]
            } else {
                table
                    .iter()
                    .map(|route| (to_index(route.to), route.share))
                    .collect()
            }
        })
        .collect()
}

/// How many times an item passes each station on average (the pool's is 1), given each
/// station's routes (`routes[0]` the pool's, `routes[i + 1]` stage i's; empty: the next in line).
/// Refused when an item can reach a station from which no path leads out.
pub fn visit_ratios(routes: &[Vec<Route>]) -> Result<Vec<f64>, Trapped> {
    let stations = routes.len();
    let edges = transitions(routes);
    // Stations from which the exit can be reached, found backwards from it.
    let mut leaves = vec![false; stations + 1];
    leaves[stations] = true;
    let mut changed = true;
    while changed {
        changed = false;
        for (from, out) in edges.iter().enumerate() {
            if !leaves[from] && out.iter().any(|&(to, share)| share > 0.0 && leaves[to]) {
                leaves[from] = true;
                changed = true;
            }
        }
    }
    let mut reached = vec![false; stations];
    let mut stack = vec![0];
    while let Some(station) = stack.pop() {
        if std::mem::replace(&mut reached[station], true) {
            continue;
        }
        stack.extend(
            edges[station]
                .iter()
                .filter(|&&(to, share)| share > 0.0 && to < stations)
                .map(|&(to, _)| to),
        );
    }
    // A trap is named by its first later stage: the routes to mend are there.
    let trapped = (0..stations).filter(|&station| reached[station] && !leaves[station]);
    if let Some(position) = trapped
        .clone()
        .find(|&station| station > 0)
        .or(trapped.min())
    {
        return Err(Trapped { position });
    }
    // (I − Pᵀ) v = e₀ over the stations items reach (the others see none), by Gauss–Jordan
    // elimination with partial pivoting (at most 65 stations).
    let index: Vec<Option<usize>> = reached
        .iter()
        .scan(0, |next, &reached| {
            Some(reached.then(|| {
                *next += 1;
                *next - 1
            }))
        })
        .collect();
    let size = index.iter().flatten().count();
    let mut matrix = vec![vec![0.0; size + 1]; size];
    for (row, line) in matrix.iter_mut().enumerate() {
        line[row] = 1.0;
    }
    matrix[0][size] = 1.0;
    for (from, out) in edges.iter().enumerate() {
        let Some(from) = index[from] else { continue };
        for &(to, share) in out {
            if let Some(to) = index.get(to).copied().flatten() {
                matrix[to][from] -= share;
            }
        }
    }
    for column in 0..size {
        let pivot = (column..size)
            .max_by(|&a, &b| matrix[a][column].abs().total_cmp(&matrix[b][column].abs()))
            .unwrap_or(column);
        matrix.swap(column, pivot);
        let lead = matrix[column][column];
        if lead.abs() < 1e-12 {
            let position = index.iter().position(|&i| i == Some(column)).unwrap_or(0);
            return Err(Trapped { position });
        }
        let pivot_row = matrix[column].clone();
        for (row, line) in matrix.iter_mut().enumerate() {
            let factor = line[column] / lead;
            if row != column && factor != 0.0 {
                for (cell, pivot) in line[column..].iter_mut().zip(&pivot_row[column..]) {
                    *cell -= factor * pivot;
                }
            }
        }
    }
    Ok(index
        .iter()
        .map(|row| row.map_or(0.0, |row| (matrix[row][size] / matrix[row][row]).max(0.0)))
        .collect())
}

impl Config {
    /// The visit ratio of each station (see [`visit_ratios`]); validation has already refused
    /// networks that trap items, so this cannot fail for a checked scenario.
    pub fn visit_ratios(&self) -> Vec<f64> {
        let routes: Vec<Vec<Route>> = std::iter::once(self.pool_routes.clone())
            .chain(self.stages.iter().map(|stage| stage.routes.clone()))
            .collect();
        visit_ratios(&routes).unwrap_or_else(|_| vec![1.0; routes.len()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(to: Next, share: f64) -> Route {
        Route { to, share }
    }

    #[test]
    fn a_line_visits_each_station_once() {
        assert_eq!(visit_ratios(&[vec![], vec![], vec![]]), Ok(vec![1.0; 3]));
    }

    #[test]
    fn feedback_multiplies_visits_geometrically() {
        // Stage 0 sends 20 % of its items back to itself: 1 / (1 − 0.2) = 1.25 visits.
        let ratios = visit_ratios(&[
            vec![],
            vec![route(Next::Stage(0), 0.2), route(Next::Exit, 0.8)],
        ])
        .unwrap();
        assert!((ratios[1] - 1.25).abs() < 1e-12, "{ratios:?}");
    }

    #[test]
    fn a_split_shares_the_visits() {
        // The pool sends 30 % to stage 0 and 70 % to stage 1; stage 0 goes on to stage 1.
        let ratios = visit_ratios(&[
            vec![route(Next::Stage(0), 0.3), route(Next::Stage(1), 0.7)],
            vec![],
            vec![],
        ])
        .unwrap();
        assert!((ratios[1] - 0.3).abs() < 1e-12);
        assert!((ratios[2] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_loop_with_no_way_out_is_refused() {
        // Stage 0 → stage 1 → stage 0, never out.
        let trapped = visit_ratios(&[
            vec![],
            vec![route(Next::Stage(1), 1.0)],
            vec![route(Next::Stage(0), 1.0)],
        ]);
        assert_eq!(trapped, Err(Trapped { position: 1 }));
        // An unreachable trap is harmless: no item ever gets there.
        let fine = visit_ratios(&[
            vec![route(Next::Exit, 1.0)],
            vec![route(Next::Stage(0), 1.0)],
        ]);
        assert_eq!(fine, Ok(vec![1.0, 0.0]));
    }
}
