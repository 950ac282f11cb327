//! How many of the district names in members' lists find their district on the coverage map:
//! `cargo run --release -p mizalla-app --example district_match -- DIR` reads every CSV of DIR with
//! `governorate` and `district` columns and prints the share of distinct names and of rows matched,
//! and the most frequent names left unmatched.

use std::collections::HashMap;

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: district_match DIR"))?;
    let mut names: HashMap<(String, String), u64> = HashMap::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("csv") {
            continue;
        }
        let mut reader = csv::Reader::from_path(&path)?;
        let headers = reader.headers()?.clone();
        let (Some(g), Some(d)) = (
            headers
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}') == "governorate"),
            headers.iter().position(|h| h == "district"),
        ) else {
            continue;
        };
        for row in reader.records().flatten() {
            let gov = row.get(g).unwrap_or_default();
            let Some(code) = link::normalize::place::governorate_code(gov) else {
                continue;
            };
            let district = row.get(d).unwrap_or_default().trim();
            if district.is_empty() {
                continue;
            }
            *names
                .entry((code.to_owned(), district.to_owned()))
                .or_default() += 1;
        }
    }
    let (mut hit_names, mut hit_rows, mut rows) = (0, 0, 0);
    let mut missed: Vec<(u64, String, String)> = Vec::new();
    for ((code, name), n) in &names {
        rows += n;
        if mizalla::coordination::map::districts_named(code, name).is_empty() {
            missed.push((*n, code.clone(), name.clone()));
        } else {
            hit_names += 1;
            hit_rows += n;
        }
    }
    missed.sort_by(|a, b| b.cmp(a));
    println!(
        "district names matched: {hit_names} of {} ({:.1} %); rows: {hit_rows} of {rows} ({:.1} %)",
        names.len(),
        100.0 * hit_names as f64 / names.len().max(1) as f64,
        100.0 * hit_rows as f64 / rows.max(1) as f64
    );
    println!("most frequent unmatched:");
    for (n, code, name) in missed.iter().take(25) {
        println!("  {code} {name}: {n}");
    }
    Ok(())
}
