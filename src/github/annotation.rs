//! Workflow-command annotations: `::error file=…,line=…,col=…,title=…::message`.
//!
//! Escaping follows the runner's rules (`@actions/core` `command.ts`): in the message `%`,
//! `\r` and `\n` are percent-encoded; in property values `:` and `,` are too.

use std::fmt;

/// Annotation level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// `::error` — fails nothing by itself, but shows red on the run and the diff.
    Error,
    /// `::warning`.
    Warning,
    /// `::notice`.
    Notice,
}

impl Level {
    fn command(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        }
    }
}

/// One annotation. Build it, then `to_string()` it (or print it) on stdout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation<'a> {
    /// Level.
    pub level: Level,
    /// File path relative to the repository root, if any.
    pub file: Option<&'a str>,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column.
    pub col: Option<usize>,
    /// Short title (e.g. the diagnostic code).
    pub title: Option<&'a str>,
    /// The message.
    pub message: &'a str,
}

impl<'a> Annotation<'a> {
    /// An annotation with only a level and a message.
    pub fn new(level: Level, message: &'a str) -> Self {
        Annotation {
            level,
            file: None,
            line: None,
            col: None,
            title: None,
            message,
        }
    }

    /// Sets the location (file, 1-based line and column).
    pub fn at(mut self, file: &'a str, line: usize, col: usize) -> Self {
        self.file = Some(file);
        self.line = Some(line);
        self.col = Some(col);
        self
    }

    /// Sets the title.
    pub fn titled(mut self, title: &'a str) -> Self {
        self.title = Some(title);
        self
    }
}

impl fmt::Display for Annotation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "::{}", self.level.command())?;
        let mut props: Vec<(&str, String)> = Vec::new();
        if let Some(file) = self.file {
            props.push(("file", escape_property(file)));
        }
        if let Some(line) = self.line {
            props.push(("line", line.to_string()));
        }
        if let Some(col) = self.col {
            props.push(("col", col.to_string()));
        }
        if let Some(title) = self.title {
            props.push(("title", escape_property(title)));
        }
        for (i, (k, v)) in props.iter().enumerate() {
            let sep = if i == 0 { " " } else { "," };
            write!(f, "{sep}{k}={v}")?;
        }
        write!(f, "::{}", escape_data(self.message))
    }
}

/// Escapes a command message: `%` → `%25`, `\r` → `%0D`, `\n` → `%0A`; any other control
/// or invisible character is escaped by [`crate::text::shown`] (which also cuts long text).
pub fn escape_data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    crate::text::shown(&s).into_owned()
}

/// Escapes a property value: as [`escape_data`], plus `:` → `%3A` and `,` → `%2C`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_with_location_and_title() {
        let a = Annotation::new(Level::Error, "unknown key `scoep`; did you mean `scope`?")
            .at("entra/keeper.yaml", 12, 3)
            .titled("E0101");
        assert_eq!(
            a.to_string(),
            "::error file=entra/keeper.yaml,line=12,col=3,title=E0101::unknown key `scoep`; did you mean `scope`?"
        );
    }

    #[test]
    fn message_escapes_percent_and_line_breaks_but_keeps_colons_and_commas() {
        let a = Annotation::new(Level::Warning, "100% done,\r\nnext: apply");
        assert_eq!(a.to_string(), "::warning::100%25 done,%0D%0Anext: apply");
    }

    #[test]
    fn properties_escape_colon_and_comma_so_they_cannot_inject_properties() {
        let a = Annotation::new(Level::Notice, "m")
            .at("C:\\a,line=99.yaml", 1, 1)
            .titled("x::error file=evil%\n");
        assert_eq!(
            a.to_string(),
            "::notice file=C%3A\\a%2Cline=99.yaml,line=1,col=1,title=x%3A%3Aerror file=evil%25%0A::m"
        );
    }

    #[test]
    fn a_message_cannot_start_a_second_command_on_a_new_line() {
        let s = Annotation::new(Level::Error, "x\n::add-mask::y").to_string();
        assert!(!s.contains('\n'));
        assert_eq!(s, "::error::x%0A::add-mask::y");
    }
}
