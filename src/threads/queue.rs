//! The real queue: one crossbeam channel for FIFO, or one channel per level sharing one capacity —
//! priority levels served highest first, or one level per class served by the simulator's
//! weighted round-robin (fair queuing); FIFO within a level, as in the simulator.
//!
//! A FIFO queue is a plain bounded channel, the baseline every Go worker pool is built on. Levels
//! need a shared capacity, so their channels are unbounded and a counter enforces the slots; a
//! sender waiting for room then polls (briefly), where a bounded channel would park it.

use super::job::Job;
use crate::policy::fair::Fair;
use crossbeam_channel::{Receiver, Select, SendTimeoutError, Sender, TryRecvError, TrySendError};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub enum RealQueue {
    Fifo {
        tx: Sender<Job>,
        rx: Receiver<Job>,
    },
    Levels {
        channels: Vec<(Sender<Job>, Receiver<Job>)>,
        /// Each class's level (0 is served first).
        level_of_class: Vec<usize>,
        queued: AtomicUsize,
        capacity: Option<usize>,
        /// Fair queuing: levels served by the simulator's weighted round-robin instead of in
        /// order.
        fair: Option<Mutex<Fair>>,
    },
}

/// What a waiting worker was woken by.
pub enum Woken {
    Job(Job),
    /// A message on the first extra receiver (a drain notice).
    Notice,
    /// The second extra receiver is ready (shutdown: its sender is gone).
    Shutdown,
    TimedOut,
}

impl RealQueue {
    pub fn fifo(capacity: Option<usize>) -> Self {
        let (tx, rx) = match capacity {
            Some(capacity) => crossbeam_channel::bounded(capacity),
            None => crossbeam_channel::unbounded(),
        };
        RealQueue::Fifo { tx, rx }
    }

    pub fn levels(level_of_class: Vec<usize>, capacity: Option<usize>) -> Self {
        let levels = level_of_class.iter().max().map_or(1, |max| max + 1);
        RealQueue::Levels {
            channels: (0..levels)
                .map(|_| crossbeam_channel::unbounded())
                .collect(),
            level_of_class,
            queued: AtomicUsize::new(0),
            capacity,
            fair: None,
        }
    }

    /// One level per class, served in proportion to the classes' weights.
    pub fn fair(weights: Vec<f64>, capacity: Option<usize>) -> Self {
        let mut queue = RealQueue::levels((0..weights.len()).collect(), capacity);
        if let RealQueue::Levels { fair, .. } = &mut queue {
            *fair = Some(Mutex::new(Fair::new(weights)));
        }
        queue
    }

    pub fn len(&self) -> usize {
        match self {
            RealQueue::Fifo { rx, .. } => rx.len(),
            RealQueue::Levels { queued, .. } => queued.load(Ordering::Relaxed),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Places the job if there is room (or, with zero capacity, a worker waiting for it).
    #[expect(
        clippy::result_large_err,
        reason = "a full queue hands the job back; boxing it would allocate on the overload path"
    )]
    pub fn try_send(&self, job: Job) -> Result<(), TrySendError<Job>> {
        match self {
            RealQueue::Fifo { tx, .. } => tx.try_send(job),
            RealQueue::Levels {
                channels,
                level_of_class,
                queued,
                capacity,
                ..
            } => {
                let room = queued.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                    capacity
                        .is_none_or(|capacity| n < capacity)
                        .then_some(n + 1)
                });
                if room.is_err() {
                    return Err(TrySendError::Full(job));
                }
                let level = level_of_class[job.class as usize];
                channels[level].0.try_send(job).inspect_err(|_| {
                    queued.fetch_sub(1, Ordering::AcqRel);
                })
            }
        }
    }

    /// Waits for room until `until`.
    #[expect(
        clippy::result_large_err,
        reason = "a full queue hands the job back; boxing it would allocate on the overload path"
    )]
    pub fn send_deadline(&self, job: Job, until: Instant) -> Result<(), SendTimeoutError<Job>> {
        match self {
            RealQueue::Fifo { tx, .. } => tx.send_deadline(job, until),
            RealQueue::Levels { .. } => {
                let mut job = job;
                loop {
                    match self.try_send(job) {
                        Ok(()) => return Ok(()),
                        Err(TrySendError::Full(back)) => job = back,
                        Err(TrySendError::Disconnected(back)) => {
                            return Err(SendTimeoutError::Disconnected(back))
                        }
                    }
                    if Instant::now() >= until {
                        return Err(SendTimeoutError::Timeout(job));
                    }
                    std::thread::sleep(Duration::from_micros(100));
                }
            }
        }
    }

    /// The next job to serve, without waiting: the highest level first.
    pub fn try_recv(&self) -> Option<Job> {
        match self {
            RealQueue::Fifo { rx, .. } => rx.try_recv().ok(),
            RealQueue::Levels {
                channels,
                queued,
                fair: Some(fair),
                ..
            } => {
                let mut fair = fair.lock().unwrap_or_else(|e| e.into_inner());
                loop {
                    let non_empty: Vec<bool> =
                        channels.iter().map(|(_, rx)| !rx.is_empty()).collect();
                    let level = fair.pick(&non_empty)?;
                    // Another worker may have emptied it meanwhile: pick again.
                    if let Ok(job) = channels[level].1.try_recv() {
                        queued.fetch_sub(1, Ordering::AcqRel);
                        return Some(job);
                    }
                }
            }
            RealQueue::Levels {
                channels, queued, ..
            } => channels.iter().find_map(|(_, rx)| {
                let job = rx.try_recv().ok()?;
                queued.fetch_sub(1, Ordering::AcqRel);
                Some(job)
            }),
        }
    }

    /// The victim of drop-oldest: the oldest job of the least important level, or under fair
    /// queuing the oldest of the longest queue (as in the simulator).
    pub fn try_recv_oldest(&self) -> Option<Job> {
        match self {
            RealQueue::Fifo { rx, .. } => rx.try_recv().ok(),
            RealQueue::Levels {
                channels,
                queued,
                fair: Some(_),
                ..
            } => {
                let (_, longest) = channels.iter().max_by_key(|(_, rx)| rx.len())?;
                let job = longest.try_recv().ok()?;
                queued.fetch_sub(1, Ordering::AcqRel);
                Some(job)
            }
            RealQueue::Levels {
                channels, queued, ..
            } => channels.iter().rev().find_map(|(_, rx)| {
                let job = rx.try_recv().ok()?;
                queued.fetch_sub(1, Ordering::AcqRel);
                Some(job)
            }),
        }
    }

    /// Waits up to `timeout` for a job, a drain `notice` or `shutdown`.
    pub fn wait(&self, notice: &Receiver<()>, shutdown: &Receiver<()>, timeout: Duration) -> Woken {
        let deadline = Instant::now() + timeout;
        let receivers: Vec<&Receiver<Job>> = match self {
            RealQueue::Fifo { rx, .. } => vec![rx],
            RealQueue::Levels { channels, .. } => channels.iter().map(|(_, rx)| rx).collect(),
        };
        let mut select = Select::new();
        for rx in &receivers {
            select.recv(rx);
        }
        let notice_index = select.recv(notice);
        let shutdown_index = select.recv(shutdown);
        loop {
            let Ok(index) = select.ready_deadline(deadline) else {
                return Woken::TimedOut;
            };
            if index == shutdown_index {
                return Woken::Shutdown;
            }
            if index == notice_index {
                match notice.try_recv() {
                    Ok(()) => return Woken::Notice,
                    Err(TryRecvError::Disconnected) => return Woken::Shutdown,
                    Err(TryRecvError::Empty) => continue,
                }
            }
            // A job is ready somewhere (another worker may take it first): serve by priority.
            if let Some(job) = self.try_recv() {
                return Woken::Job(job);
            }
        }
    }

    /// Empties the queue at the end of a run (what is left was abandoned).
    pub fn clear(&self) {
        while self.try_recv().is_some() {}
    }
}
