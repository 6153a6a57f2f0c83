//! The service's error answers: an `ErrorCode` plus an `ErrorInfo` text.

use std::fmt;

/// Error codes the emulator answers with (all documented by Tencent).
pub mod codes {
    /// HTTP request could not be parsed (bad query string, `random`, `contenttype`).
    pub const HTTP_PARSE: i64 = 60002;
    /// The request body is not a JSON object.
    pub const JSON_PARSE: i64 = 60003;
    /// Invalid SDKAppID.
    pub const INVALID_SDK_APP_ID: i64 = 60006;
    /// REST call rate limit exceeded.
    pub const RATE_LIMITED: i64 = 60007;
    /// Unknown request resource (service or command).
    pub const UNKNOWN_RESOURCE: i64 = 60009;
    /// The identifier is not the App administrator.
    pub const ADMIN_REQUIRED: i64 = 60010;
    /// `sdkappid` missing from the URL.
    pub const MISSING_SDK_APP_ID: i64 = 60012;
    /// Request disabled (used for catalog commands this emulator does not implement).
    pub const REQUEST_DISABLED: i64 = 60017;
    /// UserSig expired.
    pub const USERSIG_EXPIRED: i64 = 70001;
    /// UserSig empty.
    pub const USERSIG_EMPTY: i64 = 70002;
    /// UserSig invalid (not decodable).
    pub const USERSIG_INVALID: i64 = 70003;
    /// UserSig verification failed (wrong key or altered content).
    pub const USERSIG_VERIFY_FAILED: i64 = 70009;
    /// Identifier in the request differs from the one in the UserSig.
    pub const IDENTIFIER_MISMATCH: i64 = 70013;
    /// SDKAppID in the request differs from the one in the UserSig.
    pub const SDK_APP_ID_MISMATCH: i64 = 70014;
    /// The UserSig is no longer valid (revoked by `kick`).
    pub const USERSIG_REVOKED: i64 = 70052;
    /// The account has not been imported.
    pub const ACCOUNT_NOT_IMPORTED: i64 = 70107;
    /// A parameter of an account request is invalid.
    pub const ACCOUNT_PARAM_INVALID: i64 = 70402;
    /// openim: the body is not valid JSON, or `To_Account` is empty.
    pub const OPENIM_JSON_INVALID: i64 = 90001;
    /// openim: `To_Account` is malformed.
    pub const OPENIM_ACCOUNT_LIST_MALFORMED: i64 = 90003;
    /// openim: too many accounts in one call.
    pub const OPENIM_TOO_MANY_ACCOUNTS: i64 = 90011;
    /// Chat (IM) group service: invalid parameter.
    pub const IM_BAD_PARAM: i64 = 10004;
    /// Server internal error.
    pub const INTERNAL: i64 = 100001;
    /// Invalid request parameter.
    pub const BAD_PARAM: i64 = 100002;
    /// The room ID already exists (documented on Live's create_room, for
    /// the engine Room and Live share).
    pub const ROOM_EXISTS: i64 = 100003;
    /// The room does not exist.
    pub const ROOM_NOT_FOUND: i64 = 100004;
    /// The user is not a member of the room.
    pub const NOT_MEMBER: i64 = 100005;
    /// The operation is not permitted.
    pub const NO_PERMISSION: i64 = 100006;
    /// The room ID exists with the same owner (reuse it).
    pub const ROOM_EXISTS_SAME_OWNER: i64 = 100010;
    /// Live: the new owner is banned from the room.
    pub const NEW_OWNER_BANNED: i64 = 100016;
    /// Live: more than 5 administrators.
    pub const TOO_MANY_ADMINS: i64 = 100020;
    /// The seat is locked.
    pub const SEAT_LOCKED: i64 = 100200;
    /// The user is already on a seat.
    pub const ALREADY_ON_SEAT: i64 = 100203;
    /// All seats are occupied.
    pub const SEATS_FULL: i64 = 100205;
    /// Another user occupies the seat.
    pub const SEAT_OCCUPIED: i64 = 100210;
    /// The room has seats turned off.
    pub const SEATS_DISABLED: i64 = 100211;
    /// A callback configuration already exists.
    pub const CALLBACK_EXISTS: i64 = 100300;
    /// No callback configuration exists.
    pub const CALLBACK_MISSING: i64 = 100301;
    /// Live: no webhook-authentication token is configured.
    pub const CALLBACK_TOKEN_MISSING: i64 = 100302;
    /// Live: room metadata would have more than 10 keys.
    pub const METADATA_TOO_MANY_KEYS: i64 = 100500;
    /// Live: a metadata value exceeds 2 KB.
    pub const METADATA_VALUE_TOO_LARGE: i64 = 100501;
    /// Live: the metadata values exceed 16 KB in total.
    pub const METADATA_TOO_LARGE: i64 = 100502;
    /// Live: the gift ID does not exist.
    pub const GIFT_NOT_FOUND: i64 = 102002;
    /// Live: the gift before-callback failed (or refused the gift).
    pub const GIFT_CALLBACK_FAILED: i64 = 102004;
    /// Chat group service: the group does not exist.
    pub const IM_GROUP_NOT_FOUND: i64 = 10010;
    /// Chat group service: the sender is muted in the group.
    pub const IM_SENDER_MUTED: i64 = 10017;
    /// Profile service: a parameter is invalid.
    pub const PROFILE_BAD_PARAM: i64 = 40001;
    /// Profile service: the user does not exist.
    pub const PROFILE_NO_ACCOUNT: i64 = 40003;
}

/// A failed call: the `ErrorCode` and `ErrorInfo` of the answer envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The `ErrorCode`.
    pub code: i64,
    /// The `ErrorInfo` text.
    pub info: String,
}

impl ApiError {
    /// An error with any code.
    pub fn new(code: i64, info: impl Into<String>) -> Self {
        Self {
            code,
            info: info.into(),
        }
    }

    /// 100002: invalid request parameter.
    pub fn bad_param(info: impl Into<String>) -> Self {
        Self::new(codes::BAD_PARAM, info)
    }

    /// 100004: the room does not exist.
    pub fn room_not_found(room_id: &str) -> Self {
        Self::new(
            codes::ROOM_NOT_FOUND,
            format!("room {room_id:?} does not exist"),
        )
    }

    /// 100005: the user is not a member of the room.
    pub fn not_member(account: &str) -> Self {
        Self::new(
            codes::NOT_MEMBER,
            format!("user {account:?} is not a member of the room"),
        )
    }

    /// 70107: the account has not been imported.
    pub fn account_not_imported(account: &str) -> Self {
        Self::new(
            codes::ACCOUNT_NOT_IMPORTED,
            format!("account {account:?} has not been imported"),
        )
    }

    /// 100006: the operation is not permitted.
    pub fn no_permission(info: impl Into<String>) -> Self {
        Self::new(codes::NO_PERMISSION, info)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error {}: {}", self.code, self.info)
    }
}

impl std::error::Error for ApiError {}
