// The catalogue's versioned migrations. Append new ones; never edit a migration that has shipped.
import GRDB

extension SQLiteMetadataStore {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-tree-packages-generations") { db in
            // AUTOINCREMENT: node ids double as inode numbers, so a deleted id must never come back.
            try db.execute(sql: """
                CREATE TABLE nodes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    parent_id INTEGER REFERENCES nodes(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    repository_id INTEGER REFERENCES nodes(id) ON DELETE CASCADE,
                    created_at REAL NOT NULL,
                    -- Last time a child was added, removed or renamed: a directory's mtime and ctime
                    -- (NFS servers re-read a directory only when its change time moves).
                    changed_at REAL,
                    UNIQUE (parent_id, name)
                );
                CREATE INDEX nodes_parent_id ON nodes(parent_id, id);
                CREATE INDEX nodes_repository ON nodes(repository_id);
                INSERT INTO nodes (id, parent_id, name, kind, created_at) VALUES
                    (1, NULL, '', 'root', CAST(strftime('%s', 'now') AS REAL)), (2, 1, 'apt', 'root', CAST(strftime('%s', 'now') AS REAL)),
                    (3, 1, 'pypi', 'root', CAST(strftime('%s', 'now') AS REAL)), (4, 1, 'tar', 'root', CAST(strftime('%s', 'now') AS REAL));

                CREATE TABLE blobs (
                    digest TEXT PRIMARY KEY NOT NULL,
                    size INTEGER NOT NULL
                ) WITHOUT ROWID;

                CREATE TABLE generations (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    repository_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
                    created_at REAL NOT NULL
                );
                CREATE INDEX generations_repository ON generations(repository_id, id);

                CREATE TABLE repositories (
                    id INTEGER PRIMARY KEY REFERENCES nodes(id) ON DELETE CASCADE,
                    provider TEXT NOT NULL,
                    name TEXT NOT NULL,
                    allow_overwrite INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL,
                    current_generation_id INTEGER REFERENCES generations(id) ON DELETE SET NULL,
                    UNIQUE (provider, name)
                );

                CREATE TABLE packages (
                    id INTEGER PRIMARY KEY REFERENCES nodes(id) ON DELETE CASCADE,
                    repository_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
                    directory_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
                    location TEXT NOT NULL,
                    filename TEXT NOT NULL,
                    name TEXT NOT NULL,
                    version TEXT NOT NULL,
                    blob_digest TEXT NOT NULL REFERENCES blobs(digest),
                    size INTEGER NOT NULL,
                    md5 TEXT,
                    sha1 TEXT,
                    sha512 TEXT,
                    attributes TEXT NOT NULL,
                    uploaded_at REAL NOT NULL,
                    modified_at REAL NOT NULL,
                    mode INTEGER,
                    UNIQUE (directory_id, filename)
                );
                CREATE INDEX packages_repository ON packages(repository_id, id);
                CREATE INDEX packages_blob ON packages(blob_digest);

                CREATE TABLE generation_files (
                    generation_id INTEGER NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
                    node_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
                    blob_digest TEXT REFERENCES blobs(digest),
                    size INTEGER NOT NULL,
                    hidden INTEGER NOT NULL,
                    PRIMARY KEY (generation_id, node_id)
                ) WITHOUT ROWID;
                CREATE INDEX generation_files_blob ON generation_files(blob_digest);
                CREATE INDEX generation_files_node ON generation_files(node_id);
                """)
        }
        migrator.registerMigration("v2-package-identity") { db in
            // A provider-defined identity (apt: name_version_arch) that must be unique within a drop directory,
            // enforced here so two concurrent ingests cannot both win.
            try db.execute(sql: """
                ALTER TABLE packages ADD COLUMN identity TEXT;
                CREATE UNIQUE INDEX packages_identity ON packages(directory_id, identity) WHERE identity IS NOT NULL;
                """)
        }
        migrator.registerMigration("v3-package-sidecars") { db in
            // Blobs a package brings besides its file (PyPI's core metadata, served as `<file>.metadata`): they
            // live exactly as long as the package, so they count as referenced through this table.
            try db.execute(sql: """
                CREATE TABLE package_sidecars (
                    package_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    blob_digest TEXT NOT NULL REFERENCES blobs(digest),
                    size INTEGER NOT NULL,
                    PRIMARY KEY (package_id, name)
                ) WITHOUT ROWID;
                CREATE INDEX package_sidecars_blob ON package_sidecars(blob_digest);
                """)
        }
        migrator.registerMigration("v4-access-tokens-private") { db in
            // Named tokens keep only the SHA-256 of their secret. `repositories` is NULL for a token that covers
            // every repository, else a JSON array of "provider/name" (names, not ids: a scope may name a repository
            // its first upload creates). A private repository's files need a covering token to be read over HTTP.
            try db.execute(sql: """
                CREATE TABLE tokens (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    secret_sha256 TEXT NOT NULL UNIQUE,
                    repositories TEXT,
                    created_at REAL NOT NULL
                );
                ALTER TABLE repositories ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
                """)
        }
        return migrator
    }
}
