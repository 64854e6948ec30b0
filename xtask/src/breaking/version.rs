//! The sdk's version on each side, and whether the step between them allows breaking changes.

use anyhow::{Context, Result, anyhow};
use semver::Version;
use toml_edit::{DocumentMut, Item};

/// The root manifest, which holds `[workspace.package] version`.
pub const ROOT_MANIFEST: &str = "Cargo.toml";
/// The sdk's manifest; its `version` is usually `version.workspace = true`.
pub const SDK_MANIFEST: &str = "sdk/Cargo.toml";

/// The sdk's version from the root manifest and, when there is one, the sdk's own manifest.
pub fn sdk_version(root_manifest: &str, sdk_manifest: Option<&str>) -> Result<Version> {
    if let Some(sdk) = sdk_manifest {
        let doc: DocumentMut = sdk
            .parse()
            .with_context(|| format!("{SDK_MANIFEST}: not TOML"))?;
        if let Some(literal) = doc
            .get("package")
            .and_then(|p| p.get("version"))
            .and_then(Item::as_str)
        {
            return parse(literal, SDK_MANIFEST);
        }
    }
    let doc: DocumentMut = root_manifest
        .parse()
        .with_context(|| format!("{ROOT_MANIFEST}: not TOML"))?;
    let literal = doc
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("version"))
        .and_then(Item::as_str)
        .ok_or_else(|| anyhow!("{ROOT_MANIFEST}: no `[workspace.package] version`"))?;
    parse(literal, ROOT_MANIFEST)
}

fn parse(literal: &str, file: &str) -> Result<Version> {
    Version::parse(literal).with_context(|| format!("{file}: version `{literal}` is not semver"))
}

/// Whether going from `base` to `head` is a major step in Cargo's sense: the leftmost non-zero
/// component grows (so for 0.x a minor bump counts as major, and for 0.0.x a patch bump).
pub fn is_major_bump(base: &Version, head: &Version) -> bool {
    if head <= base {
        return false;
    }
    match (base.major, base.minor) {
        (0, 0) => head.major > 0 || head.minor > 0 || head.patch > base.patch,
        (0, _) => head.major > 0 || head.minor > base.minor,
        _ => head.major > base.major,
    }
}

/// The smallest version after `base` that allows breaking changes.
pub fn next_major(base: &Version) -> Version {
    match (base.major, base.minor) {
        (0, 0) => Version::new(0, 0, base.patch + 1),
        (0, minor) => Version::new(0, minor + 1, 0),
        (major, _) => Version::new(major + 1, 0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn zero_x_minor_bump_is_major() {
        assert!(is_major_bump(&v("0.1.0"), &v("0.2.0")));
        assert!(is_major_bump(&v("0.1.3"), &v("1.0.0")));
        assert!(!is_major_bump(&v("0.1.0"), &v("0.1.1")));
        assert!(!is_major_bump(&v("0.1.0"), &v("0.1.0")));
    }

    #[test]
    fn one_x_needs_the_major_number() {
        assert!(is_major_bump(&v("1.4.2"), &v("2.0.0")));
        assert!(!is_major_bump(&v("1.4.2"), &v("1.5.0")));
        assert!(!is_major_bump(&v("2.0.0"), &v("1.9.9")));
    }

    #[test]
    fn zero_zero_x_patch_bump_is_major() {
        assert!(is_major_bump(&v("0.0.3"), &v("0.0.4")));
        assert_eq!(next_major(&v("0.0.3")), v("0.0.4"));
        assert_eq!(next_major(&v("0.1.7")), v("0.2.0"));
        assert_eq!(next_major(&v("1.2.3")), v("2.0.0"));
    }

    #[test]
    fn reads_the_workspace_version_or_the_sdk_literal() {
        let root = "[workspace]\nmembers = [\"sdk\"]\n\n[workspace.package]\nversion = \"0.3.1\"\n";
        let inherits = "[package]\nname = \"theopenmoney\"\nversion.workspace = true\n";
        let literal = "[package]\nname = \"theopenmoney\"\nversion = \"1.2.0\"\n";
        assert_eq!(sdk_version(root, Some(inherits)).unwrap(), v("0.3.1"));
        assert_eq!(sdk_version(root, None).unwrap(), v("0.3.1"));
        assert_eq!(sdk_version(root, Some(literal)).unwrap(), v("1.2.0"));
        let err = sdk_version("[workspace]\n", None).unwrap_err().to_string();
        assert_eq!(err, "Cargo.toml: no `[workspace.package] version`");
    }
}
