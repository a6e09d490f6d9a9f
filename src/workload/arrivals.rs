//! Arrival streams: when the next open-loop job arrives, for any piecewise-linear rate.
//!
//! A non-homogeneous Poisson process is a unit-rate one seen through the cumulative rate
//! Λ(t) = ∫ λ: draw an Exp(1) amount of "rate mass" and find where Λ has grown by that much. Within
//! a linear segment Λ is quadratic, so the inversion is exact and costs O(1) — no thinning, no
//! rejected draws, and a constant rate is just the one-segment case. Even spacing uses mass 1.
//!
//! ```
//! use queuelab::scenario::{OpenProcess, RateSchedule, Spacing};
//! use queuelab::workload::ArrivalStream;
//! let process = OpenProcess { schedule: RateSchedule::constant(4.0), spacing: Spacing::Even };
//! let mut stream = ArrivalStream::new(&process, 1);
//! assert_eq!(stream.next_secs(), Some(0.25));
//! assert_eq!(stream.next_secs(), Some(0.5));
//! ```

use super::trace::TraceStream;
use super::Given;
use crate::rng::Rng;
use crate::scenario::{AfterSchedule, OpenProcess, RateSchedule, Spacing};
use crate::time::SimDuration;

/// An open producer's arrival instants: drawn from a rate, or replayed from a trace.
#[derive(Debug, Clone)]
pub enum ArrivalStream {
    Rate(RateStream),
    Trace(Box<TraceStream>),
}

impl ArrivalStream {
    pub fn new(process: &OpenProcess, seed: u64) -> Self {
        ArrivalStream::Rate(RateStream::new(process, seed))
    }

    /// The time of the next arrival in seconds, or `None` once there are no more.
    pub fn next_secs(&mut self) -> Option<f64> {
        match self {
            ArrivalStream::Rate(rate) => rate.next_secs(),
            ArrivalStream::Trace(trace) => trace.next_secs(),
        }
    }

    /// What the last arrival's trace row says of its job.
    pub fn given(&self) -> Given {
        let ArrivalStream::Trace(trace) = self else {
            return Given::default();
        };
        trace.current().map_or_else(Given::default, |row| Given {
            service: row.service.map(SimDuration::from_secs_f64),
            class: row.class,
            key: row.key,
        })
    }
}

/// Arrivals at a (piecewise-linear) rate.
#[derive(Debug, Clone)]
pub struct RateStream {
    schedule: RateSchedule,
    spacing: Spacing,
    rng: Rng,
    segment: usize,
    segment_start: f64,
    now: f64,
    exhausted: bool,
}

impl RateStream {
    pub fn new(process: &OpenProcess, seed: u64) -> Self {
        let schedule = process.schedule.clone();
        let exhausted = schedule.segments.is_empty()
            || (schedule.after == AfterSchedule::Repeat && schedule.long_run_rate() <= 0.0);
        RateStream {
            schedule,
            spacing: process.spacing,
            rng: Rng::new(seed),
            segment: 0,
            segment_start: 0.0,
            now: 0.0,
            exhausted,
        }
    }

    /// The time of the next arrival in seconds, or `None` once the rate is zero forever.
    pub fn next_secs(&mut self) -> Option<f64> {
        if self.exhausted {
            return None;
        }
        let mass = match self.spacing {
            Spacing::Poisson => -libm::log(self.rng.next_f64_open_zero()),
            Spacing::Even => 1.0,
        };
        let next = self.advance(mass);
        if next.is_none() {
            self.exhausted = true;
        }
        next
    }

    fn advance(&mut self, mut mass: f64) -> Option<f64> {
        loop {
            if self.segment == 0 && self.schedule.after == AfterSchedule::Repeat {
                // Skip whole cycles arithmetically: a tiny rate must not mean billions of loops.
                let cycle_mass = self.schedule.cycle_mass();
                let offset_in_cycle = self.now - self.segment_start;
                if offset_in_cycle == 0.0 && mass > cycle_mass {
                    let cycles = ((mass / cycle_mass).floor() - 1.0).max(0.0);
                    let cycle_length = self.schedule.cycle_length();
                    self.segment_start += cycles * cycle_length;
                    self.now = self.segment_start;
                    mass -= cycles * cycle_mass;
                    if !self.now.is_finite() {
                        return None;
                    }
                }
            }
            let Some(segment) = self.schedule.segments.get(self.segment).copied() else {
                match self.schedule.after {
                    AfterSchedule::Hold => {
                        let rate = self.schedule.segments.last().map_or(0.0, |s| s.to);
                        if rate <= 0.0 {
                            return None;
                        }
                        self.now += mass / rate;
                        return Some(self.now);
                    }
                    AfterSchedule::Repeat => {
                        self.segment = 0;
                        continue;
                    }
                }
            };
            let offset = self.now - self.segment_start;
            let remaining = (segment.duration_secs - offset).max(0.0);
            let slope = (segment.to - segment.from) / segment.duration_secs;
            let rate_now = segment.from + slope * offset;
            let mass_left = rate_now * remaining + slope * remaining * remaining / 2.0;
            if mass_left > 0.0 && mass <= mass_left {
                let step = if slope == 0.0 {
                    mass / rate_now
                } else {
                    let discriminant = (rate_now * rate_now + 2.0 * slope * mass).max(0.0);
                    2.0 * mass / (rate_now + libm::sqrt(discriminant))
                };
                self.now = self.segment_start + offset + step.min(remaining);
                return Some(self.now);
            }
            mass -= mass_left.max(0.0);
            self.segment_start += segment.duration_secs;
            self.now = self.segment_start;
            self.segment += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::RateSegment;

    fn count_in(stream: &mut ArrivalStream, from: f64, to: f64) -> usize {
        let mut count = 0;
        while let Some(t) = stream.next_secs() {
            if t >= to {
                break;
            }
            if t >= from {
                count += 1;
            }
        }
        count
    }

    #[test]
    fn poisson_rate_is_right() {
        let process = OpenProcess {
            schedule: RateSchedule::constant(100.0),
            spacing: Spacing::Poisson,
        };
        let count = count_in(&mut ArrivalStream::new(&process, 3), 0.0, 1000.0) as f64;
        assert!((count - 100_000.0).abs() < 1_000.0, "{count}");
    }

    #[test]
    fn ramp_delivers_the_area_under_the_rate() {
        // 100 → 2000 per second over 60 s: 63 000 expected arrivals; then hold 2000.
        let schedule = RateSchedule {
            segments: vec![RateSegment {
                duration_secs: 60.0,
                from: 100.0,
                to: 2000.0,
            }],
            after: AfterSchedule::Hold,
        };
        let process = OpenProcess {
            schedule,
            spacing: Spacing::Even,
        };
        let mut stream = ArrivalStream::new(&process, 1);
        assert!(count_in(&mut stream, 0.0, 60.0).abs_diff(63_000) <= 1);
        let mut stream = ArrivalStream::new(&process, 1);
        assert!(count_in(&mut stream, 0.0, 61.0).abs_diff(65_000) <= 1);
    }

    #[test]
    fn repeating_bursts_follow_the_on_off_pattern() {
        let schedule = RateSchedule {
            segments: vec![
                RateSegment {
                    duration_secs: 1.0,
                    from: 50.0,
                    to: 50.0,
                },
                RateSegment {
                    duration_secs: 4.0,
                    from: 0.0,
                    to: 0.0,
                },
            ],
            after: AfterSchedule::Repeat,
        };
        let process = OpenProcess {
            schedule,
            spacing: Spacing::Poisson,
        };
        let mut stream = ArrivalStream::new(&process, 8);
        let mut on = 0;
        for _ in 0..5_000 {
            let t = stream.next_secs().unwrap();
            assert!(t % 5.0 <= 1.0 + 1e-9, "arrival during the off phase at {t}");
            on += 1;
        }
        assert_eq!(on, 5_000);
    }

    #[test]
    fn a_schedule_that_ends_at_zero_runs_out() {
        let schedule = RateSchedule {
            segments: vec![RateSegment {
                duration_secs: 10.0,
                from: 10.0,
                to: 0.0,
            }],
            after: AfterSchedule::Hold,
        };
        let process = OpenProcess {
            schedule,
            spacing: Spacing::Even,
        };
        let mut stream = ArrivalStream::new(&process, 1);
        let mut count = 0;
        while stream.next_secs().is_some() {
            count += 1;
            assert!(count <= 50);
        }
        assert_eq!(count, 50);
    }
}
