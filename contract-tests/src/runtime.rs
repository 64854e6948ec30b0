//! The one tokio runtime of a run: proxies and clients live on it, and every clause (a plain
//! thread of the harness) blocks on it.

use std::sync::LazyLock;

/// The shared multi-threaded runtime.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime")
    });
    &RUNTIME
}

/// Runs a future to completion on the shared runtime.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    runtime().block_on(future)
}
