//! `azapi_update_resource`, `azapi_resource_action` and the data sources
//! against the simulation.

use super::*;

#[tokio::test]
async fn an_update_resource_patches_the_tags_of_a_resource_group() {
    let r = Run::new();
    r.arm(
        Method::Put,
        &rg_id("rg1"),
        Some(json!({"location": "westeurope", "tags": {"owner": "team"}})),
    )
    .await;
    let cfg = r.config(
        Mode::Managed,
        "azapi_update_resource",
        &format!(
            r#"{{
  type = "Microsoft.Resources/resourceGroups@2021-04-01"
  resource_id = "{}"
  body = {{ tags = {{ owner = "team", env = "prod" }} }}
  response_export_values = ["location"]
}}"#,
            rg_id("rg1")
        ),
    );
    let p = r.plan("azapi_update_resource", None, &cfg);
    assert_eq!(s(&p.planned, "name"), Some("rg1"));
    assert_eq!(
        s(&p.planned, "parent_id"),
        Some(format!("/subscriptions/{SUBSCRIPTION}").as_str())
    );
    let state = r.create("azapi_update_resource", &cfg).await;
    let doc = r.arm(Method::Get, &rg_id("rg1"), None).await;
    assert_eq!(doc["tags"], json!({"owner": "team", "env": "prod"}));
    assert_eq!(doc["location"], "westeurope");
    assert_eq!(s(&state, "output.location"), Some("westeurope"));
    r.assert_clean("azapi_update_resource", &state, &cfg);

    // Destroying forgets: the tags stay.
    let d = r.apply("azapi_update_resource", Some(&state), None).await;
    assert!(d.value.is_none() && d.diags.is_empty());
    assert_eq!(r.arm(Method::Get, &rg_id("rg1"), None).await["tags"]["env"], "prod");

    // A target that does not exist is an error at apply.
    let missing = r.config(
        Mode::Managed,
        "azapi_update_resource",
        &format!(
            r#"{{
  type = "Microsoft.Resources/resourceGroups@2021-04-01"
  name = "nope"
  parent_id = "/subscriptions/{SUBSCRIPTION}"
  body = {{ tags = {{ a = "b" }} }}
}}"#
        ),
    );
    let p = r.plan("azapi_update_resource", None, &missing);
    let a = r.apply("azapi_update_resource", None, Some(&p.planned)).await;
    assert!(a.diags.has_errors());
    assert!(a.diags.iter().next().unwrap().detail.contains("does not exist"));
}
#[tokio::test]
async fn a_resource_action_lists_cluster_credentials() {
    let r = Run::new();
    r.arm(Method::Put, &rg_id("rg1"), Some(json!({"location": "westeurope"})))
        .await;
    let cluster_cfg = r.config(
        Mode::Managed,
        "azapi_resource",
        &CLUSTER
            .replace("PARENT", &rg_id("rg1"))
            .replace("identity {", "identity = [{")
            .replace("SystemAssigned\"\n  }", "SystemAssigned\"\n  }]"),
    );
    let cluster = r.create("azapi_resource", &cluster_cfg).await;
    let principal = cluster.get("identity").and_then(Value::as_seq).unwrap()[0]
        .get("principal_id")
        .and_then(Value::as_str)
        .map(str::to_string);
    assert!(principal.is_some_and(|p| !p.is_empty()));
    r.assert_clean("azapi_resource", &cluster, &cluster_cfg);
    let cluster_id = s(&cluster, "id").unwrap().to_string();

    let action = |when: &str| {
        r.config(
            Mode::Managed,
            "azapi_resource_action",
            &format!(
                r#"{{
  type = "Microsoft.ContainerService/managedClusters@2024-05-01"
  resource_id = "{cluster_id}"
  action = "listClusterUserCredential"
  when = "{when}"
  response_export_values = ["kubeconfigs"]
  sensitive_response_export_values = {{ config = "kubeconfigs[0].value" }}
}}"#
            ),
        )
    };
    let cfg = action("apply");
    let p = r.plan("azapi_resource_action", None, &cfg);
    assert_eq!(s(&p.planned, "method"), Some("POST"));
    assert_eq!(
        s(&p.planned, "id"),
        Some(format!("{cluster_id}/listClusterUserCredential").as_str())
    );
    let state = r.create("azapi_resource_action", &cfg).await;
    let out = state.get("output").unwrap().to_json();
    assert_eq!(out["kubeconfigs"][0]["name"], "clusterUser");
    let sensitive = state.get("sensitive_output").unwrap();
    assert!(sensitive.has_sensitive(), "{sensitive:?}");
    assert!(sensitive
        .get("config")
        .and_then(Value::as_str)
        .is_some_and(|c| !c.is_empty()));
    r.assert_clean("azapi_resource_action", &state, &cfg);

    // `when = "destroy"`: nothing at create, the call at destroy.
    let later = action("destroy");
    let p = r.plan("azapi_resource_action", None, &later);
    let a = r.apply("azapi_resource_action", None, Some(&p.planned)).await;
    assert_no_errors(&a.diags);
    assert!(a.value.as_ref().unwrap().get("output").unwrap().is_null());
    let d = r.apply("azapi_resource_action", a.value.as_ref(), None).await;
    assert_no_errors(&d.diags);

    // An action the resource does not have is Azure's error.
    let bad = r.config(
        Mode::Managed,
        "azapi_resource_action",
        &format!(
            r#"{{
  type = "Microsoft.ContainerService/managedClusters@2024-05-01"
  resource_id = "{cluster_id}"
  action = "noSuchAction"
}}"#
        ),
    );
    let p = r.plan("azapi_resource_action", None, &bad);
    let a = r.apply("azapi_resource_action", None, Some(&p.planned)).await;
    assert!(a.diags.has_errors());

    // The data source calls at read.
    let data = r.config(
        Mode::Data,
        "azapi_resource_action",
        &format!(
            r#"{{
  type = "Microsoft.ContainerService/managedClusters@2024-05-01"
  resource_id = "{cluster_id}"
  action = "listClusterAdminCredential"
  response_export_values = {{ user = "kubeconfigs[0].name" }}
}}"#
        ),
    );
    let d = r.read_data("azapi_resource_action", &data).await;
    assert_no_errors(&d.diags);
    assert_eq!(s(&d.value.unwrap(), "output.user"), Some("clusterAdmin"));
}

#[tokio::test]
async fn the_data_source_reads_properties_by_export_values() {
    let r = Run::new();
    r.create("azapi_resource", &r.config(Mode::Managed, "azapi_resource", RG))
        .await;
    r.create(
        "azapi_resource",
        &r.config(Mode::Managed, "azapi_resource", &vnet(r#"["10.0.0.0/16"]"#)),
    )
    .await;
    let by_name = r.config(
        Mode::Data,
        "azapi_resource",
        &format!(
            r#"{{
  type = "Microsoft.Network/virtualNetworks@2024-01-01"
  name = "vnet1"
  parent_id = "{}"
  response_export_values = {{ prefixes = "properties.addressSpace.addressPrefixes" }}
}}"#,
            rg_id("rg1")
        ),
    );
    let d = r.read_data("azapi_resource", &by_name).await;
    assert_no_errors(&d.diags);
    let v = d.value.unwrap();
    assert_eq!(v.get("output").unwrap().to_json(), json!({"prefixes": ["10.0.0.0/16"]}));
    assert_eq!(s(&v, "location"), Some("westeurope"));
    let id = s(&v, "id").unwrap().to_string();

    let by_id = r.config(
        Mode::Data,
        "azapi_resource",
        &format!(
            r#"{{
  type = "Microsoft.Network/virtualNetworks@2024-01-01"
  resource_id = "{id}"
  response_export_values = ["properties.addressSpace", "name"]
}}"#
        ),
    );
    let v = r.read_data("azapi_resource", &by_id).await.value.unwrap();
    assert_eq!(
        v.get("output").unwrap().to_json(),
        json!({"name": "vnet1", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}})
    );
    assert_eq!(s(&v, "name"), Some("vnet1"));

    // A resource group by name alone, in the provider's subscription.
    let rg = r.config(
        Mode::Data,
        "azapi_resource",
        r#"{ type = "Microsoft.Resources/resourceGroups@2021-04-01", name = "rg1", response_export_values = ["*"] }"#,
    );
    let v = r.read_data("azapi_resource", &rg).await.value.unwrap();
    assert_eq!(s(&v, "output.name"), Some("rg1"));

    // Unknown inputs: unknown until apply. A missing resource: an error.
    let unknown = crate::lang::types::conform(
        Value::Object(crate::lang::value::Map::from([
            (
                "type".to_string(),
                Value::string("Microsoft.Network/virtualNetworks@2024-01-01"),
            ),
            ("resource_id".to_string(), Value::unknown()),
        ])),
        r.schema(Mode::Data, "azapi_resource").block.object_type(),
    );
    assert!(!r.read_data("azapi_resource", &unknown).await.value.unwrap().is_known());
    let missing = r.config(
        Mode::Data,
        "azapi_resource",
        r#"{ type = "Microsoft.Resources/resourceGroups@2021-04-01", name = "nope" }"#,
    );
    assert!(r.read_data("azapi_resource", &missing).await.diags.has_errors());
}

#[tokio::test]
async fn client_config_names_the_subscription_and_tenant() {
    let mut r = Run::new();
    let cfg = r.config(Mode::Data, "azapi_client_config", "{}");
    let v = r.read_data("azapi_client_config", &cfg).await.value.unwrap();
    assert_eq!(s(&v, "subscription_id"), Some(SUBSCRIPTION));
    assert_eq!(s(&v, "tenant_id"), Some(TENANT));
    assert_eq!(s(&v, "object_id"), Some("33333333-3333-3333-3333-333333333333"));
    assert_eq!(
        s(&v, "subscription_resource_id"),
        Some(format!("/subscriptions/{SUBSCRIPTION}").as_str())
    );
    // The provider block's subscription wins.
    let other = "22222222-0000-0000-0000-000000000000";
    r.provider = ProviderConfig {
        alias: None,
        value: eval_standalone(&format!(r#"{{ subscription_id = "{other}" }}"#)).unwrap(),
    };
    let v = r.read_data("azapi_client_config", &cfg).await.value.unwrap();
    assert_eq!(s(&v, "subscription_id"), Some(other));
    let rg = r.plan("azapi_resource", None, &r.config(Mode::Managed, "azapi_resource", RG));
    assert_eq!(
        s(&rg.planned, "id"),
        Some(format!("/subscriptions/{other}/resourceGroups/rg1").as_str())
    );
}

#[tokio::test]
async fn an_update_resource_turns_on_a_cluster_feature_and_keeps_the_rest() {
    let r = Run::new();
    r.arm(Method::Put, &rg_id("rg1"), Some(json!({"location": "westeurope"})))
        .await;
    let cluster_cfg = r.config(
        Mode::Managed,
        "azapi_resource",
        &CLUSTER
            .replace("PARENT", &rg_id("rg1"))
            .replace("identity {\n    type = \"SystemAssigned\"\n  }", ""),
    );
    let cluster = r.create("azapi_resource", &cluster_cfg).await;
    let id = s(&cluster, "id").unwrap().to_string();
    let cfg = r.config(
        Mode::Managed,
        "azapi_update_resource",
        &format!(
            r#"{{
  type = "Microsoft.ContainerService/managedClusters@2024-05-01"
  resource_id = "{id}"
  body = {{ properties = {{ oidcIssuerProfile = {{ enabled = true }} }} }}
}}"#
        ),
    );
    let state = r.create("azapi_update_resource", &cfg).await;
    let doc = r.arm(Method::Get, &id, None).await;
    assert_eq!(doc["properties"]["oidcIssuerProfile"]["enabled"], true);
    assert_eq!(doc["properties"]["kubernetesVersion"], "1.31");
    assert_eq!(doc["properties"]["agentPoolProfiles"][0]["name"], "system");
    r.assert_clean("azapi_update_resource", &state, &cfg);
    // The cluster's own resource sees no drift: its body does not set the feature.
    let refreshed = r.read("azapi_resource", &cluster).await.value.unwrap();
    r.assert_clean("azapi_resource", &r.stored("azapi_resource", &refreshed), &cluster_cfg);
}
