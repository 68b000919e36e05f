//! Pins the Rust-facing contract of `Number`: constructors, conversions,
//! equality/hash/order consistency, and that the inline fast path for whole
//! numbers gives exactly what the general path gives.

use super::*;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

fn n(s: &str) -> Number {
    Number::parse(s).unwrap()
}

fn hash(x: &Number) -> u64 {
    let mut h = DefaultHasher::new();
    x.hash(&mut h);
    h.finish()
}

/// The same value held in the general representation, so operations skip
/// the inline fast path.
fn big(x: &Number) -> Number {
    Number(Repr::Big(Arc::new(Big::new(x.float().into_owned()))))
}

#[test]
fn constructors_carry_cty_precisions() {
    assert_eq!(Number::from_i64(7).precision(), 64);
    assert_eq!(Number::from_u64(u64::MAX).precision(), 64);
    assert_eq!(Number::from_u64(u64::MAX).to_string(), "18446744073709551615");
    assert_eq!(Number::from_f64(0.1).unwrap().precision(), 53);
    assert_eq!(n("7").precision(), 512);
    assert!(Number::from_f64(f64::NAN).is_none());
    assert_eq!(Number::zero().to_string(), "0");
    assert_eq!(Number::infinity(false).to_string(), "+Inf");
    assert_eq!(Number::infinity(true).to_string(), "-Inf");
    // A float64 prints as its shortest text at 53 bits.
    assert_eq!(Number::from_f64(0.1).unwrap().to_string(), "0.1");
    assert_eq!(Number::from_f64(-0.0).unwrap().to_string(), "-0");
    assert_eq!(Number::from_f64(1e23).unwrap().to_string(), "100000000000000000000000");
    assert_eq!(format!("{:?}", n("1.50")), "1.5");
}

#[test]
fn predicates_and_conversions() {
    let third = n("1").div(&n("3")).unwrap();
    assert!(!third.is_integer() && !third.is_zero() && !third.is_negative());
    assert!(n("1e400").is_integer());
    assert!(n("-0").is_negative() && n("-0").is_zero());
    assert!(Number::infinity(true).is_infinite() && !Number::infinity(true).is_integer());
    assert_eq!(n("-9223372036854775808").to_i64(), Some(i64::MIN));
    assert_eq!(n("9223372036854775808").to_i64(), None);
    assert_eq!(n("18446744073709551615").to_u64(), Some(u64::MAX));
    assert_eq!(n("-1").to_u64(), None);
    assert_eq!(n("2.5").to_i64(), None);
    assert_eq!(third.to_f64(), 1.0 / 3.0);
    assert_eq!(n("1e400").to_f64(), f64::INFINITY);
    assert_eq!(n("-1e-400").to_f64().to_bits(), (-0.0f64).to_bits());
    assert_eq!(n("4.9406564584124654e-324").to_f64(), 5e-324);
    assert_eq!(n("0.1").to_f64(), 0.1);
}

#[test]
fn text_helpers() {
    assert_eq!(n("255").int_text(16, true).as_deref(), Some("FF"));
    assert_eq!(n("-8").int_text(8, false).as_deref(), Some("-10"));
    assert_eq!(n("1e20").int_text(10, false).as_deref(), Some("100000000000000000000"));
    assert_eq!(n("1.5").int_text(10, false), None);
    assert_eq!(Number::infinity(false).int_text(10, false), None);
    assert_eq!(n("1").text('q', 3), "%q");
    assert_eq!(n("2.5").json_text().unwrap(), "2.5");
    assert_eq!(
        Number::infinity(false).json_text().unwrap_err().message,
        "cannot serialize infinity as JSON"
    );
}

#[test]
fn equality_is_by_shortest_text_and_hash_agrees() {
    let f = Number::from_f64(0.1).unwrap();
    let lit = n("0.1");
    // A float64 0.1 and a 512-bit 0.1 differ in value but print alike.
    assert_eq!(f, lit);
    assert_eq!(hash(&f), hash(&lit));
    assert_eq!(f.cmp(&lit), Ordering::Equal);
    assert!(f.greater_than(&lit) && f.greater_or_equal(&lit) && f.less_or_equal(&lit));
    // The same float64 value widened to 512 bits prints all its digits.
    let widened = f.add(&n("0")).unwrap();
    assert_ne!(widened, f);
    assert_eq!(widened.cmp_value(&f), Ordering::Equal);
    // -0 equals 0; inline and general forms of a number are equal.
    assert_eq!(n("-0"), Number::zero());
    assert_eq!(hash(&n("-0")), hash(&Number::zero()));
    for s in ["0", "5", "-17", "9223372036854775807", "-9223372036854775808"] {
        assert_eq!(n(s), big(&n(s)), "{s}");
        assert_eq!(hash(&n(s)), hash(&big(&n(s))), "{s}");
    }
    // A 53-bit integer past 2^53 is held inline and prints (and hashes) as
    // its shortest text.
    let p60 = Number::from_f64(2f64.powi(60)).unwrap();
    assert_eq!(p60.to_string(), "1152921504606847000");
    assert_eq!(p60, n("1152921504606847000").pow(&n("1")).unwrap());
    assert_ne!(p60, n("1152921504606846976"));
}

#[test]
fn order_is_total_and_consistent_with_equality() {
    let mut xs: Vec<Number> = [
        "-1e400",
        "-2.5",
        "-1",
        "-0",
        "0",
        "1e-400",
        "0.1",
        "0.25",
        "1",
        "3",
        "1e20",
        "12345678901234567890",
        "1e400",
    ]
    .iter()
    .map(|s| n(s))
    .collect();
    xs.push(Number::from_f64(0.1).unwrap());
    xs.push(Number::infinity(false));
    xs.push(Number::infinity(true));
    xs.push(Number::from_i64(3));
    xs.push(n("1").div(&n("3")).unwrap());
    for a in &xs {
        for b in &xs {
            let ab = a.cmp(b);
            assert_eq!(ab, b.cmp(a).reverse(), "{a:?} {b:?}");
            assert_eq!(ab == Ordering::Equal, a == b, "{a:?} {b:?}");
            for c in &xs {
                if ab != Ordering::Greater && b.cmp(c) != Ordering::Greater {
                    assert_ne!(a.cmp(c), Ordering::Greater, "{a:?} {b:?} {c:?}");
                }
            }
        }
    }
    xs.sort();
    let printed: Vec<String> = xs.iter().map(|x| x.to_string()).collect();
    assert_eq!(printed.first().unwrap(), "-Inf");
    assert_eq!(printed.last().unwrap(), "+Inf");
    assert!(printed.windows(2).all(|w| w[0] != "0.25" || w[1] == "0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335"));
}

/// A small deterministic generator (no dependency, same cases every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> i64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = (self.0 >> 33) as i64;
        match r % 4 {
            0 => r % 10 - 5,
            1 => r % 100_000 - 50_000,
            2 => (r << 30) ^ r,
            _ => -((r << 31) | 1),
        }
    }
}

#[test]
fn inline_fast_path_matches_general_path() {
    let mut g = Lcg(42);
    let precs = [64u32, 512, 53];
    for i in 0..1500 {
        let (a, b) = (g.next(), g.next());
        let pa = precs[i % 3];
        let pb = precs[(i / 3) % 3];
        let x = Number::from_float(Float::from_u64(a < 0, a.unsigned_abs(), pa));
        let y = Number::from_float(Float::from_u64(b < 0, b.unsigned_abs(), pb));
        type Op = fn(&Number, &Number) -> Result<Number, NumberError>;
        let ops: [(&str, Op); 5] = [
            ("+", Number::add),
            ("-", Number::sub),
            ("*", Number::mul),
            ("/", Number::div),
            ("%", Number::rem),
        ];
        for (name, op) in ops {
            let fast = op(&x, &y);
            let slow = op(&big(&x), &big(&y));
            match (fast, slow) {
                (Ok(f), Ok(s)) => {
                    assert_eq!(
                        (f.to_string(), f.precision(), f.is_negative()),
                        (s.to_string(), s.precision(), s.is_negative()),
                        "{x:?}@{pa} {name} {y:?}@{pb}"
                    );
                }
                (f, s) => assert_eq!(f.map(|v| v.to_string()), s.map(|v| v.to_string()), "{x:?} {name} {y:?}"),
            }
        }
        assert_eq!(x.neg().to_string(), big(&x).neg().to_string());
        assert_eq!(x.abs().to_string(), big(&x).abs().to_string());
        assert_eq!(x.cmp_value(&y), big(&x).cmp_value(&big(&y)));
        assert_eq!(x.text('e', 3), big(&x).text('e', 3));
        assert_eq!(x.to_string(), big(&x).to_string());
    }
}

#[test]
fn errors_carry_the_argument_index() {
    assert_eq!(Number::parse_int("1", &n("1")).unwrap_err().arg, Some(1));
    assert_eq!(Number::parse_int("x", &n("10")).unwrap_err().arg, Some(0));
    assert_eq!(n("1e400").pow(&n("1")).unwrap_err().arg, Some(0));
    assert_eq!(n("2").log(&n("1e400")).unwrap_err().arg, Some(1));
    assert_eq!(n("0").div(&n("0")).unwrap_err().arg, None);
    assert_eq!(
        Number::min_of(&[]).unwrap_err().message,
        "must pass at least one number"
    );
    assert_eq!(
        Number::max_of(&[]).unwrap_err().message,
        "must pass at least one number"
    );
}
