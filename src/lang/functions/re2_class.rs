//! The parts of Go's regular expression syntax that stand for characters,
//! written in Rust's syntax: bracketed classes (`[a-z]`, `[^\d]`,
//! `[[:alpha:]]`), the Perl classes (ASCII-only in Go: `\d` is `[0-9]`),
//! Unicode classes under Go's names only (`\pL`, `\p{Greek}`, `\P{^Lu}`;
//! Go's `C` has no unassigned code points), and single-character escapes
//! (octal, `\x..`, `\x{...}`, C escapes, escaped punctuation), each with
//! Go's error. Every literal is written escaped, so nothing in it means
//! anything special to Rust (`&&`, `~~`, `--` in classes).
//! Owns characters and classes; groups, repeats and flags are re2.rs's.

use super::re2::{err, SyntaxError, BAD_ESCAPE, BAD_RANGE, MISSING_BRACKET, TRAILING_BACKSLASH};

/// A bracketed class, from its `[` (Go's `parseClass`): the class in Rust's
/// syntax and the text after it.
pub fn bracket(s: &str) -> Result<(String, &str), SyntaxError> {
    let mut t = &s[1..];
    let mut out = String::from("[");
    if let Some(rest) = t.strip_prefix('^') {
        out.push('^');
        t = rest;
    }
    let mut first = true;
    while first || !t.starts_with(']') {
        first = false;
        if t.len() > 2 && t.starts_with("[:") {
            if let Some((class, rest)) = posix_class(t)? {
                out.push_str(&class.in_class());
                t = rest;
                continue;
            }
        }
        if let Some((class, rest)) = unicode_class(t)? {
            out.push_str(&class.in_class());
            t = rest;
            continue;
        }
        if let Some((class, rest)) = perl_class(t) {
            out.push_str(&class.in_class());
            t = rest;
            continue;
        }
        let range_start = t;
        let (lo, rest) = class_char(t, s)?;
        t = rest;
        let mut hi = lo;
        if t.len() >= 2 && t.starts_with('-') && !t[1..].starts_with(']') {
            let (h, rest) = class_char(&t[1..], s)?;
            t = rest;
            hi = h;
            if hi < lo {
                return Err(err(BAD_RANGE, &range_start[..range_start.len() - t.len()]));
            }
        }
        push_range(&mut out, lo, hi);
    }
    out.push(']');
    Ok((out, &t[1..]))
}

/// What never matches, for surrogate code points and classes of them.
pub(super) const NOTHING: &str = r"[^\x{0}-\x{10FFFF}]";

pub(super) fn literal(c: char) -> String {
    if c.is_control() {
        format!(r"\x{{{:X}}}", c as u32)
    } else {
        regex::escape(c.encode_utf8(&mut [0; 4]))
    }
}

/// Adds `lo-hi` to a class, leaving out surrogate code points.
fn push_range(out: &mut String, lo: u32, hi: u32) {
    let (lo, hi) = match (lo, hi) {
        (0xD800..=0xDFFF, _) => (0xE000, hi),
        (_, 0xD800..=0xDFFF) => (lo, 0xD7FF),
        r => r,
    };
    if lo > hi {
        return;
    }
    out.push_str(&format!(r"\x{{{lo:X}}}"));
    if hi != lo {
        out.push_str(&format!(r"-\x{{{hi:X}}}"));
    }
}

/// A character class in Rust's syntax, and whether it is negated.
pub(super) struct Class {
    negated: bool,
    /// Items for inside `[...]`.
    items: String,
}

impl Class {
    pub(super) fn standalone(&self) -> String {
        format!("[{}{}]", if self.negated { "^" } else { "" }, self.items)
    }

    fn in_class(&self) -> String {
        if self.negated {
            self.standalone()
        } else {
            self.items.clone()
        }
    }
}

fn ascii_class(negated: bool, items: &str) -> Class {
    Class {
        negated,
        items: items.to_string(),
    }
}

/// `\d \D \s \S \w \W`: ASCII in Go.
pub(super) fn perl_class(t: &str) -> Option<(Class, &str)> {
    let c = t.strip_prefix('\\')?.chars().next()?;
    let items = match c.to_ascii_lowercase() {
        'd' => "0-9",
        's' => r"\t\n\x0C\r ",
        'w' => "0-9A-Za-z_",
        _ => return None,
    };
    Some((ascii_class(c.is_ascii_uppercase(), items), &t[2..]))
}

/// `[:alpha:]` and the like, inside a class (Go's `parseNamedClass`).
fn posix_class(t: &str) -> Result<Option<(Class, &str)>, SyntaxError> {
    let Some(i) = t[2..].find(":]") else {
        return Ok(None);
    };
    let name = &t[..i + 4];
    let (negated, base) = match name[2..name.len() - 2].strip_prefix('^') {
        Some(b) => (true, b),
        None => (false, &name[2..name.len() - 2]),
    };
    let items = match base {
        "alnum" => "0-9A-Za-z",
        "alpha" => "A-Za-z",
        "ascii" => r"\x00-\x7F",
        "blank" => r"\t ",
        "cntrl" => r"\x00-\x1F\x7F",
        "digit" => "0-9",
        "graph" => r"!-~",
        "lower" => "a-z",
        "print" => r" -~",
        "punct" => r"!-/:-@\[-`\{-~",
        "space" => r"\t\n\x0B\x0C\r ",
        "upper" => "A-Z",
        "word" => "0-9A-Za-z_",
        "xdigit" => "0-9A-Fa-f",
        _ => return Err(err(BAD_RANGE, name)),
    };
    Ok(Some((ascii_class(negated, items), &t[i + 4..])))
}

/// `\pL`, `\p{Greek}`, `\P{^Lu}` (Go's `parseUnicodeClass`): only Go's
/// names, and Go's meaning of `C` (no unassigned code points).
pub(super) fn unicode_class(t: &str) -> Result<Option<(Class, &str)>, SyntaxError> {
    let negated = match t.get(..2) {
        Some(r"\p") => false,
        Some(r"\P") => true,
        _ => return Ok(None),
    };
    let after = &t[2..];
    let (seq, name, rest) = match after.chars().next() {
        Some('{') => {
            let Some(end) = t.find('}') else {
                return Err(err(BAD_RANGE, t));
            };
            (&t[..=end], &t[3..end], &t[end + 1..])
        }
        Some(c) => {
            let len = 2 + c.len_utf8();
            (&t[..len], &t[2..len], &t[len..])
        }
        None => (t, "", ""),
    };
    let (negated, name) = match name.strip_prefix('^') {
        Some(n) => (!negated, n),
        None => (negated, name),
    };
    let items = if name == "Any" {
        r"\x{0}-\x{10FFFF}".to_string()
    } else if name == "C" {
        r"\p{Cc}\p{Cf}\p{Co}".to_string()
    } else if name == "Cs" {
        // Surrogates: never in text.
        return Ok(Some((
            Class {
                negated: !negated,
                items: r"\x{0}-\x{10FFFF}".into(),
            },
            rest,
        )));
    } else if CATEGORIES.contains(&name) {
        format!(r"\p{{gc={name}}}")
    } else if SCRIPTS.contains(&name) {
        format!(r"\p{{sc={name}}}")
    } else {
        return Err(err(BAD_RANGE, seq));
    };
    Ok(Some((Class { negated, items }, rest)))
}

/// One character of a class, escaped or not.
fn class_char<'a>(t: &'a str, whole_class: &str) -> Result<(u32, &'a str), SyntaxError> {
    match t.chars().next() {
        None => Err(err(MISSING_BRACKET, whole_class)),
        Some('\\') => parse_escape(t),
        Some(c) => Ok((c as u32, &t[c.len_utf8()..])),
    }
}

/// A single-character escape (Go's `parseEscape`): punctuation, octal,
/// `\x..`, `\x{...}` and the C escapes `\a \f \n \r \t \v`.
pub(super) fn parse_escape(s: &str) -> Result<(u32, &str), SyntaxError> {
    let t = &s[1..];
    let Some(c) = t.chars().next() else {
        return Err(err(TRAILING_BACKSLASH, ""));
    };
    let mut t = &t[c.len_utf8()..];
    let bad = |t: &str| Err(err(BAD_ESCAPE, &s[..s.len() - t.len()]));
    let octal = |t: &str| t.starts_with(|d: char| ('0'..='7').contains(&d));
    match c {
        '1'..='7' if !octal(t) => bad(t),
        '0'..='7' => {
            let mut r = c as u32 - '0' as u32;
            for _ in 1..3 {
                if !octal(t) {
                    break;
                }
                r = r * 8 + (t.as_bytes()[0] - b'0') as u32;
                t = &t[1..];
            }
            Ok((r, t))
        }
        'x' => {
            let Some(c) = t.chars().next() else {
                return bad(t);
            };
            t = &t[c.len_utf8()..];
            if c == '{' {
                let mut r: u32 = 0;
                let mut digits = 0;
                loop {
                    let Some(c) = t.chars().next() else {
                        return bad(t);
                    };
                    t = &t[c.len_utf8()..];
                    if c == '}' {
                        break;
                    }
                    let Some(v) = c.to_digit(16) else {
                        return bad(t);
                    };
                    r = r * 16 + v;
                    if r > 0x10FFFF {
                        return bad(t);
                    }
                    digits += 1;
                }
                if digits == 0 {
                    return bad(t);
                }
                return Ok((r, t));
            }
            let x = c.to_digit(16);
            let Some(c2) = t.chars().next() else {
                return bad(t);
            };
            t = &t[c2.len_utf8()..];
            match (x, c2.to_digit(16)) {
                (Some(x), Some(y)) => Ok((x * 16 + y, t)),
                _ => bad(t),
            }
        }
        'a' => Ok((0x07, t)),
        'f' => Ok((0x0C, t)),
        'n' => Ok(('\n' as u32, t)),
        'r' => Ok(('\r' as u32, t)),
        't' => Ok(('\t' as u32, t)),
        'v' => Ok((0x0B, t)),
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok((c as u32, t)),
        _ => bad(t),
    }
}

/// Go 1.23's `unicode.Categories` (no `Cn`, no `LC`, no long names).
#[rustfmt::skip]
const CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No", "P",
    "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
];

/// Go 1.23's `unicode.Scripts`: the script names of Unicode 15.0's Scripts.txt.
#[rustfmt::skip]
const SCRIPTS: &[&str] = &[
    "Adlam", "Ahom", "Anatolian_Hieroglyphs", "Arabic", "Armenian", "Avestan", "Balinese", "Bamum", "Bassa_Vah",
    "Batak", "Bengali", "Bhaiksuki", "Bopomofo", "Brahmi", "Braille", "Buginese", "Buhid", "Canadian_Aboriginal",
    "Carian", "Caucasian_Albanian", "Chakma", "Cham", "Cherokee", "Chorasmian", "Common", "Coptic", "Cuneiform",
    "Cypriot", "Cypro_Minoan", "Cyrillic", "Deseret", "Devanagari", "Dives_Akuru", "Dogra", "Duployan",
    "Egyptian_Hieroglyphs", "Elbasan", "Elymaic", "Ethiopic", "Georgian", "Glagolitic", "Gothic", "Grantha", "Greek",
    "Gujarati", "Gunjala_Gondi", "Gurmukhi", "Han", "Hangul", "Hanifi_Rohingya", "Hanunoo", "Hatran", "Hebrew",
    "Hiragana", "Imperial_Aramaic", "Inherited", "Inscriptional_Pahlavi", "Inscriptional_Parthian", "Javanese",
    "Kaithi", "Kannada", "Katakana", "Kawi", "Kayah_Li", "Kharoshthi", "Khitan_Small_Script", "Khmer", "Khojki",
    "Khudawadi", "Lao", "Latin", "Lepcha", "Limbu", "Linear_A", "Linear_B", "Lisu", "Lycian", "Lydian", "Mahajani",
    "Makasar", "Malayalam", "Mandaic", "Manichaean", "Marchen", "Masaram_Gondi", "Medefaidrin", "Meetei_Mayek",
    "Mende_Kikakui", "Meroitic_Cursive", "Meroitic_Hieroglyphs", "Miao", "Modi", "Mongolian", "Mro", "Multani",
    "Myanmar", "Nabataean", "Nag_Mundari", "Nandinagari", "New_Tai_Lue", "Newa", "Nko", "Nushu",
    "Nyiakeng_Puachue_Hmong", "Ogham", "Ol_Chiki", "Old_Hungarian", "Old_Italic", "Old_North_Arabian", "Old_Permic",
    "Old_Persian", "Old_Sogdian", "Old_South_Arabian", "Old_Turkic", "Old_Uyghur", "Oriya", "Osage", "Osmanya",
    "Pahawh_Hmong", "Palmyrene", "Pau_Cin_Hau", "Phags_Pa", "Phoenician", "Psalter_Pahlavi", "Rejang", "Runic",
    "Samaritan", "Saurashtra", "Sharada", "Shavian", "Siddham", "SignWriting", "Sinhala", "Sogdian", "Sora_Sompeng",
    "Soyombo", "Sundanese", "Syloti_Nagri", "Syriac", "Tagalog", "Tagbanwa", "Tai_Le", "Tai_Tham", "Tai_Viet",
    "Takri", "Tamil", "Tangsa", "Tangut", "Telugu", "Thaana", "Thai", "Tibetan", "Tifinagh", "Tirhuta", "Toto",
    "Ugaritic", "Vai", "Vithkuqi", "Wancho", "Warang_Citi", "Yezidi", "Yi", "Zanabazar_Square",
];
