//! The engine's state, grouped by the part of the system it belongs to. Each handler works on
//! the parts it names (`self.pool.workers`, `self.ops.alerts`), so a reader sees at a glance what an
//! event touches, and a new part (a station kind, a topology) adds a field here instead of ten
//! on the engine.

use super::{ClassRuntime, Producer, Worker};
use crate::dist::Distribution;
use crate::policy::autoscale::Autoscaler;
use crate::report::recorder::TickMarks;
use crate::rng::Rng;
use crate::scenario::{
    AlertConfig, ChaosConfig, HedgeConfig, KeyConfig, Lifecycle, Prewarm, ScaleDown,
    ShutdownConfig, StartedWork,
};
use crate::time::SimTime;

/// How far the run has come and when it stops.
pub(super) struct RunControl {
    pub scenario: String,
    pub seed: u64,
    pub processed: u64,
    pub event_limit: u64,
    /// Events processed at the current instant, and the instant the run got stuck at (see
    /// [`super::STALL_EVENTS`]).
    pub events_this_instant: u64,
    pub stalled_at: Option<SimTime>,
    /// When more than [`super::MAX_JOBS_IN_SYSTEM`] jobs were in the system at once.
    pub overloaded_at: Option<SimTime>,
    /// A policy script failed: the run stopped there.
    pub fault: Option<crate::policy::PolicyFault>,
    /// The last faithful instant, when the next event fell at or past the clock's end (2⁶⁴ ns,
    /// where additions saturate): the run stops there (see [`super::Engine::step`]).
    pub clock_end_at: Option<SimTime>,
    pub finished: bool,
    pub truncated: bool,
    pub customers_limit: Option<u64>,
    pub generated: u64,
    pub stop_at: Option<SimTime>,
    /// Pending events other than samples and autoscaler ticks: when none is left, nothing can
    /// happen any more and the run ends (a guard against ever spinning on periodic events).
    pub pending_real_events: u64,
}

/// Where jobs come from: arrival streams and closed-loop clients, what each class needs, and
/// the keys that route requests to shards.
pub(super) struct Producers {
    pub list: Vec<Producer>,
    pub done: usize,
    /// Jobs waiting outside the queue for a rate-limit token or a retry's backoff: in the
    /// system from the client's point of view (their latency is running).
    pub waiting_outside: usize,
    /// `[keys]`: how requests' keys are drawn, for routing them to shards.
    pub keys: Option<KeyConfig>,
    pub key_rng: Rng,
    /// The lane each class's requests go to (classes with pools of their own).
    pub lane_of_class: Vec<usize>,
    pub classes: Vec<ClassRuntime>,
    /// Each class's service-time distribution, indexed by class.
    pub services: Vec<Distribution>,
}

/// The workers of every station (one table, each worker naming its station) and how the first
/// pool's workers start, idle and stop. Its totals (busy, alive, target) are not kept here:
/// they are read from its lanes (see `Engine::pool_counts`).
pub(super) struct Pool {
    pub workers: Vec<Worker>,
    /// How many of the engine's stations are the first pool's lanes (the rest are later stages).
    pub lanes: usize,
    pub retired: Vec<u32>,
    pub started_work: StartedWork,
    pub lifecycle: Lifecycle,
    pub scale_down: ScaleDown,
    pub prewarm: Prewarm,
}

/// Which stations' levels changed, so the recorder hears of each once per event.
pub(super) struct LaneTracking {
    /// Stations whose levels the current event changed (lanes only when metered one by one).
    pub touched: Vec<u32>,
    /// Whether the recorder measures lanes one by one (more than one lane).
    pub per_lane: bool,
    /// With several lanes: what all of them hold together, as of the end of the last event
    /// (each touched lane's change is added when it is reported).
    pub totals: super::station::Counts,
}

/// What operators do to the running system: autoscaling, graceful shutdown, alerts.
pub(super) struct Operations {
    /// One autoscaler per lane (each class's own pool sizes itself); empty without one.
    pub autoscalers: Vec<Box<dyn Autoscaler>>,
    /// `autoscaler.budget`: the most workers all pools may have together.
    pub budget: Option<usize>,
    /// `autoscaler.reclaim`: higher-priority pools take budget back from lower-priority ones.
    pub reclaim: bool,
    /// Each lane's (busy, workers) integrals at the previous autoscaler tick.
    pub lane_marks: Vec<(u128, u128)>,
    /// Each lane's priority for the budget: the highest of its classes'.
    pub lane_priority: Vec<u8>,
    pub tick_marks: TickMarks,
    pub shutdown: Option<ShutdownConfig>,
    /// When the graceful shutdown began (intake closed).
    pub shutdown_started: Option<SimTime>,
    /// `[[alerts]]`: what each watches, and its state.
    pub alerts: Vec<(AlertConfig, crate::policy::alert::Alert)>,
}

/// What goes wrong on purpose (`[chaos]`) and the hedged copies sent against slow calls.
pub(super) struct Faults {
    pub chaos: Option<ChaosConfig>,
    pub hedge: Option<HedgeConfig>,
    pub hedge_rng: Rng,
}
