//! The Migrator on a connection the service already holds: the same version rows and
//! history rows as through a URL, and the connection still the caller's afterwards.

use litekb_migrations::{EmbeddedScripts, Migrator};

use crate::pg;

static MIGRATIONS: EmbeddedScripts = litekb_migrations::embed!("backend/alembic");

const HEAD: &str = "e2a84c6d1f95";

#[test]
fn a_services_own_sqlite_connection_is_migrated_and_left_usable() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = rusqlite::Connection::open(dir.path().join("app.db")).unwrap();
    let migrator = Migrator::new(&MIGRATIONS);
    assert_eq!(migrator.pending(&mut conn).unwrap().steps.len(), 5);
    assert_eq!(migrator.upgrade(&mut conn, "head").unwrap().steps.len(), 5);
    assert_eq!(migrator.current(&mut conn).unwrap(), [HEAD]);
    assert!(migrator.pending(&mut conn).unwrap().steps.is_empty());
    // The service goes on using its connection.
    conn.execute("INSERT INTO collections (name) VALUES ('c')", [])
        .unwrap();
    let history: i64 = conn
        .query_row(
            "SELECT count(*) FROM alembic_version_history WHERE direction = 'upgrade'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(history, 5);
    migrator.downgrade(&mut conn, "-1").unwrap();
    assert_eq!(migrator.current(&mut conn).unwrap().len(), 1);
    assert_ne!(migrator.current(&mut conn).unwrap(), [HEAD]);
}

#[test]
fn a_services_own_postgres_client_is_migrated_and_left_usable() {
    let url = pg::database_url();
    let mut client = pg::admin_client(&url);
    let migrator = Migrator::new(&MIGRATIONS);
    assert_eq!(
        migrator.upgrade(&mut client, "head").unwrap().steps.len(),
        5
    );
    assert_eq!(migrator.current(&mut client).unwrap(), [HEAD]);
    let rows = client
        .query("SELECT count(*) FROM alembic_version_history", &[])
        .unwrap();
    assert_eq!(rows[0].get::<_, i64>(0), 5);
    // The migration lock was released with the call, though the session goes on: another
    // run takes it at once.
    let quick = Migrator::new(&MIGRATIONS).lock_timeout(std::time::Duration::from_secs(1));
    assert!(quick.upgrade(&url, "head").unwrap().steps.is_empty());
    migrator.downgrade(&mut client, "base").unwrap();
    assert!(pg::tables(&url)
        .iter()
        .all(|t| t.starts_with("alembic_version")));
}
