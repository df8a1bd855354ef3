//! `[post_write_hooks]`: the programs run on each newly written revision file, read as
//! Alembic's `Config.get_hooks_list` reads them.
//!
//! In the ini, `hooks = a, b` names the hooks in order (split on commas and blanks), and
//! `a.<key> = value` gives hook `a` its options; without that section, a
//! `[[tool.alembic.post_write_hooks]]` list of tables (`name = "a"`, then the options) in
//! `pyproject.toml` is read. The options are `type`, `executable` (`exec`), `entrypoint`
//! (`console_scripts`), `options` (the arguments, split as Python's `shlex.split` splits
//! them, `REVISION_SCRIPT_FILENAME` standing for the file and put first when absent) and
//! `cwd`. A `console_scripts` hook runs the program of its entry point's name from `PATH`
//! (where installing a console script puts it); a `module` hook would need Python and is
//! refused. Every definition is checked when the hooks are read, before a revision is
//! written. Pure: the values come from the loaded configuration.

use super::ConfigError;

/// The token of `options` that stands for the new revision file.
pub const REVISION_SCRIPT_TOKEN: &str = "REVISION_SCRIPT_FILENAME";

/// One hook, ready to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostWriteHook {
    /// The hook's name in `hooks =` (or its `name` in the toml).
    pub name: String,
    /// The program: `executable`, or a `console_scripts` hook's `entrypoint`.
    pub program: String,
    /// `options` as written (`REVISION_SCRIPT_FILENAME` not yet replaced).
    pub options: String,
    /// `cwd`: where the program runs (else the current directory).
    pub cwd: Option<String>,
}

impl PostWriteHook {
    /// The program's arguments for the revision file at `path`: `options` split as
    /// `shlex.split` does, the token replaced (and put first when `options` lacks it).
    pub fn arguments(&self, path: &str) -> Result<Vec<String>, String> {
        let words = shlex_split(&with_token(&self.options))?;
        Ok(words
            .into_iter()
            .map(|w| w.replace(REVISION_SCRIPT_TOKEN, path))
            .collect())
    }
}

/// `options` with the token put first when absent, as Alembic does.
fn with_token(options: &str) -> String {
    if options.contains(REVISION_SCRIPT_TOKEN) {
        options.to_string()
    } else {
        format!("{REVISION_SCRIPT_TOKEN} {options}")
    }
}

/// The hooks the ini's `[post_write_hooks]` section defines (its keys and interpolated
/// values).
pub(super) fn from_ini(section: &[(String, String)]) -> Result<Vec<PostWriteHook>, ConfigError> {
    let get = |key: &str| {
        section
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let names = get("hooks").unwrap_or("");
    let mut hooks = Vec::new();
    for name in names
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|n| !n.is_empty())
    {
        let prefix = format!("{name}.");
        let options: Vec<(String, String)> = section
            .iter()
            .filter_map(|(k, v)| k.strip_prefix(&prefix).map(|k| (k.to_string(), v.clone())))
            .collect();
        hooks.push(hook(name, &options)?);
    }
    Ok(hooks)
}

/// The hooks of `[[tool.alembic.post_write_hooks]]`: each table's keys and values.
pub(super) fn from_toml(
    tables: &[Vec<(String, String)>],
) -> Result<Vec<PostWriteHook>, ConfigError> {
    let mut hooks = Vec::new();
    for table in tables {
        let Some((_, name)) = table.iter().find(|(k, _)| k == "name") else {
            return Err(ConfigError::Hook(
                "a [[tool.alembic.post_write_hooks]] table has no 'name'".to_string(),
            ));
        };
        hooks.push(hook(name, table)?);
    }
    Ok(hooks)
}

/// One hook from its options (a missing key worded as Alembic words it).
fn hook(name: &str, options: &[(String, String)]) -> Result<PostWriteHook, ConfigError> {
    let get = |key: &str| {
        options
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let required = |key: &str| {
        get(key).ok_or_else(|| {
            ConfigError::Hook(format!(
                "Key {name}.{key} is required for post write hook '{name}'"
            ))
        })
    };
    let Some(kind) = get("type") else {
        return Err(ConfigError::Hook(format!(
            "Key '{name}.type' (or 'type' in toml) is required for post write hook '{name}'"
        )));
    };
    let program = match kind.trim() {
        "exec" => required("executable")?,
        "console_scripts" => required("entrypoint")?,
        "module" => {
            return Err(ConfigError::Hook(format!(
                "post write hook '{name}' is of type 'module', which runs `python -m {}`; this \
                 tool does not run Python: use type = exec with executable = the program",
                get("module").unwrap_or_default()
            )))
        }
        other => {
            return Err(ConfigError::Hook(format!(
                "No formatter with name '{other}' registered (post write hook '{name}'; the \
                 types are exec and console_scripts)"
            )))
        }
    };
    let options = get("options").unwrap_or_default();
    if let Err(message) = shlex_split(&with_token(&options)) {
        return Err(ConfigError::Hook(format!(
            "post write hook '{name}': its options can't be split: {message}"
        )));
    }
    Ok(PostWriteHook {
        name: name.to_string(),
        program,
        options,
        cwd: get("cwd"),
    })
}

/// Python's `shlex.split(text)` (POSIX mode, no comments): words split on blanks; `'…'`
/// literal; `"…"` where a backslash escapes only `"` and `\`; elsewhere a backslash escapes
/// the next character. Errors are Python's words.
fn shlex_split(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err("No closing quotation".to_string()),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') if matches!(chars.peek(), Some('"' | '\\')) => {
                            w.extend(chars.next());
                        }
                        Some(c) => w.push(c),
                        None => return Err("No closing quotation".to_string()),
                    }
                }
            }
            '\\' => match chars.next() {
                Some(c) => word.get_or_insert_with(String::new).push(c),
                None => return Err("No escaped character".to_string()),
            },
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(text: &str) -> Vec<(String, String)> {
        text.lines()
            .filter_map(|l| l.split_once(" = "))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn hooks_are_read_in_order_with_their_options() {
        let hooks = from_ini(&section(
            "hooks = black,  ruff fmt\nblack.type = console_scripts\nblack.entrypoint = black\n\
             black.options = -l 79 REVISION_SCRIPT_FILENAME\nruff.type = exec\n\
             ruff.executable = /venv/bin/ruff\nruff.options = check --fix\nruff.cwd = /src\n\
             fmt.type = exec\nfmt.executable = fmt.sh",
        ))
        .expect("hooks");
        let names: Vec<&str> = hooks.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["black", "ruff", "fmt"]);
        assert_eq!(hooks[0].program, "black");
        assert_eq!(hooks[1].cwd.as_deref(), Some("/src"));
        assert_eq!(
            hooks[0].arguments("/v/a1_x.py").ok(),
            Some(vec!["-l".into(), "79".into(), "/v/a1_x.py".into()])
        );
        assert_eq!(
            hooks[1].arguments("/v/a b.py").ok(),
            Some(vec!["/v/a b.py".into(), "check".into(), "--fix".into()])
        );
        assert_eq!(hooks[2].arguments("f.py").ok(), Some(vec!["f.py".into()]));
        assert_eq!(from_ini(&section("x = 1")).ok(), Some(Vec::new()));
    }

    #[test]
    fn bad_definitions_are_named_as_alembic_names_them() {
        let err = |text: &str| from_ini(&section(text)).unwrap_err().to_string();
        assert_eq!(
            err("hooks = a"),
            "Key 'a.type' (or 'type' in toml) is required for post write hook 'a'"
        );
        assert_eq!(
            err("hooks = a\na.type = exec"),
            "Key a.executable is required for post write hook 'a'"
        );
        assert_eq!(
            err("hooks = a\na.type = console_scripts"),
            "Key a.entrypoint is required for post write hook 'a'"
        );
        assert_eq!(
            err("hooks = a\na.type = module\na.module = ruff"),
            "post write hook 'a' is of type 'module', which runs `python -m ruff`; this tool \
             does not run Python: use type = exec with executable = the program"
        );
        assert_eq!(
            err("hooks = a\na.type = black"),
            "No formatter with name 'black' registered (post write hook 'a'; the types are exec \
             and console_scripts)"
        );
        let toml = vec![vec![("type".to_string(), "exec".to_string())]];
        assert_eq!(
            from_toml(&toml).unwrap_err().to_string(),
            "a [[tool.alembic.post_write_hooks]] table has no 'name'"
        );
        let toml = vec![vec![
            ("name".to_string(), "r".to_string()),
            ("type".to_string(), "exec".to_string()),
        ]];
        assert_eq!(
            from_toml(&toml).unwrap_err().to_string(),
            "Key r.executable is required for post write hook 'r'"
        );
        assert_eq!(
            err("hooks = a\na.type = exec\na.executable = x\na.options = 'open"),
            "post write hook 'a': its options can't be split: No closing quotation"
        );
    }

    #[test]
    fn options_split_as_shlex_splits_them() {
        let split = |s: &str| shlex_split(s);
        assert_eq!(
            split(r#"a 'b c' "d \"e\" \x" f\ g '' h#i"#),
            Ok(vec![
                "a".into(),
                "b c".into(),
                r#"d "e" \x"#.into(),
                "f g".into(),
                String::new(),
                "h#i".into()
            ])
        );
        assert_eq!(split("a 'b"), Err("No closing quotation".into()));
        assert_eq!(split("a \\"), Err("No escaped character".into()));
        assert_eq!(split("  "), Ok(Vec::new()));
    }
}
