//! Files people attach (a letter, a plan, a guide): as uploaded, and their names made safe to
//! show and send back. Shared by every feature that keeps files (announcements, the library).

/// A file as uploaded: its name (cleaned, see [`clean_file_name`]) and bytes.
#[derive(Debug, Clone)]
pub struct File {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A file's name as uploaded, made safe to show and to send back: no control or reordering
/// characters, no path, at most 120 characters before its extension.
pub fn clean_file_name(raw: &str) -> String {
    let clean: String = raw
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control() && !crate::error::reorders(*c) && *c != '"')
        .collect();
    let (stem, ext) = match clean.rsplit_once('.') {
        Some((stem, ext)) if ext.chars().count() <= 8 => (stem.to_owned(), format!(".{ext}")),
        _ => (clean.clone(), String::new()),
    };
    let stem: String = stem.chars().take(120).collect();
    format!("{}{ext}", if stem.is_empty() { "file" } else { &stem })
}
