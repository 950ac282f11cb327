//! The demo's knowledge library: a member's training guide in two versions, a public PDF of
//! another member's health programme, a handbook in English, the alliance's public charter, and
//! a draft only the secretariat reads — enough to search in both languages and see every access
//! level.

use super::actor_for;
use crate::db::Db;
use crate::library::{self, DocumentInput, File};

struct Doc {
    by: &'static str,
    file: &'static str,
    bytes: &'static [u8],
    title: &'static str,
    summary: &'static str,
    tags: &'static str,
    sector: &'static str,
    governorate: &'static str,
    access: &'static str,
}

const DOCS: [Doc; 5] = [
    Doc {
        by: "staff@amal.demo",
        file: "دليل-المعلمين.txt",
        bytes: "يقدّم هذا الدليل خطوات عملية لتدريب المعلّمين والمعلّمات في المدارس الريفية بمحافظة سوهاج: التخطيط للحصة، وإدارة الفصل كثير العدد، ومتابعة التلاميذ المتأخرين دراسيًا.\n\nيتضمن نماذج للمتابعة والتقييم لعام ٢٠٢٦، وجدولًا لورش العمل المشتركة بين الجمعيات.".as_bytes(),
        title: "دليل تدريب المعلمين في المدارس الريفية",
        summary: "خطوات التدريب ونماذج المتابعة لمعلمي القرى.",
        tags: "تدريب، تعليم، ورش عمل",
        sector: "education",
        governorate: "26",
        access: "members",
    },
    Doc {
        by: "staff@nour.demo",
        file: "الرائدات-الريفيات.pdf",
        bytes: include_bytes!("../../../../testdata/library/rural-visitors.pdf"),
        title: "برنامج الرائدات الريفيات",
        summary: "زيارات منزلية للحوامل ومتابعة التطعيمات في قرى الفيوم.",
        tags: "صحة الأم، زيارات منزلية",
        sector: "health",
        governorate: "23",
        access: "public",
    },
    Doc {
        by: "staff@khair.demo",
        file: "volunteer-handbook.md",
        bytes: b"# Volunteer management handbook\n\nHow a member recruits, trains and thanks its volunteers; keeping a record of volunteer hours; certificates of appreciation; and keeping volunteers safe during field visits.\n",
        title: "Volunteer management handbook",
        summary: "",
        tags: "volunteers, training",
        sector: "",
        governorate: "",
        access: "members",
    },
    Doc {
        by: "admin@secretariat.demo",
        file: "ميثاق-التحالف.txt",
        bytes: "ميثاق التحالف الوطني للعمل الأهلي التنموي\n\nتتعاون الجمعيات الأعضاء تحت مظلة واحدة على تنسيق العمل، وحسن استخدام الموارد لصالح الأسر الأولى بالرعاية، وتبادل الخبرات في ورش عمل مشتركة ومكتبة معرفة.".as_bytes(),
        title: "ميثاق التحالف",
        summary: "ما اتفق عليه الأعضاء: التنسيق، والموارد، وتبادل الخبرات.",
        tags: "التحالف",
        sector: "",
        governorate: "",
        access: "public",
    },
    Doc {
        by: "admin@secretariat.demo",
        file: "خطة-رمضان-مسودة.txt",
        bytes: "مسودة خطة توزيع كراتين رمضان على الأسر الأولى بالرعاية، بحسب المحافظات، قبل عرضها على الأعضاء.".as_bytes(),
        title: "خطة توزيع كراتين رمضان (مسودة)",
        summary: "",
        tags: "إغاثة، رمضان",
        sector: "relief",
        governorate: "",
        access: "secretariat",
    },
];

pub(super) async fn seed(db: &Db) -> anyhow::Result<()> {
    let mut first = None;
    for d in &DOCS {
        let actor = actor_for(db, d.by).await?;
        let input = DocumentInput {
            title: d.title.into(),
            summary: d.summary.into(),
            tags: d.tags.into(),
            sector: d.sector.into(),
            governorate: d.governorate.into(),
            access: d.access.into(),
            ..Default::default()
        };
        let file = File {
            name: d.file.into(),
            bytes: d.bytes.to_vec(),
        };
        match library::add(db, Some(&actor), actor.org_id, &input, &file).await {
            Ok(id) => {
                first.get_or_insert((id, actor));
            }
            // A machine without poppler's pdftotext cannot read the PDF: the demo goes on
            // without it (the library's pages say what to install).
            Err(crate::error::Error::Validation(e)) if e.get("file").is_some() => {
                tracing::warn!(file = d.file, "demo library document not added: {:?}", e.0);
            }
            Err(e) => return Err(anyhow::anyhow!("demo library: {e}")),
        }
    }
    if let Some((id, actor)) = first {
        let second = File {
            name: "دليل-المعلمين-2.txt".into(),
            bytes: "الإصدار الثاني من دليل تدريب المعلّمين في المدارس الريفية بمحافظة سوهاج، مع فصل جديد عن دمج التلاميذ ذوي الإعاقة ونماذج المتابعة والتقييم لعام ٢٠٢٦.".as_bytes().to_vec(),
        };
        library::add_version(db, &actor, id, "فصل جديد عن الدمج", &second)
            .await
            .map_err(|e| anyhow::anyhow!("demo library: {e}"))?;
    }
    Ok(())
}
