//! The base: which git revision to compare with, and files as they were there.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The latest `v*` tag reachable from `HEAD`, else `HEAD`.
pub fn default_base(root: &Path) -> Result<String> {
    let out = git(
        root,
        &["describe", "--tags", "--abbrev=0", "--match", "v*", "HEAD"],
    )?;
    Ok(if out.status.success() {
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    } else {
        "HEAD".to_owned()
    })
}

/// `path` as it is at `rev`; `None` when it does not exist there. An unknown `rev` is an error.
pub fn show(root: &Path, rev: &str, path: &str) -> Result<Option<String>> {
    let commit = format!("{rev}^{{commit}}");
    let out = git(root, &["rev-parse", "--verify", "--quiet", &commit])?;
    if !out.status.success() {
        bail!(
            "`{rev}` is not a commit of the repository at {}",
            root.display()
        );
    }
    let object = format!("{rev}:{path}");
    if !git(root, &["cat-file", "-e", &object])?.status.success() {
        return Ok(None);
    }
    let out = git(root, &["show", &object])?;
    if !out.status.success() {
        bail!(
            "git show {object}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    String::from_utf8(out.stdout)
        .map(Some)
        .with_context(|| format!("{object} is not UTF-8"))
}

fn git(root: &Path, args: &[&str]) -> Result<std::process::Output> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .with_context(|| format!("cannot run git {}", args.join(" ")))
}
