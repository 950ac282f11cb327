//! `mizalla library add` and `mizalla library search` (issue 16): their fixed interface — the new
//! document's id on the last line, `id<TAB>title` per hit best first — on both backends.

mod common;

use common::{fresh_database_url, mizalla};

fn run(url: &str, args: &[&str]) -> (bool, String, String) {
    let mut all = vec!["--database-url", url];
    all.extend_from_slice(args);
    let o = mizalla(&all);
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn add(url: &str, args: &[&str]) -> i64 {
    let mut all = vec!["library", "add"];
    all.extend_from_slice(args);
    let (ok, out, err) = run(url, &all);
    assert!(ok, "{err}");
    out.lines().last().unwrap().parse().expect("the id last")
}

async fn adds_and_searches(postgres: bool) {
    let Some(url) = fresh_database_url(postgres).await else {
        return;
    };
    let dir = std::env::temp_dir().join(format!(
        "mizalla-library-cli-{}-{postgres}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_owned()
    };
    let guide = file("guide.txt", "دليل تدريب المعلّمين في المدارس الريفية بأسوان");
    let report = file("report.md", "تقرير عن تدريب المتطوعين في القرى");
    let pdf = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/library/rural-visitors.pdf");
    // The first migrates the database (a new file or database).
    let a = add(
        &url,
        &[
            &guide,
            "--title",
            "دليل المعلمين",
            "--tags",
            "تعليم,تدريب",
            "--access",
            "public",
        ],
    );
    let b = add(&url, &[&report, "--access", "secretariat"]);
    // Without poppler's pdftotext (outside CI), a text file stands for the PDF.
    let has_pdftotext = std::path::Path::new("/usr/bin/pdftotext").exists();
    assert!(
        has_pdftotext || std::env::var("CI").is_err(),
        "CI=true but pdftotext is not installed"
    );
    let stand_in = file(
        "rural-visitors.txt",
        "برنامج الرائدات الريفيات في قرى الفيوم",
    );
    let pdf = if has_pdftotext {
        pdf.to_str().unwrap().to_owned()
    } else {
        stand_in
    };
    let c = add(&url, &[&pdf, "--org", "secretariat"]);
    assert!(a < b && b < c);
    let search = |q: &str, limit: &str| {
        let (ok, out, err) = run(&url, &["library", "search", q, "--limit", limit]);
        assert!(ok, "{err}");
        out.lines().map(str::to_owned).collect::<Vec<_>>()
    };
    // Typed without hamza, in the singular: both documents on training, the title's first.
    assert_eq!(
        search("تدريب المعلم", "10"),
        vec![format!("{a}\tدليل المعلمين")],
    );
    let training = search("تدريب", "10");
    assert_eq!(training.len(), 2, "{training:?}");
    assert!(
        training.contains(&format!("{b}\treport")),
        "the file's name is the title"
    );
    assert_eq!(search("تدريب", "1").len(), 1);
    assert_eq!(
        search("الرائده الريفيه", "10"),
        vec![format!("{c}\trural-visitors")]
    );
    assert!(search("زنجبيل", "10").is_empty());
    // Mistakes are told, and nothing is added.
    let (ok, _, err) = run(&url, &["library", "add", &guide, "--org", "none-such"]);
    assert!(!ok && err.contains("no organisation"), "{err}");
    let exe = file("run.exe", "MZ");
    let (ok, _, err) = run(&url, &["library", "add", &exe]);
    assert!(!ok && err.contains("file:"), "{err}");
    let (ok, _, err) = run(&url, &["library", "add", &guide, "--access", "everyone"]);
    assert!(!ok && err.contains("everyone"), "{err}");
    assert_eq!(search("دليل", "10").len(), 1);
}

#[tokio::test]
async fn library_add_and_search_on_sqlite() {
    adds_and_searches(false).await;
}

#[tokio::test]
async fn library_add_and_search_on_postgres() {
    adds_and_searches(true).await;
}
