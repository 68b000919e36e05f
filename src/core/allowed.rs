//! Allowed values: whether a known argument value is one its provider
//! accepts (an overlay's `one_of`, or a table of facts such as VM sizes),
//! and, when it is not, what to say. Pure: the walk reports at the value.

use crate::config::tables;
use crate::lang::eval::suggest;
use crate::lang::Value;
use crate::schema::Allowed;

/// A value that is not allowed: the offending string, a near valid one, and
/// the valid ones (or what they are, when there are too many to list).
#[derive(Debug, PartialEq, Eq)]
pub struct NotAllowed {
    pub value: String,
    pub suggestion: Option<String>,
    pub valid: String,
}

/// Checks a string, or each string of a list or set; unknown values pass.
pub fn check(allowed: &Allowed, value: &Value) -> Option<NotAllowed> {
    let strings: Vec<&str> = match value.inner() {
        Value::String(s) => vec![s.as_str()],
        Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
            items.iter().filter_map(|v| v.inner().as_str()).collect()
        }
        _ => Vec::new(),
    };
    strings.into_iter().find_map(|s| one(allowed, s))
}

fn one(allowed: &Allowed, s: &str) -> Option<NotAllowed> {
    match allowed {
        Allowed::Values { values, ignore_case } => {
            let ok = values
                .iter()
                .any(|v| v == s || (*ignore_case && v.eq_ignore_ascii_case(s)));
            (!ok).then(|| NotAllowed {
                value: s.to_string(),
                suggestion: near(s, values.iter().map(String::as_str)),
                valid: listing(values),
            })
        }
        Allowed::VmSize => {
            let ok = tables::vm_size(s).is_some();
            (!ok).then(|| NotAllowed {
                value: s.to_string(),
                suggestion: near(s, tables::vm_size_names()),
                valid: "a VM size Azure offers, such as Standard_D4s_v5 (`az vm list-sizes` lists a region's)".into(),
            })
        }
    }
}

/// The nearest valid value, ignoring case (a misspelling is usually one
/// or two letters off).
fn near<'a>(s: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    let candidates: Vec<&str> = candidates.collect();
    let lowered: Vec<String> = candidates.iter().map(|c| c.to_ascii_lowercase()).collect();
    let hit = suggest(&lower, lowered.iter().map(String::as_str))?;
    let i = lowered.iter().position(|c| c == hit)?;
    Some(candidates[i].to_string())
}

/// `"Free", "Standard" or "Premium"`.
fn listing(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.join(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiers() -> Allowed {
        Allowed::Values {
            values: vec!["Free".into(), "Standard".into(), "Premium".into()],
            ignore_case: false,
        }
    }

    #[test]
    fn a_misspelt_value_is_named_with_the_valid_ones_and_the_nearest() {
        let e = check(&tiers(), &Value::string("Premuim")).unwrap();
        assert_eq!(e.value, "Premuim");
        assert_eq!(e.suggestion.as_deref(), Some("Premium"));
        assert_eq!(e.valid, "\"Free\", \"Standard\" or \"Premium\"");
        assert_eq!(check(&tiers(), &Value::string("Premium")), None);
        assert!(
            check(&tiers(), &Value::string("premium")).is_some(),
            "case matters unless said"
        );
        let loose = Allowed::Values {
            values: vec!["Azure".into()],
            ignore_case: true,
        };
        assert_eq!(check(&loose, &Value::string("azure")), None);
    }

    #[test]
    fn each_element_of_a_list_is_checked_and_unknowns_pass() {
        let list = Value::Tuple(vec![Value::string("Free"), Value::string("Gold")]);
        assert_eq!(check(&tiers(), &list).unwrap().value, "Gold");
        assert_eq!(check(&tiers(), &Value::unknown()), None);
    }

    #[test]
    fn vm_sizes_come_from_the_table() {
        assert_eq!(check(&Allowed::VmSize, &Value::string("Standard_D4s_v5")), None);
        let e = check(&Allowed::VmSize, &Value::string("Standard_D4s_v55")).unwrap();
        assert!(e.suggestion.is_some(), "{e:?}");
    }
}
