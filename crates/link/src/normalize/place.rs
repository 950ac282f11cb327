//! Places: Egypt's governorates in Arabic and English spellings, and districts and villages
//! with their prefixes (مركز، م/، قسم، حي، قرية، ق/ …) removed.

use super::arabic::fold;

/// A governorate: the two-digit code of the national ID, its names, and other spellings seen.
pub struct Governorate {
    pub code: &'static str,
    pub name_ar: &'static str,
    pub name_en: &'static str,
    pub aliases: &'static [&'static str],
}

macro_rules! gov {
    ($code:literal, $ar:literal, $en:literal, [$($alias:literal),*]) => {
        Governorate { code: $code, name_ar: $ar, name_en: $en, aliases: &[$($alias),*] }
    };
}

/// The 27 governorates, in the order of their codes.
pub const GOVERNORATES: [Governorate; 27] = [
    gov!(
        "01",
        "القاهرة",
        "Cairo",
        ["kairo", "el qahira", "qahira", "qahirah"]
    ),
    gov!(
        "02",
        "الإسكندرية",
        "Alexandria",
        ["alex", "eskendereya", "iskandariya"]
    ),
    gov!("03", "بورسعيد", "Port Said", ["portsaid", "bur said"]),
    gov!("04", "السويس", "Suez", ["el suez"]),
    gov!("11", "دمياط", "Damietta", ["dumyat", "domiat"]),
    gov!(
        "12",
        "الدقهلية",
        "Dakahlia",
        ["dakahleya", "daqahliya", "dakahlya"]
    ),
    gov!(
        "13",
        "الشرقية",
        "Sharqia",
        ["sharkia", "sharkeya", "sharqiya", "el sharkia"]
    ),
    gov!(
        "14",
        "القليوبية",
        "Qalyubia",
        ["kalyoubia", "qalyoubia", "kaliobeya", "qaliubiya"]
    ),
    gov!(
        "15",
        "كفر الشيخ",
        "Kafr El Sheikh",
        [
            "kafr el-sheikh",
            "kafrelsheikh",
            "kafr elsheikh",
            "kafr el shikh",
            "kafr ash shaykh"
        ]
    ),
    gov!(
        "16",
        "الغربية",
        "Gharbia",
        ["gharbeya", "gharbiya", "el gharbia"]
    ),
    gov!(
        "17",
        "المنوفية",
        "Monufia",
        ["menoufia", "menofia", "minufiya", "monofia"]
    ),
    gov!(
        "18",
        "البحيرة",
        "Beheira",
        ["behera", "buhayrah", "beheria", "el beheira"]
    ),
    gov!("19", "الإسماعيلية", "Ismailia", ["ismailiya", "esmailia"]),
    gov!(
        "21",
        "الجيزة",
        "Giza",
        ["gizah", "el giza", "geeza", "jizah"]
    ),
    gov!(
        "22",
        "بني سويف",
        "Beni Suef",
        [
            "bani sweif",
            "beni sweif",
            "benisuef",
            "bani suwayf",
            "beni suef"
        ]
    ),
    gov!("23", "الفيوم", "Faiyum", ["fayoum", "fayum", "el fayoum"]),
    gov!(
        "24",
        "المنيا",
        "Minya",
        ["menia", "minia", "el minya", "el menia"]
    ),
    gov!(
        "25",
        "أسيوط",
        "Assiut",
        ["asyut", "assiout", "asiut", "assuit"]
    ),
    gov!("26", "سوهاج", "Sohag", ["suhag", "sohaj", "suhaj"]),
    gov!("27", "قنا", "Qena", ["kena", "qina"]),
    gov!("28", "أسوان", "Aswan", ["assuan"]),
    gov!("29", "الأقصر", "Luxor", ["el uqsur", "uqsur"]),
    gov!("31", "البحر الأحمر", "Red Sea", ["el bahr el ahmar"]),
    gov!(
        "32",
        "الوادي الجديد",
        "New Valley",
        ["el wadi el gedid", "wadi gedid"]
    ),
    gov!("33", "مطروح", "Matrouh", ["marsa matrouh", "matruh"]),
    gov!("34", "شمال سيناء", "North Sinai", ["shamal sina"]),
    gov!(
        "35",
        "جنوب سيناء",
        "South Sinai",
        ["ganoub sina", "janub sina"]
    ),
];

/// The governorate with this two-digit code.
pub fn by_code(code: &str) -> Option<&'static Governorate> {
    GOVERNORATES.iter().find(|g| g.code == code)
}

/// A comparable key for a place name: folded, the article and spaces removed.
fn key(s: &str) -> String {
    key_of_words(fold(s).split(' '))
}

/// The key of a place name already folded and split into words.
fn key_of_words<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    words.into_iter().map(word_key).collect()
}

/// One folded word without its article (`ال`, `el`), unless too little would be left.
fn word_key(w: &str) -> &str {
    let w = w
        .strip_prefix("ال")
        .filter(|r| r.chars().count() >= 2)
        .unwrap_or(w);
    w.strip_prefix("el").filter(|r| r.len() >= 3).unwrap_or(w)
}

/// The governorate code of a name as typed (`محافظة أسيوط`, `اسيوط`, `Asyut`), or `None`.
///
/// ```
/// assert_eq!(link::normalize::place::governorate_code("محافظه القاهره"), Some("01"));
/// assert_eq!(link::normalize::place::governorate_code("Menia"), Some("24"));
/// assert_eq!(link::normalize::place::governorate_code("Al-Minya"), Some("24"));
/// assert_eq!(link::normalize::place::governorate_code("كفرالشيخ"), Some("15"));
/// ```
pub fn governorate_code(raw: &str) -> Option<&'static str> {
    let folded = fold(raw);
    let stripped = folded
        .strip_prefix("محافظه")
        .unwrap_or(&folded)
        .trim()
        .to_owned();
    let stripped = stripped
        .strip_suffix("governorate")
        .unwrap_or(&stripped)
        .trim()
        .to_owned();
    if stripped.is_empty() {
        return None;
    }
    if let Some(g) = GOVERNORATES.iter().find(|g| g.code == stripped) {
        return Some(g.code);
    }
    NAME_KEYS
        .get(&key(&stripped))
        .or_else(|| LOOSE_KEYS.get(&loose_key(&stripped)))
        .copied()
}

/// A looser key for governorate names written in transliterations the list has no alias for:
/// Latin articles as words of their own (`Al Minya`, `Ad Daqahliyah`) or joined by a hyphen
/// (`Al-Jizah`), and an Arabic article written inside a name without its space (`كفرالشيخ`).
fn loose_key(folded: &str) -> String {
    const ARTICLES: [&str; 10] = ["al", "el", "ad", "as", "ash", "an", "ar", "az", "at", "ath"];
    let spaced = folded.replace(['-', '_', '.'], " ");
    let mut out = String::new();
    for word in spaced.split(' ').filter(|w| !w.is_empty()) {
        if ARTICLES.contains(&word) {
            continue;
        }
        out.push_str(word_key(word));
    }
    out.replace("ال", "")
}

/// Every governorate's names and aliases by [`loose_key`], computed once.
static LOOSE_KEYS: std::sync::LazyLock<std::collections::HashMap<String, &'static str>> =
    std::sync::LazyLock::new(|| {
        let mut keys = std::collections::HashMap::new();
        for g in &GOVERNORATES {
            for name in [g.name_ar, g.name_en].iter().chain(g.aliases) {
                keys.entry(loose_key(&fold(name))).or_insert(g.code);
            }
        }
        keys
    });

/// Every governorate's names and aliases as keys, computed once.
static NAME_KEYS: std::sync::LazyLock<std::collections::HashMap<String, &'static str>> =
    std::sync::LazyLock::new(|| {
        let mut keys = std::collections::HashMap::new();
        for g in &GOVERNORATES {
            for name in [g.name_ar, g.name_en].iter().chain(g.aliases) {
                keys.entry(key(name)).or_insert(g.code);
            }
        }
        keys
    });

const AREA_PREFIXES: [&str; 12] = [
    "مركز",
    "قسم",
    "حي",
    "مدينه",
    "قريه",
    "م",
    "ق",
    "markaz",
    "qism",
    "hay",
    "city",
    "village",
];

/// A district or village as a comparable key: prefixes such as مركز، م/، قسم، قرية، ق/ removed,
/// folded, the article and spaces dropped.
///
/// ```
/// use link::normalize::place::area_key;
/// assert_eq!(area_key("م/شبرا الخيمة"), area_key("شبرا الخيمه"));
/// assert_eq!(area_key("قرية نزلة باشا"), area_key("نزله باشا"));
/// ```
pub fn area_key(raw: &str) -> String {
    let folded = fold(raw);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let prefixes = words
        .iter()
        .take_while(|w| AREA_PREFIXES.contains(w))
        .count()
        .min(words.len().saturating_sub(1));
    key_of_words(words[prefixes..].iter().copied())
}

/// Words that name the kind of street rather than the street.
const STREET_WORDS: [&str; 8] = ["شارع", "ش", "street", "st", "road", "rd", "avenue", "ave"];

/// The words of a street address, comparable: folded, each without its article, words such as
/// شارع / street dropped. A record keeps them joined (the address as one key) and as a set (an
/// address typed partly, or its lines in another order, still shares words).
///
/// ```
/// use link::normalize::place::address_words;
/// assert_eq!(address_words("ش/ الجمهورية"), address_words("شارع الجمهوريه"));
/// assert_eq!(address_words("12 Stanley Street"), address_words("12 stanley st."));
/// assert_eq!(address_words("12 شارع  الجمهورية، الدقي"), ["12", "جمهوريه", "دقي"]);
/// ```
pub fn address_words(raw: &str) -> Vec<String> {
    fold(raw)
        .split(' ')
        .filter(|w| !w.is_empty() && !STREET_WORDS.contains(w))
        .map(|w| word_key(w).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn governorate_spellings() {
        let cases = [
            ("القاهرة", "01"),
            ("محافظة القاهرة", "01"),
            ("القاهره", "01"),
            ("Cairo", "01"),
            ("اسيوط", "25"),
            ("أسيوط", "25"),
            ("Assiut", "25"),
            ("Asyut", "25"),
            ("المنيا", "24"),
            ("Minya", "24"),
            ("Menia", "24"),
            ("الجيزه", "21"),
            ("كفر الشيخ", "15"),
            ("Kafr El Sheikh", "15"),
            ("بني سويف", "22"),
            ("البحر الأحمر", "31"),
        ];
        for (raw, code) in cases {
            assert_eq!(governorate_code(raw), Some(code), "{raw}");
        }
        assert_eq!(governorate_code(""), None);
        assert_eq!(governorate_code("Atlantis"), None);
    }

    #[test]
    fn area_prefixes() {
        for (a, b) in [
            ("مركز طوخ", "طوخ"),
            ("م. طوخ", "طوخ"),
            ("م/طوخ", "طوخ"),
            ("قسم أول", "اول"),
            ("ق/منشأة جمعة", "منشاه جمعه"),
            ("قريه كفر سعد الله", "كفر سعد الله"),
        ] {
            assert_eq!(area_key(a), area_key(b), "{a}");
        }
    }
}
