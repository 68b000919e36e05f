//! `azurerm_resource_group`: Azure deletes whatever a group still holds
//! with it, so, as azurerm does, a group is deleted only once ARM lists
//! nothing left in it, unless the provider block's
//! `features { resource_group { prevent_deletion_if_contains_resources = false } }`
//! says to let the group take its contents along.
//!
//! Anything the list holds counts: ARM's list of a group's resources (every
//! page of it), taken when the group's turn comes, after what the apply
//! deletes first. What this run is deleting is waited for while it leaves
//! the list; anything else is refused at once. It decides nothing about
//! other types and sends nothing but the listing.

use super::TypeHooks;
use crate::diag::Diagnostic;
use crate::provider::arm::{ArmClient, ArmError};
use crate::provider::azurerm::features::{Flag, Origin};
use crate::provider::azurerm::paging;
use serde_json::Value as Json;
use std::time::{Duration, Instant};

pub struct Hooks;

impl TypeHooks for Hooks {
    fn holds_resources(&self) -> bool {
        true
    }
}

/// How many of the ids left in a group a refusal names.
const NAMED: usize = 10;

/// How long a group waits for the resources this run deleted to leave
/// ARM's list, and how often it looks again.
#[derive(Debug, Clone, Copy)]
pub struct Settle {
    pub first: Duration,
    pub cap: Duration,
    /// azurerm waits up to ten minutes.
    pub budget: Duration,
}

impl Default for Settle {
    fn default() -> Settle {
        Settle {
            first: Duration::from_secs(2),
            cap: Duration::from_secs(30),
            budget: Duration::from_secs(600),
        }
    }
}

/// The ids ARM lists in the group `id`, sorted; `None` when the group is gone.
async fn contents<C: ArmClient>(client: &C, id: &str, api_version: &str) -> Result<Option<Vec<String>>, ArmError> {
    let items = match paging::list_all(client, &format!("{id}/resources"), api_version).await {
        Ok(items) => items,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut ids: Vec<String> = items
        .iter()
        .filter_map(|i| i.get("id").and_then(Json::as_str))
        .map(str::to_string)
        .collect();
    ids.sort_by_key(|i| i.to_lowercase());
    ids.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    Ok(Some(ids))
}

/// Why the group `id` may not be deleted now, if it may not: it still holds
/// resources, or what it holds could not be listed. `going` says whether a
/// listed id is being deleted by this run.
pub async fn refuse_if_not_empty<C: ArmClient>(
    client: &C,
    id: &str,
    api_version: &str,
    flag: Flag,
    going: &(dyn Fn(&str) -> bool + Sync),
    settle: Settle,
) -> Option<Diagnostic> {
    let deadline = Instant::now() + settle.budget;
    let mut wait = settle.first;
    loop {
        let left = match contents(client, id, api_version).await {
            Ok(Some(left)) => left,
            Ok(None) => return None,
            Err(e) => {
                return Some(
                    Diagnostic::error("Cannot tell what the resource group still holds")
                        .with_detail(format!(
                            "before deleting {id}, aksplan lists its resources, so that none is deleted with it unnoticed; the listing failed: {}: {}",
                            e.code, e.message
                        ))
                        .with_help(turn_off()),
                )
            }
        };
        if left.is_empty() {
            return None;
        }
        let waiting = left.iter().all(|l| going(l));
        if !waiting || Instant::now() + wait > deadline {
            let still_going = left.iter().filter(|l| going(l)).count();
            return Some(refusal(id, &left, still_going, flag, settle.budget));
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(settle.cap);
    }
}

/// The refusal: what is left (the first [`NAMED`] of it), why, and how to
/// let the group take it along.
fn refusal(id: &str, left: &[String], still_going: usize, flag: Flag, budget: Duration) -> Diagnostic {
    let name = crate::provider::arm::name_of(id);
    let one = left.len() == 1;
    let mut detail = format!(
        "Resource group {name:?} still holds {} resource{} that {} not deleted before it. Azure would delete {} along with the group, so the group is left in place:",
        left.len(),
        if one { "" } else { "s" },
        if one { "was" } else { "were" },
        if one { "it" } else { "them" },
    );
    for l in left.iter().take(NAMED) {
        detail.push_str(&format!("\n  - {l}"));
    }
    if left.len() > NAMED {
        detail.push_str(&format!("\n  ... and {} more", left.len() - NAMED));
    }
    if still_going > 0 {
        detail.push_str(&format!(
            "\n{still_going} of them {} being deleted by this apply, but Azure still listed {} after {}s.",
            if still_going == 1 { "is" } else { "are" },
            if still_going == 1 { "it" } else { "them" },
            budget.as_secs()
        ));
    }
    detail.push_str(match flag.origin {
        Origin::Written => "\nThe provider block sets prevent_deletion_if_contains_resources = true.",
        Origin::Default => "\nThe check is on by default (prevent_deletion_if_contains_resources), as in azurerm.",
        Origin::Unknown => "\nThe provider block's prevent_deletion_if_contains_resources could not be known for a delete (only literals and root variables are), so the default, true, applies.",
    });
    Diagnostic::error("Resource group still contains resources")
        .with_detail(detail)
        .with_help(turn_off())
}

fn turn_off() -> String {
    "delete those resources (or import them, so that the configuration deletes them first), or let the group take them along:\n  provider \"azurerm\" {\n    features {\n      resource_group {\n        prevent_deletion_if_contains_resources = false\n      }\n    }\n  }".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::arm::{ArmRequest, ArmResponse};
    use serde_json::json;
    use std::sync::Mutex;

    const RG: &str = "/subscriptions/s/resourceGroups/rg-app";

    fn res(name: &str) -> String {
        format!("{RG}/providers/Microsoft.Network/virtualNetworks/{name}")
    }

    /// Answers each listing with the next of `lists` (the last one again
    /// once they run out), counting the listings.
    struct Listing {
        lists: Vec<Result<Vec<String>, ArmError>>,
        asked: Mutex<usize>,
    }

    impl Listing {
        fn new(lists: Vec<Result<Vec<String>, ArmError>>) -> Listing {
            Listing {
                lists,
                asked: Mutex::new(0),
            }
        }

        fn asked(&self) -> usize {
            *self.asked.lock().unwrap()
        }
    }

    impl ArmClient for Listing {
        async fn send(&self, req: ArmRequest) -> Result<ArmResponse, ArmError> {
            assert_eq!(req.path, format!("{RG}/resources"));
            let mut n = self.asked.lock().unwrap();
            let answer = self.lists[(*n).min(self.lists.len() - 1)].clone();
            *n += 1;
            answer.map(|ids| ArmResponse {
                status: 200,
                body: json!({"value": ids.iter().map(|i| json!({"id": i})).collect::<Vec<_>>()}),
            })
        }
        fn describe(&self) -> String {
            "listing".into()
        }
        fn subscription(&self) -> &str {
            "s"
        }
        fn tenant(&self) -> &str {
            "t"
        }
    }

    const ON: Flag = Flag {
        on: true,
        origin: Origin::Default,
    };

    fn quick() -> Settle {
        Settle {
            first: Duration::ZERO,
            cap: Duration::ZERO,
            budget: Duration::from_secs(60),
        }
    }

    fn check(client: &Listing, going: &(dyn Fn(&str) -> bool + Sync)) -> Option<Diagnostic> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(refuse_if_not_empty(client, RG, "v", ON, going, quick()))
    }

    #[test]
    fn an_empty_or_vanished_group_may_be_deleted() {
        assert!(check(&Listing::new(vec![Ok(vec![])]), &|_| false).is_none());
        let gone = ArmError::new(404, "ResourceGroupNotFound", "gone");
        assert!(check(&Listing::new(vec![Err(gone)]), &|_| false).is_none());
    }

    #[test]
    fn a_group_holding_what_the_run_did_not_delete_is_refused_at_once_naming_it() {
        let client = Listing::new(vec![Ok(vec![res("b"), res("a")])]);
        let d = check(&client, &|_| false).expect("refused");
        assert_eq!(client.asked(), 1, "nothing to wait for");
        assert_eq!(d.summary, "Resource group still contains resources");
        assert!(d.detail.contains("\"rg-app\" still holds 2 resources"), "{}", d.detail);
        let a = d.detail.find(&res("a")).unwrap();
        let b = d.detail.find(&res("b")).unwrap();
        assert!(a < b, "sorted: {}", d.detail);
        assert!(d
            .help
            .as_deref()
            .unwrap()
            .contains("prevent_deletion_if_contains_resources = false"));
    }

    #[test]
    fn a_long_list_is_cut_after_ten_ids() {
        let many: Vec<String> = (0..13).map(|i| res(&format!("v{i:02}"))).collect();
        let d = check(&Listing::new(vec![Ok(many.clone())]), &|_| false).unwrap();
        assert!(d.detail.contains(&many[9]));
        assert!(!d.detail.contains(&many[10]));
        assert!(d.detail.contains("... and 3 more"), "{}", d.detail);
    }

    #[test]
    fn what_this_run_deleted_is_waited_for_while_it_leaves_the_list() {
        let client = Listing::new(vec![Ok(vec![res("a")]), Ok(vec![res("a")]), Ok(vec![])]);
        assert!(check(&client, &|id| id == res("a")).is_none());
        assert_eq!(client.asked(), 3);
    }

    #[test]
    fn what_this_run_deleted_but_never_leaves_is_refused_when_the_wait_is_over() {
        let client = Listing::new(vec![Ok(vec![res("a")])]);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let settle = Settle {
            first: Duration::from_millis(1),
            cap: Duration::from_millis(1),
            budget: Duration::from_millis(20),
        };
        let going = |id: &str| id == res("a");
        let d = rt
            .block_on(refuse_if_not_empty(&client, RG, "v", ON, &going, settle))
            .expect("refused");
        assert!(client.asked() > 1);
        assert!(d.detail.contains("being deleted by this apply"), "{}", d.detail);
    }

    #[test]
    fn a_listing_that_fails_refuses_the_delete() {
        let e = ArmError::new(403, "AuthorizationFailed", "no read on resources");
        let d = check(&Listing::new(vec![Err(e)]), &|_| false).unwrap();
        assert_eq!(d.summary, "Cannot tell what the resource group still holds");
        assert!(d.detail.contains("AuthorizationFailed"), "{}", d.detail);
    }

    #[test]
    fn the_refusal_says_where_the_setting_came_from() {
        let left = [res("a")];
        for (origin, says) in [
            (Origin::Written, "sets prevent_deletion_if_contains_resources = true"),
            (Origin::Default, "on by default"),
            (Origin::Unknown, "could not be known"),
        ] {
            let d = refusal(RG, &left, 0, Flag { on: true, origin }, Duration::ZERO);
            assert!(d.detail.contains(says), "{}", d.detail);
            assert!(
                d.detail.contains("1 resource that was not deleted before it"),
                "{}",
                d.detail
            );
        }
    }
}
