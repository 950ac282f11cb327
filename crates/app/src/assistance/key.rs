//! The ledger key: a secret kept outside the database with which every ledger entry is sealed
//! (an HMAC-SHA-256 of the entry's hash). The hash chain alone proves only that the entries agree
//! with each other: whoever can write to the database can recompute every hash after changing
//! an entry, or append an entry of their own with a correct hash. Without the key they cannot
//! make its seal.
//!
//! Where the key comes from, in order: the `ledger_key` setting, the `ledger_key_file` setting,
//! and for an SQLite database with neither, `FILE.ledger-key` beside the database file. A key
//! file that does not exist is created (32 random bytes, hex, readable by its owner only) when
//! the ledger has never been sealed; once it has, a missing or different key stops the start
//! instead of silently sealing new entries with a key nobody can check the old ones with.

use crate::config::Settings;
use crate::db::{Db, Kind};
use hmac::{KeyInit, Mac};
use std::fmt;
use std::path::{Path, PathBuf};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Shortest key accepted, in bytes (characters of the setting or the file).
pub const MIN_KEY_BYTES: usize = 32;

/// Where the key in use came from (shown to operators; never the key itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The `ledger_key` setting.
    Setting,
    /// A key file, named by `ledger_key_file` or beside the SQLite database.
    File(PathBuf),
    /// An in-memory SQLite database: a key that lives as long as the database.
    Ephemeral,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Setting => f.write_str("the ledger_key setting"),
            Source::File(p) => write!(f, "the key file {}", p.display()),
            Source::Ephemeral => f.write_str("a key kept in memory (in-memory database)"),
        }
    }
}

/// The ledger key. Its `Debug` shows where it came from and its id, never the key.
#[derive(Clone)]
pub struct LedgerKey {
    bytes: Vec<u8>,
    pub source: Source,
}

impl fmt::Debug for LedgerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "LedgerKey {{ id: {}, source: {:?} }}",
            self.id(),
            self.source
        )
    }
}

impl LedgerKey {
    /// A key from its text (a setting's value or a key file's content, surrounding white space
    /// removed).
    pub fn from_text(text: &str, source: Source) -> anyhow::Result<Self> {
        let text = text.trim();
        if text.len() < MIN_KEY_BYTES {
            anyhow::bail!(
                "the ledger key from {source} is too short: it needs at least {MIN_KEY_BYTES} characters"
            );
        }
        Ok(LedgerKey {
            bytes: text.as_bytes().to_vec(),
            source,
        })
    }

    fn mac(&self, parts: &[&str]) -> HmacSha256 {
        // Any length is a valid HMAC key: `new_from_slice` cannot fail here.
        let mut mac = HmacSha256::new_from_slice(&self.bytes).expect("HMAC takes any key length");
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                mac.update(b"\x1f");
            }
            mac.update(p.as_bytes());
        }
        mac
    }

    fn tag(&self, parts: &[&str]) -> String {
        hex::encode(self.mac(parts).finalize().into_bytes())
    }

    fn check(&self, parts: &[&str], tag: &str) -> bool {
        match hex::decode(tag.trim()) {
            // `verify_slice` compares in constant time.
            Ok(bytes) => self.mac(parts).verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }

    /// A short public name of the key (16 hex digits), to tell keys apart without showing them.
    pub fn id(&self) -> String {
        self.tag(&["mizalla ledger key id"])[..16].to_owned()
    }

    /// The seal of the entry whose hash is `hash`.
    pub fn seal_entry(&self, hash: &str) -> String {
        self.tag(&["mizalla ledger entry", hash])
    }

    pub fn entry_sealed(&self, hash: &str, seal: &str) -> bool {
        self.check(&["mizalla ledger entry", hash], seal)
    }

    /// The seal of a checkpoint: the chain's `count`-th entry has hash `hash`.
    pub fn seal_checkpoint(&self, count: i64, hash: &str) -> String {
        self.tag(&["mizalla ledger checkpoint", &count.to_string(), hash])
    }

    pub fn checkpoint_sealed(&self, count: i64, hash: &str, seal: &str) -> bool {
        self.check(
            &["mizalla ledger checkpoint", &count.to_string(), hash],
            seal,
        )
    }

    /// The seal of the moment the key was introduced: `entries` entries (the last with hash
    /// `head`) were recorded before it.
    pub fn seal_introduction(&self, entries: i64, head: &str) -> String {
        self.tag(&[
            "mizalla ledger key introduced",
            &self.id(),
            &entries.to_string(),
            head,
        ])
    }

    pub fn introduction_sealed(&self, entries: i64, head: &str, seal: &str) -> bool {
        self.check(
            &[
                "mizalla ledger key introduced",
                &self.id(),
                &entries.to_string(),
                head,
            ],
            seal,
        )
    }
}

/// Where the key of the database at `url` is looked for when no setting names it: beside an
/// SQLite file, `None` for PostgreSQL or an in-memory SQLite database.
pub fn default_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    let mut name = Path::new(path).as_os_str().to_owned();
    name.push(".ledger-key");
    Some(PathBuf::from(name))
}

/// What the settings say about the key, before any file is read.
enum Wanted {
    Text(String),
    File(PathBuf),
    Ephemeral,
    None,
}

fn wanted(settings: &Settings, kind: Kind) -> Wanted {
    if let Some(k) = &settings.ledger_key {
        return Wanted::Text(k.expose().to_owned());
    }
    if let Some(p) = &settings.ledger_key_file {
        return Wanted::File(p.clone());
    }
    match (kind, default_file(settings.database_url.expose())) {
        (Kind::Sqlite, Some(p)) => Wanted::File(p),
        (Kind::Sqlite, None) => Wanted::Ephemeral,
        (Kind::Postgres, _) => Wanted::None,
    }
}

fn read_file(path: &Path) -> anyhow::Result<LedgerKey> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read the ledger key file {}: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(
                file = %path.display(),
                "the ledger key file can be read by other users: make it readable by its owner only (chmod 600)"
            );
        }
    }
    LedgerKey::from_text(&text, Source::File(path.to_owned()))
}

/// Creates the key file `path` with a new random key, readable by its owner only. Another
/// process creating it at the same moment wins, and its key is read.
fn create_file(path: &Path) -> anyhow::Result<LedgerKey> {
    use std::io::Write as _;
    let bytes: [u8; 32] = rand::random();
    let text = format!("{}\n", hex::encode(bytes));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut f) => {
            f.write_all(text.as_bytes())
                .and_then(|_| f.sync_all())
                .map_err(|e| {
                    anyhow::anyhow!("cannot write the ledger key file {}: {e}", path.display())
                })?;
            tracing::info!(
                file = %path.display(),
                "created the assistance ledger's key file: keep a copy of it in a safe place, apart from the database's backups"
            );
            LedgerKey::from_text(&text, Source::File(path.to_owned()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read_file(path),
        Err(e) => Err(anyhow::anyhow!(
            "cannot create the ledger key file {}: {e}",
            path.display()
        )),
    }
}

/// The key the settings name, for a ledger that was (`sealed_with`: the key's id) or was not yet
/// sealed. A key file is created only for a ledger never sealed. `None`: PostgreSQL with no key
/// configured (the ledger can then be read, not written or verified).
pub fn load(
    settings: &Settings,
    db: &Db,
    sealed_with: Option<&str>,
) -> anyhow::Result<Option<LedgerKey>> {
    let key = match wanted(settings, db.kind) {
        Wanted::Text(t) => LedgerKey::from_text(&t, Source::Setting)?,
        Wanted::File(p) if p.exists() => read_file(&p)?,
        Wanted::File(p) => match sealed_with {
            None => create_file(&p)?,
            Some(id) => anyhow::bail!(
                "the ledger key file {} is missing, but this database's assistance ledger was sealed \
                 with a key (id {id}). Put the key file back from its safe copy; a new key would make \
                 every recorded entry fail verification.",
                p.display()
            ),
        },
        Wanted::Ephemeral => {
            let bytes: [u8; 32] = rand::random();
            LedgerKey::from_text(&hex::encode(bytes), Source::Ephemeral)?
        }
        Wanted::None => return Ok(None),
    };
    if let Some(id) = sealed_with
        && id != key.id()
    {
        anyhow::bail!(
            "the ledger key from {} (id {}) is not the key this database's assistance ledger was \
             sealed with (id {id}): configure the ledger's own key (ledger_key_file or MIZALLA_LEDGER_KEY_FILE)",
            key.source,
            key.id()
        );
    }
    Ok(Some(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> LedgerKey {
        LedgerKey::from_text(text, Source::Setting).unwrap()
    }

    #[test]
    fn seals_depend_on_the_key_and_on_what_they_seal() {
        let a = key("a-ledger-key-of-at-least-32-characters");
        let b = key("another-ledger-key-at-least-32-chars!");
        let seal = a.seal_entry("abc");
        assert!(a.entry_sealed("abc", &seal));
        assert!(!a.entry_sealed("abd", &seal));
        assert!(!b.entry_sealed("abc", &seal));
        assert!(!a.entry_sealed("abc", "not hex"));
        assert!(!a.entry_sealed("abc", ""));
        // A checkpoint's seal binds its count too.
        let cp = a.seal_checkpoint(7, "abc");
        assert!(a.checkpoint_sealed(7, "abc", &cp));
        assert!(!a.checkpoint_sealed(6, "abc", &cp));
        // An entry's seal is not a checkpoint's.
        assert!(!a.checkpoint_sealed(7, "abc", &seal));
        assert_ne!(a.id(), b.id());
        assert_eq!(a.id().len(), 16);
    }

    #[test]
    fn the_key_never_shows_in_debug_output_and_short_keys_are_refused() {
        let k = key("  the-secret-ledger-key-0123456789abcdef\n");
        let shown = format!("{k:?}");
        assert!(!shown.contains("the-secret"), "{shown}");
        assert!(shown.contains(&k.id()), "{shown}");
        assert!(LedgerKey::from_text("short", Source::Setting).is_err());
    }

    #[test]
    fn the_default_key_file_lies_beside_an_sqlite_database() {
        assert_eq!(
            default_file("sqlite://data/mizalla.db?mode=rwc"),
            Some(PathBuf::from("data/mizalla.db.ledger-key"))
        );
        assert_eq!(
            default_file("sqlite:mizalla.db"),
            Some(PathBuf::from("mizalla.db.ledger-key"))
        );
        assert_eq!(default_file("sqlite::memory:"), None);
        assert_eq!(default_file("postgres://u:p@h/db"), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_key_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = std::env::temp_dir().join(format!("mizalla-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("test.db.ledger-key");
        let _ = std::fs::remove_file(&path);
        let made = create_file(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        // Created once: a second start reads the same key.
        assert_eq!(create_file(&path).unwrap().id(), made.id());
        assert_eq!(read_file(&path).unwrap().id(), made.id());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
