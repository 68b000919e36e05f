//! Apply progress on standard output, as it happens: the executor's events
//! rendered as text or as Terraform's JSON UI, and a "Still ..." line for
//! each operation every interval (10 s, as Terraform; the environment
//! variable AKSPLAN_PROGRESS_INTERVAL_MS changes it, for tests). It owns the
//! ticker thread and the clock of the ticks; the words are the views'.
//! Refresh's reads go the same way ([`RefreshLines`]), as Terraform's JSON
//! UI shows them.

use super::views::{progress_text, ui_json};
use crate::apply::progress::{Event, Progress, ShownId, Verb};
use crate::plan::refresh::{RefreshEvent, RefreshProgress};
use crate::state::deposed::ObjectAddr;
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Terraform's interval between two "Still ..." lines.
const INTERVAL: Duration = Duration::from_secs(10);

/// How progress is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ui {
    Text,
    Json,
}

struct Running {
    verb: Verb,
    id: Option<ShownId>,
    started: Instant,
    next: Instant,
}

#[derive(Default)]
struct Inner {
    running: BTreeMap<ObjectAddr, Running>,
    stop: bool,
}

struct Shared {
    ui: Ui,
    interval: Duration,
    inner: Mutex<Inner>,
    wake: Condvar,
}

/// Prints progress; the ticker stops when it is dropped.
pub struct Printer {
    shared: Arc<Shared>,
    ticker: Option<std::thread::JoinHandle<()>>,
}

/// The interval the environment asks for, or Terraform's.
pub fn interval(env: &[(String, String)]) -> Duration {
    env.iter()
        .find(|(k, _)| k == "AKSPLAN_PROGRESS_INTERVAL_MS")
        .and_then(|(_, v)| v.trim().parse::<u64>().ok())
        .filter(|&ms| ms > 0)
        .map_or(INTERVAL, Duration::from_millis)
}

impl Printer {
    pub fn new(ui: Ui, interval: Duration) -> Printer {
        let shared = Arc::new(Shared {
            ui,
            interval,
            inner: Mutex::new(Inner::default()),
            wake: Condvar::new(),
        });
        let s = shared.clone();
        let ticker = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || tick(&s))
            .ok();
        Printer { shared, ticker }
    }
}

impl Drop for Printer {
    fn drop(&mut self) {
        if let Ok(mut inner) = self.shared.inner.lock() {
            inner.stop = true;
        }
        self.shared.wake.notify_all();
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
    }
}

/// One line on standard output, now.
fn emit(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

impl Progress for Printer {
    fn event(&self, e: Event) {
        let Ok(mut inner) = self.shared.inner.lock() else {
            return;
        };
        match &e {
            Event::Started { addr, verb, id } => {
                let now = Instant::now();
                inner.running.insert(
                    addr.clone(),
                    Running {
                        verb: *verb,
                        id: id.clone(),
                        started: now,
                        next: now + self.shared.interval,
                    },
                );
            }
            Event::Completed { addr, .. } | Event::Failed { addr, .. } | Event::Abandoned { addr, .. } => {
                inner.running.remove(addr);
            }
        }
        // Printed under the lock, so a tick never comes between.
        emit(&match self.shared.ui {
            Ui::Text => progress_text::event(&e),
            Ui::Json => ui_json::event(&e),
        });
        drop(inner);
        self.shared.wake.notify_all();
    }
}

/// A plan's reads on standard output, as each is sent and answered:
/// `refresh_start` and `refresh_complete` lines in the JSON UI, and a data
/// source's `apply_start` and `apply_complete`, timed here. As text,
/// nothing: aksplan's text plan does not list its reads.
pub struct RefreshLines {
    /// `None`: nothing is printed (stdout carries a JSON plan or a comment).
    ui: Option<Ui>,
    /// When each data source's read started.
    reading: Mutex<BTreeMap<crate::addrs::Instance, Instant>>,
    /// Whether a text line was printed, so [`RefreshLines::end`] sets the
    /// plan apart from them as Terraform does.
    printed: std::sync::atomic::AtomicBool,
}

impl RefreshLines {
    pub fn new(ui: Ui) -> RefreshLines {
        RefreshLines {
            ui: Some(ui),
            reading: Mutex::default(),
            printed: Default::default(),
        }
    }

    /// Prints nothing: for a plan whose standard output is its JSON or
    /// Markdown.
    pub fn quiet() -> RefreshLines {
        RefreshLines {
            ui: None,
            ..RefreshLines::new(Ui::Text)
        }
    }

    /// After the reads: the blank line Terraform leaves between its
    /// refresh lines and the plan.
    pub fn end(&self) {
        if self.printed.load(std::sync::atomic::Ordering::Relaxed) {
            emit("");
        }
    }
}

impl RefreshProgress for RefreshLines {
    fn refresh(&self, e: RefreshEvent<'_>) {
        let Some(ui) = self.ui else {
            return;
        };
        let Ok(mut reading) = self.reading.lock() else {
            return;
        };
        let elapsed = match &e {
            RefreshEvent::DataReading { addr } => {
                reading.insert((*addr).clone(), Instant::now());
                Duration::ZERO
            }
            RefreshEvent::DataRead { addr, .. } => reading.remove(*addr).map_or(Duration::ZERO, |t| t.elapsed()),
            _ => Duration::ZERO,
        };
        match ui {
            Ui::Json => emit(&ui_json::refresh(&e, elapsed)),
            Ui::Text => {
                if let Some(line) = progress_text::refresh(&e, elapsed) {
                    self.printed.store(true, std::sync::atomic::Ordering::Relaxed);
                    emit(&line);
                }
            }
        }
    }
}

/// The ticker: a "Still ..." line for each operation whose next tick is due.
fn tick(shared: &Shared) {
    let Ok(mut inner) = shared.inner.lock() else {
        return;
    };
    loop {
        if inner.stop {
            return;
        }
        let now = Instant::now();
        let interval = shared.interval;
        for (addr, r) in inner.running.iter_mut().filter(|(_, r)| r.next <= now) {
            let elapsed = now - r.started;
            emit(&match shared.ui {
                Ui::Text => progress_text::still(addr, r.verb, &r.id, elapsed),
                Ui::Json => ui_json::still(addr, r.verb, elapsed),
            });
            while r.next <= now {
                r.next += interval;
            }
        }
        let wait = inner
            .running
            .values()
            .map(|r| r.next.saturating_duration_since(now))
            .min()
            .unwrap_or(Duration::from_secs(3600));
        inner = match shared.wake.wait_timeout(inner, wait) {
            Ok((g, _)) => g,
            Err(_) => return,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_is_terraform_s_unless_the_environment_says() {
        assert_eq!(interval(&[]), Duration::from_secs(10));
        let env = |v: &str| vec![("AKSPLAN_PROGRESS_INTERVAL_MS".to_string(), v.to_string())];
        assert_eq!(interval(&env("50")), Duration::from_millis(50));
        assert_eq!(interval(&env("0")), Duration::from_secs(10));
        assert_eq!(interval(&env("soon")), Duration::from_secs(10));
    }
}
