//! `mizalla export 4w` (issue 14): its fixed columns and HXL row, the alliance's row counting
//! each person once, on SQLite and PostgreSQL.

mod common;

use common::{fresh_database_url, mizalla, mizalla_ok};
use std::collections::HashMap;

const COLUMNS: &str = "org_code,org_name,sector,category,adm1_code,adm1_name,adm2_name,adm3_name,\
period_start,period_end,source,persons_reached,households_reached,quantity,value_egp";
const HXL: &str = "#org+impl+code,#org+impl+name,#sector,#activity+type,#adm1+code,#adm1+name,\
#adm2+name,#loc+name,#date+start,#date+end,#meta+source,#reached+ind,#reached+hh,\
#indicator+quantity,#value+egp";

async fn exports_the_4w(postgres: bool) {
    let Some(url) = fresh_database_url(postgres).await else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("mizalla-4w-{}-{}", postgres, std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("ledger.key");
    let mut key: Vec<&str> = Vec::new();
    if postgres {
        key = vec!["--ledger-key-file", key_file.to_str().unwrap()];
    }
    let mut demo = vec!["demo", "--database-url", &url];
    demo.extend_from_slice(&key);
    mizalla_ok(&demo);
    let out = dir.join("4w.csv");
    let mut args = vec![
        "export",
        "4w",
        "--out",
        out.to_str().unwrap(),
        "--level",
        "village",
        "--period",
        "all",
        "--database-url",
        &url,
    ];
    args.extend_from_slice(&key);
    let err = mizalla_ok(&args);
    assert!(err.contains("rows written"), "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(COLUMNS));
    assert_eq!(lines.next(), Some(HXL));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().skip(1).map(Result::unwrap).collect();
    assert!(rows.len() > 50, "{} rows", rows.len());
    // Per kind, place and period: the alliance's persons and the sum of its members' rows.
    let mut alliance: HashMap<Vec<String>, u64> = HashMap::new();
    let mut members: HashMap<Vec<String>, u64> = HashMap::new();
    for r in &rows {
        if &r[10] != "counted" {
            assert_eq!(&r[10], "reported");
            assert_eq!(&r[12], "", "reported rows have no households");
            continue;
        }
        assert_eq!(r[4].len(), 2, "a two-digit governorate code: {r:?}");
        let key: Vec<String> = [3, 4, 6, 7, 8, 9]
            .iter()
            .map(|&i| r[i].to_owned())
            .collect();
        let persons: u64 = r[11].parse().unwrap();
        if &r[0] == "*" {
            alliance.insert(key, persons);
        } else {
            *members.entry(key).or_default() += persons;
        }
    }
    let mut overlapping = 0;
    for (key, total) in &alliance {
        let sum = members[key];
        assert!(
            *total <= sum,
            "{key:?}: the alliance {total} > its members' {sum}"
        );
        assert!(*total > 0);
        if *total < sum {
            overlapping += 1;
        }
    }
    assert!(
        overlapping > 0,
        "somewhere two members helped the same person, and the alliance counts them once"
    );
    // An Excel file, right to left; bad arguments are refused with a reason.
    let xlsx = dir.join("4w.xlsx");
    let mut args = vec![
        "export",
        "4w",
        "--out",
        xlsx.to_str().unwrap(),
        "--database-url",
        &url,
    ];
    args.extend_from_slice(&key);
    mizalla_ok(&args);
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    for (bad, why) in [
        (vec!["--out", "x.txt"], ".csv or .xlsx"),
        (vec!["--out", "x.csv", "--from", "2026-13-01"], "not a date"),
        (
            vec![
                "--out",
                "x.csv",
                "--from",
                "2026-05-01",
                "--to",
                "2026-04-01",
            ],
            "before",
        ),
    ] {
        let mut args = vec!["export", "4w"];
        args.extend_from_slice(&bad);
        args.extend_from_slice(&["--database-url", &url]);
        args.extend_from_slice(&key);
        let o = mizalla(&args);
        assert!(!o.status.success(), "{bad:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(why), "{bad:?}: {err}");
    }
}

#[tokio::test]
async fn export_4w_on_sqlite() {
    exports_the_4w(false).await;
}

#[tokio::test]
async fn export_4w_on_postgres() {
    exports_the_4w(true).await;
}
