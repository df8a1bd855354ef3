//! New revision files: the script template, Alembic's slug and `file_template` naming, and
//! the `Create Date` text.
//!
//! Templates are minijinja (Jinja2 syntax), rendered with these variables:
//! `revision`, `down_revisions` (list), `down_revision` (the list joined with `", "`),
//! `branch_labels` (list), `depends_on` (list), `message` (one line: newlines become spaces),
//! `create_date`, `upgrade` (string, trailing whitespace trimmed) and `downgrade` (string, or
//! none when the revision is irreversible). An undefined variable is an error, so a typo in
//! a user's `script.sql.j2` is reported instead of rendering as nothing.
//!
//! File names follow Alembic: `file_template` is Python %-formatting over the tokens `rev`,
//! `slug`, `epoch`, `year`, `month`, `day`, `hour`, `minute`, `second`, and `.sql` is
//! appended (Alembic appends `.py`).

use minijinja::{Environment, UndefinedBehavior, Value};

use super::ScriptError;

/// The template `init` writes to `<script_location>/script.sql.j2`, also used when that file
/// is missing. Renders the layout `header.rs` reads; an empty list or message leaves nothing
/// after the colon (no trailing space); `downgrade = none` leaves out the downgrade section.
pub const DEFAULT_TEMPLATE: &str = "\
-- revision: {{ revision }}
-- down_revision:{% if down_revision %} {{ down_revision }}{% endif %}
-- branch_labels:{% if branch_labels %} {{ branch_labels | join(\", \") }}{% endif %}
-- depends_on:{% if depends_on %} {{ depends_on | join(\", \") }}{% endif %}
-- message:{% if message %} {{ message }}{% endif %}
-- create_date:{% if create_date %} {{ create_date }}{% endif %}

-- +upgrade
{{ upgrade }}
{%- if downgrade is not none %}

-- +downgrade
{{ downgrade }}
{%- endif %}
";

/// Everything a new script's text is made from.
#[derive(Clone, Debug, Default)]
pub struct NewScript {
    pub revision: String,
    pub down_revisions: Vec<String>,
    pub branch_labels: Vec<String>,
    pub depends_on: Vec<String>,
    pub message: String,
    pub create_date: String,
    /// Upgrade body; empty for a hand-written revision.
    pub upgrade: String,
    /// Downgrade body; `None` writes no downgrade section (irreversible).
    pub downgrade: Option<String>,
}

/// Renders a new script from a minijinja template.
pub fn render_script(template: &str, new: &NewScript) -> Result<String, ScriptError> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let tmpl = env
        .template_from_str(template)
        .map_err(|err| ScriptError::Template(describe(&err)))?;
    let one_line = |s: &str| s.replace("\r\n", " ").replace(['\n', '\r'], " ");
    let ctx = minijinja::context! {
        revision => new.revision.as_str(),
        down_revisions => Value::from(new.down_revisions.clone()),
        down_revision => new.down_revisions.join(", "),
        branch_labels => Value::from(new.branch_labels.clone()),
        depends_on => Value::from(new.depends_on.clone()),
        message => one_line(&new.message),
        create_date => one_line(&new.create_date),
        upgrade => new.upgrade.trim_end(),
        downgrade => match &new.downgrade {
            Some(body) => Value::from(body.trim_end()),
            None => Value::from(()),
        },
    };
    tmpl.render(ctx)
        .map_err(|err| ScriptError::Template(describe(&err)))
}

/// A minijinja error on one line, with the template line when known.
fn describe(err: &minijinja::Error) -> String {
    let detail = err.detail().map(|d| format!(": {d}")).unwrap_or_default();
    match err.line() {
        Some(line) => format!("{} (template line {line}){detail}", err.kind()),
        None => format!("{}{detail}", err.kind()),
    }
}

/// Alembic's slug: words of the message joined by `_`, lowercased, truncated at a word boundary.
///
/// A word is a run of `\w` (Unicode letters and digits, and `_`). When the slug is longer
/// than `truncate` characters it is cut to `truncate` characters, then back to its last `_`,
/// and `_` is appended: `slug[:N].rsplit("_", 1)[0] + "_"`.
pub fn slugify(message: &str, truncate: usize) -> String {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let slug = message
        .split(|c: char| !is_word(c))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
        .to_lowercase();
    if slug.chars().count() <= truncate {
        return slug;
    }
    let cut: String = slug.chars().take(truncate).collect();
    let head = cut.rsplit_once('_').map_or(cut.as_str(), |(head, _)| head);
    format!("{head}_")
}

/// The file name (with `.sql`) for `file_template` tokens `rev, slug, epoch, year, month, day,
/// hour, minute, second`.
pub fn file_name(
    file_template: &str,
    rev: &str,
    slug: &str,
    now: &jiff::Zoned,
) -> Result<String, ScriptError> {
    let lookup = |name: &str| -> Option<Token<'_>> {
        Some(match name {
            "rev" => Token::Str(rev),
            "slug" => Token::Str(slug),
            "epoch" => Token::Int(now.timestamp().as_second()),
            "year" => Token::Int(i64::from(now.year())),
            "month" => Token::Int(i64::from(now.month())),
            "day" => Token::Int(i64::from(now.day())),
            "hour" => Token::Int(i64::from(now.hour())),
            "minute" => Token::Int(i64::from(now.minute())),
            "second" => Token::Int(i64::from(now.second())),
            _ => return None,
        })
    };
    let mut name = percent_format(file_template, lookup)?;
    name.push_str(".sql");
    Ok(name)
}

/// Alembic's `Create Date`: Python's `str(datetime)` — `2026-11-24 05:53:46.147954`, the
/// microseconds left out when zero — with the UTC offset (`+00:00`) appended when
/// `with_offset` (Alembic shows it when `timezone` is configured).
pub fn format_create_date(now: &jiff::Zoned, with_offset: bool) -> String {
    let micros = now.subsec_nanosecond() / 1000;
    let mut text = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        now.year(),
        now.month(),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    if micros != 0 {
        text.push_str(&format!(".{micros:06}"));
    }
    if with_offset {
        let seconds = now.offset().seconds();
        let sign = if seconds < 0 { '-' } else { '+' };
        let abs = seconds.unsigned_abs();
        text.push_str(&format!("{sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60));
        if !abs.is_multiple_of(60) {
            text.push_str(&format!(":{:02}", abs % 60));
        }
    }
    text
}

/// The current time for a new revision: local time, or in `timezone` when configured
/// (Alembic tries the name as given, then upper-cased).
pub fn now_in_timezone(timezone: Option<&str>) -> Result<jiff::Zoned, ScriptError> {
    let now = jiff::Timestamp::now();
    match timezone {
        None => Ok(jiff::Zoned::now()),
        Some(name) => {
            let tz = jiff::tz::TimeZone::get(name)
                .or_else(|_| jiff::tz::TimeZone::get(&name.to_uppercase()))
                .map_err(|_| ScriptError::Timezone(name.to_string()))?;
            Ok(now.to_zoned(tz))
        }
    }
}

/// A `file_template` token's value.
#[derive(Clone, Copy)]
enum Token<'a> {
    Str(&'a str),
    Int(i64),
}

/// Python's `template % mapping` for `%(name)[flags][width][.precision]<s|d|i>` and `%%`.
fn percent_format<'a>(
    template: &str,
    lookup: impl Fn(&str) -> Option<Token<'a>>,
) -> Result<String, ScriptError> {
    let err =
        |message: String| ScriptError::Template(format!("file_template '{template}': {message}"));
    let mut out = String::new();
    let mut rest = template;
    while let Some(p) = rest.find('%') {
        out.push_str(&rest[..p]);
        rest = &rest[p + 1..];
        if let Some(after) = rest.strip_prefix('%') {
            out.push('%');
            rest = after;
            continue;
        }
        let Some(after) = rest.strip_prefix('(') else {
            return Err(err(
                "every '%' must start a '%(name)s' token or be doubled as '%%'".to_string(),
            ));
        };
        let Some((name, after)) = after.split_once(')') else {
            return Err(err("unclosed '%(' token".to_string()));
        };
        let value = lookup(name).ok_or_else(|| {
            err(format!(
                "unknown token '{name}'; expected one of rev, slug, epoch, year, month, day, hour, minute, second"
            ))
        })?;
        let (spec, after) = Spec::parse(after);
        rest = after;
        out.push_str(&spec.format(name, value).map_err(err)?);
    }
    out.push_str(rest);
    Ok(out)
}

/// What follows `%(name)`: flags, width, precision and the conversion letter.
struct Spec<'t> {
    flags: &'t str,
    width: usize,
    precision: Option<usize>,
    conversion: Option<char>,
}

impl<'t> Spec<'t> {
    /// The spec at the start of `after`, and the template text after it. A length modifier
    /// (`h`, `l`, `L`) is read and ignored, as Python does.
    fn parse(after: &'t str) -> (Spec<'t>, &'t str) {
        let flags_len = after
            .find(|c: char| !"-+ 0#".contains(c))
            .unwrap_or(after.len());
        let flags = &after[..flags_len];
        let after = &after[flags_len..];
        let width_len = after
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len());
        let width: usize = after[..width_len].parse().unwrap_or(0);
        let mut after = &after[width_len..];
        let mut precision = None;
        if let Some(p) = after.strip_prefix('.') {
            let len = p.find(|c: char| !c.is_ascii_digit()).unwrap_or(p.len());
            precision = Some(p[..len].parse::<usize>().unwrap_or(0));
            after = &p[len..];
        }
        after = after.strip_prefix(['h', 'l', 'L']).unwrap_or(after);
        let mut chars = after.chars();
        let conversion = chars.next();
        let spec = Spec {
            flags,
            width,
            precision,
            conversion,
        };
        (spec, chars.as_str())
    }

    /// `value` (the token `name`'s) formatted; an error is the message.
    fn format(&self, name: &str, value: Token<'_>) -> Result<String, String> {
        if self.width > 255 || self.precision.is_some_and(|p| p > 255) {
            return Err(format!("width or precision too large in '%({name})'"));
        }
        match (self.conversion, value) {
            (Some('s'), value) => Ok(self.string(value)),
            (Some('d' | 'i'), Token::Int(n)) => Ok(self.integer(n)),
            (Some('d' | 'i'), Token::Str(_)) => Err(format!(
                "'%({name})d' needs a number, but '{name}' is text; use '%({name})s'"
            )),
            (Some(other), _) => Err(format!(
                "unsupported conversion '%({name}){other}'; use s or d"
            )),
            (None, _) => Err(format!("incomplete token '%({name})'")),
        }
    }

    /// `%s`: the text, cut to the precision, padded to the width.
    fn string(&self, value: Token<'_>) -> String {
        let text = match value {
            Token::Str(s) => s.to_string(),
            Token::Int(n) => n.to_string(),
        };
        let text = match self.precision {
            Some(p) => text.chars().take(p).collect(),
            None => text,
        };
        pad(text, self.width, self.flags.contains('-'), ' ', "")
    }

    /// `%d`: at least `precision` digits, a sign by the flags, zero- or space-padded.
    fn integer(&self, n: i64) -> String {
        let flags = self.flags;
        let mut digits = n.unsigned_abs().to_string();
        if let Some(p) = self.precision {
            if digits.len() < p {
                digits = format!("{}{digits}", "0".repeat(p - digits.len()));
            }
        }
        let sign = if n < 0 {
            "-"
        } else if flags.contains('+') {
            "+"
        } else if flags.contains(' ') {
            " "
        } else {
            ""
        };
        let left = flags.contains('-');
        let fill = if flags.contains('0') && !left {
            '0'
        } else {
            ' '
        };
        pad(digits, self.width, left, fill, sign)
    }
}

/// Pads `body` (with `sign` before it) to `width` characters: spaces on the left, or on the
/// right when `left`; zeros go between the sign and the digits.
fn pad(body: String, width: usize, left: bool, fill: char, sign: &str) -> String {
    let len = body.chars().count() + sign.len();
    if len >= width {
        return format!("{sign}{body}");
    }
    let padding = width - len;
    if left {
        format!("{sign}{body}{}", " ".repeat(padding))
    } else if fill == '0' {
        format!("{sign}{}{body}", "0".repeat(padding))
    } else {
        format!("{}{sign}{body}", " ".repeat(padding))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revision::Direction;
    use crate::script::Script;
    use crate::Dialect;

    fn render(new: &NewScript) -> String {
        match render_script(DEFAULT_TEMPLATE, new) {
            Ok(text) => text,
            Err(err) => panic!("{err}"),
        }
    }

    fn zoned(s: &str) -> jiff::Zoned {
        match s.parse::<jiff::Zoned>() {
            Ok(z) => z,
            Err(err) => panic!("{err}"),
        }
    }

    #[test]
    fn default_template_layout() {
        let new = NewScript {
            revision: "1a2b3c4d5e6f".into(),
            down_revisions: vec!["0f9e8d7c6b5a".into()],
            message: "add tags".into(),
            create_date: "2026-11-24 05:50:51.123456".into(),
            upgrade: "CREATE TABLE tags (\n    id INTEGER PRIMARY KEY\n);\n".into(),
            downgrade: Some("DROP TABLE tags;\n\n".into()),
            ..NewScript::default()
        };
        assert_eq!(
            render(&new),
            "\
-- revision: 1a2b3c4d5e6f
-- down_revision: 0f9e8d7c6b5a
-- branch_labels:
-- depends_on:
-- message: add tags
-- create_date: 2026-11-24 05:50:51.123456

-- +upgrade
CREATE TABLE tags (
    id INTEGER PRIMARY KEY
);

-- +downgrade
DROP TABLE tags;
"
        );
    }

    #[test]
    fn empty_bodies_merge_and_lists() {
        let new = NewScript {
            revision: "m1".into(),
            down_revisions: vec!["a1".into(), "b2".into()],
            branch_labels: vec!["main".into()],
            depends_on: vec!["c3".into(), "d4".into()],
            message: "merge\nheads".into(),
            create_date: "2026-01-01 00:00:00".into(),
            upgrade: String::new(),
            downgrade: Some(String::new()),
        };
        let text = render(&new);
        assert_eq!(
            text,
            "\
-- revision: m1
-- down_revision: a1, b2
-- branch_labels: main
-- depends_on: c3, d4
-- message: merge heads
-- create_date: 2026-01-01 00:00:00

-- +upgrade


-- +downgrade

"
        );
        let script = match Script::parse(std::path::Path::new("m1.sql"), &text) {
            Ok(s) => s,
            Err(err) => panic!("{err}"),
        };
        assert_eq!(script.down_revisions, vec!["a1", "b2"]);
        assert_eq!(script.branch_labels, vec!["main"]);
        assert_eq!(script.depends_on, vec!["c3", "d4"]);
        assert_eq!(script.message, "merge heads");
        assert!(script
            .section(Direction::Downgrade, Dialect::Sqlite)
            .is_some());
    }

    #[test]
    fn no_downgrade_section_when_irreversible() {
        let new = NewScript {
            revision: "a".into(),
            upgrade: "SELECT 1;".into(),
            downgrade: None,
            ..NewScript::default()
        };
        let text = render(&new);
        assert_eq!(
            text,
            "-- revision: a\n-- down_revision:\n-- branch_labels:\n-- depends_on:\n-- message:\n-- create_date:\n\n-- +upgrade\nSELECT 1;\n"
        );
        let script = match Script::parse(std::path::Path::new("a.sql"), &text) {
            Ok(s) => s,
            Err(err) => panic!("{err}"),
        };
        assert!(!script.has_downgrade());
    }

    #[test]
    fn template_errors() {
        let new = NewScript::default();
        assert!(matches!(
            render_script("{% if %}", &new),
            Err(ScriptError::Template(_))
        ));
        assert!(matches!(
            render_script("{{ no_such_variable }}", &new),
            Err(ScriptError::Template(_))
        ));
        assert_eq!(
            render_script(
                "{{ down_revisions | length }}|{{ revision }}",
                &NewScript {
                    revision: "r".into(),
                    down_revisions: vec!["a".into()],
                    ..NewScript::default()
                }
            )
            .ok()
            .as_deref(),
            Some("1|r")
        );
    }

    #[test]
    fn slugs_like_alembic() {
        assert_eq!(
            slugify(
                "Héllo wörld! This is a very long message, with punctuation & stuff; ...",
                40
            ),
            "héllo_wörld_this_is_a_very_long_message_"
        );
        assert_eq!(slugify("hello world again and again", 10), "hello_");
        assert_eq!(slugify("add tags", 40), "add_tags");
        assert_eq!(
            slugify("Add  snake_case   Column!", 40),
            "add_snake_case_column"
        );
        assert_eq!(slugify("", 40), "");
        assert_eq!(slugify("!!!", 40), "");
        assert_eq!(slugify("abcdefghijklmnop", 10), "abcdefghij_");
        assert_eq!(slugify("abc def", 0), "_");
    }

    #[test]
    fn file_names() {
        let now = zoned("2026-11-24T06:00:07.5+00:00[UTC]");
        let name = |t: &str| file_name(t, "f1", "hello_", &now);
        assert_eq!(
            name("%(rev)s_%(slug)s").ok().as_deref(),
            Some("f1_hello_.sql")
        );
        assert_eq!(
            name("%(year)d_%(month).2d_%(day).2d_%(hour).2d%(minute).2d-%(rev)s_%(slug)s")
                .ok()
                .as_deref(),
            Some("2026_11_24_0600-f1_hello_.sql")
        );
        assert_eq!(
            name("%(epoch)s_%(second)02d_%(rev)5s|%(rev)-4s|%(slug).3s|%%")
                .ok()
                .as_deref(),
            Some("1795500007_07_   f1|f1  |hel|%.sql")
        );
        for bad in [
            "%(bogus)s",
            "%(rev)d",
            "%(rev)",
            "%(rev",
            "%s",
            "100%",
            "%(rev)x",
        ] {
            assert!(matches!(name(bad), Err(ScriptError::Template(_))), "{bad}");
        }
    }

    #[test]
    fn percent_format_flags_width_and_precision_as_python_prints_them() {
        let lookup = |name: &str| match name {
            "n" => Some(Token::Int(42)),
            "m" => Some(Token::Int(-7)),
            "z" => Some(Token::Int(0)),
            "s" => Some(Token::Str("hello")),
            _ => None,
        };
        // The expected strings are Python's `template % {"n": 42, "m": -7, "z": 0, "s": "hello"}`.
        for (template, python) in [
            (
                "%(n)+5d|%(n)05d|%(m)05d|%(m)-5d|%(n) d|%(m).3d|%(n)-+6i|%(z).0d",
                "  +42|00042|-0007|-7   | 42|-007|+42   |0",
            ),
            (
                "%(s)-8.2s|%(s)8s|%(n)s|%(n).1s|%(m)5s",
                "he      |   hello|42|4|   -7",
            ),
            (
                "%(n)ld|%(n)hd|%(n)#5d|%(n)0-5d|%(m)+d|%(n)5.3d",
                "42|42|   42|42   |-7|  042",
            ),
        ] {
            assert_eq!(
                percent_format(template, lookup).ok().as_deref(),
                Some(python),
                "{template}"
            );
        }
        let message = |template: &str| match percent_format(template, lookup) {
            Err(ScriptError::Template(m)) => m,
            other => panic!("{template}: {other:?}"),
        };
        assert_eq!(
            message("%(s)d"),
            "file_template '%(s)d': '%(s)d' needs a number, but 's' is text; use '%(s)s'"
        );
        assert_eq!(
            message("%(n)256d"),
            "file_template '%(n)256d': width or precision too large in '%(n)'"
        );
        assert_eq!(
            message("%(n)x"),
            "file_template '%(n)x': unsupported conversion '%(n)x'; use s or d"
        );
        assert_eq!(
            message("a%(n).5"),
            "file_template 'a%(n).5': incomplete token '%(n)'"
        );
    }

    #[test]
    fn create_dates() {
        let z = zoned("2026-11-24T05:53:46.147954+00:00[UTC]");
        assert_eq!(format_create_date(&z, false), "2026-11-24 05:53:46.147954");
        assert_eq!(
            format_create_date(&z, true),
            "2026-11-24 05:53:46.147954+00:00"
        );
        let z = zoned("2026-11-24T05:53:46-05:30[-05:30]");
        assert_eq!(format_create_date(&z, false), "2026-11-24 05:53:46");
        assert_eq!(format_create_date(&z, true), "2026-11-24 05:53:46-05:30");
    }

    #[test]
    fn timezones() {
        assert!(now_in_timezone(None).is_ok());
        assert!(now_in_timezone(Some("UTC")).is_ok());
        match now_in_timezone(Some("Not/AZone")) {
            Err(err) => assert_eq!(err.to_string(), "Can't locate timezone: Not/AZone"),
            Ok(z) => panic!("unexpected {z}"),
        }
    }
}
