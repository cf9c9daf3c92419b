//! The frame codec round-trips every message and rejects bad frames with
//! the right error, without panicking.

use cairn_sync::{
    decode, encode, DecodeError, DocumentId, ErrorCode, Message, MAX_FRAME_BYTES, PROTOCOL_VERSION,
};
use ciborium::value::Value;
use proptest::prelude::*;

const DOC: DocumentId = DocumentId::from_bytes([1; 16]);

fn every_message_type() -> Vec<Message> {
    vec![
        Message::Open { doc: DOC },
        Message::Close { doc: DOC },
        Message::Sync {
            doc: DOC,
            data: vec![0x42, 0, 1, 2],
        },
        Message::Ack {
            doc: DOC,
            heads: vec![[7; 32], [8; 32]],
        },
        Message::Error {
            doc: Some(DOC),
            code: ErrorCode::StorageFailed,
            message: "database is locked".to_owned(),
        },
        Message::Error {
            doc: None,
            code: ErrorCode::Unknown(900),
            message: String::new(),
        },
        Message::Ephemeral {
            doc: DOC,
            sender: Some("ana@example.org".to_owned()),
            data: vec![9],
        },
        Message::Ephemeral {
            doc: DOC,
            sender: None,
            data: Vec::new(),
        },
    ]
}

/// A frame with the current version byte and `body` encoded as CBOR.
fn frame_with_body(body: &Value) -> Vec<u8> {
    let mut frame = vec![PROTOCOL_VERSION];
    ciborium::into_writer(body, &mut frame).expect("CBOR encodes into a Vec");
    frame
}

fn text(value: &str) -> Value {
    Value::Text(value.to_owned())
}

#[test]
fn every_message_type_round_trips() {
    for message in every_message_type() {
        assert_eq!(
            decode(&encode(&message)),
            Ok(message.clone()),
            "{message:?}"
        );
    }
}

#[test]
fn frame_starts_with_protocol_version() {
    let frame = encode(&Message::Open { doc: DOC });

    assert_eq!(frame[0], PROTOCOL_VERSION);
}

#[test]
fn error_codes_round_trip() {
    let codes = [
        ErrorCode::Malformed,
        ErrorCode::UnsupportedVersion,
        ErrorCode::FrameTooLarge,
        ErrorCode::NotFound,
        ErrorCode::Forbidden,
        ErrorCode::InvalidSyncMessage,
        ErrorCode::StorageFailed,
        ErrorCode::Internal,
        ErrorCode::RateLimited,
        ErrorCode::TooManyDocuments,
        ErrorCode::PlanTooLarge,
        ErrorCode::Unknown(0),
        ErrorCode::Unknown(u16::MAX),
    ];
    for code in codes {
        assert_eq!(ErrorCode::from_u16(code.as_u16()), code);
    }
}

#[test]
fn document_id_of_every_message() {
    for message in every_message_type() {
        let expected = match &message {
            Message::Error { doc: None, .. } => None,
            _ => Some(&DOC),
        };
        assert_eq!(message.document_id(), expected, "{message:?}");
    }
}

#[test]
fn empty_frame_is_rejected() {
    assert_eq!(decode(&[]), Err(DecodeError::Empty));
}

#[test]
fn version_2_is_rejected() {
    let mut frame = encode(&Message::Open { doc: DOC });
    frame[0] = 2;

    let error = decode(&frame).unwrap_err();

    assert_eq!(
        error,
        DecodeError::UnsupportedVersion {
            found: 2,
            supported: 1
        }
    );
    assert_eq!(error.code(), ErrorCode::UnsupportedVersion);
    assert!(error.to_string().contains("version 2"), "{error}");
}

#[test]
fn oversized_frame_is_rejected() {
    let frame = vec![PROTOCOL_VERSION; MAX_FRAME_BYTES + 1];

    let error = decode(&frame).unwrap_err();

    assert_eq!(
        error,
        DecodeError::FrameTooLarge {
            size: MAX_FRAME_BYTES + 1,
            max: MAX_FRAME_BYTES
        }
    );
    assert_eq!(error.code(), ErrorCode::FrameTooLarge);
}

#[test]
fn frame_at_limit_is_accepted() {
    let header_bytes = 1 + 64;
    let message = Message::Sync {
        doc: DOC,
        data: vec![0; MAX_FRAME_BYTES - header_bytes],
    };
    let frame = encode(&message);
    assert!(
        frame.len() <= MAX_FRAME_BYTES,
        "the test frame is {} bytes",
        frame.len()
    );

    assert_eq!(decode(&frame), Ok(message));
}

#[test]
fn truncated_frame_is_rejected_as_invalid_cbor() {
    let frame = encode(&Message::Sync {
        doc: DOC,
        data: vec![1; 100],
    });

    let error = decode(&frame[..frame.len() - 10]).unwrap_err();

    assert!(
        matches!(error, DecodeError::InvalidCbor { .. }),
        "{error:?}"
    );
    assert_eq!(error.code(), ErrorCode::Malformed);
}

#[test]
fn body_that_is_not_a_map_is_rejected() {
    let frame = frame_with_body(&Value::Array(vec![text("open")]));

    assert_eq!(decode(&frame), Err(DecodeError::NotAMap { found: "array" }));
}

#[test]
fn trailing_bytes_are_rejected() {
    let mut frame = encode(&Message::Open { doc: DOC });
    frame.push(0);

    assert_eq!(decode(&frame), Err(DecodeError::TrailingBytes { count: 1 }));
}

#[test]
fn unknown_message_type_is_rejected() {
    let frame = frame_with_body(&Value::Map(vec![(text("type"), text("subscribe"))]));

    let error = decode(&frame).unwrap_err();

    assert_eq!(
        error,
        DecodeError::UnknownMessageType {
            found: "subscribe".to_owned()
        }
    );
    assert_eq!(error.code(), ErrorCode::Malformed);
}

#[test]
fn missing_type_is_rejected() {
    let frame = frame_with_body(&Value::Map(vec![(text("doc"), Value::Bytes(vec![1; 16]))]));

    assert_eq!(decode(&frame), Err(DecodeError::MissingType));
}

#[test]
fn document_id_of_wrong_cbor_type_is_rejected() {
    let body = Value::Map(vec![
        (text("type"), text("open")),
        (text("doc"), text(&DOC.to_string())),
    ]);

    let error = decode(&frame_with_body(&body)).unwrap_err();

    assert!(
        matches!(
            error,
            DecodeError::InvalidField {
                message_type: "open",
                field: "doc",
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn sync_without_data_is_rejected() {
    let body = Value::Map(vec![
        (text("type"), text("sync")),
        (text("doc"), Value::Bytes(vec![1; 16])),
    ]);

    assert_eq!(
        decode(&frame_with_body(&body)),
        Err(DecodeError::MissingField {
            message_type: "sync",
            field: "data"
        })
    );
}

#[test]
fn short_ack_head_is_rejected() {
    let body = Value::Map(vec![
        (text("type"), text("ack")),
        (text("doc"), Value::Bytes(vec![1; 16])),
        (text("heads"), Value::Array(vec![Value::Bytes(vec![1; 31])])),
    ]);

    let error = decode(&frame_with_body(&body)).unwrap_err();

    assert!(
        matches!(error, DecodeError::InvalidField { field: "heads", .. }),
        "{error:?}"
    );
}

#[test]
fn error_code_out_of_range_is_rejected() {
    let body = Value::Map(vec![
        (text("type"), text("error")),
        (text("code"), Value::Integer(70_000.into())),
        (text("message"), text("")),
    ]);

    let error = decode(&frame_with_body(&body)).unwrap_err();

    assert!(
        matches!(error, DecodeError::InvalidField { field: "code", .. }),
        "{error:?}"
    );
}

#[test]
fn duplicate_key_is_rejected() {
    let body = Value::Map(vec![
        (text("type"), text("open")),
        (text("doc"), Value::Bytes(vec![1; 16])),
        (text("doc"), Value::Bytes(vec![2; 16])),
    ]);

    assert_eq!(
        decode(&frame_with_body(&body)),
        Err(DecodeError::DuplicateField {
            field: "doc".to_owned()
        })
    );
}

#[test]
fn unknown_keys_are_ignored() {
    let body = Value::Map(vec![
        (text("type"), text("open")),
        (text("doc"), Value::Bytes(DOC.as_bytes().to_vec())),
        (text("priority"), Value::Integer(3.into())),
    ]);

    assert_eq!(
        decode(&frame_with_body(&body)),
        Ok(Message::Open { doc: DOC })
    );
}

#[test]
fn null_optional_fields_read_as_absent() {
    let body = Value::Map(vec![
        (text("type"), text("ephemeral")),
        (text("doc"), Value::Bytes(DOC.as_bytes().to_vec())),
        (text("sender"), Value::Null),
        (text("data"), Value::Bytes(vec![1])),
    ]);

    assert_eq!(
        decode(&frame_with_body(&body)),
        Ok(Message::Ephemeral {
            doc: DOC,
            sender: None,
            data: vec![1]
        })
    );
}

#[test]
fn deep_nesting_is_rejected() {
    let mut body = vec![0x81; 100_000];
    body.push(0x00);
    let mut frame = vec![PROTOCOL_VERSION];
    frame.extend(body);

    let error = decode(&frame).unwrap_err();

    assert_eq!(error.code(), ErrorCode::Malformed);
}

#[test]
fn huge_declared_length_is_rejected() {
    let mut frame = vec![PROTOCOL_VERSION, 0x5b];
    frame.extend(u64::MAX.to_be_bytes());

    let error = decode(&frame).unwrap_err();

    assert!(
        matches!(error, DecodeError::InvalidCbor { .. }),
        "{error:?}"
    );
}

fn arbitrary_document_id() -> impl Strategy<Value = DocumentId> {
    any::<[u8; 16]>().prop_map(DocumentId::from_bytes)
}

fn arbitrary_error_code() -> impl Strategy<Value = ErrorCode> {
    any::<u16>().prop_map(ErrorCode::from_u16)
}

fn arbitrary_message() -> impl Strategy<Value = Message> {
    let bytes = || proptest::collection::vec(any::<u8>(), 0..300);
    prop_oneof![
        arbitrary_document_id().prop_map(|doc| Message::Open { doc }),
        arbitrary_document_id().prop_map(|doc| Message::Close { doc }),
        (arbitrary_document_id(), bytes()).prop_map(|(doc, data)| Message::Sync { doc, data }),
        (
            arbitrary_document_id(),
            proptest::collection::vec(any::<[u8; 32]>(), 0..5)
        )
            .prop_map(|(doc, heads)| Message::Ack { doc, heads }),
        (
            proptest::option::of(arbitrary_document_id()),
            arbitrary_error_code(),
            any::<String>()
        )
            .prop_map(|(doc, code, message)| Message::Error { doc, code, message }),
        (
            arbitrary_document_id(),
            proptest::option::of(any::<String>()),
            bytes()
        )
            .prop_map(|(doc, sender, data)| Message::Ephemeral { doc, sender, data }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_messages_round_trip(message in arbitrary_message()) {
        prop_assert_eq!(decode(&encode(&message)), Ok(message));
    }

    #[test]
    fn decode_never_panics_on_arbitrary_bytes(frame in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode(&frame);
    }

    #[test]
    fn decode_never_panics_after_version(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut frame = vec![PROTOCOL_VERSION];
        frame.extend(body);
        let _ = decode(&frame);
    }

    #[test]
    fn decode_never_panics_on_corruption(
        message in arbitrary_message(),
        position in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut frame = encode(&message);
        let at = position.index(frame.len());
        frame[at] = byte;
        let _ = decode(&frame);
        let _ = decode(&frame[..cut.index(frame.len())]);
    }
}

#[test]
fn unknown_type_is_shortened_in_error() {
    let long_type = "x".repeat(10_000);
    let frame = frame_with_body(&Value::Map(vec![(text("type"), text(&long_type))]));

    let error = decode(&frame).expect_err("an unknown type is rejected");

    assert!(error.to_string().len() < 200, "{error}");
}

#[test]
fn truncated_cbor_error_reads_as_words() {
    let mut frame = encode(&Message::Open {
        doc: DocumentId::new_random(),
    });
    frame.truncate(frame.len() - 3);

    let error = decode(&frame).expect_err("a truncated frame is rejected");

    assert!(!error.to_string().contains("Io("), "{error}");
}
