//! A member's list as the registry reads it: a table (read by [`crate::table`]) whose headers
//! are mapped to the registry's fields (Arabic or English spellings recognised; a saved or given
//! mapping wins), and whose rows become raw records.
//!
//! Nothing here panics on bad input: a row that cannot be used is a [`RowIssue`] with its line,
//! and the other rows go on.

use crate::access::Actor;
use crate::audit;
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::table::{FileError, MAX_CELL_CHARS, RowIssue, Table, header_key};
use link::record::RawRecord;
use std::collections::HashMap;

/// The fields of a registration, with the header spellings recognised for each (compared folded:
/// case, hamza forms, spaces, `_` and `-` ignored).
pub const FIELDS: [(&str, &[&str]); 22] = [
    (
        "record_id",
        &[
            "record_id",
            "record id",
            "id",
            "رقم السجل",
            "كود",
            "الكود",
            "مسلسل",
        ],
    ),
    (
        "member_org",
        &[
            "member_org",
            "org",
            "organisation",
            "organization",
            "الجمعيه",
            "الجهه",
        ],
    ),
    (
        "household_ref",
        &[
            "household_ref",
            "household",
            "family_id",
            "رقم الاسره",
            "رقم الملف",
            "كود الاسره",
        ],
    ),
    (
        "relation_to_head",
        &[
            "relation_to_head",
            "relation",
            "صله القرابه",
            "الصله",
            "صله",
        ],
    ),
    (
        "full_name",
        &[
            "full_name",
            "name",
            "full name",
            "الاسم",
            "الاسم بالكامل",
            "الاسم رباعي",
            "الاسم الرباعي",
            "الاسم ثلاثي",
            "الاسم الثلاثي",
            "الاسم كاملا",
            "اسم المستفيد رباعي",
            "اسم المستفيد بالكامل",
            "اسم المستفيد",
        ],
    ),
    ("first_name", &["first_name", "first name", "الاسم الاول"]),
    (
        "father_name",
        &[
            "father_name",
            "middle_name",
            "middle name",
            "father name",
            "اسم الاب",
        ],
    ),
    (
        "grandfather_name",
        &["grandfather_name", "grandfather name", "اسم الجد"],
    ),
    (
        "family_name",
        &[
            "family_name",
            "last_name",
            "last name",
            "surname",
            "اسم العائله",
            "اللقب",
        ],
    ),
    ("gender", &["gender", "sex", "النوع", "الجنس"]),
    (
        "date_of_birth",
        &[
            "date_of_birth",
            "dob",
            "birth date",
            "birthdate",
            "تاريخ الميلاد",
        ],
    ),
    ("age", &["age", "السن", "العمر"]),
    (
        "national_id",
        &[
            "national_id",
            "nid",
            "national id",
            "الرقم القومي",
            "رقم قومي",
            "الرقم القومى",
        ],
    ),
    (
        "other_id",
        &[
            "other_id",
            "other id",
            "passport",
            "passport number",
            "unhcr number",
            "social insurance number",
            "رقم جواز السفر",
            "رقم المفوضيه",
            "رقم ملف المفوضيه",
            "الرقم التاميني",
        ],
    ),
    (
        "phone",
        &[
            "phone",
            "mobile",
            "telephone",
            "الهاتف",
            "رقم الهاتف",
            "الموبايل",
            "رقم الموبايل",
            "التليفون",
        ],
    ),
    ("governorate", &["governorate", "المحافظه"]),
    (
        "district",
        &["district", "markaz", "المركز", "القسم", "المركز/القسم"],
    ),
    ("village", &["village", "القريه", "المنطقه"]),
    ("address", &["address", "العنوان"]),
    (
        "registered_at",
        &["registered_at", "registration date", "تاريخ التسجيل"],
    ),
    (
        "disability",
        &[
            "disability",
            "disabled",
            "special needs",
            "اعاقه",
            "الاعاقه",
            "نوع الاعاقه",
            "ذوي الاحتياجات الخاصه",
            "ذوي الهمم",
        ],
    ),
    (
        "monthly_income",
        &[
            "monthly_income",
            "monthly income",
            "income",
            "الدخل",
            "الدخل الشهري",
            "دخل الاسره",
        ],
    ),
];

/// Which field each column holds (`None`: not used). `overrides` maps a folded header (see
/// [`header_key`]) to a field and wins over the recognised spellings.
pub fn auto_mapping(
    headers: &[String],
    overrides: &HashMap<String, String>,
) -> Vec<Option<&'static str>> {
    headers
        .iter()
        .map(|h| {
            let k = header_key(h);
            match overrides.get(&k) {
                // An override naming no field leaves the column out.
                Some(field) => field_named(field),
                None => FIELDS
                    .iter()
                    .find(|(_, names)| names.iter().any(|n| header_key(n) == k))
                    .map(|(f, _)| *f),
            }
        })
        .collect()
}

/// The field called `name`, if there is one.
pub fn field_named(name: &str) -> Option<&'static str> {
    FIELDS.iter().map(|(f, _)| *f).find(|f| *f == name)
}

/// A mapping must name the member's record key and at least one name column, and use each field
/// once.
pub fn check_mapping(mapping: &[Option<&'static str>]) -> Result<(), FileError> {
    let has = |f: &str| mapping.contains(&Some(f));
    if !has("record_id") {
        return Err(FileError::new("file-no-record-id", 1, ""));
    }
    if !has("full_name") && !has("first_name") {
        return Err(FileError::new("file-no-name", 1, ""));
    }
    for (i, f) in mapping.iter().enumerate() {
        if let Some(f) = f
            && *f != JOINED_FIELD
            && mapping[..i].contains(&Some(f))
        {
            return Err(FileError::new("file-field-twice", 1, *f));
        }
    }
    Ok(())
}

/// The field a list may spread over several columns (building number, street, area…): their
/// values are joined in column order.
const JOINED_FIELD: &str = "address";

fn set_field(r: &mut RawRecord, field: &str, value: &str) {
    let v = value.trim().to_owned();
    if field == JOINED_FIELD && !r.address.is_empty() {
        if !v.is_empty() {
            r.address = format!("{} {v}", r.address);
        }
        return;
    }
    match field {
        "record_id" => r.record_id = v,
        "member_org" => r.member_org = v,
        "household_ref" => r.household_ref = v,
        "relation_to_head" => r.relation_to_head = v,
        "full_name" => r.full_name = v,
        "first_name" => r.first_name = v,
        "father_name" => r.father_name = v,
        "grandfather_name" => r.grandfather_name = v,
        "family_name" => r.family_name = v,
        "gender" => r.gender = v,
        "date_of_birth" => r.date_of_birth = v,
        "age" => r.age = v,
        "national_id" => r.national_id = v,
        "other_id" => r.other_id = v,
        "phone" => r.phone = v,
        "governorate" => r.governorate = v,
        "district" => r.district = v,
        "village" => r.village = v,
        "address" => r.address = v,
        "registered_at" => r.registered_at = v,
        "disability" => r.disability = v,
        "monthly_income" => r.monthly_income = v,
        _ => {}
    }
}

/// The table's rows as raw records, with the rows that cannot be used and why. A record key
/// seen twice in one file keeps its first row.
pub fn records(
    table: &Table,
    mapping: &[Option<&'static str>],
) -> (Vec<(u64, RawRecord)>, Vec<RowIssue>) {
    let mut issues = table.unreadable.clone();
    let mut out: Vec<(u64, RawRecord)> = Vec::with_capacity(table.rows.len());
    let mut seen: HashMap<String, u64> = HashMap::new();
    'rows: for (line, cells) in &table.rows {
        let issue = |key, detail: String| RowIssue {
            line: *line,
            key,
            detail,
        };
        if cells.len() != table.headers.len() {
            issues.push(issue(
                "row-columns",
                format!("{} / {}", cells.len(), table.headers.len()),
            ));
            continue;
        }
        let mut raw = RawRecord::default();
        for (value, field) in cells.iter().zip(mapping) {
            let Some(f) = field else { continue };
            // A cell's bytes are at least its characters: most cells need no counting.
            if value.len() > MAX_CELL_CHARS && value.chars().count() > MAX_CELL_CHARS {
                issues.push(issue("row-cell-too-long", MAX_CELL_CHARS.to_string()));
                continue 'rows;
            }
            // A formula would run in the spreadsheet of whoever opens an export later.
            if value.trim_start().starts_with('=') {
                issues.push(issue("row-formula", (*f).to_owned()));
                continue 'rows;
            }
            set_field(&mut raw, f, value);
        }
        if raw.record_id.is_empty() {
            issues.push(issue("row-no-record-id", String::new()));
            continue;
        }
        // A registration without a name cannot be recognised by anyone, nor told apart by the
        // member's own staff: it would become a new person at every import.
        let named = [
            &raw.full_name,
            &raw.first_name,
            &raw.father_name,
            &raw.grandfather_name,
            &raw.family_name,
        ]
        .iter()
        .any(|n| n.chars().any(char::is_alphabetic));
        if !named {
            issues.push(issue("row-no-name", String::new()));
            continue;
        }
        if let Some(first) = seen.insert(raw.record_id.clone(), *line) {
            seen.insert(raw.record_id.clone(), first);
            issues.push(issue("row-duplicate-key", first.to_string()));
            continue;
        }
        out.push((*line, raw));
    }
    issues.sort_by_key(|i| i.line);
    (out, issues)
}

/// The mapping proposed for a member's file with these headers: its saved mapping for such
/// files where there is one, the recognised spellings otherwise (see [`auto_mapping`]).
pub async fn proposed(
    db: &Db,
    org_id: i64,
    headers: &[String],
) -> Result<Vec<Option<&'static str>>> {
    let saved = saved_mapping(db, org_id, headers)
        .await?
        .unwrap_or_default();
    Ok(auto_mapping(headers, &saved))
}

/// The saved mapping of this member for files with these headers, if any.
pub async fn saved_mapping(
    db: &Db,
    org_id: i64,
    headers: &[String],
) -> Result<Option<HashMap<String, String>>> {
    // Mappings saved before signatures were hashed are still found under the headers themselves.
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT mapping_json FROM registry_mappings WHERE org_id = $1 AND signature IN ($2, $3) \
         ORDER BY updated_at DESC LIMIT 1",
    )
    .bind(org_id)
    .bind(signature(headers))
    .bind(old_signature(headers))
    .fetch_optional(&db.pool)
    .await?;
    let Some((json,)) = row else { return Ok(None) };
    // Saved as the fields in column order; earlier as a map from folded header to field.
    if let Ok(fields) = serde_json::from_str::<Vec<String>>(&json) {
        return Ok(Some(
            headers.iter().map(|h| header_key(h)).zip(fields).collect(),
        ));
    }
    Ok(serde_json::from_str(&json).ok())
}

/// Saves a member's confirmed mapping (folded header → field) for files with these headers.
pub async fn save_mapping(
    db: &Db,
    actor: Option<&Actor>,
    org_id: i64,
    headers: &[String],
    mapping: &[Option<&'static str>],
) -> Result<()> {
    // The fields in column order, under a hash of the headers: a file without a header row has
    // a beneficiary's data where its headers should be, which must stay out of this table and
    // out of the audit log (issue 12, 12).
    let fields: Vec<&str> = mapping.iter().map(|f| f.unwrap_or("")).collect();
    let json = serde_json::to_string(&fields).map_err(|e| Error::Internal(e.into()))?;
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM registry_mappings WHERE org_id = $1 AND signature = $2")
        .bind(org_id)
        .bind(old_signature(headers))
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO registry_mappings (org_id, signature, mapping_json, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (org_id, signature) DO UPDATE SET mapping_json = $3, updated_at = $4",
    )
    .bind(org_id)
    .bind(signature(headers))
    .bind(&json)
    .bind(db::now())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "save",
        "registry_mapping",
        Some(org_id),
        None,
        Some(serde_json::json!({ "columns": headers.len(), "fields": fields })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Files with the same headers (folded, in order) share a saved mapping, found by the SHA-256 of
/// those headers.
fn signature(headers: &[String]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(old_signature(headers).as_bytes()))
}

/// The headers themselves, as mappings were saved before (issue 12, 12).
fn old_signature(headers: &[String]) -> String {
    headers
        .iter()
        .map(|h| header_key(h))
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(csv: &str) -> Table {
        crate::table::read_table(csv.as_bytes()).unwrap()
    }

    #[test]
    fn arabic_and_english_headers_are_recognised() {
        let t = table(
            "الكود,الاسم بالكامل,الرقم القومى,Phone,Date_of_Birth,غير معروف,الإعاقة,الدخل الشهري\n1,أحمد,1,2,3,4,5,6\n",
        );
        let m = auto_mapping(&t.headers, &HashMap::new());
        assert_eq!(
            m,
            vec![
                Some("record_id"),
                Some("full_name"),
                Some("national_id"),
                Some("phone"),
                Some("date_of_birth"),
                None,
                Some("disability"),
                Some("monthly_income"),
            ]
        );
        let overrides = HashMap::from([(header_key("غير معروف"), "village".to_owned())]);
        assert_eq!(auto_mapping(&t.headers, &overrides)[5], Some("village"));
    }

    #[test]
    fn an_address_may_come_from_several_columns_other_fields_from_one() {
        let t = table(
            "الكود,الاسم,رقم العقار,الشارع,رقم جواز السفر\n1,منى,12,شارع الجمهورية,A123\n2,سعاد,,ش النيل,\n",
        );
        let overrides = HashMap::from([
            (header_key("الاسم"), "full_name".to_owned()),
            (header_key("رقم العقار"), "address".to_owned()),
            (header_key("الشارع"), "address".to_owned()),
        ]);
        let mapping = auto_mapping(&t.headers, &overrides);
        assert_eq!(mapping[4], Some("other_id"));
        check_mapping(&mapping).unwrap();
        let (rows, _) = records(&t, &mapping);
        assert_eq!(rows[0].1.address, "12 شارع الجمهورية");
        assert_eq!(rows[1].1.address, "ش النيل");
        assert_eq!(rows[0].1.other_id, "A123");
        let twice = [
            Some("record_id"),
            Some("full_name"),
            Some("phone"),
            Some("phone"),
        ];
        assert_eq!(check_mapping(&twice).unwrap_err().key, "file-field-twice");
    }

    #[test]
    fn a_mapping_without_a_record_key_is_refused() {
        let t = table("a,b\n1,2\n");
        assert_eq!(
            check_mapping(&auto_mapping(&t.headers, &HashMap::new()))
                .unwrap_err()
                .key,
            "file-no-record-id"
        );
    }

    #[test]
    fn bad_rows_are_reported_and_the_rest_kept() {
        let long = "x".repeat(MAX_CELL_CHARS + 1);
        let csv = format!(
            "\u{feff}record_id,full_name\r\n1,أحمد\r\n,بلا كود\r\n3,=HYPERLINK(\"http://x\")\r\n4,{long}\r\n1,مكرر\r\n5,a,b\r\n\r\n6,منى\r\n"
        );
        let t = table(&csv);
        let mapping = auto_mapping(&t.headers, &HashMap::new());
        let (rows, issues) = records(&t, &mapping);
        let kept: Vec<&str> = rows.iter().map(|(_, r)| r.record_id.as_str()).collect();
        assert_eq!(kept, ["1", "6"]);
        let why: Vec<(u64, &str)> = issues.iter().map(|i| (i.line, i.key)).collect();
        assert_eq!(
            why,
            [
                (3, "row-no-record-id"),
                (4, "row-formula"),
                (5, "row-cell-too-long"),
                (6, "row-duplicate-key"),
                (7, "row-columns")
            ]
        );
    }
}
