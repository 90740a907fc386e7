//! The `--set*` parser, every flag kind, on top of a small existing tree.
//!
//! The first byte picks the flag kind; the rest is the argument. An error must point inside the
//! argument, and the tree must stay a map whatever happens.
#![no_main]

use gloo_chart::load::strvals::{apply_with, SetKind};
use gloo_chart::load::{yaml, Limits, Value};
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

const BASE: &[u8] = b"a: {b: [1, {c: 2}]}\nl: [x, y]\ns: text\n";

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(arg) = std::str::from_utf8(rest) else {
        return;
    };
    let kind = match selector % 5 {
        0 => SetKind::Set,
        1 => SetKind::String,
        2 => SetKind::Json,
        3 => SetKind::Literal,
        // `--set-file` reads files: only arguments naming nothing readable are interesting, and
        // a fuzzer must not read arbitrary paths, so it gets a limit of zero bytes.
        _ => SetKind::File,
    };
    let limits = if kind == SetKind::File {
        Limits {
            max_file_bytes: 0,
            ..Limits::default()
        }
    } else {
        Limits::default()
    };
    let (base, _) = yaml::parse_values(Arc::from("base.yaml"), BASE, &Limits::default());
    let Some(mut root) = base else {
        return;
    };
    match apply_with(kind, arg, &mut root, &limits) {
        Ok(warnings) => assert!(warnings.iter().all(|d| d.location.line >= 1)),
        Err(d) => {
            assert!(d.location.line >= 1 && d.location.col >= 1, "{d}");
        }
    }
    assert!(matches!(root.value, Value::Map(_)));
    let _ = root.to_json();
});
