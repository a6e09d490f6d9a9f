//! How many threads a real run starts, all of them counted against [`MAX_THREADS`]: a thread per
//! worker (at the autoscaler's maximum), per later-stage worker, per producer (an open arrival
//! process, or a closed-loop client), and the helpers: the delay line, and a line of blocked
//! senders for each lane (each shard or class pool has its own). The collector runs on the
//! calling thread.

use crate::scenario::{Arrivals, Config};

/// Most threads a real run starts: beyond a few thousand the kernel's memory maps run out and a
/// thread dies before Rust can report it.
pub const MAX_THREADS: usize = 4096;

/// The threads a run of `config` would start, by what they are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threads {
    /// The first pool's workers (its autoscaler's maximum when one resizes it) and every later
    /// stage's.
    pub workers: usize,
    /// One per open arrival process; one per closed-loop client.
    pub producers: usize,
    /// The first pool's lanes: one, or one per shard or class pool.
    pub lanes: usize,
}

impl Threads {
    pub fn of(config: &Config) -> Threads {
        let pool = config
            .autoscaler
            .as_ref()
            .map_or(config.workers, |autoscaler| {
                autoscaler.max_workers().max(config.workers)
            });
        let stages: usize = config.stages.iter().map(|s| s.workers).sum();
        let shared = match config.arrivals {
            Arrivals::Open(ref process) => usize::from(process.is_some()),
            Arrivals::Closed { clients, .. } => clients,
            Arrivals::Trace(_) => 1,
        };
        let own = config
            .classes
            .iter()
            .filter(|c| c.arrivals.is_some())
            .count();
        Threads {
            workers: pool.saturating_add(stages),
            producers: shared + own,
            lanes: config.lanes().workers.len(),
        }
    }

    /// The delay line, and a line of blocked senders per lane.
    pub fn helpers(&self) -> usize {
        1 + self.lanes
    }

    pub fn total(&self) -> usize {
        self.workers
            .saturating_add(self.producers)
            .saturating_add(self.helpers())
    }

    /// Why the run cannot start, when it needs more than [`MAX_THREADS`].
    pub fn refusal(&self) -> Option<String> {
        let total = self.total();
        (total > MAX_THREADS).then(|| {
            let lanes = match self.lanes {
                1 => "its queue".to_string(),
                n => format!("each of its {n} lanes (shards or class pools)"),
            };
            format!(
                "this run needs {total} threads: workers {}, producers (arrival processes and closed-loop clients) {}, helpers (a delay line and a line of blocked senders for {lanes}) {}; a real run starts at most {MAX_THREADS}. The simulator has no such limit (--mode sim)",
                self.workers,
                self.producers,
                self.helpers()
            )
        })
    }
}
