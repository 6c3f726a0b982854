//! Lexer and recursive-descent parser for expressions.

use std::ops::Range;

use super::{CmpOp, Expr, ExprError};

const MAX_DEPTH: usize = 100;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Attr(String),
    Str(String),
    Num(String),
    LParen,
    RParen,
    Comma,
    Eq,
    Cmp(CmpOp),
}

/// Bare names that are enumeration constants, not calls (`InStr(…, vbTextCompare)`).
pub const ENUM_NAMES: &[&str] = &["vbBinaryCompare", "vbTextCompare"];

fn err(message: impl Into<String>, at: Range<usize>, help: Option<&str>) -> ExprError {
    ExprError {
        message: message.into(),
        at,
        help: help.map(String::from),
    }
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

fn lex(text: &str) -> Result<Vec<(Tok, Range<usize>)>, ExprError> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let tok = match c {
            c if c.is_whitespace() => continue,
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            ',' => Tok::Comma,
            '=' => Tok::Eq,
            '<' | '>' => lex_compare(&mut it, c),
            '&' if matches!(it.peek(), Some((_, 'H' | 'h'))) => {
                it.next();
                Tok::Num(take_while(&mut it, '&', |d| d.is_ascii_hexdigit()).replacen('&', "&H", 1))
            }
            '[' => lex_attribute(&mut it, i)?,
            ']' => return Err(err("unexpected `]` without a matching `[`", i..i + 1, None)),
            '"' => lex_string(&mut it, i)?,
            c if c.is_ascii_digit() || c == '-' => {
                Tok::Num(take_while(&mut it, c, |d| d.is_ascii_digit() || d == '.'))
            }
            c if c.is_alphabetic() || c == '_' => {
                Tok::Ident(take_while(&mut it, c, |d| d.is_alphanumeric() || d == '_'))
            }
            other => {
                let at = i..i + other.len_utf8();
                return Err(err(format!("unexpected character `{other}`"), at, None));
            }
        };
        let end = it.peek().map_or(text.len(), |(j, _)| *j);
        out.push((tok, i..end));
    }
    Ok(out)
}

fn take_while(it: &mut Chars<'_>, first: char, keep: impl Fn(char) -> bool) -> String {
    let mut s = first.to_string();
    while let Some(&(_, d)) = it.peek().filter(|(_, d)| keep(*d)) {
        s.push(d);
        it.next();
    }
    s
}

/// After `<` or `>`: `<>`, `<=`, `>=`, `<` or `>`.
fn lex_compare(it: &mut Chars<'_>, first: char) -> Tok {
    let next = it.peek().map(|(_, d)| *d);
    let op = match (first, next) {
        ('<', Some('>')) => CmpOp::Ne,
        ('<', Some('=')) => CmpOp::Le,
        ('>', Some('=')) => CmpOp::Ge,
        ('<', _) => return Tok::Cmp(CmpOp::Lt),
        _ => return Tok::Cmp(CmpOp::Gt),
    };
    it.next();
    Tok::Cmp(op)
}

/// After `[` at byte `i`: the attribute name up to `]`.
fn lex_attribute(it: &mut Chars<'_>, i: usize) -> Result<Tok, ExprError> {
    let mut name = String::new();
    loop {
        match it.next() {
            Some((_, ']')) => return Ok(Tok::Attr(name.trim().to_string())),
            Some((_, '[')) | Some((_, '\n')) | None => {
                return Err(err(
                    "unclosed `[`: the attribute name has no closing `]`",
                    i..i + 1,
                    Some("write attributes as `[attributeName]`"),
                ));
            }
            Some((_, ch)) => name.push(ch),
        }
    }
}

/// After `"` at byte `i`: the string up to the closing quote; `\` escapes the next char.
fn lex_string(it: &mut Chars<'_>, i: usize) -> Result<Tok, ExprError> {
    let mut s = String::new();
    loop {
        match it.next() {
            Some((_, '"')) => return Ok(Tok::Str(s)),
            Some((_, '\\')) => {
                if let Some((_, ch)) = it.next() {
                    s.push(ch);
                }
            }
            Some((_, ch)) => s.push(ch),
            None => {
                return Err(err(
                    "unclosed string: missing the closing `\"`",
                    i..i + 1,
                    Some("strings are in double quotes; escape a quote inside as `\\\"`"),
                ));
            }
        }
    }
}

struct P {
    toks: Vec<(Tok, Range<usize>)>,
    pos: usize,
    len: usize,
    calls: Vec<(String, Range<usize>)>,
}

impl P {
    fn peek(&self) -> Option<&(Tok, Range<usize>)> {
        self.toks.get(self.pos)
    }

    fn end(&self) -> Range<usize> {
        self.len..self.len
    }

    fn expr(&mut self, depth: usize) -> Result<Expr, ExprError> {
        let left = self.primary(depth)?;
        match self.peek() {
            Some((Tok::Eq, _)) => {
                self.pos += 1;
                let right = self.primary(depth)?;
                Ok(Expr::Equals(Box::new(left), Box::new(right)))
            }
            Some((Tok::Cmp(op), _)) => {
                let op = *op;
                self.pos += 1;
                let right = self.primary(depth)?;
                Ok(Expr::Compare(op, Box::new(left), Box::new(right)))
            }
            _ => Ok(left),
        }
    }

    fn primary(&mut self, depth: usize) -> Result<Expr, ExprError> {
        if depth > MAX_DEPTH {
            return Err(err("expression nested too deeply", self.end(), None));
        }
        let Some((tok, at)) = self.toks.get(self.pos).cloned() else {
            return Err(err(
                "the expression ends too early",
                self.end(),
                Some("complete the expression"),
            ));
        };
        self.pos += 1;
        match tok {
            Tok::Attr(a) => Ok(Expr::Attribute(a)),
            Tok::Str(s) => Ok(Expr::Str(s)),
            Tok::Num(n) => Ok(Expr::Number(n)),
            Tok::Ident(name) => self.call(name, at, depth),
            Tok::RParen => Err(err("unexpected `)`", at, None)),
            Tok::Comma => Err(err("unexpected `,`", at, None)),
            Tok::LParen => Err(err(
                "unexpected `(`: a function name must come first",
                at,
                None,
            )),
            Tok::Eq | Tok::Cmp(_) => Err(err("unexpected comparison operator", at, None)),
        }
    }

    fn call(&mut self, name: String, at: Range<usize>, depth: usize) -> Result<Expr, ExprError> {
        let open = match self.peek() {
            Some((Tok::LParen, open)) => open.clone(),
            _ if ENUM_NAMES.contains(&name.as_str()) => return Ok(Expr::Name(name)),
            _ => {
                return Err(err(
                    format!("`{name}` is not a function call, an attribute or a string"),
                    at,
                    Some(
                        "attributes go in [brackets], strings in \"double quotes\", functions are called as Name(…)",
                    ),
                ));
            }
        };
        self.pos += 1;
        self.calls.push((name.clone(), at));
        let mut args = Vec::new();
        if let Some((Tok::RParen, _)) = self.peek() {
            self.pos += 1;
            return Ok(Expr::Call { name, args });
        }
        loop {
            match self.peek() {
                Some((Tok::Comma, _)) | Some((Tok::RParen, _)) => args.push(None),
                None => break,
                Some(_) => args.push(Some(self.expr(depth + 1)?)),
            }
            match self.peek().cloned() {
                Some((Tok::Comma, _)) => self.pos += 1,
                Some((Tok::RParen, _)) => {
                    self.pos += 1;
                    return Ok(Expr::Call { name, args });
                }
                Some((_, at)) => {
                    return Err(err(
                        "expected `,` or `)` here",
                        at,
                        Some("separate arguments with commas"),
                    ));
                }
                None => break,
            }
        }
        Err(err(
            format!("unclosed `(` of `{name}`"),
            open,
            Some("add the missing `)`"),
        ))
    }
}

/// A function name and its byte range in the expression.
pub type Call = (String, Range<usize>);

/// Parses an expression and also returns every function name with its byte range.
pub fn parse_with_calls(text: &str) -> Result<(Expr, Vec<Call>), ExprError> {
    let toks = lex(text)?;
    if toks.is_empty() {
        return Err(err("the expression is empty", 0..0, None));
    }
    let mut p = P {
        toks,
        pos: 0,
        len: text.len(),
        calls: Vec::new(),
    };
    let e = p.expr(0)?;
    if let Some((t, at)) = p.peek() {
        let what = if *t == Tok::RParen {
            "unexpected `)`: there is no `(` left to close".to_string()
        } else {
            "unexpected text after the end of the expression".to_string()
        };
        return Err(err(what, at.clone(), None));
    }
    Ok((e, p.calls))
}
