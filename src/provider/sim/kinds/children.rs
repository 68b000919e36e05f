//! Children a parent's body may carry inline: a network's `subnets`, a
//! security group's `securityRules`, a route table's `routes`. ARM keeps
//! each as a resource of its own, made by the parent's PUT as a PUT of the
//! child would make it; the parent's GET lists them all, those made inline
//! and those made on their own; and a parent's PUT that lists its children
//! deletes those it no longer lists. A body without the list leaves the
//! children as they are (aksplan always sends it on an update). ARM only.

use super::super::{io_error, rules, SimClient};
use crate::provider::arm::{self, ArmError};
use serde_json::{json, Value as Json};

/// Where a parent lists children of one type: `properties.{property}`,
/// the children being `{parent}/{segment}/{name}`.
#[derive(Debug, Clone, Copy)]
pub struct Inline {
    pub property: &'static str,
    pub segment: &'static str,
}

/// The children of `parent` of this kind, as a GET shows each.
pub fn list(sim: &SimClient, parent: &str, inline: Inline) -> Result<Vec<Json>, ArmError> {
    let prefix = format!("{parent}/{}/", inline.segment);
    let mut out = Vec::new();
    for doc in sim.store.descendants(parent).map_err(io_error)? {
        let id = doc.get("id").and_then(Json::as_str).unwrap_or_default().to_string();
        let under = id.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(&prefix));
        let rest = id.get(prefix.len()..).unwrap_or_default();
        if under && !rest.is_empty() && !rest.contains('/') {
            out.push(rules::on_get(sim, &id, doc)?);
        }
    }
    Ok(out)
}

/// Shows the children in the parent's body.
pub fn show(sim: &SimClient, parent: &str, doc: &mut Json, inline: Inline) -> Result<(), ArmError> {
    let children = list(sim, parent, inline)?;
    super::network::set_property(doc, inline.property, Json::Array(children));
    Ok(())
}

/// Takes the children a parent's body lists out of it: `None` when it
/// lists none (the property is absent).
pub fn take(doc: &mut Json, inline: Inline) -> Result<Option<Vec<Json>>, ArmError> {
    let Some(listed) = doc
        .get_mut("properties")
        .and_then(Json::as_object_mut)
        .and_then(|p| p.remove(inline.property))
    else {
        return Ok(None);
    };
    match listed {
        Json::Null => Ok(None),
        Json::Array(items) => Ok(Some(items)),
        other => Err(ArmError::new(
            400,
            "InvalidRequestFormat",
            format!(
                "Cannot parse the request: properties.{} must be an array, not {other}.",
                inline.property
            ),
        )),
    }
}

/// Makes `listed` the children of `parent`: those it no longer lists
/// deleted first, as a DELETE of each would (a subnet in use is refused),
/// then each listed one created or updated as a PUT of it would.
pub fn put(sim: &SimClient, parent: &str, listed: Vec<Json>, inline: Inline) -> Result<(), ArmError> {
    let mut wanted: Vec<(String, Json)> = Vec::new();
    for item in listed {
        let Some(name) = item.get("name").and_then(Json::as_str).filter(|n| !n.is_empty()) else {
            return Err(ArmError::new(
                400,
                "InvalidRequestFormat",
                format!(
                    "Cannot parse the request: each of properties.{} needs a name.",
                    inline.property
                ),
            ));
        };
        let body = json!({
            "name": name,
            "properties": item.get("properties").cloned().unwrap_or_else(|| json!({})),
        });
        wanted.push((format!("{parent}/{}/{name}", inline.segment), body));
    }
    for child in list(sim, parent, inline)? {
        let id = child.get("id").and_then(Json::as_str).unwrap_or_default().to_string();
        if !wanted.iter().any(|(w, _)| arm::ids_equal(w, &id)) {
            rules::on_delete(sim, &id, &child)?;
            sim.store.delete(&id).map_err(io_error)?;
        }
    }
    for (id, body) in wanted {
        let existing = match sim.store.get(&id).map_err(io_error)? {
            Some(doc) => Some(rules::on_get(sim, &id, doc)?),
            None => None,
        };
        let saved = rules::on_put(sim, &id, body, existing.as_ref())?;
        sim.store.put(&id, &saved).map_err(io_error)?;
    }
    Ok(())
}
