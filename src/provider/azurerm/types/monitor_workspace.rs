//! `azurerm_monitor_workspace`: public network access is `Enabled` or
//! `Disabled` in Azure, enabled when it says nothing.

use super::switch::{self, Switch};
use super::TypeHooks;
use crate::lang::Value;
use serde_json::Value as Json;

pub struct Hooks;

const SWITCHES: [Switch; 1] = [Switch {
    attribute: "public_network_access_enabled",
    pointer: "/properties/publicNetworkAccess",
    absent: Some(true),
}];

impl TypeHooks for Hooks {
    fn to_arm(&self, value: &Value, body: &mut Json) {
        switch::write(&SWITCHES, value, body);
    }

    fn read_arm(&self, doc: &Json, value: &mut Value, _subscription: &str) {
        switch::read(&SWITCHES, doc, value);
    }
}
