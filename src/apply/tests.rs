//! The executor with a provider that can be told to fail: what state and
//! the journal hold after a create_before_destroy replacement goes wrong.

use super::*;
use crate::plan::engine::PlanOptions;
use crate::plan::run;
use crate::provider::protocol::{PlanResponse, Provider, ReadRequest, ReadResponse};
use crate::schema::{ProviderSchemas, Schema, SchemaSource, Schemas};
use crate::state::store::StateStore;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};

const SCHEMA: &str = r#"{"format_version":"1.0","provider_schemas":{"example.com/test/flaky":{
"provider":{"version":0,"block":{"attributes":{}}},
"resource_schemas":{"flaky_thing":{"version":0,"block":{"attributes":{"id":{"type":"string","computed":true},"name":{"type":"string","required":true}}}}},
"data_source_schemas":{}}}}"#;

const MAIN: &str = r#"
resource "flaky_thing" "a" {
  name = "a"
  lifecycle {
    create_before_destroy = true
  }
}
"#;

/// Gives each created object a fresh id (`/things/1`, `/things/2`, ...),
/// and fails what it is told to.
struct Flaky {
    schemas: ProviderSchemas,
    created: AtomicUsize,
    /// Creates fail; `Some(true)`: leaving the object behind.
    fail_create: Mutex<Option<bool>>,
    fail_delete: AtomicBool,
}

impl Flaky {
    fn new() -> Flaky {
        Flaky {
            schemas: ProviderSchemas::new("example.com/test/flaky", SCHEMA, &[]),
            created: AtomicUsize::new(0),
            fail_create: Mutex::new(None),
            fail_delete: AtomicBool::new(false),
        }
    }
}

#[async_trait::async_trait]
impl Provider for Flaky {
    fn name(&self) -> &'static str {
        "flaky"
    }

    fn schemas(&self) -> &ProviderSchemas {
        &self.schemas
    }

    fn plan(&self, req: PlanRequest<'_>) -> PlanResponse {
        let (planned, replace_paths) =
            crate::provider::planning::plan(&req.schema.block, req.prior, req.config, |_, _| ());
        PlanResponse {
            planned,
            replace_paths,
            diags: Default::default(),
        }
    }

    async fn apply(&self, req: ApplyRequest<'_>) -> crate::provider::protocol::ApplyResponse {
        let refused = || Diagnostics::from(Diagnostic::error("refused"));
        let value = match (req.prior, req.planned) {
            (_, None) if self.fail_delete.load(Ordering::SeqCst) => {
                return crate::provider::protocol::ApplyResponse {
                    value: req.prior.cloned(),
                    diags: refused(),
                }
            }
            (_, None) => None,
            (Some(_), Some(planned)) => Some(planned.clone()),
            (None, Some(planned)) => {
                let n = self.created.fetch_add(1, Ordering::SeqCst) + 1;
                let mut v = planned.clone();
                if let Some(m) = v.as_map_mut() {
                    m.insert("id".into(), Value::string(format!("/things/{n}")));
                }
                if let Some(leave) = *self.fail_create.lock().unwrap() {
                    return crate::provider::protocol::ApplyResponse {
                        value: leave.then_some(v),
                        diags: refused(),
                    };
                }
                Some(v)
            }
        };
        crate::provider::protocol::ApplyResponse {
            value,
            diags: Default::default(),
        }
    }

    async fn read(&self, req: ReadRequest<'_>) -> ReadResponse {
        ReadResponse::found(req.prior.clone())
    }
}

struct Only(Arc<Flaky>);

impl SchemaSource for Only {
    fn schema(&self, mode: Mode, type_name: &str) -> Option<&Schema> {
        self.0.schemas().get(mode, type_name)
    }
    fn type_names(&self, mode: Mode, _: &str) -> Vec<&str> {
        self.0.schemas().names(mode)
    }
    fn providers(&self) -> Vec<&str> {
        vec!["flaky"]
    }
}

struct Harness {
    flaky: Arc<Flaky>,
    config: Config,
    providers: Providers,
    rt: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
}

impl Harness {
    fn new() -> Harness {
        let flaky = Arc::new(Flaky::new());
        let (config, d) = crate::config::load::from_files(
            std::path::Path::new("."),
            vec![("main.tf".into(), Ok(MAIN.as_bytes().to_vec()))],
            &Schemas::new(Only(flaky.clone())),
        );
        assert!(!d.has_errors(), "{d:?}");
        let providers = Providers::new(vec![flaky.clone() as Arc<dyn Provider>], "flaky");
        Harness {
            flaky,
            config,
            providers,
            rt: tokio::runtime::Builder::new_current_thread().build().unwrap(),
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn store(&self) -> StateStore {
        StateStore::in_dir(self.dir.path())
    }

    /// Plans against the stored state (replacing `a` when asked), applies,
    /// and returns the plan and the result, leaving the journal unfolded.
    fn run(&self, replace: bool) -> (Plan, ApplyResult) {
        let state = self.store().load().unwrap();
        let reach = run::Reach {
            providers: &self.providers,
            runtime: self.rt.handle(),
            parallelism: 1,
        };
        let inputs = run::Inputs {
            config: &self.config,
            variables: Default::default(),
            inferred: &[],
        };
        let opts = PlanOptions {
            refresh: true,
            replace: if replace { vec![a()] } else { vec![] },
            ..Default::default()
        };
        let (plan, evaluated, diags) = run::plan(inputs, state, &reach, &opts);
        assert!(!diags.has_errors(), "{diags:?}");
        let mut journal = self.store().journal(&plan.prior_state).unwrap();
        let cancel = AtomicBool::new(false);
        let result = self.rt.block_on(apply(
            &self.config,
            &evaluated.objects,
            &plan,
            &self.providers,
            plan.prior_state.clone(),
            &mut journal,
            Options {
                parallelism: 1,
                cancel: &cancel,
                now: SystemTime::now(),
            },
        ));
        (plan, result)
    }

    /// The journal's entries, by kind (`depose`, `set`, ...).
    fn journal_kinds(&self) -> Vec<String> {
        std::fs::read_to_string(self.store().journal_path())
            .unwrap()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v.as_object().unwrap().keys().next().unwrap().clone()
            })
            .collect()
    }

    /// Folds the result in, as the command line does after an apply.
    fn save(&self, mut state: State) {
        self.store().write(&mut state).unwrap();
    }
}

fn a() -> Instance {
    crate::addrs::Resource::managed("flaky_thing", "a").instance(InstanceKey::None)
}

fn id(r: &ResourceState) -> &str {
    r.id().unwrap_or("")
}

/// The current object's id, and each deposed object's key and id.
fn objects(s: &State) -> (Option<String>, Vec<(DeposedKey, String)>) {
    (
        s.resources.get(&a()).map(|r| id(r).to_string()),
        s.deposed_of(&a())
            .map(|(k, r)| (k.clone(), id(r).to_string()))
            .collect(),
    )
}

fn created_once() -> Harness {
    let h = Harness::new();
    let (_, r) = h.run(false);
    assert!(r.diags.is_empty(), "{:?}", r.diags);
    assert_eq!(objects(&r.state), (Some("/things/1".into()), vec![]));
    h.save(r.state);
    h
}

#[test]
fn a_failed_delete_of_the_old_object_keeps_it_deposed_until_the_next_apply_destroys_it() {
    let h = created_once();
    h.flaky.fail_delete.store(true, Ordering::SeqCst);
    let (plan, r) = h.run(true);
    assert_eq!(plan.changes[0].action, Action::CreateThenDelete);
    let (current, deposed) = objects(&r.state);
    assert_eq!(current.as_deref(), Some("/things/2"));
    let [(key, old)] = &deposed[..] else {
        panic!("one deposed object: {deposed:?}")
    };
    assert_eq!(old, "/things/1");
    let old_object = ObjectAddr::deposed(a(), key.clone());
    assert_eq!(r.outcomes[&ObjectAddr::current(a())], Outcome::Created);
    assert_eq!(r.outcomes[&old_object], Outcome::Failed);
    let d = r.diags.iter().next().unwrap();
    assert_eq!(d.summary, format!("{old_object}: refused"));
    assert!(
        d.help.as_deref().unwrap_or("").contains("the next plan destroys it"),
        "{d:?}"
    );
    // The old object was deposed, durably, before the new one was created;
    // the journal alone gives the state back.
    assert_eq!(h.journal_kinds(), vec!["base", "depose", "set"]);
    assert_eq!(objects(&h.store().load().unwrap()), objects(&r.state));
    h.save(r.state);

    // The next plan destroys it; the apply removes it from state.
    h.flaky.fail_delete.store(false, Ordering::SeqCst);
    let (plan, r) = h.run(false);
    let actions: Vec<_> = plan.changes.iter().map(|c| (c.action, c.deposed.clone())).collect();
    assert_eq!(actions, vec![(Action::NoOp, None), (Action::Delete, Some(key.clone()))]);
    assert_eq!(plan.counts().destroy, 1);
    assert!(r.diags.is_empty(), "{:?}", r.diags);
    assert_eq!(r.outcomes[&old_object], Outcome::Deleted);
    assert_eq!(objects(&r.state), (Some("/things/2".into()), vec![]));
    assert_eq!(h.journal_kinds(), vec!["base", "remove"]);
    assert_eq!(objects(&h.store().load().unwrap()), objects(&r.state));
}

#[test]
fn a_replacement_whose_delete_succeeds_leaves_no_deposed_object() {
    let h = created_once();
    let (_, r) = h.run(true);
    assert!(r.diags.is_empty(), "{:?}", r.diags);
    assert_eq!(r.outcomes[&ObjectAddr::current(a())], Outcome::Replaced);
    assert_eq!(objects(&r.state), (Some("/things/2".into()), vec![]));
    assert_eq!(h.journal_kinds(), vec!["base", "depose", "set", "remove"]);
    assert_eq!(objects(&h.store().load().unwrap()), objects(&r.state));
}

#[test]
fn a_failed_create_that_left_nothing_makes_the_old_object_current_again() {
    let h = created_once();
    *h.flaky.fail_create.lock().unwrap() = Some(false);
    let (_, r) = h.run(true);
    assert_eq!(r.outcomes[&ObjectAddr::current(a())], Outcome::Failed);
    assert_eq!(objects(&r.state), (Some("/things/1".into()), vec![]));
    assert!(!r.state.resources[&a()].tainted);
    assert_eq!(h.journal_kinds(), vec!["base", "depose", "restore"]);
    assert_eq!(objects(&h.store().load().unwrap()), objects(&r.state));
}

#[test]
fn a_failed_create_that_left_an_object_keeps_it_tainted_and_the_old_one_deposed() {
    let h = created_once();
    *h.flaky.fail_create.lock().unwrap() = Some(true);
    let (_, r) = h.run(true);
    let (current, deposed) = objects(&r.state);
    assert_eq!(current.as_deref(), Some("/things/2"));
    assert!(r.state.resources[&a()].tainted);
    assert_eq!(
        deposed.iter().map(|(_, id)| id.as_str()).collect::<Vec<_>>(),
        vec!["/things/1"]
    );
    assert_eq!(objects(&h.store().load().unwrap()), objects(&r.state));
}

#[test]
fn marks_inside_an_attribute_stay_where_they_were_planned() {
    use crate::lang::value::Map;
    let object = |token: Value| {
        Value::Object(Map::from([
            ("release".to_string(), Value::string("v2")),
            ("token".to_string(), token),
        ]))
    };
    let planned = Value::Object(Map::from([("input".to_string(), object(Value::string("t").mark()))]));
    // What the provider answered, without marks: as planned, so the mark stays on the token.
    let answered = Value::Object(Map::from([("input".to_string(), object(Value::string("t")))]));
    let kept = keep_marks(answered, &planned);
    let input = kept.get("input").unwrap();
    assert!(!matches!(input, Value::Sensitive(_)));
    assert!(matches!(input.get("token"), Some(Value::Sensitive(_))));
    // Changed by the cloud: the whole attribute is hidden, as before.
    let answered = Value::Object(Map::from([("input".to_string(), object(Value::string("other")))]));
    assert!(matches!(
        keep_marks(answered, &planned).get("input"),
        Some(Value::Sensitive(_))
    ));
}
