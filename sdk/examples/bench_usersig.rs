//! Measures UserSig generation and verification speed.
//!
//! `cargo run --release -p trtc-room --example bench_usersig [-- <count>]`

use std::time::Instant;

use trtc_room::usersig::SigningKey;

fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let key = SigningKey::new(
        1400000000,
        "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e",
    );
    let mut runs = Vec::new();
    let mut last = String::new();
    for _ in 0..5 {
        let start = Instant::now();
        for i in 0..n {
            last = key
                .generate_at("administrator", 86400, 1_700_000_000 + u64::from(i))
                .expect("valid inputs");
        }
        runs.push(f64::from(n) / start.elapsed().as_secs_f64());
    }
    runs.sort_by(f64::total_cmp);
    println!(
        "generate: median {:.0} sigs/s ({:.2} µs/sig) over 5 runs of {n}",
        runs[2],
        1e6 / runs[2]
    );
    let mut vruns = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        for _ in 0..n {
            key.verify("administrator", &last, 1_700_000_000)
                .expect("valid sig");
        }
        vruns.push(f64::from(n) / start.elapsed().as_secs_f64());
    }
    vruns.sort_by(f64::total_cmp);
    println!(
        "verify:   median {:.0} sigs/s ({:.2} µs/sig)",
        vruns[2],
        1e6 / vruns[2]
    );
}
