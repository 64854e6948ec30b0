//! Refusing cross-site browser requests that change state under `/_sandbox`: a page on another
//! origin must not make a partner's local sandbox pay an order. Browsers send `Sec-Fetch-Site`
//! and `Origin` with such requests; curl, the sdk, the contract suite and chaos send neither
//! and are let through. A browser request must also address the sandbox by an IP address or
//! `localhost`: a site whose name is made to resolve to 127.0.0.1 (DNS rebinding) is same-origin
//! with itself, not with the sandbox.

use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error_reply::ErrorReply;

/// Middleware over the whole app.
pub(crate) async fn refuse_cross_site(request: Request, next: Next) -> Response {
    let changes_state = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if changes_state
        && request.uri().path().starts_with("/_sandbox")
        && let Some(reason) = cross_site_reason(request.headers())
    {
        return ErrorReply::cross_site(format!(
            "cross-site request refused ({reason}): the control surface takes state changes only \
             from its own pages and from non-browser clients"
        ))
        .into_response();
    }
    next.run(request).await
}

/// Why a request is cross-site, or `None` when it is not (or is from no browser at all).
fn cross_site_reason(headers: &HeaderMap) -> Option<String> {
    let from_browser =
        headers.contains_key("sec-fetch-site") || headers.contains_key(header::ORIGIN);
    if from_browser && !addressed_by_ip_or_localhost(headers) {
        return Some("a browser must address the sandbox by IP address or localhost".to_owned());
    }
    // Browsers set `Sec-Fetch-Site` themselves (no page can forge it); when it is there it
    // decides. `none`: the user themself (address bar, bookmark).
    if let Some(site) = headers.get("sec-fetch-site") {
        return (!matches!(site.as_bytes(), b"same-origin" | b"none")).then(|| {
            format!(
                "Sec-Fetch-Site: {}",
                String::from_utf8_lossy(site.as_bytes())
            )
        });
    }
    // Older browsers send only `Origin`.
    let origin = headers.get(header::ORIGIN)?;
    let expected = own_origin(headers);
    if expected.as_deref().map(str::as_bytes) == Some(origin.as_bytes()) {
        None
    } else {
        Some("its Origin is not this sandbox".to_owned())
    }
}

/// Whether `Host` is an IP address or `localhost`, with or without a port.
fn addressed_by_ip_or_localhost(headers: &HeaderMap) -> bool {
    let Some(host) = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
    else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        // `[::1]:8080`
        Some(rest) => {
            return rest
                .split_once(']')
                .is_some_and(|(ip, _)| ip.parse::<std::net::Ipv6Addr>().is_ok());
        }
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::Ipv4Addr>().is_ok()
}

/// `http://HOST` of this server as the request addressed it, when `Host` is a plain host and
/// port (what a browser sends as `Origin` for same-origin requests).
pub(crate) fn own_origin(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let plain = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b".-:[]".contains(&byte));
    plain.then(|| format!("http://{host}"))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn only_cross_site_browser_requests_are_refused() {
        let host = ("host", "127.0.0.1:8080");
        assert_eq!(cross_site_reason(&headers(&[host])), None, "curl");
        assert_eq!(
            cross_site_reason(&headers(&[
                host,
                ("origin", "http://127.0.0.1:8080"),
                ("sec-fetch-site", "same-origin")
            ])),
            None
        );
        assert!(cross_site_reason(&headers(&[host, ("sec-fetch-site", "cross-site")])).is_some());
        assert!(cross_site_reason(&headers(&[host, ("sec-fetch-site", "same-site")])).is_some());
        assert!(cross_site_reason(&headers(&[host, ("origin", "http://evil.example")])).is_some());
        assert!(cross_site_reason(&headers(&[host, ("origin", "null")])).is_some());
        assert!(cross_site_reason(&headers(&[("origin", "http://127.0.0.1:8080")])).is_some());
        // `Sec-Fetch-Site` decides when present (a page with `no-referrer` sends `Origin: null`).
        assert_eq!(
            cross_site_reason(&headers(&[
                host,
                ("origin", "null"),
                ("sec-fetch-site", "same-origin")
            ])),
            None
        );
        assert!(
            cross_site_reason(&headers(&[
                host,
                ("origin", "http://127.0.0.1:8080"),
                ("sec-fetch-site", "cross-site")
            ]))
            .is_some()
        );
    }

    #[test]
    fn a_browser_must_address_the_sandbox_by_ip_or_localhost() {
        let same = ("sec-fetch-site", "same-origin");
        for host in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST",
            "[::1]:8080",
            "10.0.0.5",
        ] {
            let mut map = headers(&[same]);
            map.insert("host", HeaderValue::from_str(host).unwrap());
            assert_eq!(cross_site_reason(&map), None, "{host}");
        }
        // DNS rebinding: same-origin with itself, but not the sandbox's name.
        let rebound = headers(&[same, ("host", "evil.example:8080")]);
        assert!(
            cross_site_reason(&rebound)
                .unwrap()
                .contains("IP address or localhost")
        );
        // curl and the sdk may use any name.
        assert_eq!(
            cross_site_reason(&headers(&[("host", "sandbox:8080")])),
            None
        );
    }

    #[test]
    fn the_own_origin_needs_a_plain_host() {
        assert_eq!(
            own_origin(&headers(&[("host", "[::1]:80")])).as_deref(),
            Some("http://[::1]:80")
        );
        assert_eq!(own_origin(&headers(&[("host", "a b")])), None);
        assert_eq!(own_origin(&headers(&[("host", "x\"y")])), None);
    }
}
