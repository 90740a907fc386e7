//! Writing results: stdout, one file per template, or a whole chart directory.
