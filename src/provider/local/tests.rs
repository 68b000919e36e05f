//! The local provider through its trait, on files in temporary directories.

use super::*;
use crate::addrs::Mode;
use crate::lang::value::Map;
use crate::provider::embedded;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_764_609_333)
}

fn local() -> Local {
    Local::new(embedded::schemas("local", Local::SOURCE))
}

fn schema<'a>(p: &'a Local, mode: Mode, name: &str) -> &'a Schema {
    p.schemas().get(mode, name).unwrap()
}

/// A configuration as the core evaluates one: every attribute present.
fn config(s: &Schema, attrs: &[(&str, Value)]) -> Value {
    let mut m = Map::new();
    for (name, a) in &s.block.attributes {
        m.insert(name.clone(), Value::Null(a.ty.clone()));
    }
    for (k, v) in attrs {
        assert!(m.contains_key(*k), "no attribute {k}");
        m.insert(k.to_string(), v.clone());
    }
    Value::Object(m)
}

fn path_value(p: &Path) -> Value {
    Value::string(p.to_str().unwrap())
}

fn plan(p: &Local, s: &Schema, prior: Option<&Value>, cfg: &Value) -> PlanResponse {
    let provider = ProviderConfig::default();
    p.plan(PlanRequest {
        schema: s,
        provider: &provider,
        prior,
        config: cfg,
        now: Some(now()),
    })
}

async fn apply(p: &Local, s: &Schema, prior: Option<&Value>, planned: Option<&Value>) -> ApplyResponse {
    let provider = ProviderConfig::default();
    p.apply(ApplyRequest {
        schema: s,
        provider: &provider,
        prior,
        planned,
        now: now(),
    })
    .await
}

async fn create(p: &Local, s: &Schema, cfg: &Value) -> Value {
    let planned = plan(p, s, None, cfg);
    assert!(planned.replace_paths.is_empty() && !planned.diags.has_errors());
    assert!(!planned.planned.get("id").unwrap().is_known());
    let r = apply(p, s, None, Some(&planned.planned)).await;
    assert!(!r.diags.has_errors(), "{:?}", r.diags);
    r.value.unwrap()
}

async fn read(p: &Local, s: &Schema, prior: &Value) -> ReadResponse {
    let provider = ProviderConfig::default();
    p.read(ReadRequest {
        schema: s,
        provider: &provider,
        prior,
        now: now(),
    })
    .await
}

async fn read_data(p: &Local, s: &Schema, cfg: &Value) -> ReadResponse {
    let provider = ProviderConfig::default();
    p.read_data(ReadDataRequest {
        schema: s,
        provider: &provider,
        config: cfg,
        now: now(),
    })
    .await
}

fn text<'a>(v: &'a Value, name: &str) -> &'a str {
    v.get(name)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{name} is not a string"))
}

#[tokio::test]
async fn a_file_is_written_once_and_stays() {
    let dir = tempfile::tempdir().unwrap();
    let p = local();
    let s = schema(&p, Mode::Managed, "local_file");
    let file = dir.path().join("sub/dir/hello.txt");
    let cfg = config(s, &[("filename", path_value(&file)), ("content", Value::string("abc"))]);
    let state = create(&p, s, &cfg).await;
    assert_eq!(std::fs::read(&file).unwrap(), b"abc");
    assert_eq!(text(&state, "id"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    assert_eq!(text(&state, "content_sha1"), text(&state, "id"));
    assert_eq!(text(&state, "content_md5"), "900150983cd24fb0d6963f7d28e17f72");
    assert_eq!(
        text(&state, "content_sha256"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(text(&state, "content_base64sha512").len(), 88);
    assert_eq!(
        (text(&state, "file_permission"), text(&state, "directory_permission")),
        ("0777", "0777")
    );
    let again = plan(&p, s, Some(&state), &cfg);
    assert!(again.replace_paths.is_empty());
    for (k, v) in state.as_map().unwrap() {
        assert!(again.planned.get(k).unwrap().same_as(v), "{k} changed");
    }
    let r = read(&p, s, &state).await;
    assert_eq!(r.value.as_ref(), Some(&state));
    // Any argument change replaces the file.
    let changed = config(s, &[("filename", path_value(&file)), ("content", Value::string("abd"))]);
    assert_eq!(plan(&p, s, Some(&state), &changed).replace_paths, vec!["content"]);
    let changed = config(
        s,
        &[
            ("filename", path_value(&file)),
            ("content", Value::string("abc")),
            ("file_permission", Value::string("0600")),
        ],
    );
    assert_eq!(
        plan(&p, s, Some(&state), &changed).replace_paths,
        vec!["file_permission"]
    );
    // Deleting removes the file; a file already gone is no error.
    let r = apply(&p, s, Some(&state), None).await;
    assert!(r.value.is_none() && !r.diags.has_errors());
    assert!(!file.exists());
    assert!(!apply(&p, s, Some(&state), None).await.diags.has_errors());
}

#[tokio::test]
async fn a_file_changed_or_deleted_outside_is_written_again() {
    let dir = tempfile::tempdir().unwrap();
    let p = local();
    let s = schema(&p, Mode::Managed, "local_file");
    let file = dir.path().join("f.txt");
    let cfg = config(s, &[("filename", path_value(&file)), ("content", Value::string("abc"))]);
    let state = create(&p, s, &cfg).await;
    std::fs::write(&file, "tampered").unwrap();
    let r = read(&p, s, &state).await;
    assert!(r.value.is_none() && !r.diags.has_errors());
    std::fs::remove_file(&file).unwrap();
    let r = read(&p, s, &state).await;
    assert!(r.value.is_none() && !r.diags.has_errors());
    // Gone from state, it is planned as new.
    let r = plan(&p, s, None, &cfg);
    assert!(!r.planned.get("id").unwrap().is_known());
    // Something that is not a regular file is an error, not a change.
    std::fs::create_dir(&file).unwrap();
    let r = read(&p, s, &state).await;
    assert_eq!(r.value.as_ref(), Some(&state));
    assert_eq!(r.diags.iter().next().unwrap().summary, "Read local file error");
}

#[tokio::test]
async fn content_comes_from_base64_or_a_source_file_with_modes() {
    let dir = tempfile::tempdir().unwrap();
    let p = local();
    let s = schema(&p, Mode::Managed, "local_sensitive_file");
    let bin = dir.path().join("bin");
    let cfg = config(
        s,
        &[
            ("filename", path_value(&bin)),
            ("content_base64", Value::string("AAEC/w==")),
        ],
    );
    let state = create(&p, s, &cfg).await;
    assert_eq!(std::fs::read(&bin).unwrap(), vec![0, 1, 2, 255]);
    assert!(matches!(state.get("content_base64"), Some(Value::Sensitive(_))));
    assert_eq!(text(&state, "file_permission"), "0700");
    assert_eq!(std::fs::metadata(&bin).unwrap().permissions().mode() & 0o077, 0);
    let copy = dir.path().join("new/copy");
    let cfg = config(
        s,
        &[
            ("filename", path_value(&copy)),
            ("source", path_value(&bin)),
            ("file_permission", Value::string("0640")),
            ("directory_permission", Value::string("0750")),
        ],
    );
    let copied = create(&p, s, &cfg).await;
    assert_eq!(std::fs::read(&copy).unwrap(), vec![0, 1, 2, 255]);
    assert_eq!(text(&copied, "id"), text(&state, "id"));
    let mode = |f: &Path| std::fs::metadata(f).unwrap().permissions().mode() & 0o777;
    // Modes are asked before the umask, as the real provider's.
    assert_eq!(mode(&copy) & !0o640, 0);
    assert_eq!(mode(&dir.path().join("new")) & !0o750, 0);
}

#[tokio::test]
async fn sensitive_content_is_sensitive() {
    let dir = tempfile::tempdir().unwrap();
    let p = local();
    let s = schema(&p, Mode::Managed, "local_sensitive_file");
    let file = dir.path().join("secret");
    let cfg = config(
        s,
        &[("filename", path_value(&file)), ("content", Value::string("hunter2"))],
    );
    let state = create(&p, s, &cfg).await;
    assert!(matches!(state.get("content"), Some(Value::Sensitive(_))));
    assert!(!matches!(state.get("id"), Some(Value::Sensitive(_))));
    let s = schema(&p, Mode::Managed, "local_file");
    let cfg = config(
        s,
        &[
            ("filename", path_value(&file)),
            ("sensitive_content", Value::string("x")),
        ],
    );
    let state = create(&p, s, &cfg).await;
    assert!(matches!(state.get("sensitive_content"), Some(Value::Sensitive(_))));
}

#[test]
fn exactly_one_content_argument_and_valid_modes_are_required() {
    let p = local();
    let s = schema(&p, Mode::Managed, "local_file");
    let validate = |attrs: &[(&str, Value)]| {
        let mut all = vec![("filename", Value::string("f"))];
        all.extend_from_slice(attrs);
        p.validate(ValidateRequest {
            schema: s,
            config: &config(s, &all),
        })
    };
    let none = validate(&[]);
    assert_eq!(none.iter().next().unwrap().summary, "Invalid Attribute Combination");
    assert!(validate(&[("content", Value::string("a")), ("source", Value::string("b"))]).has_errors());
    assert!(!validate(&[("content", Value::string("a"))]).has_errors());
    assert!(!validate(&[("content", Value::unknown())]).has_errors());
    let bad = validate(&[
        ("content", Value::string("a")),
        ("file_permission", Value::string("0888")),
    ]);
    assert_eq!(
        bad.iter().next().unwrap().summary,
        "Invalid File Permission String Value"
    );
}

#[tokio::test]
async fn the_data_sources_read_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data.bin");
    std::fs::write(&file, b"hi\xff").unwrap();
    let p = local();
    for name in ["local_file", "local_sensitive_file"] {
        let s = schema(&p, Mode::Data, name);
        let r = read_data(&p, s, &config(s, &[("filename", path_value(&file))])).await;
        let v = r.value.unwrap();
        assert_eq!(text(&v, "content"), "hi\u{FFFD}");
        assert_eq!(text(&v, "content_base64"), "aGn/");
        assert_eq!(text(&v, "id").len(), 40);
        let marked = matches!(v.get("content"), Some(Value::Sensitive(_)));
        assert_eq!(marked, name == "local_sensitive_file");
        let missing = config(s, &[("filename", path_value(&dir.path().join("missing")))]);
        let r = read_data(&p, s, &missing).await;
        assert!(r.value.is_none());
        assert_eq!(
            r.diags.iter().next().unwrap().summary,
            "Read local file data source error"
        );
        let r = read_data(&p, s, &config(s, &[("filename", Value::string("/dev/zero"))])).await;
        assert!(format!("{:?}", r.diags).contains("not a regular file"));
    }
}

#[tokio::test]
async fn a_missing_source_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = local();
    let s = schema(&p, Mode::Managed, "local_file");
    let cfg = config(
        s,
        &[
            ("filename", path_value(&dir.path().join("out"))),
            ("source", path_value(&dir.path().join("nope"))),
        ],
    );
    let planned = plan(&p, s, None, &cfg);
    let r = apply(&p, s, None, Some(&planned.planned)).await;
    assert!(r.value.is_none());
    let d = r.diags.iter().next().unwrap();
    assert_eq!(d.summary, "Create local file error");
    assert!(d.detail.contains("no such file"), "{}", d.detail);
}

#[test]
fn every_type_can_be_applied() {
    let p = local();
    for mode in [Mode::Managed, Mode::Data] {
        for name in ["local_file", "local_sensitive_file"] {
            assert!(p.can_apply(schema(&p, mode, name)));
        }
    }
    // Every type's schema parses, with its overlay.
    assert_eq!(p.schemas().check(), Ok(4));
}
