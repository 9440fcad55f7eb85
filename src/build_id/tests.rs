use super::*;

#[test]
fn accepts_one_byte_and_exactly_255_bytes() {
    assert_eq!(BuildId::new("a").map(|b| b.as_str().len()), Ok(1));
    let max = "é".repeat(127) + "x"; // 255 bytes, 128 characters
    assert_eq!(BuildId::new(&max).map(|b| b.as_str().len()), Ok(255));
}

#[test]
fn rejects_empty_and_256_bytes_with_exact_messages() {
    assert_eq!(
        BuildId::new("").unwrap_err().to_string(),
        "build ID must not be empty"
    );
    let err = BuildId::new("é".repeat(128)).unwrap_err();
    assert_eq!(err, BuildIdError::TooLong { len: 256 });
    assert_eq!(
        err.to_string(),
        "build ID is 256 bytes long; at most 255 are allowed"
    );
}

#[test]
fn every_constructor_validates() {
    assert!(BuildId::try_from("").is_err());
    assert!(BuildId::try_from(String::new()).is_err());
    assert!("".parse::<BuildId>().is_err());
    assert_eq!("1.0".parse::<BuildId>().unwrap(), "1.0");
}

#[test]
fn display_and_debug() {
    let id = BuildId::new("my \"id\"").unwrap();
    assert_eq!(id.to_string(), "my \"id\"");
    assert_eq!(format!("{id:?}"), "\"my \\\"id\\\"\"");
}
