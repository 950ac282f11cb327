//! `mizalla allocate` (issue 15): its fixed files, places compared after normalisation, the
//! summary, and bad files named by file, line and column.

mod common;

use common::{mizalla, mizalla_ok};
use std::path::{Path, PathBuf};

fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mizalla-allocate-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

fn allocate(dir: &Path, offers: &str, needs: &str) -> (std::process::Output, String) {
    let offers = write(dir, "offers.csv", offers);
    let needs = write(dir, "needs.csv", needs);
    let out = dir.join("allocation.csv");
    let _ = std::fs::remove_file(&out);
    let output = mizalla(&[
        "allocate",
        "--offers",
        &offers,
        "--needs",
        &needs,
        "--out",
        out.to_str().unwrap(),
    ]);
    (output, out.to_str().unwrap().to_owned())
}

const OFFERS: &str = "\u{feff}offer_id,org,category,quantity,governorate,district,reach
B1,nour,بطاطين,10,محافظة المنيا,مركز ملوي,district
B2,amal,بطاطين,5,Minya,,governorate
F1,amal,سلة غذائية,3,القاهرة,,national
";

const NEEDS: &str = "need_id,category,quantity,governorate,district,priority
n1,بطاطين,6,المنيا,ملوى,40
n2,بطاطين,8,المنيا,سمالوط,90
n3,بطاطين,4,Menia,ملوي,10
n4,سلة غذائية,2,أسوان,,50
n5,سلة غذائية,2,أسوان,,2
n6,ملابس,7,أسوان,,100
";

#[test]
fn allocates_for_the_best_score_and_writes_the_fixed_file() {
    let dir = dir("ok");
    let (output, out) = allocate(&dir, OFFERS, NEEDS);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let mut rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.remove(0), "offer_id,need_id,quantity");
    rows.sort_unstable();
    // B2 (governorate reach, 1 a unit) goes to n2, the most in need, across markaz: 5 × 89.
    // B1 (its own markaz only) gives n2 nothing, n1 its 6 (× 40), n3 the last 4 (× 10).
    // F1 (national) crosses to Aswan: n4 gets 2 × (50 − 3); n5 (2 − 3 < 0) gets nothing.
    assert_eq!(rows, ["B1,n1,6", "B1,n3,4", "B2,n2,5", "F1,n4,2"]);
    let score = 6 * 40 + 4 * 10 + 5 * 89 + 2 * 47;
    assert!(stdout.contains(&format!("total score {score}")), "{stdout}");
    assert!(
        stdout.contains("units offered 18, needed 29, allocated 17"),
        "{stdout}"
    );
    // Unmet: 3 blankets in Minya (n2), 2 food baskets and 7 clothes in Aswan.
    assert!(stdout.contains("بطاطين\tالمنيا\t3"), "{stdout}");
    assert!(stdout.contains("سلة غذائية\tأسوان\t2"), "{stdout}");
    assert!(stdout.contains("ملابس\tأسوان\t7"), "{stdout}");
    // The same inputs give the same file.
    let (again, out) = allocate(&dir, OFFERS, NEEDS);
    assert!(again.status.success());
    assert_eq!(std::fs::read_to_string(out).unwrap(), text);
}

#[test]
fn a_bad_file_is_named_with_its_line_and_column() {
    let dir = dir("bad");
    let cases = [
        (
            OFFERS.replace("B2,amal,بطاطين,5", "B2,amal,بطاطين,خمسة"),
            NEEDS.to_owned(),
            "offers.csv: line 3, column 4 (quantity): 'خمسة' is not a whole number",
        ),
        (
            OFFERS.to_owned(),
            NEEDS.replace("ملوى,40", "ملوى,101"),
            "needs.csv: line 2, column 6 (priority): '101' is outside 1–100",
        ),
        (
            OFFERS.replace("national", "everywhere"),
            NEEDS.to_owned(),
            "offers.csv: line 4, column 7 (reach): 'everywhere' is not district, governorate or national",
        ),
        (
            OFFERS.replace("مركز ملوي,district", ",district"),
            NEEDS.to_owned(),
            "offers.csv: line 2, column 6 (district): is empty, but the reach is district",
        ),
        (
            OFFERS.to_owned(),
            NEEDS.replace("n3,", "n1,"),
            "needs.csv: line 4, column 1 (need_id): need n1 appears twice",
        ),
        (
            OFFERS.to_owned(),
            NEEDS.replace(",priority", ",urgency"),
            "needs.csv: line 1: no column `priority`",
        ),
        (
            OFFERS.to_owned(),
            NEEDS.replace("n4,سلة غذائية,2,أسوان,,50", "n4,سلة غذائية,2,أسوان,50"),
            "needs.csv: line 5: 5 fields where the header has 6",
        ),
        (
            OFFERS.to_owned(),
            NEEDS.replace("ملوى,40", "ملوى,99999999999999999999999"),
            "is outside 1–100",
        ),
        (
            OFFERS.replace("B1,nour,بطاطين,10", "B1,nour,بطاطين,10000000000"),
            NEEDS.to_owned(),
            "is outside 0–1000000000",
        ),
        (
            OFFERS.replace("nour", "nu\0r"),
            NEEDS.to_owned(),
            "offers.csv: line 2, column 2 (org): holds a NUL character",
        ),
        (
            OFFERS.replace("Minya", ""),
            NEEDS.to_owned(),
            "offers.csv: line 3, column 5 (governorate): is empty",
        ),
    ];
    for (offers, needs, expected) in cases {
        let (output, out) = allocate(&dir, &offers, &needs);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{expected}: {stderr}");
        assert!(
            stderr.contains(expected),
            "wanted «{expected}», got: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            !Path::new(&out).exists(),
            "no allocation is written from a bad file"
        );
    }
    // Not UTF-8 (a spreadsheet's ANSI export).
    let mut bytes = NEEDS.as_bytes().to_vec();
    bytes.extend_from_slice(b"n9,\xe3\xd1,1,x,,5\n");
    let needs = dir.join("needs-ansi.csv");
    std::fs::write(&needs, bytes).unwrap();
    let offers = write(&dir, "offers.csv", OFFERS);
    let output = mizalla(&[
        "allocate",
        "--offers",
        &offers,
        "--needs",
        needs.to_str().unwrap(),
        "--out",
        dir.join("x.csv").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("needs-ansi.csv: line 8, column 2: the text is not UTF-8"),
        "{stderr}"
    );
}

#[test]
fn lines_are_counted_as_an_editor_shows_them() {
    let dir = dir("lines");
    // Excel on Windows writes CRLF; a blank line before the bad row moves it down one.
    let crlf = NEEDS
        .replace('\n', "\r\n")
        .replace("n3,بطاطين,4", "\r\nn3,بطاطين,x");
    let (output, _) = allocate(&dir, OFFERS, &crlf);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("needs.csv: line 5, column 3 (quantity): 'x' is not a whole number"),
        "{stderr}"
    );
    let cr_only = NEEDS
        .replace('\n', "\r")
        .replace("n2,بطاطين,8", "n2,بطاطين,-8");
    let (output, _) = allocate(&dir, OFFERS, &cr_only);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("needs.csv: line 3, column 3"), "{stderr}");
}

#[test]
fn hostile_headers_places_and_paths_are_refused_clearly() {
    let dir = dir("hostile");
    let cases = [
        (
            OFFERS.replace(",reach\n", ",quantity\n"),
            NEEDS.to_owned(),
            "offers.csv: line 1: columns 4 and 7 are both `quantity`",
        ),
        (
            OFFERS.replace("القاهرة", "-"),
            NEEDS.to_owned(),
            "offers.csv: line 4, column 5 (governorate): '-' is not a place name",
        ),
        (
            OFFERS.replace("B1,nour,بطاطين,10", "B1,nour,بطاطين,\u{200f}10\u{200e}"),
            NEEDS.replace("ملوى,40", &format!("ملوى,{}", "4".repeat(2000))),
            "needs.csv: line 2, column 6 (priority): is longer than 1000 characters",
        ),
    ];
    for (offers, needs, expected) in cases {
        let (output, _) = allocate(&dir, &offers, &needs);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{expected}: {stderr}");
        assert!(
            stderr.contains(expected),
            "wanted «{expected}», got: {stderr}"
        );
    }
    // Writing the allocation over an input is refused, and the input is kept.
    let offers = write(&dir, "offers.csv", OFFERS);
    let needs = write(&dir, "needs.csv", NEEDS);
    let output = mizalla(&[
        "allocate", "--offers", &offers, "--needs", &needs, "--out", &offers,
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&offers).unwrap(), OFFERS);
    // Headers are matched folded; ids come out as they went in (other tools join on them), and
    // a governorate spelled another way is the same governorate.
    let offers = OFFERS
        .replace("offer_id,org", "Offer ID,org")
        .replace("B2,amal", "=B2,amal")
        .replace(",Minya,", ",Al-Minya,");
    let (output, out) = allocate(&dir, &offers, NEEDS);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(out).unwrap();
    assert!(text.contains("=B2,n2,5"), "{text}");
    // An unknown governorate is compared as written, and the summary warns of it.
    let (output, _) = allocate(&dir, &OFFERS.replace("القاهرة", "Atlantis"), NEEDS);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success());
    assert!(stderr.contains("'Atlantis' (1 rows)"), "{stderr}");
}

#[test]
fn empty_files_allocate_nothing() {
    let dir = dir("empty");
    let (output, out) = allocate(
        &dir,
        "offer_id,org,category,quantity,governorate,district,reach\n",
        "need_id,category,quantity,governorate,district,priority\n",
    );
    assert!(output.status.success());
    assert_eq!(
        std::fs::read_to_string(out).unwrap(),
        "offer_id,need_id,quantity\n"
    );
    let _ = mizalla_ok;
}
