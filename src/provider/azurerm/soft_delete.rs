//! Soft-deleted resources brought back on create, as azurerm does for key
//! vaults: before creating a resource whose type keeps deleted ones for a
//! while (a key vault's `deletedVaults`), look for a deleted one of the
//! same name; when there is one, the create recovers it (`createMode:
//! recover`) if the provider's feature allows (on by default), and is
//! refused, saying how to go on, if it does not. The type says where the
//! deleted resource would be and which feature decides (its hooks'
//! `soft_deleted`); this file knows no type.

use super::{features, types, Azurerm};
use crate::diag::Diagnostic;
use crate::lang::Value;
use crate::provider::arm::{ArmClient, ArmRequest, Method};
use crate::provider::protocol::{ApplyResponse, ProviderConfig};
use crate::schema::Schema;
use serde_json::{json, Value as Json};

/// Where a deleted resource is kept, and the provider feature
/// (`features { <block> { <name> } }`) that lets a create recover it.
pub struct SoftDeleted {
    pub id: String,
    pub feature: (&'static str, &'static str),
}

impl<C: ArmClient> Azurerm<C> {
    /// Before a create: a deleted resource of the same name makes the
    /// create a recovery, or refuses it. Nothing found (or nothing Azure
    /// lets aksplan see) leaves the create as it was.
    pub(super) async fn recover_soft_deleted(
        &self,
        schema: &Schema,
        planned: &Value,
        sub: &str,
        provider: &ProviderConfig,
        body: &mut Json,
    ) -> Result<(), ApplyResponse> {
        let Some(deleted) = types::hooks(&schema.name).soft_deleted(planned, sub) else {
            return Ok(());
        };
        let req = ArmRequest {
            method: Method::Get,
            path: deleted.id.clone(),
            api_version: schema.arm.as_ref().map(|a| a.api_version.clone()).unwrap_or_default(),
            body: None,
        };
        if self.client.send(req).await.is_err() {
            return Ok(());
        }
        let (block, name) = deleted.feature;
        if !features::on_unless_off(provider, block, name).on {
            return Err(ApplyResponse {
                value: None,
                diags: Diagnostic::error("A soft-deleted resource has this name")
                    .with_detail(format!(
                        "{} is deleted but kept, and recovering it on create is turned off by the provider's features ({block}.{name} = false)",
                        deleted.id
                    ))
                    .with_help(format!(
                        "set features {{ {block} {{ {name} = true }} }} to recover it, recover or purge it outside aksplan, or choose another name"
                    ))
                    .into(),
            });
        }
        if !body.get("properties").is_some_and(Json::is_object) {
            body["properties"] = json!({});
        }
        body["properties"]["createMode"] = json!("recover");
        Ok(())
    }
}
