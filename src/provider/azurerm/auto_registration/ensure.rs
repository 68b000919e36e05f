//! Registering what the settings name, as azurerm does when it is
//! configured: one list of the subscription's namespaces, then `register`
//! for each named one that is offered and not registered yet, polled until
//! it is. Everything goes through the ARM boundary.

use super::RegistrationSettings;
use crate::diag::{Diagnostic, Diagnostics};
use crate::provider::arm::{ArmClient, ArmError, ArmRequest, Method};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::time::Duration;

/// The resource providers API version for reads and `register`.
const API_VERSION: &str = "2025-04-01";
/// How often, and how long, a namespace that is still registering is polled.
const POLL_EVERY: Duration = Duration::from_secs(10);
const POLL_FOR: Duration = Duration::from_secs(20 * 60);

fn provider_path(subscription: &str, namespace: &str) -> String {
    format!("/subscriptions/{subscription}/providers/{namespace}")
}

fn registration_state(body: &Json) -> String {
    body.get("registrationState")
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_string()
}

/// Every namespace the subscription offers (lowercase) with its
/// registration state: one list call, as azurerm makes.
async fn offered<C: ArmClient>(client: &C, subscription: &str) -> Result<HashMap<String, String>, ArmError> {
    let req = ArmRequest {
        method: Method::Get,
        path: format!("/subscriptions/{subscription}/providers"),
        api_version: API_VERSION.into(),
        body: None,
    };
    let body = client.send(req).await?.body;
    Ok(body
        .get("value")
        .and_then(Json::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|p| Some((p.get("namespace")?.as_str()?.to_lowercase(), registration_state(p))))
                .collect()
        })
        .unwrap_or_default())
}

/// Registers one namespace and waits until Azure says it is registered.
async fn register<C: ArmClient>(client: &C, subscription: &str, ns: &str) -> Result<(), ArmError> {
    let request = |method, path| ArmRequest {
        method,
        path,
        api_version: API_VERSION.into(),
        body: None,
    };
    let path = provider_path(subscription, ns);
    let answer = client.send(request(Method::Post, format!("{path}/register"))).await?;
    let mut state = registration_state(&answer.body);
    let started = std::time::Instant::now();
    while !state.eq_ignore_ascii_case("Registered") {
        if started.elapsed() > POLL_FOR {
            return Err(ArmError::new(
                408,
                "RegistrationTimeout",
                format!("{ns} was still {state:?} after {} minutes", POLL_FOR.as_secs() / 60),
            ));
        }
        tokio::time::sleep(POLL_EVERY).await;
        state = registration_state(&client.send(request(Method::Get, path.clone())).await?.body);
    }
    Ok(())
}

/// Registers, in `subscription`, the namespaces the settings name that are
/// not registered yet, as azurerm does when it is configured: it lists the
/// subscription's namespaces once, skips those the cloud does not offer,
/// and registers the rest. Every failure is reported, in one error.
pub async fn ensure<C: ArmClient>(client: &C, subscription: &str, settings: &RegistrationSettings) -> Diagnostics {
    let wanted = settings.namespaces();
    let mut diags = Diagnostics::new();
    if wanted.is_empty() {
        return diags;
    }
    let way_out = "to manage registrations yourself, set resource_provider_registrations = \"none\" in the provider \"azurerm\" block";
    let offered = match offered(client, subscription).await {
        Ok(o) => o,
        Err(e) => {
            diags.push(
                Diagnostic::error("Cannot list the subscription's resource providers")
                    .with_detail(format!(
                        "azurerm lists them to register those its settings name (resource_provider_registrations = {:?}): {e}",
                        settings.set.name()
                    ))
                    .with_help(way_out),
            );
            return diags;
        }
    };
    let missing: Vec<&String> = wanted
        .iter()
        .filter(|ns| {
            offered
                .get(&ns.to_lowercase())
                .is_some_and(|state| !state.eq_ignore_ascii_case("Registered"))
        })
        .collect();
    let results = futures::future::join_all(missing.iter().map(|ns| register(client, subscription, ns))).await;
    let mut failures = Vec::new();
    let mut forbidden = false;
    for (ns, r) in missing.iter().zip(results) {
        if let Err(e) = r {
            forbidden |= e.status == 403;
            failures.push(format!("registering {ns}: {e}"));
        }
    }
    if !failures.is_empty() {
        let summary = if forbidden {
            "No permission to register resource providers"
        } else {
            "Cannot register resource providers"
        };
        diags.push(
            Diagnostic::error(summary)
                .with_detail(format!(
                    "azurerm registers the resource providers its settings name (resource_provider_registrations = {:?}) when it is configured:\n{}",
                    settings.set.name(),
                    failures.join("\n")
                ))
                .with_help(way_out),
        );
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::super::ProviderSet;
    use super::*;
    use crate::provider::sim::SimClient;

    fn state(sim: &SimClient, ns: &str) -> String {
        let req = ArmRequest {
            method: Method::Get,
            path: provider_path(crate::provider::sim::SUBSCRIPTION, ns),
            api_version: API_VERSION.into(),
            body: None,
        };
        registration_state(&sim.handle(&req).unwrap().body)
    }

    #[test]
    fn ensure_registers_what_is_missing_and_offered_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let sim = SimClient::new(dir.path());
        let sub = crate::provider::sim::SUBSCRIPTION;
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let none = RegistrationSettings {
            set: ProviderSet::None,
            ..Default::default()
        };
        assert!(rt.block_on(ensure(&sim, sub, &none)).is_empty());
        assert_eq!(state(&sim, "Microsoft.KeyVault"), "NotRegistered");
        let mut s = RegistrationSettings::default();
        assert!(rt.block_on(ensure(&sim, sub, &s)).is_empty());
        assert_eq!(state(&sim, "Microsoft.KeyVault"), "Registered");
        assert_eq!(state(&sim, "microsoft.insights"), "Registered");
        // The simulation does not offer Microsoft.Sql: skipped.
        assert_eq!(state(&sim, "Microsoft.Sql"), "NotRegistered");
        // No set holds what extensions need.
        assert_eq!(state(&sim, "Microsoft.KubernetesConfiguration"), "NotRegistered");
        s.extra.insert("Microsoft.KubernetesConfiguration".into());
        assert!(rt.block_on(ensure(&sim, sub, &s)).is_empty());
        assert_eq!(state(&sim, "Microsoft.KubernetesConfiguration"), "Registered");
        assert_eq!(state(&sim, "Microsoft.Kubernetes"), "NotRegistered");
        // Unknown settings register nothing.
        let unknown = RegistrationSettings {
            known: false,
            extra: ["Microsoft.Kubernetes".to_string()].into(),
            ..Default::default()
        };
        assert!(rt.block_on(ensure(&sim, sub, &unknown)).is_empty());
        assert_eq!(state(&sim, "Microsoft.Kubernetes"), "NotRegistered");
    }

    /// A cloud that answers with a function.
    struct Mock<F>(F);

    impl<F> ArmClient for Mock<F>
    where
        F: Fn(&ArmRequest) -> Result<crate::provider::arm::ArmResponse, ArmError> + Send + Sync,
    {
        async fn send(&self, req: ArmRequest) -> Result<crate::provider::arm::ArmResponse, ArmError> {
            (self.0)(&req)
        }
        fn describe(&self) -> String {
            "mock".into()
        }
        fn subscription(&self) -> &str {
            "s"
        }
        fn tenant(&self) -> &str {
            "t"
        }
    }

    #[test]
    fn a_subscription_that_cannot_be_listed_is_an_error() {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let broken = Mock(|_: &ArmRequest| {
            Err(ArmError::new(
                404,
                "SubscriptionNotFound",
                "The subscription 's' could not be found.",
            ))
        });
        let d = rt.block_on(ensure(&broken, "s", &Default::default()));
        assert_eq!(d.len(), 1);
        let d = d.iter().next().unwrap();
        assert_eq!(d.summary, "Cannot list the subscription's resource providers");
        assert!(d.detail.contains("SubscriptionNotFound"), "{}", d.detail);
    }

    /// A cloud that offers every namespace of the legacy set but
    /// Microsoft.Blueprint, none of them registered, and refuses to register.
    fn forbidding(req: &ArmRequest) -> Result<crate::provider::arm::ArmResponse, ArmError> {
        match req.method {
            Method::Get if req.path == "/subscriptions/s/providers" => {
                let value: Vec<Json> = ProviderSet::Legacy
                    .namespaces()
                    .into_iter()
                    .filter(|n| *n != "Microsoft.Blueprint")
                    .map(|n| serde_json::json!({"namespace": n.to_uppercase(), "registrationState": "NotRegistered"}))
                    .collect();
                Ok(crate::provider::arm::ArmResponse {
                    status: 200,
                    body: serde_json::json!({ "value": value }),
                })
            }
            _ => Err(ArmError::new(
                403,
                "AuthorizationFailed",
                "The client does not have authorization to perform action 'Microsoft.Resources/register/action'.",
            )),
        }
    }

    #[test]
    fn a_refused_registration_is_one_error_naming_the_way_out() {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let d = rt.block_on(ensure(&Mock(forbidding), "s", &Default::default()));
        assert_eq!(d.len(), 1);
        let d = d.iter().next().unwrap();
        assert_eq!(d.summary, "No permission to register resource providers");
        assert!(
            d.detail.contains("registering Microsoft.KeyVault: AuthorizationFailed"),
            "{}",
            d.detail
        );
        // A namespace this cloud does not have is skipped, as azurerm does.
        assert!(!d.detail.contains("Microsoft.Blueprint"), "{}", d.detail);
        assert_eq!(d.detail.lines().count(), 1 + 65);
        assert!(d
            .help
            .as_deref()
            .unwrap()
            .contains("resource_provider_registrations = \"none\""));
    }
}
