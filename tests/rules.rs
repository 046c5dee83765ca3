//! Every `test` line of every rule file, run through the real `analyze`, and checks that each
//! rule file is well-formed and canonical.

use policy_lens::rules::{parse, RULE_FILES};
mod common;

use common::check;
use policy_lens::analyze;

#[test]
fn every_rule_example_holds() {
    let mut failures = Vec::new();
    let mut count = 0;
    for (name, src) in RULE_FILES {
        let file = parse(src).unwrap_or_else(|e| panic!("{name}.rules: {e}"));
        for ex in &file.examples {
            count += 1;
            let text = match &ex.section {
                Some(h) => format!("## {h}\n\n{}\n", ex.sentence),
                None => format!("{}\n", ex.sentence),
            };
            let report = analyze(&text);
            for fact in ex.facts.split(',') {
                if let Err(why) = check(&report, fact) {
                    failures.push(format!(
                        "src/rules/{name}.rules:{}: expected {fact} but {why}\n    {}",
                        ex.line, ex.sentence
                    ));
                }
            }
        }
    }
    assert!(count > 50, "only {count} examples");
    assert!(
        failures.is_empty(),
        "{} of {count} rule examples fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn rule_files_are_canonical() {
    for (name, src) in RULE_FILES {
        let file = parse(src).unwrap_or_else(|e| panic!("{name}.rules: {e}"));
        assert_eq!(
            &file.finding, name,
            "{name}.rules: `finding` must equal the file name"
        );
        assert!(
            file.examples.len() >= 2,
            "{name}.rules needs positive and negative examples"
        );
        let mut seen = std::collections::HashSet::new();
        for ex in &file.examples {
            assert!(
                seen.insert(&ex.sentence),
                "{name}.rules:{}: duplicate example",
                ex.line
            );
        }
        // The list in src/rules.rs and the files on disk agree.
        let on_disk = std::fs::read_to_string(format!("src/rules/{name}.rules")).unwrap();
        assert_eq!(&on_disk, src);
    }
    let mut files: Vec<String> = std::fs::read_dir("src/rules")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".rules"))
        .collect();
    files.sort();
    let listed: Vec<String> = RULE_FILES
        .iter()
        .map(|(n, _)| format!("{n}.rules"))
        .collect();
    assert_eq!(
        files, listed,
        "every rule file is listed in src/rules.rs, in order"
    );
}
