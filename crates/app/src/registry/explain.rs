//! Why the engine linked, or proposed, two registrations — kept and shown as data (field, level,
//! weight), worded in the reader's language only when a page or the API shows it: the review
//! queue reads in Arabic on an Arabic page.

use crate::i18n::Locale;
use serde::{Deserialize, Serialize};

/// How one field compares: the engine's field name, its agreement level (0 missing, 1 same,
/// higher further apart; see `link::compare::LEVEL_NAMES`) and the weight it added (log2 odds;
/// negative speaks against).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldAgreement {
    pub field: String,
    pub level: u8,
    pub weight: f64,
}

/// The engine's evidence as kept and shown.
pub fn of_engine(evidence: &[link::model::Evidence]) -> Vec<FieldAgreement> {
    evidence
        .iter()
        .map(|e| FieldAgreement {
            field: e.field.to_owned(),
            level: e.level,
            weight: (e.weight * 100.0).round() / 100.0,
        })
        .collect()
}

/// The evidence as stored with a pair (JSON).
pub fn to_stored(evidence: &[link::model::Evidence]) -> String {
    serde_json::to_string(&of_engine(evidence)).unwrap_or_default()
}

/// A pair's stored evidence. Pairs stored before evidence was data hold an English sentence,
/// which reads as no evidence until the next re-link stores it again.
pub fn from_stored(text: &str) -> Vec<FieldAgreement> {
    let fields: Vec<FieldAgreement> = serde_json::from_str(text).unwrap_or_default();
    // Only levels this engine knows (and has words for); level 0 is "not compared".
    fields
        .into_iter()
        .filter(|f| {
            link::compare::FIELDS
                .iter()
                .position(|name| *name == f.field)
                .is_some_and(|k| {
                    f.level > 0 && (f.level as usize) < link::compare::LEVEL_NAMES[k].len()
                })
        })
        .collect()
}

/// The evidence in one sentence in `locale`: "field: level (+weight); …".
pub fn sentence(locale: Locale, fields: &[FieldAgreement]) -> String {
    fields
        .iter()
        .map(|f| {
            format!(
                "{}: {} ({:+.1})",
                locale.t(&format!("link-field-{}", f.field)),
                locale.t(&format!("link-level-{}-{}", f.field, f.level)),
                f.weight
            )
        })
        .collect::<Vec<_>>()
        .join(match locale {
            Locale::Ar => "؛ ",
            Locale::En => "; ",
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_is_worded_in_the_readers_language() {
        let fields = vec![
            FieldAgreement {
                field: "national_id".into(),
                level: 1,
                weight: 12.3,
            },
            FieldAgreement {
                field: "first_name".into(),
                level: 2,
                weight: 3.0,
            },
        ];
        let ar = sentence(Locale::Ar, &fields);
        assert!(ar.contains("الرقم القومي") && ar.contains("؛ "), "{ar}");
        let en = sentence(Locale::En, &fields);
        assert!(en.starts_with("National ID: "), "{en}");
        assert!(!en.contains("link-"), "{en}");
        assert_eq!(
            from_stored(&serde_json::to_string(&fields).unwrap()),
            fields
        );
        assert!(from_stored("national_id: same (+12.3)").is_empty());
        // A level or field this engine does not know is left out, not shown as a bare key.
        let odd = r#"[{"field":"phone","level":99,"weight":1.0},{"field":"shoe_size","level":1,"weight":1.0},{"field":"national_id","level":0,"weight":0.0}]"#;
        assert!(from_stored(odd).is_empty());
    }
}
