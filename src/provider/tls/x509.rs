//! Certificates and certificate requests as Go's `x509.CreateCertificate`
//! and `x509.CreateCertificateRequest` build them from the provider's
//! templates: the same fields, the same extensions in the same order
//! (key usage, extended key usage, basic constraints, subject and
//! authority key identifiers, subject alternative names), the same
//! signature algorithms. And the reading back of a request and of a CA
//! certificate, keeping what the provider uses of them.

use super::key::PrivateKey;
use super::name::DistinguishedName;
use super::public::PublicKey;
use der::asn1::{BitString, Ia5String, ObjectIdentifier as Oid, OctetString, SetOfVec};
use der::{Decode, Encode, Reader};
use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};
use x509_cert::der;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::time::{Time, Validity};

const OID_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.15");
const OID_EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37");
const OID_BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
const OID_SUBJECT_KEY_ID: Oid = Oid::new_unwrap("2.5.29.14");
const OID_AUTHORITY_KEY_ID: Oid = Oid::new_unwrap("2.5.29.35");
const OID_SAN: Oid = Oid::new_unwrap("2.5.29.17");
const OID_EXTENSION_REQUEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.14");

/// `allowed_uses` that are key usages, with their bit (RFC 5280 order).
pub const KEY_USAGES: &[(&str, u16)] = &[
    ("digital_signature", 1 << 0),
    ("content_commitment", 1 << 1),
    ("key_encipherment", 1 << 2),
    ("data_encipherment", 1 << 3),
    ("key_agreement", 1 << 4),
    ("cert_signing", 1 << 5),
    ("crl_signing", 1 << 6),
    ("encipher_only", 1 << 7),
    ("decipher_only", 1 << 8),
];

/// `allowed_uses` that are extended key usages, with their OID.
pub const EXT_KEY_USAGES: &[(&str, &str)] = &[
    ("any_extended", "2.5.29.37.0"),
    ("server_auth", "1.3.6.1.5.5.7.3.1"),
    ("client_auth", "1.3.6.1.5.5.7.3.2"),
    ("code_signing", "1.3.6.1.5.5.7.3.3"),
    ("email_protection", "1.3.6.1.5.5.7.3.4"),
    ("ipsec_end_system", "1.3.6.1.5.5.7.3.5"),
    ("ipsec_tunnel", "1.3.6.1.5.5.7.3.6"),
    ("ipsec_user", "1.3.6.1.5.5.7.3.7"),
    ("timestamping", "1.3.6.1.5.5.7.3.8"),
    ("ocsp_signing", "1.3.6.1.5.5.7.3.9"),
    ("microsoft_server_gated_crypto", "1.3.6.1.4.1.311.10.3.3"),
    ("netscape_server_gated_crypto", "2.16.840.1.113730.4.1"),
    ("microsoft_commercial_code_signing", "1.3.6.1.4.1.311.2.1.22"),
    ("microsoft_kernel_code_signing", "1.3.6.1.4.1.311.61.1.1"),
];

/// Whether `use_` is one of the values `allowed_uses` accepts.
pub fn is_allowed_use(use_: &str) -> bool {
    KEY_USAGES.iter().any(|(n, _)| *n == use_) || EXT_KEY_USAGES.iter().any(|(n, _)| *n == use_)
}

/// Subject alternative names, in the order Go writes them (DNS names, IP
/// addresses, URIs).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct AltNames {
    pub dns: Vec<String>,
    /// 4 bytes for IPv4 (also when written as IPv4-mapped IPv6), 16 for IPv6.
    pub ips: Vec<Vec<u8>>,
    pub uris: Vec<String>,
}

impl AltNames {
    /// Parses `ip_addresses` as Go's `net.ParseIP` does.
    pub fn parse_ip(text: &str) -> Result<Vec<u8>, String> {
        let ip: IpAddr = text
            .parse()
            .map_err(|_| format!("Failed to parse {text:?} as an IP address"))?;
        Ok(ip_bytes(ip))
    }

    pub fn is_empty(&self) -> bool {
        self.dns.is_empty() && self.ips.is_empty() && self.uris.is_empty()
    }

    /// The extension's value: GeneralNames.
    fn to_der(&self) -> Result<Vec<u8>, String> {
        let ia5 = |s: &String| Ia5String::new(s).map_err(|_| format!("x509: {s:?} cannot be encoded as an IA5String"));
        let mut names = Vec::new();
        for d in &self.dns {
            names.push(GeneralName::DnsName(ia5(d)?));
        }
        for ip in &self.ips {
            names.push(GeneralName::IpAddress(OctetString::new(ip.clone()).map_err(der_error)?));
        }
        for u in &self.uris {
            names.push(GeneralName::UniformResourceIdentifier(ia5(u)?));
        }
        SubjectAltName(names).to_der().map_err(der_error)
    }

    /// The names of a SubjectAltName extension Go keeps (e-mail addresses
    /// and other kinds are dropped).
    fn extend_from_der(&mut self, der: &[u8]) -> Result<(), String> {
        let san =
            SubjectAltName::from_der(der).map_err(|e| format!("x509: malformed subject alternative names: {e}"))?;
        for name in san.0 {
            match name {
                GeneralName::DnsName(d) => self.dns.push(d.to_string()),
                GeneralName::UniformResourceIdentifier(u) => self.uris.push(u.to_string()),
                GeneralName::IpAddress(ip) => {
                    let b = ip.as_bytes();
                    let ip = match b.len() {
                        4 => IpAddr::from(<[u8; 4]>::try_from(b).unwrap_or_default()),
                        16 => IpAddr::from(<[u8; 16]>::try_from(b).unwrap_or_default()),
                        n => return Err(format!("x509: cannot parse IP address of length {n}")),
                    };
                    self.ips.push(ip_bytes(ip));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// An address as Go writes it in a certificate: IPv4 (and IPv4-mapped
/// IPv6) in 4 bytes, IPv6 in 16.
fn ip_bytes(ip: IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.octets().to_vec(),
            None => v6.octets().to_vec(),
        },
    }
}

/// What a certificate says of its subject, as the provider fills Go's template.
pub struct Template {
    pub serial: u128,
    pub subject: DistinguishedName,
    pub alt_names: AltNames,
    pub not_before: SystemTime,
    pub not_after: SystemTime,
    /// `allowed_uses`, in the order written.
    pub allowed_uses: Vec<String>,
    pub is_ca: bool,
    pub subject_key_id: Option<Vec<u8>>,
    pub authority_key_id: Option<Vec<u8>>,
}

/// The issuer of a certificate: its name and the key that signs.
pub struct Issuer<'a> {
    /// `None` for a self-signed certificate: the subject.
    pub name: Option<&'a Name>,
    pub key: &'a PrivateKey,
}

/// Builds and signs a certificate; the DER.
pub fn create_certificate(t: &Template, issuer: &Issuer<'_>, public: &PublicKey) -> Result<Vec<u8>, String> {
    let subject = t.subject.to_name()?;
    let issuer_name = issuer.name.cloned().unwrap_or_else(|| subject.clone());
    let mut extensions = Vec::new();
    let key_usage = t
        .allowed_uses
        .iter()
        .filter_map(|u| KEY_USAGES.iter().find(|(n, _)| n == u).map(|(_, bit)| bit))
        .fold(0u16, |acc, bit| acc | bit);
    if key_usage != 0 {
        extensions.push(extension(OID_KEY_USAGE, true, key_usage_der(key_usage)?)?);
    }
    let ext_key_usage: Vec<Oid> = t
        .allowed_uses
        .iter()
        .filter_map(|u| EXT_KEY_USAGES.iter().find(|(n, _)| n == u))
        .map(|(_, oid)| Oid::new(oid).map_err(|e| format!("x509: {e}")))
        .collect::<Result<_, _>>()?;
    if !ext_key_usage.is_empty() {
        let value = ExtendedKeyUsage(ext_key_usage).to_der().map_err(der_error)?;
        extensions.push(extension(OID_EXT_KEY_USAGE, false, value)?);
    }
    let constraints = BasicConstraints {
        ca: t.is_ca,
        path_len_constraint: None,
    };
    extensions.push(extension(
        OID_BASIC_CONSTRAINTS,
        true,
        constraints.to_der().map_err(der_error)?,
    )?);
    if let Some(id) = &t.subject_key_id {
        let value = SubjectKeyIdentifier(OctetString::new(id.clone()).map_err(der_error)?);
        extensions.push(extension(
            OID_SUBJECT_KEY_ID,
            false,
            value.to_der().map_err(der_error)?,
        )?);
    }
    if let Some(id) = &t.authority_key_id {
        let value = AuthorityKeyIdentifier {
            key_identifier: Some(OctetString::new(id.clone()).map_err(der_error)?),
            authority_cert_issuer: None,
            authority_cert_serial_number: None,
        };
        extensions.push(extension(
            OID_AUTHORITY_KEY_ID,
            false,
            value.to_der().map_err(der_error)?,
        )?);
    }
    if !t.alt_names.is_empty() {
        // RFC 5280 4.2.1.6: critical when the subject is empty.
        let critical = subject.0.is_empty();
        extensions.push(extension(OID_SAN, critical, t.alt_names.to_der()?)?);
    }
    let serial = t.serial.to_be_bytes();
    let first = serial.iter().position(|b| *b != 0).unwrap_or(serial.len() - 1);
    let tbs = x509_cert::TbsCertificate {
        version: x509_cert::Version::V3,
        serial_number: x509_cert::serial_number::SerialNumber::new(&serial[first..]).map_err(der_error)?,
        signature: issuer.key.signature_algorithm(),
        issuer: issuer_name,
        validity: Validity {
            not_before: time(t.not_before)?,
            not_after: time(t.not_after)?,
        },
        subject,
        subject_public_key_info: public.spki().clone(),
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(extensions),
    };
    let tbs_der = tbs.to_der().map_err(der_error)?;
    let signature = issuer.key.sign(&tbs_der)?;
    let cert = x509_cert::Certificate {
        tbs_certificate: tbs,
        signature_algorithm: issuer.key.signature_algorithm(),
        signature: BitString::from_bytes(&signature).map_err(der_error)?,
    };
    cert.to_der().map_err(der_error)
}

/// Builds and signs a certificate request; the DER.
pub fn create_request(subject: &DistinguishedName, alt_names: &AltNames, key: &PrivateKey) -> Result<Vec<u8>, String> {
    let mut attributes = SetOfVec::new();
    if !alt_names.is_empty() {
        let extensions = vec![extension(OID_SAN, false, alt_names.to_der()?)?];
        let value = der::Any::encode_from(&extensions).map_err(der_error)?;
        let values = SetOfVec::try_from(vec![value]).map_err(der_error)?;
        let attribute = x509_cert::attr::Attribute {
            oid: OID_EXTENSION_REQUEST,
            values,
        };
        attributes.insert(attribute).map_err(der_error)?;
    }
    let info = x509_cert::request::CertReqInfo {
        version: x509_cert::request::Version::V1,
        subject: subject.to_name()?,
        public_key: key.public_key()?.spki().clone(),
        attributes,
    };
    let signature = key.sign(&info.to_der().map_err(der_error)?)?;
    let request = x509_cert::request::CertReq {
        info,
        algorithm: key.signature_algorithm(),
        signature: BitString::from_bytes(&signature).map_err(der_error)?,
    };
    request.to_der().map_err(der_error)
}

/// What a locally signed certificate takes from its request.
#[derive(Debug)]
pub struct Request {
    pub subject: DistinguishedName,
    pub alt_names: AltNames,
    pub public_key: PublicKey,
}

/// Reads a `CERTIFICATE REQUEST` PEM.
pub fn parse_request(pem_text: &str) -> Result<Request, String> {
    let der = decode_pem(pem_text, "CERTIFICATE REQUEST")?;
    let req =
        x509_cert::request::CertReq::from_der(&der).map_err(|e| format!("failed to parse certificate request: {e}"))?;
    let mut alt_names = AltNames::default();
    for attribute in req.info.attributes.iter().filter(|a| a.oid == OID_EXTENSION_REQUEST) {
        for value in attribute.values.iter() {
            let extensions: Vec<Extension> = value
                .decode_as()
                .map_err(|e| format!("failed to parse certificate request: extensions: {e}"))?;
            for ext in extensions.iter().filter(|e| e.extn_id == OID_SAN) {
                alt_names.extend_from_der(ext.extn_value.as_bytes())?;
            }
        }
    }
    let spki = req.info.public_key.to_der().map_err(der_error)?;
    Ok(Request {
        subject: DistinguishedName::from_name(&req.info.subject)?,
        alt_names,
        public_key: PublicKey::from_spki_der(&spki)?,
    })
}

/// What a locally signed certificate takes from its CA certificate.
#[derive(Debug)]
pub struct CaCertificate {
    pub subject: Name,
    pub subject_key_id: Option<Vec<u8>>,
    pub is_ca: bool,
    pub public_key: PublicKey,
}

/// Reads a `CERTIFICATE` PEM holding one certificate.
pub fn parse_certificate(pem_text: &str) -> Result<CaCertificate, String> {
    let der = decode_pem(pem_text, "CERTIFICATE")?;
    let mut reader = der::SliceReader::new(&der).map_err(|e| format!("failed to parse certificate: {e}"))?;
    let cert = x509_cert::Certificate::decode(&mut reader).map_err(|e| format!("failed to parse certificate: {e}"))?;
    if !reader.is_finished() {
        return Err("multiple certificates found in the PEM block".into());
    }
    let tbs = cert.tbs_certificate;
    let mut subject_key_id = None;
    let mut is_ca = false;
    for ext in tbs.extensions.iter().flatten() {
        if ext.extn_id == OID_SUBJECT_KEY_ID {
            let id = SubjectKeyIdentifier::from_der(ext.extn_value.as_bytes())
                .map_err(|e| format!("failed to parse certificate: subject key identifier: {e}"))?;
            subject_key_id = Some(id.0.as_bytes().to_vec()).filter(|id| !id.is_empty());
        } else if ext.extn_id == OID_BASIC_CONSTRAINTS {
            let c = BasicConstraints::from_der(ext.extn_value.as_bytes())
                .map_err(|e| format!("failed to parse certificate: basic constraints: {e}"))?;
            is_ca = c.ca;
        }
    }
    let spki = tbs.subject_public_key_info.to_der().map_err(der_error)?;
    Ok(CaCertificate {
        subject: tbs.subject,
        subject_key_id,
        is_ca,
        public_key: PublicKey::from_spki_der(&spki)?,
    })
}

/// The DER of the first PEM block of a text, which must have `label`.
fn decode_pem(text: &str, label: &str) -> Result<Vec<u8>, String> {
    let block = super::encoding::pem_decode(text)
        .map_err(|_| format!("failed to decode PEM of expected type {label:?} from bytes"))?;
    if block.tag() != label {
        return Err(format!("invalid PEM type - expected {label:?}, got {:?}", block.tag()));
    }
    Ok(block.into_contents())
}

fn extension(oid: Oid, critical: bool, value: Vec<u8>) -> Result<Extension, String> {
    Ok(Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(value).map_err(der_error)?,
    })
}

/// The KeyUsage BIT STRING as Go writes it: bit 0 first, trailing zero
/// bits left out.
fn key_usage_der(usage: u16) -> Result<Vec<u8>, String> {
    let bytes = [(usage as u8).reverse_bits(), ((usage >> 8) as u8).reverse_bits()];
    let bytes = if bytes[1] == 0 { &bytes[..1] } else { &bytes[..] };
    let last = bytes[bytes.len() - 1];
    let unused = last.trailing_zeros().min(7) as u8;
    BitString::new(unused, bytes)
        .and_then(|b| b.to_der())
        .map_err(der_error)
}

/// UTCTime up to 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5), to the second.
fn time(t: SystemTime) -> Result<Time, String> {
    let since = t
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "x509: a time before 1970".to_string())?;
    let whole = std::time::Duration::from_secs(since.as_secs());
    let dt = der::DateTime::from_unix_duration(whole).map_err(der_error)?;
    if dt.year() < 2050 {
        Ok(Time::UtcTime(
            der::asn1::UtcTime::from_date_time(dt).map_err(der_error)?,
        ))
    } else {
        Ok(Time::GeneralTime(der::asn1::GeneralizedTime::from_date_time(dt)))
    }
}

fn der_error(e: der::Error) -> String {
    format!("x509: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_usage_bits_are_written_as_go_writes_them() {
        // digital_signature | key_encipherment: bits 0 and 2 → 0b1010_0000, 5 unused.
        assert_eq!(key_usage_der(0b101).unwrap(), vec![0x03, 0x02, 0x05, 0xa0]);
        // cert_signing | crl_signing: bits 5 and 6 → 0b0000_0110, 1 unused.
        assert_eq!(key_usage_der(0b110_0000).unwrap(), vec![0x03, 0x02, 0x01, 0x06]);
        // decipher_only: bit 8 → two bytes, 7 unused.
        assert_eq!(key_usage_der(1 << 8).unwrap(), vec![0x03, 0x03, 0x07, 0x00, 0x80]);
    }

    #[test]
    fn ip_addresses_are_written_as_go_writes_them() {
        assert_eq!(AltNames::parse_ip("10.0.0.1").unwrap(), vec![10, 0, 0, 1]);
        assert_eq!(AltNames::parse_ip("::ffff:10.0.0.1").unwrap(), vec![10, 0, 0, 1]);
        assert_eq!(AltNames::parse_ip("::1").unwrap().len(), 16);
        assert!(AltNames::parse_ip("10.0.0.01").is_err());
        assert!(AltNames::parse_ip("nope").unwrap_err().contains("\"nope\""));
    }

    #[test]
    fn a_non_ascii_dns_name_is_refused_as_go_refuses_it() {
        let names = AltNames {
            dns: vec!["bücher.example".into()],
            ..Default::default()
        };
        assert!(names.to_der().unwrap_err().contains("IA5String"));
    }
}
