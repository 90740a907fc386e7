//! Strict Semantic Versioning 2.0.0, as Helm 4's lint (`semver.StrictNewVersion`) demands for
//! Chart.yaml `version`: `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`, no `v` prefix, no leading zeros.

/// Why `text` is not a strict SemVer 2.0.0 version, or `None` when it is one.
pub(crate) fn semver_problem(text: &str) -> Option<&'static str> {
    let (rest, build) = match text.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (text, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    if numbers.len() != 3 {
        return Some("expected MAJOR.MINOR.PATCH, three numbers separated by dots");
    }
    if !numbers.iter().all(|n| is_numeric_identifier(n)) {
        return Some("MAJOR, MINOR and PATCH must be numbers without leading zeros");
    }
    if let Some(pre) = pre {
        let ok = pre.split('.').all(|id| {
            is_alphanumeric_identifier(id)
                && (!id.bytes().all(|b| b.is_ascii_digit()) || is_numeric_identifier(id))
        });
        if !ok {
            return Some("the pre-release part must be dot-separated [0-9A-Za-z-] identifiers, numbers without leading zeros");
        }
    }
    if let Some(build) = build {
        if !build.split('.').all(is_alphanumeric_identifier) {
            return Some("the build part must be dot-separated [0-9A-Za-z-] identifiers");
        }
    }
    None
}

fn is_numeric_identifier(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && (id == "0" || !id.starts_with('0'))
}

fn is_alphanumeric_identifier(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::semver_problem;

    #[test]
    fn accepts_strict_versions() {
        for v in [
            "1.5.0",
            "0.0.1",
            "10.20.30",
            "1.5.0-beta25",
            "1.0.0-rc.1+build.5",
            "1.0.0-0",
            "1.0.0-x-y.0a",
        ] {
            assert_eq!(semver_problem(v), None, "{v}");
        }
    }

    #[test]
    fn refuses_loose_versions() {
        for v in [
            "1.5",
            "v1.5.0",
            "01.5.0",
            "1.5.0-",
            "1.5.0-01",
            "1.5.0+",
            "1.5.0-a..b",
            "1.5.0 ",
            "",
            "1.5.x",
        ] {
            assert!(semver_problem(v).is_some(), "{v:?} should be refused");
        }
    }
}
