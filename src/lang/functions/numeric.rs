//! Numeric functions: `abs`, `ceil`, `floor`, `log`, `pow`, `signum`,
//! `min`, `max`, `parseint`.
//!
//! Numbers go through the `Number` API, so they keep the precision of
//! Terraform's arbitrary-precision numbers, except where Terraform itself
//! computes in float64 (`log`, `pow`), which is done here the same way:
//! `pow` follows Go's `math.Pow` (whole powers by repeated squaring).
//! `signum` takes whole numbers only, as go-cty reads its argument as an int.
//! Nothing here may assume the f64 inside today's placeholder `Number`.

use super::cty::{friendly, whole};
use super::{func, number_arg, param, FnError, FnResult, FuncContext, Function};
use crate::lang::display::go_quote;
use crate::lang::number::Number;
use crate::lang::types::Type;
use crate::lang::value::Value;
use std::cmp::Ordering;

pub fn register(r: &mut Vec<Function>) {
    let num = || param("num", Type::Number);
    let one = |name, f| func(name, vec![num()], Type::Number, f);
    r.extend([
        one("abs", |a, _| Ok(Value::Number(positive_zero(number_arg(a, 0)?.abs())))),
        one("ceil", |a, _| {
            Ok(Value::Number(positive_zero(number_arg(a, 0)?.ceil())))
        }),
        one("floor", |a, _| {
            Ok(Value::Number(positive_zero(number_arg(a, 0)?.floor())))
        }),
        one("signum", signum),
        func("log", vec![num(), param("base", Type::Number)], Type::Number, log),
        func("pow", vec![num(), param("power", Type::Number)], Type::Number, pow),
        func("min", vec![], Type::Number, min).variadic(param("numbers", Type::Number)),
        func("max", vec![], Type::Number, max).variadic(param("numbers", Type::Number)),
        func(
            "parseint",
            vec![param("number", Type::Dynamic).unknown(), param("base", Type::Number)],
            Type::Number,
            parseint,
        ),
    ]);
}

/// Numeric order in which -0 and 0 are the same number.
pub fn ncmp(a: &Number, b: &Number) -> Ordering {
    if a == b {
        Ordering::Equal
    } else {
        a.cmp(b)
    }
}

/// Zero without a sign, as Go's big.Float produces from a whole number.
fn positive_zero(n: Number) -> Number {
    if n.is_zero() {
        Number::zero()
    } else {
        n
    }
}

/// A float64 result; NaN (which Terraform cannot represent, and panics on)
/// is an error.
fn from_float(f: f64) -> FnResult {
    Number::from_f64(f)
        .map(Value::Number)
        .ok_or_else(|| FnError::new("the result is not a number"))
}

pub fn signum(a: &[Value], _: &FuncContext) -> FnResult {
    let n = whole(&number_arg(a, 0)?).map_err(FnError::new)?;
    Ok(Value::int(n.signum()))
}

pub fn log(a: &[Value], _: &FuncContext) -> FnResult {
    let (num, base) = (number_arg(a, 0)?.to_f64(), number_arg(a, 1)?.to_f64());
    from_float(go_log(num) / go_log(base))
}

/// The natural logarithm as Go's `math.Log` computes it (the fdlibm
/// method), whose last digit can differ from the C library's:
/// log(27)/log(3) is 3.0000000000000004 in Terraform.
fn go_log(x: f64) -> f64 {
    // fdlibm's constants, by their bits.
    let ln2_hi = f64::from_bits(0x3fe6_2e42_fee0_0000);
    let ln2_lo = f64::from_bits(0x3dea_39ef_3579_3c76);
    let l = [
        0x3fe5_5555_5555_5593u64,
        0x3fd9_9999_9997_fa04,
        0x3fd2_4924_9422_9359,
        0x3fcc_71c5_1d8e_78af,
        0x3fc7_4664_96cb_03de,
        0x3fc3_9a09_d078_c69f,
        0x3fc2_f112_df3e_5244,
    ]
    .map(f64::from_bits);
    match () {
        _ if x.is_nan() || x == f64::INFINITY => return x,
        _ if x < 0.0 => return f64::NAN,
        _ if x == 0.0 => return f64::NEG_INFINITY,
        _ => {}
    }
    // x = 2^k × (1 + f), with 1 + f in [√2/2, √2).
    let (mut f1, mut ki) = frexp(x);
    if f1 < std::f64::consts::SQRT_2 / 2.0 {
        f1 *= 2.0;
        ki -= 1;
    }
    let f = f1 - 1.0;
    let k = ki as f64;
    let s = f / (2.0 + f);
    let s2 = s * s;
    let s4 = s2 * s2;
    let t1 = s2 * (l[0] + s4 * (l[2] + s4 * (l[4] + s4 * l[6])));
    let t2 = s4 * (l[1] + s4 * (l[3] + s4 * l[5]));
    let r = t1 + t2;
    let hfsq = 0.5 * f * f;
    k * ln2_hi - ((hfsq - (s * (hfsq + r) + k * ln2_lo)) - f)
}

pub fn pow(a: &[Value], _: &FuncContext) -> FnResult {
    from_float(go_pow(number_arg(a, 0)?.to_f64(), number_arg(a, 1)?.to_f64()))
}

fn is_odd_int(x: f64) -> bool {
    x.fract() == 0.0 && x.abs() < (1u64 << 53) as f64 && (x as i64) & 1 == 1
}

/// x to the power y with the special cases and the algorithm of Go's
/// `math.Pow`: the fractional part of y through exp and log, the whole part
/// by repeated squaring of x's mantissa, exponents kept apart.
fn go_pow(x: f64, y: f64) -> f64 {
    match () {
        _ if y == 0.0 || x == 1.0 => return 1.0,
        _ if y == 1.0 => return x,
        _ if x.is_nan() || y.is_nan() => return f64::NAN,
        _ if x == 0.0 => {
            return match () {
                _ if y < 0.0 && is_odd_int(y) => f64::INFINITY.copysign(x),
                _ if y < 0.0 => f64::INFINITY,
                _ if is_odd_int(y) => x,
                _ => 0.0,
            }
        }
        _ if y.is_infinite() => {
            return match () {
                _ if x == -1.0 => 1.0,
                _ if (x.abs() < 1.0) == (y > 0.0) => 0.0,
                _ => f64::INFINITY,
            }
        }
        _ if x.is_infinite() => {
            if x < 0.0 {
                return go_pow(1.0 / x, -y);
            }
            return if y < 0.0 { 0.0 } else { f64::INFINITY };
        }
        _ if y == 0.5 => return x.sqrt(),
        _ if y == -0.5 => return 1.0 / x.sqrt(),
        _ => {}
    }
    let (mut yi, mut yf) = (y.abs().trunc(), y.abs().fract());
    if yf != 0.0 && x < 0.0 {
        return f64::NAN;
    }
    if yi >= (1u64 << 63) as f64 {
        // A huge even power: overflow or underflow, except for -1.
        return match () {
            _ if x == -1.0 => 1.0,
            _ if (x.abs() < 1.0) == (y > 0.0) => 0.0,
            _ => f64::INFINITY,
        };
    }
    let mut a1 = 1.0;
    let mut ae: i64 = 0;
    if yf != 0.0 {
        if yf > 0.5 {
            yf -= 1.0;
            yi += 1.0;
        }
        a1 = (yf * go_log(x)).exp();
    }
    let (mut x1, mut xe) = frexp(x);
    let mut i = yi as i64;
    while i != 0 {
        if !(-(1 << 12)..=(1 << 12)).contains(&xe) {
            // The exponent alone overflows: the result is 0 or infinite.
            ae += xe;
            break;
        }
        if i & 1 == 1 {
            a1 *= x1;
            ae += xe;
        }
        x1 *= x1;
        xe <<= 1;
        if x1 < 0.5 {
            x1 += x1;
            xe -= 1;
        }
        i >>= 1;
    }
    if y < 0.0 {
        a1 = 1.0 / a1;
        ae = -ae;
    }
    ldexp(a1, ae)
}

/// x as a mantissa in [0.5, 1) and a power of two.
fn frexp(x: f64) -> (f64, i64) {
    if x == 0.0 || x.is_infinite() || x.is_nan() {
        return (x, 0);
    }
    let (mut x, mut e) = (x, 0i64);
    if x.abs() < f64::MIN_POSITIVE {
        x *= (1u64 << 52) as f64;
        e = -52;
    }
    let bits = x.to_bits();
    e += ((bits >> 52) & 0x7ff) as i64 - 1022;
    let mantissa = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (mantissa, e)
}

/// frac × 2^exp as Go's `math.Ldexp` computes it: the exponent is set
/// directly and a subnormal result is rounded once.
fn ldexp(frac: f64, exp: i64) -> f64 {
    if frac == 0.0 || frac.is_infinite() || frac.is_nan() {
        return frac;
    }
    let (mut frac, mut exp) = (frac, exp);
    if frac.abs() < f64::MIN_POSITIVE {
        frac *= (1u64 << 52) as f64;
        exp -= 52;
    }
    let bits = frac.to_bits();
    exp += ((bits >> 52) & 0x7ff) as i64 - 1023;
    if exp < -1075 {
        return 0.0_f64.copysign(frac);
    }
    if exp > 1023 {
        return f64::INFINITY.copysign(frac);
    }
    let mut m = 1.0;
    if exp < -1022 {
        exp += 53;
        m = 1.0 / (1u64 << 53) as f64;
    }
    let bits = (bits & !(0x7ff << 52)) | (((exp + 1023) as u64) << 52);
    m * f64::from_bits(bits)
}

fn extreme(a: &[Value], keep: Ordering) -> FnResult {
    if a.is_empty() {
        return Err(FnError::new("must pass at least one number"));
    }
    let mut acc = Number::infinity(keep == Ordering::Greater);
    for i in 0..a.len() {
        let n = number_arg(a, i)?;
        if ncmp(&n, &acc) == keep {
            acc = n;
        }
    }
    Ok(Value::Number(acc))
}

pub fn min(a: &[Value], _: &FuncContext) -> FnResult {
    extreme(a, Ordering::Less)
}

pub fn max(a: &[Value], _: &FuncContext) -> FnResult {
    extreme(a, Ordering::Greater)
}

/// A digit's value in the bases of Go's `big.Int.SetString`: letters are
/// 10-35 in either case up to base 36; above it, upper case is 36-61.
fn digit_value(c: char, base: u32) -> Option<u32> {
    let d = match c {
        '0'..='9' => c as u32 - '0' as u32,
        'a'..='z' => c as u32 - 'a' as u32 + 10,
        'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
        'A'..='Z' => c as u32 - 'A' as u32 + 36,
        _ => return None,
    };
    (d < base).then_some(d)
}

fn parse_digits(s: &str, base: u32) -> Option<Number> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if digits.is_empty() {
        return None;
    }
    let b = Number::from_i64(i64::from(base));
    let mut n = Number::zero();
    for c in digits.chars() {
        let d = Number::from_i64(i64::from(digit_value(c, base)?));
        n = n.mul(&b).ok()?.add(&d).ok()?;
    }
    Some(if negative { n.neg() } else { n })
}

/// A whole number written in a base from 2 to 62, with an optional sign.
pub fn parseint(a: &[Value], _: &FuncContext) -> FnResult {
    let ty = a[0].ty();
    match (&ty, a[0].is_known()) {
        (Type::Dynamic, false) => return Ok(Value::unknown()),
        (Type::String, _) => {}
        (t, _) => {
            return Err(FnError::arg(
                0,
                format!("first argument must be a string, not {}", friendly(t)),
            ))
        }
    }
    let base = whole(&number_arg(a, 1)?).map_err(|e| FnError::arg(1, e))?;
    let Some(s) = a[0].as_str() else {
        return Ok(Value::Unknown(Type::Number));
    };
    if !(2..=62).contains(&base) {
        return Err(FnError::arg(
            1,
            "base must be a whole number between 2 and 62 inclusive",
        ));
    }
    parse_digits(s, base as u32)
        .map(Value::Number)
        .ok_or_else(|| FnError::arg(0, format!("cannot parse {} as a base {base} integer", go_quote(s))))
}

#[cfg(test)]
mod tests {
    use super::super::casefile;
    use super::*;

    #[test]
    fn terraform_cases() {
        casefile::run(include_str!("testdata/numeric.cases"));
    }

    #[test]
    fn pow_follows_go() {
        assert_eq!(go_pow(2.0, 10.0), 1024.0);
        assert_eq!(go_pow(0.0, 0.0), 1.0);
        assert_eq!(go_pow(0.0, -1.0), f64::INFINITY);
        assert_eq!(go_pow(-0.0, -1.0), f64::NEG_INFINITY);
        assert_eq!(go_pow(2.0, -1.0), 0.5);
        assert_eq!(go_pow(1.1, 2.0), 1.2100000000000002);
        assert_eq!(go_pow(10.0, 400.0), f64::INFINITY);
        assert_eq!(go_pow(10.0, -400.0), 0.0);
        assert!(go_pow(-8.0, 1.0 / 3.0).is_nan());
        assert_eq!(go_pow(2.0, 0.5), std::f64::consts::SQRT_2);
        assert_eq!(go_pow(-2.0, 3.0), -8.0);
    }

    #[test]
    fn frexp_and_ldexp_round_trip() {
        assert_eq!(frexp(8.0), (0.5, 4));
        assert_eq!(frexp(-3.0), (-0.75, 2));
        assert_eq!(ldexp(0.5, 4), 8.0);
        assert_eq!(ldexp(0.75, -1074), 5e-324);
        let tiny = f64::from_bits(1);
        assert_eq!(ldexp(frexp(tiny).0, frexp(tiny).1), tiny);
    }

    #[test]
    fn digits_of_every_base() {
        let p = |s, b| parse_digits(s, b).map(|n| n.to_string());
        assert_eq!(p("Zz", 62).as_deref(), Some("3817"));
        assert_eq!(p("ZZ", 36).as_deref(), Some("1295"));
        assert_eq!(p("-", 10), None);
        assert_eq!(p("1_0", 10), None);
    }
}
