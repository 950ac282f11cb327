//! The demo alliance (`mizalla serve --demo`): the secretariat, eight member foundations, one
//! user of every role and agreements with points in every status. Also bulk agreements for
//! load tests (`mizalla demo --agreements N`).

mod events;
mod library;
pub mod picture;

use crate::access::{Actor, Role};
use crate::agreements::{self, AgreementInput, PointInput, UpdateInput};
use crate::db::{self, Db};
use crate::orgs::{self, OrgInput};
use crate::users::{self, NewUser};

/// A demo agreement: kind, title, place, member codes, and points (text, owner code, due in days).
type Visit = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [(&'static str, &'static str, i64)],
);

/// The password of every demo user.
pub const PASSWORD: &str = "mizalla-demo";

struct Member {
    code: &'static str,
    name_ar: &'static str,
    name_en: &'static str,
    sectors: &'static [&'static str],
    governorates: &'static [&'static str],
    contact: &'static str,
}

const MEMBERS: [Member; 8] = [
    Member {
        code: "amal",
        name_ar: "جمعية الأمل للتنمية",
        name_en: "Al-Amal Development Association",
        sectors: &["livelihoods", "education"],
        governorates: &["25", "26"],
        contact: "هدى عبد الرحمن",
    },
    Member {
        code: "nour",
        name_ar: "مؤسسة النور الخيرية",
        name_en: "Al-Nour Charitable Foundation",
        sectors: &["relief", "health"],
        governorates: &["01", "21"],
        contact: "أحمد السيد",
    },
    Member {
        code: "khair",
        name_ar: "جمعية الخير الكبرى",
        name_en: "Al-Khair Grand Association",
        sectors: &["relief"],
        governorates: &["01", "02", "12", "24", "25", "27"],
        contact: "محمود فهمي",
    },
    Member {
        code: "sanad",
        name_ar: "مبادرة سند",
        name_en: "Sanad Initiative",
        sectors: &["disability", "education"],
        governorates: &["13", "14"],
        contact: "منة الله إبراهيم",
    },
    Member {
        code: "tanmia",
        name_ar: "جمعية تنمية المجتمع المحلي",
        name_en: "Local Community Development Association",
        sectors: &["livelihoods", "water_sanitation"],
        governorates: &["24", "27"],
        contact: "عبد الفتاح سيد",
    },
    Member {
        code: "ousra",
        name_ar: "جمعية رعاية الأسرة",
        name_en: "Family Care Association",
        sectors: &["women_children"],
        governorates: &["12", "16", "13"],
        contact: "شيماء سالم",
    },
    Member {
        code: "sehha",
        name_ar: "مؤسسة صحة الأم والطفل",
        name_en: "Mother and Child Health Foundation",
        sectors: &["health", "women_children"],
        governorates: &["22", "23", "26"],
        contact: "د. مريم جرجس",
    },
    Member {
        code: "wafaa",
        name_ar: "جمعية الوفاء",
        name_en: "Al-Wafaa Association",
        sectors: &["housing", "relief"],
        governorates: &["02", "18"],
        contact: "سعد حسني",
    },
];

/// The demo logins: (e-mail, role, organisation code).
pub fn logins() -> Vec<(String, Role, &'static str)> {
    let mut v = vec![
        (
            "admin@secretariat.demo".to_owned(),
            Role::SecretariatAdmin,
            "secretariat",
        ),
        (
            "staff@secretariat.demo".to_owned(),
            Role::SecretariatStaff,
            "secretariat",
        ),
        (
            "auditor@secretariat.demo".to_owned(),
            Role::Auditor,
            "secretariat",
        ),
    ];
    for m in &MEMBERS {
        v.push((format!("admin@{}.demo", m.code), Role::MemberAdmin, m.code));
        v.push((format!("staff@{}.demo", m.code), Role::MemberStaff, m.code));
    }
    v
}

/// The names of the demo's staff (one per member, in the order of the members); a member's
/// admin is its contact person.
const STAFF_NAMES: [&str; 8] = [
    "سارة محمود",
    "كريم عادل",
    "نادية حسن",
    "يوسف عبد الله",
    "مروة فتحي",
    "إسلام رمضان",
    "هبة جمال",
    "مينا فوزي",
];

/// The name on a demo login (what a certificate says).
fn name_of(email: &str) -> String {
    match email {
        "admin@secretariat.demo" => return "ليلى منصور".into(),
        "staff@secretariat.demo" => return "عمرو شريف".into(),
        "auditor@secretariat.demo" => return "سامية نبيل".into(),
        _ => {}
    }
    let (who, rest) = email.split_once('@').unwrap_or((email, ""));
    let code = rest.trim_end_matches(".demo");
    MEMBERS
        .iter()
        .enumerate()
        .find(|(_, m)| m.code == code)
        .map(|(i, m)| {
            if who == "admin" {
                m.contact.to_owned()
            } else {
                STAFF_NAMES[i % STAFF_NAMES.len()].to_owned()
            }
        })
        .unwrap_or_default()
}

async fn actor_for(db: &Db, email: &str) -> anyhow::Result<Actor> {
    let (id, org_id, role): (i64, i64, String) =
        sqlx::query_as("SELECT id, org_id, role FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(&db.pool)
            .await?;
    Ok(Actor {
        user_id: id,
        email: email.to_owned(),
        display_name: String::new(),
        org_id,
        role: Role::parse(&role).unwrap_or(Role::Auditor),
        membership: crate::access::Membership::Active,
    })
}

fn e(err: crate::error::Error) -> anyhow::Error {
    anyhow::anyhow!("demo data: {err:?}")
}

/// Seeds the demo alliance unless it is there already. Returns `false` when it was.
pub async fn seed(db: &Db) -> anyhow::Result<bool> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM users WHERE email = 'admin@secretariat.demo'")
            .fetch_one(&db.pool)
            .await?;
    if n > 0 {
        return Ok(false);
    }
    let secretariat = orgs::ensure_secretariat(db).await.map_err(e)?;
    let mut ids = std::collections::HashMap::new();
    ids.insert("secretariat", secretariat);
    for m in &MEMBERS {
        let input = OrgInput {
            code: m.code.into(),
            name_ar: m.name_ar.into(),
            name_en: m.name_en.into(),
            sectors: m.sectors.iter().map(|s| s.to_string()).collect(),
            governorates: m.governorates.iter().map(|s| s.to_string()).collect(),
            contact_name: m.contact.into(),
            contact_phone: "0100 000 0000".into(),
            contact_email: format!("info@{}.demo", m.code),
        };
        ids.insert(
            m.code,
            orgs::create(db, None, "member", input).await.map_err(e)?,
        );
    }
    // One hash for every demo user: they share the demo password.
    let hash = users::hash_password(PASSWORD)?;
    for (email, role, code) in logins() {
        let new = NewUser {
            email: email.clone(),
            display_name: name_of(&email),
            org_id: ids[code],
            role,
            password: String::new(),
        };
        users::insert(db, None, &new, &email, &hash)
            .await
            .map_err(e)?;
    }
    let admin = actor_for(db, "admin@secretariat.demo").await?;
    orgs::set_status(
        db,
        &admin,
        ids["wafaa"],
        "suspended",
        "تأخر تقديم التقارير الدورية",
    )
    .await
    .map_err(e)?;

    let today = time::OffsetDateTime::now_utc().date();
    let day = |offset: i64| (today + time::Duration::days(offset)).to_string();
    let visits: [Visit; 4] = [
        (
            "visit",
            "زيارة الأمانة الفنية لجمعية الأمل للتنمية",
            "أسيوط",
            &["amal"],
            &[
                ("تكثيف التنسيق بين الأمانة الفنية والجمعية", "amal", -20),
                ("الاستفادة المثلى من موارد الأعضاء", "secretariat", 30),
                ("تنظيم ورش عمل مشتركة لتبادل الخبرات", "amal", 60),
            ],
        ),
        (
            "meeting",
            "اجتماع تنسيقي لأعضاء الصعيد",
            "سوهاج",
            &["amal", "tanmia", "sehha"],
            &[
                ("توحيد قوائم الأسر المستهدفة في قرى المركز", "tanmia", -5),
                ("تبادل بيانات التغطية الجغرافية", "sehha", 15),
                ("إعداد خطة توزيع مشتركة قبل رمضان", "secretariat", -40),
            ],
        ),
        (
            "memorandum",
            "مذكرة تفاهم مع مؤسسة النور الخيرية",
            "القاهرة",
            &["nour"],
            &[
                (
                    "Share the monthly activity report with the secretariat",
                    "nour",
                    10,
                ),
                (
                    "Nominate two staff for the data-protection training",
                    "nour",
                    -3,
                ),
            ],
        ),
        (
            "visit",
            "زيارة متابعة لجمعية رعاية الأسرة",
            "المنصورة",
            &["ousra", "khair"],
            &[
                ("مراجعة ملفات الأسر المكررة مع جمعية الخير", "ousra", 20),
                ("حصر احتياجات القرى غير المخدومة", "khair", 45),
            ],
        ),
    ];
    let statuses = [
        ("in_progress", "بدأ العمل على هذا البند"),
        ("done", "تم الانتهاء"),
        ("dropped", "تم الاستغناء عن هذا البند"),
    ];
    let mut point_no = 0;
    for (i, (kind, title, place, members, points)) in visits.iter().enumerate() {
        let input = AgreementInput {
            kind: kind.to_string(),
            title: title.to_string(),
            held_on: day(-(i as i64) * 14 - 7),
            place: place.to_string(),
            participants: "ممثلو الأمانة الفنية ومجلس إدارة الجمعية".into(),
            summary: "اتفق الطرفان على النقاط التالية ومتابعتها حتى التنفيذ.".into(),
            member_ids: members.iter().map(|c| ids[c]).collect(),
            points: points
                .iter()
                .map(|(body, owner, due)| PointInput {
                    body: body.to_string(),
                    owner_org_id: ids[owner],
                    due_on: Some(day(*due)),
                })
                .collect(),
        };
        let id = agreements::create(db, &admin, input).await.map_err(e)?;
        let detail = agreements::get(db, &admin, id).await.map_err(e)?;
        for p in detail.points {
            // Cycle the points through every status: open, in progress, done, dropped.
            if let Some((status, note)) = statuses.get(point_no % 4) {
                agreements::post_update(
                    db,
                    &admin,
                    p.id,
                    UpdateInput {
                        note: note.to_string(),
                        status: Some(status.to_string()),
                    },
                )
                .await
                .map_err(e)?;
            }
            point_no += 1;
        }
    }
    seed_announcements(db).await?;
    seed_registry(db).await?;
    seed_pool(db).await?;
    library::seed(db).await?;
    events::seed(db).await?;
    Ok(true)
}

/// The resource pool: blankets and food boxes offered by three members, needs posted by two and
/// drawn from the registry, a published allocation of food boxes in Cairo (one pair accepted and
/// waiting for its delivery, the others for the member's answer) and a proposal for blankets in
/// Minya waiting for the secretariat.
async fn seed_pool(db: &Db) -> anyhow::Result<()> {
    use crate::pool::{self, NeedInput, OfferInput, runs};
    let admin = actor_for(db, "admin@secretariat.demo").await?;
    let khair = actor_for(db, "staff@khair.demo").await?;
    let tanmia = actor_for(db, "staff@tanmia.demo").await?;
    let amal = actor_for(db, "staff@amal.demo").await?;
    let offer =
        |kind: &str, quantity: &str, governorate: &str, district: &str, reach: &str| OfferInput {
            category: kind.into(),
            quantity: quantity.into(),
            governorate: governorate.into(),
            district: district.into(),
            reach: reach.into(),
            ..Default::default()
        };
    let blankets = |quantity: &str, district: &str, reach: &str| OfferInput {
        unit: "بطانية".into(),
        conditions: "تُسلَّم من مخزن الجمعية".into(),
        ..offer("blankets", quantity, "24", district, reach)
    };
    pool::create_offer(db, &khair, &blankets("40", "ملوي", "governorate"))
        .await
        .map_err(e)?;
    pool::create_offer(db, &tanmia, &blankets("25", "سمالوط", "district"))
        .await
        .map_err(e)?;
    pool::create_offer(db, &khair, &offer("food_box", "3", "01", "", "national"))
        .await
        .map_err(e)?;
    // A service: a clinic's free visits in Minya.
    pool::create_offer(
        db,
        &tanmia,
        &OfferInput {
            unit: "كشف".into(),
            conditions: "عيادة الجمعية بسمالوط، أيام السبت".into(),
            ..offer("medical_visit", "60", "24", "سمالوط", "governorate")
        },
    )
    .await
    .map_err(e)?;
    let need = |kind: &str, quantity: &str, district: &str, priority: &str, note: &str| NeedInput {
        category: kind.into(),
        quantity: quantity.into(),
        governorate: "24".into(),
        district: district.into(),
        priority: priority.into(),
        note: note.into(),
        ..Default::default()
    };
    for (who, n) in [
        (
            &tanmia,
            need("blankets", "30", "سمالوط", "85", "أسر في بيوت غير مسقوفة"),
        ),
        (&tanmia, need("blankets", "20", "مركز ملوى", "70", "")),
        (&khair, need("blankets", "15", "مغاغة", "60", "")),
        (
            &admin,
            need("blankets", "10", "ملوي", "40", "مدارس مجتمعية"),
        ),
    ] {
        pool::create_need(db, who, &n).await.map_err(e)?;
    }
    pool::create_need(
        db,
        &amal,
        &NeedInput {
            governorate: "01".into(),
            ..need("food_box", "1", "", "90", "")
        },
    )
    .await
    .map_err(e)?;
    pool::draw::draw(
        db,
        &admin,
        &pool::draw::DrawInput {
            category: "food_box".into(),
            governorate: "01".into(),
            households: "3".into(),
            quantity: "1".into(),
            ..Default::default()
        },
    )
    .await
    .map_err(e)?;
    let food = runs::RunInput {
        categories: vec!["food_box".into()],
        governorates: vec!["01".into()],
        deliver_by: (time::OffsetDateTime::now_utc().date() + time::Duration::days(14)).to_string(),
    };
    let published = runs::run(db, &admin, &food, &[]).await.map_err(e)?;
    runs::publish(db, &admin, published).await.map_err(e)?;
    // Al-Khair accepts its pair for a household drawn from the registry (its delivery is left to
    // record: recording it would change that household's standing in the registry's ranking,
    // which the demo's other pages show as they are); its other pairs wait for its answer.
    let (drawn,): (i64,) = sqlx::query_as(
        "SELECT MIN(a.id) FROM pool_allocations a JOIN pool_needs n ON n.id = a.need_id \
         WHERE a.run_id = $1 AND n.record_id IS NOT NULL",
    )
    .bind(published)
    .fetch_one(&db.pool)
    .await?;
    runs::respond(db, &khair, drawn, true).await.map_err(e)?;
    runs::run(
        db,
        &admin,
        &runs::RunInput {
            categories: vec!["blankets".into()],
            governorates: vec!["24".into()],
            ..Default::default()
        },
        &[],
    )
    .await
    .map_err(e)?;
    Ok(())
}

/// A request answered by one member of two, an announcement read by one member, and a request
/// past its date that one member has not answered (so that "late" shows).
async fn seed_announcements(db: &Db) -> anyhow::Result<()> {
    use crate::announcements::{self, AnnouncementInput, AnswerInput};
    let admin = actor_for(db, "admin@secretariat.demo").await?;
    let settings = crate::config::Settings::default();
    let in_days =
        |n: i64| (time::OffsetDateTime::now_utc().date() + time::Duration::days(n)).to_string();
    let send = |kind: &str, title: &str, body: &str, answer_by: Option<String>, govs: &[&str]| {
        AnnouncementInput {
            kind: kind.into(),
            title: title.into(),
            body: body.into(),
            answer_by: answer_by.unwrap_or_default(),
            governorates: govs.iter().map(|g| g.to_string()).collect(),
            ..Default::default()
        }
    };
    let (plan, _) = announcements::create(
        db,
        &settings,
        &admin,
        &send(
            "request",
            "أرسلوا خطة توزيع شنط رمضان في سوهاج وأسيوط",
            "نرجو من كل جمعية تعمل في سوهاج أو أسيوط إرسال خطتها لتوزيع شنط رمضان: القرى، وعدد الأسر المتوقع، وموعد التوزيع، حتى ننسق ولا تتكرر المساعدة لنفس الأسرة.",
            Some(in_days(21)),
            &["25", "26"],
        ),
        None,
    )
    .await
    .map_err(e)?;
    let khair = actor_for(db, "staff@khair.demo").await?;
    announcements::answer(
        db,
        &khair,
        plan,
        &AnswerInput {
            answer: "سنوزع 400 شنطة في قرى مركز ساحل سليم بأسيوط يومي 20 و21 فبراير.".into(),
        },
        None,
    )
    .await
    .map_err(e)?;
    let (meeting, _) = announcements::create(
        db,
        &settings,
        &admin,
        &send(
            "announcement",
            "الاجتماع الربعي للأعضاء يوم الخميس",
            "يُعقد الاجتماع الربعي لأعضاء التحالف يوم الخميس القادم في مقر الأمانة الفنية بالقاهرة، الساعة 11 صباحًا.",
            None,
            &[],
        ),
        None,
    )
    .await
    .map_err(e)?;
    let nour = actor_for(db, "staff@nour.demo").await?;
    announcements::acknowledge(db, &nour, meeting)
        .await
        .map_err(e)?;
    let (volunteers, _) = announcements::create(
        db,
        &settings,
        &admin,
        &send(
            "request",
            "حصر المتطوعين المتاحين في القاهرة",
            "نرجو إرسال عدد المتطوعين المتاحين لدى كل جمعية في القاهرة لقافلة الشتاء.",
            Some(in_days(0)),
            &["01"],
        ),
        None,
    )
    .await
    .map_err(e)?;
    announcements::answer(
        db,
        &nour,
        volunteers,
        &AnswerInput {
            answer: "لدينا 35 متطوعًا متاحًا.".into(),
        },
        None,
    )
    .await
    .map_err(e)?;
    // Its date passed: the request was sent a week before it.
    sqlx::query("UPDATE announcements SET answer_by = $1, created_at = $2 WHERE id = $3")
        .bind(in_days(-5))
        .bind(db::days_ago(12))
        .bind(volunteers)
        .execute(&db.pool)
        .await?;
    sqlx::query("UPDATE announcements SET created_at = $1 WHERE id = $2")
        .bind(db::days_ago(3))
        .bind(meeting)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// One person of the demo families, as two members registered them.
struct DemoPerson {
    household: &'static str,
    relation: &'static str,
    /// The name as Al-Amal wrote it.
    amal: &'static str,
    /// As Al-Nour wrote it (its own spelling), or empty when Al-Nour did not register them.
    nour: &'static str,
    gender: &'static str,
    born: &'static str,
    national_id: &'static str,
    village: &'static str,
}

/// A person from its fields in [`DemoPerson`]'s order.
const fn p(f: [&'static str; 8]) -> DemoPerson {
    DemoPerson {
        household: f[0],
        relation: f[1],
        amal: f[2],
        nour: f[3],
        gender: f[4],
        born: f[5],
        national_id: f[6],
        village: f[7],
    }
}

/// Four families; the first two are registered by both members, so their assistance overlaps.
const FAMILIES: [DemoPerson; 9] = [
    p([
        "A1",
        "رب الأسرة",
        "محمد عبد الرحمن السيد الشناوي",
        "محمد عبدالرحمن السيد شناوى",
        "ذكر",
        "1978-04-12",
        "27804120101234",
        "قرية ميت غمر",
    ]),
    p([
        "A1",
        "زوجة",
        "فاطمة أحمد علي حسن",
        "فاطمه احمد على حسن",
        "أنثى",
        "1983-09-02",
        "28309020101245",
        "قرية ميت غمر",
    ]),
    p([
        "A1",
        "ابن",
        "أحمد محمد عبد الرحمن السيد",
        "",
        "ذكر",
        "2008-01-20",
        "30801200101231",
        "قرية ميت غمر",
    ]),
    p([
        "A2",
        "رب الأسرة",
        "منة الله إبراهيم محمود",
        "منه الله ابراهيم محمود",
        "أنثى",
        "1990-12-01",
        "29012010201248",
        "قسم أول",
    ]),
    p([
        "A2",
        "ابنة",
        "مريم خالد عبد الله",
        "",
        "أنثى",
        "2015-06-30",
        "31506300201246",
        "قسم أول",
    ]),
    p([
        "A3",
        "رب الأسرة",
        "الحاج سيد عبد العزيز خليل",
        "",
        "ذكر",
        "1955-02-14",
        "25502140301235",
        "عزبة النخل",
    ]),
    p([
        "A3",
        "زوجة",
        "زينب محمود عبد الحميد",
        "",
        "أنثى",
        "1960-07-07",
        "26007070301242",
        "عزبة النخل",
    ]),
    p([
        "A4",
        "رب الأسرة",
        "حسن علي حسن مصطفى",
        "",
        "ذكر",
        "1985-11-11",
        "28511110401237",
        "م/ طوخ",
    ]),
    p([
        "A4",
        "ابن",
        "علي حسن علي",
        "",
        "ذكر",
        "2012-03-03",
        "31203030401239",
        "م/ طوخ",
    ]),
];

/// A made-up mobile number for an adult of the demo families (none for a child).
fn demo_phone(i: usize, born: &str, international: bool) -> String {
    if born < "2008" {
        let local = format!("01{}{:08}", [0, 1, 2, 5][i % 4], 23_456_700 + i * 1_111);
        if international {
            format!("+20 {}", &local[1..])
        } else {
            local
        }
    } else {
        String::new()
    }
}

/// A made-up street address, one per demo household.
fn demo_address(household: &str) -> String {
    let street = match household {
        "A1" => "شارع النيل",
        "A2" => "شارع الجمهورية",
        "A3" => "شارع التحرير",
        _ => "شارع المحطة",
    };
    format!("12 {street}")
}

/// Registers the demo families with two members, an overlap rule and some assistance.
async fn seed_registry(db: &Db) -> anyhow::Result<()> {
    use crate::registry::{self, Incoming};
    use link::record::RawRecord;
    for (member, other_spelling) in [("amal", false), ("nour", true)] {
        let org = orgs::by_code(db, member).await.map_err(e)?;
        let mut rows = Vec::new();
        for (i, f) in FAMILIES.iter().enumerate() {
            let name = if other_spelling { f.nour } else { f.amal };
            if name.is_empty() {
                continue;
            }
            rows.push((
                i as u64 + 2,
                RawRecord {
                    record_id: format!("{}-{:03}", member.to_uppercase(), i + 1),
                    household_ref: if other_spelling {
                        format!("N-{}", f.household)
                    } else {
                        f.household.to_owned()
                    },
                    relation_to_head: f.relation.to_owned(),
                    full_name: name.to_owned(),
                    gender: f.gender.to_owned(),
                    date_of_birth: f.born.to_owned(),
                    national_id: f.national_id.to_owned(),
                    governorate: "القاهرة".to_owned(),
                    village: f.village.to_owned(),
                    // Adults have a mobile; Al-Nour writes it with the country code.
                    phone: demo_phone(i, f.born, other_spelling),
                    address: demo_address(f.household),
                    ..RawRecord::default()
                },
            ));
        }
        if other_spelling {
            // A registration the engine cannot decide alone, for the review queue: Al-Amal's
            // Hassan of A4 as Al-Nour typed him from a damaged form — no ID, and the birth year
            // with its digits swapped (1958 for 1985).
            rows.push((
                rows.len() as u64 + 2,
                RawRecord {
                    record_id: "NOUR-010".to_owned(),
                    household_ref: "N-A9".to_owned(),
                    relation_to_head: "رب الأسرة".to_owned(),
                    full_name: "حسن على حسن مصطفى".to_owned(),
                    gender: "ذكر".to_owned(),
                    date_of_birth: "1958".to_owned(),
                    governorate: "القاهرة".to_owned(),
                    village: "طوخ".to_owned(),
                    ..RawRecord::default()
                },
            ));
        }
        let incoming = Incoming {
            rows,
            rejected: vec![],
            order: link::normalize::date::Order::DayFirst,
        };
        registry::commit(
            db,
            None,
            org.id,
            "demo.xlsx",
            &incoming,
            &Default::default(),
        )
        .await
        .map_err(e)?;
    }
    crate::assistance::add_rule(
        db,
        None,
        &crate::assistance::RuleInput {
            category: "food_box".into(),
            window_days: "30".into(),
            scope: "household".into(),
        },
    )
    .await
    .map_err(e)?;
    // Al-Nour gave the shared family a food box ten days ago.
    let nour = actor_for(db, "staff@nour.demo").await?;
    let (record,): (i64,) =
        sqlx::query_as("SELECT id FROM registry_records WHERE member_key = 'NOUR-001'")
            .fetch_one(&db.pool)
            .await?;
    let ten_days_ago =
        (time::OffsetDateTime::now_utc().date() - time::Duration::days(10)).to_string();
    crate::assistance::record(
        db,
        &nour,
        &crate::assistance::AssistanceInput {
            record_id: record.to_string(),
            scope: "household".into(),
            category: "food_box".into(),
            quantity: "1".into(),
            value: "350".into(),
            given_on: ten_days_ago,
            programme: "رمضان".into(),
            ..Default::default()
        },
    )
    .await
    .map_err(e)?;
    Ok(())
}

/// Adds `n` agreements (each with one or two members and three points) for load tests.
pub async fn bulk_agreements(db: &Db, n: usize) -> anyhow::Result<()> {
    seed(db).await?;
    let admin = actor_for(db, "admin@secretariat.demo").await?;
    let members: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM orgs WHERE kind = 'member' ORDER BY id")
            .fetch_all(&db.pool)
            .await?;
    let now = db::now();
    let statuses = ["open", "in_progress", "done", "dropped"];
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let mut tx = db.begin().await?;
        for &i in chunk {
            let held_on = (time::OffsetDateTime::now_utc().date()
                - time::Duration::days((i % 1500) as i64))
            .to_string();
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO agreements (kind, title, held_on, place, participants, summary, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, '', $5, $6, $7, $7) RETURNING id",
            )
            .bind(["visit", "meeting", "memorandum"][i % 3])
            .bind(format!("اتفاق متابعة رقم {i}"))
            .bind(&held_on)
            .bind("القاهرة")
            .bind("اتفق الطرفان على نقاط للمتابعة.")
            .bind(admin.user_id)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await?;
            let a = members[i % members.len()].0;
            let b = members[(i * 7 + 3) % members.len()].0;
            for org in if a == b { vec![a] } else { vec![a, b] } {
                sqlx::query("INSERT INTO agreement_members (agreement_id, org_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(org)
                    .execute(&mut *tx)
                    .await?;
            }
            for k in 0..3 {
                sqlx::query(
                    "INSERT INTO agreement_points (agreement_id, body, owner_org_id, due_on, status, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $6)",
                )
                .bind(id)
                .bind(format!("بند رقم {k}"))
                .bind(a)
                .bind((time::OffsetDateTime::now_utc().date() + time::Duration::days(((i + k) % 90) as i64 - 45)).to_string())
                .bind(statuses[(i + k) % 4])
                .bind(&now)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
    }
    // Fresh statistics, so that the planner knows the tables' new sizes at once.
    sqlx::query("ANALYZE").execute(&db.pool).await?;
    crate::cache::changed(crate::cache::Topic::Agreements);
    Ok(())
}

/// A member's list of `rows` rows made from a labelled set's member files (`files`: each file's
/// text, with its header; the first file's header is the list's), for load tests and the tests
/// of large imports. The first pass keeps the rows as they are; each further pass makes other
/// people of them — a new record and household number, another row's first name, another
/// serial in the national ID and the phone — so that a large list links like a real one instead
/// of being one list many times over.
pub fn larger_list(files: &[String], rows: usize) -> String {
    let mut source: Vec<Vec<String>> = Vec::new();
    let mut header: Vec<String> = Vec::new();
    for text in files {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        if header.is_empty()
            && let Ok(h) = reader.headers()
        {
            header = h.iter().map(str::to_owned).collect();
        }
        source.extend(
            reader
                .records()
                .flatten()
                .map(|r| r.iter().map(str::to_owned).collect()),
        );
    }
    let column = |name: &str| header.iter().position(|h| h == name);
    let (id, household, first, full, nid, phone) = (
        column("record_id"),
        column("household_ref"),
        column("first_name"),
        column("full_name"),
        column("national_id"),
        column("phone"),
    );
    let mut out = csv::Writer::from_writer(Vec::new());
    let _ = out.write_record(&header);
    for n in 0..rows.min(source.len().saturating_mul(1000)) {
        let (pass, i) = (n / source.len().max(1), n % source.len().max(1));
        let mut row = source[i].clone();
        if pass > 0 {
            let other = &source[(i + pass * 101) % source.len()];
            let set = |row: &mut Vec<String>, c: Option<usize>, v: String| {
                if let Some(cell) = c.and_then(|c| row.get_mut(c)) {
                    *cell = v;
                }
            };
            let get = |r: &Vec<String>, c: Option<usize>| {
                c.and_then(|c| r.get(c)).cloned().unwrap_or_default()
            };
            set(&mut row, id, format!("P{pass}-{}", get(&source[i], id)));
            set(
                &mut row,
                household,
                format!("P{pass}-{}", get(&source[i], household)),
            );
            let new_first = get(other, first);
            if !new_first.is_empty() {
                let name = get(&source[i], full);
                let rest = name.split_once(' ').map_or("", |(_, r)| r);
                set(
                    &mut row,
                    full,
                    format!("{new_first} {rest}").trim().to_owned(),
                );
                set(&mut row, first, new_first);
            }
            // Another serial (digits 10-13 of the 14) and another subscriber number.
            let shift = |v: String, from: usize, to: usize| -> String {
                let mut d: Vec<char> = v.chars().collect();
                if d.len() >= to && d[from..to].iter().all(char::is_ascii_digit) {
                    let serial: usize = d[from..to].iter().collect::<String>().parse().unwrap_or(0);
                    let width = to - from;
                    let next = format!(
                        "{:0width$}",
                        (serial + pass * 37) % 10usize.pow(width as u32)
                    );
                    d.splice(from..to, next.chars());
                }
                d.into_iter().collect()
            };
            set(&mut row, nid, shift(get(&source[i], nid), 9, 13));
            set(&mut row, phone, shift(get(&source[i], phone), 7, 11));
        }
        let _ = out.write_record(&row);
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}
