//! Colour on stderr: the `FAILED:` of an error in red, the `WARNING:` of a warning in
//! yellow, when `--color` and the environment allow it.
//!
//! `--color always` and `--color never` decide; `auto` (the default) colours only a terminal,
//! and not when `NO_COLOR` is set to anything but the empty string (no-color.org). The choice
//! is read from the raw arguments too, before clap parses them, so that clap's own help and
//! usage errors follow it. Pure: the caller says whether stderr is a terminal.

use std::ffi::OsString;

/// `--color`'s values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum When {
    /// Colour when stderr is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always colour, even when piped.
    Always,
    /// Never colour.
    Never,
}

impl When {
    /// Whether stderr gets colour: `terminal` says whether it is one, `no_color` is the value
    /// of `NO_COLOR` if set.
    pub fn colours(self, terminal: bool, no_color: Option<&OsString>) -> bool {
        match self {
            When::Always => true,
            When::Never => false,
            When::Auto => terminal && no_color.is_none_or(|v| v.is_empty()),
        }
    }

    /// clap's own choice for its help and errors, given whether we colour.
    pub fn clap(colour: bool) -> clap::ColorChoice {
        match colour {
            true => clap::ColorChoice::Always,
            false => clap::ColorChoice::Never,
        }
    }
}

/// The last `--color WHEN` / `--color=WHEN` among `args` (before `--`), `auto` if none or if
/// its value is not one of the three (clap then reports it).
pub fn from_args(args: &[OsString]) -> When {
    let mut when = When::Auto;
    let mut iter = args.iter().map(|a| a.to_string_lossy());
    while let Some(arg) = iter.next() {
        let value = match arg.as_ref() {
            "--" => break,
            "--color" => iter.next().map(|v| v.into_owned()),
            other => other.strip_prefix("--color=").map(str::to_string),
        };
        match value.as_deref() {
            Some("always") => when = When::Always,
            Some("never") => when = When::Never,
            Some("auto") => when = When::Auto,
            _ => {}
        }
    }
    when
}

/// Red bold.
pub const ERROR: &str = "\x1b[1;31m";
/// Yellow bold.
pub const WARNING: &str = "\x1b[1;33m";
const RESET: &str = "\x1b[0m";

/// `text` in `style` when `on`, else as it is.
pub fn paint(text: &str, style: &str, on: bool) -> String {
    match on {
        true => format!("{style}{text}{RESET}"),
        false => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn auto_colours_a_terminal_unless_no_color_is_set() {
        let set = OsString::from("1");
        let empty = OsString::new();
        assert!(When::Auto.colours(true, None));
        assert!(!When::Auto.colours(false, None));
        assert!(!When::Auto.colours(true, Some(&set)));
        assert!(When::Auto.colours(true, Some(&empty)));
        assert!(When::Always.colours(false, Some(&set)));
        assert!(!When::Never.colours(true, None));
    }

    #[test]
    fn the_last_color_option_before_a_double_dash_wins() {
        assert_eq!(from_args(&args(&["upgrade", "head"])), When::Auto);
        assert_eq!(from_args(&args(&["--color", "always", "x"])), When::Always);
        assert_eq!(
            from_args(&args(&["--color=always", "heads", "--color=never"])),
            When::Never
        );
        assert_eq!(from_args(&args(&["--", "--color=always"])), When::Auto);
        assert_eq!(from_args(&args(&["--color=purple"])), When::Auto);
    }

    #[test]
    fn paint_wraps_only_when_on() {
        assert_eq!(paint("FAILED:", ERROR, false), "FAILED:");
        assert_eq!(paint("FAILED:", ERROR, true), "\x1b[1;31mFAILED:\x1b[0m");
    }
}
