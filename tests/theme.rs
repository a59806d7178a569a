//! The theme loader: the built-in default theme gives the same site as the
//! repository's themes/default/ folder, `mieru theme eject` writes it out,
//! and a theme folder cannot reach outside the site (symbolic links out,
//! special files, templates reading the environment).

mod common;

use common::{build_site, copy_tree, repo_root, snapshot};
use mieru::diag::Diagnostics;
use std::path::Path;

/// The example site's content/ in a temp folder, without themes/.
fn content_only() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo_root().join("content"), &tmp.path().join("content"));
    tmp
}

/// The example site's content/ and themes/ in a temp folder.
fn with_themes() -> tempfile::TempDir {
    let tmp = content_only();
    copy_tree(&repo_root().join("themes"), &tmp.path().join("themes"));
    tmp
}

fn check_errors(root: &Path) -> Diagnostics {
    match mieru::check(root) {
        Ok(_) => panic!("expected the check to fail"),
        Err(d) => d,
    }
}

fn has(d: &Diagnostics, code: &str, path: &str) -> bool {
    d.iter().any(|x| {
        x.code == code
            && x.location
                .as_ref()
                .is_some_and(|l| l.path == Path::new(path))
    })
}

#[test]
fn the_built_in_theme_builds_the_same_site_as_the_theme_folder() {
    let bare = content_only();
    assert!(!bare.path().join("themes").exists());
    let (_a, out_builtin) = build_site(bare.path());
    let full = with_themes();
    let (_b, out_folder) = build_site(full.path());
    let a = snapshot(&out_builtin);
    let b = snapshot(&out_folder);
    assert!(a.len() > 20, "only {} files", a.len());
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for (x, y) in a.iter().zip(&b) {
        assert!(x.1 == y.1, "{} differs", x.0);
    }
    assert!(
        mieru::render::Theme::load(bare.path(), "default")
            .unwrap_or_else(|_| panic!("theme"))
            .builtin
    );
}

#[test]
fn a_named_theme_that_does_not_exist_is_still_an_error() {
    let site = content_only();
    let p = site.path().join("content/site.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        text.replace("theme = \"default\"", "theme = \"kaiteki\""),
    )
    .unwrap();
    let d = check_errors(site.path());
    assert!(has(&d, "E065", "content/site.toml"), "{d:?}");
}

#[test]
fn a_static_folder_linked_outside_the_site_is_refused() {
    let site = with_themes();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("shadow"), "secret").unwrap();
    let st = site.path().join("themes/default/static");
    std::fs::remove_dir_all(&st).unwrap();
    std::os::unix::fs::symlink(outside.path(), &st).unwrap();
    let d = check_errors(site.path());
    assert!(has(&d, "E120", "themes/default/static"), "{d:?}");
    let e = d.iter().find(|x| x.code == "E120").unwrap();
    assert!(e.message_ja.contains(&outside.path().display().to_string()));
    // And the build writes nothing.
    let out = site.path().join("output");
    let mut opts = mieru::BuildOptions::new(site.path());
    opts.output = Some(out.clone());
    assert!(mieru::build(&opts).is_err());
    assert!(!out.exists());
}

#[test]
fn a_file_linked_outside_the_site_is_refused_and_one_inside_is_followed() {
    let site = with_themes();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("passwd"), "root:x:0:0").unwrap();
    let st = site.path().join("themes/default/static");
    std::os::unix::fs::symlink(outside.path().join("passwd"), st.join("passwd.txt")).unwrap();
    let d = check_errors(site.path());
    assert!(has(&d, "E120", "themes/default/static/passwd.txt"), "{d:?}");

    std::fs::remove_file(st.join("passwd.txt")).unwrap();
    std::fs::write(site.path().join("inside.txt"), "ok").unwrap();
    std::os::unix::fs::symlink(site.path().join("inside.txt"), st.join("inside.txt")).unwrap();
    let (_t, out) = build_site(site.path());
    assert_eq!(
        std::fs::read_to_string(out.join("inside.txt")).unwrap(),
        "ok"
    );
}

#[test]
fn a_fifo_in_the_theme_is_refused() {
    let site = with_themes();
    let fifo = site.path().join("themes/default/static/pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let d = check_errors(site.path());
    assert!(has(&d, "E121", "themes/default/static/pipe"), "{d:?}");
}

#[test]
fn templates_cannot_read_the_environment() {
    let site = with_themes();
    let p = site.path().join("themes/default/templates/index.html");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        format!("{text}\n<p>{{{{ get_env(name=\"SECRET_TOKEN\", default=\"x\") }}}}</p>\n"),
    )
    .unwrap();
    let d = check_errors(site.path());
    let e = d
        .iter()
        .find(|x| x.code == "E122")
        .unwrap_or_else(|| panic!("{d:?}"));
    let loc = e.location.as_ref().unwrap();
    assert_eq!(loc.path, Path::new("themes/default/templates/index.html"));
    assert_eq!(loc.line, text.lines().count() + 2);
    assert_eq!(loc.col, 7);
    assert!(e.message_ja.contains("get_env"));
}

#[test]
fn eject_writes_the_built_in_theme_and_refuses_to_overwrite() {
    let site = content_only();
    let (_a, before) = build_site(site.path());
    let written = mieru::render::theme::eject(site.path(), "default").unwrap();
    assert!(written
        .iter()
        .any(|p| p == Path::new("themes/default/fonts/IPA_Font_License_Agreement_v1.0.txt")));
    // Byte for byte the repository's theme.
    let ours = snapshot(&site.path().join("themes/default"));
    let repo = snapshot(&repo_root().join("themes/default"));
    assert_eq!(ours, repo);
    let theme = mieru::render::Theme::load(site.path(), "default").unwrap_or_else(|_| panic!());
    assert!(!theme.builtin);
    let (_b, after) = build_site(site.path());
    assert_eq!(snapshot(&before), snapshot(&after));

    let again = mieru::render::theme::eject(site.path(), "default").unwrap_err();
    assert!(again.iter().any(|d| d.code == "E123"), "{again:?}");
    // Under another name it is written beside the first.
    mieru::render::theme::eject(site.path(), "mine").unwrap();
    assert!(site
        .path()
        .join("themes/mine/templates/base.html")
        .is_file());
}

#[test]
fn a_theme_folder_linked_outside_the_site_is_refused() {
    let site = content_only();
    let outside = tempfile::tempdir().unwrap();
    copy_tree(
        &repo_root().join("themes/default"),
        &outside.path().join("t"),
    );
    std::fs::create_dir(site.path().join("themes")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("t"), site.path().join("themes/default"))
        .unwrap();
    let d = check_errors(site.path());
    for sub in ["templates", "static", "fonts"] {
        assert!(
            has(&d, "E120", &format!("themes/default/{sub}")),
            "{sub}: {d:?}"
        );
    }
}

#[test]
fn a_link_loop_in_the_theme_is_an_error_not_a_hang() {
    let site = with_themes();
    let st = site.path().join("themes/default/static");
    std::os::unix::fs::symlink(&st, st.join("loop")).unwrap();
    let d = check_errors(site.path());
    assert!(d.iter().any(|x| x.code == "E061"), "{d:?}");
}

#[test]
fn eject_refuses_a_name_that_is_not_a_slug() {
    let site = content_only();
    let d = mieru::render::theme::eject(site.path(), "../x").unwrap_err();
    assert!(d.iter().any(|x| x.code == "E011"), "{d:?}");
    assert!(!site.path().join("themes").exists());
    assert!(!site.path().join("x").exists());
}
