//! Keeping keys out of reports: a credential header is shown as the variable that holds its
//! key (`Bearer $CONTRACT_API_KEY`), as itself when it is one of the suite's own fake
//! credentials, or as `<redacted>`; and any text a report writes has every key value replaced
//! by its variable's name.

use std::fmt;

use crate::config::{API_KEY_2_ENV, API_KEY_ENV, LiveConfig, RATE_LIMIT_KEY_ENV, Secret};
use crate::live::{INVALID_BEARER, NOT_BEARER};

/// How a credential header's value may be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Shown {
    /// `prefix` then the value of the environment variable `variable`, e.g. `Bearer ` and
    /// `CONTRACT_API_KEY`.
    Variable {
        /// What precedes the key, e.g. `Bearer `.
        prefix: String,
        /// The variable holding the key.
        variable: &'static str,
    },
    /// Not a secret: the suite's own fake credentials.
    Public(String),
    /// Anything else.
    Redacted,
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Variable { prefix, variable } => write!(f, "{prefix}${variable}"),
            Self::Public(value) => f.write_str(value),
            Self::Redacted => f.write_str("<redacted>"),
        }
    }
}

/// The keys of a run, each with the variable it came from. `Debug` shows only the variables.
#[derive(Clone, Default)]
pub(crate) struct Secrets {
    keys: Vec<(Secret, &'static str)>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.keys.iter().map(|(_, variable)| variable))
            .finish()
    }
}

impl Secrets {
    /// The keys of a live run.
    pub(crate) fn of(config: &LiveConfig) -> Self {
        let mut keys = vec![(config.api_key.clone(), API_KEY_ENV)];
        keys.extend(config.api_key_2.clone().map(|k| (k, API_KEY_2_ENV)));
        keys.extend(
            config
                .rate_limit_key
                .clone()
                .map(|k| (k, RATE_LIMIT_KEY_ENV)),
        );
        // Longest first, so a key that contains another is replaced whole.
        keys.sort_by_key(|(key, _)| std::cmp::Reverse(key.expose().len()));
        keys.retain(|(key, _)| !key.expose().is_empty());
        Self { keys }
    }

    /// How a credential header's `value` may be shown.
    pub(crate) fn show(&self, value: &str) -> Shown {
        if value == NOT_BEARER || value == format!("Bearer {INVALID_BEARER}") {
            return Shown::Public(value.to_owned());
        }
        let (prefix, credential) = match value.split_once(' ') {
            Some((scheme, rest)) => (format!("{scheme} "), rest),
            None => (String::new(), value),
        };
        self.keys
            .iter()
            .find(|(key, _)| key.expose() == credential)
            .map_or(Shown::Redacted, |(_, variable)| Shown::Variable {
                prefix,
                variable,
            })
    }

    /// `text` with every key value replaced by `$VARIABLE`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        self.keys
            .iter()
            .fold(text.to_owned(), |text, (key, variable)| {
                text.replace(key.expose(), &format!("${variable}"))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets() -> Secrets {
        Secrets::of(&LiveConfig {
            base_url: "http://127.0.0.1:9".parse().unwrap(),
            api_key: Secret::new("osk_primary_1"),
            api_key_2: Some(Secret::new("osk_primary_1_longer")),
            rate_limit_key: None,
            request_budget: 1,
            proptest_cases: 1,
        })
    }

    #[test]
    fn keys_are_shown_as_their_variables_and_nothing_else_is_shown() {
        let s = secrets();
        assert_eq!(
            s.show("Bearer osk_primary_1").to_string(),
            "Bearer $CONTRACT_API_KEY"
        );
        assert_eq!(
            s.show("Bearer osk_primary_1_longer").to_string(),
            "Bearer $CONTRACT_API_KEY_2"
        );
        assert_eq!(s.show("osk_primary_1").to_string(), "$CONTRACT_API_KEY");
        assert_eq!(
            s.show("Bearer osk_contract_suite_not_a_key").to_string(),
            "Bearer osk_contract_suite_not_a_key"
        );
        assert_eq!(
            s.show("Basic b3NrOm5vcGU=").to_string(),
            "Basic b3NrOm5vcGU="
        );
        assert_eq!(s.show("Bearer osk_someone_else"), Shown::Redacted);
        assert_eq!(s.show("session=abc"), Shown::Redacted);
        assert!(!format!("{s:?}").contains("osk_"));
    }

    #[test]
    fn scrubbing_replaces_every_key_whole() {
        let s = secrets();
        assert_eq!(
            s.scrub("a osk_primary_1_longer b osk_primary_1 c"),
            "a $CONTRACT_API_KEY_2 b $CONTRACT_API_KEY c"
        );
        assert_eq!(Secrets::default().scrub("osk_primary_1"), "osk_primary_1");
    }
}
