//! Apply progress on standard output, as it happens: the executor's events
//! rendered as text or as Terraform's JSON UI, and a "Still ..." line for
//! each operation every interval (10 s, as Terraform; the environment
//! variable AKSPLAN_PROGRESS_INTERVAL_MS changes it, for tests). It owns the
//! ticker thread and the clock of the ticks; the words are the views'.
//! Refresh's reads go the same way ([`RefreshLines`]), as Terraform's JSON
//! UI shows them.
//!
//! On a terminal (see [`live::wanted`]) text progress is shown live
//! instead: the same permanent lines, less the "Still ..." ones, above a
//! few lines redrawn in place ([`live`]), cleared when the printer is
//! dropped. Messages to standard error while it is drawn go through a
//! [`Teller`], so they never land inside it.

mod live;

use super::views::{progress_live, progress_text, ui_json};
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
    /// The live area, while it is drawn.
    live: Option<live::Live>,
    /// Operations completed, and failed or abandoned, for the live view.
    done: usize,
    failed: usize,
}

/// What the live view counts against, and whether it is coloured.
struct LiveRun {
    total: usize,
    color: bool,
    started: Instant,
}

struct Shared {
    ui: Ui,
    interval: Duration,
    inner: Mutex<Inner>,
    wake: Condvar,
    /// `Some` when progress is shown live.
    live: Option<LiveRun>,
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

/// Between two redraws of the live area.
const REDRAW: Duration = Duration::from_millis(250);

impl Printer {
    /// For an apply of `plan`: live on a terminal that wants it (text
    /// only; `color` colours the live area), else plain lines as they
    /// happen, text or JSON, with "Still ..." lines.
    pub fn new(ui: Ui, env: &[(String, String)], color: bool, plan: &crate::plan::Plan) -> Printer {
        // Nothing to run, nothing to show: no live area flashes by.
        let total = live::operations(plan);
        let run = (ui == Ui::Text && total > 0 && live::wanted(env)).then(|| LiveRun {
            total,
            color,
            started: Instant::now(),
        });
        Printer::start(ui, interval(env), run)
    }

    fn start(ui: Ui, interval: Duration, run: Option<LiveRun>) -> Printer {
        let inner = Inner {
            live: run.as_ref().map(|_| live::Live::new()),
            ..Inner::default()
        };
        let shared = Arc::new(Shared {
            ui,
            interval,
            inner: Mutex::new(inner),
            wake: Condvar::new(),
            live: run,
        });
        if let Ok(inner) = shared.inner.lock() {
            redraw(&shared, &inner);
        }
        let s = shared.clone();
        let ticker = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || tick(&s))
            .ok();
        Printer { shared, ticker }
    }

    /// Says things on standard error (or in the JSON UI) while the printer
    /// runs, and after.
    pub fn teller(&self) -> Teller {
        Teller {
            shared: self.shared.clone(),
        }
    }
}

/// Prints a message of the run's own (an interrupt's) on standard error as
/// text, or as a `log` line of the JSON UI, which has everything on
/// standard output as Terraform's; never inside the live area.
#[derive(Clone)]
pub struct Teller {
    shared: Arc<Shared>,
}

impl Teller {
    pub fn say(&self, message: &str) {
        let Ok(inner) = self.shared.inner.lock() else {
            return;
        };
        match (self.shared.ui, &inner.live) {
            (Ui::Json, _) => emit(&ui_json::log(message)),
            (Ui::Text, Some(live)) => live.suspend(|| eprintln!("\n{message}")),
            (Ui::Text, None) => eprintln!("\n{message}"),
        }
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
        if let Ok(mut inner) = self.shared.inner.lock() {
            if let Some(live) = inner.live.take() {
                live.clear();
            }
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
            Event::Completed { addr, .. } => {
                inner.running.remove(addr);
                inner.done += 1;
            }
            Event::Failed { addr, .. } | Event::Abandoned { addr, .. } => {
                inner.running.remove(addr);
                inner.failed += 1;
            }
        }
        // Printed under the lock, so a tick never comes between.
        let line = match self.shared.ui {
            Ui::Text => progress_text::event(&e),
            Ui::Json => ui_json::event(&e),
        };
        // The live area first shows what runs now, so the line goes above
        // the new state rather than the old.
        redraw(&self.shared, &inner);
        match &inner.live {
            Some(live) => live.println(&line),
            None => emit(&line),
        }
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

/// The live area drawn again from what runs now; nothing when not live.
fn redraw(shared: &Shared, inner: &Inner) {
    let (Some(run), Some(live)) = (&shared.live, &inner.live) else {
        return;
    };
    let now = Instant::now();
    let mut running: Vec<progress_live::Running> = inner
        .running
        .iter()
        .map(|(addr, r)| progress_live::Running {
            addr: addr.to_string(),
            verb: r.verb,
            elapsed: now - r.started,
        })
        .collect();
    // Longest-running first; a stable sort keeps address order among equals.
    running.sort_by_key(|r| std::cmp::Reverse(r.elapsed));
    let snapshot = progress_live::Snapshot {
        running,
        done: inner.done,
        failed: inner.failed,
        total: run.total,
        elapsed: now - run.started,
    };
    live.show(&progress_live::lines(&snapshot, live::Live::width(), run.color));
}

/// The ticker: a "Still ..." line for each operation whose next tick is
/// due; when live, the live area redrawn instead.
fn tick(shared: &Shared) {
    let Ok(mut inner) = shared.inner.lock() else {
        return;
    };
    loop {
        if inner.stop {
            return;
        }
        if shared.live.is_some() {
            redraw(shared, &inner);
            inner = match shared.wake.wait_timeout(inner, REDRAW) {
                Ok((g, _)) => g,
                Err(_) => return,
            };
            continue;
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
