//! The process's memory allocator: small blocks are cut from one 2 MiB region, everything else
//! goes to the system allocator.
//!
//! A `render` allocates about 10,000 blocks, 2 MB in all, and exits. Through malloc those
//! blocks cost about a quarter of the process's instructions (the compiling thread also starts
//! a malloc arena of its own) and some 170 first touches of fresh 4 KiB pages. Here a block
//! costs a few instructions: each thread cuts its blocks from its own 64 KiB chunk of the region,
//! so threads never wait for each other, and the region asks for a transparent huge page, so it
//! is faulted in at once instead of page by page. The region is set up on Linux only; elsewhere
//! the system allocator serves everything.
//!
//! A freed block is reused when it is the last one its thread cut (temporaries and growing
//! buffers mostly are); any other free leaves a hole. The holes are bounded by the region: once
//! it is used up, every new block comes from the system allocator, so a long run (`validate`
//! over thousands of files) costs at most the region's 2 MiB more than malloc alone.
//!
//! `GLOO_CHART_SYSTEM_ALLOCATOR=1` leaves everything to the system allocator (for heap
//! profilers, which see malloc only).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

/// Size and alignment of the region: one x86-64 huge page.
const REGION: usize = 2 << 20;
/// What a thread takes from the region at a time.
const CHUNK: usize = 64 << 10;
/// Larger blocks come from the system allocator.
const LARGEST: usize = 8 << 10;
/// So do blocks aligned past a page.
const MAX_ALIGN: usize = 4096;

/// Start of the region; 0 until [`start`] has set it up, or when it could not.
static BASE: AtomicUsize = AtomicUsize::new(0);
/// Offset of the next chunk no thread has taken.
static NEXT_CHUNK: AtomicUsize = AtomicUsize::new(0);

/// A thread's chunk of the region, `[start, start + CHUNK)`, free from `cursor` on.
#[derive(Clone, Copy)]
struct Chunk {
    /// 0 while the thread has no chunk.
    start: usize,
    cursor: usize,
}

impl Chunk {
    fn end(self) -> usize {
        self.start + CHUNK
    }
}

thread_local! {
    static MINE: Cell<Chunk> = const { Cell::new(Chunk { start: 0, cursor: 0 }) };
}

/// This thread's chunk; `None` only while the thread is being torn down.
fn mine() -> Option<Chunk> {
    MINE.try_with(Cell::get).ok()
}

fn move_cursor(cursor: usize) {
    MINE.with(|c| c.set(Chunk { cursor, ..c.get() }));
}

/// The allocator `main` installs.
pub struct Arena;

/// Sets up the region, once; call it first thing in `main`. Blocks allocated before (by the
/// runtime) came from the system allocator and go back to it.
pub fn start() {
    static STARTED: Once = Once::new();
    STARTED.call_once(|| {
        if std::env::var_os("GLOO_CHART_SYSTEM_ALLOCATOR").is_some_and(|v| v == "1") {
            return;
        }
        if let Some(base) = map_region() {
            BASE.store(base, Ordering::Release);
        }
    });
}

#[cfg(target_os = "linux")]
fn map_region() -> Option<usize> {
    // Twice the size, so that a region aligned to its size fits inside; the ends go back.
    // SAFETY: an anonymous private mapping where the kernel chooses touches no existing memory;
    // the result is checked before use.
    let mapped = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            2 * REGION,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if mapped == libc::MAP_FAILED {
        return None;
    }
    let first = mapped as usize;
    let base = (first + REGION - 1) & !(REGION - 1);
    let tail = base + REGION;
    let last = first + 2 * REGION;
    // SAFETY: the ranges given back lie in the mapping above, outside the region, and nothing
    // has used any of it yet.
    unsafe {
        if base > first {
            libc::munmap(first as *mut libc::c_void, base - first);
        }
        if last > tail {
            libc::munmap(tail as *mut libc::c_void, last - tail);
        }
    }
    ask_for_huge_page(base);
    Some(base)
}

/// Elsewhere there are no transparent huge pages to ask for, and the region is not set up.
#[cfg(not(target_os = "linux"))]
fn map_region() -> Option<usize> {
    None
}

/// Where the kernel has transparent huge pages (mode `always` or `madvise`), the region's first
/// touch faults in one 2 MiB page. Where it has not, this does nothing and the region fills
/// page by page, which still saves malloc's instructions.
#[cfg(target_os = "linux")]
fn ask_for_huge_page(base: usize) {
    // SAFETY: advice on a range this process mapped; it changes no contents.
    unsafe { libc::madvise(base as *mut libc::c_void, REGION, libc::MADV_HUGEPAGE) };
}

/// The address of a new block of `layout` cut from this thread's chunk, taking a new chunk
/// when the block does not fit. `None` for large blocks, or when the region is not set up or is
/// used up.
fn cut(layout: Layout) -> Option<usize> {
    let size = layout.size();
    let align = layout.align();
    if size > LARGEST || align > MAX_ALIGN {
        return None;
    }
    let chunk = mine()?;
    let at = (chunk.cursor + align - 1) & !(align - 1);
    if chunk.start != 0 && at + size <= chunk.end() {
        move_cursor(at + size);
        return Some(at);
    }
    let base = BASE.load(Ordering::Acquire);
    if base == 0 || NEXT_CHUNK.load(Ordering::Relaxed) >= REGION {
        return None;
    }
    let offset = NEXT_CHUNK.fetch_add(CHUNK, Ordering::Relaxed);
    if offset + CHUNK > REGION {
        return None;
    }
    // What is left of the old chunk is abandoned. The new one is aligned to its size, more than
    // any block cut here asks for.
    let start = base + offset;
    MINE.with(|c| {
        c.set(Chunk {
            start,
            cursor: start + size,
        })
    });
    Some(start)
}

fn in_region(ptr: usize) -> bool {
    let base = BASE.load(Ordering::Relaxed);
    base != 0 && ptr >= base && ptr < base + REGION
}

/// Whether the block at `ptr`, `size` bytes long, is the last one cut from this thread's
/// current chunk.
fn is_last(ptr: usize, size: usize) -> bool {
    mine().is_some_and(|chunk| ptr + size == chunk.cursor && ptr >= chunk.start)
}

// SAFETY: blocks cut from the region never overlap: a thread cuts only from chunks it took alone
// through the atomic counter, and moves its cursor back only to the start of the block it cut
// last, once that block is freed. They are aligned as asked (chunks are aligned to 64 KiB,
// cuts round up, larger alignments go to the system allocator). A block's address tells which
// allocator it came from, and only the system allocator's blocks are given back to it.
unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match cut(layout) {
            Some(at) => at as *mut u8,
            // SAFETY: forwarded with the caller's guarantees.
            None => unsafe { System.alloc(layout) },
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match cut(layout) {
            Some(at) => {
                let ptr = at as *mut u8;
                // SAFETY: the block was just cut for the caller, `layout.size()` bytes long
                // (it may be reused memory, so it is cleared).
                unsafe { ptr.write_bytes(0, layout.size()) };
                ptr
            }
            // SAFETY: forwarded with the caller's guarantees.
            None => unsafe { System.alloc_zeroed(layout) },
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let at = ptr as usize;
        if !in_region(at) {
            // SAFETY: a block outside the region came from the system allocator.
            return unsafe { System.dealloc(ptr, layout) };
        }
        if is_last(at, layout.size()) {
            move_cursor(at);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let at = ptr as usize;
        if !in_region(at) {
            // SAFETY: a block outside the region came from the system allocator.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        let last = is_last(at, layout.size());
        let grows_in_place = last && mine().is_some_and(|chunk| at + new_size <= chunk.end());
        if new_size <= layout.size() || grows_in_place {
            // Shrinking, or growing the last block into free space: the block stays put. A
            // block that shrinks and is not the last keeps its whole extent (a hole later).
            if last {
                move_cursor(at + new_size);
            }
            return ptr;
        }
        // SAFETY: `realloc`'s contract makes `new_size` with the old alignment a valid layout.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: a non-zero size, as `alloc` needs.
        let moved = unsafe { self.alloc(new_layout) };
        if !moved.is_null() {
            // SAFETY: both blocks are live and distinct; the old one is `layout.size()` bytes,
            // fewer than the new one, and is freed once copied.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, moved, layout.size());
                self.dealloc(ptr, layout);
            }
        }
        moved
    }
}

// The region, and so what these tests look at, exists on Linux only.
#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// A block the test owns, filled with its tag byte.
    struct Block {
        ptr: *mut u8,
        layout: Layout,
        tag: u8,
    }

    impl Block {
        fn new(layout: Layout, tag: u8) -> Block {
            // SAFETY: sizes in these tests are never zero.
            let ptr = unsafe { Arena.alloc(layout) };
            assert!(!ptr.is_null(), "allocation of {layout:?} failed");
            assert_eq!(ptr as usize % layout.align(), 0, "{layout:?} misaligned");
            // SAFETY: the block is `layout.size()` bytes, ours.
            unsafe { ptr.write_bytes(tag, layout.size()) };
            Block { ptr, layout, tag }
        }

        fn check(&self) {
            // SAFETY: the block is live and was filled up to its size.
            let bytes = unsafe { std::slice::from_raw_parts(self.ptr, self.layout.size()) };
            assert!(
                bytes.iter().all(|&b| b == self.tag),
                "block {:p} overwritten",
                self.ptr
            );
        }

        fn resize(&mut self, new_size: usize) {
            self.check();
            // SAFETY: a live block of this layout, a non-zero size.
            let ptr = unsafe { Arena.realloc(self.ptr, self.layout, new_size) };
            assert!(!ptr.is_null());
            let kept = self.layout.size().min(new_size);
            // SAFETY: the new block is `new_size` bytes; the first `kept` must have survived.
            unsafe {
                let bytes = std::slice::from_raw_parts(ptr, kept);
                assert!(
                    bytes.iter().all(|&b| b == self.tag),
                    "realloc lost contents"
                );
                ptr.add(kept).write_bytes(self.tag, new_size - kept);
            }
            self.ptr = ptr;
            self.layout = Layout::from_size_align(new_size, self.layout.align()).unwrap();
        }

        fn free(self) {
            self.check();
            // SAFETY: a live block of this layout, freed once.
            unsafe { Arena.dealloc(self.ptr, self.layout) };
        }
    }

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    /// A small deterministic generator (xorshift), so that a failure can be replayed.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// Many threads allocating, growing, shrinking and freeing blocks of every size and
    /// alignment until the region is used up; every block keeps its contents and no two live
    /// blocks overlap. Returns how many blocks came from the region and how many from malloc.
    fn churn(seed: u64) -> (usize, usize) {
        let mut rng = Rng(seed);
        let mut live: Vec<Block> = Vec::new();
        let (mut cut, mut system, mut bytes) = (0, 0, 0);
        while bytes < 2 * REGION {
            match rng.below(10) {
                0..=4 => {
                    let size = 1 + rng.below(LARGEST + LARGEST / 2);
                    let align = 1 << rng.below(14);
                    let block = Block::new(layout(size, align), rng.below(255) as u8 + 1);
                    if in_region(block.ptr as usize) {
                        cut += 1;
                    } else {
                        system += 1;
                    }
                    bytes += size;
                    live.push(block);
                }
                5..=6 if !live.is_empty() => live.pop().unwrap().free(),
                7 if !live.is_empty() => {
                    let at = rng.below(live.len());
                    live.swap_remove(at).free();
                }
                _ if !live.is_empty() => {
                    let at = if rng.below(2) == 0 {
                        live.len() - 1
                    } else {
                        rng.below(live.len())
                    };
                    let new_size = 1 + rng.below(2 * LARGEST);
                    bytes += new_size;
                    live[at].resize(new_size);
                }
                _ => {}
            }
            if rng.below(200) == 0 {
                live.iter().for_each(Block::check);
                let mut spans: Vec<(usize, usize)> = live
                    .iter()
                    .map(|b| (b.ptr as usize, b.ptr as usize + b.layout.size()))
                    .collect();
                spans.sort_unstable();
                assert!(
                    spans.windows(2).all(|w| w[0].1 <= w[1].0),
                    "live blocks overlap"
                );
            }
        }
        live.into_iter().for_each(Block::free);
        (cut, system)
    }

    // One test, in order: the region is shared by the whole test process and the second half
    // uses it up.
    #[test]
    fn blocks_keep_their_contents_and_the_region_hands_over_to_malloc_when_used_up() {
        start();
        assert_ne!(BASE.load(Ordering::Relaxed), 0, "the region was not set up");
        std::thread::spawn(|| {
            let first = Block::new(layout(24, 8), 1);
            let second = Block::new(layout(100, 8), 2);
            assert!(in_region(first.ptr as usize) && in_region(second.ptr as usize));
            assert!(second.ptr as usize >= first.ptr as usize + 24);
            let freed_at = second.ptr;
            second.free();
            let mut again = Block::new(layout(100, 8), 3);
            assert_eq!(again.ptr, freed_at, "the last block freed was not reused");
            again.resize(4000);
            assert_eq!(again.ptr, freed_at, "the last block did not grow in place");
            again.resize(10);
            assert_eq!(
                again.ptr, freed_at,
                "the last block did not shrink in place"
            );
            let mut moved = first;
            moved.resize(48);
            assert_ne!(
                moved.ptr as usize,
                freed_at as usize - 100,
                "grew over its neighbour"
            );
            assert!(!in_region(
                Block::new(layout(LARGEST + 1, 8), 4).ptr as usize
            ));
            assert!(!in_region(
                Block::new(layout(64, 2 * MAX_ALIGN), 5).ptr as usize
            ));
            moved.free();
            again.free();
        })
        .join()
        .unwrap();

        let threads: Vec<_> = (1..=4)
            .map(|seed| std::thread::spawn(move || churn(seed)))
            .collect();
        let counts: Vec<(usize, usize)> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert!(
            NEXT_CHUNK.load(Ordering::Relaxed) >= REGION,
            "the region was not used up"
        );
        assert!(
            counts.iter().all(|&(cut, _)| cut > 0),
            "a thread cut nothing: {counts:?}"
        );
        assert!(counts.iter().all(|&(_, system)| system > 0), "{counts:?}");
        // Once it is used up, a thread without a chunk gets its small blocks from malloc.
        let late = std::thread::spawn(|| {
            let block = Block::new(layout(16, 8), 6);
            let from_region = in_region(block.ptr as usize);
            block.free();
            from_region
        });
        assert!(!late.join().unwrap());
    }
}
