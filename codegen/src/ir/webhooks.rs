//! Callbacks the service sends, and the decisions of before-callbacks.

use std::collections::{BTreeMap, BTreeSet};

use super::names::is_upper_camel;
use super::read::Samples;
use super::types::resolve_fields;
use super::{Decision, NamedType, Refusal, TypeKind, Webhook};
use crate::error::{Ctx, SpecError};
use crate::spec;

/// Every webhook, with its payload type (added to `types`).
pub(super) fn resolve_webhooks(
    file: &spec::WebhooksFile,
    display: &str,
    known: &BTreeSet<String>,
    samples: &Samples,
    types: &mut BTreeMap<String, NamedType>,
) -> Result<Vec<Webhook>, SpecError> {
    let mut hooks = Vec::new();
    for w in &file.webhooks {
        let ctx = Ctx::file(display).at(format!("command {}", w.command));
        let fields = resolve_fields(&w.fields, &ctx, known)?;
        for s in &w.samples {
            samples.check(&ctx, s)?;
        }
        let type_name = format!("Callback{}", w.name);
        types.insert(
            type_name.clone(),
            NamedType {
                name: type_name.clone(),
                module: "webhooks".to_owned(),
                doc: w.summary.trim().to_owned(),
                kind: TypeKind::Object(fields),
                extra: true,
                file: display.to_owned(),
                exactly_one_of: Vec::new(),
            },
        );
        let decision = match &w.decision {
            None => None,
            Some(d) => Some(resolve_decision(d, &w.name, &ctx.at("decision"))?),
        };
        hooks.push(Webhook {
            command: w.command.clone(),
            aliases: w.aliases.clone(),
            name: w.name.clone(),
            type_name,
            summary: w.summary.trim().to_owned(),
            doc: w.doc.as_ref().map(|d| d.trim().to_owned()),
            doc_urls: w.doc_urls.clone(),
            samples: w.samples.clone(),
            source: w.source,
            decision,
        });
    }
    Ok(hooks)
}

/// `decision:`: a budget, and refusals with distinct names and
/// non-overlapping, non-zero codes (0 always allows).
fn resolve_decision(
    d: &spec::DecisionDef,
    webhook: &str,
    ctx: &Ctx,
) -> Result<Decision, SpecError> {
    if d.budget_ms == 0 {
        return Err(ctx.err("budget_ms must be positive"));
    }
    if d.doc.trim().is_empty() {
        return Err(ctx.err("empty doc"));
    }
    if d.refusals.is_empty() {
        return Err(ctx.err("list at least one refusal"));
    }
    let mut refusals: Vec<Refusal> = Vec::new();
    for r in &d.refusals {
        let rctx = ctx.at(format!("refusal {}", r.name));
        if !is_upper_camel(&r.name) || r.name == "Allow" {
            return Err(rctx.err("name must be UpperCamelCase and not `Allow`"));
        }
        if refusals.iter().any(|o| o.name == r.name) {
            return Err(rctx.err("duplicate name"));
        }
        let (lo, hi) = match (r.code, r.range) {
            (Some(c), None) => (c, c),
            (None, Some([lo, hi])) if lo < hi => (lo, hi),
            (None, Some(_)) => {
                return Err(rctx.err("a range is [lowest, highest] with lowest < highest"))
            }
            _ => return Err(rctx.err("give exactly one of `code` and `range`")),
        };
        if lo <= 0 && hi >= 0 {
            return Err(rctx.err("0 allows the action; a refusal cannot include it"));
        }
        if let Some(o) = refusals.iter().find(|o| lo <= o.hi && o.lo <= hi) {
            return Err(rctx.err(format!("codes overlap those of refusal {}", o.name)));
        }
        if r.doc.trim().is_empty() {
            return Err(rctx.err("empty doc"));
        }
        refusals.push(Refusal {
            name: r.name.clone(),
            lo,
            hi,
            doc: r.doc.trim().to_owned(),
        });
    }
    Ok(Decision {
        type_name: format!("{webhook}Decision"),
        budget_ms: d.budget_ms,
        doc: d.doc.trim().to_owned(),
        refusals,
    })
}
