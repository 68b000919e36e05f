//! `data azurerm_client_config`: the subscription, tenant and identity
//! aksplan runs as.

use crate::lang::value::Map;
use crate::lang::Value;

/// The simulated identity's ids: the credential does not say which
/// principal it is, and the simulation has one.
const CLIENT_ID: &str = "22222222-2222-2222-2222-222222222222";
const OBJECT_ID: &str = "33333333-3333-3333-3333-333333333333";

pub fn client_config(subscription: &str, tenant: &str) -> Value {
    let s = |v: &str| Value::string(v);
    Value::Object(Map::from([
        ("id".into(), s(&format!("clientConfigs/{subscription}"))),
        ("subscription_id".into(), s(subscription)),
        ("tenant_id".into(), s(tenant)),
        ("client_id".into(), s(CLIENT_ID)),
        ("object_id".into(), s(OBJECT_ID)),
    ]))
}
