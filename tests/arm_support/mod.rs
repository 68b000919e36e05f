//! The machinery of the ARM example tests (`tests/arm_fixtures*.rs`): for
//! a resource type, the body aksplan sends is checked against the official
//! ARM examples (every property it sends appears in an example of that
//! type, or in its spec), and an example response is read back into the
//! azurerm attributes it describes. The examples are Azure's own
//! (Azure/azure-rest-api-specs), in the shared reference material beside
//! this repository, `../shared/fixtures/arm/` (PROVIDER/API-VERSION/NAME.json);
//! they are not copied into it.
#![allow(dead_code)]

use aksplan::addrs::Mode;
use aksplan::lang::Value;
use aksplan::provider::arm::{ArmClient, ArmError, ArmRequest, ArmResponse, Method};
use aksplan::provider::azurerm::{plan_resource, Azurerm};
use aksplan::provider::catalog::Catalog;
use aksplan::provider::protocol::{ApplyRequest, Provider, ProviderConfig};
use aksplan::schema::SchemaSource;
use serde_json::{json, Value as Json};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Mutex;

pub const SUB: &str = "00000000-0000-0000-0000-000000000000";

/// Maps whose keys are the user's (tags, labels, settings), not properties.
const FREE_FORM: [&str; 6] = [
    "tags",
    "nodeLabels",
    "configurationSettings",
    "configurationProtectedSettings",
    "userAssignedIdentities",
    "autoScalerProfile",
];

pub fn fixture(path: &str) -> Json {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/arm");
    assert!(
        dir.is_dir(),
        "these tests read Azure's REST API examples from {}, which is absent: \
         check out the shared reference material beside this repository",
        dir.display()
    );
    let p = dir.join(path);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The request body of an example: its one object-valued parameter.
pub fn request_body(example: &Json) -> Json {
    example["parameters"]
        .as_object()
        .unwrap()
        .values()
        .find(|v| v.is_object())
        .cloned()
        .unwrap_or(Json::Null)
}

/// Every response body of an example.
pub fn response_bodies(example: &Json) -> Vec<Json> {
    example["responses"]
        .as_object()
        .map(|r| r.values().filter_map(|v| v.get("body").cloned()).collect())
        .unwrap_or_default()
}

/// The property paths of a document: `properties.agentPoolProfiles[].vmSize`.
pub fn paths(j: &Json, prefix: &str, out: &mut BTreeSet<String>) {
    match j {
        Json::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                if FREE_FORM.contains(&k.as_str()) {
                    out.insert(format!("{p}.*"));
                } else {
                    paths(v, &p, out);
                }
            }
        }
        Json::Array(items) if !items.is_empty() => items.iter().for_each(|i| paths(i, &format!("{prefix}[]"), out)),
        Json::Null => {}
        _ => {
            out.insert(prefix.to_string());
        }
    }
}

/// Answers as the examples do, and keeps what was sent.
pub struct Replay {
    pub created: Json,
    pub sent: Mutex<Vec<ArmRequest>>,
}

impl ArmClient for Replay {
    async fn send(&self, req: ArmRequest) -> Result<ArmResponse, ArmError> {
        let mut sent = self.sent.lock().unwrap();
        // Nothing exists until it is put: the check before a create finds nothing.
        let put_yet = sent.iter().any(|r| matches!(r.method, Method::Put | Method::Patch));
        sent.push(req.clone());
        if req.method == Method::Get && !put_yet {
            return Err(ArmError::not_found(&req.path));
        }
        let body = match req.method {
            Method::Post => json!({"kubeconfigs": []}),
            Method::Delete => Json::Null,
            _ => self.created.clone(),
        };
        Ok(ArmResponse { status: 200, body })
    }

    fn describe(&self) -> String {
        "replay".into()
    }

    fn subscription(&self) -> &str {
        SUB
    }

    fn tenant(&self) -> &str {
        "11111111-1111-1111-1111-111111111111"
    }
}

pub struct Case {
    pub type_name: &'static str,
    /// The azurerm arguments, as a configuration would give them.
    pub config: Json,
    /// The examples of this type: the first is the create whose response is replayed.
    pub examples: &'static [&'static str],
    /// The response read back: attribute, value.
    pub reads: &'static [(&'static str, &'static str)],
    /// Properties no example shows but the type's spec defines: path, where.
    pub spec: &'static [(&'static str, &'static str)],
}

pub fn check(case: &Case) {
    let catalog = Catalog::embedded();
    let schema = catalog.schema(Mode::Managed, case.type_name).unwrap();
    let examples: Vec<Json> = case.examples.iter().map(|e| fixture(e)).collect();
    // Every tracked resource has tags (ARM's common types).
    let mut allowed: BTreeSet<String> = ["tags.*".to_string()].into();
    allowed.extend(case.spec.iter().map(|(p, _)| p.to_string()));
    for ex in &examples {
        paths(&request_body(ex), "", &mut allowed);
        for body in response_bodies(ex) {
            paths(&body, "", &mut allowed);
        }
    }
    let created = examples[0]["responses"]
        .get("201")
        .or_else(|| examples[0]["responses"].get("200"))
        .and_then(|r| r.get("body"))
        .cloned()
        .unwrap();
    let planned = plan_resource(schema, None, &Value::from_json(&case.config), SUB).value;
    let provider = Azurerm::new(
        Replay {
            created,
            sent: Mutex::new(Vec::new()),
        },
        catalog.schemas("azurerm"),
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let answer = rt.block_on(provider.apply(ApplyRequest {
        schema,
        provider: &ProviderConfig::default(),
        prior: None,
        planned: Some(&planned),
        now: std::time::SystemTime::now(),
    }));
    assert!(!answer.diags.has_errors(), "{}: {:?}", case.type_name, answer.diags);

    let sent = provider.client.sent.lock().unwrap();
    let put = sent.iter().find(|r| r.method == Method::Put).unwrap();
    let version = &schema.arm.as_ref().unwrap().api_version;
    assert_eq!(&put.api_version, version);
    let mut sent_paths = BTreeSet::new();
    paths(put.body.as_ref().unwrap(), "", &mut sent_paths);
    let unknown: Vec<&String> = sent_paths
        .iter()
        .filter(|p| {
            !allowed
                .iter()
                .any(|a| a == *p || a.starts_with(&format!("{p}.")) || a.starts_with(&format!("{p}[]")))
        })
        .collect();
    assert!(
        unknown.is_empty(),
        "{}: aksplan sends properties no ARM example of the type has: {unknown:?}\nthe examples have: {allowed:#?}",
        case.type_name
    );

    let value = answer.value.unwrap();
    for (attr, want) in case.reads {
        let got = attr
            .split('.')
            .try_fold(&value, |v, k| match k.parse::<usize>() {
                Ok(i) => v.as_seq().and_then(|s| s.get(i)),
                Err(_) => v.get(k),
            })
            .map(|v| v.to_json());
        let want: Json = serde_json::from_str(want).unwrap_or_else(|_| Json::String(want.to_string()));
        assert_eq!(
            got,
            Some(want),
            "{}: {attr} read from the example response",
            case.type_name
        );
    }
}
