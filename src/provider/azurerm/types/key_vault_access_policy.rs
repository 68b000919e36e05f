//! `azurerm_key_vault_access_policy`: one entry of a vault's
//! `properties.accessPolicies`, not an ARM resource of its own. As azurerm
//! does it, a create sends the entry with `PUT {vault}/accessPolicies/add`
//! (after refusing to take over an entry already there for the same
//! principal), an update with `.../replace`, and a delete sends the entry as
//! the vault holds it with `.../remove`; a read finds the entry in the
//! vault, by object and application id. The id is azurerm's own:
//! `{vault}/objectId/{object}`, or `.../applicationId/{application}` for a
//! compound identity. The entry's fields are the overlay's ARM paths
//! (see [`key_vault_policies`] for the permission names).

use super::super::{arm_diagnostic, mapper};
use super::key_vault_policies as policies;
use crate::diag::Diagnostic;
use crate::lang::Value;
use crate::provider::arm::{self, ArmClient, ArmRequest, Method};
use crate::provider::protocol::{ApplyResponse, ReadResponse};
use crate::schema::Schema;
use serde_json::{json, Value as Json};

const VAULTS: &str = "Microsoft.KeyVault/vaults";

/// What an access policy's id names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyId {
    pub vault: String,
    pub object: String,
    /// Empty without a compound identity.
    pub application: String,
}

impl PolicyId {
    /// azurerm's id: the vault's, `/objectId/{object}`, and
    /// `/applicationId/{application}` when there is one.
    pub fn id(&self) -> String {
        let base = format!("{}/objectId/{}", self.vault.trim_end_matches('/'), self.object);
        if self.application.is_empty() {
            base
        } else {
            format!("{base}/applicationId/{}", self.application)
        }
    }

    /// Reads an id of either form; `None` for anything else.
    pub fn parse(id: &str) -> Option<PolicyId> {
        let at = id.to_ascii_lowercase().rfind("/objectid/")?;
        let vault = &id[..at];
        let rest: Vec<&str> = id[at + "/objectId/".len()..].split('/').collect();
        let (object, application) = match rest.as_slice() {
            [o] => (*o, ""),
            [o, key, a] if key.eq_ignore_ascii_case("applicationId") && !a.is_empty() => (*o, *a),
            _ => return None,
        };
        let is_vault = arm::resource_type(vault).eq_ignore_ascii_case(VAULTS) && vault.starts_with("/subscriptions/");
        (is_vault && !object.is_empty()).then(|| PolicyId {
            vault: vault.to_string(),
            object: object.to_string(),
            application: application.to_string(),
        })
    }
}

fn request(schema: &Schema, method: Method, path: String, body: Option<Json>) -> ArmRequest {
    ArmRequest {
        method,
        path,
        api_version: schema.arm.as_ref().map(|a| a.api_version.clone()).unwrap_or_default(),
        body,
    }
}

fn failed(prior: Option<&Value>, diag: Diagnostic) -> ApplyResponse {
    ApplyResponse {
        value: prior.cloned(),
        diags: diag.into(),
    }
}

/// The vault's entries, as Azure answers them.
fn entries(vault: &Json) -> Vec<Json> {
    vault
        .pointer("/properties/accessPolicies")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default()
}

/// The policy's value from the vault's entry for it.
fn value_of(schema: &Schema, pid: &PolicyId, entry: &Json, prior: Option<&Value>) -> Value {
    let entry = policies::normalize(entry, prior);
    let mut value = mapper::from_arm(&schema.block, &entry, prior);
    super::set(&mut value, "id", Value::String(pid.id()));
    super::set(&mut value, "key_vault_id", Value::String(pid.vault.clone()));
    super::set(&mut value, "object_id", Value::String(pid.object.clone()));
    value
}

/// Reads the policy a state entry (or an import) names: gone when the
/// vault or its entry is.
pub async fn read<C: ArmClient>(client: &C, schema: &Schema, prior: &Value) -> ReadResponse {
    let Some(id) = prior.get("id").and_then(Value::as_str) else {
        return ReadResponse::default();
    };
    let Some(pid) = PolicyId::parse(id) else {
        return ReadResponse::error(Diagnostic::error("Not a Key Vault access policy id").with_detail(format!(
            "{id} is neither {{keyVaultId}}/objectId/{{objectId}} nor {{keyVaultId}}/objectId/{{objectId}}/applicationId/{{applicationId}}"
        )));
    };
    let vault = match client.send(request(schema, Method::Get, pid.vault.clone(), None)).await {
        Ok(r) => r.body,
        Err(e) if e.is_not_found() => return ReadResponse::default(),
        Err(e) => return ReadResponse::error(arm_diagnostic(&e)),
    };
    match entries(&vault)
        .iter()
        .find(|e| policies::is_for(e, &pid.object, &pid.application))
    {
        Some(entry) => ReadResponse::found(value_of(schema, &pid, entry, Some(prior))),
        None => ReadResponse::default(),
    }
}

/// Adds the policy to its vault (a create) or replaces its permissions (an
/// update), then reads it back.
pub async fn apply<C: ArmClient>(client: &C, schema: &Schema, prior: Option<&Value>, planned: &Value) -> ApplyResponse {
    let text = |k: &str| {
        planned
            .get(k)
            .and_then(|v| v.inner().as_str())
            .unwrap_or("")
            .to_string()
    };
    let vault = text("key_vault_id");
    if PolicyId::parse(&format!("{vault}/objectId/x")).is_none() {
        return failed(
            prior,
            Diagnostic::error("Not a Key Vault id")
                .with_detail(format!("key_vault_id {vault:?} is not the id of a Key Vault")),
        );
    }
    let pid = PolicyId {
        vault: vault.trim_end_matches('/').to_string(),
        object: text("object_id"),
        application: text("application_id"),
    };
    let found = match client.send(request(schema, Method::Get, pid.vault.clone(), None)).await {
        Ok(r) => r.body,
        Err(e) => return failed(prior, arm_diagnostic(&e)),
    };
    let tenant = text("tenant_id");
    let taken = entries(&found).iter().any(|e| {
        policies::is_for(e, &pid.object, &pid.application) && e.get("tenantId").and_then(Json::as_str) == Some(&tenant)
    });
    if prior.is_none() && taken {
        let id = pid.id();
        return failed(
            None,
            Diagnostic::error("A resource with this ID already exists")
                .with_detail(format!(
                    "{id} already exists: the vault has an access policy for this principal. To be managed by aksplan it needs to be imported into the state."
                ))
                .with_help(format!(
                    "add an import block, then plan again:\n  import {{\n    to = <this resource's address>\n    id = \"{id}\"\n  }}"
                )),
        );
    }
    let mut entry = mapper::to_arm(&schema.block, planned);
    policies::complete(&mut entry);
    let kind = if prior.is_some() { "replace" } else { "add" };
    let body = json!({"properties": {"accessPolicies": [entry]}});
    let path = format!("{}/accessPolicies/{kind}", pid.vault);
    if let Err(e) = client.send(request(schema, Method::Put, path, Some(body))).await {
        return failed(prior, arm_diagnostic(&e));
    }
    let r = read(
        client,
        schema,
        &Value::Object([("id".to_string(), Value::String(pid.id()))].into()),
    )
    .await;
    match r.value {
        Some(v) => ApplyResponse {
            value: Some(with_timeouts(v, planned)),
            diags: r.diags,
        },
        None if r.diags.has_errors() => ApplyResponse {
            value: prior.cloned(),
            diags: r.diags,
        },
        None => failed(
            prior,
            Diagnostic::error("The access policy is not in the vault").with_detail(format!(
                "after {kind} of the policy of object {} on {}, the vault does not list it",
                pid.object, pid.vault
            )),
        ),
    }
}

/// Keeps the planned `timeouts`, which Azure knows nothing of.
fn with_timeouts(mut v: Value, planned: &Value) -> Value {
    if let Some(t) = planned.get("timeouts") {
        super::set(&mut v, "timeouts", t.clone());
    }
    v
}

/// Removes the policy from its vault: the entry is sent as the vault holds
/// it, as azurerm sends it. A vault or entry already gone is done.
pub async fn delete<C: ArmClient>(client: &C, schema: &Schema, prior: &Value) -> ApplyResponse {
    let Some(pid) = prior.get("id").and_then(Value::as_str).and_then(PolicyId::parse) else {
        return ApplyResponse::default();
    };
    let vault = match client.send(request(schema, Method::Get, pid.vault.clone(), None)).await {
        Ok(r) => r.body,
        Err(e) if e.is_not_found() => return ApplyResponse::default(),
        Err(e) => return failed(Some(prior), arm_diagnostic(&e)),
    };
    let Some(mut entry) = entries(&vault)
        .into_iter()
        .find(|e| policies::is_for(e, &pid.object, &pid.application))
    else {
        return ApplyResponse::default();
    };
    if !pid.application.is_empty() {
        entry["applicationId"] = json!(pid.application);
    }
    let body = json!({"properties": {"accessPolicies": [entry]}});
    let path = format!("{}/accessPolicies/remove", pid.vault);
    match client.send(request(schema, Method::Put, path, Some(body))).await {
        Ok(_) => ApplyResponse::default(),
        Err(e) => failed(Some(prior), arm_diagnostic(&e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VAULT: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv";

    #[test]
    fn ids_of_both_forms_parse_and_print() {
        let p = PolicyId::parse(&format!("{VAULT}/objectId/o1")).unwrap();
        assert_eq!(
            (p.vault.as_str(), p.object.as_str(), p.application.as_str()),
            (VAULT, "o1", "")
        );
        assert_eq!(p.id(), format!("{VAULT}/objectId/o1"));
        let p = PolicyId::parse(&format!("{VAULT}/objectid/o1/applicationid/a1")).unwrap();
        assert_eq!(p.application, "a1");
        assert_eq!(p.id(), format!("{VAULT}/objectId/o1/applicationId/a1"));
        for bad in [
            format!("{VAULT}/objectId/"),
            format!("{VAULT}/objectId/o/applicationId/"),
            format!("{VAULT}/objectId/o/other/a"),
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x/objectId/o".to_string(),
            VAULT.to_string(),
        ] {
            assert_eq!(PolicyId::parse(&bad), None, "{bad}");
        }
    }
}
