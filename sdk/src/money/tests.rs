use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde::{Deserialize, Serialize};

use super::json::decimal_from_json_number;
use super::*;

/// Whether serde_json's `arbitrary_precision` is on in this build: `cfg!` cannot see a
/// dependency's feature, so ask serde_json. With it, a number keeps its text (`1.10`); without
/// it, a number is an f64 and prints as `1.1`.
fn arbitrary_precision_mode() -> &'static str {
    let number: serde_json::Number = serde_json::from_str("1.10").expect("a JSON number");
    if number.to_string() == "1.10" {
        "on (enabled by another crate in this build)"
    } else {
        "off"
    }
}

/// Shaped like a response the generated client decodes: amounts as fields of derived structs,
/// optional, in arrays, under the envelope, all read by `serde_json::from_slice` on the body.
#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    success: bool,
    data: Priced,
}

#[derive(Debug, Serialize, Deserialize)]
struct Priced {
    price_ton: TonAmount,
    refund_ton: Option<TonAmount>,
    price_usd: UsdAmount,
    items: Vec<TonAmount>,
}

/// `nanotons` as TON with all 9 decimals (`0.418000000`).
fn nine_decimals(nanotons: u64, negative: bool) -> String {
    let sign = if negative && nanotons != 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:09}",
        nanotons / 1_000_000_000,
        nanotons % 1_000_000_000
    )
}

/// The same amount without trailing zeros (`0.418`, `5`).
fn shortest(nine: &str) -> String {
    nine.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Decodes an envelope holding `nanotons` written two ways and checks every digit, both in the
/// decoded values and in the bytes encoded back.
fn check_round_trip(nanotons: u64, negative: bool) -> Result<(), String> {
    let full = nine_decimals(nanotons, negative);
    let short = shortest(&full);
    let wire = format!(
        r#"{{"success":true,"data":{{"price_ton":{full},"refund_ton":{short},"price_usd":{short},"items":[{short},{full}]}}}}"#
    );
    let envelope: Envelope =
        serde_json::from_slice(wire.as_bytes()).map_err(|e| format!("{wire}: {e}"))?;
    let data = &envelope.data;
    let magnitude = Decimal::from_i128_with_scale(i128::from(nanotons), 9);
    let expected = if negative { -magnitude } else { magnitude };
    let decoded = [
        data.price_ton.to_string(),
        data.refund_ton.map(|a| a.to_string()).unwrap_or_default(),
        data.price_usd.to_string(),
        data.items[0].to_string(),
        data.items[1].to_string(),
    ];
    if decoded != [full.as_str(), &short, &short, &short, &full]
        || data.price_ton.as_decimal() != expected
    {
        return Err(format!("{wire} decoded as {decoded:?}"));
    }
    let encoded = serde_json::to_vec(&envelope).map_err(|e| e.to_string())?;
    if encoded != wire.as_bytes() {
        return Err(format!(
            "{wire} encoded back as {}",
            String::from_utf8_lossy(&encoded)
        ));
    }
    Ok(())
}

#[test]
fn every_nanoton_amount_up_to_u64_max_round_trips_through_from_slice() {
    let mode = arbitrary_precision_mode();
    for nanotons in [
        0,
        1,
        999_999_999,
        1_000_000_000,
        418_000_000,
        u64::MAX - 1,
        u64::MAX,
    ] {
        for negative in [false, true] {
            if let Err(failure) = check_round_trip(nanotons, negative) {
                panic!("arbitrary_precision {mode}: {failure}");
            }
        }
    }
    let cases = 4096;
    let amounts = (
        prop_oneof![any::<u64>(), 0..1_000_000_000_u64, Just(u64::MAX)],
        any::<bool>(),
    );
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new(config)
        .run(&amounts, |(nanotons, negative)| {
            check_round_trip(nanotons, negative).map_err(TestCaseError::fail)
        })
        .unwrap_or_else(|failure| panic!("arbitrary_precision {mode}: {failure}"));
    eprintln!("money round trip: {cases} random amounts, serde_json arbitrary_precision {mode}");
}

#[test]
fn amounts_round_trip_digit_for_digit() {
    for wire in [
        "0.418",
        "0.1",
        "123456789.123456789",
        "0.000000001",
        "1.500",
        "-2.25",
        "0",
        "79228162514264337593543950335",
        "0.0000000000000000000000000001",
    ] {
        let amount: TonAmount = serde_json::from_str(wire).unwrap();
        assert_eq!(amount.to_string(), wire);
        assert_eq!(serde_json::to_string(&amount).unwrap(), wire);
    }
}

#[test]
fn sums_are_exact() {
    let parts: Vec<TonAmount> = serde_json::from_str("[0.1, 0.2, 0.000000001]").unwrap();
    let total: TonAmount = parts.into_iter().sum();
    assert_eq!(total, "0.300000001".parse().unwrap());
}

#[test]
fn digits_beyond_f64_precision_survive_in_a_response_body() {
    // 17 significant digits: an f64 would round this to 98765432.12345679.
    let body = br#"{"success":true,"data":{"price_ton": 98765432.123456789 ,"refund_ton":null,"price_usd":0.30000000000000000001,"items":[]}}"#;
    let envelope: Envelope = serde_json::from_slice(body).unwrap();
    assert_eq!(envelope.data.price_ton.to_string(), "98765432.123456789");
    assert_eq!(envelope.data.refund_ton, None);
    assert_eq!(
        envelope.data.price_usd.to_string(),
        "0.30000000000000000001"
    );
}

#[test]
fn amounts_that_are_not_json_numbers_are_refused() {
    for (wire, found) in [
        (r#""0.418""#, "a string"),
        ("true", "a boolean"),
        ("[1]", "an array"),
        (r#"{"a":1}"#, "an object"),
    ] {
        let err = serde_json::from_str::<TonAmount>(wire).unwrap_err();
        assert!(err.to_string().contains(found), "{wire}: {err}");
    }
    let err = serde_json::from_str::<TonAmount>("null").unwrap_err();
    assert!(err.to_string().contains("null"), "{err}");
}

#[test]
fn amounts_a_decimal_cannot_hold_exactly_are_refused_not_rounded() {
    for wire in [
        "0.00000000000000000000000000001",
        "79228162514264337593543950336",
        "1e29",
        "1e-29",
        "1e99999",
    ] {
        let err = serde_json::from_str::<TonAmount>(wire).unwrap_err();
        assert!(err.to_string().contains("exact"), "{wire}: {err}");
    }
}

#[test]
fn exponents_are_read_exactly() {
    for (wire, plain) in [
        ("1e-9", "0.000000001"),
        ("4.18E-1", "0.418"),
        ("1.5e+3", "1500"),
        ("-2.50e1", "-25.0"),
        ("123e-2", "1.23"),
        ("0e5", "0"),
        ("5e0", "5"),
    ] {
        let amount: TonAmount = serde_json::from_str(wire).unwrap();
        assert_eq!(amount.to_string(), plain, "{wire}");
    }
}

#[test]
fn only_json_number_text_is_parsed() {
    for text in [
        "", "-", "+1", ".5", "5.", "01", "-01.5", "1e", "1e+", "1_000", "0x10", " 1", "1 ",
        "1.2.3", "NaN", "1e1.5",
    ] {
        assert_eq!(decimal_from_json_number(text), None, "{text:?}");
    }
    assert_eq!(decimal_from_json_number("-0.5"), Some(Decimal::new(-5, 1)));
}

#[test]
fn a_serde_json_value_yields_the_text_it_kept() {
    // Without arbitrary_precision a Value holds an f64, so its digits are the f64's shortest
    // round-trip text; with it, the text that was sent. Either way, the amount is that text.
    for wire in ["0.418", "98765432.123456789", "0.000000001", "1.500", "-7"] {
        let value: serde_json::Value = serde_json::from_str(wire).unwrap();
        let amount: TonAmount = serde_json::from_value(value.clone()).unwrap();
        let kept = decimal_from_json_number(&value.to_string()).unwrap();
        assert_eq!(
            amount.as_decimal(),
            kept,
            "{wire} ({})",
            arbitrary_precision_mode()
        );
    }
    let max: TonAmount = serde_json::from_value(serde_json::json!(u64::MAX)).unwrap();
    assert_eq!(max.to_string(), u64::MAX.to_string());
    let min: TonAmount = serde_json::from_value(serde_json::json!(i64::MIN)).unwrap();
    assert_eq!(min.to_string(), i64::MIN.to_string());
    let string = serde_json::from_value::<TonAmount>(serde_json::json!("0.418"));
    assert!(string.is_err());
}

#[test]
fn amounts_inside_flatten_and_untagged_decode() {
    // serde buffers these before the amount sees them, so no raw text is on offer.
    #[derive(Deserialize)]
    struct Outer {
        #[serde(flatten)]
        inner: Priced,
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Amount { price_ton: TonAmount },
        Other { name: String },
    }
    let outer: Outer = serde_json::from_str(
        r#"{"price_ton":0.418,"refund_ton":12,"price_usd":-1.25,"items":[0.000000001]}"#,
    )
    .unwrap();
    assert_eq!(outer.inner.price_ton.to_string(), "0.418");
    assert_eq!(outer.inner.refund_ton.unwrap().to_string(), "12");
    assert_eq!(outer.inner.price_usd.to_string(), "-1.25");
    assert_eq!(outer.inner.items[0].as_decimal(), Decimal::new(1, 9));
    let Either::Amount { price_ton } = serde_json::from_str(r#"{"price_ton":0.418}"#).unwrap()
    else {
        panic!("the amount arm matches");
    };
    assert_eq!(price_ton.to_string(), "0.418");
    let Either::Other { name } = serde_json::from_str(r#"{"name":"x"}"#).unwrap() else {
        panic!("the other arm matches");
    };
    assert_eq!(name, "x");
}
