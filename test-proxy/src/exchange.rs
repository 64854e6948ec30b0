//! One request through the proxy: its verdict, the forward, and what the client is sent.

use std::convert::Infallible;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use http::header::{self, HeaderValue};
use http::{Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::headers::end_to_end;
use crate::message::{ProxiedRequest, ProxiedResponse, mark_credentials};
use crate::upstream::Upstream;
use crate::verdict::{Handler, Verdict};

/// How long a reset waits between sending part of the body and resetting, so that the client
/// has read the head and the partial body first: a reset then lands mid-body, not before it.
const RESET_PAUSE: Duration = Duration::from_millis(20);

pub(crate) type ProxyBody = UnsyncBoxBody<Bytes, io::Error>;

/// What every connection of one proxy shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) upstream: Upstream,
    pub(crate) handler: Arc<dyn Handler>,
    /// Never sent on: every forward holds a clone until it has finished at the server, so the
    /// receiver sees the channel close once the last forward is done.
    pub(crate) forwards: mpsc::Sender<Infallible>,
}

/// What the client is sent.
enum Delivery {
    Nothing,
    Whole(ProxiedResponse),
    CutOff(ProxiedResponse),
}

/// Serves one request; an `Err` makes hyper close the connection without an answer.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    reset: Arc<AtomicBool>,
    request: Request<Incoming>,
) -> io::Result<Response<ProxyBody>> {
    let arrived = Instant::now();
    let (parts, body) = request.into_parts();
    let mut request = ProxiedRequest {
        method: parts.method,
        path_and_query: parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
        headers: parts.headers,
        body: body.collect().await.map_err(io::Error::other)?.to_bytes(),
    };
    mark_credentials(&mut request.headers);
    let verdict = shared.handler.on_request(&mut request);
    // The handler may have set a credential of its own.
    mark_credentials(&mut request.headers);
    let mut delivery = match verdict {
        Verdict::Respond(answer) => Delivery::Whole(answer),
        Verdict::Drop => Delivery::Nothing,
        Verdict::Stall(duration) => {
            tokio::time::sleep(duration).await;
            Delivery::Nothing
        }
        Verdict::Forward => match forward(&shared, &request).await {
            Ok(answer) | Err(Some(answer)) => Delivery::Whole(answer),
            Err(None) => Delivery::Nothing,
        },
        Verdict::ForwardThenDrop => match forward(&shared, &request).await {
            Err(Some(answer)) => Delivery::Whole(answer),
            Ok(_) | Err(None) => Delivery::Nothing,
        },
        Verdict::ForwardThenDelay(delay) => {
            let forwarded = forward(&shared, &request).await;
            tokio::time::sleep_until(arrived + delay).await;
            match forwarded {
                Ok(answer) | Err(Some(answer)) => Delivery::Whole(answer),
                Err(None) => Delivery::Nothing,
            }
        }
        Verdict::ForwardThenReset => match forward(&shared, &request).await {
            Ok(answer) => Delivery::CutOff(answer),
            Err(Some(answer)) => Delivery::Whole(answer),
            Err(None) => Delivery::Nothing,
        },
    };
    if let Delivery::Whole(answer) | Delivery::CutOff(answer) = &mut delivery {
        mark_credentials(&mut answer.headers);
    }
    let answer = match &delivery {
        Delivery::Whole(answer) | Delivery::CutOff(answer) => Some(answer),
        Delivery::Nothing => None,
    };
    shared.handler.on_exchange(&request, answer);
    match delivery {
        Delivery::Whole(answer) => Ok(whole(answer)),
        Delivery::CutOff(answer) => {
            reset.store(true, Ordering::Relaxed);
            Ok(cut_off(answer))
        }
        Delivery::Nothing => Err(io::Error::other(
            "test proxy: no answer, as the verdict says",
        )),
    }
}

/// Forwards in a task of its own, so the server finishes the request (and the handler sees
/// its answer) even if the client's connection is gone by then. `Err` holds the handler's
/// answer to a server that could not be reached.
async fn forward(
    shared: &Arc<Shared>,
    request: &ProxiedRequest,
) -> Result<ProxiedResponse, Option<ProxiedResponse>> {
    let task = {
        let shared = Arc::clone(shared);
        let request = request.clone();
        let running = shared.forwards.clone();
        tokio::spawn(async move {
            let mut answer = shared.upstream.send(&request).await?;
            shared.handler.on_response(&request, &mut answer);
            drop(running);
            Ok::<_, reqwest::Error>(answer)
        })
    };
    match task.await {
        Ok(Ok(answer)) => Ok(answer),
        _ => Err(shared.handler.on_upstream_error(request)),
    }
}

fn response(answer: ProxiedResponse, body: ProxyBody) -> Response<ProxyBody> {
    let mut headers = end_to_end(&answer.headers);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(answer.body.len()));
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_GATEWAY);
    *response.headers_mut() = headers;
    response
}

fn whole(answer: ProxiedResponse) -> Response<ProxyBody> {
    let body = Full::new(answer.body.clone())
        .map_err(|never| match never {})
        .boxed_unsync();
    response(answer, body)
}

/// The head (announcing the whole length) and the first half of the body; then, after
/// [`RESET_PAUSE`], a body error that makes hyper drop the connection, which the connection's
/// `Downstream` turns into a TCP reset.
fn cut_off(answer: ProxiedResponse) -> Response<ProxyBody> {
    let sent = answer.body.slice(..answer.body.len() / 2);
    let frames = futures_util::stream::iter([Ok(Frame::data(sent))]).chain(
        futures_util::stream::once(async {
            tokio::time::sleep(RESET_PAUSE).await;
            Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "test proxy: reset mid-body",
            ))
        }),
    );
    let body = StreamBody::new(frames).boxed_unsync();
    response(answer, body)
}
