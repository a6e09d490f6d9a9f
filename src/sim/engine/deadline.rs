//! Deadlines: a client gives up on its request wherever the job is — blocked at a full queue,
//! waiting for a token, queued, or in service (finished anyway or cancelled).

use super::*;
use crate::policy::retry::Setback;

impl Engine {
    pub(super) fn on_deadline(&mut self, key: JobKey, generation: u32) {
        if !self.jobs.is_current(key, generation) {
            return;
        }
        let job = *self.jobs.get(key);
        match job.state {
            JobState::AtProducer => {
                self.stations[job.lane as usize].blocked_count -= 1;
                self.touch(job.lane as usize);
                self.jobs.remove(key);
                self.release_permit(&job, true);
                self.timed_out(&job);
            }
            JobState::Delayed => {
                self.producers.waiting_outside -= 1;
                self.jobs.remove(key);
                self.timed_out(&job);
            }
            JobState::Queued => {
                self.release_permit(&job, true);
                let gone = self.jobs.get_mut(key);
                gone.state = JobState::Tombstone;
                gone.holds_permit = false;
                self.stations[job.lane as usize].queue.mark_gone();
                self.touch(job.lane as usize);
                self.timed_out(&job);
                self.admit_blocked(job.lane as usize);
            }
            JobState::InService { worker } => {
                self.timed_out(&job);
                match self.pool.started_work {
                    StartedWork::Finish => {
                        self.jobs.get_mut(key).state = JobState::Abandoned { worker }
                    }
                    StartedWork::Cancel => {
                        self.dependency
                            .cut_off(self.now, job.call, self.now - job.started);
                        self.recorder
                            .wasted_work(job.measured, self.now - job.started);
                        self.jobs.remove(key);
                        self.release_permit(&job, true);
                        self.pool.workers[worker as usize].job = None;
                        self.worker_stopped(worker);
                        self.worker_released(worker);
                    }
                }
            }
            JobState::Onward => self.gave_up_onward(key),
            JobState::Free
            | JobState::Tombstone
            | JobState::Abandoned { .. }
            | JobState::Retrying => {}
        }
    }

    /// The client gave up on this attempt: it retries, or the request times out.
    pub(super) fn timed_out(&mut self, job: &Job) {
        if !self.twin_carries_on(job) && !self.maybe_retry(job, Setback::TimedOut) {
            self.recorder.timeout(job.class, job.measured);
            self.watched_exit(job, watch::How::TimedOut);
            self.client_answered(job.producer as usize);
        }
    }

    pub(super) fn on_give_up(&mut self, key: JobKey, generation: u32) {
        if !self.jobs.is_current(key, generation)
            || self.jobs.get(key).state != JobState::AtProducer
        {
            return;
        }
        let job = self.jobs.get(key);
        let (producer, lane) = (job.producer as usize, job.lane as usize);
        self.stations[lane].blocked_count -= 1;
        self.touch(lane);
        if !self.reject(key, RejectReason::BlockTimeout) {
            self.client_answered(producer);
        }
    }
}
