//! The legend terraform 1.11 prints before a plan's actions: one sentence,
//! then one line for each kind of action the plan holds, in terraform's
//! order (create, update, destroy, destroy-then-create,
//! create-then-destroy, read). It lists only symbols the plan uses, and
//! nothing when no resource changes (moves and imports alone). Forgetting
//! has no line, as in terraform 1.11.

use super::Style;
use crate::addrs::Mode;
use crate::plan::{Action, ResourceChange};

/// Terraform's sentence with aksplan for Terraform, wrapped as terraform
/// wraps it for an output that is not a terminal (78 columns).
pub const INTRO: &str = "aksplan used the selected providers to generate the following execution plan.\n\
                         Resource actions are indicated with the following symbols:";

/// The legend's lines in terraform's order: the symbol and what it means.
const LINES: [(Action, &str, &str); 6] = [
    (Action::Create, "  +", "create"),
    (Action::Update, "  ~", "update in-place"),
    (Action::Delete, "  -", "destroy"),
    (Action::DeleteThenCreate, "-/+", "destroy and then create replacement"),
    (Action::CreateThenDelete, "+/-", "create replacement and then destroy"),
    (Action::Read, " <=", "read (data resources)"),
];

/// The legend for the changes shown, ending with a blank line; empty when
/// no resource changes.
pub fn legend<'c>(shown: impl IntoIterator<Item = &'c ResourceChange>, style: Style<'_>) -> String {
    let mut used = Vec::new();
    let mut any = false;
    for c in shown {
        // Terraform shows no destroy of a data resource, and counts none.
        if c.action == Action::NoOp || (c.action == Action::Delete && c.addr.resource.mode == Mode::Data) {
            continue;
        }
        any = true;
        used.push(c.action);
    }
    if !any {
        return String::new();
    }
    let mut out = format!("{INTRO}\n");
    for (action, sym, meaning) in LINES {
        if used.contains(&action) {
            out.push_str(&format!("{} {meaning}\n", style.sym(sym)));
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::{InstanceKey, Resource};

    fn change(action: Action) -> ResourceChange {
        ResourceChange {
            addr: Resource::managed("terraform_data", "x").instance(InstanceKey::None),
            type_name: "terraform_data".into(),
            action,
            reasons: vec![],
            before: None,
            after: None,
            replace_paths: vec![],
            dependencies: vec![],
            create_before_destroy: false,
            importing: None,
            moved_from: None,
            deposed: None,
        }
    }

    fn style(color: bool) -> Style<'static> {
        Style {
            color,
            schemas: &crate::schema::NoSchemas,
        }
    }

    #[test]
    fn only_the_symbols_used_in_terraforms_order() {
        let changes = [
            change(Action::Read),
            change(Action::DeleteThenCreate),
            change(Action::Create),
            change(Action::Create),
            change(Action::NoOp),
        ];
        assert_eq!(
            legend(&changes, style(false)),
            format!("{INTRO}\n  + create\n-/+ destroy and then create replacement\n <= read (data resources)\n\n")
        );
        let changes = [
            change(Action::Delete),
            change(Action::Update),
            change(Action::CreateThenDelete),
        ];
        assert_eq!(
            legend(&changes, style(false)),
            format!("{INTRO}\n  ~ update in-place\n  - destroy\n+/- create replacement and then destroy\n\n")
        );
    }

    #[test]
    fn nothing_when_no_resource_changes() {
        assert_eq!(legend(&[change(Action::NoOp)], style(false)), "");
        assert_eq!(legend(&[], style(false)), "");
        let mut data = change(Action::Delete);
        data.addr = Resource::data("terraform_remote_state", "r").instance(InstanceKey::None);
        assert_eq!(legend(&[data], style(false)), "");
    }

    #[test]
    fn forgetting_has_no_line_but_the_sentence_is_said() {
        assert_eq!(legend(&[change(Action::Forget)], style(false)), format!("{INTRO}\n\n"));
    }

    #[test]
    fn symbols_are_coloured_as_in_the_plan() {
        let changes = [change(Action::CreateThenDelete), change(Action::Read)];
        assert_eq!(
            legend(&changes, style(true)),
            format!(
                "{INTRO}\n\x1b[32m+\x1b[0m/\x1b[31m-\x1b[0m create replacement and then destroy\n \x1b[36m<=\x1b[0m read (data resources)\n\n"
            )
        );
    }

    /// The sentence is terraform's, wrapped at 78 columns as terraform wraps
    /// it when its output is not a terminal.
    #[test]
    fn the_sentence_is_terraforms_wrapped_at_78_columns() {
        let terraform = "Terraform used the selected providers to generate the following execution plan. \
                         Resource actions are indicated with the following symbols:";
        assert_eq!(INTRO.replace('\n', " "), terraform.replace("Terraform", "aksplan"));
        let lines: Vec<&str> = INTRO.lines().collect();
        assert!(lines.iter().all(|l| l.chars().count() <= 78), "{lines:?}");
        // The first line is full: its successor's first word would not fit.
        let next = lines[1].split(' ').next().unwrap();
        assert!(lines[0].chars().count() + 1 + next.chars().count() > 78);
    }
}
