//! Distinguished names as Go's `pkix.Name` makes and reads them for the
//! provider: a `subject` block becomes one RDN per field in Go's order
//! (C, ST, L, STREET, POSTALCODE, O, OU, CN, SERIALNUMBER, then the e-mail
//! address), each value a PrintableString when Go's rules allow it and a
//! UTF8String otherwise. A name read back from a certificate request keeps
//! only the fields `pkix.Name` knows, so the e-mail address is dropped
//! from a locally signed certificate, as the real provider drops it.

use crate::lang::Value;
use der::asn1::{Any, ObjectIdentifier as Oid, SetOfVec};
use der::{Tag, Tagged};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::der;
use x509_cert::name::{Name, RelativeDistinguishedName};

const OID_CN: Oid = Oid::new_unwrap("2.5.4.3");
const OID_SERIAL: Oid = Oid::new_unwrap("2.5.4.5");
const OID_C: Oid = Oid::new_unwrap("2.5.4.6");
const OID_L: Oid = Oid::new_unwrap("2.5.4.7");
const OID_ST: Oid = Oid::new_unwrap("2.5.4.8");
const OID_STREET: Oid = Oid::new_unwrap("2.5.4.9");
const OID_O: Oid = Oid::new_unwrap("2.5.4.10");
const OID_OU: Oid = Oid::new_unwrap("2.5.4.11");
const OID_POSTAL: Oid = Oid::new_unwrap("2.5.4.17");
const OID_EMAIL: Oid = Oid::new_unwrap("1.2.840.113549.1.9.1");

/// The fields of a name, as `pkix.Name` holds them.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct DistinguishedName {
    pub country: Vec<String>,
    pub province: Vec<String>,
    pub locality: Vec<String>,
    pub street_address: Vec<String>,
    pub postal_code: Vec<String>,
    pub organization: Vec<String>,
    pub organizational_unit: Vec<String>,
    pub common_name: String,
    pub serial_number: String,
    /// The e-mail address, an extra attribute (IA5String) at the end.
    pub email_address: Option<String>,
}

impl DistinguishedName {
    /// The name a `subject` block (its first element) describes; a field
    /// left out is absent, a field set to `""` is kept as Go keeps it.
    pub fn from_subject(subject: Option<&Value>) -> DistinguishedName {
        let mut n = DistinguishedName::default();
        let Some(block) = subject.and_then(Value::as_seq).and_then(<[Value]>::first) else {
            return n;
        };
        let text = |name: &str| block.get(name).and_then(Value::as_str).map(str::to_string);
        let one = |name: &str| text(name).into_iter().collect::<Vec<_>>();
        n.common_name = text("common_name").unwrap_or_default();
        n.organization = one("organization");
        n.organizational_unit = one("organizational_unit");
        n.street_address = block
            .get("street_address")
            .and_then(Value::as_seq)
            .map(|items| items.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        n.locality = one("locality");
        n.province = one("province");
        n.country = one("country");
        n.postal_code = one("postal_code");
        n.serial_number = text("serial_number").unwrap_or_default();
        n.email_address = text("email_address");
        n
    }

    /// The fields of an encoded name that `pkix.Name` keeps (string values
    /// of the X.520 attributes it knows).
    pub fn from_name(name: &Name) -> Result<DistinguishedName, String> {
        let mut n = DistinguishedName::default();
        for rdn in &name.0 {
            for atv in rdn.0.iter() {
                let Some(value) = attribute_string(&atv.value)? else {
                    continue;
                };
                match atv.oid {
                    OID_CN => n.common_name = value,
                    OID_SERIAL => n.serial_number = value,
                    OID_C => n.country.push(value),
                    OID_L => n.locality.push(value),
                    OID_ST => n.province.push(value),
                    OID_STREET => n.street_address.push(value),
                    OID_O => n.organization.push(value),
                    OID_OU => n.organizational_unit.push(value),
                    OID_POSTAL => n.postal_code.push(value),
                    _ => {}
                }
            }
        }
        Ok(n)
    }

    /// The encoded name, in Go's order.
    pub fn to_name(&self) -> Result<Name, String> {
        let mut rdns = Vec::new();
        let fields: [(&[String], Oid); 7] = [
            (&self.country, OID_C),
            (&self.province, OID_ST),
            (&self.locality, OID_L),
            (&self.street_address, OID_STREET),
            (&self.postal_code, OID_POSTAL),
            (&self.organization, OID_O),
            (&self.organizational_unit, OID_OU),
        ];
        for (values, oid) in fields {
            if !values.is_empty() {
                rdns.push(rdn(oid, values)?);
            }
        }
        if !self.common_name.is_empty() {
            rdns.push(rdn(OID_CN, std::slice::from_ref(&self.common_name))?);
        }
        if !self.serial_number.is_empty() {
            rdns.push(rdn(OID_SERIAL, std::slice::from_ref(&self.serial_number))?);
        }
        if let Some(email) = &self.email_address {
            let value = Any::new(Tag::Ia5String, email.as_bytes()).map_err(|e| e.to_string())?;
            let atv = AttributeTypeAndValue { oid: OID_EMAIL, value };
            let set = SetOfVec::try_from(vec![atv]).map_err(|e| e.to_string())?;
            rdns.push(RelativeDistinguishedName(set));
        }
        Ok(x509_cert::name::RdnSequence(rdns))
    }

    /// Whether the name has no field at all (as Go compares it with the
    /// empty `pkix.Name`).
    pub fn is_empty(&self) -> bool {
        *self == DistinguishedName::default()
    }
}

/// One RDN holding every value of one attribute (a SET, so sorted).
fn rdn(oid: Oid, values: &[String]) -> Result<RelativeDistinguishedName, String> {
    let atvs = values
        .iter()
        .map(|v| {
            let value = Any::new(string_tag(v), v.as_bytes()).map_err(|e| e.to_string())?;
            Ok(AttributeTypeAndValue { oid, value })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let set = SetOfVec::try_from(atvs).map_err(|e| format!("the name repeats a value: {e}"))?;
    Ok(RelativeDistinguishedName(set))
}

/// PrintableString when every character is one Go's `asn1` calls
/// printable (letters, digits, space and `'()+,-./:=?`), UTF8String otherwise.
fn string_tag(s: &str) -> Tag {
    let printable = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b));
    if printable {
        Tag::PrintableString
    } else {
        Tag::Utf8String
    }
}

/// The string of an attribute value, for the string types Go decodes;
/// `None` for other types.
fn attribute_string(value: &Any) -> Result<Option<String>, String> {
    let bytes = value.value();
    let text = match value.tag() {
        Tag::PrintableString | Tag::Ia5String | Tag::Utf8String | Tag::TeletexString | Tag::NumericString => {
            String::from_utf8(bytes.to_vec()).map_err(|_| "asn1: string not valid UTF-8".to_string())?
        }
        Tag::BmpString => {
            if bytes.len() % 2 != 0 {
                return Err("asn1: invalid BMPString".into());
            }
            let units: Vec<u16> = bytes.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16(&units).map_err(|_| "asn1: invalid BMPString".to_string())?
        }
        _ => return Ok(None),
    };
    Ok(Some(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Encode;

    #[test]
    fn a_subject_is_encoded_in_gos_order_with_gos_string_types() {
        let n = DistinguishedName {
            common_name: "example.com".into(),
            organization: vec!["A & B".into()],
            country: vec!["NL".into()],
            email_address: Some("a@b.c".into()),
            ..Default::default()
        };
        let name = n.to_name().unwrap();
        let tags: Vec<(String, Tag)> = name
            .0
            .iter()
            .map(|rdn| {
                let atv = rdn.0.iter().next().unwrap();
                (atv.oid.to_string(), atv.value.tag())
            })
            .collect();
        assert_eq!(
            tags,
            vec![
                ("2.5.4.6".to_string(), Tag::PrintableString),
                ("2.5.4.10".to_string(), Tag::Utf8String),
                ("2.5.4.3".to_string(), Tag::PrintableString),
                ("1.2.840.113549.1.9.1".to_string(), Tag::Ia5String),
            ]
        );
        // Read back, the e-mail address is gone, as in Go.
        let back = DistinguishedName::from_name(&name).unwrap();
        assert_eq!(
            back,
            DistinguishedName {
                email_address: None,
                ..n
            }
        );
        assert!(!name.to_der().unwrap().is_empty());
        assert!(DistinguishedName::default().is_empty());
        assert_eq!(DistinguishedName::default().to_name().unwrap().0.len(), 0);
    }

    #[test]
    fn several_street_lines_make_one_rdn() {
        let n = DistinguishedName {
            street_address: vec!["b street".into(), "a street".into()],
            ..Default::default()
        };
        let name = n.to_name().unwrap();
        assert_eq!(name.0.len(), 1);
        assert_eq!(name.0[0].0.len(), 2);
    }
}
