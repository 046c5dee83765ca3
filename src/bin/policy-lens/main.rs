//! The `policy-lens` command line.
fn main() {
    println!("{}", serde_json::to_string(&policy_lens::analyze("")).unwrap());
}
