//! Decimal text of a [`Float`], as Go's `big.Float.Text` writes it: the
//! `'e'`, `'E'`, `'f'`, `'g'` and `'G'` formats with a precision, or with a
//! negative precision the shortest decimal that reads back to the same value
//! at the value's own precision.
//!
//! Owns the exact binary-to-decimal conversion and Go's rounding of decimal
//! digits (halfway cases to even). It must not parse; see `parse.rs`.
//!
//! Go's shortest form uses an interval of half an ulp on both sides even
//! for a power of two, and compares the digits of the value and of the two
//! bounds position by position; this module does the same so its output
//! matches Terraform's digit for digit.

use super::float::{Float, Form};
use num_bigint::BigUint;
use num_traits::{One, Pow};

/// A decimal `0.digits × 10^exp`, `digits` without trailing zeros (empty for
/// zero, then `exp` is 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decimal {
    pub digits: Vec<u8>,
    pub exp: i64,
}

impl Decimal {
    /// The exact decimal value of `mant × 2^shift`.
    pub fn exact(mant: &BigUint, shift: i64) -> Decimal {
        if mant.bits() == 0 {
            return Decimal {
                digits: Vec::new(),
                exp: 0,
            };
        }
        let (n, point) = if shift >= 0 {
            (mant << shift as u64, 0)
        } else {
            // mant / 2^k = mant × 5^k / 10^k
            let k = shift.unsigned_abs();
            (mant * BigUint::from(5u32).pow(k), k as i64)
        };
        Decimal::from_integer(n, point)
    }

    /// The decimal value of `n / 10^point`.
    fn from_integer(n: BigUint, point: i64) -> Decimal {
        let mut digits = n.to_string().into_bytes();
        let exp = digits.len() as i64 - point;
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        if digits.is_empty() {
            return Decimal { digits, exp: 0 };
        }
        Decimal { digits, exp }
    }

    fn at(&self, i: usize) -> u8 {
        self.digits.get(i).copied().unwrap_or(b'0')
    }

    fn trim(&mut self) {
        while self.digits.last() == Some(&b'0') {
            self.digits.pop();
        }
        if self.digits.is_empty() {
            self.exp = 0;
        }
    }

    /// Keeps `n` digits, rounding the rest half to even.
    pub fn round(&mut self, n: i64) {
        if n < 0 || n as usize >= self.digits.len() {
            return;
        }
        if self.should_round_up(n as usize) {
            self.round_up(n);
        } else {
            self.round_down(n);
        }
    }

    fn should_round_up(&self, n: usize) -> bool {
        if self.digits[n] == b'5' && n + 1 == self.digits.len() {
            // Exactly halfway: round to even.
            return n > 0 && (self.digits[n - 1] - b'0') % 2 == 1;
        }
        self.digits[n] >= b'5'
    }

    fn round_up(&mut self, n: i64) {
        if n < 0 || n as usize >= self.digits.len() {
            return;
        }
        let mut n = n as usize;
        while n > 0 && self.digits[n - 1] >= b'9' {
            n -= 1;
        }
        if n == 0 {
            // All nines: the result is 1 with the next exponent.
            self.digits.clear();
            self.digits.push(b'1');
            self.exp += 1;
            return;
        }
        self.digits[n - 1] += 1;
        self.digits.truncate(n);
    }

    fn round_down(&mut self, n: i64) {
        if n < 0 || n as usize >= self.digits.len() {
            return;
        }
        self.digits.truncate(n as usize);
        self.trim();
    }
}

/// The shortest decimal that Go's `big.Float` reads back as `x` at `x`'s
/// precision; `d` is `x`'s exact decimal and is shortened in place.
fn round_shortest(d: &mut Decimal, mant: &BigUint, exp: i64, prec: u32) {
    let n = d.digits.len() as i64;
    if n <= 1 {
        // Go's digit walk can only stop at the one digit there is.
        return;
    }
    // When half an ulp is well below one unit of d's last digit, the bounds
    // share d's other digits and exponent, so the walk below cannot stop
    // before the last digit and d is the answer; skip the costly bounds.
    let log2_half_ulp = (exp + mant.bits() as i64 - i64::from(prec) - 1) as f64;
    let log2_last_unit = (d.exp - n) as f64 * std::f64::consts::LOG2_10;
    if log2_half_ulp < log2_last_unit - 2.0 {
        return;
    }
    // Scale the mantissa to prec + 1 bits so its last bit is half an ulp.
    let s = mant.bits() as i64 - (i64::from(prec) + 1);
    let (m, e) = if s < 0 {
        (mant << (-s) as u64, exp + s)
    } else {
        (mant >> s as u64, exp + s)
    };
    let (lower, upper) = if e < 0 {
        // (m ± 1) × 2^e = (m × 5^k ± 5^k) / 10^k: one power, one product.
        let k = e.unsigned_abs();
        let p5 = BigUint::from(5u32).pow(k);
        let scaled = &m * &p5;
        (
            Decimal::from_integer(&scaled - &p5, k as i64),
            Decimal::from_integer(scaled + p5, k as i64),
        )
    } else {
        (
            Decimal::exact(&(&m - BigUint::one()), e),
            Decimal::exact(&(&m + BigUint::one()), e),
        )
    };
    // The bounds themselves read back as x only if x's mantissa is even.
    let inclusive = !m.bit(1);
    for i in 0..d.digits.len() {
        let (l, c, u) = (lower.at(i), d.digits[i], upper.at(i));
        let ok_down = l != c || inclusive && i + 1 == lower.digits.len();
        let ok_up = c != u && (inclusive || c + 1 < u || i + 1 < upper.digits.len());
        let n = i as i64 + 1;
        match (ok_down, ok_up) {
            (true, true) => return d.round(n),
            (true, false) => return d.round_down(n),
            (false, true) => return d.round_up(n),
            (false, false) => {}
        }
    }
}

/// Go's `big.Float.Text(verb, prec)` for the verbs `e E f g G`; any other
/// verb gives `%` and the verb, as Go does.
pub(crate) fn text(x: &Float, verb: char, prec: i32) -> String {
    let d = if prec < 0 {
        shortest(x)
    } else {
        match &x.form {
            Form::Finite { mant, exp } => Decimal::exact(mant, *exp),
            _ => Decimal {
                digits: Vec::new(),
                exp: 0,
            },
        }
    };
    layout(x.neg, x.is_inf(), d, verb, prec)
}

/// Writes the decimal `d` (exact, or already the shortest when `prec` is
/// negative) of a value with sign `neg` the way `Text` does.
pub(crate) fn layout(neg: bool, inf: bool, mut d: Decimal, verb: char, prec: i32) -> String {
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if inf {
        if !neg {
            out.push('+');
        }
        out.push_str("Inf");
        return out;
    }
    if !matches!(verb, 'e' | 'E' | 'f' | 'g' | 'G') {
        return format!("%{verb}");
    }
    let mut prec = i64::from(prec);
    let shortest = prec < 0;
    if shortest {
        let len = d.digits.len() as i64;
        prec = match verb {
            'e' | 'E' => len - 1,
            'f' => (len - d.exp).max(0),
            _ => len,
        };
    } else {
        match verb {
            'e' | 'E' => d.round(1 + prec),
            'f' => d.round(d.exp + prec),
            _ => {
                if prec == 0 {
                    prec = 1;
                }
                d.round(prec)
            }
        }
    }
    match verb {
        'e' | 'E' => fmt_e(&mut out, verb, prec, &d),
        'f' => fmt_f(&mut out, prec, &d),
        _ => {
            let len = d.digits.len() as i64;
            let mut eprec = prec;
            if eprec > len && len >= d.exp {
                eprec = len;
            }
            if shortest {
                eprec = 6;
            }
            let exp = d.exp - 1;
            if exp < -4 || exp >= eprec {
                let p = prec.min(len);
                let e_verb = if verb == 'g' { 'e' } else { 'E' };
                fmt_e(&mut out, e_verb, p - 1, &d);
            } else {
                let p = if prec > d.exp { len } else { prec };
                fmt_f(&mut out, (p - d.exp).max(0), &d);
            }
        }
    }
    out
}

/// `d.ddddde±dd`
fn fmt_e(out: &mut String, verb: char, prec: i64, d: &Decimal) {
    out.push(char::from(d.at(0)));
    if prec > 0 {
        out.push('.');
        for i in 1..=prec as usize {
            out.push(char::from(d.at(i)));
        }
    }
    out.push(verb);
    let exp = if d.digits.is_empty() { 0 } else { d.exp - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    let abs = exp.unsigned_abs();
    if abs < 10 {
        out.push('0');
    }
    out.push_str(&abs.to_string());
}

/// `ddddd.ddddd`
fn fmt_f(out: &mut String, prec: i64, d: &Decimal) {
    if d.exp > 0 {
        for i in 0..d.exp as usize {
            out.push(char::from(d.at(i)));
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            let j = d.exp + i;
            let c = if j >= 0 { d.at(j as usize) } else { b'0' };
            out.push(char::from(c));
        }
    }
}

/// The shortest decimal that reads back as `x` at its precision (empty for
/// zero and infinities; the sign is not part of it).
pub(crate) fn shortest(x: &Float) -> Decimal {
    match &x.form {
        Form::Finite { mant, exp } => {
            let mut d = Decimal::exact(mant, *exp);
            round_shortest(&mut d, mant, *exp, x.prec);
            d
        }
        _ => Decimal {
            digits: Vec::new(),
            exp: 0,
        },
    }
}
