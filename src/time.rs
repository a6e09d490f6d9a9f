//! Simulated time as integer nanoseconds.
//!
//! Floating-point clocks drift: adding 0.1 s a million times does not land on 100 000 s, and the
//! error differs between optimisation levels. Integer nanoseconds make event order exact and
//! reproducible on every platform, and still cover 584 years of simulated time.
//!
//! ```
//! use queuelab::time::{SimDuration, SimTime};
//! let d: SimDuration = "1m30s".parse().unwrap();
//! assert_eq!(d.as_secs_f64(), 90.0);
//! assert_eq!(SimTime::ZERO + d, SimTime::from_nanos(90_000_000_000));
//! assert_eq!(d.to_string(), "1m30s");
//! ```

use std::fmt;
use std::ops::{Add, AddAssign, Sub};
use std::str::FromStr;

/// A point on the simulated clock, in nanoseconds since the start of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(u64);

/// A span of simulated time, in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimDuration(u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);
    pub const MAX: SimTime = SimTime(u64::MAX);

    pub const fn from_nanos(nanos: u64) -> Self {
        SimTime(nanos)
    }
    pub const fn as_nanos(self) -> u64 {
        self.0
    }
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e9
    }
    /// Time elapsed since `earlier`, or zero if `earlier` is later.
    pub fn saturating_since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    pub const ZERO: SimDuration = SimDuration(0);
    pub const MAX: SimDuration = SimDuration(u64::MAX);

    pub const fn from_nanos(nanos: u64) -> Self {
        SimDuration(nanos)
    }
    pub const fn from_micros(micros: u64) -> Self {
        SimDuration(micros * 1_000)
    }
    pub const fn from_millis(millis: u64) -> Self {
        SimDuration(millis * 1_000_000)
    }
    pub const fn from_secs(secs: u64) -> Self {
        SimDuration(secs * 1_000_000_000)
    }
    /// Converts seconds to a duration, rounding to the nearest nanosecond and saturating
    /// (negative and NaN become zero, huge values become [`SimDuration::MAX`]).
    pub fn from_secs_f64(secs: f64) -> Self {
        let nanos = secs * 1e9;
        if nanos.is_nan() || nanos <= 0.0 {
            SimDuration(0)
        } else if nanos >= u64::MAX as f64 {
            SimDuration::MAX
        } else {
            SimDuration((nanos + 0.5) as u64)
        }
    }
    pub const fn as_nanos(self) -> u64 {
        self.0
    }
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e9
    }
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }
    pub fn saturating_mul(self, factor: u64) -> Self {
        SimDuration(self.0.saturating_mul(factor))
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, rhs: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, rhs: SimDuration) {
        *self = *self + rhs;
    }
}

impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    /// Saturating: a later time minus an earlier one; zero when reversed.
    fn sub(self, rhs: SimTime) -> SimDuration {
        self.saturating_since(rhs)
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(rhs.0))
    }
}

/// Why a duration string did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDurationError(String);

impl fmt::Display for ParseDurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseDurationError {}

const UNITS: &[(&str, f64)] = &[
    ("ns", 1.0),
    ("us", 1e3),
    ("µs", 1e3),
    ("ms", 1e6),
    ("s", 1e9),
    ("min", 60e9),
    ("m", 60e9),
    ("h", 3600e9),
];

impl FromStr for SimDuration {
    type Err = ParseDurationError;

    /// Parses Go-style durations: `"250ms"`, `"5s"`, `"1.5s"`, `"1m30s"`, `"2h"`, `"0"`.
    /// Units: ns, us (µs), ms, s, m (min), h.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = |why: &str| {
            ParseDurationError(format!(
                "invalid duration {text:?}: {why} (expected a number with a unit, like \"250ms\", \"5s\", \"1m30s\"; units ns, us, ms, s, m, h)"
            ))
        };
        let trimmed = text.trim();
        if trimmed == "0" {
            return Ok(SimDuration::ZERO);
        }
        if trimmed.is_empty() {
            return Err(err("it is empty"));
        }
        if trimmed.starts_with('-') {
            return Err(err("durations cannot be negative"));
        }
        let mut rest = trimmed;
        let mut total_nanos = 0.0_f64;
        while !rest.is_empty() {
            let number_len = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            if number_len == 0 {
                return Err(err("a unit must follow a number"));
            }
            let number: f64 = rest[..number_len]
                .parse()
                .map_err(|_| err("the number is malformed"))?;
            rest = &rest[number_len..];
            let (unit, scale) = UNITS
                .iter()
                .find(|(unit, _)| {
                    rest.starts_with(unit)
                        && !rest[unit.len()..].starts_with(|c: char| c.is_alphabetic())
                })
                .ok_or_else(|| err("missing or unknown unit"))?;
            rest = &rest[unit.len()..];
            total_nanos += number * scale;
        }
        if !total_nanos.is_finite() || total_nanos >= u64::MAX as f64 {
            return Err(err("it is too long"));
        }
        if total_nanos > 0.0 && total_nanos < 0.5 {
            return Err(ParseDurationError(format!(
                "invalid duration {text:?}: it is shorter than 1ns, the clock's resolution, and would become 0 (write \"0\" for none, or at least \"1ns\")"
            )));
        }
        Ok(SimDuration::from_secs_f64(total_nanos / 1e9))
    }
}

impl fmt::Display for SimDuration {
    /// Formats in the largest units that keep it exact for round numbers: `1m30s`, `250ms`, `1.5s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nanos = self.0;
        if nanos == 0 {
            return f.write_str("0s");
        }
        const S: u64 = 1_000_000_000;
        if nanos.is_multiple_of(S) {
            let secs = nanos / S;
            let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
            if h > 0 {
                write!(f, "{h}h")?;
            }
            if m > 0 {
                write!(f, "{m}m")?;
            }
            if s > 0 {
                write!(f, "{s}s")?;
            }
            return Ok(());
        }
        let (value, unit) = if nanos >= S {
            (nanos as f64 / 1e9, "s")
        } else if nanos >= 1_000_000 {
            (nanos as f64 / 1e6, "ms")
        } else if nanos >= 1_000 {
            (nanos as f64 / 1e3, "us")
        } else {
            (nanos as f64, "ns")
        };
        write!(f, "{}{unit}", trim_float(value))
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={}", SimDuration(self.0))
    }
}

fn trim_float(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_go_style_durations() {
        let cases = [
            ("250ms", 250_000_000),
            ("5s", 5_000_000_000),
            ("1.5s", 1_500_000_000),
            ("1m30s", 90_000_000_000),
            ("2h", 7_200_000_000_000),
            ("10us", 10_000),
            ("10µs", 10_000),
            ("3min", 180_000_000_000),
            ("0", 0),
            ("7ns", 7),
        ];
        for (text, nanos) in cases {
            assert_eq!(
                text.parse::<SimDuration>().unwrap().as_nanos(),
                nanos,
                "{text}"
            );
        }
    }

    #[test]
    fn parse_rejects_malformed_durations_with_a_hint() {
        for bad in [
            "",
            "5",
            "ms",
            "-1s",
            "5 parsecs",
            "1.2.3s",
            "5sec",
            "1e400s",
        ] {
            let err = bad.parse::<SimDuration>().unwrap_err().to_string();
            assert!(
                err.contains("expected a number with a unit"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn durations_below_the_clock_resolution_are_refused_not_rounded_to_zero() {
        for tiny in ["0.0000001ns", "0.4ns", "0.0000000001s"] {
            let err = tiny.parse::<SimDuration>().unwrap_err().to_string();
            assert!(err.contains("shorter than 1ns"), "{tiny}: {err}");
        }
        assert_eq!("0.5ns".parse::<SimDuration>().unwrap().as_nanos(), 1);
        assert_eq!("0.0s".parse::<SimDuration>().unwrap(), SimDuration::ZERO);
    }

    #[test]
    fn display_round_trips_through_parse() {
        for nanos in [
            1,
            999,
            1_500,
            250_000_000,
            1_500_000_000,
            90_000_000_000,
            3_723_000_000_000,
        ] {
            let d = SimDuration::from_nanos(nanos);
            assert_eq!(d.to_string().parse::<SimDuration>().unwrap(), d, "{d}");
        }
    }

    #[test]
    fn time_arithmetic_saturates_instead_of_wrapping() {
        assert_eq!(
            SimTime::from_nanos(5) - SimTime::from_nanos(9),
            SimDuration::ZERO
        );
        assert_eq!(SimTime::MAX + SimDuration::from_secs(1), SimTime::MAX);
        assert_eq!(SimDuration::from_secs_f64(-3.0), SimDuration::ZERO);
        assert_eq!(SimDuration::from_secs_f64(f64::NAN), SimDuration::ZERO);
    }
}
