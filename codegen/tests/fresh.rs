//! `sdk/src/generated/` and the published description (`api-spec/openapi.json`,
//! `api-spec/catalog.json`, `api-spec/schema/`) are what the generator produces
//! from `api-spec/` today.

use std::path::Path;

#[test]
fn generated_code_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let files = trtc_room_codegen::generate(&root.join("api-spec"))
        .unwrap_or_else(|e| panic!("the spec does not generate: {e}"));
    let drift = trtc_room_codegen::drift(&root, &files).expect("read sdk/src/generated");
    let mut lines: Vec<String> = drift.stale.iter().map(|f| format!("stale: {f}")).collect();
    lines.extend(drift.orphans.iter().map(|f| format!("orphan: {f}")));
    assert!(
        drift.is_clean(),
        "{}\nrun `cargo xtask codegen` and commit",
        lines.join("\n")
    );
}

#[test]
fn generation_is_deterministic() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec");
    let a = trtc_room_codegen::generate(&spec).expect("generates");
    let b = trtc_room_codegen::generate(&spec).expect("generates");
    assert_eq!(a, b);
    for f in a.iter().filter(|f| f.path.ends_with(".rs")) {
        assert!(
            f.contents.starts_with(trtc_room_codegen::HEADER),
            "{}",
            f.path
        );
    }
}
