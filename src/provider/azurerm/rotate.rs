//! The update that rotates a node pool (what triggers it, and what the plan
//! says, are [`types::rotation`]'s): agentPools requests on the cluster, in
//! azurerm 4.x's order, through the one client every request goes through
//! (the simulation, or ARM over HTTP, which follows each long-running
//! operation to its end).
//!
//! 1. A cluster is updated first, its default pool sent as Azure has it.
//! 2. The temporary pool is created with the new settings (unless it is
//!    already there: a rotation that failed part way left it).
//! 3. The pool is deleted (if it is there), and created with the new settings.
//! 4. The temporary pool is deleted.
//!
//! A step that fails stops the rotation and says what it left; the next
//! apply takes it up where it stopped.

use super::types::rotation::Rotation;
use super::{types, Azurerm};
use crate::diag::Diagnostic;
use crate::lang::Value;
use crate::provider::arm::{self, ArmClient, ArmError, Method};
use crate::provider::protocol::ApplyResponse;
use crate::schema::Schema;
use serde_json::{json, Value as Json};

/// What a step that failed leaves behind, in words.
enum Left {
    /// Nothing of the rotation: the pool is as it was.
    Nothing,
    /// The temporary pool, with the new settings, beside the pool or instead of it.
    Temporary,
    /// The temporary pool, after the pool was rotated.
    Done,
}

impl<C: ArmClient> Azurerm<C> {
    /// Updates a resource whose update rotates a node pool: `body` is the
    /// resource's ARM body as planned. A cluster's default pool is its
    /// first `agentPoolProfiles` entry; a node pool resource is the pool.
    pub(super) async fn put_rotating(
        &self,
        schema: &Schema,
        prior: &Value,
        planned: &Value,
        mut body: Json,
        r: &Rotation,
        sub: &str,
    ) -> ApplyResponse {
        let id = planned.get("id").and_then(Value::as_str).unwrap_or("").to_string();
        let failed = |d: Diagnostic| ApplyResponse {
            value: Some(prior.clone()),
            diags: d.into(),
        };
        let (cluster, pool) = match body.pointer("/properties/agentPoolProfiles/0").cloned() {
            Some(profile) => {
                // The cluster's own update leaves its default pool as it is.
                let current = match self.default_pool(schema, &id, prior).await {
                    Ok(p) => p,
                    Err(d) => return failed(d),
                };
                body["properties"]["agentPoolProfiles"][0] = current;
                let req = Self::request(schema, Method::Put, id.clone(), Some(body));
                if let Err(e) = self.send_waiting_for_replication(req).await {
                    return failed(super::arm_diagnostic(&e));
                }
                (id.clone(), pool_body(profile))
            }
            None => (arm::parent_id(&id).unwrap_or_default(), body),
        };
        if let Err(d) = self.rotate(schema, &cluster, r, pool).await {
            return failed(d);
        }
        match self.client.send(Self::request(schema, Method::Get, id, None)).await {
            Ok(answer) => {
                let (value, diags) = self.decode(schema, &answer.body, Some(planned), sub).await;
                ApplyResponse {
                    value: Some(value),
                    diags,
                }
            }
            Err(e) => failed(super::arm_diagnostic(&e)),
        }
    }

    /// A cluster's default pool as Azure has it: the one the state names,
    /// or what stands in for it.
    async fn default_pool(&self, schema: &Schema, id: &str, prior: &Value) -> Result<Json, Diagnostic> {
        let answer = self
            .client
            .send(Self::request(schema, Method::Get, id.to_string(), None))
            .await
            .map_err(|e| super::arm_diagnostic(&e))?;
        let doc = types::hooks(&schema.name).normalize_arm(&answer.body, Some(prior));
        doc.pointer("/properties/agentPoolProfiles/0").cloned().ok_or_else(|| {
            Diagnostic::error("Cannot rotate the default node pool")
                .with_detail(format!("Azure lists no agent pool in {id}"))
        })
    }

    async fn rotate(&self, schema: &Schema, cluster: &str, r: &Rotation, pool: Json) -> Result<(), Diagnostic> {
        let at = |name: &str| format!("{cluster}/agentPools/{name}");
        let (temporary, target) = (at(&r.temporary), at(&r.to));
        let stop = |step: String, e: ArmError, left: Left| {
            let left = match left {
                Left::Nothing => "The pool is as it was.".to_string(),
                Left::Temporary => format!(
                    "The temporary node pool \"{}\" is left in the cluster, with the new settings. Apply again to \
                     finish the rotation: it goes on from where it stopped.",
                    r.temporary
                ),
                Left::Done => format!(
                    "The pool \"{}\" has its new settings, but the temporary node pool \"{}\" is left in the \
                     cluster: delete it (az aks nodepool delete --name {}).",
                    r.to, r.temporary, r.temporary
                ),
            };
            Diagnostic::error(format!("Rotating the node pool \"{}\" stopped: {}", r.to, e.code))
                .with_detail(format!("{step}: {}\n{left}", e.message))
        };
        let exists = |id: String| async move {
            match self.client.send(Self::request(schema, Method::Get, id, None)).await {
                Ok(_) => Ok(true),
                Err(e) if e.is_not_found() => Ok(false),
                Err(e) => Err(e),
            }
        };
        let checking = |name: &str| format!("Reading the node pool \"{name}\"");
        let temporary_exists = exists(temporary.clone())
            .await
            .map_err(|e| stop(checking(&r.temporary), e, Left::Nothing))?;
        let target_exists = exists(target.clone())
            .await
            .map_err(|e| stop(checking(&r.to), e, Left::Nothing))?;
        if !temporary_exists {
            self.call(schema, Method::Put, &temporary, Some(pool.clone()))
                .await
                .map_err(|e| {
                    stop(
                        format!("Creating the temporary node pool \"{}\"", r.temporary),
                        e,
                        Left::Nothing,
                    )
                })?;
        }
        if target_exists {
            self.call(schema, Method::Delete, &target, None)
                .await
                .map_err(|e| stop(format!("Deleting the node pool \"{}\"", r.to), e, Left::Temporary))?;
        }
        self.call(schema, Method::Put, &target, Some(pool)).await.map_err(|e| {
            stop(
                format!("Creating the node pool \"{}\" with the new settings", r.to),
                e,
                Left::Temporary,
            )
        })?;
        self.call(schema, Method::Delete, &temporary, None).await.map_err(|e| {
            stop(
                format!("Deleting the temporary node pool \"{}\"", r.temporary),
                e,
                Left::Done,
            )
        })?;
        Ok(())
    }

    async fn call(&self, schema: &Schema, method: Method, id: &str, body: Option<Json>) -> Result<(), ArmError> {
        match self
            .client
            .send(Self::request(schema, method, id.to_string(), body))
            .await
        {
            Err(e) if !(method == Method::Delete && e.is_not_found()) => Err(e),
            _ => Ok(()),
        }
    }
}

/// An agentPools body from an `agentPoolProfiles` entry: its properties,
/// without its name and the node image, which AKS picks for a new pool.
fn pool_body(mut profile: Json) -> Json {
    if let Some(p) = profile.as_object_mut() {
        p.remove("name");
        p.remove("nodeImageVersion");
    }
    json!({ "properties": profile })
}

#[cfg(test)]
mod tests;
