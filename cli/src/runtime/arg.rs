//! Reading matched arguments in the shapes the sdk's methods take. The sdk checks every value
//! against the spec (bounds, patterns) before sending, with its own messages.

use std::time::Duration;

use clap::ArgMatches;
use serde::de::DeserializeOwned;
use theopenmoney::{PageRequest, WaitOptions};

use super::exit::{Class, Failure};

/// A required text argument.
pub fn text<'a>(m: &'a ArgMatches, id: &str) -> Result<&'a str, Failure> {
    opt_text(m, id).ok_or_else(|| Failure::usage(format!("missing `{id}`")))
}

/// An optional text argument.
pub fn opt_text<'a>(m: &'a ArgMatches, id: &str) -> Option<&'a str> {
    m.try_get_one::<String>(id)
        .ok()
        .flatten()
        .map(String::as_str)
}

/// A required typed argument (clap parsed it).
pub fn value<T: Clone + Send + Sync + 'static>(m: &ArgMatches, id: &str) -> Result<T, Failure> {
    opt_value(m, id).ok_or_else(|| Failure::usage(format!("missing `{id}`")))
}

/// An optional typed argument.
pub fn opt_value<T: Clone + Send + Sync + 'static>(m: &ArgMatches, id: &str) -> Option<T> {
    m.try_get_one::<T>(id).ok().flatten().cloned()
}

/// Whether a flag is set.
pub fn flag(m: &ArgMatches, id: &str) -> bool {
    m.try_get_one::<bool>(id)
        .ok()
        .flatten()
        .copied()
        .unwrap_or(false)
}

/// A required argument of one of the sdk's own types (ids, enums), read as its JSON value:
/// a number when the spec's schema is an integer, a string otherwise.
pub fn sdk<T: DeserializeOwned>(m: &ArgMatches, id: &str, number: bool) -> Result<T, Failure> {
    opt_sdk(m, id, number)?.ok_or_else(|| Failure::usage(format!("missing `{id}`")))
}

/// An optional argument of one of the sdk's own types.
pub fn opt_sdk<T: DeserializeOwned>(
    m: &ArgMatches,
    id: &str,
    number: bool,
) -> Result<Option<T>, Failure> {
    let Some(text) = opt_text(m, id) else {
        return Ok(None);
    };
    let invalid = |why: String| Failure::new(Class::Validation, format!("invalid {id}: {why}"));
    let json = if number {
        let n: u64 = text
            .parse()
            .map_err(|_| invalid(format!("`{text}` is not a whole number")))?;
        serde_json::Value::from(n)
    } else {
        serde_json::Value::from(text)
    };
    serde_json::from_value(json)
        .map(Some)
        .map_err(|e| invalid(e.to_string()))
}

/// The page the paging arguments ask for.
pub fn page(m: &ArgMatches, limit: &str, offset: &str) -> PageRequest {
    let mut page = PageRequest::default();
    if let Some(limit) = opt_value::<u32>(m, limit) {
        page = page.limit(limit);
    }
    if let Some(offset) = opt_value::<u64>(m, offset) {
        page = page.offset(offset);
    }
    page
}

/// A waiter's options from `--timeout`.
pub fn wait_options(m: &ArgMatches) -> Result<WaitOptions, Failure> {
    let mut options = WaitOptions::new();
    if let Some(text) = opt_text(m, "timeout") {
        let timeout = duration(text).ok_or_else(|| {
            Failure::usage(format!(
                "invalid --timeout `{text}`: give a positive number of seconds (`90`) or a number with `ms`, `s`, `m` or `h` (`90s`, `5m`, `1h`), at most about 584 billion years"
            ))
        })?;
        options = options.timeout(timeout);
    }
    Ok(options)
}

/// `90`, `90s`, `5m`, `1h`, `1.5s`.
pub fn duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| c.is_ascii_alphabetic()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let scale = match unit {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return None,
    };
    let value: f64 = number.parse().ok()?;
    if !(value.is_finite() && value > 0.0) {
        return None;
    }
    // `try_`: a number too large for a `Duration` is bad input, not a panic.
    Duration::try_from_secs_f64(value * scale).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration("90"), Some(Duration::from_secs(90)));
        assert_eq!(duration("90s"), Some(Duration::from_secs(90)));
        assert_eq!(duration("5m"), Some(Duration::from_secs(300)));
        assert_eq!(duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(duration("250ms"), Some(Duration::from_millis(250)));
        for bad in [
            "",
            "-1",
            "5 parsecs",
            "0",
            "inf",
            "99999999999999999999h",
            "1e300",
        ] {
            assert_eq!(duration(bad), None, "{bad}");
        }
    }
}
