//! Analyzes the given files once each, after compiling every rule pattern, for an instruction
//! count that leaves start-up out:
//!
//! ```sh
//! cargo build --release --example instructions
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*policy_lens::analyze*' \
//!     target/release/examples/instructions FILE…
//! ```
//!
//! (`callgrind_annotate callgrind.out.*` then shows where the instructions go.) It prints the
//! number of bytes analyzed, to divide the total by.

fn main() {
    policy_lens::rules::check_all();
    let mut bytes = 0;
    for path in std::env::args().skip(1) {
        match std::fs::read(&path) {
            Ok(b) => {
                let text = String::from_utf8_lossy(&b);
                bytes += text.len();
                std::hint::black_box(policy_lens::analyze(&text));
            }
            Err(e) => eprintln!("{path}: {e}"),
        }
    }
    println!("{bytes} bytes analyzed");
}
