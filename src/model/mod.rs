//! The typed values model of the Gloo 1.5.0 chart: the one place defaults live, and the source
//! of the JSON schema.
