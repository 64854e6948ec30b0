//! What a run did, checked against the sandbox's records, and the table that shows it.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Duration;

use super::calls::{CallEnd, CallOutcome, Strategy, is_run_reference};
use super::fault::Fault;
use super::proxy::ProxyStats;
use super::records::ServerOrder;

/// The tally of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    /// How the client handled failures.
    pub strategy: Strategy,
    /// Calls made (one per `client_reference`).
    pub calls: usize,
    /// Requests, forwards, replays and faults, as the proxy counted them.
    pub proxy: ProxyStats,
    /// Calls whose first sdk call returned an error.
    pub first_call_failed: usize,
    /// Of those, calls that still ended with an order in hand (resolved with the same key, or
    /// re-submitted under a new one).
    pub recovered: usize,
    /// Orders the sandbox holds for the run's calls.
    pub orders: usize,
    /// Orders beyond the first for one call.
    pub duplicates: usize,
    /// Calls the sandbox has no order for.
    pub lost: usize,
    /// Calls the sandbox has an order for that the client does not hold: it never learned the
    /// order exists (an unknown outcome given up on, or a failure that was not one).
    pub orphaned: usize,
    /// Calls whose outcome the client still does not know.
    pub unknown: usize,
    /// Calls where the client holds an order id or key that the sandbox does not have for that
    /// `client_reference`.
    pub disagreements: usize,
    /// Calls with exactly one order at the sandbox, which the client holds under the key the
    /// sandbox recorded.
    pub exactly_once: usize,
    /// Orders at the sandbox that no call of the run asked for.
    pub stray_orders: usize,
    /// Call latency, first attempt to end.
    pub latency: Latency,
    /// Wall time of the calls.
    pub elapsed: Duration,
}

/// Latency percentiles (nearest rank).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Latency {
    /// Median.
    pub p50: Duration,
    /// 99th percentile.
    pub p99: Duration,
    /// Slowest.
    pub max: Duration,
}

impl Latency {
    /// Percentiles of `samples`; zero when there are none.
    pub fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        let rank = |p: f64| -> Duration {
            if samples.is_empty() {
                return Duration::ZERO;
            }
            // Nearest rank: the smallest sample with at least p of the samples at or below it.
            let rank = (p * samples.len() as f64).ceil() as usize;
            samples[rank.clamp(1, samples.len()) - 1]
        };
        Self {
            p50: rank(0.50),
            p99: rank(0.99),
            max: rank(1.0),
        }
    }
}

impl RunReport {
    /// Compares what the client saw with what the sandbox recorded.
    pub(crate) fn tally(
        strategy: Strategy,
        outcomes: &[CallOutcome],
        orders: &[ServerOrder],
        proxy: ProxyStats,
        elapsed: Duration,
    ) -> Self {
        let mut by_reference: HashMap<&str, Vec<&ServerOrder>> = HashMap::new();
        for order in orders.iter().filter(|order| is_run_reference(order)) {
            if let Some(reference) = order.client_reference.as_deref() {
                by_reference.entry(reference).or_default().push(order);
            }
        }
        let mut report = Self {
            strategy,
            calls: outcomes.len(),
            proxy,
            first_call_failed: 0,
            recovered: 0,
            orders: 0,
            duplicates: 0,
            lost: 0,
            orphaned: 0,
            unknown: 0,
            disagreements: 0,
            exactly_once: 0,
            stray_orders: orders.len(),
            latency: Latency::of(outcomes.iter().map(|o| o.latency).collect()),
            elapsed,
        };
        for outcome in outcomes {
            let server = by_reference
                .remove(outcome.reference.as_str())
                .unwrap_or_default();
            report.stray_orders -= server.len();
            report.orders += server.len();
            report.duplicates += server.len().saturating_sub(1);
            report.lost += usize::from(server.is_empty());
            if outcome.first_call_failed && matches!(outcome.end, CallEnd::Created { .. }) {
                report.recovered += 1;
            }
            report.first_call_failed += usize::from(outcome.first_call_failed);
            match &outcome.end {
                CallEnd::Created { id, key } => {
                    let recorded = server.iter().any(|order| {
                        order.id == id.0 && order.idempotency_key.as_deref() == Some(key.as_str())
                    });
                    report.disagreements += usize::from(!recorded);
                    report.exactly_once += usize::from(recorded && server.len() == 1);
                }
                CallEnd::Unknown => {
                    report.unknown += 1;
                    report.orphaned += usize::from(!server.is_empty());
                }
                CallEnd::Failed => report.orphaned += usize::from(!server.is_empty()),
            }
        }
        report
    }

    /// Every way the run falls short of exactly-once creation; empty when it holds.
    pub fn violations(&self) -> Vec<String> {
        let mut found = Vec::new();
        let mut check = |count: usize, what: &str| {
            if count > 0 {
                found.push(format!("{count} {what}"));
            }
        };
        check(self.duplicates, "duplicate orders");
        check(self.lost, "calls lost (no order at the sandbox)");
        check(self.orphaned, "orders the client never learned of");
        check(self.unknown, "calls with an unknown outcome");
        check(
            self.disagreements,
            "calls where client and sandbox disagree",
        );
        check(self.stray_orders, "orders no call asked for");
        check(
            self.calls - self.exactly_once,
            "calls that did not end with exactly one order",
        );
        found
    }
}

/// The reports side by side, one column per run.
pub fn table(reports: &[RunReport]) -> String {
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    let mut row = |label: &str, value: &dyn Fn(&RunReport) -> String| {
        rows.push((label.to_owned(), reports.iter().map(value).collect()));
    };
    row("calls", &|r| r.calls.to_string());
    row("attempts (requests at the proxy)", &|r| {
        r.proxy.requests.to_string()
    });
    row("faults injected", &|r| r.proxy.total_faults().to_string());
    for fault in Fault::ALL {
        row(&format!("  {fault}"), &|r| {
            r.proxy.faults_of(fault).to_string()
        });
    }
    row("forwarded to the sandbox", &|r| {
        r.proxy.forwarded.to_string()
    });
    row("  answered as an idempotent replay", &|r| {
        r.proxy.replayed.to_string()
    });
    row("upstream errors (not injected)", &|r| {
        r.proxy.upstream_errors.to_string()
    });
    row("first call ended in an error", &|r| {
        r.first_call_failed.to_string()
    });
    row("  still ended with an order", &|r| r.recovered.to_string());
    row("orders created (sandbox records)", &|r| {
        r.orders.to_string()
    });
    row("duplicates", &|r| r.duplicates.to_string());
    row("lost (no order at the sandbox)", &|r| r.lost.to_string());
    row("orphaned (order the client never saw)", &|r| {
        r.orphaned.to_string()
    });
    row("unknown outcome at the end", &|r| r.unknown.to_string());
    row("client/sandbox disagreements", &|r| {
        r.disagreements.to_string()
    });
    row("calls ending with exactly one order", &|r| {
        r.exactly_once.to_string()
    });
    row("call latency p50 / p99", &|r| {
        format!("{} / {}", millis(r.latency.p50), millis(r.latency.p99))
    });
    row("call latency max", &|r| millis(r.latency.max));
    row("wall time", &|r| millis(r.elapsed));
    row("exactly once", &|r| {
        if r.violations().is_empty() {
            "yes"
        } else {
            "NO"
        }
        .to_owned()
    });
    let headings: Vec<&str> = reports.iter().map(|r| r.strategy.label()).collect();
    let label_width = rows.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
    let widths: Vec<usize> = headings
        .iter()
        .enumerate()
        .map(|(i, heading)| {
            rows.iter()
                .map(|(_, values)| values[i].len())
                .chain([heading.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let mut line = |label: &str, values: &[&str]| {
        let _ = write!(out, "{label:<label_width$}");
        for (value, width) in values.iter().zip(&widths) {
            let _ = write!(out, "  {value:>width$}");
        }
        out.push('\n');
    };
    line("", &headings);
    for (label, values) in &rows {
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        line(label, &values);
    }
    out
}

/// Milliseconds, with one decimal below ten.
fn millis(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

#[cfg(test)]
mod tests {
    use theopenmoney::{IdempotencyKey, OrderId};

    use super::*;

    fn order(id: u64, reference: &str, key: &str) -> ServerOrder {
        ServerOrder {
            id,
            client_reference: Some(reference.into()),
            idempotency_key: Some(key.into()),
        }
    }

    fn outcome(reference: &str, end: CallEnd, first_call_failed: bool) -> CallOutcome {
        CallOutcome {
            reference: reference.into(),
            end,
            latency: Duration::from_millis(5),
            first_call_failed,
        }
    }

    fn created(id: u64, key: &str) -> CallEnd {
        CallEnd::Created {
            id: OrderId(id),
            key: IdempotencyKey::new(key).unwrap(),
        }
    }

    #[test]
    fn exactly_once_holds_when_every_call_has_its_one_order() {
        let outcomes = [
            outcome("chaos-1", created(1, "k1"), false),
            outcome("chaos-2", created(2, "k2"), true),
        ];
        let orders = [order(1, "chaos-1", "k1"), order(2, "chaos-2", "k2")];
        let report = RunReport::tally(
            Strategy::Sdk,
            &outcomes,
            &orders,
            ProxyStats::default(),
            Duration::ZERO,
        );
        assert_eq!(report.violations(), Vec::<String>::new());
        assert_eq!(
            (report.exactly_once, report.orders, report.recovered),
            (2, 2, 1)
        );
    }

    #[test]
    fn each_kind_of_damage_is_counted() {
        let outcomes = [
            // Re-submitted under a new key after a lost response: two orders.
            outcome("chaos-1", created(2, "k1b"), true),
            // Gave up although the server committed.
            outcome("chaos-2", CallEnd::Unknown, true),
            // Gave up and nothing was made.
            outcome("chaos-3", CallEnd::Unknown, true),
            // Holds an id the server does not have for this reference.
            outcome("chaos-4", created(99, "k4"), false),
            // Knows it failed (a 429).
            outcome("chaos-5", CallEnd::Failed, true),
        ];
        let orders = [
            order(1, "chaos-1", "k1a"),
            order(2, "chaos-1", "k1b"),
            order(3, "chaos-2", "k2"),
            order(4, "chaos-4", "k4"),
            order(5, "other", "k5"),
        ];
        let report = RunReport::tally(
            Strategy::NaiveNewKey,
            &outcomes,
            &orders,
            ProxyStats::default(),
            Duration::ZERO,
        );
        assert_eq!(report.orders, 4);
        assert_eq!(report.duplicates, 1);
        assert_eq!(report.lost, 2);
        assert_eq!(report.orphaned, 1);
        assert_eq!(report.unknown, 2);
        assert_eq!(report.disagreements, 1);
        assert_eq!(report.exactly_once, 0);
        assert_eq!(report.stray_orders, 1);
        assert_eq!(report.recovered, 1);
        assert_eq!(report.violations().len(), 7);
    }

    #[test]
    fn latency_uses_nearest_rank() {
        let samples = (1..=100).map(Duration::from_millis).collect();
        let latency = Latency::of(samples);
        assert_eq!(latency.p50, Duration::from_millis(50));
        assert_eq!(latency.p99, Duration::from_millis(99));
        assert_eq!(latency.max, Duration::from_millis(100));
        assert_eq!(Latency::of(Vec::new()), Latency::default());
        let one = Latency::of(vec![Duration::from_millis(7)]);
        assert_eq!(
            (one.p50, one.p99),
            (Duration::from_millis(7), Duration::from_millis(7))
        );
    }

    #[test]
    fn table_has_a_column_per_run_and_a_row_per_fault_kind() {
        let report = RunReport::tally(
            Strategy::Sdk,
            &[outcome("chaos-1", created(1, "k1"), false)],
            &[order(1, "chaos-1", "k1")],
            ProxyStats::default(),
            Duration::from_millis(1234),
        );
        let mut control = report.clone();
        control.strategy = Strategy::NaiveGiveUp;
        let table = table(&[report, control]);
        assert!(
            table
                .lines()
                .next()
                .unwrap()
                .contains("sdk (default retries)")
        );
        assert!(table.lines().next().unwrap().contains("naive: give up"));
        for fault in Fault::ALL {
            assert!(table.contains(fault.label()), "{table}");
        }
        assert!(table.contains("1234 ms"), "{table}");
    }
}
