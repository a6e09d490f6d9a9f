//! Operating the service: a graceful shutdown (`[shutdown]`) and threshold alerts (`[[alerts]]`).

use super::*;
use crate::scenario::AlertSignal;

impl Engine {
    /// A graceful shutdown begins: producers stop, the measured window closes, and whatever is
    /// still inside at the drain deadline is abandoned (counted in `in_flight_at_end`).
    pub(super) fn on_shutdown(&mut self) {
        let Some(shutdown) = self.ops.shutdown else {
            return;
        };
        self.recorder.close_window(self.now);
        self.ops.shutdown_started = Some(self.now);
        for p in 0..self.producers.list.len() {
            if self.producers.list[p].state == ProducerState::Scheduled {
                self.set_done(p);
            }
        }
        let deadline = self.now + shutdown.drain_timeout;
        if self.control.stop_at.is_none_or(|stop| deadline < stop) {
            self.control.stop_at = Some(deadline);
            self.schedule(deadline, Event::Stop);
        }
    }

    /// Shows each alert its signal's current value (after every event, when there are alerts).
    pub(super) fn observe_alerts(&mut self) {
        let pool = self.pool_counts();
        let utilization = if pool.workers > 0 {
            pool.busy as f64 / pool.workers as f64
        } else {
            0.0
        };
        let (queued, in_system) = (self.queued() as f64, self.in_system() as f64);
        for index in 0..self.ops.alerts.len() {
            let (config, alert) = &mut self.ops.alerts[index];
            let value = match config.signal {
                AlertSignal::QueueLen => queued,
                AlertSignal::InSystem => in_system,
                AlertSignal::Utilization => utilization,
            };
            if let Some(timer) = alert.observe(self.now, value) {
                let event = Event::AlertTimer {
                    alert: index as u16,
                    token: timer.token,
                };
                self.schedule(timer.at, event);
            }
        }
    }
}
