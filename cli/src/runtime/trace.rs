//! `--verbose`: one line on stderr per attempt (method, path, status, attempt number, replayed), read
//! from the sdk's `theopenmoney.call` spans. It also keeps what a waiter saw last (its `polled`
//! events), for the progress line. The spans and events carry no key; nothing here could print
//! one.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::Mutex;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

/// The sdk's span around one call.
const CALL_SPAN: &str = "theopenmoney.call";

/// The layer.
#[derive(Debug)]
pub struct Attempts {
    /// Print each attempt.
    pub verbose: bool,
    /// What the waiter saw last.
    pub polled: Arc<Mutex<Polled>>,
    /// `(operationId, method, path)` of each operation.
    pub routes: &'static [(&'static str, &'static str, &'static str)],
}

/// A waiter's last poll: the field's value and the polls made.
#[derive(Debug, Default, Clone)]
pub struct Polled {
    /// The value of the field the waiter watches, e.g. the order's status.
    pub state: Option<String>,
    /// Polls so far.
    pub polls: u64,
}

impl Visit for Polled {
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "polls" {
            self.polls = value;
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.record_u64(field, u64::try_from(value).unwrap_or_default());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "state" {
            self.state = Some(format!("{value:?}"));
        }
    }
}

/// What a call span has told so far.
#[derive(Debug, Default)]
struct Call {
    operation: String,
    attempt: u64,
    status: Option<u64>,
    replayed: bool,
    message: String,
}

impl Visit for Call {
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "attempt" => self.attempt = value,
            "status" => self.status = Some(value),
            _ => {}
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.record_u64(field, u64::try_from(value).unwrap_or_default());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        if field.name() == "replayed" {
            self.replayed = value;
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "operation" {
            self.operation = value.to_owned();
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if matches!(field.name(), "message" | "error" | "wait_ms") {
            let _ = write!(self.message, " {}={value:?}", field.name());
        }
    }
}

impl Attempts {
    fn route(&self, operation: &str) -> (&'static str, &'static str) {
        self.routes
            .iter()
            .find(|(id, _, _)| *id == operation)
            .map_or(("?", "?"), |(_, m, p)| (*m, *p))
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Attempts {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() != CALL_SPAN {
            return;
        }
        let mut call = Call::default();
        attrs.record(&mut call);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(call);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut extensions = span.extensions_mut();
        let Some(call) = extensions.get_mut::<Call>() else {
            return;
        };
        let before = call.status;
        call.status = None;
        values.record(call);
        match call.status {
            Some(status) if self.verbose => {
                let (method, path) = self.route(&call.operation);
                let replayed = if call.replayed { ", replayed" } else { "" };
                eprintln!(
                    "> {method} {path} attempt {}: {status}{replayed} ({})",
                    call.attempt, call.operation
                );
            }
            None => call.status = before,
            _ => {}
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        // The sdk's own events only (polled, retrying, giving up), not its HTTP stack's.
        if !event.metadata().target().starts_with("theopenmoney") {
            return;
        }
        let mut polled = Polled::default();
        event.record(&mut polled);
        if polled.state.is_some()
            && let Ok(mut last) = self.polled.lock()
        {
            *last = polled;
        }
        if !self.verbose {
            return;
        }
        let Some(span) = ctx.event_span(event) else {
            return;
        };
        let extensions = span.extensions();
        let Some(call) = extensions.get::<Call>() else {
            return;
        };
        let mut seen = Call::default();
        event.record(&mut seen);
        let (method, path) = self.route(&call.operation);
        eprintln!(
            "> {method} {path} attempt {}:{}",
            call.attempt, seen.message
        );
    }
}
