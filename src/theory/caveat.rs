//! The assumptions behind the closed forms, and which of them a scenario breaks — said the way
//! the theory box says them ("retries feed back into arrivals", "an autoscaler changes c").

use crate::policy::OverflowPolicy;
use crate::scenario::{Arrivals, Config, Discipline, Spacing};
use std::fmt;

/// An assumption of the closed forms that the scenario breaks, said the way the box says it.
#[derive(Debug, Clone, PartialEq)]
pub enum Caveat {
    ClosedLoop,
    Autoscaler,
    IdleExpiry,
    StartUp,
    RateVaries,
    EvenSpacing,
    Retries,
    Hedges,
    RateLimit,
    Limiter,
    Bulkhead,
    Breaker,
    DownstreamLimit,
    Incidents,
    Deadlines,
    Chaos,
    Shutdown,
    Discipline(&'static str),
    Overflow(&'static str),
    BoundedNeedsExponential,
    Pipeline,
    Shards,
    ClassPools,
    Overloaded,
    Trace,
    FanOut,
    Admission,
    Routes,
    RetryScript,
}

impl fmt::Display for Caveat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Caveat::ClosedLoop => "clients wait for their answers before asking again (closed loop): the arrival rate depends on the response time, so ρ comes from mean value analysis",
            Caveat::Autoscaler => "an autoscaler changes c during the run",
            Caveat::IdleExpiry => "idle workers expire, so c changes during the run",
            Caveat::StartUp => "new workers take time to start",
            Caveat::RateVaries => "the arrival rate changes over time (no steady state)",
            Caveat::EvenSpacing => "arrivals are evenly spaced, not Poisson",
            Caveat::Retries => "retries feed back into arrivals",
            Caveat::Hedges => "hedged copies add work the formulas do not count",
            Caveat::RateLimit => "a rate limit in front",
            Caveat::Limiter => "a concurrency limiter in front",
            Caveat::Bulkhead => "bulkheads cap each class's jobs in flight",
            Caveat::Breaker => "a circuit breaker in front of the call (an open breaker fails fast)",
            Caveat::DownstreamLimit => "the dependency refuses calls beyond its limit",
            Caveat::Incidents => "downstream incidents change the time a job holds a worker",
            Caveat::Deadlines => "deadlines take jobs away before they are served",
            Caveat::Chaos => "injected faults (panics, slow jobs, a leak)",
            Caveat::Shutdown => "a shutdown stops intake part-way",
            Caveat::Discipline(name) => return write!(f, "the queue is served {name}, not first come first served"),
            Caveat::Overflow(name) => return write!(f, "a full queue {name} instead of rejecting"),
            Caveat::BoundedNeedsExponential => "M/M/c/K needs exponential service times",
            Caveat::Pipeline => "stages block each other when a buffer is full (no closed form)",
            Caveat::Shards => "each shard is its own queue and keys split unevenly",
            Caveat::ClassPools => "classes have pools of their own",
            Caveat::Overloaded => "ρ ≥ 1: no steady state, the backlog grows",
            Caveat::Trace => "arrivals replay a trace: not a Poisson process, and the class mix is the trace's",
            Caveat::FanOut => "each job also waits for the k-th of its N fan-out calls (its mean counts in ρ; the formulas need the whole distribution)",
            Caveat::Admission => "an admission policy in front decides who comes in",
            Caveat::RetryScript => "a retry script decides which failures are retried: ρ counts every failed attempt retried up to max_attempts, so it is at most this",
            Caveat::Routes => "items are routed between stations (a loop or a split), so each station sees the requests times its visits",
        };
        f.write_str(text)
    }
}

/// Every assumption of the closed forms `config` breaks, in the order the box lists them.
pub(super) fn caveats(config: &Config) -> Vec<Caveat> {
    let mut caveats = Vec::new();
    let mut note = |holds: bool, caveat: Caveat| {
        if holds {
            caveats.push(caveat);
        }
    };
    let open = match &config.arrivals {
        Arrivals::Open(shared) => shared
            .iter()
            .chain(config.classes.iter().filter_map(|c| c.arrivals.as_ref()))
            .collect::<Vec<_>>(),
        Arrivals::Closed { .. } | Arrivals::Trace(_) => Vec::new(),
    };
    note(matches!(config.arrivals, Arrivals::Trace(_)), Caveat::Trace);
    note(config.fanout.is_some(), Caveat::FanOut);
    note(config.admission.is_some(), Caveat::Admission);
    note(config.retry_script.is_some(), Caveat::RetryScript);
    note(
        !config.pool_routes.is_empty() || config.stages.iter().any(|s| !s.routes.is_empty()),
        Caveat::Routes,
    );
    note(
        matches!(config.arrivals, Arrivals::Closed { .. }),
        Caveat::ClosedLoop,
    );
    note(config.autoscaler.is_some(), Caveat::Autoscaler);
    note(
        config.autoscaler.is_none() && config.lifecycle.idle_timeout.is_some(),
        Caveat::IdleExpiry,
    );
    note(
        !config.lifecycle.start_up.is_zero() && config.autoscaler.is_some(),
        Caveat::StartUp,
    );
    note(
        open.iter().any(|p| {
            p.schedule.segments.iter().any(|s| s.from != s.to)
                || p.schedule.segments.windows(2).any(|w| w[0].to != w[1].from)
        }),
        Caveat::RateVaries,
    );
    note(
        open.iter().any(|p| p.spacing == Spacing::Even),
        Caveat::EvenSpacing,
    );
    note(config.retry.is_some(), Caveat::Retries);
    note(config.hedge.is_some(), Caveat::Hedges);
    note(config.rate_limit.is_some(), Caveat::RateLimit);
    note(config.limiter.is_some(), Caveat::Limiter);
    note(
        config.classes.iter().any(|c| c.max_in_flight.is_some()),
        Caveat::Bulkhead,
    );
    note(config.has_breaker(), Caveat::Breaker);
    let downstream = config.downstream.as_ref();
    note(
        downstream.is_some_and(|d| d.max_in_flight.is_some()),
        Caveat::DownstreamLimit,
    );
    note(
        downstream.is_some_and(|d| !d.incidents.is_empty()),
        Caveat::Incidents,
    );
    note(
        config.classes.iter().any(|c| c.deadline.is_some()),
        Caveat::Deadlines,
    );
    note(config.chaos.is_some(), Caveat::Chaos);
    note(config.shutdown.is_some(), Caveat::Shutdown);
    match config.queue.discipline {
        Discipline::Fifo => {}
        Discipline::Lifo => caveats.push(Caveat::Discipline("last come first served")),
        Discipline::Priority => caveats.push(Caveat::Discipline("by priority")),
        Discipline::Fair => caveats.push(Caveat::Discipline("fairly across classes")),
    }
    if config.queue.capacity.is_some() {
        match config.queue.overflow {
            OverflowPolicy::Reject => {
                // One exponential for every job: classes of different means mix into
                // something that is not exponential.
                let first = config.classes[0].service.mean();
                let exponential = config
                    .classes
                    .iter()
                    .all(|c| c.service.scv() == 1.0 && c.service.mean() == first)
                    && downstream.is_none()
                    && config.chaos.is_none();
                if !exponential {
                    caveats.push(Caveat::BoundedNeedsExponential);
                }
            }
            other => caveats.push(Caveat::Overflow(overflow_words(&other))),
        }
    }
    if !config.stages.is_empty() {
        caveats.push(Caveat::Pipeline);
    }
    let lanes = config.lanes();
    if lanes.sharded {
        caveats.push(Caveat::Shards);
    } else if lanes.names.len() > 1 || !config.shared_pool {
        caveats.push(Caveat::ClassPools);
    }
    caveats
}

fn overflow_words(policy: &OverflowPolicy) -> &'static str {
    match policy {
        OverflowPolicy::Reject => "rejects",
        OverflowPolicy::Block => "blocks the sender",
        OverflowPolicy::Timeout(_) => "makes the sender wait, then gives up",
        OverflowPolicy::DropOldest => "drops its oldest job",
        OverflowPolicy::Watermark { .. } => "sheds between watermarks",
        OverflowPolicy::Script => {
            "does what a script says (reject, drop the oldest or make the sender wait)"
        }
    }
}
