//! IR -> the command table of the `trtc-room` command-line tool
//! (`cli/src/generated/commands.rs`).
//!
//! Every command becomes one table entry: its place in the tool
//! (`trtc-room <group> <name>`, from the command's `cli:` key or else the
//! servicename and command in kebab-case), its docs, and one flag per request
//! field. The tool builds its clap definitions from the table at start-up,
//! so a command added to the spec gets its subcommand with no code change.
//!
//! Fields become flags like this:
//! - strings, accounts, booleans, integers, enums: one flag, named after the
//!   wire name in kebab-case (`Member_Account` -> `--member-account`);
//! - a nested object: its fields, flattened (a flag name taken twice gets the
//!   parent's name as prefix);
//! - a list of those: a repeatable flag;
//! - a list of objects with a single field: a repeatable flag for that field;
//! - anything else (`json`, lists of larger objects): a flag taking JSON.
//!
//! A flag is required when the field and every object above it are.

use std::collections::BTreeSet;

use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::ident;
use crate::error::{Ctx, SpecError};
use crate::ir::{Command, Field, Spec, Ty, TypeKind};
use crate::spec::{EnumKind, WireValue};

/// Folder (relative to the repository root) the tool's generated code lives in.
pub const DIR: &str = "cli/src/generated";

/// Top-level names the tool uses itself: no group may take them.
const RESERVED_GROUPS: &[&str] = &[
    "help",
    "usersig",
    "webhook",
    "emulator",
    "completions",
    "call",
    "config",
];

/// Flags every subcommand has (global flags and per-command extras): no
/// field flag may take them.
const RESERVED_FLAGS: &[&str] = &[
    "help",
    "json",
    "all",
    "dry-run",
    "output",
    "verbose",
    "profile",
    "config",
    "sdk-app-id",
    "admin",
    "region",
    "base-url",
    "secret-key-file",
    "timeout",
];

/// Deepest object nesting flattened into flags.
const MAX_DEPTH: usize = 4;

/// The files of the tool's generated folder: `(file name, tokens)`.
pub fn files(spec: &Spec) -> Result<Vec<(String, TokenStream)>, SpecError> {
    Ok(vec![("commands.rs".to_owned(), commands_rs(spec)?)])
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// `(group, name)` of a command in the tool.
fn place(cmd: &Command) -> (String, String) {
    match &cmd.cli {
        Some(c) => (c.group.clone(), c.name.clone()),
        None => (cmd.service.to_kebab_case(), cmd.command.to_kebab_case()),
    }
}

fn commands_rs(spec: &Spec) -> Result<TokenStream, SpecError> {
    let mut seen = BTreeSet::new();
    let mut entries = Vec::new();
    for svc in &spec.services {
        for cmd in &svc.commands {
            let ctx = Ctx::file(&svc.file).at(format!("command {}", cmd.command));
            let (group, name) = place(cmd);
            for (what, v) in [("group", &group), ("name", &name)] {
                if !is_kebab(v) {
                    return Err(ctx
                        .at("cli")
                        .err(format!("{what} {v:?} must be kebab-case")));
                }
            }
            if RESERVED_GROUPS.contains(&group.as_str()) {
                return Err(ctx.at("cli").err(format!(
                    "group {group:?} is a built-in command of the tool (reserved: {RESERVED_GROUPS:?})"
                )));
            }
            if !seen.insert((group.clone(), name.clone())) {
                return Err(ctx.at("cli").err(format!(
                    "`trtc-room {group} {name}` is taken by another command"
                )));
            }
            entries.push(entry(spec, cmd.module.as_str(), cmd, &group, &name, &ctx)?);
        }
    }
    let webhooks: Vec<&str> = spec.webhooks.iter().map(|w| w.command.as_str()).collect();
    Ok(quote! {
        //! The command table of the `trtc-room` tool: one entry per command of
        //! the spec, with its flags.
        use crate::table::{Choice, Entry, Flag, Kind};
        /// Every command of the spec, in spec order.
        pub static COMMANDS: &[Entry] = &[ #(#entries),* ];
        /// The callback commands of the spec (for `webhook sign`).
        pub static WEBHOOKS: &[&str] = &[ #(#webhooks),* ];
    })
}

fn entry(
    spec: &Spec,
    module: &str,
    cmd: &Command,
    group: &str,
    name: &str,
    ctx: &Ctx,
) -> Result<TokenStream, SpecError> {
    let fields = match spec.types.get(&cmd.type_name).map(|t| &t.kind) {
        Some(TypeKind::Object(fields)) => fields.clone(),
        _ => Vec::new(),
    };
    let mut flags = Vec::new();
    collect_flags(spec, &fields, &[], "", true, 0, &mut flags, ctx)?;
    let flags: Vec<TokenStream> = flags.iter().map(FlagDef::tokens).collect();
    let summary = &cmd.summary;
    let doc = cmd.doc.clone().unwrap_or_default();
    let urls = &cmd.doc_urls;
    let m = ident(module);
    let ty = ident(&cmd.type_name);
    let path = quote! { trtc_room::#m::#ty };
    let table = table_field(spec, cmd);
    let table = match table {
        Some(t) => quote! { Some(#t) },
        None => quote! { None },
    };
    let send_all = if cmd.paging.is_some() {
        quote! { Some(crate::exec::send_all::<#path>) }
    } else {
        quote! { None }
    };
    Ok(quote! {
        Entry {
            group: #group,
            name: #name,
            summary: #summary,
            doc: #doc,
            doc_urls: &[ #(#urls),* ],
            info: <#path as trtc_room::Command>::INFO,
            flags: &[ #(#flags),* ],
            table: #table,
            send: crate::exec::send::<#path>,
            send_all: #send_all,
        }
    })
}

/// The response list shown by `--output table`: the paged items, else the
/// first list of objects in the response.
fn table_field(spec: &Spec, cmd: &Command) -> Option<String> {
    if let Some(p) = &cmd.paging {
        return Some(p.items.wire.clone());
    }
    let Some(TypeKind::Object(fields)) = spec.types.get(&cmd.response_name).map(|t| &t.kind) else {
        return None;
    };
    fields
        .iter()
        .find(|f| matches!(&f.ty, Ty::List(i) if object_fields(spec, i).is_some()))
        .map(|f| f.wire.clone())
}

fn object_fields<'a>(spec: &'a Spec, ty: &Ty) -> Option<&'a [Field]> {
    match ty {
        Ty::Named(n) => match spec.types.get(n).map(|t| &t.kind) {
            Some(TypeKind::Object(f)) => Some(f),
            _ => None,
        },
        _ => None,
    }
}

/// What a flag's values are.
enum FlagKind {
    String,
    Bool,
    Int,
    Json,
    Enum {
        integer: bool,
        choices: Vec<(String, String, String)>, // (value, wire, help)
    },
}

struct FlagDef {
    long: String,
    path: Vec<String>,
    kind: FlagKind,
    required: bool,
    list: bool,
    wrap: Option<String>,
    help: String,
}

impl FlagDef {
    fn tokens(&self) -> TokenStream {
        let FlagDef {
            long,
            path,
            required,
            list,
            help,
            ..
        } = self;
        let kind = match &self.kind {
            FlagKind::String => quote! { Kind::String },
            FlagKind::Bool => quote! { Kind::Bool },
            FlagKind::Int => quote! { Kind::Int },
            FlagKind::Json => quote! { Kind::Json },
            FlagKind::Enum { integer, choices } => {
                let c = choices.iter().map(|(value, wire, help)| {
                    quote! { Choice { value: #value, wire: #wire, help: #help } }
                });
                quote! { Kind::Enum { integer: #integer, choices: &[ #(#c),* ] } }
            }
        };
        let wrap = match &self.wrap {
            Some(w) => quote! { Some(#w) },
            None => quote! { None },
        };
        quote! {
            Flag {
                long: #long,
                path: &[ #(#path),* ],
                kind: #kind,
                required: #required,
                list: #list,
                wrap: #wrap,
                help: #help,
            }
        }
    }
}

/// Scalar kind of a (non-list) type, or `None` for objects.
fn scalar_kind(spec: &Spec, ty: &Ty) -> Option<FlagKind> {
    Some(match ty {
        Ty::String | Ty::Account => FlagKind::String,
        Ty::Bool | Ty::FlexBool => FlagKind::Bool,
        Ty::I32 | Ty::U32 | Ty::I64 | Ty::U64 => FlagKind::Int,
        Ty::Json => FlagKind::Json,
        Ty::List(_) => return None,
        Ty::Named(n) => match spec.types.get(n).map(|t| &t.kind) {
            Some(TypeKind::Enum(kind, values)) => FlagKind::Enum {
                integer: *kind == EnumKind::Integer,
                // Values the service only reports are never offered: a
                // request with one is refused before it is sent.
                choices: values
                    .iter()
                    .filter(|v| !v.response_only)
                    .map(|v| match &v.wire {
                        WireValue::Int(i) => (
                            v.variant.to_kebab_case(),
                            i.to_string(),
                            format!("{} (sent as {i})", v.doc),
                        ),
                        WireValue::Str(s) => (s.clone(), s.clone(), v.doc.clone()),
                    })
                    .collect(),
            },
            _ => return None,
        },
    })
}

/// The help line of a field: doc, limits, default.
fn help(f: &Field, extra: &str) -> String {
    let mut parts = vec![f.doc.clone()];
    let each = if matches!(f.ty, Ty::List(_)) {
        "each "
    } else {
        ""
    };
    match (f.min_bytes, f.max_bytes) {
        (Some(a), Some(b)) => parts.push(format!("{each}{a} to {b} bytes.")),
        (None, Some(b)) => parts.push(format!("{}At most {b} bytes.", cap(each))),
        (Some(a), None) => parts.push(format!("{}At least {a} bytes.", cap(each))),
        (None, None) => {}
    }
    match (f.min_items, f.max_items) {
        (Some(a), Some(b)) => parts.push(format!("{a} to {b} values.")),
        (None, Some(b)) => parts.push(format!("At most {b} values.")),
        (Some(a), None) => parts.push(format!("At least {a} values.")),
        (None, None) => {}
    }
    match (f.min, f.max) {
        (Some(a), Some(b)) => parts.push(format!("From {a} to {b}.")),
        (None, Some(b)) => parts.push(format!("At most {b}.")),
        (Some(a), None) => parts.push(format!("At least {a}.")),
        (None, None) => {}
    }
    if !extra.is_empty() {
        parts.push(extra.to_owned());
    }
    if let Some(d) = &f.default {
        let d = match d {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        parts.push(format!("Default: {d}."));
    }
    parts.join(" ")
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[allow(clippy::too_many_arguments)]
fn collect_flags(
    spec: &Spec,
    fields: &[Field],
    parent: &[String],
    parent_flag: &str,
    parent_required: bool,
    depth: usize,
    out: &mut Vec<FlagDef>,
    ctx: &Ctx,
) -> Result<(), SpecError> {
    for f in fields {
        let mut path = parent.to_vec();
        path.push(f.wire.clone());
        let required = parent_required && f.required;
        let own = f.wire.to_kebab_case();
        let fctx = ctx.at(format!("field {}", path.join(".")));
        let mut push = |kind: FlagKind, list: bool, wrap: Option<&Field>, extra: &str| {
            // A list of one-field objects is named after that field.
            let own = wrap.map(|w| w.wire.to_kebab_case()).unwrap_or(own.clone());
            let mut long = own.clone();
            if RESERVED_FLAGS.contains(&long.as_str()) || out.iter().any(|o| o.long == long) {
                long = if parent_flag.is_empty() {
                    format!("field-{own}")
                } else {
                    format!("{parent_flag}-{own}")
                };
            }
            if RESERVED_FLAGS.contains(&long.as_str()) || out.iter().any(|o| o.long == long) {
                return Err(fctx.err(format!(
                    "its command-line flag --{long} is taken by another field or a built-in flag"
                )));
            }
            out.push(FlagDef {
                long,
                path: path.clone(),
                kind,
                required,
                list,
                wrap: wrap.map(|w| w.wire.clone()),
                help: help(f, extra),
            });
            Ok(())
        };
        match &f.ty {
            Ty::List(inner) => {
                if let Some(kind) = scalar_kind(spec, inner) {
                    push(kind, true, None, "Repeat the flag for several values.")?;
                } else if let Some(obj) = object_fields(spec, inner) {
                    let single = match obj {
                        [only] => scalar_kind(spec, &only.ty).map(|k| (only, k)),
                        _ => None,
                    };
                    match single {
                        Some((only, kind)) => push(
                            kind,
                            true,
                            Some(only),
                            &format!(
                                "Repeat the flag for several values; each becomes {{\"{}\": VALUE}}.",
                                only.wire
                            ),
                        )?,
                        None => {
                            let keys: Vec<String> = obj
                                .iter()
                                .map(|o| {
                                    if o.required {
                                        format!("{} (required)", o.wire)
                                    } else {
                                        o.wire.clone()
                                    }
                                })
                                .collect();
                            push(
                                FlagKind::Json,
                                true,
                                None,
                                &format!(
                                    "One JSON object per flag, with {}.",
                                    keys.join(", ")
                                ),
                            )?
                        }
                    }
                } else {
                    push(FlagKind::Json, false, None, "A JSON array.")?;
                }
            }
            ty => {
                if let Some(kind) = scalar_kind(spec, ty) {
                    let extra = if matches!(kind, FlagKind::Json) {
                        "A JSON value."
                    } else {
                        ""
                    };
                    push(kind, false, None, extra)?;
                } else if let Some(obj) = object_fields(spec, ty) {
                    if depth >= MAX_DEPTH {
                        push(FlagKind::Json, false, None, "A JSON object.")?;
                    } else {
                        collect_flags(spec, obj, &path, &own, required, depth + 1, out, ctx)?;
                    }
                } else {
                    push(FlagKind::Json, false, None, "A JSON value.")?;
                }
            }
        }
    }
    Ok(())
}
