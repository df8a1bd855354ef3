//! The statement splitter: quotes, comments, `$$` bodies, trigger bodies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use litekb_migrations::internals::sql::split_statements;

fuzz_target!(|text: &str| {
    let _ = split_statements(text);
});
