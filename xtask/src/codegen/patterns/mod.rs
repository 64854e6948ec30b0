//! The spec's string patterns, compiled at codegen time into automaton tables the sdk walks.

mod dfa;
mod rewrite;

pub use dfa::compile;
pub use rewrite::rewrite;
