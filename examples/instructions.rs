//! Analyzes the given files once each, after compiling every rule pattern, for an instruction
//! count that leaves start-up out:
//!
//! ```sh
//! cargo build --release --example instructions
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*instructions::pass*' \
//!     target/release/examples/instructions FILE…
//! ```
//!
//! (`callgrind_annotate callgrind.out.*` then shows where the instructions go.) With `--warm`
//! first, the files are analyzed once before the pass that counts, so that the count is of a
//! warm pass: every lazy DFA state the texts need already built. It prints the number of bytes
//! analyzed, to divide the total by.

/// One analysis of each text: the part of the run that the toggle above counts.
#[inline(never)]
fn pass(texts: &[String]) {
    for text in texts {
        std::hint::black_box(policy_lens::analyze(text));
    }
}

fn main() {
    policy_lens::rules::check_all();
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let warm = args.first().is_some_and(|a| a == "--warm");
    if warm {
        args.remove(0);
    }
    let mut texts = Vec::new();
    for path in &args {
        match std::fs::read(path) {
            Ok(b) => texts.push(String::from_utf8_lossy(&b).into_owned()),
            Err(e) => eprintln!("{path}: {e}"),
        }
    }
    if warm {
        for text in &texts {
            std::hint::black_box(policy_lens::analyze(text));
        }
    }
    pass(&texts);
    let bytes: usize = texts.iter().map(String::len).sum();
    println!("{bytes} bytes analyzed");
}
