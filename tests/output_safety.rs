//! Where a site may be written, and what a build leaves behind: dangerous
//! output folders are refused before anything is touched, a folder mieru
//! did not write is replaced only with `--force`, symbolic links are never
//! followed, and the same input gives the same bytes.

mod common;

use common::{copy_tree, repo_root, snapshot};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A copy of the example site (the font linked, not copied).
fn site() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["content", "themes"] {
        copy_tree(&repo_root().join(dir), &tmp.path().join(dir));
    }
    tmp
}

fn build(root: &Path, out: &Path, force: bool) -> Result<mieru::BuildReport, mieru::BuildError> {
    let mut opts = mieru::BuildOptions::new(root);
    opts.output = Some(out.to_path_buf());
    opts.force = force;
    mieru::build(&opts)
}

fn refused(root: &Path, out: &Path, force: bool) -> String {
    match build(root, out, force) {
        Err(mieru::BuildError::Output(e)) => e.to_string(),
        Err(mieru::BuildError::Content(d)) => {
            panic!("{}: refused for content? {d:?}", out.display())
        }
        Ok(_) => panic!("{} must be refused", out.display()),
    }
}

fn cli(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mieru"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn dangerous_output_folders_are_refused_even_with_force() {
    let site = site();
    let root = site.path();
    let before = snapshot(root);
    let mut dangerous: Vec<PathBuf> = vec![
        PathBuf::from("/"),
        root.to_path_buf(),
        root.join("content"),
        root.join("content/programs"),
        root.join("themes"),
        root.join("themes/default/static"),
        root.parent().unwrap().to_path_buf(),
        root.join("output/.."),
    ];
    if let Some(home) = std::env::var_os("HOME") {
        dangerous.push(PathBuf::from(home));
    }
    for out in &dangerous {
        for force in [false, true] {
            let why = refused(root, out, force);
            assert!(why.contains(" / "), "bilingual: {why}");
        }
    }
    assert!(snapshot(root) == before, "nothing in the site was touched");
    // The command says so with exit code 2.
    let (code, err) = cli(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        root.join("content").to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("content"), "{err}");
}

#[test]
fn a_foreign_folder_is_replaced_only_with_force() {
    let site = site();
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("www");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("important.txt"), "not mieru's").unwrap();
    let why = refused(site.path(), &out, false);
    assert!(why.contains("--force"), "{why}");
    assert_eq!(
        std::fs::read_to_string(out.join("important.txt")).unwrap(),
        "not mieru's"
    );
    let (code, _) = cli(&[
        "build",
        "--root",
        site.path().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(out.join("important.txt").exists());

    build(site.path(), &out, true).unwrap_or_else(|_| panic!("--force replaces it"));
    assert!(!out.join("important.txt").exists());
    assert!(out.join(mieru::output::MARKER).is_file());
    // Now it is mieru's own: no --force needed.
    build(site.path(), &out, false).unwrap_or_else(|_| panic!("own folder"));
    // An empty folder is fine too.
    let empty = parent.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    build(site.path(), &empty, false).unwrap_or_else(|_| panic!("empty folder"));
    // Nothing is left beside the outputs: no staging or old folders.
    let mut names: Vec<String> = std::fs::read_dir(parent.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["empty", "www"]);
}

#[test]
fn a_symlinked_output_folder_is_refused() {
    let site = site();
    let parent = tempfile::tempdir().unwrap();
    let elsewhere = parent.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("keep.txt"), "keep").unwrap();
    let link = parent.path().join("out");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    for force in [false, true] {
        let why = refused(site.path(), &link, force);
        assert!(why.contains("symbolic link"), "{why}");
    }
    // Even an empty target behind a link is refused.
    std::fs::remove_file(elsewhere.join("keep.txt")).unwrap();
    refused(site.path(), &link, false);
    assert!(link.is_symlink());
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

#[test]
fn symlinks_inside_the_old_output_are_not_followed() {
    let site = site();
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("out");
    build(site.path(), &out, false).unwrap_or_else(|_| panic!("first build"));
    let outside = parent.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("precious.txt"), "precious").unwrap();
    std::os::unix::fs::symlink(&outside, out.join("programs-link")).unwrap();
    std::os::unix::fs::symlink(outside.join("precious.txt"), out.join("index2.html")).unwrap();
    build(site.path(), &out, false).unwrap_or_else(|_| panic!("second build"));
    assert_eq!(
        std::fs::read_to_string(outside.join("precious.txt")).unwrap(),
        "precious",
        "the build removed the link, not what it points to"
    );
    assert!(!out.join("programs-link").exists());
    assert!(!out.join("index2.html").exists());
}

/// Today's date as YYYY-MM-DD (UTC), without a date library.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[test]
fn the_same_input_gives_the_same_bytes_without_timestamps() {
    let site = site();
    let parent = tempfile::tempdir().unwrap();
    let a = parent.path().join("a");
    let b = parent.path().join("b");
    build(site.path(), &a, false).unwrap_or_else(|_| panic!("a"));
    // Files written in another order on disk must not matter.
    let year = site
        .path()
        .join("content/programs/teiju-jiritsuken/2019.toml");
    let text = std::fs::read(&year).unwrap();
    std::fs::remove_file(&year).unwrap();
    std::fs::write(&year, text).unwrap();
    build(site.path(), &b, false).unwrap_or_else(|_| panic!("b"));
    let (sa, sb) = (snapshot(&a), snapshot(&b));
    assert_eq!(
        sa.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        sb.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for ((name, x), (_, y)) in sa.iter().zip(&sb) {
        assert!(x == y, "{name} differs between two builds");
    }
    let today = today();
    let compact = today.replace('-', "");
    for (name, bytes) in &sa {
        let s = String::from_utf8_lossy(bytes);
        assert!(
            !s.contains(&today) && !s.contains(&compact),
            "{name} carries today's date"
        );
    }
    // A rebuild into the same folder gives the same bytes again.
    build(site.path(), &a, false).unwrap_or_else(|_| panic!("again"));
    assert!(snapshot(&a) == sa);
}

fn cli_build(root: &Path, out: &Path, force: bool) -> (i32, String) {
    let mut args = vec![
        "build",
        "--quiet",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ];
    if force {
        args.push("--force");
    }
    cli(&args)
}

#[test]
fn a_site_builds_through_a_symlinked_root() {
    let site = site();
    let parent = tempfile::tempdir().unwrap();
    let link = parent.path().join("site-link");
    std::os::unix::fs::symlink(site.path(), &link).unwrap();
    let (code, err) = cli_build(&link, &link.join("output"), false);
    assert_eq!(code, 0, "{err}");
    assert!(site.path().join("output/index.html").is_file());
    // And again, now over its own output.
    let (code, err) = cli_build(&link, &link.join("output"), false);
    assert_eq!(code, 0, "{err}");
}

/// Output folders that reach the site's sources through symbolic links —
/// a root given as a link, a link inside the root, content/ or a theme
/// linked from elsewhere — are refused like the plain paths, with --force
/// too, and nothing of the site is touched.
#[test]
fn output_folders_reached_through_links_are_refused_with_content_untouched() {
    let site = site();
    let real = site.path().to_path_buf();
    let parent = tempfile::tempdir().unwrap();
    let link = parent.path().join("root-link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    std::os::unix::fs::symlink(real.join("content"), real.join("c")).unwrap();
    std::os::unix::fs::symlink(real.join("themes/default"), real.join("t")).unwrap();
    let before = snapshot(&real);
    let cases: Vec<(PathBuf, PathBuf)> = vec![
        (link.clone(), real.clone()),
        (link.clone(), real.join("themes")),
        (link.clone(), real.join("content")),
        (link.clone(), real.join("content/site")),
        (link.clone(), real.join(".")),
        (real.clone(), link.join("content/new")),
        (real.clone(), link.join("themes/default/static/x")),
        (real.clone(), real.join("c/site")),
        (real.clone(), real.join("c/programs")),
        (real.clone(), real.join("t/static")),
        (real.clone(), real.join("t/../content/x")),
        (real.clone(), link.join("output/../../root-link")),
        (link.clone(), link.join("src")),
        (real.clone(), real.join("output/../content")),
    ];
    for (root, out) in &cases {
        for force in [false, true] {
            let why = refused(root, out, force);
            assert!(why.contains(" / "), "bilingual: {why}");
            let (code, err) = cli_build(root, out, force);
            assert_eq!(code, 2, "{} → {}: {err}", root.display(), out.display());
            assert!(!err.contains("panicked"), "{err}");
        }
    }
    assert!(snapshot(&real) == before, "nothing in the site was touched");
    assert!(real.join("content/site.toml").is_file());
    assert!(real.join("themes/default/templates").is_dir());
}

/// content/ and a theme may be links to folders elsewhere: the output may
/// not be, hold or lie inside those folders either.
#[test]
fn linked_content_and_themes_are_protected_where_they_really_are() {
    let site = site();
    let root = site.path();
    let elsewhere = tempfile::tempdir().unwrap();
    let data = elsewhere.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::rename(root.join("content"), data.join("content")).unwrap();
    std::os::unix::fs::symlink(data.join("content"), root.join("content")).unwrap();
    // A theme linked out of the site is refused by the theme loader (E120);
    // a theme linked inside the site is protected where it really is.
    std::fs::rename(root.join("themes/default"), root.join("theme-src")).unwrap();
    std::os::unix::fs::symlink(root.join("theme-src"), root.join("themes/default")).unwrap();
    let before = snapshot(elsewhere.path());
    for out in [
        data.clone(),
        elsewhere.path().to_path_buf(),
        data.join("content/x"),
        root.join("theme-src"),
        root.join("theme-src/static/out"),
    ] {
        let why = refused(root, &out, true);
        assert!(why.contains("refusing"), "{why}");
    }
    assert!(snapshot(elsewhere.path()) == before);
    // A sibling of the linked folders is fine.
    let out = data.join("www");
    build(root, &out, false).unwrap_or_else(|_| panic!("sibling output"));
    assert!(out.join("index.html").is_file());
}

/// A build killed with SIGKILL leaves its staging folder (and, during the
/// swap, the old output) beside the output: the next build removes those
/// of processes that are gone and keeps those of a build still running.
#[test]
fn leftovers_of_dead_builds_are_removed_and_those_of_live_ones_kept() {
    let site = site();
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("out");
    // No process has a PID this large (the kernel's limit is 2^22).
    let dead = 999_999_999u32;
    let dead_new = parent.path().join(format!(".out.mieru-new-{dead}-0"));
    let dead_old = parent.path().join(format!(".out.mieru-old-{dead}"));
    let dead_old2 = parent.path().join(format!(".out.mieru-old-{dead}-3"));
    // PID 1 always runs.
    let live_new = parent.path().join(".out.mieru-new-1-0");
    let other = parent.path().join(".other.mieru-new-999999999-0");
    let not_ours = parent.path().join(".out.mieru-new-x-0");
    for d in [
        &dead_new, &dead_old, &dead_old2, &live_new, &other, &not_ours,
    ] {
        std::fs::create_dir(d).unwrap();
        std::fs::write(d.join("index.html"), "half written").unwrap();
    }
    let (code, err) = cli_build(site.path(), &out, false);
    assert_eq!(code, 0, "{err}");
    for d in [&dead_new, &dead_old, &dead_old2] {
        assert!(!d.exists(), "{} is removed", d.display());
    }
    for d in [&live_new, &other, &not_ours] {
        assert!(d.join("index.html").is_file(), "{} is kept", d.display());
    }
    assert!(out.join(mieru::output::MARKER).is_file());
    assert!(!parent.path().join(".out.mieru-lock").exists());
}

/// A build killed between the two renames of its swap leaves no output but
/// the previous one aside: the next build puts it back first, so a failed
/// build still leaves the previous site served.
#[test]
fn an_output_left_aside_by_a_killed_swap_is_put_back() {
    let site = site();
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("out");
    build(site.path(), &out, false).unwrap_or_else(|_| panic!("first build"));
    let before = snapshot(&out);
    let aside = parent.path().join(".out.mieru-old-999999999-0");
    std::fs::rename(&out, &aside).unwrap();
    // The next build fails on its content.
    std::fs::write(site.path().join("content/site.toml"), "city = \n").unwrap();
    let (code, err) = cli_build(site.path(), &out, false);
    assert_eq!(code, 1, "{err}");
    assert!(
        snapshot(&out) == before,
        "the previous site is served again"
    );
    assert!(!aside.exists());
}

#[test]
fn a_second_build_into_the_same_output_is_refused_while_the_first_runs() {
    let site = site();
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("out");
    build(site.path(), &out, false).unwrap_or_else(|_| panic!("first build"));
    let before = snapshot(&out);
    let lock = parent.path().join(".out.mieru-lock");
    // A build of process 1 (which always runs) holds the lock.
    std::fs::write(&lock, "1 0\n").unwrap();
    let why = refused(site.path(), &out, true);
    assert!(why.contains("another build"), "{why}");
    let (code, err) = cli_build(site.path(), &out, false);
    assert_eq!(code, 2, "{err}");
    assert!(snapshot(&out) == before);
    assert_eq!(std::fs::read_to_string(&lock).unwrap(), "1 0\n");
    // The lock of a process that is gone is taken over.
    std::fs::write(&lock, "999999999 0\n").unwrap();
    let (code, err) = cli_build(site.path(), &out, false);
    assert_eq!(code, 0, "{err}");
    assert!(!lock.exists());
}
