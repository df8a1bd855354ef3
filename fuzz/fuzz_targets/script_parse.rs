//! A script file's text: header, section markers, statements. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use litekb_migrations::internals::script::Script;

fuzz_target!(|text: &str| {
    let _ = Script::parse(std::path::Path::new("/fuzz/x.sql"), text);
});
