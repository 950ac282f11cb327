//! The demo alliance's picture: enough families, assistance and activities across the members'
//! governorates that the 4W, the observatory and the coverage show something worth reading —
//! families registered by two or three members, aid given twice to the same household, villages
//! with registered need that nobody served. Generated from a fixed seed, so every demo is alike.
//! Only `serve --demo` and `mizalla demo` add it (the tests' demo is the small one).

use super::{MEMBERS, e};
use crate::db::Db;
use crate::table::Table;
use link::record::RawRecord;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A district and its villages.
type District = (&'static str, &'static [&'static str]);

/// Districts and villages the demo uses in each governorate (code, districts).
const PLACES: &[(&str, &[District])] = &[
    (
        "01",
        &[
            ("حلوان", &["عزبة الوالدة", "المعصرة"]),
            ("المطرية", &["عزبة النخل", "عرب الحصن"]),
        ],
    ),
    (
        "02",
        &[
            ("العامرية", &["الناصرية", "أبو يوسف"]),
            ("برج العرب", &["الحمام", "بهيج"]),
        ],
    ),
    (
        "12",
        &[
            ("ميت غمر", &["دماص", "كفر سرنجا"]),
            ("السنبلاوين", &["برقين", "كفر الروك"]),
        ],
    ),
    (
        "13",
        &[
            ("بلبيس", &["غيتة", "الزوامل"]),
            ("فاقوس", &["الصوالح", "أكياد"]),
        ],
    ),
    (
        "14",
        &[
            ("شبرا الخيمة", &["بهتيم", "مسطرد"]),
            ("طوخ", &["نوى", "بلتان"]),
        ],
    ),
    (
        "16",
        &[
            ("المحلة الكبرى", &["محلة أبو علي", "شبرا بابل"]),
            ("زفتى", &["ميت غزال", "كفر ششتا"]),
        ],
    ),
    (
        "18",
        &[
            ("كفر الدوار", &["البيضا", "سيدي غازي"]),
            ("أبو حمص", &["زهراء أبو حمص", "بسنتواي"]),
        ],
    ),
    (
        "21",
        &[
            ("العياط", &["الودي", "عرب الحصار"]),
            ("أطفيح", &["الأخصاص", "قاو"]),
        ],
    ),
    (
        "22",
        &[
            ("الواسطى", &["ميدوم", "الميمون"]),
            ("ناصر", &["بني عدي", "دلاص"]),
        ],
    ),
    (
        "23",
        &[
            ("طامية", &["قصر رشوان", "المظاطلي"]),
            ("إطسا", &["قلهانة", "منشأة الجمال"]),
        ],
    ),
    (
        "24",
        &[
            ("ملوي", &["دير البرشا", "الروضة"]),
            ("سمالوط", &["طحا الأعمدة", "البيهو"]),
        ],
    ),
    (
        "25",
        &[
            ("أبنوب", &["الحمام", "بني محمد"]),
            ("ديروط", &["نزلة عبد اللاه", "صنبو"]),
        ],
    ),
    (
        "26",
        &[
            ("أخميم", &["الصوامعة", "نجع الشيخ"]),
            ("جرجا", &["بيت علام", "المشايعة"]),
        ],
    ),
    (
        "27",
        &[
            ("نجع حمادي", &["هو", "الشرقاوية"]),
            ("أبو تشت", &["الكرنك", "فاو بحري"]),
        ],
    ),
];

const MEN: [&str; 16] = [
    "محمد",
    "أحمد",
    "محمود",
    "علي",
    "حسن",
    "إبراهيم",
    "مصطفى",
    "عبد الله",
    "سيد",
    "خالد",
    "عمر",
    "يوسف",
    "جرجس",
    "مينا",
    "رمضان",
    "سعيد",
];
const WOMEN: [&str; 14] = [
    "فاطمة",
    "زينب",
    "مريم",
    "نادية",
    "سعاد",
    "هدى",
    "أمل",
    "شيماء",
    "منى",
    "سامية",
    "مارينا",
    "آية",
    "رحاب",
    "وفاء",
];
const FAMILY: [&str; 14] = [
    "عبد الرحيم",
    "السيد",
    "حسانين",
    "عبد الحميد",
    "الشافعي",
    "سليمان",
    "جاد",
    "عطية",
    "منصور",
    "بخيت",
    "شحاتة",
    "عبد الملاك",
    "النجار",
    "الصعيدي",
];

/// The national ID of someone born on `born` (ISO) in governorate `gov`, `male` or not, with a
/// valid check digit; `serial` makes it unique.
fn national_id(born: &str, gov: &str, male: bool, serial: u32) -> String {
    let century = if born < "2000" { '2' } else { '3' };
    let (y, m, d) = (&born[2..4], &born[5..7], &born[8..10]);
    // Three digits of sequence, then the gender digit (odd for men).
    let seq = serial % 1000;
    let gender = (serial / 1000 % 5) * 2 + u32::from(male);
    let first13 = format!("{century}{y}{m}{d}{gov}{seq:03}{gender}");
    const W: [u32; 13] = [2, 7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
    let sum: u32 = first13
        .chars()
        .filter_map(|c| c.to_digit(10))
        .zip(W)
        .map(|(a, w)| a * w)
        .sum();
    format!("{first13}{}", (11 - sum % 11) % 10)
}

/// One generated family: where it lives and its people (name, gender, born, ID, relation).
struct Family {
    /// Which village of [`PLACES`] (counting through every governorate's), for leaving some
    /// villages unserved.
    village_no: usize,
    gov: &'static str,
    district: &'static str,
    village: &'static str,
    people: Vec<(String, &'static str, String, String, &'static str)>,
    income: u32,
}

fn families(rng: &mut StdRng, per_village: usize) -> Vec<Family> {
    let mut out = Vec::new();
    let mut serial = 0;
    let mut village_no = 0;
    for (gov, districts) in PLACES {
        for (district, villages) in *districts {
            for village in *villages {
                village_no += 1;
                for _ in 0..per_village {
                    let family = FAMILY[rng.random_range(0..FAMILY.len())];
                    let father = MEN[rng.random_range(0..MEN.len())];
                    let grandfather = MEN[rng.random_range(0..MEN.len())];
                    let year = rng.random_range(1960..1995);
                    let born = |rng: &mut StdRng, year: i32| {
                        format!(
                            "{year}-{:02}-{:02}",
                            rng.random_range(1..=12),
                            rng.random_range(1..=28)
                        )
                    };
                    let head_first = MEN[rng.random_range(0..MEN.len())];
                    let head_born = born(rng, year);
                    serial += 1;
                    let mut people = vec![(
                        format!("{head_first} {father} {grandfather} {family}"),
                        "ذكر",
                        head_born.clone(),
                        national_id(&head_born, gov, true, serial),
                        "رب الأسرة",
                    )];
                    let wife_year = year + rng.random_range(0..6);
                    let wife_born = born(rng, wife_year);
                    serial += 1;
                    people.push((
                        format!(
                            "{} {} {}",
                            WOMEN[rng.random_range(0..WOMEN.len())],
                            MEN[rng.random_range(0..MEN.len())],
                            FAMILY[rng.random_range(0..FAMILY.len())]
                        ),
                        "أنثى",
                        wife_born.clone(),
                        national_id(&wife_born, gov, false, serial),
                        "زوجة",
                    ));
                    for _ in 0..rng.random_range(0..3) {
                        let male = rng.random_bool(0.5);
                        let child_year = rng.random_range(2008..2020);
                        let child_born = born(rng, child_year);
                        serial += 1;
                        let first = if male {
                            MEN[rng.random_range(0..MEN.len())]
                        } else {
                            WOMEN[rng.random_range(0..WOMEN.len())]
                        };
                        people.push((
                            format!("{first} {head_first} {father} {family}"),
                            if male { "ذكر" } else { "أنثى" },
                            child_born.clone(),
                            national_id(&child_born, gov, male, serial),
                            if male { "ابن" } else { "ابنة" },
                        ));
                    }
                    out.push(Family {
                        village_no,
                        gov,
                        district,
                        village,
                        people,
                        income: rng.random_range(600..4000),
                    });
                }
            }
        }
    }
    out
}

/// Whether the picture is there already.
async fn seeded(db: &Db) -> anyhow::Result<bool> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM registry_records WHERE member_key LIKE 'P-%'")
            .fetch_one(&db.pool)
            .await?;
    Ok(n > 0)
}

/// Adds the picture to a demo alliance that has none yet.
pub async fn seed(db: &Db) -> anyhow::Result<()> {
    if seeded(db).await? {
        return Ok(());
    }
    let mut rng = StdRng::seed_from_u64(2026);
    let families = families(&mut rng, 14);
    let members: Vec<(i64, &super::Member)> = {
        let mut v = Vec::new();
        for m in &MEMBERS {
            v.push((crate::orgs::by_code(db, m.code).await.map_err(e)?.id, m));
        }
        v
    };
    let today = time::OffsetDateTime::now_utc().date();
    let categories = [
        "food_box",
        "cash",
        "medical",
        "education_kit",
        "clothing",
        "blankets",
        "rent",
    ];
    for (org_id, member) in &members {
        // The families of the member's governorates; a few villages in each are left to others
        // (or to nobody), so that the coverage has gaps.
        let mine: Vec<(usize, &Family)> = families
            .iter()
            .enumerate()
            .filter(|(i, f)| {
                member.governorates.contains(&f.gov) && (i + member.code.len()) % 4 != 0
            })
            .collect();
        if mine.is_empty() {
            continue;
        }
        let mut rows = Vec::new();
        let mut given = Vec::new();
        for (i, f) in &mine {
            for (p, (name, gender, born, nid, relation)) in f.people.iter().enumerate() {
                let key = format!("P-{}-{i:04}-{p}", member.code.to_uppercase());
                rows.push((
                    rows.len() as u64 + 2,
                    RawRecord {
                        record_id: key.clone(),
                        household_ref: format!("H-{i:04}"),
                        relation_to_head: (*relation).to_owned(),
                        full_name: name.clone(),
                        gender: (*gender).to_owned(),
                        date_of_birth: born.clone(),
                        national_id: nid.clone(),
                        governorate: crate::coordination::governorate(f.gov)
                            .map(|g| g.name_ar.to_owned())
                            .unwrap_or_default(),
                        district: format!("مركز {}", f.district),
                        village: f.village.to_owned(),
                        monthly_income: if p == 0 {
                            f.income.to_string()
                        } else {
                            String::new()
                        },
                        ..RawRecord::default()
                    },
                ));
                // The member helps the head's household with one to three kinds over the year;
                // one village in five is registered but nobody has reached it yet.
                if p == 0 && f.village_no % 5 != 4 && rng.random_bool(0.8) {
                    for _ in 0..rng.random_range(1..=3) {
                        // Food boxes are what most members give.
                        let kind = if rng.random_bool(0.5) {
                            "food_box"
                        } else {
                            categories[rng.random_range(0..categories.len())]
                        };
                        let days = rng.random_range(1..360);
                        given.push(vec![
                            key.clone(),
                            kind.to_owned(),
                            "household".to_owned(),
                            "1".to_owned(),
                            rng.random_range(150..1500).to_string(),
                            (today - time::Duration::days(days)).to_string(),
                            "برنامج الدعم".to_owned(),
                        ]);
                    }
                }
            }
        }
        let incoming = crate::registry::Incoming {
            rows,
            rejected: vec![],
            order: link::normalize::date::Order::DayFirst,
        };
        crate::registry::commit(
            db,
            None,
            *org_id,
            "demo-families.xlsx",
            &incoming,
            &Default::default(),
        )
        .await
        .map_err(e)?;
        let table = Table {
            headers: [
                "record_id",
                "category",
                "scope",
                "quantity",
                "value",
                "given_on",
                "programme",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows: given
                .into_iter()
                .enumerate()
                .map(|(i, r)| (i as u64 + 2, r))
                .collect(),
            unreadable: vec![],
        };
        let mapping =
            crate::assistance::import::mapping(&table).map_err(|f| anyhow::anyhow!("{}", f.key))?;
        crate::assistance::import::import(
            db,
            None,
            *org_id,
            "demo-aid.xlsx",
            &table,
            &mapping,
            true,
        )
        .await
        .map_err(e)?;
    }
    seed_activities(db, &members, &mut rng).await?;
    seed_goals(db).await
}

/// A shared goal for the year with an indicator of each source.
async fn seed_goals(db: &Db) -> anyhow::Result<()> {
    use crate::coordination::goals::{self, GoalInput, IndicatorInput, ValueInput};
    let admin = super::actor_for(db, "admin@secretariat.demo").await?;
    let year = &crate::db::today()[..4];
    let goal = goals::create(
        db,
        &admin,
        &GoalInput {
            title: format!("دعم غذائي لألف أسرة في الصعيد خلال {year}"),
            description: "هدف اتفق عليه أعضاء الصعيد في اجتماعهم التنسيقي.".into(),
            starts_on: format!("{year}-01-01"),
            ends_on: format!("{year}-12-31"),
        },
    )
    .await
    .map_err(e)?;
    for (title, source, measure, kind, govs, target) in [
        (
            "أسر حصلت على كرتونة مواد غذائية",
            "ledger",
            "households",
            "food_box",
            vec!["24", "25", "26", "27"],
            "1000",
        ),
        (
            "مشاركون في التدريبات",
            "activities",
            "people",
            "training",
            vec![],
            "600",
        ),
        (
            "متطوعون شاركوا في التوزيع",
            "entered",
            "units",
            "",
            vec![],
            "150",
        ),
    ] {
        let id = goals::add_indicator(
            db,
            &admin,
            goal,
            &IndicatorInput {
                title: title.into(),
                source: source.into(),
                measure: measure.into(),
                kind: kind.into(),
                governorates: govs.into_iter().map(str::to_owned).collect(),
                target: target.into(),
            },
        )
        .await
        .map_err(e)?;
        if source == "entered" {
            for (email, value, note) in [
                ("staff@amal.demo", "45", "متطوعو قرى أبنوب وديروط"),
                ("staff@tanmia.demo", "30", "شباب مركز ملوي"),
            ] {
                let Ok(actor) = super::actor_for(db, email).await else {
                    continue;
                };
                goals::enter_value(
                    db,
                    &actor,
                    id,
                    &ValueInput {
                        value: value.into(),
                        note: note.into(),
                        as_of: String::new(),
                    },
                )
                .await
                .map_err(e)?;
            }
        }
    }
    Ok(())
}

/// Activities each member reported: trainings, convoys, sessions in its governorates.
async fn seed_activities(
    db: &Db,
    members: &[(i64, &super::Member)],
    rng: &mut StdRng,
) -> anyhow::Result<()> {
    let kinds = [
        ("training", "تدريب على مشروعات صغيرة"),
        ("awareness", "ندوة توعية بالصحة الإنجابية"),
        ("medical_convoy", "قافلة طبية شاملة"),
        ("school_rehab", "تأهيل فصول مدرسة ابتدائية"),
        ("literacy", "فصل محو أمية للسيدات"),
        ("water_connection", "توصيل مياه الشرب للمنازل"),
        ("home_repair", "ترميم أسقف منازل"),
    ];
    let today = time::OffsetDateTime::now_utc().date();
    for (org_id, member) in members {
        if member.code == "wafaa" {
            // Suspended in the demo: it reports nothing.
            continue;
        }
        let actor = super::actor_for(db, &format!("staff@{}.demo", member.code))
            .await
            .or(super::actor_for(db, &format!("admin@{}.demo", member.code)).await);
        let Ok(actor) = actor else {
            // Members without a demo login report nothing.
            continue;
        };
        debug_assert_eq!(actor.org_id, *org_id);
        for n in 0..5 {
            let gov = member.governorates[rng.random_range(0..member.governorates.len())];
            let Some((_, districts)) = PLACES.iter().find(|(g, _)| *g == gov) else {
                continue;
            };
            let (district, villages) = districts[rng.random_range(0..districts.len())];
            let (kind, title) = kinds[rng.random_range(0..kinds.len())];
            let start = today - time::Duration::days(rng.random_range(-20..300));
            let status = if start > today {
                "planned"
            } else if n % 3 == 0 {
                "ongoing"
            } else {
                "done"
            };
            let total = if status == "planned" {
                0
            } else {
                rng.random_range(12..400)
            };
            let input = crate::coordination::activities::ActivityInput {
                type_code: kind.into(),
                title: title.into(),
                governorate: gov.into(),
                district: district.into(),
                village: villages[rng.random_range(0..villages.len())].into(),
                starts_on: start.to_string(),
                ends_on: (start + time::Duration::days(rng.random_range(0..10))).to_string(),
                status: status.into(),
                reached_total: total.to_string(),
                reached_women: (total / 2).to_string(),
                reached_children: (total / 4).to_string(),
                submission: String::new(),
            };
            crate::coordination::activities::create(db, &actor, &input)
                .await
                .map_err(e)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_ids_are_valid_and_say_who_was_born_where() {
        let id = super::national_id("1985-03-07", "25", true, 42);
        assert!(link::normalize::national_id::check_digit_ok(&id), "{id}");
        assert!(
            matches!(
                link::normalize::national_id::parse(&id),
                link::normalize::national_id::NationalId::Valid(v) if v.male && v.governorate == "25"
            ),
            "{id}"
        );
    }
}
