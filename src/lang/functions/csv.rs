//! `csvdecode`: CSV read as Go's encoding/csv reads it (go-cty's
//! `CSVDecodeFunc`): a header line naming the columns, then one object per
//! record with every column a string, as a list.
//!
//! Go's reader rules are kept: fields may be quoted with `""` for a quote,
//! quoted fields may span lines, `\r\n` becomes `\n`, blank lines are
//! skipped, every record must have as many fields as the header, and a
//! stray quote is an error. Pure text processing.

use super::{func, param, string_arg, FnError, FnResult, FuncContext, Function};
use crate::lang::types::Type;
use crate::lang::value::{Map, Value};

pub fn register(r: &mut Vec<Function>) {
    r.push(func(
        "csvdecode",
        vec![param("str", Type::String)],
        Type::Dynamic,
        csvdecode,
    ));
}

pub fn csvdecode(a: &[Value], _: &FuncContext) -> FnResult {
    let src = string_arg(a, 0)?;
    let mut reader = Reader::new(&src);
    let headers = match reader.record() {
        None => return Err(FnError::new("missing header line")),
        Some(Err(e)) => return Err(FnError::new(e)),
        Some(Ok((_, h))) => h,
    };
    let mut seen = std::collections::BTreeSet::new();
    for h in &headers {
        if !seen.insert(h.as_str()) {
            return Err(FnError::new(format!("duplicate column name {h:?}")));
        }
    }
    let ty = Type::object(headers.iter().map(|h| (h.clone(), Type::String)));
    let mut rows = Vec::new();
    while let Some(record) = reader.record() {
        let (line, fields) = record.map_err(FnError::new)?;
        if fields.len() != headers.len() {
            return Err(FnError::new(format!(
                "CSV parse error on line {line}: wrong number of fields"
            )));
        }
        let row: Map = headers
            .iter()
            .cloned()
            .zip(fields.into_iter().map(Value::String))
            .collect();
        rows.push(Value::Object(row));
    }
    Ok(Value::List(ty, rows))
}

/// Go's `csv.Reader` with its defaults: comma separated, no comments,
/// strict quotes.
struct Reader<'a> {
    rest: &'a str,
    /// The number of the last line read.
    line: usize,
}

/// A record's fields, with the line it starts on; or an error message.
type Record = Result<(usize, Vec<String>), String>;

impl<'a> Reader<'a> {
    fn new(src: &'a str) -> Reader<'a> {
        Reader { rest: src, line: 0 }
    }

    /// The next line with its end normalised to `\n` (a last line without
    /// one gets one; a lone `\r` before the end of input is dropped).
    fn read_line(&mut self) -> Option<String> {
        if self.rest.is_empty() {
            return None;
        }
        let (line, rest) = match self.rest.find('\n') {
            Some(i) => (&self.rest[..=i], &self.rest[i + 1..]),
            None => (self.rest, ""),
        };
        self.rest = rest;
        self.line += 1;
        let mut line = line.to_string();
        if line.ends_with("\r\n") {
            line.truncate(line.len() - 2);
            line.push('\n');
        } else if !line.ends_with('\n') {
            if line.ends_with('\r') {
                line.pop();
            }
            line.push('\n');
        }
        Some(line)
    }

    fn record(&mut self) -> Option<Record> {
        // Skip empty lines.
        let mut line = loop {
            let l = self.read_line()?;
            if l != "\n" {
                break l;
            }
        };
        let start = self.line;
        let mut fields = Vec::new();
        let mut pos = 0;
        loop {
            let here = &line[pos..];
            if !here.starts_with('"') {
                // A plain field, up to the comma or the end of the line.
                let end = here.find(',').unwrap_or(here.len() - 1);
                let field = &here[..end];
                if field.contains('"') {
                    return Some(Err(format!(
                        "CSV parse error on line {}: bare \" in non-quoted-field",
                        self.line
                    )));
                }
                fields.push(field.to_string());
                if here.as_bytes().get(end) == Some(&b',') {
                    pos += end + 1;
                    continue;
                }
                return Some(Ok((start, fields)));
            }
            // A quoted field, possibly over several lines.
            let mut field = String::new();
            pos += 1;
            loop {
                let here = &line[pos..];
                match here.find('"') {
                    Some(q) => {
                        field.push_str(&here[..q]);
                        let after = &here[q + 1..];
                        if after.starts_with('"') {
                            field.push('"');
                            pos += q + 2;
                        } else if after.starts_with(',') {
                            fields.push(std::mem::take(&mut field));
                            pos += q + 2;
                            break;
                        } else if after == "\n" {
                            fields.push(std::mem::take(&mut field));
                            return Some(Ok((start, fields)));
                        } else {
                            return Some(Err(format!(
                                "CSV parse error on line {}: extraneous or missing \" in quoted-field",
                                self.line
                            )));
                        }
                    }
                    None => {
                        field.push_str(here);
                        match self.read_line() {
                            Some(next) => {
                                line = next;
                                pos = 0;
                            }
                            None => {
                                return Some(Err(format!(
                                    "CSV parse error on line {}: extraneous or missing \" in quoted-field",
                                    self.line
                                )))
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;

    /// Expectations printed by `terraform console` (1.11.4) on this machine.
    #[test]
    fn csvdecode_as_terraform() {
        let cases = [
            (
                r#"csvdecode("a,b\n1,2\n3,4\n")"#,
                "tolist([\n  {\n    \"a\" = \"1\"\n    \"b\" = \"2\"\n  },\n  {\n    \"a\" = \"3\"\n    \"b\" = \"4\"\n  },\n])",
            ),
            (r#"csvdecode("a,b\r\n1,2\r\n")"#, "tolist([\n  {\n    \"a\" = \"1\"\n    \"b\" = \"2\"\n  },\n])"),
            (r#"csvdecode("a,b")"#, "tolist([])"),
            (
                r#"csvdecode("a,b\n\"x,\"\"y\"\"\",\"multi\r\nline\"\n\n 3 ,4\n")"#,
                "tolist([\n  {\n    \"a\" = \"x,\\\"y\\\"\"\n    \"b\" = <<-EOT\n    multi\n    line\n    EOT\n  },\n  {\n    \"a\" = \" 3 \"\n    \"b\" = \"4\"\n  },\n])",
            ),
            (r#"csvdecode("a,b\n1,2\r")"#, "tolist([\n  {\n    \"a\" = \"1\"\n    \"b\" = \"2\"\n  },\n])"),
            (r#"csvdecode("a,b\n1,2\rx\n")"#, "tolist([\n  {\n    \"a\" = \"1\"\n    \"b\" = \"2\\rx\"\n  },\n])"),
            (r#"csvdecode("\n\na,b\n\n1,2")"#, "tolist([\n  {\n    \"a\" = \"1\"\n    \"b\" = \"2\"\n  },\n])"),
            (r#"csvdecode("a\n\n")"#, "tolist([])"),
        ];
        for (src, want) in cases {
            assert_eq!(show(src), want, "{src}");
        }
        // type(csvdecode("a,b")) is list(object({a: string, b: string})).
        let ty = crate::lang::types::Type::object([
            ("a".to_string(), crate::lang::types::Type::String),
            ("b".to_string(), crate::lang::types::Type::String),
        ]);
        assert_eq!(ok(r#"csvdecode("a,b")"#).ty(), crate::lang::types::Type::list(ty));
        let errors = [
            (
                r#"csvdecode("a,b\n1,2,3\n")"#,
                "CSV parse error on line 2: wrong number of fields",
            ),
            (
                r#"csvdecode("a,b\n1\n")"#,
                "CSV parse error on line 2: wrong number of fields",
            ),
            (
                r#"csvdecode("a,b\n1,2\n3")"#,
                "CSV parse error on line 3: wrong number of fields",
            ),
            (r#"csvdecode("")"#, "missing header line"),
            (r#"csvdecode("a,a\n1,2")"#, "duplicate column name \"a\""),
            (r#"csvdecode(",\n,")"#, "duplicate column name \"\""),
            (
                r#"csvdecode("a,b\n1,x\"y\n")"#,
                "CSV parse error on line 2: bare \" in non-quoted-field",
            ),
            (
                r#"csvdecode("a,b\n\"1\"x,2\n")"#,
                "CSV parse error on line 2: extraneous or missing \" in quoted-field",
            ),
            (
                r#"csvdecode("a,b\n\"1,2\n")"#,
                "CSV parse error on line 2: extraneous or missing \" in quoted-field",
            ),
            (
                r#"csvdecode("a,b\n1,2\n\"3\n")"#,
                "CSV parse error on line 3: extraneous or missing \" in quoted-field",
            ),
        ];
        for (src, want) in errors {
            assert_eq!(eval(src).unwrap_err(), format!("csvdecode(): {want}"), "{src}");
        }
    }
}
