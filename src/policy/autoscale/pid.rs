//! A PID controller sizing the pool toward a target utilisation (seed book 003, task 16: Kp 10,
//! Ki 0.5, Kd 1.0 toward 0.7), with anti-windup by conditional integration: while the output is
//! pinned at min or max, the integral stops growing in the direction that pins it.
//!
//! Position form: size = bias + Kp·e + Ki·∫e dt + Kd·de/dt, with e = utilisation − target (too
//! busy → positive → more workers) and bias the pool's starting size.
//!
//! ```
//! use queuelab::policy::autoscale::Pid;
//! let mut pid = Pid::new(10.0, 0.5, 1.0, 0.0, 100.0);
//! let out = pid.step(0.2, 1.0, 10.0);       // error 0.2 for 1 s around a bias of 10
//! assert!((out - (10.0 + 2.0 + 0.1)).abs() < 1e-12); // no derivative on the first step
//! ```

use super::{Autoscaler, PoolSignals};
use crate::time::{SimDuration, SimTime};

#[derive(Debug, Clone, PartialEq)]
pub struct Pid {
    pub kp: f64,
    pub ki: f64,
    pub kd: f64,
    min_output: f64,
    max_output: f64,
    integral: f64,
    last_error: Option<f64>,
}

impl Pid {
    pub fn new(kp: f64, ki: f64, kd: f64, min_output: f64, max_output: f64) -> Self {
        Pid {
            kp,
            ki,
            kd,
            min_output,
            max_output,
            integral: 0.0,
            last_error: None,
        }
    }

    /// One control step: `error` now, `dt` seconds since the last step, around `bias`.
    pub fn step(&mut self, error: f64, dt: f64, bias: f64) -> f64 {
        let derivative = match self.last_error {
            Some(last) if dt > 0.0 => (error - last) / dt,
            _ => 0.0,
        };
        self.last_error = Some(error);
        let candidate_integral = self.integral + error * dt;
        let unclamped =
            bias + self.kp * error + self.ki * candidate_integral + self.kd * derivative;
        let saturated_high = unclamped > self.max_output && error > 0.0;
        let saturated_low = unclamped < self.min_output && error < 0.0;
        if !(saturated_high || saturated_low) {
            self.integral = candidate_integral;
        }
        let output = bias + self.kp * error + self.ki * self.integral + self.kd * derivative;
        output.clamp(self.min_output, self.max_output)
    }

    pub fn integral(&self) -> f64 {
        self.integral
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PidConfig {
    pub interval: SimDuration,
    pub min_workers: usize,
    pub max_workers: usize,
    pub target_utilization: f64,
    pub kp: f64,
    pub ki: f64,
    pub kd: f64,
}

impl Default for PidConfig {
    fn default() -> Self {
        PidConfig {
            interval: SimDuration::from_millis(500),
            min_workers: 2,
            max_workers: 32,
            target_utilization: 0.7,
            kp: 10.0,
            ki: 0.5,
            kd: 1.0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct PidAutoscaler {
    config: PidConfig,
    pid: Pid,
    bias: Option<f64>,
    last_tick: Option<SimTime>,
}

impl PidAutoscaler {
    pub fn new(config: PidConfig) -> Self {
        let pid = Pid::new(
            config.kp,
            config.ki,
            config.kd,
            config.min_workers as f64,
            config.max_workers as f64,
        );
        PidAutoscaler {
            config,
            pid,
            bias: None,
            last_tick: None,
        }
    }
}

impl Autoscaler for PidAutoscaler {
    fn interval(&self) -> SimDuration {
        self.config.interval
    }

    fn on_tick(&mut self, signals: &PoolSignals) -> Option<usize> {
        let bias = *self.bias.get_or_insert(signals.size as f64);
        let dt = self
            .last_tick
            .map_or(self.config.interval.as_secs_f64(), |last| {
                (signals.now - last).as_secs_f64()
            });
        self.last_tick = Some(signals.now);
        let error = signals.utilization - self.config.target_utilization;
        let size = self.pid.step(error, dt, bias).round() as usize;
        (size != signals.size).then_some(size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integral_stops_growing_while_saturated() {
        let mut pid = Pid::new(10.0, 0.5, 0.0, 2.0, 12.0);
        for _ in 0..100 {
            assert_eq!(pid.step(0.3, 1.0, 10.0), 12.0);
        }
        assert!(pid.integral() < 1.0, "wound up to {}", pid.integral());
        // The moment the error turns, the output leaves the limit at once.
        assert!(pid.step(-0.2, 1.0, 10.0) < 12.0);
    }

    #[test]
    fn steady_error_is_removed_by_the_integral() {
        let mut pid = Pid::new(0.0, 1.0, 0.0, 0.0, 100.0);
        let outputs: Vec<f64> = (0..3).map(|_| pid.step(1.0, 2.0, 5.0)).collect();
        assert_eq!(outputs, [7.0, 9.0, 11.0]);
    }
}
