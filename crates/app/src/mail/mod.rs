//! E-mail to the platform's users, through the SMTP server of the configuration (`smtp_*`).
//!
//! A feature never sends an e-mail itself: it [`queue`]s it in the transaction of what the e-mail
//! tells of (an announcement sent, a reminder), so that an e-mail goes out if and only if that
//! change was committed, and says [`wake`] after the commit. The [`Mailer`], a task of its own
//! beside the server, sends what is due. A request never waits for an SMTP server: a dead or slow
//! server delays nothing but its own e-mails, which are tried again after 1, 2, 4 … minutes (at
//! most [`LONGEST_WAIT`] apart, [`ATTEMPTS`] tries). With no `smtp_host`, nothing is queued.
//!
//! Several servers on one PostgreSQL database share the outbox: an e-mail is claimed by the one
//! server whose update of its attempt count wins, so it is not sent twice.
//!
//! E-mail addresses are personal data: logs name an e-mail by its row and say what went wrong in
//! the SMTP server's terms (its status code, "could not connect"), never to whom.

use crate::config::Settings;
use crate::db::{self, Db, Tx};
use crate::error::Result;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::LazyLock;
use std::time::Duration;
use tokio::sync::watch;

/// Tries of one e-mail before it is given up (about 20 hours of waits).
pub const ATTEMPTS: i64 = 12;
/// The longest wait between two tries.
pub const LONGEST_WAIT: Duration = Duration::from_secs(6 * 3600);
/// How often the mailer looks for e-mails due again when nobody wakes it.
const LOOK_EVERY: Duration = Duration::from_secs(30);
/// E-mails handed to the server in one round.
const ROUND: i64 = 50;

/// One e-mail to one address.
#[derive(Debug, Clone, Default)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// A PNG picture attached to the text (a registration's QR code): its file name and bytes.
    pub image: Option<(String, Vec<u8>)>,
}

/// Whether e-mail is switched on (an SMTP server is configured).
pub fn enabled(settings: &Settings) -> bool {
    settings
        .smtp_host
        .as_deref()
        .is_some_and(|h| !h.trim().is_empty())
}

/// Queues `mails` in the caller's transaction; nothing when e-mail is off. Returns how many were
/// queued. Say [`wake`] after the commit.
pub async fn queue(tx: &mut Tx<'_>, settings: &Settings, mails: &[Mail]) -> Result<usize> {
    if !enabled(settings) {
        return Ok(0);
    }
    let now = db::now();
    for m in mails {
        sqlx::query(
            "INSERT INTO mail_outbox (recipient, subject, body, created_at, next_attempt_at, image_name, image) \
             VALUES ($1, $2, $3, $4, $4, $5, $6)",
        )
        .bind(&m.to)
        .bind(&m.subject)
        .bind(&m.body)
        .bind(&now)
        .bind(m.image.as_ref().map(|(name, _)| name.clone()))
        .bind(m.image.as_ref().map(|(_, bytes)| bytes.clone()))
        .execute(&mut **tx)
        .await?;
    }
    Ok(mails.len())
}

/// Every mailer of this process looks for due e-mails now (call it after committing a queue).
pub fn wake() {
    WAKE.send_modify(|n| *n = n.wrapping_add(1));
}

static WAKE: LazyLock<watch::Sender<u64>> = LazyLock::new(|| watch::channel(0).0);

/// The wait before try `attempt + 1`, after `attempt` tries failed.
pub fn wait_after(attempt: i64) -> Duration {
    let minutes = 1u64 << attempt.clamp(1, 20).saturating_sub(1);
    Duration::from_secs(minutes * 60).min(LONGEST_WAIT)
}

/// Where the outbox stands, for the secretariat.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Outbox {
    pub enabled: bool,
    /// Not sent yet, still to be tried.
    pub waiting: i64,
    /// Given up after every try, or refused by the server for good.
    pub failed: i64,
    pub sent: i64,
}

pub async fn outbox(db: &Db, settings: &Settings) -> Result<Outbox> {
    let (waiting, failed, sent): (i64, i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN sent_at IS NULL AND attempts < $1 THEN 1 ELSE 0 END), 0), \
                COALESCE(SUM(CASE WHEN sent_at IS NULL AND attempts >= $1 THEN 1 ELSE 0 END), 0), \
                COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0) FROM mail_outbox",
    )
    .bind(ATTEMPTS)
    .fetch_one(&db.pool)
    .await?;
    Ok(Outbox {
        enabled: enabled(settings),
        waiting,
        failed,
        sent,
    })
}

/// The SMTP connection's settings and the sender, made once at the server's start.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    timeout: Duration,
}

/// What one round did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub failed: usize,
}

impl Mailer {
    /// The mailer of `settings`, `None` when e-mail is off, or what is wrong with the settings.
    pub fn new(settings: &Settings) -> anyhow::Result<Option<Mailer>> {
        if !enabled(settings) {
            return Ok(None);
        }
        let host = settings.smtp_host.as_deref().unwrap_or_default().trim();
        let builder = match settings.smtp_security.as_str() {
            "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?,
            "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
            "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            other => anyhow::bail!(
                "smtp_security is {other:?}: it must be \"starttls\", \"tls\" or \"none\""
            ),
        };
        let timeout = Duration::from_secs(settings.smtp_timeout_secs.max(1));
        // Each way of connecting brings its own port (587, 465, 25) unless one is configured.
        let mut builder = builder.timeout(Some(timeout));
        if let Some(port) = settings.smtp_port {
            builder = builder.port(port);
        }
        if let Some(user) = settings.smtp_username.as_deref() {
            let password = settings
                .smtp_password
                .as_ref()
                .map(|p| p.expose().to_owned())
                .unwrap_or_default();
            builder = builder.credentials(Credentials::new(user.to_owned(), password));
        }
        let from: Mailbox = settings.smtp_from.parse().map_err(|_| {
            anyhow::anyhow!(
                "smtp_from {:?} is not an address such as \"Mizalla <no-reply@example.org>\"",
                settings.smtp_from
            )
        })?;
        Ok(Some(Mailer {
            transport: builder.build(),
            from,
            timeout,
        }))
    }

    /// Sends the e-mails due, until the server fails to take one for a reason that is not the
    /// e-mail's own (it is down, refuses the connection, times out): the rest wait with it.
    pub async fn deliver_due(&self, db: &Db) -> Result<Round> {
        type Due = (
            i64,
            String,
            String,
            String,
            i64,
            Option<String>,
            Option<Vec<u8>>,
        );
        let due: Vec<Due> = sqlx::query_as(
            "SELECT id, recipient, subject, body, attempts, image_name, image FROM mail_outbox \
             WHERE sent_at IS NULL AND attempts < $1 AND next_attempt_at <= $2 ORDER BY id LIMIT $3",
        )
        .bind(ATTEMPTS)
        .bind(db::now())
        .bind(ROUND)
        .fetch_all(&db.pool)
        .await?;
        let mut round = Round::default();
        for (id, to, subject, body, attempts, image_name, image) in due {
            let tried = attempts + 1;
            let next = db::stamp_in(wait_after(tried));
            // The claim: only the server whose update lands sends it.
            let claimed = sqlx::query(
                "UPDATE mail_outbox SET attempts = $1, next_attempt_at = $2 WHERE id = $3 AND attempts = $4 AND sent_at IS NULL",
            )
            .bind(tried)
            .bind(&next)
            .bind(id)
            .bind(attempts)
            .execute(&db.pool)
            .await?
            .rows_affected()
                == 1;
            if !claimed {
                continue;
            }
            let image = image_name.zip(image);
            match self.send(&to, &subject, &body, image).await {
                Ok(()) => {
                    sqlx::query(
                        "UPDATE mail_outbox SET sent_at = $1, last_error = NULL WHERE id = $2",
                    )
                    .bind(db::now())
                    .bind(id)
                    .execute(&db.pool)
                    .await?;
                    round.sent += 1;
                }
                Err(failure) => {
                    round.failed += 1;
                    tracing::warn!(mail = id, attempt = tried, why = %failure.why, "e-mail not delivered");
                    // A refusal of this e-mail for good (a 5xx answer, an address that cannot be
                    // written) is not tried again.
                    let attempts_now = if failure.for_good { ATTEMPTS } else { tried };
                    sqlx::query(
                        "UPDATE mail_outbox SET last_error = $1, attempts = $2 WHERE id = $3",
                    )
                    .bind(&failure.why)
                    .bind(attempts_now)
                    .bind(id)
                    .execute(&db.pool)
                    .await?;
                    if !failure.for_good {
                        break;
                    }
                }
            }
        }
        Ok(round)
    }

    async fn send(
        &self,
        to: &str,
        subject: &str,
        body: &str,
        image: Option<(String, Vec<u8>)>,
    ) -> std::result::Result<(), Failure> {
        let to: Mailbox = to.parse().map_err(|_| Failure {
            why: "the recipient's address cannot be written in an e-mail".into(),
            for_good: true,
        })?;
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject);
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned());
        let message = match image {
            None => builder.singlepart(text),
            Some((name, bytes)) => {
                builder.multipart(MultiPart::mixed().singlepart(text).singlepart(
                    Attachment::new(name).body(
                        bytes,
                        ContentType::parse("image/png").map_err(|e| Failure {
                            why: format!("the e-mail could not be written: {e}"),
                            for_good: true,
                        })?,
                    ),
                ))
            }
        }
        .map_err(|e| Failure {
            why: format!("the e-mail could not be written: {e}"),
            for_good: true,
        })?;
        // lettre bounds each step by the timeout; this bounds the whole conversation too.
        match tokio::time::timeout(self.timeout * 3, self.transport.send(message)).await {
            Err(_) => Err(Failure {
                why: "the SMTP server did not answer in time".into(),
                for_good: false,
            }),
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(Failure {
                // The SMTP status alone: lettre's full message may repeat the address.
                why: match e.status() {
                    Some(code) => format!("the SMTP server answered {code}"),
                    None if e.is_timeout() => "the SMTP server did not answer in time".into(),
                    None => "could not talk to the SMTP server".into(),
                },
                for_good: e.is_permanent(),
            }),
        }
    }

    /// Runs until the process ends: a round whenever woken, and every half minute for retries.
    pub async fn run(self, db: Db) {
        let mut woken = WAKE.subscribe();
        loop {
            if let Err(e) = self.deliver_due(&db).await {
                tracing::warn!(error = %e, "the mail outbox could not be read");
            }
            tokio::select! {
                _ = woken.changed() => {}
                _ = tokio::time::sleep(LOOK_EVERY) => {}
            }
        }
    }
}

/// Why an e-mail did not go, in words safe for logs.
struct Failure {
    why: String,
    for_good: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_from_a_minute_up_to_six_hours() {
        assert_eq!(wait_after(1), Duration::from_secs(60));
        assert_eq!(wait_after(2), Duration::from_secs(120));
        assert_eq!(wait_after(4), Duration::from_secs(480));
        assert_eq!(wait_after(ATTEMPTS), LONGEST_WAIT);
        assert_eq!(wait_after(i64::MAX), LONGEST_WAIT);
    }

    #[test]
    fn no_mailer_without_a_server_and_a_clear_error_for_bad_settings() {
        assert!(Mailer::new(&Settings::default()).unwrap().is_none());
        let bad = Settings {
            smtp_host: Some("smtp.example.org".into()),
            smtp_security: "ssl".into(),
            ..Settings::default()
        };
        let err = Mailer::new(&bad).err().unwrap().to_string();
        assert!(err.contains("starttls"), "{err}");
        let bad_from = Settings {
            smtp_host: Some("smtp.example.org".into()),
            smtp_from: "not an address".into(),
            ..Settings::default()
        };
        assert!(Mailer::new(&bad_from).is_err());
    }
}
