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
//! one reference among several, as its overlay's id template says; the
//! overlay's ARM type and api-version are the holder's. This file knows the
//! associations as a table; it must not know anything else of a type.

use super::super::arm_diagnostic;
use super::keep::WRITES;
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
    /// The ARM type of the holder.
    pub holder_type: &'static str,
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

const TABLE: &[(&str, Association)] = &[
    (
        "azurerm_subnet_network_security_group_association",
        Association {
            holder_type: SUBNETS,
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
        let holder = parent.split('.').filter(|k| !k.is_empty()).try_fold(doc, |d, k| d.get_mut(k));
        let Some(o) = holder.and_then(Json::as_object_mut) else { return };
        if !self.many {
            o.remove(last);
        } else if let Some(list) = o.get_mut(last).and_then(Json::as_array_mut) {
            list.retain(|r| !r.get("id").and_then(Json::as_str).is_some_and(|i| ids_equal(i, referent)));
        }
    }
}

/// What a request needs: the association, the api-version of its holder.
fn parts(schema: &Schema) -> Result<(&'static Association, &str, &str), Diagnostic> {
    match (of(&schema.name), schema.arm.as_ref()) {
        (Some(a), Some(arm)) => Ok((a, arm.id.as_str(), arm.api_version.as_str())),
        _ => Err(Diagnostic::error(format!(
            "{} is handled as an association but has no holder: this is a bug in aksplan",
            schema.name
        ))),
    }
}

fn request(method: Method, path: &str, api_version: &str, body: Option<Json>) -> ArmRequest {
    ArmRequest {
        method,
        path: path.to_string(),
        api_version: api_version.to_string(),
        body,
    }
}

/// The holder and referent ids an association's value or id names.
fn ends(a: &Association, template: &str, value: &Value) -> Option<(String, String)> {
    let attr = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_string);
    let parsed = value
        .get("id")
        .and_then(Value::as_str)
        .and_then(|id| mapper::parse_id(template, id))
        .unwrap_or_default();
    let from_id = |k: &str| parsed.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let holder = attr(a.holder).or_else(|| from_id(a.holder))?;
    let referent = attr(a.referent).or_else(|| from_id(a.referent)).unwrap_or_default();
    Some((holder, referent))
}

/// The association's value as its holder's body shows it; `None` when the
/// body no longer holds the reference.
fn value_of(schema: &Schema, a: &Association, template: &str, doc: &Json, prior: &Value, referent: &str) -> Option<Value> {
    let refs = a.references(doc);
    let found = if a.many {
        refs.into_iter().find(|r| ids_equal(r, referent))?
    } else {
        refs.into_iter().next()?
    };
    let holder = doc.get("id").and_then(Json::as_str).unwrap_or_default().to_string();
    // What the holder does not say (timeouts) is kept from before.
    let mut value = mapper::from_arm(&schema.block, &json!({}), Some(prior));
    super::set(&mut value, a.holder, Value::string(holder));
    super::set(&mut value, a.referent, Value::string(found));
    let id = mapper::build_id(template, &value, "").unwrap_or_default();
    super::set(&mut value, "id", Value::string(id));
    Some(value)
}

pub async fn read<C: ArmClient>(client: &C, schema: &Schema, prior: &Value) -> ReadResponse {
    let (a, template, api) = match parts(schema) {
        Ok(p) => p,
        Err(d) => return ReadResponse::error(d),
    };
    let Some((holder, referent)) = ends(a, template, prior) else {
        return ReadResponse::default();
    };
    match client.send(request(Method::Get, &holder, api, None)).await {
        Ok(r) => match value_of(schema, a, template, &r.body, prior, &referent) {
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
    let (a, template, api) = match parts(schema) {
        Ok(p) => p,
        Err(d) => return failed(d),
    };
    let Some((holder, referent)) = ends(a, template, planned).filter(|(_, r)| !r.is_empty()) else {
        return failed(Diagnostic::error("Cannot apply: the ids the association joins are not known"));
    };
    let _held = WRITES.lock().await;
    let mut doc = match client.send(request(Method::Get, &holder, api, None)).await {
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
        let id = planned.get("id").and_then(Value::as_str).unwrap_or(&holder).to_string();
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
    match client.send(request(Method::Put, &holder, api, Some(doc))).await {
        Ok(r) => ApplyResponse {
            value: value_of(schema, a, template, &r.body, planned, &referent).or_else(|| Some(planned.clone())),
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
    let (a, template, api) = match parts(schema) {
        Ok(p) => p,
        Err(d) => return kept(d),
    };
    let Some((holder, referent)) = ends(a, template, prior) else {
        return ApplyResponse::default();
    };
    let _held = WRITES.lock().await;
    let mut doc = match client.send(request(Method::Get, &holder, api, None)).await {
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
    match client.send(request(Method::Put, &holder, api, Some(doc))).await {
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
        assert_eq!(kept_by("Microsoft.Network/natGateways"), vec!["properties.publicIpAddresses"]);
        assert!(of("azurerm_subnet").is_none());
    }

    #[test]
    fn the_ends_come_from_the_value_or_from_a_composite_id() {
        let a = of("azurerm_nat_gateway_public_ip_association").unwrap();
        let template = "{nat_gateway_id}|{public_ip_address_id}";
        let id = Value::Object(
            [(
                "id".to_string(),
                Value::string("/s/x/natGateways/n|/s/x/publicIPAddresses/p"),
            )]
            .into(),
        );
        assert_eq!(
            ends(a, template, &id),
            Some(("/s/x/natGateways/n".into(), "/s/x/publicIPAddresses/p".into()))
        );
    }
}
