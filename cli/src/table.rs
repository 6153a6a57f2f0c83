//! The command table (generated from the spec into `generated/commands.rs`)
//! and how it becomes clap subcommands and request bodies.
//!
//! Nothing here knows a particular command: every subcommand, flag and help
//! text comes from a table entry.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Arg, ArgAction, ArgMatches};
use serde_json::{Map, Value};
use trtc_room::CommandInfo;

use crate::exec::{SendAllFn, SendFn};
use crate::input;

/// One command of the spec as the tool sees it.
pub struct Entry {
    /// Area (`rooms`): the first word of `trtc-room <group> <name>`.
    pub group: &'static str,
    /// Verb inside the area (`create`).
    pub name: &'static str,
    /// One-line summary.
    pub summary: &'static str,
    /// Longer description (may be empty).
    pub doc: &'static str,
    /// Tencent documentation pages.
    pub doc_urls: &'static [&'static str],
    /// Endpoint facts (service, command, rate limit, idempotency, errors).
    pub info: &'static CommandInfo,
    /// One flag per request field (nested objects flattened).
    pub flags: &'static [Flag],
    /// The response list `--output table` shows, if any.
    pub table: Option<&'static str>,
    /// Sends one request.
    pub send: SendFn,
    /// Follows the cursor to the end (paged commands only).
    pub send_all: Option<SendAllFn>,
}

/// A flag made from a request field.
pub struct Flag {
    /// Long name without `--`.
    pub long: &'static str,
    /// Where the value goes in the request body (wire names).
    pub path: &'static [&'static str],
    /// What values it takes.
    pub kind: Kind,
    /// Required unless `--json` gives the body.
    pub required: bool,
    /// Repeatable; the values form a JSON array.
    pub list: bool,
    /// Each value becomes `{wrap: value}` (lists of one-field objects).
    pub wrap: Option<&'static str>,
    /// Help text from the spec (doc, limits, default).
    pub help: &'static str,
}

/// The values a flag takes.
pub enum Kind {
    /// Any text.
    String,
    /// `true` or `false`.
    Bool,
    /// A whole number.
    Int,
    /// JSON text, or `@file` holding it.
    Json,
    /// One of the spec's enum values.
    Enum {
        /// The wire value is a number.
        integer: bool,
        /// The known values.
        choices: &'static [Choice],
    },
}

/// One value of an enum flag.
pub struct Choice {
    /// What the user types.
    pub value: &'static str,
    /// What is sent (a number for integer enums).
    pub wire: &'static str,
    /// Its doc.
    pub help: &'static str,
}

/// Id of the `--json` argument of every spec subcommand.
pub const JSON: &str = "json";
/// Id of the `--all` argument of paged subcommands.
pub const ALL: &str = "all";
/// Id of the `--dry-run` argument of every spec subcommand.
pub const DRY_RUN: &str = "dry-run";

/// The groups, in first-seen order, with their entries.
pub fn groups(entries: &'static [Entry]) -> Vec<(&'static str, Vec<&'static Entry>)> {
    let mut out: Vec<(&'static str, Vec<&'static Entry>)> = Vec::new();
    for e in entries {
        match out.iter_mut().find(|(g, _)| *g == e.group) {
            Some((_, list)) => list.push(e),
            None => out.push((e.group, vec![e])),
        }
    }
    out
}

/// The clap command of a group.
pub fn group_command(group: &'static str, entries: &[&'static Entry]) -> clap::Command {
    let names: Vec<&str> = entries.iter().map(|e| e.name).collect();
    let mut cmd = clap::Command::new(group)
        .about(format!("{group}: {}", names.join(", ")))
        .subcommand_required(true)
        .arg_required_else_help(true);
    for e in entries {
        cmd = cmd.subcommand(subcommand(e));
    }
    cmd
}

fn long_about(e: &Entry) -> String {
    let mut s = e.summary.to_owned();
    if !e.doc.is_empty() {
        s.push_str("\n\n");
        s.push_str(e.doc);
    }
    s.push_str(&format!(
        "\n\nEndpoint: POST /v4/{}/{}",
        e.info.service, e.info.command
    ));
    s.push_str(&format!(
        "\nRate limit: {} calls per second; {}",
        e.info.rate_limit_per_second,
        if e.info.idempotent {
            "idempotent (retried after timeouts)"
        } else {
            "not idempotent (never re-sent after it may have reached the server)"
        }
    ));
    for u in e.doc_urls {
        s.push_str(&format!("\nDocs: {u}"));
    }
    if !e.info.errors.is_empty() {
        s.push_str("\n\nErrors:");
        for err in e.info.errors {
            s.push_str(&format!("\n  {}  {}", err.code, err.meaning));
        }
    }
    s
}

/// The clap subcommand of one entry.
pub fn subcommand(e: &'static Entry) -> clap::Command {
    let mut cmd = clap::Command::new(e.name)
        .about(e.summary)
        .long_about(long_about(e));
    for f in e.flags {
        cmd = cmd.arg(flag_arg(f));
    }
    cmd = cmd.arg(
        Arg::new(JSON)
            .long(JSON)
            .value_name("JSON|@FILE")
            .value_parser(input::parse_json_arg)
            .help("The whole request body as JSON (or @file); flags given too override its fields"),
    );
    cmd = cmd.arg(
        Arg::new(DRY_RUN)
            .long(DRY_RUN)
            .action(ArgAction::SetTrue)
            .help("Check the request against the spec and print it, without sending (no credentials needed)"),
    );
    if e.send_all.is_some() {
        cmd = cmd.arg(
            Arg::new(ALL)
                .long(ALL)
                .action(ArgAction::SetTrue)
                .help("Follow the cursor to the end and print every item (progress on stderr when it is a terminal)"),
        );
    }
    cmd
}

fn flag_arg(f: &'static Flag) -> Arg {
    let help = if f.required {
        format!("{} Required unless --json gives the body.", f.help)
    } else {
        f.help.to_owned()
    };
    let mut a = Arg::new(f.long).long(f.long).help(help);
    a = if f.list {
        a.action(ArgAction::Append)
    } else {
        a.action(ArgAction::Set)
    };
    if f.required {
        a = a.required_unless_present(JSON);
    }
    match &f.kind {
        Kind::String => a.value_name("TEXT").value_parser(input::parse_string),
        Kind::Bool => a.value_name("BOOL").value_parser(
            PossibleValuesParser::new(["true", "false"]).map(|s| Value::Bool(s == "true")),
        ),
        Kind::Int => a.value_name("N").value_parser(input::parse_int),
        Kind::Json => a
            .value_name("JSON|@FILE")
            .value_parser(input::parse_json_arg),
        Kind::Enum { integer, choices } => {
            let integer = *integer;
            let values = choices.iter().map(|c| {
                let mut v = PossibleValue::new(c.value).help(c.help);
                if c.wire != c.value {
                    v = v.alias(c.wire);
                }
                v
            });
            a.value_name("VALUE").value_parser(
                PossibleValuesParser::new(values).map(move |s| enum_wire(choices, integer, &s)),
            )
        }
    }
}

fn enum_wire(choices: &'static [Choice], integer: bool, typed: &str) -> Value {
    let wire = choices
        .iter()
        .find(|c| c.value == typed || c.wire == typed)
        .map(|c| c.wire)
        .unwrap_or(typed);
    if integer {
        if let Ok(n) = wire.parse::<i64>() {
            return Value::from(n);
        }
    }
    Value::String(wire.to_owned())
}

/// The request body from `--json` and the flags given.
pub fn body(e: &Entry, m: &ArgMatches) -> Result<Value, String> {
    let mut body = match m.get_one::<Value>(JSON) {
        Some(Value::Object(o)) => Value::Object(o.clone()),
        Some(_) => return Err("--json: the request body must be a JSON object".to_owned()),
        None => Value::Object(Map::new()),
    };
    for f in e.flags {
        let Some(values) = m.get_many::<Value>(f.long) else {
            continue;
        };
        let mut values: Vec<Value> = values
            .cloned()
            .map(|v| match f.wrap {
                Some(key) => {
                    let mut o = Map::new();
                    o.insert(key.to_owned(), v);
                    Value::Object(o)
                }
                None => v,
            })
            .collect();
        let value = if f.list {
            Value::Array(values)
        } else {
            match values.pop() {
                Some(v) => v,
                None => continue,
            }
        };
        set(&mut body, f.path, value).map_err(|e| format!("--{}: {e}", f.long))?;
    }
    Ok(body)
}

fn set(root: &mut Value, path: &[&str], value: Value) -> Result<(), String> {
    let Some((last, parents)) = path.split_last() else {
        return Ok(());
    };
    let mut cur = root;
    for p in parents {
        let Value::Object(o) = cur else {
            return Err(format!("the --json body has a non-object above {p}"));
        };
        cur = o
            .entry((*p).to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if !cur.is_object() {
            return Err(format!("the --json body's {p} is not an object"));
        }
    }
    match cur {
        Value::Object(o) => {
            o.insert((*last).to_owned(), value);
            Ok(())
        }
        _ => Err(format!("the --json body has a non-object above {last}")),
    }
}
