//! The generic mapping between azurerm attribute values and ARM JSON, driven
//! by the `arm` annotations of each schema file. Type-specific exceptions are
//! in `types.rs`; this file knows no resource type.

use crate::lang::value::Map;
use crate::lang::Value;
use crate::schema::{ArmShape, ArmStep, BlockSchema, NestingMode, Schema};
use serde_json::{json, Value as Json};

/// Sets `value` at `path` in `doc`, creating objects and arrays on the way.
pub fn set_path(doc: &mut Json, path: &[ArmStep], value: Json) {
    let Some((first, rest)) = path.split_first() else {
        *doc = value;
        return;
    };
    match first {
        ArmStep::Key(k) => {
            if !doc.is_object() {
                *doc = json!({});
            }
            let child = doc
                .as_object_mut()
                .expect("object")
                .entry(k.clone())
                .or_insert(Json::Null);
            set_path(child, rest, value);
        }
        ArmStep::Index(i) => {
            if !doc.is_array() {
                *doc = json!([]);
            }
            let arr = doc.as_array_mut().expect("array");
            while arr.len() <= *i {
                arr.push(Json::Null);
            }
            set_path(&mut arr[*i], rest, value);
        }
    }
}

/// The JSON at `path`, if any.
pub fn get_path<'j>(doc: &'j Json, path: &[ArmStep]) -> Option<&'j Json> {
    path.iter()
        .try_fold(doc, |d, step| match step {
            ArmStep::Key(k) => d.get(k),
            ArmStep::Index(i) => d.get(i),
        })
        .filter(|v| !v.is_null())
}

/// The ARM body for an object of this block schema. Null and unknown values
/// are left out: Azure fills in what it computes.
pub fn to_arm(block: &BlockSchema, value: &Value) -> Json {
    let mut doc = json!({});
    write_block(block, value, &mut doc);
    doc
}

fn write_block(block: &BlockSchema, value: &Value, doc: &mut Json) {
    for (name, attr) in &block.attributes {
        let Some(path) = &attr.arm else { continue };
        let Some(v) = value.get(name) else { continue };
        let (v, _) = v.clone().unmark_deep();
        if v.is_null() || !v.is_wholly_known() {
            continue;
        }
        let j = match attr.arm_shape {
            ArmShape::Value => v.to_json(),
            ArmShape::EnabledDisabled => json!(if v.as_bool() == Some(true) {
                "Enabled"
            } else {
                "Disabled"
            }),
            ArmShape::Not => json!(v.as_bool().map(|b| !b)),
            ArmShape::Keys => Json::Object(
                v.as_seq()
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|k| k.as_str().map(|k| (k.to_string(), json!({}))))
                    .collect(),
            ),
        };
        set_path(doc, &path.0, j);
    }
    for (name, nested) in &block.block_types {
        let Some(path) = &nested.arm else { continue };
        let Some(items) = value.get(name).and_then(Value::as_seq) else {
            continue;
        };
        let objects: Vec<Json> = items
            .iter()
            .map(|item| {
                let mut o = json!({});
                for (k, v) in &nested.arm_const {
                    o[k] = v.clone();
                }
                write_block(&nested.block, item, &mut o);
                o
            })
            .collect();
        let single = nested.max_items == Some(1) || matches!(path.0.last(), Some(ArmStep::Index(_)));
        if single {
            if let Some(o) = objects.into_iter().next() {
                merge_into(doc, &path.0, o);
            }
        } else if !objects.is_empty() {
            set_path(doc, &path.0, Json::Array(objects));
        }
    }
}

/// Every argument a type's mapping neither sends nor exempts with a reason
/// (`unmapped`): what a curated overlay still lacks. Arguments of a block
/// that is itself unmapped are not listed; `timeouts` are Terraform's own.
pub fn gaps(schema: &Schema) -> Vec<String> {
    let in_id: Vec<String> = schema.arm.as_ref().map(|a| id_placeholders(&a.id)).unwrap_or_default();
    let mut out = Vec::new();
    gaps_in(&schema.block, "", &in_id, &mut out);
    out
}

fn gaps_in(block: &BlockSchema, path: &str, in_id: &[String], out: &mut Vec<String>) {
    for (name, attr) in &block.attributes {
        let handled = attr.arm.is_some()
            || attr.by_code
            || attr.unmapped.is_some()
            || (path.is_empty() && in_id.contains(name))
            || name == "id";
        if attr.is_settable() && !handled {
            out.push(format!("{path}{name}"));
        }
    }
    for (name, nested) in &block.block_types {
        if name == "timeouts" || nested.unmapped.is_some() || nested.by_code {
            continue;
        }
        if nested.arm.is_none() {
            out.push(format!("{path}{name}"));
            continue;
        }
        gaps_in(&nested.block, &format!("{path}{name}."), in_id, out);
    }
}

/// The arguments a configuration sets that the mapping does not send to
/// Azure: no ARM path, not part of the id, not handled by the type's code,
/// in a block that is itself mapped. `timeouts` are Terraform's own.
pub fn unsent(schema: &Schema, config: &Value) -> Vec<String> {
    let in_id: Vec<String> = schema.arm.as_ref().map(|a| id_placeholders(&a.id)).unwrap_or_default();
    let mut out = Vec::new();
    unsent_in(&schema.block, config, "", &in_id, &mut out);
    out
}

fn unsent_in(block: &BlockSchema, value: &Value, path: &str, in_id: &[String], out: &mut Vec<String>) {
    for (name, attr) in &block.attributes {
        // Set, and not merely to the default the overlay fills in.
        let set = value
            .get(name)
            .is_some_and(|v| !v.is_null() && attr.default.as_ref().is_none_or(|d| !d.same_as(v)));
        let handled = attr.arm.is_some() || attr.by_code || (path.is_empty() && in_id.contains(name));
        if set && attr.is_settable() && !handled && name != "id" {
            out.push(format!("{path}{name}"));
        }
    }
    for (name, nested) in &block.block_types {
        if name == "timeouts" || nested.by_code {
            continue;
        }
        let items: Vec<&Value> = match value.get(name) {
            Some(v) if v.is_null() => Vec::new(),
            Some(v) => v.as_seq().map(|s| s.iter().collect()).unwrap_or_else(|| vec![v]),
            None => Vec::new(),
        };
        if items.is_empty() {
            continue;
        }
        if nested.arm.is_none() {
            out.push(format!("{path}{name}"));
            continue;
        }
        for item in items {
            unsent_in(&nested.block, item, &format!("{path}{name}."), in_id, out);
        }
    }
    out.dedup();
}

/// The attribute names an id template fills in.
fn id_placeholders(template: &str) -> Vec<String> {
    template
        .split('{')
        .skip(1)
        .filter_map(|s| s.split('}').next())
        .map(str::to_string)
        .collect()
}

/// Merges an object into whatever is at `path` (several blocks may share a parent path).
fn merge_into(doc: &mut Json, path: &[ArmStep], o: Json) {
    let existing = get_path(doc, path).cloned();
    match (existing, o) {
        (Some(Json::Object(mut a)), Json::Object(b)) => {
            a.extend(b);
            set_path(doc, path, Json::Object(a));
        }
        (_, o) => set_path(doc, path, o),
    }
}

/// Reads an object of this block schema from ARM JSON. Attributes with no
/// ARM path, and write-only ones, keep their value from `prior`.
pub fn from_arm(block: &BlockSchema, doc: &Json, prior: Option<&Value>) -> Value {
    let mut out = Map::new();
    for (name, attr) in &block.attributes {
        let prior_v = prior.and_then(|p| p.get(name)).cloned();
        let v = match (&attr.arm, attr.write_only) {
            (Some(path), false) => match get_path(doc, &path.0) {
                Some(j) => match attr.arm_shape {
                    ArmShape::Value => json_to_value(j, &attr.ty),
                    ArmShape::EnabledDisabled => match j.as_str() {
                        Some(s) => Value::Bool(s.eq_ignore_ascii_case("Enabled")),
                        None => json_to_value(j, &attr.ty),
                    },
                    ArmShape::Not => match j.as_bool() {
                        Some(b) => Value::Bool(!b),
                        None => json_to_value(j, &attr.ty),
                    },
                    ArmShape::Keys => Value::set(
                        j.as_object()
                            .map(|o| o.keys().map(|k| Value::string(k.as_str())).collect())
                            .unwrap_or_default(),
                    ),
                },
                None => attr.arm_absent.clone().unwrap_or_else(|| Value::Null(attr.ty.clone())),
            },
            // What only apply could tell and the answer does not hold is null.
            _ => prior_v
                .filter(Value::is_wholly_known)
                .unwrap_or_else(|| Value::Null(attr.ty.clone())),
        };
        out.insert(name.clone(), v);
    }
    for (name, nested) in &block.block_types {
        if !nested.nesting.is_sequence() {
            // Not mapped to ARM (`timeouts`): what was planned stands.
            let kept = prior.and_then(|p| p.get(name)).cloned();
            out.insert(
                name.clone(),
                kept.unwrap_or_else(|| Value::Null(nested.collection_type())),
            );
            continue;
        }
        let prior_items: Vec<Value> = prior
            .and_then(|p| p.get(name))
            .and_then(Value::as_seq)
            .map(<[Value]>::to_vec)
            .unwrap_or_default();
        let items: Vec<Value> = match &nested.arm {
            None => prior_items,
            Some(path) => {
                let found = get_path(doc, &path.0);
                let single = nested.max_items == Some(1) || matches!(path.0.last(), Some(ArmStep::Index(_)));
                match found {
                    None => Vec::new(),
                    Some(Json::Array(arr)) if !single => arr
                        .iter()
                        .enumerate()
                        .map(|(i, j)| from_arm(&nested.block, j, prior_items.get(i)))
                        .collect(),
                    Some(j) if single && j.as_object().is_some_and(|o| has_mapped_content(&nested.block, o)) => {
                        vec![from_arm(&nested.block, j, prior_items.first())]
                    }
                    Some(_) => Vec::new(),
                }
            }
        };
        out.insert(
            name.clone(),
            match nested.nesting {
                NestingMode::List => Value::List(nested.block.object_type().clone(), items),
                _ => Value::set_of(nested.block.object_type().clone(), items),
            },
        );
    }
    Value::Object(out)
}

/// Whether an object carries any field the block maps (an `addonProfiles.x`
/// object with only `enabled: false` is no block).
fn has_mapped_content(block: &BlockSchema, o: &serde_json::Map<String, Json>) -> bool {
    if o.get("enabled").and_then(Json::as_bool) == Some(false) {
        return false;
    }
    block.attributes.values().any(|a| {
        a.arm
            .as_ref()
            .is_some_and(|p| get_path(&Json::Object(o.clone()), &p.0).is_some())
    }) || !block.block_types.is_empty()
}

/// JSON to a value of the attribute's type (numbers stay numbers, etc.).
pub fn json_to_value(j: &Json, ty: &crate::lang::types::Type) -> Value {
    let v = Value::from_json(j);
    crate::lang::types::convert(v.clone(), ty).unwrap_or(v)
}

/// Fills an id template: `{attribute}` from the value, `{subscription}` given.
/// `None` when a placeholder is unknown or null.
pub fn build_id(template: &str, value: &Value, subscription: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}')? + start;
        let key = &rest[start + 1..end];
        let v = if key == "subscription" {
            subscription.to_string()
        } else {
            value.get(key)?.as_str()?.to_string()
        };
        out.push_str(v.trim_end_matches('/'));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Reads the placeholders of an id template back from an id.
pub fn parse_id(template: &str, id: &str) -> Option<Vec<(String, String)>> {
    // Placeholders may span several segments (`{scope}`): match literal parts in order.
    let mut out = Vec::new();
    let mut rest_t = template;
    let mut rest_id = id;
    while let Some(start) = rest_t.find('{') {
        let lit = &rest_t[..start];
        if !rest_id.to_lowercase().starts_with(&lit.to_lowercase()) {
            return None;
        }
        rest_id = &rest_id[lit.len()..];
        let end = rest_t[start..].find('}')? + start;
        let key = &rest_t[start + 1..end];
        rest_t = &rest_t[end + 1..];
        let next_lit = rest_t.split('{').next().unwrap_or("");
        let value_end = if next_lit.is_empty() {
            rest_id.len()
        } else {
            rest_id.to_lowercase().rfind(&next_lit.to_lowercase())?
        };
        out.push((key.to_string(), rest_id[..value_end].to_string()));
        rest_id = &rest_id[value_end..];
    }
    (rest_id.eq_ignore_ascii_case(rest_t)).then_some(out)
}

/// The id-derived attributes of a resource read from ARM (`name`,
/// `resource_group_name`, `cluster_id`), with the id itself.
pub fn id_attributes(schema: &Schema, id: &str) -> Vec<(String, String)> {
    let mut out = vec![("id".to_string(), id.to_string())];
    if let Some(arm) = &schema.arm {
        out.extend(
            parse_id(&arm.id, id)
                .unwrap_or_default()
                .into_iter()
                .filter(|(k, _)| k != "subscription"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::Mode;
    use crate::provider::catalog::testing::schema as lookup;

    #[test]
    fn bools_sent_as_enabled_or_inverted_read_back_as_written() {
        use crate::schema::{ArmPath, ArmShape, AttrSchema};
        let attr = |path: &str, shape| AttrSchema {
            arm: Some(ArmPath::parse(path).unwrap()),
            arm_shape: shape,
            ..AttrSchema::optional(crate::lang::types::Type::Bool)
        };
        let mut block = BlockSchema::default();
        block.attributes.insert(
            "public_network_access_enabled".into(),
            attr("properties.publicNetworkAccess", ArmShape::EnabledDisabled),
        );
        block
            .attributes
            .insert("public_ip_enabled".into(), attr("properties.noPublicIP", ArmShape::Not));
        let v = Value::Object(Map::from([
            ("public_network_access_enabled".to_string(), Value::Bool(false)),
            ("public_ip_enabled".to_string(), Value::Bool(true)),
        ]));
        let doc = to_arm(&block, &v);
        assert_eq!(
            doc,
            json!({"properties": {"publicNetworkAccess": "Disabled", "noPublicIP": false}})
        );
        assert!(from_arm(&block, &doc, None).same_as(&v));
        // Absent from the answer: null, unless the overlay says what azurerm reads.
        let absent = from_arm(&block, &json!({}), None);
        assert!(absent.get("public_network_access_enabled").is_some_and(Value::is_null));
        block
            .attributes
            .get_mut("public_network_access_enabled")
            .unwrap()
            .arm_absent = Some(Value::Bool(true));
        let absent = from_arm(&block, &json!({}), None);
        assert_eq!(absent.get("public_network_access_enabled"), Some(&Value::Bool(true)));
    }

    #[test]
    fn overlay_switches_are_sent_with_their_defaults_and_read_as_azurerm_reads_their_absence() {
        use super::super::types::test_config::config;
        use crate::provider::azurerm::plan_resource;
        let grafana = lookup(Mode::Managed, "azurerm_dashboard_grafana");
        let config = config(
            "azurerm_dashboard_grafana",
            r#"{ name = "g", resource_group_name = "rg", location = "westeurope", grafana_major_version = "11",
                 smtp = [{ enabled = true, host = "smtp:587", user = "u", password = "secret",
                           from_address = "a@b.c", start_tls_policy = "NoStartTLS" }] }"#,
        );
        let p = plan_resource(grafana, None, &config, "s");
        let body = to_arm(&grafana.block, &p.value);
        assert_eq!(body["sku"]["name"], "Standard");
        assert_eq!(body["properties"]["apiKey"], "Disabled");
        assert_eq!(body["properties"]["publicNetworkAccess"], "Enabled");
        assert_eq!(body["properties"]["zoneRedundancy"], "Disabled");
        assert_eq!(body["properties"]["autoGeneratedDomainNameLabelScope"], "TenantReuse");
        let smtp = &body["properties"]["grafanaConfigurations"]["smtp"];
        assert_eq!(smtp["password"], "secret");
        assert_eq!(smtp["fromName"], "Azure Managed Grafana Notification");

        // Azure never returns the password; a disabled SMTP is no block.
        let mut answer = body.clone();
        answer["properties"]["grafanaConfigurations"]["smtp"]
            .as_object_mut()
            .unwrap()
            .remove("password");
        answer["properties"]
            .as_object_mut()
            .unwrap()
            .remove("publicNetworkAccess");
        let v = from_arm(&grafana.block, &answer, Some(&p.value));
        let read = &v.get("smtp").unwrap().as_seq().unwrap()[0];
        assert_eq!(read.get("password").and_then(Value::as_str), Some("secret"));
        assert_eq!(v.get("public_network_access_enabled"), Some(&Value::Bool(false)));
        answer["properties"]["grafanaConfigurations"]["smtp"]["enabled"] = json!(false);
        let v = from_arm(&grafana.block, &answer, Some(&p.value));
        assert_eq!(v.get("smtp").and_then(Value::as_seq).map(<[Value]>::len), Some(0));

        // A Prometheus workspace that says nothing of public access is open.
        let workspace = lookup(Mode::Managed, "azurerm_monitor_workspace");
        let v = from_arm(&workspace.block, &json!({"properties": {}}), None);
        assert_eq!(v.get("public_network_access_enabled"), Some(&Value::Bool(true)));
    }

    #[test]
    fn ids_from_templates_and_back() {
        let t = "/subscriptions/{subscription}/resourceGroups/{resource_group_name}/providers/Microsoft.Network/virtualNetworks/{virtual_network_name}/subnets/{name}";
        let v = Value::Object(Map::from([
            ("resource_group_name".into(), Value::string("rg")),
            ("virtual_network_name".into(), Value::string("v")),
            ("name".into(), Value::string("s")),
        ]));
        let id = build_id(t, &v, "sub").unwrap();
        assert_eq!(
            id,
            "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
        );
        let parsed = parse_id(t, &id.to_lowercase()).unwrap();
        assert_eq!(parsed[1], ("resource_group_name".into(), "rg".into()));
        assert_eq!(parsed[3], ("name".into(), "s".into()));
        let scoped = "{scope}/providers/Microsoft.Authorization/roleAssignments/{name}";
        let parsed = parse_id(
            scoped,
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Authorization/roleAssignments/g",
        )
        .unwrap();
        assert_eq!(parsed[0].1, "/subscriptions/s/resourceGroups/rg");
        let unknown = Value::Object(Map::from([("name".into(), Value::unknown())]));
        assert_eq!(build_id("/x/{name}", &unknown, "s"), None);
    }

    #[test]
    fn cluster_round_trips_through_arm_json() {
        let schema = lookup(Mode::Managed, "azurerm_kubernetes_cluster");
        let v = crate::lang::eval::eval_standalone(
            r#"{
              location = "westeurope", dns_prefix = "k", tags = { a = "b" },
              default_node_pool = [{ name = "system", vm_size = "Standard_D4s_v5", node_count = 2, upgrade_settings = [] }],
              identity = [{ type = "UserAssigned", identity_ids = ["/x/id1"] }],
              network_profile = [{ network_plugin = "azure", load_balancer_profile = [] }],
            }"#,
        )
        .unwrap();
        let j = to_arm(&schema.block, &v);
        assert_eq!(j["properties"]["agentPoolProfiles"][0]["mode"], "System");
        assert_eq!(j["properties"]["agentPoolProfiles"][0]["count"], 2);
        assert_eq!(j["identity"]["userAssignedIdentities"], json!({"/x/id1": {}}));
        assert_eq!(j["properties"]["networkProfile"]["networkPlugin"], "azure");
        let back = from_arm(&schema.block, &j, None);
        assert_eq!(back.get("dns_prefix"), Some(&Value::string("k")));
        let pool = &back.get("default_node_pool").unwrap().as_seq().unwrap()[0];
        assert_eq!(pool.get("node_count"), Some(&Value::from(2.0)));
        assert_eq!(
            back.get("identity").unwrap().as_seq().unwrap()[0].get("identity_ids"),
            Some(&Value::set(vec![Value::string("/x/id1")]))
        );
        assert_eq!(
            back.get("api_server_access_profile")
                .and_then(Value::as_seq)
                .map(<[Value]>::len),
            Some(0)
        );
    }
}
