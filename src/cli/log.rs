//! aksplan's diagnostic log, switched on as Terraform's is: `TF_LOG`
//! (`TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR`, `OFF`, or `JSON` for TRACE as
//! JSON lines; `TF_LOG_CORE` when `TF_LOG` is unset), to stderr or appended
//! to `TF_LOG_PATH`.
//!
//! What is logged: at INFO, aksplan's version and the command's name; at
//! DEBUG (and TRACE), each phase's time and, against ARM over HTTP, one
//! line per request (method, path and query, status, time). Never an
//! argument, a header, a body, a variable value, a token or a secret: the
//! callers pass only those facts. This module formats and writes lines; it
//! decides nothing else.

use std::io::Write;
use std::sync::Mutex;
use std::time::{Instant, SystemTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Trace => "TRACE",
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
        }
    }
}

pub struct Log {
    /// The lowest level written; `None` when the log is off.
    threshold: Option<Level>,
    json: bool,
    out: Mutex<Box<dyn Write + Send>>,
}

/// What `TF_LOG` asks for: a threshold (none: off), JSON lines or not, and
/// whether the value was one Terraform knows (otherwise TRACE, as there).
fn parse_level(value: &str) -> (Option<Level>, bool, bool) {
    match value.to_ascii_uppercase().as_str() {
        "" | "OFF" => (None, false, true),
        "JSON" => (Some(Level::Trace), true, true),
        "TRACE" => (Some(Level::Trace), false, true),
        "DEBUG" => (Some(Level::Debug), false, true),
        "INFO" => (Some(Level::Info), false, true),
        "WARN" => (Some(Level::Warn), false, true),
        "ERROR" => (Some(Level::Error), false, true),
        _ => (Some(Level::Trace), false, false),
    }
}

impl Log {
    pub fn off() -> Log {
        Log::to(None, false, Box::new(std::io::sink()))
    }

    fn to(threshold: Option<Level>, json: bool, out: Box<dyn Write + Send>) -> Log {
        Log {
            threshold,
            json,
            out: Mutex::new(out),
        }
    }

    /// The log the environment asks for. A `TF_LOG_PATH` that cannot be
    /// opened is said on stderr, and the log goes to stderr instead, as
    /// Terraform does.
    pub fn from_env(env: &[(String, String)]) -> Log {
        let get = |k: &str| {
            env.iter()
                .find(|(n, v)| n == k && !v.is_empty())
                .map(|(_, v)| v.as_str())
        };
        let value = get("TF_LOG").or_else(|| get("TF_LOG_CORE")).unwrap_or("");
        let (threshold, json, known) = parse_level(value);
        if threshold.is_none() {
            return Log::off();
        }
        let out: Box<dyn Write + Send> = match get("TF_LOG_PATH") {
            Some(path) => match std::fs::OpenOptions::new().create(true).append(true).open(path) {
                Ok(f) => Box::new(f),
                Err(e) => {
                    eprintln!("Error opening log file: {path}: {e}");
                    Box::new(std::io::stderr())
                }
            },
            None => Box::new(std::io::stderr()),
        };
        let log = Log::to(threshold, json, out);
        if !known {
            log.write(
                Level::Warn,
                &format!(
                    "Invalid log level: {value:?}. Defaulting to level: TRACE. Valid levels are: TRACE DEBUG INFO WARN ERROR OFF JSON"
                ),
            );
        }
        log
    }

    pub fn enabled(&self, level: Level) -> bool {
        self.threshold.is_some_and(|t| level >= t)
    }

    /// Writes one line, if `level` is on.
    pub fn write(&self, level: Level, message: &str) {
        if !self.enabled(level) {
            return;
        }
        let line = if self.json {
            serde_json::json!({
                "@level": level.name().to_ascii_lowercase(),
                "@message": message,
                "@module": "aksplan",
                "@timestamp": humantime::format_rfc3339_micros(SystemTime::now()).to_string(),
            })
            .to_string()
        } else {
            format!(
                "{} [{}] {message}",
                humantime::format_rfc3339_millis(SystemTime::now()),
                level.name()
            )
        };
        if let Ok(mut out) = self.out.lock() {
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        }
    }

    pub fn info(&self, message: &str) {
        self.write(Level::Info, message)
    }

    pub fn debug(&self, message: &str) {
        self.write(Level::Debug, message)
    }

    /// Runs `f` and logs how long it took at DEBUG, as `phase NAME: N ms`.
    pub fn phase<T>(&self, name: &str, f: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let r = f();
        if self.enabled(Level::Debug) {
            let peak = peak_memory()
                .map(|kb| format!(", peak memory {} MB", kb / 1024))
                .unwrap_or_default();
            self.debug(&format!("phase {name}: {} ms{peak}", started.elapsed().as_millis()));
        }
        r
    }
}

/// The process's peak resident memory in KiB, where the system says it.
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A writer the test can read back.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Buffer {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    fn log(value: &str) -> (Log, Buffer) {
        let (threshold, json, _) = parse_level(value);
        let b = Buffer::default();
        (Log::to(threshold, json, Box::new(b.clone())), b)
    }

    #[test]
    fn levels_are_read_as_terraform_reads_them() {
        assert_eq!(parse_level(""), (None, false, true));
        assert_eq!(parse_level("off"), (None, false, true));
        assert_eq!(parse_level("debug"), (Some(Level::Debug), false, true));
        assert_eq!(parse_level("JSON"), (Some(Level::Trace), true, true));
        assert_eq!(parse_level("1"), (Some(Level::Trace), false, false));
    }

    #[test]
    fn lines_below_the_threshold_are_not_written() {
        let (l, b) = log("INFO");
        l.debug("phase plan: 3 ms");
        l.info("aksplan v0.1.0");
        l.write(Level::Error, "bad");
        let text = b.text();
        assert!(!text.contains("phase"), "{text}");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[0].ends_with(" [INFO] aksplan v0.1.0"), "{text}");
        assert!(lines[1].ends_with(" [ERROR] bad"), "{text}");
    }

    #[test]
    fn json_lines_carry_level_message_and_time() {
        let (l, b) = log("json");
        l.phase("refresh", || ());
        let v: serde_json::Value = serde_json::from_str(b.text().trim()).unwrap();
        assert_eq!(v["@level"], "debug");
        assert!(v["@message"].as_str().unwrap().starts_with("phase refresh: "));
        assert!(v["@timestamp"].as_str().unwrap().ends_with('Z'));
    }

    #[test]
    fn an_off_log_writes_nothing() {
        let (l, b) = log("");
        l.write(Level::Error, "x");
        assert!(!l.enabled(Level::Error));
        assert_eq!(b.text(), "");
    }
}
