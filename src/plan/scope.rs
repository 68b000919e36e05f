//! What a refresh reads ([`ReadScope`]): a pure function of the
//! configuration's graph and a plan's targets.

use super::engine::PlanOptions;
use crate::addrs::{ConfigResource, Instance, Object, Target};
use crate::config::Config;
use crate::graph::Inferred;
use std::collections::HashSet;

/// What a refresh reads: every object in state, or, for a plan with
/// targets, the objects of the targeted resources and of those they
/// depend on, however indirectly (through locals, outputs, modules), as
/// Terraform prunes its graph to them before it refreshes. The others are
/// kept as recorded: neither read nor reported as drift, and no error in
/// reading them stops the targeted plan.
#[derive(Default)]
pub struct ReadScope {
    targets: Vec<Target>,
    /// The resources read; `None`: every one.
    resources: Option<HashSet<ConfigResource>>,
}

impl ReadScope {
    /// Every object in state.
    pub fn all() -> ReadScope {
        ReadScope::default()
    }

    /// What a plan with `opts` reads. A targeted destroy reads everything:
    /// it destroys what depends on its targets too.
    pub fn of(config: &Config, inferred: &[Inferred], opts: &PlanOptions) -> ReadScope {
        let targets = &opts.targets;
        if targets.is_empty() || opts.destroy {
            return ReadScope::all();
        }
        let (graph, _) = crate::graph::build(config, inferred);
        let targeted = |o: &Object| {
            o.config_resource()
                .is_some_and(|r| targets.iter().any(|t| t.may_contain(&r)))
        };
        let mut stack: Vec<&Object> = graph.index.keys().filter(|o| targeted(o)).collect();
        let mut seen: HashSet<&Object> = HashSet::new();
        let mut resources = HashSet::new();
        while let Some(o) = stack.pop() {
            if !seen.insert(o) {
                continue;
            }
            resources.extend(o.config_resource());
            stack.extend(graph.dependencies(o).map(|(d, _)| d));
        }
        ReadScope {
            targets: targets.to_vec(),
            resources: Some(resources),
        }
    }

    /// Whether every object in state is read.
    pub fn reads_all(&self) -> bool {
        self.resources.is_none()
    }

    /// Whether the refresh reads this instance's objects: a targeted one
    /// (in configuration or only in state) or one a target depends on.
    pub fn reads(&self, inst: &Instance) -> bool {
        self.resources
            .as_ref()
            .is_none_or(|r| r.contains(&inst.config_resource()) || self.targets.iter().any(|t| t.contains(inst)))
    }
}
