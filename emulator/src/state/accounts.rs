//! The Chat account registry: imported user IDs, their profile data, and
//! kick marks (UserSigs issued up to the kick are revoked).

use std::collections::BTreeMap;

/// Longest user ID the service accepts, in bytes.
pub const MAX_USER_ID_BYTES: usize = 32;

/// Profile data given at import.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    /// `Nick`.
    pub nick: Option<String>,
    /// `FaceUrl`.
    pub face_url: Option<String>,
}

/// Imported accounts and kick marks.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Accounts {
    imported: BTreeMap<String, Profile>,
    /// User ID -> unix second of the last kick: UserSigs issued at or before
    /// it are refused (70052).
    kicked_at: BTreeMap<String, u64>,
}

/// Whether `id` is a user ID the service would import: 1 to 32 bytes of
/// printable ASCII (0x20-0x7e). The REST pages state only the 32-byte limit;
/// the printable-ASCII rule is the Chat SDK's, applied here so that a bad ID
/// shows up as a per-account failure.
pub fn valid_user_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_USER_ID_BYTES
        && id.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

impl Accounts {
    /// Imports `id` (or updates the profile values given). Returns false
    /// (and changes nothing) for an invalid ID.
    pub fn import(&mut self, id: &str, nick: Option<String>, face_url: Option<String>) -> bool {
        if !valid_user_id(id) {
            return false;
        }
        let p = self.imported.entry(id.to_owned()).or_default();
        if nick.is_some() {
            p.nick = nick;
        }
        if face_url.is_some() {
            p.face_url = face_url;
        }
        true
    }

    /// Every imported account with its profile, by ID.
    pub fn imported(&self) -> impl Iterator<Item = (&str, &Profile)> {
        self.imported.iter().map(|(id, p)| (id.as_str(), p))
    }

    /// Whether `id` has been imported.
    pub fn is_imported(&self, id: &str) -> bool {
        self.imported.contains_key(id)
    }

    /// The profile of an imported account.
    pub fn profile(&self, id: &str) -> Option<&Profile> {
        self.imported.get(id)
    }

    /// Deletes `id`; false when it was not imported.
    pub fn delete(&mut self, id: &str) -> bool {
        self.imported.remove(id).is_some()
    }

    /// Number of imported accounts.
    pub fn count(&self) -> usize {
        self.imported.len()
    }

    /// `kick` at unix second `now`: every UserSig of `id` issued up to now is revoked.
    pub fn kick(&mut self, id: &str, now: u64) {
        self.kicked_at.insert(id.to_owned(), now);
    }

    /// Whether a UserSig of `id` issued at unix second `issued` was revoked by a kick.
    /// Sigs carry whole seconds, so a sig issued in the second of the kick counts as revoked.
    pub fn is_revoked(&self, id: &str, issued: u64) -> bool {
        self.kicked_at.get(id).is_some_and(|&t| issued <= t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_id_rules() {
        assert!(valid_user_id("user_1"));
        assert!(valid_user_id(&"a".repeat(32)));
        assert!(!valid_user_id(&"a".repeat(33)));
        assert!(!valid_user_id(""));
        assert!(!valid_user_id("tab\there"));
        assert!(!valid_user_id("Zoë"));
    }

    #[test]
    fn kick_revokes_up_to_its_second() {
        let mut a = Accounts::default();
        a.kick("u", 100);
        assert!(a.is_revoked("u", 99));
        assert!(a.is_revoked("u", 100));
        assert!(!a.is_revoked("u", 101));
        assert!(!a.is_revoked("v", 50));
    }
}
