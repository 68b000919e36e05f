//! `Number`: the configuration language's number, with Terraform's results.
//!
//! Terraform keeps numbers as go-cty values backed by Go's `*big.Float`:
//! binary floating point where every value carries its own precision
//! (64 bits for an integer a function returns, 53 for a float64, 512 for a
//! literal, `tonumber` string or JSON number), operations round to nearest
//! even, and text is the shortest decimal that reads back at that precision.
//! This module gives the same values, the same text and the same errors:
//! `0.1 + 0.2` is `0.3`, `1/3` has 156 digits, `2/0` is `+Inf`, `0/0` is an
//! error, never NaN.
//!
//! Owns the number type, cty's operator rules (`+ - * / %`, unary `-`,
//! comparisons, equality by shortest text) and the numeric functions whose
//! results depend on the representation (abs, ceil, floor, signum, pow, log,
//! parseint, min, max). It must not know about values of other types,
//! unknowns or marks: the evaluator wraps it.
//!
//! A whole number that fits an `i64` is held inline without allocation;
//! everything else is a shared [`float::Float`].

mod float;
mod functions;
mod gomath;
mod identity;
mod parse;
mod text;

#[cfg(test)]
mod api_tests;
#[cfg(test)]
mod tests;

use float::{Float, Form};
use num_bigint::BigUint;
use std::cmp::Ordering;
use std::fmt;
use std::sync::{Arc, OnceLock};
use text::Decimal;

/// Precision of a number read from text: HCL literals, `tonumber`, JSON.
const PARSE_PREC: u32 = 512;
/// Precision of an integer made by a function (cty's `NumberIntVal`).
const INT_PREC: u32 = 64;
/// Precision of a float64 (cty's `NumberFloatVal`).
const FLOAT_PREC: u32 = 53;
/// cty's `Multiply` computes the product at this precision first.
const MUL_PREC: u32 = 512;

/// A Terraform number. Cloning is cheap (no allocation for whole numbers
/// that fit an `i64`, a reference count otherwise).
#[derive(Clone)]
pub struct Number(Repr);

#[derive(Clone)]
enum Repr {
    /// The whole number `v` (never -0), held at precision `prec`; `v` fits
    /// in `prec` bits.
    Small {
        v: i64,
        prec: u32,
    },
    Big(Arc<Big>),
}

/// A value that is not a whole `i64`, with its shortest decimal computed
/// once on first use (printing, hashing and comparing need it).
struct Big {
    f: Float,
    shortest: OnceLock<Decimal>,
}

impl Big {
    fn new(f: Float) -> Big {
        Big {
            f,
            shortest: OnceLock::new(),
        }
    }

    fn shortest(&self) -> &Decimal {
        self.shortest.get_or_init(|| text::shortest(&self.f))
    }
}

impl std::ops::Deref for Big {
    type Target = Float;

    fn deref(&self) -> &Float {
        &self.f
    }
}

/// An operation Terraform refuses, with Terraform's message. `arg` is the
/// index of the function argument at fault, when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberError {
    pub message: String,
    pub arg: Option<usize>,
}

impl NumberError {
    fn new(message: impl Into<String>) -> NumberError {
        NumberError {
            message: message.into(),
            arg: None,
        }
    }

    fn arg(arg: usize, message: impl Into<String>) -> NumberError {
        NumberError {
            message: message.into(),
            arg: Some(arg),
        }
    }
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NumberError {}

/// Number of significant bits of `|v|` (its length without trailing zeros).
fn sig_bits(v: i64) -> u32 {
    let u = v.unsigned_abs();
    if u == 0 {
        0
    } else {
        64 - u.leading_zeros() - u.trailing_zeros()
    }
}

impl Number {
    fn small(v: i64, prec: u32) -> Option<Number> {
        (sig_bits(v) <= prec).then_some(Number(Repr::Small { v, prec }))
    }

    /// Wraps a float, holding it inline when it is a whole `i64`.
    fn from_float(f: Float) -> Number {
        match &f.form {
            Form::Zero if !f.neg => return Number(Repr::Small { v: 0, prec: f.prec }),
            Form::Finite { mant, exp } if *exp >= 0 && mant.bits() as i64 + exp <= 63 => {
                let m = (mant.iter_u64_digits().next().unwrap_or(0) << *exp) as i64;
                return Number(Repr::Small {
                    v: if f.neg { -m } else { m },
                    prec: f.prec,
                });
            }
            _ => {}
        }
        Number(Repr::Big(Arc::new(Big::new(f))))
    }

    /// The value as a float (allocates for an inline number).
    fn float(&self) -> std::borrow::Cow<'_, Float> {
        match &self.0 {
            Repr::Small { v, prec } => {
                std::borrow::Cow::Owned(Float::from_u64(*v < 0, v.unsigned_abs(), (*prec).max(1)))
            }
            Repr::Big(b) => std::borrow::Cow::Borrowed(&b.f),
        }
    }

    /// The precision in bits that Terraform's arithmetic carries with this
    /// value (64 for function-made integers, 53 for floats, 512 for text).
    pub fn precision(&self) -> u32 {
        match &self.0 {
            Repr::Small { prec, .. } => *prec,
            Repr::Big(f) => f.prec,
        }
    }

    /// An integer as cty's `NumberIntVal` makes it (precision 64).
    pub fn from_i64(i: i64) -> Number {
        Number(Repr::Small { v: i, prec: INT_PREC })
    }

    /// An unsigned integer as cty's `NumberUIntVal` makes it (precision 64).
    pub fn from_u64(u: u64) -> Number {
        match i64::try_from(u) {
            Ok(v) => Number::from_i64(v),
            Err(_) => Number::from_float(Float::from_u64(false, u, INT_PREC)),
        }
    }

    /// A float64 as cty's `NumberFloatVal` makes it (precision 53); `None`
    /// for NaN, which Terraform has no value for.
    pub fn from_f64(f: f64) -> Option<Number> {
        Float::from_f64(f).map(Number::from_float)
    }

    /// Reads a number as cty's `ParseNumberVal` does (Go's
    /// `big.ParseFloat(s, 10, 512, ToNearestEven)`): HCL literals, the
    /// strings `tonumber` accepts and JSON numbers. Accepts an optional sign,
    /// `5`, `5.`, `.5`, an exponent `e`/`E` (decimal) or `p`/`P` (binary),
    /// and `Inf`/`inf` with an optional sign; rejects spaces, `_`, `0x` and
    /// everything else with `None` (Terraform: "a number is required").
    pub fn parse(s: &str) -> Option<Number> {
        // Fast path: up to 18 digits always fit an i64 exactly.
        let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
        if (1..=18).contains(&digits.len()) && digits.bytes().all(|c| c.is_ascii_digit()) {
            if let Ok(v) = s.parse::<i64>() {
                if v != 0 || !s.starts_with('-') {
                    return Some(Number(Repr::Small { v, prec: PARSE_PREC }));
                }
            }
        }
        parse::parse_float(s, PARSE_PREC).map(Number::from_float)
    }

    /// Positive or negative infinity (cty's `PositiveInfinity` and
    /// `NegativeInfinity`, precision 53).
    pub fn infinity(negative: bool) -> Number {
        Number::from_float(Float::inf(negative, FLOAT_PREC))
    }

    /// Zero, as cty's `Zero` (an integer of precision 64).
    pub fn zero() -> Number {
        Number::from_i64(0)
    }

    /// Whether the value is a whole number (infinities are not).
    pub fn is_integer(&self) -> bool {
        match &self.0 {
            Repr::Small { .. } => true,
            Repr::Big(f) => f.is_int(),
        }
    }

    /// Whether the value is +Inf or -Inf.
    pub fn is_infinite(&self) -> bool {
        matches!(&self.0, Repr::Big(f) if f.is_inf())
    }

    /// Whether the sign is negative (true for -0 and -Inf).
    pub fn is_negative(&self) -> bool {
        match &self.0 {
            Repr::Small { v, .. } => *v < 0,
            Repr::Big(f) => f.neg,
        }
    }

    /// Whether the value is +0 or -0.
    pub fn is_zero(&self) -> bool {
        match &self.0 {
            Repr::Small { v, .. } => *v == 0,
            Repr::Big(f) => f.is_zero(),
        }
    }

    /// The value as an `i64` when it is a whole number in range.
    pub fn to_i64(&self) -> Option<i64> {
        match &self.0 {
            Repr::Small { v, .. } => Some(*v),
            Repr::Big(f) => f.to_i64(),
        }
    }

    /// The value as a `u64` when it is a whole number in range.
    pub fn to_u64(&self) -> Option<u64> {
        match &self.0 {
            Repr::Small { v, .. } => u64::try_from(*v).ok(),
            Repr::Big(f) => f.to_u64(),
        }
    }

    /// The nearest `f64` (ties to even; ±Inf beyond its range).
    pub fn to_f64(&self) -> f64 {
        match &self.0 {
            Repr::Small { v, .. } => *v as f64,
            Repr::Big(f) => f.to_f64(),
        }
    }

    /// Terraform's `a + b`. The result has the larger precision of the two.
    pub fn add(&self, o: &Number) -> Result<Number, NumberError> {
        if let (Repr::Small { v: a, prec: pa }, Repr::Small { v: b, prec: pb }) = (&self.0, &o.0) {
            if let Some(n) = a.checked_add(*b).and_then(|s| Number::small(s, (*pa).max(*pb))) {
                return Ok(n);
            }
        }
        let (x, y) = (self.float(), o.float());
        Float::add(&x, &y, x.prec.max(y.prec))
            .map(Number::from_float)
            .map_err(|_| NumberError::new("can't compute sum of opposing infinities"))
    }

    /// Terraform's `a - b` (cty adds the negation of `b`).
    pub fn sub(&self, o: &Number) -> Result<Number, NumberError> {
        if let (Repr::Small { v: a, prec: pa }, Repr::Small { v: b, prec: pb }) = (&self.0, &o.0) {
            if let Some(n) = a.checked_sub(*b).and_then(|s| Number::small(s, (*pa).max(*pb))) {
                return Ok(n);
            }
        }
        let (x, y) = (self.float(), o.float());
        let y = y.neg_to(y.prec);
        Float::add(&x, &y, x.prec.max(y.prec))
            .map(Number::from_float)
            .map_err(|_| NumberError::new("can't subtract infinity from itself"))
    }

    /// Terraform's `a * b`. cty rounds the product to 512 bits, then keeps
    /// the larger of the operands' precisions and the bits the product needs
    /// (so two 64-bit integers multiply exactly).
    pub fn mul(&self, o: &Number) -> Result<Number, NumberError> {
        if let (Repr::Small { v: a, prec: pa }, Repr::Small { v: b, prec: pb }) = (&self.0, &o.0) {
            if let Some(p) = a.checked_mul(*b) {
                let prec = (*pa).max(*pb).max(sig_bits(p));
                if p != 0 || (*a < 0) == (*b < 0) {
                    return Ok(Number(Repr::Small { v: p, prec }));
                }
                // 0 × negative is -0 in Go.
                return Ok(Number::from_float(Float::zero(true, prec)));
            }
        }
        let (x, y) = (self.float(), o.float());
        let product = Float::mul(&x, &y, MUL_PREC).map_err(|_| NumberError::new("can't multiply zero by infinity"))?;
        let prec = x.prec.max(y.prec).max(product.min_prec());
        Ok(Number::from_float(product.with_prec(prec)))
    }

    /// Terraform's `a / b`: `x / 0` is ±Inf, `0 / 0` and `Inf / Inf` are
    /// errors.
    pub fn div(&self, o: &Number) -> Result<Number, NumberError> {
        if let (Repr::Small { v: a, prec: pa }, Repr::Small { v: b, prec: pb }) = (&self.0, &o.0) {
            if *b != 0 && a.checked_rem(*b) == Some(0) && (*a != 0 || *b > 0) {
                if let Some(n) = a.checked_div(*b).and_then(|q| Number::small(q, (*pa).max(*pb))) {
                    return Ok(n);
                }
            }
        }
        let (x, y) = (self.float(), o.float());
        Float::quo(&x, &y, x.prec.max(y.prec))
            .map(Number::from_float)
            .map_err(|_| NumberError::new("can't divide zero by zero or infinity by infinity"))
    }

    /// Terraform's `a % b`, as cty computes it: `a - b × trunc(a / b)` at
    /// `a`'s precision, so the result takes the sign of `a` (`-7 % 3` is
    /// `-1`, `10 % 3.5` is `3`), and `a % 0` is `a`.
    ///
    /// With an infinite `a` cty's own code dereferences a nil integer and
    /// Terraform reports that panic; the same message is returned here.
    /// (Only cty's shared infinity constant, which `min()` of nothing smaller
    /// returns, takes another path in cty; it is not told apart here.)
    pub fn rem(&self, o: &Number) -> Result<Number, NumberError> {
        if o.is_zero() {
            return Ok(self.clone());
        }
        if let (Repr::Small { v: a, prec: pa }, Repr::Small { v: b, .. }) = (&self.0, &o.0) {
            // With at least 64 bits every step below is exact for i64s.
            if *pa >= INT_PREC {
                if let Some(r) = a.checked_rem(*b) {
                    return Ok(Number(Repr::Small { v: r, prec: *pa }));
                }
            }
        }
        let nan = || NumberError::new("can't use modulo with zero and infinity");
        let (x, y) = (self.float(), o.float());
        let ratio = Float::quo(&x, &y, x.prec.max(y.prec)).map_err(|_| nan())?;
        let Some((neg, whole, _)) = ratio.trunc() else {
            return Err(NumberError::new(
                "panic in function implementation: runtime error: invalid memory address or nil pointer dereference",
            ));
        };
        let work = Float::from_int(neg, whole, x.prec);
        let work = Float::mul(&y, &work, x.prec).map_err(|_| nan())?;
        let work = work.neg_to(work.prec);
        Float::add(&x, &work, x.prec).map(Number::from_float).map_err(|_| nan())
    }

    /// Terraform's unary `-`: `-0` is negative zero and prints as `-0`.
    pub fn neg(&self) -> Number {
        if let Repr::Small { v, prec } = &self.0 {
            if *v != 0 {
                if let Some(n) = v.checked_neg() {
                    return Number(Repr::Small { v: n, prec: *prec });
                }
            }
        }
        let x = self.float();
        Number::from_float(x.neg_to(x.prec))
    }

    /// Terraform's `==` (cty's `Equals`): two numbers are equal when their
    /// shortest decimal texts are, with -0 equal to 0. A float64 0.1 equals
    /// the literal 0.1 although their binary values differ. Same as `==`.
    pub fn equals(&self, o: &Number) -> bool {
        self == o
    }

    /// Terraform's `<`: compares the exact binary values.
    pub fn less_than(&self, o: &Number) -> bool {
        self.cmp_value(o) == Ordering::Less
    }

    /// Terraform's `>`: compares the exact binary values.
    pub fn greater_than(&self, o: &Number) -> bool {
        self.cmp_value(o) == Ordering::Greater
    }

    /// Terraform's `<=`, which cty defines as `<` or `==`.
    pub fn less_or_equal(&self, o: &Number) -> bool {
        self.less_than(o) || self.equals(o)
    }

    /// Terraform's `>=`, which cty defines as `>` or `==`.
    pub fn greater_or_equal(&self, o: &Number) -> bool {
        self.greater_than(o) || self.equals(o)
    }

    /// The order of the exact binary values (Go's `Cmp`; -0 equals 0). This
    /// is what Terraform's `<` and `>` use; it can disagree with `==` for
    /// values of different precisions, so [`Ord`] does not use it.
    pub fn cmp_value(&self, o: &Number) -> Ordering {
        if let (Repr::Small { v: a, .. }, Repr::Small { v: b, .. }) = (&self.0, &o.0) {
            return a.cmp(b);
        }
        self.float().cmp(&o.float())
    }

    /// Go's `big.Float.Text(verb, prec)`, as the `format` function prints
    /// `%e %E %f %g %G`: `prec` digits after the point for `e` and `f`,
    /// significant digits for `g`; a negative `prec` gives the shortest text
    /// that reads back to the same value. An unknown verb gives `%` and the
    /// verb, as Go does; infinities print as `+Inf` / `-Inf`.
    pub fn text(&self, verb: char, prec: i32) -> String {
        match &self.0 {
            Repr::Small { v, .. } if prec < 0 && verb == 'f' && self.plain_int().is_some() => v.to_string(),
            Repr::Big(b) if prec < 0 => text::layout(b.neg, b.is_inf(), b.shortest().clone(), verb, prec),
            _ => text::text(&self.float(), verb, prec),
        }
    }

    /// The whole number in `radix` (2, 8, 10 or 16; hex in upper case when
    /// `upper`), with a leading `-` when negative, as `format`'s `%d %b %o
    /// %x %X` print it; `None` when the value is not a whole number
    /// (Terraform: "an integer is required").
    pub fn int_text(&self, radix: u32, upper: bool) -> Option<String> {
        let (neg, mag) = match &self.0 {
            Repr::Small { v, .. } => (*v < 0, BigUint::from(v.unsigned_abs())),
            Repr::Big(f) => match f.trunc()? {
                (neg, mag, true) => (neg, mag),
                _ => return None,
            },
        };
        let mut s = mag.to_str_radix(radix);
        if upper {
            s.make_ascii_uppercase();
        }
        Some(if neg { format!("-{s}") } else { s })
    }

    /// The text `jsonencode` writes: as [`Display`](fmt::Display), but an
    /// infinity is an error as in cty.
    pub fn json_text(&self) -> Result<String, NumberError> {
        if self.is_infinite() {
            return Err(NumberError::new("cannot serialize infinity as JSON"));
        }
        Ok(self.to_string())
    }
}

/// Exactly as `terraform console`, `tostring` and `jsonencode` print a
/// number: Go's `Text('f', -1)`, so `0.3`, `-0`, `+Inf`, `1e400` in full.
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text('f', -1))
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl From<i64> for Number {
    fn from(i: i64) -> Number {
        Number::from_i64(i)
    }
}
