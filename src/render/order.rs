//! Splitting rendered template text into documents and ordering them as `helm template` prints
//! them: custom resource definitions first, then ordinary resources by Helm's install order of
//! kinds, then hooks by the same order. Sorting is stable, so documents of one kind keep the
//! order of their template file names (byte order) and of their place in the file.

/// Helm's `releaseutil.InstallOrder`; kinds not listed come after these, alphabetically.
const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Splits rendered text into trimmed documents the way Helm's `SplitManifests` does: a line
/// starting with `---` separates documents; empty documents are dropped, comment-only ones kept.
pub fn split_documents(text: &str) -> Vec<String> {
    let mut docs = Vec::new();
    // Start of the current document, and of the line being looked at.
    let mut start = 0;
    let mut line = 0;
    loop {
        if text[line..].starts_with("---") {
            push_doc(&mut docs, &text[start..line]);
            start = line + 3;
        }
        match text[line..].find('\n') {
            Some(end) => line += end + 1,
            None => break,
        }
    }
    push_doc(&mut docs, &text[start..]);
    docs
}

fn push_doc(docs: &mut Vec<String>, text: &str) {
    let trimmed = text.trim();
    if !trimmed.is_empty() {
        docs.push(trimmed.to_string());
    }
}

/// Position of a kind in the install order; unknown kinds sort after every known one and
/// among themselves alphabetically.
fn kind_rank(kind: &str) -> (usize, &str) {
    match INSTALL_ORDER.iter().position(|k| *k == kind) {
        Some(i) => (i, ""),
        None => (INSTALL_ORDER.len(), kind),
    }
}

/// Stable sort of `(kind, item)` pairs by install order.
pub fn sort_by_kind<T>(items: &mut [(String, T)]) {
    items.sort_by(|a, b| kind_rank(&a.0).cmp(&kind_rank(&b.0)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_separator_lines_and_drops_empty_documents() {
        let docs = split_documents("\n---\na: 1\n---\n\n---\n# only a comment\n---\nb: 2\n");
        assert_eq!(docs, vec!["a: 1", "# only a comment", "b: 2"]);
    }

    #[test]
    fn text_after_a_separator_starts_the_next_document() {
        // Only `---` at the start of a line separates; what follows it on that line belongs to
        // the next document; the last line needs no newline.
        let docs = split_documents("---a: 1\nb: x---y\n  ---\n--- # c\nc: 2");
        assert_eq!(docs, vec!["a: 1\nb: x---y\n  ---", "# c\nc: 2"]);
        assert_eq!(split_documents("---"), Vec::<String>::new());
        assert_eq!(split_documents("a\r\n---\r\nb\r\n"), vec!["a", "b"]);
    }

    #[test]
    fn unknown_kinds_sort_last_alphabetically_and_stably() {
        let mut items: Vec<(String, u32)> = vec![
            ("Settings".into(), 1),
            ("Deployment".into(), 2),
            ("".into(), 3),
            ("ServiceAccount".into(), 4),
            ("Deployment".into(), 5),
        ];
        sort_by_kind(&mut items);
        let order: Vec<u32> = items.iter().map(|i| i.1).collect();
        assert_eq!(order, vec![4, 2, 5, 3, 1]);
    }
}
