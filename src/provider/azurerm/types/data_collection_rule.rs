//! `azurerm_monitor_data_collection_rule`: the shapes the overlay cannot
//! say. azurerm's blocks are lists where Azure keeps maps (custom streams
//! by name, a Prometheus forwarder's label filter) or one object (the
//! event hub a rule imports from); an extension's settings are JSON text
//! in azurerm, an object in Azure, compared as JSON. A change of a kind
//! already set replaces the rule, as azurerm decides it.

use super::TypeHooks;
use crate::lang::Value;
use serde_json::{json, Map, Value as Json};
use std::borrow::Cow;

pub struct Hooks;

const STREAMS: &str = "/properties/streamDeclarations";
const FORWARDERS: &str = "/properties/dataSources/prometheusForwarder";
const EVENT_HUB: &str = "/properties/dataSources/dataImports/eventHub";
const EXTENSIONS: &str = "/properties/dataSources/extensions";

/// The extensions of the rule's data sources, as azurerm's blocks.
fn extensions(value: &Value) -> &[Value] {
    value
        .get("data_sources")
        .and_then(Value::as_seq)
        .and_then(<[Value]>::first)
        .and_then(|d| d.get("extension"))
        .and_then(Value::as_seq)
        .unwrap_or(&[])
}

/// `[{KEY_FIELD: k, ...rest}]` as `{k: rest}` (custom streams by name).
fn list_to_map(list: &[Json], key_field: &str) -> Json {
    let mut out = Map::new();
    for item in list {
        let mut item = item.as_object().cloned().unwrap_or_default();
        if let Some(Json::String(k)) = item.remove(key_field) {
            out.insert(k, Json::Object(item));
        }
    }
    Json::Object(out)
}

/// `{k: {...}}` as `[{KEY_FIELD: k, ...}]`.
fn map_to_list(map: &Map<String, Json>, key_field: &str) -> Json {
    Json::Array(
        map.iter()
            .map(|(k, v)| {
                let mut item = v.as_object().cloned().unwrap_or_default();
                item.insert(key_field.into(), json!(k));
                Json::Object(item)
            })
            .collect(),
    )
}

impl TypeHooks for Hooks {
    fn replacements(&self, prior: Option<&Value>, planned: &Value, replace: &mut Vec<String>) {
        let kind = |v: &Value| v.get("kind").and_then(Value::as_str).unwrap_or("").to_string();
        let Some(prior) = prior else { return };
        let (old, new) = (kind(prior), kind(planned));
        let known = planned.get("kind").is_some_and(Value::is_known);
        if known && !old.is_empty() && old != new && !replace.iter().any(|p| p == "kind") {
            replace.push("kind".into());
        }
    }

    fn to_arm(&self, value: &Value, body: &mut Json) {
        if let Some(list) = body.pointer(STREAMS).and_then(Json::as_array).cloned() {
            body["properties"]["streamDeclarations"] = list_to_map(&list, "streamName");
        }
        if let Some(forwarders) = body.pointer_mut(FORWARDERS).and_then(Json::as_array_mut) {
            for f in forwarders {
                if let Some(filters) = f.get("labelIncludeFilter").and_then(Json::as_array) {
                    let map: Map<String, Json> = filters
                        .iter()
                        .filter_map(|x| Some((x.get("label")?.as_str()?.to_string(), x.get("value")?.clone())))
                        .collect();
                    f["labelIncludeFilter"] = Json::Object(map);
                }
            }
        }
        // Azure keeps one event hub; azurerm sends the first block's.
        if let Some(hub) = body.pointer_mut(EVENT_HUB) {
            if let Some(first) = hub.as_array().and_then(|a| a.first()).cloned() {
                *hub = first;
            }
        }
        let settings: Vec<Option<Json>> = extensions(value)
            .iter()
            .map(|e| {
                e.get("extension_json")
                    .and_then(Value::as_str)
                    .and_then(|s| serde_json::from_str(s).ok())
            })
            .collect();
        if let Some(list) = body.pointer_mut(EXTENSIONS).and_then(Json::as_array_mut) {
            for (e, s) in list.iter_mut().zip(settings) {
                if let Some(s) = s {
                    e["extensionSettings"] = s;
                }
            }
        }
    }

    fn normalize_arm<'a>(&self, doc: &'a Json, _prior: Option<&Value>) -> Cow<'a, Json> {
        let mut doc = doc.clone();
        if let Some(map) = doc.pointer(STREAMS).and_then(Json::as_object).cloned() {
            doc["properties"]["streamDeclarations"] = map_to_list(&map, "streamName");
        }
        if let Some(forwarders) = doc.pointer_mut(FORWARDERS).and_then(Json::as_array_mut) {
            for f in forwarders {
                if let Some(map) = f.get("labelIncludeFilter").and_then(Json::as_object) {
                    let list: Vec<Json> = map.iter().map(|(k, v)| json!({"label": k, "value": v})).collect();
                    f["labelIncludeFilter"] = Json::Array(list);
                }
            }
        }
        if let Some(hub) = doc.pointer_mut(EVENT_HUB) {
            if hub.is_object() {
                *hub = json!([hub.clone()]);
            }
        }
        Cow::Owned(doc)
    }

    /// The settings as JSON text: what the configuration wrote, while it
    /// means the same JSON as Azure's; else Azure's.
    fn read_arm(&self, doc: &Json, value: &mut Value, _subscription: &str) {
        let answers: Vec<Option<Json>> = doc
            .pointer(EXTENSIONS)
            .and_then(Json::as_array)
            .map(|l| l.iter().map(|e| e.get("extensionSettings").cloned()).collect())
            .unwrap_or_default();
        let Some(list) = value
            .as_map_mut()
            .and_then(|m| m.get_mut("data_sources"))
            .and_then(Value::as_seq_mut)
            .and_then(|d| d.first_mut())
            .and_then(Value::as_map_mut)
            .and_then(|d| d.get_mut("extension"))
            .and_then(Value::as_seq_mut)
        else {
            return;
        };
        for (e, answer) in list.iter_mut().zip(answers) {
            let Some(slot) = e.as_map_mut().and_then(|m| m.get_mut("extension_json")) else {
                continue;
            };
            let written: Option<Json> = slot.as_str().and_then(|s| serde_json::from_str(s).ok());
            *slot = match answer.filter(|a| !a.is_null()) {
                Some(a) if written.as_ref() == Some(&a) => continue,
                Some(a) => Value::string(a.to_string()),
                None => Value::Null(crate::lang::types::Type::String),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_config::config;
    use super::*;
    use crate::addrs::Mode;
    use crate::provider::azurerm::{mapper, plan_resource};
    use crate::provider::catalog::testing::schema;

    const TYPE: &str = "azurerm_monitor_data_collection_rule";

    const CONFIG: &str = r#"{
      name = "dcr", resource_group_name = "rg", location = "westeurope", kind = "Linux",
      destinations = [{ log_analytics = [{ name = "law", workspace_resource_id = "/w" }] }],
      data_flow = [{ streams = ["Custom-Mine", "Microsoft-PrometheusMetrics"], destinations = ["law"] }],
      data_sources = [{
        data_import = [{ event_hub_data_source = [{ name = "hub", stream = "Custom-Mine" }] }],
        prometheus_forwarder = [{ name = "prom", streams = ["Microsoft-PrometheusMetrics"],
          label_include_filter = [{ label = "microsoft_metrics_include_label", value = "yes" }] }],
        extension = [{ name = "ext", extension_name = "AzureSecurityLinuxAgent", streams = ["Microsoft-Syslog"],
          extension_json = "{\"a\": [1, 2], \"b\": true}" }],
      }],
      stream_declaration = [{ stream_name = "Custom-Mine", column = [{ name = "TimeGenerated", type = "datetime" }] }],
    }"#;

    fn planned() -> (Value, Json) {
        let schema = schema(Mode::Managed, "azurerm_monitor_data_collection_rule");
        let p = plan_resource(schema, None, &config(TYPE, CONFIG), "s");
        let mut body = mapper::to_arm(&schema.block, &p.value);
        Hooks.to_arm(&p.value, &mut body);
        (p.value, body)
    }

    #[test]
    fn lists_azurerm_keeps_are_sent_as_the_maps_and_object_azure_keeps() {
        let (_, body) = planned();
        let p = &body["properties"];
        assert_eq!(
            p["streamDeclarations"],
            json!({"Custom-Mine": {"columns": [{"name": "TimeGenerated", "type": "datetime"}]}})
        );
        assert_eq!(
            p["dataSources"]["prometheusForwarder"][0]["labelIncludeFilter"],
            json!({"microsoft_metrics_include_label": "yes"})
        );
        assert_eq!(
            p["dataSources"]["dataImports"]["eventHub"],
            json!({"name": "hub", "stream": "Custom-Mine"})
        );
        assert_eq!(
            p["dataSources"]["extensions"][0]["extensionSettings"],
            json!({"a": [1, 2], "b": true})
        );
        assert_eq!(p["destinations"]["logAnalytics"][0]["workspaceResourceId"], "/w");
    }

    #[test]
    fn an_answer_reads_back_into_the_same_blocks_and_the_same_json_text() {
        let schema = schema(Mode::Managed, "azurerm_monitor_data_collection_rule");
        let (planned, body) = planned();
        let doc = Hooks.normalize_arm(&body, Some(&planned));
        let mut v = mapper::from_arm(&schema.block, &doc, Some(&planned));
        Hooks.read_arm(&doc, &mut v, "s");
        for block in ["stream_declaration", "data_sources", "destinations", "data_flow"] {
            assert!(
                v.get(block).unwrap().same_as(planned.get(block).unwrap()),
                "{block}: {:?}",
                v.get(block)
            );
        }
        // Other JSON than was written reads as Azure's.
        let mut changed = body.clone();
        changed["properties"]["dataSources"]["extensions"][0]["extensionSettings"] = json!({"a": 3});
        let doc = Hooks.normalize_arm(&changed, Some(&planned));
        let mut v = mapper::from_arm(&schema.block, &doc, Some(&planned));
        Hooks.read_arm(&doc, &mut v, "s");
        let ext = &v.get("data_sources").unwrap().as_seq().unwrap()[0]
            .get("extension")
            .unwrap()
            .as_seq()
            .unwrap()[0];
        assert_eq!(ext.get("extension_json").and_then(Value::as_str), Some(r#"{"a":3}"#));
    }

    #[test]
    fn a_kind_once_set_is_changed_by_a_new_rule() {
        let schema = schema(Mode::Managed, "azurerm_monitor_data_collection_rule");
        let (prior, _) = planned();
        let mut prior = prior;
        if let Some(m) = prior.as_map_mut() {
            m.insert("id".into(), Value::string("/x"));
        }
        let windows = config(TYPE, &CONFIG.replace("\"Linux\"", "\"Windows\""));
        assert_eq!(
            plan_resource(schema, Some(&prior), &windows, "s").replace_paths,
            vec!["kind"]
        );
        let same = config(TYPE, CONFIG);
        assert!(plan_resource(schema, Some(&prior), &same, "s").replace_paths.is_empty());
    }
}
