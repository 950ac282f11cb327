//! Places as the allocation compares them: governorate and markaz names as typed, after the
//! platform's own normalisation (`محافظة المنيا`, `المنيا` and `Minya` are one governorate;
//! `مركز ملوي` and `ملوى` one markaz), turned into the solver's ids.

use link::normalize::{arabic, place};
use std::collections::HashMap;

/// Gives each normalised governorate and markaz an id, and keeps each governorate's name for
/// reports: its official Arabic name, or the first spelling seen of one the platform does not know.
#[derive(Default)]
pub struct PlaceIndex {
    governorates: HashMap<String, u32>,
    names: Vec<String>,
    districts: HashMap<(u32, String), u32>,
}

impl PlaceIndex {
    /// The place of a governorate and markaz as typed; `None` when the governorate is empty.
    /// An empty markaz is an unknown one, never "the same markaz" as another.
    pub fn place(&mut self, governorate: &str, district: &str) -> Option<allocate::Place> {
        let key = governorate_key(governorate)?;
        let next = self.governorates.len() as u32;
        let g = *self.governorates.entry(key).or_insert_with_key(|key| {
            let official = place::by_code(key);
            let name = official.map_or(governorate.trim(), |g| g.name_ar);
            self.names.push(name.to_owned());
            next
        });
        let area = place::area_key(district);
        let district = (!area.is_empty()).then(|| {
            let next = self.districts.len() as u32;
            *self.districts.entry((g, area)).or_insert(next)
        });
        Some(allocate::Place {
            governorate: g,
            district,
        })
    }

    /// The governorate's name, for reports.
    pub fn governorate_name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
}

/// A governorate's key: its official code when the name is known in any spelling, else the
/// folded name (so an unlisted name still matches itself).
pub fn governorate_key(raw: &str) -> Option<String> {
    match place::governorate_code(raw) {
        Some(code) => Some(code.to_owned()),
        None => {
            let folded = arabic::fold(raw);
            (!folded.is_empty()).then_some(folded)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_place_are_one_place() {
        let mut index = PlaceIndex::default();
        let a = index.place("محافظة المنيا", "مركز ملوي").unwrap();
        let b = index.place("Minya", "ملوى").unwrap();
        assert_eq!(a, b);
        let other = index.place("أسيوط", "ملوي").unwrap();
        assert_ne!(a.governorate, other.governorate);
        assert_eq!(index.place("المنيا", "").unwrap().district, None);
        assert_eq!(index.place("  ", "ملوي"), None);
        assert_eq!(index.governorate_name(a.governorate), "المنيا");
        let unknown = index.place("Atlantis", "").unwrap();
        assert_eq!(index.governorate_name(unknown.governorate), "Atlantis");
    }
}
