//! The drift ignore file: accepted drift, reviewed and kept beside the
//! configuration (`aksplan.driftignore` by default).
//!
//! One entry per line: a resource address, then an attribute path, or `*`
//! for the whole resource (its deletion included). A path covers what is
//! under it. `#` starts a comment.
//!
//! ```text
//! # The cluster autoscaler owns the node count.
//! azurerm_kubernetes_cluster_node_pool.user["apps"]  node_count
//! azurerm_resource_group.this                        tags.owner
//! azurerm_kubernetes_cluster.this                    *
//! ```

use crate::addrs::Instance;
use crate::diag::{Diagnostic, Diagnostics, FileId, Span};

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub addr: Instance,
    /// `None`: the whole resource.
    pub path: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ignore {
    pub entries: Vec<Entry>,
}

impl Ignore {
    /// Parses the file's text; `file` is its index in the sources, for spans.
    pub fn parse(text: &str, file: FileId) -> (Ignore, Diagnostics) {
        let mut entries = Vec::new();
        let mut diags = Diagnostics::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let content = line.split('#').next().unwrap_or("").trim();
            if content.is_empty() {
                continue;
            }
            let lead = line.len() - line.trim_start().len();
            let span = Span::new(file, start + lead..start + lead + content.len());
            let (addr, path) = match content.split_once(char::is_whitespace) {
                Some((a, p)) => (a, p.trim()),
                None => {
                    diags.push(
                        Diagnostic::error("Incomplete ignore entry")
                            .with_span(span)
                            .with_detail("an entry is an address and an attribute path, or * for the whole resource"),
                    );
                    continue;
                }
            };
            match addr.parse::<Instance>() {
                Ok(addr) => entries.push(Entry {
                    addr,
                    path: (path != "*").then(|| path.to_string()),
                }),
                Err(e) => diags.push(
                    Diagnostic::error("Invalid address in the ignore file")
                        .with_span(span)
                        .with_detail(e.to_string()),
                ),
            }
        }
        (Ignore { entries }, diags)
    }

    /// Whether a change at `path` of `addr` (`None`: the resource itself) is accepted.
    pub fn covers(&self, addr: &Instance, path: Option<&str>) -> bool {
        self.entries.iter().any(|e| {
            &e.addr == addr
                && match (&e.path, path) {
                    (None, _) => true,
                    (Some(_), None) => false,
                    (Some(p), Some(q)) => q == p || q.starts_with(&format!("{p}.")) || q.starts_with(&format!("{p}[")),
                }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_cover_their_paths_and_below() {
        let text = "# accepted\nazurerm_resource_group.this tags.owner\nazurerm_kubernetes_cluster_node_pool.user[\"apps\"]  node_count # autoscaler\nazurerm_subnet.s *\n";
        let (ig, d) = Ignore::parse(text, 0);
        assert!(d.is_empty(), "{d:?}");
        let rg: Instance = "azurerm_resource_group.this".parse().unwrap();
        assert!(ig.covers(&rg, Some("tags.owner")));
        assert!(ig.covers(&rg, Some("tags.owner[0]")));
        assert!(!ig.covers(&rg, Some("tags.owners")));
        assert!(!ig.covers(&rg, None));
        let pool: Instance = "azurerm_kubernetes_cluster_node_pool.user[\"apps\"]".parse().unwrap();
        assert!(ig.covers(&pool, Some("node_count")));
        let s: Instance = "azurerm_subnet.s".parse().unwrap();
        assert!(ig.covers(&s, None) && ig.covers(&s, Some("anything")));
    }

    #[test]
    fn bad_lines_are_errors_at_their_place() {
        let text = "azurerm_resource_group.this tags\nnot an address\nazurerm_subnet.s\n";
        let (ig, d) = Ignore::parse(text, 3);
        assert_eq!(ig.entries.len(), 1);
        let spans: Vec<(String, usize, usize)> = d
            .iter()
            .map(|d| (d.summary.clone(), d.span.unwrap().start, d.span.unwrap().end))
            .collect();
        assert_eq!(
            spans,
            [
                ("Invalid address in the ignore file".to_string(), 33, 47),
                ("Incomplete ignore entry".to_string(), 48, 64),
            ]
        );
    }
}
