//! Validation: the generated JSON schema first, then the semantic rules a schema cannot express.
