//! `azapi_resource` against the simulation.

use super::*;

#[tokio::test]
async fn a_resource_group_and_a_vnet_with_a_subnet_round_trip() {
    let r = Run::new();
    let rg_cfg = r.config(Mode::Managed, "azapi_resource", RG);
    let planned = r.plan("azapi_resource", None, &rg_cfg);
    // The parent defaults to the subscription, and the id is known at plan.
    assert_eq!(s(&planned.planned, "id"), Some(rg_id("rg1").as_str()));
    assert_eq!(
        s(&planned.planned, "parent_id"),
        Some(format!("/subscriptions/{SUBSCRIPTION}").as_str())
    );
    assert!(!planned.planned.get("output").unwrap().is_known());
    let rg = r.create("azapi_resource", &rg_cfg).await;
    assert_eq!(s(&rg, "location"), Some("West Europe"));
    r.assert_clean("azapi_resource", &rg, &rg_cfg);
    // `westeurope` is the same region: no change, and no replacement.
    let lower = r.config(
        Mode::Managed,
        "azapi_resource",
        &RG.replace("West Europe", "westeurope"),
    );
    r.assert_clean("azapi_resource", &rg, &lower);

    let vnet_cfg = r.config(Mode::Managed, "azapi_resource", &vnet(r#"["10.0.0.0/16"]"#));
    let v = r.create("azapi_resource", &vnet_cfg).await;
    let vnet_id = s(&v, "id").unwrap().to_string();
    assert_eq!(
        vnet_id,
        format!("{}/providers/Microsoft.Network/virtualNetworks/vnet1", rg_id("rg1"))
    );
    let stored = r.arm(Method::Get, &vnet_id, None).await;
    assert_eq!(
        stored["properties"]["addressSpace"]["addressPrefixes"],
        json!(["10.0.0.0/16"])
    );
    assert_eq!(stored["location"], "westeurope");
    // The output holds what response_export_values asks for.
    let guid = s(&v, "output.properties.resourceGuid").expect("the exported GUID");
    assert_eq!(Some(guid), stored["properties"]["resourceGuid"].as_str());
    r.assert_clean("azapi_resource", &v, &vnet_cfg);

    let sub_cfg = r.config(Mode::Managed, "azapi_resource", &subnet(&vnet_id));
    let sn = r.create("azapi_resource", &sub_cfg).await;
    assert_eq!(s(&sn, "id"), Some(format!("{vnet_id}/subnets/nodes").as_str()));
    assert!(sn.get("location").unwrap().is_null());
    r.assert_clean("azapi_resource", &sn, &sub_cfg);
    // The parent's id in another case is the same parent.
    let upper = r.config(Mode::Managed, "azapi_resource", &subnet(&vnet_id.replace("rg1", "RG1")));
    r.assert_clean("azapi_resource", &sn, &upper);

    // Destroying deletes, child first.
    for (state, id) in [(&sn, format!("{vnet_id}/subnets/nodes")), (&v, vnet_id.clone())] {
        let d = r.apply("azapi_resource", Some(state), None).await;
        assert_no_errors(&d.diags);
        assert!(d.value.is_none());
        let e =
            r.p.client
                .send(ArmRequest {
                    method: Method::Get,
                    path: id,
                    api_version: "2024-01-01".into(),
                    body: None,
                })
                .await
                .unwrap_err();
        assert!(e.is_not_found());
    }
}

#[tokio::test]
async fn a_body_change_updates_in_place_and_a_new_name_replaces() {
    let r = Run::new();
    r.create("azapi_resource", &r.config(Mode::Managed, "azapi_resource", RG))
        .await;
    let v = r
        .create(
            "azapi_resource",
            &r.config(Mode::Managed, "azapi_resource", &vnet(r#"["10.0.0.0/16"]"#)),
        )
        .await;

    let wider = r.config(
        Mode::Managed,
        "azapi_resource",
        &vnet(r#"["10.0.0.0/16", "10.1.0.0/16"]"#),
    );
    let p = r.plan("azapi_resource", Some(&v), &wider);
    assert!(p.replace_paths.is_empty(), "{:?}", p.replace_paths);
    assert!(differs(&v, &p.planned));
    assert_eq!(s(&p.planned, "id"), s(&v, "id"));
    assert!(!p.planned.get("output").unwrap().is_known());
    let applied = r.apply("azapi_resource", Some(&v), Some(&p.planned)).await;
    assert_no_errors(&applied.diags);
    let after = r.stored("azapi_resource", &applied.value.unwrap());
    let stored = r.arm(Method::Get, s(&v, "id").unwrap(), None).await;
    assert_eq!(
        stored["properties"]["addressSpace"]["addressPrefixes"],
        json!(["10.0.0.0/16", "10.1.0.0/16"])
    );
    let refreshed = r.stored("azapi_resource", &r.read("azapi_resource", &after).await.value.unwrap());
    r.assert_clean("azapi_resource", &refreshed, &wider);

    // A new api-version updates; a new name, parent or resource type replaces.
    let newer = r.config(
        Mode::Managed,
        "azapi_resource",
        &vnet(r#"["10.0.0.0/16", "10.1.0.0/16"]"#).replace("2024-01-01", "2024-05-01"),
    );
    let p = r.plan("azapi_resource", Some(&refreshed), &newer);
    assert!(p.replace_paths.is_empty());
    assert!(differs(&refreshed, &p.planned));
    let renamed = r.config(
        Mode::Managed,
        "azapi_resource",
        &vnet(r#"["10.0.0.0/16", "10.1.0.0/16"]"#).replace("vnet1", "vnet2"),
    );
    let p = r.plan("azapi_resource", Some(&refreshed), &renamed);
    assert_eq!(p.replace_paths, vec!["name".to_string()]);
    assert!(s(&p.planned, "id").unwrap().ends_with("/vnet2"));
    let moved = r.config(
        Mode::Managed,
        "azapi_resource",
        &vnet(r#"["10.0.0.0/16", "10.1.0.0/16"]"#).replace("West Europe", "North Europe"),
    );
    assert_eq!(
        r.plan("azapi_resource", Some(&refreshed), &moved).replace_paths,
        vec!["location".to_string()]
    );
}

#[tokio::test]
async fn drift_is_limited_to_what_the_body_sets() {
    let r = Run::new();
    r.create("azapi_resource", &r.config(Mode::Managed, "azapi_resource", RG))
        .await;
    let cfg = r.config(Mode::Managed, "azapi_resource", &vnet(r#"["10.0.0.0/16"]"#));
    let v = r.create("azapi_resource", &cfg).await;
    let id = s(&v, "id").unwrap().to_string();
    // Someone adds DNS servers, which the body does not set: no drift.
    let mut doc = r.arm(Method::Get, &id, None).await;
    doc["properties"]["dhcpOptions"] = json!({"dnsServers": ["10.0.0.4"]});
    r.arm(Method::Put, &id, Some(doc.clone())).await;
    let read = r.stored("azapi_resource", &r.read("azapi_resource", &v).await.value.unwrap());
    r.assert_clean("azapi_resource", &read, &cfg);
    // Someone changes the address space, which it sets: an update puts it back.
    doc["properties"]["addressSpace"]["addressPrefixes"] = json!(["10.9.0.0/16"]);
    r.arm(Method::Put, &id, Some(doc)).await;
    let read = r.stored("azapi_resource", &r.read("azapi_resource", &v).await.value.unwrap());
    assert_eq!(
        read.get("body").unwrap().to_json()["properties"]["addressSpace"]["addressPrefixes"],
        json!(["10.9.0.0/16"])
    );
    let p = r.plan("azapi_resource", Some(&read), &cfg);
    assert!(p.replace_paths.is_empty());
    assert!(differs(&read, &p.planned));
    // A resource deleted behind aksplan's back reads as gone.
    r.arm(Method::Delete, &id, None).await;
    assert!(r.read("azapi_resource", &v).await.value.is_none());
}

#[tokio::test]
async fn creating_over_an_existing_resource_is_refused() {
    let r = Run::new();
    r.arm(Method::Put, &rg_id("rg1"), Some(json!({"location": "westeurope"})))
        .await;
    let cfg = r.config(Mode::Managed, "azapi_resource", RG);
    let p = r.plan("azapi_resource", None, &cfg);
    let a = r.apply("azapi_resource", None, Some(&p.planned)).await;
    assert!(a.value.is_none());
    let d = a.diags.iter().next().unwrap();
    assert_eq!(d.summary, "Resource already exists");
    assert!(d.detail.contains("imported"), "{}", d.detail);
}

#[test]
fn a_misspelt_property_of_a_cluster_body_warns_at_plan() {
    let r = Run::new();
    let cfg = r.config(
        Mode::Managed,
        "azapi_resource",
        &CLUSTER
            .replace("PARENT", &rg_id("rg1"))
            .replace("identity {\n    type = \"SystemAssigned\"\n  }", "")
            .replace("kubernetesVersion", "kubernetesVersoin"),
    );
    let p = r.plan("azapi_resource", None, &cfg);
    assert_no_errors(&p.diags);
    let typo = p
        .diags
        .iter()
        .find(|d| d.summary.contains("kubernetesVersoin"))
        .expect("a warning for the misspelt property");
    assert!(
        typo.detail.contains("did you mean properties.kubernetesVersion?"),
        "{}",
        typo.detail
    );
    // schema_validation_enabled = false turns the check off.
    let off = r.config(
        Mode::Managed,
        "azapi_resource",
        &CLUSTER
            .replace("PARENT", &rg_id("rg1"))
            .replace(
                "identity {\n    type = \"SystemAssigned\"\n  }",
                "schema_validation_enabled = false",
            )
            .replace("kubernetesVersion", "kubernetesVersoin"),
    );
    assert!(r.plan("azapi_resource", None, &off).diags.is_empty());
}
#[test]
fn configurations_azapi_refuses_are_refused() {
    let r = Run::new();
    let schema = r.schema(Mode::Managed, "azapi_resource");
    let validate = |hcl: &str| {
        let config = r.config(Mode::Managed, "azapi_resource", hcl);
        r.p.validate(ValidateRequest {
            schema,
            config: &config,
        })
    };
    // A 1.x body written with jsonencode.
    let d = validate(&format!(
        r#"{{ type = "Microsoft.Network/virtualNetworks@2024-01-01", name = "v", parent_id = "{}",
            body = jsonencode({{ properties = {{}} }}) }}"#,
        rg_id("rg1")
    ));
    assert_eq!(d.iter().next().map(|d| d.summary.as_str()), Some("Invalid Type"));
    // No parent for a type that needs one; a type without an api-version.
    let d = validate(r#"{ type = "Microsoft.Network/virtualNetworks@2024-01-01", name = "v" }"#);
    assert!(
        d.iter().any(|d| d.detail.contains("\"parent_id\" is required")),
        "{d:?}"
    );
    let d = validate(r#"{ type = "Microsoft.Network/virtualNetworks", name = "v", parent_id = "/subscriptions/x" }"#);
    assert!(
        d.iter().any(|d| d.detail.contains("<resource-type>@<api-version>")),
        "{d:?}"
    );
    // Tags both as an argument and in the body.
    let d = validate(&format!(
        r#"{{ type = "Microsoft.Network/virtualNetworks@2024-01-01", name = "v", parent_id = "{}",
            tags = {{ a = "b" }}, body = {{ tags = {{ a = "b" }} }} }}"#,
        rg_id("rg1")
    ));
    assert!(d.iter().any(|d| d.detail.contains("\"tags\"")), "{d:?}");
    // A subnet under a resource group is no subnet.
    let cfg = r.config(Mode::Managed, "azapi_resource", &subnet(&rg_id("rg1")));
    assert!(r.plan("azapi_resource", None, &cfg).diags.has_errors());
    // azapi_update_resource needs one target.
    let u = r.config(
        Mode::Managed,
        "azapi_update_resource",
        r#"{ type = "Microsoft.Resources/resourceGroups@2021-04-01", body = {} }"#,
    );
    let d = r.p.validate(ValidateRequest {
        schema: r.schema(Mode::Managed, "azapi_update_resource"),
        config: &u,
    });
    assert!(
        d.iter().any(|d| d.detail.contains("\"name\" or \"resource_id\"")),
        "{d:?}"
    );
}
#[tokio::test]
async fn an_existing_resource_imports_by_id_and_api_version() {
    let r = Run::new();
    r.arm(
        Method::Put,
        &rg_id("rg1"),
        Some(json!({"location": "westeurope", "tags": {"a": "b"}})),
    )
    .await;
    let missing_version = r.import(&rg_id("rg1")).await;
    assert!(missing_version.diags.has_errors());
    let v = r
        .import(&format!("{}?api-version=2021-04-01", rg_id("rg1")))
        .await
        .value
        .unwrap();
    assert_eq!(s(&v, "type"), Some("Microsoft.Resources/resourceGroups@2021-04-01"));
    assert_eq!(s(&v, "name"), Some("rg1"));
    assert_eq!(s(&v, "location"), Some("westeurope"));
    assert_eq!(s(&v, "tags.a"), Some("b"));
    let cfg = r.config(
        Mode::Managed,
        "azapi_resource",
        r#"{ type = "Microsoft.Resources/resourceGroups@2021-04-01", name = "rg1", location = "westeurope", tags = { a = "b" }, body = {} }"#,
    );
    let state = r.stored("azapi_resource", &v);
    let p = r.plan("azapi_resource", Some(&state), &cfg);
    assert!(p.replace_paths.is_empty(), "{:?}", p.replace_paths);
}
#[tokio::test]
async fn a_type_the_simulation_has_no_rules_for_passes_through() {
    let r = Run::new();
    r.arm(Method::Put, &rg_id("rg1"), Some(json!({"location": "westeurope"})))
        .await;
    let zone = r.config(
        Mode::Managed,
        "azapi_resource",
        &format!(
            r#"{{
  type = "Microsoft.Network/privateDnsZones@2024-06-01"
  name = "privatelink.westeurope.azmk8s.io"
  parent_id = "{}"
  location = "global"
  tags = {{ purpose = "aks" }}
}}"#,
            rg_id("rg1")
        ),
    );
    let z = r.create("azapi_resource", &zone).await;
    let doc = r.arm(Method::Get, s(&z, "id").unwrap(), None).await;
    assert_eq!(doc["tags"]["purpose"], "aks");
    assert_eq!(doc["location"], "global");
    r.assert_clean("azapi_resource", &z, &zone);

    // A namespace the subscription has not registered is Azure's refusal.
    let registry = r.config(
        Mode::Managed,
        "azapi_resource",
        &format!(
            r#"{{
  type = "Microsoft.ContainerRegistry/registries@2023-07-01"
  name = "acr1"
  parent_id = "{}"
  location = "westeurope"
  body = {{ sku = {{ name = "Basic" }} }}
}}"#,
            rg_id("rg1")
        ),
    );
    let p = r.plan("azapi_resource", None, &registry);
    let a = r.apply("azapi_resource", None, Some(&p.planned)).await;
    assert!(a.value.is_none());
    let d = a.diags.iter().next().unwrap();
    assert!(d.detail.contains("MissingSubscriptionRegistration"), "{}", d.detail);
}
