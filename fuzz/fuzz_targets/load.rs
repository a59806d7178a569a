//! Any bytes as a content file: decoding, TOML parsing, the repair loop
//! that finds every schema problem, and the rendering of the diagnostics
//! must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mieru::diag::MessageFormat;

fuzz_target!(|data: &[u8]| {
    let diags = mieru::load::parse_every_kind(data);
    for format in [MessageFormat::Human, MessageFormat::Json, MessageFormat::Github] {
        let _ = diags.render(format);
    }
});
