//! The `mizalla` command line, run as a user would run it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn mizalla(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mizalla"))
        .args(args)
        .env_remove("MIZALLA_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn temp_db() -> String {
    let dir = std::env::temp_dir().join(format!(
        "mizalla-cli-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    format!("sqlite://{}/cli.db", dir.display())
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

#[tokio::test]
async fn user_add_creates_the_first_secretariat_admin_on_a_fresh_database() {
    let url = temp_db();
    let out = mizalla(
        &[
            "user",
            "add",
            "Head@Alliance.eg",
            "--org",
            "secretariat",
            "--role",
            "secretariat_admin",
            "--database-url",
            &url,
        ],
        "a-long-password\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("User Head@Alliance.eg added"));
    let db = mizalla::db::Db::connect(&url).await.unwrap();
    assert!(
        mizalla::users::authenticate(&db, "head@alliance.eg", "a-long-password")
            .await
            .unwrap()
            .is_some()
    );
    // With no password given, one is generated and printed once.
    let out = mizalla(
        &[
            "user",
            "add",
            "second@alliance.eg",
            "--org",
            "secretariat",
            "--role",
            "auditor",
            "--database-url",
            &url,
        ],
        "\n",
    );
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let generated = stdout.split("Generated password: ").nth(1).unwrap().trim();
    assert!(
        mizalla::users::authenticate(&db, "second@alliance.eg", generated)
            .await
            .unwrap()
            .is_some()
    );
}

#[test]
fn user_add_explains_what_is_wrong() {
    let url = temp_db();
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "user",
                "add",
                "a@b.org",
                "--org",
                "secretariat",
                "--role",
                "king",
            ],
            "unknown role 'king'",
        ),
        (
            &[
                "user", "add", "a@b.org", "--org", "nowhere", "--role", "auditor",
            ],
            "no organisation with code 'nowhere'",
        ),
        (
            &[
                "user",
                "add",
                "not-an-email",
                "--org",
                "secretariat",
                "--role",
                "auditor",
            ],
            "valid e-mail",
        ),
        (
            &[
                "user",
                "add",
                "a@b.org",
                "--org",
                "secretariat",
                "--role",
                "member_staff",
            ],
            "does not fit the organisation",
        ),
    ];
    for (args, message) in cases {
        let mut all = args.to_vec();
        all.extend(["--database-url", &url]);
        let out = mizalla(&all, "a-long-password\n");
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    let out = mizalla(
        &[
            "user",
            "add",
            "a@b.org",
            "--org",
            "secretariat",
            "--role",
            "auditor",
            "--database-url",
            &url,
        ],
        "short\n",
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least ten characters"));
}

#[test]
fn a_bad_database_url_is_a_clear_error() {
    let out = mizalla(&["migrate", "--database-url", "mysql://x"], "");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported database URL"));
}

/// `serve` prints its address, logs requests without personal data, and stops cleanly on SIGTERM.
#[tokio::test]
async fn serve_logs_no_personal_data_and_shuts_down_gracefully() {
    use std::io::{BufRead, BufReader};
    let url = temp_db();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mizalla"))
        .args([
            "serve",
            "--demo",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            &url,
        ])
        .env("MIZALLA_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain the log on a thread so a full pipe never blocks the server.
    let mut stderr = child.stderr.take().unwrap();
    let log_reader = std::thread::spawn(move || {
        let mut log = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut log).unwrap();
        log
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("running at") {
        line.clear();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "serve exited early"
        );
    }
    let base = line
        .split("running at ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = client
        .post(format!("{base}/login"))
        .form(&[("email", "victim.person@example.org"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = client
        .post(format!("{base}/login"))
        .form(&[
            ("email", "admin@secretariat.demo"),
            ("password", "mizalla-demo"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let res = client.get(format!("{base}/agreements?q=%D9%81%D8%A7%D8%B7%D9%85%D8%A9%20%D8%A7%D9%84%D8%B2%D9%87%D8%B1%D8%A7%D8%A1")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(child.wait().unwrap().success(), "graceful exit");
    let log = log_reader.join().unwrap();
    assert!(log.contains("shutting down"), "{log}");
    assert!(
        log.contains("\"path\":\"/agreements\""),
        "requests are logged with their path: {log}"
    );
    for secret in ["victim.person", "فاطمة", "%D9%81", "mizalla-demo"] {
        assert!(!log.contains(secret), "{secret} leaked into the log");
    }
}

/// `mizalla token add` issues a token as the user would under "API tokens", prints it alone
/// (scripts such as `.ci/api-fuzz.sh` read it), and the audit trail says the command line
/// issued it, and for whom.
#[tokio::test]
async fn token_add_prints_a_working_token_and_is_audited() {
    let url = temp_db();
    let out = mizalla(
        &[
            "user",
            "add",
            "reports@alliance.eg",
            "--org",
            "secretariat",
            "--role",
            "auditor",
            "--database-url",
            &url,
        ],
        "a-long-password\n",
    );
    assert!(out.status.success());
    let out = mizalla(
        &[
            "token",
            "add",
            "Reports@Alliance.eg",
            "--name",
            "monthly report",
            "--database-url",
            &url,
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = stdout.trim_end();
    assert!(
        token.starts_with("mz_") && !token.contains(char::is_whitespace),
        "{stdout:?}"
    );
    let db = mizalla::db::Db::connect(&url).await.unwrap();
    let actor = mizalla::users::token_actor(&db, token)
        .await
        .unwrap()
        .expect("the token works");
    assert_eq!(actor.email, "reports@alliance.eg");
    let (by, after): (String, String) = sqlx::query_as(
        "SELECT actor_email, after_json FROM audit_log WHERE entity = 'api_token' AND action = 'create'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(by, "command line");
    let after: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(after["name"], "monthly report");
    assert_eq!(after["user_id"], actor.user_id);
    assert!(!after.to_string().contains(token), "the secret is not kept");

    // No such user, a switched-off user, no name: a clear error, no token.
    sqlx::query("INSERT INTO users (email, display_name, org_id, role, password_hash, active, created_at) SELECT 'off@alliance.eg', '', org_id, role, password_hash, 0, created_at FROM users WHERE email = 'reports@alliance.eg'")
        .execute(&db.pool)
        .await
        .unwrap();
    for (email, name, says) in [
        (
            "nobody@alliance.eg",
            "x",
            "no active user with e-mail nobody@alliance.eg",
        ),
        (
            "off@alliance.eg",
            "x",
            "no active user with e-mail off@alliance.eg",
        ),
        ("reports@alliance.eg", " ", "name: This field is required."),
    ] {
        let out = mizalla(
            &[
                "token",
                "add",
                email,
                "--name",
                name,
                "--database-url",
                &url,
            ],
            "",
        );
        assert!(!out.status.success());
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{stderr}");
    }
    let (tokens,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM api_tokens")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(tokens, 1);
}
