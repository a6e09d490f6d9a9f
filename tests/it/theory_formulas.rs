//! The closed forms the playground shows agree with the reference table.

use queuelab::theory::Prediction;

#[test]
fn formulas_match_the_reference_table() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/reference/queueing-theory.csv"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let mut checked = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (c, lambda, mu, scv): (u32, f64, f64, f64) = (
            f[1].parse().unwrap(),
            f[3].parse().unwrap(),
            f[4].parse().unwrap(),
            f[5].parse().unwrap(),
        );
        let prediction = match f[0] {
            "MMcK" => Prediction::mmck(c, f[2].parse::<u32>().unwrap() - c, lambda, mu),
            _ => Prediction::mgc(c, lambda, mu, scv),
        };
        let Some(p) = prediction else { continue };
        let actual = match f[6] {
            "Wq" => p.wait_mean,
            "W" => p.latency_mean,
            "Lq" => p.mean_queue_len,
            "L" => p.mean_in_system,
            "P_block" => p.rejected_ratio,
            "throughput" => p.throughput,
            "util" => p.utilization,
            "P_wait" if f[0] != "MMcK" => p.waited_ratio,
            _ => continue,
        };
        let expected: f64 = f[7].parse().unwrap();
        assert!(
            (actual - expected).abs() <= 1e-9 + 1e-9 * expected.abs(),
            "{line}: got {actual}"
        );
        checked += 1;
    }
    assert!(checked > 400, "{checked}");
}
