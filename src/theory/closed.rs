//! Closed loop: `clients` users each wait for their answer, think, and ask again, so the arrival
//! rate is not given — it is whatever the pool's response time allows. Exact mean value analysis
//! (Reiser & Lavenberg 1980) of the two-station network (think → c workers) finds it.

/// Requests per second `clients` users send to `workers` workers, each request holding a worker
/// `hold` seconds on average, each user thinking `think` seconds between answer and next request.
/// Exact for exponential service (load-dependent MVA); the think time's distribution does not
/// matter. `None` when there is nothing to compute.
///
/// ```
/// use queuelab::theory::closed_loop_throughput;
/// // One user, no queueing: one request per think + service.
/// let x = closed_loop_throughput(1, 1.0, 0.25, 4).unwrap();
/// assert!((x - 0.8).abs() < 1e-12);
/// ```
pub fn closed_loop_throughput(
    clients: usize,
    think: f64,
    hold: f64,
    workers: usize,
) -> Option<f64> {
    if clients == 0 || workers == 0 || hold <= 0.0 || clients > 20_000 {
        return None;
    }
    let mu = 1.0 / hold;
    // p[j]: probability that j requests are at the pool, for the current population.
    let mut p = vec![0.0; clients + 1];
    p[0] = 1.0;
    let mut throughput = 0.0;
    for n in 1..=clients {
        let rate = |j: usize| mu * j.min(workers) as f64;
        let response: f64 = (1..=n).map(|j| j as f64 / rate(j) * p[j - 1]).sum();
        throughput = n as f64 / (think + response);
        for j in (1..=n).rev() {
            p[j] = throughput / rate(j) * p[j - 1];
        }
        p[0] = (1.0 - p[1..=n].iter().sum::<f64>()).max(0.0);
    }
    Some(throughput)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_clients_saturate_the_workers() {
        // 100 users, 10 ms think, 100 ms work, 4 workers: the pool is the bottleneck, 40/s.
        let x = closed_loop_throughput(100, 0.01, 0.1, 4).unwrap();
        assert!((x - 40.0).abs() < 1e-6, "{x}");
    }

    #[test]
    fn few_clients_against_many_workers_never_wait() {
        // 3 users, 4 workers: nobody waits, each cycle is think + hold.
        let x = closed_loop_throughput(3, 0.5, 0.5, 4).unwrap();
        assert!((x - 3.0).abs() < 1e-9, "{x}");
    }

    #[test]
    fn a_single_server_matches_the_machine_repairman_model() {
        // Machine repairman, N = 2, Z = 1, S = 1: p0 = 1 / (1 + 2 + 2) = 0.2, X = 0.8.
        let x = closed_loop_throughput(2, 1.0, 1.0, 1).unwrap();
        assert!((x - 0.8).abs() < 1e-12, "{x}");
    }
}
