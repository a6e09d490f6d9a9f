//! Waiting by priority: the mean wait of each class when the queue serves the highest priority
//! first and never interrupts a job in service (the `priority` discipline), by Cobham's formula.
//!
//! With one worker any service-time distribution will do (M/G/1, non-preemptive priority):
//! `Wq_k = W0 / ((1 − σ_above)(1 − σ_through))`, where `W0 = Σ λ_j E[S_j²] / 2` is the work
//! left by the job in service, `σ_above` the load of the classes served before class k and
//! `σ_through` that plus its own level's. With several workers the same shape holds when every
//! class's service is exponential with one mean (M/M/c): `W0` becomes Erlang C's `C(c, a) / (cμ)`.
//! Classes of equal priority share a level and wait alike (first come, first served among them).
//! Averaged over the classes, the waits are Erlang C's: priority moves waiting around, it does
//! not remove it.

use super::caveat::Caveat;
use super::load::{class_cost, class_rates, open_window};
use crate::scenario::{Config, Discipline};

/// The closed form a priority prediction comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriorityModel {
    /// One worker, any service distributions (Cobham, 1954).
    Mg1,
    /// Several workers, every class exponential with the same mean.
    Mmc,
}

impl PriorityModel {
    pub fn label(self) -> &'static str {
        match self {
            PriorityModel::Mg1 => "M/G/1 with non-preemptive priorities (Cobham)",
            PriorityModel::Mmc => "M/M/c with non-preemptive priorities (Cobham)",
        }
    }
}

/// One class's predicted waiting, in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassWait {
    pub class: String,
    pub priority: u8,
    pub wait_mean: f64,
    pub latency_mean: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PriorityPrediction {
    pub model: PriorityModel,
    /// In the scenario's class order.
    pub classes: Vec<ClassWait>,
}

/// One class as the formula sees it: priority, arrivals per second, E[S], E[S²].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriorityClass {
    pub priority: u8,
    pub rate: f64,
    pub mean: f64,
    pub second_moment: f64,
}

/// Cobham's waits for `classes` on `workers` workers; `None` when the load reaches the workers
/// (no steady state) or the inputs mean nothing. For several workers the caller must make sure
/// every class is exponential with one mean.
pub fn cobham(workers: u32, classes: &[PriorityClass]) -> Option<Vec<f64>> {
    let c = workers as f64;
    let lambda: f64 = classes.iter().map(|k| k.rate).sum();
    let load = |k: &PriorityClass| k.rate * k.mean / c;
    let total: f64 = classes.iter().map(load).sum();
    if workers == 0 || lambda <= 0.0 || total.is_nan() || total >= 1.0 {
        return None;
    }
    let residual = if workers == 1 {
        classes
            .iter()
            .map(|k| k.rate * k.second_moment)
            .sum::<f64>()
            / 2.0
    } else {
        let mean = classes[0].mean;
        super::erlang_c(workers, lambda * mean) / (c / mean)
    };
    Some(
        classes
            .iter()
            .map(|own| {
                let above: f64 = classes
                    .iter()
                    .filter(|k| k.priority > own.priority)
                    .map(load)
                    .sum();
                let through = above
                    + classes
                        .iter()
                        .filter(|k| k.priority == own.priority)
                        .map(load)
                        .sum::<f64>();
                residual / ((1.0 - above) * (1.0 - through))
            })
            .collect(),
    )
}

/// The prediction for a scenario whose only departure from the textbook is the priority
/// discipline; `None` otherwise (the theory box then lists what breaks the formulas).
pub fn predict(config: &Config, caveats: &[Caveat]) -> Option<PriorityPrediction> {
    let only_priority = caveats == [Caveat::Discipline("by priority")];
    let single_pool = config.stages.is_empty() && config.lanes().names.len() == 1;
    if config.queue.discipline != Discipline::Priority
        || !only_priority
        || !single_pool
        || config.queue.capacity.is_some()
    {
        return None;
    }
    let window = open_window(config);
    let rates = class_rates(config, window);
    let classes: Vec<PriorityClass> = config
        .classes
        .iter()
        .zip(&rates)
        .map(|(class, &rate)| {
            let cost = class_cost(config, class, window);
            PriorityClass {
                priority: class.priority,
                rate: rate * cost.attempts,
                mean: cost.work / cost.attempts.max(1e-300),
                second_moment: cost.second_moment,
            }
        })
        .collect();
    let workers = config.workers as u32;
    let model = if workers == 1 {
        PriorityModel::Mg1
    } else {
        let mean = classes.first()?.mean;
        let exponential = config
            .classes
            .iter()
            .zip(&classes)
            .all(|(class, k)| (class.service.scv() - 1.0).abs() < 1e-9 && k.mean == mean);
        if !exponential {
            return None;
        }
        PriorityModel::Mmc
    };
    let waits = cobham(workers, &classes)?;
    Some(PriorityPrediction {
        model,
        classes: config
            .classes
            .iter()
            .zip(classes.iter().zip(waits))
            .map(|(class, (k, wait))| ClassWait {
                class: class.name.clone(),
                priority: k.priority,
                wait_mean: wait,
                latency_mean: wait + k.mean,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(priority: u8, rate: f64, mean: f64, scv: f64) -> PriorityClass {
        PriorityClass {
            priority,
            rate,
            mean,
            second_moment: mean * mean * (1.0 + scv),
        }
    }

    #[test]
    fn two_classes_on_one_worker_split_the_fifo_wait() {
        // M/M/1 at ρ = 0.8: FIFO waits 4 s. W0 = 0.8, so the urgent class waits 0.8 / 0.6 and
        // the other 0.8 / (0.6 · 0.2); their average is FIFO's 4 s (the conservation law).
        let waits = cobham(1, &[class(1, 0.4, 1.0, 1.0), class(0, 0.4, 1.0, 1.0)]).unwrap();
        assert!((waits[0] - 0.8 / 0.6).abs() < 1e-12, "{waits:?}");
        assert!((waits[1] - 0.8 / 0.12).abs() < 1e-12, "{waits:?}");
        assert!(((waits[0] + waits[1]) / 2.0 - 4.0).abs() < 1e-12);
    }

    #[test]
    fn equal_priorities_wait_as_fifo_and_several_workers_follow_erlang_c() {
        let fifo = super::super::Prediction::mmc(3, 2.4, 1.0)
            .unwrap()
            .wait_mean;
        let waits = cobham(3, &[class(0, 1.2, 1.0, 1.0), class(0, 1.2, 1.0, 1.0)]).unwrap();
        assert!((waits[0] - fifo).abs() < 1e-12 && (waits[1] - fifo).abs() < 1e-12);
        let split = cobham(3, &[class(2, 1.2, 1.0, 1.0), class(1, 1.2, 1.0, 1.0)]).unwrap();
        assert!(split[0] < fifo && split[1] > fifo);
        assert!(
            ((split[0] + split[1]) / 2.0 - fifo).abs() < 1e-12,
            "conservation"
        );
    }

    #[test]
    fn no_steady_state_no_numbers() {
        assert_eq!(
            cobham(1, &[class(1, 0.6, 1.0, 1.0), class(0, 0.4, 1.0, 1.0)]),
            None
        );
        assert_eq!(cobham(0, &[class(1, 0.1, 1.0, 1.0)]), None);
        assert_eq!(cobham(1, &[]), None);
    }
}
