//! Progress while a waiter polls: a spinner with the last status seen, the time waited and the
//! polls made on a terminal, plain lines otherwise (one at the start, then one every few
//! seconds).

use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures_util::future::Either;
use theopenmoney::WaitError;

use super::exit::{Class, Failure};
use super::trace::Polled;

const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/// A plain progress line this often when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(10);

pub(super) struct Progress {
    waiter: String,
    terminal: bool,
    polled: Arc<Mutex<Polled>>,
    started: Instant,
}

impl Progress {
    pub(super) fn start(waiter: &str, terminal: bool, polled: &Arc<Mutex<Polled>>) -> Self {
        if !terminal {
            eprintln!("waiting for {waiter}…");
        }
        Self {
            waiter: waiter.to_owned(),
            terminal,
            polled: Arc::clone(polled),
            started: Instant::now(),
        }
    }

    /// Runs `wait`, drawing progress until it ends.
    pub(super) async fn drive<T>(&self, wait: impl Future<Output = T>) -> T {
        let mut wait = std::pin::pin!(wait);
        let tick = if self.terminal {
            Duration::from_millis(100)
        } else {
            PLAIN_EVERY
        };
        let mut frame = 0;
        loop {
            let sleep = std::pin::pin!(tokio::time::sleep(tick));
            match futures_util::future::select(wait.as_mut(), sleep).await {
                Either::Left((done, _)) => {
                    if self.terminal {
                        eprint!("\r\x1b[2K");
                    }
                    eprintln!("{} ended · {}", self.waiter, self.status());
                    return done;
                }
                Either::Right(((), _)) => {
                    if self.terminal {
                        eprint!(
                            "\r\x1b[2K{} waiting for {} · {}",
                            FRAMES[frame % FRAMES.len()],
                            self.waiter,
                            self.status()
                        );
                        frame += 1;
                    } else {
                        eprintln!("still waiting for {} · {}", self.waiter, self.status());
                    }
                }
            }
        }
    }

    fn status(&self) -> String {
        let polled = self.polled.lock().map(|p| p.clone()).unwrap_or_default();
        let state = polled
            .state
            .map(|s| format!("status {} · ", super::output::for_terminal(&s)))
            .unwrap_or_default();
        format!(
            "{state}{}s, {} poll{}",
            self.started.elapsed().as_secs(),
            polled.polls,
            if polled.polls == 1 { "" } else { "s" }
        )
    }
}

/// The failure a wait ended with.
pub(super) fn failure<T>(error: &WaitError<T>) -> Failure {
    match error {
        WaitError::Failed { waiter, state, .. } => Failure::new(
            Class::WaitFailed,
            format!("{waiter}: reached `{state}`, which it can no longer leave"),
        ),
        WaitError::TimedOut {
            waiter,
            waited,
            state,
            ..
        } => Failure::new(
            Class::WaitTimedOut,
            format!(
                "{waiter}: timed out after {}s{}",
                waited.as_secs(),
                state
                    .as_ref()
                    .map(|s| format!(" (last status `{s}`)"))
                    .unwrap_or_default()
            ),
        ),
        WaitError::Call { source, .. } => Failure::of(source),
        _ => Failure::new(Class::Other, "the wait ended for an unknown reason"),
    }
}
