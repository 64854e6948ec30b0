//! Which headers the proxy does not pass along.
//!
//! The hop-by-hop list is RFC 9110's (section 7.6.1): `Connection` and every header it names,
//! then `Proxy-Connection`, `Keep-Alive`, `TE`, `Transfer-Encoding` and `Upgrade`. RFC 2616's
//! older list also had `Trailer`, `Proxy-Authenticate` and `Proxy-Authorization`; RFC 9110
//! dropped them, and so does this proxy. `Content-Length` is not hop-by-hop, but the proxy
//! frames every body itself.

use http::header::{self, HeaderMap, HeaderName};

const HOP_BY_HOP: [HeaderName; 6] = [
    header::CONNECTION,
    HeaderName::from_static("proxy-connection"),
    HeaderName::from_static("keep-alive"),
    header::TE,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
];

/// `headers` without the hop-by-hop ones and `Content-Length`: what goes on to the next hop.
pub(crate) fn end_to_end(headers: &HeaderMap) -> HeaderMap {
    let mut out = headers.clone();
    let named: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|options| options.split(','))
        .filter_map(|option| HeaderName::from_bytes(option.trim().as_bytes()).ok())
        .collect();
    for name in HOP_BY_HOP.iter().chain(&named) {
        out.remove(name);
    }
    out.remove(header::CONTENT_LENGTH);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_headers_and_the_ones_connection_names_stay_behind() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("connection", "keep-alive, x-per-hop"),
            ("x-per-hop", "1"),
            ("keep-alive", "timeout=5"),
            ("proxy-connection", "keep-alive"),
            ("te", "trailers"),
            ("transfer-encoding", "chunked"),
            ("upgrade", "websocket"),
            ("content-length", "12"),
            ("trailer", "x-checksum"),
            ("authorization", "Bearer k"),
            ("idempotency-key", "k-1"),
        ] {
            headers.append(name, value.parse().unwrap());
        }
        let kept = end_to_end(&headers);
        let mut names: Vec<&str> = kept.keys().map(HeaderName::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["authorization", "idempotency-key", "trailer"]);
    }
}
