//! Query strings, decoded once: each parameter at most once, so `?limit=1&limit=2` is an error
//! instead of a silent pick.

use std::collections::BTreeMap;

use crate::error_reply::ErrorReply;

/// The decoded parameters of one request.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct QueryParams(BTreeMap<String, String>);

impl QueryParams {
    /// Decodes `raw` (`application/x-www-form-urlencoded`, `+` as space).
    pub(crate) fn parse(raw: Option<&str>) -> Result<Self, ErrorReply> {
        let mut params = BTreeMap::new();
        for (name, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            if params
                .insert(name.to_string(), value.into_owned())
                .is_some()
            {
                return Err(ErrorReply::validation(format!(
                    "query parameter {name} must be given at most once"
                )));
            }
        }
        Ok(Self(params))
    }

    /// The value of `name`, if given.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_and_plus() {
        let query = QueryParams::parse(Some("username=%40pan+dus&limit=5")).unwrap();
        assert_eq!(query.get("username"), Some("@pan dus"));
        assert_eq!(query.get("limit"), Some("5"));
        assert_eq!(query.get("offset"), None);
        assert_eq!(QueryParams::parse(None).unwrap(), QueryParams::default());
    }

    #[test]
    fn repeated_parameters_are_rejected() {
        assert!(QueryParams::parse(Some("limit=1&limit=2")).is_err());
    }
}
