//! Helm's coalescing: user layers merged over each other, then over the chart defaults.
