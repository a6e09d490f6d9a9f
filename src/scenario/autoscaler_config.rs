//! The checked `[autoscaler]` table and how it becomes an [`Autoscaler`]; part of
//! [`super::config`], kept apart because each autoscaler kind brings its own parameters.

use crate::policy::autoscale::{
    Autoscaler, HpaAutoscaler, HpaConfig, MultiSignalAutoscaler, PidAutoscaler, PidConfig,
    QueueDepthAutoscaler, QueueDepthConfig, WaitTimeAutoscaler, WaitTimeConfig,
};
use crate::time::SimDuration;

#[derive(Debug, Clone, PartialEq)]
pub enum AutoscalerConfig {
    QueueDepth(QueueDepthConfig),
    WaitTime(WaitTimeConfig),
    Pid(PidConfig),
    Hpa(HpaConfig),
    MultiSignal(crate::policy::autoscale::MultiSignalConfig),
    /// `kind = "script"`: the learner's `fn desired_workers(pool)`.
    Script(ScriptAutoscalerConfig),
}

/// A learner-written autoscaler (see [`crate::script`]): its code, called every `interval`,
/// with its answer kept within [`min_workers`, `max_workers`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptAutoscalerConfig {
    pub interval: SimDuration,
    pub min_workers: usize,
    pub max_workers: usize,
    pub code: String,
}

impl AutoscalerConfig {
    /// The smallest pool it may ask for.
    pub fn min_workers(&self) -> usize {
        match self {
            AutoscalerConfig::QueueDepth(c) => c.min_workers,
            AutoscalerConfig::WaitTime(c) => c.min_workers,
            AutoscalerConfig::Pid(c) => c.min_workers,
            AutoscalerConfig::Hpa(c) => c.min_workers,
            AutoscalerConfig::MultiSignal(c) => c.min_workers,
            AutoscalerConfig::Script(c) => c.min_workers,
        }
    }

    /// The largest pool it may ask for.
    pub fn max_workers(&self) -> usize {
        match self {
            AutoscalerConfig::QueueDepth(c) => c.max_workers,
            AutoscalerConfig::WaitTime(c) => c.max_workers,
            AutoscalerConfig::Pid(c) => c.max_workers,
            AutoscalerConfig::Hpa(c) => c.max_workers,
            AutoscalerConfig::MultiSignal(c) => c.max_workers,
            AutoscalerConfig::Script(c) => c.max_workers,
        }
    }

    /// A fresh autoscaler in its initial state (both runtimes build theirs here).
    pub fn build(&self) -> Box<dyn Autoscaler> {
        match self {
            AutoscalerConfig::QueueDepth(c) => Box::new(QueueDepthAutoscaler::new(c.clone())),
            AutoscalerConfig::WaitTime(c) => Box::new(WaitTimeAutoscaler::new(c.clone())),
            AutoscalerConfig::Pid(c) => Box::new(PidAutoscaler::new(c.clone())),
            AutoscalerConfig::Hpa(c) => Box::new(HpaAutoscaler::new(c.clone())),
            AutoscalerConfig::MultiSignal(c) => Box::new(MultiSignalAutoscaler::new(c.clone())),
            AutoscalerConfig::Script(c) => script_autoscaler(c),
        }
    }
}

/// The script autoscaler of a validated config. Validation compiled its code already; should it
/// fail here all the same, the autoscaler reports that as a fault at its first tick.
#[cfg(feature = "script")]
fn script_autoscaler(config: &ScriptAutoscalerConfig) -> Box<dyn Autoscaler> {
    Box::new(crate::script::ScriptAutoscaler::checked(
        &config.code,
        config.interval,
        config.min_workers,
        config.max_workers,
    ))
}

/// Without the script engine, validation refuses `kind = "script"`, so no config reaches here
/// with one; should one all the same, the pool keeps its size.
#[cfg(not(feature = "script"))]
fn script_autoscaler(config: &ScriptAutoscalerConfig) -> Box<dyn Autoscaler> {
    #[derive(Debug)]
    struct KeepSize(SimDuration);
    impl Autoscaler for KeepSize {
        fn interval(&self) -> SimDuration {
            self.0
        }
        fn on_tick(&mut self, _: &crate::policy::autoscale::PoolSignals) -> Option<usize> {
            None
        }
    }
    Box::new(KeepSize(config.interval))
}
