//! Refusing browser requests that change state when they could come from another site.
//!
//! Browsers send `Origin` with every request that changes state (same-origin ones too) and
//! `Sec-Fetch-*` on trustworthy origins; curl, the sdk, the contract suite and chaos send
//! neither and are let through. A browser request that changes state, on any path, must
//! address the sandbox by an IP address or `localhost`: a site whose name is made to resolve to
//! 127.0.0.1 (DNS rebinding) is same-origin with itself, and could otherwise create and cancel
//! orders with the public sandbox keys. Under `/_sandbox` (no key needed) a browser request must
//! also come from the sandbox's own pages: a page on another origin must not make a partner's
//! local sandbox pay an order.

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
    if changes_state && let Some(refusal) = refusal(request.uri().path(), request.headers()) {
        return ErrorReply::cross_site(refusal).into_response();
    }
    next.run(request).await
}

/// Why a request that changes state is refused, or `None` when it is let through.
fn refusal(path: &str, headers: &HeaderMap) -> Option<String> {
    if !from_browser(headers) {
        return None;
    }
    if !addressed_by_ip_or_localhost(headers) {
        return Some(
            "browser request refused: a browser must address the sandbox by IP address or \
             localhost (a name that resolves to it may be another site's)"
                .to_owned(),
        );
    }
    if !path.starts_with("/_sandbox") {
        return None;
    }
    cross_site_reason(headers).map(|reason| {
        format!(
            "cross-site request refused ({reason}): the control surface takes state changes \
             only from its own pages and from non-browser clients"
        )
    })
}

/// Whether a browser sent the request: no other client sends `Origin` or `Sec-Fetch-*`.
fn from_browser(headers: &HeaderMap) -> bool {
    headers.contains_key(header::ORIGIN)
        || headers
            .keys()
            .any(|name| name.as_str().starts_with("sec-fetch-"))
}

/// Why a browser request is cross-site, or `None` when it comes from the sandbox's own pages.
fn cross_site_reason(headers: &HeaderMap) -> Option<String> {
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
    let Some(origin) = headers.get(header::ORIGIN) else {
        // Another `Sec-Fetch-*` header without `Sec-Fetch-Site`: no browser sends that.
        return Some("no Sec-Fetch-Site or Origin".to_owned());
    };
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

    const CONTROL: &str = "/_sandbox/orders/1/pay";
    const CREATE: &str = "/api/v1/orders/stars";

    #[test]
    fn only_cross_site_browser_requests_to_the_control_surface_are_refused() {
        let host = ("host", "127.0.0.1:8080");
        assert_eq!(refusal(CONTROL, &headers(&[host])), None, "curl");
        assert_eq!(
            refusal(
                CONTROL,
                &headers(&[
                    host,
                    ("origin", "http://127.0.0.1:8080"),
                    ("sec-fetch-site", "same-origin")
                ])
            ),
            None
        );
        for cross_site in [
            headers(&[host, ("sec-fetch-site", "cross-site")]),
            headers(&[host, ("sec-fetch-site", "same-site")]),
            headers(&[host, ("origin", "http://evil.example")]),
            headers(&[host, ("origin", "null")]),
            headers(&[host, ("sec-fetch-mode", "navigate")]),
        ] {
            let reason = refusal(CONTROL, &cross_site).unwrap();
            assert!(reason.starts_with("cross-site request refused"), "{reason}");
            // The API takes a key no other site's page can send; only the name is checked.
            assert_eq!(refusal(CREATE, &cross_site), None, "{cross_site:?}");
        }
        // No `Host`: nothing says what the browser addressed.
        assert!(refusal(CONTROL, &headers(&[("origin", "http://127.0.0.1:8080")])).is_some());
        // `Sec-Fetch-Site` decides when present (a page with `no-referrer` sends `Origin: null`).
        assert_eq!(
            refusal(
                CONTROL,
                &headers(&[host, ("origin", "null"), ("sec-fetch-site", "same-origin")])
            ),
            None
        );
        assert!(
            refusal(
                CONTROL,
                &headers(&[
                    host,
                    ("origin", "http://127.0.0.1:8080"),
                    ("sec-fetch-site", "cross-site")
                ])
            )
            .is_some()
        );
    }

    #[test]
    fn a_browser_must_address_the_sandbox_by_ip_or_localhost_on_every_path() {
        for host in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST",
            "[::1]:8080",
            "10.0.0.5",
        ] {
            let mut map = headers(&[("sec-fetch-site", "same-origin")]);
            map.insert("host", HeaderValue::from_str(host).unwrap());
            for path in [CONTROL, CREATE] {
                assert_eq!(refusal(path, &map), None, "{host} {path}");
            }
        }
        // DNS rebinding: same-origin with itself, but not the sandbox's name. Any one browser
        // header gives it away, `Origin` (sent on every POST) or a `Sec-Fetch-*`.
        let rebound_host = ("host", "evil.example:8080");
        for browser_header in [
            ("origin", "http://evil.example:8080"),
            ("sec-fetch-site", "same-origin"),
            ("sec-fetch-mode", "cors"),
            ("sec-fetch-dest", "empty"),
        ] {
            let rebound = headers(&[rebound_host, browser_header]);
            for path in [CONTROL, CREATE, "/api/v1/orders/7/cancel"] {
                assert!(
                    refusal(path, &rebound)
                        .unwrap()
                        .contains("IP address or localhost"),
                    "{browser_header:?} {path}"
                );
            }
        }
        for name in ["localhost.evil.example", "127.0.0.1.nip.io", "sandbox"] {
            let mut map = headers(&[("origin", "http://x")]);
            map.insert("host", HeaderValue::from_str(name).unwrap());
            assert!(refusal(CREATE, &map).is_some(), "{name}");
        }
        // curl and the sdk may use any name.
        for path in [CONTROL, CREATE] {
            assert_eq!(refusal(path, &headers(&[rebound_host])), None);
            assert_eq!(refusal(path, &headers(&[("host", "sandbox:8080")])), None);
        }
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
