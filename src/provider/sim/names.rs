//! Which names Azure accepts for each resource type the simulation knows:
//! lengths and characters, and the error each refusal carries.
//!
//! The rules come from Azure's naming rules ("Naming rules and restrictions
//! for Azure resources", MicrosoftDocs/azure-docs
//! articles/azure-resource-manager/management/resource-name-rules.md,
//! ms.date 2025-03-14) and, where the REST API spec gives a pattern, from
//! the spec (Azure/azure-rest-api-specs); each entry says which. "Alphanumeric"
//! there means ASCII letters and digits. Error codes are the ones Azure
//! answers where they are known (`InvalidResourceGroup`, `VaultNameNotValid`,
//! `AccountNameInvalid`, AKS's `InvalidParameter`); the other resource
//! providers' refusals are `InvalidResourceName`, with a message that says
//! the rule rather than quoting Azure's.
//!
//! It only judges a name; it must not read the store or look at anything
//! but the id and the body it is given.

use crate::provider::arm::{self, ArmError};
use serde_json::Value as Json;

/// What one resource type accepts as a name.
struct Rule {
    /// The ARM resource type, in lower case.
    rtype: &'static str,
    /// The shortest and longest names, in characters.
    min: usize,
    max: usize,
    /// Characters allowed anywhere.
    chars: fn(char) -> bool,
    /// Characters allowed first and last.
    first: fn(char) -> bool,
    last: fn(char) -> bool,
    /// No two hyphens in a row.
    no_double_hyphen: bool,
    code: &'static str,
    /// What a valid name is, said to the user: "2 to 64 letters, ...".
    says: &'static str,
}

fn alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

fn letter(c: char) -> bool {
    c.is_ascii_alphabetic()
}

fn lower_or_digit(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

fn alnum_underscore(c: char) -> bool {
    alnum(c) || c == '_'
}

fn alnum_hyphen(c: char) -> bool {
    alnum(c) || c == '-'
}

fn alnum_hyphen_underscore(c: char) -> bool {
    alnum(c) || c == '-' || c == '_'
}

/// Microsoft.Network's usual rule: letters, digits, underscores, periods
/// and hyphens.
fn network(c: char) -> bool {
    alnum(c) || matches!(c, '_' | '.' | '-')
}

/// Alphanumerics, periods, underscores, hyphens and parentheses (locks).
fn lock_char(c: char) -> bool {
    alnum(c) || matches!(c, '.' | '_' | '-' | '(' | ')')
}

const NETWORK_SAYS_80: &str = "1 to 80 letters, digits, underscores, periods and hyphens, starting with a letter or digit and ending with a letter, digit or underscore";

/// Microsoft.Network's usual 1–80 rule, for `rtype`
/// (resource-name-rules.md, Microsoft.Network).
const fn network_80(rtype: &'static str) -> Rule {
    Rule {
        rtype,
        min: 1,
        max: 80,
        chars: network,
        first: alnum,
        last: alnum_underscore,
        no_double_hyphen: false,
        code: "InvalidResourceName",
        says: NETWORK_SAYS_80,
    }
}

const RULES: &[Rule] = &[
    // resource-name-rules.md, Microsoft.Network: virtualNetworks 2-64.
    Rule {
        rtype: "microsoft.network/virtualnetworks",
        min: 2,
        max: 64,
        chars: network,
        first: alnum,
        last: alnum_underscore,
        no_double_hyphen: false,
        code: "InvalidResourceName",
        says: "2 to 64 letters, digits, underscores, periods and hyphens, starting with a letter or digit and ending with a letter, digit or underscore",
    },
    // resource-name-rules.md, Microsoft.Network: subnets, peerings,
    // network security groups and their rules, route tables and their
    // routes, public IP addresses, private DNS zone links: 1-80.
    network_80("microsoft.network/virtualnetworks/subnets"),
    network_80("microsoft.network/virtualnetworks/virtualnetworkpeerings"),
    network_80("microsoft.network/networksecuritygroups"),
    network_80("microsoft.network/networksecuritygroups/securityrules"),
    network_80("microsoft.network/routetables"),
    network_80("microsoft.network/routetables/routes"),
    network_80("microsoft.network/publicipaddresses"),
    network_80("microsoft.network/privatednszones/virtualnetworklinks"),
    // resource-name-rules.md, Microsoft.Network: privateEndpoints 2-64.
    Rule {
        rtype: "microsoft.network/privateendpoints",
        min: 2,
        max: 64,
        chars: network,
        first: alnum,
        last: alnum_underscore,
        no_double_hyphen: false,
        code: "InvalidResourceName",
        says: "2 to 64 letters, digits, underscores, periods and hyphens, starting with a letter or digit and ending with a letter, digit or underscore",
    },
    // resource-name-rules.md, Microsoft.ContainerService: managedClusters
    // 1-63, alphanumerics, underscores and hyphens, starting and ending
    // with an alphanumeric; managedClusters.json's resourceName pattern
    // `^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$`. AKS
    // answers a bad name with InvalidParameter (Azure/AKS#3300).
    Rule {
        rtype: "microsoft.containerservice/managedclusters",
        min: 1,
        max: 63,
        chars: alnum_hyphen_underscore,
        first: alnum,
        last: alnum,
        no_double_hyphen: false,
        code: "InvalidParameter",
        says: "1 to 63 letters, digits, underscores and hyphens, starting and ending with a letter or digit",
    },
    // resource-name-rules.md, Microsoft.ManagedIdentity: 3-128,
    // alphanumerics, hyphens and underscores, starting with a letter or digit.
    Rule {
        rtype: "microsoft.managedidentity/userassignedidentities",
        min: 3,
        max: 128,
        chars: alnum_hyphen_underscore,
        first: alnum,
        last: alnum_hyphen_underscore,
        no_double_hyphen: false,
        code: "InvalidResourceName",
        says: "3 to 128 letters, digits, hyphens and underscores, starting with a letter or digit",
    },
    // ManagedIdentity.json (2024-11-30), federatedIdentityCredentialResourceName:
    // `^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$`.
    Rule {
        rtype: "microsoft.managedidentity/userassignedidentities/federatedidentitycredentials",
        min: 3,
        max: 120,
        chars: alnum_hyphen_underscore,
        first: alnum,
        last: alnum_hyphen_underscore,
        no_double_hyphen: false,
        code: "InvalidResourceName",
        says: "3 to 120 letters, digits, hyphens and underscores, starting with a letter or digit",
    },
    // resource-name-rules.md, Microsoft.Storage: storageAccounts 3-24,
    // lowercase letters and numbers. Azure's code and message.
    Rule {
        rtype: "microsoft.storage/storageaccounts",
        min: 3,
        max: 24,
        chars: lower_or_digit,
        first: lower_or_digit,
        last: lower_or_digit,
        no_double_hyphen: false,
        code: "AccountNameInvalid",
        says: "",
    },
    // resource-name-rules.md, Microsoft.KeyVault: vaults 3-24,
    // alphanumerics and hyphens, starting with a letter, ending with a
    // letter or digit, no consecutive hyphens. Azure's code and message.
    Rule {
        rtype: "microsoft.keyvault/vaults",
        min: 3,
        max: 24,
        chars: alnum_hyphen,
        first: letter,
        last: alnum,
        no_double_hyphen: true,
        code: "VaultNameNotValid",
        says: "",
    },
    // resource-name-rules.md, Microsoft.ContainerRegistry: registries and
    // replications 5-50 alphanumerics.
    Rule {
        rtype: "microsoft.containerregistry/registries",
        min: 5,
        max: 50,
        chars: alnum,
        first: alnum,
        last: alnum,
        no_double_hyphen: false,
        code: "InvalidResourceName",
        says: "5 to 50 letters and digits",
    },
    Rule {
        rtype: "microsoft.containerregistry/registries/replications",
        min: 5,
        max: 50,
        chars: alnum,
        first: alnum,
        last: alnum,
        no_double_hyphen: false,
        code: "InvalidResourceName",
        says: "5 to 50 letters and digits",
    },
    // resource-name-rules.md, Microsoft.OperationalInsights: workspaces
    // 4-63, alphanumerics and hyphens, starting and ending with an alphanumeric.
    Rule {
        rtype: "microsoft.operationalinsights/workspaces",
        min: 4,
        max: 63,
        chars: alnum_hyphen,
        first: alnum,
        last: alnum,
        no_double_hyphen: false,
        code: "InvalidResourceName",
        says: "4 to 63 letters, digits and hyphens, starting and ending with a letter or digit",
    },
    // resource-name-rules.md, Microsoft.MachineLearningServices: workspaces
    // 3-33, alphanumerics, hyphens and underscores.
    Rule {
        rtype: "microsoft.machinelearningservices/workspaces",
        min: 3,
        max: 33,
        chars: alnum_hyphen_underscore,
        first: alnum_hyphen_underscore,
        last: alnum_hyphen_underscore,
        no_double_hyphen: false,
        code: "InvalidResourceName",
        says: "3 to 33 letters, digits, hyphens and underscores",
    },
    // resource-name-rules.md, Microsoft.Authorization: locks 1-90,
    // alphanumerics, periods, underscores, hyphens and parentheses; not
    // ending in a period.
    Rule {
        rtype: "microsoft.authorization/locks",
        min: 1,
        max: 90,
        chars: lock_char,
        first: lock_char,
        last: |c| lock_char(c) && c != '.',
        no_double_hyphen: false,
        code: "InvalidResourceName",
        says: "1 to 90 letters, digits, periods, underscores, hyphens and parentheses, not ending in a period",
    },
];

/// Names longer than this are shortened in messages.
const SHOWN: usize = 100;

/// The name as a message shows it: long ones cut, with their length.
fn shown(name: &str) -> String {
    let n = name.chars().count();
    if n <= SHOWN {
        return name.to_string();
    }
    let head: String = name.chars().take(SHOWN).collect();
    format!("{head}… ({n} characters)")
}

/// Refuses the name of `id` if Azure would, for the types named here; any
/// other type's name is accepted. `body` is what the PUT sends: an agent
/// pool's OS decides how long its name may be, and a cluster's pools are
/// named in its body.
pub fn check(id: &str, body: &Json) -> Result<(), ArmError> {
    let rtype = arm::resource_type(id).to_ascii_lowercase();
    let name = arm::name_of(id);
    match rtype.as_str() {
        "microsoft.resources/resourcegroups" => resource_group(name)?,
        "microsoft.containerservice/managedclusters/agentpools" => {
            agent_pool(name, body.pointer("/properties/osType").and_then(Json::as_str))?
        }
        "microsoft.network/privatednszones" => private_dns_zone(name)?,
        "microsoft.authorization/roleassignments" => role_assignment(name)?,
        _ => {
            if let Some(rule) = RULES.iter().find(|r| r.rtype == rtype) {
                by_rule(rule, name)?;
            }
        }
    }
    check_nested(id, body)
}

/// Refuses the names a body gives to what it holds: a cluster's agent
/// pools. A body that changes a resource may add them, so this is asked of
/// every PUT, where [`check`] is asked when the resource is made.
pub fn check_nested(id: &str, body: &Json) -> Result<(), ArmError> {
    if !arm::resource_type(id).eq_ignore_ascii_case("Microsoft.ContainerService/managedClusters") {
        return Ok(());
    }
    for pool in body
        .pointer("/properties/agentPoolProfiles")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let pool_name = pool.get("name").and_then(Json::as_str).unwrap_or("");
        agent_pool(pool_name, pool.get("osType").and_then(Json::as_str))?;
    }
    Ok(())
}

fn fits(rule: &Rule, name: &str) -> bool {
    let n = name.chars().count();
    let (Some(first), Some(last)) = (name.chars().next(), name.chars().last()) else {
        return rule.min == 0;
    };
    (rule.min..=rule.max).contains(&n)
        && name.chars().all(rule.chars)
        && (rule.first)(first)
        && (rule.last)(last)
        && !(rule.no_double_hyphen && name.contains("--"))
}

fn by_rule(rule: &Rule, name: &str) -> Result<(), ArmError> {
    if fits(rule, name) {
        return Ok(());
    }
    let shown = shown(name);
    let message = match rule.code {
        // Azure's words (Key Vault's common error codes; Azure/AI-in-a-Box#104).
        "VaultNameNotValid" => format!("The vault name '{shown}' is invalid. A vault's name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens. Follow this link for more information: https://go.microsoft.com/fwlink/?linkid=2147742"),
        // Azure's words, as the storage kind said them before.
        "AccountNameInvalid" => format!("{shown} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only."),
        // AKS's words (Azure/AKS#3300), for the cluster.
        "InvalidParameter" => format!("The value of parameter managedCluster.name is invalid: '{shown}' must be {}. Please see https://aka.ms/aks-naming-rules for more details.", rule.says),
        _ => format!("Resource name '{shown}' is invalid. The name must be {}.", rule.says),
    };
    Err(ArmError::new(400, rule.code, message))
}

/// resource-name-rules.md, Microsoft.Resources: 1-90 underscores, hyphens,
/// periods, parentheses, and letters or digits as .NET's
/// `Char.IsLetterOrDigit` has them (Unicode categories Lu, Ll, Lt, Lm, Lo,
/// Nd); not ending in a period. resources.json: minLength 1, maxLength 90,
/// pattern `^[-\w\._\(\)]+$`. ARM's code, and its message for characters
/// (azure-cli#14481).
fn resource_group(name: &str) -> Result<(), ArmError> {
    use unicode_general_category::{get_general_category, GeneralCategory as G};
    let allowed = |c: char| {
        matches!(c, '_' | '-' | '.' | '(' | ')')
            || matches!(
                get_general_category(c),
                G::UppercaseLetter
                    | G::LowercaseLetter
                    | G::TitlecaseLetter
                    | G::ModifierLetter
                    | G::OtherLetter
                    | G::DecimalNumber
            )
    };
    let shown = shown(name);
    let n = name.chars().count();
    if !(1..=90).contains(&n) {
        return Err(ArmError::new(
            400,
            "InvalidResourceGroup",
            format!("The provided resource group name '{shown}' is {n} characters long. A resource group name must be 1 to 90 characters."),
        ));
    }
    let mut bad: Vec<char> = name.chars().filter(|c| !allowed(*c)).collect();
    bad.dedup();
    if !bad.is_empty() {
        let bad: String = bad.into_iter().collect();
        return Err(ArmError::new(
            400,
            "InvalidResourceGroup",
            format!("The provided resource group name '{shown}' has these invalid characters: '{bad}'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'."),
        ));
    }
    if name.ends_with('.') {
        return Err(ArmError::new(
            400,
            "InvalidResourceGroup",
            format!("The provided resource group name '{shown}' ends with a period. A resource group name cannot end with a period."),
        ));
    }
    Ok(())
}

/// resource-name-rules.md, Microsoft.ContainerService: agentPools 1-12 for
/// Linux, 1-6 for Windows, lowercase letters and numbers, not starting with
/// a number; managedClusters.json's agent pool name pattern
/// `^[a-z][a-z0-9]{0,11}$`. AKS's code and message (Azure/AKS#3300).
fn agent_pool(name: &str, os: Option<&str>) -> Result<(), ArmError> {
    let windows = os.is_some_and(|o| o.eq_ignore_ascii_case("Windows"));
    let max = if windows { 6 } else { 12 };
    let n = name.chars().count();
    let ok = (1..=max).contains(&n)
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(lower_or_digit);
    if ok {
        return Ok(());
    }
    let os = if windows { "Windows" } else { "Linux" };
    Err(ArmError::new(
        400,
        "InvalidParameter",
        format!(
            "The value of parameter agentPoolProfile.name is invalid: '{}' must be 1 to {max} lowercase letters and digits, starting with a letter, for a {os} pool. Please see https://aka.ms/aks-naming-rules for more details.",
            shown(name)
        ),
    ))
}

/// resource-name-rules.md, Microsoft.Network: privateDnsZones, 2 to 34
/// labels separated by periods, each of alphanumerics, underscores and
/// hyphens. The page gives the length as "1-63 characters"; that is a DNS
/// label's limit, so each label is held to 1-63 and the whole name to
/// DNS's 253 (names such as `privatelink.westeurope.azmk8s.io` and AKS's
/// `<guid>.privatelink.<region>.azmk8s.io` are longer than 63 and valid).
fn private_dns_zone(name: &str) -> Result<(), ArmError> {
    let labels: Vec<&str> = name.split('.').collect();
    let label_ok = |l: &&str| (1..=63).contains(&l.len()) && l.chars().all(|c| alnum(c) || c == '_' || c == '-');
    if (2..=34).contains(&labels.len()) && name.len() <= 253 && labels.iter().all(label_ok) {
        return Ok(());
    }
    Err(ArmError::new(
        400,
        "InvalidResourceName",
        format!(
            "Resource name '{}' is invalid. A private DNS zone name must be 2 to 34 labels separated by periods, each of 1 to 63 letters, digits, underscores and hyphens, and at most 253 characters in all.",
            shown(name)
        ),
    ))
}

/// resource-name-rules.md, Microsoft.Authorization: roleAssignments, a GUID.
fn role_assignment(name: &str) -> Result<(), ArmError> {
    if uuid::Uuid::parse_str(name).is_ok() && name.len() == 36 {
        return Ok(());
    }
    Err(ArmError::new(
        400,
        "InvalidRoleAssignmentId",
        format!(
            "The role assignment ID '{}' is not valid. It must be a GUID.",
            shown(name)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const RG: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg";

    fn id(rtype_path: &str, name: &str) -> String {
        format!("{RG}/providers/{rtype_path}/{name}")
    }

    fn code(id: &str, body: &Json) -> Option<String> {
        check(id, body).err().map(|e| {
            assert_eq!(e.status, 400, "{}", e.message);
            e.code
        })
    }

    fn rg(name: &str) -> Option<String> {
        code(
            &format!("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/{name}"),
            &json!({}),
        )
    }

    #[test]
    fn resource_group_names() {
        for ok in [
            "a",
            "rg-aks_1.(prod)",
            "Ressourcengruppe-äöü",
            "日本語",
            &"r".repeat(90),
        ] {
            assert_eq!(rg(ok), None, "{ok}");
        }
        let bad = "InvalidResourceGroup";
        for no in [
            "rg.",
            "rg!",
            "rg space",
            "rg#x",
            "x²",
            "rg\u{301}",
            &"r".repeat(91),
            &"r".repeat(2000),
        ] {
            assert_eq!(rg(no).as_deref(), Some(bad), "{no}");
        }
        // An id cannot end in an empty name; the rule refuses one all the same.
        assert_eq!(resource_group("").unwrap_err().code, bad);
        let e = check(&format!("{RG}x!"), &json!({})).unwrap_err();
        assert!(e.message.contains("invalid characters: '!'"), "{}", e.message);
        let e = check(&format!("{RG}{}", "r".repeat(2000)), &json!({})).unwrap_err();
        assert!(e.message.contains("(2002 characters)"), "{}", e.message);
        assert!(e.message.len() < 400, "a long name is cut: {}", e.message.len());
    }

    #[test]
    fn network_names() {
        let vnet = |n: &str| code(&id("Microsoft.Network/virtualNetworks", n), &json!({}));
        assert_eq!(vnet("vn"), None);
        assert_eq!(vnet("vnet_hub.01-a_"), None);
        assert_eq!(vnet(&"v".repeat(64)), None);
        for no in ["v", "-vnet", "vnet-", "vnet.", "vnet!x", &"v".repeat(65)] {
            assert_eq!(vnet(no).as_deref(), Some("InvalidResourceName"), "{no}");
        }
        let subnet = |n: &str| {
            code(
                &id("Microsoft.Network/virtualNetworks", &format!("v/subnets/{n}")),
                &json!({}),
            )
        };
        assert_eq!(subnet("s"), None);
        assert_eq!(subnet("AzureFirewallSubnet"), None);
        assert_eq!(subnet(&"s".repeat(80)), None);
        assert_eq!(subnet(&"s".repeat(81)).as_deref(), Some("InvalidResourceName"));
        for t in [
            "Microsoft.Network/networkSecurityGroups",
            "Microsoft.Network/routeTables",
            "Microsoft.Network/publicIPAddresses",
        ] {
            assert_eq!(code(&id(t, "x"), &json!({})), None, "{t}");
            assert_eq!(code(&id(t, &"x".repeat(80)), &json!({})), None, "{t}");
            assert_eq!(
                code(&id(t, &"x".repeat(81)), &json!({})).as_deref(),
                Some("InvalidResourceName"),
                "{t}"
            );
            assert_eq!(
                code(&id(t, "x y"), &json!({})).as_deref(),
                Some("InvalidResourceName"),
                "{t}"
            );
        }
        let pe = |n: &str| code(&id("Microsoft.Network/privateEndpoints", n), &json!({}));
        assert_eq!(pe("pe"), None);
        assert_eq!(pe("p").as_deref(), Some("InvalidResourceName"));
    }

    #[test]
    fn private_dns_zone_names() {
        let zone = |n: &str| code(&id("Microsoft.Network/privateDnsZones", n), &json!({}));
        assert_eq!(zone("privatelink.westeurope.azmk8s.io"), None);
        assert_eq!(
            zone("0f2e5c1d-8a1b-4c3d-9e8f-123456789abc.privatelink.westeurope.azmk8s.io"),
            None
        );
        assert_eq!(zone("contoso.com"), None);
        for no in [
            "localhost",
            "a..b",
            "a.b.",
            "bad!.com",
            &format!("{}.com", "a".repeat(64)),
        ] {
            assert_eq!(zone(no).as_deref(), Some("InvalidResourceName"), "{no}");
        }
        let link = |n: &str| {
            code(
                &id(
                    "Microsoft.Network/privateDnsZones",
                    &format!("z.io/virtualNetworkLinks/{n}"),
                ),
                &json!({}),
            )
        };
        assert_eq!(link("hub-link"), None);
        assert_eq!(link("-link").as_deref(), Some("InvalidResourceName"));
    }

    #[test]
    fn cluster_and_agent_pool_names() {
        let aks = |n: &str, body: Json| code(&id("Microsoft.ContainerService/managedClusters", n), &body);
        assert_eq!(aks("k", json!({})), None);
        assert_eq!(aks("aks_prod-01", json!({})), None);
        assert_eq!(aks(&"k".repeat(63), json!({})), None);
        for no in ["-k", "k-", "k_", "k.k", &"k".repeat(64)] {
            assert_eq!(aks(no, json!({})).as_deref(), Some("InvalidParameter"), "{no}");
        }
        // The pools a cluster's body names.
        let pools = |name: &str, os: &str| json!({"properties": {"agentPoolProfiles": [{"name": name, "osType": os}]}});
        assert_eq!(aks("k", pools("system", "Linux")), None);
        assert_eq!(aks("k", pools("linuxpool123", "Linux")), None);
        assert_eq!(aks("k", pools("win1", "Windows")), None);
        for (name, os) in [
            ("linuxpool1234", "Linux"),
            ("windows", "Windows"),
            ("Sys", "Linux"),
            ("1pool", "Linux"),
            ("my-pool", "Linux"),
            ("", "Linux"),
        ] {
            let e = check(&id("Microsoft.ContainerService/managedClusters", "k"), &pools(name, os)).unwrap_err();
            assert_eq!(e.code, "InvalidParameter", "{name}");
            assert!(e.message.contains("agentPoolProfile.name"), "{}", e.message);
        }
        // A pool of its own: its OS is in its properties.
        let pool = |n: &str, os: &str| {
            code(
                &id(
                    "Microsoft.ContainerService/managedClusters",
                    &format!("k/agentPools/{n}"),
                ),
                &json!({"properties": {"osType": os}}),
            )
        };
        assert_eq!(pool("user1", "Linux"), None);
        assert_eq!(pool("npwin", "Windows"), None);
        assert_eq!(pool("npwin01", "Windows").as_deref(), Some("InvalidParameter"));
        assert_eq!(pool("npwin01", "Linux"), None);
    }

    #[test]
    fn identity_storage_vault_registry_workspace_names() {
        let uai = |n: &str| code(&id("Microsoft.ManagedIdentity/userAssignedIdentities", n), &json!({}));
        assert_eq!(uai("id-aks"), None);
        assert_eq!(uai(&"i".repeat(128)), None);
        for no in ["id", "_id", "id.x", &"i".repeat(129)] {
            assert_eq!(uai(no).as_deref(), Some("InvalidResourceName"), "{no}");
        }
        let fic = |n: &str| {
            code(
                &id(
                    "Microsoft.ManagedIdentity/userAssignedIdentities",
                    &format!("u/federatedIdentityCredentials/{n}"),
                ),
                &json!({}),
            )
        };
        assert_eq!(fic("workload-fic"), None);
        assert_eq!(fic("ab").as_deref(), Some("InvalidResourceName"));
        let sa = |n: &str| code(&id("Microsoft.Storage/storageAccounts", n), &json!({}));
        assert_eq!(sa("st0001"), None);
        for no in ["st", "St0001", "st-0001", &"s".repeat(25)] {
            assert_eq!(sa(no).as_deref(), Some("AccountNameInvalid"), "{no}");
        }
        let kv = |n: &str| code(&id("Microsoft.KeyVault/vaults", n), &json!({}));
        assert_eq!(kv("kv-aks-01"), None);
        for no in ["kv", "1kv-aks", "kv-aks-", "kv--aks", "kv_aks", &"k".repeat(25)] {
            assert_eq!(kv(no).as_deref(), Some("VaultNameNotValid"), "{no}");
        }
        let acr = |n: &str| code(&id("Microsoft.ContainerRegistry/registries", n), &json!({}));
        assert_eq!(acr("acrprod01"), None);
        for no in ["acr1", "acr-prod", &"a".repeat(51)] {
            assert_eq!(acr(no).as_deref(), Some("InvalidResourceName"), "{no}");
        }
        let replica = |n: &str| {
            code(
                &id(
                    "Microsoft.ContainerRegistry/registries",
                    &format!("acrprod01/replications/{n}"),
                ),
                &json!({}),
            )
        };
        assert_eq!(replica("westeurope"), None);
        let law = |n: &str| code(&id("Microsoft.OperationalInsights/workspaces", n), &json!({}));
        assert_eq!(law("law-aks"), None);
        for no in ["law", "-law", "law-", "law_aks", &"l".repeat(64)] {
            assert_eq!(law(no).as_deref(), Some("InvalidResourceName"), "{no}");
        }
        let ml = |n: &str| code(&id("Microsoft.MachineLearningServices/workspaces", n), &json!({}));
        assert_eq!(ml("mlw_prod-1"), None);
        assert_eq!(ml("ml").as_deref(), Some("InvalidResourceName"));
        assert_eq!(ml(&"m".repeat(34)).as_deref(), Some("InvalidResourceName"));
    }

    #[test]
    fn role_assignments_and_locks() {
        let scope = format!("{RG}/providers/Microsoft.Authorization");
        let ra = |n: &str| code(&format!("{scope}/roleAssignments/{n}"), &json!({}));
        assert_eq!(ra("9a2a8b7e-5c1d-4b3a-8f6e-0d1c2b3a4f5e"), None);
        for no in [
            "not-a-guid",
            "9a2a8b7e5c1d4b3a8f6e0d1c2b3a4f5e",
            "{9a2a8b7e-5c1d-4b3a-8f6e-0d1c2b3a4f5e}",
        ] {
            assert_eq!(ra(no).as_deref(), Some("InvalidRoleAssignmentId"), "{no}");
        }
        let lock = |n: &str| code(&format!("{scope}/locks/{n}"), &json!({}));
        assert_eq!(lock("keep(prod)"), None);
        assert_eq!(lock("keep.").as_deref(), Some("InvalidResourceName"));
        assert_eq!(lock(&"l".repeat(91)).as_deref(), Some("InvalidResourceName"));
    }

    #[test]
    fn types_without_a_rule_take_any_name() {
        let ext = format!("{RG}/providers/Microsoft.ContainerService/managedClusters/k/providers/Microsoft.KubernetesConfiguration/extensions/any thing!");
        assert_eq!(code(&ext, &json!({})), None);
    }
}
