//! The ids this provider has asked Azure to delete during the run, whether
//! the delete is still under way or done: what a resource group's contents
//! check may wait for, rather than refuse at once.
//!
//! ARM's list of a group's resources lags behind deletes, and deletes of
//! resources that do not refer to their group run at the same time as the
//! group's. Anything else found in a group is not waited for. It knows
//! nothing of resource groups or of the listing.

use crate::provider::arm;
use std::sync::Mutex;

#[derive(Debug, Default)]
pub struct Deleting(Mutex<Vec<String>>);

impl Deleting {
    /// A delete of `id` is about to be sent.
    pub fn start(&self, id: &str) {
        self.ids().push(id.to_lowercase());
    }

    /// The delete of `id` failed: it stays, and is no longer waited for.
    pub fn failed(&self, id: &str) {
        let id = id.to_lowercase();
        self.ids().retain(|d| d != &id);
    }

    /// Whether `id` is going: deleted by this run, or under something that
    /// is (a subnet of a deleted network).
    pub fn covers(&self, id: &str) -> bool {
        let id = id.to_lowercase();
        self.ids()
            .iter()
            .any(|d| arm::ids_equal(d, &id) || id.starts_with(&format!("{d}/")))
    }

    fn ids(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_being_deleted_covers_itself_and_its_children_until_it_fails() {
        let d = Deleting::default();
        let vnet = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v";
        d.start(vnet);
        assert!(d.covers(&vnet.to_uppercase()));
        assert!(d.covers(&format!("{vnet}/subnets/a")));
        assert!(!d.covers(&format!("{vnet}2")), "a sibling whose name starts alike");
        assert!(!d.covers("/subscriptions/s/resourceGroups/rg"), "its parent");
        d.failed(&vnet.to_uppercase());
        assert!(!d.covers(vnet));
    }
}
