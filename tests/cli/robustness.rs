//! Property tests: the parsers that read outside input — script files, `alembic.ini`, database
//! URLs — given arbitrary and near-valid text, never panic, and fail with one line.
//!
//! The statement splitter (`src/script/split.rs`) and target resolution
//! (`src/revision/tests/prop_tests.rs`) have theirs beside the code. `fuzz/` holds cargo-fuzz
//! targets for the same entry points, for longer runs.

use std::path::Path;

use litekb_migrations::internals::config::{Config, DatabaseUrl, UrlKind};
use litekb_migrations::internals::script::Script;
use litekb_migrations::internals::sql::split_statements;
use proptest::prelude::*;

/// Script-ish lines: header keys (known, unknown, repeated), markers (good, bad, with
/// dialects and options), SQL with quotes, comments and `$$` bodies.
fn script_line() -> impl Strategy<Value = String> {
    prop_oneof![
        "-- (revision|down_revision|branch_labels|depends_on|message|create_date|colour): [a-z0-9_, ]{0,20}",
        "-- \\+(upgrade|downgrade|sideways)( (sqlite|postgresql|oracle|no-transaction)){0,2}",
        "--\\+upgrade",
        "CREATE TABLE [a-z]{1,5} \\(id INTEGER\\);",
        "SELECT '[a-z;$]{0,6}';",
        "DO \\$\\$ BEGIN [a-z; ]{0,10} END \\$\\$;",
        "-- [a-z:+ ]{0,12}",
        "[ \t]{0,3}",
        any::<String>(),
    ]
}

fn line_ending() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("\n"), Just("\r\n"), Just("\r")]
}

/// Ini-ish lines: sections, keys with `=`/`:`, interpolations (good, dangling, recursive),
/// continuations, comments.
fn ini_line() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\[(alembic|DEFAULT|loggers|[a-z]{0,4})\\]",
        "(script_location|sqlalchemy.url|version_locations|lock_timeout|truncate_slug_length|transaction_per_migration|here|[a-z]{1,4}) ?[=:] ?[a-z0-9/%(). ]{0,20}",
        "[a-z]{1,3} = %\\((here|[a-z]{1,3})\\)s%%?[a-z]{0,3}",
        "[ \t]+[a-z%()]{0,10}",
        "[#;].{0,10}",
        any::<String>(),
    ]
}

/// URL-ish strings: known and unknown schemes, user, password, host, port, path, query.
fn url() -> impl Strategy<Value = String> {
    (
        "(sqlite|postgresql|postgres|postgresql\\+psycopg2|mysql|[a-z+]{0,6})",
        "(://|:/|:|)",
        "([a-z%@:]{0,5}(:[a-zA-Z0-9%@:/]{0,6})?@)?",
        "(\\[[0-9a-f:]{0,6}\\]|[a-z0-9.%]{0,8})",
        "(:[0-9a-z]{0,6})?",
        "(/[a-z0-9.:/]{0,8})?",
        "(\\?[a-z]{0,8}=[a-z%]{0,8}(&[a-z]{0,8}=[a-z]{0,4}){0,2})?",
    )
        .prop_map(|(a, b, c, d, e, f, g)| format!("{a}{b}{c}{d}{e}{f}{g}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn script_parser_never_panics(
        lines in prop::collection::vec(script_line(), 0..14),
        eol in line_ending(),
        bom in any::<bool>(),
    ) {
        let mut text = lines.join(eol);
        if bom {
            text.insert(0, '\u{feff}');
        }
        match Script::parse(Path::new("/p/x.sql"), &text) {
            Ok(script) => {
                let line_count = litekb_migrations::internals::sql::lines(&text).count().max(1);
                for section in &script.sections {
                    prop_assert!(section.first_line <= line_count + 1);
                    for st in split_statements(&section.sql).unwrap_or_default() {
                        prop_assert!(!st.sql.is_empty());
                    }
                }
            }
            Err(err) => {
                let msg = err.to_string();
                prop_assert!(!msg.contains('\n'), "two lines: {msg}");
                prop_assert!(msg.contains("/p/x.sql"), "no file named: {msg}");
            }
        }
    }

    #[test]
    fn ini_parser_never_panics(
        lines in prop::collection::vec(ini_line(), 0..12),
        eol in line_ending(),
    ) {
        let text = lines.join(eol);
        match Config::from_text(Path::new("/p/alembic.ini"), "alembic", &text) {
            Ok(config) => {
                // The accessors read those values too; none may panic.
                let _ = config.script_location();
                let _ = config.version_locations();
                let _ = config.truncate_slug_length();
                let _ = config.transaction_per_migration();
                let _ = config.file_template();
                let _ = config.sqlalchemy_url().map(DatabaseUrl::parse);
            }
            Err(err) => {
                let msg = err.to_string();
                prop_assert!(!msg.contains('\n'), "two lines: {msg}");
            }
        }
    }

    #[test]
    fn url_parser_never_panics_or_shows_a_password(raw in url(), other in any::<String>()) {
        for raw in [&raw, &other] {
            let shown = match DatabaseUrl::parse(raw) {
                Ok(url) => {
                    if let UrlKind::Postgres(params) = url.kind() {
                        if let Some(pw) = params.password.as_deref().filter(|p| p.len() >= 4) {
                            prop_assert!(!url.to_string().contains(pw), "{url}");
                            prop_assert!(!format!("{url:?}").contains(pw), "{url:?}");
                        }
                    }
                    url.to_string()
                }
                Err(err) => err.to_string(),
            };
            prop_assert!(!shown.contains('\n') || raw.contains('\n'), "two lines: {shown}");
        }
    }

    #[test]
    fn a_password_never_shows_in_an_error(
        scheme in "(postgresql|postgres|mysql|sqlite)",
        password in "[A-Za-z0-9]{8,12}",
        rest in "(@host:[0-9a-z]{0,6}/db(\\?sslmode=[a-z]{0,8})?|@/db|@[:/]{0,3})",
    ) {
        let raw = format!("{scheme}://user:PW{password}{rest}");
        let shown = match DatabaseUrl::parse(&raw) {
            Ok(url) => format!("{url} {url:?}"),
            Err(err) => err.to_string(),
        };
        prop_assert!(!shown.contains(&format!("PW{password}")), "{shown}");
    }
}
