//! How much work a scenario brings, averaged over its measured window: requests per second for
//! each class, and the worker-seconds each request costs the first pool — its own work, the
//! downstream call it waits on (slower during incidents), the attempts its retries add, the
//! faults chaos injects. The offered load ρ is built from these; getting them right is what
//! keeps the theory box from claiming ρ = 0.06 while five of sixteen workers are busy.

use crate::scenario::{Arrivals, ClassConfig, Config, DownstreamConfig, OpenProcess};

/// The measured window `[from, to)` in seconds from the start of the run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Window {
    pub from: f64,
    pub to: f64,
}

impl Window {
    pub fn length(self) -> f64 {
        (self.to - self.from).max(1e-12)
    }

    /// How much of the window `[from, to)` covers.
    fn overlap(self, from: f64, to: f64) -> f64 {
        (to.min(self.to) - from.max(self.from)).max(0.0) / self.length()
    }
}

/// The open-loop processes feeding each class: its own, or its share of the shared one.
fn class_processes(config: &Config) -> Vec<(Option<&OpenProcess>, f64)> {
    let shared = match &config.arrivals {
        Arrivals::Open(shared) => shared.as_ref(),
        Arrivals::Closed { .. } | Arrivals::Trace(_) => None,
    };
    let sharing: f64 = config
        .classes
        .iter()
        .filter(|class| class.arrivals.is_none())
        .map(|class| class.weight)
        .sum();
    config
        .classes
        .iter()
        .map(|class| match &class.arrivals {
            Some(own) => (Some(own), 1.0),
            None if sharing > 0.0 => (shared, class.weight / sharing),
            None => (None, 0.0),
        })
        .collect()
}

/// Expected arrivals of every open process together in `[0, t]`.
fn mass_until(config: &Config, t: f64) -> f64 {
    class_processes(config)
        .iter()
        .filter_map(|(process, share)| process.map(|p| share * p.schedule.mass_until(t)))
        .sum()
}

/// The measured window of an open-loop run: from the warm-up to the run's duration, or to the
/// time its customers have arrived (found by bisection on the expected arrivals), or to a
/// graceful shutdown, where intake and measurement stop.
pub(super) fn open_window(config: &Config) -> Window {
    let from = config.warmup.as_secs_f64();
    let to = match (config.duration, config.customers) {
        (Some(duration), _) => duration.as_secs_f64(),
        (None, Some(customers)) => {
            let target = customers as f64;
            let mut high = config.expected_horizon_secs().max(1e-3);
            while mass_until(config, high) < target && high < 1e12 {
                high *= 2.0;
            }
            let mut low = 0.0;
            for _ in 0..100 {
                let middle = (low + high) / 2.0;
                if mass_until(config, middle) < target {
                    low = middle;
                } else {
                    high = middle;
                }
            }
            high
        }
        (None, None) => config.expected_horizon_secs(),
    };
    let to = config
        .shutdown
        .map_or(to, |shutdown| shutdown.at.as_secs_f64().min(to));
    Window {
        from,
        to: to.max(from + 1e-9),
    }
}

/// Requests per second of each class over the window (open loop only).
pub(super) fn class_rates(config: &Config, window: Window) -> Vec<f64> {
    class_processes(config)
        .iter()
        .map(|(process, share)| match process {
            Some(p) => {
                share * (p.schedule.mass_until(window.to) - p.schedule.mass_until(window.from))
                    / window.length()
            }
            None => 0.0,
        })
        .collect()
}

/// A stretch of the window with the same downstream conditions.
struct Spell {
    share: f64,
    slowdown: f64,
    error_rate: f64,
}

fn spells(downstream: Option<&DownstreamConfig>, window: Window) -> Vec<Spell> {
    let Some(downstream) = downstream else {
        return vec![Spell {
            share: 1.0,
            slowdown: 1.0,
            error_rate: 0.0,
        }];
    };
    let mut spells: Vec<Spell> = downstream
        .incidents
        .iter()
        .map(|incident| Spell {
            share: window.overlap(incident.from.as_secs_f64(), incident.to.as_secs_f64()),
            slowdown: incident.slowdown,
            error_rate: incident.error_rate.unwrap_or(downstream.error_rate),
        })
        .collect();
    let troubled: f64 = spells.iter().map(|spell| spell.share).sum();
    spells.push(Spell {
        share: (1.0 - troubled).max(0.0),
        slowdown: 1.0,
        error_rate: downstream.error_rate,
    });
    spells
}

/// Attempts per request when each fails with probability `p`: 1 + p + p² + … up to the
/// attempt limit, the retries capped by the budget's tokens per request.
fn attempts(config: &Config, p: f64) -> f64 {
    let Some(retry) = config.retry else {
        return 1.0;
    };
    let n = retry.max_attempts as i32;
    let all = if p >= 1.0 {
        n as f64
    } else {
        (1.0 - p.powi(n)) / (1.0 - p)
    };
    let retries = all - 1.0;
    1.0 + retry.budget.map_or(retries, |budget| retries.min(budget))
}

/// What requests of one class cost the first pool, over the window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Cost {
    /// Attempts that reach the pool per request.
    pub attempts: f64,
    /// Worker-seconds per request, all attempts together.
    pub work: f64,
    /// The second moment of one attempt's time on a worker (for the formulas' SCV).
    pub second_moment: f64,
}

/// What a request of `class` costs the first pool over the window.
pub(super) fn class_cost(config: &Config, class: &ClassConfig, window: Window) -> Cost {
    let (own, own_moment) = (class.service.mean(), class.service.second_moment());
    let downstream = config.downstream.as_ref();
    let (call, call_moment) = downstream.map_or((0.0, 0.0), |d| {
        (d.latency.mean(), d.latency.second_moment())
    });
    // Chaos: a slow job's own work takes `slow_factor` times as long; a panicking one stops at
    // a uniformly drawn point of its time on the worker; a leak stretches everything with time.
    let (slow, panic_rate, drift) = config.chaos.map_or((1.0, 0.0, 1.0), |chaos| {
        let middle_hours = (window.from + window.to) / 2.0 / 3600.0;
        (
            1.0 + chaos.slow_rate * (chaos.slow_factor - 1.0),
            chaos.panic_rate,
            1.0 + chaos.drift_per_hour * middle_hours,
        )
    });
    let stretch = (1.0 - panic_rate / 2.0) * drift;
    // A fan-out holds the worker for the k-th fastest of its N calls, on top of the rest.
    let fanout = config
        .fanout
        .as_ref()
        .and_then(crate::fanout::expected_wait)
        .unwrap_or(0.0);
    let mut cost = Cost {
        attempts: 0.0,
        work: 0.0,
        second_moment: 0.0,
    };
    for spell in spells(downstream, window) {
        if spell.share == 0.0 {
            continue;
        }
        let fails = 1.0 - (1.0 - spell.error_rate) * (1.0 - panic_rate);
        let attempts = attempts(config, fails);
        let hold = (own * slow + call * spell.slowdown + fanout) * stretch;
        let moment = own_moment
            + 2.0 * own * call * spell.slowdown
            + call_moment * spell.slowdown * spell.slowdown;
        cost.attempts += spell.share * attempts;
        cost.work += spell.share * attempts * hold;
        cost.second_moment += spell.share * attempts * moment;
    }
    cost.second_moment /= cost.attempts.max(1e-12);
    cost
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Config {
        crate::scenario::parse(text, "t.toml").unwrap()
    }

    #[test]
    fn a_downstream_call_counts_as_held_time_and_incidents_stretch_it() {
        let c = config(
            "[run]\nduration = \"100s\"\n[arrivals]\nprocess = \"poisson\"\nrate = 10\n[service]\ndistribution = \"constant\"\nmean = \"5ms\"\n[pool]\nworkers = 2\n\
             [downstream]\nlatency = { distribution = \"constant\", mean = \"20ms\" }\nincidents = [{ from = \"50s\", to = \"75s\", slowdown = 3 }]\n",
        );
        let window = open_window(&c);
        let cost = class_cost(&c, &c.classes[0], window);
        // Three quarters of the time 25 ms, a quarter 65 ms.
        assert!((cost.work - (0.75 * 0.025 + 0.25 * 0.065)).abs() < 1e-12);
        assert_eq!(cost.attempts, 1.0);
        assert!((class_rates(&c, window)[0] - 10.0).abs() < 1e-9);
    }

    #[test]
    fn retries_of_failed_calls_add_attempts_up_to_the_budget() {
        let base = "[run]\nduration = \"10s\"\n[arrivals]\nprocess = \"poisson\"\nrate = 10\n[service]\ndistribution = \"exponential\"\nmean = \"5ms\"\n[pool]\nworkers = 2\n\
             [downstream]\nlatency = { distribution = \"constant\", mean = \"20ms\" }\nerror_rate = 0.5\n[retry]\nmax_attempts = 3\n";
        let c = config(base);
        let cost = class_cost(&c, &c.classes[0], open_window(&c));
        assert!((cost.attempts - 1.75).abs() < 1e-12, "{cost:?}");
        let c = config(&format!("{base}budget = 0.2\n"));
        let cost = class_cost(&c, &c.classes[0], open_window(&c));
        assert!((cost.attempts - 1.2).abs() < 1e-12, "{cost:?}");
    }

    #[test]
    fn a_customer_limited_run_ends_when_its_customers_have_arrived() {
        let c = config(
            "[run]\ncustomers = 1000\nwarmup = \"10s\"\n[arrivals]\nprocess = \"poisson\"\nrate = 4\n[service]\ndistribution = \"exponential\"\nmean = \"0.1s\"\n[pool]\nworkers = 1\n",
        );
        let window = open_window(&c);
        assert!((window.to - 250.0).abs() < 1e-6, "{window:?}");
        assert!((window.from - 10.0).abs() < 1e-12);
    }
}
