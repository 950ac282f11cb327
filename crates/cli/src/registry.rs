//! `mizalla org add`, `mizalla import` and `mizalla export registry`: batch work on the shared
//! registry from the command line.

use anyhow::Context as _;
use mizalla::db::Db;
use mizalla::i18n::Locale;
use mizalla::registry::{self, mapping};
use mizalla::table::export;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Adds a member organisation (its Arabic and English names both `name` until edited).
pub async fn org_add(db: &Db, code: &str, name: &str) -> anyhow::Result<()> {
    let input = mizalla::orgs::OrgInput {
        code: code.to_owned(),
        name_ar: name.to_owned(),
        name_en: name.to_owned(),
        ..Default::default()
    };
    match mizalla::orgs::create(db, None, "member", input).await {
        Ok(id) => {
            println!("Member {code} added (id {id}).");
            Ok(())
        }
        Err(e) => Err(crate::refused("organisation not added", e)),
    }
}

/// Imports one member's file (CSV or XLSX) into the registry, or shows what it would do.
pub async fn import(db: &Db, org_code: &str, path: &Path, dry_run: bool) -> anyhow::Result<()> {
    let start = Instant::now();
    let org = mizalla::orgs::by_code(db, org_code).await.map_err(|_| {
        anyhow::anyhow!("no organisation with code '{org_code}' (add it with `mizalla org add`)")
    })?;
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let table = mizalla::table::read_table(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let mapping = mapping::proposed(db, org.id, &table.headers).await?;
    mapping::check_mapping(&mapping).map_err(|e| {
        anyhow::anyhow!(
            "{}: {e} (headers: {}); map the columns once on the import page, the mapping is then reused",
            path.display(),
            table.headers.join(", ")
        )
    })?;
    let incoming = registry::Incoming::from_table(&table, &mapping);
    let bar = crate::progress(&format!(
        "matching {} rows against the registry",
        incoming.rows.len()
    ));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let progress = std::sync::Arc::new(mizalla::jobs::progress::Progress::default());
    // The progress is read on a thread of its own: the import keeps the runtime's threads busy
    // (linking is long work between awaits), and a stage must still be said while it runs.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (bar, progress, done) = (bar.clone(), progress.clone(), done.clone());
        // Without a terminal (a script, a log), each stage is a line of its own.
        let lines = !std::io::IsTerminal::is_terminal(&std::io::stderr());
        std::thread::spawn(move || {
            let mut stage = None;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let r = progress.read();
                if lines && stage != Some(r.stage) {
                    stage = Some(r.stage);
                    eprintln!("{}", Locale::En.t(r.stage.key()));
                }
                let count = if r.total > 0 {
                    format!(" {}/{}", r.done, r.total)
                } else {
                    String::new()
                };
                bar.set_message(format!("{}{count}", Locale::En.t(r.stage.key())));
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        })
    };
    let plan = if dry_run {
        registry::plan(db, None, org.id, &incoming).await
    } else {
        registry::commit(db, None, org.id, &name, &incoming, &progress).await
    };
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = watcher.join();
    bar.finish_and_clear();
    let plan = plan.map_err(|e| anyhow::anyhow!("import failed, nothing was saved: {e}"))?;
    let verb = if dry_run { "would be" } else { "were" };
    eprintln!(
        "rows read:                       {}",
        plan.rows.len() + plan.rejected.len()
    );
    eprintln!("new persons:                     {}", plan.new_persons);
    eprintln!("already registered (linked):     {}", plan.linked);
    eprintln!("sent for review:                 {}", plan.review);
    eprintln!("unchanged since the last import: {}", plan.unchanged);
    eprintln!("updated from the last import:    {}", plan.updated);
    eprintln!(
        "{}",
        if plan.whole_registry_linked {
            "linked: the whole registry, its model estimated anew"
        } else {
            "linked: with the registrations the rows may be (incremental)"
        }
    );
    let mut problems: std::collections::BTreeMap<&str, usize> = Default::default();
    for r in &plan.rows {
        for p in &r.problems {
            *problems.entry(p).or_default() += 1;
        }
    }
    for (key, n) in problems {
        eprintln!(
            "rows with a problem:     {n:>6}  {} (used as far as possible)",
            Locale::En.t(key)
        );
    }
    for r in &plan.rejected {
        eprintln!("row not used:            {}: {r}", path.display());
    }
    eprintln!(
        "{} rows {verb} imported into {} in {:.2} s{}",
        plan.rows.len(),
        org.code,
        start.elapsed().as_secs_f64(),
        if dry_run {
            " (dry run: nothing saved)"
        } else {
            ""
        }
    );
    Ok(())
}

/// Links the whole registry again, estimating the model anew.
pub async fn relink(db: &Db) -> anyhow::Result<()> {
    let started = Instant::now();
    let registrations = registry::relink(db, None)
        .await
        .map_err(|e| anyhow::anyhow!("the registry was not linked again: {e}"))?;
    eprintln!(
        "{registrations} registrations linked again, model estimated anew, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Writes `record_id,person_id,household_id` for every registration.
pub async fn export_registry(db: &Db, out: &PathBuf) -> anyhow::Result<()> {
    let rows = registry::export_rows(db).await?;
    let file =
        std::fs::File::create(out).with_context(|| format!("cannot write {}", out.display()))?;
    let header = ["record_id", "person_id", "household_id"].map(String::from);
    let lines = rows.iter().map(|(key, person, household)| {
        vec![key.as_str().into(), (*person).into(), (*household).into()]
    });
    export::write_csv(std::io::BufWriter::new(file), false, &header, lines)?.flush()?;
    eprintln!("{} registrations written to {}", rows.len(), out.display());
    Ok(())
}

/// `mizalla export 4w`: the 4W to a CSV or XLSX file (by its extension), unsuppressed.
pub async fn export_fourw(
    db: &Db,
    out: &Path,
    level: mizalla::coordination::Level,
    period: mizalla::coordination::Period,
    from: Option<&str>,
    to: Option<&str>,
) -> anyhow::Result<()> {
    use mizalla::coordination::fourw;
    let iso = |d: Option<&str>, what: &str| -> anyhow::Result<Option<String>> {
        d.map(|d| match mizalla::error::form_date(d) {
            Some(iso) if iso == d => Ok(iso),
            _ => Err(anyhow::anyhow!(
                "--{what} {d}: not a date (write YYYY-MM-DD)"
            )),
        })
        .transpose()
    };
    let query = fourw::Query {
        level,
        period,
        from: iso(from, "from")?,
        to: iso(to, "to")?,
        ..fourw::Query::default()
    };
    if let (Some(f), Some(t)) = (&query.from, &query.to)
        && t < f
    {
        anyhow::bail!("--to {t} is before --from {f}");
    }
    let rows = fourw::rows(db, &query).await?;
    let (header, table) = fourw::table_rows(&rows);
    let extension = out
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let bytes = match extension.as_str() {
        "csv" => export::csv_bytes(&header, table),
        "xlsx" => export::xlsx_bytes("4W", &header, table, true)?,
        _ => anyhow::bail!("{}: the file name must end in .csv or .xlsx", out.display()),
    };
    std::fs::write(out, bytes).with_context(|| format!("cannot write {}", out.display()))?;
    eprintln!("{} rows written to {}", rows.len(), out.display());
    Ok(())
}
