//! Fair queuing across classes: smooth weighted round-robin (nginx's algorithm), so each class
//! is served in proportion to its weight and none is starved. The simulator's queue and the real
//! threads' per-class channels pick the next class with it.

#[derive(Debug)]
pub struct Fair {
    weights: Vec<f64>,
    current: Vec<f64>,
}

impl Fair {
    /// Weighted round-robin over levels with these weights (a zero weight still gets a turn
    /// now and then, never starved).
    pub fn new(weights: Vec<f64>) -> Self {
        let weights: Vec<f64> = weights
            .into_iter()
            .map(|w| if w > 0.0 { w } else { 1e-9 })
            .collect();
        Fair {
            current: vec![0.0; weights.len()],
            weights,
        }
    }

    /// Picks the next non-empty level: each gains its weight, the richest is served and pays the
    /// total. Over time each level is served in proportion to its weight, never starved.
    pub fn pick(&mut self, non_empty: &[bool]) -> Option<usize> {
        let total: f64 = self
            .weights
            .iter()
            .zip(non_empty)
            .filter(|(_, &n)| n)
            .map(|(w, _)| w)
            .sum();
        let mut best: Option<usize> = None;
        for (level, _) in non_empty.iter().enumerate().filter(|(_, &n)| n) {
            self.current[level] += self.weights[level];
            if best.is_none_or(|b| self.current[level] > self.current[b]) {
                best = Some(level);
            }
        }
        if let Some(level) = best {
            self.current[level] -= total;
        }
        best
    }
}
