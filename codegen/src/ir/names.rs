//! Rules for the names the spec declares, and the Rust names the generator
//! derives from them: each generated type and client method is claimed once,
//! so a clash is reported with both places.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};
use indexmap::IndexMap;

use super::read::SpecFiles;
use crate::error::{Ctx, SpecError};
use crate::spec::TypeDef;

pub(super) const RESERVED_MODULES: &[&str] = &[
    "types",
    "errors",
    "regions",
    "webhooks",
    "client",
    "catalog",
    "wire_tests",
    "schemas",
    "bodies",
    "prelude",
    "prop_tests",
    "groups",
    "mod",
];

pub(super) const RESERVED_FIELDS: &[&str] = &["extra", "new", "validate", "validate_at"];

pub(super) fn is_wire_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub(super) fn is_upper_camel(s: &str) -> bool {
    !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
        && s.to_upper_camel_case() == s
}

pub(super) fn is_snake(s: &str) -> bool {
    !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s.to_snake_case() == s
}

/// A named type as declared, with the module of the file declaring it.
pub(super) struct RawType<'a> {
    pub def: &'a TypeDef,
    pub module: String,
    pub ctx: Ctx,
}

/// The Rust names of a command: `(request type, client method)`, with the
/// service's `rust_prefix` (`Live`: `LiveCreateRoom`, `live_create_room`).
pub(super) fn command_names(rust_prefix: Option<&str>, command: &str) -> (String, String) {
    match rust_prefix {
        Some(p) => (
            format!("{p}{}", command.to_upper_camel_case()),
            format!("{}_{command}", p.to_snake_case()),
        ),
        None => (command.to_upper_camel_case(), command.to_owned()),
    }
}

/// Claims every Rust name the spec produces (named types, request and
/// answer types, client methods, callback types), each once, and returns
/// the named types as declared.
pub(super) fn claim_names(files: &SpecFiles) -> Result<BTreeMap<String, RawType<'_>>, SpecError> {
    let mut taken: BTreeMap<String, String> = BTreeMap::new(); // rust type name -> where
    let raw_types = claim_type_names(files, &mut taken)?;
    claim_command_names(files, &mut taken)?;
    claim_webhook_names(files, &mut taken)?;
    Ok(raw_types)
}

fn claim_type_names<'a>(
    files: &'a SpecFiles,
    taken: &mut BTreeMap<String, String>,
) -> Result<BTreeMap<String, RawType<'a>>, SpecError> {
    let mut raw_types = BTreeMap::new();
    let mut all_type_maps: Vec<(&IndexMap<String, TypeDef>, String, String)> = Vec::new();
    all_type_maps.push((
        &files.common.types,
        "types".to_owned(),
        files.common_file.clone(),
    ));
    for (display, _, f) in &files.services {
        all_type_maps.push((&f.types, f.servicename.clone(), display.clone()));
    }
    all_type_maps.push((
        &files.webhooks.types,
        "webhooks".to_owned(),
        files.webhooks_file.clone(),
    ));
    for (map, module, file) in &all_type_maps {
        for (name, def) in map.iter() {
            let ctx = Ctx::file(file).at(format!("type {name}"));
            if !is_upper_camel(name) {
                return Err(ctx.err("type name must be UpperCamelCase"));
            }
            if let Some(prev) = taken.get(name) {
                return Err(ctx.err(format!("duplicate type name (also {prev})")));
            }
            taken.insert(name.clone(), format!("type {name} in {file}"));
            raw_types.insert(
                name.clone(),
                RawType {
                    def,
                    module: module.clone(),
                    ctx,
                },
            );
        }
    }
    Ok(raw_types)
}

fn claim_command_names(
    files: &SpecFiles,
    taken: &mut BTreeMap<String, String>,
) -> Result<(), SpecError> {
    let mut service_names = BTreeSet::new();
    let mut methods: BTreeMap<String, String> = BTreeMap::new();
    for (display, file_name, f) in &files.services {
        let ctx = Ctx::file(display);
        if !is_snake(&f.servicename) || RESERVED_MODULES.contains(&f.servicename.as_str()) {
            return Err(ctx.err(format!(
                "servicename {:?} must be snake_case and not one of {RESERVED_MODULES:?}",
                f.servicename
            )));
        }
        let stem = file_name.trim_end_matches(".yaml").trim_end_matches(".yml");
        if stem != f.servicename {
            return Err(ctx.err(format!(
                "file name must be the servicename: expected services/{}.yaml",
                f.servicename
            )));
        }
        if !service_names.insert(f.servicename.clone()) {
            return Err(ctx.err("duplicate servicename"));
        }
        if let Some(p) = &f.rust_prefix {
            if !is_upper_camel(p) {
                return Err(ctx
                    .at("rust_prefix")
                    .err(format!("{p:?} must be UpperCamelCase")));
            }
        }
        let mut cmds = BTreeSet::new();
        for c in &f.commands {
            let cctx = ctx.at(format!("command {}", c.command));
            if !is_snake(&c.command) {
                return Err(cctx.err("command name must be snake_case"));
            }
            if !cmds.insert(c.command.clone()) {
                return Err(cctx.err("duplicate command"));
            }
            let (t, method) = command_names(f.rust_prefix.as_deref(), &c.command);
            let mut claim = |name: String, what: String| {
                if let Some(prev) = methods.get(&name) {
                    return Err(cctx.err(format!("client method {name} clashes with {prev}")));
                }
                methods.insert(name, what);
                Ok(())
            };
            claim(
                method.clone(),
                format!("command {} in {display}", c.command),
            )?;
            if c.paging.is_some() {
                for suffix in ["all", "pages"] {
                    claim(
                        format!("{method}_{suffix}"),
                        format!("the paging method of command {} in {display}", c.command),
                    )
                    .map_err(|e| SpecError {
                        place: cctx.at("paging").place,
                        ..e
                    })?;
                }
            }
            for n in [t.clone(), format!("{t}Response")] {
                if let Some(prev) = taken.get(&n) {
                    return Err(cctx.err(format!("generated type name {n} clashes with {prev}")));
                }
                taken.insert(n, format!("command {} in {display}", c.command));
            }
        }
    }
    Ok(())
}

fn claim_webhook_names(
    files: &SpecFiles,
    taken: &mut BTreeMap<String, String>,
) -> Result<(), SpecError> {
    let mut webhook_keys = BTreeSet::new();
    for w in &files.webhooks.webhooks {
        let ctx = Ctx::file(&files.webhooks_file).at(format!("command {}", w.command));
        if !is_upper_camel(&w.name) || w.name == "Unknown" {
            return Err(ctx.err(format!(
                "name {:?} must be UpperCamelCase and not `Unknown`",
                w.name
            )));
        }
        if w.command.trim().is_empty() {
            return Err(ctx.err("empty command"));
        }
        for key in std::iter::once(&w.command).chain(&w.aliases) {
            if !webhook_keys.insert(key.clone()) {
                return Err(ctx.err(format!("duplicate callback command or alias {key:?}")));
            }
        }
        let mut generated = vec![format!("Callback{}", w.name)];
        if w.decision.is_some() {
            generated.push(format!("{}Decision", w.name));
        }
        for n in generated {
            if let Some(prev) = taken.get(&n) {
                return Err(ctx.err(format!("generated type name {n} clashes with {prev}")));
            }
            taken.insert(n, format!("webhook {}", w.command));
        }
    }
    Ok(())
}
