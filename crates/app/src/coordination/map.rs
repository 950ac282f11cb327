//! Egypt's governorates drawn on the server as SVG paths, once per process: the GeoJSON of
//! `assets/geo/` projected (longitude scaled by the cosine of the middle latitude, so that the
//! country keeps its shape), rounded to the half pixel with repeated points dropped (which takes
//! the 180 KB of coordinates to a few tens of KB of paths), and each governorate matched to the
//! platform's table by its own Arabic and English names. No tiles, nothing fetched at run time.
//!
//! The districts (marakiz and aqsam) come from geoBoundaries' TopoJSON, drawn in the same frame.
//! They carry English names only: each is placed in the governorate its centre lies in, and
//! matched to the district names members write in Arabic by consonant skeleton ([`district_key`],
//! the linkage engine's skeletons of Arabic and Latin names, with words such as مركز/Markaz and
//! قسم/Kesm left out), exactly or, failing that, one letter apart.

use std::sync::LazyLock;

/// The map's width in SVG units; its height follows from Egypt's shape.
pub const WIDTH: f64 = 600.0;

/// One governorate's outline.
#[derive(Debug, Clone)]
pub struct Shape {
    /// The national-ID code (`01` Cairo …).
    pub code: &'static str,
    /// The SVG path (`M…Z` per ring).
    pub path: String,
    /// Where to put its label or marker.
    pub centre: (f64, f64),
}

/// The drawn map: its height and the shapes.
pub struct Map {
    pub height: f64,
    pub shapes: Vec<Shape>,
}

static GEOJSON: &str = include_str!("../../../../assets/geo/egypt-governorates.geojson");

/// The governorates, projected once.
pub fn governorates() -> &'static Map {
    static MAP: LazyLock<Map> = LazyLock::new(draw);
    &MAP
}

/// A closed line of (longitude, latitude) points.
type Ring = Vec<(f64, f64)>;

/// Every ring of a GeoJSON geometry (Polygon or MultiPolygon) as (lon, lat) points.
fn rings(geometry: &serde_json::Value) -> Vec<Ring> {
    let ring = |r: &serde_json::Value| -> Ring {
        r.as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
            .collect()
    };
    let coordinates = &geometry["coordinates"];
    match geometry["type"].as_str() {
        Some("Polygon") => coordinates
            .as_array()
            .into_iter()
            .flatten()
            .map(ring)
            .collect(),
        Some("MultiPolygon") => coordinates
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|polygon| polygon.as_array().into_iter().flatten().map(ring))
            .collect(),
        _ => Vec::new(),
    }
}

/// How (longitude, latitude) becomes (x, y) on the map: the governorates' bounds, the squeeze of
/// longitudes at Egypt's middle latitude, and the scale that makes the map `WIDTH` wide.
#[derive(Debug, Clone, Copy)]
struct Frame {
    west: f64,
    north: f64,
    squeeze: f64,
    scale: f64,
}

impl Frame {
    fn project(&self, (lon, lat): (f64, f64)) -> (f64, f64) {
        (
            (lon - self.west) * self.squeeze * self.scale,
            (self.north - lat) * self.scale,
        )
    }
}

/// An SVG path of `rings` in `frame`, rounded to `step` units with repeated points dropped, and
/// the mean of its points; rings smaller than a step are left out.
fn path_of(rings: &[Ring], frame: &Frame, step: f64) -> (String, (f64, f64)) {
    let round = |v: f64| (v / step).round() * step;
    let mut path = String::new();
    let (mut sx, mut sy, mut n) = (0.0_f64, 0.0_f64, 0.0_f64);
    for ring in rings {
        let mut drawn: Vec<(f64, f64)> = Vec::new();
        for p in ring {
            let (x, y) = frame.project(*p);
            let q = (round(x), round(y));
            if drawn.last() != Some(&q) {
                drawn.push(q);
            }
        }
        // A ring smaller than a step (a rock off the coast) is not drawn.
        if drawn.len() < 3 {
            continue;
        }
        for (i, (x, y)) in drawn.iter().enumerate() {
            path.push_str(if i == 0 { "M" } else { "L" });
            path.push_str(&format!("{x} {y}"));
            sx += x;
            sy += y;
            n += 1.0;
        }
        path.push('Z');
    }
    (path, (sx / n.max(1.0), sy / n.max(1.0)))
}

/// The governorates' outlines in (longitude, latitude), with their codes, and the frame they
/// set: parsed once.
struct Outlines {
    governorates: Vec<(&'static str, Vec<Ring>)>,
    frame: Frame,
    height: f64,
}

fn outlines() -> &'static Outlines {
    static OUTLINES: LazyLock<Outlines> = LazyLock::new(|| read_governorates(GEOJSON));
    &OUTLINES
}

fn read_governorates(geojson: &str) -> Outlines {
    let doc: serde_json::Value = serde_json::from_str(geojson).unwrap_or_default();
    let governorates: Vec<(&'static str, Vec<Ring>)> = doc["features"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| {
            let p = &f["properties"];
            let code = [p["Subdivision_en"].as_str(), p["Subdivision_ar"].as_str()]
                .into_iter()
                .flatten()
                .find_map(link::normalize::place::governorate_code)?;
            Some((code, rings(&f["geometry"])))
        })
        .collect();
    let (mut west, mut east, mut south, mut north) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(lon, lat) in governorates.iter().flat_map(|(_, rs)| rs.iter().flatten()) {
        west = west.min(lon);
        east = east.max(lon);
        south = south.min(lat);
        north = north.max(lat);
    }
    let squeeze = ((south + north) / 2.0).to_radians().cos();
    let scale = WIDTH / ((east - west) * squeeze).max(f64::EPSILON);
    Outlines {
        governorates,
        frame: Frame {
            west,
            north,
            squeeze,
            scale,
        },
        height: ((north - south) * scale).ceil(),
    }
}

fn draw() -> Map {
    let o = outlines();
    let shapes = o
        .governorates
        .iter()
        .map(|(code, rs)| {
            let (path, centre) = path_of(rs, &o.frame, 0.5);
            Shape { code, path, centre }
        })
        .collect();
    Map {
        height: o.height,
        shapes,
    }
}

/// One district's outline, in the governorate it lies in.
#[derive(Debug, Clone)]
pub struct District {
    /// The governorate's code (`26` Sohag).
    pub governorate: &'static str,
    /// The name as geoBoundaries writes it (`Akhmim`, `Markz Abu Qurqas`).
    pub name: String,
    /// Its key for matching members' spellings ([`district_key`]).
    pub key: String,
    pub path: String,
    pub centre: (f64, f64),
    /// Its largest ring's centre, in (longitude, latitude).
    pub lon_lat: (f64, f64),
}

/// Every district, drawn once per process in the governorates' frame.
pub fn districts() -> &'static [District] {
    static DISTRICTS: LazyLock<Vec<District>> = LazyLock::new(|| read_districts(TOPOJSON));
    &DISTRICTS
}

static TOPOJSON: &str = include_str!("../../../../assets/geo/egypt-districts.topojson");

/// The districts of a TopoJSON topology (quantised, delta-encoded arcs).
fn read_districts(topojson: &str) -> Vec<District> {
    let doc: serde_json::Value = serde_json::from_str(topojson).unwrap_or_default();
    let pair = |v: &serde_json::Value, i: usize| v.get(i).and_then(|x| x.as_f64()).unwrap_or(0.0);
    let (scale, translate) = (&doc["transform"]["scale"], &doc["transform"]["translate"]);
    let arcs: Vec<Ring> = doc["arcs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|arc| {
            let (mut x, mut y) = (0.0, 0.0);
            arc.as_array()
                .into_iter()
                .flatten()
                .map(|d| {
                    x += pair(d, 0);
                    y += pair(d, 1);
                    (
                        x * pair(scale, 0) + pair(translate, 0),
                        y * pair(scale, 1) + pair(translate, 1),
                    )
                })
                .collect()
        })
        .collect();
    // A ring is a list of arcs; a negative index is arc !i read backwards; each arc after the
    // first starts where the one before ended.
    let ring = |indices: &serde_json::Value| -> Ring {
        let mut out: Ring = Vec::new();
        for i in indices
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| i.as_i64())
        {
            let (arc, backwards) = if i >= 0 { (i, false) } else { (!i, true) };
            let Some(points) = arcs.get(arc as usize) else {
                continue;
            };
            let mut points = points.clone();
            if backwards {
                points.reverse();
            }
            let skip = usize::from(!out.is_empty());
            out.extend(points.into_iter().skip(skip));
        }
        out
    };
    let o = outlines();
    let objects = doc["objects"].as_object().cloned().unwrap_or_default();
    let mut out = Vec::new();
    for object in objects.values() {
        for g in object["geometries"].as_array().into_iter().flatten() {
            let polygons: Vec<&serde_json::Value> = match g["type"].as_str() {
                Some("Polygon") => vec![&g["arcs"]],
                Some("MultiPolygon") => g["arcs"].as_array().into_iter().flatten().collect(),
                _ => continue,
            };
            let rings: Vec<Ring> = polygons
                .into_iter()
                .flat_map(|p| p.as_array().into_iter().flatten().map(ring))
                .filter(|r| r.len() >= 3)
                .collect();
            // Its governorate: the one its largest ring's centre lies in, or (on a coast the two
            // files draw differently) the one with the nearest outline point.
            let Some(largest) = rings.iter().max_by(|a, b| area(a).total_cmp(&area(b))) else {
                continue;
            };
            let centre = ring_centre(largest);
            let nearest = || {
                let distance = |rs: &Vec<Ring>| {
                    rs.iter()
                        .flatten()
                        .map(|p| (p.0 - centre.0).powi(2) + (p.1 - centre.1).powi(2))
                        .fold(f64::MAX, f64::min)
                };
                o.governorates
                    .iter()
                    .min_by(|a, b| distance(&a.1).total_cmp(&distance(&b.1)))
            };
            let Some(governorate) = o
                .governorates
                .iter()
                .find(|(_, rs)| inside(centre, rs))
                .or_else(nearest)
                .map(|(code, _)| *code)
            else {
                continue;
            };
            let name = g["properties"]["shapeName"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let lon_lat = centre;
            let (path, centre) = path_of(&rings, &o.frame, 1.0);
            out.push(District {
                governorate,
                key: district_key(&name),
                name,
                path,
                centre,
                lon_lat,
            });
        }
    }
    out
}

/// A ring's area (shoelace), in squared degrees.
fn area(r: &Ring) -> f64 {
    r.windows(2)
        .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
        .sum::<f64>()
        .abs()
        / 2.0
}

/// The mean of a ring's points (inside any district shape that is not a thin crescent).
fn ring_centre(r: &Ring) -> (f64, f64) {
    let n = r.len().max(1) as f64;
    (
        r.iter().map(|p| p.0).sum::<f64>() / n,
        r.iter().map(|p| p.1).sum::<f64>() / n,
    )
}

/// Whether `p` lies inside `rings` (even-odd: a hole is outside).
fn inside(p: (f64, f64), rings: &[Ring]) -> bool {
    let mut odd = false;
    for r in rings {
        for w in r.windows(2) {
            let ((x1, y1), (x2, y2)) = (w[0], w[1]);
            if (y1 > p.1) != (y2 > p.1) && p.0 < x1 + (p.1 - y1) * (x2 - x1) / (y2 - y1) {
                odd = !odd;
            }
        }
    }
    odd
}

/// Words that say what kind of district a name is, not which: left out of its key.
/// (`م.` and `ق.` are how clerks shorten مركز and قسم.)
const KIND_WORDS: [&str; 16] = [
    "markz",
    "markaz",
    "kesm",
    "qism",
    "city",
    "police",
    "department",
    "station",
    "oasis",
    "مركز",
    "قسم",
    "مدينه",
    "حي",
    "بندر",
    "م",
    "ق",
];

/// The key a district name is matched by, the same for its Arabic spelling and its
/// transliteration: the consonants of each word (kind words and articles left out), and the
/// numbers that name it (`15 Mayu`) but not one that only numbers its parts (`Tanta 2`).
///
/// ```
/// use mizalla::coordination::map::district_key;
/// assert_eq!(district_key("أبو تيج"), district_key("Abu Tig"));
/// assert_eq!(district_key("مركز أبنوب"), district_key("Abnub"));
/// assert_eq!(district_key("عين شمس"), district_key("Ain Shams"));
/// assert_eq!(district_key("الزقازيق"), district_key("Zaqaziq 2"));
/// ```
pub fn district_key(name: &str) -> String {
    let folded = link::normalize::arabic::western_digits(&link::normalize::arabic::fold(name));
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut key = String::new();
    for (i, &word) in words.iter().enumerate() {
        if word.bytes().all(|b| b.is_ascii_digit()) {
            if i + 1 < words.len() {
                key.push_str(word);
            }
            continue;
        }
        if KIND_WORDS.contains(&word) || matches!(word, "al" | "el" | "a" | "e" | "l") {
            continue;
        }
        let word = word
            .strip_prefix("al")
            .filter(|_| word.starts_with("al") && !word.is_ascii())
            .unwrap_or(word);
        let skeleton = if link::normalize::arabic::is_latin(word) {
            link::normalize::latin::skeleton(word)
        } else {
            let bare = match word.strip_prefix("ال") {
                Some(rest) if rest.chars().count() >= 2 => rest,
                _ => word,
            };
            link::normalize::arabic::skeleton(bare)
        };
        // Long vowels are written in one spelling and not the other (أبنوب, Abnub): the
        // consonants alone, and a word's opening vowel.
        for (i, c) in skeleton.chars().enumerate() {
            if i == 0 || !matches!(c, 'a' | 'w' | 'y') {
                key.push(c);
            }
        }
    }
    key
}

/// How near, in degrees (about 30 km), a district of another governorate must lie to the named
/// governorate's outline to stand for a name not found in it.
const NEAR: f64 = 0.3;

/// Whether `p` lies within [`NEAR`] of governorate `code`'s outline.
fn near_governorate(code: &str, p: (f64, f64)) -> bool {
    outlines()
        .governorates
        .iter()
        .filter(|(c, _)| *c == code)
        .flat_map(|(_, rs)| rs.iter().flatten())
        .any(|q| (q.0 - p.0).powi(2) + (q.1 - p.1).powi(2) < NEAR * NEAR)
}

/// The districts of governorate `code` that a member's district name `name` stands for: those
/// whose key is the name's; else those of the one other governorate that has the name, when
/// they lie on the named governorate's border (the two boundary files disagree near some
/// borders: Qus lies in Luxor on one and in Qena on the other); else those one letter from it
/// when that is one place.
pub fn districts_named(code: &str, name: &str) -> Vec<usize> {
    let key = district_key(name);
    if key.is_empty() || (key.chars().count() < 2 && !key.starts_with(|c: char| c.is_ascii_digit()))
    {
        return Vec::new();
    }
    let all = districts();
    let mine = || (0..all.len()).filter(|&i| all[i].governorate == code);
    let exact: Vec<usize> = mine().filter(|&i| all[i].key == key).collect();
    if !exact.is_empty() {
        return exact;
    }
    let elsewhere: Vec<usize> = (0..all.len())
        .filter(|&i| all[i].key == key && near_governorate(code, all[i].lon_lat))
        .collect();
    let mut governorates: Vec<&str> = elsewhere.iter().map(|&i| all[i].governorate).collect();
    governorates.dedup();
    if governorates.len() == 1 {
        return elsewhere;
    }
    if key.chars().count() < 4 {
        return Vec::new();
    }
    let near: Vec<usize> = mine().filter(|&i| one_apart(&all[i].key, &key)).collect();
    let mut names: Vec<&str> = near.iter().map(|&i| all[i].key.as_str()).collect();
    names.dedup();
    if names.len() == 1 { near } else { Vec::new() }
}

/// Whether `a` becomes `b` by changing, adding or dropping one letter.
fn one_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    match long.len() - short.len() {
        0 => a.iter().zip(&b).filter(|(x, y)| x != y).count() == 1,
        1 => (0..long.len()).any(|skip| {
            long.iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, c)| c)
                .eq(short.iter())
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_governorate_is_drawn_once_and_small() {
        let map = super::governorates();
        let mut codes: Vec<&str> = map.shapes.iter().map(|s| s.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 27, "{codes:?}");
        assert_eq!(map.shapes.len(), 27);
        let bytes: usize = map.shapes.iter().map(|s| s.path.len()).sum();
        assert!(bytes < 120_000, "{bytes} bytes of paths");
        assert!(map.height > 400.0 && map.height < 700.0, "{}", map.height);
        for s in &map.shapes {
            assert!(
                s.centre.0 >= 0.0 && s.centre.0 <= super::WIDTH,
                "{}",
                s.code
            );
        }
    }

    #[test]
    fn districts_are_placed_in_their_governorates_and_found_by_arabic_names() {
        let all = super::districts();
        assert_eq!(all.len(), 365, "every district is placed");
        let governorates: std::collections::HashSet<&str> =
            all.iter().map(|d| d.governorate).collect();
        assert_eq!(governorates.len(), 27, "every governorate has districts");
        let named = |code: &str, name: &str| -> Vec<String> {
            super::districts_named(code, name)
                .into_iter()
                .map(|i| all[i].name.clone())
                .collect()
        };
        assert_eq!(named("26", "أخميم"), ["Akhmim", "Akhmim City"]);
        assert_eq!(named("25", "أبنوب"), ["Abnub"]);
        assert_eq!(named("25", "مركز أبو تيج"), ["Abu Tig"]);
        assert_eq!(named("01", "عين شمس"), ["Ain Shams"]);
        assert!(named("26", "عين شمس").is_empty(), "not in Sohag");
        assert!(named("26", "").is_empty());
        let bytes: usize = all.iter().map(|d| d.path.len()).sum();
        assert!(bytes < 400_000, "{bytes} bytes of district paths");
    }
}
