//! Data files that ship with Queue Lab, for exercises. An exercise reads no files of its own —
//! in the browser there are none, and a shared exercise must run the same everywhere — but one
//! built on a real-looking trace needs its rows: those files are compiled in and found by name.
//!
//! `busy-morning.csv`: a sandwich shop's checkouts from 10:00 to 13:00 with a lunchtime spike
//! (5 313 rows, 43 KB, 17 KB gzipped in the download), written by `scripts/make-busy-morning.py`.

use super::{too_large, DataFile, DataFiles};
use std::sync::{Arc, OnceLock};

/// The shipped files, by the name an exercise writes (`file = "busy-morning.csv"`).
const FILES: [(&str, &[u8]); 1] = [(
    "busy-morning.csv",
    include_bytes!("../../exercises/data/busy-morning.csv"),
)];

/// The data files every exercise may name.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shipped;

impl DataFiles for Shipped {
    fn open(&self, name: &str, cap: u64) -> Result<DataFile, String> {
        let (_, bytes) = FILES
            .iter()
            .find(|(shipped, _)| *shipped == name)
            .ok_or_else(|| {
                let names: Vec<&str> = FILES.iter().map(|(name, _)| *name).collect();
                format!(
                    "an exercise reads only the data files that ship with Queue Lab ({}), not {name:?}: give other data inline",
                    names.join(", ")
                )
            })?;
        if bytes.len() as u64 > cap {
            return Err(too_large(name, bytes.len() as u64, cap));
        }
        Ok(DataFile {
            origin: name.to_string(),
            reader: Box::new(std::io::Cursor::new(*bytes)),
        })
    }
}

/// The shipped files, shared (a configuration holds them to replay a trace as it runs).
pub fn shipped() -> Arc<dyn DataFiles> {
    static FILES: OnceLock<Arc<dyn DataFiles>> = OnceLock::new();
    FILES.get_or_init(|| Arc::new(Shipped)).clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shipped_file_opens_by_name_and_another_is_refused_with_the_list() {
        let mut text = String::new();
        let file = Shipped.open("busy-morning.csv", 1 << 20).unwrap();
        std::io::Read::read_to_string(&mut { file.reader }, &mut text).unwrap();
        assert!(text.starts_with("time\n"));
        let refused = Shipped.open("mine.csv", 1 << 20).unwrap_err();
        assert!(
            refused.contains("busy-morning.csv") && refused.contains("mine.csv"),
            "{refused}"
        );
        assert!(Shipped.open("busy-morning.csv", 10).is_err());
    }
}
