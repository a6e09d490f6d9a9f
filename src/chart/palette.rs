//! One colour per meaning across every chart, from Okabe & Ito's palette (2008), which people
//! with any common colour-vision deficiency can tell apart: the quantity a chart is about is
//! always blue, demand always orange, work in progress green, refusals vermillion.

use plotters::style::RGBColor;

/// The quantity the chart is about: p99 latency, queue length, throughput, K, utilisation.
pub const MAIN: RGBColor = RGBColor(0, 114, 178);
/// The same quantity's milder figure: p50 latency.
pub const MILD: RGBColor = RGBColor(86, 180, 233);
/// Work in progress: jobs in service, in the system.
pub const IN_PROGRESS: RGBColor = RGBColor(0, 158, 115);
/// Demand: the offered load, arrivals.
pub const DEMAND: RGBColor = RGBColor(230, 159, 0);
/// Refused at the door.
pub const REJECTED: RGBColor = RGBColor(213, 94, 0);
/// Thrown away from the queue.
pub const DROPPED: RGBColor = RGBColor(204, 121, 167);
/// Gave up waiting.
pub const TIMED_OUT: RGBColor = RGBColor(240, 228, 66);
/// Answered with an error.
pub const FAILED: RGBColor = RGBColor(0, 0, 0);
/// The previous run, behind the current one.
pub const GHOST: RGBColor = RGBColor(170, 170, 170);
/// Goal lines (dashed, labelled).
pub const GOAL: RGBColor = RGBColor(70, 70, 70);
/// Text and axes.
pub const INK: RGBColor = RGBColor(31, 41, 55);

/// One colour per stage, shard or pool, in their order: Okabe–Ito's eight first, then eight
/// more distinct ones for the ninth to sixteenth part (a series keeps at most sixteen); beyond
/// eight no palette stays colour-blind safe, and the legend names only the busiest six.
pub const PARTS: [RGBColor; crate::report::MAX_PART_SERIES] = [
    MAIN,
    DEMAND,
    IN_PROGRESS,
    REJECTED,
    DROPPED,
    MILD,
    FAILED,
    TIMED_OUT,
    RGBColor(13, 148, 136),
    RGBColor(219, 39, 119),
    RGBColor(120, 53, 15),
    RGBColor(71, 85, 105),
    RGBColor(101, 163, 13),
    RGBColor(67, 56, 202),
    RGBColor(234, 88, 12),
    RGBColor(192, 38, 211),
];
