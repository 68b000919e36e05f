//! The number verbs of `format` (`%b %d %o %x %X` and `%e %E %f %g %G`) as
//! cty has Go write them: through `math/big`'s `Format` methods, `big.Int`
//! for the integer verbs (any size) and `big.Float` for the others, with
//! their own rules for signs, `#` prefixes, precision and padding. The
//! digits come from `Number::text`. Must not parse format strings: that is
//! format.rs's.

use super::format::Verb;
use crate::lang::number::Number;

/// Go's `big.Float` `Format`: the digits from `Number::text`, then the sign
/// (`+` or space when asked), then padding to the width: zeros after the
/// sign under the `0` flag (which wins over `-` here), else spaces.
pub(super) fn format_float(v: &Verb, n: &Number) -> String {
    let (verb, upper) = match v.mode {
        'E' => ('e', true),
        'G' => ('g', true),
        m => (m, false),
    };
    let prec = match (v.prec, verb) {
        (Some(p), _) => p as i32,
        (None, 'g') => -1,
        (None, _) => 6,
    };
    let mut text = n.text(verb, prec);
    if upper {
        text = text.replace('e', "E");
    }
    let (sign, body) = if let Some(rest) = text.strip_prefix('-') {
        ("-", rest)
    } else if let Some(rest) = text.strip_prefix('+') {
        (if v.space { " " } else { "+" }, rest)
    } else if v.plus {
        ("+", text.as_str())
    } else if v.space {
        (" ", text.as_str())
    } else {
        ("", text.as_str())
    };
    let padding = v.width.unwrap_or(0).saturating_sub(sign.len() + body.len());
    if v.zero && !n.is_infinite() {
        format!("{sign}{}{body}", "0".repeat(padding))
    } else if v.minus {
        format!("{sign}{body}{}", " ".repeat(padding))
    } else {
        format!("{}{sign}{body}", " ".repeat(padding))
    }
}

/// Go's `big.Int` `Format` for `%b %d %o %x %X`: sign, `#` prefix
/// (`0b`, `0`, `0x`, `0X`), zeros up to the precision (nothing at all for
/// zero at precision 0), then the width: spaces on the right under `-`,
/// zeros under `0` without a precision, else spaces on the left.
pub(super) fn format_int(v: &Verb, n: &Number) -> String {
    let base = match v.mode {
        'b' => 2,
        'o' => 8,
        'd' => 10,
        _ => 16,
    };
    let decimal = n.text('f', 0);
    let (negative, magnitude) = match decimal.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, decimal.as_str()),
    };
    let mut digits = to_base(magnitude, base);
    if v.mode == 'X' {
        digits.make_ascii_uppercase();
    }
    let sign = if negative && digits != "0" {
        "-"
    } else if v.plus {
        "+"
    } else if v.space {
        " "
    } else {
        ""
    };
    let prefix = match (v.sharp, v.mode) {
        (true, 'b') => "0b",
        (true, 'o') => "0",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let mut zeros = 0;
    if let Some(p) = v.prec {
        if digits.len() < p {
            zeros = p - digits.len();
        } else if digits == "0" && p == 0 {
            return String::new();
        }
    }
    let length = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(w) = v.width.filter(|w| *w > length) {
        let d = w - length;
        if v.minus {
            right = d;
        } else if v.zero && v.prec.is_none() {
            zeros = d;
        } else {
            left = d;
        }
    }
    format!(
        "{}{sign}{prefix}{}{digits}{}",
        " ".repeat(left),
        "0".repeat(zeros),
        " ".repeat(right)
    )
}

/// A whole number written in decimal, rewritten in `base` (lowercase).
fn to_base(decimal: &str, base: u32) -> String {
    let mut num: Vec<u32> = decimal
        .trim_start_matches('0')
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|d| u32::from(d - b'0'))
        .collect();
    if num.is_empty() {
        return "0".into();
    }
    if base == 10 {
        return num.iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect();
    }
    let mut out = Vec::new();
    while !num.is_empty() {
        let mut rem = 0;
        let mut quotient = Vec::with_capacity(num.len());
        for d in &num {
            let cur = rem * 10 + d;
            let q = cur / base;
            rem = cur % base;
            if !(quotient.is_empty() && q == 0) {
                quotient.push(q);
            }
        }
        out.push(char::from_digit(rem, base).unwrap_or('0'));
        num = quotient;
    }
    out.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::to_base;

    #[test]
    fn bases() {
        assert_eq!(to_base("0", 16), "0");
        assert_eq!(to_base("255", 16), "ff");
        assert_eq!(to_base("255", 2), "11111111");
        assert_eq!(to_base("18446744073709551616", 16), "10000000000000000");
        assert_eq!(
            to_base("123456789012345678901234567890", 16),
            "18ee90ff6c373e0ee4e3f0ad2"
        );
        assert_eq!(to_base("007", 10), "7");
    }
}
