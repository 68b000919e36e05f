//! The tls provider through its trait: plan, apply, plan again, read.
//! RSA keys are made at 1024 bits here (about half a second in a debug
//! build; 2048 bits takes seconds): formats are pinned on fixed keys in
//! `testdata/`, made by OpenSSL and read by OpenSSH (see its README).

use super::key::PrivateKey;
use super::*;
use crate::addrs::Mode;
use crate::lang::types::Type;
use crate::lang::value::Map;
use crate::provider::embedded;
use der::{Decode, Encode};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use x509_cert::der;

const NOW: Duration = Duration::new(1_764_609_333, 500_000_000);

fn now() -> SystemTime {
    UNIX_EPOCH + NOW
}

fn tls() -> Tls {
    Tls::new(embedded::schemas("tls", Tls::SOURCE))
}

fn schema<'a>(p: &'a Tls, mode: Mode, name: &str) -> &'a Schema {
    p.schemas().get(mode, name).unwrap()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/src/provider/tls/testdata/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// A configuration as the core evaluates one: every attribute present,
/// null unless given; blocks as empty lists.
fn config(s: &Schema, attrs: &[(&str, Value)]) -> Value {
    object(&s.block, attrs)
}

fn object(block: &BlockSchema, attrs: &[(&str, Value)]) -> Value {
    let mut m = Map::new();
    for (name, a) in &block.attributes {
        m.insert(name.clone(), Value::Null(a.ty.clone()));
    }
    for (name, b) in &block.block_types {
        m.insert(name.clone(), Value::List(b.block.object_type().clone(), vec![]));
    }
    for (k, v) in attrs {
        assert!(m.contains_key(*k), "no attribute {k}");
        m.insert(k.to_string(), v.clone());
    }
    Value::Object(m)
}

fn subject(s: &Schema, attrs: &[(&str, Value)]) -> Value {
    let nested = &s.block.block_types["subject"].block;
    Value::List(nested.object_type().clone(), vec![object(nested, attrs)])
}

fn list(items: &[&str]) -> Value {
    Value::List(Type::String, items.iter().map(|i| Value::string(*i)).collect())
}

fn plan(p: &Tls, s: &Schema, prior: Option<&Value>, cfg: &Value, now: Option<SystemTime>) -> PlanResponse {
    let provider = ProviderConfig::default();
    p.plan(PlanRequest {
        schema: s,
        provider: &provider,
        prior,
        config: cfg,
        now,
    })
}

/// Plans and applies a new instance; its state.
async fn create(p: &Tls, s: &Schema, cfg: &Value) -> Value {
    let planned = plan(p, s, None, cfg, Some(now()));
    assert!(!planned.diags.has_errors(), "{:?}", planned.diags);
    assert!(planned.replace_paths.is_empty());
    let provider = ProviderConfig::default();
    let applied = p
        .apply(ApplyRequest {
            schema: s,
            provider: &provider,
            prior: None,
            planned: Some(&planned.planned),
            now: now(),
        })
        .await;
    assert!(!applied.diags.has_errors(), "{:?}", applied.diags);
    applied.value.unwrap()
}

/// Plans again with the same configuration: no change at all.
fn assert_stable(p: &Tls, s: &Schema, state: &Value, cfg: &Value) {
    let again = plan(p, s, Some(state), cfg, Some(now() + Duration::from_secs(60)));
    assert!(again.replace_paths.is_empty(), "{:?}", again.replace_paths);
    assert!(!again.diags.has_errors(), "{:?}", again.diags);
    for (k, v) in state.as_map().unwrap() {
        assert!(again.planned.get(k).unwrap().same_as(v), "{k} changed");
    }
}

fn text<'a>(v: &'a Value, name: &str) -> &'a str {
    v.get(name)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{name} is not a string"))
}

fn is_marked(v: &Value, name: &str) -> bool {
    matches!(v.get(name), Some(Value::Sensitive(_)))
}

async fn private_key(p: &Tls, attrs: &[(&str, Value)]) -> Value {
    let s = schema(p, Mode::Managed, "tls_private_key");
    create(p, s, &config(s, attrs)).await
}

async fn read_public_key(p: &Tls, attrs: &[(&str, Value)]) -> ReadResponse {
    let s = schema(p, Mode::Data, "tls_public_key");
    let provider = ProviderConfig::default();
    p.read_data(ReadDataRequest {
        schema: s,
        provider: &provider,
        config: &config(s, attrs),
        now: now(),
    })
    .await
}

#[tokio::test]
async fn a_private_key_is_made_once_and_stays() {
    let p = tls();
    let s = schema(&p, Mode::Managed, "tls_private_key");
    for (algorithm, extra) in [
        ("ED25519", vec![]),
        ("ECDSA", vec![("ecdsa_curve", s_("P256"))]),
        ("RSA", vec![("rsa_bits", Value::int(1024))]),
    ] {
        let mut attrs = vec![("algorithm", s_(algorithm))];
        attrs.extend(extra);
        let cfg = config(s, &attrs);
        let first = plan(&p, s, None, &cfg, Some(now()));
        assert!(!first.planned.get("private_key_pem").unwrap().is_known());
        assert_eq!(
            first.planned.get("rsa_bits").and_then(Value::as_i64),
            Some(if algorithm == "RSA" { 1024 } else { 2048 })
        );
        let state = create(&p, s, &cfg).await;
        for secret in ["private_key_pem", "private_key_pem_pkcs8", "private_key_openssh"] {
            assert!(
                is_marked(&state, secret),
                "{algorithm}: {secret} is not marked sensitive"
            );
        }
        assert!(!is_marked(&state, "public_key_pem"));
        assert_eq!(
            text(&state, "ecdsa_curve"),
            if algorithm == "ECDSA" { "P256" } else { "P224" }
        );
        let native = match algorithm {
            "RSA" => "RSA PRIVATE KEY",
            "ECDSA" => "EC PRIVATE KEY",
            _ => "PRIVATE KEY",
        };
        assert!(text(&state, "private_key_pem").starts_with(&format!("-----BEGIN {native}-----\n")));
        assert!(text(&state, "private_key_pem_pkcs8").starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let openssh = text(&state, "private_key_openssh");
        assert!(openssh.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----\n"));
        assert!(openssh.lines().all(|l| l.len() <= 64) && openssh.ends_with("-----\n"));
        assert!(text(&state, "public_key_openssh").ends_with('\n'));
        let md5 = text(&state, "public_key_fingerprint_md5");
        assert_eq!((md5.len(), md5.matches(':').count()), (47, 15));
        assert!(text(&state, "public_key_fingerprint_sha256").starts_with("SHA256:"));
        assert_eq!(text(&state, "id").len(), 40);
        // Every encoding holds the same key.
        let again = PrivateKey::from_pem(text(&state, "private_key_pem")).unwrap();
        let pkcs8 = PrivateKey::from_pem(text(&state, "private_key_pem_pkcs8")).unwrap();
        let ssh = PrivateKey::from_openssh(openssh).unwrap();
        let public = again.public_key().unwrap();
        assert_eq!(public, pkcs8.public_key().unwrap());
        assert_eq!(public, ssh.public_key().unwrap());
        assert_eq!(public.pem(), text(&state, "public_key_pem"));
        assert_stable(&p, s, &state, &cfg);
    }
}

fn s_(v: &str) -> Value {
    Value::string(v)
}

#[tokio::test]
async fn changing_a_key_argument_replaces_the_key() {
    let p = tls();
    let s = schema(&p, Mode::Managed, "tls_private_key");
    let state = private_key(&p, &[("algorithm", s_("ED25519"))]).await;
    let cfg = config(s, &[("algorithm", s_("ECDSA")), ("ecdsa_curve", s_("P384"))]);
    let r = plan(&p, s, Some(&state), &cfg, Some(now()));
    assert_eq!(r.replace_paths, vec!["algorithm", "ecdsa_curve"]);
    assert!(!r.planned.get("private_key_pem").unwrap().is_known());
    assert!(!r.planned.get("id").unwrap().is_known());
}

#[tokio::test]
async fn ecdsa_keys_use_the_pkcs8_form_go_writes() {
    let p = tls();
    let state = private_key(&p, &[("algorithm", s_("ECDSA")), ("ecdsa_curve", s_("P521"))]).await;
    let block = pem::parse(text(&state, "private_key_pem_pkcs8")).unwrap();
    let info = rsa::pkcs8::PrivateKeyInfo::from_der(block.contents()).unwrap();
    let inner = sec1::EcPrivateKey::from_der(info.private_key).unwrap();
    // Go leaves the curve out of the inner key and keeps the public point.
    assert!(inner.parameters.is_none() && inner.public_key.is_some());
    let native = pem::parse(text(&state, "private_key_pem")).unwrap();
    let sec1 = sec1::EcPrivateKey::from_der(native.contents()).unwrap();
    assert!(sec1.parameters.is_some() && sec1.public_key.is_some());
    assert!(text(&state, "public_key_openssh").starts_with("ecdsa-sha2-nistp521 "));
}

#[test]
fn fixed_keys_are_written_back_byte_for_byte_with_the_reference_tools_public_forms() {
    for name in ["rsa", "ec_p256", "ec_p384", "ed25519"] {
        let pem_text = fixture(&format!("{name}.pem"));
        let key = PrivateKey::from_pem(&pem_text).unwrap();
        assert_eq!(key.to_pem().unwrap(), pem_text, "{name}");
        let pkcs8 = if name == "ed25519" {
            pem_text.clone()
        } else {
            fixture(&format!("{name}.pkcs8.pem"))
        };
        assert_eq!(key.to_pkcs8_pem().unwrap(), pkcs8, "{name}");
        assert_eq!(
            PrivateKey::from_pem(&pkcs8).unwrap().public_key().unwrap(),
            key.public_key().unwrap()
        );
        let public = key.public_key().unwrap();
        assert_eq!(public.pem(), fixture(&format!("{name}.public.pem")), "{name}");
        let (line, md5, sha256) = public.openssh();
        assert_eq!(line, fixture(&format!("{name}.authorized_key")), "{name}");
        assert_eq!(md5, fixture(&format!("{name}.md5")).trim(), "{name}");
        assert_eq!(sha256, fixture(&format!("{name}.sha256")).trim(), "{name}");
        // The OpenSSH private form reads back as the same key.
        let ssh = PrivateKey::from_openssh(&key.to_openssh_pem().unwrap()).unwrap();
        assert_eq!(ssh.public_key().unwrap(), public);
    }
}

#[tokio::test]
async fn the_public_key_data_source_matches_the_resource() {
    let p = tls();
    for attrs in [
        vec![("algorithm", s_("ED25519"))],
        vec![("algorithm", s_("RSA")), ("rsa_bits", Value::int(1024))],
        vec![("algorithm", s_("ECDSA")), ("ecdsa_curve", s_("P256"))],
    ] {
        let key = private_key(&p, &attrs).await;
        for (arg, from) in [
            ("private_key_pem", "private_key_pem"),
            ("private_key_openssh", "private_key_openssh"),
        ] {
            let r = read_public_key(&p, &[(arg, key.get(from).unwrap().clone())]).await;
            assert!(!r.diags.has_errors(), "{:?}", r.diags);
            let v = r.value.unwrap();
            for out in [
                "id",
                "public_key_pem",
                "public_key_openssh",
                "public_key_fingerprint_md5",
                "public_key_fingerprint_sha256",
            ] {
                assert_eq!(text(&v, out), text(&key, out), "{out} from {arg}");
            }
            assert_eq!(text(&v, "algorithm"), text(&key, "algorithm"));
            assert!(is_marked(&v, arg));
        }
    }
}

#[tokio::test]
async fn the_public_key_data_source_reads_openssh_keys_and_refuses_encrypted_ones() {
    let p = tls();
    let r = read_public_key(&p, &[("private_key_openssh", s_(&fixture("openssh_ed25519.key")))]).await;
    let v = r.value.unwrap();
    let expected = fixture("openssh_ed25519.authorized_key");
    assert_eq!(text(&v, "public_key_openssh").trim(), expected.trim());
    assert_eq!(text(&v, "algorithm"), "ED25519");
    let r = read_public_key(&p, &[("private_key_openssh", s_(&fixture("openssh_encrypted.key")))]).await;
    let d = r.diags.iter().next().unwrap();
    assert_eq!(d.summary, "Unable to parse private key");
    assert!(d.detail.contains("passphrase protected"), "{}", d.detail);
}

#[test]
fn the_public_key_data_source_wants_exactly_one_key() {
    let p = tls();
    let s = schema(&p, Mode::Data, "tls_public_key");
    let validate = |attrs: &[(&str, Value)]| {
        p.validate(ValidateRequest {
            schema: s,
            config: &config(s, attrs),
        })
    };
    assert!(validate(&[]).has_errors());
    assert!(validate(&[("private_key_pem", s_("a")), ("private_key_openssh", s_("b"))]).has_errors());
    assert!(!validate(&[("private_key_pem", s_("a"))]).has_errors());
    assert!(!validate(&[
        ("private_key_pem", Value::Unknown(Type::String)),
        ("private_key_openssh", s_("b"))
    ])
    .has_errors());
}

#[tokio::test]
async fn bad_values_get_clear_diagnostics_without_the_secret() {
    let p = tls();
    let s = schema(&p, Mode::Managed, "tls_private_key");
    let d = p.validate(ValidateRequest {
        schema: s,
        config: &config(s, &[("algorithm", s_("DSA")), ("ecdsa_curve", s_("P999"))]),
    });
    let text_of = |d: &Diagnostics| format!("{d:?}");
    assert_eq!(d.error_count(), 2, "{}", text_of(&d));
    assert!(text_of(&d).contains("\\\"DSA\\\""));
    // P224, the real provider's default curve, is refused at plan.
    let r = plan(&p, s, None, &config(s, &[("algorithm", s_("ECDSA"))]), Some(now()));
    assert!(r.diags.has_errors() && text_of(&r.diags).contains("P224"));
    // A malformed key: the diagnostic names the problem, never the material.
    let secret = "-----BEGIN RSA PRIVATE KEY-----\nU0VDUkVUU0VDUkVUU0VDUkVU\n-----END RSA PRIVATE KEY-----\n";
    let r = read_public_key(&p, &[("private_key_pem", s_(secret))]).await;
    assert!(r.diags.has_errors());
    let shown = text_of(&r.diags);
    assert!(!shown.contains("U0VDUkVU") && !shown.contains("SECRET"), "{shown}");
    assert!(shown.contains("Unable to parse private key"));
    let r = read_public_key(&p, &[("private_key_pem", s_("not a key"))]).await;
    assert!(text_of(&r.diags).contains("failed to decode PEM block"));
    let r = read_public_key(&p, &[("private_key_pem", s_(&fixture("rsa.public.pem")))]).await;
    assert!(text_of(&r.diags).contains("PUBLIC KEY"));
    // A key's Debug form names its algorithm only.
    let key = PrivateKey::from_pem(&fixture("ed25519.pem")).unwrap();
    assert_eq!(format!("{key:?}"), "PrivateKey(ED25519)");
}

/// The certificate of a `cert_pem`.
fn parse_cert(pem_text: &str) -> x509_cert::Certificate {
    x509_cert::Certificate::from_der(pem::parse(pem_text).unwrap().contents()).unwrap()
}

fn extension<'a>(cert: &'a x509_cert::Certificate, oid: &str) -> Option<&'a x509_cert::ext::Extension> {
    let oid = der::asn1::ObjectIdentifier::new_unwrap(oid);
    cert.tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == oid)
}

/// Checks a certificate's signature with the issuer's public key.
fn assert_signed_by(cert: &x509_cert::Certificate, issuer_key: &PrivateKey) {
    use rsa::signature::Verifier;
    let tbs = cert.tbs_certificate.to_der().unwrap();
    let sig = cert.signature.raw_bytes();
    match issuer_key {
        PrivateKey::P256(k) => {
            let s = p256::ecdsa::Signature::from_der(sig).unwrap();
            p256::ecdsa::VerifyingKey::from(k.public_key())
                .verify(&tbs, &s)
                .unwrap();
        }
        PrivateKey::Ed25519(k) => {
            let s = ed25519_dalek::Signature::from_slice(sig).unwrap();
            k.verifying_key().verify(&tbs, &s).unwrap();
        }
        PrivateKey::Rsa(k) => {
            let s = rsa::pkcs1v15::Signature::try_from(sig).unwrap();
            rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(k.to_public_key())
                .verify(&tbs, &s)
                .unwrap();
        }
        other => panic!("no verifier for {other:?} in these tests"),
    }
}

fn self_signed_config(s: &Schema, key_pem: &Value) -> Value {
    config(
        s,
        &[
            ("private_key_pem", key_pem.clone()),
            ("validity_period_hours", Value::int(24)),
            ("early_renewal_hours", Value::int(2)),
            (
                "allowed_uses",
                list(&["cert_signing", "digital_signature", "server_auth"]),
            ),
            ("dns_names", list(&["ca.example.com"])),
            ("ip_addresses", list(&["10.0.0.1", "::1"])),
            ("uris", list(&["spiffe://example/ca"])),
            ("is_ca_certificate", Value::Bool(true)),
            ("set_authority_key_id", Value::Bool(true)),
            (
                "subject",
                subject(
                    s,
                    &[
                        ("common_name", s_("Example CA")),
                        ("organization", s_("Example & Co")),
                        ("country", s_("NL")),
                    ],
                ),
            ),
        ],
    )
}

#[tokio::test]
async fn a_self_signed_certificate_parses_back_with_what_was_asked() {
    let p = tls();
    let key = private_key(&p, &[("algorithm", s_("ECDSA")), ("ecdsa_curve", s_("P256"))]).await;
    let s = schema(&p, Mode::Managed, "tls_self_signed_cert");
    let cfg = self_signed_config(s, key.get("private_key_pem").unwrap());
    let state = create(&p, s, &cfg).await;
    assert_eq!(text(&state, "validity_start_time"), "2025-12-01T17:15:33.5Z");
    assert_eq!(text(&state, "validity_end_time"), "2025-12-02T17:15:33.5Z");
    assert_eq!(text(&state, "key_algorithm"), "ECDSA");
    assert_eq!(state.get("ready_for_renewal"), Some(&Value::Bool(false)));
    assert!(is_marked(&state, "private_key_pem"));
    let cert = parse_cert(text(&state, "cert_pem"));
    let tbs = &cert.tbs_certificate;
    assert_eq!(tbs.subject.to_string(), "CN=Example CA,O=Example & Co,C=NL");
    assert_eq!(tbs.issuer, tbs.subject);
    assert_eq!(
        tbs.validity.not_before.to_unix_duration(),
        Duration::from_secs(NOW.as_secs())
    );
    assert_eq!(
        tbs.validity.not_after.to_unix_duration(),
        Duration::from_secs(NOW.as_secs() + 24 * 3600)
    );
    assert_eq!(text(&state, "id"), {
        let bytes = tbs.serial_number.as_bytes();
        let mut n = 0u128;
        for b in bytes {
            n = (n << 8) | u128::from(*b);
        }
        n.to_string()
    });
    let bc = extension(&cert, "2.5.29.19").unwrap();
    assert!(bc.critical);
    let bc = x509_cert::ext::pkix::BasicConstraints::from_der(bc.extn_value.as_bytes()).unwrap();
    assert!(bc.ca);
    assert!(extension(&cert, "2.5.29.15").unwrap().critical);
    let ski = x509_cert::ext::pkix::SubjectKeyIdentifier::from_der(
        extension(&cert, "2.5.29.14").unwrap().extn_value.as_bytes(),
    )
    .unwrap();
    let aki = x509_cert::ext::pkix::AuthorityKeyIdentifier::from_der(
        extension(&cert, "2.5.29.35").unwrap().extn_value.as_bytes(),
    )
    .unwrap();
    assert_eq!(aki.key_identifier, Some(ski.0.clone()));
    // The provider's SKI of an ECDSA key: the SHA-1 of its point.
    let pk = PrivateKey::from_pem(text(&key, "private_key_pem")).unwrap();
    assert_eq!(ski.0.as_bytes(), pk.public_key().unwrap().subject_key_id().as_slice());
    let san =
        x509_cert::ext::pkix::SubjectAltName::from_der(extension(&cert, "2.5.29.17").unwrap().extn_value.as_bytes())
            .unwrap();
    assert_eq!(san.0.len(), 4);
    assert_eq!(
        tbs.subject_public_key_info.to_der().unwrap(),
        pk.public_key().unwrap().spki_der()
    );
    assert_signed_by(&cert, &pk);
    assert_stable(&p, s, &state, &cfg);
}

#[tokio::test]
async fn a_certificate_changes_in_place_or_is_replaced_as_the_provider_decides() {
    let p = tls();
    let key = private_key(&p, &[("algorithm", s_("ED25519"))]).await;
    let s = schema(&p, Mode::Managed, "tls_self_signed_cert");
    let cfg = self_signed_config(s, key.get("private_key_pem").unwrap());
    let state = create(&p, s, &cfg).await;
    let mut changed = cfg.clone();
    set(&mut changed, [("early_renewal_hours", Value::int(3))]);
    let r = plan(&p, s, Some(&state), &changed, Some(now()));
    assert!(r.replace_paths.is_empty(), "early_renewal_hours changes in place");
    assert_eq!(r.planned.get("cert_pem"), state.get("cert_pem"));
    let mut changed = cfg.clone();
    set(&mut changed, [("subject", subject(s, &[("common_name", s_("Other"))]))]);
    let r = plan(&p, s, Some(&state), &changed, Some(now()));
    assert_eq!(r.replace_paths, vec!["subject"]);
    assert!(!r.planned.get("cert_pem").unwrap().is_known());
    // A new key in configuration replaces the certificate; state written
    // by tls 3.x held a hash of the key instead, and then it does not.
    let other = private_key(&p, &[("algorithm", s_("ED25519"))]).await;
    let mut changed = cfg.clone();
    set(
        &mut changed,
        [("private_key_pem", other.get("private_key_pem").unwrap().clone())],
    );
    let r = plan(&p, s, Some(&state), &changed, Some(now()));
    assert_eq!(r.replace_paths, vec!["private_key_pem"]);
    let mut hashed = state.clone();
    set(
        &mut hashed,
        [("private_key_pem", s_("2b2c6a2f1e5d5b0a3f8e4d2c1b0a9f8e7d6c5b4a"))],
    );
    let r = plan(&p, s, Some(&hashed), &changed, Some(now()));
    assert!(r.replace_paths.is_empty(), "{:?}", r.replace_paths);
}

#[tokio::test]
async fn a_certificate_due_for_renewal_is_replaced() {
    let p = tls();
    let key = private_key(&p, &[("algorithm", s_("ED25519"))]).await;
    let s = schema(&p, Mode::Managed, "tls_self_signed_cert");
    let cfg = self_signed_config(s, key.get("private_key_pem").unwrap());
    let state = create(&p, s, &cfg).await;
    // 24 hours of validity, renewed 2 hours early: due after 22 hours.
    let before = now() + Duration::from_secs(22 * 3600 - 1);
    let after = now() + Duration::from_secs(22 * 3600);
    assert!(plan(&p, s, Some(&state), &cfg, Some(before)).replace_paths.is_empty());
    let r = plan(&p, s, Some(&state), &cfg, Some(after));
    assert_eq!(r.replace_paths, vec!["ready_for_renewal"]);
    assert!(!r.planned.get("cert_pem").unwrap().is_known());
    assert_eq!(r.planned.get("ready_for_renewal"), Some(&Value::Bool(false)));
    // A refresh says so; a plan without a clock then follows the refresh.
    let provider = ProviderConfig::default();
    let read = |at| {
        p.read(ReadRequest {
            schema: s,
            provider: &provider,
            prior: &state,
            now: at,
        })
    };
    assert_eq!(
        read(before).await.value.unwrap().get("ready_for_renewal"),
        Some(&Value::Bool(false))
    );
    let refreshed = read(after).await.value.unwrap();
    assert_eq!(refreshed.get("ready_for_renewal"), Some(&Value::Bool(true)));
    assert_eq!(
        plan(&p, s, Some(&refreshed), &cfg, None).replace_paths,
        vec!["ready_for_renewal"]
    );
    assert!(plan(&p, s, Some(&state), &cfg, None).replace_paths.is_empty());
}

#[tokio::test]
async fn a_ca_needs_a_subject() {
    let p = tls();
    let key = private_key(&p, &[("algorithm", s_("ED25519"))]).await;
    let s = schema(&p, Mode::Managed, "tls_self_signed_cert");
    let mut cfg = self_signed_config(s, key.get("private_key_pem").unwrap());
    set(
        &mut cfg,
        [(
            "subject",
            Value::List(s.block.block_types["subject"].block.object_type().clone(), vec![]),
        )],
    );
    let planned = plan(&p, s, None, &cfg, Some(now()));
    let provider = ProviderConfig::default();
    let r = p
        .apply(ApplyRequest {
            schema: s,
            provider: &provider,
            prior: None,
            planned: Some(&planned.planned),
            now: now(),
        })
        .await;
    assert!(r.value.is_none());
    assert_eq!(r.diags.iter().next().unwrap().summary, "Invalid Certificate Subject");
}

#[tokio::test]
async fn a_request_signed_by_a_local_ca_carries_the_requests_names() {
    let p = tls();
    let ca_key = private_key(&p, &[("algorithm", s_("ECDSA")), ("ecdsa_curve", s_("P256"))]).await;
    let ss = schema(&p, Mode::Managed, "tls_self_signed_cert");
    let ca = create(&p, ss, &self_signed_config(ss, ca_key.get("private_key_pem").unwrap())).await;
    let leaf_key = private_key(&p, &[("algorithm", s_("RSA")), ("rsa_bits", Value::int(1024))]).await;
    let rs = schema(&p, Mode::Managed, "tls_cert_request");
    let req_cfg = config(
        rs,
        &[
            ("private_key_pem", leaf_key.get("private_key_pem").unwrap().clone()),
            ("dns_names", list(&["api.example.com"])),
            ("ip_addresses", list(&["192.0.2.7"])),
            (
                "subject",
                subject(
                    rs,
                    &[("common_name", s_("api")), ("email_address", s_("ops@example.com"))],
                ),
            ),
        ],
    );
    let request = create(&p, rs, &req_cfg).await;
    assert_eq!(text(&request, "key_algorithm"), "RSA");
    assert!(text(&request, "cert_request_pem").starts_with("-----BEGIN CERTIFICATE REQUEST-----\n"));
    assert_eq!(text(&request, "id").len(), 40);
    assert_stable(&p, rs, &request, &req_cfg);
    let parsed = x509::parse_request(text(&request, "cert_request_pem")).unwrap();
    assert_eq!(parsed.subject.common_name, "api");
    assert_eq!(parsed.alt_names.dns, vec!["api.example.com"]);

    let ls = schema(&p, Mode::Managed, "tls_locally_signed_cert");
    let cfg = config(
        ls,
        &[
            ("cert_request_pem", request.get("cert_request_pem").unwrap().clone()),
            ("ca_private_key_pem", ca_key.get("private_key_pem").unwrap().clone()),
            ("ca_cert_pem", ca.get("cert_pem").unwrap().clone()),
            ("validity_period_hours", Value::int(12)),
            (
                "allowed_uses",
                list(&["key_encipherment", "server_auth", "client_auth"]),
            ),
        ],
    );
    let state = create(&p, ls, &cfg).await;
    assert_eq!(text(&state, "ca_key_algorithm"), "ECDSA");
    assert!(is_marked(&state, "ca_private_key_pem"));
    let cert = parse_cert(text(&state, "cert_pem"));
    let ca_cert = parse_cert(text(&ca, "cert_pem"));
    assert_eq!(cert.tbs_certificate.issuer, ca_cert.tbs_certificate.subject);
    // The e-mail address is dropped, as Go's parsed name drops it.
    assert_eq!(cert.tbs_certificate.subject.to_string(), "CN=api");
    let ca_ski = extension(&ca_cert, "2.5.29.14").unwrap();
    let aki = x509_cert::ext::pkix::AuthorityKeyIdentifier::from_der(
        extension(&cert, "2.5.29.35").unwrap().extn_value.as_bytes(),
    )
    .unwrap();
    let ca_ski = x509_cert::ext::pkix::SubjectKeyIdentifier::from_der(ca_ski.extn_value.as_bytes()).unwrap();
    assert_eq!(aki.key_identifier, Some(ca_ski.0));
    assert!(extension(&cert, "2.5.29.14").is_none(), "no SKI unless asked");
    let bc =
        x509_cert::ext::pkix::BasicConstraints::from_der(extension(&cert, "2.5.29.19").unwrap().extn_value.as_bytes())
            .unwrap();
    assert!(!bc.ca);
    let leaf = PrivateKey::from_pem(text(&leaf_key, "private_key_pem")).unwrap();
    assert_eq!(
        cert.tbs_certificate.subject_public_key_info.to_der().unwrap(),
        leaf.public_key().unwrap().spki_der()
    );
    assert_signed_by(&cert, &PrivateKey::from_pem(text(&ca_key, "private_key_pem")).unwrap());
    assert_stable(&p, ls, &state, &cfg);

    // Another CA key than the CA certificate's: refused, as Go refuses it.
    let wrong = private_key(&p, &[("algorithm", s_("ED25519"))]).await;
    let mut bad = cfg.clone();
    set(
        &mut bad,
        [("ca_private_key_pem", wrong.get("private_key_pem").unwrap().clone())],
    );
    let planned = plan(&p, ls, None, &bad, Some(now()));
    let provider = ProviderConfig::default();
    let r = p
        .apply(ApplyRequest {
            schema: ls,
            provider: &provider,
            prior: None,
            planned: Some(&planned.planned),
            now: now(),
        })
        .await;
    assert!(format!("{:?}", r.diags).contains("doesn't match parent's PublicKey"));
    // A certificate that is no CA signs, with a warning.
    let mut not_ca = cfg.clone();
    set(
        &mut not_ca,
        [
            ("ca_cert_pem", state.get("cert_pem").unwrap().clone()),
            ("ca_private_key_pem", leaf_key.get("private_key_pem").unwrap().clone()),
        ],
    );
    let planned = plan(&p, ls, None, &not_ca, Some(now()));
    let r = p
        .apply(ApplyRequest {
            schema: ls,
            provider: &provider,
            prior: None,
            planned: Some(&planned.planned),
            now: now(),
        })
        .await;
    assert_eq!(r.diags.warning_count(), 1);
    let cert = parse_cert(text(&r.value.unwrap(), "cert_pem"));
    assert_signed_by(&cert, &leaf);
}

#[test]
fn certificate_arguments_are_checked_as_the_provider_checks_them() {
    let p = tls();
    let s = schema(&p, Mode::Managed, "tls_self_signed_cert");
    let d = p.validate(ValidateRequest {
        schema: s,
        config: &config(
            s,
            &[
                ("validity_period_hours", Value::int(-1)),
                ("allowed_uses", list(&["server_auth", "world_domination"])),
                ("uris", list(&[""])),
            ],
        ),
    });
    let shown = format!("{d:?}");
    assert_eq!(d.error_count(), 3, "{shown}");
    assert!(shown.contains("allowed_uses[1]") && shown.contains("world_domination"));
}

#[test]
fn only_implemented_types_can_be_applied() {
    let p = tls();
    assert!(p.can_apply(schema(&p, Mode::Managed, "tls_locally_signed_cert")));
    assert!(p.can_apply(schema(&p, Mode::Data, "tls_public_key")));
    assert!(!p.can_apply(schema(&p, Mode::Data, "tls_certificate")));
    // Every type's schema parses, with its overlay.
    assert_eq!(p.schemas().check(), Ok(6));
}
