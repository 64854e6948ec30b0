//! Which mode a run is in, read from the environment: mock (the default) or live against
//! `CONTRACT_BASE_URL`. Live mode refuses the production host unless told otherwise.

use std::fmt;

/// The live target's base URL (host only, as the sdk takes it).
pub(crate) const BASE_URL_ENV: &str = "CONTRACT_BASE_URL";
/// The partner key for the live target.
pub(crate) const API_KEY_ENV: &str = "CONTRACT_API_KEY";
/// A second partner's key, for the cross-partner clauses.
pub(crate) const API_KEY_2_ENV: &str = "CONTRACT_API_KEY_2";
/// A key with a tiny rate limit: when set, the 429 clause runs (opt-in on staging).
pub(crate) const RATE_LIMIT_KEY_ENV: &str = "CONTRACT_RATE_LIMIT_API_KEY";
/// `1` allows the production host.
pub(crate) const ALLOW_PRODUCTION_ENV: &str = "CONTRACT_ALLOW_PRODUCTION";
/// Most requests one live run may send (default [`DEFAULT_REQUEST_BUDGET`]).
pub(crate) const REQUEST_BUDGET_ENV: &str = "CONTRACT_REQUEST_BUDGET";
/// proptest's own variable: cases per property.
pub(crate) const PROPTEST_CASES_ENV: &str = "PROPTEST_CASES";
/// The seed of the generated cases: a run with the same seed generates the same cases.
pub(crate) const SEED_ENV: &str = "CONTRACT_SEED";
/// Where a run writes `junit.xml`, `summary.md` and `exchanges.jsonl`.
pub(crate) const REPORT_DIR_ENV: &str = "CONTRACT_REPORT_DIR";

/// The production API's host.
pub(crate) const PRODUCTION_HOST: &str = "api.theopenmoney.info";
/// Requests one live run may send unless configured.
pub(crate) const DEFAULT_REQUEST_BUDGET: u32 = 400;
/// Cases per property in mock mode.
pub(crate) const MOCK_PROPTEST_CASES: u32 = 256;
/// Cases per property in live mode: few, to be gentle with a shared server.
pub(crate) const LIVE_PROPTEST_CASES: u32 = 6;

/// A secret that never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, to send.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Settings of a live run.
#[derive(Debug, Clone)]
pub struct LiveConfig {
    /// Scheme, host and port, without `/api/v1`.
    pub base_url: url::Url,
    /// The first partner's key.
    pub api_key: Secret,
    /// A second partner's key, when given.
    pub api_key_2: Option<Secret>,
    /// A rate-limited key, when given: the 429 clause runs with it.
    pub rate_limit_key: Option<Secret>,
    /// Most requests this run may send.
    pub request_budget: u32,
    /// Cases per property.
    pub proptest_cases: u32,
}

/// The mode of a run.
#[derive(Debug, Clone)]
pub(crate) enum Mode {
    /// Client side: the sdk against httpmock.
    Mock {
        /// Cases per property.
        proptest_cases: u32,
    },
    /// Server side: a live URL.
    Live(LiveConfig),
}

impl Mode {
    /// The mode's name in reports: `mock` or `live`.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Self::Mock { .. } => "mock",
            Self::Live(_) => "live",
        }
    }

    /// Cases per property.
    pub(crate) fn proptest_cases(&self) -> u32 {
        match self {
            Self::Mock { proptest_cases } => *proptest_cases,
            Self::Live(live) => live.proptest_cases,
        }
    }

    /// The mode the environment asks for.
    pub(crate) fn from_env() -> Result<Self, String> {
        Self::from_vars(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// The mode the variables returned by `var` ask for.
    pub(crate) fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let cases = |default| match var(PROPTEST_CASES_ENV) {
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{PROPTEST_CASES_ENV}={v:?} is not a positive integer")),
            None => Ok(default),
        };
        let Some(raw_url) = var(BASE_URL_ENV) else {
            return Ok(Self::Mock {
                proptest_cases: cases(MOCK_PROPTEST_CASES)?,
            });
        };
        let base_url = url::Url::parse(raw_url.trim())
            .map_err(|e| format!("{BASE_URL_ENV}={raw_url:?} is not a URL: {e}"))?;
        if !matches!(base_url.scheme(), "http" | "https") {
            return Err(format!("{BASE_URL_ENV} must be http or https"));
        }
        if base_url.path().trim_end_matches('/').ends_with("/api/v1") {
            return Err(format!(
                "{BASE_URL_ENV} must not include /api/v1 (the spec's paths carry it)"
            ));
        }
        let host = base_url.host_str().unwrap_or_default().to_ascii_lowercase();
        if host.trim_end_matches('.') == PRODUCTION_HOST
            && var(ALLOW_PRODUCTION_ENV).as_deref() != Some("1")
        {
            return Err(format!(
                "refusing to run the contract suite against production ({PRODUCTION_HOST}); \
                 point {BASE_URL_ENV} at staging or a sandbox, or set {ALLOW_PRODUCTION_ENV}=1"
            ));
        }
        let api_key = var(API_KEY_ENV)
            .map(Secret::new)
            .ok_or_else(|| format!("{BASE_URL_ENV} is set but {API_KEY_ENV} is not"))?;
        let request_budget =
            match var(REQUEST_BUDGET_ENV) {
                Some(v) => v.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    format!("{REQUEST_BUDGET_ENV}={v:?} is not a positive integer")
                })?,
                None => DEFAULT_REQUEST_BUDGET,
            };
        Ok(Self::Live(LiveConfig {
            base_url,
            api_key,
            api_key_2: var(API_KEY_2_ENV).map(Secret::new),
            rate_limit_key: var(RATE_LIMIT_KEY_ENV).map(Secret::new),
            request_budget,
            proptest_cases: cases(LIVE_PROPTEST_CASES)?,
        }))
    }
}

/// The seed `var` asks for (`CONTRACT_SEED`), or `None` for a fresh one.
pub(crate) fn seed_from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Option<u64>, String> {
    var(SEED_ENV)
        .map(|v| {
            v.trim()
                .parse::<u64>()
                .map_err(|_| format!("{SEED_ENV}={v:?} is not an unsigned 64-bit integer"))
        })
        .transpose()
}

/// A seed for a run that was not given one.
pub(crate) fn fresh_seed() -> u64 {
    // The high half of a random UUID: printable, replayable, never the same twice in practice.
    u64::try_from(uuid::Uuid::new_v4().as_u128() >> 64).expect("64 bits")
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn mode(vars: &[(&str, &str)]) -> Result<Mode, String> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Mode::from_vars(|k| vars.get(k).cloned())
    }

    #[test]
    fn no_url_is_mock_mode_with_256_cases_unless_overridden() {
        assert!(matches!(
            mode(&[]),
            Ok(Mode::Mock {
                proptest_cases: 256
            })
        ));
        assert_eq!(
            mode(&[("PROPTEST_CASES", "1000")])
                .unwrap()
                .proptest_cases(),
            1000
        );
        assert!(mode(&[("PROPTEST_CASES", "many")]).is_err());
    }

    #[test]
    fn live_mode_needs_a_key_and_takes_its_settings() {
        let url = ("CONTRACT_BASE_URL", "https://staging.example.test");
        assert!(mode(&[url]).unwrap_err().contains("CONTRACT_API_KEY"));
        let Mode::Live(live) = mode(&[
            url,
            ("CONTRACT_API_KEY", "osk_1"),
            ("CONTRACT_REQUEST_BUDGET", "50"),
        ])
        .unwrap() else {
            panic!("not live")
        };
        assert_eq!(live.request_budget, 50);
        assert_eq!(live.proptest_cases, LIVE_PROPTEST_CASES);
        assert!(live.api_key_2.is_none() && live.rate_limit_key.is_none());
        assert!(!format!("{live:?}").contains("osk_1"));
    }

    #[test]
    fn a_seed_is_read_as_an_unsigned_integer() {
        let seed = |v: &str| seed_from_vars(|k| (k == SEED_ENV).then(|| v.to_owned()));
        assert_eq!(seed(" 42 "), Ok(Some(42)));
        assert_eq!(seed("18446744073709551615"), Ok(Some(u64::MAX)));
        assert!(seed("-1").unwrap_err().contains(SEED_ENV));
        assert!(seed("seven").is_err());
        assert_eq!(seed_from_vars(|_| None), Ok(None));
        assert_ne!(fresh_seed(), fresh_seed());
    }

    #[test]
    fn production_is_refused_unless_allowed() {
        let prod = ("CONTRACT_BASE_URL", "https://api.theopenmoney.info");
        let key = ("CONTRACT_API_KEY", "osk_1");
        assert!(mode(&[prod, key]).unwrap_err().contains("production"));
        assert!(
            mode(&[("CONTRACT_BASE_URL", "https://API.theopenmoney.info."), key])
                .unwrap_err()
                .contains("production")
        );
        assert!(mode(&[prod, key, ("CONTRACT_ALLOW_PRODUCTION", "1")]).is_ok());
        assert!(
            mode(&[("CONTRACT_BASE_URL", "http://127.0.0.1:9/api/v1"), key])
                .unwrap_err()
                .contains("/api/v1")
        );
    }
}
