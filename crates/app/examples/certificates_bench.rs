//! Time to draw event certificates as PDF (issue 16: "time for 1,000 PDFs"): the first one
//! (fonts parsed, layout warmed), then batches of N drawn one after another (as holders download
//! them) and side by side on the certificates' threads (as the organiser's ZIP is), with the
//! median time per PDF, its size and the process's peak memory. Names vary from certificate to certificate, as an
//! organiser's bulk download does. Run by `bench/certificates.sh`:
//!
//!   cargo run --release -p mizalla-app --example certificates_bench -- [N …]

use mizalla::events::certificates::{self, Certificate};
use std::time::Instant;

const NAMES: [&str; 8] = [
    "هدى عبد الرحمن محمود",
    "أحمد السيد عبد الله",
    "منة الله إبراهيم حسن",
    "Mina Fawzy Girgis",
    "شيماء سالم عبد الفتاح",
    "محمد عبد الرحمن علي",
    "Sara Mahmoud",
    "د. مريم جرجس",
];

fn certificate(i: usize) -> Certificate {
    Certificate {
        serial: format!("MZ-2026-{:04}-BENCH-{i:05}", i % 10_000),
        registration: i as i64,
        user_id: i as i64,
        org_id: 2,
        name: format!("{} {}", NAMES[i % NAMES.len()], i),
        event_id: 1,
        title_ar: "تدريب: توثيق الحالات ومتابعتها".into(),
        title_en: "Training: documenting and following up cases".into(),
        kind: "training".into(),
        hours_tenths: 120,
        hours: "12".into(),
        first_day: "2026-10-31".into(),
        last_day: "2026-11-02".into(),
        organiser_ar: "الأمانة الفنية".into(),
        organiser_en: "Technical Secretariat".into(),
        issued_at: "2026-11-03T10:00:00Z".into(),
    }
}

const ALLIANCE: (&str, &str) = ("الأمانة الفنية", "Technical Secretariat");

fn with_link(i: usize) -> (Certificate, String) {
    let c = certificate(i);
    let url = format!("https://mizalla.example.org/verify/{}", c.serial);
    (c, url)
}

/// One certificate as a holder's download draws it.
fn draw(i: usize) -> usize {
    let (c, url) = with_link(i);
    certificates::pdf(&c, ALLIANCE, &url)
        .expect("certificate")
        .len()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100, 500, 1000]
    } else {
        sizes
    };
    let t = Instant::now();
    let bytes = draw(0);
    println!(
        "first certificate (cold): {:.0} ms, {} KB",
        t.elapsed().as_secs_f64() * 1e3,
        bytes / 1024
    );
    println!();
    println!(
        "| certificates | one after another: total s | median ms per PDF | side by side on {} threads (the ZIP): total s | PDFs/s | mean KB |",
        std::thread::available_parallelism().map_or(2, |n| n.get().min(8))
    );
    println!("|---|---|---|---|---|---|");
    for n in sizes {
        let mut each = Vec::with_capacity(n);
        let mut total_bytes = 0;
        let t = Instant::now();
        for i in 0..n {
            let s = Instant::now();
            total_bytes += draw(i);
            each.push(s.elapsed().as_secs_f64() * 1e3);
        }
        let one = t.elapsed().as_secs_f64();
        let items: Vec<_> = (0..n).map(with_link).collect();
        let t = Instant::now();
        let all_pdfs = certificates::pdfs(&items, ALLIANCE).expect("certificates");
        let all = t.elapsed().as_secs_f64();
        assert_eq!(all_pdfs.len(), n);
        println!(
            "| {n} | {one:.2} | {:.1} | {all:.2} | {:.0} | {} |",
            median(each),
            n as f64 / all,
            total_bytes / n / 1024
        );
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(peak) = status.lines().find(|l| l.starts_with("VmHWM")) {
        println!();
        println!(
            "peak memory (VmHWM): {}",
            peak.trim_start_matches("VmHWM:").trim()
        );
    }
}
