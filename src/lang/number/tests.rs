//! Pins `Number` against Terraform: `testdata/terraform.tsv` holds what
//! terraform 1.11's `terraform console` printed for each expression of
//! `testdata/exprs.txt` (regenerate with `testdata/regen.sh`). A small
//! evaluator here reads those expressions (number literals, `+ - * / %`,
//! comparisons, unary `-`, and the functions that reach `Number`) and checks
//! that `Number` prints the same text or fails with the same message.

use super::*;

const TABLE: &str = include_str!("testdata/terraform.tsv");

#[derive(Debug)]
enum V {
    Num(Number),
    Bool(bool),
    Str(String),
}

impl V {
    fn print(&self) -> String {
        match self {
            V::Num(n) => n.to_string(),
            V::Bool(b) => b.to_string(),
            V::Str(s) => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
        }
    }
}

type R = Result<V, String>;

struct P<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> P<'a> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i] == b' ' {
            self.i += 1;
        }
    }

    fn eat(&mut self, tok: &str) -> bool {
        self.ws();
        if self.s[self.i..].starts_with(tok.as_bytes()) {
            self.i += tok.len();
            true
        } else {
            false
        }
    }

    fn expr(&mut self) -> R {
        let l = self.add()?;
        for op in ["==", "!=", "<=", ">=", "<", ">"] {
            if self.eat(op) {
                let r = self.add()?;
                let (V::Num(a), V::Num(b)) = (&l, &r) else {
                    return Err("compare non-numbers".into());
                };
                return Ok(V::Bool(match op {
                    "==" => a.equals(b),
                    "!=" => !a.equals(b),
                    "<=" => a.less_or_equal(b),
                    ">=" => a.greater_or_equal(b),
                    "<" => a.less_than(b),
                    _ => a.greater_than(b),
                }));
            }
        }
        Ok(l)
    }

    fn add(&mut self) -> R {
        let mut l = self.mul()?;
        loop {
            let op = if self.eat("+") {
                Number::add
            } else if self.eat("-") {
                Number::sub
            } else {
                return Ok(l);
            };
            let r = self.mul()?;
            l = V::Num(op(&num(l)?, &num(r)?).map_err(|e| e.message)?);
        }
    }

    fn mul(&mut self) -> R {
        let mut l = self.unary()?;
        loop {
            let op = if self.eat("*") {
                Number::mul
            } else if self.eat("/") {
                Number::div
            } else if self.eat("%") {
                Number::rem
            } else {
                return Ok(l);
            };
            let r = self.unary()?;
            l = V::Num(op(&num(l)?, &num(r)?).map_err(|e| e.message)?);
        }
    }

    fn unary(&mut self) -> R {
        if self.eat("-") {
            return Ok(V::Num(num(self.unary()?)?.neg()));
        }
        self.primary()
    }

    fn primary(&mut self) -> R {
        self.ws();
        if self.eat("(") {
            let v = self.expr()?;
            assert!(self.eat(")"));
            return Ok(v);
        }
        if self.eat("\"") {
            let mut s = Vec::new();
            loop {
                let c = self.s[self.i];
                self.i += 1;
                match c {
                    b'"' => return Ok(V::Str(String::from_utf8(s).unwrap())),
                    b'\\' => {
                        s.push(self.s[self.i]);
                        self.i += 1;
                    }
                    _ => s.push(c),
                }
            }
        }
        let start = self.i;
        let c = self.s[self.i];
        if c.is_ascii_digit() {
            // An HCL number literal: digits, fraction, exponent.
            while self.i < self.s.len() && (self.s[self.i].is_ascii_digit() || self.s[self.i] == b'.') {
                self.i += 1;
            }
            if self.i < self.s.len() && matches!(self.s[self.i], b'e' | b'E') {
                self.i += 1;
                if matches!(self.s[self.i], b'+' | b'-') {
                    self.i += 1;
                }
                while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
                    self.i += 1;
                }
            }
            let lit = std::str::from_utf8(&self.s[start..self.i]).unwrap();
            return Ok(V::Num(Number::parse(lit).expect("literal")));
        }
        while self.i < self.s.len() && self.s[self.i].is_ascii_alphabetic() {
            self.i += 1;
        }
        let name = std::str::from_utf8(&self.s[start..self.i]).unwrap().to_string();
        assert!(self.eat("("), "call of {name}");
        let mut args = Vec::new();
        if !self.eat(")") {
            loop {
                args.push(self.expr()?);
                if self.eat(")") {
                    break;
                }
                assert!(self.eat(","));
            }
        }
        call(&name, args)
    }
}

fn num(v: V) -> Result<Number, String> {
    match v {
        V::Num(n) => Ok(n),
        other => Err(format!("not a number: {other:?}")),
    }
}

fn call(name: &str, mut args: Vec<V>) -> R {
    let e = |e: NumberError| e.message;
    let n = |args: &mut Vec<V>, i: usize| num(std::mem::replace(&mut args[i], V::Bool(false)));
    Ok(match name {
        "length" => match &args[0] {
            V::Str(s) => V::Num(Number::from_i64(s.chars().count() as i64)),
            _ => return Err("length".into()),
        },
        "tonumber" => match &args[0] {
            V::Str(s) => V::Num(Number::parse(s).ok_or_else(|| {
                format!(
                    "cannot convert {} to number; given string must be a decimal representation of a number",
                    functions::go_quote(s)
                )
            })?),
            _ => return Err("tonumber".into()),
        },
        "tostring" => V::Str(n(&mut args, 0)?.to_string()),
        "jsonencode" => V::Str(n(&mut args, 0)?.json_text().map_err(e)?),
        "abs" => V::Num(n(&mut args, 0)?.abs()),
        "floor" => V::Num(n(&mut args, 0)?.floor()),
        "ceil" => V::Num(n(&mut args, 0)?.ceil()),
        "signum" => V::Num(n(&mut args, 0)?.signum().map_err(e)?),
        "pow" => V::Num(n(&mut args, 0)?.pow(&n(&mut args, 1)?).map_err(e)?),
        "log" => V::Num(n(&mut args, 0)?.log(&n(&mut args, 1)?).map_err(e)?),
        "parseint" => {
            let base = n(&mut args, 1)?;
            let V::Str(s) = &args[0] else {
                return Err("parseint".into());
            };
            V::Num(Number::parse_int(s, &base).map_err(e)?)
        }
        "min" | "max" => {
            let ns = args.into_iter().map(num).collect::<Result<Vec<_>, _>>()?;
            V::Num(
                if name == "min" {
                    Number::min_of(&ns)
                } else {
                    Number::max_of(&ns)
                }
                .map_err(e)?,
            )
        }
        "format" => {
            let V::Str(spec) = &args[0] else {
                return Err("format".into());
            };
            let spec = spec.clone();
            let x = n(&mut args, 1)?;
            V::Str(format_verb(&spec, &x)?)
        }
        other => panic!("unknown function {other}"),
    })
}

/// The part of `format()` that reaches `Number`: a single verb with an
/// optional precision.
fn format_verb(spec: &str, x: &Number) -> Result<String, String> {
    let body = spec.strip_prefix('%').unwrap();
    let verb = body.chars().last().unwrap();
    let prec = body[..body.len() - 1]
        .strip_prefix('.')
        .map(|p| p.parse::<i32>().unwrap());
    match verb {
        'd' | 'b' | 'o' | 'x' | 'X' => {
            let radix = match verb {
                'd' => 10,
                'b' => 2,
                'o' => 8,
                _ => 16,
            };
            x.int_text(radix, verb == 'X')
                .ok_or_else(|| format!("unsupported value for \"{spec}\" at 0: an integer is required"))
        }
        'g' | 'G' => Ok(x.text(verb, prec.unwrap_or(-1))),
        _ => Ok(x.text(verb, prec.unwrap_or(6))),
    }
}

fn eval(expr: &str) -> R {
    let mut p = P {
        s: expr.as_bytes(),
        i: 0,
    };
    let v = p.expr()?;
    p.ws();
    assert_eq!(p.i, expr.len(), "unparsed rest of {expr}");
    Ok(v)
}

#[test]
fn matches_terraform_console() {
    let mut failures = Vec::new();
    let mut count = 0;
    for line in TABLE.lines().filter(|l| !l.is_empty()) {
        let mut cols = line.split('\t');
        let expr = cols.next().unwrap();
        let want = cols.next().unwrap();
        count += 1;
        let got = match eval(expr) {
            Ok(v) => v.print(),
            Err(msg) => format!("ERR\t{msg}"),
        };
        let want = if want == "ERR" {
            // Where terraform crashes on a NaN, aksplan says what is wrong.
            let msg = cols.next().unwrap();
            let msg = if msg == "panic in function implementation: Float.SetFloat64(NaN)" {
                "the result is not a number"
            } else {
                msg
            };
            format!("ERR\t{msg}")
        } else {
            want.to_string()
        };
        if got != want {
            failures.push(format!("{expr}\n   want {want}\n    got {got}"));
        }
    }
    assert!(count >= 300, "table has {count} rows");
    assert!(
        failures.is_empty(),
        "{} of {count} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
