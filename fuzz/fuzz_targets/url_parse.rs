//! A database URL, and its masked form.
#![no_main]

use libfuzzer_sys::fuzz_target;
use litekb_migrations::internals::config::DatabaseUrl;

fuzz_target!(|text: &str| {
    if let Ok(url) = DatabaseUrl::parse(text) {
        let _ = url.to_string();
    }
});
