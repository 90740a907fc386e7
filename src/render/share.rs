//! Sharing one render's templates between the thread that renders and the thread [`prepare`]
//! started, once that thread has compiled every template.
//!
//! The rendering thread takes templates from the front of the list and the helper from the
//! back, each claiming one at a time under a lock, so no template is rendered twice and the two
//! meet wherever their speeds put them. The rendering thread then reads the results in template
//! order, its own and the helper's alike, so the output and the first error reported are those
//! of rendering alone. A render that finds the board taken (another render in the same process
//! is using the helper), or runs in a process that never started the helper (a library caller
//! that did not call `prepare`, the fuzz targets), renders everything itself: only templates the
//! helper claimed are waited for, and a claimed template always gets a result.
//!
//! [`prepare`]: super::prepare

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

/// The work of one render: `count` templates, each rendered by `render(index)`.
pub(super) struct Job<T> {
    render: Box<dyn Fn(usize) -> T + Send + Sync>,
    count: usize,
    state: Mutex<State<T>>,
    /// Signalled when the helper stores a result.
    stored: Condvar,
}

struct State<T> {
    /// Templates before `front` are claimed by the rendering thread.
    front: usize,
    /// Templates from `back` on are claimed by the helper.
    back: usize,
    /// The helper's results, by template index; a panic of the helper's is kept to be resumed
    /// on the rendering thread, where rendering alone would have met it.
    results: Vec<Option<Result<T, Box<dyn Any + Send>>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while the lock was held (in a test process, where panics unwind) leaves only
    // counters and finished results behind, which stay consistent.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<T: Send + 'static> Job<T> {
    pub(super) fn new(count: usize, render: impl Fn(usize) -> T + Send + Sync + 'static) -> Self {
        Job {
            render: Box::new(render),
            count,
            state: Mutex::new(State {
                front: 0,
                back: count,
                results: (0..count).map(|_| None).collect(),
            }),
            stored: Condvar::new(),
        }
    }

    fn has_work(&self) -> bool {
        let state = lock(&self.state);
        state.front < state.back
    }

    /// Claims template `next` for the rendering thread; false when the helper has claimed it.
    fn claim_front(&self, next: usize) -> bool {
        let mut state = lock(&self.state);
        let mine = next < state.back;
        if mine {
            state.front = next + 1;
        }
        mine
    }

    /// The last template nobody has claimed, for the helper.
    fn claim_back(&self) -> Option<usize> {
        let mut state = lock(&self.state);
        (state.front < state.back).then(|| {
            state.back -= 1;
            state.back
        })
    }

    /// The helper's share: templates from the back until the two meet.
    fn help(&self) {
        while let Some(index) = self.claim_back() {
            let result = panic::catch_unwind(AssertUnwindSafe(|| (self.render)(index)));
            lock(&self.state).results[index] = Some(result);
            self.stored.notify_all();
        }
    }

    /// Every template's result, in order, handed to `take` one by one; stops at the first
    /// `Err` that `take` returns. The calling thread renders what the helper has not claimed.
    pub(super) fn run<E>(
        self: &Arc<Self>,
        mut take: impl FnMut(T) -> Result<(), E>,
    ) -> Result<(), E> {
        let offered = offer(self);
        let outcome = (0..self.count).try_for_each(|next| {
            let result = if self.claim_front(next) {
                (self.render)(next)
            } else {
                self.wait_for(next)
            };
            take(result)
        });
        if offered {
            withdraw(self);
        }
        outcome
    }

    fn wait_for(&self, index: usize) -> T {
        let mut state = lock(&self.state);
        loop {
            match state.results[index].take() {
                Some(Ok(result)) => return result,
                Some(Err(panicked)) => {
                    drop(state);
                    panic::resume_unwind(panicked)
                }
                None => {}
            }
            state = self
                .stored
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// What the helper can be asked to do: a job, with its type erased.
trait Work: Send + Sync {
    fn has_work(&self) -> bool;
    fn help(&self);
}

impl<T: Send + 'static> Work for Job<T> {
    fn has_work(&self) -> bool {
        Job::has_work(self)
    }

    fn help(&self) {
        Job::help(self)
    }
}

/// The job on offer to the helper, if any.
static BOARD: Mutex<Option<Arc<dyn Work>>> = Mutex::new(None);
/// Signalled when a job is put on the board.
static POSTED: Condvar = Condvar::new();

/// Puts `job` on the board unless another render's job is there; true if it was put there.
fn offer<T: Send + 'static>(job: &Arc<Job<T>>) -> bool {
    let mut board = lock(&BOARD);
    if board.is_some() {
        return false;
    }
    *board = Some(job.clone() as Arc<dyn Work>);
    POSTED.notify_all();
    true
}

fn withdraw<T: Send + 'static>(job: &Arc<Job<T>>) {
    let mut board = lock(&BOARD);
    let ours = board
        .as_ref()
        .is_some_and(|posted| std::ptr::addr_eq(Arc::as_ptr(posted), Arc::as_ptr(job)));
    if ours {
        *board = None;
    }
}

/// The helper's loop, for the rest of the process: waits for a job with templates left,
/// renders its share, and waits again.
pub(super) fn serve() -> ! {
    loop {
        let job = {
            let mut board = lock(&BOARD);
            loop {
                if let Some(job) = board.as_ref().filter(|job| job.has_work()) {
                    break job.clone();
                }
                board = POSTED.wait(board).unwrap_or_else(PoisonError::into_inner);
            }
        };
        job.help();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Barrier;

    /// What a test template renders to: its index, or the index as the error.
    type TestJob = Arc<Job<Result<usize, usize>>>;

    /// A job whose template `i` renders to `i` (or fails, or panics, as `outcome` says) and
    /// counts how often each template was rendered.
    fn counted_job(
        count: usize,
        outcome: fn(usize) -> Result<usize, usize>,
    ) -> (TestJob, Arc<Vec<AtomicUsize>>) {
        let renders: Arc<Vec<AtomicUsize>> =
            Arc::new((0..count).map(|_| AtomicUsize::new(0)).collect());
        let counted = renders.clone();
        let job = Job::new(count, move |index| {
            counted[index].fetch_add(1, Ordering::Relaxed);
            // Enough work that the two threads interleave.
            let mut x = index as u64;
            for _ in 0..20_000 {
                x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
            }
            outcome(index)
        });
        (Arc::new(job), renders)
    }

    /// The results `run` hands over, in the order it hands them.
    fn collect(job: &TestJob) -> Result<Vec<usize>, usize> {
        let mut seen = Vec::new();
        job.run(|result| result.map(|value| seen.push(value)))?;
        Ok(seen)
    }

    /// Lets a helper thread render every template of `job` it can claim, and waits for it.
    fn help_on_another_thread(job: &TestJob) {
        let job = job.clone();
        std::thread::spawn(move || job.help())
            .join()
            .expect("the helper thread ends normally");
    }

    fn ok(index: usize) -> Result<usize, usize> {
        Ok(index)
    }

    #[test]
    fn results_come_in_order_and_each_template_renders_once_whoever_renders_it() {
        for helper_first in [false, true] {
            let (job, renders) = counted_job(40, ok);
            if helper_first {
                // The helper renders everything; the render only collects.
                help_on_another_thread(&job);
                assert_eq!(collect(&job), Ok((0..40).collect()));
            } else {
                let start = Arc::new(Barrier::new(2));
                let helper = {
                    let (job, start) = (job.clone(), start.clone());
                    std::thread::spawn(move || {
                        start.wait();
                        job.help();
                    })
                };
                start.wait();
                assert_eq!(collect(&job), Ok((0..40).collect()));
                helper.join().unwrap();
            }
            for (index, count) in renders.iter().enumerate() {
                assert_eq!(count.load(Ordering::Relaxed), 1, "template {index}");
            }
        }
    }

    #[test]
    fn without_a_helper_the_render_renders_everything() {
        let (job, renders) = counted_job(10, ok);
        assert_eq!(collect(&job), Ok((0..10).collect()));
        assert!(renders.iter().all(|c| c.load(Ordering::Relaxed) == 1));
    }

    #[test]
    fn the_first_error_in_template_order_is_the_one_reported() {
        fn fails_from_five(index: usize) -> Result<usize, usize> {
            if index >= 5 {
                Err(index)
            } else {
                Ok(index)
            }
        }
        // The helper renders the later, failing templates first; the render still reports 5.
        let (job, _) = counted_job(12, fails_from_five);
        help_on_another_thread(&job);
        assert_eq!(collect(&job), Err(5));
        let (job, _) = counted_job(12, fails_from_five);
        assert_eq!(collect(&job), Err(5));
    }

    #[test]
    fn a_panic_on_the_helper_reaches_the_render() {
        fn panics_at_three(index: usize) -> Result<usize, usize> {
            assert_ne!(index, 3, "template three");
            Ok(index)
        }
        let (job, _) = counted_job(6, panics_at_three);
        // The helper survives its panic and finishes its share.
        help_on_another_thread(&job);
        let payload = panic::catch_unwind(AssertUnwindSafe(|| collect(&job)))
            .expect_err("the panic must reach the render");
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default();
        assert!(message.contains("template three"), "{message}");
    }

    #[test]
    fn renders_at_once_in_one_process_all_finish_with_their_own_results() {
        // One helper serving the board, several renders competing for it: each gets its own
        // results, whether it got the board or rendered alone.
        std::thread::spawn(|| serve());
        let renders: Vec<_> = (0..4)
            .map(|n| {
                std::thread::spawn(move || {
                    let (job, renders) = counted_job(20 + n, ok);
                    let seen = collect(&job);
                    (seen, renders, 20 + n)
                })
            })
            .collect();
        for render in renders {
            let (seen, counts, count) = render.join().unwrap();
            assert_eq!(seen, Ok((0..count).collect()));
            assert!(counts.iter().all(|c| c.load(Ordering::Relaxed) == 1));
        }
    }
}
