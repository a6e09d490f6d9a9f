//! Validation of `[queue]`: capacity, what happens when it is full, and the discipline.

use super::Checker;
use crate::policy::OverflowPolicy;
use crate::scenario::config::{Discipline, QueueConfig};
use crate::scenario::raw::RawQueue;

pub(super) fn queue(c: &mut Checker, raw: &RawQueue) -> Option<QueueConfig> {
    let capacity = match raw.capacity {
        Some(capacity) if capacity < 0 => {
            c.error(
                "queue.capacity",
                format!(
                    "must be ≥ 0 waiting slots (omit it for an unbounded queue), got {capacity}"
                ),
            );
            return None;
        }
        Some(capacity) => Some(capacity as usize),
        None => None,
    };
    let on_full = c.choice(
        "queue.on_full",
        raw.on_full.as_deref(),
        &OverflowPolicy::NAMES,
        "reject",
    )?;
    // `timeout`, `shed_at` and `resume_below` may stay in the file under another policy (an
    // exercise knob switches policies); they are used only by their own policy.
    let overflow = match on_full {
        "reject" => OverflowPolicy::Reject,
        "block" => OverflowPolicy::Block,
        "drop-oldest" => OverflowPolicy::DropOldest,
        "timeout" => OverflowPolicy::Timeout(c.required_duration("queue.timeout", &raw.timeout)?),
        "script" => OverflowPolicy::Script,
        _ => {
            let high = c.count("queue.shed_at", raw.shed_at.or(Some(-1)), 1, i64::MAX);
            let low = c.count(
                "queue.resume_below",
                raw.resume_below.or(Some(-1)),
                1,
                i64::MAX,
            );
            let (high, low) = (high?, low?);
            if low > high {
                c.error(
                    "queue.resume_below",
                    format!("must not exceed shed_at ({high}); shedding stops below this mark"),
                );
            }
            if let Some(capacity) = capacity {
                if high > capacity {
                    c.error(
                        "queue.shed_at",
                        format!("must not exceed queue.capacity ({capacity})"),
                    );
                }
            }
            OverflowPolicy::Watermark { high, low }
        }
    };
    if capacity.is_none()
        && matches!(
            overflow,
            OverflowPolicy::Block
                | OverflowPolicy::Timeout(_)
                | OverflowPolicy::DropOldest
                | OverflowPolicy::Script
        )
    {
        c.error(
            "queue.on_full",
            format!("on_full = \"{on_full}\" needs a bounded queue: set queue.capacity"),
        );
    }
    let discipline = match c.choice(
        "queue.discipline",
        raw.discipline.as_deref(),
        &["fifo", "lifo", "priority", "fair"],
        "fifo",
    )? {
        "lifo" => Discipline::Lifo,
        "priority" => Discipline::Priority,
        "fair" => Discipline::Fair,
        _ => Discipline::Fifo,
    };
    let code = super::script::code(
        c,
        "queue",
        super::script::ScriptHook::Overflow,
        overflow == OverflowPolicy::Script,
        raw.code.as_deref(),
        raw.code_file.as_deref(),
    );
    if overflow == OverflowPolicy::Script && code.is_none() {
        return None;
    }
    Some(QueueConfig {
        capacity,
        overflow,
        code,
        discipline,
    })
}
