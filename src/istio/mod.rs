//! Istio integration: sidecars built for a mesh version, and the checks Helm cannot make.
