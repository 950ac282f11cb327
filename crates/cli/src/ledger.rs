//! `mizalla ledger import`: a member's assistance list into the ledger from the command line.

use anyhow::Context as _;
use mizalla::assistance::import::{self, Fate};
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
