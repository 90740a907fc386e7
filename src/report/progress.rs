//! A progress bar on stderr while many files are validated.
//!
//! It only appears on a terminal and for runs long enough to need it; otherwise it is a no-op,
//! so scripts and CI logs never see it. Callers report each finished file with
//! [`Progress::on_file_done`], which is safe to call from several threads.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// Runs with more files than this show a bar.
pub const MIN_FILES: usize = 20;

/// Progress of a run over a known number of files.
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar for `total` files when stderr is a terminal and `total` exceeds `MIN_FILES` (20);
    /// otherwise a silent tracker.
    pub fn for_files(total: usize) -> Self {
        Self::new(total, std::io::stderr().is_terminal())
    }

    /// As [`Progress::for_files`], with the terminal check made by the caller.
    pub fn new(total: usize, on_terminal: bool) -> Self {
        if !on_terminal || total <= MIN_FILES {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} files {msg}") {
            bar.set_style(style);
        }
        Progress { bar: Some(bar) }
    }

    /// Whether a bar is drawn.
    pub fn is_visible(&self) -> bool {
        self.bar.is_some()
    }

    /// One more file is done.
    pub fn on_file_done(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// Removes the bar, so the summary line that follows starts on a clean line.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silent_off_terminal_and_for_few_files() {
        assert!(!Progress::new(500, false).is_visible());
        assert!(!Progress::new(MIN_FILES, true).is_visible());
        assert!(Progress::new(MIN_FILES + 1, true).is_visible());
    }
}
