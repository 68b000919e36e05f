//! `moved` and `removed` blocks: what each statement moves or removes, and
//! the checks Terraform makes of them before any state is read. A
//! statement in a child module is relative to every instance of that
//! module.

use super::Config;
use crate::addrs::{Instance, InstanceKey, ModuleInstance, ModulePath, ModuleStep, Target};
use crate::diag::{Diagnostic, Diagnostics, Span};

/// One statement, with the module it is written in.
#[derive(Debug, Clone)]
pub struct Move {
    pub within: ModulePath,
    pub from: Target,
    pub to: Target,
    pub span: Span,
}

/// What a statement moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A module call or one of its instances, with everything in it.
    Module,
    /// Every instance of a resource.
    Resource,
    /// One instance (a side without a key is the instance without one).
    Instance,
}

impl Move {
    fn kind(&self) -> Kind {
        match (&self.from.resource, &self.to.resource, &self.from.key, &self.to.key) {
            (None, _, _, _) => Kind::Module,
            (Some(_), _, None, None) => Kind::Resource,
            _ => Kind::Instance,
        }
    }

    /// Where an object at `inst` goes, if this statement moves it.
    pub fn relocate(&self, inst: &Instance) -> Option<Instance> {
        let n = self.within.0.len();
        let steps = &inst.module.0;
        if steps.len() < n || steps.iter().zip(&self.within.0).any(|(s, w)| &s.name != w) {
            return None;
        }
        let (prefix, rest) = steps.split_at(n);
        let join = |tail: &[ModuleStep]| ModuleInstance(prefix.iter().chain(tail).cloned().collect());
        match self.kind() {
            Kind::Module => {
                let from = &self.from.module.0;
                if rest.len() < from.len() {
                    return None;
                }
                let matched = rest
                    .iter()
                    .zip(from)
                    .all(|(r, f)| r.name == f.name && (f.key == InstanceKey::None || r.key == f.key));
                if !matched {
                    return None;
                }
                let mut moved: Vec<ModuleStep> = self.to.module.0.clone();
                // `module.a` to `module.b` keeps each instance's key.
                if let (Some(last_to), Some(last_from), Some(last_rest)) =
                    (moved.last_mut(), from.last(), rest.get(from.len() - 1))
                {
                    if last_to.key == InstanceKey::None && last_from.key == InstanceKey::None {
                        last_to.key = last_rest.key.clone();
                    }
                }
                moved.extend(rest[from.len()..].iter().cloned());
                Some(Instance {
                    module: join(&moved),
                    resource: inst.resource.clone(),
                    key: inst.key.clone(),
                })
            }
            kind => {
                let from_resource = self.from.resource.as_ref()?;
                if rest != self.from.module.0.as_slice() || &inst.resource != from_resource {
                    return None;
                }
                let key = match kind {
                    Kind::Resource => inst.key.clone(),
                    _ => {
                        if inst.key != self.from.key.clone().unwrap_or(InstanceKey::None) {
                            return None;
                        }
                        self.to.key.clone().unwrap_or(InstanceKey::None)
                    }
                };
                Some(Instance {
                    module: join(&self.to.module.0),
                    resource: self.to.resource.clone()?,
                    key,
                })
            }
        }
    }
}

/// What `removed` blocks with `destroy = false` take out of state, as
/// targets over every instance of the module they are written in.
pub fn forgotten(config: &Config) -> Vec<Target> {
    config
        .modules
        .iter()
        .flat_map(|(path, m)| {
            m.removed.iter().filter(|r| !r.destroy).map(move |r| {
                let within = path.0.iter().map(|name| ModuleStep {
                    name: name.clone(),
                    key: InstanceKey::None,
                });
                Target {
                    module: ModuleInstance(within.chain(r.from.module.0.iter().cloned()).collect()),
                    resource: r.from.resource.clone(),
                    key: None,
                }
            })
        })
        .collect()
}

/// Every statement of every module.
pub fn statements(config: &Config) -> Vec<Move> {
    config
        .modules
        .iter()
        .flat_map(|(path, m)| {
            m.moved.iter().map(move |mv| Move {
                within: path.clone(),
                from: mv.from.clone(),
                to: mv.to.clone(),
                span: mv.span,
            })
        })
        .collect()
}

/// Terraform's static checks: both ends of a kind, of one resource type;
/// what moves is no longer declared; no two statements move from or to one
/// address; no cycle.
pub fn check(config: &Config) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for (path, m) in &config.modules {
        for mv in &m.moved {
            let fail =
                |summary: &str, detail: String| Diagnostic::error(summary).with_detail(detail).with_span(mv.span);
            match (&mv.from.resource, &mv.to.resource) {
                (Some(_), None) | (None, Some(_)) => {
                    diags.push(fail(
                        "Invalid moved block",
                        format!("{} and {} are not both resources, or both modules", mv.from, mv.to),
                    ));
                    continue;
                }
                (Some(f), Some(t)) if f.type_name != t.type_name => {
                    diags.push(fail(
                        "Resource type mismatch",
                        format!("{} cannot move to {}: a move keeps the resource type", mv.from, mv.to),
                    ));
                    continue;
                }
                _ => {}
            }
            if mv.from == mv.to {
                diags.push(fail("Redundant move statement", format!("{} moves to itself", mv.from)));
            }
            if still_declared(config, path, &mv.from) {
                diags.push(
                    fail(
                        "Moved object still exists",
                        format!(
                            "this block moves from {}, which the configuration still declares",
                            mv.from
                        ),
                    )
                    .with_span(mv.from_span)
                    .with_help("remove the block at the old address, or the moved block"),
                );
            }
        }
        for (i, a) in m.moved.iter().enumerate() {
            for b in &m.moved[i + 1..] {
                if a.from == b.from || a.to == b.to {
                    let (what, addr, at) = if a.from == b.from {
                        ("from", &a.from, b.from_span)
                    } else {
                        ("to", &a.to, b.to_span)
                    };
                    diags.push(
                        Diagnostic::error("Ambiguous move statements")
                            .with_detail(format!("two moved blocks move {what} {addr}"))
                            .with_span(at)
                            .with_label(a.span, "the other one"),
                    );
                }
            }
        }
        for rm in &m.removed {
            if still_declared(config, path, &rm.from) {
                diags.push(
                    Diagnostic::error("Removed object still exists")
                        .with_detail(format!(
                            "this block removes {}, which the configuration still declares",
                            rm.from
                        ))
                        .with_span(rm.from_span)
                        .with_help("remove the resource or module block, or the removed block"),
                );
            }
        }
        if let Some(mv) = cycle(&m.moved) {
            diags.push(
                Diagnostic::error("Cyclic dependency in move statements")
                    .with_detail(format!("moving {} leads back to it", mv.from))
                    .with_span(mv.span),
            );
        }
    }
    diags
}

/// Whether the configuration still declares what `from` names, in `path`:
/// a whole resource, or a whole module call (an instance may move within
/// a resource or a call that stays).
fn still_declared(config: &Config, path: &ModulePath, from: &Target) -> bool {
    let Some(m) = config.module(&path_of(path, &from.module)) else {
        return false;
    };
    match (&from.resource, &from.key) {
        (Some(r), None) => m.resources.contains_key(r),
        (None, _) => from.module.0.last().is_some_and(|last| {
            last.key == InstanceKey::None
                && config
                    .module(&path_of(
                        path,
                        &ModuleInstance(from.module.0[..from.module.0.len() - 1].to_vec()),
                    ))
                    .is_some_and(|parent| parent.calls.contains_key(&last.name))
        }),
        _ => false,
    }
}

fn path_of(within: &ModulePath, m: &ModuleInstance) -> ModulePath {
    ModulePath(
        within
            .0
            .iter()
            .cloned()
            .chain(m.0.iter().map(|s| s.name.clone()))
            .collect(),
    )
}

/// A statement whose chain of moves leads back to where it started.
fn cycle(moves: &[super::Moved]) -> Option<&super::Moved> {
    moves.iter().find(|start| {
        let mut at = &start.to;
        for _ in 0..moves.len() {
            match moves.iter().find(|m| &m.from == at) {
                Some(next) if next.to == start.from => return true,
                Some(next) => at = &next.to,
                None => return false,
            }
        }
        false
    })
}
