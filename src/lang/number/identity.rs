//! Terraform's notion of when two numbers are the same: cty's `Equals`
//! compares the shortest decimal texts (so a float64 0.1 equals the literal
//! 0.1, and -0 equals 0). Owns `==`, `Hash` and a total `Ord` consistent with
//! them; it must not define Terraform's `<` and `>`, which compare exact
//! values ([`Number::cmp_value`]).

use super::text::{self, Decimal};
use super::{Number, Repr, INT_PREC};
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

impl Number {
    /// The value when it is a whole `i64` whose shortest text is its digits
    /// (true unless a low precision leaves gaps of more than one between
    /// neighbours, as for a float64 beyond 2^53).
    pub(super) fn plain_int(&self) -> Option<i64> {
        match &self.0 {
            Repr::Small { v, prec } if *prec >= INT_PREC || v.unsigned_abs() < 1u64 << *prec => Some(*v),
            _ => None,
        }
    }

    /// The canonical shortest text, the basis of equality and hashing.
    fn key(&self) -> Key {
        match &self.0 {
            Repr::Small { v, .. } if self.plain_int().is_some() => Key::Int(*v),
            Repr::Small { .. } => Key::from_decimal(self.is_negative(), text::shortest(&self.float())),
            Repr::Big(b) if b.is_inf() => Key::Inf(b.neg),
            Repr::Big(b) => Key::from_decimal(b.neg, b.shortest().clone()),
        }
    }
}

/// A number's identity under Terraform's equality: its shortest text.
#[derive(PartialEq, Eq, Hash)]
enum Key {
    Int(i64),
    Dec { neg: bool, digits: Vec<u8>, exp: i64 },
    Inf(bool),
}

impl Key {
    fn from_decimal(neg: bool, d: Decimal) -> Key {
        if d.digits.is_empty() {
            return Key::Int(0);
        }
        if d.exp >= d.digits.len() as i64 && d.exp <= 19 {
            let mut s = String::from_utf8_lossy(&d.digits).into_owned();
            s.extend(std::iter::repeat_n('0', (d.exp - d.digits.len() as i64) as usize));
            if let Ok(v) = format!("{}{s}", if neg { "-" } else { "" }).parse::<i64>() {
                return Key::Int(v);
            }
        }
        Key::Dec {
            neg,
            digits: d.digits,
            exp: d.exp,
        }
    }

    /// (sign class, digits, exponent) of a finite key: value is
    /// `0.digits × 10^exp`.
    fn parts(&self) -> (i32, Vec<u8>, i64) {
        match self {
            Key::Int(0) => (0, Vec::new(), 0),
            Key::Int(v) => {
                let s = v.unsigned_abs().to_string().into_bytes();
                let exp = s.len() as i64;
                let mut digits = s;
                while digits.last() == Some(&b'0') {
                    digits.pop();
                }
                (if *v < 0 { -1 } else { 1 }, digits, exp)
            }
            Key::Dec { neg, digits, exp } => (if *neg { -1 } else { 1 }, digits.clone(), *exp),
            Key::Inf(neg) => (if *neg { -2 } else { 2 }, Vec::new(), 0),
        }
    }

    fn order(&self, other: &Key) -> Ordering {
        if let (Key::Int(a), Key::Int(b)) = (self, other) {
            return a.cmp(b);
        }
        let (sa, da, ea) = self.parts();
        let (sb, db, eb) = other.parts();
        if sa != sb || sa.abs() != 1 {
            return sa.cmp(&sb);
        }
        let mag = ea.cmp(&eb).then_with(|| da.cmp(&db));
        if sa < 0 {
            mag.reverse()
        } else {
            mag
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, o: &Number) -> bool {
        match (self.plain_int(), o.plain_int()) {
            (Some(a), Some(b)) => a == b,
            // At one precision the shortest text is a function of the value
            // and tells values apart, so comparing values is enough. (Go's
            // text for a power of two may, in principle, land on the
            // shortest text of its lower neighbour; no such pair is known at
            // 53, 64 or 512 bits, and `Ord` would then call them equal.)
            _ if self.precision() == o.precision() => self.cmp_value(o) == Ordering::Equal,
            _ => self.key() == o.key(),
        }
    }
}

impl Eq for Number {}

impl Hash for Number {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

/// A total order consistent with `==`: the numeric order of the shortest
/// texts. For Terraform's `<` and `>` use [`Number::less_than`] and
/// [`Number::greater_than`].
impl Ord for Number {
    fn cmp(&self, o: &Number) -> Ordering {
        self.key().order(&o.key())
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, o: &Number) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
