//! Microsoft.Storage/storageAccounts, as Azure answers for it (api-version
//! 2025-06-01): the name (3 to 24 lowercase letters and digits) is unique
//! across Azure (AccountNameInvalid, StorageAccountAlreadyTaken); the SKU's
//! tier follows its name; the endpoints follow the name and the kind, with
//! the routing-specific ones when published and the secondary ones for
//! read-access geo-replication; the location of the copy is the region's
//! pair. Network rules allow all, traffic is HTTPS only and data is
//! encrypted by Microsoft.Storage unless the account says otherwise.
//! `listKeys` answers two keys, the same for the life of the account
//! (derived from its id and creation time: never stored, never in a GET).

use super::Kind;
use crate::provider::arm::{self, ArmError, ArmResponse};
use base64::Engine as _;
use serde_json::{json, Value as Json};
use sha2::Digest;

pub struct Accounts;

/// A region and its pair, for geo-replication.
const PAIRS: [(&str, &str); 15] = [
    ("westeurope", "northeurope"),
    ("eastus", "westus"),
    ("eastus2", "centralus"),
    ("westus2", "westcentralus"),
    ("westus3", "eastus"),
    ("northcentralus", "southcentralus"),
    ("uksouth", "ukwest"),
    ("francecentral", "francesouth"),
    ("germanywestcentral", "germanynorth"),
    ("swedencentral", "swedensouth"),
    ("australiaeast", "australiasoutheast"),
    ("japaneast", "japanwest"),
    ("southeastasia", "eastasia"),
    ("canadacentral", "canadaeast"),
    ("centralindia", "southindia"),
];

fn pair(location: &str) -> String {
    PAIRS
        .iter()
        .find_map(|(a, b)| {
            if *a == location {
                Some(*b)
            } else if *b == location {
                Some(*a)
            } else {
                None
            }
        })
        .unwrap_or(location)
        .to_string()
}

/// The services a kind of account has endpoints for.
fn services(kind: &str) -> &'static [&'static str] {
    match kind {
        "Storage" => &["blob", "file", "queue", "table"],
        "BlobStorage" | "BlockBlobStorage" => &["blob", "dfs", "web"],
        "FileStorage" => &["file"],
        _ => &["blob", "dfs", "file", "queue", "table", "web"],
    }
}

fn endpoints(name: &str, kind: &str, suffix: &str, only: &[&str]) -> Json {
    let mut out = serde_json::Map::new();
    for svc in services(kind).iter().filter(|s| only.is_empty() || only.contains(s)) {
        out.insert(
            svc.to_string(),
            json!(format!("https://{name}{suffix}.{svc}.core.windows.net/")),
        );
    }
    Json::Object(out)
}

impl Kind for Accounts {
    fn on_put(
        &self,
        sim: &super::super::SimClient,
        id: &str,
        doc: &mut Json,
        existing: Option<&Json>,
    ) -> Result<(), ArmError> {
        // Its name is checked with the other names (names.rs): AccountNameInvalid.
        let name = arm::name_of(id).to_string();
        if existing.is_none() {
            for other in sim.store.ids().map_err(super::super::io_error)? {
                let same_type = arm::resource_type(&other).eq_ignore_ascii_case("Microsoft.Storage/storageAccounts");
                if same_type && arm::name_of(&other).eq_ignore_ascii_case(&name) {
                    return Err(ArmError::new(
                        409,
                        "StorageAccountAlreadyTaken",
                        format!("The storage account named {name} is already taken."),
                    ));
                }
            }
        }
        let sku = doc
            .pointer("/sku/name")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        let Some((tier, replication)) = sku.split_once('_') else {
            return Err(ArmError::new(
                400,
                "InvalidRequestPropertyValue",
                format!("The value '{sku}' is not allowed for property sku.name."),
            ));
        };
        if doc.pointer("/properties/largeFileSharesState") == Some(&json!("Disabled")) {
            return Err(ArmError::new(
                400,
                "InvalidRequestPropertyValue",
                "The value 'Disabled' is not allowed for property largeFileSharesState.",
            ));
        }
        let tier = if tier.starts_with("Premium") {
            "Premium"
        } else {
            "Standard"
        };
        doc["sku"]["tier"] = json!(tier);
        let kind = doc
            .get("kind")
            .and_then(Json::as_str)
            .unwrap_or("StorageV2")
            .to_string();
        doc["kind"] = json!(kind);
        let location = doc.get("location").and_then(Json::as_str).unwrap_or("").to_string();
        let kept = |path: &str| existing.and_then(|e| e.pointer(path)).cloned();
        let created = kept("/properties/creationTime")
            .unwrap_or_else(|| json!(humantime::format_rfc3339_micros(std::time::SystemTime::now()).to_string()));
        if !doc.get("properties").is_some_and(Json::is_object) {
            doc["properties"] = json!({});
        }
        let p = &mut doc["properties"];
        p["creationTime"] = created.clone();
        p["keyCreationTime"] = json!({"key1": created, "key2": created});
        p["primaryLocation"] = json!(location);
        p["statusOfPrimary"] = json!("available");
        let mut primary = endpoints(&name, &kind, "", &[]);
        let routing = p.get("routingPreference").cloned().unwrap_or(Json::Null);
        if routing.get("publishInternetEndpoints") == Some(&json!(true)) {
            primary["internetEndpoints"] = endpoints(&name, &kind, "-internetrouting", &["blob", "dfs", "file", "web"]);
        }
        if routing.get("publishMicrosoftEndpoints") == Some(&json!(true)) {
            primary["microsoftEndpoints"] = endpoints(&name, &kind, "-microsoftrouting", &[]);
        }
        p["primaryEndpoints"] = primary;
        let geo = replication.contains("GRS") || replication.contains("GZRS");
        let obj = p.as_object_mut().expect("just made an object");
        obj.remove("secondaryEndpoints");
        obj.remove("secondaryLocation");
        obj.remove("statusOfSecondary");
        if geo {
            obj.insert("secondaryLocation".into(), json!(pair(&location)));
            obj.insert("statusOfSecondary".into(), json!("available"));
            if replication.starts_with("RA") {
                obj.insert("secondaryEndpoints".into(), endpoints(&name, &kind, "-secondary", &[]));
            }
        }
        let defaults = [
            ("supportsHttpsTrafficOnly", json!(true)),
            ("minimumTlsVersion", json!("TLS1_2")),
            ("allowBlobPublicAccess", json!(false)),
            (
                "networkAcls",
                json!({"bypass": "AzureServices", "defaultAction": "Allow", "ipRules": [], "virtualNetworkRules": []}),
            ),
            (
                "encryption",
                json!({"keySource": "Microsoft.Storage", "services": {"blob": {"enabled": true, "keyType": "Account"}, "file": {"enabled": true, "keyType": "Account"}}}),
            ),
        ];
        for (k, v) in defaults {
            obj.entry(k).or_insert(v);
        }
        if ["StorageV2", "BlobStorage"].contains(&kind.as_str()) {
            obj.entry("accessTier").or_insert(json!("Hot"));
        }
        let tenant = super::super::TENANT;
        if let Some(rules) = obj
            .get_mut("networkAcls")
            .and_then(|a| a.get_mut("resourceAccessRules"))
            .and_then(Json::as_array_mut)
        {
            for rule in rules {
                if rule.get("tenantId").is_none_or(Json::is_null) {
                    rule["tenantId"] = json!(tenant);
                }
            }
        }
        if doc
            .get("identity")
            .and_then(|i| i.get("type"))
            .and_then(Json::as_str)
            .is_some_and(|t| t.contains("SystemAssigned"))
        {
            let principal = kept("/identity/principalId").unwrap_or_else(|| json!(uuid::Uuid::new_v4().to_string()));
            doc["identity"]["principalId"] = principal;
            doc["identity"]["tenantId"] = json!(tenant);
        }
        Ok(())
    }

    fn immutable(&self) -> &'static [super::Immutable] {
        &[("location", "InvalidResourceLocation")]
    }

    fn on_post(&self, id: &str, action: &str, doc: &Json) -> Option<Result<ArmResponse, ArmError>> {
        if !action.eq_ignore_ascii_case("listKeys") {
            return None;
        }
        let created = doc
            .pointer("/properties/creationTime")
            .and_then(Json::as_str)
            .unwrap_or("");
        let key = |n: &str| {
            let digest = sha2::Sha512::digest(format!("{}/{created}/{n}", id.to_lowercase()).as_bytes());
            base64::engine::general_purpose::STANDARD.encode(digest)
        };
        let keys: Vec<Json> = ["key1", "key2"]
            .iter()
            .map(|n| json!({"keyName": n, "value": key(n), "permissions": "FULL", "creationTime": created}))
            .collect();
        Some(Ok(ArmResponse {
            status: 200,
            body: json!({ "keys": keys }),
        }))
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
            api_version: "2025-06-01".into(),
            body,
        }
    }

    fn account(rg: &str, name: &str) -> String {
        format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{name}")
    }

    fn sim() -> (tempfile::TempDir, SimClient) {
        let dir = tempfile::tempdir().unwrap();
        let s = SimClient::new(dir.path());
        for rg in ["rg1", "rg2"] {
            let id = format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/{rg}");
            s.handle(&req(Method::Put, &id, Some(json!({"location": "westeurope"}))))
                .unwrap();
        }
        s.handle(&req(
            Method::Post,
            &format!("/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Storage/register"),
            None,
        ))
        .unwrap();
        (dir, s)
    }

    fn body(sku: &str) -> Json {
        json!({"location": "westeurope", "kind": "StorageV2", "sku": {"name": sku},
               "properties": {"routingPreference": {"publishMicrosoftEndpoints": true}}})
    }

    #[test]
    fn an_account_gets_its_endpoints_and_keys() {
        let (_d, s) = sim();
        let id = account("rg1", "sa1");
        let r = s.handle(&req(Method::Put, &id, Some(body("Standard_RAGRS")))).unwrap();
        let p = &r.body["properties"];
        assert_eq!(r.body["sku"]["tier"], "Standard");
        assert_eq!(p["primaryEndpoints"]["blob"], "https://sa1.blob.core.windows.net/");
        assert_eq!(
            p["primaryEndpoints"]["microsoftEndpoints"]["queue"],
            "https://sa1-microsoftrouting.queue.core.windows.net/"
        );
        assert_eq!(p["primaryEndpoints"].get("internetEndpoints"), None);
        assert_eq!(
            p["secondaryEndpoints"]["blob"],
            "https://sa1-secondary.blob.core.windows.net/"
        );
        assert_eq!(p["secondaryLocation"], "northeurope");
        assert_eq!(p["accessTier"], "Hot");
        let keys = s
            .handle(&req(Method::Post, &format!("{id}/listKeys"), None))
            .unwrap()
            .body;
        let again = s
            .handle(&req(Method::Post, &format!("{id}/listKeys"), None))
            .unwrap()
            .body;
        assert_eq!(keys, again, "the same keys for the life of the account");
        assert_ne!(keys["keys"][0]["value"], keys["keys"][1]["value"]);
        let get = s.handle(&req(Method::Get, &id, None)).unwrap().body;
        assert!(
            !get.to_string().contains(keys["keys"][0]["value"].as_str().unwrap()),
            "a GET never shows a key"
        );
        let lrs = s
            .handle(&req(Method::Put, &id, Some(body("Standard_LRS"))))
            .unwrap()
            .body;
        assert_eq!(lrs["properties"].get("secondaryEndpoints"), None);
        assert_eq!(lrs["properties"].get("secondaryLocation"), None);
    }

    #[test]
    fn names_are_checked_and_global() {
        let (_d, s) = sim();
        let e = s
            .handle(&req(
                Method::Put,
                &account("rg1", "Bad-Name"),
                Some(body("Standard_LRS")),
            ))
            .unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "AccountNameInvalid"));
        s.handle(&req(Method::Put, &account("rg1", "sa1"), Some(body("Standard_LRS"))))
            .unwrap();
        let e = s
            .handle(&req(Method::Put, &account("rg2", "sa1"), Some(body("Standard_LRS"))))
            .unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (409, "StorageAccountAlreadyTaken"));
        let e = s
            .handle(&req(Method::Put, &account("rg1", "sa2"), Some(body("bogus"))))
            .unwrap_err();
        assert_eq!(e.status, 400);
    }
}
