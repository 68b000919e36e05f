//! Hashes and identifiers: `md5`, `sha1`, `sha256`, `sha512`,
//! `base64sha256`, `base64sha512`, their `file*` forms, `bcrypt`, `uuid`,
//! `uuidv5` and `rsadecrypt`.
//!
//! Strings are hashed as their UTF-8 bytes, files as their bytes (read with
//! the bounded reader of [`super::filesystem`]). `uuid` and `bcrypt` are
//! random, as in Terraform; nothing here reads the clock.

use super::filesystem::{read_bytes, ReadError};
use super::{func, int_arg, param, string_arg, FnError, FnResult, FuncContext, Function};
use crate::lang::types::Type;
use crate::lang::value::Value;
use base64::Engine as _;
use sha2::Digest as _;

type Hasher = fn(&[u8]) -> Vec<u8>;
type Encoder = fn(&[u8]) -> String;

const HASHES: &[(&str, Hasher, Encoder)] = &[
    ("md5", |b| md5::Md5::digest(b).to_vec(), hex),
    ("sha1", |b| sha1::Sha1::digest(b).to_vec(), hex),
    ("sha256", |b| sha2::Sha256::digest(b).to_vec(), hex),
    ("sha512", |b| sha2::Sha512::digest(b).to_vec(), hex),
    ("base64sha256", |b| sha2::Sha256::digest(b).to_vec(), base64),
    ("base64sha512", |b| sha2::Sha512::digest(b).to_vec(), base64),
];

pub fn register(r: &mut Vec<Function>) {
    for (i, (name, _, _)) in HASHES.iter().enumerate() {
        r.push(func(
            name,
            vec![param("str", Type::String)],
            Type::String,
            STRING_HASHES[i],
        ));
        let file_name: &'static str = FILE_NAMES[i];
        r.push(func(
            file_name,
            vec![param("path", Type::String)],
            Type::String,
            FILE_HASHES[i],
        ));
    }
    r.extend([
        func("bcrypt", vec![param("str", Type::String)], Type::String, bcrypt).variadic(param("cost", Type::Number)),
        func("uuid", vec![], Type::String, |_, _| {
            Ok(Value::String(uuid::Uuid::new_v4().to_string()))
        }),
        func(
            "uuidv5",
            vec![param("namespace", Type::String), param("name", Type::String)],
            Type::String,
            uuidv5,
        ),
        func(
            "rsadecrypt",
            vec![param("ciphertext", Type::String), param("privatekey", Type::String)],
            Type::String,
            rsadecrypt,
        ),
    ]);
}

const FILE_NAMES: [&str; 6] = [
    "filemd5",
    "filesha1",
    "filesha256",
    "filesha512",
    "filebase64sha256",
    "filebase64sha512",
];

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn hash_string(i: usize, a: &[Value]) -> FnResult {
    let (_, hash, encode) = HASHES[i];
    Ok(Value::String(encode(&hash(string_arg(a, 0)?.as_bytes()))))
}

/// The file forms fail as Terraform's do: at the call, not at the argument.
fn hash_file(i: usize, a: &[Value], ctx: &FuncContext) -> FnResult {
    let (_, hash, encode) = HASHES[i];
    let path = string_arg(a, 0)?;
    let bytes = read_bytes(ctx, &path).map_err(|e| match e {
        ReadError::Missing => FnError::new(format!("open {path}: no such file or directory")),
        ReadError::Other(m) => FnError::new(m),
    })?;
    Ok(Value::String(encode(&hash(&bytes))))
}

type Impl = fn(&[Value], &FuncContext) -> FnResult;
const STRING_HASHES: [Impl; 6] = [
    |a, _| hash_string(0, a),
    |a, _| hash_string(1, a),
    |a, _| hash_string(2, a),
    |a, _| hash_string(3, a),
    |a, _| hash_string(4, a),
    |a, _| hash_string(5, a),
];
const FILE_HASHES: [Impl; 6] = [
    |a, c| hash_file(0, a, c),
    |a, c| hash_file(1, a, c),
    |a, c| hash_file(2, a, c),
    |a, c| hash_file(3, a, c),
    |a, c| hash_file(4, a, c),
    |a, c| hash_file(5, a, c),
];

/// `bcrypt(str, cost)`: Go's x/crypto/bcrypt, `$2a$` hashes; a cost below 4
/// means the default, 10.
pub fn bcrypt(a: &[Value], _: &FuncContext) -> FnResult {
    if a.len() > 2 {
        return Err(FnError::new("bcrypt() takes no more than two arguments"));
    }
    let cost = match a.get(1) {
        Some(_) => int_arg(a, 1).map_err(|_| {
            FnError::new("value must be a whole number, between -9223372036854775808 and 9223372036854775807")
        })?,
        None => 10,
    };
    let cost = if cost < 4 { 10 } else { cost };
    if cost > 31 {
        return Err(FnError::new(format!(
            "error occured generating password crypto/bcrypt: cost {cost} is outside allowed range (4,31)"
        )));
    }
    let s = string_arg(a, 0)?;
    if s.len() > 72 {
        return Err(FnError::new(
            "error occured generating password bcrypt: password length exceeds 72 bytes",
        ));
    }
    let parts = ::bcrypt::hash_with_result(s.as_bytes(), cost as u32)
        .map_err(|e| FnError::new(format!("error occured generating password {e}")))?;
    Ok(Value::String(parts.format_for_version(::bcrypt::Version::TwoA)))
}

/// `uuidv5(namespace, name)`: namespace `dns`, `url`, `oid`, `x500` or a
/// UUID in any of the forms Go's google/uuid parses.
pub fn uuidv5(a: &[Value], _: &FuncContext) -> FnResult {
    let ns = string_arg(a, 0)?;
    let namespace = match ns.as_str() {
        "dns" => uuid::Uuid::NAMESPACE_DNS,
        "url" => uuid::Uuid::NAMESPACE_URL,
        "oid" => uuid::Uuid::NAMESPACE_OID,
        "x500" => uuid::Uuid::NAMESPACE_X500,
        other => uuid::Uuid::parse_str(other).map_err(|_| {
            let why = if [32, 36, 38, 45].contains(&other.len()) {
                "invalid UUID format".to_string()
            } else {
                format!("invalid UUID length: {}", other.len())
            };
            FnError::new(format!("uuidv5() doesn't support namespace {other} ({why})"))
        })?,
    };
    Ok(Value::String(
        uuid::Uuid::new_v5(&namespace, string_arg(a, 1)?.as_bytes()).to_string(),
    ))
}

/// `rsadecrypt(ciphertext, privatekey)`: PKCS #1 v1.5 decryption with an RSA
/// key in PEM, PKCS #1 (`RSA PRIVATE KEY`) or PKCS #8 (`PRIVATE KEY`).
pub fn rsadecrypt(a: &[Value], _: &FuncContext) -> FnResult {
    use rsa::pkcs1::DecodeRsaPrivateKey as _;
    use rsa::pkcs8::DecodePrivateKey as _;
    let s = string_arg(a, 0)?;
    let key = string_arg(a, 1)?;
    let ciphertext = super::encoding::go_base64_decode(&s).ok_or_else(|| {
        FnError::arg(
            0,
            format!("failed to decode input {s:?}: cipher text must be base64-encoded"),
        )
    })?;
    let pem_label = key
        .lines()
        .find_map(|l| l.trim().strip_prefix("-----BEGIN ")?.strip_suffix("-----"))
        .ok_or_else(|| FnError::arg(1, "invalid private key: ssh: no key found"))?;
    let private = match pem_label {
        "RSA PRIVATE KEY" => rsa::RsaPrivateKey::from_pkcs1_pem(&key).map_err(|e| e.to_string()),
        "PRIVATE KEY" => rsa::RsaPrivateKey::from_pkcs8_pem(&key).map_err(|e| e.to_string()),
        other => Err(format!("invalid private key type: {other} is not an RSA key")),
    }
    .map_err(|e| FnError::arg(1, format!("invalid private key: {e}")))?;
    let plain = private
        .decrypt(rsa::Pkcs1v15Encrypt, &ciphertext)
        .map_err(|_| FnError::new("failed to decrypt: crypto/rsa: decryption error"))?;
    String::from_utf8(plain)
        .map(Value::String)
        .map_err(|_| FnError::new("the decrypted text is not valid UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    /// Expectations printed by `terraform console` (1.11.4) on this machine.
    #[test]
    fn string_hashes_as_terraform() {
        let cases = [
            (r#"md5("hi")"#, "49f68a5c8493ec2c0bf489821c21fc3b"),
            (r#"md5("")"#, "d41d8cd98f00b204e9800998ecf8427e"),
            (r#"sha1("hello")"#, "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"),
            (
                r#"sha256("hello world")"#,
                "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9",
            ),
            (
                r#"sha512("hello")"#,
                "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043",
            ),
            (r#"base64sha256("hello")"#, "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="),
            (
                r#"base64sha512("hello")"#,
                "m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw==",
            ),
            (r#"uuidv5("dns", "www.terraform.io")"#, "a5008fae-b28c-5ba5-96cd-82b4c53552d6"),
            (
                r#"uuidv5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "x")"#,
                "05b16a01-46c6-56dd-bd6e-c6dfb4a1427a",
            ),
            (
                r#"uuidv5("{6ba7b810-9dad-11d1-80b4-00c04fd430c8}", "x")"#,
                "05b16a01-46c6-56dd-bd6e-c6dfb4a1427a",
            ),
            (
                r#"uuidv5("urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8", "x")"#,
                "05b16a01-46c6-56dd-bd6e-c6dfb4a1427a",
            ),
            (r#"uuidv5("6ba7b8109dad11d180b400c04fd430c8", "x")"#, "05b16a01-46c6-56dd-bd6e-c6dfb4a1427a"),
        ];
        for (src, want) in cases {
            assert_eq!(ok(src), s(want), "{src}");
        }
        let errors = [
            (
                r#"uuidv5("nope", "x")"#,
                "uuidv5() doesn't support namespace nope (invalid UUID length: 4)",
            ),
            (
                r#"uuidv5("DNS", "x")"#,
                "uuidv5() doesn't support namespace DNS (invalid UUID length: 3)",
            ),
        ];
        for (src, want) in errors {
            assert_eq!(eval(src).unwrap_err(), want, "{src}");
        }
    }

    /// The bytes `hi\xff`, hashed by `terraform console` (1.11.4).
    #[test]
    fn file_hashes_as_terraform() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bin.dat"), b"hi\xff").unwrap();
        let ctx = FuncContext {
            base_dir: dir.path().to_path_buf(),
            ..FuncContext::default()
        };
        let cases = [
            ("filemd5", "1cf189ab287fb6adde567d09f1c8aec7"),
            ("filesha1", "d8a6b708b21b0793d0e7f5d1a1a6609857c2d702"),
            ("filesha256", "a761bc4c67a1ca68e4d497a5a26a8a5f40d63b524642e7a2a82505b1f686181e"),
            (
                "filesha512",
                "77a25738bc799cbb09f09294538a98200f4412870aa15ebac90728b967a36624f4dc74d88f7b5a57839d88a4478ebbbe68ca2356ba9c49a643b9f439961a91e0",
            ),
            ("filebase64sha256", "p2G8TGehymjk1JelomqKX0DWO1JGQueiqCUFsfaGGB4="),
            (
                "filebase64sha512",
                "d6JXOLx5nLsJ8JKUU4qYIA9EEocKoV66yQcouWejZiT03HTYj3taV4OdiKRHjru+aMojVrqcSaZDufQ5lhqR4A==",
            ),
        ];
        for (f, want) in cases {
            let got = super::super::call(f, vec![s("bin.dat")], &ctx).unwrap();
            assert_eq!(got, Ok(s(want)), "{f}");
        }
        let e = super::super::call("filemd5", vec![s("missing")], &ctx)
            .unwrap()
            .unwrap_err();
        assert_eq!(e.message, "open missing: no such file or directory");
        assert_eq!(e.arg, None);
    }

    #[test]
    fn bcrypt_hashes_verify_and_take_a_cost() {
        let h = ok(r#"bcrypt("hunter2")"#);
        let h = h.as_str().unwrap();
        assert!(h.starts_with("$2a$10$"), "{h}");
        assert!(::bcrypt::verify("hunter2", h).unwrap());
        assert!(!::bcrypt::verify("hunter3", h).unwrap());
        let h5 = ok(r#"bcrypt("a", 5)"#);
        assert!(h5.as_str().unwrap().starts_with("$2a$05$"));
        assert!(::bcrypt::verify("a", h5.as_str().unwrap()).unwrap());
        // As Terraform: a cost below the minimum means the default.
        assert!(ok(r#"bcrypt("a", 3)"#).as_str().unwrap().starts_with("$2a$10$"));
        assert!(ok(r#"bcrypt("a", -1)"#).as_str().unwrap().starts_with("$2a$10$"));
        // The salt is random.
        assert_ne!(ok(r#"bcrypt("a", 4)"#), ok(r#"bcrypt("a", 4)"#));
        let errors = [
            (
                r#"bcrypt("a", 32)"#,
                "error occured generating password crypto/bcrypt: cost 32 is outside allowed range (4,31)",
            ),
            (
                r#"bcrypt("a", 4.5)"#,
                "value must be a whole number, between -9223372036854775808 and 9223372036854775807",
            ),
            (r#"bcrypt("a", 4, 5)"#, "bcrypt() takes no more than two arguments"),
            (
                &format!("bcrypt(\"{}\")", "a".repeat(73)),
                "error occured generating password bcrypt: password length exceeds 72 bytes",
            ),
        ];
        for (src, want) in errors {
            let e = eval(src).unwrap_err();
            assert!(e.ends_with(want), "{src}: {e}");
        }
        assert!(eval(&format!("bcrypt(\"{}\")", "a".repeat(72))).is_ok());
    }

    #[test]
    fn uuids_are_random_version_4() {
        let a = ok("uuid()");
        let a = a.as_str().unwrap();
        let u = uuid::Uuid::parse_str(a).unwrap();
        assert_eq!(u.get_version_num(), 4);
        assert_eq!(a.len(), 36);
        assert_eq!(a, a.to_lowercase());
        assert_ne!(ok("uuid()"), ok("uuid()"));
    }

    /// A throwaway 1024-bit test key made with `openssl genrsa -traditional`,
    /// and `hello aksplan` encrypted to it with `openssl pkeyutl -encrypt`.
    const TEST_KEY_PKCS1: &str = "-----BEGIN RSA PRIVATE KEY-----
MIICXgIBAAKBgQDWqG4tMZHq3z+kTafxMZ766UudFS0NK5Nb9aKCoW8j1I6V6VXO
00/ImLuewWJL1lDVPx1Y4GxG5RU20kKJM3NYWEXhMLtFgM7mW4spg9R4O5lq2g4E
39yc3L3kphru+imgKGzxasHvOa6f7EyvCdTEKLWdvujXjMHUQXyB03d3PwIDAQAB
AoGBAMjYf345y1X/3QRWxLSgwSfz8ZPgpG6WPyLkClI/ykW0NFWAJZGHljcS8Tnx
p49dz/Q3QbZPBgCvh9HrmeXWBi0DgPcrHsvHwnJgmqBWOC3gI+hQy/uqp0xENtt2
Z0vJ7sNvyeD5+QTTihCH8tgqPH5kSo9Bo4en2ueTVzRxR3kBAkEA+q34Fu7Nxq0U
DXh1Iu2fbGvknIEyKSBMfe35rWYqr9ktRXJVShyY8Ry6fYw6MVNZvnDHpGXVqdkH
QVLin6Rd8QJBANs2vjMwqv/51aHQ1rVubZCugfqrEEXnIqqdJ0RxSuGh6zpLQ6N+
O3qSevulb794dlXKpkrtk6gvG22Du2wVuC8CQQDG+hgWe+8yaGemWZsA4oTM1sdb
wuFB67VLr/2jOZlgg45/tUUl0pVDrX4J8aivRm3R0Etnnr1+WBp+K4BfH2TBAkBA
uTsTNi1nAsb2zgh27THgZAXwkw1s9j+gDGKJrMGlOP+Q6KQB48V//TvejQwfhlu6
HOlYeij8oVwBy8FMumT1AkEA9lLLQqBzihjQnYTQcYXtm9Xnq3T8uIYpxIZFSawo
43y9tFFyuuA8oIEKr3hHrRTN+cmiH7/5ZrH+bSxRK3IagA==
-----END RSA PRIVATE KEY-----
";
    const TEST_CIPHERTEXT: &str = "fmE0JaJ29j95007sqk0xBDH/BBKUrybpc5ismxXF6mKThfyR7l+Ej7GjG3DCuo+AObpJ9zDJDfYbVbu728/h/bqFkVYlGYdJTR9UIEWyb6dr2mW+eASYxX5IsUPEcDvNjrJJ8MthBwBunR2AzzDxi1iOFwz8PvFZOzOZtcF4Jp4=";

    fn rsa(ciphertext: &str, key: &str) -> FnResult {
        super::super::call("rsadecrypt", vec![s(ciphertext), s(key)], &FuncContext::default()).unwrap()
    }

    /// `terraform console` (1.11.4) decrypted TEST_CIPHERTEXT to
    /// `hello aksplan` with the key in both PEM forms, and printed these
    /// errors.
    #[test]
    fn rsadecrypt_as_terraform() {
        use rsa::pkcs8::EncodePrivateKey as _;
        assert_eq!(rsa(TEST_CIPHERTEXT, TEST_KEY_PKCS1), Ok(s("hello aksplan")));
        let key = <rsa::RsaPrivateKey as rsa::pkcs1::DecodeRsaPrivateKey>::from_pkcs1_pem(TEST_KEY_PKCS1).unwrap();
        let pkcs8 = key.to_pkcs8_pem(rsa::pkcs8::LineEnding::LF).unwrap();
        assert_eq!(rsa(TEST_CIPHERTEXT, &pkcs8), Ok(s("hello aksplan")));
        let e = rsa("!!", "x").unwrap_err();
        assert_eq!(
            (e.arg, e.message.as_str()),
            (
                Some(0),
                "failed to decode input \"!!\": cipher text must be base64-encoded"
            )
        );
        let e = rsa("aGk=", "x").unwrap_err();
        assert_eq!(
            (e.arg, e.message.as_str()),
            (Some(1), "invalid private key: ssh: no key found")
        );
        let e = rsa("aGk=", TEST_KEY_PKCS1).unwrap_err();
        assert_eq!(
            (e.arg, e.message.as_str()),
            (None, "failed to decrypt: crypto/rsa: decryption error")
        );
        let bad = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert_eq!(rsa(TEST_CIPHERTEXT, bad).unwrap_err().arg, Some(1));
        let ec = "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n";
        assert!(rsa(TEST_CIPHERTEXT, ec).unwrap_err().message.contains("not an RSA key"));
    }
}
