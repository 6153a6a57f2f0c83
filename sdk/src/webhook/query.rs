//! The query parameters Tencent appends to the callback URL.

use std::fmt;

/// How much of a malformed value an error repeats (the rest is dropped).
const MAX_ECHOED_CHARS: usize = 64;

use super::WebhookError;

/// The client platform that caused an event (`OptPlatform` query parameter).
///
/// Parsed case-insensitively (the Chat docs note that some events send `IOS`);
/// values this SDK does not know are kept in [`OptPlatform::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OptPlatform {
    /// `RESTAPI`: the event was caused by a server REST call.
    RestApi,
    /// `Web`.
    Web,
    /// `Android`.
    Android,
    /// `iOS`.
    Ios,
    /// `Windows`.
    Windows,
    /// `Mac`.
    Mac,
    /// `iPad`.
    IPad,
    /// `Unknown`: Tencent could not tell the platform.
    Unknown,
    /// A value this SDK version does not know, kept verbatim.
    Other(String),
}

impl OptPlatform {
    /// Parse a wire value (case-insensitive for the documented values).
    pub fn from_wire(value: &str) -> Self {
        const KNOWN: &[(&str, OptPlatform)] = &[
            ("RESTAPI", OptPlatform::RestApi),
            ("Web", OptPlatform::Web),
            ("Android", OptPlatform::Android),
            ("iOS", OptPlatform::Ios),
            ("Windows", OptPlatform::Windows),
            ("Mac", OptPlatform::Mac),
            ("iPad", OptPlatform::IPad),
            ("Unknown", OptPlatform::Unknown),
        ];
        KNOWN
            .iter()
            .find(|(wire, _)| wire.eq_ignore_ascii_case(value))
            .map(|(_, platform)| platform.clone())
            .unwrap_or_else(|| OptPlatform::Other(value.to_owned()))
    }

    /// The documented wire spelling (or the kept value for
    /// [`OptPlatform::Other`]).
    pub fn as_str(&self) -> &str {
        match self {
            OptPlatform::RestApi => "RESTAPI",
            OptPlatform::Web => "Web",
            OptPlatform::Android => "Android",
            OptPlatform::Ios => "iOS",
            OptPlatform::Windows => "Windows",
            OptPlatform::Mac => "Mac",
            OptPlatform::IPad => "iPad",
            OptPlatform::Unknown => "Unknown",
            OptPlatform::Other(value) => value,
        }
    }
}

impl fmt::Display for OptPlatform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The metadata of one webhook delivery, read from the callback URL's query
/// string.
///
/// Tencent spells two names in two ways across its pages (`SdkAppid` /
/// `SdkAppId`, `CallbackCommand` / `WebhookCommand`); [`WebhookQuery::parse`]
/// matches every parameter name ignoring ASCII case and accepts both
/// spellings. [`WebhookQuery::to_query_string`] writes the spelling of the
/// Room per-event pages, so a sender (such as the emulator) can build the
/// same URL.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebhookQuery {
    /// `SdkAppid`: the application the event belongs to.
    pub sdk_app_id: u64,
    /// `CallbackCommand` (or `WebhookCommand`), e.g.
    /// `Room.CallbackAfterCreateRoom`. `None` when the query does not name
    /// it (the body's `CallbackCommand` is then used).
    pub command: Option<String>,
    /// `contenttype`, documented as always `json`.
    pub content_type: Option<String>,
    /// `ClientIP`: the address of the client that caused the event.
    pub client_ip: Option<String>,
    /// `OptPlatform`: the platform that caused the event.
    pub opt_platform: Option<OptPlatform>,
    /// `RequestTime`, verbatim (Unix seconds as a decimal string), present
    /// when token authentication is enabled.
    pub request_time: Option<String>,
    /// `Sign`, present when token authentication is enabled. Not shown by
    /// `Debug`.
    pub sign: Option<String>,
    /// Every other query parameter, in order, verbatim (decoded).
    pub extra: Vec<(String, String)>,
}

impl fmt::Debug for WebhookQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookQuery")
            .field("sdk_app_id", &self.sdk_app_id)
            .field("command", &self.command)
            .field("content_type", &self.content_type)
            .field("client_ip", &self.client_ip)
            .field("opt_platform", &self.opt_platform)
            .field("request_time", &self.request_time)
            .field("sign", &self.sign.as_ref().map(|_| "<present>"))
            .field("extra", &self.extra)
            .finish()
    }
}

/// The parameters recognised by name (matched ignoring ASCII case).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Known {
    SdkAppId,
    Command,
    ContentType,
    ClientIp,
    OptPlatform,
    RequestTime,
    Sign,
}

impl Known {
    fn of(name: &str) -> Option<Known> {
        const NAMES: &[(&str, Known)] = &[
            ("SdkAppid", Known::SdkAppId),
            ("CallbackCommand", Known::Command),
            ("WebhookCommand", Known::Command),
            ("contenttype", Known::ContentType),
            ("ClientIP", Known::ClientIp),
            ("OptPlatform", Known::OptPlatform),
            ("RequestTime", Known::RequestTime),
            ("Sign", Known::Sign),
        ];
        NAMES
            .iter()
            .find(|(wire, _)| wire.eq_ignore_ascii_case(name))
            .map(|(_, known)| *known)
    }

    fn wire_name(self) -> &'static str {
        match self {
            Known::SdkAppId => "SdkAppid",
            Known::Command => "CallbackCommand",
            Known::ContentType => "contenttype",
            Known::ClientIp => "ClientIP",
            Known::OptPlatform => "OptPlatform",
            Known::RequestTime => "RequestTime",
            Known::Sign => "Sign",
        }
    }
}

/// Store `value` in `slot`, refusing a second, different value.
fn put(slot: &mut Option<String>, known: Known, value: String) -> Result<(), WebhookError> {
    match slot {
        Some(existing) if *existing != value => {
            Err(WebhookError::ConflictingParameter(known.wire_name()))
        }
        Some(_) => Ok(()),
        None => {
            *slot = Some(value);
            Ok(())
        }
    }
}

impl WebhookQuery {
    /// Metadata for a delivery of `command` to application `sdk_app_id`, with
    /// `contenttype=json` and nothing else set (a sender's starting point).
    pub fn new(sdk_app_id: u64, command: impl Into<String>) -> Self {
        WebhookQuery {
            sdk_app_id,
            command: Some(command.into()),
            content_type: Some("json".to_owned()),
            client_ip: None,
            opt_platform: None,
            request_time: None,
            sign: None,
            extra: Vec::new(),
        }
    }

    /// Set `ClientIP`.
    pub fn client_ip(mut self, client_ip: impl Into<String>) -> Self {
        self.client_ip = Some(client_ip.into());
        self
    }

    /// Set `OptPlatform`.
    pub fn opt_platform(mut self, platform: OptPlatform) -> Self {
        self.opt_platform = Some(platform);
        self
    }

    /// Add `RequestTime` and the matching `Sign` computed from `token`
    /// (what Tencent does when webhook token authentication is enabled).
    pub fn signed(mut self, token: &str, request_time_unix_seconds: u64) -> Self {
        let request_time = request_time_unix_seconds.to_string();
        self.sign = Some(super::compute_sign(token, &request_time));
        self.request_time = Some(request_time);
        self
    }

    /// Parse the query string of a callback URL (the part after `?`; a
    /// leading `?` is accepted). Percent-encoding and `+` are decoded.
    ///
    /// Only the presence and form of `SdkAppid` are checked here; use a
    /// [`WebhookVerifier`](super::WebhookVerifier) to check who sent it.
    pub fn parse(query: &str) -> Result<Self, WebhookError> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut sdk_app_id = None;
        let mut command = None;
        let mut content_type = None;
        let mut client_ip = None;
        let mut opt_platform = None;
        let mut request_time = None;
        let mut sign = None;
        let mut extra = Vec::new();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let value = value.into_owned();
            let Some(known) = Known::of(&name) else {
                extra.push((name.into_owned(), value));
                continue;
            };
            let slot = match known {
                Known::SdkAppId => &mut sdk_app_id,
                Known::Command => &mut command,
                Known::ContentType => &mut content_type,
                Known::ClientIp => &mut client_ip,
                Known::OptPlatform => &mut opt_platform,
                Known::RequestTime => &mut request_time,
                Known::Sign => &mut sign,
            };
            put(slot, known, value)?;
        }
        let sdk_app_id = sdk_app_id.ok_or(WebhookError::MissingParameter("SdkAppid"))?;
        let sdk_app_id =
            parse_decimal(&sdk_app_id).ok_or_else(|| WebhookError::MalformedSdkAppId {
                value: sdk_app_id.chars().take(MAX_ECHOED_CHARS).collect(),
            })?;
        Ok(WebhookQuery {
            sdk_app_id,
            command,
            content_type,
            client_ip,
            opt_platform: opt_platform.as_deref().map(OptPlatform::from_wire),
            request_time,
            sign,
            extra,
        })
    }

    /// Write the parameters as a query string (without the leading `?`),
    /// using the Room per-event pages' spelling: `SdkAppid`,
    /// `CallbackCommand`, `contenttype`, `ClientIP`, `OptPlatform`, then
    /// `RequestTime` and `Sign` when set, then the extra parameters.
    pub fn to_query_string(&self) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        out.append_pair("SdkAppid", &self.sdk_app_id.to_string());
        let optional = [
            ("CallbackCommand", self.command.as_deref()),
            ("contenttype", self.content_type.as_deref()),
            ("ClientIP", self.client_ip.as_deref()),
            (
                "OptPlatform",
                self.opt_platform.as_ref().map(OptPlatform::as_str),
            ),
            ("RequestTime", self.request_time.as_deref()),
            ("Sign", self.sign.as_deref()),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                out.append_pair(name, value);
            }
        }
        for (name, value) in &self.extra {
            out.append_pair(name, value);
        }
        out.finish()
    }
}

/// A plain decimal `u64` (ASCII digits only, no sign, no spaces).
pub(crate) fn parse_decimal(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}
