//! Egypt's 27 governorates, keyed by the two-digit code used in the national ID number.

pub struct Governorate {
    pub code: &'static str,
    pub name_ar: &'static str,
    pub name_en: &'static str,
}

macro_rules! gov {
    ($code:literal, $ar:literal, $en:literal) => {
        Governorate {
            code: $code,
            name_ar: $ar,
            name_en: $en,
        }
    };
}

pub const ALL: [Governorate; 27] = [
    gov!("01", "القاهرة", "Cairo"),
    gov!("02", "الإسكندرية", "Alexandria"),
    gov!("03", "بورسعيد", "Port Said"),
    gov!("04", "السويس", "Suez"),
    gov!("11", "دمياط", "Damietta"),
    gov!("12", "الدقهلية", "Dakahlia"),
    gov!("13", "الشرقية", "Sharqia"),
    gov!("14", "القليوبية", "Qalyubia"),
    gov!("15", "كفر الشيخ", "Kafr El Sheikh"),
    gov!("16", "الغربية", "Gharbia"),
    gov!("17", "المنوفية", "Monufia"),
    gov!("18", "البحيرة", "Beheira"),
    gov!("19", "الإسماعيلية", "Ismailia"),
    gov!("21", "الجيزة", "Giza"),
    gov!("22", "بني سويف", "Beni Suef"),
    gov!("23", "الفيوم", "Faiyum"),
    gov!("24", "المنيا", "Minya"),
    gov!("25", "أسيوط", "Assiut"),
    gov!("26", "سوهاج", "Sohag"),
    gov!("27", "قنا", "Qena"),
    gov!("28", "أسوان", "Aswan"),
    gov!("29", "الأقصر", "Luxor"),
    gov!("31", "البحر الأحمر", "Red Sea"),
    gov!("32", "الوادي الجديد", "New Valley"),
    gov!("33", "مطروح", "Matrouh"),
    gov!("34", "شمال سيناء", "North Sinai"),
    gov!("35", "جنوب سيناء", "South Sinai"),
];

pub fn by_code(code: &str) -> Option<&'static Governorate> {
    ALL.iter().find(|g| g.code == code)
}
