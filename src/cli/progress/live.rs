//! The live area of an apply on a terminal: a few lines at the bottom of
//! standard output, redrawn in place by `indicatif`, with the permanent
//! lines printed above them. It owns the terminal handling: whether the
//! live area is wanted, drawing it, printing around it, clearing it. The
//! words are `views::progress_live`'s; the clock and the events are the
//! printer's. It never draws when standard output is not a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// Redraws per second at most; the elapsed times change once a second.
const REFRESH_HZ: u8 = 4;

/// Whether an apply's text progress is shown live: standard output is a
/// terminal that can move its cursor (TERM is not `dumb`), and the user did
/// not ask for plain lines with `AKSPLAN_PROGRESS=plain`.
pub fn wanted(env: &[(String, String)]) -> bool {
    let var = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim());
    if var("AKSPLAN_PROGRESS").is_some_and(|v| v.eq_ignore_ascii_case("plain")) {
        return false;
    }
    if var("TERM").is_some_and(|t| t == "dumb") {
        return false;
    }
    std::io::stdout().is_terminal()
}

/// How many operations a plan's apply runs, as progress counts them: a
/// replacement is a delete and a create; a no-op, an import alone and a
/// forget are none.
pub fn operations(plan: &crate::plan::Plan) -> usize {
    use crate::plan::Action;
    plan.changes
        .iter()
        .map(|c| match c.action {
            Action::NoOp | Action::Forget => 0,
            Action::Create | Action::Read | Action::Update | Action::Delete => 1,
            Action::DeleteThenCreate | Action::CreateThenDelete => 2,
        })
        .sum()
}

/// The live area, drawn on standard output.
pub struct Live {
    bar: ProgressBar,
}

impl Live {
    pub fn new() -> Live {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stdout_with_hz(REFRESH_HZ));
        // The message is the whole area: one line of it per line of the view.
        bar.set_style(ProgressStyle::with_template("{msg}").unwrap_or_else(|_| ProgressStyle::default_spinner()));
        Live { bar }
    }

    /// The terminal's width now, so a resize is followed at the next redraw.
    pub fn width() -> usize {
        console::Term::stdout()
            .size_checked()
            .map_or(80, |(_, w)| usize::from(w))
    }

    /// Replaces the live area's lines.
    pub fn show(&self, lines: &[String]) {
        self.bar.set_message(lines.join("\n"));
    }

    /// A permanent line, above the live area.
    pub fn println(&self, line: &str) {
        self.bar.println(line);
    }

    /// Runs `f` with the live area taken away, then draws it again: for
    /// anything written to standard error meanwhile.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    /// Takes the live area away for good: nothing of it stays on screen.
    pub fn clear(self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn plain_lines_are_chosen_by_the_environment_or_a_dumb_terminal() {
        // Tests run with standard output captured or piped, never live.
        assert!(!wanted(&env(&[])) || std::io::stdout().is_terminal());
        assert!(!wanted(&env(&[("AKSPLAN_PROGRESS", "plain")])));
        assert!(!wanted(&env(&[("AKSPLAN_PROGRESS", " PLAIN ")])));
        assert!(!wanted(&env(&[("TERM", "dumb")])));
    }
}
