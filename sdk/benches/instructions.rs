//! Instructions per call, sdk against hand-written, counted by callgrind: unlike wall time, the
//! count does not move with the machine's load, so small differences show.
//!
//! Run: `bash sdk/benches/instructions.sh` (builds this in release and runs each client under
//! `valgrind --tool=callgrind`). By hand: `cargo bench -p theopenmoney --bench instructions --
//! <sdk-get|raw-get|sdk-create|raw-create> <calls>` makes that many calls after a warm-up.

#[path = "support/rig.rs"]
mod rig;

use rig::Rig;

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let (Some(which), Some(calls)) = (args.next(), args.next()) else {
        eprintln!("usage: instructions <sdk-get|raw-get|sdk-create|raw-create> <calls>");
        std::process::exit(2);
    };
    let calls: usize = calls.parse().expect("calls is a number");
    let rig = Rig::new();
    rig.runtime.block_on(async {
        for _ in 0..calls {
            let order = match which.as_str() {
                "sdk-get" => rig.sdk_get().await,
                "raw-get" => rig.raw_get().await,
                "sdk-create" => rig.sdk_create().await,
                "raw-create" => rig.raw_create().await,
                other => panic!("unknown client `{other}`"),
            };
            std::hint::black_box(order);
        }
    });
}
