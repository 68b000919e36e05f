//! `Float`: a binary floating-point value that behaves as Go's `math/big.Float`
//! with the `ToNearestEven` rounding mode, which is what go-cty (and so
//! Terraform) uses for every number.
//!
//! Owns the value model (sign, mantissa, exponent, precision, ±0, ±Inf), exact
//! rounding to a precision, and the four operations with Go's rules for the
//! precision and sign of a result. It must not know about Terraform: the rules
//! of cty (which precision a literal gets, what `%` means) live in
//! [`super::Number`].
//!
//! Every operation computes the exact result (or the exact result's leading
//! bits plus a sticky bit) and rounds once, which is what Go documents for
//! `Add`, `Sub`, `Mul` and `Quo`.

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};
use std::cmp::Ordering;

/// Go's `big.MinExp` and `big.MaxExp`: the range of the exponent `e` in
/// `0.mantissa × 2^e`. Beyond it a result is ±0 or ±Inf.
const MIN_EXP: i64 = i32::MIN as i64;
const MAX_EXP: i64 = i32::MAX as i64;

/// The shape of a value.
#[derive(Clone, Debug)]
pub(crate) enum Form {
    Zero,
    /// `mant × 2^exp`; `mant` is odd (so its bit length is the minimum
    /// precision that holds the value) and has at most `prec` bits.
    Finite {
        mant: BigUint,
        exp: i64,
    },
    Inf,
}

/// A Go `big.Float`: a signed value with its own precision in bits.
#[derive(Clone, Debug)]
pub(crate) struct Float {
    pub prec: u32,
    pub neg: bool,
    pub form: Form,
}

/// An operation Go refuses with an `ErrNaN` panic (∞−∞, 0×∞, 0/0, ∞/∞).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NotANumber;

impl Float {
    pub fn zero(neg: bool, prec: u32) -> Float {
        Float {
            prec,
            neg,
            form: Form::Zero,
        }
    }

    pub fn inf(neg: bool, prec: u32) -> Float {
        Float {
            prec,
            neg,
            form: Form::Inf,
        }
    }

    pub fn is_zero(&self) -> bool {
        matches!(self.form, Form::Zero)
    }

    pub fn is_inf(&self) -> bool {
        matches!(self.form, Form::Inf)
    }

    /// The exact value `|mant| × 2^exp` with sign `neg`, rounded to `prec`
    /// bits (nearest, ties to even). `sticky` says the exact value has more
    /// non-zero bits below `mant`'s last one; callers that pass it give at
    /// least `prec + 2` bits so those bits lie below the rounding bit.
    pub fn rounded(neg: bool, mant: BigUint, exp: i64, sticky: bool, prec: u32) -> Float {
        if mant.is_zero() {
            return Float::zero(neg, prec);
        }
        let bits = mant.bits() as i64;
        let top = exp.saturating_add(bits);
        if top < MIN_EXP {
            return Float::zero(neg, prec);
        }
        if top > MAX_EXP {
            return Float::inf(neg, prec);
        }
        let p = i64::from(prec.max(1));
        let (mut m, mut e) = if bits <= p {
            debug_assert!(!sticky, "sticky bits need prec + 2 bits of mantissa");
            (mant, exp)
        } else {
            let shift = (bits - p) as u64;
            let rbit = mant.bit(shift - 1);
            let below = sticky || mant.trailing_zeros().is_some_and(|tz| tz < shift - 1);
            let mut m = mant >> shift;
            if rbit && (below || m.bit(0)) {
                m += 1u32;
            }
            (m, exp + shift as i64)
        };
        let tz = m.trailing_zeros().unwrap_or(0);
        if tz > 0 {
            m >>= tz;
            e += tz as i64;
        }
        if e + m.bits() as i64 > MAX_EXP {
            return Float::inf(neg, prec);
        }
        Float {
            prec,
            neg,
            form: Form::Finite { mant: m, exp: e },
        }
    }

    /// `x` with precision `prec` (Go's `z.Set(x)` on a `z` of that precision).
    pub fn with_prec(&self, prec: u32) -> Float {
        match &self.form {
            Form::Finite { mant, exp } if mant.bits() > u64::from(prec) => {
                Float::rounded(self.neg, mant.clone(), *exp, false, prec)
            }
            _ => Float { prec, ..self.clone() },
        }
    }

    /// An unsigned integer `u` with sign `neg`, rounded to `prec` bits.
    pub fn from_u64(neg: bool, u: u64, prec: u32) -> Float {
        Float::rounded(neg, BigUint::from(u), 0, false, prec)
    }

    /// Go's `SetFloat64` on a zero-precision receiver: precision 53. `None`
    /// for NaN.
    pub fn from_f64(f: f64) -> Option<Float> {
        if f.is_nan() {
            return None;
        }
        let neg = f.is_sign_negative();
        if f == 0.0 {
            return Some(Float::zero(neg, 53));
        }
        if f.is_infinite() {
            return Some(Float::inf(neg, 53));
        }
        let bits = f.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (mant, exp) = if biased == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), biased - 1075)
        };
        Some(Float::rounded(neg, BigUint::from(mant), exp, false, 53))
    }

    /// The smallest precision that holds the value exactly (Go's `MinPrec`).
    pub fn min_prec(&self) -> u32 {
        match &self.form {
            Form::Finite { mant, .. } => mant.bits() as u32,
            _ => 0,
        }
    }

    /// Go's `Float.Cmp`: -0 equals +0, infinities equal themselves.
    pub fn cmp(&self, other: &Float) -> Ordering {
        let (a, b) = (self.ord(), other.ord());
        if a != b {
            return a.cmp(&b);
        }
        match a {
            1 => cmp_mag(self, other),
            -1 => cmp_mag(other, self),
            _ => Ordering::Equal,
        }
    }

    fn ord(&self) -> i32 {
        let m = match self.form {
            Form::Zero => return 0,
            Form::Finite { .. } => 1,
            Form::Inf => 2,
        };
        if self.neg {
            -m
        } else {
            m
        }
    }

    /// Go's `Add` into a result of precision `prec`.
    pub fn add(x: &Float, y: &Float, prec: u32) -> Result<Float, NotANumber> {
        match (&x.form, &y.form) {
            (Form::Finite { mant: mx, exp: ex }, Form::Finite { mant: my, exp: ey }) => {
                if x.neg == y.neg {
                    Ok(add_mag(x.neg, (mx, *ex), (my, *ey), prec))
                } else {
                    match cmp_mag(x, y) {
                        Ordering::Greater => Ok(sub_mag(x.neg, (mx, *ex), (my, *ey), prec)),
                        Ordering::Less => Ok(sub_mag(!x.neg, (my, *ey), (mx, *ex), prec)),
                        Ordering::Equal => Ok(Float::zero(false, prec)),
                    }
                }
            }
            (Form::Inf, Form::Inf) if x.neg != y.neg => Err(NotANumber),
            (Form::Zero, Form::Zero) => Ok(Float::zero(x.neg && y.neg, prec)),
            (Form::Inf, _) | (_, Form::Zero) => Ok(x.with_prec(prec)),
            _ => Ok(y.with_prec(prec)),
        }
    }

    /// Go's `Neg` into a result of precision `prec`.
    pub fn neg_to(&self, prec: u32) -> Float {
        let mut r = self.with_prec(prec);
        r.neg = !r.neg;
        r
    }

    /// Go's `Mul` into a result of precision `prec`.
    pub fn mul(x: &Float, y: &Float, prec: u32) -> Result<Float, NotANumber> {
        let neg = x.neg != y.neg;
        match (&x.form, &y.form) {
            (Form::Finite { mant: mx, exp: ex }, Form::Finite { mant: my, exp: ey }) => {
                Ok(Float::rounded(neg, mx * my, ex + ey, false, prec))
            }
            (Form::Zero, Form::Inf) | (Form::Inf, Form::Zero) => Err(NotANumber),
            (Form::Inf, _) | (_, Form::Inf) => Ok(Float::inf(neg, prec)),
            _ => Ok(Float::zero(neg, prec)),
        }
    }

    /// Go's `Quo` into a result of precision `prec`.
    pub fn quo(x: &Float, y: &Float, prec: u32) -> Result<Float, NotANumber> {
        let neg = x.neg != y.neg;
        match (&x.form, &y.form) {
            (Form::Finite { mant: mx, exp: ex }, Form::Finite { mant: my, exp: ey }) => {
                // Shift the dividend so the quotient has at least prec + 2
                // bits; the remainder then only feeds the sticky bit.
                let want = i64::from(prec) + 2 + my.bits() as i64 - mx.bits() as i64;
                let shift = want.max(0) as u64;
                let (q, r) = (mx << shift).div_rem(my);
                Ok(Float::rounded(neg, q, ex - ey - shift as i64, !r.is_zero(), prec))
            }
            (Form::Zero, Form::Zero) | (Form::Inf, Form::Inf) => Err(NotANumber),
            (Form::Zero, _) | (_, Form::Inf) => Ok(Float::zero(neg, prec)),
            _ => Ok(Float::inf(neg, prec)),
        }
    }

    /// Go's `Int`: the value truncated toward zero as (negative, magnitude),
    /// and whether that was exact; `None` for an infinity. The sign of a zero
    /// result is always positive, as a `big.Int` has no -0.
    pub fn trunc(&self) -> Option<(bool, BigUint, bool)> {
        match &self.form {
            Form::Zero => Some((false, BigUint::zero(), true)),
            Form::Inf => None,
            Form::Finite { mant, exp } => {
                if *exp >= 0 {
                    Some((self.neg, mant << (*exp as u64), true))
                } else {
                    let shift = exp.unsigned_abs();
                    let int = mant >> shift;
                    let neg = self.neg && !int.is_zero();
                    Some((neg, int, false))
                }
            }
        }
    }

    /// Go's `SetInt` on a receiver of precision `prec`.
    pub fn from_int(neg: bool, mag: BigUint, prec: u32) -> Float {
        Float::rounded(neg && !mag.is_zero(), mag, 0, false, prec)
    }

    /// Go's `Int64`: `Some` only when the value is a whole number in range.
    pub fn to_i64(&self) -> Option<i64> {
        let (neg, mag, exact) = self.trunc()?;
        if !exact {
            return None;
        }
        let m = mag.to_u64()?;
        if neg {
            if m <= 1u64 << 63 {
                Some((m as i64).wrapping_neg())
            } else {
                None
            }
        } else {
            i64::try_from(m).ok()
        }
    }

    /// Go's `Uint64`: `Some` only when the value is a whole number in range.
    pub fn to_u64(&self) -> Option<u64> {
        let (neg, mag, exact) = self.trunc()?;
        if !exact || (neg && !mag.is_zero()) {
            return None;
        }
        mag.to_u64()
    }

    /// Go's `IsInt`.
    pub fn is_int(&self) -> bool {
        match &self.form {
            Form::Zero => true,
            Form::Inf => false,
            Form::Finite { exp, .. } => *exp >= 0,
        }
    }

    /// Go's `Float64`: the nearest float64, ties to even, with IEEE
    /// subnormals; overflow gives ±Inf and underflow ±0.
    pub fn to_f64(&self) -> f64 {
        let sign = if self.neg { -1.0 } else { 1.0 };
        let (mant, exp) = match &self.form {
            Form::Zero => return sign * 0.0,
            Form::Inf => return sign * f64::INFINITY,
            Form::Finite { mant, exp } => (mant, *exp),
        };
        // e: exponent of the value written as 1.m × 2^e.
        let e = exp + mant.bits() as i64 - 1;
        let mut p = 53i64;
        if e < -1022 {
            p = 1075 + e;
            if p < 0 || (p == 0 && mant.bits() == 1) {
                return sign * 0.0;
            }
            if p == 0 {
                return sign * f64::from_bits(1);
            }
        }
        let r = Float::rounded(self.neg, mant.clone(), exp, false, p as u32);
        let Form::Finite { mant: m, exp: re } = r.form else {
            return sign * f64::INFINITY;
        };
        let m = m.to_u64().unwrap_or(0);
        let e = re + 64 - i64::from(m.leading_zeros()) - 1;
        if e > 1023 {
            return sign * f64::INFINITY;
        }
        let bits = if e < -1022 {
            m << (re + 1074) as u64
        } else {
            let frac = (m << (52 - (e - re)) as u64) & ((1u64 << 52) - 1);
            ((e + 1023) as u64) << 52 | frac
        };
        sign * f64::from_bits(bits)
    }
}

/// Compares magnitudes of two non-zero finite values (Go's `ucmp`); other
/// forms compare as their class.
fn cmp_mag(x: &Float, y: &Float) -> Ordering {
    let (Form::Finite { mant: mx, exp: ex }, Form::Finite { mant: my, exp: ey }) = (&x.form, &y.form) else {
        return x.ord().abs().cmp(&y.ord().abs());
    };
    let tx = ex + mx.bits() as i64;
    let ty = ey + my.bits() as i64;
    if tx != ty {
        return tx.cmp(&ty);
    }
    let e = (*ex).min(*ey);
    let a = mx << (ex - e) as u64;
    let b = my << (ey - e) as u64;
    a.cmp(&b)
}

/// If `small` lies entirely below both the last bit of `big` and the bits
/// that rounding to `prec` can look at, any value in the same binade rounds
/// alike; a single bit far below stands in for it so the exact sum stays
/// small even when the exponents are far apart.
fn far_below<'a>(big: (&BigUint, i64), small: (&'a BigUint, i64), prec: u32, one: &'a BigUint) -> (&'a BigUint, i64) {
    let top_big = big.1 + big.0.bits() as i64;
    let top_small = small.1 + small.0.bits() as i64;
    let guard = big.1.min(top_big - i64::from(prec) - 2);
    if top_small <= guard {
        (one, guard - 1)
    } else {
        small
    }
}

fn add_mag(neg: bool, x: (&BigUint, i64), y: (&BigUint, i64), prec: u32) -> Float {
    let one = BigUint::one();
    let (big, small) = if x.1 + x.0.bits() as i64 >= y.1 + y.0.bits() as i64 {
        (x, y)
    } else {
        (y, x)
    };
    let small = far_below(big, small, prec, &one);
    let e = big.1.min(small.1);
    let sum = (big.0 << (big.1 - e) as u64) + (small.0 << (small.1 - e) as u64);
    Float::rounded(neg, sum, e, false, prec)
}

/// `|x| - |y|` for `|x| > |y|`, with sign `neg`.
fn sub_mag(neg: bool, x: (&BigUint, i64), y: (&BigUint, i64), prec: u32) -> Float {
    let one = BigUint::one();
    let y = far_below(x, y, prec, &one);
    let e = x.1.min(y.1);
    let diff = (x.0 << (x.1 - e) as u64) - (y.0 << (y.1 - e) as u64);
    if diff.is_zero() {
        return Float::zero(false, prec);
    }
    Float::rounded(neg, diff, e, false, prec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(v: f64) -> Float {
        Float::from_f64(v).unwrap()
    }

    #[test]
    fn float64_round_trips_through_float() {
        for v in [
            0.1,
            1.0,
            -2.5,
            1e300,
            5e-324,
            2.2250738585072014e-308,
            f64::MAX,
            123456789.125,
        ] {
            assert_eq!(f(v).to_f64().to_bits(), v.to_bits(), "{v}");
        }
    }

    #[test]
    fn operations_round_to_nearest_even() {
        // 53-bit sums behave as IEEE doubles.
        let s = Float::add(&f(0.1), &f(0.2), 53).unwrap();
        assert_eq!(s.to_f64(), 0.1 + 0.2);
        let q = Float::quo(&f(1.0), &f(3.0), 53).unwrap();
        assert_eq!(q.to_f64(), 1.0 / 3.0);
        let p = Float::mul(&f(1.1), &f(1.1), 53).unwrap();
        assert_eq!(p.to_f64(), 1.1 * 1.1);
        // A tie rounds to the even neighbour: 2^53 + 1 at 53 bits is 2^53.
        let t = Float::from_u64(false, (1 << 53) + 1, 53);
        assert_eq!(t.to_f64(), 9007199254740992.0);
        let t = Float::from_u64(false, (1 << 53) + 3, 53);
        assert_eq!(t.to_f64(), 9007199254740996.0);
    }

    #[test]
    fn far_apart_operands_round_as_if_exact() {
        let big = Float::rounded(false, BigUint::one(), 100_000, false, 53);
        let tiny = Float::rounded(false, BigUint::one(), -100_000, false, 53);
        let sum = Float::add(&big, &tiny, 53).unwrap();
        assert_eq!(sum.cmp(&big), Ordering::Equal);
        let diff = Float::add(&big, &tiny.neg_to(53), 53).unwrap();
        // 2^100000 - tiny rounds back up to 2^100000 at 53 bits.
        assert_eq!(diff.cmp(&big), Ordering::Equal);
        // With enough precision the difference is visible.
        let diff = Float::add(&big, &tiny.neg_to(200_002), 200_002).unwrap();
        assert_eq!(diff.cmp(&big), Ordering::Less);
    }

    #[test]
    fn nan_operations_are_refused() {
        let inf = Float::inf(false, 64);
        let zero = Float::zero(false, 64);
        assert!(Float::add(&inf, &inf.neg_to(64), 64).is_err());
        assert!(Float::mul(&inf, &zero, 64).is_err());
        assert!(Float::quo(&zero, &zero, 64).is_err());
        assert!(Float::quo(&inf, &inf, 64).is_err());
    }
}
