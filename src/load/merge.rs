//! Helm's coalescing: user layers merged over each other, then over the chart defaults.
//!
//! Two different merges, as in Helm. Between user layers (`-f` files, the whole-object
//! `--set-json`) Helm's `mergeMaps`: maps merge key by key, anything else replaces. Over the
//! chart defaults Helm's `CoalesceValues`: the user wins, a user `null` deletes the default, lists
//! are never merged, and a map meeting a non-map is reported and resolved for the user. Where
//! Helm 3 and Helm 4 differ (a nested `null` over a `null` default), this follows Helm 3 and warns.

use super::node::{Map, Node, Value};
use crate::diag::Diagnostic;

/// Rule for a user value whose type differs from the chart default's map-ness (a warning).
pub const RULE_TYPE_CONFLICT: &str = "type-conflict";
/// Rule for a value that Helm 3 and Helm 4 coalesce differently (a warning).
pub const RULE_HELM_DIFFERENCE: &str = "helm-difference";

/// Merges one user layer over the layers before it (Helm's `mergeMaps`): where both sides are
/// maps they merge recursively; anything else in `src`, lists and null included, replaces.
pub fn merge_layers(dest: &mut Node, src: Node) {
    match (&mut dest.value, src.value) {
        (Value::Map(dest_map), Value::Map(src_map)) => {
            for (name, (key, node)) in src_map {
                match dest_map.get_mut(&name) {
                    Some(entry)
                        if matches!(entry.1.value, Value::Map(_))
                            && matches!(node.value, Value::Map(_)) =>
                    {
                        entry.0 = key;
                        merge_layers(&mut entry.1, node);
                    }
                    _ => {
                        dest_map.insert(name, (key, node));
                    }
                }
            }
        }
        (_, value) => {
            *dest = Node {
                value,
                location: src.location,
                plain: src.plain,
            };
        }
    }
}

/// Coalesces user values over the chart defaults (Helm's `CoalesceValues`). Keys come out in the
/// defaults' order, then keys only the user has; every node keeps the location it came from.
pub fn coalesce(defaults: &Node, user: Node) -> (Node, Vec<Diagnostic>) {
    coalesce_keeping(defaults, user, &|_| true)
}

/// [`coalesce`], leaving out the top-level sections the user did not write and `keep` refuses
/// (their defaults are not copied): for callers that read only some sections of the result.
pub fn coalesce_keeping(
    defaults: &Node,
    user: Node,
    keep: &dyn Fn(&str) -> bool,
) -> (Node, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let node = match (&defaults.value, user.value) {
        (Value::Map(d), Value::Map(u)) => Node {
            value: Value::Map(coalesce_map(d, u, "", Some(keep), &mut diags)),
            location: user.location,
            plain: None,
        },
        (_, value) => Node {
            value,
            location: user.location,
            plain: user.plain,
        },
    };
    (node, diags)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// `keep` is given at the root only: it selects Helm's `coalesceValues` (the root) rather than
/// `coalesceTablesFullKey` (below it), which differ in which type conflicts Helm reports, and
/// says which sections the user did not write are copied from the defaults.
fn coalesce_map(
    defaults: &Map,
    user: Map,
    path: &str,
    keep: Option<&dyn Fn(&str) -> bool>,
    diags: &mut Vec<Diagnostic>,
) -> Map {
    let top = keep.is_some();
    // Where each default's key is in the user map, looked up before the map is taken apart.
    let index: Vec<Option<usize>> = defaults.keys().map(|k| user.get_index_of(k)).collect();
    let mut entries: Vec<Option<_>> = user.into_iter().map(Some).collect();
    let mut out =
        Map::with_capacity_and_hasher(defaults.len().max(entries.len()), Default::default());
    for ((name, (dkey, dnode)), at) in defaults.iter().zip(index) {
        let taken = at.and_then(|i| entries[i].take());
        let Some((_, (ukey, unode))) = taken else {
            if keep.is_none_or(|keep| keep(name)) {
                out.insert(name.clone(), (dkey.clone(), dnode.clone()));
            }
            continue;
        };
        let full = join(path, name);
        if matches!(unode.value, Value::Null) {
            if !top && matches!(dnode.value, Value::Null) {
                diags.push(
                    Diagnostic::warning(
                        unode.location.clone(),
                        RULE_HELM_DIFFERENCE,
                        "null over a null chart default: Helm 3 drops the key, Helm 4 keeps it as null",
                    )
                    .with_path(full)
                    .with_hint("remove the line; the result is then the same in both"),
                );
            }
            continue;
        }
        let unode = match (&dnode.value, unode.value) {
            (Value::Map(dmap), Value::Map(umap)) => Node {
                value: Value::Map(coalesce_map(dmap, umap, &full, None, diags)),
                location: unode.location,
                plain: None,
            },
            (dvalue, value) => {
                let unode = Node {
                    value,
                    location: unode.location,
                    plain: unode.plain,
                };
                if let Some(diag) = conflict(dnode, dvalue, &unode, &full, top) {
                    diags.push(diag);
                }
                unode
            }
        };
        out.insert(name.clone(), (ukey, unode));
    }
    for (name, entry) in entries.into_iter().flatten() {
        out.insert(name, entry);
    }
    out
}

/// The warning for a user value that is a map where the default is not, or the reverse.
/// Helm says nothing when the default is null, nor (at the top level) for a non-map over a map;
/// this still warns in the latter case, since the chart's templates expect a map there.
fn conflict(
    dnode: &Node,
    dvalue: &Value,
    unode: &Node,
    full: &str,
    top: bool,
) -> Option<Diagnostic> {
    let user_map = matches!(unode.value, Value::Map(_));
    let default_map = matches!(dvalue, Value::Map(_));
    if user_map == default_map || matches!(dvalue, Value::Null) {
        return None;
    }
    let shown = compact(dnode);
    let message = match (user_map, top) {
        (true, true) => format!(
            "skipped value for {full}: Not a table. (the chart default is a {} {shown}; this map replaces it)",
            dnode.type_name()
        ),
        (true, false) => format!(
            "destination for {full} is a table. Ignoring non-table value ({shown}): this map replaces the chart default"
        ),
        (false, false) => format!(
            "cannot overwrite table with non table for {full} ({shown}): this {} replaces the chart default map",
            unode.type_name()
        ),
        (false, true) => format!(
            "this {} replaces the chart default map {shown} (Helm does so without a warning)",
            unode.type_name()
        ),
    };
    Some(
        Diagnostic::warning(unode.location.clone(), RULE_TYPE_CONFLICT, message)
            .with_path(full.to_string())
            .with_hint(format!(
                "the chart's default here is a {}",
                dnode.type_name()
            )),
    )
}

/// The default as short JSON for messages.
fn compact(node: &Node) -> String {
    let text = node.to_json().to_string();
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text
    }
}
