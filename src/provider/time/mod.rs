//! hashicorp/time, implemented natively: `time_sleep`, `time_static`,
//! `time_offset` and `time_rotating`.
//!
//! Every timestamp comes from the `now` of the request (the apply's for a
//! create, the refresh's for a rotation), never from the system clock, so
//! that tests are deterministic; only import, whose request carries no
//! `now`, reads the provider's clock (the system's unless a test sets
//! another). `time_sleep` waits through a sleep function a test can
//! replace. The types' own rules live one file each; planning is the
//! shared planning, with the values an in-place update changes computed
//! at plan time, as hashicorp/time shows them.

mod clock;
mod duration;
mod offset;
mod rotating;
mod sleep;
mod static_time;

#[cfg(test)]
mod tests;

use super::protocol::*;
use super::standalone as sa;
use crate::diag::Diagnostics;
use crate::lang::Value;
use crate::schema::{ProviderSchemas, Schema};
use futures::future::BoxFuture;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// How `time_sleep` waits.
pub type Sleep = Arc<dyn Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync>;

pub struct Time {
    schemas: ProviderSchemas,
    sleep: Sleep,
    clock: fn() -> SystemTime,
}

impl Time {
    pub const SOURCE: &'static str = "registry.terraform.io/hashicorp/time";

    pub fn new(schemas: ProviderSchemas) -> Time {
        Time {
            schemas,
            sleep: Arc::new(|d| Box::pin(tokio::time::sleep(d))),
            clock: SystemTime::now,
        }
    }

    /// Waits with `sleep` instead of the timer (tests).
    pub fn with_sleep(mut self, sleep: Sleep) -> Time {
        self.sleep = sleep;
        self
    }

    /// Reads `clock` where a request carries no `now` (import).
    pub fn with_clock(mut self, clock: fn() -> SystemTime) -> Time {
        self.clock = clock;
        self
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Sleep,
    Static,
    Offset,
    Rotating,
}

impl Kind {
    fn of(schema: &Schema) -> Option<Kind> {
        Some(match schema.name.as_str() {
            "time_sleep" => Kind::Sleep,
            "time_static" => Kind::Static,
            "time_offset" => Kind::Offset,
            "time_rotating" => Kind::Rotating,
            _ => return None,
        })
    }
}

fn unsupported(schema: &Schema) -> Diagnostics {
    sa::error(
        "Unsupported resource type",
        format!("the time provider has no resource type {}", schema.name),
    )
}

fn failed(what: &str, schema: &Schema, e: String) -> Diagnostics {
    sa::error(format!("Cannot {what} {}", schema.name), e)
}

impl Time {
    /// Plans one instance; the values an update changes are computed now.
    fn plan_kind(&self, kind: Kind, req: &PlanRequest<'_>) -> Result<(Value, Vec<String>), String> {
        let prior = req.prior;
        let (mut planned, replace) = sa::plan(req.schema, prior, req.config, &[], |_, replace| {
            if kind == Kind::Rotating && prior.is_some_and(|p| rotating::replaces(p, req.config, req.now)) {
                replace.push("rotation_rfc3339".into());
            }
        });
        let Some(prior) = prior.filter(|_| replace.is_empty()) else {
            return Ok((planned, replace));
        };
        match kind {
            Kind::Offset if offset::recompute(prior, &planned) => offset::plan_update(&mut planned)?,
            Kind::Rotating if rotating::rotation_changed(prior, req.config) => {
                rotating::plan_update(&mut planned, req.config)?
            }
            _ => {}
        }
        Ok((planned, replace))
    }

    async fn create(&self, kind: Kind, planned: &Value, now: SystemTime) -> Result<Value, String> {
        match kind {
            Kind::Sleep => {
                let wait = sleep::wait(planned, "create_duration")?;
                (self.sleep)(wait).await;
                sleep::created(planned, now, wait)
            }
            Kind::Static => static_time::create(planned, now),
            Kind::Offset => offset::create(planned, now),
            Kind::Rotating => rotating::create(planned, now),
        }
    }
}

#[async_trait::async_trait]
impl Provider for Time {
    fn name(&self) -> &'static str {
        "time"
    }

    fn schemas(&self) -> &ProviderSchemas {
        &self.schemas
    }

    fn can_apply(&self, schema: &Schema) -> bool {
        Kind::of(schema).is_some()
    }

    fn validate(&self, req: ValidateRequest<'_>) -> Diagnostics {
        let mut diags = Diagnostics::new();
        match Kind::of(req.schema) {
            Some(Kind::Sleep) => sleep::validate(req.config, &mut diags),
            Some(Kind::Static) => static_time::validate(req.config, &mut diags),
            Some(Kind::Offset) => offset::validate(req.config, &mut diags),
            Some(Kind::Rotating) => rotating::validate(req.config, &mut diags),
            None => {}
        }
        diags
    }

    fn plan(&self, req: PlanRequest<'_>) -> PlanResponse {
        let Some(kind) = Kind::of(req.schema) else {
            return PlanResponse {
                planned: req.config.clone(),
                replace_paths: Vec::new(),
                diags: unsupported(req.schema),
            };
        };
        match self.plan_kind(kind, &req) {
            Ok((planned, replace_paths)) => PlanResponse {
                planned,
                replace_paths,
                diags: Diagnostics::new(),
            },
            Err(e) => PlanResponse {
                planned: req.config.clone(),
                replace_paths: Vec::new(),
                diags: failed("plan", req.schema, e),
            },
        }
    }

    /// Creates (no prior value, or a plan that left values unknown),
    /// updates (the planned value, computed at plan time) or deletes
    /// (`time_sleep` waits its `destroy_duration` first).
    async fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let Some(kind) = Kind::of(req.schema) else {
            return ApplyResponse {
                value: None,
                diags: unsupported(req.schema),
            };
        };
        let Some(planned) = req.planned else {
            if let (Kind::Sleep, Some(prior)) = (kind, req.prior) {
                match sleep::wait(prior, "destroy_duration") {
                    Ok(wait) => (self.sleep)(wait).await,
                    Err(e) => {
                        return ApplyResponse {
                            value: Some(prior.clone()),
                            diags: failed("destroy", req.schema, e),
                        }
                    }
                }
            }
            return ApplyResponse::default();
        };
        let result = if req.prior.is_some() && planned.is_wholly_known() {
            Ok(planned.clone())
        } else {
            self.create(kind, planned, req.now).await
        };
        match result {
            Ok(v) => ApplyResponse {
                value: Some(sa::settle(&req.schema.block, v)),
                diags: Diagnostics::new(),
            },
            Err(e) => ApplyResponse {
                value: None,
                diags: failed("create", req.schema, e),
            },
        }
    }

    /// Keeps the value in state, except a `time_rotating` whose rotation
    /// has passed: it is gone, to be created again.
    async fn read(&self, req: ReadRequest<'_>) -> ReadResponse {
        if Kind::of(req.schema) == Some(Kind::Rotating) {
            match rotating::rotated(req.prior, req.now) {
                Ok(true) => return ReadResponse::default(),
                Ok(false) => {}
                Err(e) => {
                    return ReadResponse {
                        value: Some(req.prior.clone()),
                        diags: failed("read", req.schema, e),
                        failed: None,
                    }
                }
            }
        }
        ReadResponse::found(sa::settle(&req.schema.block, req.prior.clone()))
    }

    async fn import(&self, req: ImportRequest<'_>) -> ReadResponse {
        let imported = match Kind::of(req.schema) {
            Some(Kind::Sleep) => sleep::import(req.id, (self.clock)()),
            Some(Kind::Static) => static_time::import(req.id),
            Some(Kind::Offset) => offset::import(req.id),
            Some(Kind::Rotating) => rotating::import(req.id),
            None => {
                return ReadResponse {
                    value: None,
                    diags: unsupported(req.schema),
                    failed: None,
                }
            }
        };
        match imported {
            Ok(v) => ReadResponse {
                value: Some(sa::settle(&req.schema.block, v)),
                diags: Diagnostics::new(),
                failed: None,
            },
            Err(e) => ReadResponse::error(failed("import", req.schema, e)),
        }
    }
}
