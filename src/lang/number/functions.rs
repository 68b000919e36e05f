//! Terraform's numeric functions whose results depend on how numbers are
//! represented: `abs`, `ceil`, `floor`, `signum`, `pow`, `log`, `parseint`,
//! `min` and `max`, as go-cty's standard library implements them (including
//! the conversions to Go's `int` and `float64` and their messages).
//!
//! Owns those rules only; argument counting and type checks belong to the
//! function table that calls these.

use super::float::Float;
use super::{gomath, Number, NumberError, Repr};
use num_bigint::BigUint;
use std::cmp::Ordering;

impl Number {
    /// Terraform's `abs()`: the same precision without the sign.
    pub fn abs(&self) -> Number {
        if let Repr::Small { v, prec } = &self.0 {
            if let Some(a) = v.checked_abs() {
                return Number(Repr::Small { v: a, prec: *prec });
            }
        }
        let mut f = self.float().into_owned();
        f.neg = false;
        Number::from_float(f)
    }

    /// Terraform's `floor()`: the greatest whole number not above the value,
    /// at the value's precision; infinities are returned as they are.
    pub fn floor(&self) -> Number {
        self.to_whole(Ordering::Less)
    }

    /// Terraform's `ceil()`: the least whole number not below the value, at
    /// the value's precision; infinities are returned as they are.
    pub fn ceil(&self) -> Number {
        self.to_whole(Ordering::Greater)
    }

    fn to_whole(&self, toward: Ordering) -> Number {
        if let Repr::Small { .. } = self.0 {
            return self.clone();
        }
        let f = self.float();
        let Some((neg, mut mag, exact)) = f.trunc() else {
            return self.clone();
        };
        let mut neg = neg;
        // Go's Int truncates toward zero; floor moves a negative fraction
        // and ceil a positive one a step further out.
        if !exact {
            if toward == Ordering::Less && f.neg {
                mag += 1u32;
                neg = true;
            } else if toward == Ordering::Greater && !f.neg {
                mag += 1u32;
            }
        }
        Number::from_float(Float::from_int(neg, mag, f.prec))
    }

    /// Terraform's `signum()`: -1, 0 or 1 as an integer; the value must be a
    /// whole number in the range of Go's `int`, as cty converts it to one.
    pub fn signum(&self) -> Result<Number, NumberError> {
        let i = self.to_go_int(0)?;
        Ok(Number::from_i64(i.signum()))
    }

    /// Terraform's `pow()`: both operands become float64s and Go's
    /// `math.Pow` computes the result, so it is a float64 (`pow(10, 400)`
    /// is `+Inf`). A NaN result is the error Terraform reports.
    pub fn pow(&self, power: &Number) -> Result<Number, NumberError> {
        let x = self.to_go_f64(0)?;
        let y = power.to_go_f64(1)?;
        from_go_f64(gomath::pow(x, y))
    }

    /// Terraform's `log(num, base)`: `ln(num) / ln(base)` in float64 with
    /// Go's `math.Log`. A NaN result (negative input, `log(1, 1)`) is the
    /// error Terraform reports.
    pub fn log(&self, base: &Number) -> Result<Number, NumberError> {
        let x = self.to_go_f64(0)?;
        let b = base.to_go_f64(1)?;
        from_go_f64(gomath::log(x) / gomath::log(b))
    }

    /// Terraform's `parseint(s, base)`: Go's `big.Int.SetString` in base
    /// 2 to 62 (an optional sign, digits `0-9a-zA-Z`; for bases above 36
    /// upper case letters are the digits 36 to 61), no spaces, prefixes or
    /// `_`. The result has precision 64, or the integer's bit length if
    /// longer.
    pub fn parse_int(s: &str, base: &Number) -> Result<Number, NumberError> {
        let b = base.to_go_int(1)?;
        if !(2..=62).contains(&b) {
            return Err(NumberError::arg(
                1,
                "base must be a whole number between 2 and 62 inclusive",
            ));
        }
        let fail = || NumberError::arg(0, format!("cannot parse {} as a base {b} integer", go_quote(s)));
        let (neg, digits) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        if digits.is_empty() {
            return Err(fail());
        }
        let mut mag = BigUint::default();
        for c in digits.bytes() {
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'z' => c - b'a' + 10,
                b'A'..=b'Z' if b <= 36 => c - b'A' + 10,
                b'A'..=b'Z' => c - b'A' + 36,
                _ => return Err(fail()),
            };
            if i64::from(d) >= b {
                return Err(fail());
            }
            mag = mag * (b as u32) + u32::from(d);
        }
        let prec = (mag.bits() as u32).max(64);
        Ok(Number::from_float(Float::from_int(neg, mag, prec)))
    }

    /// Terraform's `min()`: the first of the smallest values by `<` (so the
    /// result keeps its own precision); an error for no arguments.
    pub fn min_of(numbers: &[Number]) -> Result<Number, NumberError> {
        let mut best = Number::infinity(false);
        if numbers.is_empty() {
            return Err(NumberError::new("must pass at least one number"));
        }
        for n in numbers {
            if n.less_than(&best) {
                best = n.clone();
            }
        }
        Ok(best)
    }

    /// Terraform's `max()`: the first of the greatest values by `>`; an
    /// error for no arguments.
    pub fn max_of(numbers: &[Number]) -> Result<Number, NumberError> {
        let mut best = Number::infinity(true);
        if numbers.is_empty() {
            return Err(NumberError::new("must pass at least one number"));
        }
        for n in numbers {
            if n.greater_than(&best) {
                best = n.clone();
            }
        }
        Ok(best)
    }

    /// The value as Go's `int`, as cty converts a function argument: it must
    /// be a whole number in range. `arg` is the argument's index for the
    /// error.
    pub fn to_go_int(&self, arg: usize) -> Result<i64, NumberError> {
        self.to_i64().ok_or_else(|| {
            NumberError::arg(
                arg,
                format!("value must be a whole number, between {} and {}", i64::MIN, i64::MAX),
            )
        })
    }

    /// The value as Go's `float64`, as cty converts a function argument:
    /// rounded to nearest, but a finite value too large for a float64 is an
    /// error rather than an infinity. `arg` is the argument's index.
    pub fn to_go_f64(&self, arg: usize) -> Result<f64, NumberError> {
        let f = self.to_f64();
        if f.is_infinite() && !self.is_infinite() {
            let max = Number::from_f64(f64::MAX).map(|m| m.text('f', 6)).unwrap_or_default();
            return Err(NumberError::arg(
                arg,
                format!("value must be between -{max} and {max} inclusive"),
            ));
        }
        Ok(f)
    }
}

/// cty's `NumberFloatVal`, which Go makes panic on NaN; Terraform reports
/// the panic.
fn from_go_f64(f: f64) -> Result<Number, NumberError> {
    Number::from_f64(f).ok_or_else(|| NumberError::new("the result is not a number"))
}

/// Go's `%q` of a string: double quotes, with `"` and `\` escaped and
/// non-printable characters as escapes.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32))
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32))
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
