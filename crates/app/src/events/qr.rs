//! QR codes of check-in codes and certificate links: as SVG for pages and certificates, as PNG
//! for e-mails (mail programs do not show SVG). Error correction M: a phone reads it off a
//! screen or a print that is a little damaged.

use crate::error::{Error, Result};
use qrcode::{Color, EcLevel, QrCode};

fn code(text: &str) -> Result<QrCode> {
    QrCode::with_error_correction_level(text, EcLevel::M)
        .map_err(|e| Error::Internal(anyhow::anyhow!("qr code: {e}")))
}

/// The QR code of `text` as an SVG document at least `px` pixels wide.
pub fn svg(text: &str, px: u32) -> Result<String> {
    Ok(code(text)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(px, px)
        .quiet_zone(true)
        .build())
}

/// The QR code of `text` as a PNG, 8 pixels a module with the standard 4-module margin.
pub fn png(text: &str) -> Result<Vec<u8>> {
    const SCALE: usize = 8;
    const MARGIN: usize = 4;
    let qr = code(text)?;
    let modules = qr.width();
    let colors = qr.to_colors();
    let side = (modules + 2 * MARGIN) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c == Color::Dark {
            let (x, y) = (
                (i % modules + MARGIN) * SCALE,
                (i / modules + MARGIN) * SCALE,
            );
            for row in pixels[y * side..(y + SCALE) * side].chunks_mut(side) {
                row[x..x + SCALE].fill(0);
            }
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let fail = |e: png::EncodingError| Error::Internal(anyhow::anyhow!("png: {e}"));
    let mut writer = encoder.write_header().map_err(fail)?;
    writer.write_image_data(&pixels).map_err(fail)?;
    writer.finish().map_err(fail)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_png_of_the_right_size() {
        let png = super::png("ABCD2345").unwrap();
        assert_eq!(&png[1..4], b"PNG");
        // Version 1 (21 modules) with margins: (21 + 8) × 8 pixels a side.
        let w = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        assert_eq!(w, 29 * 8);
    }
}
