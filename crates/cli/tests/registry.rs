//! The shared registry from the command line: `org add`, `import`, `export registry`, on SQLite
//! and PostgreSQL.

mod common;

use common::{
    dev_small, fresh_database_url, mizalla, mizalla_ok, person_f1, read_pairs, records_in,
};
use std::path::{Path, PathBuf};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mizalla-registry-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `mizalla export registry` as `record_id,cluster_id` (persons), the form score.py reads.
fn export_persons(url: &str, dir: &Path) -> (PathBuf, usize) {
    let out = dir.join("registry.csv");
    mizalla_ok(&[
        "export",
        "registry",
        "--out",
        out.to_str().unwrap(),
        "--database-url",
        url,
    ]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with("record_id,person_id,household_id\n"),
        "{}",
        &text[..60.min(text.len())]
    );
    let mut persons = String::from("record_id,cluster_id\n");
    for line in text.lines().skip(1) {
        let mut cells = line.split(',');
        persons.push_str(&format!(
            "{},{}\n",
            cells.next().unwrap(),
            cells.next().unwrap()
        ));
    }
    let path = dir.join("persons.csv");
    std::fs::write(&path, persons).unwrap();
    (path, text.lines().count() - 1)
}

/// The registry's tables as `mizalla migrate` makes them, or (PostgreSQL) with the linking index
/// hash-partitioned as docs/SCALING.md lays it out for a national registry.
#[derive(PartialEq)]
enum Schema {
    Plain,
    Partitioned,
}

async fn member_by_member_import_reaches_dedup_quality(postgres: bool, schema: Schema) {
    let data = dev_small();
    let Some(url) = fresh_database_url(postgres).await else {
        return;
    };
    if schema == Schema::Partitioned {
        mizalla_ok(&["migrate", "--database-url", &url]);
        let sql = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../deploy/postgres/partitioned-keys.sql"),
        )
        .unwrap();
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .unwrap();
        let (kind,): (String,) =
            sqlx::query_as("SELECT relkind::text FROM pg_class WHERE relname = 'registry_keys'")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(kind, "p", "registry_keys is a partitioned table");
        pool.close().await;
    }
    let dir = temp_dir(if postgres { "pg" } else { "sqlite" });
    // What `mizalla dedup` reaches on the same files, all at once.
    let files: Vec<PathBuf> = (1..=8)
        .map(|i| data.join(format!("ngo{i:02}.csv")))
        .collect();
    let clusters = dir.join("dedup.csv");
    let mut args = vec!["dedup".to_owned()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    args.extend(["--out".to_owned(), clusters.display().to_string()]);
    mizalla_ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let dedup_f1 = person_f1(&clusters, &data);

    // The registry, member by member, in an order other than the files' own: the first imports
    // link the whole registry (it grows by more than a quarter each time), the last ones only
    // the registrations their rows may be (issue 18).
    let mut incremental = 0;
    for i in [1, 7, 4, 6, 2, 8, 3, 5] {
        let code = format!("ngo{i:02}");
        mizalla_ok(&[
            "org",
            "add",
            &code,
            "--name",
            &format!("جمعية {i}"),
            "--database-url",
            &url,
        ]);
        let err = mizalla_ok(&[
            "import",
            "--org",
            &code,
            files[i - 1].to_str().unwrap(),
            "--database-url",
            &url,
        ]);
        assert!(err.contains("rows were imported"), "{err}");
        incremental += err.contains("(incremental)") as usize;
    }
    assert!(
        incremental >= 2,
        "the last imports are linked incrementally"
    );
    let (persons, n) = export_persons(&url, &dir);
    let records = records_in(&data.join("truth_records.csv"));
    assert_eq!(n, records, "every imported record is exported");
    let registry_f1 = person_f1(&persons, &data);
    eprintln!("person F1: registry {registry_f1:.4}, dedup {dedup_f1:.4}");
    assert!(
        (registry_f1 - dedup_f1).abs() <= 0.01,
        "registry F1 {registry_f1:.4} is not within 0.01 of dedup's {dedup_f1:.4}"
    );

    // Importing the same file again changes nothing and duplicates nothing; person numbers stay.
    let before = read_pairs(&dir.join("registry.csv"), "record_id", "person_id");
    let err = mizalla_ok(&[
        "import",
        "--org",
        "ngo01",
        files[0].to_str().unwrap(),
        "--database-url",
        &url,
    ]);
    let first_file = records_in(&files[0]);
    assert!(
        err.contains(&format!("unchanged since the last import: {first_file}")),
        "{err}"
    );
    let (_, n) = export_persons(&url, &dir);
    assert_eq!(n, records);
    assert_eq!(
        read_pairs(&dir.join("registry.csv"), "record_id", "person_id"),
        before
    );

    // An updated version of a file: a changed row is updated in place, a new row is added.
    let text = std::fs::read_to_string(&files[1]).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let header = lines[0].split(',').position(|h| h == "phone").unwrap();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
    cells[header] = "01011112222".into();
    lines[1] = cells.join(",");
    let mut extra: Vec<String> = lines[2].split(',').map(str::to_owned).collect();
    extra[0] = "ngo02-extra-1".into();
    lines.push(extra.join(","));
    let updated = dir.join("ngo02-v2.csv");
    std::fs::write(&updated, lines.join("\n")).unwrap();
    // A dry run says so and saves nothing.
    let err = mizalla_ok(&[
        "import",
        "--dry-run",
        "--org",
        "ngo02",
        updated.to_str().unwrap(),
        "--database-url",
        &url,
    ]);
    assert!(err.contains("updated from the last import:    1"), "{err}");
    assert!(err.contains("nothing saved"), "{err}");
    assert_eq!(export_persons(&url, &dir).1, records);
    mizalla_ok(&[
        "import",
        "--org",
        "ngo02",
        updated.to_str().unwrap(),
        "--database-url",
        &url,
    ]);
    assert_eq!(export_persons(&url, &dir).1, records + 1);
}

#[tokio::test]
async fn member_by_member_import_reaches_dedup_quality_on_sqlite() {
    member_by_member_import_reaches_dedup_quality(false, Schema::Plain).await;
}

#[tokio::test]
async fn member_by_member_import_reaches_dedup_quality_on_postgres() {
    member_by_member_import_reaches_dedup_quality(true, Schema::Plain).await;
}

#[tokio::test]
async fn member_by_member_import_reaches_dedup_quality_on_a_partitioned_postgres() {
    member_by_member_import_reaches_dedup_quality(true, Schema::Partitioned).await;
}

#[tokio::test]
async fn broken_files_give_clear_errors_and_store_nothing() {
    let url = fresh_database_url(false).await.unwrap();
    let dir = temp_dir("broken");
    mizalla_ok(&[
        "org",
        "add",
        "amal",
        "--name",
        "جمعية الأمل",
        "--database-url",
        &url,
    ]);
    let import = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let o = mizalla(&[
            "import",
            "--org",
            "amal",
            path.to_str().unwrap(),
            "--database-url",
            &url,
        ]);
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let header = "record_id,full_name,national_id,date_of_birth,gender\n";
    // A truncated workbook.
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet()
        .write_string(0, 0, "record_id")
        .unwrap();
    let xlsx = book.save_to_buffer().unwrap();
    let (ok, err) = import("cut.xlsx", &xlsx[..xlsx.len() / 2]);
    assert!(
        !ok && err.contains("cut.xlsx: The Excel file cannot be opened"),
        "{err}"
    );
    // Windows-1256 text.
    let (ok, err) = import(
        "cp1256.csv",
        &[header.as_bytes(), b"1,\xe3\xcd\xe3\xcf,,,\n"].concat(),
    );
    assert!(!ok && err.contains("line 2 is not UTF-8"), "{err}");
    // An unknown organisation.
    let o = mizalla(&[
        "import",
        "--org",
        "nobody",
        dir.join("cp1256.csv").to_str().unwrap(),
        "--database-url",
        &url,
    ]);
    assert!(
        !o.status.success()
            && String::from_utf8_lossy(&o.stderr).contains("no organisation with code 'nobody'")
    );
    let (_, n) = export_persons(&url, &dir);
    assert_eq!(n, 0, "nothing stored from broken files");
    // A formula and a 10 MB cell: those rows are refused with their reason, the others kept.
    let big = "ب".repeat(5 * 1024 * 1024);
    let csv = format!(
        "{header}1,محمد أحمد علي,29001011234567,1990-01-01,ذكر\n2,=HYPERLINK(\"http://evil\"),,,\n3,{big},,,\n4,فاطمة محمود,,1985-05-05,أنثى\n"
    );
    let (ok, err) = import("mixed.csv", csv.as_bytes());
    assert!(ok, "{err}");
    assert!(
        err.contains("line 3: the Full name cell holds a spreadsheet formula"),
        "{err}"
    );
    assert!(
        err.contains("line 4: a cell is longer than 1000 characters"),
        "{err}"
    );
    assert!(err.contains("new persons:                     2"), "{err}");
    assert!(err.len() < 10_000, "the huge cell is not echoed back");
    assert_eq!(export_persons(&url, &dir).1, 2);
    // A record number a spreadsheet would read as a formula comes out neutralised.
    let (ok, err) = import(
        "plus.csv",
        format!("{header}+20-1,سعاد علي,,,\n").as_bytes(),
    );
    assert!(ok, "{err}");
    let export = std::fs::read_to_string(dir.join("registry.csv")).unwrap();
    assert!(!export.contains("\n+20-1,"), "{export}");
    export_persons(&url, &dir);
    let export = std::fs::read_to_string(dir.join("registry.csv")).unwrap();
    assert!(export.contains("\n'+20-1,"), "{export}");
}

/// Killing the command in the middle of an import leaves the registry as it was before it. The
/// import is killed when it says it is linking (or saving what linking found) — inside its
/// transaction, whatever the machine's speed — not after a fixed time, which a fast machine
/// could outrun.
#[tokio::test]
async fn a_killed_import_leaves_no_half_batch() {
    use std::io::BufRead as _;
    let data = dev_small();
    let url = fresh_database_url(false).await.unwrap();
    let dir = temp_dir("kill");
    for code in ["ngo01", "ngo04"] {
        mizalla_ok(&["org", "add", code, "--name", code, "--database-url", &url]);
    }
    mizalla_ok(&[
        "import",
        "--org",
        "ngo01",
        data.join("ngo01.csv").to_str().unwrap(),
        "--database-url",
        &url,
    ]);
    let (_, before) = export_persons(&url, &dir);
    // A list large enough that linking it takes a while.
    let files: Vec<String> = (1..=8)
        .map(|i| std::fs::read_to_string(data.join(format!("ngo{i:02}.csv"))).unwrap())
        .collect();
    let list = dir.join("large.csv");
    std::fs::write(&list, mizalla::demo::larger_list(&files, 20_000)).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mizalla"))
        .args([
            "import",
            "--org",
            "ngo04",
            list.to_str().unwrap(),
            "--database-url",
            &url,
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut said = Vec::new();
    for line in stderr.lines() {
        let line = line.unwrap();
        said.push(line.clone());
        // Linking, or saving the numbers it found: both inside the import's transaction.
        if line.starts_with("Matching against") || line.starts_with("Saving person") {
            child.kill().unwrap();
            break;
        }
    }
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the import was killed while linking: {said:?}"
    );
    let (_, n) = export_persons(&url, &dir);
    assert_eq!(
        n, before,
        "killed while linking: none of the import is kept"
    );
    let o = mizalla_ok(&[
        "import",
        "--org",
        "ngo04",
        list.to_str().unwrap(),
        "--database-url",
        &url,
    ]);
    assert!(o.contains("rows were imported"));
    assert_eq!(export_persons(&url, &dir).1, before + records_in(&list));
}

/// `mizalla ledger import`: a member's assistance list after its beneficiary list, previewed,
/// recorded once however often it is imported, and the ledger still verifies.
async fn assistance_lists_are_recorded_once(postgres: bool) {
    let Some(url) = fresh_database_url(postgres).await else {
        return;
    };
    let dir = temp_dir(if postgres { "aid-pg" } else { "aid-sqlite" });
    mizalla_ok(&[
        "org",
        "add",
        "amal",
        "--name",
        "جمعية الأمل",
        "--database-url",
        &url,
    ]);
    let people = dir.join("people.csv");
    std::fs::write(
        &people,
        "record_id,full_name,national_id,date_of_birth,gender\n\
         P1,محمد عبد الرحمن السيد,27804120101234,1978-04-12,ذكر\n\
         P2,فاطمة أحمد علي,28309020101245,1983-09-02,أنثى\n",
    )
    .unwrap();
    mizalla_ok(&[
        "import",
        "--org",
        "amal",
        people.to_str().unwrap(),
        "--database-url",
        &url,
    ]);
    let aid = dir.join("aid.csv");
    std::fs::write(
        &aid,
        "رقم السجل,نوع المساعدة,الكمية,القيمة,تاريخ الصرف\n\
         P1,cash,1,500,2026-01-15\n\
         P2,كرتونة مواد غذائية,2,700,15/01/2026\n\
         P3,cash,1,500,2026-01-15\n",
    )
    .unwrap();
    // SQLite keeps its ledger key beside the database file; PostgreSQL's is given.
    let key_file = dir.join("ledger.key");
    let key: Vec<&str> = if postgres {
        vec!["--ledger-key-file", key_file.to_str().unwrap()]
    } else {
        vec![]
    };
    let ledger = |extra: &[&str]| {
        let mut args = vec!["ledger", "import", "--org", "amal", aid.to_str().unwrap()];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--database-url", &url]);
        args.extend_from_slice(&key);
        mizalla_ok(&args)
    };
    let err = ledger(&["--dry-run"]);
    assert!(
        err.contains("rows would be recorded:            2"),
        "{err}"
    );
    assert!(
        err.contains("aid.csv:4: record_id"),
        "the unknown key is named with its line: {err}"
    );
    // `ledger verify` succeeds and says how many entries it checked.
    let verify = || {
        let mut args = vec!["ledger", "verify", "--database-url", &url];
        args.extend_from_slice(&key);
        let o = mizalla(&args);
        assert!(o.status.success());
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    assert!(verify().contains(" 0 entries"), "a dry run records nothing");
    let err = ledger(&[]);
    assert!(err.contains("rows recorded:            2"), "{err}");
    let err = ledger(&[]);
    assert!(err.contains("recorded before (skipped): 2"), "{err}");
    assert!(verify().contains(" 2 entries"));
}

#[tokio::test]
async fn assistance_lists_are_recorded_once_on_sqlite() {
    assistance_lists_are_recorded_once(false).await;
}

#[tokio::test]
async fn assistance_lists_are_recorded_once_on_postgres() {
    assistance_lists_are_recorded_once(true).await;
}
