//! The checked form of how work arrives: an open process (Poisson, evenly spaced, a rate
//! schedule with ramps, bursts) or closed-loop clients, and the rate schedule's arithmetic the
//! workload generator and the expected-run-length estimate share; or a trace replayed from a file.

use crate::data::trace::TraceSpec;
use crate::data::DataFiles;
use crate::dist::Distribution;
use std::fmt;
use std::sync::Arc;

/// How jobs are generated.
#[derive(Debug, Clone, PartialEq)]
pub enum Arrivals {
    /// Open loop: arrivals come at their own pace whatever the system does.
    /// `None` when every class brings its own arrivals.
    Open(Option<OpenProcess>),
    /// Closed loop: `clients` users, each waiting for its response and thinking before the next request.
    Closed { clients: usize, think: Distribution },
    /// Replayed from a file of arrival instants (`process = "trace"`).
    Trace(Box<TraceArrivals>),
}

/// A trace to replay: where it is, how to read it, and what its validation pass learnt.
#[derive(Clone)]
pub struct TraceArrivals {
    /// Where the file is read from (again, for every run and every loop).
    pub files: Arc<dyn DataFiles>,
    /// The file as written in the scenario, and as resolved (for messages).
    pub file: String,
    pub origin: String,
    pub spec: TraceSpec,
    /// Subtracted from every instant as written (seconds): `start`, plus the first row's
    /// instant for absolute timestamps. Rows before it are skipped.
    pub base_secs: f64,
    /// Replay speed: 2 replays twice as fast (gaps halved).
    pub scale: f64,
    /// After the last row, start again from the first replayed one.
    pub looped: bool,
    /// Rows in the file, and those at or after the start.
    pub rows: u64,
    pub replayed: u64,
    /// Length of one pass in trace seconds (before `scale`): the span from the first replayed
    /// row to the last, plus one mean gap, so a loop keeps the trace's rate.
    pub period_secs: f64,
    /// The first replayed row's instant after `base_secs`.
    pub first_secs: f64,
}

impl TraceArrivals {
    /// The mean arrival rate of a pass, per scenario second.
    pub fn mean_rate(&self) -> f64 {
        self.replayed as f64 * self.scale / self.period_secs.max(1e-9)
    }
}

impl fmt::Debug for TraceArrivals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TraceArrivals({}, {} rows, scale {}, loop {})",
            self.origin, self.replayed, self.scale, self.looped
        )
    }
}

impl PartialEq for TraceArrivals {
    /// The same file read the same way (where it is read from is not compared).
    fn eq(&self, other: &Self) -> bool {
        self.origin == other.origin
            && self.spec == other.spec
            && self.base_secs == other.base_secs
            && self.scale == other.scale
            && self.looped == other.looped
            && self.rows == other.rows
    }
}

/// An open-loop arrival process: a (possibly time-varying) rate and how arrivals are spaced.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenProcess {
    pub schedule: RateSchedule,
    pub spacing: Spacing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spacing {
    /// Exponential gaps (a Poisson process, non-homogeneous when the rate varies).
    Poisson,
    /// Evenly spaced arrivals (deterministic gaps of 1/rate).
    Even,
}

/// A piecewise-linear arrival rate in jobs per second.
#[derive(Debug, Clone, PartialEq)]
pub struct RateSchedule {
    pub segments: Vec<RateSegment>,
    pub after: AfterSchedule,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateSegment {
    pub duration_secs: f64,
    pub from: f64,
    pub to: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterSchedule {
    /// Keep the last segment's final rate forever.
    Hold,
    /// Start over from the first segment.
    Repeat,
}

impl RateSchedule {
    /// A constant rate forever.
    pub fn constant(rate: f64) -> Self {
        RateSchedule {
            segments: vec![RateSegment {
                duration_secs: 1.0,
                from: rate,
                to: rate,
            }],
            after: AfterSchedule::Hold,
        }
    }

    /// Expected number of arrivals in [0, horizon_secs].
    pub fn mass_until(&self, horizon_secs: f64) -> f64 {
        let length = self.cycle_length();
        let (full_cycles, rest) = match self.after {
            AfterSchedule::Repeat if length > 0.0 => {
                let cycles = (horizon_secs / length).floor();
                (cycles, horizon_secs - cycles * length)
            }
            _ => (0.0, horizon_secs),
        };
        let mut mass = full_cycles * self.cycle_mass();
        let mut t = 0.0;
        for segment in &self.segments {
            let span = segment.duration_secs.min(rest - t);
            if span <= 0.0 {
                break;
            }
            let slope = (segment.to - segment.from) / segment.duration_secs;
            mass += segment.from * span + slope * span * span / 2.0;
            t += segment.duration_secs;
        }
        if self.after == AfterSchedule::Hold && rest > length {
            mass += self.segments.last().map_or(0.0, |s| s.to) * (rest - length);
        }
        mass
    }

    /// Total length of one pass through the segments, in seconds.
    pub fn cycle_length(&self) -> f64 {
        self.segments.iter().map(|s| s.duration_secs).sum()
    }

    /// Expected arrivals in one pass through the segments.
    pub fn cycle_mass(&self) -> f64 {
        self.segments
            .iter()
            .map(|s| (s.from + s.to) / 2.0 * s.duration_secs)
            .sum()
    }

    /// The rate at the end of time: what a long run converges to (for `Hold`), or the cycle
    /// average (for `Repeat`).
    pub fn long_run_rate(&self) -> f64 {
        match self.after {
            AfterSchedule::Hold => self.segments.last().map_or(0.0, |s| s.to),
            AfterSchedule::Repeat => self.cycle_mass() / self.cycle_length(),
        }
    }

    /// The highest rate anywhere in the schedule.
    pub fn peak_rate(&self) -> f64 {
        self.segments
            .iter()
            .map(|s| s.from.max(s.to))
            .fold(0.0, f64::max)
    }
}
