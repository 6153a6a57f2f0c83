//! An application whose own `reqwest` dependency names no TLS feature, and
//! which also depends on `trtc-room` (default features) without ever
//! building a `trtc_room::Client`. Cargo unifies reqwest's features across
//! the build, so whatever `trtc-room` turns on in reqwest applies here too:
//! with a reqwest left without a rustls crypto provider,
//! `reqwest::Client::new()` would panic first thing in `main`.

fn main() {
    // The crate is linked (its features are part of this build).
    let _ = trtc_room::Region::Singapore;
    let client = reqwest::Client::new();
    let built = reqwest::Client::builder().build().is_ok();
    drop(client);
    if built {
        println!("reqwest::Client::new() works next to trtc-room");
    } else {
        eprintln!("reqwest::Client::builder().build() failed next to trtc-room");
        std::process::exit(1);
    }
}
