//! The XML of a List Blobs answer and of error answers, read for the few
//! elements the backend needs (blob names, snapshot times, the next marker,
//! an error's message). The service's XML is flat and regular; a full XML
//! parser would add a dependency for four element names.

use super::blob::Listed;

/// The text of the first `<tag>...</tag>` in `xml`, unescaped.
pub fn element(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&close)? + start;
    Some(unescape(&xml[start..end]))
}

/// The blobs listed, in order.
pub fn blobs(xml: &str) -> Vec<Listed> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<Blob>") {
        let after = &rest[i + "<Blob>".len()..];
        let end = after.find("</Blob>").unwrap_or(after.len());
        let one = &after[..end];
        if let Some(name) = element(one, "Name") {
            out.push(Listed {
                name,
                snapshot: element(one, "Snapshot").filter(|s| !s.is_empty()),
            });
        }
        rest = &after[end..];
    }
    out
}

/// The marker of the next page; empty on the last.
pub fn next_marker(xml: &str) -> String {
    element(xml, "NextMarker").unwrap_or_default()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_snapshots_and_markers() {
        let xml = r#"<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="http://127.0.0.1/devstoreaccount1" ContainerName="tfstate"><Prefix>prod</Prefix><Blobs><Blob><Name>prod.tfstate</Name><Snapshot>2026-12-01T10:00:00.1234567Z</Snapshot><Properties><Etag>0x1</Etag></Properties></Blob><Blob><Name>prod.tfstate</Name><Properties /></Blob><Blob><Name>prod.tfstateenv:a&amp;b</Name></Blob></Blobs><NextMarker>abc</NextMarker></EnumerationResults>"#;
        assert_eq!(
            blobs(xml),
            vec![
                Listed {
                    name: "prod.tfstate".into(),
                    snapshot: Some("2026-12-01T10:00:00.1234567Z".into())
                },
                Listed {
                    name: "prod.tfstate".into(),
                    snapshot: None
                },
                Listed {
                    name: "prod.tfstateenv:a&b".into(),
                    snapshot: None
                },
            ]
        );
        assert_eq!(next_marker(xml), "abc");
        assert_eq!(next_marker("<NextMarker />"), "");
        assert_eq!(
            element(
                "<Error><Code>X</Code><Message>Lease &quot;id&quot; missing\nRequestId:1</Message></Error>",
                "Message"
            )
            .unwrap(),
            "Lease \"id\" missing\nRequestId:1"
        );
    }
}
