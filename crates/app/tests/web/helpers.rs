use mizalla::access::Actor;
use mizalla::config::{DatabaseUrl, Settings};
use mizalla::db::Db;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A number unique within this test run.
pub fn unique() -> usize {
    COUNTER.fetch_add(1, Ordering::Relaxed) + std::process::id() as usize * 1000
}

/// The PostgreSQL server to test against, or `None` (and a printed line) when there is none.
/// Under CI a missing server fails the run instead of skipping.
pub fn postgres_url() -> Option<String> {
    match std::env::var("MIZALLA_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").is_err(),
                "CI=true but MIZALLA_TEST_DATABASE_URL is not set: PostgreSQL tests must run"
            );
            eprintln!(
                "skipped: PostgreSQL tests (set MIZALLA_TEST_DATABASE_URL=postgres://… to run them)"
            );
            None
        }
    }
}

/// A fresh, empty database on `backend`: a new SQLite file, or a new PostgreSQL database.
pub async fn fresh_database_url(backend: Backend) -> Option<String> {
    let n = unique();
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("mizalla-test-{n}"));
            std::fs::create_dir_all(&dir).unwrap();
            Some(format!("sqlite://{}/test.db", dir.display()))
        }
        Backend::Postgres => {
            let admin = postgres_url()?;
            sqlx::any::install_default_drivers();
            let name = format!("mizalla_test_{n}");
            let pool = sqlx::AnyPool::connect(&admin)
                .await
                .expect("connect to the PostgreSQL test server");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
            let (base, _) = admin
                .rsplit_once('/')
                .expect("postgres URL with a database name");
            Some(format!("{base}/{name}"))
        }
    }
}

/// The ledger key of the PostgreSQL test databases.
pub const TEST_LEDGER_KEY: &str = "the-ledger-key-of-the-postgresql-tests";

/// Whether poppler's `pdftotext` (the library's PDF reader) is installed; a test of PDFs skips
/// without it, except under CI, where it must be.
pub fn pdftotext() -> bool {
    if std::path::Path::new("/usr/bin/pdftotext").exists() {
        return true;
    }
    assert!(
        std::env::var("CI").is_err(),
        "CI=true but pdftotext is not installed (apt-get install poppler-utils)"
    );
    eprintln!("skipped: PDF tests (apt-get install poppler-utils to run them)");
    false
}

pub struct TestApp {
    pub base: String,
    pub db: Db,
    /// The database's URL, for a second process's view of it.
    pub database_url: String,
}

/// A test's database goes with the test: runs would otherwise leave about sixty databases (and
/// SQLite directories) behind each, until a developer's PostgreSQL holds gigabytes of them.
impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(file) = self.database_url.strip_prefix("sqlite://") {
            if let Some(dir) = std::path::Path::new(file).parent() {
                let _ = std::fs::remove_dir_all(dir);
            }
            return;
        }
        let (Ok(admin), Some((_, name))) = (
            std::env::var("MIZALLA_TEST_DATABASE_URL"),
            self.database_url.rsplit_once('/'),
        ) else {
            return;
        };
        let name = name.to_owned();
        // Drop runs inside the test's runtime, which cannot be blocked on: a thread with a
        // runtime of its own. FORCE closes the app's own connections, still open.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                if let Ok(pool) = sqlx::AnyPool::connect(&admin).await {
                    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(drop)).execute(&pool).await;
                    pool.close().await;
                }
            });
        })
        .join();
    }
}

impl TestApp {
    /// Starts the app with the demo alliance, or returns `None` when the backend is not available.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, true).await
    }

    pub async fn spawn_with(backend: Backend, demo: bool) -> Option<TestApp> {
        Self::spawn_configured(backend, demo, |_| {}).await
    }

    /// Starts the app with settings changed by `configure` (a trusted proxy, say).
    pub async fn spawn_configured(
        backend: Backend,
        demo: bool,
        configure: impl FnOnce(&mut Settings),
    ) -> Option<TestApp> {
        let url = fresh_database_url(backend).await?;
        let mut settings = Settings {
            database_url: DatabaseUrl::new(url.clone()),
            listen: "127.0.0.1:0".into(),
            // SQLite keeps its ledger key beside the database file; PostgreSQL needs one given.
            ledger_key: (backend == Backend::Postgres)
                .then(|| mizalla::config::Secret::new(TEST_LEDGER_KEY)),
            // Tests are not timed: a loaded machine may answer late, never wrongly (a check
            // once answered 408 beside a parallel build). Speed is measured in BENCHMARKS.md.
            request_timeout_secs: 600,
            ..Settings::default()
        };
        configure(&mut settings);
        let db = mizalla::open(&settings).await.expect("open database");
        if demo {
            mizalla::demo::seed(&db).await.expect("seed demo");
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = mizalla::web::AppState::new(db.clone(), settings).unwrap();
        tokio::spawn(async move { mizalla::router::serve(state, listener).await });
        Some(TestApp {
            base,
            db,
            database_url: url,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// An HTTP client that keeps cookies and does not follow redirects.
    pub fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// A client signed in through the login form, with the session's CSRF token.
    /// `GET path` as an API client with `token`, the JSON answer.
    pub async fn get_json(&self, path: &str, token: &str) -> serde_json::Value {
        Self::client()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn login(&self, email: &str) -> Session {
        let client = Self::client();
        let res = client
            .post(self.url("/login"))
            .form(&[
                ("email", email),
                ("password", mizalla::demo::PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "login of {email} failed");
        let page = client
            .get(self.url("/account/password"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = page
            .split("name=\"_csrf\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("csrf token on page")
            .to_owned();
        Session { client, csrf }
    }

    pub async fn actor(&self, email: &str) -> Actor {
        let (id, org_id, role): (i64, i64, String) =
            sqlx::query_as("SELECT id, org_id, role FROM users WHERE email = $1")
                .bind(email)
                .fetch_one(&self.db.pool)
                .await
                .unwrap();
        Actor {
            user_id: id,
            email: email.into(),
            display_name: String::new(),
            org_id,
            role: mizalla::access::Role::parse(&role).unwrap(),
            membership: mizalla::access::Membership::Active,
        }
    }

    /// An API token for a demo user.
    pub async fn token(&self, email: &str) -> String {
        let actor = self.actor(email).await;
        mizalla::users::create_token(&self.db, &actor, "tests")
            .await
            .unwrap()
    }

    pub async fn org_id(&self, code: &str) -> i64 {
        mizalla::orgs::by_code(&self.db, code).await.unwrap().id
    }

    pub async fn count(&self, table: &str) -> i64 {
        let (n,): (i64,) =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&self.db.pool)
                .await
                .unwrap();
        n
    }
}

pub struct Session {
    pub client: reqwest::Client,
    pub csrf: String,
}

impl Session {
    /// The text of the page (or download) at `path`.
    pub async fn page(&self, app: &TestApp, path: &str) -> String {
        self.client
            .get(app.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Uploads `content` as the file `name` to an upload route (`/registry/upload`,
    /// `/assistance/upload`), as the browser's form does.
    pub async fn upload(
        &self,
        app: &TestApp,
        route: &str,
        name: &str,
        content: &str,
    ) -> reqwest::Response {
        self.client
            .post(app.url(&format!("{route}?_csrf={}", self.csrf)))
            .header("content-type", "multipart/form-data; boundary=XyZ")
            .body(format!(
                "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: text/csv\r\n\r\n{content}\r\n--XyZ--\r\n"
            ))
            .send()
            .await
            .unwrap()
    }
}

impl Session {
    /// Posts a form with text `fields` and, if given, a file (`file`: its name and bytes) as the
    /// browser sends a form with a file.
    pub async fn multipart(
        &self,
        app: &TestApp,
        route: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &[u8])>,
    ) -> reqwest::Response {
        let body = multipart_body(fields, file);
        self.client
            .post(app.url(&format!("{route}?_csrf={}", self.csrf)))
            .header("content-type", "multipart/form-data; boundary=XyZ")
            .body(body)
            .send()
            .await
            .unwrap()
    }
}

/// A multipart body (boundary `XyZ`) of text `fields` and an optional file.
pub fn multipart_body(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--XyZ\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--XyZ--\r\n");
    body
}

/// Runs an async test body on SQLite, then on PostgreSQL when available.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, $body:path) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                if let Some(app) =
                    $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await
                {
                    $body(app).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                if let Some(app) =
                    $crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres).await
                {
                    $body(app).await;
                }
            }
        }
    };
}

/// Debian's Python, which has Debian's python3-aiosmtpd (another `python3` on the PATH, such as
/// pyenv's, does not).
pub fn debian_python() -> &'static str {
    if std::path::Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

/// Debian's aiosmtpd on `port`, storing what it receives as a Maildir in `dir`.
pub struct SmtpServer(std::process::Child);

impl SmtpServer {
    pub async fn start(port: u16, dir: &std::path::Path) -> SmtpServer {
        let mut child = std::process::Command::new(debian_python())
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd (Debian's python3-aiosmtpd) must be installed");
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return SmtpServer(child);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("aiosmtpd did not start on port {port}");
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The subject, recipient and text of each e-mail in Maildir `dir`, as Python's e-mail parser
/// reads them (an independent reader of the encoded headers); the text ends with a line
/// `attached: NAME TYPE BYTES` for each file attached.
pub fn received(dir: &std::path::Path) -> Vec<(String, String, String)> {
    let Ok(entries) = std::fs::read_dir(dir.join("new")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let parsed = std::process::Command::new(debian_python())
            .arg("-c")
            .arg(
                "import email, email.policy, sys\n\
                 m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)\n\
                 print(m['subject']); print(m['to']); print(m.get_body(preferencelist=('plain',)).get_content())\n\
                 for a in m.iter_attachments(): print('attached:', a.get_filename(), a.get_content_type(), len(a.get_content()))",
            )
            .arg(e.path())
            .output()
            .unwrap();
        let text = String::from_utf8(parsed.stdout).unwrap();
        let mut lines = text.splitn(3, '\n');
        out.push((
            lines.next().unwrap_or_default().to_owned(),
            lines.next().unwrap_or_default().to_owned(),
            lines.next().unwrap_or_default().to_owned(),
        ));
    }
    out
}
