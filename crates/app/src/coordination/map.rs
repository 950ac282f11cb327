//! Egypt's governorates drawn on the server as SVG paths, once per process: the GeoJSON of
//! `assets/geo/` projected (longitude scaled by the cosine of the middle latitude, so that the
//! country keeps its shape), rounded to the half pixel with repeated points dropped (which takes
//! the 180 KB of coordinates to a few tens of KB of paths), and each governorate matched to the
//! platform's table by its own Arabic and English names. No tiles, nothing fetched at run time.

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
    static MAP: LazyLock<Map> = LazyLock::new(|| draw(GEOJSON));
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

fn draw(geojson: &str) -> Map {
    let doc: serde_json::Value = serde_json::from_str(geojson).unwrap_or_default();
    let features: Vec<&serde_json::Value> =
        doc["features"].as_array().into_iter().flatten().collect();
    let all: Vec<(Option<&'static str>, Vec<Ring>)> = features
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let code = [p["Subdivision_en"].as_str(), p["Subdivision_ar"].as_str()]
                .into_iter()
                .flatten()
                .find_map(link::normalize::place::governorate_code);
            (code, rings(&f["geometry"]))
        })
        .collect();
    let points = all.iter().flat_map(|(_, rs)| rs.iter().flatten());
    let (mut west, mut east, mut south, mut north) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(lon, lat) in points {
        west = west.min(lon);
        east = east.max(lon);
        south = south.min(lat);
        north = north.max(lat);
    }
    let squeeze = ((south + north) / 2.0).to_radians().cos();
    let scale = WIDTH / ((east - west) * squeeze).max(f64::EPSILON);
    let project = |(lon, lat): (f64, f64)| ((lon - west) * squeeze * scale, (north - lat) * scale);
    let half = |v: f64| (v * 2.0).round() / 2.0;
    let shapes = all
        .into_iter()
        .filter_map(|(code, rs)| {
            let code = code?;
            let mut path = String::new();
            let (mut sx, mut sy, mut n) = (0.0_f64, 0.0_f64, 0.0_f64);
            for ring in rs {
                let mut last: Option<(f64, f64)> = None;
                let mut drawn: Vec<(f64, f64)> = Vec::new();
                for p in ring {
                    let (x, y) = project(p);
                    let q = (half(x), half(y));
                    if last != Some(q) {
                        drawn.push(q);
                        last = Some(q);
                    }
                }
                // A ring smaller than a pixel (a rock off the coast) is not drawn.
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
            Some(Shape {
                code,
                path,
                centre: (sx / n.max(1.0), sy / n.max(1.0)),
            })
        })
        .collect();
    Map {
        height: ((north - south) * scale).ceil(),
        shapes,
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
}
