//! `aksplan console`: evaluates expressions read from standard input, one
//! per line (an expression whose brackets or heredoc are still open goes on
//! on the next lines), against the configuration and the resources in
//! state, and prints each value as `terraform console` prints it. `type(X)`
//! prints X's type. Errors are reported and the next input is read; the
//! exit code is 1 when any input failed. It reads state without locking it
//! and changes nothing.

use super::args::{CloudArgs, ConsoleArgs};
use super::session::Session;
use super::{exit, fail, load_config, Context};
use crate::config::vars::Missing;
use crate::core::console::{Console, Output};
use crate::diag::Diagnostic;
use crate::lang::display;
use crate::plan::engine::PlanOptions;
use std::io::BufRead;

pub fn run(ctx: &Context, args: &ConsoleArgs, cloud: &CloudArgs) -> i32 {
    let missing = if args.plan { Missing::Error } else { Missing::Unknown };
    let (config, vars, diags) = load_config(ctx, &args.vars, missing);
    if super::report(ctx, &diags, &config.sources) {
        return exit::ERROR;
    }
    let store = match super::workdir::open_state(ctx, Some(&config)) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let state = match store.load() {
        Ok(s) => s,
        Err(e) => return fail(ctx, Diagnostic::error("Cannot load the state").with_detail(e)),
    };
    let vars = vars.unwrap_or_default();
    let now = std::time::SystemTime::now();
    let (console, diags) = if args.plan {
        let session = match Session::open(ctx, cloud, store) {
            Ok(s) => s,
            Err(d) => return fail(ctx, d),
        };
        let opts = PlanOptions {
            refresh: true,
            timestamp: Some(now),
            ..PlanOptions::default()
        };
        let (_, evaluated, diags) = session.plan(&config, vars, state, &opts, 10, false);
        (Console::from_values(&config, evaluated.values, now), diags)
    } else {
        Console::new(&config, vars, &state, now)
    };
    if super::report(ctx, &diags, &config.sources) {
        return exit::ERROR;
    }
    // Each input becomes a source file of its own, so errors can show it.
    let mut sources = config.sources.clone();
    let mut failed = false;
    let mut pending = String::new();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(&line);
        if pending.trim().is_empty() {
            pending.clear();
            continue;
        }
        let (expr, range) = match crate::lang::parse::expression(&pending) {
            Ok(e) => e,
            Err(_) if incomplete(&pending) => continue,
            Err(e) => {
                let at = e.span.clone().unwrap_or_else(|| {
                    let at = hcl_edit::parser::parse_expr(&pending)
                        .err()
                        .map_or(0, |e| e.location().offset().min(pending.len()));
                    at..at
                });
                let file = sources.add("<console-input>", std::mem::take(&mut pending));
                let d = Diagnostic::error(e.summary())
                    .with_detail(e.message)
                    .with_span(crate::diag::Span::new(file, at));
                failed |= super::report(ctx, &d.into(), &sources);
                continue;
            }
        };
        // The expression's spans are offsets into the part of the input it
        // was read from (comments around it left out).
        let file = sources.add("<console-input>", pending[range].to_string());
        pending.clear();
        match console.eval(&expr, file) {
            Ok(Output::Value(v)) => outln!("{}", display::console(&v)),
            Ok(Output::Type(t)) => outln!("{}", display::type_string(&t)),
            Err(d) => failed |= super::report(ctx, &d, &sources),
        }
    }
    if failed {
        exit::ERROR
    } else {
        exit::OK
    }
}

/// Whether the input stops early: inside brackets, a quoted string or a
/// heredoc, so that the next line may complete it.
fn incomplete(text: &str) -> bool {
    let mut depth = 0i32;
    let mut chars = text.chars().peekable();
    // Closing brackets of the template interpolations open in strings.
    let mut in_string = false;
    let mut template_depths: Vec<i32> = Vec::new();
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => in_string = false,
                '$' | '%' if chars.peek() == Some(&'{') => {
                    chars.next();
                    template_depths.push(depth);
                    depth += 1;
                    in_string = false;
                }
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if template_depths.last() == Some(&depth) {
                    template_depths.pop();
                    in_string = true;
                }
            }
            '<' if chars.peek() == Some(&'<') => {
                chars.next();
                let rest: String = chars.clone().collect();
                let marker: String = rest
                    .trim_start_matches('-')
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !marker.is_empty() {
                    let closed = rest.lines().skip(1).any(|l| l.trim() == marker);
                    if !closed {
                        return true;
                    }
                    return false;
                }
            }
            _ => {}
        }
    }
    depth > 0 || in_string
}
