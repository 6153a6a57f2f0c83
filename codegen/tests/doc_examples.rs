//! The generated SDK docs are written for users: every request type carries a
//! compiled example (built from the command's documented sample request and
//! sent with its client method), and no maintainer text reaches rustdoc.
//!
//! The examples themselves compile as doctests of `trtc-room`; this test
//! checks that none is missing and prints the coverage figure.

use std::path::Path;

/// The doc comment lines right above `needle` in `text`.
fn doc_above(text: &str, needle: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|l| l.starts_with(needle))?;
    let mut doc = Vec::new();
    for l in lines[..at].iter().rev() {
        let t = l.trim_start();
        if let Some(d) = t.strip_prefix("///") {
            doc.push(d.to_owned());
        } else if !t.starts_with("#[") {
            break;
        }
    }
    doc.reverse();
    Some(doc.join("\n"))
}

#[test]
fn every_request_type_has_a_compiled_example() {
    let spec_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec");
    let spec = trtc_room_codegen::ir::load(&spec_dir).expect("the spec loads");
    let files = trtc_room_codegen::generate(&spec_dir).expect("the spec generates");
    let file = |module: &str| {
        let path = format!("sdk/src/generated/{module}.rs");
        files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path} is not generated"))
    };
    let mut missing = Vec::new();
    let mut total = 0;
    for c in spec.services.iter().flat_map(|s| &s.commands) {
        total += 1;
        let text = &file(&c.module).contents;
        let doc = doc_above(text, &format!("pub struct {} {{", c.type_name))
            .unwrap_or_else(|| panic!("{} is not in {}.rs", c.type_name, c.module));
        let ok = doc.contains("# Example")
            && doc.contains("```no_run")
            && doc.contains(&format!("let request = {}::new(", c.type_name))
            && doc.contains(&format!("client.{}(request).await?", c.method));
        if !ok {
            missing.push(format!("{} ({}/{})", c.type_name, c.service, c.command));
        }
    }
    // the figure for the docs' coverage: request types with an example
    eprintln!(
        "doc examples: {} of {total} request types",
        total - missing.len()
    );
    assert!(
        missing.is_empty(),
        "request types without a doc example (give the command a request sample): {missing:?}"
    );
}

#[test]
fn generated_docs_hold_no_maintainer_text() {
    let spec_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec");
    let files = trtc_room_codegen::generate(&spec_dir).expect("the spec generates");
    for f in files
        .iter()
        .filter(|f| f.path.starts_with("sdk/src/generated/"))
    {
        for (i, line) in f.contents.lines().enumerate() {
            let t = line.trim_start();
            if t.starts_with("///") || t.starts_with("//!") {
                let lower = t.to_lowercase();
                assert!(
                    !lower.contains("do not edit") && !lower.contains("cargo xtask"),
                    "{}:{}: maintainer text in rustdoc: {t}",
                    f.path,
                    i + 1
                );
            }
        }
    }
}
