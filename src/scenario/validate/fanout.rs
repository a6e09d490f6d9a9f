//! Validation of `[fanout]`: how many parallel calls each job makes, how many answers it waits
//! for, and the latency of one call.

use super::distribution::distribution;
use super::Checker;
use crate::scenario::config::FanOutConfig;
use crate::scenario::limits::MAX_FANOUT_CALLS;
use crate::scenario::raw::RawFanOut;

pub(super) fn fanout(c: &mut Checker, raw: &RawFanOut) -> Option<FanOutConfig> {
    if raw.calls.is_none() {
        c.error(
            "fanout.calls",
            "is required: the parallel calls each request makes",
        );
    }
    let calls = c.count("fanout.calls", raw.calls, 1, MAX_FANOUT_CALLS);
    let wait_for = match (raw.wait_for, calls) {
        (None, calls) => calls,
        (Some(_), Some(calls)) => c.count("fanout.wait_for", raw.wait_for, 1, calls as i64),
        (Some(_), None) => None,
    };
    let latency = match &raw.latency {
        Some(latency) => distribution(c, "fanout.latency", latency),
        None => {
            c.error(
                "fanout.latency",
                "is required: the latency of one call, e.g. { distribution = \"exponential\", mean = \"10ms\" }",
            );
            None
        }
    };
    Some(FanOutConfig {
        calls: calls?,
        wait_for: wait_for?,
        latency: latency?,
    })
}
