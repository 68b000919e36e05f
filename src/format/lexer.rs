//! HCL's tokens, as the formatter needs them: every byte of the source
//! belongs to one token or to the spaces before one, so that joining the
//! tokens back gives the source again with only spacing changed.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Newline,
    /// `# ...` and `// ...` include their newline; `/* ... */` does not.
    Comment,
    Ident,
    Number,
    /// `"` opening and closing a quoted template.
    OQuote,
    CQuote,
    /// Literal text of a quoted template.
    QuotedLit,
    /// `<<EOT` or `<<-EOT` with its newline.
    OHeredoc,
    /// A heredoc's literal text, one line at a time, newline included.
    StringLit,
    /// A heredoc's closing marker, with the spaces before it.
    CHeredoc,
    /// `${` or `${~`.
    TemplateInterp,
    /// `%{` or `%{~`.
    TemplateControl,
    /// `}` or `~}` closing an interpolation or a directive.
    TemplateSeqEnd,
    OBrace,
    CBrace,
    OBrack,
    CBrack,
    OParen,
    CParen,
    Comma,
    Dot,
    Ellipsis,
    Colon,
    DoubleColon,
    Question,
    Equal,
    FatArrow,
    EqualOp,
    NotEqual,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Bang,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    /// Anything else, kept as it is.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub text: String,
    pub spaces_before: usize,
}

impl Token {
    pub fn new(kind: Kind, text: &str) -> Token {
        Token {
            kind,
            text: text.to_string(),
            spaces_before: 0,
        }
    }

    /// +1 for what opens a bracket, -1 for what closes one.
    pub fn bracket_change(&self) -> i32 {
        match self.kind {
            Kind::OBrace | Kind::OBrack | Kind::OParen | Kind::TemplateInterp | Kind::TemplateControl => 1,
            Kind::CBrace | Kind::CBrack | Kind::CParen | Kind::TemplateSeqEnd => -1,
            _ => 0,
        }
    }

    /// Whether the token ends a line.
    pub fn ends_line(&self) -> bool {
        self.kind == Kind::Newline || (self.kind == Kind::Comment && self.text.ends_with('\n'))
    }
}

/// What an open `{` or `${` is, to know what its `}` closes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Open {
    Brace,
    Interp,
}

/// Where a template's literal text is being read.
#[derive(Debug, Clone)]
enum Template {
    Quoted,
    Heredoc { marker: String },
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    tokens: Vec<Token>,
    /// Open braces and interpolations of the expressions being read.
    opens: Vec<Open>,
    /// The templates the interpolations are in, innermost last.
    templates: Vec<Template>,
    spaces: usize,
}

pub fn tokens(src: &str) -> Vec<Token> {
    let mut l = Lexer {
        src,
        pos: 0,
        tokens: Vec::new(),
        opens: Vec::new(),
        templates: Vec::new(),
        spaces: 0,
    };
    l.run();
    l.tokens
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        &self.src[self.pos..]
    }

    fn push(&mut self, kind: Kind, len: usize) {
        let text = &self.src[self.pos..self.pos + len];
        self.tokens.push(Token {
            kind,
            text: text.to_string(),
            spaces_before: std::mem::take(&mut self.spaces),
        });
        self.pos += len;
    }

    fn run(&mut self) {
        while self.pos < self.src.len() {
            let r = self.rest();
            let c = r.chars().next().unwrap_or(' ');
            if c == ' ' || c == '\t' {
                self.spaces += 1;
                self.pos += 1;
                continue;
            }
            if r.starts_with("\r\n") {
                self.push(Kind::Newline, 2);
                continue;
            }
            if c == '\n' {
                self.push(Kind::Newline, 1);
                continue;
            }
            if c == '#' || r.starts_with("//") {
                let len = r.find('\n').map_or(r.len(), |i| i + 1);
                self.push(Kind::Comment, len);
                continue;
            }
            if let Some(body) = r.strip_prefix("/*") {
                let len = body.find("*/").map_or(r.len(), |i| i + 4);
                self.push(Kind::Comment, len);
                continue;
            }
            if c == '"' {
                self.push(Kind::OQuote, 1);
                self.templates.push(Template::Quoted);
                self.template();
                continue;
            }
            if r.starts_with("<<") {
                if let Some(len) = self.heredoc_open() {
                    let marker = self.src[self.pos..self.pos + len]
                        .trim_start_matches("<<")
                        .trim_start_matches('-')
                        .trim_end()
                        .to_string();
                    self.push(Kind::OHeredoc, len);
                    self.templates.push(Template::Heredoc { marker });
                    self.template();
                    continue;
                }
            }
            if is_ident_start(c) {
                let len = r
                    .char_indices()
                    .find(|(_, ch)| !(is_ident_continue(*ch) || *ch == '-'))
                    .map_or(r.len(), |(i, _)| i);
                self.push(Kind::Ident, len);
                continue;
            }
            if c.is_ascii_digit() {
                self.push(Kind::Number, number_len(r));
                continue;
            }
            if r.starts_with("~}") && self.opens.last() == Some(&Open::Interp) {
                self.opens.pop();
                self.push(Kind::TemplateSeqEnd, 2);
                self.template();
                continue;
            }
            let (kind, len) = match () {
                _ if r.starts_with("...") => (Kind::Ellipsis, 3),
                _ if r.starts_with("::") => (Kind::DoubleColon, 2),
                _ if r.starts_with("==") => (Kind::EqualOp, 2),
                _ if r.starts_with("!=") => (Kind::NotEqual, 2),
                _ if r.starts_with("<=") => (Kind::Le, 2),
                _ if r.starts_with(">=") => (Kind::Ge, 2),
                _ if r.starts_with("&&") => (Kind::And, 2),
                _ if r.starts_with("||") => (Kind::Or, 2),
                _ if r.starts_with("=>") => (Kind::FatArrow, 2),
                _ => (
                    match c {
                        '{' => Kind::OBrace,
                        '}' => Kind::CBrace,
                        '[' => Kind::OBrack,
                        ']' => Kind::CBrack,
                        '(' => Kind::OParen,
                        ')' => Kind::CParen,
                        ',' => Kind::Comma,
                        '.' => Kind::Dot,
                        ':' => Kind::Colon,
                        '?' => Kind::Question,
                        '=' => Kind::Equal,
                        '<' => Kind::Lt,
                        '>' => Kind::Gt,
                        '!' => Kind::Bang,
                        '+' => Kind::Plus,
                        '-' => Kind::Minus,
                        '*' => Kind::Star,
                        '/' => Kind::Slash,
                        '%' => Kind::Percent,
                        _ => Kind::Other,
                    },
                    c.len_utf8(),
                ),
            };
            match kind {
                Kind::OBrace => self.opens.push(Open::Brace),
                // A `}` closes what was opened last: an interpolation ends its template part.
                Kind::CBrace if self.opens.pop() == Some(Open::Interp) => {
                    self.push(Kind::TemplateSeqEnd, 1);
                    self.template();
                    continue;
                }
                _ => {}
            }
            self.push(kind, len);
        }
    }

    /// The length of `<<EOT\n` or `<<-EOT\n` here, if it is a heredoc.
    fn heredoc_open(&self) -> Option<usize> {
        let r = self.rest();
        let after = r.strip_prefix("<<")?;
        let after = after.strip_prefix('-').unwrap_or(after);
        let name_len = after
            .char_indices()
            .find(|(_, ch)| !(is_ident_continue(*ch) || *ch == '-'))
            .map_or(after.len(), |(i, _)| i);
        if name_len == 0 || !after.chars().next().is_some_and(is_ident_start) {
            return None;
        }
        let tail = &after[name_len..];
        let nl = if tail.starts_with("\r\n") {
            2
        } else if tail.starts_with('\n') {
            1
        } else {
            return None;
        };
        Some(r.len() - tail.len() + nl)
    }

    /// Reads a template's literal text up to its end or an interpolation.
    fn template(&mut self) {
        let Some(t) = self.templates.last().cloned() else {
            return;
        };
        match t {
            Template::Quoted => {
                let bytes = self.rest().as_bytes();
                let mut i = 0;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' | b'\n' => break,
                        b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => break,
                        b'$' | b'%' if bytes.get(i + 1) == Some(&bytes[i]) && bytes.get(i + 2) == Some(&b'{') => i += 3,
                        _ => i += 1,
                    }
                }
                let i = i.min(bytes.len());
                if i > 0 {
                    self.push(Kind::QuotedLit, i);
                }
                self.after_literal(|l| {
                    if l.rest().starts_with('"') {
                        l.templates.pop();
                        l.push(Kind::CQuote, 1);
                    } else {
                        // An unterminated string: the rest of the line is left as it is.
                        l.templates.pop();
                    }
                });
            }
            Template::Heredoc { marker } => loop {
                let line_len = self.rest().find('\n').map_or(self.rest().len(), |i| i + 1);
                let line = &self.rest()[..line_len];
                let at_line_start = self.pos == 0 || self.src.as_bytes()[self.pos - 1] == b'\n';
                if at_line_start && line.trim() == marker {
                    let len = line.trim_end_matches(['\n', '\r']).len();
                    self.templates.pop();
                    self.push(Kind::CHeredoc, len);
                    return;
                }
                if self.rest().is_empty() {
                    self.templates.pop();
                    return;
                }
                // Up to the end of this line, or an interpolation in it.
                let bytes = line.as_bytes();
                let mut i = 0;
                while i < bytes.len() {
                    match bytes[i] {
                        b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => break,
                        b'$' | b'%' if bytes.get(i + 1) == Some(&bytes[i]) && bytes.get(i + 2) == Some(&b'{') => i += 3,
                        _ => i += 1,
                    }
                }
                let (i, n) = (i.min(bytes.len()), bytes.len());
                if i > 0 {
                    self.push(Kind::StringLit, i);
                }
                if i < n {
                    self.after_literal(|_| {});
                    return;
                }
            },
        }
    }

    /// After literal text: an interpolation or directive opens, or `end`
    /// decides what the template does.
    fn after_literal(&mut self, end: impl FnOnce(&mut Self)) {
        let r = self.rest();
        let kind = if r.starts_with("${") {
            Kind::TemplateInterp
        } else if r.starts_with("%{") {
            Kind::TemplateControl
        } else {
            return end(self);
        };
        let len = if r[2..].starts_with('~') { 3 } else { 2 };
        self.opens.push(Open::Interp);
        self.push(kind, len);
    }
}

/// HCL's identifiers are Unicode's (UAX #31, as hcl-edit reads them): a
/// letter or `_`, then letters, digits, combining marks (the accent of a
/// decomposed `é`), `_` and `-`.
fn is_ident_start(c: char) -> bool {
    unicode_ident::is_xid_start(c) || c == '_'
}

fn is_ident_continue(c: char) -> bool {
    unicode_ident::is_xid_continue(c)
}

fn number_len(r: &str) -> usize {
    let b = r.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            i = j;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Kind, String)> {
        tokens(src).into_iter().map(|t| (t.kind, t.text)).collect()
    }

    #[test]
    fn joining_the_tokens_gives_the_source_back() {
        let src = "a = \"x${b}y${ {c=1} }\" # note\nb = <<-EOT\n  hi ${x}\n  EOT\nc = [for i in x : i...]\n/* multi\nline */ d = 1.5e3\n";
        let back: String = tokens(src)
            .iter()
            .map(|t| format!("{}{}", " ".repeat(t.spaces_before), t.text))
            .collect();
        assert_eq!(back, src);
    }

    #[test]
    fn identifiers_take_combining_marks() {
        use Kind::*;
        // `café` written as e + U+0301: one identifier, as HCL reads it.
        let k = kinds("cafe\u{301} = local.b\u{301}-c\n");
        assert_eq!(k[0], (Ident, "cafe\u{301}".into()));
        assert_eq!(k[4], (Ident, "b\u{301}-c".into()));
        let k = kinds("a = <<E\u{301}\nx\nE\u{301}\n");
        assert_eq!(k[2], (OHeredoc, "<<E\u{301}\n".into()));
        assert_eq!(k[4], (CHeredoc, "E\u{301}".into()));
    }

    #[test]
    fn templates_interpolations_and_heredocs() {
        use Kind::*;
        let k = kinds("\"a${b}\"");
        assert_eq!(
            k.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            [OQuote, QuotedLit, TemplateInterp, Ident, TemplateSeqEnd, CQuote]
        );
        let k = kinds("x = <<EOT\nhello ${y}\nEOT\n");
        assert_eq!(
            k.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            [
                Ident,
                Equal,
                OHeredoc,
                StringLit,
                TemplateInterp,
                Ident,
                TemplateSeqEnd,
                StringLit,
                CHeredoc,
                Newline
            ]
        );
        assert_eq!(k[8].1, "EOT");
        let k = kinds("\"$${x}\"");
        assert_eq!(k[1], (QuotedLit, "$${x}".into()));
    }
}
