//! Numbers for people: durations with a fitting unit, counts without noise. Shared by the CLI's
//! tables and the playground.

/// Seconds with a unit that keeps 3–4 significant digits: `812 µs`, `12.3 ms`, `1.50 s`.
pub fn seconds(value: f64) -> String {
    let abs = value.abs();
    if value == 0.0 {
        "0".into()
    } else if abs < 1e-6 {
        format!("{:.0} ns", value * 1e9)
    } else if abs < 1e-3 {
        format!("{:.1} µs", value * 1e6)
    } else if abs < 1.0 {
        format!("{:.2} ms", value * 1e3)
    } else if abs < 1000.0 {
        format!("{:.3} s", value)
    } else {
        format!("{:.0} s", value)
    }
}

/// A plain number with sensible precision.
pub fn number(value: f64) -> String {
    if value == value.trunc() && value.abs() < 1e15 {
        format!("{value:.0}")
    } else if value.abs() >= 100.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_picks_a_readable_unit() {
        assert_eq!(seconds(0.0123), "12.30 ms");
        assert_eq!(seconds(1.5), "1.500 s");
        assert_eq!(seconds(0.000_812), "812.0 µs");
        assert_eq!(seconds(0.0), "0");
    }
}
