//! `mizalla dedup` on the labelled dev-small set, and on broken files.

mod common;

use common::{dev_small, pairwise_f1, read_pairs, records_in};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn dedup_finds_persons_and_households_on_dev_small() {
    let dir = dev_small();
    let out = std::env::temp_dir().join(format!("mizalla-dedup-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let files: Vec<PathBuf> = (1..=8)
        .map(|i| dir.join(format!("ngo{i:02}.csv")))
        .collect();
    let status = Command::new(env!("CARGO_BIN_EXE_mizalla"))
        .arg("dedup")
        .args(&files)
        .arg("--out")
        .arg(out.join("clusters.csv"))
        .arg("--households")
        .arg(out.join("households.csv"))
        .arg("--review")
        .arg(out.join("review.csv"))
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let clusters = read_pairs(&out.join("clusters.csv"), "record_id", "cluster_id");
    let records = records_in(&dir.join("truth_records.csv"));
    assert_eq!(clusters.len(), records, "one row per input record");
    let persons = read_pairs(&dir.join("truth_records.csv"), "record_id", "person_id");
    let (p, r, f1) = pairwise_f1(&clusters, &persons);
    eprintln!("person level: precision {p:.4} recall {r:.4} F1 {f1:.4}");
    assert!(f1 >= 0.97, "person-level F1 {f1:.4} below 0.97");
    let households = read_pairs(&out.join("households.csv"), "record_id", "household_id");
    let truth_households = read_pairs(&dir.join("truth_records.csv"), "record_id", "household_id");
    let (_, _, hf1) = pairwise_f1(&households, &truth_households);
    eprintln!("household level: F1 {hf1:.4}");
    assert!(hf1 >= 0.95, "household-level F1 {hf1:.4} below 0.95");
    let review = std::fs::read_to_string(out.join("review.csv")).unwrap();
    assert!(review.starts_with("record_id_l,record_id_r,probability,explanation"));
}

fn dedup_stderr(files: &[&Path]) -> (bool, String) {
    let out = std::env::temp_dir().join(format!("mizalla-dedup-bad-{}.csv", std::process::id()));
    let o = Command::new(env!("CARGO_BIN_EXE_mizalla"))
        .arg("dedup")
        .args(files)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn broken_files_get_errors_naming_the_file_and_line() {
    let dir = std::env::temp_dir().join(format!("mizalla-dedup-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let header = "record_id,member_org,full_name,national_id\n";
    // Windows-1256 bytes are not UTF-8.
    let cp1256 = dir.join("cp1256.csv");
    std::fs::write(
        &cp1256,
        [header.as_bytes(), b"a1,org,\xe3\xcd\xe3\xcf,\n"].concat(),
    )
    .unwrap();
    let (ok, err) = dedup_stderr(&[&cp1256]);
    assert!(
        !ok && err.contains("cp1256.csv: line 2 is not UTF-8"),
        "{err}"
    );
    // No name column.
    let noname = dir.join("noname.csv");
    std::fs::write(&noname, "record_id,phone\nx,010\n").unwrap();
    let (ok, err) = dedup_stderr(&[&noname]);
    assert!(!ok && err.contains("noname.csv: no name column"), "{err}");
    // A ragged row and an empty id are reported, the rest is used; a BOM and CRLF are fine.
    let ragged = dir.join("ragged.csv");
    std::fs::write(
        &ragged,
        format!(
            "\u{feff}{}a1,org,محمد أحمد,\r\na2,org\r\n,org,علي,\r\na3,org,Mohamed Ahmed,\r\n",
            header.replace('\n', "\r\n")
        ),
    )
    .unwrap();
    let (ok, err) = dedup_stderr(&[&ragged]);
    assert!(ok, "{err}");
    assert!(
        err.contains(
            "ragged.csv: line 3: the row has a different number of columns than the header (2 / 4)"
        ),
        "{err}"
    );
    assert!(err.contains("ragged.csv: line 4: empty record_id"), "{err}");
    assert!(err.contains("records read:            2"), "{err}");
    // A missing file.
    let (ok, err) = dedup_stderr(&[&dir.join("nope.csv")]);
    assert!(!ok && err.contains("cannot read"), "{err}");
}

#[test]
fn decisions_taken_by_people_are_respected_on_the_next_run() {
    let data = dev_small();
    let dir = std::env::temp_dir().join(format!("mizalla-dedup-decisions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let files: Vec<PathBuf> = (1..=8)
        .map(|i| data.join(format!("ngo{i:02}.csv")))
        .collect();
    let run = |decisions: Option<&Path>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mizalla"));
        cmd.arg("dedup")
            .args(&files)
            .arg("--out")
            .arg(dir.join("clusters.csv"))
            .arg("--pairs")
            .arg(dir.join("pairs.csv"));
        if let Some(d) = decisions {
            cmd.arg("--decisions").arg(d);
        }
        let o = cmd.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        read_pairs(&dir.join("clusters.csv"), "record_id", "cluster_id")
    };
    let before = run(None);
    // A linked pair in a cluster of exactly two records, and two records in different clusters.
    let mut sizes: HashMap<&str, usize> = HashMap::new();
    for c in before.values() {
        *sizes.entry(c).or_default() += 1;
    }
    let mut pair_of_two: Vec<&String> = before
        .iter()
        .filter(|(_, c)| sizes[c.as_str()] == 2)
        .map(|(r, _)| r)
        .collect();
    pair_of_two.sort();
    let (x, y) = pair_of_two
        .iter()
        .flat_map(|a| pair_of_two.iter().map(move |b| (*a, *b)))
        .find(|(a, b)| a < b && before[*a] == before[*b])
        .unwrap();
    let (p, q) = (
        x.clone(),
        before
            .keys()
            .find(|k| before[*k] != before[x])
            .unwrap()
            .clone(),
    );
    let decisions = dir.join("decisions.csv");
    std::fs::write(
        &decisions,
        format!("record_id_l,record_id_r,decision\n{x},{y},different\n{p},{q},same\n"),
    )
    .unwrap();
    let after = run(Some(&decisions));
    assert_ne!(after[x], after[y], "a pair decided different stays apart");
    assert_eq!(after[&p], after[&q], "a pair decided same is one person");
    std::fs::write(
        &decisions,
        "record_id_l,record_id_r,decision\na1,b1,maybe\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_mizalla"))
        .arg("dedup")
        .arg(&files[0])
        .arg("--out")
        .arg(dir.join("x.csv"))
        .arg("--decisions")
        .arg(&decisions)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("decision 'maybe' is not same, different or unsure")
    );
}

#[test]
fn a_mapping_file_names_columns_the_reader_does_not_know() {
    let dir = std::env::temp_dir().join(format!("mizalla-mapping-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let members = dir.join("members.csv");
    std::fs::write(
        &members,
        "Ref,Given,Surname,Born\n\
         a1,Mohamed,Elsherbiny,1980-05-01\n\
         a2,Mohammed,El-Sherbiny,1980-05-01\n\
         a3,Fatma,Hassan,1992-01-20\n",
    )
    .unwrap();
    let run = |mapping: &str| {
        let path = dir.join("mapping.csv");
        std::fs::write(&path, mapping).unwrap();
        Command::new(env!("CARGO_BIN_EXE_mizalla"))
            .arg("dedup")
            .arg(&members)
            .arg("--out")
            .arg(dir.join("clusters.csv"))
            .arg("--mapping")
            .arg(&path)
            .output()
            .unwrap()
    };
    let o = run("");
    assert!(
        !o.status.success(),
        "without a mapping the ID column is unknown"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("--mapping"));

    // With or without a header line, as a spreadsheet writes it.
    for header in ["column,field\n", ""] {
        let o = run(&format!(
            "{header}Ref,record_id\nGiven,first_name\nSurname,family_name\nBorn,date_of_birth\n"
        ));
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{stderr}");
        let clusters = read_pairs(&dir.join("clusters.csv"), "record_id", "cluster_id");
        assert_eq!(clusters.len(), 3, "{header:?}");
        // Names and dates were read from the mapped columns.
        assert!(stderr.contains("records read:            3"), "{stderr}");
        assert!(!stderr.contains("no name"), "{stderr}");
        assert!(!stderr.contains("date of birth"), "{stderr}");
    }

    let o = run("Ref,record_id\nGiven,nickname\n");
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("line 2: unknown field 'nickname'"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Issue 12, 15: a record id that a spreadsheet would run as a formula reached `clusters.csv`
/// as it was typed.
#[test]
fn output_files_are_formula_neutralised() {
    let dir = std::env::temp_dir().join(format!("mizalla-dedup-formula-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("list.csv");
    std::fs::write(
        &input,
        "record_id,full_name,national_id\n\"+cmd|' /C calc'!A0\",منى علي حسن,29001011234567\n@SUM(1),منى على حسن,29001011234567\n",
    )
    .unwrap();
    let out = dir.join("clusters.csv");
    let o = Command::new(env!("CARGO_BIN_EXE_mizalla"))
        .arg("dedup")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for file in ["clusters.csv"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let first: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
        assert!(!first.is_empty(), "{file}: {text}");
        for cell in &first {
            assert!(
                !cell.starts_with(['+', '=', '@', '-']),
                "{file} carries a formula: {text}"
            );
        }
    }
}
