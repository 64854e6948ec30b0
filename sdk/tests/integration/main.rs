//! The sdk's integration tests, one binary: the sdk as a partner uses it, against a scripted
//! loopback server.

mod decoding;
mod hostile;
mod retries;
mod secrets;
mod support;
