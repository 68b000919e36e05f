//! `PUT .../vaults/{name}/accessPolicies/{add|replace|remove}`
//! (Vaults_UpdateAccessPolicy): changes the vault's
//! `properties.accessPolicies` and answers with the entries sent. Entries
//! are matched by tenant, object and application. `add` adds an entry or
//! adds permissions to it, `replace` sets its permissions, `remove` takes
//! permissions away and drops the entry when none are left. The vault must
//! exist (the generic parent check: ParentResourceNotFound).

use super::super::{io_error, SimClient};
use super::Kind;
use crate::provider::arm::{self, ArmError};
use serde_json::{json, Map, Value as Json};

pub struct AccessPolicies;

const LISTS: [&str; 4] = ["certificates", "keys", "secrets", "storage"];

fn bad_request(message: impl Into<String>) -> ArmError {
    ArmError::new(400, "BadRequest", message)
}

fn field<'j>(entry: &'j Json, k: &str) -> &'j str {
    entry.get(k).and_then(Json::as_str).unwrap_or("")
}

fn same_principal(a: &Json, b: &Json) -> bool {
    ["tenantId", "objectId", "applicationId"]
        .iter()
        .all(|k| field(a, k).eq_ignore_ascii_case(field(b, k)))
}

fn permissions(entry: &Json, list: &str) -> Vec<String> {
    entry
        .pointer(&format!("/permissions/{list}"))
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .map(str::to_string)
        .collect()
}

fn has(list: &[String], p: &str) -> bool {
    list.iter().any(|q| q.eq_ignore_ascii_case(p))
}

/// `existing` changed as `kind` says by `sent`; `None` when it is removed.
fn change(kind: &str, existing: &Json, sent: &Json) -> Option<Json> {
    let mut out = existing.clone();
    let mut empty = true;
    for list in LISTS {
        let before = permissions(existing, list);
        let given = permissions(sent, list);
        let after: Vec<String> = match kind {
            "add" => before
                .iter()
                .cloned()
                .chain(given.into_iter().filter(|p| !has(&before, p)))
                .collect(),
            "replace" => given,
            _ => before.into_iter().filter(|p| !has(&given, p)).collect(),
        };
        empty &= after.is_empty();
        out["permissions"][list] = json!(after);
    }
    (kind != "remove" || !empty).then_some(out)
}

impl Kind for AccessPolicies {
    fn on_put(&self, sim: &SimClient, id: &str, doc: &mut Json, _existing: Option<&Json>) -> Result<(), ArmError> {
        let kind = arm::name_of(id).to_ascii_lowercase();
        if !["add", "replace", "remove"].contains(&kind.as_str()) {
            return Err(bad_request(format!(
                "The operation kind '{}' is not valid: use add, replace or remove.",
                arm::name_of(id)
            )));
        }
        let sent = doc
            .pointer("/properties/accessPolicies")
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default();
        for entry in &sent {
            for k in ["tenantId", "objectId"] {
                if field(entry, k).is_empty() {
                    return Err(bad_request(format!("An access policy entry needs its {k}.")));
                }
            }
        }
        let vault_id = arm::parent_id(id).unwrap_or_default();
        let Some(mut vault) = sim.store.get(&vault_id).map_err(io_error)? else {
            return Err(ArmError::not_found(&vault_id));
        };
        let mut entries = vault
            .pointer("/properties/accessPolicies")
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default();
        for entry in &sent {
            match entries.iter().position(|e| same_principal(e, entry)) {
                Some(i) => match change(&kind, &entries[i], entry) {
                    Some(changed) => entries[i] = changed,
                    None => {
                        entries.remove(i);
                    }
                },
                None if kind != "remove" => entries.push(entry.clone()),
                None => {}
            }
        }
        vault["properties"]["accessPolicies"] = Json::Array(entries);
        sim.store.put(&vault_id, &vault).map_err(io_error)?;
        let mut answer = Map::new();
        answer.insert("accessPolicies".into(), Json::Array(sent));
        doc["properties"] = Json::Object(answer);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::{SimClient, SUBSCRIPTION};
    use crate::provider::arm::{ArmRequest, Method};
    use serde_json::{json, Value as Json};

    fn req(method: Method, path: &str, body: Option<Json>) -> ArmRequest {
        ArmRequest {
            method,
            path: path.into(),
            api_version: "2026-02-01".into(),
            body,
        }
    }

    fn entry(keys: &[&str]) -> Json {
        json!({"properties": {"accessPolicies": [{"tenantId": "t", "objectId": "O1", "permissions": {"keys": keys}}]}})
    }

    #[test]
    fn policies_are_added_replaced_and_removed_in_the_vault() {
        let dir = tempfile::tempdir().unwrap();
        let s = SimClient::new(dir.path());
        let rg = format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg1");
        s.handle(&req(Method::Put, &rg, Some(json!({"location": "westeurope"}))))
            .unwrap();
        s.handle(&req(
            Method::Post,
            &format!("/subscriptions/{SUBSCRIPTION}/providers/Microsoft.KeyVault/register"),
            None,
        ))
        .unwrap();
        let vault = format!("{rg}/providers/Microsoft.KeyVault/vaults/kv1");
        let missing = s
            .handle(&req(
                Method::Put,
                &format!("{vault}/accessPolicies/add"),
                Some(entry(&["get"])),
            ))
            .unwrap_err();
        assert_eq!(missing.code, "ParentResourceNotFound");
        s.handle(&req(
            Method::Put,
            &vault,
            Some(json!({"location": "westeurope", "properties": {"tenantId": "t", "sku": {"family": "A", "name": "standard"}}})),
        ))
        .unwrap();
        let put = |kind: &str, keys: &[&str]| {
            s.handle(&req(
                Method::Put,
                &format!("{vault}/accessPolicies/{kind}"),
                Some(entry(keys)),
            ))
        };
        let keys = || {
            let v = s.handle(&req(Method::Get, &vault, None)).unwrap().body;
            v["properties"]["accessPolicies"].clone()
        };
        let answer = put("add", &["get"]).unwrap();
        assert_eq!(answer.body["type"], "Microsoft.KeyVault/vaults/accessPolicies");
        assert_eq!(answer.body["properties"]["accessPolicies"][0]["objectId"], "O1");
        put("add", &["list", "GET"]).unwrap();
        assert_eq!(keys()[0]["permissions"]["keys"], json!(["get", "list"]));
        put("replace", &["sign"]).unwrap();
        assert_eq!(keys()[0]["permissions"]["keys"], json!(["sign"]));
        let mut other = entry(&["get"]);
        other["properties"]["accessPolicies"][0]["objectId"] = json!("o2");
        s.handle(&req(Method::Put, &format!("{vault}/accessPolicies/add"), Some(other)))
            .unwrap();
        put("remove", &["sign"]).unwrap();
        assert_eq!(
            keys().as_array().unwrap().len(),
            1,
            "the entry without permissions is gone"
        );
        assert_eq!(keys()[0]["objectId"], "o2");
        let e = put("merge", &["get"]).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "BadRequest"));
    }
}
