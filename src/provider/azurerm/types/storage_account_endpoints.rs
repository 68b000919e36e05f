//! A storage account's endpoints, hosts, access keys and connection
//! strings, as azurerm reads them: every endpoint Azure answers (the
//! routing-specific ones only when published), the host of each, the two
//! keys of a `listKeys` answer and the connection strings made of them
//! (public cloud: `core.windows.net`); what Azure does not answer is an
//! empty string, as in azurerm's state. No I/O.

use crate::lang::Value;
use serde_json::Value as Json;

const SERVICES: [&str; 6] = ["blob", "dfs", "file", "queue", "table", "web"];

/// The storage domain of the public cloud.
const DOMAIN_SUFFIX: &str = "core.windows.net";

fn text(v: &Value, k: &str) -> String {
    v.get(k).and_then(|s| s.inner().as_str()).unwrap_or("").to_string()
}

/// The host of an endpoint URL (`https://x.blob.core.windows.net/` → `x.blob.core.windows.net`).
pub fn host(endpoint: &str) -> String {
    let rest = endpoint.split_once("://").map_or(endpoint, |(_, r)| r);
    rest.split(['/', '?']).next().unwrap_or("").to_string()
}

/// Every endpoint attribute with its host attribute.
fn endpoint_attrs() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for side in ["primary", "secondary"] {
        for svc in SERVICES {
            for route in ["", "_internet", "_microsoft"] {
                out.push((
                    format!("{side}_{svc}{route}_endpoint"),
                    format!("{side}_{svc}{route}_host"),
                ));
            }
        }
    }
    out
}

/// Fills hosts from endpoints, and what Azure does not answer with "".
pub fn read(_doc: &Json, value: &mut Value) {
    let Some(m) = value.as_map_mut() else { return };
    for (endpoint, host_attr) in endpoint_attrs() {
        if !m.contains_key(&endpoint) {
            continue;
        }
        let url = m
            .get(&endpoint)
            .and_then(|v| v.inner().as_str())
            .unwrap_or("")
            .to_string();
        m.insert(endpoint, Value::string(&url));
        if m.contains_key(&host_attr) {
            m.insert(host_attr, Value::string(host(&url)));
        }
    }
    for attr in ["primary_location", "secondary_location"] {
        if m.get(attr).is_some_and(Value::is_null) {
            m.insert(attr.to_string(), Value::string(""));
        }
    }
}

/// The keys of a `listKeys` answer and the connection strings made of them.
pub fn keys(answer: &Json, value: &mut Value) {
    let key = |i: usize| {
        answer
            .pointer(&format!("/keys/{i}/value"))
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string()
    };
    let name = text(value, "name");
    for (i, side) in ["primary", "secondary"].into_iter().enumerate() {
        let k = key(i);
        let blob = text(value, &format!("{side}_blob_endpoint"));
        let (conn, blob_conn) = if k.is_empty() {
            (String::new(), String::new())
        } else {
            let conn = format!(
                "DefaultEndpointsProtocol=https;AccountName={name};AccountKey={k};EndpointSuffix={DOMAIN_SUFFIX}"
            );
            let blob_conn = if blob.is_empty() {
                String::new()
            } else {
                format!("DefaultEndpointsProtocol=https;BlobEndpoint={blob};AccountName={name};AccountKey={k}")
            };
            (conn, blob_conn)
        };
        super::set(value, &format!("{side}_access_key"), Value::string(k));
        super::set(value, &format!("{side}_connection_string"), Value::string(conn));
        super::set(
            value,
            &format!("{side}_blob_connection_string"),
            Value::string(blob_conn),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::eval::eval_standalone;
    use serde_json::json;

    #[test]
    fn hosts_and_connection_strings_as_azurerm_makes_them() {
        assert_eq!(host("https://sa1.blob.core.windows.net/"), "sa1.blob.core.windows.net");
        let mut v = eval_standalone(
            r#"{ name = "sa1", primary_blob_endpoint = "https://sa1.blob.core.windows.net/", primary_blob_host = null,
                 secondary_blob_endpoint = null, secondary_blob_host = null, primary_location = "westeurope",
                 secondary_location = null }"#,
        )
        .unwrap();
        read(&json!({}), &mut v);
        assert_eq!(text(&v, "primary_blob_host"), "sa1.blob.core.windows.net");
        assert_eq!(v.get("secondary_blob_endpoint"), Some(&Value::string("")));
        assert_eq!(v.get("secondary_location"), Some(&Value::string("")));
        keys(
            &json!({"keys": [{"keyName": "key1", "value": "K1"}, {"keyName": "key2", "value": "K2"}]}),
            &mut v,
        );
        assert_eq!(text(&v, "primary_access_key"), "K1");
        assert_eq!(
            text(&v, "primary_connection_string"),
            "DefaultEndpointsProtocol=https;AccountName=sa1;AccountKey=K1;EndpointSuffix=core.windows.net"
        );
        assert_eq!(
            text(&v, "primary_blob_connection_string"),
            "DefaultEndpointsProtocol=https;BlobEndpoint=https://sa1.blob.core.windows.net/;AccountName=sa1;AccountKey=K1"
        );
        assert_eq!(
            text(&v, "secondary_blob_connection_string"),
            "",
            "no secondary blob endpoint"
        );
        keys(&json!({}), &mut v);
        assert_eq!(text(&v, "primary_access_key"), "");
    }
}
