//! The font charts are measured with. plotters keeps registered fonts in a
//! process-wide table and wants `'static` bytes, so the theme's font is read
//! once and kept for the life of the process.

use std::sync::{Mutex, OnceLock};

static REGISTERED: OnceLock<Mutex<Vec<u64>>> = OnceLock::new();

fn fingerprint(bytes: &[u8]) -> u64 {
    // FNV-1a over the bytes: enough to tell one font file from another.
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Registers `bytes` (a TrueType/OpenType font) as the chart font. The same
/// font is registered once per process however often it is called.
pub fn register_font(bytes: &[u8]) -> Result<(), String> {
    let fp = fingerprint(bytes);
    let lock = REGISTERED.get_or_init(|| Mutex::new(Vec::new()));
    let mut seen = lock.lock().map_err(|e| e.to_string())?;
    if seen.last() == Some(&fp) {
        return Ok(());
    }
    let leaked: &'static [u8] = Box::leak(bytes.to_vec().into_boxed_slice());
    plotters::style::register_font(super::FONT, plotters::style::FontStyle::Normal, leaked)
        .map_err(|_| "not a TrueType/OpenType font".to_string())?;
    seen.push(fp);
    Ok(())
}
