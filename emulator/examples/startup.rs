//! How long a test waits for an emulator: from `Emulator::start` to the
//! first answer of an SDK call (a fresh client each time, as a test would
//! build it), repeated; prints the median and the 90th percentile.
//!
//! ```text
//! cargo run --release -p trtc-room-emulator --example startup [-- <runs>]
//! ```

use std::time::{Duration, Instant};

use trtc_room::{Client, GetRoomInfo, RateLimits};
use trtc_room_emulator::{Emulator, EmulatorConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let mut start_only = Vec::with_capacity(runs);
    let mut first_answer = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t0 = Instant::now();
        let emu = Emulator::start(EmulatorConfig::default()).await?;
        start_only.push(t0.elapsed());
        let client = Client::builder()
            .sdk_app_id(emu.sdk_app_id())
            .secret_key(emu.secret_key())
            .admin(emu.admin())
            .base_url(emu.base_url())
            .rate_limits(RateLimits::off())
            .build()?;
        // Any answer counts: the room does not exist, so this is 100004.
        let answer = client.get_room_info(GetRoomInfo::new("no-room")).await;
        first_answer.push(t0.elapsed());
        if let Err(e) = &answer {
            if e.request_id().is_none() {
                return Err(format!("no answer from the emulator: {e}").into());
            }
        }
        emu.shutdown().await;
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let pct = |v: &mut Vec<Duration>, p: f64| {
        v.sort();
        ms(v[((v.len() - 1) as f64 * p).round() as usize])
    };
    println!(
        "{{\"runs\":{runs},\"start_ms_p50\":{:.3},\"start_ms_p90\":{:.3},\"first_answer_ms_p50\":{:.3},\"first_answer_ms_p90\":{:.3}}}",
        pct(&mut start_only, 0.5),
        pct(&mut start_only, 0.9),
        pct(&mut first_answer, 0.5),
        pct(&mut first_answer, 0.9),
    );
    Ok(())
}
