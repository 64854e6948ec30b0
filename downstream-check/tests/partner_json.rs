//! A partner's number parsing behaves as serde_json documents it, with the sdk in the build.
//! Every test here fails when something turns serde_json's `arbitrary_precision` on.

use downstream_check::{InvoiceLine, Reading, Setting};

#[test]
fn a_flattened_map_of_f64_parses() {
    let reading: Reading =
        serde_json::from_str(r#"{"id":"probe-7","celsius":21.5,"humidity":0.43,"count":3}"#)
            .expect("serde_json parses flattened numbers as f64");
    assert_eq!(reading.id, "probe-7");
    assert_eq!(reading.measurements["celsius"], 21.5);
    assert_eq!(reading.measurements["humidity"], 0.43);
    assert_eq!(reading.measurements["count"], 3.0);
}

#[test]
fn an_untagged_enum_takes_its_f64_arm() {
    let settings: Vec<Setting> = serde_json::from_str(r#"[2.5, "auto", 7]"#)
        .expect("serde_json parses untagged numbers as f64");
    assert_eq!(
        settings,
        [
            Setting::Number(2.5),
            Setting::Word("auto".into()),
            Setting::Number(7.0)
        ]
    );
}

#[test]
fn serde_json_numbers_are_plain_f64() {
    // With `arbitrary_precision` a number keeps its text and prints as `1.10`.
    let number: serde_json::Number = serde_json::from_str("1.10").expect("a JSON number");
    assert_eq!(number.to_string(), "1.1");
}

#[test]
fn the_sdk_amounts_stay_exact_in_a_partner_build() {
    // 17 significant digits: an f64 would round this to 98765432.12345679.
    let wire = r#"{"sku":"stars-100","price_ton":98765432.123456789}"#;
    let line: InvoiceLine = serde_json::from_slice(wire.as_bytes()).expect("an invoice line");
    assert_eq!(line.price_ton.to_string(), "98765432.123456789");
    assert_eq!(serde_json::to_string(&line).expect("encodes"), wire);
}
