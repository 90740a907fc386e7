//! Helm's `--set` family grammar (strvals), parsed into the tree built so far.
