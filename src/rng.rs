//! The one source of randomness: a seeded xoshiro256++ generator, split into named streams.
//!
//! Every random draw in a run comes from a generator derived from the run's seed, never from the
//! environment, so the same seed reproduces a run bit for bit on every platform (natively and in
//! WebAssembly). Each part of the model draws from its *own* stream (arrivals, service times, class
//! choice, ...): changing the number of workers then changes nothing about which jobs arrive when or
//! how big they are, which makes before/after comparisons true A/B tests (common random numbers).
//!
//! ```
//! use queuelab::rng::Rng;
//! let mut a = Rng::stream(7, 1);
//! let mut b = Rng::stream(7, 1);
//! assert_eq!(a.next_u64(), b.next_u64());
//! assert_ne!(Rng::stream(7, 1).next_u64(), Rng::stream(7, 2).next_u64());
//! ```

/// xoshiro256++ (Blackman & Vigna, 2019): fast, 256 bits of state, passes BigCrush.
#[derive(Debug, Clone)]
pub struct Rng {
    state: [u64; 4],
}

fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// A generator seeded from one `u64`, expanded with SplitMix64 as the xoshiro authors recommend.
    pub fn new(seed: u64) -> Self {
        let mut x = seed;
        let state = [
            splitmix64(&mut x),
            splitmix64(&mut x),
            splitmix64(&mut x),
            splitmix64(&mut x),
        ];
        Rng { state }
    }

    /// An independent stream for one purpose within a run seeded with `seed`.
    pub fn stream(seed: u64, stream: u64) -> Self {
        let mut x = seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        let mixed = splitmix64(&mut x);
        Rng::new(mixed ^ stream.rotate_left(17))
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1) with 53 bits of precision.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in (0, 1]: safe to take the logarithm of.
    pub fn next_f64_open_zero(&mut self) -> f64 {
        1.0 - self.next_f64()
    }

    /// Uniform integer in [0, bound) without modulo bias (Lemire's method). `bound` must be > 0.
    pub fn below(&mut self, bound: u64) -> u64 {
        debug_assert!(bound > 0);
        let mut m = (self.next_u64() as u128) * (bound as u128);
        if (m as u64) < bound {
            let threshold = bound.wrapping_neg() % bound;
            while (m as u64) < threshold {
                m = (self.next_u64() as u128) * (bound as u128);
            }
        }
        (m >> 64) as u64
    }
}

/// Random streams derived from the seed, one family per purpose: adding a producer or a policy
/// never shifts another's draws.
pub mod streams {
    pub const ARRIVAL_STREAM: u64 = 1 << 20;
    pub const SERVICE_STREAM: u64 = 2 << 20;
    pub const CLASS_STREAM: u64 = 3 << 20;
    pub const THINK_STREAM: u64 = 4 << 20;
    pub const LIMITER_STREAM: u64 = 5 << 20;
    pub const RETRY_STREAM: u64 = 6 << 20;
    pub const HEDGE_STREAM: u64 = 7 << 20;
    /// Pipeline stages: one stream per (stage, request), `+ (stage << 36) + serial`.
    pub const STAGE_STREAM: u64 = 8 << 20;
    /// Request keys (`[keys]`), drawn as requests are generated.
    pub const KEY_STREAM: u64 = 9 << 20;
    /// Fan-out calls: one stream per (request, attempt), `| attempt << 40 | serial`. The top
    /// bit keeps it apart from every family above, whose ids stay below 2⁶⁰.
    pub const FANOUT_STREAM: u64 = 1 << 63;
    /// Routing between stations: one stream per (request, hop), `| hop << 40 | serial`.
    pub const ROUTE_STREAM: u64 = 1 << 62;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xoshiro_matches_the_reference_implementation() {
        // State [1, 2, 3, 4] as in the reference C code's test vectors.
        let mut rng = Rng {
            state: [1, 2, 3, 4],
        };
        let expected = [41943041, 58720359, 3588806011781223, 3591011842654386];
        for value in expected {
            assert_eq!(rng.next_u64(), value);
        }
    }

    #[test]
    fn next_f64_stays_in_the_unit_interval_and_has_the_right_mean() {
        let mut rng = Rng::new(3);
        let n = 100_000;
        let mut sum = 0.0;
        for _ in 0..n {
            let u = rng.next_f64();
            assert!((0.0..1.0).contains(&u));
            sum += u;
        }
        assert!((sum / n as f64 - 0.5).abs() < 0.005);
    }

    #[test]
    fn below_is_unbiased_over_small_ranges() {
        let mut rng = Rng::new(11);
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            counts[rng.below(3) as usize] += 1;
        }
        for count in counts {
            assert!((9_500..10_500).contains(&count), "{counts:?}");
        }
    }
}
