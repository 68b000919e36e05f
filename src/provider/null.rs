//! hashicorp/null, implemented natively: `null_resource`, which does
//! nothing and is replaced when a `triggers` value that is not null
//! changes (to run again what depends on it), and the deprecated
//! `null_data_source`, whose `outputs` are its `inputs`.
//!
//! Ids are random non-negative 63-bit numbers in decimal, as Go's
//! `rand.Int()` gives hashicorp/null; nothing here reads a clock or
//! touches a cloud.

use super::protocol::*;
use super::standalone as sa;
use crate::diag::Diagnostics;
use crate::lang::Value;
use crate::schema::{ProviderSchemas, Schema};
use rand_core::{OsRng, RngCore};

pub struct Null {
    schemas: ProviderSchemas,
}

impl Null {
    pub const SOURCE: &'static str = "registry.terraform.io/hashicorp/null";

    pub fn new(schemas: ProviderSchemas) -> Null {
        Null { schemas }
    }
}

/// A random number as hashicorp/null makes its ids: non-negative, 63 bits.
fn random_number() -> Result<String, String> {
    let mut b = [0; 8];
    OsRng
        .try_fill_bytes(&mut b)
        .map_err(|e| format!("the operating system gave no random bytes: {e}"))?;
    Ok((u64::from_le_bytes(b) >> 1).to_string())
}

fn is_resource(schema: &Schema) -> bool {
    schema.name == "null_resource"
}

fn unsupported(schema: &Schema) -> Diagnostics {
    sa::error(
        "Unsupported type",
        format!("the null provider has no type {}", schema.name),
    )
}

#[async_trait::async_trait]
impl Provider for Null {
    fn name(&self) -> &'static str {
        "null"
    }

    fn schemas(&self) -> &ProviderSchemas {
        &self.schemas
    }

    fn can_apply(&self, schema: &Schema) -> bool {
        matches!(schema.name.as_str(), "null_resource" | "null_data_source")
    }

    fn plan(&self, req: PlanRequest<'_>) -> PlanResponse {
        if !is_resource(req.schema) {
            return PlanResponse {
                planned: req.config.clone(),
                replace_paths: Vec::new(),
                diags: unsupported(req.schema),
            };
        }
        let (planned, replace_paths) = sa::plan(req.schema, req.prior, req.config, &["triggers"], |_, _| ());
        PlanResponse {
            planned,
            replace_paths,
            diags: Diagnostics::new(),
        }
    }

    /// A new id at create; an update (triggers changed only by null
    /// values) keeps it.
    async fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let Some(planned) = req.planned else {
            return ApplyResponse::default();
        };
        if !is_resource(req.schema) {
            return ApplyResponse {
                value: None,
                diags: unsupported(req.schema),
            };
        }
        let mut value = planned.clone();
        if req.prior.is_none() || !planned.is_wholly_known() {
            match random_number() {
                Ok(id) => sa::set(&mut value, "id", Value::string(id)),
                Err(e) => {
                    return ApplyResponse {
                        value: None,
                        diags: sa::error("Cannot create null_resource", e),
                    }
                }
            }
        }
        ApplyResponse {
            value: Some(sa::settle(&req.schema.block, value)),
            diags: Diagnostics::new(),
        }
    }

    async fn read(&self, req: ReadRequest<'_>) -> ReadResponse {
        ReadResponse {
            value: Some(sa::settle(&req.schema.block, req.prior.clone())),
            diags: Diagnostics::new(),
            failed: None,
        }
    }

    /// `null_data_source`: `outputs` are `inputs`, `random` a new random
    /// number at each read, `has_computed_default` `default` unless set,
    /// and `id` `static`.
    async fn read_data(&self, req: ReadDataRequest<'_>) -> ReadResponse {
        if req.schema.name != "null_data_source" {
            return ReadResponse {
                value: None,
                diags: unsupported(req.schema),
                failed: None,
            };
        }
        let random = match random_number() {
            Ok(n) => n,
            Err(e) => {
                return ReadResponse {
                    value: None,
                    diags: sa::error("Cannot read null_data_source", e),
                    failed: None,
                }
            }
        };
        let mut value = req.config.clone();
        let inputs = req.config.get("inputs").cloned().unwrap_or_else(Value::null);
        sa::set(&mut value, "outputs", inputs);
        sa::set(&mut value, "random", Value::string(random));
        if req.config.get("has_computed_default").is_none_or(Value::is_null) {
            sa::set(&mut value, "has_computed_default", Value::string("default"));
        }
        sa::set(&mut value, "id", Value::string("static"));
        ReadResponse {
            value: Some(sa::settle(&req.schema.block, value)),
            diags: Diagnostics::new(),
            failed: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::Mode;
    use crate::provider::embedded;
    use crate::provider::standalone::testing::*;
    use serde_json::json;

    fn null() -> Null {
        Null::new(embedded::schemas("null", Null::SOURCE))
    }

    #[tokio::test]
    async fn a_null_resource_keeps_its_id_until_a_trigger_changes() {
        let p = null();
        let s = schema(&p, "null_resource");
        let cfg = config(s, json!({"triggers": {"cluster": "abc"}}));
        let now = at("2026-03-01T10:00:00Z");
        let state = create(&p, s, &cfg, now).await;
        let id = str(&state, "id");
        assert!(id.parse::<u64>().is_ok_and(|n| n <= i64::MAX as u64), "{id}");
        assert_stable(&p, s, &state, &cfg);

        let changed = plan(&p, s, Some(&state), &config(s, json!({"triggers": {"cluster": "def"}})));
        assert_eq!(changed.replace_paths, vec!["triggers"]);
        assert!(!changed.planned.get("id").unwrap().is_known());

        // A null value is no change, as hashicorp/null plans it; the update keeps the id.
        let nulls = config(s, json!({"triggers": {"cluster": "abc", "extra": null}}));
        let update = plan(&p, s, Some(&state), &nulls);
        assert!(update.replace_paths.is_empty(), "{:?}", update.replace_paths);
        let updated = apply(&p, s, Some(&state), Some(&update.planned), now).await;
        assert_eq!(str(updated.value.as_ref().unwrap(), "id"), id);

        let without = create(&p, s, &config(s, json!({})), now).await;
        assert_stable(&p, s, &without, &config(s, json!({})));
        let deleted = apply(&p, s, Some(&state), None, now).await;
        assert!(deleted.value.is_none() && !deleted.diags.has_errors());
    }

    #[tokio::test]
    async fn the_data_source_gives_its_inputs_back() {
        let p = null();
        assert_eq!(p.schemas().check(), Ok(2), "the schemas and overlays parse");
        let s = p.schemas().get(Mode::Data, "null_data_source").unwrap();
        assert!(p.can_apply(s));
        let cfg = config(s, json!({"inputs": {"name": "aks"}}));
        let read = p
            .read_data(ReadDataRequest {
                schema: s,
                provider: &ProviderConfig::default(),
                config: &cfg,
                now: at("2026-03-01T10:00:00Z"),
            })
            .await;
        let v = read.value.unwrap();
        assert_eq!(
            v.get("outputs").and_then(|o| o.get("name")).and_then(Value::as_str),
            Some("aks")
        );
        assert_eq!(str(&v, "id"), "static");
        assert_eq!(str(&v, "has_computed_default"), "default");
        assert!(str(&v, "random").parse::<u64>().is_ok());
    }
}
