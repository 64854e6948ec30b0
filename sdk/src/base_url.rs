//! Base URL rules: https, or plain http to loopback only (the key would travel in clear).

use std::net::IpAddr;

use crate::error::Error;

const FIELD: &str = "base_url";

/// Returns the normalised base URL (no trailing slash) or an error naming `base_url`.
pub(crate) fn validate(raw: &str, allow_insecure_http: bool) -> Result<String, Error> {
    let url = url::Url::parse(raw.trim())
        .map_err(|e| Error::invalid_input_caused_by(FIELD, "is not a URL", e))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(Error::invalid_input(
                FIELD,
                "plain http is only allowed to loopback; use https or allow_insecure_http",
            ));
        }
        other => {
            return Err(Error::invalid_input(
                FIELD,
                format!("scheme `{other}` is not http or https"),
            ));
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid_input(FIELD, "must not contain credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid_input(
            FIELD,
            "must not have a query or fragment",
        ));
    }
    let normalised = url.as_str().trim_end_matches('/').to_owned();
    if normalised.ends_with("/api/v1") {
        return Err(Error::invalid_input(
            FIELD,
            "must not include `/api/v1`: the sdk adds it (use e.g. https://api.theopenmoney.info)",
        ));
    }
    Ok(normalised)
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn accepts_https_and_loopback_http() {
        assert_eq!(
            validate("https://api.theopenmoney.info/", false).unwrap(),
            "https://api.theopenmoney.info"
        );
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
        ] {
            assert!(validate(ok, false).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_unsafe_or_wrong_urls_naming_the_field() {
        for bad in [
            "http://example.com",
            "ftp://x",
            "https://u:p@x.com",
            "https://x.com/?a=1",
            "https://x.com/api/v1",
            "not a url",
        ] {
            let err = validate(bad, false).unwrap_err().to_string();
            assert!(err.starts_with("invalid base_url:"), "{bad}: {err}");
        }
        assert!(validate("http://10.0.0.1", true).is_ok());
        let unparsable = validate("not a url", false).unwrap_err();
        assert!(
            std::error::Error::source(&unparsable).is_some(),
            "the parser's error is kept as the cause"
        );
    }
}
