//! The parts of `common.yaml` that are not types: error codes, regions,
//! query parameters and what the published description says of itself.

use std::collections::BTreeSet;

use super::names::is_upper_camel;
use super::{ErrorCode, Publish, QueryParam, QueryTy, Region};
use crate::error::{Ctx, SpecError};
use crate::spec;

pub(super) fn resolve_query(
    defs: &[spec::QueryParamDef],
    ctx: &Ctx,
) -> Result<Vec<QueryParam>, SpecError> {
    let mut out: Vec<QueryParam> = Vec::new();
    for d in defs {
        let qctx = ctx.at(format!("query parameter {}", d.name));
        if d.name.is_empty()
            || !d
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(qctx.err("bad name: letters, digits and `_` only"));
        }
        if out.iter().any(|q| q.name == d.name) {
            return Err(qctx.err("duplicate query parameter"));
        }
        let ty = match d.ty.as_str() {
            "string" => QueryTy::String,
            "u32" => QueryTy::U32,
            "u64" => QueryTy::U64,
            other => {
                return Err(qctx.err(format!(
                    "unknown type {other:?}: expected string, u32 or u64"
                )))
            }
        };
        if !d.values.is_empty() && ty != QueryTy::String {
            return Err(qctx.err("`values` apply to string parameters only"));
        }
        if d.doc.trim().is_empty() {
            return Err(qctx.err("empty doc"));
        }
        if let Some(n) = &d.schema {
            if d.values.is_empty() || !is_upper_camel(n) {
                return Err(qctx.err("`schema` needs `values` and an UpperCamelCase name"));
            }
        }
        out.push(QueryParam {
            name: d.name.clone(),
            ty,
            required: d.required,
            doc: d.doc.trim().to_owned(),
            values: d.values.clone(),
            schema_name: d.schema.clone(),
            auth: d.auth,
        });
    }
    Ok(out)
}

/// `error_codes:`: unique codes with unique UpperCamelCase names.
pub(super) fn resolve_error_codes(
    defs: &[spec::ErrorCodeDef],
    cctx: &Ctx,
) -> Result<Vec<ErrorCode>, SpecError> {
    let mut error_codes = Vec::new();
    let mut code_seen = BTreeSet::new();
    let mut code_names = BTreeSet::new();
    for e in defs {
        let ctx = cctx.at(format!("error code {}", e.code));
        if !code_seen.insert(e.code) {
            return Err(ctx.err("duplicate error code"));
        }
        if !is_upper_camel(&e.name) || e.name == "Other" {
            return Err(ctx.err(format!(
                "bad name {:?}: must be UpperCamelCase and not `Other`",
                e.name
            )));
        }
        if !code_names.insert(e.name.clone()) {
            return Err(ctx.err(format!("duplicate name {:?}", e.name)));
        }
        error_codes.push(ErrorCode {
            code: e.code,
            name: e.name.clone(),
            meaning: e.meaning.trim().to_owned(),
            rate_limited: e.rate_limited,
            transient: e.transient,
        });
    }
    Ok(error_codes)
}

/// `regions:`: names, aliases and domains unique (case-insensitively).
pub(super) fn resolve_regions(
    defs: &[spec::RegionDef],
    cctx: &Ctx,
) -> Result<Vec<Region>, SpecError> {
    let mut regions = Vec::new();
    let mut region_keys = BTreeSet::new();
    for r in defs {
        let ctx = cctx.at(format!("region {}", r.name));
        if !is_upper_camel(&r.name) {
            return Err(ctx.err("name must be UpperCamelCase"));
        }
        for key in std::iter::once(&r.name)
            .chain(&r.aliases)
            .chain(std::iter::once(&r.domain))
        {
            if !region_keys.insert(key.to_ascii_lowercase()) {
                return Err(ctx.err(format!("duplicate region name, alias or domain {key:?}")));
            }
        }
        regions.push(Region {
            name: r.name.clone(),
            domain: r.domain.clone(),
            aliases: r.aliases.clone(),
            doc: r.doc.trim().to_owned(),
        });
    }
    Ok(regions)
}

/// `publish:`: https URLs, and a schema `$id` base ending in `/`.
pub(super) fn resolve_publish(p: &spec::PublishDef, pctx: &Ctx) -> Result<Publish, SpecError> {
    for (key, value) in [
        ("doc_url", &p.doc_url),
        ("schema_id_base", &p.schema_id_base),
    ] {
        if !value.starts_with("https://") {
            return Err(pctx.err(format!("{key} {value:?} must be an https:// URL")));
        }
    }
    if !p.schema_id_base.ends_with('/') {
        return Err(pctx.err("schema_id_base must end with `/`"));
    }
    Ok(Publish {
        title: p.title.trim().to_owned(),
        version: p.version.trim().to_owned(),
        doc: p.doc.trim().to_owned(),
        doc_url: p.doc_url.clone(),
        schema_id_base: p.schema_id_base.clone(),
        license: p.license.trim().to_owned(),
    })
}
