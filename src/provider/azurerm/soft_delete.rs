//! Soft-deleted resources, as azurerm handles key vaults: kept by Azure for
//! a while after a delete (a key vault's `deletedVaults`), recovered by a
//! create of the same name, purged after a destroy.
//!
//! - Before a create, a deleted resource of the same name is looked for;
//!   when there is one, the create recovers it (`createMode: recover`) if
//!   the provider's feature allows (on by default), and is refused, saying
//!   how to go on, if it does not.
//! - Around a destroy, when the provider's purge feature is on (on by
//!   default): the resource is read first, as azurerm reads it; once
//!   deleted it is purged (a POST of `purge` on the deleted resource),
//!   unless purge protection keeps it, which is read and said (a warning);
//!   one deleted without soft delete is gone already.
//!
//! The type says where the deleted resource would be, which features decide
//! (its hooks' `soft_deleted`) and whether its live body keeps it
//! (`kept_once_deleted`); this file knows no type.

use super::{features, types, Azurerm};
use crate::diag::{Diagnostic, Diagnostics};
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
    /// The feature that purges it after a destroy (on unless turned off);
    /// `None` when azurerm never purges the type.
    pub purge: Option<(&'static str, &'static str)>,
}

/// What Azure does with a resource once deleted, as its live body says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// Nothing: it has no soft delete, and a delete is the end of it.
    Not,
    /// Kept until its retention ends, and nothing may purge it sooner.
    Protected,
    /// Kept, and may be purged.
    Purgeable,
}

/// What a destroy does after its DELETE, decided before it.
pub(super) struct Purge {
    deleted: SoftDeleted,
    kept: Kept,
    id: String,
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

    /// Before a destroy: whether the deleted resource will be purged, read
    /// from the resource as Azure has it (as azurerm reads it before its
    /// delete). `None` when the type keeps nothing, the provider's features
    /// turn purging off, or the resource cannot be read (the delete then
    /// says why).
    pub(super) async fn before_destroy(
        &self,
        schema: &Schema,
        prior: &Value,
        id: &str,
        sub: &str,
        provider: &ProviderConfig,
    ) -> Option<Purge> {
        let hooks = types::hooks(&schema.name);
        let deleted = hooks.soft_deleted(prior, sub)?;
        let (block, name) = deleted.purge?;
        if !features::on_unless_off(provider, block, name).on {
            return None;
        }
        let live = self
            .client
            .send(Self::request(schema, Method::Get, id, None))
            .await
            .ok()?;
        Some(Purge {
            kept: hooks.kept_once_deleted(&live.body),
            deleted,
            id: id.to_string(),
        })
    }

    /// After the DELETE: purges what Azure keeps, or says why it cannot.
    pub(super) async fn after_destroy(&self, schema: &Schema, purge: Option<Purge>) -> Diagnostics {
        let Some(Purge { deleted, kept, id }) = purge else {
            return Diagnostics::new();
        };
        match kept {
            Kept::Not => Diagnostics::new(),
            Kept::Protected => {
                // What Azure answers for a deleted resource says when it
                // purges it (`scheduledPurgeDate`, as key vaults, Cognitive
                // Services accounts and API Management services have it).
                let read = Self::request(schema, Method::Get, deleted.id.clone(), None);
                let when = match self.client.send(read).await {
                    Ok(r) => r
                        .body
                        .pointer("/properties/scheduledPurgeDate")
                        .and_then(Json::as_str)
                        .map(|d| format!(" on {d}"))
                        .unwrap_or_default(),
                    Err(_) => String::new(),
                };
                Diagnostic::warning("Deleted but not purged: purge protection is on")
                    .with_detail(format!(
                        "{id} is deleted; Azure keeps it at {} and purges it itself{when}, at the end of its retention. Purge protection lets nothing purge it sooner, so its name stays taken until then (a create of the same name recovers it).",
                        deleted.id
                    ))
                    .into()
            }
            Kept::Purgeable => {
                let req = Self::request(schema, Method::Post, format!("{}/purge", deleted.id), None);
                match self.client.send(req).await {
                    Ok(_) => Diagnostics::new(),
                    Err(e) => {
                        let (block, name) = deleted.purge.unwrap_or(deleted.feature);
                        super::arm_diagnostic(&e)
                            .with_detail(format!(
                                "{id} is deleted, but purging it ({}) failed: {}",
                                deleted.id, e.message
                            ))
                            .with_help(format!(
                                "purge it outside aksplan, or set features {{ {block} {{ {name} = false }} }} to leave deleted ones kept"
                            ))
                            .into()
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::Mode;
    use crate::lang::value::Map;
    use crate::provider::arm::{ArmError, ArmResponse};
    use crate::provider::protocol::{ApplyRequest, Provider};
    use std::sync::Mutex;

    const VAULT: &str = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1";
    const DELETED: &str = "/subscriptions/sub/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv1";

    /// Answers as Azure would for one vault, and keeps every request.
    struct Script {
        live: Json,
        purge: Result<(), ArmError>,
        sent: Mutex<Vec<(Method, String)>>,
    }

    impl ArmClient for Script {
        async fn send(&self, req: ArmRequest) -> Result<ArmResponse, ArmError> {
            self.sent.lock().unwrap().push((req.method, req.path.clone()));
            assert_eq!(req.api_version, "2023-02-01", "the vault's api-version");
            let ok = |body| Ok(ArmResponse { status: 200, body });
            match (req.method, req.path.as_str()) {
                (Method::Get, VAULT) => ok(self.live.clone()),
                (Method::Delete, VAULT) => ok(Json::Null),
                (Method::Get, DELETED) => ok(json!({"properties": {"scheduledPurgeDate": "2027-03-01T00:00:00Z"}})),
                (Method::Post, p) if p == format!("{DELETED}/purge") => self.purge.clone().map(|_| ArmResponse {
                    status: 200,
                    body: Json::Null,
                }),
                _ => Err(ArmError::not_found(&req.path)),
            }
        }
        fn describe(&self) -> String {
            "script".into()
        }
        fn subscription(&self) -> &str {
            "sub"
        }
        fn tenant(&self) -> &str {
            "t"
        }
    }

    fn destroy(live: Json, purge: Result<(), ArmError>, features: &str) -> (ApplyResponse, Vec<(Method, String)>) {
        let schemas = crate::provider::embedded::schemas("azurerm", Azurerm::<Script>::SOURCE);
        let p = Azurerm::new(
            Script {
                live,
                purge,
                sent: Mutex::new(Vec::new()),
            },
            schemas,
        );
        let schema = p.schemas().get(Mode::Managed, "azurerm_key_vault").unwrap();
        let prior = Value::Object(Map::from([
            ("id".to_string(), Value::string(VAULT)),
            ("name".to_string(), Value::string("kv1")),
            ("location".to_string(), Value::string("West Europe")),
        ]));
        let provider = ProviderConfig {
            alias: None,
            value: crate::lang::eval::eval_standalone(features).unwrap(),
        };
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let r = rt.block_on(p.apply(ApplyRequest {
            schema,
            provider: &provider,
            prior: Some(&prior),
            planned: None,
            now: std::time::SystemTime::UNIX_EPOCH,
        }));
        let sent = p.client.sent.lock().unwrap().clone();
        (r, sent)
    }

    fn vault(soft_delete: bool, protected: bool) -> Json {
        json!({"id": VAULT, "location": "westeurope",
            "properties": {"enableSoftDelete": soft_delete, "enablePurgeProtection": protected}})
    }

    const DEFAULTS: &str = "{ features = [{}] }";

    #[test]
    fn a_destroy_reads_deletes_and_purges_as_azurerm_does() {
        let (r, sent) = destroy(vault(true, false), Ok(()), DEFAULTS);
        assert!(r.diags.is_empty(), "{:?}", r.diags);
        assert!(r.value.is_none());
        assert_eq!(
            sent,
            [
                (Method::Get, VAULT.to_string()),
                (Method::Delete, VAULT.to_string()),
                (Method::Post, format!("{DELETED}/purge")),
            ]
        );
    }

    #[test]
    fn purging_turned_off_or_no_soft_delete_leaves_the_delete_alone() {
        let off = "{ features = [{ key_vault = [{ purge_soft_delete_on_destroy = false }] }] }";
        let (r, sent) = destroy(vault(true, false), Ok(()), off);
        assert!(r.diags.is_empty(), "{:?}", r.diags);
        assert_eq!(sent, [(Method::Delete, VAULT.to_string())], "not even read");
        let (r, sent) = destroy(vault(false, false), Ok(()), DEFAULTS);
        assert!(r.diags.is_empty(), "{:?}", r.diags);
        assert_eq!(
            sent.last(),
            Some(&(Method::Delete, VAULT.to_string())),
            "nothing kept to purge"
        );
    }

    #[test]
    fn purge_protection_skips_the_purge_and_says_so() {
        let (r, sent) = destroy(vault(true, true), Ok(()), DEFAULTS);
        assert!(!r.diags.has_errors());
        let w = r.diags.iter().next().expect("a warning");
        assert_eq!(w.summary, "Deleted but not purged: purge protection is on");
        assert!(
            w.detail.contains(DELETED) && w.detail.contains("on 2027-03-01T00:00:00Z"),
            "{}",
            w.detail
        );
        assert_eq!(
            sent.last(),
            Some(&(Method::Get, DELETED.to_string())),
            "read, never purged"
        );
        assert!(!sent.iter().any(|(m, _)| *m == Method::Post));
    }

    #[test]
    fn a_failed_purge_is_an_error_saying_how_to_go_on() {
        let refused = ArmError::new(403, "Forbidden", "The client does not have authorization to purge.");
        let (r, _) = destroy(vault(true, false), Err(refused), DEFAULTS);
        assert!(r.diags.has_errors());
        let e = r.diags.iter().next().unwrap();
        assert_eq!(e.summary, "Azure refused the request: Forbidden");
        assert!(
            e.detail.contains("purging it") && e.detail.contains("authorization"),
            "{}",
            e.detail
        );
        assert!(
            e.help
                .as_deref()
                .is_some_and(|h| h.contains("purge_soft_delete_on_destroy = false")),
            "{:?}",
            e.help
        );
    }
}
