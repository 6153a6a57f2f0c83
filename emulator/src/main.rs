//! `room-emulator`: run the Room service emulator as a process.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    trtc_room_emulator::process::run("room-emulator", std::env::args().skip(1)).await
}
