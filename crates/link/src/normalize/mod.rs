//! Normalisers, one per kind of field. Each is a pure function from what a member typed to a
//! comparable value, documented and tested on its own.

pub mod arabic;
pub mod date;
pub mod latin;
pub mod national_id;
pub mod other_id;
pub mod phone;
pub mod place;

/// `Some(true)` for male, `Some(false)` for female, from Arabic, English or code (1/2).
///
/// ```
/// use link::normalize::gender;
/// assert_eq!(gender("أنثى"), Some(false));
/// assert_eq!(gender("M"), Some(true));
/// assert_eq!(gender(""), None);
/// ```
/// A name skeleton ([`arabic::skeleton`], [`latin::skeleton`]) without the letters a
/// transliteration may or may not write for a vowel: y and w after the first letter (Hilmi and
/// حلمي, Shetewy and شتيوي, Moamen and مؤمن meet here). Coarser than the skeleton — محمد and
/// محمود meet too — so it finds candidates; it does not decide.
///
/// ```
/// use link::normalize::consonants;
/// assert_eq!(consonants("hylmy"), consonants("hlmy"));
/// assert_eq!(consonants("mwmn"), "mn");
/// ```
pub fn consonants(skeleton: &str) -> String {
    consonant_letters(skeleton).collect()
}

/// The letters of [`consonants`], one by one (compared without building the strings).
pub fn consonant_letters(skeleton: &str) -> impl Iterator<Item = char> + '_ {
    let mut last = None;
    skeleton.chars().enumerate().filter_map(move |(i, c)| {
        if (i > 0 && matches!(c, 'y' | 'w')) || last == Some(c) {
            return None;
        }
        last = Some(c);
        Some(c)
    })
}

pub fn gender(raw: &str) -> Option<bool> {
    let f = arabic::fold(raw);
    match f.as_str() {
        "ذكر" | "m" | "male" | "1" | "man" | "boy" => Some(true),
        "انثي" | "f" | "female" | "2" | "woman" | "girl" => Some(false),
        _ => None,
    }
}

/// A relation to the household head, in broad classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Head,
    Spouse,
    Child,
    Parent,
    Other,
}

/// Reads a relation written in Arabic, English or as a code (1 head, 2 spouse, 3 child, 4 parent, 9 other).
pub fn relation(raw: &str) -> Option<Relation> {
    let f = arabic::fold(raw);
    let f = f.trim();
    Some(match f {
        "" => return None,
        "1"
        | "head"
        | "hoh"
        | "head of household"
        | "رب الاسره"
        | "ربه الاسره"
        | "رب اسره"
        | "ربه اسره"
        | "رب الأسرة" => Relation::Head,
        "2" | "wife" | "husband" | "spouse" | "زوجه" | "الزوجه" | "زوج" | "الزوج" => {
            Relation::Spouse
        }
        "3" | "son" | "daughter" | "child" | "ابن" | "ابنه" | "بنت" | "الابن" | "الابنه" => {
            Relation::Child
        }
        "4" | "mother" | "father" | "parent" | "ام" | "اب" | "الام" | "الاب" => {
            Relation::Parent
        }
        _ => Relation::Other,
    })
}
