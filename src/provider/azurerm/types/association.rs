//! Associations: azurerm types that are no ARM resource of their own but a
//! reference one resource (the holder) keeps to another: a subnet's network
//! security group, route table or NAT gateway; a public address among a NAT
//! gateway's. As azurerm does, creating one reads the holder, sets (or adds)
//! the reference and writes the holder back; reading finds the reference or
//! reports the association gone; deleting takes the reference away and
//! leaves the holder. The holder's own updates keep the reference
//! ([`kept_by`], [`super::keep`]).
//!
//! The association's id is the holder's id, or `{holder}|{referent}` for
//! one reference among several, as azurerm makes them; it is known after
//! apply. Having no ARM resource, an association's overlay has no `arm`:
//! the holder's type and api-version are in this file's table, which is
//! all this file knows of any type.

use super::super::arm_diagnostic;
use super::keep;
use crate::diag::Diagnostic;
use crate::lang::Value;
use crate::provider::arm::{ids_equal, ArmClient, ArmRequest, Method};
use crate::provider::azurerm::mapper;
use crate::provider::protocol::{ApplyResponse, ReadResponse};
use crate::schema::Schema;
use serde_json::{json, Value as Json};

/// A reference an association sets on its holder.
#[derive(Debug)]
pub struct Association {
    /// The ARM type of the holder, and the api-version azurerm 4.65 writes
    /// it with.
    pub holder_type: &'static str,
    pub api_version: &'static str,
    /// The attribute holding the holder's id.
    pub holder: &'static str,
    /// The attribute holding the id referred to.
    pub referent: &'static str,
    /// Where the holder keeps it: `{"id": ...}` at this path of its body,
    /// or, with `many`, one such object in a list there.
    pub at: &'static str,
    pub many: bool,
}

const SUBNETS: &str = "Microsoft.Network/virtualNetworks/subnets";
/// azurerm 4.65 writes subnets and NAT gateways with the 2025-01-01 SDK.
const NETWORK_API: &str = "2025-01-01";

const TABLE: &[(&str, Association)] = &[
    (
        "azurerm_subnet_network_security_group_association",
        Association {
            holder_type: SUBNETS,
            api_version: NETWORK_API,
            holder: "subnet_id",
            referent: "network_security_group_id",
            at: "properties.networkSecurityGroup",
            many: false,
        },
    ),
    (
        "azurerm_subnet_route_table_association",
        Association {
            holder_type: SUBNETS,
            api_version: NETWORK_API,
            holder: "subnet_id",
            referent: "route_table_id",
            at: "properties.routeTable",
            many: false,
        },
    ),
    (
        "azurerm_subnet_nat_gateway_association",
        Association {
            holder_type: SUBNETS,
            api_version: NETWORK_API,
            holder: "subnet_id",
            referent: "nat_gateway_id",
            at: "properties.natGateway",
            many: false,
        },
    ),
    (
        "azurerm_nat_gateway_public_ip_association",
        Association {
            holder_type: "Microsoft.Network/natGateways",
            api_version: NETWORK_API,
            holder: "nat_gateway_id",
            referent: "public_ip_address_id",
            at: "properties.publicIpAddresses",
            many: true,
        },
    ),
];

/// The association a type is, if it is one.
pub fn of(type_name: &str) -> Option<&'static Association> {
    TABLE.iter().find(|(t, _)| *t == type_name).map(|(_, a)| a)
}

/// The paths of a holder's body that associations set: its updates keep them.
pub fn kept_by(holder_type: &str) -> Vec<&'static str> {
    TABLE
        .iter()
        .filter(|(_, a)| a.holder_type.eq_ignore_ascii_case(holder_type))
        .map(|(_, a)| a.at)
        .collect()
}

fn get<'j>(doc: &'j Json, path: &str) -> Option<&'j Json> {
    path.split('.').try_fold(doc, |d, k| d.get(k)).filter(|v| !v.is_null())
}

impl Association {
    /// The ids the holder's body refers to at the association's path.
    fn references(&self, doc: &Json) -> Vec<String> {
        let id_of = |o: &Json| o.get("id").and_then(Json::as_str).map(str::to_string);
        match get(doc, self.at) {
            Some(Json::Array(items)) if self.many => items.iter().filter_map(id_of).collect(),
            Some(o) if !self.many => id_of(o).into_iter().collect(),
            _ => Vec::new(),
        }
    }

    /// Sets the reference in the holder's body.
    fn add(&self, doc: &mut Json, referent: &str) {
        let (parent, last) = self.at.rsplit_once('.').unwrap_or(("", self.at));
        let mut holder = doc;
        for k in parent.split('.').filter(|k| !k.is_empty()) {
            if !holder.is_object() {
                *holder = json!({});
            }
            let Some(m) = holder.as_object_mut() else { return };
            holder = m.entry(k.to_string()).or_insert(Json::Null);
        }
        if !holder.is_object() {
            *holder = json!({});
        }
        let Some(o) = holder.as_object_mut() else { return };
        let reference = json!({ "id": referent });
        match o.get_mut(last).and_then(Json::as_array_mut) {
            Some(list) if self.many => list.push(reference),
            _ if self.many => {
                o.insert(last.to_string(), json!([reference]));
            }
            _ => {
                o.insert(last.to_string(), reference);
            }
        }
    }

    /// Takes the reference out of the holder's body.
    fn remove(&self, doc: &mut Json, referent: &str) {
        let (parent, last) = self.at.rsplit_once('.').unwrap_or(("", self.at));
        let holder = parent
            .split('.')
            .filter(|k| !k.is_empty())
            .try_fold(doc, |d, k| d.get_mut(k));
        let Some(o) = holder.and_then(Json::as_object_mut) else {
            return;
        };
        if !self.many {
            o.remove(last);
        } else if let Some(list) = o.get_mut(last).and_then(Json::as_array_mut) {
            list.retain(|r| {
                !r.get("id")
                    .and_then(Json::as_str)
                    .is_some_and(|i| ids_equal(i, referent))
            });
        }
    }
}

/// The association a schema is.
fn association(schema: &Schema) -> Result<&'static Association, Diagnostic> {
    of(&schema.name).ok_or_else(|| {
        Diagnostic::error(format!(
            "{} is handled as an association but is none: this is a bug in aksplan",
            schema.name
        ))
    })
}

fn request(a: &Association, method: Method, path: &str, body: Option<Json>) -> ArmRequest {
    ArmRequest {
        method,
        path: path.to_string(),
        api_version: a.api_version.to_string(),
        body,
    }
}

impl Association {
    /// The association's id, as azurerm makes it.
    fn id(&self, holder: &str, referent: &str) -> String {
        if self.many {
            format!("{holder}|{referent}")
        } else {
            holder.to_string()
        }
    }

    /// The holder and referent ids a value names, in its attributes or its
    /// id (an import knows the id alone); the referent is empty when the
    /// id of a single reference cannot say it.
    fn ends(&self, value: &Value) -> Option<(String, String)> {
        let attr = |k: &str| {
            value
                .get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let id = attr("id").unwrap_or_default();
        let (id_holder, id_referent) = match id.split_once('|') {
            Some((h, r)) if self.many => (h.to_string(), r.to_string()),
            _ => (id.clone(), String::new()),
        };
        let holder = attr(self.holder).or(Some(id_holder).filter(|h| !h.is_empty()))?;
        let referent = attr(self.referent).unwrap_or(id_referent);
        Some((holder, referent))
    }
}

/// The association's value as its holder's body shows it; `None` when the
/// body no longer holds the reference.
fn value_of(
    schema: &Schema,
    a: &Association,
    doc: &Json,
    prior: &Value,
    holder: &str,
    referent: &str,
) -> Option<Value> {
    let refs = a.references(doc);
    let found = if a.many {
        refs.into_iter().find(|r| ids_equal(r, referent))?
    } else {
        refs.into_iter().next()?
    };
    // The holder's id as the request named it: azurerm keeps the id it parsed.
    let holder = if a.many {
        holder.to_string()
    } else {
        doc.get("id").and_then(Json::as_str).unwrap_or(holder).to_string()
    };
    // What the holder does not say (timeouts) is kept from before.
    let mut value = mapper::from_arm(&schema.block, &json!({}), Some(prior));
    super::set(&mut value, "id", Value::string(a.id(&holder, &found)));
    super::set(&mut value, a.holder, Value::string(holder));
    super::set(&mut value, a.referent, Value::string(found));
    Some(value)
}

pub async fn read<C: ArmClient>(client: &C, schema: &Schema, prior: &Value) -> ReadResponse {
    let a = match association(schema) {
        Ok(a) => a,
        Err(d) => return ReadResponse::error(d),
    };
    let Some((holder, referent)) = a.ends(prior) else {
        return ReadResponse::default();
    };
    let got = crate::provider::arm::resource_type(&holder);
    if !got.eq_ignore_ascii_case(a.holder_type) {
        return ReadResponse::error(
            Diagnostic::error(format!("{} is set on a {}", schema.name, a.holder_type))
                .with_detail(format!("{holder} is a {got}")),
        );
    }
    match client.send(request(a, Method::Get, &holder, None)).await {
        Ok(r) => match value_of(schema, a, &r.body, prior, &holder, &referent) {
            Some(v) => ReadResponse::found(v),
            None => ReadResponse::default(),
        },
        Err(e) if e.is_not_found() => ReadResponse::default(),
        Err(e) => ReadResponse::error(arm_diagnostic(&e)),
    }
}

pub async fn apply<C: ArmClient>(client: &C, schema: &Schema, planned: &Value) -> ApplyResponse {
    let failed = |d: Diagnostic| ApplyResponse {
        value: None,
        diags: d.into(),
    };
    let a = match association(schema) {
        Ok(a) => a,
        Err(d) => return failed(d),
    };
    let Some((holder, referent)) = a.ends(planned).filter(|(_, r)| !r.is_empty()) else {
        return failed(Diagnostic::error(
            "Cannot apply: the ids the association joins are not known",
        ));
    };
    let _held = keep::lock(&holder).await;
    let mut doc = match client.send(request(a, Method::Get, &holder, None)).await {
        Ok(r) => r.body,
        Err(e) if e.is_not_found() => {
            return failed(
                Diagnostic::error(format!("Cannot create {}: its holder does not exist", schema.name))
                    .with_detail(format!("{holder} was not found")),
            )
        }
        Err(e) => return failed(arm_diagnostic(&e)),
    };
    let refs = a.references(&doc);
    let taken = if a.many {
        refs.iter().any(|r| ids_equal(r, &referent))
    } else {
        !refs.is_empty()
    };
    if taken {
        let id = a.id(&holder, &referent);
        return failed(
            Diagnostic::error("A resource with this ID already exists")
                .with_detail(format!(
                    "{holder} already holds {}. To be managed by aksplan the association needs to be imported into the state; aksplan does not take over what it did not create.",
                    refs.join(", ")
                ))
                .with_help(format!(
                    "add an import block, then plan again:\n  import {{\n    to = <this resource's address>\n    id = \"{id}\"\n  }}"
                )),
        );
    }
    a.add(&mut doc, &referent);
    match client.send(request(a, Method::Put, &holder, Some(doc))).await {
        Ok(r) => ApplyResponse {
            value: value_of(schema, a, &r.body, planned, &holder, &referent).or_else(|| {
                // Azure took the write but does not show the reference: what
                // was asked is recorded, and the next read says otherwise.
                let mut v = planned.clone();
                super::set(&mut v, "id", Value::string(a.id(&holder, &referent)));
                Some(v)
            }),
            diags: Default::default(),
        },
        Err(e) => failed(arm_diagnostic(&e)),
    }
}

pub async fn delete<C: ArmClient>(client: &C, schema: &Schema, prior: &Value) -> ApplyResponse {
    let kept = |d: Diagnostic| ApplyResponse {
        value: Some(prior.clone()),
        diags: d.into(),
    };
    let a = match association(schema) {
        Ok(a) => a,
        Err(d) => return kept(d),
    };
    let Some((holder, referent)) = a.ends(prior) else {
        return ApplyResponse::default();
    };
    let _held = keep::lock(&holder).await;
    let mut doc = match client.send(request(a, Method::Get, &holder, None)).await {
        Ok(r) => r.body,
        Err(e) if e.is_not_found() => return ApplyResponse::default(),
        Err(e) => return kept(arm_diagnostic(&e)),
    };
    let refs = a.references(&doc);
    let held = if a.many {
        refs.iter().any(|r| ids_equal(r, &referent))
    } else {
        !refs.is_empty()
    };
    if !held {
        return ApplyResponse::default();
    }
    a.remove(&mut doc, &referent);
    match client.send(request(a, Method::Put, &holder, Some(doc))).await {
        Ok(_) => ApplyResponse::default(),
        Err(e) if e.is_not_found() => ApplyResponse::default(),
        Err(e) => kept(arm_diagnostic(&e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_is_set_and_taken_away_without_touching_the_rest() {
        let a = of("azurerm_subnet_network_security_group_association").unwrap();
        let mut doc = json!({"id": "/s", "properties": {"addressPrefix": "10.0.0.0/24"}});
        a.add(&mut doc, "/nsg");
        assert_eq!(a.references(&doc), vec!["/nsg"]);
        a.remove(&mut doc, "/NSG");
        assert_eq!(doc, json!({"id": "/s", "properties": {"addressPrefix": "10.0.0.0/24"}}));
    }

    #[test]
    fn one_reference_among_several() {
        let a = of("azurerm_nat_gateway_public_ip_association").unwrap();
        let mut doc = json!({"properties": {"publicIpAddresses": [{"id": "/pip1"}]}});
        a.add(&mut doc, "/pip2");
        assert_eq!(a.references(&doc), vec!["/pip1", "/pip2"]);
        a.remove(&mut doc, "/pip1");
        assert_eq!(doc["properties"]["publicIpAddresses"], json!([{"id": "/pip2"}]));
    }

    #[test]
    fn holders_keep_what_associations_set() {
        assert_eq!(
            kept_by("microsoft.network/virtualnetworks/subnets"),
            vec![
                "properties.networkSecurityGroup",
                "properties.routeTable",
                "properties.natGateway"
            ]
        );
        assert_eq!(
            kept_by("Microsoft.Network/natGateways"),
            vec!["properties.publicIpAddresses"]
        );
        assert!(of("azurerm_subnet").is_none());
    }

    #[test]
    fn ids_are_azurerms_and_an_import_knows_the_ends_from_the_id() {
        let nat = of("azurerm_nat_gateway_public_ip_association").unwrap();
        let composite = "/s/x/natGateways/n|/s/x/publicIPAddresses/p";
        assert_eq!(nat.id("/s/x/natGateways/n", "/s/x/publicIPAddresses/p"), composite);
        let imported = Value::Object([("id".to_string(), Value::string(composite))].into());
        assert_eq!(
            nat.ends(&imported),
            Some(("/s/x/natGateways/n".into(), "/s/x/publicIPAddresses/p".into()))
        );
        let nsg = of("azurerm_subnet_network_security_group_association").unwrap();
        assert_eq!(nsg.id("/s/subnets/a", "/nsg"), "/s/subnets/a");
        let imported = Value::Object([("id".to_string(), Value::string("/s/subnets/a"))].into());
        assert_eq!(nsg.ends(&imported), Some(("/s/subnets/a".into(), String::new())));
    }
}
