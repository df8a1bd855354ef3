//! Not API: the internals that this project's own integration tests, benches, fuzz targets
//! and the `embed!` macro's expansion name, re-exported from the crate-private modules under
//! their own module names. They may change in any release; a service uses the crate root.

pub mod config {
    pub use crate::config::{resolve_url, Config, DatabaseUrl, UrlKind};
}

pub mod db {
    pub use crate::db::{connect, introspect, read_heads, Cancel, Database, DbError, VersionTable};
}

pub mod history {
    pub use crate::history::{checksum, TOOL_VERSION};
}

pub mod lint {
    pub use crate::lint::{lint_migration, Migration, Section, Severities};
}

pub mod ops {
    pub use crate::ops::{apply_online, Operation};
}

pub mod project {
    pub use crate::project::Project;
}

pub mod revision {
    pub use crate::revision::{plan_downgrade, plan_upgrade, Plan, Revision, RevisionMap};
}

pub mod runner {
    pub use crate::runner::{Event, RunError, SinkError, StatementError};
}

pub mod schema {
    pub use crate::schema::{
        apply_sql, canonical, comparable, names, parse_statement, read_models, translate, Column,
        ColumnType, Emit, Schema, Table,
    };
}

pub mod script {
    pub use crate::script::{EmbeddedFile, EmbeddedScripts, Script};
}

pub mod sql {
    pub use crate::sql::{lines, split_statements, split_with, Comments};
}
