//! The Chat side of rooms: every room (Room and Live) has a Chat group with
//! the room's ID (`group_open_http_svc/get_appid_group_list`), and user
//! profiles (`profile/portrait_set`, `portrait_get`).

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::error::{codes, ApiError};

/// The group type of a room's group (an assumption: the docs do not say
/// which type TUIRoomKit / TUILiveKit rooms create).
pub const ROOM_GROUP_TYPE: &str = "AVChatRoom";
/// Largest (and default) `Limit` of `get_appid_group_list`.
pub const MAX_GROUP_PAGE: u32 = 10_000;
/// The group types of `GroupType`.
pub const GROUP_TYPES: [&str; 5] = ["Public", "Private", "ChatRoom", "AVChatRoom", "BChatRoom"];
/// First cursor value: beyond 32 bits, as on the real service (a client
/// that parses `Next` as a 32-bit integer fails here, not in production).
const FIRST_CURSOR: u64 = 1 << 32;

/// A group.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Group {
    /// `GroupId`.
    pub id: String,
    /// Its type, e.g. `AVChatRoom`.
    pub group_type: String,
}

/// One page of `get_appid_group_list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupPage {
    /// The group IDs of this page, in creation order.
    pub group_ids: Vec<String>,
    /// Cursor of the next page; 0 when this is the last one.
    pub next: u64,
    /// Every group (of the asked type), whatever the page.
    pub total_count: u64,
}

/// The app's groups, in creation order.
#[derive(Debug, Default)]
pub struct Groups {
    by_cursor: BTreeMap<u64, Group>,
    cursor_of: HashMap<String, u64>,
    next: u64,
    /// Latest message sequence per group (groups without a live room).
    msg_seq: HashMap<String, u64>,
}

impl Groups {
    /// Adds the group `id` (a no-op if it exists).
    pub fn add(&mut self, id: &str, group_type: &str) {
        if self.cursor_of.contains_key(id) {
            return;
        }
        let cursor = FIRST_CURSOR + self.next;
        self.next += 1;
        self.cursor_of.insert(id.to_owned(), cursor);
        self.by_cursor.insert(
            cursor,
            Group {
                id: id.to_owned(),
                group_type: group_type.to_owned(),
            },
        );
    }

    /// Removes the group `id`, if any.
    pub fn remove(&mut self, id: &str) {
        if let Some(cursor) = self.cursor_of.remove(id) {
            self.by_cursor.remove(&cursor);
        }
        self.msg_seq.remove(id);
    }

    /// The next message sequence of group `id` (1, 2, ...), for groups
    /// whose messages are not recorded (a Room room's group).
    pub fn next_msg_seq(&mut self, id: &str) -> u64 {
        let seq = self.msg_seq.entry(id.to_owned()).or_insert(0);
        *seq += 1;
        *seq
    }

    /// Whether the group `id` exists.
    pub fn contains(&self, id: &str) -> bool {
        self.cursor_of.contains_key(id)
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.by_cursor.len()
    }

    /// Whether there is no group.
    pub fn is_empty(&self) -> bool {
        self.by_cursor.is_empty()
    }

    /// `get_appid_group_list`: `limit` (0 or absent: 10000; at most 10000)
    /// groups of `group_type` (absent: all) after cursor `next` (0: the
    /// first page). 10004 for a larger limit or an unknown type.
    pub fn page(
        &self,
        next: u64,
        limit: Option<u32>,
        group_type: Option<&str>,
    ) -> Result<GroupPage, ApiError> {
        let limit = match limit.unwrap_or(0) {
            0 => MAX_GROUP_PAGE,
            l if l > MAX_GROUP_PAGE => {
                return Err(ApiError::new(
                    codes::IM_BAD_PARAM,
                    format!("Limit {l} is above {MAX_GROUP_PAGE}"),
                ))
            }
            l => l,
        };
        if let Some(t) = group_type.filter(|t| !GROUP_TYPES.contains(t)) {
            return Err(ApiError::new(
                codes::IM_BAD_PARAM,
                format!("GroupType {t:?} is not one of {GROUP_TYPES:?}"),
            ));
        }
        let of_type = |g: &Group| group_type.is_none_or(|t| g.group_type == t);
        let total_count = self.by_cursor.values().filter(|g| of_type(g)).count() as u64;
        let mut rest = self
            .by_cursor
            .range(next.saturating_add(1)..)
            .filter(|(_, g)| of_type(g));
        let mut group_ids = Vec::new();
        let mut last = 0;
        for (cursor, group) in rest.by_ref().take(limit as usize) {
            group_ids.push(group.id.clone());
            last = *cursor;
        }
        let next = if rest.next().is_some() { last } else { 0 };
        Ok(GroupPage {
            group_ids,
            next,
            total_count,
        })
    }
}

/// User profiles: per account, `Tag` -> value (string or integer, as set).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Profiles {
    by_account: BTreeMap<String, BTreeMap<String, Value>>,
}

impl Profiles {
    /// `portrait_set`: sets the tags of `account` (others keep their value).
    pub fn set(&mut self, account: &str, items: impl IntoIterator<Item = (String, Value)>) {
        self.by_account
            .entry(account.to_owned())
            .or_default()
            .extend(items);
    }

    /// `portrait_get`: the values of `tags` that `account` has set, in
    /// `tags` order (all of them when `tags` is empty).
    pub fn get(&self, account: &str, tags: &[String]) -> Vec<(String, Value)> {
        let Some(profile) = self.by_account.get(account) else {
            return Vec::new();
        };
        if tags.is_empty() {
            return profile
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
        }
        tags.iter()
            .filter_map(|t| profile.get(t).map(|v| (t.clone(), v.clone())))
            .collect()
    }
}

/// One group as the state file stores it (with its cursor).
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredGroup {
    cursor: u64,
    id: String,
    group_type: String,
}

/// [`Groups`] as the state file stores it: the groups in creation order,
/// the next cursor, and the message sequences (sorted, so saves of the same
/// state are the same bytes).
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredGroups {
    groups: Vec<StoredGroup>,
    next: u64,
    msg_seq: BTreeMap<String, u64>,
}

impl serde::Serialize for Groups {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        StoredGroups {
            groups: self
                .by_cursor
                .iter()
                .map(|(cursor, g)| StoredGroup {
                    cursor: *cursor,
                    id: g.id.clone(),
                    group_type: g.group_type.clone(),
                })
                .collect(),
            next: self.next,
            msg_seq: self.msg_seq.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        }
        .serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Groups {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let stored = StoredGroups::deserialize(deserializer)?;
        let mut groups = Groups {
            next: stored.next,
            msg_seq: stored.msg_seq.into_iter().collect(),
            ..Groups::default()
        };
        for g in stored.groups {
            if g.cursor < FIRST_CURSOR || g.cursor >= FIRST_CURSOR.saturating_add(stored.next) {
                return Err(D::Error::custom(format!(
                    "group {:?}: cursor {} is outside the cursors handed out ({FIRST_CURSOR}..{})",
                    g.id,
                    g.cursor,
                    FIRST_CURSOR.saturating_add(stored.next)
                )));
            }
            if groups.cursor_of.insert(g.id.clone(), g.cursor).is_some() {
                return Err(D::Error::custom(format!("group {:?} appears twice", g.id)));
            }
            let group = Group {
                id: g.id,
                group_type: g.group_type,
            };
            if let Some(other) = groups.by_cursor.insert(g.cursor, group) {
                return Err(D::Error::custom(format!(
                    "groups {:?} and another share cursor {}",
                    other.id, g.cursor
                )));
            }
        }
        Ok(groups)
    }
}
