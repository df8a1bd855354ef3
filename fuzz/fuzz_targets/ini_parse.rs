//! An `alembic.ini`: configparser syntax, interpolation, then the typed accessors.
#![no_main]

use libfuzzer_sys::fuzz_target;
use litekb_migrations::internals::config::Config;

fuzz_target!(|text: &str| {
    if let Ok(config) =
        Config::from_text(std::path::Path::new("/fuzz/alembic.ini"), "alembic", text)
    {
        let _ = config.script_location();
        let _ = config.version_locations();
        let _ = config.truncate_slug_length();
        let _ = config.transaction_per_migration();
    }
});
