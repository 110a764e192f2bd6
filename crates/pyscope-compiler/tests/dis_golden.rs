//! Golden tests: every `tests/dis/NAME.py` must compile to exactly the bytecode listing
//! (`NAME.dis`, from `python3 -m dis`) and the instruction positions (`NAME.positions`) that
//! CPython 3.11 produces; `tests/dis/regen.sh` regenerates the goldens.

use std::fs;
use std::path::{Path, PathBuf};

use pyscope_compiler::{Mode, compile, dis};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/dis")
}

/// The test programs, sorted by name.
fn programs() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(golden_dir())
        .expect("tests/dis exists")
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    out.sort();
    out
}

/// Replaces every `0x` followed by hex digits with `0x…`, as `regen.sh` does with sed.
fn normalize_addresses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("0x") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let digits = after
            .find(|c: char| !matches!(c, '0'..='9' | 'a'..='f'))
            .unwrap_or(after.len());
        if digits == 0 {
            out.push_str("0x");
        } else {
            out.push_str("0x…");
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// A line diff (longest common subsequence) showing only changed lines with a little context.
fn line_diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut rows: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            rows.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            rows.push(('-', a[i]));
            i += 1;
        } else {
            rows.push(('+', b[j]));
            j += 1;
        }
    }
    let near_change = |k: usize| {
        rows[k.saturating_sub(2)..(k + 3).min(rows.len())]
            .iter()
            .any(|r| r.0 != ' ')
    };
    let mut out = String::from("--- CPython 3.11\n+++ pyscope\n");
    let mut skipped = false;
    for (k, (tag, line)) in rows.iter().enumerate() {
        if near_change(k) {
            out.push_str(&format!("{tag} {line}\n"));
            skipped = false;
        } else if !skipped {
            out.push_str("  ...\n");
            skipped = true;
        }
    }
    out
}

/// Compiles one program and returns its mismatches against the goldens.
fn check(path: &Path) -> Vec<String> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .expect("utf-8 name");
    let source = fs::read_to_string(path).expect("readable program");
    let code = match compile(&source, name, Mode::Exec) {
        Ok(code) => code,
        Err(e) => return vec![format!("{name}: does not compile: {}", e.message)],
    };
    let mut failures = Vec::new();
    let goldens = [
        ("dis", dis::disassemble(&code)),
        ("positions", dis::positions(&code)),
    ];
    for (ext, actual) in goldens {
        let golden = path.with_extension(ext);
        let expected = fs::read_to_string(&golden)
            .unwrap_or_else(|_| panic!("missing {}; run tests/dis/regen.sh", golden.display()));
        let actual = normalize_addresses(&actual);
        if actual != expected {
            failures.push(format!(
                "{name} ({ext}):\n{}",
                line_diff(&expected, &actual)
            ));
        }
    }
    failures
}

#[test]
fn every_program_matches_cpython() {
    let programs = programs();
    assert!(!programs.is_empty(), "no programs in tests/dis");
    let failures: Vec<String> = programs.iter().flat_map(|p| check(p)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} golden checks differ:\n\n{}",
        failures.len(),
        programs.len() * 2,
        failures.join("\n")
    );
}

#[test]
fn addresses_are_normalized_like_sed() {
    assert_eq!(
        normalize_addresses("<code object f at 0x7f3a, file \"a.py\"> 0x 0xg"),
        "<code object f at 0x…, file \"a.py\"> 0x 0xg"
    );
}

#[test]
fn diffs_show_changed_lines() {
    let d = line_diff("a\nb\nc\n", "a\nx\nc\n");
    assert!(d.contains("- b") && d.contains("+ x"), "{d}");
}
