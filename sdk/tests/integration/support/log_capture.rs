//! Captures tracing output (all levels) into a buffer: to bound what a call logs, and to look
//! for what must never be logged.

use std::cell::RefCell;
use std::io;
use std::sync::{Arc, LazyLock, Mutex, Once};

use tracing_subscriber::fmt::MakeWriter;

#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    pub fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

thread_local! {
    /// Where this thread's events go while a capture runs on it.
    static SINK: RefCell<Option<Captured>> = const { RefCell::new(None) };
}

/// Every event of every test in this binary, for checks that must see all of them.
static PROCESS_WIDE: LazyLock<Captured> = LazyLock::new(Captured::default);

/// The global subscriber's writer: the process-wide buffer, and the capturing thread's.
struct ThreadSink;

struct SinkWriter(Option<Captured>);

impl io::Write for SinkWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        PROCESS_WIDE.clone().write(bytes)?;
        match &mut self.0 {
            Some(captured) => captured.write(bytes),
            None => Ok(bytes.len()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for ThreadSink {
    type Writer = SinkWriter;
    fn make_writer(&'a self) -> Self::Writer {
        SinkWriter(SINK.with(|sink| sink.borrow().clone()))
    }
}

/// Runs `future` with every TRACE-level event of this thread written into the returned buffer.
/// One global subscriber serves every test: a per-thread `set_default` races with the callsite
/// interest cache when other tests' threads log without a subscriber, and then drops events.
/// Use it from a current-thread runtime (`#[tokio::test]`), whose tasks all run on this thread.
pub async fn capture_logs<F: std::future::Future>(future: F) -> (F::Output, Captured) {
    install();
    let captured = Captured::default();
    SINK.with(|sink| *sink.borrow_mut() = Some(captured.clone()));
    let output = future.await;
    SINK.with(|sink| *sink.borrow_mut() = None);
    (output, captured)
}

/// Everything every test of this binary logged from now on (and some of what came before).
pub fn process_wide() -> Captured {
    install();
    PROCESS_WIDE.clone()
}

fn install() {
    static GLOBAL: Once = Once::new();
    GLOBAL.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(ThreadSink)
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber in this test binary");
    });
}
