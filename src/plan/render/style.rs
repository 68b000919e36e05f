//! How the plan text is coloured, as terraform 1.11's plan renderer
//! (`internal/command/jsonformat`) colours it: action symbols green `+`,
//! red `-`, yellow `~`, cyan `<=`, a replacement as its two symbols each in
//! its colour around a plain `/`; resource headings bold, with `replaced`
//! and `destroyed` bold red; `-> null` and the "unchanged ... hidden"
//! comments dark grey; an update's arrow between known values yellow; `#
//! forces replacement` red. Only the escape sequences are decided here:
//! with colour off every helper returns its text unchanged, so the plain
//! text is the same whatever the colours.

use crate::schema::SchemaSource;

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";
/// Terraform's `[dark_gray]`.
const DARK_GRAY: &str = "\x1b[90m";

/// Colours for the plan text, or none, and the schemas that say how each
/// type's values are laid out.
#[derive(Clone, Copy)]
pub struct Style<'s> {
    pub color: bool,
    pub schemas: &'s dyn SchemaSource,
}

impl Style<'_> {
    fn paint(&self, codes: &str, s: &str) -> String {
        if self.color && !s.is_empty() {
            format!("{codes}{s}{RESET}")
        } else {
            s.to_string()
        }
    }

    /// An action symbol as the plan writes it, padding included (`"  +"`,
    /// `"-/+"`, `" <="`): the padding stays uncoloured, and a replacement's
    /// `/` too.
    pub fn sym(&self, s: &str) -> String {
        if !self.color {
            return s.to_string();
        }
        let symbol = s.trim_start();
        let pad = &s[..s.len() - symbol.len()];
        let painted = match symbol {
            "+" => self.paint(GREEN, "+"),
            "-" => self.paint(RED, "-"),
            "~" => self.paint(YELLOW, "~"),
            "<=" => self.paint(CYAN, "<="),
            "." => self.paint(RED, "."),
            "-/+" => format!("{}/{}", self.paint(RED, "-"), self.paint(GREEN, "+")),
            "+/-" => format!("{}/{}", self.paint(GREEN, "+"), self.paint(RED, "-")),
            _ => symbol.to_string(),
        };
        format!("{pad}{painted}")
    }

    pub fn bold(&self, s: &str) -> String {
        self.paint(BOLD, s)
    }

    /// The word of a heading that says what is lost: `replaced`, `destroyed`.
    pub fn alarm(&self, s: &str) -> String {
        self.paint(&format!("{BOLD}{RED}"), s)
    }

    /// Text that only says what is not shown (`# (2 unchanged attributes hidden)`).
    pub fn dim(&self, s: &str) -> String {
        self.paint(DARK_GRAY, s)
    }

    /// What follows a value that goes away: ` -> null`.
    pub fn null_suffix(&self) -> String {
        format!(" {}", self.dim("-> null"))
    }

    /// The arrow of an update: yellow between two known values, plain
    /// before `(known after apply)` (terraform's unknown renderer).
    pub fn arrow(&self, known: bool) -> String {
        if known {
            self.paint(YELLOW, "->")
        } else {
            "->".to_string()
        }
    }

    /// ` # forces replacement`, or nothing.
    pub fn forces(&self, forces: bool) -> String {
        if forces {
            format!(" {}", self.paint(RED, "# forces replacement"))
        } else {
            String::new()
        }
    }

    /// `No changes. ...`: terraform's first sentence bold green, the rest bold.
    pub fn no_changes(&self, first: &str, rest: &str) -> String {
        if self.color {
            format!("{BOLD}{GREEN}{first}{RESET}{BOLD}{rest}{RESET}")
        } else {
            format!("{first}{rest}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(color: bool) -> Style<'static> {
        Style {
            color,
            schemas: &crate::schema::NoSchemas,
        }
    }

    #[test]
    fn symbols_keep_their_padding_and_slash_uncoloured() {
        let s = style(true);
        assert_eq!(s.sym("  +"), "  \x1b[32m+\x1b[0m");
        assert_eq!(s.sym(" <="), " \x1b[36m<=\x1b[0m");
        assert_eq!(s.sym("-/+"), "\x1b[31m-\x1b[0m/\x1b[32m+\x1b[0m");
        assert_eq!(s.sym("+/-"), "\x1b[32m+\x1b[0m/\x1b[31m-\x1b[0m");
        assert_eq!(s.sym("   "), "   ");
    }

    #[test]
    fn without_colour_every_helper_is_the_plain_text() {
        let s = style(false);
        for sym in ["  +", "  -", "  ~", " <=", "-/+", "+/-", "  ."] {
            assert_eq!(s.sym(sym), sym);
        }
        assert_eq!(s.bold("a"), "a");
        assert_eq!(s.alarm("replaced"), "replaced");
        assert_eq!(s.dim("# x"), "# x");
        assert_eq!(s.null_suffix(), " -> null");
        assert_eq!(s.arrow(true), "->");
        assert_eq!(s.forces(true), " # forces replacement");
        assert_eq!(s.forces(false), "");
        assert_eq!(s.no_changes("No changes.", " Rest."), "No changes. Rest.");
    }

    #[test]
    fn null_and_arrows_are_coloured_as_terraform_colours_them() {
        let s = style(true);
        assert_eq!(s.null_suffix(), " \x1b[90m-> null\x1b[0m");
        assert_eq!(s.arrow(true), "\x1b[33m->\x1b[0m");
        assert_eq!(s.arrow(false), "->");
        assert_eq!(s.alarm("replaced"), "\x1b[1m\x1b[31mreplaced\x1b[0m");
        assert_eq!(s.forces(true), " \x1b[31m# forces replacement\x1b[0m");
    }
}
