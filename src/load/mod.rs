//! Loading values exactly as Helm does: YAML 1.1 files into positioned trees ([`yaml`]),
//! `--set*` flags with Helm's strvals grammar ([`strvals`]), and Helm's coalescing of all layers
//! over the chart defaults ([`merge`]).
//!
//! Every node keeps the location it came from, so later stages can point at `FILE:LINE:COL`.

pub mod merge;
pub mod node;
pub mod strvals;
pub mod yaml;

pub use node::{Key, Map, Node, Value};
