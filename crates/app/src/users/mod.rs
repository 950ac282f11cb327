//! Users, roles and credentials: password hashes (argon2id), login sessions and API tokens.

pub mod routes;

use crate::access::{Actor, Role};
use crate::audit;
use crate::db::{self, Db};
use crate::error::{Error, FieldErrors, Result};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const MIN_PASSWORD_CHARS: usize = 10;

/// Hashes a password with argon2id (the crate's default parameters). Slow on purpose: call it
/// from a blocking thread in async code.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

async fn hash_blocking(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| Error::Internal(e.into()))?
        .map_err(Error::Internal)
}

/// A random secret as 43 URL-safe characters (256 bits).
pub fn random_token() -> String {
    use base64::Engine as _;
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Tokens are stored only as their SHA-256: a stolen table does not open sessions.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub org_id: i64,
    pub role: String,
    pub active: i64,
    pub created_at: String,
}

pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub org_id: i64,
    pub role: Role,
    pub password: String,
}

/// Creates a user. `actor` is `None` only for the command line's first admin.
pub async fn create(db: &Db, actor: Option<&Actor>, new: NewUser) -> Result<i64> {
    let email = new.email.trim().to_lowercase();
    let mut errs = FieldErrors::default();
    errs.email("email", &email);
    if new.password.chars().count() < MIN_PASSWORD_CHARS {
        errs.add("password", "err-password-short");
    }
    if new.display_name.chars().count() > 200 {
        errs.add("display_name", "err-too-long");
    }
    let org_kind: Option<(String,)> = sqlx::query_as("SELECT kind FROM orgs WHERE id = $1")
        .bind(new.org_id)
        .fetch_optional(&db.pool)
        .await?;
    match org_kind {
        None => errs.add("org", "err-org-unknown"),
        Some((kind,)) => {
            if (kind == crate::orgs::KIND_SECRETARIAT) != new.role.is_secretariat() {
                errs.add("role", "err-role-org-mismatch");
            }
        }
    }
    errs.check()?;
    let hash = hash_blocking(new.password.clone()).await?;
    insert(db, actor, &new, &email, &hash).await
}

/// Stores a checked user with its password hash.
pub(crate) async fn insert(
    db: &Db,
    actor: Option<&Actor>,
    new: &NewUser,
    email: &str,
    hash: &str,
) -> Result<i64> {
    let mut tx = db.begin().await?;
    let res: std::result::Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO users (email, display_name, org_id, role, password_hash, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6) RETURNING id",
    )
    .bind(email)
    .bind(new.display_name.trim())
    .bind(new.org_id)
    .bind(new.role.as_str())
    .bind(hash)
    .bind(db::now())
    .fetch_one(&mut *tx)
    .await;
    let id = match res {
        Ok((id,)) => id,
        Err(e) if db::is_unique_violation(&e) => {
            return Err(Error::field("email", "err-email-taken"));
        }
        Err(e) => return Err(e.into()),
    };
    let after = serde_json::json!({"email": email, "display_name": new.display_name.trim(), "org_id": new.org_id, "role": new.role.as_str()});
    audit::record(
        &mut tx,
        actor,
        "create",
        "user",
        Some(id),
        None,
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn get(db: &Db, id: i64) -> Result<User> {
    Ok(sqlx::query_as(
        "SELECT id, email, display_name, org_id, role, active, created_at FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await?)
}

pub async fn list_for_org(db: &Db, org_id: i64) -> Result<Vec<User>> {
    Ok(sqlx::query_as(
        "SELECT id, email, display_name, org_id, role, active, created_at FROM users WHERE org_id = $1 ORDER BY email",
    )
    .bind(org_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Switches a user on or off; switching off also ends its sessions and revokes its tokens.
pub async fn set_active(db: &Db, actor: &Actor, user_id: i64, active: bool) -> Result<()> {
    let user = get(db, user_id).await?;
    if !actor.administers(user.org_id) {
        return Err(Error::Forbidden);
    }
    if user.id == actor.user_id && !active {
        return Err(Error::Conflict("err-cannot-deactivate-self"));
    }
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
        .bind(i64::from(active))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if !active {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(db::now())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        Some(actor),
        if active { "activate" } else { "deactivate" },
        "user",
        Some(user_id),
        Some(serde_json::json!({"active": user.active})),
        Some(serde_json::json!({"active": i64::from(active)})),
    )
    .await?;
    tx.commit().await?;
    // Switching off ends the user's sessions: none may live on in a cache.
    crate::cache::changed(crate::cache::Topic::Accounts);
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Credentials {
    id: i64,
    password_hash: String,
    active: i64,
    org_status: String,
}

/// Checks an e-mail and password; `Ok(None)` when they do not match an active user. The right
/// password of a user whose organisation has left the alliance is `Err(Forbidden)`: that user is
/// told why, not that the password is wrong.
pub async fn authenticate(db: &Db, email: &str, password: &str) -> Result<Option<i64>> {
    let row: Option<Credentials> = sqlx::query_as(
        "SELECT u.id, u.password_hash, u.active, o.status AS org_status FROM users u \
         JOIN orgs o ON o.id = u.org_id WHERE u.email = $1",
    )
    .bind(email.trim().to_lowercase())
    .fetch_optional(&db.pool)
    .await?;
    let left = row.as_ref().is_some_and(|c| {
        crate::access::Membership::of_status(&c.org_status) == crate::access::Membership::Left
    });
    // Verify against a fixed hash when the user is unknown, so timing does not reveal accounts.
    let (hash, user) = match row {
        Some(c) if c.active == 1 => (c.password_hash, Some(c.id)),
        _ => (dummy_hash().to_owned(), None),
    };
    let password = password.to_owned();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| Error::Internal(e.into()))?;
    if ok && left {
        return Err(Error::Forbidden);
    }
    Ok(if ok { user } else { None })
}

fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("no such user").unwrap_or_default())
}

/// What a password change ended besides the old password.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Ended {
    pub sessions: u64,
    pub tokens: u64,
}

/// Changes the actor's own password after checking the current one, and ends what the old
/// password may have opened: a user changes it because someone else may know it, and that
/// someone may already be signed in or have made a token. Every other session of the user ends
/// and every API token is revoked; `keep_session` (the token of the session making the change)
/// stays signed in. The caller clears the session cache.
pub async fn change_password(
    db: &Db,
    actor: &Actor,
    current: &str,
    new: &str,
    keep_session: Option<&str>,
) -> Result<Ended> {
    let mut errs = FieldErrors::default();
    if authenticate(db, &actor.email, current).await? != Some(actor.user_id) {
        errs.add("current", "err-password-wrong");
    }
    if new.chars().count() < MIN_PASSWORD_CHARS {
        errs.add("new", "err-password-short");
    }
    errs.check()?;
    let hash = hash_blocking(new.to_owned()).await?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(actor.user_id)
        .execute(&mut *tx)
        .await?;
    // No stored hash is empty, so without a session to keep every one ends.
    let keep = keep_session.map(token_hash).unwrap_or_default();
    let sessions = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(actor.user_id)
        .bind(keep)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let tokens = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(db::now())
    .bind(actor.user_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    audit::record(
        &mut tx,
        Some(actor),
        "change_password",
        "user",
        Some(actor.user_id),
        None,
        Some(serde_json::json!({"sessions_ended": sessions, "tokens_revoked": tokens})),
    )
    .await?;
    tx.commit().await?;
    // The ended sessions must not live on in a cache.
    crate::cache::changed(crate::cache::Topic::Accounts);
    Ok(Ended { sessions, tokens })
}

/// A login session: the cookie carries `token`, the database only its hash.
pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

pub async fn start_session(db: &Db, user_id: i64, hours: i64) -> Result<NewSession> {
    let token = random_token();
    let csrf = random_token();
    let now = time::OffsetDateTime::now_utc();
    let fmt = &time::format_description::well_known::Rfc3339;
    let expires = (now + time::Duration::hours(hours))
        .replace_nanosecond(0)
        .unwrap_or(now)
        .format(fmt)
        .unwrap_or_default();
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(db::now())
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(&csrf)
        .bind(db::now())
        .bind(expires)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(NewSession { token, csrf })
}

pub async fn end_session(db: &Db, token: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&db.pool)
        .await?;
    crate::cache::changed(crate::cache::Topic::Accounts);
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ActorRow {
    id: i64,
    email: String,
    display_name: String,
    org_id: i64,
    role: String,
    org_status: String,
}

impl ActorRow {
    /// The actor, unless its organisation has left the alliance (its staff sign in to nothing).
    fn into_actor(self) -> Option<Actor> {
        let membership = crate::access::Membership::of_status(&self.org_status);
        if membership == crate::access::Membership::Left {
            return None;
        }
        Some(Actor {
            user_id: self.id,
            email: self.email,
            display_name: self.display_name,
            org_id: self.org_id,
            role: Role::parse(&self.role)?,
            membership,
        })
    }
}

/// What a live session cookie stands for: the user, the session's CSRF token, and the names of
/// the user's organisation (for the page header), in one query.
#[derive(Clone)]
pub struct LiveSession {
    pub actor: Actor,
    /// The language the user chose (`ar`, `en`), empty until they chose one.
    pub language: String,
    pub csrf: String,
    pub org_name_ar: String,
    pub org_name_en: String,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: i64,
    email: String,
    display_name: String,
    org_id: i64,
    role: String,
    org_status: String,
    csrf_token: String,
    name_ar: String,
    name_en: String,
    language: String,
}

pub async fn session_actor(db: &Db, token: &str) -> Result<Option<LiveSession>> {
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT u.id, u.email, u.display_name, u.org_id, u.role, o.status AS org_status, s.csrf_token, o.name_ar, o.name_en, u.language \
         FROM sessions s JOIN users u ON u.id = s.user_id JOIN orgs o ON o.id = u.org_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1",
    )
    .bind(token_hash(token))
    .bind(db::now())
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.and_then(|r| {
        let actor = ActorRow {
            id: r.id,
            email: r.email,
            display_name: r.display_name,
            org_id: r.org_id,
            role: r.role,
            org_status: r.org_status,
        }
        .into_actor()?;
        Some(LiveSession {
            actor,
            language: r.language,
            csrf: r.csrf_token,
            org_name_ar: r.name_ar,
            org_name_en: r.name_en,
        })
    }))
}

/// Keeps `locale` as the language the actor chose, so that it follows them to another
/// computer (their sessions, cached, are read again).
pub async fn set_language(db: &Db, actor: &Actor, locale: crate::i18n::Locale) -> Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
        .bind(locale.code())
        .bind(actor.user_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        Some(actor),
        "set_language",
        "user",
        Some(actor.user_id),
        None,
        Some(serde_json::json!({ "language": locale.code() })),
    )
    .await?;
    tx.commit().await?;
    crate::cache::changed(crate::cache::Topic::Accounts);
    Ok(())
}

/// The language user `user_id` chose, if they chose one.
pub async fn language_of(db: &Db, user_id: i64) -> Result<Option<crate::i18n::Locale>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT language FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.and_then(|(l,)| crate::i18n::Locale::parse(&l)))
}

/// The user behind an API token.
pub async fn token_actor(db: &Db, token: &str) -> Result<Option<Actor>> {
    let row: Option<ActorRow> = sqlx::query_as(
        "SELECT u.id, u.email, u.display_name, u.org_id, u.role, o.status AS org_status FROM api_tokens t \
         JOIN users u ON u.id = t.user_id JOIN orgs o ON o.id = u.org_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = 1",
    )
    .bind(token_hash(token))
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.and_then(ActorRow::into_actor))
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// Issues an API token for the actor; the secret is returned once and never stored.
pub async fn create_token(db: &Db, actor: &Actor, name: &str) -> Result<String> {
    insert_token(db, Some(actor), actor.user_id, name).await
}

/// Issues an API token for the active user with e-mail `email`, from the command line (the
/// audit trail names the command line as its author, and the token's user). `NotFound` when
/// there is no such active user.
pub async fn create_token_for(db: &Db, email: &str, name: &str) -> Result<String> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM users WHERE email = $1 AND active = 1")
            .bind(email.trim().to_lowercase())
            .fetch_optional(&db.pool)
            .await?;
    let (user_id,) = row.ok_or(Error::NotFound)?;
    insert_token(db, None, user_id, name).await
}

async fn insert_token(db: &Db, by: Option<&Actor>, user_id: i64, name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::field("name", "err-required"));
    }
    if name.chars().count() > 100 {
        return Err(Error::field("name", "err-too-long"));
    }
    let secret = format!("mz_{}", random_token());
    let mut tx = db.begin().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(token_hash(&secret))
    .bind(db::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        by,
        "create",
        "api_token",
        Some(id),
        None,
        Some(serde_json::json!({"name": name, "user_id": user_id})),
    )
    .await?;
    tx.commit().await?;
    Ok(secret)
}

pub async fn list_tokens(db: &Db, actor: &Actor) -> Result<Vec<ApiToken>> {
    Ok(sqlx::query_as("SELECT id, name, created_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC")
        .bind(actor.user_id)
        .fetch_all(&db.pool)
        .await?)
}

pub async fn revoke_token(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
        .bind(db::now())
        .bind(id)
        .bind(actor.user_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    audit::record(
        &mut tx,
        Some(actor),
        "revoke",
        "api_token",
        Some(id),
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How many users exist (zero on a fresh database).
pub async fn count(db: &Db) -> Result<(i64,)> {
    Ok(sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&db.pool)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batter", &h));
        assert!(!verify_password("anything", "not a hash"));
    }
}
