//! Decodes arbitrary bytes as an envelope frame. Decoding must never panic,
//! and a frame that decodes must encode to a frame that decodes to the
//! same message.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|frame: &[u8]| {
    let Ok(message) = cairn_sync::decode(frame) else {
        return;
    };

    let encoded = cairn_sync::encode(&message);
    let decoded = cairn_sync::decode(&encoded)
        .unwrap_or_else(|error| panic!("the encoding of {message:?} does not decode: {error}"));
    assert_eq!(
        decoded, message,
        "the message changed in an encode/decode round trip"
    );
});
