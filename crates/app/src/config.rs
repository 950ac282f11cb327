//! Typed configuration: defaults, then an optional TOML file, then `MIZALLA_*` environment
//! variables, then command-line flags (applied by the CLI). Unknown keys are rejected so a typo
//! in a config file is an error, not a silently ignored setting.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

/// A value that must never be printed: its `Debug` and `Display` are redacted.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A database URL: shown with its password replaced.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(value: impl Into<String>) -> Self {
        DatabaseUrl(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for DatabaseUrl {
    /// `postgres://user:secret@host/db` is shown as `postgres://user:***@host/db`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.0;
        if let (Some(scheme_end), Some(at)) = (s.find("://"), s.rfind('@')) {
            let creds = &s[scheme_end + 3..at];
            if let Some(colon) = creds.find(':') {
                return write!(
                    f,
                    "{}{}:***{}",
                    &s[..scheme_end + 3],
                    &creds[..colon],
                    &s[at..]
                );
            }
        }
        f.write_str(s)
    }
}

/// The reverse proxies in front of the server, as addresses (`10.0.0.5`, `::1`) or networks
/// (`10.0.0.0/8`). Only a request that comes straight from one of them has its
/// `X-Forwarded-For` header believed; any client can write that header, so with no proxy listed
/// (the default) it is ignored. Written as a list in the file, or comma-separated
/// (`MIZALLA_TRUSTED_PROXIES=10.0.0.5,10.0.1.0/24`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<ipnet::IpNet>);

impl TrustedProxies {
    /// Parses addresses and networks; the error names the entry that is neither.
    pub fn parse<'a>(entries: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut nets = Vec::new();
        for entry in entries.into_iter().map(str::trim).filter(|e| !e.is_empty()) {
            let net = match entry.parse::<ipnet::IpNet>() {
                Ok(net) => net,
                Err(_) => entry
                    .parse::<std::net::IpAddr>()
                    .map(ipnet::IpNet::from)
                    .map_err(|_| format!("{entry:?} is not an IP address or network"))?,
            };
            nets.push(net);
        }
        Ok(TrustedProxies(nets))
    }

    /// Whether `ip` is one of the proxies (an IPv4 address seen as `::ffff:a.b.c.d` counts as
    /// itself).
    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for TrustedProxies {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|n| n.to_string()))
    }
}

impl<'de> Deserialize<'de> for TrustedProxies {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            List(Vec<String>),
            Text(String),
        }
        let parsed = match Written::deserialize(d)? {
            Written::List(list) => TrustedProxies::parse(list.iter().map(String::as_str)),
            Written::Text(text) => TrustedProxies::parse(text.split(',')),
        };
        parsed.map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `sqlite://FILE` (default `sqlite://mizalla.db`) or `postgres://…`.
    pub database_url: DatabaseUrl,
    /// Address to listen on.
    pub listen: String,
    /// Mark cookies `Secure`: set when the platform is served over HTTPS (the default for any
    /// listen address that is not loopback).
    pub cookie_secure: Option<bool>,
    /// How long a login lasts, in hours.
    pub session_hours: i64,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Largest file accepted on the import page, in bytes.
    pub max_upload_bytes: usize,
    /// Wrong passwords one client address may try on one account before each further try
    /// waits (30 seconds, doubling with each further failure).
    pub login_attempts: u32,
    /// The longest such wait, in minutes.
    pub throttle_minutes: i64,
    /// "Already registered?" checks one user may make in a minute (0: no limit, for load
    /// tests). A clerk makes a few; thousands are someone mining other members' registrations.
    pub checks_per_minute: u32,
    /// How long a request may take before it is answered "took too long" (408), in seconds.
    pub request_timeout_secs: u64,
    /// Reverse proxies whose `X-Forwarded-For` names the client (default: none).
    pub trusted_proxies: TrustedProxies,
    /// `pretty` or `json`.
    pub log_format: String,
    /// The assistance ledger's key (at least 32 characters), which seals every entry so that
    /// someone who can write to the database but does not have the key cannot rewrite or forge
    /// entries. Kept outside the database; prefer `ledger_key_file`.
    pub ledger_key: Option<Secret>,
    /// A file holding the ledger key (created, readable by its owner only, at the first start of
    /// a ledger that has no key yet). With neither setting, an SQLite database keeps its key in
    /// `FILE.ledger-key` beside the database file; PostgreSQL needs one of the two.
    pub ledger_key_file: Option<PathBuf>,
    /// The SMTP server that sends the platform's e-mails (announcements and requests to
    /// members). With none, no e-mail is sent and pages say so; everything else works.
    pub smtp_host: Option<String>,
    /// Its port; by default 587 for STARTTLS, 465 for TLS and 25 for a plain local relay.
    pub smtp_port: Option<u16>,
    /// `starttls` (the default), `tls` (TLS from the first byte) or `none` (plain text: only for
    /// a relay on the same machine or network).
    pub smtp_security: String,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<Secret>,
    /// Who the e-mails are from, as `Name <address>`.
    pub smtp_from: String,
    /// How long one attempt to hand an e-mail to the server may take, in seconds.
    pub smtp_timeout_secs: u64,
    /// The platform's address as users reach it (`https://mizalla.example.org`), for the links
    /// in e-mails; without it e-mails name the page without a link.
    pub public_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: DatabaseUrl::new("sqlite://mizalla.db"),
            listen: "127.0.0.1:8080".into(),
            cookie_secure: None,
            session_hours: 12,
            max_body_bytes: 2 * 1024 * 1024,
            max_upload_bytes: 50 * 1024 * 1024,
            login_attempts: 5,
            throttle_minutes: 15,
            checks_per_minute: 60,
            request_timeout_secs: 30,
            trusted_proxies: TrustedProxies::default(),
            log_format: "pretty".into(),
            ledger_key: None,
            ledger_key_file: None,
            smtp_host: None,
            smtp_port: None,
            smtp_security: "starttls".into(),
            smtp_username: None,
            smtp_password: None,
            smtp_from: "Mizalla <no-reply@localhost>".into(),
            smtp_timeout_secs: 10,
            public_url: None,
        }
    }
}

const ENV_KEYS: &[&str] = &[
    "database_url",
    "listen",
    "cookie_secure",
    "session_hours",
    "max_body_bytes",
    "max_upload_bytes",
    "login_attempts",
    "throttle_minutes",
    "checks_per_minute",
    "request_timeout_secs",
    "trusted_proxies",
    "log_format",
    "ledger_key",
    "ledger_key_file",
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "smtp_username",
    "smtp_password",
    "smtp_from",
    "smtp_timeout_secs",
    "public_url",
];

impl Settings {
    /// Defaults ← `file` (when it exists) ← `MIZALLA_*` environment variables.
    pub fn load(file: Option<&Path>) -> Result<Self, Box<figment::Error>> {
        let mut fig = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(path) = file {
            fig = fig.merge(Toml::file_exact(path));
        } else if Path::new("mizalla.toml").exists() {
            fig = fig.merge(Toml::file("mizalla.toml"));
        }
        // Only the settings' own names: other MIZALLA_* variables (MIZALLA_CONFIG, the tests'
        // MIZALLA_TEST_DATABASE_URL) belong to other readers.
        fig.merge(Env::prefixed("MIZALLA_").only(ENV_KEYS))
            .extract()
            .map_err(Box::new)
    }

    pub fn secure_cookies(&self) -> bool {
        self.cookie_secure.unwrap_or_else(|| {
            !(self.listen.starts_with("127.")
                || self.listen.starts_with("localhost")
                || self.listen.starts_with("[::1]"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_password_never_shows_in_debug_output() {
        let s = Settings {
            database_url: DatabaseUrl::new("postgres://mizalla:hunter2@db.local:5432/mizalla"),
            ..Settings::default()
        };
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(
            shown.contains("postgres://mizalla:***@db.local:5432/mizalla"),
            "{shown}"
        );
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "[redacted]");
    }

    #[test]
    fn the_ledger_key_never_shows_in_debug_output() {
        let s = Settings {
            ledger_key: Some(Secret::new("correct-horse-battery-staple-0123456789")),
            ledger_key_file: Some("/etc/mizalla/ledger.key".into()),
            ..Settings::default()
        };
        let shown = format!("{s:?}");
        assert!(!shown.contains("correct-horse"), "{shown}");
        assert!(shown.contains("ledger_key: Some([redacted])"), "{shown}");
        // The file's path is not a secret: operators need to see which file is used.
        assert!(shown.contains("/etc/mizalla/ledger.key"), "{shown}");
    }

    #[test]
    fn the_smtp_password_never_shows_in_debug_output() {
        let s = Settings {
            smtp_host: Some("smtp.example.org".into()),
            smtp_username: Some("mizalla".into()),
            smtp_password: Some(Secret::new("smtp-hunter2")),
            ..Settings::default()
        };
        let shown = format!("{s:?}");
        assert!(!shown.contains("smtp-hunter2"), "{shown}");
        assert!(shown.contains("smtp_password: Some([redacted])"), "{shown}");
    }

    #[test]
    fn unknown_keys_in_the_config_file_are_rejected() {
        let dir = std::env::temp_dir().join(format!("mizalla-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("bad.toml");
        std::fs::write(&file, "listne = \"0.0.0.0:80\"\n").unwrap();
        assert!(Settings::load(Some(&file)).is_err());
        std::fs::write(&file, "listen = \"0.0.0.0:9000\"\n").unwrap();
        let s = Settings::load(Some(&file)).unwrap();
        assert_eq!(s.listen, "0.0.0.0:9000");
        assert!(s.secure_cookies());
    }

    #[test]
    fn trusted_proxies_are_none_by_default_and_read_as_addresses_or_networks() {
        assert!(Settings::default().trusted_proxies.is_empty());
        let dir = std::env::temp_dir().join(format!("mizalla-proxies-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("proxies.toml");
        std::fs::write(
            &file,
            "trusted_proxies = [\"10.0.0.5\", \"192.168.0.0/16\", \"::1\"]\n",
        )
        .unwrap();
        let s = Settings::load(Some(&file)).unwrap();
        let ip = |a: &str| a.parse::<std::net::IpAddr>().unwrap();
        assert!(s.trusted_proxies.contains(ip("10.0.0.5")));
        assert!(!s.trusted_proxies.contains(ip("10.0.0.6")));
        assert!(s.trusted_proxies.contains(ip("192.168.44.1")));
        assert!(s.trusted_proxies.contains(ip("::1")));
        assert!(
            s.trusted_proxies.contains(ip("::ffff:10.0.0.5")),
            "IPv4 seen over IPv6"
        );
        // Comma-separated, as an environment variable gives it.
        let t: TrustedProxies = serde_json::from_str("\"10.0.0.5, 10.1.0.0/16\"").unwrap();
        assert!(t.contains(ip("10.1.2.3")));
        std::fs::write(&file, "trusted_proxies = [\"proxy.local\"]\n").unwrap();
        assert!(
            Settings::load(Some(&file)).is_err(),
            "a name is not an address"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
