//! Running one job per input across all cores, with results handed back in input order.

use std::io::{IsTerminal, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

thread_local! {
    /// Set in worker threads, whose panics are caught and reported as one line per file.
    static QUIET_PANICS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs a panic hook that stays silent in worker threads (their panics become error lines)
/// and prints as usual elsewhere.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !QUIET_PANICS.with(|q| q.get()) {
            default(info);
        }
    }));
}

/// The message of a caught panic.
fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// The default number of jobs: the number of cores.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs `f` on every item on `jobs` threads and calls `sink` with each result in input order,
/// as soon as it and all before it are done. A panic in `f` becomes `Err(message)`. With
/// `progress`, draws a bar on standard error when it is a terminal; `sink` may print to standard
/// error through [`Progress::clear`] first.
pub fn for_each_ordered<T, R, F, S>(items: &[T], jobs: usize, progress: bool, f: F, mut sink: S)
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
    S: FnMut(usize, Result<R, String>, &mut Progress),
{
    let mut bar = Progress::new(items.len(), progress);
    let next = AtomicUsize::new(0);
    let jobs = jobs.clamp(1, items.len().max(1));
    let (tx, rx) = mpsc::channel::<(usize, Result<R, String>)>();
    std::thread::scope(|s| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let (next, f) = (&next, &f);
            // A roomy stack: the analyzer and the HTML walk recurse on nested input.
            let worker = std::thread::Builder::new().stack_size(16 << 20);
            let spawned = worker.spawn_scoped(s, move || {
                QUIET_PANICS.with(|q| q.set(true));
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= items.len() {
                        break;
                    }
                    let r = catch_unwind(AssertUnwindSafe(|| f(&items[i])))
                        .map_err(|p| panic_message(p.as_ref()));
                    if tx.send((i, r)).is_err() {
                        break;
                    }
                }
            });
            spawned.expect("start a worker thread");
        }
        drop(tx);
        let mut pending = std::collections::BTreeMap::new();
        let mut want = 0;
        for (i, r) in rx {
            pending.insert(i, r);
            bar.done += 1;
            while let Some(r) = pending.remove(&want) {
                sink(want, r, &mut bar);
                want += 1;
            }
            bar.draw();
        }
    });
    bar.clear();
}

/// A progress bar on standard error, drawn only when standard error is a terminal.
pub struct Progress {
    total: usize,
    done: usize,
    on: bool,
    drawn: bool,
    last: Option<std::time::Instant>,
}

impl Progress {
    fn new(total: usize, want: bool) -> Progress {
        Progress {
            total,
            done: 0,
            on: want && total > 1 && std::io::stderr().is_terminal(),
            drawn: false,
            last: None,
        }
    }

    fn draw(&mut self) {
        if !self.on {
            return;
        }
        // At most 20 redraws a second, and always the last one.
        let now = std::time::Instant::now();
        if self.done < self.total
            && self
                .last
                .is_some_and(|t| now.duration_since(t).as_millis() < 50)
        {
            return;
        }
        self.last = Some(now);
        let width = 30;
        let filled = self.done * width / self.total.max(1);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{}{}] {}/{}",
            "=".repeat(filled),
            " ".repeat(width - filled),
            self.done,
            self.total
        );
        let _ = err.flush();
        self.drawn = true;
    }

    /// Erases the bar, so that a line can be written to standard error.
    pub fn clear(&mut self) {
        if self.drawn {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
            self.drawn = false;
        }
    }
}
