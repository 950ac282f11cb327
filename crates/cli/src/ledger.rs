//! `mizalla ledger import`: a member's assistance list into the ledger from the command line;
//! `mizalla ledger verify` and `mizalla ledger checkpoint`: the proof that it was not tampered
//! with, told so that an auditor who is not a technician can act on it.

use anyhow::Context as _;
use mizalla::assistance::chain::{self, Checkpoint, Report};
use mizalla::assistance::import::{self, Fate};
use mizalla::assistance::key::LedgerKey;
use mizalla::db::Db;
use mizalla::i18n::Locale;
use std::path::Path;

/// Records a member's assistance list (CSV or XLSX), or shows what it would record.
pub async fn import(db: &Db, org_code: &str, path: &Path, dry_run: bool) -> anyhow::Result<()> {
    let org = mizalla::orgs::by_code(db, org_code).await.map_err(|_| {
        anyhow::anyhow!("no organisation with code '{org_code}' (add it with `mizalla org add`)")
    })?;
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let table = mizalla::table::read_table(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let mapping = import::mapping(&table).map_err(|e| {
        anyhow::anyhow!(
            "{}: {e} (headers: {})",
            path.display(),
            table.headers.join(", ")
        )
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bar = crate::progress(&format!("checking {} rows", table.rows.len()));
    let outcome = import::import(db, None, org.id, &name, &table, &mapping, !dry_run).await;
    bar.finish_and_clear();
    let o = outcome.map_err(|e| anyhow::anyhow!("import failed, nothing was recorded: {e}"))?;
    for r in &o.unreadable {
        eprintln!("row not used: {}: {r}", path.display());
    }
    for r in &o.rows {
        if r.fate == Fate::Refused {
            let why: Vec<String> = r
                .problems
                .iter()
                .map(|(field, key)| format!("{field}: {}", Locale::En.t(key)))
                .collect();
            eprintln!(
                "row not recorded: {}:{}: {}",
                path.display(),
                r.line,
                why.join("; ")
            );
        }
        for ov in &r.overlaps {
            eprintln!(
                "overlap: {}:{}: another member gave {} on {} (rule: within {} days)",
                path.display(),
                r.line,
                ov.category,
                ov.given_on,
                ov.window_days
            );
        }
    }
    let verb = if dry_run {
        "would be recorded"
    } else {
        "recorded"
    };
    eprintln!("rows {verb}:            {}", o.recorded);
    eprintln!("recorded before (skipped): {}", o.already);
    eprintln!("overlapping another member: {}", o.overlapping);
    eprintln!(
        "refused:                   {}",
        o.refused + o.unreadable.len()
    );
    if dry_run {
        eprintln!("Dry run: nothing was recorded.");
    }
    Ok(())
}

/// The ledger cannot be written without its key: a server without one refuses to start.
pub fn require_key(db: &Db) -> anyhow::Result<()> {
    if db.attached::<LedgerKey>().is_none() {
        anyhow::bail!(
            "the assistance ledger needs a key kept outside the database: set ledger_key_file in \
             mizalla.toml (or MIZALLA_LEDGER_KEY_FILE, or --ledger-key-file) to a file path — it is \
             created at the first start — and give every server the same file"
        );
    }
    Ok(())
}

fn print_findings(r: &Report) {
    eprintln!("The assistance ledger has been tampered with. What was found:");
    for f in &r.findings {
        eprintln!("  - {f}");
    }
    if r.more_findings > 0 {
        eprintln!(
            "  … and {} more problems of the same kinds.",
            r.more_findings
        );
    }
    eprintln!(
        "Keep the database as it is (do not repair it) and tell the secretariat's administrator: \
         the audit log and the last checkpoint you kept show what the ledger held."
    );
}

/// `mizalla ledger verify [--checkpoint COUNT:HASH[:SEAL]]`; `false` when anything is wrong.
pub async fn verify(db: &Db, checkpoint: Option<&str>) -> anyhow::Result<bool> {
    let checkpoint = match checkpoint {
        None => None,
        Some(text) => Some(Checkpoint::parse(text).ok_or_else(|| {
            anyhow::anyhow!(
                "'{text}' is not a checkpoint: copy the whole line that `mizalla ledger checkpoint` printed \
                 (a number, a colon, 64 letters and digits, and usually a colon and 64 more)"
            )
        })?),
    };
    require_key(db)?;
    let r = chain::check(db, checkpoint.as_ref()).await?;
    if !r.intact() {
        print_findings(&r);
        return Ok(false);
    }
    println!(
        "The assistance ledger is intact: {} {}, every hash and link checked.",
        r.entries,
        if r.entries == 1 { "entry" } else { "entries" }
    );
    println!(
        "Every entry carries its seal made with the ledger key (key {}) and its record in the audit log.",
        r.key_id.as_deref().unwrap_or("?")
    );
    if r.pre_key_entries > 0 {
        println!(
            "The first {} entries were recorded before the ledger had a key: they are checked by their \
             hashes and the seal made when the key was introduced.",
            r.pre_key_entries
        );
    }
    match &r.head {
        Some(h) => println!(
            "Newest entry: number {} (entry {}, recorded {}), hash {}.",
            h.count, h.entry_id, h.recorded_at, h.hash
        ),
        None => println!("The ledger has no entries yet."),
    }
    if let Some(cp) = &checkpoint {
        let sealed = if cp.mac.is_some() {
            "its seal is right, and "
        } else {
            ""
        };
        println!(
            "Checkpoint {}: {sealed}the ledger still holds its {} entries unchanged.",
            cp.count, cp.count
        );
    } else {
        println!(
            "Deleting the newest entries together with their audit records can only be seen against a \
             checkpoint kept outside the platform: `mizalla ledger checkpoint` prints one."
        );
    }
    Ok(true)
}

/// `mizalla ledger checkpoint`: the head as one line on standard output (what it means on
/// standard error); `false`, and no checkpoint, when the ledger does not verify.
pub async fn checkpoint(db: &Db) -> anyhow::Result<bool> {
    require_key(db)?;
    let r = chain::check(db, None).await?;
    if !r.intact() {
        print_findings(&r);
        eprintln!("No checkpoint was made: a checkpoint of a tampered ledger would prove nothing.");
        return Ok(false);
    }
    let Some(key) = db.attached::<LedgerKey>() else {
        anyhow::bail!("the ledger has no key");
    };
    let cp = Checkpoint::of(r.head.as_ref(), &key);
    println!("{cp}");
    match &r.head {
        Some(h) => eprintln!(
            "Checkpoint of the assistance ledger: {} {}; the newest is entry {}, recorded {}.",
            h.count,
            if h.count == 1 { "entry" } else { "entries" },
            h.entry_id,
            h.recorded_at
        ),
        None => eprintln!("Checkpoint of the assistance ledger: it has no entries yet."),
    }
    eprintln!(
        "Keep the line above where the platform's administrators cannot change it (print it, or send \
         it to the board). To prove later that the ledger still holds these entries unchanged, run:\n  \
         mizalla ledger verify --checkpoint {cp}"
    );
    Ok(true)
}
