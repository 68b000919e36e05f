//! Numbers of the configuration language.
//!
//! PLACEHOLDER backed by f64, with the API of the arbitrary-precision
//! implementation that replaces it (Go big.Float semantics, as Terraform).

use std::cmp::Ordering;
use std::fmt;

#[derive(Clone)]
pub struct Number(f64);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberError {
    pub message: String,
}

fn err(m: &str) -> NumberError {
    NumberError { message: m.into() }
}

impl Number {
    pub fn from_i64(i: i64) -> Number {
        Number(i as f64)
    }
    pub fn from_u64(u: u64) -> Number {
        Number(u as f64)
    }
    pub fn from_f64(f: f64) -> Option<Number> {
        (!f.is_nan()).then_some(Number(f))
    }
    pub fn parse(s: &str) -> Option<Number> {
        let t = s.trim();
        if t.is_empty() || t.starts_with('+') && t.len() > 1 && !t[1..].starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        if t.eq_ignore_ascii_case("inf") || t.eq_ignore_ascii_case("nan") || t.contains("inf") || t.contains("nan") {
            return None;
        }
        t.parse::<f64>().ok().filter(|f| !f.is_nan()).map(Number)
    }
    pub fn infinity(negative: bool) -> Number {
        Number(if negative { f64::NEG_INFINITY } else { f64::INFINITY })
    }
    pub fn zero() -> Number {
        Number(0.0)
    }
    pub fn is_integer(&self) -> bool {
        self.0.is_finite() && self.0.fract() == 0.0
    }
    pub fn is_infinite(&self) -> bool {
        self.0.is_infinite()
    }
    pub fn is_negative(&self) -> bool {
        self.0 < 0.0
    }
    pub fn is_zero(&self) -> bool {
        self.0 == 0.0
    }
    pub fn to_i64(&self) -> Option<i64> {
        (self.is_integer() && self.0.abs() < 9.2e18).then_some(self.0 as i64)
    }
    pub fn to_u64(&self) -> Option<u64> {
        (self.is_integer() && self.0 >= 0.0 && self.0 < 1.8e19).then_some(self.0 as u64)
    }
    pub fn to_f64(&self) -> f64 {
        self.0
    }
    fn checked(f: f64) -> Result<Number, NumberError> {
        Number::from_f64(f).ok_or_else(|| err("the result is not a number"))
    }
    pub fn add(&self, o: &Number) -> Result<Number, NumberError> {
        Number::checked(self.0 + o.0)
    }
    pub fn sub(&self, o: &Number) -> Result<Number, NumberError> {
        Number::checked(self.0 - o.0)
    }
    pub fn mul(&self, o: &Number) -> Result<Number, NumberError> {
        Number::checked(self.0 * o.0)
    }
    pub fn div(&self, o: &Number) -> Result<Number, NumberError> {
        Number::checked(self.0 / o.0)
    }
    pub fn rem(&self, o: &Number) -> Result<Number, NumberError> {
        if o.0 == 0.0 {
            return Err(err("division by zero"));
        }
        Number::checked((self.0.trunc() % o.0.trunc()).trunc())
    }
    pub fn neg(&self) -> Number {
        Number(-self.0)
    }
    pub fn abs(&self) -> Number {
        Number(self.0.abs())
    }
    pub fn floor(&self) -> Number {
        Number(self.0.floor())
    }
    pub fn ceil(&self) -> Number {
        Number(self.0.ceil())
    }
    pub fn signum(&self) -> Number {
        Number(if self.0 == 0.0 { 0.0 } else { self.0.signum() })
    }
    pub fn pow(&self, o: &Number) -> Result<Number, NumberError> {
        Number::checked(self.0.powf(o.0))
    }
    pub fn log(&self, base: &Number) -> Result<Number, NumberError> {
        Number::checked(self.0.ln() / base.0.ln())
    }
    pub fn parse_int(s: &str, base: u32) -> Result<Number, NumberError> {
        let (neg, digits) = match s.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let v = i128::from_str_radix(digits, base).map_err(|_| err("cannot parse as an integer"))?;
        Ok(Number((if neg { -v } else { v }) as f64))
    }
    pub fn text(&self, verb: char, prec: i32) -> String {
        let p = usize::try_from(prec).ok();
        match (verb, p) {
            ('f', Some(p)) => format!("{:.*}", p, self.0),
            ('e', Some(p)) => {
                let s = format!("{:.*e}", p, self.0);
                match s.split_once('e') {
                    Some((m, e)) => {
                        let (sign, digits) = e.strip_prefix('-').map_or(('+', e), |d| ('-', d));
                        format!("{m}e{sign}{digits:0>2}")
                    }
                    None => s,
                }
            }
            _ => self.to_string(),
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_infinite() {
            return f.write_str(if self.0 > 0.0 { "+Inf" } else { "-Inf" });
        }
        if self.0.fract() == 0.0 && self.0.abs() < 1e15 {
            return write!(f, "{}", self.0 as i64);
        }
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl PartialEq for Number {
    fn eq(&self, o: &Number) -> bool {
        self.0 == o.0
    }
}
impl Eq for Number {}
impl PartialOrd for Number {
    fn partial_cmp(&self, o: &Number) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Number {
    fn cmp(&self, o: &Number) -> Ordering {
        self.0.total_cmp(&o.0)
    }
}
impl std::hash::Hash for Number {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        (if self.0 == 0.0 { 0.0f64 } else { self.0 }).to_bits().hash(h)
    }
}
