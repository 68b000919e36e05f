//! Reading Terraform's state into aksplan's, and writing it back.
//!
//! The fixtures are in tests/fixtures/tfstate: `terraform_data` is what
//! terraform 1.11.4 wrote (its make.sh); `aks` is modelled on azurerm 4.65
//! and the other providers (its make_state.py), beside the state aksplan
//! itself recorded for the same objects (`aksplan.expected.json`).

use super::*;
use crate::addrs::{Instance, InstanceKey, Mode};
use crate::lang::types::Type;
use crate::lang::Value;
use crate::provider::catalog::testing::catalog;
use crate::state::deposed::DeposedKey;
use serde_json::{json, Value as Json};

const TERRAFORM_DATA: &str = include_str!("../../../tests/fixtures/tfstate/terraform_data/terraform.tfstate.json");
const AKS: &str = include_str!("../../../tests/fixtures/tfstate/aks/terraform.tfstate.json");
const AKS_EXPECTED: &str = include_str!("../../../tests/fixtures/tfstate/aks/aksplan.expected.json");

fn addr(s: &str) -> Instance {
    s.parse().unwrap()
}

fn read_ok(text: &str) -> Imported {
    read(text.as_bytes(), catalog()).unwrap_or_else(|e| panic!("{e}"))
}

fn problems(text: &str) -> Vec<Problem> {
    read(text.as_bytes(), catalog()).unwrap_err().problems
}

/// A one-resource state around `instance`.
fn one(type_name: &str, provider: &str, instance: Json) -> String {
    json!({
        "version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "l",
        "outputs": {},
        "resources": [{"mode": "managed", "type": type_name, "name": "x",
            "provider": format!("provider[\"{provider}\"]"), "instances": [instance]}],
        "check_results": null
    })
    .to_string()
}

fn value_of(type_name: &str, provider: &str, instance: Json) -> Value {
    let imported = read_ok(&one(type_name, provider, instance));
    let key = Instance {
        module: Default::default(),
        resource: crate::addrs::Resource::managed(type_name, "x"),
        key: InstanceKey::None,
    };
    imported.state.resources[&key].value.clone()
}

#[test]
fn a_state_terraform_1_11_wrote_is_read_whole() {
    let imported = read_ok(TERRAFORM_DATA);
    let s = &imported.state;
    assert_eq!(
        (s.serial, s.lineage.as_str()),
        (21, "5e641e34-8d51-e8ae-47c0-51c8771e69f5")
    );
    assert_eq!(imported.terraform_version, "1.11.4");
    assert_eq!(s.resources.len(), 15);
    // Module instances by key and index, nested.
    for a in [
        "module.m[\"prod\"].terraform_data.x[1]",
        "module.m[\"prod\"].module.inner.terraform_data.leaf",
        "module.c[0].terraform_data.x[0]",
        "terraform_data.each[\"b\"]",
        "data.terraform_remote_state.other",
    ] {
        assert!(s.resources.contains_key(&addr(a)), "{a}");
    }
    assert_eq!(addr("data.terraform_remote_state.other").resource.mode, Mode::Data);
    // The failed create_before_destroy replacement: a tainted new object,
    // and the old one deposed under Terraform's key.
    let cbd = addr("terraform_data.cbd");
    assert!(s.resources[&cbd].tainted);
    let key = DeposedKey::parse("d23e8623").unwrap();
    let old = &s.deposed[&(cbd, key)];
    assert!(!old.tainted);
    assert_eq!(old.value.get("input"), Some(&Value::int(2)));
    assert!(s.resources[&addr("terraform_data.counted[1]")].tainted);
    assert!(!s.resources[&addr("terraform_data.counted[0]")].tainted);
    assert_eq!(
        s.resources[&addr("terraform_data.each[\"a\"]")].dependencies,
        vec!["terraform_data.plain".to_string()]
    );
    // A sensitive value inside an object is marked there, not around it.
    let input = s.resources[&addr("terraform_data.plain")].value.get("input").unwrap();
    assert!(matches!(input.get("s"), Some(Value::Sensitive(_))));
    assert_eq!(input.get("name"), Some(&Value::string("x")));
    assert_eq!(input.get("n"), Some(&Value::int(3)));
    // Outputs, typed, with their sensitivity.
    assert!(s.outputs["secret"].sensitive);
    assert!(matches!(s.outputs["secret"].value, Value::Sensitive(_)));
    assert_eq!(s.outputs["plain"].value, Value::string("x"));
    assert_eq!(
        s.outputs["obj"].value.ty(),
        Type::object([
            ("a".to_string(), Type::tuple(vec![Type::Number, Type::Number])),
            ("b".to_string(), Type::String)
        ])
    );
    assert!(imported.notes.is_empty(), "{:?}", imported.notes);
}

#[test]
fn written_back_it_is_what_terraform_wrote() {
    let original: Json = serde_json::from_str(TERRAFORM_DATA).unwrap();
    let state = read_ok(TERRAFORM_DATA).state;
    let written: Json = serde_json::from_slice(&write(&state, catalog(), "1.11.4").unwrap()).unwrap();
    // aksplan keeps no create_before_destroy or private data; the rest is Terraform's.
    let strip = |mut f: Json| {
        for r in f["resources"].as_array_mut().unwrap() {
            for i in r["instances"].as_array_mut().unwrap() {
                let i = i.as_object_mut().unwrap();
                i.remove("create_before_destroy");
                i.remove("private");
            }
        }
        f.as_object_mut().unwrap().remove(v4::WRITER_KEY);
        f
    };
    assert_eq!(strip(written), strip(original));
}

#[test]
fn reading_what_aksplan_wrote_changes_nothing() {
    for text in [TERRAFORM_DATA, AKS] {
        let state = read_ok(text).state;
        let written = write(&state, catalog(), "1.11.0").unwrap();
        assert!(String::from_utf8_lossy(&written).contains("\"aksplan_writer\""));
        assert_eq!(read(&written, catalog()).unwrap().state, state);
    }
}

#[test]
fn an_azurerm_estate_reads_as_aksplan_recorded_it() {
    // What aksplan recorded for the same objects, resource by resource and
    // attribute by attribute, so a difference names its place.
    let expected = crate::state::file::decode(serde_json::from_str(AKS_EXPECTED).unwrap()).unwrap();
    let imported = read_ok(AKS);
    let got = &imported.state;
    assert_eq!(got.resources.len(), expected.resources.len());
    assert_eq!(got.resources.len(), 28);
    for (a, want) in &expected.resources {
        let have = &got.resources.get(a).unwrap_or_else(|| panic!("{a} missing"));
        let (have_v, want_v) = (
            crate::provider::shape::conform(&catalog_schema(a).block, have.value.clone()),
            crate::provider::shape::conform(&catalog_schema(a).block, want.value.clone()),
        );
        for (k, w) in want_v.as_map().unwrap() {
            let h = have_v.get(k).unwrap();
            assert!(h.same_as(w), "{a}.{k}: read {h:?}, aksplan has {w:?}");
            assert_eq!(h.has_sensitive(), w.has_sensitive(), "{a}.{k}: sensitivity");
        }
        assert_eq!(have.dependencies, want.dependencies, "{a}");
    }
    for (name, o) in &expected.outputs {
        assert!(got.outputs[name].value.same_as(&o.value), "output {name}");
        assert_eq!(got.outputs[name].sensitive, o.sensitive, "output {name}");
    }
}

fn catalog_schema(a: &Instance) -> &'static crate::schema::Schema {
    crate::provider::catalog::testing::schema(a.resource.mode, &a.resource.type_name)
}

#[test]
fn azapi_bodies_are_values_whether_azapi_2_or_1_wrote_them() {
    let azapi = "registry.terraform.io/Azure/azapi";
    let body = json!({"properties": {"securityRules": [], "flowLogs": null}});
    // azapi 2.x: a dynamic value with its type.
    let v2 = value_of(
        "azapi_resource",
        azapi,
        json!({"schema_version": 2, "attributes": {
            "type": "Microsoft.Network/networkSecurityGroups@2023-09-01",
            "body": {"value": body, "type": ["object", {"properties": ["object", {"securityRules": ["tuple", []], "flowLogs": "dynamic"}]}]},
            "ignore_missing_property": true
        }}),
    );
    // azapi 1.x (schema version 1): a JSON string, parsed.
    let v1 = value_of(
        "azapi_resource",
        azapi,
        json!({"schema_version": 1, "attributes": {
            "type": "Microsoft.Network/networkSecurityGroups@2023-09-01",
            "body": body.to_string(),
            "ignore_missing_property": true
        }}),
    );
    assert_eq!(v2.get("body").unwrap().to_json(), body);
    assert_eq!(v1.get("body").unwrap().to_json(), body);
    assert!(v2.get("output").unwrap().is_null());
    assert_eq!(v2.get("ignore_missing_property"), Some(&Value::Bool(true)));
}

#[test]
fn random_time_and_tls_values_are_kept_as_their_providers_write_them() {
    // The plugin framework writes null for what is unset, as aksplan does:
    // nothing turns into null here that was not null.
    let v = value_of(
        "random_password",
        "registry.terraform.io/hashicorp/random",
        json!({"schema_version": 3, "attributes": {
            "bcrypt_hash": "$2a$10$x", "id": "none", "keepers": null, "length": 20, "lower": true,
            "min_lower": 0, "min_numeric": 0, "min_special": 0, "min_upper": 0, "number": true,
            "numeric": true, "override_special": "", "result": "s3cret", "special": false, "upper": true
        }, "sensitive_attributes": [[{"type": "get_attr", "value": "result"}]]}),
    );
    assert_eq!(v.get("min_lower"), Some(&Value::int(0)));
    assert_eq!(v.get("special"), Some(&Value::Bool(false)));
    assert_eq!(v.get("override_special"), Some(&Value::string("")));
    // Sensitive by the path Terraform wrote, and by the schema.
    assert!(matches!(v.get("result"), Some(Value::Sensitive(_))));
    assert!(matches!(v.get("bcrypt_hash"), Some(Value::Sensitive(_))));
    let v = value_of(
        "random_integer",
        "registry.terraform.io/hashicorp/random",
        json!({"schema_version": 0, "attributes": {"id": "56", "keepers": {"k": "v"}, "max": 100, "min": 1, "result": 56, "seed": null}}),
    );
    assert_eq!(v.get("result"), Some(&Value::int(56)));
    assert_eq!(v.get("keepers").unwrap().ty(), Type::map(Type::String));
    let v = value_of(
        "time_rotating",
        "registry.terraform.io/hashicorp/time",
        json!({"schema_version": 0, "attributes": {
            "day": 1, "hour": 22, "id": "2026-12-01T22:57:14Z", "minute": 57, "month": 12,
            "rfc3339": "2026-12-01T22:57:14Z", "rotation_days": null, "rotation_hours": null,
            "rotation_minutes": null, "rotation_months": null, "rotation_rfc3339": "2076-12-01T22:57:14Z",
            "rotation_years": 50, "second": 14, "triggers": null, "unix": 1796165834, "year": 2026
        }}),
    );
    assert_eq!(v.get("unix"), Some(&Value::int(1796165834)));
    assert!(v.get("rotation_days").unwrap().is_null());
    let v = value_of(
        "tls_self_signed_cert",
        "registry.terraform.io/hashicorp/tls",
        json!({"schema_version": 0, "attributes": {
            "allowed_uses": ["cert_signing"], "cert_pem": "-----BEGIN CERTIFICATE-----\n",
            "dns_names": null, "early_renewal_hours": 0, "id": "1234", "ip_addresses": null,
            "is_ca_certificate": false, "key_algorithm": "RSA", "private_key_pem": "-----BEGIN RSA PRIVATE KEY-----\n",
            "ready_for_renewal": false, "set_authority_key_id": false, "set_subject_key_id": false,
            "subject": [{"common_name": "example", "country": null, "locality": null, "organization": null,
                "organizational_unit": null, "postal_code": null, "province": null, "serial_number": null,
                "street_address": null}],
            "uris": null, "validity_end_time": "2126-11-07T22:57:14Z", "validity_period_hours": 876000,
            "validity_start_time": "2026-12-01T22:57:14Z"
        }, "sensitive_attributes": [[{"type": "get_attr", "value": "private_key_pem"}]]}),
    );
    assert_eq!(v.get("early_renewal_hours"), Some(&Value::int(0)));
    assert_eq!(v.get("is_ca_certificate"), Some(&Value::Bool(false)));
    let subject = &v.get("subject").unwrap().as_seq().unwrap()[0];
    assert_eq!(subject.get("common_name"), Some(&Value::string("example")));
    assert!(matches!(v.get("private_key_pem"), Some(Value::Sensitive(_))));
}

#[test]
fn azurerm_timeouts_and_ids_are_kept_and_private_data_left_out() {
    let v = value_of(
        "azurerm_resource_group",
        "registry.terraform.io/hashicorp/azurerm",
        json!({"schema_version": 0, "attributes": {
            "id": "/subscriptions/s/resourceGroups/rg", "location": "westeurope", "managed_by": "",
            "name": "rg", "tags": {}, "timeouts": {"create": "10m", "delete": null, "read": null, "update": null}
        }, "private": "eyJzY2hlbWFfdmVyc2lvbiI6IjAifQ=="}),
    );
    assert_eq!(v.get("id"), Some(&Value::string("/subscriptions/s/resourceGroups/rg")));
    assert!(v.get("managed_by").unwrap().is_null());
    assert!(v.get("tags").unwrap().is_null());
    assert_eq!(
        v.get("timeouts").and_then(|t| t.get("create")),
        Some(&Value::string("10m"))
    );
}

#[test]
fn attributes_of_a_newer_provider_are_left_out_and_said() {
    let imported = read_ok(&one(
        "azurerm_resource_group",
        "registry.terraform.io/hashicorp/azurerm",
        json!({"schema_version": 0, "attributes": {"id": "/x", "name": "rg", "location": "westeurope", "brand_new": 1}}),
    ));
    assert_eq!(
        imported.notes,
        vec!["azurerm_resource_group.x: left out brand_new, which aksplan's azurerm schema does not have".to_string()]
    );
}

#[test]
fn the_format_is_told_by_its_version_and_shape() {
    assert_eq!(
        detect(br#"{"version": 1, "serial": 1, "lineage": "l"}"#),
        Ok(Format::Aksplan)
    );
    assert_eq!(detect(br#"{"version": 1, "modules": []}"#), Ok(Format::Terraform(1)));
    assert_eq!(detect(br#"{"version": 4}"#), Ok(Format::Terraform(4)));
    assert!(matches!(detect(b"[]"), Err(Problem::Malformed { .. })));
    let (state, format) = decode_any(TERRAFORM_DATA.as_bytes(), catalog()).unwrap();
    assert_eq!((format, state.resources.len()), (Format::Terraform(4), 15));
    let ours = serde_json::to_vec(&crate::state::file::encode(&state)).unwrap();
    let (back, format) = decode_any(&ours, catalog()).unwrap();
    assert_eq!(format, Format::Aksplan);
    assert_eq!(
        serde_json::to_value(crate::state::file::encode(&back)).unwrap(),
        serde_json::to_value(crate::state::file::encode(&state)).unwrap()
    );
}

#[test]
fn other_format_versions_are_refused() {
    assert_eq!(
        problems(r#"{"version": 3, "terraform_version": "0.11.14", "serial": 1, "modules": []}"#),
        vec![Problem::UnsupportedVersion { version: 3 }]
    );
    let e = read(br#"{"version": 3, "modules": []}"#, catalog())
        .unwrap_err()
        .to_string();
    assert!(e.contains("version 3 is not supported: aksplan reads version 4"), "{e}");
    assert_eq!(
        problems(r#"{"version": 1, "serial": 1, "lineage": "l", "resources": []}"#),
        vec![Problem::AksplanFormat]
    );
}

#[test]
fn malformed_json_is_refused_at_its_place() {
    let text = "{\n  \"version\": 4,\n  \"resources\": [\n    {\"mode\": \"managed\",,}\n  ]\n}";
    match &problems(text)[..] {
        [Problem::Malformed { line, column, message }] => {
            assert_eq!((*line, *column, message.as_str()), (4, 24, "key must be a string"));
        }
        other => panic!("{other:?}"),
    }
    // A wrong type deep inside, at its line.
    let text = "{\"version\": 4,\n\"resources\": [{\"mode\": \"managed\", \"type\": \"t\", \"name\": \"n\",\n\"provider\": \"p\", \"instances\": [{\"schema_version\": \"two\"}]}]}";
    match &problems(text)[..] {
        [Problem::Malformed { line, message, .. }] => {
            assert_eq!(*line, 3);
            assert!(
                message.starts_with("invalid type: string \"two\", expected u64"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    let e = read(b"{\"version\": 4, \"serial\": ", catalog())
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("line 1, column 25: EOF while parsing a value"), "{e}");
}

#[test]
fn resources_of_providers_aksplan_does_not_implement_are_refused_by_name() {
    let text = json!({"version": 4, "serial": 1, "lineage": "l", "resources": [
        {"mode": "managed", "type": "kubernetes_namespace", "name": "apps",
         "provider": "provider[\"registry.terraform.io/hashicorp/kubernetes\"]", "instances": [{"attributes": {}}]},
        {"module": "module.k", "mode": "managed", "type": "kubernetes_secret", "name": "s",
         "provider": "provider[\"registry.terraform.io/hashicorp/kubernetes\"]", "instances": [{"attributes": {}}]},
        {"mode": "managed", "type": "random_pet", "name": "p",
         "provider": "provider[\"registry.terraform.io/hashicorp/random\"]", "instances": [{"attributes": {"id": "a-b"}}]}
    ]})
    .to_string();
    let p = problems(&text);
    assert_eq!(
        p,
        vec![Problem::UnknownProvider {
            provider: "registry.terraform.io/hashicorp/kubernetes".into(),
            addresses: vec![
                "kubernetes_namespace.apps".into(),
                "module.k.kubernetes_secret.s".into()
            ],
        }]
    );
    assert!(p[0].to_string().contains("terraform state rm"), "{}", p[0]);
}

#[test]
fn metadata_terraform_would_refuse_is_refused_at_its_address() {
    let rg = "registry.terraform.io/hashicorp/azurerm";
    let cases: Vec<(Json, &str)> = vec![
        (
            json!({"index_key": 1.5, "attributes": {}}),
            "azurerm_resource_group.x: invalid instance key 1.5",
        ),
        (
            json!({"index_key": -1, "attributes": {}}),
            "azurerm_resource_group.x: invalid instance key -1",
        ),
        (
            json!({"index_key": [1], "attributes": {}}),
            "azurerm_resource_group.x: invalid instance key [1]",
        ),
        (
            json!({"status": "broken", "attributes": {}}),
            "azurerm_resource_group.x: invalid status \"broken\"",
        ),
        (
            json!({"deposed": "OLD", "attributes": {}}),
            "azurerm_resource_group.x: invalid deposed key \"OLD\"",
        ),
        (
            json!({"attributes": "x"}),
            "azurerm_resource_group.x: attributes must be an object, not a string",
        ),
        (
            json!({"attributes": {"tags": {"a": 1}}, "sensitive_attributes": {"a": 1}}),
            "sensitive_attributes must be a list of paths",
        ),
        (json!({"attributes_flat": {"id": "x"}}), "Terraform 0.11's flat form"),
        (
            json!({"schema_version": 7, "attributes": {}}),
            "schema version 7 of azurerm_resource_group is newer",
        ),
    ];
    for (instance, says) in cases {
        let e = read(
            one("azurerm_resource_group", rg, instance.clone()).as_bytes(),
            catalog(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains(says), "{instance}: {e}");
    }
}

#[test]
fn an_object_twice_is_refused() {
    let text = json!({"version": 4, "serial": 1, "lineage": "l", "resources": [
        {"mode": "managed", "type": "random_pet", "name": "p",
         "provider": "provider[\"registry.terraform.io/hashicorp/random\"]",
         "instances": [{"attributes": {"id": "a"}}, {"attributes": {"id": "b"}},
                       {"deposed": "0000000a", "attributes": {"id": "c"}}, {"deposed": "0000000a", "attributes": {"id": "d"}}]}
    ]})
    .to_string();
    let e = read(text.as_bytes(), catalog()).unwrap_err();
    assert_eq!(e.problems.len(), 2);
    assert_eq!(
        e.problems[0].to_string(),
        "random_pet.p: the state has this object more than once"
    );
}

#[test]
fn addresses_types_and_providers_are_checked() {
    let base = |r: Json| json!({"version": 4, "serial": 1, "lineage": "l", "resources": [r]}).to_string();
    let cases = vec![
        (
            json!({"mode": "weird", "type": "random_pet", "name": "p", "provider": "provider[\"hashicorp/random\"]"}),
            "random_pet.p: invalid resource mode \"weird\"",
        ),
        (
            json!({"module": "module.", "mode": "managed", "type": "random_pet", "name": "p", "provider": "provider[\"hashicorp/random\"]"}),
            "invalid module address \"module.\"",
        ),
        (
            json!({"mode": "managed", "type": "random_pet", "name": "p", "provider": "random"}),
            "random_pet.p: invalid provider address \"random\"",
        ),
        (
            json!({"mode": "managed", "type": "azurerm_not_a_thing", "name": "p", "provider": "provider[\"registry.terraform.io/hashicorp/azurerm\"]"}),
            "azurerm_not_a_thing.p: registry.terraform.io/hashicorp/azurerm has no resource type azurerm_not_a_thing",
        ),
        (
            json!({"mode": "managed", "type": "random_pet", "name": "p", "provider": "provider[\"registry.terraform.io/hashicorp/azurerm\"]"}),
            "random_pet.p: its provider is registry.terraform.io/hashicorp/azurerm",
        ),
    ];
    for (r, says) in cases {
        let e = read(base(r.clone()).as_bytes(), catalog()).unwrap_err().to_string();
        assert!(e.contains(says), "{r}: {e}");
    }
}

#[test]
fn outputs_are_typed_and_bad_types_refused() {
    let text = json!({"version": 4, "serial": 1, "lineage": "l", "outputs": {
        "ids": {"value": ["a", "b"], "type": ["list", "string"]},
        "bad": {"value": 1, "type": "integer"}
    }})
    .to_string();
    let e = read(text.as_bytes(), catalog()).unwrap_err();
    assert_eq!(e.to_string(), "output \"bad\": invalid type: unknown type \"integer\"");
    let text = json!({"version": 4, "serial": 1, "lineage": "l", "outputs": {
        "ids": {"value": ["a", "b"], "type": ["list", "string"]},
        "secret": {"value": {"k": "v"}, "type": ["map", "string"], "sensitive": true}
    }})
    .to_string();
    let s = read_ok(&text).state;
    assert_eq!(s.outputs["ids"].value.ty(), Type::list(Type::String));
    assert_eq!(s.outputs["secret"].value.ty(), Type::map(Type::String));
    assert!(s.outputs["secret"].sensitive && !s.outputs["ids"].sensitive);
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = json!({"version": 4, "serial": 1, "lineage": "l", "resources": [
        {"mode": "managed", "type": "random_pet", "name": "a", "provider": "provider[\"hashicorp/random\"]",
         "instances": [{"status": "x", "attributes": {}}]},
        {"mode": "managed", "type": "helm_release", "name": "b", "provider": "provider[\"hashicorp/helm\"]",
         "instances": [{"attributes": {}}]}
    ], "outputs": {"o": {"value": 1, "type": "nope"}}})
    .to_string();
    assert_eq!(problems(&text).len(), 3);
}

#[test]
fn sets_are_sets_in_aksplan_s_order_whatever_order_the_file_has() {
    let azurerm = "registry.terraform.io/hashicorp/azurerm";
    let v = value_of(
        "azurerm_kubernetes_cluster",
        azurerm,
        json!({"schema_version": 2, "attributes": {
            "name": "aks", "identity": [{"type": "UserAssigned", "identity_ids": ["/ids/b", "/ids/a"],
                "principal_id": "", "tenant_id": ""}]
        }}),
    );
    let identity = &v.get("identity").unwrap().as_seq().unwrap()[0];
    let ids = identity.get("identity_ids").unwrap();
    assert_eq!(
        ids,
        &Value::set_of(Type::String, vec![Value::string("/ids/a"), Value::string("/ids/b")])
    );
    // A set of objects, an attribute (not blocks).
    let rule = |name: &str, priority: i64| {
        json!({"name": name, "priority": priority, "access": "Allow", "direction": "Inbound", "protocol": "Tcp",
               "description": "", "source_port_range": "*", "destination_port_range": "443",
               "source_address_prefix": "*", "destination_address_prefix": "*"})
    };
    let v = value_of(
        "azurerm_network_security_group",
        azurerm,
        json!({"schema_version": 0, "attributes": {"name": "nsg", "security_rule": [rule("b", 200), rule("a", 100)]}}),
    );
    let rules = v.get("security_rule").unwrap();
    assert!(matches!(rules, Value::Set(..)), "{rules:?}");
    let swapped = value_of(
        "azurerm_network_security_group",
        azurerm,
        json!({"schema_version": 0, "attributes": {"name": "nsg", "security_rule": [rule("a", 100), rule("b", 200)]}}),
    );
    assert_eq!(rules, swapped.get("security_rule").unwrap());
}

/// The schema versions aksplan's providers record, which Terraform's state
/// holds as each instance's `schema_version`: the same as the providers'
/// (azurerm 4.65, azapi 2.5, random 3.7, tls 4.1, time 0.13) for every type
/// an AKS estate uses, so no instance of theirs needs an upgrade.
#[test]
fn schema_versions_are_the_providers() {
    let versions = [
        ("azurerm_resource_group", 0),
        ("azurerm_virtual_network", 0),
        ("azurerm_subnet", 0),
        ("azurerm_user_assigned_identity", 1),
        ("azurerm_kubernetes_cluster", 2),
        ("azurerm_kubernetes_cluster_node_pool", 1),
        ("azurerm_role_assignment", 0),
        ("azurerm_log_analytics_workspace", 3),
        ("azurerm_storage_account", 4),
        ("azurerm_key_vault", 2),
        ("azapi_resource", 2),
        ("azapi_update_resource", 2),
        ("random_string", 2),
        ("random_password", 3),
        ("random_id", 0),
        ("random_pet", 0),
        ("random_integer", 0),
        ("time_sleep", 0),
        ("time_static", 0),
        ("time_offset", 0),
        ("time_rotating", 0),
        ("tls_private_key", 1),
        ("tls_self_signed_cert", 0),
        ("terraform_data", 0),
    ];
    for (type_name, version) in versions {
        assert_eq!(
            crate::provider::catalog::testing::schema(Mode::Managed, type_name).version,
            version,
            "{type_name}"
        );
    }
}
