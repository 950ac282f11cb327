//! `mizalla`: the platform's one binary.

mod allocate;
mod dedup;
mod ledger;
mod library;
mod registry;

// glibc's allocator spent a fifth of a loaded server's time in malloc and its locks (measured
// with perf); mimalloc's per-thread heaps avoid that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use mizalla::access::Role;
use mizalla::config::{DatabaseUrl, Settings};
use mizalla::users::{self, NewUser};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "mizalla",
    version,
    about = "Mizalla (مظلة): one platform for an alliance of NGOs"
)]
struct Cli {
    /// Configuration file (TOML); `mizalla.toml` in the working directory is read when present.
    #[arg(long, global = true, env = "MIZALLA_CONFIG")]
    config: Option<PathBuf>,
    /// `sqlite://FILE` (the default, `sqlite://mizalla.db`) or `postgres://USER:PASSWORD@HOST/DB`.
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// The assistance ledger's key file (the `ledger_key_file` setting). An SQLite database keeps
    /// its key beside the database file when none is given.
    #[arg(long, global = true)]
    ledger_key_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web platform.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<String>,
        /// Seed the demo alliance (secretariat, eight members, a user of every role, agreements).
        #[arg(long)]
        demo: bool,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Find the same person and household across members' CSV files.
    Dedup(dedup::DedupArgs),
    /// Allocate members' offers to needs (CSV files) for the best total score under the
    /// alliance's rules: priority less transport cost, within each offer's reach.
    Allocate(allocate::AllocateArgs),
    /// Manage organisations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Bring a member's list (CSV or XLSX) into the shared registry: each row is matched against
    /// every member's registrations.
    Import {
        /// The member's code.
        #[arg(long)]
        org: String,
        file: PathBuf,
        /// Show what would happen to each row, and save nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Link the whole registry again and estimate its model anew (imports link only the
    /// registrations their rows may be, and do this themselves once the registry has grown by a
    /// quarter since the model was estimated).
    Relink,
    /// Write data out of the platform.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// The assistance ledger.
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
    },
    /// The knowledge library: add documents, search them.
    Library {
        #[command(subcommand)]
        command: library::LibraryCommand,
    },
    /// Seed the demo alliance, optionally with many agreements for load tests.
    Demo {
        /// Extra agreements to add (three points each).
        #[arg(long, default_value_t = 0)]
        agreements: usize,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Add a member organisation.
    Add {
        /// A short code (letters, digits, - and _), e.g. `amal`.
        code: String,
        /// Its name (Arabic or English; both can be edited on the platform).
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum LedgerCommand {
    /// Check that no entry was changed, removed, rewritten or added behind the platform's back:
    /// every hash and link, every entry's seal made with the ledger key, every entry against its
    /// audit record (exit status 1 when anything is wrong).
    Verify {
        /// A checkpoint printed earlier by `mizalla ledger checkpoint` (COUNT:HASH:SEAL, or
        /// COUNT:HASH): also prove that the ledger still contains, unchanged, the entries it saw.
        #[arg(long, value_name = "COUNT:HASH")]
        checkpoint: Option<String>,
    },
    /// Print the ledger's current head (count of entries and hash of the newest, sealed with the
    /// ledger key) as one line to keep outside the platform, after checking the whole ledger.
    Checkpoint,
    /// Record a member's assistance list (CSV or XLSX): one row per assistance, to the member's
    /// own registrations by their record number. Rows recorded before are skipped.
    Import {
        /// The member's code.
        #[arg(long)]
        org: String,
        file: PathBuf,
        /// Show what would be recorded, refused or overlap, and record nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// `record_id,person_id,household_id`: every registration with its registry person and
    /// household.
    Registry {
        #[arg(long)]
        out: PathBuf,
    },
    /// The 4W (who does what, where, when), unsuppressed: one row per member, kind, place and
    /// period, and the alliance's row (`org_code` `*`) counting each person once. The second row
    /// holds the HXL hashtags. CSV or XLSX by the file's extension.
    #[command(name = "4w")]
    FourW {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, value_enum, default_value = "governorate")]
        level: LevelArg,
        #[arg(long, value_enum, default_value = "month")]
        period: PeriodArg,
        /// First day counted (YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// Last day counted (YYYY-MM-DD).
        #[arg(long)]
        to: Option<String>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LevelArg {
    Governorate,
    District,
    Village,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum PeriodArg {
    Month,
    Quarter,
    Year,
    All,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user to an organisation. Asks for the password on a terminal; otherwise reads it
    /// from standard input, or generates one and prints it when none is given.
    Add {
        email: String,
        /// The organisation's code (the secretariat's is `secretariat`).
        #[arg(long)]
        org: String,
        /// secretariat_admin, secretariat_staff, member_admin, member_staff or auditor.
        #[arg(long)]
        role: String,
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Issue an API token for a user (as the user would under "API tokens") and print it: the
    /// only time it is shown. The audit trail records it as the command line's doing.
    Add {
        email: String,
        /// What the token is for, e.g. `reporting`.
        #[arg(long)]
        name: String,
    },
}

fn settings(cli: &Cli) -> anyhow::Result<Settings> {
    let mut s =
        Settings::load(cli.config.as_deref()).map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
    if let Some(url) = &cli.database_url {
        s.database_url = DatabaseUrl::new(url.clone());
    }
    if let Some(file) = &cli.ledger_key_file {
        s.ledger_key_file = Some(file.clone());
    }
    Ok(s)
}

/// Why the platform refused a command, in English for a terminal: each field's message for a
/// form's mistakes, the error itself otherwise. `what` says what did not happen ("user not added").
fn refused(what: &str, e: mizalla::error::Error) -> anyhow::Error {
    match e {
        mizalla::error::Error::Validation(errs) => {
            let msgs: Vec<String> = errs
                .0
                .iter()
                .map(|e| {
                    let message = mizalla::i18n::Locale::En.t(e.key);
                    format!(
                        "{}: {}",
                        e.field,
                        message.replace(['\u{2068}', '\u{2069}'], "")
                    )
                })
                .collect();
            anyhow::anyhow!("{what}: {}", msgs.join("; "))
        }
        e => anyhow::anyhow!("{what}: {e}"),
    }
}

fn read_password(email: &str) -> anyhow::Result<(String, bool)> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!(
            "Password for {email} (at least {} characters, leave empty to generate one): ",
            users::MIN_PASSWORD_CHARS
        );
        std::io::stderr().flush()?;
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    if password.is_empty() {
        Ok((users::random_token()[..20].to_owned(), true))
    } else {
        Ok((password, false))
    }
}

/// A spinner with a message on a terminal (nothing when the output is a file or a pipe).
fn progress(message: &str) -> indicatif::ProgressBar {
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new_spinner()
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_message(message.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = settings(&cli)?;
    mizalla::telemetry::init(&settings.log_format);
    match &cli.command {
        Command::Serve { listen, demo } => {
            let mut settings = settings.clone();
            if let Some(l) = listen {
                settings.listen = l.clone();
            }
            tracing::info!(database = %settings.database_url, listen = %settings.listen, "starting");
            let db = mizalla::open(&settings).await?;
            ledger::require_key(&db)?;
            if *demo {
                if mizalla::demo::seed(&db).await? {
                    tracing::info!("demo alliance seeded");
                }
                // Families, assistance and activities across the members' governorates, for
                // the 4W, the observatory and the coverage (added once).
                mizalla::demo::picture::seed(&db).await?;
            }
            let listener = tokio::net::TcpListener::bind(&settings.listen)
                .await
                .with_context(|| format!("cannot listen on {}", settings.listen))?;
            let addr = listener.local_addr()?;
            println!("Mizalla is running at http://{addr}/  (Ctrl-C to stop)");
            if *demo {
                println!("Demo logins (password: {}):", mizalla::demo::PASSWORD);
                // Roles in words (the pages' own), not their codes.
                let en = mizalla::i18n::Locale::En;
                for (email, role, org) in mizalla::demo::logins() {
                    let words = en.t(&format!("role-{}", role.as_str()));
                    println!("  {email:<28} {words:<26} {org}");
                }
            } else {
                if users::count(&db).await?.0 == 0 {
                    println!(
                        "No users yet: open http://{addr}/setup or run `mizalla user add EMAIL --org secretariat --role secretariat_admin`."
                    );
                }
            }
            let state = mizalla::web::AppState::new(db, settings)?;
            mizalla::router::serve(state, listener).await?;
        }
        Command::Migrate => {
            mizalla::open(&settings).await?;
            println!("Database is up to date: {}", settings.database_url);
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    org,
                    role,
                    name,
                },
        } => {
            let db = mizalla::open(&settings).await?;
            let role = Role::parse(role).with_context(|| {
                format!("unknown role '{role}': use secretariat_admin, secretariat_staff, member_admin, member_staff or auditor")
            })?;
            let org = mizalla::orgs::by_code(&db, org)
                .await
                .map_err(|_| anyhow::anyhow!("no organisation with code '{org}'"))?;
            let (password, generated) = read_password(email)?;
            let new = NewUser {
                email: email.clone(),
                display_name: name.clone().unwrap_or_default(),
                org_id: org.id,
                role,
                password: password.clone(),
            };
            match users::create(&db, None, new).await {
                Ok(id) => {
                    println!(
                        "User {email} added (id {id}) to {} as {}.",
                        org.code,
                        role.as_str()
                    );
                    if generated {
                        println!("Generated password: {password}");
                    }
                }
                Err(e) => return Err(refused("user not added", e)),
            }
        }
        Command::Token {
            command: TokenCommand::Add { email, name },
        } => {
            let db = mizalla::open(&settings).await?;
            match users::create_token_for(&db, email, name).await {
                Ok(secret) => println!("{secret}"),
                Err(mizalla::error::Error::NotFound) => {
                    anyhow::bail!("no active user with e-mail {email}")
                }
                Err(e) => return Err(refused("token not issued", e)),
            }
        }
        Command::Dedup(args) => dedup::run(args)?,
        Command::Allocate(args) => allocate::run(args)?,
        Command::Org {
            command: OrgCommand::Add { code, name },
        } => {
            let db = mizalla::open(&settings).await?;
            registry::org_add(&db, code, name).await?;
        }
        Command::Ledger {
            command: LedgerCommand::Verify { checkpoint },
        } => {
            let db = mizalla::open(&settings).await?;
            if !ledger::verify(&db, checkpoint.as_deref()).await? {
                std::process::exit(1);
            }
        }
        Command::Ledger {
            command: LedgerCommand::Checkpoint,
        } => {
            let db = mizalla::open(&settings).await?;
            if !ledger::checkpoint(&db).await? {
                std::process::exit(1);
            }
        }
        Command::Ledger {
            command: LedgerCommand::Import { org, file, dry_run },
        } => {
            let db = mizalla::open(&settings).await?;
            ledger::import(&db, org, file, *dry_run).await?;
        }
        Command::Import { org, file, dry_run } => {
            let db = mizalla::open(&settings).await?;
            registry::import(&db, org, file, *dry_run).await?;
        }
        Command::Relink => {
            let db = mizalla::open(&settings).await?;
            registry::relink(&db).await?;
        }
        Command::Export {
            command: ExportCommand::Registry { out },
        } => {
            let db = mizalla::open(&settings).await?;
            registry::export_registry(&db, out).await?;
        }
        Command::Export {
            command:
                ExportCommand::FourW {
                    out,
                    level,
                    period,
                    from,
                    to,
                },
        } => {
            let db = mizalla::open(&settings).await?;
            let level = match level {
                LevelArg::Governorate => mizalla::coordination::Level::Governorate,
                LevelArg::District => mizalla::coordination::Level::District,
                LevelArg::Village => mizalla::coordination::Level::Village,
            };
            let period = match period {
                PeriodArg::Month => mizalla::coordination::Period::Month,
                PeriodArg::Quarter => mizalla::coordination::Period::Quarter,
                PeriodArg::Year => mizalla::coordination::Period::Year,
                PeriodArg::All => mizalla::coordination::Period::All,
            };
            registry::export_fourw(&db, out, level, period, from.as_deref(), to.as_deref()).await?;
        }
        Command::Library { command } => {
            let db = mizalla::open(&settings).await?;
            library::run(&db, command).await?;
        }
        Command::Demo { agreements } => {
            let db = mizalla::open(&settings).await?;
            ledger::require_key(&db)?;
            mizalla::demo::seed(&db).await?;
            mizalla::demo::picture::seed(&db).await?;
            if *agreements > 0 {
                mizalla::demo::bulk_agreements(&db, *agreements).await?;
            }
            println!(
                "Demo alliance ready in {} ({agreements} extra agreements).",
                settings.database_url
            );
        }
    }
    Ok(())
}
