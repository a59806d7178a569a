//! A fuzzing loop on the stable toolchain, over the same body as the
//! cargo-fuzz target (`mieru::load::fuzz_one`): every file of
//! `fuzz/corpus/load/` (the example site's files and every input that once
//! crashed), then random mutations of them for a bounded time. It is a
//! plain mutation loop without coverage feedback — weaker than libFuzzer,
//! but it runs on CI where nightly cannot be installed.
//!
//! `cargo test --test fuzz_load` replays the corpus (fast, on every test
//! run). `MIERU_FUZZ_SECONDS=60 cargo test --release --test fuzz_load --
//! --ignored` mutates for 60 s (`.ci/run` does); `MIERU_FUZZ_SEED` repeats a
//! run. A crash is saved under `fuzz/artifacts/load/` and fails the test.

use std::path::PathBuf;
use std::time::{Duration, Instant};

fn corpus() -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/load");
    let mut v: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| (e.path(), std::fs::read(e.path()).unwrap()))
        .collect();
    v.sort();
    v
}

/// Runs one input; a panic is saved as an artifact and reported.
fn run(input: &[u8]) -> Result<(), PathBuf> {
    let ok = std::panic::catch_unwind(|| mieru::load::fuzz_one(input)).is_ok();
    if ok {
        return Ok(());
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/artifacts/load");
    let _ = std::fs::create_dir_all(&dir);
    let hash = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    });
    let path = dir.join(format!("crash-{hash:016x}"));
    let _ = std::fs::write(&path, input);
    Err(path)
}

#[test]
fn every_corpus_file_runs_without_a_panic() {
    let corpus = corpus();
    assert!(
        corpus
            .iter()
            .any(|(p, _)| p.ends_with("crash-stray-cr-short")),
        "the crash inputs are part of the corpus"
    );
    assert!(corpus.len() >= 10, "{} files", corpus.len());
    for (path, bytes) in &corpus {
        if let Err(saved) = run(bytes) {
            panic!("{} panics (saved as {})", path.display(), saved.display());
        }
    }
}

/// xorshift64*: small, deterministic for a given seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that matter to TOML and to the renderer of diagnostics.
const INTERESTING: &[&[u8]] = &[
    b"\r",
    b"\r\r",
    b"\n",
    b"\r\n",
    b"=",
    b"\"",
    b"'''",
    b"\"\"\"",
    b"[",
    b"]",
    b"[[",
    b"{",
    b"}",
    b".",
    b",",
    b"#",
    b"\\",
    b"\\u",
    b"\xEF\xBB\xBF",
    b"\xE3\x80\x80",
    b"\xE2\x80\x94",
    b"\xFF",
    b"\x1b[31m",
    b"\x00",
    b"\t",
    b"-",
    b"9223372036854775808",
    b"1e999",
    b"nan",
    b"2021",
    b"a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a",
];

fn mutate(rng: &mut Rng, corpus: &[(PathBuf, Vec<u8>)], mut b: Vec<u8>) -> Vec<u8> {
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(b.len() + 1);
        match rng.below(8) {
            0 if !b.is_empty() => {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
            1 if !b.is_empty() => {
                let i = rng.below(b.len());
                b[i] = rng.next() as u8;
            }
            2 => {
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                b.splice(at..at, piece.iter().copied());
            }
            3 if !b.is_empty() => {
                let end = (at + 1 + rng.below(64)).min(b.len());
                b.drain(at.min(end)..end);
            }
            4 => b.truncate(at),
            5 if !b.is_empty() => {
                // Repeat a slice (lines doubled, nesting deepened).
                let end = (at + 1 + rng.below(32)).min(b.len());
                let piece: Vec<u8> = b[at.min(end)..end].to_vec();
                for _ in 0..1 + rng.below(100) {
                    b.splice(at..at, piece.iter().copied());
                }
            }
            6 => {
                // Splice in a piece of another corpus file.
                let other = &corpus[rng.below(corpus.len())].1;
                let from = rng.below(other.len());
                let to = (from + rng.below(200)).min(other.len());
                b.splice(at..at, other[from..to].iter().copied());
            }
            _ => {
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                b.extend_from_slice(piece);
            }
        }
        b.truncate(1 << 16);
    }
    b
}

#[test]
#[ignore = "bounded fuzzing loop: run with --ignored (MIERU_FUZZ_SECONDS, default 60)"]
fn mutated_corpus_files_never_panic() {
    let seconds: u64 = std::env::var("MIERU_FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let seed: u64 = std::env::var("MIERU_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        })
        | 1;
    eprintln!("fuzz_load: seed {seed} (MIERU_FUZZ_SEED={seed} repeats this run), {seconds} s");
    let corpus = corpus();
    let mut rng = Rng(seed);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut runs = 0u64;
    let mut crashes = Vec::new();
    // Quiet: the panics are collected, not printed one by one.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    while Instant::now() < deadline && crashes.len() < 10 {
        let start = corpus[rng.below(corpus.len())].1.clone();
        let input = mutate(&mut rng, &corpus, start);
        if let Err(saved) = run(&input) {
            crashes.push(saved);
        }
        runs += 1;
    }
    std::panic::set_hook(hook);
    eprintln!("fuzz_load: {runs} inputs, {} crashes", crashes.len());
    assert!(runs > 0);
    assert!(crashes.is_empty(), "inputs that panic: {crashes:#?}");
}
