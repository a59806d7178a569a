//! Any bytes as a content file: decoding, TOML parsing, the repair loop
//! that finds every schema problem, and the rendering of the diagnostics
//! must never panic. The body is `mieru::load::fuzz_one`, which
//! `tests/fuzz_load.rs` also drives on the stable toolchain.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mieru::load::fuzz_one(data);
});
