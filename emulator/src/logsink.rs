//! The emulator's log sink: lines go to a bounded queue drained by one
//! thread that writes them to stderr. Request handling never waits on the
//! log: when stderr is not being read (a parent that spawned the emulator
//! with a pipe it never drains) and the queue is full, new lines are
//! dropped and counted, and once lines flow again the sink writes how many
//! were dropped.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;

/// How many log lines may wait for stderr before new ones are dropped.
pub const QUEUE_LINES: usize = 1024;

/// A `MakeWriter` for `tracing_subscriber` that never blocks the caller.
#[derive(Clone)]
pub struct LogSink {
    queue: SyncSender<Vec<u8>>,
    dropped: Arc<AtomicU64>,
}

impl LogSink {
    /// A sink writing to `out` (stderr in the binary) from its own thread.
    pub fn start<W: Write + Send + 'static>(out: W) -> Self {
        let (queue, lines) = sync_channel(QUEUE_LINES);
        let dropped = Arc::new(AtomicU64::new(0));
        let counter = dropped.clone();
        std::thread::Builder::new()
            .name("room-emulator-log".into())
            .spawn(move || drain(lines, out, &counter))
            .map(|_| ())
            .unwrap_or_else(|e| eprintln!("room-emulator: no log thread ({e}); logging off"));
        LogSink { queue, dropped }
    }

    /// Lines dropped so far because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// Writes queued lines; after a line goes out, reports lines dropped since
/// the last report.
fn drain<W: Write>(lines: Receiver<Vec<u8>>, mut out: W, dropped: &AtomicU64) {
    let mut reported = 0u64;
    while let Ok(line) = lines.recv() {
        if out.write_all(&line).is_err() {
            // stderr is gone (closed pipe): keep draining so senders never block.
            continue;
        }
        let now = dropped.load(Ordering::Relaxed);
        if now > reported {
            let _ = writeln!(
                out,
                "room-emulator: {} log line(s) dropped: stderr was not read fast enough",
                now - reported
            );
            reported = now;
        }
        let _ = out.flush();
    }
}

/// One log line being formatted; queued when dropped.
pub struct Line {
    buf: Vec<u8>,
    sink: LogSink,
}

impl Write for Line {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        match self.sink.queue.try_send(std::mem::take(&mut self.buf)) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.sink.dropped.fetch_add(1, Ordering::Relaxed);
            }
            Err(TrySendError::Disconnected(_)) => {}
        }
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogSink {
    type Writer = Line;

    fn make_writer(&'a self) -> Line {
        Line {
            buf: Vec::with_capacity(160),
            sink: self.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A writer that blocks until released, like a pipe nobody reads.
    struct Stuck(Arc<Mutex<()>>, Arc<Mutex<Vec<u8>>>);

    impl Write for Stuck {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            let _wait = self.0.lock().unwrap_or_else(|p| p.into_inner());
            self.1
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_stuck_stderr_never_blocks_the_logger_and_drops_are_reported() {
        let gate = Arc::new(Mutex::new(()));
        let written = Arc::new(Mutex::new(Vec::new()));
        let held = gate.lock().unwrap();
        let sink = LogSink::start(Stuck(gate.clone(), written.clone()));
        use tracing_subscriber::fmt::MakeWriter as _;
        // Far more lines than the queue holds: every write returns at once.
        for i in 0..(QUEUE_LINES * 3) {
            let mut line = sink.make_writer();
            writeln!(line, "line {i}").unwrap();
        }
        assert!(sink.dropped() >= (QUEUE_LINES as u64), "{}", sink.dropped());
        // stderr drains again: the queued lines and the drop report come out
        // (a line written while the queue is still full is itself dropped,
        // so keep writing until one gets through).
        drop(held);
        for _ in 0..500 {
            let mut line = sink.make_writer();
            writeln!(line, "after").unwrap();
            drop(line);
            std::thread::sleep(std::time::Duration::from_millis(10));
            let text = String::from_utf8_lossy(&written.lock().unwrap()).into_owned();
            if text.contains("after") {
                assert!(text.contains("log line(s) dropped"), "no drop report");
                assert!(text.starts_with("line 0\n"));
                return;
            }
        }
        panic!("the sink never drained");
    }
}
