//! `replace_triggered_by`: which references a lifecycle block names, read
//! statically as Terraform reads them. Only managed resources of the same
//! module may be named, with an index that is a constant, `count.index` or
//! `each.key`, and then any attribute path. Deciding whether a reference
//! triggers a replacement is the planner's.

use super::{Expr, PathStep};
use crate::addrs::{self, InstanceKey};
use hcl_edit::expr::{Expression, TraversalOperator};

/// One entry of `replace_triggered_by`.
#[derive(Debug, Clone)]
pub struct Trigger {
    /// A managed resource of the module.
    pub resource: addrs::Resource,
    pub key: TriggerKey,
    /// The attribute whose change triggers; empty: any change of the object.
    pub path: Vec<PathStep>,
    /// The reference as written, for messages and graph edges.
    pub expr: Expr,
}

/// Which instances of the named resource a trigger watches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TriggerKey {
    /// No index: every instance.
    All,
    Fixed(InstanceKey),
    /// `[count.index]`: the instance with this instance's index.
    CountIndex,
    /// `[each.key]`: the instance with this instance's key.
    EachKey,
}

impl Trigger {
    /// The reference as written.
    pub fn text(&self) -> String {
        self.expr.expr.to_string().trim().to_string()
    }
}

const ONLY: &str = "Only resources, count.index, and each.key may be used in replace_triggered_by: \
                    [azurerm_user_assigned_identity.this.id] or [terraform_data.trigger[each.key]]";

/// Reads one entry, or says why it cannot be one.
pub fn parse(expr: Expr) -> Result<Trigger, &'static str> {
    let Expression::Traversal(t) = &expr.expr else {
        return Err(ONLY);
    };
    let Expression::Variable(root) = &t.expr else {
        return Err(ONLY);
    };
    let type_name = root.as_str();
    if matches!(
        type_name,
        "var" | "local" | "module" | "data" | "count" | "each" | "path" | "terraform" | "self"
    ) {
        return Err(ONLY);
    }
    let mut ops = t.operators.iter().map(|o| o.value());
    let Some(TraversalOperator::GetAttr(name)) = ops.next() else {
        return Err(ONLY);
    };
    let resource = addrs::Resource::managed(type_name, name.as_str());
    let mut key = TriggerKey::All;
    let mut path = Vec::new();
    for (i, op) in ops.enumerate() {
        let step = match op {
            TraversalOperator::GetAttr(a) => PathStep::Attr(a.as_str().to_string()),
            TraversalOperator::LegacyIndex(n) => PathStep::Index(*n.value()),
            TraversalOperator::Index(e) => match (i, e) {
                (0, Expression::Traversal(k)) => {
                    key = repetition_key(k).ok_or(INDEX)?;
                    continue;
                }
                (_, e) => constant_key(e).ok_or(INDEX)?,
            },
            _ => return Err(ONLY),
        };
        if i == 0 {
            if let PathStep::Index(n) = step {
                key = TriggerKey::Fixed(InstanceKey::Int(n));
                continue;
            }
            if let PathStep::Key(k) = step {
                key = TriggerKey::Fixed(InstanceKey::Str(k));
                continue;
            }
        }
        path.push(step);
    }
    Ok(Trigger {
        resource,
        key,
        path,
        expr,
    })
}

const INDEX: &str = "Only constant values, count.index or each.key are allowed in index expressions";

fn repetition_key(t: &hcl_edit::expr::Traversal) -> Option<TriggerKey> {
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    let [op] = t.operators.as_slice() else {
        return None;
    };
    let TraversalOperator::GetAttr(attr) = op.value() else {
        return None;
    };
    match (root.as_str(), attr.as_str()) {
        ("count", "index") => Some(TriggerKey::CountIndex),
        ("each", "key") => Some(TriggerKey::EachKey),
        _ => None,
    }
}

fn constant_key(e: &Expression) -> Option<PathStep> {
    match e {
        Expression::String(s) => Some(PathStep::Key(s.value().to_string())),
        Expression::Number(n) => n.value().as_u64().map(PathStep::Index),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(src: &str) -> Result<Trigger, &'static str> {
        let expr: Expression = src.parse().unwrap();
        parse(Expr { file: 0, expr })
    }

    #[test]
    fn a_resource_an_instance_and_an_attribute_are_read_statically() {
        let t = parsed("azurerm_subnet.nodes").unwrap();
        assert_eq!(t.resource, addrs::Resource::managed("azurerm_subnet", "nodes"));
        assert_eq!((t.key, t.path.len()), (TriggerKey::All, 0));
        let t = parsed("terraform_data.t[each.key].output").unwrap();
        assert_eq!(t.key, TriggerKey::EachKey);
        assert_eq!(t.path, [PathStep::Attr("output".into())]);
        let t = parsed("x.y[count.index]").unwrap();
        assert_eq!(t.key, TriggerKey::CountIndex);
        let t = parsed("x.y[\"a\"].tags[\"env\"]").unwrap();
        assert_eq!(t.key, TriggerKey::Fixed(InstanceKey::Str("a".into())));
        assert_eq!(t.path, [PathStep::Attr("tags".into()), PathStep::Key("env".into())]);
        let t = parsed("x.y[2]").unwrap();
        assert_eq!(t.key, TriggerKey::Fixed(InstanceKey::Int(2)));
    }

    #[test]
    fn variables_data_sources_and_computed_indexes_are_refused() {
        for bad in [
            "var.x",
            "data.a.b.id",
            "local.l",
            "module.m.o",
            "\"x\"",
            "x.y[var.i]",
            "x.y[each.value]",
        ] {
            assert!(parsed(bad).is_err(), "{bad}");
        }
    }
}
