//! The live view of an apply on a terminal, as lines: one per operation in
//! flight (`azurerm_kubernetes_cluster.this  creating  2m10s`), a handful
//! at most and then `... and N more`, and a summary (`12/40 done, 3
//! running, 1 failed, 2m31s`). It formats a snapshot into lines cut to the
//! terminal's width; it does not draw, keep time, nor decide when it is
//! shown (`cli::progress_live` does). ASCII only, so any locale shows it.

use super::progress_text::go_duration;
use crate::apply::progress::Verb;
use std::time::Duration;

/// Most operations listed one per line; the rest are counted.
pub const MAX_SHOWN: usize = 5;

/// Longest address column; a longer address pushes its own line's words
/// out rather than everyone's.
const MAX_ADDR_COLUMN: usize = 60;

/// One operation in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Running {
    pub addr: String,
    pub verb: Verb,
    pub elapsed: Duration,
}

/// What the live view shows at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Longest-running first.
    pub running: Vec<Running>,
    /// Operations completed.
    pub done: usize,
    /// Operations failed or abandoned.
    pub failed: usize,
    /// Operations the plan holds.
    pub total: usize,
    /// Since the apply started.
    pub elapsed: Duration,
}

fn verb(v: Verb) -> &'static str {
    match v {
        Verb::Create => "creating",
        Verb::Update => "modifying",
        Verb::Delete => "destroying",
        Verb::Read => "reading",
    }
}

/// The live area's lines, each at most `width` columns; bold addresses and
/// a red failure count when `color`.
pub fn lines(s: &Snapshot, width: usize, color: bool) -> Vec<String> {
    let shown = if s.running.len() > MAX_SHOWN {
        MAX_SHOWN - 1
    } else {
        s.running.len()
    };
    let column = s.running[..shown]
        .iter()
        .map(|r| console::measure_text_width(&r.addr))
        .max()
        .unwrap_or(0)
        .min(MAX_ADDR_COLUMN);
    let mut out = Vec::with_capacity(shown + 2);
    for r in &s.running[..shown] {
        let pad = column.saturating_sub(console::measure_text_width(&r.addr));
        let addr = console::style(r.addr.as_str()).bold().force_styling(color);
        out.push(format!(
            "  {addr}{:pad$}  {:<10}  {}",
            "",
            verb(r.verb),
            go_duration(r.elapsed)
        ));
    }
    if shown < s.running.len() {
        out.push(format!("  ... and {} more", s.running.len() - shown));
    }
    let mut summary = format!("{}/{} done, {} running", s.done, s.total, s.running.len());
    if s.failed > 0 {
        let failed = format!("{} failed", s.failed);
        summary += &format!(", {}", console::style(failed).red().force_styling(color));
    }
    summary += &format!(", {}", go_duration(s.elapsed));
    out.push(summary);
    out.into_iter()
        .map(|l| console::truncate_str(l.trim_end(), width.max(1), "").into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn running(addr: &str, verb: Verb, secs: u64) -> Running {
        Running {
            addr: addr.to_string(),
            verb,
            elapsed: Duration::from_secs(secs),
        }
    }

    fn snapshot(n: usize) -> Snapshot {
        let verbs = [Verb::Create, Verb::Update, Verb::Delete, Verb::Read];
        Snapshot {
            running: (0..n)
                .map(|i| running(&format!("azurerm_subnet.s[{i}]"), verbs[i % 4], 130 - i as u64))
                .collect(),
            done: 12,
            failed: 0,
            total: 40,
            elapsed: Duration::from_secs(151),
        }
    }

    #[test]
    fn each_running_operation_gets_a_line_and_the_summary_counts() {
        let mut s = snapshot(0);
        s.running = vec![
            running("azurerm_kubernetes_cluster.this", Verb::Create, 130),
            running("azurerm_resource_group.rg", Verb::Delete, 4),
        ];
        s.failed = 1;
        insta::assert_snapshot!(lines(&s, 120, false).join("\n"), @r"
          azurerm_kubernetes_cluster.this  creating    2m10s
          azurerm_resource_group.rg        destroying  4s
        12/40 done, 2 running, 1 failed, 2m31s
        ");
    }

    #[test]
    fn nothing_running_is_the_summary_alone_without_failures() {
        insta::assert_snapshot!(lines(&snapshot(0), 120, false).join("\n"), @"12/40 done, 0 running, 2m31s");
    }

    #[test]
    fn a_handful_are_listed_and_the_rest_counted() {
        insta::assert_snapshot!(lines(&snapshot(5), 120, false).join("\n"), @r"
          azurerm_subnet.s[0]  creating    2m10s
          azurerm_subnet.s[1]  modifying   2m9s
          azurerm_subnet.s[2]  destroying  2m8s
          azurerm_subnet.s[3]  reading     2m7s
          azurerm_subnet.s[4]  creating    2m6s
        12/40 done, 5 running, 2m31s
        ");
        insta::assert_snapshot!(lines(&snapshot(9), 120, false).join("\n"), @r"
          azurerm_subnet.s[0]  creating    2m10s
          azurerm_subnet.s[1]  modifying   2m9s
          azurerm_subnet.s[2]  destroying  2m8s
          azurerm_subnet.s[3]  reading     2m7s
          ... and 5 more
        12/40 done, 9 running, 2m31s
        ");
    }

    #[test]
    fn lines_are_cut_to_the_terminal_s_width_even_in_colour() {
        let mut s = snapshot(2);
        s.failed = 3;
        for color in [false, true] {
            let l = lines(&s, 20, color);
            assert_eq!(l.len(), 3);
            for line in &l {
                assert!(console::measure_text_width(line) <= 20, "{line:?}");
            }
        }
        // A terminal too narrow for anything still gets one column a line.
        assert!(lines(&s, 0, false).iter().all(|l| l.chars().count() <= 1));
    }

    #[test]
    fn colour_is_added_only_when_asked_and_the_words_stay_the_same() {
        let mut s = snapshot(1);
        s.failed = 2;
        let plain = lines(&s, 200, false);
        let coloured = lines(&s, 200, true);
        assert!(plain.iter().all(|l| !l.contains('\x1b') && l.is_ascii()));
        assert!(coloured.iter().any(|l| l.contains('\x1b')));
        let stripped: Vec<String> = coloured
            .iter()
            .map(|l| console::strip_ansi_codes(l).into_owned())
            .collect();
        assert_eq!(stripped, plain);
    }
}
