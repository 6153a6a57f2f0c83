//! Gifts: an optional seeded gift list (none: any GiftId is accepted; a
//! list: unknown gifts are 102002) and the gifts let through, per room.
//!
//! Whether a gift goes through (`Live.CallbackBeforeSendGift`) is decided
//! outside the state: [`Live::check_gift`] validates and prices a gift,
//! the caller asks the app, and [`Live::record_gift`] records what was
//! allowed.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::Live;
use crate::error::{codes, ApiError};
use crate::state::{check_account, check_not_empty, Ctx};

/// A gift of the seeded gift list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Gift {
    /// `GiftId`.
    pub id: String,
    /// Price of one, in coins.
    pub coins: u64,
}

/// One `send_gift` (to one or more receivers).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GiftEntry {
    /// Order in the room: 1, 2, ...
    pub seq: u64,
    /// Unix seconds.
    pub time: u64,
    /// `GiftId`.
    pub gift_id: String,
    /// `From_Account`.
    pub from: String,
    /// `ReceiverList_Account`.
    pub receivers: Vec<String>,
    /// Gifts per receiver.
    pub count: u64,
    /// Price of one (0 without a seeded list).
    pub coins_each: u64,
}

impl GiftEntry {
    /// Gifts sent in all (count x receivers).
    pub fn total_count(&self) -> u64 {
        self.count.saturating_mul(self.receivers.len() as u64)
    }

    /// Coins in all.
    pub fn total_coins(&self) -> u64 {
        self.total_count().saturating_mul(self.coins_each)
    }

    /// The body of `Live.CallbackBeforeSendGift` for this gift
    /// (without `CallbackCommand`).
    pub fn before_callback_json(&self, room_id: &str, operator: &str) -> Value {
        json!({
            "Operator_Account": operator,
            "RoomId": room_id,
            "GiftWater": {
                "From_Account": self.from,
                "To_Account": self.receivers,
                "Time": self.time,
                "GiftId": self.gift_id,
                "Count": self.count,
                "Coins": self.count.saturating_mul(self.coins_each),
            },
        })
    }
}

/// `get_gift_count`: what a user received in a room.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GiftCount {
    /// The room's latest gift sequence (0: no gift yet).
    pub sequence: u64,
    /// Gifts received.
    pub total_count: u64,
    /// Their coins.
    pub total_coins: u64,
    /// Distinct senders.
    pub sender_count: u64,
}

impl Live {
    /// Seeds the gift list (`None`: any GiftId is accepted).
    pub fn seed_gifts(&mut self, gifts: Option<Vec<Gift>>) {
        self.gift_list = gifts.map(|list| list.into_iter().map(|g| (g.id.clone(), g)).collect());
    }

    /// The seeded gift list, if any.
    pub fn gifts(&self) -> Option<Vec<Gift>> {
        self.gift_list
            .as_ref()
            .map(|l| l.values().cloned().collect())
    }

    /// Validates a `send_gift` and prices it, without recording it:
    /// 100004 for no room, 102002 for a gift not in the seeded list, 100002
    /// for no receivers or a zero count (`None`: 1).
    pub fn check_gift(
        &self,
        ctx: &Ctx,
        room_id: &str,
        gift_id: &str,
        from: &str,
        receivers: &[String],
        count: Option<u64>,
    ) -> Result<GiftEntry, ApiError> {
        let room = self.room(room_id)?;
        check_account("From_Account", from)?;
        check_not_empty("ReceiverList_Account", receivers)?;
        receivers
            .iter()
            .try_for_each(|r| check_account("ReceiverList_Account", r))?;
        if gift_id.is_empty() {
            return Err(ApiError::bad_param("GiftId is empty"));
        }
        let count = count.unwrap_or(1);
        if count == 0 {
            return Err(ApiError::bad_param("Count must be at least 1"));
        }
        let coins_each = match &self.gift_list {
            None => 0,
            Some(list) => {
                list.get(gift_id)
                    .ok_or_else(|| {
                        ApiError::new(
                            codes::GIFT_NOT_FOUND,
                            format!("gift {gift_id:?} does not exist"),
                        )
                    })?
                    .coins
            }
        };
        Ok(GiftEntry {
            seq: room.gifts.len() as u64 + 1,
            time: ctx.now,
            gift_id: gift_id.to_owned(),
            from: from.to_owned(),
            receivers: receivers.to_vec(),
            count,
            coins_each,
        })
    }

    /// What the app answers `Live.CallbackBeforeSendGift` with, as the
    /// emulator plays it (0 allows: the default); see [`Live::gift_refusal`].
    pub fn set_gift_decision(&mut self, error_code: i64) {
        self.gift_decision = error_code;
    }

    /// The played before-callback answer.
    pub fn gift_decision(&self) -> i64 {
        self.gift_decision
    }

    /// The error `send_gift` answers for the played decision: none for 0;
    /// the code itself for 102100..=102200 (passed through to the sender);
    /// 102004 (before-callback failed) for any other code.
    pub fn gift_refusal(&self) -> Option<ApiError> {
        match self.gift_decision {
            0 => None,
            code @ 102_100..=102_200 => Some(ApiError::new(
                code,
                format!("the app refused the gift (before-callback ErrorCode {code})"),
            )),
            code => Some(ApiError::new(
                codes::GIFT_CALLBACK_FAILED,
                format!("the gift before-callback refused the gift (ErrorCode {code})"),
            )),
        }
    }

    /// Records a gift [`Live::check_gift`] priced and the app allowed.
    pub fn record_gift(&mut self, room_id: &str, mut gift: GiftEntry) -> Result<(), ApiError> {
        let room = self.room_mut(room_id)?;
        gift.seq = room.gifts.len() as u64 + 1;
        room.gifts.push(gift);
        Ok(())
    }

    /// `get_gift_count`: the gifts `account` received in the room, sent
    /// within `start..=end` (unix seconds; absent: unbounded).
    pub fn gift_count(
        &self,
        room_id: &str,
        account: &str,
        start: Option<u64>,
        end: Option<u64>,
    ) -> Result<GiftCount, ApiError> {
        let room = self.room(room_id)?;
        let mut senders = BTreeSet::new();
        let mut out = GiftCount {
            sequence: room.gifts.len() as u64,
            ..GiftCount::default()
        };
        let within = |t: u64| start.is_none_or(|s| t >= s) && end.is_none_or(|e| t <= e);
        for gift in room.gifts.iter().filter(|g| within(g.time)) {
            let received = gift.receivers.iter().filter(|r| *r == account).count() as u64;
            if received == 0 {
                continue;
            }
            let n = gift.count.saturating_mul(received);
            out.total_count += n;
            out.total_coins += n.saturating_mul(gift.coins_each);
            senders.insert(gift.from.as_str());
        }
        out.sender_count = senders.len() as u64;
        Ok(out)
    }
}
