//! Tick labels people can read: simulated time as m:ss, durations with their unit (ms / s / min),
//! rates as "1.2k/s", fractions as percentages. Each formatter gets the axis's largest value so
//! that every tick on one axis uses the same unit.

/// What a chart's values measure, which decides how its axis is labelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A duration in seconds (latency).
    Seconds,
    /// Events per second.
    PerSecond,
    /// A count of jobs or workers.
    Count,
    /// A fraction in [0, 1], shown as a percentage.
    Fraction,
    /// The circuit breaker's state: 0 closed, 1 half-open, 2 open.
    BreakerState,
}

impl Unit {
    /// The label of tick `value` on an axis that goes up to `max`.
    pub fn tick(self, value: f64, max: f64) -> String {
        match self {
            Unit::Seconds => duration(value, max),
            Unit::PerSecond => format!("{}/s", count(value, max)),
            Unit::Count => count(value, max),
            Unit::Fraction => percent(value, max),
            Unit::BreakerState => match value.round() as i64 {
                _ if (value - value.round()).abs() > 1e-6 => String::new(),
                0 => "closed".into(),
                1 => "half-open".into(),
                2 => "open".into(),
                _ => String::new(),
            },
        }
    }
}

/// Trims a fixed-point number's trailing zeros: "1.50" → "1.5", "2.0" → "2".
fn trim(text: String) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Digits after the point that tell ticks of an axis up to `max` apart.
fn decimals(max: f64) -> usize {
    if max >= 10.0 {
        0
    } else if max >= 1.0 {
        1
    } else {
        2
    }
}

/// A duration on an axis up to `max` seconds: µs, ms, s or min, chosen by `max`.
pub fn duration(value: f64, max: f64) -> String {
    if value == 0.0 {
        return "0".into();
    }
    let (scale, unit) = if max < 1e-3 {
        (1e6, "µs")
    } else if max < 1.0 {
        (1e3, "ms")
    } else if max < 180.0 {
        (1.0, "s")
    } else if max < 3.0 * 3600.0 {
        (1.0 / 60.0, "min")
    } else {
        (1.0 / 3600.0, "h")
    };
    let shown = trim(format!("{:.*}", decimals(max * scale), value * scale));
    format!("{shown} {unit}")
}

/// A count on an axis up to `max`: "850", "1.2k", "3.5M".
pub fn count(value: f64, max: f64) -> String {
    let (scale, suffix) = if max >= 1e6 {
        (1e-6, "M")
    } else if max >= 1e3 {
        (1e-3, "k")
    } else {
        (1.0, "")
    };
    format!(
        "{}{suffix}",
        trim(format!("{:.*}", decimals(max * scale), value * scale))
    )
}

/// A fraction as a percentage: "45%", or "0.5%" on an axis that stays below 10 %.
pub fn percent(value: f64, max: f64) -> String {
    let digits = if max < 0.1 { 1 } else { 0 };
    format!("{}%", trim(format!("{:.*}", digits, value * 100.0)))
}

/// Simulated time on an axis spanning `span` seconds: "2:05", "1:02:05", "0:03.5", "250 ms".
pub fn clock(secs: f64, span: f64) -> String {
    if span < 2.0 {
        return duration(secs, span);
    }
    let tenths = span < 20.0;
    let total = if tenths {
        (secs * 10.0).round() / 10.0
    } else {
        secs.round()
    };
    let hours = (total / 3600.0).floor();
    let minutes = ((total - hours * 3600.0) / 60.0).floor();
    let seconds = total - hours * 3600.0 - minutes * 60.0;
    let seconds = if tenths {
        format!("{seconds:04.1}")
    } else {
        format!("{:02}", seconds as u64)
    };
    if hours > 0.0 {
        format!("{hours}:{:02}:{seconds}", minutes as u64)
    } else {
        format!("{minutes}:{seconds}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulated_time_reads_as_minutes_and_seconds() {
        assert_eq!(clock(125.0, 600.0), "2:05");
        assert_eq!(clock(0.0, 600.0), "0:00");
        assert_eq!(clock(3725.0, 7200.0), "1:02:05");
        assert_eq!(clock(3.5, 5.0), "0:03.5");
        assert_eq!(clock(0.25, 0.8), "250 ms");
        assert_eq!(clock(59.6, 300.0), "1:00");
    }

    #[test]
    fn durations_share_the_unit_their_axis_needs() {
        assert_eq!(duration(0.25, 0.8), "250 ms");
        assert_eq!(duration(0.0025, 0.008), "2.5 ms");
        assert_eq!(duration(1.5, 3.0), "1.5 s");
        assert_eq!(duration(300.0, 900.0), "5 min");
        assert_eq!(duration(0.000_5, 0.000_8), "500 µs");
        assert_eq!(duration(0.0, 3.0), "0");
    }

    #[test]
    fn rates_and_counts_shorten_thousands() {
        assert_eq!(Unit::PerSecond.tick(1200.0, 4_000.0), "1.2k/s");
        assert_eq!(Unit::PerSecond.tick(15_000.0, 20_000.0), "15k/s");
        assert_eq!(Unit::PerSecond.tick(850.0, 900.0), "850/s");
        assert_eq!(Unit::PerSecond.tick(0.5, 2.0), "0.5/s");
        assert_eq!(count(3_500_000.0, 4e6), "3.5M");
        assert_eq!(count(12.0, 40.0), "12");
    }

    #[test]
    fn fractions_are_percentages() {
        assert_eq!(percent(0.45, 1.0), "45%");
        assert_eq!(percent(0.005, 0.05), "0.5%");
        assert_eq!(Unit::Fraction.tick(1.0, 1.1), "100%");
    }

    #[test]
    fn the_breaker_axis_names_its_states() {
        assert_eq!(Unit::BreakerState.tick(0.0, 2.2), "closed");
        assert_eq!(Unit::BreakerState.tick(2.0, 2.2), "open");
        assert_eq!(Unit::BreakerState.tick(0.5, 2.2), "");
    }
}
