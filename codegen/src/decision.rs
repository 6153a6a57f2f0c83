//! IR -> the decision types of before-callbacks (in `webhooks.rs`): one
//! enum per webhook with `decision:`, `Allow` plus one variant per refusal,
//! implementing `trtc_room::webhook::Decision`.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::emit::{doc, ident};
use crate::ir::{Decision, Refusal, Webhook};

/// `1, 102100..=102200`: the refusal codes as text.
fn codes_text(d: &Decision) -> String {
    d.refusals
        .iter()
        .map(|r| match r.code() {
            Some(c) => c.to_string(),
            None => format!("{}..={}", r.lo, r.hi),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The decision type of webhook `w`, if it has one.
pub fn decision_type(w: &Webhook) -> Option<TokenStream> {
    let d = w.decision.as_ref()?;
    let name = ident(&d.type_name);
    let callback = &w.type_name;
    let command = &w.command;
    let budget = Literal::u64_unsuffixed(d.budget_ms);
    let expected = codes_text(d);
    let tdoc = doc(&format!(
        "The answer to [`{callback}`] (`{command}`): {}\n\nThe service waits at most {} ms for \
         it ([`BUDGET`](trtc_room_decision_budget)). `ErrorCode` 0 allows; {expected} refuse. \
         Send it with [`Decision::to_body`](crate::webhook::Decision::to_body).",
        d.doc, d.budget_ms
    )
    .replace(
        "(trtc_room_decision_budget)",
        "(crate::webhook::Decision::BUDGET)",
    ));
    let mut variants = vec![quote! {
        /// Let the action go ahead (`ErrorCode` 0).
        Allow,
    }];
    let mut ctors = vec![quote! {
        /// Lets the action go ahead.
        #[must_use]
        pub fn allow() -> Self {
            Self::Allow
        }
    }];
    let mut code_arms = vec![quote! { Self::Allow => 0, }];
    let mut info_arms = vec![quote! { Self::Allow => "", }];
    let mut read_arms = vec![quote! { 0 => Ok(Self::Allow), }];
    for r in &d.refusals {
        let arms = refusal_arms(r, command, &expected);
        variants.push(arms.variant);
        ctors.push(arms.ctor);
        code_arms.push(arms.code);
        info_arms.push(arms.info);
        read_arms.push(arms.read);
    }
    Some(quote! {
        #tdoc
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            #(#ctors)*
        }

        impl crate::webhook::Decision for #name {
            const COMMAND: &'static str = #command;
            const BUDGET: std::time::Duration = std::time::Duration::from_millis(#budget);

            fn error_code(&self) -> i64 {
                match self {
                    #(#code_arms)*
                }
            }

            fn error_info(&self) -> &str {
                match self {
                    #(#info_arms)*
                }
            }

            fn from_answer(code: i64, info: &str) -> Result<Self, crate::webhook::UnknownRefusal> {
                match code {
                    #(#read_arms)*
                    _ => Err(crate::webhook::UnknownRefusal { command: #command, code, expected: #expected }),
                }
            }
        }
    })
}

/// The tokens one refusal adds: its variant, constructor and the arms of
/// `error_code`, `error_info` and `from_answer`.
struct RefusalArms {
    variant: TokenStream,
    ctor: TokenStream,
    code: TokenStream,
    info: TokenStream,
    read: TokenStream,
}

fn refusal_arms(r: &Refusal, command: &str, expected: &str) -> RefusalArms {
    let v = ident(&r.name);
    let ctor = ident(&heck::ToSnakeCase::to_snake_case(r.name.as_str()));
    match r.code() {
        Some(code) => {
            let c = Literal::i64_unsuffixed(code);
            let vdoc = doc(&format!("{} (`ErrorCode` {code}).", r.doc));
            let cdoc = doc(&format!(
                "{} (`ErrorCode` {code}), saying why in `info`.",
                r.doc
            ));
            RefusalArms {
                variant: quote! {
                    #vdoc
                    #v {
                        /// `ErrorInfo`: why.
                        info: String,
                    },
                },
                ctor: quote! {
                    #cdoc
                    #[must_use]
                    pub fn #ctor(info: impl Into<String>) -> Self {
                        Self::#v { info: info.into() }
                    }
                },
                code: quote! { Self::#v { .. } => #c, },
                info: quote! { Self::#v { info } => info, },
                read: quote! { #c => Ok(Self::#v { info: info.to_owned() }), },
            }
        }
        None => {
            let (lo, hi) = (Literal::i64_unsuffixed(r.lo), Literal::i64_unsuffixed(r.hi));
            let vdoc = doc(&format!("{} (`ErrorCode` {}..={}).", r.doc, r.lo, r.hi));
            let cdoc = doc(&format!(
                "{} `code` must be within {}..={}; any other is an \
                 [`UnknownRefusal`](crate::webhook::UnknownRefusal).",
                r.doc, r.lo, r.hi
            ));
            RefusalArms {
                variant: quote! {
                    #vdoc
                    #v {
                        /// `ErrorCode`, within the documented range.
                        code: i64,
                        /// `ErrorInfo`: why.
                        info: String,
                    },
                },
                ctor: quote! {
                    #cdoc
                    pub fn #ctor(code: i64, info: impl Into<String>) -> Result<Self, crate::webhook::UnknownRefusal> {
                        if (#lo..=#hi).contains(&code) {
                            Ok(Self::#v { code, info: info.into() })
                        } else {
                            Err(crate::webhook::UnknownRefusal { command: #command, code, expected: #expected })
                        }
                    }
                },
                code: quote! { Self::#v { code, .. } => *code, },
                info: quote! { Self::#v { info, .. } => info, },
                read: quote! { #lo..=#hi => Ok(Self::#v { code, info: info.to_owned() }), },
            }
        }
    }
}
