//! `tls_self_signed_cert`, `tls_locally_signed_cert` and `tls_cert_request`:
//! their checks, their plans (a PEM argument forces a replacement only
//! when state holds a PEM, as the real provider's `RequiresReplaceIf`; a
//! certificate past `validity_end_time - early_renewal_hours` is replaced,
//! `ready_for_renewal` saying why) and their creation from the request's
//! clock. Updates change nothing the provider made: only
//! `early_renewal_hours` changes in place.

use super::encoding::{format_time, hash_for_state, parse_time, pem_encode};
use super::key::PrivateKey;
use super::name::DistinguishedName;
use super::public::PublicKey;
use super::x509::{self, AltNames, Issuer, Template};
use super::{attribute_error, flag, int, plan_with_defaults, set, string, strings};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::types::Type;
use crate::lang::Value;
use crate::provider::protocol::{PlanRequest, PlanResponse};
use der::Encode;
use std::sync::LazyLock;
use std::time::{Duration, SystemTime};
use x509_cert::der;

/// Checks beyond the schema: the real provider's validators.
pub fn validate(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for name in ["validity_period_hours", "early_renewal_hours"] {
        if let Some(n) = int(config, name).filter(|n| *n < 0) {
            diags.push(attribute_error(
                name,
                "Invalid Attribute Value",
                format!("value must be at least 0, got: {n}"),
            ));
        }
    }
    for (i, u) in strings(config, "allowed_uses").iter().enumerate() {
        if !x509::is_allowed_use(u) {
            let mut all: Vec<&str> = x509::KEY_USAGES.iter().map(|(n, _)| *n).collect();
            all.extend(x509::EXT_KEY_USAGES.iter().map(|(n, _)| *n));
            all.sort_unstable();
            let all: Vec<String> = all.iter().map(|a| format!("{a:?}")).collect();
            diags.push(attribute_error(
                &format!("allowed_uses[{i}]"),
                "Invalid Attribute Value Match",
                format!("value must be one of: [{}], got: {u:?}", all.join(" ")),
            ));
        }
    }
    for name in ["ip_addresses", "uris"] {
        for (i, s) in strings(config, name).iter().enumerate() {
            if s.is_empty() {
                diags.push(attribute_error(
                    &format!("{name}[{i}]"),
                    "Invalid Attribute Value Length",
                    "string length must be at least 1, got: 0",
                ));
            }
        }
    }
    if config
        .get("subject")
        .and_then(Value::as_seq)
        .is_some_and(|s| s.len() > 1)
    {
        diags
            .push(Diagnostic::error("Too many subject blocks").with_detail("At most one subject block may be written"));
    }
    diags
}

/// The PEM arguments of a type.
fn pem_arguments(type_name: &str) -> &'static [&'static str] {
    match type_name {
        "tls_locally_signed_cert" => &["cert_request_pem", "ca_private_key_pem", "ca_cert_pem"],
        _ => &["private_key_pem"],
    }
}

/// What the real provider's `requireReplaceIfStateContainsPEMString`
/// matches: a change of a PEM argument replaces only when state holds a
/// PEM (state written by tls 3.x holds a hash).
static PEM: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"^-----BEGIN [[:alpha:] ]+-----\n(.|\s)+\n-----END [[:alpha:] ]+-----\n?$")
        .unwrap_or_else(|e| unreachable!("a constant pattern: {e}"))
});

fn keep_pem_replacements(prior: Option<&Value>, type_name: &str, replace: &mut Vec<String>) {
    for name in pem_arguments(type_name) {
        let holds_pem = prior.and_then(|p| string(p, name)).is_some_and(|s| PEM.is_match(s));
        if !holds_pem {
            replace.retain(|p| p != name);
        }
    }
}

pub fn plan_request(req: &PlanRequest<'_>) -> PlanResponse {
    let (planned, replace_paths) = plan_with_defaults(req, |_, replace| {
        keep_pem_replacements(req.prior, &req.schema.name, replace);
    });
    PlanResponse {
        planned,
        replace_paths,
        diags: Diagnostics::new(),
    }
}

pub fn plan_certificate(req: &PlanRequest<'_>) -> PlanResponse {
    let mut diags = Diagnostics::new();
    let (mut planned, replace_paths) = plan_with_defaults(req, |value, replace| {
        keep_pem_replacements(req.prior, &req.schema.name, replace);
        let Some(prior) = req.prior else { return };
        match due_for_renewal(value, req.now, flag(prior, "ready_for_renewal")) {
            Ok(true) => replace.push("ready_for_renewal".into()),
            Ok(false) => {}
            Err(d) => diags.push(d),
        }
    });
    let ready = ready_on_create(&planned);
    set(&mut planned, [("ready_for_renewal", ready)]);
    PlanResponse {
        planned,
        replace_paths,
        diags,
    }
}

/// What `ready_for_renewal` is planned as: true when the certificate is
/// due from the start (no validity, or an early renewal as long as it).
fn ready_on_create(planned: &Value) -> Value {
    let Some(validity) = int(planned, "validity_period_hours") else {
        return Value::Unknown(Type::Bool);
    };
    if validity == 0 {
        return Value::Bool(true);
    }
    match int(planned, "early_renewal_hours") {
        Some(early) => Value::Bool(early >= validity),
        None => Value::Bool(false),
    }
}

/// Whether a certificate is within `early_renewal_hours` of its end at
/// `now`; without a clock, what the last read said.
fn due_for_renewal(value: &Value, now: Option<SystemTime>, read_ready: bool) -> Result<bool, Diagnostic> {
    let Some(end) = string(value, "validity_end_time") else {
        return Ok(false);
    };
    let end = parse_time(end)
        .map_err(|e| Diagnostic::error(format!("Failed to parse data from string: {end}")).with_detail(e))?;
    let Some(now) = now else {
        return Ok(read_ready);
    };
    let early = int(value, "early_renewal_hours").unwrap_or(0);
    Ok(now >= shift(end, -early.saturating_mul(3600)))
}

/// `t` moved by `secs` seconds, clamped to the representable range.
fn shift(t: SystemTime, secs: i64) -> SystemTime {
    let d = Duration::from_secs(secs.unsigned_abs());
    if secs >= 0 {
        t.checked_add(d).unwrap_or(t)
    } else {
        t.checked_sub(d).unwrap_or(SystemTime::UNIX_EPOCH)
    }
}

/// Refreshing a certificate: it becomes `ready_for_renewal` once due.
pub fn read(prior: &Value, now: SystemTime) -> Result<Value, Diagnostic> {
    let mut value = prior.clone();
    if due_for_renewal(prior, Some(now), false)? {
        set(&mut value, [("ready_for_renewal", Value::Bool(true))]);
    }
    Ok(value)
}

pub fn create_self_signed(planned: &Value, now: SystemTime) -> Result<(Value, Diagnostics), Diagnostics> {
    let key = parse_key(planned, "private_key_pem", "Failed to parse private key PEM")?;
    let subject = DistinguishedName::from_subject(planned.get("subject"));
    let alt_names = alt_names(planned)?;
    let public = key
        .public_key()
        .map_err(|e| Diagnostic::error("Failed to get public key from private key").with_detail(e))?;
    let issuer = Issuer { name: None, key: &key };
    let attrs = certificate(planned, now, subject, alt_names, &public, &issuer, None)?;
    let mut value = planned.clone();
    set(&mut value, [("key_algorithm", Value::string(key.algorithm()))]);
    set(&mut value, attrs);
    Ok((value, Diagnostics::new()))
}

pub fn create_locally_signed(planned: &Value, now: SystemTime) -> Result<(Value, Diagnostics), Diagnostics> {
    let request = x509::parse_request(string(planned, "cert_request_pem").unwrap_or_default())
        .map_err(|e| Diagnostic::error("Failed to parse certificate request PEM").with_detail(e))?;
    let ca_key = parse_key(planned, "ca_private_key_pem", "Failed to parse CA private key PEM")?;
    let ca = x509::parse_certificate(string(planned, "ca_cert_pem").unwrap_or_default())
        .map_err(|e| Diagnostic::error("Failed to parse CA certificate PEM").with_detail(e))?;
    let mut diags = Diagnostics::new();
    if !ca.is_ca {
        diags.push(
            Diagnostic::warning("Potentially Invalid Certificate Authority").with_detail(
                "Certificate provided as Authority does not appear to be a valid Certificate Authority. \
             The resulting certificate might fail certificate validation.",
            ),
        );
    }
    let ca_public = ca_key
        .public_key()
        .map_err(|e| Diagnostic::error("Failed to get public key from private key").with_detail(e))?;
    if ca_public != ca.public_key {
        return Err(Diagnostic::error("Failed to create certificate")
            .with_detail("x509: provided PrivateKey doesn't match parent's PublicKey")
            .into());
    }
    let issuer = Issuer {
        name: Some(&ca.subject),
        key: &ca_key,
    };
    let attrs = certificate(
        planned,
        now,
        request.subject,
        request.alt_names,
        &request.public_key,
        &issuer,
        ca.subject_key_id,
    )?;
    let mut value = planned.clone();
    set(&mut value, [("ca_key_algorithm", Value::string(ca_key.algorithm()))]);
    set(&mut value, attrs);
    Ok((value, diags))
}

pub fn create_request(planned: &Value) -> Result<(Value, Diagnostics), Diagnostics> {
    let key = parse_key(planned, "private_key_pem", "Failed to parse private key PEM")?;
    let subject = DistinguishedName::from_subject(planned.get("subject"));
    let alt_names = alt_names(planned)?;
    let der = x509::create_request(&subject, &alt_names, &key)
        .map_err(|e| Diagnostic::error("Error creating certificate request").with_detail(e))?;
    let mut value = planned.clone();
    set(
        &mut value,
        [
            ("key_algorithm", Value::string(key.algorithm())),
            (
                "cert_request_pem",
                Value::string(pem_encode("CERTIFICATE REQUEST", &der)),
            ),
            ("id", Value::string(hash_for_state(&der))),
        ],
    );
    Ok((value, Diagnostics::new()))
}

fn parse_key(planned: &Value, name: &str, summary: &str) -> Result<PrivateKey, Diagnostic> {
    PrivateKey::from_pem(string(planned, name).unwrap_or_default())
        .map_err(|e| Diagnostic::error(summary).with_detail(e))
}

/// `dns_names`, `ip_addresses` and `uris`.
fn alt_names(planned: &Value) -> Result<AltNames, Diagnostic> {
    let ips = strings(planned, "ip_addresses")
        .iter()
        .map(|ip| AltNames::parse_ip(ip))
        .collect::<Result<_, _>>()
        .map_err(|e| Diagnostic::error("Invalid IP address").with_detail(e))?;
    let uris = strings(planned, "uris");
    if let Some(bad) = uris.iter().find(|u| !is_uri(u)) {
        return Err(Diagnostic::error("Invalid URI").with_detail(format!("Failed to parse {bad:?}")));
    }
    Ok(AltNames {
        dns: strings(planned, "dns_names"),
        ips,
        uris,
    })
}

/// What Go's `url.Parse` refuses: control characters and bad `%` escapes.
fn is_uri(s: &str) -> bool {
    let b = s.as_bytes();
    let controls = b.iter().any(|c| *c < 0x20 || *c == 0x7f);
    let bad_escape = b.iter().enumerate().any(|(i, c)| {
        *c == b'%'
            && !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    });
    !controls && !bad_escape
}

/// Creates a certificate as the provider's `createCertificate` does; the
/// attributes it sets. `issuer_key_id` is the CA certificate's subject key
/// identifier, for a locally signed certificate.
fn certificate(
    planned: &Value,
    now: SystemTime,
    subject: DistinguishedName,
    alt_names: AltNames,
    public: &PublicKey,
    issuer: &Issuer<'_>,
    issuer_key_id: Option<Vec<u8>>,
) -> Result<[(&'static str, Value); 4], Diagnostic> {
    let hours = int(planned, "validity_period_hours").unwrap_or(0);
    let not_after = hours
        .checked_mul(3600)
        .and_then(|s| u64::try_from(s).ok())
        .and_then(|s| now.checked_add(Duration::from_secs(s)))
        .ok_or_else(|| {
            attribute_error(
                "validity_period_hours",
                "Invalid Attribute Value",
                format!("{hours} hours is out of range"),
            )
        })?;
    let mut subject_key_id = None;
    if flag(planned, "is_ca_certificate") {
        if subject.is_empty() {
            return Err(Diagnostic::error("Invalid Certificate Subject")
                .with_detail("Must contain at least one Distinguished Name when creating Certificate Authority (CA)"));
        }
        subject_key_id = Some(public.subject_key_id());
    }
    if flag(planned, "set_subject_key_id") {
        subject_key_id = Some(public.subject_key_id());
    }
    let self_signed = issuer.name.is_none();
    let authority_key_id = if self_signed {
        if flag(planned, "set_authority_key_id") {
            let id = subject_key_id.clone().ok_or_else(|| {
                Diagnostic::error("Invalid Certificate Authority")
                    .with_detail("Could not determine Authority Key Identifier")
            })?;
            Some(id)
        } else {
            None
        }
    } else {
        // Go's `CreateCertificate` names the parent's key when the issuer
        // is not the subject.
        let fail = |e: der::Error| Diagnostic::error("Failed to create certificate").with_detail(e.to_string());
        let subject_der = subject
            .to_name()
            .map_err(|e| Diagnostic::error("Failed to create certificate").with_detail(e))?;
        let issuer_der = issuer.name.map(|n| n.to_der()).transpose().map_err(fail)?;
        let different = issuer_der != Some(subject_der.to_der().map_err(fail)?);
        issuer_key_id.filter(|_| different)
    };
    let template = Template {
        serial: serial_number(),
        subject,
        alt_names,
        not_before: now,
        not_after,
        allowed_uses: strings(planned, "allowed_uses"),
        is_ca: flag(planned, "is_ca_certificate"),
        subject_key_id,
        authority_key_id,
    };
    let der = x509::create_certificate(&template, issuer, public)
        .map_err(|e| Diagnostic::error("Failed to create certificate").with_detail(e))?;
    Ok([
        ("id", Value::string(template.serial.to_string())),
        ("cert_pem", Value::string(pem_encode("CERTIFICATE", &der))),
        ("validity_start_time", Value::string(format_time(now))),
        ("validity_end_time", Value::string(format_time(not_after))),
    ])
}

/// A random serial number below 2^128, as the provider draws it.
fn serial_number() -> u128 {
    use rand_core::RngCore;
    let mut bytes = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut bytes);
    u128::from_be_bytes(bytes)
}
