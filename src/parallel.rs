//! Running one function over many items on a few threads, results in input order.
//!
//! Used where a command touches every script file (loading, hashing): on a large history the
//! per-file work is independent and the files are already in the page cache, so a few threads
//! divide the time. Below [`PARALLEL_MIN_ITEMS`] one thread is faster than starting others.

/// Below this many items, `in_order_on_threads` stays on the calling thread.
pub const PARALLEL_MIN_ITEMS: usize = 256;

/// How many threads to use: the CPUs this process may use, at most four. Asked once per
/// process: on Linux the standard library answers by reading the cgroup's CPU quota files,
/// and a service that loads an embedded history should open no file for it.
fn threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(4)))
}

/// `f` applied to each item, results in order: on up to four threads (contiguous chunks)
/// when there are at least [`PARALLEL_MIN_ITEMS`]. `f` gets a scratch buffer of its thread's
/// to reuse between items. A thread that can't be started, or that panics, leaves its chunk
/// to the calling thread.
pub fn in_order_on_threads<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T, &mut Vec<u8>) -> R + Sync,
) -> Vec<R> {
    let run = |chunk: &[T]| {
        let mut buf = Vec::new();
        chunk
            .iter()
            .map(|item| f(item, &mut buf))
            .collect::<Vec<R>>()
    };
    if items.len() < PARALLEL_MIN_ITEMS || threads() < 2 {
        return run(items);
    }
    let threads = threads();
    let mut chunks = items.chunks(items.len().div_ceil(threads));
    let first = chunks.next().unwrap_or_default();
    std::thread::scope(|scope| {
        let others: Vec<_> = chunks
            .map(|c| {
                (
                    c,
                    std::thread::Builder::new().spawn_scoped(scope, || run(c)),
                )
            })
            .collect();
        let mut out = Vec::with_capacity(items.len());
        out.extend(run(first));
        for (c, handle) in others {
            let done = handle.ok().and_then(|h| h.join().ok());
            out.extend(done.unwrap_or_else(|| run(c)));
        }
        out
    })
}

/// Reads the whole file at `path` into `buf` (reused between files) and returns its bytes:
/// open, read until end of file, close. No `stat` for a size hint, and no allocation once
/// `buf` is as large as the largest file.
pub fn read_into<'b>(path: &std::path::Path, buf: &'b mut Vec<u8>) -> std::io::Result<&'b [u8]> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut len = 0;
    loop {
        if len == buf.len() {
            buf.resize((2 * len).max(16 * 1024), 0);
        }
        match file.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(&buf[..len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_input_order_on_and_off_threads() {
        for n in [0, 1, PARALLEL_MIN_ITEMS - 1, PARALLEL_MIN_ITEMS, 1001] {
            let items: Vec<usize> = (0..n).collect();
            let out = in_order_on_threads(&items, |i, buf| {
                buf.push(0);
                i * 2
            });
            assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn read_into_reads_whole_files_of_any_size() {
        let dir = tempfile::tempdir().unwrap();
        let mut buf = Vec::new();
        for size in [0usize, 1, 16 * 1024, 16 * 1024 + 1, 100_000] {
            let path = dir.path().join(format!("f{size}"));
            let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            std::fs::write(&path, &data).unwrap();
            assert_eq!(read_into(&path, &mut buf).unwrap(), &data[..]);
        }
        let missing = read_into(&dir.path().join("missing"), &mut buf).unwrap_err();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    }
}
