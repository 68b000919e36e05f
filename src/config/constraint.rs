//! Version numbers and version constraints, as Terraform reads them.
//!
//! Owns the syntax and meaning of a `version = "~> 1.2"` argument (module
//! blocks; `required_version` later): parsing with errors at their byte range,
//! ordering of versions, and whether a version meets a constraint, with
//! Terraform's rules for pre-releases. Pure: no I/O, no diagnostics (callers
//! turn a [`ConstraintError`] into one at the string's place).
//!
//! Terraform uses hashicorp/go-version here, whose rules are followed:
//! - a version is `MAJOR[.MINOR[.PATCH[...]]]`, an optional `v`, a pre-release
//!   after `-` and build metadata after `+`; missing parts count as zero;
//! - a constraint is a comma-separated list of `OP VERSION`, all of which must
//!   hold, with OP one of `=` (or none), `!=`, `>`, `>=`, `<`, `<=`, `~>`;
//! - `~> 1.2` allows `>= 1.2, < 2.0`, `~> 1.2.3` allows `>= 1.2.3, < 1.3.0`;
//! - a pre-release version meets `>`, `>=`, `<`, `<=` and `~>` only when the
//!   constraint's version is a pre-release of the same MAJOR.MINOR.PATCH.
//!
//! The module installer adds one more rule ([`Constraints::selects_prerelease`]).

use std::cmp::Ordering;
use std::fmt;
use std::ops::Range;

/// A version number: numeric segments (at least three), pre-release, metadata.
#[derive(Debug, Clone)]
pub struct Version {
    segments: Vec<u64>,
    /// How many segments were written (`1.2` has 2, padded to `1.2.0`).
    written: usize,
    pre: String,
    meta: String,
}

/// Why a version or a constraint does not parse, and where in the string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstraintError {
    pub message: String,
    /// Byte range in the parsed string.
    pub range: Range<usize>,
}

impl fmt::Display for ConstraintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConstraintError {}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '~'
}

/// Dot-separated identifiers of `[0-9A-Za-z-~]`, none empty.
fn valid_idents(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(|p| !p.is_empty() && p.chars().all(is_ident_char))
}

impl Version {
    /// Parses a version as go-version's `NewVersion` does.
    pub fn parse(text: &str) -> Result<Version, ConstraintError> {
        let bad = || ConstraintError {
            message: format!("Malformed version: {text}"),
            range: 0..text.len(),
        };
        let body = text.strip_prefix('v').unwrap_or(text);
        let (body, meta) = match body.split_once('+') {
            Some((b, m)) if valid_idents(m) => (b, m),
            Some(_) => return Err(bad()),
            None => (body, ""),
        };
        // The numeric part runs up to the first character that is neither a digit
        // nor a dot followed by a digit.
        let bytes = body.as_bytes();
        let mut end = 0;
        while end < bytes.len() {
            if bytes[end].is_ascii_digit() || (bytes[end] == b'.' && bytes.get(end + 1).is_some_and(u8::is_ascii_digit))
            {
                end += 1;
            } else {
                break;
            }
        }
        let (nums, rest) = body.split_at(end);
        if nums.is_empty() || !nums.as_bytes()[0].is_ascii_digit() {
            return Err(bad());
        }
        let pre = if rest.is_empty() {
            ""
        } else if let Some(p) = rest.strip_prefix('-') {
            // `-` then either digits first, or letters first.
            if !valid_idents(p) {
                return Err(bad());
            }
            p
        } else if rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '~') && valid_idents(rest) {
            // go-version also takes `1.0beta` (no dash) for a pre-release starting with a letter.
            rest
        } else {
            return Err(bad());
        };
        let mut segments = Vec::new();
        for part in nums.split('.') {
            let n: u64 = part.parse().map_err(|_| ConstraintError {
                message: format!("Error parsing version: segment {part} of {text} is out of range"),
                range: 0..text.len(),
            })?;
            segments.push(n);
        }
        let written = segments.len();
        while segments.len() < 3 {
            segments.push(0);
        }
        Ok(Version {
            segments,
            written,
            pre: pre.to_string(),
            meta: meta.to_string(),
        })
    }

    pub fn prerelease(&self) -> &str {
        &self.pre
    }

    pub fn metadata(&self) -> &str {
        &self.meta
    }

    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }

    fn segments_equal(&self, other: &Version) -> bool {
        self.segments == other.segments
    }
}

/// Versions as go-version orders them: by segments (trailing zeros do not
/// count), then a release after its pre-releases; metadata is ignored.
impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        if self.segments_equal(other) {
            return match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prereleases(&self.pre, &other.pre),
            };
        }
        let n = self.segments.len().max(other.segments.len());
        for i in 0..n {
            let a = self.segments.get(i).copied().unwrap_or(0);
            let b = other.segments.get(i).copied().unwrap_or(0);
            match a.cmp(&b) {
                Ordering::Equal => continue,
                o => return o,
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Version) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

/// Dot-separated pre-release parts, compared one by one: numbers below
/// words, numbers by value, words by bytes; a missing part is below a number
/// and above a word (go-version's rule, which differs from SemVer's).
fn compare_prereleases(a: &str, b: &str) -> Ordering {
    let (pa, pb): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for i in 0..pa.len().max(pb.len()) {
        let x = pa.get(i).copied().unwrap_or("");
        let y = pb.get(i).copied().unwrap_or("");
        let o = compare_part(x, y);
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

fn compare_part(x: &str, y: &str) -> Ordering {
    if x == y {
        return Ordering::Equal;
    }
    let (xn, yn) = (x.parse::<i64>().ok(), y.parse::<i64>().ok());
    if x.is_empty() {
        return if yn.is_some() {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    if y.is_empty() {
        return if xn.is_some() {
            Ordering::Greater
        } else {
            Ordering::Less
        };
    }
    match (xn, yn) {
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => x.cmp(y),
        (Some(a), Some(b)) => {
            if a > b {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

/// go-version prints every segment (at least three), then `-pre` and `+meta`.
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nums: Vec<String> = self.segments.iter().map(u64::to_string).collect();
        f.write_str(&nums.join("."))?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.meta.is_empty() {
            write!(f, "+{}", self.meta)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    /// `~>`: at least this version, changing only the last segment written.
    Pessimistic,
}

/// One `OP VERSION` of a constraint.
#[derive(Debug, Clone)]
pub struct Constraint {
    pub op: Op,
    pub version: Version,
    /// Where it is in the parsed string.
    pub range: Range<usize>,
    /// As written, with its surrounding spaces.
    text: String,
}

/// A comma-separated list of constraints, all of which must hold.
#[derive(Debug, Clone, Default)]
pub struct Constraints {
    pub list: Vec<Constraint>,
}

/// go-version's `\s`: the ASCII spaces RE2 knows.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

impl Constraints {
    /// Parses `">= 1.2, < 2.0"`. The error's range is the part that is wrong.
    pub fn parse(text: &str) -> Result<Constraints, ConstraintError> {
        let mut list = Vec::new();
        let mut start = 0;
        for part in text.split(',') {
            let range = start..start + part.len();
            start += part.len() + 1;
            list.push(parse_one(part, range)?);
        }
        Ok(Constraints { list })
    }

    /// Whether every constraint holds for `v`.
    pub fn check(&self, v: &Version) -> bool {
        self.list.iter().all(|c| c.check(v))
    }

    /// Whether the module installer may pick the pre-release `v` at all.
    ///
    /// Terraform offers a registry module's pre-release only when the
    /// constraint asks for exactly that version, as one selection written
    /// `1.0.0-beta` or `=1.0.0-beta` (no space after `=`, no comma, no other
    /// operator, no `v`): it re-reads the constraint with the stricter syntax
    /// of apparentlymart/go-versions and skips the pre-release when that fails.
    /// A release is always eligible.
    pub fn selects_prerelease(&self, v: &Version) -> bool {
        if !v.is_prerelease() {
            return true;
        }
        let [only] = self.list.as_slice() else {
            return false;
        };
        let text = only.text.trim_matches(is_space);
        let exact = text.strip_prefix('=').unwrap_or(text);
        if exact.starts_with(|c: char| !c.is_ascii_digit()) || exact.contains(is_space) {
            return false;
        }
        match Version::parse(exact) {
            // At most three numbers, and the same version, metadata included.
            Ok(want) => {
                want.written <= 3
                    && want.segments == v.segments
                    && want.pre == v.pre
                    && want.meta == v.meta
                    && only.check(v)
            }
            Err(_) => false,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// The constraint as written (comma-joined parts, each with its spaces), as
/// go-version prints it.
impl fmt::Display for Constraints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<&str> = self.list.iter().map(|c| c.text.as_str()).collect();
        f.write_str(&parts.join(","))
    }
}

impl Constraints {
    /// The constraint as `terraform providers` prints a provider's: each
    /// part as `OP VERSION` with the version's three numbers (`>= 3.0`
    /// is `>= 3.0.0`), except `~>`, whose written precision is its meaning.
    pub fn provider_string(&self) -> String {
        let parts: Vec<String> = self
            .list
            .iter()
            .map(|c| {
                let v = &c.version;
                let shown = if c.op == Op::Pessimistic {
                    v.written
                } else {
                    3.max(v.written)
                };
                let mut text = v.segments[..shown.min(v.segments.len())]
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(".");
                if !v.pre.is_empty() {
                    text = format!("{text}-{}", v.pre);
                }
                let op = match c.op {
                    Op::Eq => "=",
                    Op::Ne => "!=",
                    Op::Gt => ">",
                    Op::Ge => ">=",
                    Op::Lt => "<",
                    Op::Le => "<=",
                    Op::Pessimistic => "~>",
                };
                format!("{op} {text}")
            })
            .collect();
        parts.join(", ")
    }
}

fn parse_one(part: &str, range: Range<usize>) -> Result<Constraint, ConstraintError> {
    // Errors point at the part without its surrounding spaces.
    let lead = part.len() - part.trim_start_matches(is_space).len();
    let text_len = part.trim_matches(is_space).len();
    let at = range.start + lead..range.start + lead + text_len;
    let malformed = |message: String| ConstraintError {
        message,
        range: at.clone(),
    };
    let trimmed = part.trim_start_matches(is_space);
    let ops = [
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("!=", Op::Ne),
        ("~>", Op::Pessimistic),
        ("=", Op::Eq),
        (">", Op::Gt),
        ("<", Op::Lt),
    ];
    let (op, rest) = ops
        .iter()
        .find_map(|(s, op)| trimmed.strip_prefix(s).map(|r| (*op, r)))
        .unwrap_or((Op::Eq, trimmed));
    let version_text = rest.trim_matches(is_space);
    if version_text.is_empty() {
        return Err(malformed(format!("Malformed constraint: {}", part.trim())));
    }
    let version = Version::parse(version_text).map_err(|_| {
        malformed(format!(
            "Malformed constraint: {} ({version_text:?} is not a version)",
            part.trim()
        ))
    })?;
    Ok(Constraint {
        op,
        version,
        range,
        text: part.to_string(),
    })
}

impl Constraint {
    pub fn check(&self, v: &Version) -> bool {
        let c = &self.version;
        match self.op {
            Op::Eq => v == c,
            Op::Ne => v != c,
            Op::Gt => prerelease_check(v, c) && v > c,
            Op::Ge => prerelease_check(v, c) && v >= c,
            Op::Lt => prerelease_check(v, c) && v < c,
            Op::Le => prerelease_check(v, c) && v <= c,
            Op::Pessimistic => pessimistic(v, c),
        }
    }
}

/// A pre-release meets an inequality only against a pre-release of the same
/// segments; a release meets it against anything.
fn prerelease_check(v: &Version, c: &Version) -> bool {
    match (v.is_prerelease(), c.is_prerelease()) {
        (true, true) => v.segments_equal(c),
        (true, false) => false,
        _ => true,
    }
}

fn pessimistic(v: &Version, c: &Version) -> bool {
    if !prerelease_check(v, c) || (c.is_prerelease() && !v.is_prerelease()) {
        return false;
    }
    if v < c {
        return false;
    }
    let n = c.segments.len();
    if n > v.segments.len() {
        return false;
    }
    // Every written segment but the last must be equal...
    for i in 0..c.written.saturating_sub(1) {
        if v.segments[i] != c.segments[i] {
            return false;
        }
    }
    // ...and the last segment (of the padded form) must not go down.
    c.segments[n - 1] <= v.segments[n - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    fn allows(c: &str, ver: &str) -> bool {
        Constraints::parse(c).unwrap().check(&v(ver))
    }

    #[test]
    fn versions_parse_and_print_as_go_version_does() {
        assert_eq!(v("1.2").to_string(), "1.2.0");
        assert_eq!(v("v1.2.3").to_string(), "1.2.3");
        assert_eq!(v("1.2.3-beta.1+build.5").to_string(), "1.2.3-beta.1+build.5");
        assert_eq!(v("1.2.3.4").to_string(), "1.2.3.4");
        assert_eq!(v("1.0beta").prerelease(), "beta");
        assert_eq!(v("1.0.0-rc1").prerelease(), "rc1");
        for bad in [
            "", "x", "1.", ".1", "1..2", "1.2.3-", "1.2.3+", "1.2.3 ", "1.2.3_a", "-1",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn versions_order_by_segments_then_prerelease() {
        assert!(v("1.2.10") > v("1.2.9"));
        assert!(v("1.2.0") == v("1.2"));
        assert!(v("1.2.0.0") == v("1.2.0"));
        assert!(v("1.2.0.1") > v("1.2.0"));
        assert!(v("1.0.0") > v("1.0.0-rc1"));
        assert!(v("1.0.0-beta.2") < v("1.0.0-beta.10"));
        assert!(v("1.0.0-alpha") < v("1.0.0-beta"));
        // go-version: a number is below a word; a missing part is below a number, above a word.
        assert!(v("1.0.0-1") < v("1.0.0-a"));
        assert!(v("1.0.0-beta") < v("1.0.0-beta.1"));
        assert!(v("1.0.0-beta") > v("1.0.0-beta.x"));
        assert!(v("1.0.0+a") == v("1.0.0+b"));
    }

    #[test]
    fn operators_mean_what_terraform_means() {
        assert!(allows("1.2.3", "1.2.3"));
        assert!(allows("= 1.2.3", "1.2.3"));
        assert!(!allows("=1.2.3", "1.2.4"));
        assert!(allows("!= 1.2.0", "1.2.1"));
        assert!(!allows("!= 1.2.0", "1.2.0"));
        assert!(allows("> 1.2", "1.2.1"));
        assert!(!allows(">1.2", "1.2.0"));
        assert!(allows(">= 1.2", "1.2.0"));
        assert!(allows("< 2", "1.99.0"));
        assert!(!allows("< 2", "2.0.0"));
        assert!(allows("<= 2.0", "2.0.0"));
        assert!(allows(">= 1.0, < 2.0", "1.5.0"));
        assert!(!allows(">= 1.0, < 2.0", "2.0.0"));
        assert!(allows("  >=1.0 ,<2.0  ", "1.0.0"));
    }

    #[test]
    fn pessimistic_moves_only_the_last_written_segment() {
        assert!(allows("~> 1.2", "1.2.0"));
        assert!(allows("~> 1.2", "1.9.7"));
        assert!(!allows("~> 1.2", "2.0.0"));
        assert!(!allows("~> 1.2", "1.1.9"));
        assert!(allows("~> 1.2.3", "1.2.9"));
        assert!(!allows("~> 1.2.3", "1.3.0"));
        assert!(!allows("~> 1.2.3", "1.2.2"));
        // go-version: `~> 1` allows any version from 1.0.0 on.
        assert!(allows("~> 1", "3.0.0"));
        assert!(allows("~> 1.0", "1.0.0"));
    }

    #[test]
    fn prereleases_meet_inequalities_only_against_their_own_prerelease() {
        assert!(!allows(">= 1.0.0", "1.1.0-beta"));
        assert!(!allows("~> 1.0", "1.1.0-beta"));
        assert!(allows(">= 1.1.0-alpha", "1.1.0-beta"));
        assert!(!allows(">= 1.0.0-alpha", "1.1.0-beta"));
        assert!(allows("= 1.1.0-beta", "1.1.0-beta"));
        assert!(allows("~> 1.1.0-alpha", "1.1.0-beta"));
        assert!(!allows("~> 1.1.0-alpha", "1.1.0"));
        assert!(allows(">= 1.0.0-beta", "1.0.0"));
    }

    #[test]
    fn the_installer_picks_a_prerelease_only_when_asked_for_exactly() {
        let sel = |c: &str, ver: &str| Constraints::parse(c).unwrap().selects_prerelease(&v(ver));
        assert!(sel("1.1.0-beta", "1.1.0-beta"));
        assert!(sel("=1.1.0-beta", "1.1.0-beta"));
        assert!(sel(" =1.1.0-beta ", "1.1.0-beta"));
        assert!(!sel("= 1.1.0-beta", "1.1.0-beta"));
        assert!(!sel(">= 1.1.0-alpha", "1.1.0-beta"));
        assert!(!sel("1.1.0-beta, < 2", "1.1.0-beta"));
        assert!(!sel("v1.1.0-beta", "1.1.0-beta"));
        assert!(!sel("1.1.0-alpha", "1.1.0-beta"));
        assert!(!Constraints::default().selects_prerelease(&v("1.0.0-rc1")));
        assert!(Constraints::default().selects_prerelease(&v("1.0.0")));
    }

    #[test]
    fn parse_errors_name_the_part_and_its_place() {
        let e = Constraints::parse(">= 1.0, ~>").unwrap_err();
        assert_eq!(e.range, 8..10);
        assert!(e.message.contains("Malformed constraint"), "{}", e.message);
        let e = Constraints::parse("=> 1.0").unwrap_err();
        assert_eq!(e.range, 0..6);
        let e = Constraints::parse("1.0,").unwrap_err();
        assert_eq!(e.range, 4..4);
        assert!(Constraints::parse("").is_err());
        assert!(Constraints::parse(">= 1.0.0 < 2").is_err());
        assert!(Constraints::parse("^1.0").is_err());
    }

    #[test]
    fn constraints_print_as_written() {
        assert_eq!(Constraints::parse(">= 1.0, < 2").unwrap().to_string(), ">= 1.0, < 2");
    }
}
