//! The requests a type makes beside its own PUT and GET, as azurerm makes
//! them: POST actions and child resources read after each read (a
//! cluster's kubeconfigs and maintenance configurations), and child
//! resources written after the resource itself (AKS writes maintenance
//! windows as `maintenanceConfigurations/*`, not in the cluster's body).
//! What to ask for and how to read it is the type's ([`types::TypeHooks`]);
//! this file only sends, through the one client every request goes
//! through. It knows no resource type.

use super::{arm_diagnostic, types, Azurerm};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;
use crate::provider::arm::{ArmClient, ArmRequest, Method};
use crate::schema::Schema;
use serde_json::Value as Json;

/// A request under a resource whose answer fills attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    /// `Post` for an action, `Get` for a child resource.
    pub method: Method,
    /// The path under the resource's id: `listClusterUserCredential`,
    /// `maintenanceConfigurations/default`.
    pub path: String,
}

impl Read {
    pub fn post(action: &str) -> Read {
        Read {
            method: Method::Post,
            path: action.to_string(),
        }
    }

    pub fn get(path: &str) -> Read {
        Read {
            method: Method::Get,
            path: path.to_string(),
        }
    }
}

/// A child resource as the arguments describe it.
#[derive(Debug, Clone, PartialEq)]
pub struct Child {
    /// The path under the parent's id.
    pub path: String,
    /// Its body, or `None` when it must not exist.
    pub body: Option<Json>,
}

/// What to do to each child: PUT what is new or changed, DELETE what the
/// prior value had and the planned one does not. Pure.
pub fn changes(prior: &[Child], planned: &[Child]) -> Vec<(Method, String, Option<Json>)> {
    let before = |path: &str| prior.iter().find(|c| c.path == path).and_then(|c| c.body.as_ref());
    planned
        .iter()
        .filter_map(|c| match (&c.body, before(&c.path)) {
            (Some(b), Some(p)) if b == p => None,
            (Some(b), _) => Some((Method::Put, c.path.clone(), Some(b.clone()))),
            (None, Some(_)) => Some((Method::Delete, c.path.clone(), None)),
            (None, None) => None,
        })
        .collect()
}

impl<C: ArmClient> Azurerm<C> {
    fn under(schema: &Schema, method: Method, id: &str, path: &str, body: Option<Json>) -> ArmRequest {
        ArmRequest {
            method,
            path: format!("{}/{path}", id.trim_end_matches('/')),
            api_version: schema.arm.as_ref().map(|a| a.api_version.clone()).unwrap_or_default(),
            body,
        }
    }

    /// Sends the type's extra reads for the resource `id` read as `doc`.
    /// A child that is not there is `None`; any other refusal is an error.
    pub(super) async fn read_extras(
        &self,
        schema: &Schema,
        id: &str,
        doc: &Json,
    ) -> (Vec<(Read, Option<Json>)>, Diagnostics) {
        let mut out = Vec::new();
        let mut diags = Diagnostics::new();
        if id.is_empty() {
            return (out, diags);
        }
        for read in types::hooks(&schema.name).extra_reads(doc) {
            let req = Self::under(schema, read.method, id, &read.path, None);
            match self.client.send(req).await {
                Ok(r) => out.push((read, Some(r.body))),
                Err(e) if e.is_not_found() && read.method == Method::Get => out.push((read, None)),
                Err(e) => diags.push(arm_diagnostic(&e)),
            }
        }
        (out, diags)
    }

    /// Writes the child resources whose planned bodies differ from the
    /// prior ones; whether anything was written.
    pub(super) async fn write_children(
        &self,
        schema: &Schema,
        prior: Option<&Value>,
        planned: &Value,
        id: &str,
    ) -> Result<bool, Diagnostic> {
        let hooks = types::hooks(&schema.name);
        let before = prior.map(|p| hooks.written_children(p)).unwrap_or_default();
        let todo = changes(&before, &hooks.written_children(planned));
        for (method, path, body) in &todo {
            let req = Self::under(schema, *method, id, path, body.clone());
            match self.client.send(req).await {
                Ok(_) => {}
                Err(e) if e.is_not_found() && *method == Method::Delete => {}
                Err(e) => {
                    return Err(arm_diagnostic(&e).with_detail(format!("{}: {}", path, e.message)));
                }
            }
        }
        Ok(!todo.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn child(path: &str, body: Option<Json>) -> Child {
        Child {
            path: path.into(),
            body,
        }
    }

    #[test]
    fn only_what_changed_is_written_and_what_went_is_deleted() {
        let prior = [
            child("m/default", Some(json!({"a": 1}))),
            child("m/auto", Some(json!({"b": 1}))),
            child("m/os", None),
        ];
        let planned = [
            child("m/default", Some(json!({"a": 1}))),
            child("m/auto", None),
            child("m/os", Some(json!({"c": 1}))),
        ];
        let todo = changes(&prior, &planned);
        assert_eq!(
            todo,
            vec![
                (Method::Delete, "m/auto".to_string(), None),
                (Method::Put, "m/os".to_string(), Some(json!({"c": 1}))),
            ]
        );
        // On create everything described is written, nothing deleted.
        assert_eq!(changes(&[], &planned).len(), 2);
    }
}
