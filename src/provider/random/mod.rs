//! hashicorp/random, implemented natively: `random_string`,
//! `random_password`, `random_pet`, `random_id`, `random_integer`,
//! `random_uuid`, `random_shuffle` and `random_bytes`.
//!
//! Values are made once, at create, and kept: every argument forces a
//! replacement (the `force_new` of schemas/overlays/random), and `keepers`
//! only when a value that is not null changes, as in hashicorp/random 3.7.
//! Planning is the shared planning; this module adds the `number` and
//! `numeric` synonyms and makes the values. It reads no clock and touches
//! no cloud. The types' own rules live one file each.

mod bytes;
mod id;
mod integer;
mod password;
mod pet;
mod rng;
mod shuffle;
mod string;
mod uuid;
mod words;

#[cfg(test)]
mod tests;

use super::protocol::*;
use super::standalone as sa;
use crate::diag::Diagnostics;
use crate::lang::Value;
use crate::schema::{ProviderSchemas, Schema};

pub struct Random {
    schemas: ProviderSchemas,
}

impl Random {
    pub const SOURCE: &'static str = "registry.terraform.io/hashicorp/random";

    pub fn new(schemas: ProviderSchemas) -> Random {
        Random { schemas }
    }
}

/// The types this provider makes values for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    String,
    Password,
    Pet,
    Id,
    Integer,
    Uuid,
    Shuffle,
    Bytes,
}

impl Kind {
    fn of(type_name: &str) -> Option<Kind> {
        Some(match type_name {
            "random_string" => Kind::String,
            "random_password" => Kind::Password,
            "random_pet" => Kind::Pet,
            "random_id" => Kind::Id,
            "random_integer" => Kind::Integer,
            "random_uuid" => Kind::Uuid,
            "random_shuffle" => Kind::Shuffle,
            "random_bytes" => Kind::Bytes,
            _ => return None,
        })
    }

    /// The maps whose null values are no change: `keepers`, except on
    /// `random_bytes`, whose keepers replace on any change.
    fn lenient_maps(self) -> &'static [&'static str] {
        match self {
            Kind::Bytes => &[],
            _ => &["keepers"],
        }
    }

    fn create(self, planned: &Value) -> Result<Value, String> {
        match self {
            Kind::String => string::create(planned),
            Kind::Password => password::create(planned),
            Kind::Pet => pet::create(planned),
            Kind::Id => id::create(planned),
            Kind::Integer => integer::create(planned),
            Kind::Uuid => uuid::create(planned),
            Kind::Shuffle => shuffle::create(planned),
            Kind::Bytes => bytes::create(planned),
        }
    }

    /// The state an imported id gives; `None` for types without import.
    fn import(self, id: &str) -> Option<Result<Value, String>> {
        Some(match self {
            Kind::String => string::import(id),
            Kind::Password => password::import(id),
            Kind::Id => id::import(id),
            Kind::Integer => integer::import(id),
            Kind::Uuid => uuid::import(id),
            Kind::Bytes => bytes::import(id),
            Kind::Pet | Kind::Shuffle => return None,
        })
    }
}

fn kind(schema: &Schema) -> Option<Kind> {
    Kind::of(&schema.name)
}

fn unsupported(schema: &Schema) -> Diagnostics {
    sa::error(
        "Unsupported resource type",
        format!("the random provider has no resource type {}", schema.name),
    )
}

#[async_trait::async_trait]
impl Provider for Random {
    fn name(&self) -> &'static str {
        "random"
    }

    fn schemas(&self) -> &ProviderSchemas {
        &self.schemas
    }

    fn can_apply(&self, schema: &Schema) -> bool {
        kind(schema).is_some()
    }

    fn validate(&self, req: ValidateRequest<'_>) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let config = sa::with_defaults(&req.schema.block, req.config);
        match kind(req.schema) {
            Some(Kind::String | Kind::Password) => string::validate(&req.schema.name, &config, &mut diags),
            Some(Kind::Pet) => pet::validate(&config, &mut diags),
            Some(Kind::Id) => id::validate(&config, &mut diags),
            Some(Kind::Integer) => integer::validate(&config, &mut diags),
            Some(Kind::Shuffle) => shuffle::validate(&config, &mut diags),
            Some(Kind::Bytes) => bytes::validate(&config, &mut diags),
            Some(Kind::Uuid) | None => {}
        }
        diags
    }

    fn plan(&self, req: PlanRequest<'_>) -> PlanResponse {
        let Some(kind) = kind(req.schema) else {
            return PlanResponse {
                planned: req.config.clone(),
                replace_paths: Vec::new(),
                diags: unsupported(req.schema),
            };
        };
        let config = match kind {
            Kind::String | Kind::Password => string::prepare(req.config),
            _ => req.config.clone(),
        };
        let (planned, replace_paths) = sa::plan(req.schema, req.prior, &config, kind.lenient_maps(), |_, _| ());
        PlanResponse {
            planned,
            replace_paths,
            diags: Diagnostics::new(),
        }
    }

    /// Creates a value (no prior value, or a plan that left results
    /// unknown); an update keeps what was made and takes the arguments
    /// that changed in place; a delete has nothing to do.
    async fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let Some(planned) = req.planned else {
            return ApplyResponse::default();
        };
        let Some(kind) = kind(req.schema) else {
            return ApplyResponse {
                value: None,
                diags: unsupported(req.schema),
            };
        };
        if req.prior.is_some() && planned.is_wholly_known() {
            return ApplyResponse {
                value: Some(sa::settle(&req.schema.block, planned.clone())),
                diags: Diagnostics::new(),
            };
        }
        match kind.create(planned) {
            Ok(v) => ApplyResponse {
                value: Some(sa::settle(&req.schema.block, v)),
                diags: Diagnostics::new(),
            },
            Err(e) => ApplyResponse {
                value: None,
                diags: sa::error(format!("Cannot create {}", req.schema.name), e),
            },
        }
    }

    /// A random value exists only in state: reading keeps it.
    async fn read(&self, req: ReadRequest<'_>) -> ReadResponse {
        ReadResponse::found(sa::settle(&req.schema.block, req.prior.clone()))
    }

    async fn import(&self, req: ImportRequest<'_>) -> ReadResponse {
        let imported = kind(req.schema).and_then(|k| k.import(req.id));
        match imported {
            Some(Ok(v)) => ReadResponse {
                value: Some(sa::settle(&req.schema.block, v)),
                diags: Diagnostics::new(),
                failed: None,
            },
            Some(Err(e)) => ReadResponse {
                value: None,
                diags: sa::error(format!("Cannot import {}", req.schema.name), e),
                failed: None,
            },
            None => ReadResponse {
                value: None,
                diags: sa::error("Cannot import", format!("{} does not support import", req.schema.name)),
                failed: None,
            },
        }
    }
}
