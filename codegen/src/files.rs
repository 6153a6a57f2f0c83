//! One function per generated file.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::emit::{doc, ident, inner_doc, named, rust_ty, type_path};
use crate::error::{Ctx, SpecError};
use crate::ir::{Command, Field, Paging, Payload, Spec, Ty, TypeKind};
use crate::samples;
use crate::spec::PagingEnd;

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// The reference text of a command (request type and client method docs).
pub fn command_doc(c: &Command) -> String {
    let mut s = format!("{}\n", c.summary);
    if let Some(src) = c.source {
        s.push_str(&format!("\n{}\n", src.note()));
    }
    if let Some(d) = &c.doc {
        s.push_str(&format!("\n{d}\n"));
    }
    s.push_str(&format!(
        "\nEndpoint: `v4/{}/{}`.\n\n- Rate limit: {} calls per second.\n- Idempotent: {} ({}).\n",
        c.service,
        c.command,
        c.rate_limit,
        yes_no(c.idempotent),
        if c.idempotent {
            "may be re-sent after a failure that may have reached the server"
        } else {
            "never re-sent automatically once it may have reached the server"
        }
    ));
    for u in &c.doc_urls {
        s.push_str(&format!("- Tencent documentation: <{u}>\n"));
    }
    if !c.errors.is_empty() {
        s.push_str("\n# Errors\n\nDocumented error codes of this command:\n\n");
        for (code, meaning) in &c.errors {
            s.push_str(&format!("- `{code}`: {}\n", meaning.replace('\n', " ")));
        }
    }
    if !c.done_by_earlier_attempt.is_empty() {
        let codes: Vec<String> = c
            .done_by_earlier_attempt
            .iter()
            .map(|code| format!("`{code}`"))
            .collect();
        s.push_str(&format!(
            "\nWhen a retry, after an attempt that may have reached the server, is answered {}, \
             the earlier attempt did the work: the call succeeds and its `Reply` says \
             `completed_by_earlier_attempt()`.\n",
            codes.join(" or ")
        ));
    }
    s
}

fn types_in(spec: &Spec, module: &str) -> Vec<TokenStream> {
    spec.types
        .values()
        .filter(|t| t.module == module)
        .filter(|t| {
            // request/response types of commands are emitted with their command
            !spec
                .services
                .iter()
                .flat_map(|s| &s.commands)
                .any(|c| c.type_name == t.name || c.response_name == t.name)
                && !spec.webhooks.iter().any(|w| w.type_name == t.name)
        })
        .map(|t| named(spec, t, None))
        .collect()
}

pub fn types_rs(spec: &Spec) -> TokenStream {
    let items = types_in(spec, "types");
    quote! {
        //! Types that no module of commands or webhooks uses.
        #(#items)*
    }
}

/// The `# Example` section of a request type: Tencent's first documented
/// sample request of the command, built with `new` and the setters and sent
/// with the client method. `None` when the command has no request sample.
pub fn request_example(spec: &Spec, c: &Command) -> Result<Option<String>, SpecError> {
    let Some(name) = c.samples.iter().find_map(|s| s.request.as_ref()) else {
        return Ok(None);
    };
    let ctx = Ctx::file(&spec.types[&c.type_name].file)
        .at(format!("command {}", c.command))
        .at(format!("sample {name}"));
    let TypeKind::Object(fields) = &spec.types[&c.type_name].kind else {
        return Ok(None);
    };
    let sample = read_sample(spec, &ctx, name)?;
    let normal = samples::normalize_object(spec, &sample, fields, false, &c.type_name, &ctx, "")?;
    let mut uses = std::collections::BTreeSet::new();
    let build = samples::user_object(spec, &normal, &c.type_name, fields, &mut uses);
    let method = ident(&c.method);
    let show = match spec.types.get(&c.response_name).map(|t| &t.kind) {
        Some(TypeKind::Object(f)) if !f.is_empty() => {
            let first = ident(&f[0].name);
            quote! { println!("{:?}", reply.#first); }
        }
        _ => quote! { println!("done, request id {:?}", reply.request_id()); },
    };
    // the request as a tail expression, so continuation lines indent by one
    // level once `let request = ` is put in front
    let body = quote! {
        fn request() { #build }
        fn example() {
            let reply = client.#method(request).await?;
            #show
        }
    };
    let file: syn::File = syn::parse2(body).map_err(|e| {
        ctx.err(format!(
            "generator produced an invalid example (a generator bug): {e}"
        ))
    })?;
    let text = prettyplease::unparse(&file);
    // two functions: the body lines of each, one level out
    let mut code: Vec<String> = Vec::new();
    for (i, f) in text
        .split("\n}\n")
        .filter(|f| !f.trim().is_empty())
        .enumerate()
    {
        let lines: Vec<String> = f
            .lines()
            .skip(1)
            .map(|l| l.strip_prefix("    ").unwrap_or(l).to_owned())
            .collect();
        if i == 0 {
            let n = lines.len();
            for (j, l) in lines.into_iter().enumerate() {
                let l = if j == 0 {
                    format!("let request = {l}")
                } else {
                    l
                };
                code.push(if j + 1 == n { format!("{l};") } else { l });
            }
        } else {
            code.extend(lines);
        }
    }
    let names: Vec<&str> = uses.iter().map(String::as_str).collect();
    let import = if names.len() == 1 {
        format!("use trtc_room::{};", names[0])
    } else {
        format!("use trtc_room::{{{}}};", names.join(", "))
    };
    Ok(Some(format!(
        "# Example\n\n\
         The request of Tencent's documented example, sent with \
         [`Client::{cmd}`](crate::Client::{cmd}):\n\n\
         ```no_run\n\
         # async fn example(client: trtc_room::Client) -> Result<(), trtc_room::Error> {{\n\
         {import}\n\n\
         {code}\n\
         # Ok(())\n\
         # }}\n\
         ```\n",
        cmd = c.method,
        code = code.join("\n"),
    )))
}

/// A public module of commands: its doc (the group's, with the Tencent
/// services and a table of its commands), each command's request and answer
/// types, and the named types first used here.
pub fn module_rs(spec: &Spec, module: &crate::ir::Module) -> Result<TokenStream, SpecError> {
    let commands: Vec<(&crate::ir::Service, &Command)> = spec
        .services
        .iter()
        .flat_map(|s| s.commands.iter().map(move |c| (s, c)))
        .filter(|(_, c)| c.module == module.name)
        .collect();
    let mut mdoc = format!("{}\n\n", module.doc);
    let mut services: Vec<&crate::ir::Service> = Vec::new();
    for (s, _) in &commands {
        if !services.iter().any(|x| x.name == s.name) {
            services.push(s);
        }
    }
    for s in &services {
        mdoc.push_str(&format!(
            "Tencent service `{name}` (endpoints `v4/{name}/<command>`): {doc}\n\n",
            name = s.name,
            doc = s.doc.trim().replace('\n', " ")
        ));
    }
    mdoc.push_str("| client method | request | Tencent command |\n| --- | --- | --- |\n");
    for (s, c) in &commands {
        mdoc.push_str(&format!(
            "| [`{m}`](crate::Client::{m}) | [`{t}`] | `{svc}/{cmd}` |\n",
            m = c.method,
            cmd = c.command,
            t = c.type_name,
            svc = s.name
        ));
    }
    mdoc.push_str(
        "\nEach request type takes its required fields in `new` and the optional ones as \
         chained setters; the answer type is the request's name with `Response`. Every type \
         here is also available at the crate root (`trtc_room::TypeName`).",
    );
    let mdoc = inner_doc(&mdoc);
    let mut items = Vec::new();
    for (svc, c) in &commands {
        let req = &spec.types[&c.type_name];
        let resp = &spec.types[&c.response_name];
        let name = ident(&c.type_name);
        let resp_name = ident(&c.response_name);
        let mut text = command_doc(c);
        if let Some(example) = request_example(spec, c)? {
            text.push_str(&format!("\n{example}"));
        }
        items.push(named(spec, req, Some(doc(&text))));
        items.push(named(spec, resp, None));
        let service = &svc.name;
        let command = &c.command;
        let idem = c.idempotent;
        let rate = c.rate_limit;
        let payload = match &c.payload {
            Payload::None => quote! { crate::command::PayloadLocation::None },
            Payload::Wrapped(w) => quote! { crate::command::PayloadLocation::Wrapped(#w) },
            Payload::TopLevel => quote! { crate::command::PayloadLocation::TopLevel },
        };
        let errors: Vec<TokenStream> = c
            .errors
            .iter()
            .map(|(code, meaning)| quote! { crate::command::CommandError { code: #code, meaning: #meaning } })
            .collect();
        let url = c.doc_urls.first().cloned().unwrap_or_default();
        let done = &c.done_by_earlier_attempt;
        items.push(quote! {
            impl crate::command::Command for #name {
                type Response = #resp_name;
                const INFO: &'static crate::command::CommandInfo = &crate::command::CommandInfo {
                    service: #service,
                    command: #command,
                    idempotent: #idem,
                    rate_limit_per_second: #rate,
                    payload: #payload,
                    errors: &[#(#errors),*],
                    done_by_earlier_attempt: &[#(#done),*],
                    doc_url: #url,
                };
            }
        });
        if let Some(p) = &c.paging {
            items.push(paged_impl(spec, c, p, &module.name));
        }
    }
    items.extend(types_in(spec, &module.name));
    Ok(quote! { #mdoc #(#items)* })
}

/// `impl Paged` for a command with `paging:`: which fields carry the cursor and items.
fn paged_impl(spec: &Spec, c: &Command, p: &Paging, module: &str) -> TokenStream {
    let name = ident(&c.type_name);
    let resp_name = ident(&c.response_name);
    let cursor_ty = rust_ty(spec, &p.request_cursor.ty, module);
    let item_ty = rust_ty(spec, &p.item_ty, module);
    let req_f = ident(&p.request_cursor.name);
    let resp_f = ident(&p.response_cursor.name);
    let items_f = ident(&p.items.name);
    // `Option<cursor>` of a field, with the end value mapped to `None`
    let keep = match p.end {
        PagingEnd::Empty => quote! { .filter(|c| !c.is_empty()) },
        PagingEnd::Zero => quote! { .filter(|c| *c != 0) },
    };
    let opt = |owner: TokenStream, f: &Field, fname: &proc_macro2::Ident| match (f.required, p.end)
    {
        (true, PagingEnd::Empty) => quote! { Some(#owner.#fname.clone()) #keep },
        (true, PagingEnd::Zero) => quote! { Some(#owner.#fname) #keep },
        (false, PagingEnd::Empty) => quote! { #owner.#fname.clone() #keep },
        (false, PagingEnd::Zero) => quote! { #owner.#fname #keep },
    };
    let cur = opt(quote! { self }, &p.request_cursor, &req_f);
    let next = opt(quote! { response }, &p.response_cursor, &resp_f);
    let set = if p.request_cursor.required {
        quote! { self.#req_f = cursor; }
    } else {
        quote! { self.#req_f = Some(cursor); }
    };
    let take = if p.items.required {
        quote! { response.#items_f }
    } else {
        quote! { response.#items_f.unwrap_or_default() }
    };
    quote! {
        impl crate::paging::Paged for #name {
            type Cursor = #cursor_ty;
            type Item = #item_ty;
            fn cursor(&self) -> Option<#cursor_ty> { #cur }
            fn with_cursor(mut self, cursor: #cursor_ty) -> Self { #set self }
            fn next_cursor(response: &#resp_name) -> Option<#cursor_ty> { #next }
            fn into_items(response: #resp_name) -> Vec<#item_ty> { #take }
        }
    }
}

pub fn errors_rs(spec: &Spec) -> TokenStream {
    let names: Vec<_> = spec.error_codes.iter().map(|e| ident(&e.name)).collect();
    let codes: Vec<i64> = spec.error_codes.iter().map(|e| e.code).collect();
    let meanings: Vec<&str> = spec
        .error_codes
        .iter()
        .map(|e| e.meaning.as_str())
        .collect();
    let docs: Vec<_> = spec
        .error_codes
        .iter()
        .map(|e| doc(&format!("`{}`: {}", e.code, e.meaning)))
        .collect();
    let rl: Vec<_> = spec
        .error_codes
        .iter()
        .filter(|e| e.rate_limited)
        .map(|e| ident(&e.name))
        .collect();
    let tr: Vec<_> = spec
        .error_codes
        .iter()
        .filter(|e| e.transient)
        .map(|e| ident(&e.name))
        .collect();
    let rl_match = if rl.is_empty() {
        quote! { false }
    } else {
        quote! { matches!(self, #(Self::#rl)|*) }
    };
    let tr_match = if tr.is_empty() {
        quote! { false }
    } else {
        quote! { matches!(self, #(Self::#tr)|*) }
    };
    quote! {
        //! The service's documented error codes (`common.yaml`).

        /// A value of the `ErrorCode` field of a response.
        ///
        /// Codes this SDK version does not know are kept in `Other`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            #(#docs #names,)*
            /// A code this SDK version does not know.
            Other(i64),
        }

        impl ErrorCode {
            /// Every code this SDK version knows.
            pub const ALL: &'static [ErrorCode] = &[#(Self::#names),*];

            /// The variant for a numeric code.
            pub fn from_code(code: i64) -> Self {
                match code {
                    #(#codes => Self::#names,)*
                    other => Self::Other(other),
                }
            }

            /// The numeric code.
            pub fn code(&self) -> i64 {
                match self {
                    #(Self::#names => #codes,)*
                    Self::Other(code) => *code,
                }
            }

            /// Tencent's documented meaning, if this SDK version knows the code.
            pub fn meaning(&self) -> Option<&'static str> {
                match self {
                    #(Self::#names => Some(#meanings),)*
                    Self::Other(_) => None,
                }
            }

            /// The server refused the call because of a rate limit; always safe to retry later.
            pub fn is_rate_limited(&self) -> bool {
                #rl_match
            }

            /// A temporary failure that may succeed later.
            pub fn is_transient(&self) -> bool {
                #tr_match
            }
        }

        impl From<i64> for ErrorCode {
            fn from(code: i64) -> Self {
                Self::from_code(code)
            }
        }

        impl std::fmt::Display for ErrorCode {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self.meaning() {
                    Some(m) => write!(f, "{} ({})", self.code(), m),
                    None => write!(f, "{}", self.code()),
                }
            }
        }
    }
}

pub fn regions_rs(spec: &Spec) -> TokenStream {
    let names: Vec<_> = spec.regions.iter().map(|r| ident(&r.name)).collect();
    let name_strs: Vec<&str> = spec.regions.iter().map(|r| r.name.as_str()).collect();
    let domains: Vec<&str> = spec.regions.iter().map(|r| r.domain.as_str()).collect();
    let aliases: Vec<TokenStream> = spec
        .regions
        .iter()
        .map(|r| {
            let a = &r.aliases;
            quote! { &[#(#a),*] }
        })
        .collect();
    let docs: Vec<_> = spec
        .regions
        .iter()
        .map(|r| doc(&format!("{}\n\nDomain `{}`.", r.doc, r.domain)))
        .collect();
    let message = format!(
        "unknown region {{:?}} (expected one of: {}, a domain or an alias)",
        name_strs.join(", ")
    );
    quote! {
        //! The service's regional admin domains (`common.yaml`).

        /// A region of the service, with its admin API domain.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Region {
            #(#docs #names,)*
        }

        impl Region {
            /// Every region.
            pub const ALL: &'static [Region] = &[#(Self::#names),*];

            /// The admin API domain (no scheme).
            pub fn domain(&self) -> &'static str {
                match self {
                    #(Self::#names => #domains,)*
                }
            }

            /// The variant name.
            pub fn name(&self) -> &'static str {
                match self {
                    #(Self::#names => #name_strs,)*
                }
            }

            /// Other accepted spellings.
            pub fn aliases(&self) -> &'static [&'static str] {
                match self {
                    #(Self::#names => #aliases,)*
                }
            }
        }

        impl std::fmt::Display for Region {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        /// A string that names no region.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct UnknownRegion(pub String);

        impl std::fmt::Display for UnknownRegion {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, #message, self.0)
            }
        }

        impl std::error::Error for UnknownRegion {}

        impl std::str::FromStr for Region {
            type Err = UnknownRegion;

            /// Accepts the variant name (any case), the domain or an alias.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let key = s.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|r| {
                        r.name().eq_ignore_ascii_case(key)
                            || r.domain().eq_ignore_ascii_case(key)
                            || r.aliases().iter().any(|a| a.eq_ignore_ascii_case(key))
                    })
                    .ok_or_else(|| UnknownRegion(s.to_owned()))
            }
        }
    }
}

pub fn webhooks_rs(spec: &Spec) -> TokenStream {
    let mut items = Vec::new();
    for w in &spec.webhooks {
        let t = &spec.types[&w.type_name];
        let mut d = format!("{}\n\nCallback command `{}`", w.summary, w.command);
        if !w.aliases.is_empty() {
            let a: Vec<String> = w.aliases.iter().map(|a| format!("`{a}`")).collect();
            d.push_str(&format!(" (also seen as {})", a.join(", ")));
        }
        d.push('.');
        if let Some(src) = w.source {
            d.push_str(&format!("\n\n{}", src.note()));
        }
        if let Some(x) = &w.doc {
            d.push_str(&format!("\n\n{x}"));
        }
        for u in &w.doc_urls {
            d.push_str(&format!("\n\nTencent documentation: <{u}>"));
        }
        items.push(named(spec, t, Some(doc(&d))));
        items.extend(crate::decision::decision_type(w));
    }
    items.extend(types_in(spec, "webhooks"));
    let variants: Vec<_> = spec.webhooks.iter().map(|w| ident(&w.name)).collect();
    let tys: Vec<_> = spec.webhooks.iter().map(|w| ident(&w.type_name)).collect();
    let vdocs: Vec<_> = spec
        .webhooks
        .iter()
        .map(|w| doc(&format!("`{}`: {}", w.command, w.summary)))
        .collect();
    let commands: Vec<&str> = spec.webhooks.iter().map(|w| w.command.as_str()).collect();
    let budget_arms: Vec<TokenStream> = spec
        .webhooks
        .iter()
        .filter_map(|w| {
            let d = w.decision.as_ref()?;
            let v = ident(&w.name);
            let ms = proc_macro2::Literal::u64_unsuffixed(d.budget_ms);
            Some(quote! { Self::#v(_) => Some(std::time::Duration::from_millis(#ms)), })
        })
        .collect();
    let budget_body = if budget_arms.is_empty() {
        quote! { None }
    } else {
        quote! {
            match self {
                #(#budget_arms)*
                _ => None,
            }
        }
    };
    let patterns: Vec<TokenStream> = spec
        .webhooks
        .iter()
        .map(|w| {
            let all = std::iter::once(&w.command).chain(&w.aliases);
            quote! { #(#all)|* }
        })
        .collect();
    quote! {
        //! Callbacks the service POSTs to the app (`webhooks.yaml`).
        #(#items)*

        /// A callback, dispatched on its `CallbackCommand`.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum WebhookEvent {
            #(#vdocs #variants(#tys),)*
            /// A callback this SDK version does not know, kept as received.
            Unknown {
                /// The `CallbackCommand` value.
                command: String,
                /// The JSON body as received.
                body: serde_json::Value,
            },
        }

        impl WebhookEvent {
            /// Every callback command this SDK version knows (canonical spellings).
            pub const COMMANDS: &'static [&'static str] = &[#(#commands),*];

            /// Parses a callback body, given its `CallbackCommand` (from the query string
            /// or the body). Unknown commands become [`WebhookEvent::Unknown`]; a body that
            /// is not JSON, or does not fit the known command's payload, is an error.
            pub fn parse(command: &str, body: &[u8]) -> Result<Self, serde_json::Error> {
                Ok(match command {
                    #(#patterns => Self::#variants(serde_json::from_slice(body)?),)*
                    _ => Self::Unknown {
                        command: command.to_owned(),
                        body: serde_json::from_slice(body)?,
                    },
                })
            }

            /// Parses a callback body, reading the command from its `CallbackCommand` field.
            pub fn from_body(body: &[u8]) -> Result<Self, serde_json::Error> {
                let value: serde_json::Value = serde_json::from_slice(body)?;
                let command = value
                    .get("CallbackCommand")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                Self::parse(&command, body)
            }

            /// How long the service waits for the receiver's answer, for a
            /// before-callback whose answer decides (see
            /// [`Decision`](crate::webhook::Decision)); `None` for notifications.
            pub fn decision_budget(&self) -> Option<std::time::Duration> {
                #budget_body
            }

            /// The callback command (canonical spelling for known callbacks).
            pub fn command(&self) -> &str {
                match self {
                    #(Self::#variants(_) => #commands,)*
                    Self::Unknown { command, .. } => command,
                }
            }
        }
    }
}

pub fn client_rs(spec: &Spec) -> TokenStream {
    let mut methods = Vec::new();
    for svc in &spec.services {
        for c in &svc.commands {
            let m = ident(&c.method);
            let req = type_path(spec, &c.type_name, "client");
            let resp = type_path(spec, &c.response_name, "client");
            let d = doc(&format!(
                "{}\n\nSends [`{}`]({}); see it for the fields.",
                command_doc(c),
                c.type_name,
                format_args!("super::{}::{}", c.module, c.type_name)
            ));
            methods.push(quote! {
                #d
                pub async fn #m(&self, request: #req) -> Result<crate::Reply<#resp>, crate::Error> {
                    self.call(&request).await
                }
            });
            if let Some(p) = &c.paging {
                let all = format_ident!("{}_all", c.method);
                let item = rust_ty(spec, &p.item_ty, "client");
                let end = match p.end {
                    PagingEnd::Empty => "comes back empty or absent",
                    PagingEnd::Zero => "comes back as 0 or absent",
                };
                let d = doc(&format!(
                    "Every item of `{cmd}`: sends [`{t}`]({m}) for the first page, then again with \
                     `{rc}` set to the `{pc}` of each answer until it {end}, and returns the \
                     `{it}` entries of all pages in order.\n\n\
                     The page size is the one set on `request`; a cursor set on `request` is the \
                     starting point. Each page is a separate call through \
                     [`call`](crate::Client::call) (same validation, signing, retries and \
                     errors); the first failing page fails the whole listing. If the server \
                     returns a cursor already sent in this listing, it stops with \
                     [`Error::RepeatedCursor`](crate::Error::RepeatedCursor) rather than loop \
                     forever or return a partial list.",
                    cmd = c.command,
                    t = c.type_name,
                    m = format_args!("super::{}::{}", c.module, c.type_name),
                    rc = p.request_cursor.wire,
                    pc = p.response_cursor.wire,
                    it = p.items.wire,
                ));
                methods.push(quote! {
                    #d
                    pub async fn #all(&self, request: #req) -> Result<Vec<#item>, crate::Error> {
                        self.call_all(request).await
                    }
                });
                let pages = format_ident!("{}_pages", c.method);
                let d = doc(&format!(
                    "The pages of `{cmd}` as a stream: each page is the typed answer with its \
                     `RequestId`. Sends [`{t}`]({m}) when the first page is polled, then again \
                     with `{rc}` set to the `{pc}` of each answer until it {end}.\n\n\
                     Stop early by dropping the stream; a failing page ends it with the error. \
                     See [`paging`](crate::paging).",
                    cmd = c.command,
                    t = c.type_name,
                    m = format_args!("super::{}::{}", c.module, c.type_name),
                    rc = p.request_cursor.wire,
                    pc = p.response_cursor.wire,
                ));
                methods.push(quote! {
                    #d
                    pub fn #pages(&self, request: #req) -> crate::paging::Pages<#req> {
                        self.pages(request)
                    }
                });
            }
        }
    }
    quote! {
        //! One typed method per command on [`crate::Client`].
        impl crate::Client {
            #(#methods)*
        }
    }
}

pub fn catalog_rs(spec: &Spec) -> TokenStream {
    let infos: Vec<TokenStream> = spec
        .services
        .iter()
        .flat_map(|s| &s.commands)
        .map(|c| {
            let t = type_path(spec, &c.type_name, "catalog");
            quote! { <#t as crate::command::Command>::INFO }
        })
        .collect();
    quote! {
        //! Every command this SDK version knows, for routing by service and command name.

        /// The facts of every command this SDK version knows, service by service.
        pub static COMMANDS: &[&crate::command::CommandInfo] = &[#(#infos),*];

        /// The command with this `servicename` and `command`, if this SDK version knows it.
        pub fn find(service: &str, command: &str) -> Option<&'static crate::command::CommandInfo> {
            COMMANDS.iter().copied().find(|c| c.service == service && c.command == command)
        }
    }
}

pub fn body_name(c: &Command) -> proc_macro2::Ident {
    format_ident!("{}Body", c.type_name)
}

pub fn bodies_rs(spec: &Spec) -> TokenStream {
    let mut items = Vec::new();
    for c in spec.services.iter().flat_map(|s| &s.commands) {
        let name = body_name(c);
        let resp = type_path(spec, &c.response_name, "bodies");
        let d = doc(&format!(
            "The whole HTTP body answering `{}/{}`.",
            c.service, c.command
        ));
        let payload = match &c.payload {
            Payload::Wrapped(w) => quote! {
                /// The payload (absent in error answers).
                #[serde(rename = #w, default, skip_serializing_if = "Option::is_none")]
                pub payload: Option<#resp>,
                /// Other top-level fields.
                #[serde(flatten)]
                pub extra: serde_json::Map<String, serde_json::Value>,
            },
            Payload::TopLevel => quote! {
                /// The payload fields, next to the envelope.
                #[serde(flatten)]
                pub payload: #resp,
            },
            Payload::None => quote! {
                /// Other top-level fields.
                #[serde(flatten)]
                pub extra: serde_json::Map<String, serde_json::Value>,
            },
        };
        items.push(quote! {
            #d
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            pub struct #name {
                /// `ActionStatus`, `ErrorCode`, `ErrorInfo`, `RequestId`.
                #[serde(flatten)]
                pub envelope: crate::wire::Envelope,
                #payload
            }
        });
    }
    quote! {
        //! Whole HTTP response bodies (envelope + payload), for the wire tests.
        #![allow(dead_code)]
        #(#items)*
    }
}

fn test_ident(prefix: &str, file: &str) -> proc_macro2::Ident {
    let stem = file.trim_end_matches(".json");
    let mut s: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    while s.contains("__") {
        s = s.replace("__", "_");
    }
    format_ident!("{}_{}", prefix, s.trim_matches('_'))
}

fn read_sample(spec: &Spec, ctx: &Ctx, name: &str) -> Result<Value, SpecError> {
    let text = sample_text(spec, ctx, name)?;
    serde_json::from_str(&text).map_err(|e| ctx.err(format!("not JSON: {e}")))
}

/// The text of a documented sample, embedded verbatim in the wire tests so
/// the published crate's tests need no file outside the package.
fn sample_text(spec: &Spec, ctx: &Ctx, name: &str) -> Result<String, SpecError> {
    std::fs::read_to_string(spec.dir.join("samples").join(name))
        .map_err(|e| ctx.err(format!("cannot read: {e}")))
}

/// The expected JSON in a test: the sample itself when the SDK sends it back
/// verbatim, otherwise the normalized form embedded as a literal.
///
/// The second value is the sample's own text when it differs from the
/// expected JSON (tests also parse it).
fn expected(
    spec: &Spec,
    ctx: &Ctx,
    name: &str,
    sample: &Value,
    normal: &Value,
) -> Result<(TokenStream, Option<String>), SpecError> {
    let raw = sample_text(spec, ctx, name)?;
    Ok(if sample == normal {
        (quote! { crate::wire::sample_json(#raw) }, None)
    } else {
        let text = serde_json::to_string_pretty(normal).unwrap_or_default();
        (quote! { crate::wire::sample_json(#text) }, Some(raw))
    })
}

const NORMAL_NOTE: &str = "The sample writes some values in a form the SDK accepts but does not \
send (an integer account, a boolean or number as a string); the expected JSON is the sample in \
the SDK's own form, and parsing the original sample must give the same value.";

/// Most aliases any field of the spec has (one alias-variant test per alias index).
fn max_aliases(spec: &Spec) -> usize {
    spec.types
        .values()
        .filter_map(|t| match &t.kind {
            TypeKind::Object(fields) => fields.iter().map(|f| f.aliases.len()).max(),
            TypeKind::Enum(..) => None,
        })
        .max()
        .unwrap_or(0)
}

/// Keeps generated test names unique: two sample files whose names map to the
/// same identifier are a spec error (a file listed twice is tested once).
fn unique_test(
    used: &mut std::collections::BTreeSet<String>,
    ctx: &Ctx,
    ident: proc_macro2::Ident,
) -> Result<proc_macro2::Ident, SpecError> {
    if used.insert(ident.to_string()) {
        Ok(ident)
    } else {
        Err(ctx.err(format!(
            "the wire test name `{ident}` derived from this sample's file name is already taken by another sample; rename one of the files"
        )))
    }
}

pub fn wire_tests_rs(spec: &Spec) -> Result<TokenStream, SpecError> {
    let mut tests = Vec::new();
    // a sample listed twice by the same command (paired with different halves) is tested once
    let mut done = std::collections::BTreeSet::new();
    let mut used = std::collections::BTreeSet::new();
    let alias_count = max_aliases(spec);
    for svc in &spec.services {
        for c in &svc.commands {
            let ctx = Ctx::file(&svc.file).at(format!("command {}", c.command));
            let req_ty = type_path(spec, &c.type_name, "wire_tests");
            let TypeKind::Object(req_fields) = &spec.types[&c.type_name].kind else {
                continue;
            };
            for s in &c.samples {
                if let Some(name) = s
                    .request
                    .as_ref()
                    .filter(|n| done.insert(format!("request {} {n}", c.type_name)))
                {
                    let sctx = ctx.at(format!("sample {name}"));
                    let sample = read_sample(spec, &sctx, name)?;
                    let normal = samples::normalize_object(
                        spec,
                        &sample,
                        req_fields,
                        false,
                        &c.type_name,
                        &sctx,
                        "",
                    )?;
                    let build =
                        samples::build_object(spec, &normal, req_fields, &req_ty, &sctx, "")?;
                    let (exp, original) = expected(spec, &sctx, name, &sample, &normal)?;
                    let fname = unique_test(&mut used, &sctx, test_ident("request", name))?;
                    for k in 0..alias_count {
                        if let Some(aliased) =
                            samples::object_with_alias(spec, &normal, req_fields, k)
                        {
                            let tname = unique_test(
                                &mut used,
                                &sctx,
                                format_ident!("{}_alias_{}", fname, k + 1),
                            )?;
                            let text = serde_json::to_string_pretty(&aliased).unwrap_or_default();
                            let d = doc(&format!(
                                "The documented sample `{name}` with aliased fields under alias number {} parses to the same value and is written back under the wire names.",
                                k + 1
                            ));
                            tests.push(quote! {
                                #d
                                #[test]
                                fn #tname() {
                                    crate::wire::check_parses_as(#text, &#build);
                                }
                            });
                        }
                    }
                    let mut d =
                        format!("Builds the documented sample `{name}` through the typed API.");
                    if original.is_some() {
                        d.push_str(&format!("\n\n{NORMAL_NOTE}"));
                    }
                    let d = doc(&d);
                    let parse_original = original.map(|inc| {
                        quote! {
                            crate::wire::check_parses_as(#inc, &built);
                        }
                    });
                    tests.push(quote! {
                        #d
                        #[test]
                        fn #fname() {
                            let built = #build;
                            crate::wire::check_request_sample(#exp, &built);
                            #parse_original
                        }
                    });
                }
                if let Some(name) = s
                    .response
                    .as_ref()
                    .filter(|n| done.insert(format!("response {} {n}", c.type_name)))
                {
                    let sctx = ctx.at(format!("sample {name}"));
                    let sample = read_sample(spec, &sctx, name)?;
                    let normal = normalize_body(spec, c, &sample, &sctx)?;
                    let (exp, original) = expected(spec, &sctx, name, &sample, &normal)?;
                    let body = body_name(c);
                    let fname = unique_test(&mut used, &sctx, test_ident("response", name))?;
                    for k in 0..alias_count {
                        if let Some(aliased) = body_with_alias(spec, c, &normal, k) {
                            let tname = unique_test(
                                &mut used,
                                &sctx,
                                format_ident!("{}_alias_{}", fname, k + 1),
                            )?;
                            let text = serde_json::to_string_pretty(&aliased).unwrap_or_default();
                            let exp_text =
                                serde_json::to_string_pretty(&normal).unwrap_or_default();
                            let d = doc(&format!(
                                "The documented sample `{name}` with aliased fields under alias number {} parses to the same value and is written back under the wire names.",
                                k + 1
                            ));
                            tests.push(quote! {
                                #d
                                #[test]
                                fn #tname() {
                                    let parsed: super::bodies::#body = crate::wire::check_response_sample(crate::wire::sample_json(#exp_text));
                                    crate::wire::check_parses_as(#text, &parsed);
                                }
                            });
                        }
                    }
                    let mut d = format!(
                        "Parses the documented sample `{name}` and writes it back without loss."
                    );
                    if original.is_some() {
                        d.push_str(&format!("\n\n{NORMAL_NOTE}"));
                    }
                    let d = doc(&d);
                    let check = match original {
                        Some(inc) => quote! {
                            let parsed: super::bodies::#body = crate::wire::check_response_sample(#exp);
                            crate::wire::check_parses_as(#inc, &parsed);
                        },
                        None => quote! {
                            crate::wire::check_response_sample::<super::bodies::#body>(#exp);
                        },
                    };
                    tests.push(quote! {
                        #d
                        #[test]
                        fn #fname() {
                            #check
                        }
                    });
                }
            }
        }
    }
    for w in &spec.webhooks {
        let ctx = Ctx::file(&spec.webhooks_file).at(format!("command {}", w.command));
        let t = &spec.types[&w.type_name];
        let TypeKind::Object(fields) = &t.kind else {
            continue;
        };
        let variant = ident(&w.name);
        let command = &w.command;
        for name in w
            .samples
            .iter()
            .filter(|n| done.insert(format!("webhook {n}")))
        {
            let sctx = ctx.at(format!("sample {name}"));
            let sample = read_sample(spec, &sctx, name)?;
            let normal =
                samples::normalize_object(spec, &sample, fields, true, &w.type_name, &sctx, "")?;
            let (exp, _) = expected(spec, &sctx, name, &sample, &normal)?;
            let raw = sample_text(spec, &sctx, name)?;
            let fname = unique_test(&mut used, &sctx, test_ident("webhook", name))?;
            let d = doc(&format!(
                "Parses the documented callback `{name}` and writes it back without loss."
            ));
            tests.push(quote! {
                #d
                #[test]
                fn #fname() {
                    let event = crate::wire::check_webhook_sample(#command, #raw.as_bytes());
                    let super::webhooks::WebhookEvent::#variant(payload) = &event else {
                        panic!("wrong variant: {event:?}");
                    };
                    let expected = #exp;
                    assert_eq!(serde_json::to_value(payload).expect("serializes"), expected);
                }
            });
        }
    }
    for t in spec.types.values() {
        let TypeKind::Enum(kind, values) = &t.kind else {
            continue;
        };
        let p = type_path(spec, &t.name, "wire_tests");
        let fname = format_ident!(
            "open_enum_{}",
            heck::ToSnakeCase::to_snake_case(t.name.as_str())
        );
        let d = doc(&format!(
            "`{}` round-trips every known value and keeps unknown ones.",
            t.name
        ));
        let body = match kind {
            crate::spec::EnumKind::String => {
                let pairs: Vec<TokenStream> = values
                    .iter()
                    .map(|v| {
                        let vn = ident(&v.variant);
                        let w = match &v.wire {
                            crate::spec::WireValue::Str(s) => s.clone(),
                            crate::spec::WireValue::Int(i) => i.to_string(),
                        };
                        quote! { (#p::#vn, #w) }
                    })
                    .collect();
                quote! {
                    crate::wire::check_open_str_enum(
                        &[#(#pairs),*],
                        #p::Unknown(String::from("NotInTheSpec")),
                    );
                }
            }
            crate::spec::EnumKind::Integer => {
                let pairs: Vec<TokenStream> = values
                    .iter()
                    .map(|v| {
                        let vn = ident(&v.variant);
                        let w = match &v.wire {
                            crate::spec::WireValue::Int(i) => {
                                proc_macro2::Literal::i64_unsuffixed(*i)
                            }
                            crate::spec::WireValue::Str(_) => {
                                proc_macro2::Literal::i64_unsuffixed(0)
                            }
                        };
                        quote! { (#p::#vn, #w) }
                    })
                    .collect();
                quote! {
                    crate::wire::check_open_int_enum(&[#(#pairs),*], #p::Unknown(987654));
                }
            }
        };
        tests.push(quote! {
            #d
            #[test]
            fn #fname() {
                #body
            }
        });
    }
    Ok(quote! {
        //! Wire tests generated from the documented samples in `api-spec/samples/`.
        #(#tests)*
    })
}

/// A normalized answer body with its payload's aliased fields renamed to alias number `n`.
fn body_with_alias(spec: &Spec, c: &Command, body: &Value, n: usize) -> Option<Value> {
    let TypeKind::Object(fields) = &spec.types[&c.response_name].kind else {
        return None;
    };
    match &c.payload {
        Payload::TopLevel => samples::object_with_alias(spec, body, fields, n),
        Payload::Wrapped(w) => {
            let inner = body.get(w)?;
            let aliased = samples::object_with_alias(spec, inner, fields, n)?;
            let mut out = body.clone();
            out[w.as_str()] = aliased;
            Some(out)
        }
        Payload::None => None,
    }
}

fn normalize_body(spec: &Spec, c: &Command, sample: &Value, ctx: &Ctx) -> Result<Value, SpecError> {
    let TypeKind::Object(fields) = &spec.types[&c.response_name].kind else {
        return Err(ctx.err("payload is not an object"));
    };
    let Value::Object(map) = sample else {
        return Err(ctx.err("a response body must be a JSON object"));
    };
    let envelope = [
        ("ActionStatus", Ty::String, true),
        ("ErrorCode", Ty::I64, true),
        ("ErrorInfo", Ty::String, false),
        ("RequestId", Ty::String, false),
    ];
    let mut out = serde_json::Map::new();
    for (k, ty, req) in &envelope {
        match map.get(*k) {
            Some(v) => {
                out.insert((*k).to_owned(), samples::normalize(spec, v, ty, ctx, k)?);
            }
            None if *req => return Err(ctx.err(format!("envelope field `{k}` is missing"))),
            None => {}
        }
    }
    let rest: serde_json::Map<String, Value> = map
        .iter()
        .filter(|(k, _)| !envelope.iter().any(|e| e.0 == k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    match &c.payload {
        Payload::Wrapped(w) => {
            for (k, v) in rest {
                if &k == w {
                    if !v.is_null() {
                        let n = samples::normalize_object(
                            spec,
                            &v,
                            fields,
                            true,
                            &c.response_name,
                            ctx,
                            w,
                        )?;
                        out.insert(k, n);
                    }
                } else {
                    out.insert(k, v);
                }
            }
        }
        Payload::TopLevel => {
            let n = samples::normalize_object(
                spec,
                &Value::Object(rest),
                fields,
                true,
                &c.response_name,
                ctx,
                "",
            )?;
            if let Value::Object(m) = n {
                out.extend(m);
            }
        }
        Payload::None => out.extend(rest),
    }
    Ok(Value::Object(out))
}

/// Whether some named type belongs to no module of commands or webhooks
/// (then `types.rs` holds it).
pub fn has_loose_types(spec: &Spec) -> bool {
    spec.types.values().any(|t| t.module == "types")
}

pub fn mod_rs(spec: &Spec) -> TokenStream {
    let mods: Vec<_> = spec.modules.iter().map(|m| ident(&m.name)).collect();
    let (types_mod, types_use) = if has_loose_types(spec) {
        (
            quote! { pub mod types; },
            quote! { pub use super::types::*; },
        )
    } else {
        (quote! {}, quote! {})
    };
    quote! {
        #(pub mod #mods;)*
        #types_mod
        pub mod errors;
        pub mod regions;
        pub mod webhooks;
        pub mod catalog;
        mod client;
        #[cfg(test)]
        mod bodies;
        #[cfg(test)]
        mod wire_tests;
        #[cfg(test)]
        mod prop_tests;

        /// The modules of commands, one per area users manage, for the crate root.
        pub mod groups {
            #(pub use super::#mods;)*
        }

        /// The generated types of the modules of commands and webhooks, for a
        /// flat re-export at the crate root (`ErrorCode` and `Region` are
        /// re-exported with the `error` and `client` modules).
        pub mod prelude {
            #(pub use super::#mods::*;)*
            #types_use
            pub use super::webhooks::*;
        }
    }
}
