//! ARM list operations: a GET on a collection, whose answer ARM may split
//! into pages, `{"value": [...], "nextLink": "<url of the next page>"}`.
//!
//! A next page's link is an absolute URL with its own `api-version` and a
//! continuation token. Only its path and query are kept: the request goes
//! to the client's own endpoint, as every other request does, so a link
//! cannot send the credential elsewhere. The query is kept as written
//! (decoding and encoding it again could change a token).

use crate::provider::arm::{ArmClient, ArmError, ArmRequest, Method};
use serde_json::Value as Json;

/// More pages than any real list has: a service that keeps linking is
/// stopped rather than followed forever.
const MAX_PAGES: usize = 1000;

/// Every item of the collection at `path`, across its pages.
pub async fn list_all<C: ArmClient>(client: &C, path: &str, api_version: &str) -> Result<Vec<Json>, ArmError> {
    let mut items = Vec::new();
    let mut next = Some((path.to_string(), api_version.to_string()));
    let mut pages = 0;
    while let Some((path, api_version)) = next.take() {
        pages += 1;
        if pages > MAX_PAGES {
            return Err(ArmError::new(
                0,
                "TooManyPages",
                format!("listing {path}: ARM still linked to a next page after {MAX_PAGES} pages"),
            ));
        }
        let r = client
            .send(ArmRequest {
                method: Method::Get,
                path,
                api_version: api_version.clone(),
                body: None,
            })
            .await?;
        if let Some(page) = r.body.get("value").and_then(Json::as_array) {
            items.extend(page.iter().cloned());
        }
        // A link without an api-version is asked with the one before.
        next = r
            .body
            .get("nextLink")
            .and_then(Json::as_str)
            .filter(|l| !l.is_empty())
            .map(next_request)
            .map(|(p, v)| (p, if v.is_empty() { api_version } else { v }));
    }
    Ok(items)
}

/// The path (with its query, less `api-version`) and the api-version of a
/// next-page link.
fn next_request(link: &str) -> (String, String) {
    let path = match link.find("://") {
        Some(scheme) => {
            let rest = &link[scheme + 3..];
            rest.find(['/', '?']).map_or("/", |at| &rest[at..])
        }
        None => link,
    };
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let mut api_version = String::new();
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| match p.split_once('=') {
            Some((k, v)) if k.eq_ignore_ascii_case("api-version") => {
                api_version = v.to_string();
                false
            }
            _ => true,
        })
        .collect();
    let path = if path.is_empty() { "/" } else { path };
    match kept.is_empty() {
        true => (path.to_string(), api_version),
        false => (format!("{path}?{}", kept.join("&")), api_version),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::arm::ArmResponse;
    use serde_json::json;
    use std::sync::Mutex;

    #[test]
    fn a_next_link_keeps_its_path_and_token_and_gives_its_api_version() {
        assert_eq!(
            next_request(
                "https://management.azure.com/subscriptions/s/resourceGroups/rg/resources?api-version=2021-04-01&%24skiptoken=a%2Bb%3D"
            ),
            (
                "/subscriptions/s/resourceGroups/rg/resources?%24skiptoken=a%2Bb%3D".to_string(),
                "2021-04-01".to_string()
            )
        );
        assert_eq!(
            next_request("http://127.0.0.1:8080/x?$skiptoken=t&api-version=v"),
            ("/x?$skiptoken=t".to_string(), "v".to_string())
        );
        assert_eq!(next_request("/x?api-version=v"), ("/x".to_string(), "v".to_string()));
        assert_eq!(next_request("https://h"), ("/".to_string(), String::new()));
    }

    /// Answers pages from a list, recording the requests.
    struct Pages {
        pages: Vec<Json>,
        asked: Mutex<Vec<(String, String)>>,
    }

    impl ArmClient for Pages {
        async fn send(&self, req: ArmRequest) -> Result<ArmResponse, ArmError> {
            let mut asked = self.asked.lock().unwrap();
            let n = asked.len();
            asked.push((req.path, req.api_version));
            match self.pages.get(n) {
                Some(body) => Ok(ArmResponse {
                    status: 200,
                    body: body.clone(),
                }),
                None => Err(ArmError::new(400, "NoSuchPage", "asked past the last page")),
            }
        }
        fn describe(&self) -> String {
            "pages".into()
        }
        fn subscription(&self) -> &str {
            "s"
        }
        fn tenant(&self) -> &str {
            "t"
        }
    }

    #[test]
    fn every_page_is_followed_to_the_last() {
        let client = Pages {
            pages: vec![
                json!({"value": [{"id": "a"}, {"id": "b"}], "nextLink": "https://h/l?api-version=v2&$skiptoken=1"}),
                json!({"value": [], "nextLink": "https://h/l?$skiptoken=2"}),
                json!({"value": [{"id": "c"}]}),
            ],
            asked: Mutex::new(Vec::new()),
        };
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let items = rt.block_on(list_all(&client, "/l", "v1")).unwrap();
        let ids: Vec<&str> = items.iter().filter_map(|i| i["id"].as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(
            *client.asked.lock().unwrap(),
            [
                ("/l".to_string(), "v1".to_string()),
                ("/l?$skiptoken=1".to_string(), "v2".to_string()),
                ("/l?$skiptoken=2".to_string(), "v2".to_string()),
            ]
        );
    }

    #[test]
    fn a_service_that_links_forever_is_stopped() {
        let page = json!({"value": [], "nextLink": "https://h/l?api-version=v"});
        let client = Pages {
            pages: vec![page; MAX_PAGES + 1],
            asked: Mutex::new(Vec::new()),
        };
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let e = rt.block_on(list_all(&client, "/l", "v")).unwrap_err();
        assert_eq!(e.code, "TooManyPages");
        assert_eq!(client.asked.lock().unwrap().len(), MAX_PAGES);
    }
}
