//! Pure, CPU-bound work spread over the machine's cores: only for the few
//! stages where it pays (parsing a long file, decoding a big state), each
//! a map over items whose results come back in order.

/// How many threads the machine runs at once (at most 8).
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).min(8)
}

/// `f` of each item, in order: the items in up to [`threads`] runs of at
/// least `least` items each, one run a thread (the first on this one), each
/// with the stack of the thread that runs a command ([`crate::STACK_SIZE`]).
/// A thread that cannot be started leaves its run to this one.
pub fn map<T: Sync, U: Send>(items: &[T], least: usize, f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    map_in(items, threads(), least, f)
}

fn map_in<T: Sync, U: Send>(items: &[T], threads: usize, least: usize, f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    let runs = threads.min(items.len() / least.max(1)).max(1);
    if runs == 1 {
        return items.iter().map(f).collect();
    }
    let size = items.len().div_ceil(runs);
    let mut chunks = items.chunks(size);
    let first = chunks.next().unwrap_or_default();
    let f = &f;
    std::thread::scope(|scope| {
        let others: Vec<_> = chunks
            .map(|chunk| {
                let spawned = std::thread::Builder::new()
                    .stack_size(crate::STACK_SIZE)
                    .spawn_scoped(scope, move || chunk.iter().map(f).collect::<Vec<U>>());
                (chunk, spawned)
            })
            .collect();
        let mut out: Vec<U> = Vec::with_capacity(items.len());
        out.extend(first.iter().map(f));
        for (chunk, spawned) in others {
            match spawned {
                Ok(handle) => match handle.join() {
                    Ok(done) => out.extend(done),
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                Err(_) => out.extend(chunk.iter().map(f)),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_order_whatever_the_runs() {
        let items: Vec<u32> = (0..1000).collect();
        let doubled: Vec<u32> = items.iter().map(|i| i * 2).collect();
        for threads in [1, 2, 3, 8] {
            for least in [0, 1, 7, 400, 2000] {
                assert_eq!(
                    map_in(&items, threads, least, |i| i * 2),
                    doubled,
                    "{threads} threads, {least}"
                );
            }
        }
        assert!(map_in(&[] as &[u32], 4, 1, |i| *i).is_empty());
    }

    #[test]
    fn work_runs_on_other_threads_when_there_is_enough() {
        let items: Vec<u32> = (0..100).collect();
        let here = std::thread::current().id();
        let elsewhere = map_in(&items, 2, 10, |_| std::thread::current().id() != here);
        assert!(!elsewhere[0] && elsewhere[99]);
        assert!(map_in(&items, 2, 51, |_| std::thread::current().id() != here)
            .iter()
            .all(|e| !e));
    }
}
