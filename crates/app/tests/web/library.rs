//! The knowledge library (issue 16): documents found however staff type, on both backends;
//! access enforced in results, counts, excerpts and downloads; versions; text extracted from
//! PDF, DOCX and XLSX; hostile files bounded.

use crate::helpers::{Session, TestApp};
use crate::on_both_backends;
use mizalla::library::{self, DocumentInput, File, Search, Viewer};
use std::io::Write as _;

fn testdata(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/library")
        .join(name)
}

#[derive(serde::Deserialize)]
struct Corpus {
    documents: Vec<CorpusDoc>,
    queries: Vec<CorpusQuery>,
}

#[derive(serde::Deserialize)]
struct CorpusDoc {
    key: String,
    title: String,
    tags: String,
    text: String,
}

#[derive(serde::Deserialize)]
struct CorpusQuery {
    q: String,
    expect: String,
    why: String,
}

async fn secretariat_id(app: &TestApp) -> i64 {
    app.org_id("secretariat").await
}

/// Every query of the retrieval corpus, typed the way staff type, finds its document among the
/// first three results.
async fn queries_typed_the_way_staff_type_find_their_document(app: TestApp) {
    let corpus: Corpus =
        serde_json::from_slice(&std::fs::read(testdata("retrieval.json")).unwrap()).unwrap();
    let org = secretariat_id(&app).await;
    let mut ids = std::collections::HashMap::new();
    for d in &corpus.documents {
        let input = DocumentInput {
            title: d.title.clone(),
            tags: d.tags.clone(),
            access: "members".into(),
            ..Default::default()
        };
        let file = File {
            name: format!("{}.txt", d.key),
            bytes: d.text.clone().into_bytes(),
        };
        let id = library::add(&app.db, None, org, &input, &file)
            .await
            .unwrap();
        ids.insert(id, d.key.clone());
    }
    let mut misses = Vec::new();
    for q in &corpus.queries {
        let search = Search {
            q: q.q.clone(),
            ..Default::default()
        };
        let found = library::search(
            &app.db,
            Viewer::All,
            &search,
            mizalla::paging::Page::new(Some(1), 3),
        )
        .await
        .unwrap();
        let keys: Vec<&str> = found
            .hits
            .iter()
            .filter_map(|h| ids.get(&h.document.id).map(String::as_str))
            .collect();
        if !keys.contains(&q.expect.as_str()) {
            misses.push(format!(
                "{} ({}): got {keys:?}, wanted {}",
                q.q, q.why, q.expect
            ));
        }
    }
    assert!(
        misses.is_empty(),
        "{} of {} queries missed:\n{}",
        misses.len(),
        corpus.queries.len(),
        misses.join("\n")
    );
    // An exact phrase ranks above the same words scattered.
    let add = |title: &str, text: &str| {
        let input = DocumentInput {
            title: title.into(),
            access: "members".into(),
            ..Default::default()
        };
        let file = File {
            name: "x.txt".into(),
            bytes: text.as_bytes().to_vec(),
        };
        let db = app.db.clone();
        async move { library::add(&db, None, org, &input, &file).await.unwrap() }
    };
    let scattered = add(
        "ملاحظات متفرقة",
        "السلامة في العمل الميداني مهمة، والطرق الصحراوية طويلة، ومن الغذاء ما يفسد.",
    )
    .await;
    let phrase = add(
        "نشرة",
        "نشرة اليوم عن سلامة الغذاء في المدارس: كيف تُحفظ الوجبات.",
    )
    .await;
    let found = library::search(
        &app.db,
        Viewer::All,
        &Search {
            q: "سلامه الغذاء".into(),
            ..Default::default()
        },
        mizalla::paging::Page::new(Some(1), 20),
    )
    .await
    .unwrap();
    let order: Vec<i64> = found.hits.iter().map(|h| h.document.id).collect();
    let (p, s) = (
        order.iter().position(|i| *i == phrase),
        order.iter().position(|i| *i == scattered),
    );
    assert!(p.is_some() && s.is_some() && p < s, "{order:?}");
    assert!(found.hits[p.unwrap()].phrase && !found.hits[s.unwrap()].phrase);
    // The passage shown holds the words, marked.
    let marked: Vec<&str> = found.hits[p.unwrap()]
        .excerpt
        .iter()
        .filter(|s| s.hit)
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(marked, ["سلامة", "الغذاء"]);
}

on_both_backends!(
    retrieval,
    queries_typed_the_way_staff_type_find_their_document
);

async fn add_as(app: &TestApp, who: &Session, fields: &[(&str, &str)], file: (&str, &[u8])) -> i64 {
    let res = who.multipart(app, "/library", fields, Some(file)).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let (id,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM library_documents")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    id
}

/// Access levels hold in results, their counts, their passages, the API and downloads; the
/// public page shows public documents to anyone.
async fn each_access_level_shows_its_documents_to_whom_it_should(app: TestApp) {
    let amal = app.login("staff@amal.demo").await;
    let nour = app.login("staff@nour.demo").await;
    let admin = app.login("admin@secretariat.demo").await;
    let word = "زنجبيلية"; // in no other document
    let secret = add_as(
        &app,
        &amal,
        &[("title", "تقرير داخلي"), ("access", "secretariat")],
        ("a.txt", format!("تقرير فيه كلمة {word} السرية").as_bytes()),
    )
    .await;
    let members = add_as(
        &app,
        &amal,
        &[("title", "دليل للأعضاء"), ("access", "members")],
        ("b.txt", format!("دليل فيه كلمة {word} للأعضاء").as_bytes()),
    )
    .await;
    let public = add_as(
        &app,
        &amal,
        &[("title", "نشرة عامة"), ("access", "public")],
        ("c.txt", format!("نشرة فيها كلمة {word} للجميع").as_bytes()),
    )
    .await;
    let found = |who: &Session, path: String| {
        let (app, client) = (app.base.clone(), who.client.clone());
        async move {
            client
                .get(format!("{app}{path}"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
                .replace(['\u{2068}', '\u{2069}'], "")
        }
    };
    let q = format!("/library?q={word}&lang=en");
    let own = found(&amal, q.clone()).await;
    assert!(own.contains("3 documents found"), "{own}");
    let other = found(&nour, q.clone()).await;
    assert!(other.contains("2 documents found"), "{other}");
    assert!(!other.contains("السرية") && !other.contains("تقرير داخلي"));
    let all = found(&admin, q.clone()).await;
    assert!(all.contains("3 documents found") && all.contains("السرية"));
    // The API says the same.
    let token = app.token("staff@nour.demo").await;
    let api = app
        .get_json(&format!("/api/v1/library?q={word}"), &token)
        .await;
    assert_eq!(api["total"], 2, "{api}");
    assert!(!api.to_string().contains("السرية"));
    // The document page, its API and its file: hidden from another member as if it did not exist.
    for path in [
        format!("/library/{secret}"),
        format!("/library/{secret}/file"),
        format!("/library/{secret}/file?version=1"),
        format!("/library/{secret}/edit"),
        format!("/api/v1/library/{secret}"),
    ] {
        let res = nour.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
    }
    let res = nour
        .client
        .get(app.url(&format!("/library/{members}/file")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains(word));
    // Another member reads a members' document but does not change or remove it.
    for (path, form) in [
        (
            format!("/library/{members}"),
            vec![("title", "x"), ("access", "public")],
        ),
        (
            format!("/library/{members}/remove"),
            vec![("confirm", "yes")],
        ),
    ] {
        let mut f = vec![("_csrf", nour.csrf.as_str())];
        f.extend(form);
        let res = nour
            .client
            .post(app.url(&path))
            .form(&f)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{path}");
    }
    // Signed out: the public page and its downloads, nothing else.
    let anyone = TestApp::client();
    let page = anyone
        .get(app.url(&format!("/public/library?q={word}&lang=en")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("One document found.") && page.contains("للجميع"),
        "{page}"
    );
    assert!(!page.contains("للأعضاء") && !page.contains("السرية"));
    // Asking the public page for another access level, or a member, changes nothing.
    let page = anyone
        .get(app.url(&format!(
            "/public/library?q={word}&access=secretariat&lang=en"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("One document found"), "{page}");
    for (id, status) in [(public, 200), (members, 404), (secret, 404)] {
        let res = anyone
            .get(app.url(&format!("/public/library/{id}/file")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{id}");
    }
    // A filter the library does not know is refused, not read as "nothing".
    for path in [
        "/api/v1/library?language=AAA",
        "/api/v1/library?file_type=exe",
        "/api/v1/library?access=all",
        "/api/v1/library?governorate=99",
    ] {
        let res = TestApp::client()
            .get(app.url(path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422, "{path}");
    }
    for path in ["/library", "/api/v1/library"] {
        let res = anyone.get(app.url(path)).send().await.unwrap();
        assert!([401, 303].contains(&res.status().as_u16()), "{path}");
    }
    // Removed by its member: gone from search, page and downloads; the audit trail keeps it.
    let res = amal
        .client
        .post(app.url(&format!("/library/{members}/remove")))
        .form(&[("_csrf", amal.csrf.as_str()), ("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let other = found(&nour, q).await;
    assert!(other.contains("One document found"), "{other}");
    let res = admin
        .client
        .get(app.url(&format!("/library/{members}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'library_document' AND entity_id = $1",
    )
    .bind(members)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(n, 2, "created and removed");
}

on_both_backends!(
    access_levels,
    each_access_level_shows_its_documents_to_whom_it_should
);

/// A new version is what is searched; the older one stays downloadable; editing the details
/// re-indexes them; a form with a mistake is shown again with what was typed.
async fn versions_keep_the_old_file_and_search_the_new(app: TestApp) {
    let amal = app.login("staff@amal.demo").await;
    let id = add_as(
        &app,
        &amal,
        &[("title", ""), ("access", "members"), ("tags", "قديم")],
        ("خطة-العمل.txt", "خطة عمل فيها كلمة برتقالية".as_bytes()),
    )
    .await;
    let doc = library::get(&app.db, Viewer::All, id).await.unwrap();
    assert_eq!(doc.title, "خطة-العمل", "the file's name is the title");
    assert_eq!(doc.language, "ar");
    let res = amal
        .multipart(
            &app,
            &format!("/library/{id}/versions"),
            &[("note", "تحديث")],
            Some(("خطة-العمل-2.txt", "خطة عمل فيها كلمة ليمونية".as_bytes())),
        )
        .await;
    assert_eq!(res.status(), 303);
    let hits = |q: &str| {
        let (db, q) = (app.db.clone(), q.to_owned());
        async move {
            library::search(
                &db,
                Viewer::All,
                &Search {
                    q,
                    ..Default::default()
                },
                mizalla::paging::Page::new(Some(1), 20),
            )
            .await
            .unwrap()
            .total
        }
    };
    assert_eq!(hits("ليمونيه").await, 1);
    assert_eq!(hits("برتقاليه").await, 0);
    let old = amal
        .page(&app, &format!("/library/{id}/file?version=1"))
        .await;
    assert!(old.contains("برتقالية"));
    let page = amal.page(&app, &format!("/library/{id}?lang=en")).await;
    assert!(
        page.contains("خطة-العمل-2.txt") && page.contains("تحديث"),
        "{page}"
    );
    // Details edited: the new tag is found, the old one not.
    let res = amal
        .client
        .post(app.url(&format!("/library/{id}")))
        .form(&[
            ("_csrf", amal.csrf.as_str()),
            ("title", "خطة العمل السنوية"),
            ("tags", "جديد، سنوي"),
            ("access", "members"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(hits("سنوي").await, 1);
    assert_eq!(hits("قديم").await, 0);
    // The tag filter takes a tag as written: `%` is no wildcard.
    for (tag, want) in [("سنوي", 1), ("%", 0), ("سن%", 0)] {
        let found = library::search(
            &app.db,
            Viewer::All,
            &Search {
                tag: tag.into(),
                ..Default::default()
            },
            mizalla::paging::Page::new(Some(1), 50),
        )
        .await
        .unwrap();
        let ours = found.hits.iter().filter(|h| h.document.id == id).count();
        assert_eq!(ours, want, "{tag}");
    }
    // Removing asks to confirm; without it the document stays.
    let res = amal
        .client
        .post(app.url(&format!("/library/{id}/remove")))
        .form(&[("_csrf", amal.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let back = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(back, format!("/library/{id}?confirm_removal=true#remove"));
    assert!(library::get(&app.db, Viewer::All, id).await.is_ok());
    let page = amal.page(&app, &back).await;
    assert!(page.contains("err-confirm"), "the page says what to do");
    // Mistakes: a wrong access level, a title with a line break, a file of another kind.
    let res = amal
        .multipart(
            &app,
            "/library",
            &[
                ("title", "سطر\nآخر"),
                ("access", "everyone"),
                ("summary", "نبذة محفوظة"),
            ],
            Some(("run.exe", b"MZ")),
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("نبذة محفوظة"), "what was typed is kept");
    assert!(
        page.contains("err-access") && page.contains("err-file"),
        "{page}"
    );
    let res = amal
        .multipart(&app, "/library", &[("access", "members")], None)
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("err-file"));
}

on_both_backends!(versions, versions_keep_the_old_file_and_search_the_new);

/// An index written by another version of the analysis (or lost) is written again from the
/// documents at start.
async fn a_stale_index_is_written_again(app: TestApp) {
    let org = secretariat_id(&app).await;
    let input = DocumentInput {
        title: "دليل الإسعافات".into(),
        access: "members".into(),
        ..Default::default()
    };
    let file = File {
        name: "a.txt".into(),
        bytes: "نقل المصاب إلى المستشفى".as_bytes().to_vec(),
    };
    let id = library::add(&app.db, None, org, &input, &file)
        .await
        .unwrap();
    let found = |q: &'static str| {
        let db = app.db.clone();
        async move {
            library::search(
                &db,
                Viewer::Member(0),
                &Search {
                    q: q.into(),
                    ..Default::default()
                },
                mizalla::paging::Page::new(Some(1), 50),
            )
            .await
            .unwrap()
            .hits
            .iter()
            .map(|h| h.document.id)
            .collect::<Vec<_>>()
        }
    };
    assert!(found("المصاب").await.contains(&id));
    assert_eq!(
        library::reindex_if_stale(&app.db).await.unwrap(),
        0,
        "current"
    );
    for sql in [
        "DELETE FROM library_index",
        "DELETE FROM library_index_version",
    ] {
        sqlx::query(sql).execute(&app.db.pool).await.unwrap();
    }
    assert!(found("المصاب").await.is_empty());
    let n = library::reindex_if_stale(&app.db).await.unwrap();
    assert!(n >= 1, "{n}");
    assert!(found("المصاب").await.contains(&id));
    assert_eq!(library::reindex_if_stale(&app.db).await.unwrap(), 0);
}

on_both_backends!(reindex, a_stale_index_is_written_again);

/// A minimal DOCX whose body is `paragraphs`.
fn docx(paragraphs: &[&str]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", options).unwrap();
    zip.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
    zip.start_file("word/document.xml", options).unwrap();
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<w:p><w:r><w:t xml:space=\"preserve\">{p}</w:t></w:r></w:p>"))
        .collect();
    zip.write_all(
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
        )
        .as_bytes(),
    )
    .unwrap();
    zip.finish().unwrap().into_inner()
}

/// PDF (through pdftotext), DOCX and XLSX: their text is searched, in reading order.
async fn text_is_extracted_from_the_files_people_use(app: TestApp) {
    if !crate::helpers::pdftotext() {
        return;
    }
    let staff = app.login("staff@nour.demo").await;
    let pdf = std::fs::read(testdata("rural-visitors.pdf")).unwrap();
    let pdf_id = add_as(&app, &staff, &[("access", "members")], ("visits.pdf", &pdf)).await;
    let word = docx(&["تقرير الورشة", "حضر المتدربون من قرى &amp; مراكز المنيا"]);
    let docx_id = add_as(&app, &staff, &[("access", "members")], ("w.docx", &word)).await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write(0, 0, "المركز").unwrap();
    sheet.write(1, 0, "ملوي").unwrap();
    sheet.write(1, 1, 42).unwrap();
    // A workbook's other sheets are read too.
    let second = book.add_worksheet();
    second.set_name("الميزانية").unwrap();
    second.write(3, 2, "أسيوط الجديدة").unwrap();
    let xlsx_id = add_as(
        &app,
        &staff,
        &[("access", "members")],
        ("sheet.xlsx", &book.save_to_buffer().unwrap()),
    )
    .await;
    let text = |id: i64| {
        let db = app.db.clone();
        async move {
            let (t,): (String,) =
                sqlx::query_as("SELECT text FROM library_versions WHERE document_id = $1")
                    .bind(id)
                    .fetch_one(&db.pool)
                    .await
                    .unwrap();
            t
        }
    };
    let pdf_text = text(pdf_id).await;
    assert!(
        pdf_text.contains("برنامج الرائدات الريفيات") && pdf_text.contains("محافظة الفيوم"),
        "Arabic in reading order: {pdf_text}"
    );
    assert_eq!(
        text(docx_id).await.trim(),
        "تقرير الورشة\nحضر المتدربون من قرى & مراكز المنيا"
    );
    let sheets = text(xlsx_id).await;
    assert!(sheets.contains("ملوي\t42"), "{sheets}");
    assert!(sheets.contains("الميزانية\nأسيوط الجديدة"), "{sheets}");
    for (q, id) in [
        ("الرائده", pdf_id),
        ("المتدربين", docx_id),
        ("ملوي", xlsx_id),
    ] {
        let found = library::search(
            &app.db,
            Viewer::All,
            &Search {
                q: q.into(),
                ..Default::default()
            },
            mizalla::paging::Page::new(Some(1), 3),
        )
        .await
        .unwrap();
        assert!(found.hits.iter().any(|h| h.document.id == id), "{q}");
    }
}

on_both_backends!(extraction, text_is_extracted_from_the_files_people_use);

/// A PDF that takes pdftotext minutes, and a DOCX that unpacks to gigabytes: each is stopped at
/// its bound, with a message saying why, and nothing else is lost.
#[tokio::test]
async fn hostile_documents_are_stopped_at_their_bounds() {
    if !crate::helpers::pdftotext() {
        return;
    }
    // Tens of thousands of pages without a cross-reference table: pdftotext rebuilds it and
    // reads on for over a minute (measured: 150,000 pages, 99 s, 19 MB of text).
    let pages = 60_000;
    let content = format!("BT /F1 8 Tf 10 100 Td ({}) Tj ET", "tadrib ".repeat(20));
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", i + 5)).collect();
    let mut objects = vec![
        "<</Type/Catalog/Pages 2 0 R>>".to_owned(),
        format!("<</Type/Pages/Kids[{}]/Count {pages}>>", kids.join(" ")),
        format!("<</Length {}>>stream\n{content}\nendstream", content.len()),
        "<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>".to_owned(),
    ];
    for _ in 0..pages {
        objects.push(
            "<</Type/Page/Parent 2 0 R/MediaBox[0 0 400 200]/Contents 3 0 R/Resources<</Font<</F1 4 0 R>>>>>>".to_owned(),
        );
    }
    for (i, o) in objects.iter().enumerate() {
        pdf.extend_from_slice(format!("{} 0 obj{o}endobj\n", i + 1).as_bytes());
    }
    pdf.extend_from_slice(b"trailer<</Root 1 0 R>>\n%%EOF\n");
    let started = std::time::Instant::now();
    let got = library::extract::text_within("pdf", pdf, std::time::Duration::from_secs(2)).await;
    assert_eq!(got, Err(library::extract::Unreadable::PdfTooSlow));
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
    // A DOCX whose body unpacks to 128 MB of spaces (about 128 KB packed): twice the bound.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("word/document.xml", options).unwrap();
    let chunk = vec![b' '; 1024 * 1024];
    for _ in 0..128 {
        zip.write_all(&chunk).unwrap();
    }
    let bomb = zip.finish().unwrap().into_inner();
    assert!(bomb.len() < 5 * 1024 * 1024, "{}", bomb.len());
    let started = std::time::Instant::now();
    let got = library::extract::text("docx", bomb).await;
    assert_eq!(got, Err(library::extract::Unreadable::TooLargeUnpacked));
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    // Damaged files of each kind: a message, not a crash.
    for (kind, bytes, want) in [
        (
            "pdf",
            b"%PDF-1.4 nothing more".to_vec(),
            library::extract::Unreadable::Pdf,
        ),
        (
            "pdf",
            b"not a pdf".to_vec(),
            library::extract::Unreadable::Pdf,
        ),
        (
            "docx",
            b"PK\x03\x04broken".to_vec(),
            library::extract::Unreadable::Docx,
        ),
        (
            "xlsx",
            b"a,b\n".to_vec(),
            library::extract::Unreadable::Xlsx,
        ),
        (
            "txt",
            b"\xff\xfe\x00".to_vec(),
            library::extract::Unreadable::NotText,
        ),
    ] {
        let got = library::extract::text(kind, bytes).await;
        assert!(
            got == Err(want) || (kind == "pdf" && got.as_deref() == Ok("")),
            "{kind}: {got:?}"
        );
    }
}

/// A hostile file sent through the form is refused with the message in the user's language,
/// and the form keeps what was typed.
async fn a_damaged_file_is_refused_with_a_message(app: TestApp) {
    let staff = app.login("staff@amal.demo").await;
    let res = staff
        .multipart(
            &app,
            "/library",
            &[("title", "ملف تالف"), ("access", "members")],
            Some(("broken.docx", b"PK\x03\x04broken")),
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("تعذّرت قراءة ملف Word"), "{page}");
    assert!(page.contains("ملف تالف"));
    // NUL in a field: refused, not stored.
    let res = staff
        .multipart(
            &app,
            "/library",
            &[("title", "a\0b"), ("access", "members")],
            Some(("a.txt", b"text")),
        )
        .await;
    assert_eq!(res.status(), 400);
}

on_both_backends!(damaged_files, a_damaged_file_is_refused_with_a_message);
