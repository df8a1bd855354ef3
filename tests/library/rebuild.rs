//! `embed!` follows its scripts without `cargo clean`: a crate that embeds a directory (and
//! names it in its build script, as the macro's documentation says) is rebuilt by a plain
//! `cargo run` after a script is added, changed or removed, and its embedded set says so.
//!
//! The probe crate depends on the macro crate alone (seconds to build, in its own target
//! directory) and gives it a stand-in for the library's two types, so what is tested is the
//! macro's expansion and cargo's rebuild decisions, not the library.

use std::path::Path;
use std::process::Command;

const PROBE_MAIN: &str = r#"
mod internals { pub mod script {
    pub struct EmbeddedFile { pub path: &'static str, pub bytes: &'static [u8] }
    pub struct EmbeddedScripts { pub files: &'static [EmbeddedFile] }
    impl EmbeddedScripts {
        pub const fn new(
            _root: &'static str,
            _ini: Option<&'static str>,
            _locations: &'static [&'static str],
            files: &'static [EmbeddedFile],
        ) -> Self {
            EmbeddedScripts { files }
        }
    }
} }

static SET: internals::script::EmbeddedScripts = litekb_migrations_macros::embed!(crate, "migrations");

fn main() {
    for file in SET.files {
        println!("{} {}", file.path, String::from_utf8_lossy(file.bytes).trim());
    }
}
"#;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `cargo run` in the probe crate: what its embedded set holds.
fn run(probe: &Path) -> String {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["run", "--quiet", "--offline"])
        .current_dir(probe)
        .env("CARGO_TARGET_DIR", probe.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn adding_changing_and_removing_a_script_rebuilds_the_embedded_set() {
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path();
    let macros = Path::new(env!("CARGO_MANIFEST_DIR")).join("macros");
    write(
        &probe.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"embed-probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
             [dependencies]\nlitekb-migrations-macros = {{ path = {:?} }}\n\n[workspace]\n",
            macros.display().to_string()
        ),
    );
    write(
        &probe.join("build.rs"),
        "fn main() {\n    println!(\"cargo:rerun-if-changed=migrations/versions\");\n}\n",
    );
    write(&probe.join("src/main.rs"), PROBE_MAIN);
    let versions = probe.join("migrations/versions");
    write(&versions.join("1_a.sql"), "one");
    assert_eq!(run(probe), "migrations/versions/1_a.sql one\n");

    write(&versions.join("2_b.sql"), "two");
    assert_eq!(
        run(probe),
        "migrations/versions/1_a.sql one\nmigrations/versions/2_b.sql two\n"
    );

    write(&versions.join("1_a.sql"), "one, edited");
    write(&versions.join("notes.txt"), "not a script");
    assert_eq!(
        run(probe),
        "migrations/versions/1_a.sql one, edited\nmigrations/versions/2_b.sql two\n"
    );

    std::fs::remove_file(versions.join("1_a.sql")).unwrap();
    assert_eq!(run(probe), "migrations/versions/2_b.sql two\n");
}
