//! Lexer and recursive-descent parser of the `$filter` language.

use super::{Expr, Lit};
use crate::sim::http::error::GraphError;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(f64),
    LParen,
    RParen,
    Comma,
    Colon,
}

fn invalid(detail: impl std::fmt::Display) -> GraphError {
    GraphError::new(
        400,
        "BadRequest",
        format!("Invalid filter clause: {detail}"),
    )
}

fn lex(s: &str) -> Result<Vec<Tok>, GraphError> {
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < cs.len() {
        let c = cs[i];
        match c {
            ' ' | '\t' => i += 1,
            '(' => (out.push(Tok::LParen), i += 1).1,
            ')' => (out.push(Tok::RParen), i += 1).1,
            ',' => (out.push(Tok::Comma), i += 1).1,
            ':' => (out.push(Tok::Colon), i += 1).1,
            '\'' => {
                let mut v = String::new();
                i += 1;
                loop {
                    match cs.get(i) {
                        None => return Err(invalid("unterminated string literal")),
                        Some('\'') if cs.get(i + 1) == Some(&'\'') => {
                            v.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(ch) => {
                            v.push(*ch);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Str(v));
            }
            c if c.is_ascii_digit() || c == '-' => {
                let st = i;
                i += 1;
                while i < cs.len() && (cs[i].is_ascii_digit() || cs[i] == '.') {
                    i += 1;
                }
                let t: String = cs[st..i].iter().collect();
                out.push(Tok::Num(
                    t.parse().map_err(|_| invalid(format!("bad number {t}")))?,
                ));
            }
            c if c.is_alphanumeric() || c == '_' || c == '$' => {
                let st = i;
                while i < cs.len() && (cs[i].is_alphanumeric() || "_$/.@".contains(cs[i])) {
                    i += 1;
                }
                out.push(Tok::Ident(cs[st..i].iter().collect()));
            }
            other => return Err(invalid(format!("unexpected character '{other}'"))),
        }
    }
    Ok(out)
}

struct P {
    toks: Vec<Tok>,
    pos: usize,
}

impl P {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn expect(&mut self, t: Tok) -> Result<(), GraphError> {
        match self.next() {
            Some(x) if x == t => Ok(()),
            other => Err(invalid(format!("expected {t:?}, found {other:?}"))),
        }
    }
    fn kw(&self, k: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(s)) if s == k)
    }
    fn or(&mut self) -> Result<Expr, GraphError> {
        let mut l = self.and()?;
        while self.kw("or") {
            self.pos += 1;
            l = Expr::Or(Box::new(l), Box::new(self.and()?));
        }
        Ok(l)
    }
    fn and(&mut self) -> Result<Expr, GraphError> {
        let mut l = self.atom()?;
        while self.kw("and") {
            self.pos += 1;
            l = Expr::And(Box::new(l), Box::new(self.atom()?));
        }
        Ok(l)
    }
    fn lit(&mut self) -> Result<Lit, GraphError> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(Lit::Str(s)),
            Some(Tok::Num(n)) => Ok(Lit::Num(n)),
            Some(Tok::Ident(k)) if k == "true" => Ok(Lit::Bool(true)),
            Some(Tok::Ident(k)) if k == "false" => Ok(Lit::Bool(false)),
            Some(Tok::Ident(k)) if k == "null" => Ok(Lit::Null),
            other => Err(invalid(format!("expected a literal, found {other:?}"))),
        }
    }
    fn atom(&mut self) -> Result<Expr, GraphError> {
        match self.next() {
            Some(Tok::LParen) => {
                let e = self.or()?;
                self.expect(Tok::RParen)?;
                Ok(e)
            }
            Some(Tok::Ident(name)) if self.peek() == Some(&Tok::LParen) => self.call(name),
            Some(Tok::Ident(prop)) => match self.next() {
                Some(Tok::Ident(op)) if op == "eq" || op == "ne" => Ok(Expr::Cmp {
                    prop,
                    negate: op == "ne",
                    lit: self.lit()?,
                }),
                Some(Tok::Ident(op)) if op == "in" => {
                    self.expect(Tok::LParen)?;
                    let mut lits = vec![self.lit()?];
                    while self.peek() == Some(&Tok::Comma) {
                        self.pos += 1;
                        lits.push(self.lit()?);
                    }
                    self.expect(Tok::RParen)?;
                    Ok(Expr::In { prop, lits })
                }
                other => Err(invalid(format!(
                    "unsupported operator {other:?} after '{prop}'"
                ))),
            },
            other => Err(invalid(format!("unexpected {other:?}"))),
        }
    }
    fn call(&mut self, name: String) -> Result<Expr, GraphError> {
        self.expect(Tok::LParen)?;
        if let Some(prop) = name.strip_suffix("/any") {
            let Some(Tok::Ident(var)) = self.next() else {
                return Err(invalid("expected a lambda variable"));
            };
            self.expect(Tok::Colon)?;
            let body = self.or()?;
            self.expect(Tok::RParen)?;
            return Ok(Expr::Any {
                prop: prop.to_owned(),
                var,
                body: Box::new(body),
            });
        }
        let lname = name.to_ascii_lowercase();
        if !["startswith", "contains", "endswith"].contains(&lname.as_str()) {
            return Err(invalid(format!("unknown function '{name}'")));
        }
        let Some(Tok::Ident(prop)) = self.next() else {
            return Err(invalid(format!("{name} expects a property")));
        };
        self.expect(Tok::Comma)?;
        let Some(Tok::Str(arg)) = self.next() else {
            return Err(invalid(format!("{name} expects a string literal")));
        };
        self.expect(Tok::RParen)?;
        Ok(Expr::Func {
            name: lname,
            prop,
            arg,
        })
    }
}

/// Parses a `$filter` value.
pub fn parse_filter(s: &str) -> Result<Expr, GraphError> {
    let mut p = P {
        toks: lex(s)?,
        pos: 0,
    };
    let e = p.or()?;
    if p.pos < p.toks.len() {
        return Err(invalid(format!("unexpected {:?}", p.toks[p.pos])));
    }
    Ok(e)
}
