//! Replaying a trace: each row of the file is an arrival, read as the run reaches it, so memory
//! stays flat however long the trace. The file was checked row by row when the scenario was
//! validated; should it change under a run, the replay stops at the first row it cannot use and
//! keeps the message ([`TraceStream::failure`]).

use crate::data::trace::{TraceReader, TraceRow};
use crate::scenario::limits::MAX_TRACE_BYTES;
use crate::scenario::TraceArrivals;

/// The arrivals of a trace, in scenario seconds, with each row's own service, class and key.
pub struct TraceStream {
    trace: TraceArrivals,
    reader: Option<TraceReader<'static>>,
    /// Completed passes through the file (with `loop`).
    pass: u64,
    /// Rows handed out so far, over all passes.
    delivered: u64,
    current: Option<TraceRow>,
    failure: Option<String>,
}

impl std::fmt::Debug for TraceStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "TraceStream({:?}, {} rows delivered)",
            self.trace, self.delivered
        )
    }
}

impl Clone for TraceStream {
    /// A copy at the same place: the file is opened again and read up to it.
    fn clone(&self) -> Self {
        let mut copy = TraceStream::new(&self.trace);
        while copy.delivered < self.delivered && copy.next_secs().is_some() {}
        copy
    }
}

impl TraceStream {
    pub fn new(trace: &TraceArrivals) -> Self {
        let mut stream = TraceStream {
            trace: trace.clone(),
            reader: None,
            pass: 0,
            delivered: 0,
            current: None,
            failure: None,
        };
        stream.reader = stream.open();
        stream
    }

    fn open(&mut self) -> Option<TraceReader<'static>> {
        let opened = self
            .trace
            .files
            .open(&self.trace.file, MAX_TRACE_BYTES)
            .and_then(|file| TraceReader::new(file.reader, &file.origin, &self.trace.spec));
        match opened {
            Ok(reader) => Some(reader),
            Err(message) => {
                self.failure = Some(message);
                None
            }
        }
    }

    /// The next arrival in scenario seconds, or `None` at the end of the trace.
    pub fn next_secs(&mut self) -> Option<f64> {
        loop {
            let reader = self.reader.as_mut()?;
            match reader.next_row() {
                Some(Ok(row)) => {
                    let offset = row.time - self.trace.base_secs;
                    if offset < 0.0 {
                        continue;
                    }
                    let at =
                        (offset + self.pass as f64 * self.trace.period_secs) / self.trace.scale;
                    self.current = Some(row);
                    self.delivered += 1;
                    return Some(at);
                }
                Some(Err((message, _))) => {
                    self.failure = Some(message);
                    self.reader = None;
                    return None;
                }
                None if self.trace.looped && self.delivered > 0 => {
                    self.pass += 1;
                    self.reader = self.open();
                }
                None => {
                    self.reader = None;
                    return None;
                }
            }
        }
    }

    /// The row of the last arrival handed out.
    pub fn current(&self) -> Option<&TraceRow> {
        self.current.as_ref()
    }

    /// Rows handed out so far (over every pass of a loop).
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    /// Why the replay stopped early, if the file changed under the run.
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }
}
