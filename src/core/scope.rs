//! What names mean inside one module instance: the scope expressions are
//! evaluated in.

use super::expand::Repetition;
use super::values::Values;
use crate::addrs::{InstanceKey, Item, ModuleInstance};
use crate::lang::types::Type;
use crate::lang::{Reference, Scope, Value};
use std::borrow::Cow;

/// Names in one module instance, with `count.index` and `each.*` of the
/// repetition being evaluated (a resource's, or for a module call's
/// arguments, the call's).
pub struct WalkScope<'w> {
    pub values: &'w Values,
    pub module: &'w ModuleInstance,
    /// `path.module`: the module's directory.
    pub module_dir: &'w str,
    pub repeat: Option<&'w Repetition>,
    /// `self`, in a postcondition: the object's value.
    pub self_value: Option<&'w Value>,
    /// `terraform.workspace` (empty reads as `default`).
    pub workspace: &'w str,
}

impl Scope for WalkScope<'_> {
    fn lookup(&self, r: &Reference) -> Result<Cow<'_, Value>, String> {
        let item = match r {
            Reference::Var(n) => Item::Variable(n.clone()),
            Reference::Local(n) => Item::Local(n.clone()),
            Reference::Resource(a) => Item::Resource(a.clone()),
            Reference::Module { name, .. } => Item::ModuleCall(name.clone()),
            Reference::CountIndex => {
                return match self.repeat {
                    Some(rep) if rep.unknown => Ok(Cow::Owned(Value::Unknown(Type::Number))),
                    Some(Repetition {
                        key: InstanceKey::Int(i),
                        ..
                    }) => Ok(Cow::Owned(Value::int(*i as i64))),
                    _ => Err("count.index can be used only where count is set".to_string()),
                }
            }
            Reference::EachKey => {
                return match self.repeat {
                    Some(rep) if rep.unknown => Ok(Cow::Owned(Value::Unknown(Type::String))),
                    Some(Repetition {
                        key: InstanceKey::Str(k),
                        ..
                    }) => Ok(Cow::Owned(Value::string(k))),
                    _ => Err("each.key can be used only where for_each is set".to_string()),
                }
            }
            Reference::EachValue => {
                return match self.repeat {
                    Some(rep) if rep.unknown => Ok(Cow::Owned(Value::unknown())),
                    Some(Repetition {
                        each_value: Some(v), ..
                    }) => Ok(Cow::Borrowed(v)),
                    _ => Err("each.value can be used only where for_each is set".to_string()),
                }
            }
            Reference::Path(p) => {
                return Ok(Cow::Owned(Value::string(match p.as_str() {
                    "cwd" => std::env::current_dir().unwrap_or_default().display().to_string(),
                    "module" => self.module_dir.to_string(),
                    _ => ".".to_string(),
                })))
            }
            Reference::TerraformWorkspace => {
                let name = if self.workspace.is_empty() {
                    "default"
                } else {
                    self.workspace
                };
                return Ok(Cow::Owned(Value::string(name)));
            }
            Reference::SelfObject => {
                return self
                    .self_value
                    .map(Cow::Borrowed)
                    .ok_or_else(|| "\"self\" can be used only in a postcondition".to_string())
            }
        };
        // Declared objects whose evaluation failed read as unknown, so one
        // error does not cascade into its dependents.
        Ok(self
            .values
            .get(self.module, &item)
            .map_or(Cow::Owned(Value::unknown()), Cow::Borrowed))
    }
}
