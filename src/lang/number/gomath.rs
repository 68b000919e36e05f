//! float64 functions that give the same bits as Go's `math.Pow` and
//! `math.Log` in the linux/amd64 terraform binary, which Terraform's `pow()`
//! and `log()` call.
//!
//! Owns only those two (and the helpers they use). They are not correctly
//! rounded, and the platform libm differs from them in the last bit, which
//! shows in Terraform's shortest text; so this module performs the same
//! sequence of IEEE operations: `Log` as Go's amd64 assembly evaluates the
//! FreeBSD polynomial, `Exp` as Go's amd64 assembly evaluates its Taylor
//! series on a CPU with FMA (the machines this project runs on), and `Pow`
//! as Go's portable code combines them. It must not be used where Terraform
//! does not use Go's `math` package.

/// Go's `math.Frexp`: `f = frac × 2^exp` with `0.5 <= |frac| < 1`.
fn frexp(f: f64) -> (f64, i64) {
    if f == 0.0 || f.is_infinite() || f.is_nan() {
        return (f, 0);
    }
    let (f, mut exp) = if f.abs() < f64::MIN_POSITIVE {
        (f * (1u64 << 52) as f64, -52)
    } else {
        (f, 0)
    };
    let bits = f.to_bits();
    exp += ((bits >> 52) & 0x7ff) as i64 - 1023 + 1;
    let bits = (bits & !(0x7ffu64 << 52)) | (1022u64 << 52);
    (f64::from_bits(bits), exp)
}

/// Go's `math.Ldexp`: `frac × 2^exp`, flushing below 2^-1075 to zero.
fn ldexp(frac: f64, exp: i64) -> f64 {
    if frac == 0.0 || frac.is_infinite() || frac.is_nan() {
        return frac;
    }
    let (frac, e) = frexp(frac);
    let mut exp = exp.saturating_add(e);
    let bits = frac.to_bits();
    exp = exp.saturating_add(((bits >> 52) & 0x7ff) as i64 - 1023);
    if exp < -1075 {
        return 0.0f64.copysign(frac);
    }
    if exp > 1023 {
        return f64::INFINITY.copysign(frac);
    }
    let mut m = 1.0;
    if exp < -1022 {
        exp += 53;
        m = 1.0 / (1u64 << 53) as f64;
    }
    let bits = (bits & !(0x7ffu64 << 52)) | (((exp + 1023) as u64) << 52);
    m * f64::from_bits(bits)
}

fn is_odd_int(x: f64) -> bool {
    if x.abs() >= (1u64 << 53) as f64 {
        return false;
    }
    x.fract() == 0.0 && (x.trunc() as i64) & 1 == 1
}

/// Go's `math.Log` on amd64.
pub(crate) fn log(x: f64) -> f64 {
    // The constants by their bits; the test
    // `constants_are_the_decimals_go_uses` pins them to Go's decimals.
    const HSQRT2: f64 = std::f64::consts::FRAC_1_SQRT_2;
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    const L1: f64 = f64::from_bits(0x3fe5_5555_5555_5593);
    const L2: f64 = f64::from_bits(0x3fd9_9999_9997_fa04);
    const L3: f64 = f64::from_bits(0x3fd2_4924_9422_9359);
    const L4: f64 = f64::from_bits(0x3fcc_71c5_1d8e_78af);
    const L5: f64 = f64::from_bits(0x3fc7_4664_96cb_03de);
    const L6: f64 = f64::from_bits(0x3fc3_9a09_d078_c69f);
    const L7: f64 = f64::from_bits(0x3fc2_f112_df3e_5244);
    let bits = x.to_bits();
    if bits & !(1u64 << 63) == 0 {
        return f64::NEG_INFINITY;
    }
    if (bits as i64) < 0 {
        return f64::NAN;
    }
    if bits >= f64::INFINITY.to_bits() {
        return x;
    }
    // The assembly splits the bits itself (subnormals are not normalized).
    let mut f1 = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0.5f64.to_bits());
    let mut k = (((bits >> 52) & 0x7ff) as i32 - 0x3fe) as f64;
    if f1 <= HSQRT2 {
        k -= 1.0;
        f1 *= 2.0;
    }
    let f = f1 - 1.0;
    let s = f / (2.0 + f);
    let s2 = s * s;
    let s4 = s2 * s2;
    let t1 = s2 * ((((L7 * s4 + L5) * s4 + L3) * s4) + L1);
    let t2 = s4 * (((L6 * s4 + L4) * s4) + L2);
    let r = t1 + t2;
    let hfsq = 0.5 * f * f;
    k * LN2_HI - ((hfsq - (s * (hfsq + r) + k * LN2_LO)) - f)
}

/// Go's `math.Exp` on amd64 with FMA.
fn exp(x: f64) -> f64 {
    const LOG2E: f64 = std::f64::consts::LOG2_E;
    const LN2U: f64 = f64::from_bits(0x3fe6_2e42_fefa_3000);
    const LN2L: f64 = f64::from_bits(0x3d53_de6a_f278_ece6);
    const OVERFLOW: f64 = f64::from_bits(0x4086_2e42_fefa_39ef);
    // 1/8!, 1/7!, ..., 1/3!, 1/2 as Go rounds its decimals.
    const T: [f64; 7] = [
        f64::from_bits(0x3efa_01a0_1a01_a01a),
        f64::from_bits(0x3f2a_01a0_1a01_a01a),
        f64::from_bits(0x3f56_c16c_16c1_6c17),
        f64::from_bits(0x3f81_1111_1111_1111),
        f64::from_bits(0x3fa5_5555_5555_5555),
        f64::from_bits(0x3fc5_5555_5555_5555),
        0.5,
    ];
    if x.is_nan() || x == f64::INFINITY {
        return x;
    }
    if x == f64::NEG_INFINITY {
        return 0.0;
    }
    if x > OVERFLOW {
        return f64::INFINITY;
    }
    let k = (x * LOG2E).round_ties_even() as i32;
    let kf = f64::from(k);
    let mut r = (-kf).mul_add(LN2U, x);
    r = (-kf).mul_add(LN2L, r);
    r *= 0.0625;
    let mut p = T[0];
    for c in &T[1..] {
        p = p.mul_add(r, *c);
    }
    p = p.mul_add(r, 1.0);
    let mut y = r * p;
    for _ in 0..3 {
        let t = y + 2.0;
        y *= t;
    }
    let t = y + 2.0;
    y = t.mul_add(y, 1.0);
    let biased = k.saturating_add(0x3ff);
    if biased <= 0 {
        return 0.0;
    }
    if biased >= 0x7ff {
        return f64::INFINITY;
    }
    y * f64::from_bits((biased as u64) << 52)
}

/// Go's `math.Pow`.
pub(crate) fn pow(x: f64, y: f64) -> f64 {
    if y == 0.0 || x == 1.0 {
        return 1.0;
    }
    if y == 1.0 {
        return x;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 {
        if y < 0.0 {
            return if x.is_sign_negative() && is_odd_int(y) {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
        }
        if y > 0.0 {
            return if x.is_sign_negative() && is_odd_int(y) { x } else { 0.0 };
        }
    }
    if y.is_infinite() {
        if x == -1.0 {
            return 1.0;
        }
        return if (x.abs() < 1.0) == (y > 0.0) {
            0.0
        } else {
            f64::INFINITY
        };
    }
    if x.is_infinite() {
        if x < 0.0 {
            return pow(1.0 / x, -y);
        }
        return if y < 0.0 { 0.0 } else { f64::INFINITY };
    }
    if y == 0.5 {
        return x.sqrt();
    }
    if y == -0.5 {
        return 1.0 / x.sqrt();
    }
    let ya = y.abs();
    let (mut yi, mut yf) = (ya.trunc(), ya - ya.trunc());
    if yf != 0.0 && x < 0.0 {
        return f64::NAN;
    }
    if yi >= 2f64.powi(63) {
        if x == -1.0 {
            return 1.0;
        }
        return if (x.abs() < 1.0) == (y > 0.0) {
            0.0
        } else {
            f64::INFINITY
        };
    }
    let mut a1 = 1.0;
    let mut ae: i64 = 0;
    if yf != 0.0 {
        if yf > 0.5 {
            yf -= 1.0;
            yi += 1.0;
        }
        a1 = exp(yf * log(x));
    }
    let (mut x1, mut xe) = frexp(x);
    let mut i = yi as i64;
    while i != 0 {
        if !(-(1 << 12)..=(1 << 12)).contains(&xe) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Each constant's bits against the decimal in Go's assembly source.
    #[test]
    fn constants_are_the_decimals_go_uses() {
        let pairs = [
            ("7.07106781186547524401e-01", std::f64::consts::FRAC_1_SQRT_2),
            ("6.93147180369123816490e-01", f64::from_bits(0x3fe6_2e42_fee0_0000)),
            ("1.90821492927058770002e-10", f64::from_bits(0x3dea_39ef_3579_3c76)),
            ("6.666666666666735130e-01", f64::from_bits(0x3fe5_5555_5555_5593)),
            ("3.999999999940941908e-01", f64::from_bits(0x3fd9_9999_9997_fa04)),
            ("2.857142874366239149e-01", f64::from_bits(0x3fd2_4924_9422_9359)),
            ("2.222219843214978396e-01", f64::from_bits(0x3fcc_71c5_1d8e_78af)),
            ("1.818357216161805012e-01", f64::from_bits(0x3fc7_4664_96cb_03de)),
            ("1.531383769920937332e-01", f64::from_bits(0x3fc3_9a09_d078_c69f)),
            ("1.479819860511658591e-01", f64::from_bits(0x3fc2_f112_df3e_5244)),
            ("1.4426950408889634073599246810018920", std::f64::consts::LOG2_E),
            (
                "0.69314718055966295651160180568695068359375",
                f64::from_bits(0x3fe6_2e42_fefa_3000),
            ),
            (
                "0.28235290563031577122588448175013436025525412068e-12",
                f64::from_bits(0x3d53_de6a_f278_ece6),
            ),
            ("7.09782712893384e+02", f64::from_bits(0x4086_2e42_fefa_39ef)),
            ("2.4801587301587301587e-5", f64::from_bits(0x3efa_01a0_1a01_a01a)),
            ("1.9841269841269841270e-4", f64::from_bits(0x3f2a_01a0_1a01_a01a)),
            ("1.3888888888888888889e-3", f64::from_bits(0x3f56_c16c_16c1_6c17)),
            ("8.3333333333333333333e-3", f64::from_bits(0x3f81_1111_1111_1111)),
            ("4.1666666666666666667e-2", f64::from_bits(0x3fa5_5555_5555_5555)),
            ("1.6666666666666666667e-1", f64::from_bits(0x3fc5_5555_5555_5555)),
        ];
        for (text, value) in pairs {
            assert_eq!(text.parse::<f64>().unwrap().to_bits(), value.to_bits(), "{text}");
        }
    }

    #[test]
    fn frexp_and_ldexp_invert_each_other() {
        for v in [1.0, 0.75, -3.5, 1e-310, 1e300] {
            let (f, e) = frexp(v);
            assert!((0.5..1.0).contains(&f.abs()), "{v}");
            assert_eq!(ldexp(f, e), v);
        }
    }

    #[test]
    fn special_cases_follow_go() {
        assert_eq!(pow(0.0, -1.0), f64::INFINITY);
        assert_eq!(pow(-0.0, -1.0), f64::NEG_INFINITY);
        assert!(pow(-8.0, 1.0 / 3.0).is_nan());
        assert_eq!(pow(2.0, 10.0), 1024.0);
        assert_eq!(pow(10.0, 400.0), f64::INFINITY);
        assert_eq!(log(0.0), f64::NEG_INFINITY);
        assert!(log(-1.0).is_nan());
        assert_eq!(log(1.0), 0.0);
        assert_eq!(exp(0.0), 1.0);
    }
}
