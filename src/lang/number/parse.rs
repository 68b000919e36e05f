//! Reading decimal text into a [`Float`] exactly as Go's
//! `big.ParseFloat(s, 10, prec, ToNearestEven)` does, which is how go-cty
//! reads HCL number literals, `tonumber` strings and JSON numbers.
//!
//! Owns the accepted syntax (`[sign] digits [. digits] [(e|E|p|P) [sign]
//! digits]`, `.5`, `5.`, `Inf`/`inf` with a sign, no spaces, no `_`, no
//! `0x`) and Go's arithmetic for applying the decimal exponent: the digits
//! are divided (or multiplied) by a power of five that Go itself computes
//! with 64 extra bits and rounds, so a long exponent can round differently
//! from a correctly rounded parse. It must not format.

use super::float::{Float, Form};
use num_bigint::BigUint;

/// Go's table limit: 5^27 is the largest power of five in a `uint64`.
const POW5_TABLE_MAX: u64 = 27;

/// Parses `s` at precision `prec`; `None` where Go reports an error.
pub(crate) fn parse_float(s: &str, prec: u32) -> Option<Float> {
    if let Some(neg) = infinity(s) {
        return Some(Float::inf(neg, prec));
    }
    let b = s.as_bytes();
    let mut i = 0;
    let mut neg = false;
    if let Some(&c) = b.first() {
        if c == b'+' || c == b'-' {
            neg = c == b'-';
            i = 1;
        }
    }
    // Mantissa: digits with at most one '.'.
    let mut digits = BigUint::default();
    let mut count: i64 = 0;
    let mut point: Option<i64> = None;
    let mut chunk: u64 = 0;
    let mut chunk_len = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'.' && point.is_none() {
            point = Some(count);
        } else if c.is_ascii_digit() {
            chunk = chunk * 10 + u64::from(c - b'0');
            chunk_len += 1;
            if chunk_len == 19 {
                digits = digits * BigUint::from(10u64.pow(19)) + chunk;
                chunk = 0;
                chunk_len = 0;
            }
            count += 1;
        } else {
            break;
        }
        i += 1;
    }
    if count == 0 {
        return None;
    }
    if chunk_len > 0 {
        digits = digits * BigUint::from(10u64.pow(chunk_len)) + chunk;
    }
    let frac = point.map_or(0, |p| p - count);
    // Exponent: decimal with e/E, binary with p/P.
    let (exp, binary) = if i < b.len() && matches!(b[i], b'e' | b'E' | b'p' | b'P') {
        let binary = matches!(b[i], b'p' | b'P');
        i += 1;
        let start = i;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let digits_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == digits_start {
            return None;
        }
        (s[start..i].parse::<i64>().ok()?, binary)
    } else {
        (0, false)
    };
    if i != b.len() {
        return None;
    }
    if digits.bits() == 0 {
        return Some(Float::zero(neg, prec));
    }
    // value = digits × 2^exp2' × 5^exp5 where 10^k = 2^k × 5^k.
    let mut exp5 = frac;
    let mut exp2 = frac;
    if binary {
        exp2 = exp2.checked_add(exp)?;
    } else {
        exp5 = exp5.checked_add(exp)?;
        exp2 = exp2.checked_add(exp)?;
    }
    // Go refuses a binary exponent (of 0.digits) outside int32.
    let top = exp2.checked_add(digits.bits() as i64)?;
    if top < i64::from(i32::MIN) || top > i64::from(i32::MAX) {
        return None;
    }
    let exact = Float {
        prec,
        neg,
        form: Form::Finite {
            mant: digits,
            exp: exp2,
        },
    };
    if exp5 == 0 {
        return Some(exact.with_prec(prec));
    }
    let p5 = pow5(exp5.unsigned_abs(), prec.saturating_add(64));
    let r = if exp5 < 0 {
        Float::quo(&exact, &p5, prec)
    } else {
        Float::mul(&exact, &p5, prec)
    };
    r.ok()
}

/// Go's `Parse` handles these four spellings of infinity before scanning.
fn infinity(s: &str) -> Option<bool> {
    match s {
        "Inf" | "inf" | "+Inf" | "+inf" => Some(false),
        "-Inf" | "-inf" => Some(true),
        _ => None,
    }
}

/// 5^n at precision `prec`, rounded at each step the way Go's `pow5` does:
/// a table value, then binary powering with a factor of `prec + 64` bits.
fn pow5(n: u64, prec: u32) -> Float {
    let table = |k: u64| Float::from_u64(false, 5u64.pow(k as u32), prec);
    if n <= POW5_TABLE_MAX {
        return table(n);
    }
    let mut z = table(POW5_TABLE_MAX);
    let mut n = n - POW5_TABLE_MAX;
    let fprec = prec.saturating_add(64);
    let mut f = Float::from_u64(false, 5, fprec);
    while n > 0 {
        if n & 1 != 0 {
            z = Float::mul(&z, &f, prec).unwrap_or_else(|_| Float::inf(false, prec));
        }
        f = Float::mul(&f, &f, fprec).unwrap_or_else(|_| Float::inf(false, fprec));
        n >>= 1;
    }
    z
}
