//! Private keys as the tls provider makes, reads and writes them: RSA,
//! ECDSA (P-256, P-384, P-521) and Ed25519, in exactly the encodings Go's
//! `crypto/x509` and `x/crypto/ssh` give them (PKCS#1 for RSA, SEC 1 with
//! its curve for ECDSA, PKCS#8 for Ed25519; PKCS#8 as Go writes it; the
//! OpenSSH format in PEM lines of 64), and signing with them.
//!
//! No key material leaves this module except through the encodings:
//! errors and `Debug` name the algorithm only. P-224, which the real
//! provider also supports, has no released Rust implementation aksplan
//! can use; it is refused with a clear error.

use super::encoding::pem_encode;
use super::public::PublicKey;
use der::asn1::ObjectIdentifier as Oid;
use der::{Decode, Encode};
use rand_core::OsRng;
use rsa::pkcs8::{self, DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use rsa::signature;
use std::fmt;
use x509_cert::der;
use x509_cert::spki::AlgorithmIdentifierOwned;

pub const OID_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
pub const OID_EC: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
pub const OID_ED25519: Oid = Oid::new_unwrap("1.3.101.112");
pub const OID_P224: Oid = Oid::new_unwrap("1.3.132.0.33");
pub const OID_P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
pub const OID_P384: Oid = Oid::new_unwrap("1.3.132.0.34");
pub const OID_P521: Oid = Oid::new_unwrap("1.3.132.0.35");
const OID_SHA256_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
const OID_ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
const OID_ECDSA_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
const OID_ECDSA_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");

/// The algorithms of `tls_private_key.algorithm`.
pub const ALGORITHMS: &[&str] = &["RSA", "ECDSA", "ED25519"];
/// The curves of `tls_private_key.ecdsa_curve`.
pub const CURVES: &[&str] = &["P224", "P256", "P384", "P521"];

/// Why P-224 keys are refused.
pub const P224_UNSUPPORTED: &str = "aksplan cannot generate or use ECDSA keys on the P224 curve (the tls \
     provider's default ecdsa_curve): no released Rust implementation of P-224 arithmetic exists. \
     Set ecdsa_curve to \"P256\", \"P384\" or \"P521\".";

pub enum PrivateKey {
    Rsa(Box<rsa::RsaPrivateKey>),
    P256(p256::SecretKey),
    P384(p384::SecretKey),
    P521(p521::SecretKey),
    Ed25519(Box<ed25519_dalek::SigningKey>),
}

/// Names the algorithm only: a key's material is never printed.
impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({})", self.algorithm())
    }
}

impl PrivateKey {
    /// A new key; `rsa_bits` and `curve` matter only for their algorithm.
    pub fn generate(algorithm: &str, rsa_bits: i64, curve: &str) -> Result<PrivateKey, String> {
        match algorithm {
            "RSA" => {
                let bits = usize::try_from(rsa_bits).map_err(|_| format!("invalid RSA key size {rsa_bits}"))?;
                let key = rsa::RsaPrivateKey::new(&mut OsRng, bits)
                    .map_err(|e| format!("failed to generate a {bits}-bit RSA key: {e}"))?;
                Ok(PrivateKey::Rsa(Box::new(key)))
            }
            "ECDSA" => match curve {
                "P224" => Err(P224_UNSUPPORTED.to_string()),
                "P256" => Ok(PrivateKey::P256(p256::SecretKey::random(&mut OsRng))),
                "P384" => Ok(PrivateKey::P384(p384::SecretKey::random(&mut OsRng))),
                "P521" => Ok(PrivateKey::P521(p521::SecretKey::random(&mut OsRng))),
                other => Err(format!(
                    "invalid ECDSA curve {other:?}; supported values are: {}",
                    CURVES.join(", ")
                )),
            },
            "ED25519" => Ok(PrivateKey::Ed25519(Box::new(ed25519_dalek::SigningKey::generate(
                &mut OsRng,
            )))),
            other => Err(format!("Key Algorithm {other:?} is not supported")),
        }
    }

    /// `RSA`, `ECDSA` or `ED25519`.
    pub fn algorithm(&self) -> &'static str {
        match self {
            PrivateKey::Rsa(_) => "RSA",
            PrivateKey::P256(_) | PrivateKey::P384(_) | PrivateKey::P521(_) => "ECDSA",
            PrivateKey::Ed25519(_) => "ED25519",
        }
    }

    /// `private_key_pem`: PKCS#1 for RSA, SEC 1 for ECDSA, PKCS#8 for Ed25519.
    pub fn to_pem(&self) -> Result<String, String> {
        match self {
            PrivateKey::Rsa(k) => {
                let der = rsa::pkcs1::EncodeRsaPrivateKey::to_pkcs1_der(&**k).map_err(encode_error)?;
                Ok(pem_encode("RSA PRIVATE KEY", der.as_bytes()))
            }
            PrivateKey::P256(k) => sec1_pem(&k.to_bytes(), &k.public_key().to_sec1_bytes(), OID_P256),
            PrivateKey::P384(k) => sec1_pem(&k.to_bytes(), &k.public_key().to_sec1_bytes(), OID_P384),
            PrivateKey::P521(k) => sec1_pem(&k.to_bytes(), &k.public_key().to_sec1_bytes(), OID_P521),
            PrivateKey::Ed25519(_) => self.to_pkcs8_pem(),
        }
    }

    /// `private_key_pem_pkcs8`, as Go's `MarshalPKCS8PrivateKey` writes it
    /// (an ECDSA key without its curve inside, an Ed25519 key without its
    /// public half).
    pub fn to_pkcs8_pem(&self) -> Result<String, String> {
        let der = match self {
            PrivateKey::Rsa(k) => k.to_pkcs8_der(),
            PrivateKey::P256(k) => k.to_pkcs8_der(),
            PrivateKey::P384(k) => k.to_pkcs8_der(),
            PrivateKey::P521(k) => k.to_pkcs8_der(),
            PrivateKey::Ed25519(k) => ed25519_dalek::pkcs8::KeypairBytes {
                secret_key: k.to_bytes(),
                public_key: None,
            }
            .to_pkcs8_der(),
        }
        .map_err(encode_error)?;
        Ok(pem_encode("PRIVATE KEY", der.as_bytes()))
    }

    /// `private_key_openssh`: OpenSSH's own format, without a comment.
    pub fn to_openssh_pem(&self) -> Result<String, String> {
        use ssh_key::private::{EcdsaKeypair, Ed25519Keypair, KeypairData, RsaKeypair};
        let data = match self {
            PrivateKey::Rsa(k) => KeypairData::from(RsaKeypair::try_from(&**k).map_err(encode_error)?),
            PrivateKey::P256(k) => KeypairData::from(EcdsaKeypair::NistP256 {
                public: k.public_key().into(),
                private: k.clone().into(),
            }),
            PrivateKey::P384(k) => KeypairData::from(EcdsaKeypair::NistP384 {
                public: k.public_key().into(),
                private: k.clone().into(),
            }),
            PrivateKey::P521(k) => KeypairData::from(EcdsaKeypair::NistP521 {
                public: k.public_key().into(),
                private: k.clone().into(),
            }),
            PrivateKey::Ed25519(k) => KeypairData::from(Ed25519Keypair::from(&**k)),
        };
        let key = ssh_key::PrivateKey::new(data, "").map_err(encode_error)?;
        let bytes = key.to_bytes().map_err(encode_error)?;
        Ok(pem_encode("OPENSSH PRIVATE KEY", &bytes))
    }

    /// The public half.
    pub fn public_key(&self) -> Result<PublicKey, String> {
        let der = match self {
            PrivateKey::Rsa(k) => k.to_public_key().to_public_key_der(),
            PrivateKey::P256(k) => k.public_key().to_public_key_der(),
            PrivateKey::P384(k) => k.public_key().to_public_key_der(),
            PrivateKey::P521(k) => k.public_key().to_public_key_der(),
            PrivateKey::Ed25519(k) => k.verifying_key().to_public_key_der(),
        }
        .map_err(encode_error)?;
        PublicKey::from_spki_der(der.as_bytes())
    }

    /// The signature algorithm Go's `x509` picks for the key: SHA-256 with
    /// RSA, ECDSA with the hash of the curve's size, pure Ed25519.
    pub fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        let (oid, parameters) = match self {
            PrivateKey::Rsa(_) => (OID_SHA256_RSA, Some(der::Any::null())),
            PrivateKey::P256(_) => (OID_ECDSA_SHA256, None),
            PrivateKey::P384(_) => (OID_ECDSA_SHA384, None),
            PrivateKey::P521(_) => (OID_ECDSA_SHA512, None),
            PrivateKey::Ed25519(_) => (OID_ED25519, None),
        };
        AlgorithmIdentifierOwned { oid, parameters }
    }

    /// Signs a message (a to-be-signed certificate or request) with the
    /// algorithm of [`PrivateKey::signature_algorithm`].
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        use signature::Signer;
        let fail = |e: signature::Error| format!("failed to sign: {e}");
        Ok(match self {
            PrivateKey::Rsa(k) => {
                let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new((**k).clone());
                let s: rsa::pkcs1v15::Signature = signer.try_sign(message).map_err(fail)?;
                signature::SignatureEncoding::to_vec(&s)
            }
            PrivateKey::P256(k) => {
                let s: p256::ecdsa::Signature = p256::ecdsa::SigningKey::from(k).try_sign(message).map_err(fail)?;
                s.to_der().as_bytes().to_vec()
            }
            PrivateKey::P384(k) => {
                let s: p384::ecdsa::Signature = p384::ecdsa::SigningKey::from(k).try_sign(message).map_err(fail)?;
                s.to_der().as_bytes().to_vec()
            }
            PrivateKey::P521(k) => {
                let signer = p521::ecdsa::SigningKey::from_slice(&k.to_bytes()).map_err(fail)?;
                let s: p521::ecdsa::Signature = signer.try_sign(message).map_err(fail)?;
                s.to_der().as_bytes().to_vec()
            }
            PrivateKey::Ed25519(k) => k.try_sign(message).map_err(fail)?.to_bytes().to_vec(),
        })
    }

    /// Reads a key from PEM as the provider's `private_key_pem` arguments
    /// take it: `RSA PRIVATE KEY`, `EC PRIVATE KEY` or `PRIVATE KEY`.
    pub fn from_pem(text: &str) -> Result<PrivateKey, String> {
        let block = super::encoding::pem_decode(text)?;
        match block.tag() {
            "RSA PRIVATE KEY" | "EC PRIVATE KEY" | "PRIVATE KEY" => from_der(block.tag(), block.contents()),
            "PUBLIC KEY" | "CERTIFICATE" | "CERTIFICATE REQUEST" => {
                Err(format!("unable to determine parser for PEM preamble: {}", block.tag()))
            }
            other => Err(format!("unsupported PEM preamble/type: {other}")),
        }
    }

    /// Reads a key as `tls_public_key.private_key_openssh` takes it: the
    /// OpenSSH format, or any PEM form [`PrivateKey::from_pem`] reads.
    pub fn from_openssh(text: &str) -> Result<PrivateKey, String> {
        let block = super::encoding::pem_decode(text)?;
        if block.tag() != "OPENSSH PRIVATE KEY" {
            return match block.tag() {
                "RSA PRIVATE KEY" | "EC PRIVATE KEY" | "PRIVATE KEY" => from_der(block.tag(), block.contents()),
                other => Err(format!(
                    "failed to parse openssh private key: ssh: unsupported key type {other:?}"
                )),
            };
        }
        let key = ssh_key::PrivateKey::from_bytes(block.contents())
            .map_err(|e| format!("failed to parse openssh private key: {e}"))?;
        if key.is_encrypted() {
            return Err("failed to parse openssh private key: this private key is passphrase protected".into());
        }
        from_ssh(key.key_data())
    }
}

/// A private key in one of the DER forms a PEM label names.
fn from_der(label: &str, der: &[u8]) -> Result<PrivateKey, String> {
    let fail = |e: &dyn fmt::Display| format!("failed to parse private key given PEM preamble '{label}': {e}");
    match label {
        "RSA PRIVATE KEY" => rsa::pkcs1::DecodeRsaPrivateKey::from_pkcs1_der(der)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|e| fail(&e)),
        "EC PRIVATE KEY" => {
            let key = sec1::EcPrivateKey::from_der(der).map_err(|e| fail(&e))?;
            let curve = key.parameters.and_then(|p| p.named_curve());
            ec_key(curve, key.private_key).map_err(|e| fail(&e))
        }
        _ => {
            let info = pkcs8::PrivateKeyInfo::from_der(der).map_err(|e| fail(&e))?;
            match info.algorithm.oid {
                OID_RSA => rsa::RsaPrivateKey::from_pkcs8_der(der)
                    .map(|k| PrivateKey::Rsa(Box::new(k)))
                    .map_err(|e| fail(&e)),
                OID_EC => {
                    let curve = info.algorithm.parameters_oid().ok();
                    let inner = sec1::EcPrivateKey::from_der(info.private_key).map_err(|e| fail(&e))?;
                    ec_key(curve, inner.private_key).map_err(|e| fail(&e))
                }
                OID_ED25519 => ed25519_dalek::SigningKey::from_pkcs8_der(der)
                    .map(|k| PrivateKey::Ed25519(Box::new(k)))
                    .map_err(|e| fail(&e)),
                other => Err(fail(&format!(
                    "x509: PKCS#8 wrapping contained private key with unknown algorithm: {other}"
                ))),
            }
        }
    }
}

/// An ECDSA key from its curve and scalar (left-padded when shorter, as Go does).
fn ec_key(curve: Option<Oid>, scalar: &[u8]) -> Result<PrivateKey, String> {
    fn padded(scalar: &[u8], size: usize) -> Result<Vec<u8>, String> {
        if scalar.len() > size {
            return Err("x509: invalid private key length".into());
        }
        let mut out = vec![0u8; size - scalar.len()];
        out.extend_from_slice(scalar);
        Ok(out)
    }
    let invalid = |_| "x509: invalid elliptic curve private key value".to_string();
    match curve {
        Some(OID_P256) => Ok(PrivateKey::P256(
            p256::SecretKey::from_slice(&padded(scalar, 32)?).map_err(invalid)?,
        )),
        Some(OID_P384) => Ok(PrivateKey::P384(
            p384::SecretKey::from_slice(&padded(scalar, 48)?).map_err(invalid)?,
        )),
        Some(OID_P521) => Ok(PrivateKey::P521(
            p521::SecretKey::from_slice(&padded(scalar, 66)?).map_err(invalid)?,
        )),
        Some(OID_P224) => Err(P224_UNSUPPORTED.to_string()),
        _ => Err("x509: unknown elliptic curve".into()),
    }
}

/// A key read from the OpenSSH format.
fn from_ssh(data: &ssh_key::private::KeypairData) -> Result<PrivateKey, String> {
    use ssh_key::private::{EcdsaKeypair, KeypairData};
    let invalid = |e: &dyn fmt::Display| format!("failed to parse openssh private key: {e}");
    match data {
        KeypairData::Rsa(k) => rsa_from_ssh(k).map_err(|e| invalid(&e)),
        KeypairData::Ecdsa(EcdsaKeypair::NistP256 { private, .. }) => {
            ec_key(Some(OID_P256), private.as_ref()).map_err(|e| invalid(&e))
        }
        KeypairData::Ecdsa(EcdsaKeypair::NistP384 { private, .. }) => {
            ec_key(Some(OID_P384), private.as_ref()).map_err(|e| invalid(&e))
        }
        KeypairData::Ecdsa(EcdsaKeypair::NistP521 { private, .. }) => {
            ec_key(Some(OID_P521), private.as_ref()).map_err(|e| invalid(&e))
        }
        KeypairData::Ed25519(k) => Ok(PrivateKey::Ed25519(Box::new(ed25519_dalek::SigningKey::from(
            &k.private,
        )))),
        other => Err(format!(
            "failed to determine key algorithm for private key: unsupported private key type {}",
            other
                .algorithm()
                .map(|a| a.to_string())
                .unwrap_or_else(|_| "unknown".into())
        )),
    }
}

/// An RSA key from its OpenSSH parts (ssh-key 0.6's own conversion takes
/// the first prime twice, and refuses keys under 2048 bits).
fn rsa_from_ssh(k: &ssh_key::private::RsaKeypair) -> Result<PrivateKey, String> {
    let int = |m: &ssh_key::Mpint| {
        m.as_positive_bytes()
            .map(rsa::BigUint::from_bytes_be)
            .ok_or_else(|| "an RSA key part is not a positive integer".to_string())
    };
    let (n, e) = (int(&k.public.n)?, int(&k.public.e)?);
    let (d, p, q) = (int(&k.private.d)?, int(&k.private.p)?, int(&k.private.q)?);
    rsa::RsaPrivateKey::from_components(n, e, d, vec![p, q])
        .map(|k| PrivateKey::Rsa(Box::new(k)))
        .map_err(|e| e.to_string())
}

/// `EC PRIVATE KEY` as Go's `MarshalECPrivateKey` writes it: with its curve
/// and its public point.
fn sec1_pem(scalar: &[u8], point: &[u8], curve: Oid) -> Result<String, String> {
    let key = sec1::EcPrivateKey {
        private_key: scalar,
        parameters: Some(sec1::EcParameters::NamedCurve(curve)),
        public_key: Some(point),
    };
    let der = key.to_der().map_err(encode_error)?;
    Ok(pem_encode("EC PRIVATE KEY", &der))
}

fn encode_error(e: impl fmt::Display) -> String {
    format!("failed to encode the key: {e}")
}
