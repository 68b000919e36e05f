//! Public keys, kept as the SubjectPublicKeyInfo Go's
//! `MarshalPKIXPublicKey` writes, and the forms the provider derives from
//! them: the `PUBLIC KEY` PEM, the OpenSSH authorized-keys line and its
//! MD5 and SHA-256 fingerprints, the id, and the subject key identifier
//! the provider computes for certificates.
//!
//! A key read from a certificate request is re-encoded the way Go
//! re-encodes it (RSA with NULL parameters, ECDSA with its named curve),
//! so that a certificate carries the same key bytes the real provider's
//! would.

use super::encoding::{hash_for_state, pem_encode};
use super::key::{OID_EC, OID_ED25519, OID_P224, OID_P256, OID_P384, OID_P521, OID_RSA};
use base64::Engine as _;
use der::asn1::{BitString, ObjectIdentifier as Oid};
use der::{Decode, Encode};
use sha1::{Digest, Sha1};
use x509_cert::der;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    /// The SubjectPublicKeyInfo, and its DER.
    info: SubjectPublicKeyInfoOwned,
    spki: Vec<u8>,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// The PKCS#1 `RSAPublicKey` DER, its modulus and its exponent.
    Rsa {
        pkcs1: Vec<u8>,
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// The curve and the uncompressed point.
    Ec {
        curve: Oid,
        point: Vec<u8>,
    },
    Ed25519([u8; 32]),
}

impl PublicKey {
    /// A key from a SubjectPublicKeyInfo, re-encoded as Go encodes it.
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, String> {
        let info =
            SubjectPublicKeyInfoRef::from_der(der).map_err(|e| format!("x509: failed to parse public key: {e}"))?;
        let bits = info
            .subject_public_key
            .as_bytes()
            .ok_or("x509: failed to parse public key: unused bits in the key's bit string")?;
        let (kind, parameters) = match info.algorithm.oid {
            OID_RSA => {
                let key = rsa::pkcs1::RsaPublicKey::from_der(bits)
                    .map_err(|e| format!("x509: invalid RSA public key: {e}"))?;
                let kind = Kind::Rsa {
                    pkcs1: key.to_der().map_err(|e| e.to_string())?,
                    n: key.modulus.as_bytes().to_vec(),
                    e: key.public_exponent.as_bytes().to_vec(),
                };
                (kind, Some(der::Any::null()))
            }
            OID_EC => {
                let curve = info
                    .algorithm
                    .parameters_oid()
                    .map_err(|_| "x509: ECDSA key without a named curve".to_string())?;
                let size = match curve {
                    OID_P224 => 28,
                    OID_P256 => 32,
                    OID_P384 => 48,
                    OID_P521 => 66,
                    other => return Err(format!("x509: unsupported elliptic curve {other}")),
                };
                if bits.len() != 1 + 2 * size || bits[0] != 4 {
                    return Err("x509: failed to unmarshal elliptic curve point".into());
                }
                let kind = Kind::Ec {
                    curve,
                    point: bits.to_vec(),
                };
                (kind, Some(der::Any::encode_from(&curve).map_err(|e| e.to_string())?))
            }
            OID_ED25519 => {
                let key: [u8; 32] = bits
                    .try_into()
                    .map_err(|_| "x509: wrong Ed25519 public key size".to_string())?;
                (Kind::Ed25519(key), None)
            }
            other => return Err(format!("x509: unsupported public key algorithm {other}")),
        };
        let bits = match &kind {
            Kind::Rsa { pkcs1, .. } => pkcs1.clone(),
            Kind::Ec { point, .. } => point.clone(),
            Kind::Ed25519(k) => k.to_vec(),
        };
        let info = SubjectPublicKeyInfoOwned {
            algorithm: AlgorithmIdentifierOwned {
                oid: info.algorithm.oid,
                parameters,
            },
            subject_public_key: BitString::from_bytes(&bits).map_err(|e| e.to_string())?,
        };
        let spki = info.to_der().map_err(|e| e.to_string())?;
        Ok(PublicKey { info, spki, kind })
    }

    #[cfg(test)]
    pub fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    pub fn spki(&self) -> &SubjectPublicKeyInfoOwned {
        &self.info
    }

    /// `public_key_pem`.
    pub fn pem(&self) -> String {
        pem_encode("PUBLIC KEY", &self.spki)
    }

    /// The provider's id of a key: the SHA-1 of its SubjectPublicKeyInfo.
    pub fn id(&self) -> String {
        hash_for_state(&self.spki)
    }

    /// The subject key identifier the provider sets: the SHA-1 of the
    /// PKCS#1 key (RSA), of the point (ECDSA), or of the key as an ASN.1
    /// OCTET STRING (Ed25519).
    pub fn subject_key_id(&self) -> Vec<u8> {
        let hashed = match &self.kind {
            Kind::Rsa { pkcs1, .. } => Sha1::digest(pkcs1),
            Kind::Ec { point, .. } => Sha1::digest(point),
            Kind::Ed25519(k) => {
                let mut octets = vec![0x04, 0x20];
                octets.extend_from_slice(k);
                Sha1::digest(&octets)
            }
        };
        hashed.to_vec()
    }

    /// The key as OpenSSH sees it; `None` for a P-224 key, which OpenSSH
    /// does not know.
    fn ssh(&self) -> Option<ssh_key::PublicKey> {
        use ssh_key::public::{EcdsaPublicKey, Ed25519PublicKey, KeyData, RsaPublicKey};
        let data = match &self.kind {
            Kind::Rsa { n, e, .. } => KeyData::Rsa(RsaPublicKey {
                e: ssh_key::Mpint::from_positive_bytes(e).ok()?,
                n: ssh_key::Mpint::from_positive_bytes(n).ok()?,
            }),
            Kind::Ec { point, .. } => KeyData::Ecdsa(EcdsaPublicKey::from_sec1_bytes(point).ok()?),
            Kind::Ed25519(k) => KeyData::Ed25519(Ed25519PublicKey(*k)),
        };
        Some(ssh_key::PublicKey::new(data, ""))
    }

    /// The authorized-keys line with its newline (`ssh-ed25519 AAAA...\n`),
    /// and the MD5 (`aa:bb:...`) and SHA-256 (`SHA256:...`) fingerprints of
    /// the key; all empty for a key OpenSSH does not know, as the provider
    /// leaves them.
    pub fn openssh(&self) -> (String, String, String) {
        let Some(key) = self.ssh() else {
            return Default::default();
        };
        let Ok(blob) = key.to_bytes() else {
            return Default::default();
        };
        let b64 = base64::engine::general_purpose::STANDARD;
        let line = format!("{} {}\n", key.algorithm().as_str(), b64.encode(&blob));
        let md5: Vec<String> = md5::Md5::digest(&blob).iter().map(|b| format!("{b:02x}")).collect();
        let md5 = md5.join(":");
        let sha = format!(
            "SHA256:{}",
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(sha2::Sha256::digest(&blob))
        );
        (line, md5, sha)
    }
}
