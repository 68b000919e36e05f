//! A plan as a pull-request comment. It names the directory and the
//! workspace it ran for, as Atlantis does; then the counts, what destroys
//! (deletes and replacements, with why), the findings with their help, a
//! table of every action, and each resource's diff folded in `<details>`.
//! Sensitive values are masked as in the text plan. A plan that failed gets
//! a comment that leads with why ([`failure`]), never counts. Every comment
//! stays under GitHub's 65,535-character limit: what does not fit is left
//! out, and the comment says so.

pub mod failure;
pub mod finding;

pub use failure::failure;
pub use finding::Found;

use crate::plan::render::{self, Style};
use crate::plan::{Action, Plan, ResourceChange};
use crate::schema::SchemaSource;
use std::fmt::Write;

/// GitHub's limit on a comment body, in characters.
pub const GITHUB_LIMIT: usize = 65_535;
/// Kept free for the note that says what was left out.
const NOTE_ROOM: usize = 200;

fn symbol(c: &ResourceChange) -> &'static str {
    match c.action {
        Action::NoOp if c.importing.is_some() => "📥 import",
        Action::Create => "➕ create",
        Action::Update => "🔄 update",
        Action::DeleteThenCreate => "♻️ replace (destroy, then create)",
        Action::CreateThenDelete => "♻️ replace (create, then destroy)",
        Action::Forget => "🔓 forget (stays in Azure)",
        Action::Delete => "🗑️ destroy",
        Action::Read => "📖 read",
        Action::NoOp => "no change",
    }
}

/// Why a change was chosen, with the attributes that force a replacement.
fn why(c: &ResourceChange) -> String {
    let mut parts = Vec::new();
    if !c.replace_paths.is_empty() {
        let paths: Vec<String> = c.replace_paths.iter().map(|p| format!("`{p}`")).collect();
        parts.push(format!("{} cannot change in place", paths.join(", ")));
    }
    if let Some(r) = render::reason_text(c) {
        parts.push(r.trim_start_matches('(').trim_end_matches(')').to_string());
    }
    parts.join("; ")
}

/// Where a plan ran: the configuration's directory, as the user named it,
/// and the selected workspace.
pub struct Ran<'a> {
    pub dir: &'a str,
    pub workspace: &'a str,
}

impl Ran<'_> {
    /// Atlantis' line, which tells apart the comments of one pull request.
    fn line(&self) -> String {
        format!(
            "Ran Plan for dir: {} workspace: {}\n",
            finding::code(self.dir),
            finding::code(self.workspace)
        )
    }
}

/// Characters left for the comment.
struct Budget {
    left: usize,
}

impl Budget {
    /// Room for `limit` characters, less the note on what was left out and `head`.
    fn after(limit: usize, head: &str) -> Budget {
        Budget {
            left: limit.saturating_sub(NOTE_ROOM + head.chars().count()),
        }
    }

    /// Takes room for `s` if there is enough.
    fn take(&mut self, s: &str) -> bool {
        let n = s.chars().count();
        if n > self.left {
            return false;
        }
        self.left -= n;
        true
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The text plan of one resource as a `diff` block: the action symbol moved
/// to the first column, so GitHub colours it.
fn diff_block(c: &ResourceChange, schemas: &dyn SchemaSource) -> String {
    let mut text = String::new();
    render::change(c, Style { color: false, schemas }, &mut text);
    let mut out = String::from("```diff\n");
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let moved = ["-/+ ", "+/- ", "+ ", "- ", "~ ", "<= "]
            .iter()
            .find(|s| trimmed.starts_with(**s))
            .map(|s| {
                let sign = match s.trim() {
                    "-/+" | "+/-" => "!",
                    "~" => "!",
                    "<=" => " ",
                    other => other,
                };
                // Everything moves one column right, as unchanged lines do.
                format!("{sign}{}{}", " ".repeat(indent + s.len()), &trimmed[s.len()..])
            });
        out.push_str(&moved.unwrap_or_else(|| format!(" {line}")));
        out.push('\n');
    }
    out.push_str("```\n");
    out
}

/// The comment of a plan that succeeded; `found` is what the run reported
/// (its warnings).
pub fn markdown(p: &Plan, schemas: &dyn SchemaSource, ran: &Ran, found: &[Found]) -> String {
    render_within(p, schemas, ran, found, GITHUB_LIMIT)
}

/// Renders the comment in at most `limit` characters.
pub fn render_within(p: &Plan, schemas: &dyn SchemaSource, ran: &Ran, found: &[Found], limit: usize) -> String {
    let changes: Vec<&ResourceChange> = p
        .changes
        .iter()
        .filter(|c| c.action != Action::NoOp || c.importing.is_some())
        .collect();
    let counts = p.counts();
    let replaced = changes.iter().filter(|c| c.action.is_replace()).count();
    let mut head = format!("## aksplan plan\n\n{}\n", ran.line());
    if changes.is_empty() {
        head.push_str("**No changes.** The infrastructure matches the configuration.\n");
    } else {
        let _ = writeln!(
            head,
            "**Plan: {} to add, {} to change, {} to destroy** ({} replaced).",
            counts.add, counts.change, counts.destroy, replaced
        );
    }

    // Everything below is added while it fits; what does not is counted.
    let mut budget = Budget::after(limit, &head);
    let mut left_out = 0;

    let destructive: Vec<&&ResourceChange> = changes.iter().filter(|c| c.action.deletes()).collect();
    if !destructive.is_empty() {
        let title = "\n### ⚠️ Destroys\n\n";
        budget.take(title);
        head.push_str(title);
        for c in destructive {
            let reason = why(c);
            let mut line = format!("- {} `{}`", symbol(c), c.object());
            if !reason.is_empty() {
                let _ = write!(line, ": {reason}");
            }
            line.push('\n');
            if budget.take(&line) {
                head.push_str(&line);
            } else {
                left_out += 1;
            }
        }
    }

    if !found.is_empty() {
        let title = "\n### Findings\n\n";
        budget.take(title);
        head.push_str(title);
        for f in found {
            let line = finding::item(*f);
            if budget.take(&line) {
                head.push_str(&line);
            } else {
                left_out += 1;
            }
        }
    }

    if !p.drift.is_empty() {
        let line = format!("\n{} changed outside aksplan since the last apply.\n", p.drift.len());
        budget.take(&line);
        head.push_str(&line);
    }

    if !changes.is_empty() {
        let title = "\n| Action | Resource | Why |\n|---|---|---|\n";
        budget.take(title);
        head.push_str(title);
        for c in &changes {
            let row = format!("| {} | `{}` | {} |\n", symbol(c), c.object(), cell(&why(c)));
            if budget.take(&row) {
                head.push_str(&row);
            } else {
                left_out += 1;
            }
        }
    }

    // The details, as many as fit.
    let mut details = String::new();
    for c in &changes {
        let block = format!(
            "\n<details><summary>{} <code>{}</code></summary>\n\n{}\n</details>\n",
            symbol(c),
            c.object(),
            diff_block(c, schemas)
        );
        if budget.take(&block) {
            details.push_str(&block);
        } else {
            left_out += 1;
        }
    }
    let mut out = head;
    if !details.is_empty() {
        // The heading's few characters come out of NOTE_ROOM.
        out.push_str("\n### Details\n");
        out.push_str(&details);
    }
    if left_out > 0 {
        let _ = writeln!(
            out,
            "\n_{left_out} lines and details are left out to stay under GitHub's {limit}-character limit; run `aksplan plan` for the whole plan._"
        );
    }
    out
}
