//! Which public SDK module holds each command and type.

use std::collections::{BTreeMap, BTreeSet};

use super::names::{is_snake, RESERVED_MODULES};
use super::types::collect_named;
use super::{Module, NamedType, Service, TypeKind, Webhook};
use crate::error::{Ctx, SpecError};
use crate::spec;

/// Names the crate root of the SDK already uses for its own modules.
const ROOT_MODULES: &[&str] = &[
    "bulk",
    "client",
    "command",
    "error",
    "generated",
    "limit",
    "mock",
    "paging",
    "redact",
    "usersig",
    "validate",
    "webhook",
    "wire",
    "groups",
];

/// Places every command in its SDK module (its `cli` group, else its
/// service) and every other named type in the first module that uses it
/// (then `webhooks`, else `types`).
pub(super) fn assign_modules(
    groups: &[spec::GroupDef],
    cctx: &Ctx,
    services: &mut [Service],
    hooks: &[Webhook],
    types: &mut BTreeMap<String, NamedType>,
) -> Result<Vec<Module>, SpecError> {
    let mut modules: Vec<Module> = Vec::new();
    let mut declared: BTreeSet<String> = BTreeSet::new();
    let check_name = |ctx: &Ctx, name: &str| -> Result<(), SpecError> {
        if RESERVED_MODULES.contains(&name) || ROOT_MODULES.contains(&name) {
            return Err(ctx.err(format!(
                "module name {name:?} is taken by the SDK (reserved: {RESERVED_MODULES:?}, {ROOT_MODULES:?})"
            )));
        }
        Ok(())
    };
    for g in groups {
        let gctx = cctx.at(format!("group {}", g.name));
        let module = g.name.replace('-', "_");
        if !is_snake(&module) || g.name.contains('_') {
            return Err(gctx.err("group name must be kebab-case"));
        }
        check_name(&gctx, &module)?;
        if !declared.insert(g.name.clone()) {
            return Err(gctx.err("duplicate group"));
        }
        if g.doc.trim().is_empty() {
            return Err(gctx.err("a group needs a `doc`"));
        }
        modules.push(Module {
            name: module,
            doc: g.doc.trim().to_owned(),
        });
    }
    let mut used: BTreeSet<String> = BTreeSet::new();
    for svc in services.iter_mut() {
        let mut own_module = false;
        for c in &mut svc.commands {
            match &c.cli {
                Some(cli) => {
                    if !declared.contains(&cli.group) {
                        return Err(Ctx::file(&svc.file)
                            .at(format!("command {}", c.command))
                            .at("cli")
                            .err(format!(
                                "group {:?} is not declared under `groups:` in common.yaml",
                                cli.group
                            )));
                    }
                    used.insert(cli.group.clone());
                    c.module = cli.group.replace('-', "_");
                }
                None => {
                    own_module = true;
                    c.module = svc.module.clone();
                }
            }
        }
        if own_module {
            let sctx = Ctx::file(&svc.file);
            check_name(&sctx, &svc.module)?;
            if modules.iter().any(|m| m.name == svc.module) {
                return Err(sctx.err(format!(
                    "commands without `cli` go to a module named after the service, and `{}` is also a group",
                    svc.module
                )));
            }
            modules.push(Module {
                name: svc.module.clone(),
                doc: svc.doc.clone(),
            });
        }
    }
    if let Some(g) = groups.iter().find(|g| !used.contains(&g.name)) {
        return Err(cctx
            .at(format!("group {}", g.name))
            .err("no command has this group"));
    }
    // command types live with their command; callbacks in `webhooks`
    let mut fixed: BTreeSet<String> = BTreeSet::new();
    let mut roots: Vec<(String, Vec<String>)> = modules
        .iter()
        .map(|m| (m.name.clone(), Vec::new()))
        .collect();
    for c in services.iter().flat_map(|s| &s.commands) {
        for n in [&c.type_name, &c.response_name] {
            if let Some(t) = types.get_mut(n) {
                t.module = c.module.clone();
            }
            fixed.insert(n.clone());
            if let Some(r) = roots.iter_mut().find(|r| r.0 == c.module) {
                r.1.push(n.clone());
            }
        }
    }
    let hooks: Vec<String> = hooks.iter().map(|w| w.type_name.clone()).collect();
    fixed.extend(hooks.iter().cloned());
    roots.push(("webhooks".to_owned(), hooks));
    let mut placed: BTreeSet<String> = fixed.clone();
    for (module, start) in roots {
        let mut stack = start;
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if !seen.insert(n.clone()) {
                continue;
            }
            let Some(t) = types.get_mut(&n) else { continue };
            if placed.insert(n.clone()) {
                t.module = module.clone();
            }
            if let TypeKind::Object(fields) = &t.kind {
                for f in fields {
                    collect_named(&f.ty, &mut stack);
                }
            }
        }
    }
    for t in types.values_mut() {
        if !placed.contains(&t.name) {
            t.module = "types".to_owned();
        }
    }
    Ok(modules)
}
