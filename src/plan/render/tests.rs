use super::*;
use crate::addrs::Resource;
use crate::provider::catalog::Catalog;

fn object(pairs: &[(&str, Value)]) -> Value {
    Value::Object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
}

fn change(name: &str, action: Action, before: Option<Value>, after: Option<Value>) -> ResourceChange {
    ResourceChange {
        addr: Resource::managed("terraform_data", name).instance(InstanceKey::None),
        type_name: "terraform_data".into(),
        action,
        reasons: vec![],
        before,
        after,
        replace_paths: vec![],
        dependencies: vec![],
        create_before_destroy: false,
        importing: None,
        moved_from: None,
        deposed: None,
    }
}

/// A replacement forced by `triggers_replace` and an update that removes
/// `input`, as in tests/data/terminal_look/plan.
fn sample() -> Plan {
    let mut replace = change(
        "rep",
        Action::DeleteThenCreate,
        Some(object(&[
            ("id", Value::string("1a")),
            ("input", Value::string("a")),
            ("output", Value::string("a")),
            ("triggers_replace", Value::list(vec![Value::string("x")])),
        ])),
        Some(object(&[
            ("id", Value::unknown()),
            ("input", Value::string("a")),
            ("output", Value::unknown()),
            ("triggers_replace", Value::list(vec![Value::string("y")])),
        ])),
    );
    replace.replace_paths = vec!["triggers_replace".into()];
    let update = change(
        "nul",
        Action::Update,
        Some(object(&[
            ("id", Value::string("82")),
            ("input", Value::string("x")),
            ("output", Value::string("x")),
        ])),
        Some(object(&[
            ("id", Value::string("82")),
            ("input", Value::null()),
            ("output", Value::string("y")),
        ])),
    );
    Plan {
        changes: vec![replace, update],
        ..Default::default()
    }
}

fn render(color: bool) -> String {
    let catalog = Catalog::embedded();
    plan(
        &sample(),
        Style {
            color,
            schemas: &catalog,
        },
    )
}

#[test]
fn without_colour_the_plan_is_plain_text_after_the_legend() {
    assert_eq!(
        render(false),
        format!(
            "{}\n  ~ update in-place\n-/+ destroy and then create replacement\n\n\
             aksplan will perform the following actions:\n\n  \
             # terraform_data.rep must be replaced\n\
             -/+ resource \"terraform_data\" \"rep\" {{\n      \
             ~ id               = \"1a\" -> (known after apply)\n      \
             ~ output           = \"a\" -> (known after apply)\n      \
             ~ triggers_replace = [\"x\"] -> [\"y\"] # forces replacement\n        \
             # (1 unchanged attribute hidden)\n    \
             }}\n\n  \
             # terraform_data.nul will be updated in-place\n  \
             ~ resource \"terraform_data\" \"nul\" {{\n        \
             id     = \"82\"\n      \
             - input  = \"x\" -> null\n      \
             ~ output = \"x\" -> \"y\"\n    \
             }}\n\n\
             Plan: 1 to add, 1 to change, 1 to destroy.\n",
            legend::INTRO
        )
    );
}

#[test]
fn a_replacement_is_coloured_as_terraform_colours_it() {
    let text = render(true);
    let lines: Vec<&str> = text.lines().collect();
    for expected in [
        // The heading bold, what is lost bold red.
        "\x1b[1m  # terraform_data.rep\x1b[0m must be \x1b[1m\x1b[31mreplaced\x1b[0m",
        // Red `-`, plain `/`, green `+`.
        "\x1b[31m-\x1b[0m/\x1b[32m+\x1b[0m resource \"terraform_data\" \"rep\" {",
        "\x1b[31m-\x1b[0m/\x1b[32m+\x1b[0m destroy and then create replacement",
        // No colour on the arrow before an unknown value; yellow between known ones.
        "      \x1b[33m~\x1b[0m id               = \"1a\" -> (known after apply)",
        "      \x1b[33m~\x1b[0m triggers_replace = [\"x\"] \x1b[33m->\x1b[0m [\"y\"] \x1b[31m# forces replacement\x1b[0m",
        "        \x1b[90m# (1 unchanged attribute hidden)\x1b[0m",
    ] {
        assert!(lines.contains(&expected), "{expected:?} not in\n{text:?}");
    }
}

#[test]
fn null_is_dimmed_after_a_red_minus() {
    let text = render(true);
    let expected = "      \x1b[31m-\x1b[0m input  = \"x\" \x1b[90m-> null\x1b[0m";
    assert!(text.lines().any(|l| l == expected), "{text:?}");
    assert!(
        text.contains("\x1b[1m  # terraform_data.nul\x1b[0m will be updated in-place\n"),
        "{text:?}"
    );
    assert!(text.contains("\x1b[1mPlan:\x1b[0m 1 to add"), "{text:?}");
}

#[test]
fn the_colours_change_no_text() {
    let coloured = render(true);
    let mut stripped = String::new();
    let mut rest = coloured.as_str();
    while let Some(i) = rest.find('\x1b') {
        stripped.push_str(&rest[..i]);
        rest = &rest[i + rest[i..].find('m').unwrap() + 1..];
    }
    stripped.push_str(rest);
    assert_eq!(stripped, render(false));
}

#[test]
fn a_destroy_heading_says_destroyed_in_bold_red_and_no_changes_is_green() {
    let gone = change(
        "gone",
        Action::Delete,
        Some(object(&[("id", Value::string("9"))])),
        None,
    );
    let p = Plan {
        changes: vec![gone],
        ..Default::default()
    };
    let catalog = Catalog::embedded();
    let text = plan(
        &p,
        Style {
            color: true,
            schemas: &catalog,
        },
    );
    assert!(
        text.contains("\x1b[1m  # terraform_data.gone\x1b[0m will be \x1b[1m\x1b[31mdestroyed\x1b[0m\n"),
        "{text:?}"
    );
    assert!(text.contains("\n  \x1b[31m-\x1b[0m destroy\n"), "{text:?}");
    let none = plan(
        &Plan::default(),
        Style {
            color: true,
            schemas: &catalog,
        },
    );
    assert_eq!(
        none,
        "\x1b[1m\x1b[32mNo changes.\x1b[0m\x1b[1m The infrastructure matches the configuration.\x1b[0m\n"
    );
}
