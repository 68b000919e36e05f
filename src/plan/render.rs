//! Plans as text, in Terraform's diff style: `+` create, `~` update in
//! place, `-/+` replace (with `# forces replacement` on the attribute that
//! forces it), `-` destroy (with why), `<=` read. Unknown values show as
//! `(known after apply)`, sensitive ones as `(sensitive value)`, multi-line
//! strings are diffed line by line. A deposed object is named as Terraform
//! names it: `azurerm_x.y (deposed object 1a2b3c4d)`. The actions are
//! preceded by Terraform's legend of the symbols used ([`legend`]), and
//! coloured as Terraform colours them when colour is on ([`Style`]); the
//! colours never change the text.

use super::{Action, Drift, OutputChange, Plan, Reason, ResourceChange};
use crate::addrs::{Instance, InstanceKey, Mode};
use crate::lang::value::quote;
use crate::lang::Value;
use crate::schema::{BlockSchema, SchemaSource};
use std::fmt::Write;

mod legend;
mod style;

pub use legend::legend;
pub use style::Style;

/// The whole plan: drift, actions, summary and outputs.
pub fn plan(p: &Plan, style: Style<'_>) -> String {
    let mut out = String::new();
    if !p.drift.is_empty() {
        let _ = writeln!(out, "{}\n", style.bold("Objects have changed outside of aksplan:"));
        for d in &p.drift {
            drift(d, style, &mut out);
        }
        out.push('\n');
    }
    let shown: Vec<&ResourceChange> = p
        .changes
        .iter()
        .filter(|c| c.action != Action::NoOp || c.importing.is_some() || c.moved_from.is_some())
        .collect();
    let counts = p.counts();
    if shown.is_empty() && !p.has_changes() {
        let _ = writeln!(
            out,
            "{}",
            style.no_changes("No changes.", " The infrastructure matches the configuration.")
        );
        return out;
    }
    if !shown.is_empty() {
        out.push_str(&legend(shown.iter().copied(), style));
        let _ = writeln!(out, "aksplan will perform the following actions:\n");
        for c in shown {
            change(c, style, &mut out);
        }
    }
    let imports = p.changes.iter().filter(|c| c.importing.is_some()).count();
    let imports = if imports > 0 {
        format!("{imports} to import, ")
    } else {
        String::new()
    };
    let forgets = p.changes.iter().filter(|c| c.action == Action::Forget).count();
    let forgets = if forgets > 0 {
        format!(", {forgets} to forget")
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{} {imports}{} to add, {} to change, {} to destroy{forgets}.",
        style.bold("Plan:"),
        counts.add,
        counts.change,
        counts.destroy
    );
    let outputs: Vec<&OutputChange> = p
        .outputs
        .iter()
        .filter(|o| !super::outputs_equal(o.before.as_ref(), o.after.as_ref()))
        .collect();
    if !outputs.is_empty() {
        let _ = writeln!(out, "\nChanges to Outputs:");
        let width = outputs.iter().map(|o| o.name.len()).max().unwrap_or(0);
        for o in outputs {
            output(o, width, style, &mut out);
        }
    }
    out
}

fn output(o: &OutputChange, width: usize, style: Style<'_>, out: &mut String) {
    let show = |v: &Value| {
        if o.sensitive {
            "(sensitive value)".to_string()
        } else {
            inline(v)
        }
    };
    let line = match (&o.before, &o.after) {
        (None, Some(a)) => format!("{} {:width$} = {}", style.sym("+"), o.name, show(a)),
        (Some(b), None) => format!(
            "{} {:width$} = {}{}",
            style.sym("-"),
            o.name,
            show(b),
            style.null_suffix()
        ),
        (Some(b), Some(a)) => format!(
            "{} {:width$} = {} {} {}",
            style.sym("~"),
            o.name,
            show(b),
            style.arrow(!o.sensitive && known_update(b, a)),
            show(a)
        ),
        (None, None) => return,
    };
    let _ = writeln!(out, "  {line}");
}

fn resource_header(addr: &Instance) -> String {
    let kind = if addr.resource.mode == Mode::Data {
        "data"
    } else {
        "resource"
    };
    format!(
        "{kind} {} {}",
        quote(&addr.resource.type_name),
        quote(&addr.resource.name)
    )
}

/// Why a change was chosen, as the plan prints it: `(because ...)`.
pub fn reason_text(c: &ResourceChange) -> Option<String> {
    let addr = &c.addr;
    c.reasons.iter().find_map(|r| match r {
        Reason::NotInConfiguration => Some(format!(
            "(because {} is not in the configuration)",
            addr.config_resource()
        )),
        Reason::NoModule => Some(format!("(because {} is not in the configuration)", addr.module)),
        Reason::CountIndex => match &addr.key {
            InstanceKey::Int(i) => Some(format!("(because index [{i}] is out of range for count)")),
            _ => None,
        },
        Reason::EachKey => match &addr.key {
            InstanceKey::Str(k) => Some(format!("(because key [{}] is not in for_each map)", quote(k))),
            _ => None,
        },
        Reason::ReplaceRequested => Some("(replacement requested with --replace)".into()),
        Reason::DeletedOutside => Some("(because it was deleted outside aksplan)".into()),
        Reason::Destroy => None,
        Reason::Tainted => Some("(because it is tainted, so it is replaced: a failed or abandoned create, or terraform taint, marks an object so)".into()),
        Reason::ParentReplaced(parent) => Some(format!(
            "(because {parent} is replaced, and Azure deletes what is under it with it)"
        )),
        Reason::CannotUpdate => None,
        Reason::Rule(text) => Some(format!("({text})")),
        Reason::ReplaceTriggered(by) => Some(format!("(because {by} changes)")),
        Reason::DependencyPending => None,
    })
}

/// What happens to a resource, as its heading says it after the address.
fn what(c: &ResourceChange, style: Style<'_>) -> String {
    if let Some(Reason::ReplaceTriggered(_)) = c.reasons.first() {
        return format!(
            "will be {} due to changes in replace_triggered_by",
            style.alarm("replaced")
        );
    }
    match c.action {
        Action::Create => "will be created".into(),
        Action::Read => "will be read during apply".into(),
        Action::Update => "will be updated in-place".into(),
        Action::DeleteThenCreate | Action::CreateThenDelete => format!("must be {}", style.alarm("replaced")),
        Action::Delete => format!("will be {}", style.alarm("destroyed")),
        Action::Forget => "will no longer be managed by aksplan".into(),
        Action::NoOp => "will be imported".into(),
    }
}

/// One resource's change.
pub fn change(c: &ResourceChange, style: Style<'_>, out: &mut String) {
    if let (Action::NoOp, Some(from), None) = (c.action, &c.moved_from, &c.importing) {
        let _ = writeln!(
            out,
            "{} has moved to {}",
            style.bold(&format!("  # {from}")),
            style.bold(&c.addr.to_string())
        );
        let _ = writeln!(out, "    {} {{", resource_header(&c.addr));
        let _ = writeln!(out, "        # (its attributes are unchanged)");
        let _ = writeln!(out, "    }}\n");
        return;
    }
    let sym = match c.action {
        Action::NoOp if c.importing.is_some() => "   ",
        Action::Create => "  +",
        Action::Read => " <=",
        Action::Update => "  ~",
        Action::DeleteThenCreate => "-/+",
        Action::CreateThenDelete => "+/-",
        Action::Delete => "  -",
        Action::Forget => "  .",
        Action::NoOp => return,
    };
    let name = match &c.deposed {
        Some(k) => format!("{} (deposed object {k})", c.addr),
        None => c.addr.to_string(),
    };
    // Terraform's heading: the address bold, and what is lost bold red.
    let _ = writeln!(out, "{} {}", style.bold(&format!("  # {name}")), what(c, style));
    if let Some(r) = reason_text(c) {
        let _ = writeln!(out, "  # {r}");
    }
    if c.deposed.is_some() {
        let _ = writeln!(
            out,
            "  # (left over from a partially-failed replacement of this instance)"
        );
    }
    if let Some(from) = &c.moved_from {
        let _ = writeln!(out, "  # (moved from {from})");
    }
    if c.action == Action::Forget {
        // Nothing about it changes: its id says which object is let go.
        let _ = writeln!(
            out,
            "  # (removed from the configuration with destroy = false: it stays in Azure)"
        );
        let _ = writeln!(out, "{} {} {{", style.sym("  ."), resource_header(&c.addr));
        if let Some(id) = c.before.as_ref().and_then(|b| b.get("id")) {
            let _ = writeln!(out, "        id = {}", inline(id));
        }
        let _ = writeln!(out, "    }}\n");
        return;
    }
    if let (Some(id), true) = (&c.importing, c.action != Action::NoOp) {
        let _ = writeln!(out, "  # (imported from {})", quote(id));
    }
    if c.action == Action::Read {
        let why = if c.reasons.contains(&Reason::DependencyPending) {
            "it depends on a resource with changes pending"
        } else {
            "its arguments depend on values known only after apply"
        };
        let _ = writeln!(out, "  # ({why})");
    }
    if c.action == Action::CreateThenDelete {
        let _ = writeln!(out, "  # (the new object is created before the old one is destroyed)");
    }
    let _ = writeln!(out, "{} {} {{", style.sym(sym), resource_header(&c.addr));
    let block = style
        .schemas
        .schema(c.addr.resource.mode, &c.type_name)
        .map(|s| &s.block);
    let empty = BlockSchema::default();
    let block = block.unwrap_or(&empty);
    let mut w = Writer {
        out,
        style,
        replace_paths: &c.replace_paths,
    };
    match c.action {
        Action::Create | Action::Read => w.body(block, None, c.after.as_ref(), 6, ""),
        Action::Delete => w.body(block, c.before.as_ref(), None, 6, ""),
        _ => w.body(block, c.before.as_ref(), c.after.as_ref(), 6, ""),
    }
    let _ = writeln!(w.out, "    }}\n");
}

fn drift(d: &Drift, style: Style<'_>, out: &mut String) {
    let block = style
        .schemas
        .schema(d.addr.resource.mode, &d.type_name)
        .map(|s| &s.block);
    let empty = BlockSchema::default();
    let block = block.unwrap_or(&empty);
    match &d.after {
        None => {
            let _ = writeln!(out, "{} has been deleted", style.bold(&format!("  # {}", d.addr)));
            let _ = writeln!(out, "{} {} {{", style.sym("  -"), resource_header(&d.addr));
            if let Some(id) = d.before.get("id") {
                let _ = writeln!(
                    out,
                    "      {} id = {}{}",
                    style.sym("-"),
                    inline(id),
                    style.null_suffix()
                );
            }
            let _ = writeln!(out, "    }}\n");
        }
        Some(after) => {
            let _ = writeln!(out, "{} has changed", style.bold(&format!("  # {}", d.addr)));
            let _ = writeln!(out, "{} {} {{", style.sym("  ~"), resource_header(&d.addr));
            let mut w = Writer {
                out,
                style,
                replace_paths: &[],
            };
            w.body(block, Some(&d.before), Some(after), 6, "");
            let _ = writeln!(w.out, "    }}\n");
        }
    }
}

struct Writer<'o> {
    out: &'o mut String,
    style: Style<'o>,
    replace_paths: &'o [String],
}

fn is_absent(v: Option<&Value>) -> bool {
    match v {
        None => true,
        Some(v) => v.is_null() || matches!(v.inner(), Value::List(_, l) | Value::Set(_, l) if l.is_empty()),
    }
}

fn same(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.is_wholly_known() && b.is_wholly_known() && a.same_as(b),
        (None, None) => true,
        (Some(a), None) | (None, Some(a)) => is_absent(Some(a)),
    }
}

impl Writer<'_> {
    fn line(&mut self, indent: usize, sym: &str, text: &str) {
        let _ = writeln!(self.out, "{}{} {text}", " ".repeat(indent), self.style.sym(sym));
    }

    fn forces(&self, path: &str) -> String {
        self.style.forces(self.replace_paths.iter().any(|p| p == path))
    }

    /// The attributes and nested blocks of one object; `before`/`after` of
    /// `None` mean create or delete.
    fn body(&mut self, block: &BlockSchema, before: Option<&Value>, after: Option<&Value>, indent: usize, path: &str) {
        let creating = before.is_none();
        let deleting = after.is_none();
        let mut names: Vec<&String> = block.attributes.keys().collect();
        names.sort();
        // Attributes with something to show, and the alignment width.
        let mut rows = Vec::new();
        let mut hidden = 0;
        for name in names {
            let b = before.and_then(|v| v.get(name));
            let a = after.and_then(|v| v.get(name));
            if (creating && is_absent(a)) || (deleting && is_absent(b)) {
                continue;
            }
            if !creating && !deleting && same(b, a) {
                if matches!(name.as_str(), "id" | "name") && !is_absent(b) {
                    rows.push((name, b, a, true));
                } else if !is_absent(b) {
                    hidden += 1;
                }
                continue;
            }
            rows.push((name, b, a, false));
        }
        let width = rows.iter().map(|(n, ..)| n.len()).max().unwrap_or(0);
        for (name, b, a, unchanged) in rows {
            let p = format!("{path}{name}");
            if unchanged {
                let _ = writeln!(
                    self.out,
                    "{}  {name:width$} = {}",
                    " ".repeat(indent),
                    inline(b.unwrap_or(&Value::null()))
                );
                continue;
            }
            self.attribute(name, width, b, a, indent, &p, creating, deleting);
        }
        let mut hidden_blocks = 0;
        for (name, nested) in &block.block_types {
            let b_items = before.and_then(|v| v.get(name)).and_then(Value::as_seq).unwrap_or(&[]);
            let a_items: Vec<Value> = match after.and_then(|v| v.get(name)) {
                Some(Value::Unknown(_)) => {
                    self.line(indent, "~", &format!("{name} = (known after apply)"));
                    continue;
                }
                Some(v) => v.as_seq().map(<[Value]>::to_vec).unwrap_or_default(),
                None => Vec::new(),
            };
            let n = b_items.len().max(a_items.len());
            for i in 0..n {
                let b = if creating { None } else { b_items.get(i) };
                let a = if deleting { None } else { a_items.get(i) };
                let p = format!("{path}{name}.{i}.");
                let forces = self.forces(&format!("{path}{name}"));
                match (b, a) {
                    (None, Some(a)) => {
                        self.line(indent, "+", &format!("{name} {{{forces}"));
                        self.body(&nested.block, None, Some(a), indent + 4, &p);
                    }
                    (Some(b), None) => {
                        self.line(indent, "-", &format!("{name} {{{forces}"));
                        self.body(&nested.block, Some(b), None, indent + 4, &p);
                    }
                    (Some(b), Some(a)) if same(Some(b), Some(a)) => {
                        hidden_blocks += 1;
                        continue;
                    }
                    (Some(b), Some(a)) => {
                        self.line(indent, "~", &format!("{name} {{{forces}"));
                        self.body(&nested.block, Some(b), Some(a), indent + 4, &p);
                    }
                    (None, None) => continue,
                }
                let _ = writeln!(self.out, "{}  }}", " ".repeat(indent));
            }
        }
        if hidden > 0 {
            let s = if hidden == 1 { "" } else { "s" };
            let _ = writeln!(
                self.out,
                "{}  {}",
                " ".repeat(indent),
                self.style.dim(&format!("# ({hidden} unchanged attribute{s} hidden)"))
            );
        }
        if hidden_blocks > 0 {
            let s = if hidden_blocks == 1 { "" } else { "s" };
            let _ = writeln!(
                self.out,
                "{}  {}",
                " ".repeat(indent),
                self.style
                    .dim(&format!("# ({hidden_blocks} unchanged block{s} hidden)"))
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn attribute(
        &mut self,
        name: &str,
        width: usize,
        b: Option<&Value>,
        a: Option<&Value>,
        indent: usize,
        path: &str,
        creating: bool,
        deleting: bool,
    ) {
        let forces = self.forces(path);
        let label = format!("{name:width$}");
        let pad = " ".repeat(indent);
        match (b, a) {
            (_, Some(a)) if creating || is_absent(b) => {
                let _ = write!(self.out, "{pad}{} {label} = ", self.style.sym("+"));
                self.value(a, indent, "+");
                let _ = writeln!(self.out, "{forces}");
            }
            (Some(b), _) if deleting || is_absent(a) => {
                let _ = write!(self.out, "{pad}{} {label} = ", self.style.sym("-"));
                self.value(b, indent, "-");
                let _ = writeln!(self.out, "{}{forces}", self.style.null_suffix());
            }
            (Some(b), Some(a)) => {
                if let (Some(bs), Some(as_)) = (b.as_str(), a.as_str()) {
                    if (bs.contains('\n') || as_.contains('\n')) && !b.has_sensitive() && !a.has_sensitive() {
                        let _ = writeln!(self.out, "{pad}{} {label} = <<-EOT{forces}", self.style.sym("~"));
                        self.text_diff(bs, as_, indent + 4);
                        let _ = writeln!(self.out, "{pad}    EOT");
                        return;
                    }
                }
                if let (Some(bm), Some(am)) = (
                    b.as_map().filter(|_| !matches!(b, Value::Sensitive(_))),
                    a.as_map().filter(|_| !matches!(a, Value::Sensitive(_))),
                ) {
                    let _ = writeln!(self.out, "{pad}{} {label} = {{{forces}", self.style.sym("~"));
                    self.map_diff(bm, am, indent + 4);
                    let _ = writeln!(self.out, "{pad}    }}");
                    return;
                }
                let _ = writeln!(
                    self.out,
                    "{pad}{} {label} = {} {} {}{forces}",
                    self.style.sym("~"),
                    inline(b),
                    self.style.arrow(known_update(b, a)),
                    inline(a)
                );
            }
            _ => {}
        }
    }

    /// A value after `name = `, spreading maps, lists and multi-line strings over lines.
    fn value(&mut self, v: &Value, indent: usize, sym: &str) {
        let pad = " ".repeat(indent);
        match v {
            Value::Map(_, m) | Value::Object(m) if !m.is_empty() => {
                let _ = writeln!(self.out, "{{");
                let width = m.keys().map(|k| quote(k).len()).max().unwrap_or(0);
                for (k, item) in m {
                    let _ = write!(self.out, "{pad}    {} {:width$} = ", self.style.sym(sym), quote(k));
                    self.value(item, indent + 4, sym);
                    self.out.push('\n');
                }
                let _ = write!(self.out, "{pad}  }}");
            }
            Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items)
                if !items.is_empty() && items.iter().all(is_primitive) =>
            {
                let _ = writeln!(self.out, "[");
                for item in items {
                    let _ = writeln!(self.out, "{pad}    {} {},", self.style.sym(sym), inline(item));
                }
                let _ = write!(self.out, "{pad}  ]");
            }
            Value::String(s) if s.contains('\n') => {
                let _ = writeln!(self.out, "<<-EOT");
                for line in s.strip_suffix('\n').unwrap_or(s).split('\n') {
                    let _ = writeln!(self.out, "{pad}        {line}");
                }
                let _ = write!(self.out, "{pad}    EOT");
            }
            v => {
                let _ = write!(self.out, "{}", inline(v));
            }
        }
    }

    fn map_diff(&mut self, b: &crate::lang::value::Map, a: &crate::lang::value::Map, indent: usize) {
        let pad = " ".repeat(indent);
        let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
        keys.sort();
        keys.dedup();
        let width = keys.iter().map(|k| quote(k).len()).max().unwrap_or(0);
        let mut hidden = 0;
        for k in keys {
            let q = quote(k);
            match (b.get(k), a.get(k)) {
                (Some(x), Some(y)) if same(Some(x), Some(y)) => hidden += 1,
                (Some(x), Some(y)) => {
                    let _ = writeln!(
                        self.out,
                        "{pad}{} {q:width$} = {} {} {}",
                        self.style.sym("~"),
                        inline(x),
                        self.style.arrow(known_update(x, y)),
                        inline(y)
                    );
                }
                (None, Some(y)) => {
                    let _ = writeln!(self.out, "{pad}{} {q:width$} = {}", self.style.sym("+"), inline(y));
                }
                (Some(x), None) => {
                    let _ = writeln!(
                        self.out,
                        "{pad}{} {q:width$} = {}{}",
                        self.style.sym("-"),
                        inline(x),
                        self.style.null_suffix()
                    );
                }
                (None, None) => {}
            }
        }
        if hidden > 0 {
            let s = if hidden == 1 { "" } else { "s" };
            let _ = writeln!(
                self.out,
                "{pad}  {}",
                self.style.dim(&format!("# ({hidden} unchanged element{s} hidden)"))
            );
        }
    }

    fn text_diff(&mut self, before: &str, after: &str, indent: usize) {
        let pad = " ".repeat(indent);
        let diff = similar::TextDiff::from_lines(before, after);
        for change in diff.iter_all_changes() {
            let sym = match change.tag() {
                similar::ChangeTag::Delete => "-",
                similar::ChangeTag::Insert => "+",
                similar::ChangeTag::Equal => " ",
            };
            let line = change.value().trim_end_matches('\n');
            let _ = writeln!(self.out, "{pad}{} {line}", self.style.sym(sym));
        }
    }
}

/// Whether an update's arrow stands between two values shown as they are:
/// terraform colours that arrow, and not the one before `(known after
/// apply)` (nor a sensitive value, which it shows without an arrow).
fn known_update(before: &Value, after: &Value) -> bool {
    after.is_wholly_known() && !before.has_sensitive() && !after.has_sensitive()
}

fn is_primitive(v: &Value) -> bool {
    !matches!(
        v.inner(),
        Value::List(..) | Value::Set(..) | Value::Map(..) | Value::Tuple(_) | Value::Object(_)
    )
}

/// A value on one line; sensitive and unknown parts hidden.
pub fn inline(v: &Value) -> String {
    v.to_string()
}

/// A resource as recorded in state, for `state show` and `show`, headed
/// `# azurerm_x.y:`, or, for a deposed object, `# azurerm_x.y: (deposed
/// object 1a2b3c4d)`, as Terraform heads it.
pub fn resource_state(
    schemas: &dyn SchemaSource,
    addr: &Instance,
    deposed: Option<&crate::state::deposed::DeposedKey>,
    type_name: &str,
    value: &Value,
) -> String {
    let note = deposed.map(|k| format!(" (deposed object {k})")).unwrap_or_default();
    let mut out = format!("# {addr}:{note}\n{} {{\n", resource_header(addr));
    let block = schemas.schema(addr.resource.mode, type_name).map(|s| &s.block);
    let empty = BlockSchema::default();
    state_body(block.unwrap_or(&empty), value, 4, &mut out);
    out.push_str("}\n");
    out
}

fn state_body(block: &BlockSchema, value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    let mut names: Vec<&String> = block.attributes.keys().filter(|n| !is_absent(value.get(n))).collect();
    names.sort();
    let width = names.iter().map(|n| n.len()).max().unwrap_or(0);
    for name in names {
        let v = value.get(name).map_or_else(|| "null".to_string(), inline);
        let _ = writeln!(out, "{pad}{name:width$} = {v}");
    }
    for (name, nested) in &block.block_types {
        for item in value.get(name).and_then(Value::as_seq).unwrap_or(&[]) {
            let _ = writeln!(out, "\n{pad}{name} {{");
            state_body(&nested.block, item, indent + 4, out);
            let _ = writeln!(out, "{pad}}}");
        }
    }
}

#[cfg(test)]
mod tests;
