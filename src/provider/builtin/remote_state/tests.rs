use super::*;
use crate::state::OutputState;
use serde_json::json;
use std::sync::Mutex;

/// What a reader was asked: backend type, settings, workspace.
type Asked = (String, Map<String, Json>, String);

/// A reader answering from memory, recording what it was asked.
#[derive(Default)]
struct Memory {
    answer: Option<Result<Option<State>, ReadError>>,
    asked: Mutex<Vec<Asked>>,
}

impl StateReader for Memory {
    fn read(&self, kind: &str, settings: &Map<String, Json>, workspace: &str) -> Result<Option<State>, ReadError> {
        self.asked
            .lock()
            .unwrap()
            .push((kind.into(), settings.clone(), workspace.into()));
        self.answer.clone().expect("not asked for")
    }
}

fn holding(outputs: &[(&str, Value, bool)]) -> Memory {
    let mut s = State::new();
    s.serial = 3;
    s.lineage = "l".into();
    for (name, value, sensitive) in outputs {
        s.outputs.insert(
            name.to_string(),
            OutputState {
                value: value.clone(),
                sensitive: *sensitive,
            },
        );
    }
    Memory {
        answer: Some(Ok(Some(s))),
        ..Memory::default()
    }
}

/// The data source's configuration value: every attribute, unset ones null.
fn config(j: Json) -> Value {
    let mut v = json!({"backend": null, "config": null, "defaults": null, "workspace": null, "outputs": null});
    for (k, x) in j.as_object().unwrap() {
        v[k] = x.clone();
    }
    Value::from_json(&v)
}

fn errors(d: &Diagnostics) -> Vec<(String, Option<String>)> {
    d.iter().map(|d| (d.summary.clone(), d.attribute.clone())).collect()
}

#[test]
fn outputs_are_the_states_over_the_defaults_and_the_arguments_stay() {
    let reader = holding(&[
        ("name", Value::string("hello"), false),
        ("gone", Value::null(), false),
        ("secret", Value::string("s3cr3t").mark(), true),
    ]);
    let cfg = config(json!({
        "backend": "local",
        "config": {"path": "../prod/terraform.tfstate"},
        "defaults": {"name": "dflt", "extra": "x"},
    }));
    let v = read(&cfg, &reader).unwrap();
    let outputs = v.get("outputs").unwrap();
    assert_eq!(outputs.get("name"), Some(&Value::string("hello")));
    assert_eq!(outputs.get("extra"), Some(&Value::string("x")));
    // A null output is no output, as Terraform keeps none in state.
    assert_eq!(outputs.get("gone"), None);
    assert_eq!(outputs.get("secret"), Some(&Value::string("s3cr3t").mark()));
    assert_eq!(v.get("workspace"), Some(&Value::null()));
    assert_eq!(v.get("backend"), Some(&Value::string("local")));
    let asked = reader.asked.lock().unwrap();
    assert_eq!(
        asked[0],
        (
            "local".to_string(),
            json!({"path": "../prod/terraform.tfstate"})
                .as_object()
                .unwrap()
                .clone(),
            "default".to_string()
        )
    );
}

#[test]
fn the_workspace_and_the_old_local_name_reach_the_reader() {
    let reader = holding(&[]);
    let cfg = config(json!({"backend": "_local", "workspace": "dev"}));
    let v = read(&cfg, &reader).unwrap();
    assert_eq!(v.get("outputs"), Some(&Value::Object(Default::default())));
    let asked = reader.asked.lock().unwrap();
    assert_eq!((asked[0].0.as_str(), asked[0].2.as_str()), ("local", "dev"));
    assert!(asked[0].1.is_empty(), "no config is an empty one");
}

#[test]
fn sensitive_defaults_stay_sensitive() {
    let reader = holding(&[]);
    let mut cfg = config(json!({"backend": "local"}));
    let defaults = Value::from_json(&json!({"k": "v"})).mark();
    cfg.as_map_mut().unwrap().insert("defaults".into(), defaults);
    let v = read(&cfg, &reader).unwrap();
    assert_eq!(v.get("outputs").unwrap().get("k"), Some(&Value::string("v").mark()));
}

#[test]
fn no_stored_state_is_an_error_at_the_workspace() {
    let reader = Memory {
        answer: Some(Ok(None)),
        ..Memory::default()
    };
    let cfg = config(json!({"backend": "local", "defaults": {"a": 1}}));
    let d = read(&cfg, &reader).unwrap_err();
    assert_eq!(
        errors(&d),
        vec![("Unable to find remote state".to_string(), Some("workspace".to_string()))]
    );
}

#[test]
fn the_readers_refusals_are_placed_at_config_and_backend() {
    for (answer, summary, at) in [
        (
            ReadError::Config("the local backend has no argument \"bucket\"".into()),
            "Invalid backend configuration",
            "config",
        ),
        (
            ReadError::Load("cannot read x: denied".into()),
            "Cannot read the remote state",
            "backend",
        ),
    ] {
        let reader = Memory {
            answer: Some(Err(answer)),
            ..Memory::default()
        };
        let d = read(&config(json!({"backend": "azurerm"})), &reader).unwrap_err();
        assert_eq!(errors(&d), vec![(summary.to_string(), Some(at.to_string()))]);
    }
}

#[test]
fn validation_checks_the_backend_type_and_the_shapes() {
    let cases = [
        (json!({"backend": "nosuch"}), "Invalid backend configuration", "backend"),
        (
            json!({"backend": "s3", "config": {"bucket": "b"}}),
            "Unsupported backend type",
            "backend",
        ),
        (
            json!({"backend": "local", "config": "x"}),
            "Invalid backend configuration",
            "config",
        ),
        (
            json!({"backend": "local", "config": {"path": "a", "foo": 1}}),
            "Invalid backend configuration",
            "config",
        ),
        (
            json!({"backend": "local", "defaults": "x"}),
            "Invalid default values",
            "defaults",
        ),
    ];
    for (cfg, summary, at) in cases {
        let d = validate(&config(cfg.clone()));
        assert_eq!(errors(&d), vec![(summary.to_string(), Some(at.to_string()))], "{cfg}");
    }
    let detail = validate(&config(json!({"backend": "nosuch"})));
    assert_eq!(
        detail.iter().next().unwrap().detail,
        "There is no backend type named \"nosuch\"."
    );
    let ok = [
        json!({"backend": "local", "config": {"path": "p", "workspace_dir": "w"}, "defaults": {"a": 1}}),
        json!({"backend": "azurerm", "config": {"key": "k", "anything": "else"}}),
        json!({"backend": "_local"}),
    ];
    for cfg in ok {
        assert!(validate(&config(cfg.clone())).is_empty(), "{cfg}");
    }
    // Unknown arguments are not judged yet.
    let mut unknown = config(json!({"config": {"path": "p"}}));
    unknown.as_map_mut().unwrap().insert("backend".into(), Value::unknown());
    assert!(validate(&unknown).is_empty());
}

#[test]
fn a_workspace_name_that_could_leave_the_directory_is_refused() {
    let reader = holding(&[]);
    let d = read(&config(json!({"backend": "local", "workspace": "../x"})), &reader).unwrap_err();
    assert_eq!(
        errors(&d),
        vec![("Invalid workspace name".to_string(), Some("workspace".to_string()))]
    );
    assert!(reader.asked.lock().unwrap().is_empty());
}
