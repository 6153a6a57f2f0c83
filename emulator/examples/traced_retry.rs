//! What the SDK logs for a call that is retried: the emulator refuses the
//! first attempt with the rate-limit code 60007, the client waits and tries
//! again.
//!
//! ```text
//! RUST_LOG=trtc_room=debug cargo run -p trtc-room-emulator --example traced_retry
//! ```
//!
//! Output goes to stderr through a `RUST_LOG`-driven `tracing-subscriber`
//! (default `trtc_room=debug`).

use trtc_room::{Client, CreateRoom, GetRoomInfo, RetryPolicy, RoomInfo, RoomType};
use trtc_room_emulator::{Emulator, EmulatorConfig, Fault};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("trtc_room=debug")),
        )
        .with_writer(std::io::stderr)
        .without_time()
        .init();

    let emu = Emulator::start(EmulatorConfig::default()).await?;
    let client = Client::builder()
        .sdk_app_id(emu.sdk_app_id())
        .secret_key(emu.secret_key())
        .admin(emu.admin())
        .base_url(emu.base_url())
        .retry_policy(RetryPolicy::default().max_attempts(3).jitter(false))
        .build()?;

    client
        .create_room(CreateRoom::new(RoomInfo::new(
            "room-1",
            RoomType::Conference,
        )))
        .await?;
    emu.inject_fault(Fault::error_code(60007).command("get_room_info"));
    let reply = client.get_room_info(GetRoomInfo::new("room-1")).await?;
    println!(
        "room {} read, request id {:?}",
        reply.room_info.room_id,
        reply.request_id()
    );

    // A final failure logs at warn level.
    let missing = client.get_room_info(GetRoomInfo::new("no-such-room")).await;
    println!("missing room: {}", missing.is_err());
    Ok(())
}
