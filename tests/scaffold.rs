//! `mieru init`, `mieru new program` and `mieru new year`: what they write,
//! that the site builds right after, and that they never overwrite.

mod common;

use common::{build_site, copy_tree, read, repo_root, text_of};
use mieru::scaffold::{self, NewProgram};
use std::path::Path;

fn codes(d: &mieru::diag::Diagnostics) -> Vec<&'static str> {
    d.iter().map(|x| x.code).collect()
}

/// The example site's content/ alone (the built-in theme), in a temp folder.
fn example() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo_root().join("content"), &tmp.path().join("content"));
    tmp
}

#[test]
fn init_then_check_then_build_in_an_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let written = scaffold::init(&root, "default", Some("見える市"), Some(2025)).unwrap();
    for f in [
        "content/site.toml",
        "content/programs/bosai-kunren/2025.toml",
        "content/programs/bosai-kunren/2026.toml",
        ".gitignore",
        ".github/workflows/mieru.yml",
        ".taplo.toml",
        ".vscode/extensions.json",
        "schema/year.schema.json",
        "README.md",
    ] {
        assert!(written.iter().any(|w| w == Path::new(f)), "{f} not written");
        assert!(root.join(f).is_file(), "{f}");
    }
    assert!(!root.join("themes").exists());
    let site = std::fs::read_to_string(root.join("content/site.toml")).unwrap();
    assert!(site.contains("city = \"見える市\""));
    assert!(site.contains("evaluation_year = 2025"));
    let ci = std::fs::read_to_string(root.join(".github/workflows/mieru.yml")).unwrap();
    for needle in [
        "MIERU_VERSION:",
        "mieru-x86_64-unknown-linux-gnu.tar.gz",
        "mieru check --message-format github",
        "actions/checkout@v7",
        "actions/configure-pages@v6",
        "actions/upload-pages-artifact@v5",
        "actions/deploy-pages@v5",
        "pull_request",
        "mieru build --message-format github --base-url",
    ] {
        assert!(ci.contains(needle), "workflow lacks {needle}");
    }
    assert!(
        !ci.contains("@MIERU_"),
        "a placeholder was left in the workflow"
    );
    assert!(ci.contains(&format!("MIERU_VERSION: \"{}\"", env!("CARGO_PKG_VERSION"))));
    assert_eq!(
        std::fs::read_to_string(root.join(".gitignore")).unwrap(),
        "output/\n"
    );

    let checked = mieru::check(&root)
        .unwrap_or_else(|d| panic!("{}", d.render(mieru::diag::MessageFormat::Human)));
    assert!(checked.warnings.is_empty(), "{:?}", checked.warnings);
    let (_t, out) = build_site(&root);
    let page = text_of(&read(&out, "programs/bosai-kunren/index.html"));
    assert!(page.contains("1,200千円"), "the value state");
    assert!(page.contains("該当なし"), "the — state");
    assert!(page.contains("未記入"), "the blank state");
    assert!(page.contains("令和7年度"));
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("memo.txt"), "大事なメモ").unwrap();
    let d = scaffold::init(tmp.path(), "default", None, Some(2025)).unwrap_err();
    assert_eq!(codes(&d), ["E123"]);
    let e = d.iter().next().unwrap();
    assert!(e.message_ja.contains("空ではありません"));
    assert!(e.location.is_some());
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "nothing else written");
}

#[test]
fn init_lists_the_forms_it_knows() {
    let tmp = tempfile::tempdir().unwrap();
    let d = scaffold::init(&tmp.path().join("x"), "kaiteki", None, None).unwrap_err();
    assert_eq!(codes(&d), ["E125"]);
    assert!(d
        .iter()
        .next()
        .unwrap()
        .help
        .as_deref()
        .unwrap()
        .contains("default"));
    let help = d.iter().next().unwrap().help.clone().unwrap();
    for form in ["jimu-jigyo", "shisaku"] {
        assert!(help.contains(form), "{form} not listed: {help}");
    }
    let d = scaffold::init(&tmp.path().join("x"), "default", None, Some(21)).unwrap_err();
    assert_eq!(codes(&d), ["E020"]);
    assert!(!tmp.path().join("x").exists());
}

/// The bundled forms `init --form` knows, with a field of each one's starter
/// program that its page shows.
const BUNDLED: [(&str, &str); 2] = [
    ("jimu-jigyo", "防災危機管理課"),
    ("shisaku", "防災危機管理課"),
];

#[test]
fn init_with_a_bundled_form_writes_it_as_content_form_toml() {
    for (form, _) in BUNDLED {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        let written = scaffold::init(&root, form, Some("見本町"), Some(2025)).unwrap();
        for f in [
            "content/site.toml",
            "content/form.toml",
            "content/plan.toml",
            "content/programs/bosai-kunren/program.toml",
            "content/programs/bosai-kunren/2025.toml",
            ".gitignore",
            ".github/workflows/mieru.yml",
            "README.md",
        ] {
            assert!(
                written.iter().any(|w| w == Path::new(f)),
                "{form}: {f} not written"
            );
            assert!(root.join(f).is_file(), "{form}: {f}");
        }
        let bundled =
            std::fs::read_to_string(repo_root().join(format!("forms/{form}.toml"))).unwrap();
        let form_toml = std::fs::read_to_string(root.join("content/form.toml")).unwrap();
        assert_eq!(
            form_toml, bundled,
            "{form}: content/form.toml is the bundled form"
        );
        let site = std::fs::read_to_string(root.join("content/site.toml")).unwrap();
        assert!(site.contains("city = \"見本町\""));
        assert!(site.contains("evaluation_year = 2025"));
        // The default form's editor schemas do not describe a declared form's keys.
        assert!(!root.join("schema").exists(), "{form}");
        for (_, text) in common::snapshot(&root) {
            let text = String::from_utf8(text).unwrap();
            assert!(
                !text.contains("@YEAR@") && !text.contains("@WAREKI@") && !text.contains("@NEXT@"),
                "{form}: a placeholder was left"
            );
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    scaffold::init(tmp.path(), "default", None, Some(2025)).unwrap();
    assert!(!tmp.path().join("content/form.toml").exists());
    assert!(!tmp.path().join("content/plan.toml").exists());
}

/// Needs the loader of content/form.toml and content/plan.toml.
#[test]
fn a_site_started_from_a_bundled_form_checks_and_builds() {
    for (form, department) in BUNDLED {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        scaffold::init(&root, form, Some("見本町"), Some(2025)).unwrap();
        let checked = mieru::check(&root)
            .unwrap_or_else(|d| panic!("{form}: {}", d.render(mieru::diag::MessageFormat::Human)));
        assert!(
            checked.warnings.is_empty(),
            "{form}: {:?}",
            checked.warnings
        );
        let (_t, out) = build_site(&root);
        let page = text_of(&read(&out, "programs/bosai-kunren/index.html"));
        assert!(page.contains("防災訓練事業"), "{form}");
        assert!(page.contains(department), "{form}");
        assert!(page.contains("1,200千円"), "{form}: the budget");
        assert!(page.contains("令和7年度"), "{form}");
    }
}

#[test]
fn the_default_year_is_the_current_fiscal_year() {
    let tmp = tempfile::tempdir().unwrap();
    scaffold::init(tmp.path(), "default", None, None).unwrap();
    let y = scaffold::current_fiscal_year();
    let site = std::fs::read_to_string(tmp.path().join("content/site.toml")).unwrap();
    assert!(site.contains(&format!("evaluation_year = {y} ")));
    assert!(tmp
        .path()
        .join(format!("content/programs/bosai-kunren/{}.toml", y + 1))
        .is_file());
}

#[test]
fn new_year_moves_the_site_on_and_writes_the_plan_year_files() {
    let site = example();
    let root = site.path();
    let before = std::fs::read_to_string(root.join("content/site.toml")).unwrap();
    let r = scaffold::new_year(root, Some(2022)).unwrap();
    assert_eq!((r.from, r.to), (2021, 2022));
    let after = std::fs::read_to_string(root.join("content/site.toml")).unwrap();
    assert_eq!(
        after,
        before.replace(
            "evaluation_year = 2021                  # 評価年度（令和3年度）",
            "evaluation_year = 2022                  # 評価年度（令和4年度）"
        )
    );
    let mut written: Vec<String> = r.written.iter().map(|p| p.display().to_string()).collect();
    written.sort();
    assert_eq!(
        written,
        [
            "content/programs/teiju-jiritsuken/2023.toml",
            "content/programs/tokyo-nodai-renkei/2023.toml"
        ]
    );
    // The old Plan year (2022) is untouched: its budget is now the budget.
    for slug in ["teiju-jiritsuken", "tokyo-nodai-renkei"] {
        let rel = format!("content/programs/{slug}/2022.toml");
        assert_eq!(
            std::fs::read(root.join(&rel)).unwrap(),
            std::fs::read(repo_root().join(&rel)).unwrap()
        );
    }
    let new: toml::Table =
        std::fs::read_to_string(root.join("content/programs/teiju-jiritsuken/2023.toml"))
            .unwrap()
            .parse()
            .unwrap();
    assert_eq!(new["fiscal_year"].as_integer(), Some(2023));
    // 2022's planned target ("" on the sheet) is carried; actuals are blank.
    assert_eq!(new["target"].as_str(), Some(""));
    for key in ["result", "activities"] {
        assert_eq!(new[key].as_str(), Some(""), "{key}");
    }
    for (table, key) in [
        ("budget", "amount"),
        ("settlement", "amount"),
        ("settlement", "special_funding"),
        ("check", "evaluation"),
        ("check", "analysis"),
        ("action", "policy"),
    ] {
        assert_eq!(new[table][key].as_str(), Some(""), "{table}.{key}");
    }
    assert!(r.lines()[0].starts_with("評価年度を 2021（令和3年度）から 2022（令和4年度）"));

    let m = mieru::check(root).unwrap().model;
    assert_eq!(m.site.evaluation_year, 2022);
    build_site(root);

    // Once more: 2024 files, never the 2023 ones again.
    let r = scaffold::new_year(root, None).unwrap();
    assert_eq!(r.to, 2023);
    assert_eq!(r.written.len(), 2);
}

#[test]
fn new_year_carries_a_planned_target_and_leaves_ended_programs_alone() {
    let site = example();
    let root = site.path();
    let p = root.join("content/programs/teiju-jiritsuken/program.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, format!("end_year = 2021\n{text}")).unwrap();
    let y = root.join("content/programs/tokyo-nodai-renkei/2022.toml");
    let text = std::fs::read_to_string(&y).unwrap();
    std::fs::write(&y, text.replace("target = \"\"", "target = 40")).unwrap();
    let r = scaffold::new_year(root, None).unwrap();
    assert_eq!(
        r.written,
        [Path::new("content/programs/tokyo-nodai-renkei/2023.toml")]
    );
    assert!(r.skipped.iter().any(|(s, _)| s == "teiju-jiritsuken"));
    assert!(!root
        .join("content/programs/teiju-jiritsuken/2023.toml")
        .exists());
    let new = std::fs::read_to_string(root.join("content/programs/tokyo-nodai-renkei/2023.toml"))
        .unwrap();
    assert!(new.contains("target = 40 "), "{new}");
}

#[test]
fn new_year_refuses_a_year_that_is_not_the_next_and_writes_nothing() {
    let site = example();
    let root = site.path();
    let d = scaffold::new_year(root, Some(2025)).unwrap_err();
    assert_eq!(codes(&d), ["E126"]);
    let after = std::fs::read(root.join("content/site.toml")).unwrap();
    assert_eq!(
        after,
        std::fs::read(repo_root().join("content/site.toml")).unwrap()
    );
    assert!(!root
        .join("content/programs/teiju-jiritsuken/2023.toml")
        .exists());
}

fn new(slug: &str, policy: &str, direction: &str) -> NewProgram {
    NewProgram {
        slug: slug.into(),
        policy: policy.into(),
        direction: direction.into(),
        name: "空き家対策連携事業".into(),
        department: "常創戦略課".into(),
    }
}

#[test]
fn new_program_builds_and_shows_its_blank_fields() {
    let site = example();
    let root = site.path();
    let written =
        scaffold::new_program(root, &new("akiya-renkei", "renkei-jigyo", "koiki-gyosei")).unwrap();
    assert_eq!(
        written,
        [
            Path::new("content/programs/akiya-renkei/program.toml"),
            Path::new("content/programs/akiya-renkei/2021.toml")
        ]
    );
    let program = std::fs::read_to_string(root.join(&written[0])).unwrap();
    for key in [
        "name",
        "department",
        "purpose",
        "policy",
        "direction",
        "start_year",
        "[[budget_lines]]",
        "[[indicators]]",
        "# code",
        "# end_year",
    ] {
        assert!(program.contains(key), "{key}");
    }
    let (_t, out) = build_site(root);
    let page = text_of(&read(&out, "programs/akiya-renkei/index.html"));
    assert!(page.contains("空き家対策連携事業"));
    assert!(page.contains("未記入"));
    let policy = text_of(&read(&out, "policies/renkei-jigyo/index.html"));
    assert!(policy.contains("空き家対策連携事業"));
}

#[test]
fn new_program_checks_the_slug_policy_and_direction_and_never_overwrites() {
    let site = example();
    let root = site.path();
    let d = scaffold::new_program(root, &new("Akiya", "renkei-jigyo", "koiki-gyosei")).unwrap_err();
    assert_eq!(codes(&d), ["E011"]);
    let d = scaffold::new_program(root, &new("akiya", "renkei-jigy", "koiki-gyosei")).unwrap_err();
    assert_eq!(codes(&d), ["E030"]);
    assert!(d
        .iter()
        .next()
        .unwrap()
        .help
        .as_deref()
        .unwrap()
        .contains("`renkei-jigyo`"));
    let d = scaffold::new_program(root, &new("akiya", "renkei-jigyo", "koiki")).unwrap_err();
    assert_eq!(codes(&d), ["E031"]);
    let help = d.iter().next().unwrap().help.clone().unwrap();
    assert!(
        help.contains("koiki-gyosei") && help.contains("renkei-suishin"),
        "{help}"
    );
    let d = scaffold::new_program(
        root,
        &new("teiju-jiritsuken", "renkei-jigyo", "koiki-gyosei"),
    )
    .unwrap_err();
    assert_eq!(codes(&d), ["E123"]);
    assert!(!root.join("content/programs/akiya").exists());
    let mut blank = new("akiya", "renkei-jigyo", "koiki-gyosei");
    blank.department = "　".into();
    let d = scaffold::new_program(root, &blank).unwrap_err();
    assert_eq!(codes(&d), ["E091"]);
    assert!(!root.join("content/programs/akiya").exists());
}

#[test]
fn new_program_refuses_a_site_whose_form_has_plan_levels_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/form-jimu-jigyo");
    copy_dir(&src, root);
    let err = scaffold::new_program(root, &new("akiya-renkei", "kosodate", "x")).unwrap_err();
    let d = err.iter().next().unwrap();
    assert_eq!(d.code, "E127");
    assert!(d.message_ja.contains("計画の階層"), "{}", d.message_ja);
    assert!(!root.join("content/programs/akiya-renkei").exists());
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        if e.file_type().is_dir() {
            std::fs::create_dir_all(to.join(rel)).unwrap();
        } else {
            std::fs::copy(e.path(), to.join(rel)).unwrap();
        }
    }
}
