//! Which ready step of an apply starts first: critical path first.
//!
//! Each node weighs the expected duration of its cloud operation (by type,
//! from [`super::durations`]; nothing for a node that calls nothing), and
//! its priority is the heaviest path from it through what waits for it:
//! its own weight plus its heaviest dependent's priority. Of the ready
//! steps, the one with the highest priority starts first, so a chain of
//! slow operations is not kept waiting behind independent quick ones.
//!
//! It decides order only: how many operations run at once is the
//! executor's (`--parallelism`), and backing off when ARM throttles is the
//! provider's.

use super::durations::expected_ms;
use super::graph::{ApplyGraph, Node};
use crate::addrs::Mode;
use crate::plan::{Action, Plan};
use rustc_hash::FxHashMap as HashMap;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// Each node's expected duration, in milliseconds: that of its slowest
/// cloud operation (a resource node's instances run side by side).
pub fn weights(graph: &ApplyGraph, plan: &Plan) -> Vec<u64> {
    let mut by_type: HashMap<(Mode, &str), u64> = HashMap::default();
    let mut weights = vec![0u64; graph.len()];
    for (id, weight) in weights.iter_mut().enumerate() {
        for &ci in graph.changes(id) {
            let c = &plan.changes[ci];
            let calls = match graph.node(id) {
                Node::Object(_) => !plan.destroy && !matches!(c.action, Action::NoOp | Action::Delete | Action::Forget),
                Node::Delete(_) | Node::DeleteDeposed(..) => true,
                Node::Join(_) => false,
            };
            if calls {
                let (mode, type_name) = (c.addr.resource.mode, c.addr.resource.type_name.as_str());
                let ms = *by_type
                    .entry((mode, type_name))
                    .or_insert_with(|| expected_ms(mode, type_name));
                *weight = (*weight).max(ms);
            }
        }
    }
    weights
}

/// Each node's priority: its weight plus the heaviest priority of what
/// waits for it.
pub fn priorities(graph: &ApplyGraph, weights: &[u64]) -> Vec<u64> {
    let mut priority = vec![0u64; graph.len()];
    for &id in graph.order().iter().rev() {
        let after = graph.dependents(id).iter().map(|&d| priority[d]).max().unwrap_or(0);
        priority[id] = weights[id].saturating_add(after);
    }
    priority
}

/// Ready work, highest priority first; at one priority, what is already
/// prepared (`prepared`) before what is not, then first come first served.
pub struct Queue<T> {
    heap: BinaryHeap<Entry<T>>,
    next: u64,
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Queue {
            heap: BinaryHeap::new(),
            next: 0,
        }
    }
}

impl<T> Queue<T> {
    pub fn push(&mut self, priority: u64, prepared: bool, item: T) {
        self.heap.push(Entry {
            key: (priority, prepared, Reverse(self.next)),
            item,
        });
        self.next += 1;
    }

    pub fn pop(&mut self) -> Option<T> {
        self.heap.pop().map(|e| e.item)
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

struct Entry<T> {
    key: (u64, bool, Reverse<u64>),
    item: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<T> Eq for Entry<T> {}

impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Entry<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_gives_the_highest_priority_then_what_is_prepared_then_the_oldest() {
        let mut q = Queue::default();
        q.push(5, false, "a");
        q.push(9, false, "b");
        q.push(5, false, "c");
        q.push(5, true, "d");
        q.push(0, true, "e");
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, vec!["b", "d", "a", "c", "e"]);
        assert!(q.is_empty());
    }
}
