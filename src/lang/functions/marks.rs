//! Functions about marks: `sensitive`, `nonsensitive`, `issensitive`,
//! `ephemeralasnull`.
//!
//! They take their argument with its marks (and null or unknown) and act
//! on the top-level mark only, as Terraform's do: `nonsensitive` leaves
//! sensitive values inside a collection sensitive, `issensitive` looks at
//! the value itself, not inside it. aksplan has no ephemeral values yet, so
//! `ephemeralasnull` returns its argument as it is.

use super::{func, param, FnResult, FuncContext, Function};
use crate::lang::types::Type;
use crate::lang::value::Value;

pub fn register(r: &mut Vec<Function>) {
    let any = || vec![param("value", Type::Dynamic).null().unknown().marked()];
    r.extend([
        func("sensitive", any(), Type::Dynamic, |a, _| Ok(a[0].clone().mark())),
        func("nonsensitive", any(), Type::Dynamic, nonsensitive),
        func("issensitive", any(), Type::Bool, |a, _| {
            Ok(Value::Bool(matches!(a[0], Value::Sensitive(_))))
        }),
        func("ephemeralasnull", any(), Type::Dynamic, |a, _| Ok(a[0].clone())),
    ]);
}

/// Terraform 1.11 accepts a value that is not sensitive and returns it.
fn nonsensitive(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(a[0].clone().unmark_shallow().0)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;

    /// Expectations printed by `terraform console` (1.11.4) on this machine.
    #[test]
    fn marks_as_terraform() {
        let cases = [
            (r#"nonsensitive({a=sensitive(1)})"#, "{\n  \"a\" = (sensitive value)\n}"),
            (
                r#"nonsensitive(sensitive({a=sensitive(1)}))"#,
                "{\n  \"a\" = (sensitive value)\n}",
            ),
            (r#"nonsensitive("a")"#, "\"a\""),
            (r#"nonsensitive(null)"#, "null"),
            (r#"nonsensitive(sensitive("a"))"#, "\"a\""),
            (r#"issensitive({a=sensitive(1)})"#, "false"),
            (r#"issensitive(sensitive(null))"#, "true"),
            (r#"issensitive(null)"#, "false"),
            (r#"issensitive(1)"#, "false"),
            (r#"issensitive(sensitive(1))"#, "true"),
            (r#"issensitive([sensitive(1)][0])"#, "true"),
            (r#"sensitive(null)"#, "(sensitive value)"),
            (r#"ephemeralasnull(sensitive(1))"#, "(sensitive value)"),
            (r#"ephemeralasnull(null)"#, "null"),
            (r#"ephemeralasnull({a=1})"#, "{\n  \"a\" = 1\n}"),
        ];
        for (src, want) in cases {
            assert_eq!(show(src), want, "{src}");
        }
    }

    #[test]
    fn unknown_values_keep_their_marks() {
        use crate::lang::types::Type;
        use crate::lang::value::Value;
        assert_eq!(ok("issensitive(sensitive(timestamp()))"), Value::Bool(true));
        assert_eq!(ok("issensitive(timestamp())"), Value::Bool(false));
        assert_eq!(ok("ephemeralasnull(timestamp())"), Value::Unknown(Type::String));
    }
}

#[cfg(test)]
mod dispatch_marks {
    use super::super::test_support::*;

    /// Marks stay on the elements of what a function takes marked (go-cty's
    /// `AllowMarked`), and cover the whole result of what it does not.
    /// Expectations printed by terraform 1.11.4's console.
    #[test]
    fn marks_deep_or_shallow_as_go_cty() {
        let cases = [
            ("issensitive(tolist([sensitive(1)]))", "false"),
            ("issensitive([sensitive(1)])", "false"),
            ("issensitive(length([sensitive(1)]))", "false"),
            ("issensitive(length(sensitive([1,2])))", "true"),
            ("length(sensitive({a=1,b=[2]}))", "(sensitive value)"),
            ("issensitive(length({a=sensitive(1)}))", "false"),
            (r#"length([1,"a",{b=2}])"#, "3"),
            (r#"issensitive(upper(sensitive("a")))"#, "true"),
            ("issensitive(keys({a=sensitive(1)}))", "false"),
            ("issensitive(jsonencode([sensitive(1)]))", "true"),
            ("issensitive(concat([sensitive(1)],[2]))", "false"),
        ];
        let failures: Vec<String> = cases
            .iter()
            .filter(|(src, want)| show(src) != *want)
            .map(|(src, want)| format!("{src}: want {want}, got {}", show(src)))
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
