//! `mizalla library add` and `mizalla library search`: the knowledge library from the command
//! line, acting as the secretariat (it sees every document). Their interface is fixed: other
//! tools call them.

use anyhow::Context as _;
use clap::Subcommand;
use mizalla::db::Db;
use mizalla::library::{self, DocumentInput, Search, Viewer};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum LibraryCommand {
    /// Add a document (PDF, DOCX, XLSX, TXT, MD or CSV); prints its id on the last line.
    Add {
        file: PathBuf,
        /// Its title (the file's name when none is given).
        #[arg(long)]
        title: Option<String>,
        /// Tags, comma-separated.
        #[arg(long)]
        tags: Option<String>,
        /// Who may read it.
        #[arg(long, value_parser = ["public", "members", "secretariat"], default_value = "members")]
        access: String,
        /// The organisation it belongs to (the secretariat when none is given).
        #[arg(long)]
        org: Option<String>,
    },
    /// Search the library: one line per document found, best first: `id<TAB>title`.
    Search {
        query: String,
        /// How many documents at most.
        #[arg(long, default_value_t = 10)]
        limit: u32,
    },
}

pub async fn run(db: &Db, command: &LibraryCommand) -> anyhow::Result<()> {
    match command {
        LibraryCommand::Add {
            file,
            title,
            tags,
            access,
            org,
        } => {
            add(
                db,
                file,
                title.as_deref(),
                tags.as_deref(),
                access,
                org.as_deref(),
            )
            .await
        }
        LibraryCommand::Search { query, limit } => search(db, query, *limit).await,
    }
}

fn refused(e: mizalla::error::Error) -> anyhow::Error {
    crate::refused("document not added", e)
}

async fn add(
    db: &Db,
    path: &PathBuf,
    title: Option<&str>,
    tags: Option<&str>,
    access: &str,
    org: Option<&str>,
) -> anyhow::Result<()> {
    let org = match org {
        Some(code) => mizalla::orgs::by_code(db, code)
            .await
            .map_err(|_| anyhow::anyhow!("no organisation with code '{code}'"))?,
        None => mizalla::orgs::secretariat(db)
            .await
            .map_err(|e| anyhow::anyhow!("no secretariat: {e}"))?,
    };
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_owned());
    let file = library::File {
        name: mizalla::files::clean_file_name(&name),
        bytes,
    };
    let input = DocumentInput {
        title: title.unwrap_or_default().to_owned(),
        tags: tags.unwrap_or_default().to_owned(),
        access: access.to_owned(),
        ..Default::default()
    };
    let id = library::add(db, None, org.id, &input, &file)
        .await
        .map_err(refused)?;
    let doc = library::get(db, Viewer::All, id).await.map_err(refused)?;
    println!(
        "Added \"{}\" ({}, {} bytes) to the library for {}, readable by: {}.",
        doc.title, doc.file_type, doc.bytes, org.code, doc.access
    );
    println!("{id}");
    Ok(())
}

async fn search(db: &Db, query: &str, limit: u32) -> anyhow::Result<()> {
    let size = i64::from(limit.clamp(1, 1000));
    let page = mizalla::paging::Page::new(Some(1), size);
    let search = Search {
        q: query.to_owned(),
        ..Default::default()
    };
    let results = library::search(db, Viewer::All, &search, page)
        .await
        .map_err(|e| anyhow::anyhow!("search failed: {e}"))?;
    if results.no_words {
        eprintln!("The query has no word to search for.");
        return Ok(());
    }
    for h in &results.hits {
        println!("{}\t{}", h.document.id, h.document.title);
    }
    Ok(())
}
