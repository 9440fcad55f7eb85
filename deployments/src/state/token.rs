//! The conflict token: Go's `time.Time.MarshalBinary()` of the last accepted write's time.

/// Seconds from 0001-01-01 to 1970-01-01, Go's `unixToInternal`.
const UNIX_TO_INTERNAL: i128 = 62_135_596_800;

/// A deployment's conflict token (specification.md section B.0.3): the time of its last accepted write.
///
/// Its bytes are what the server sends, Go's `MarshalBinary` of a UTC time (15 bytes).
/// The model's clock has milliseconds, so two writes in one millisecond would share a
/// time; each token is therefore at least one nanosecond after the one before it, which
/// keeps "a new token on every accepted write" true (`token.strictly-newer` in
/// docs/semantics.md).
///
/// # Example
/// ```
/// use worker_deployments::ConflictToken;
///
/// let token = ConflictToken::from_unix_nanos(1_796_648_737_703_070_463);
/// assert_eq!(token.to_bytes().len(), 15);
/// assert_ne!(token.to_bytes().as_slice(), b"bogus");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ConflictToken {
    unix_nanos: i128,
}

impl ConflictToken {
    /// The token of a write at `unix_nanos` nanoseconds after 1970-01-01 UTC.
    pub const fn from_unix_nanos(unix_nanos: i128) -> Self {
        Self { unix_nanos }
    }

    /// The token of a write at `now_ms`, later than `previous` by at least 1 ns.
    pub(crate) fn next(previous: Option<Self>, now_ms: u64) -> Self {
        let at = i128::from(now_ms) * 1_000_000;
        match previous {
            Some(p) if p.unix_nanos >= at => Self::from_unix_nanos(p.unix_nanos + 1),
            _ => Self::from_unix_nanos(at),
        }
    }

    /// The time, in nanoseconds after 1970-01-01 UTC.
    pub const fn unix_nanos(&self) -> i128 {
        self.unix_nanos
    }

    /// Go's `time.Time.MarshalBinary()` (version 1, UTC): `0x01`, the big-endian seconds
    /// since 0001-01-01 (8 bytes), the nanoseconds (4 bytes) and `0xFFFF`.
    pub fn to_bytes(&self) -> [u8; 15] {
        let secs = self.unix_nanos.div_euclid(1_000_000_000) + UNIX_TO_INTERNAL;
        let nanos = self.unix_nanos.rem_euclid(1_000_000_000);
        let secs = i64::try_from(secs).unwrap_or(i64::MAX).to_be_bytes();
        let nanos = i32::try_from(nanos).unwrap_or_default().to_be_bytes();
        let mut out = [0u8; 15];
        let parts = [&[1u8][..], &secs[..], &nanos[..], &[0xFF, 0xFF][..]];
        for (slot, byte) in out.iter_mut().zip(parts.into_iter().flatten()) {
            *slot = *byte;
        }
        out
    }

    /// Whether a request's token passes: empty skips the check, anything else must equal
    /// these bytes exactly.
    pub(crate) fn accepts(&self, request: &[u8]) -> bool {
        request.is_empty() || request == self.to_bytes().as_slice()
    }
}

#[cfg(test)]
mod tests {
    use super::ConflictToken;

    #[test]
    fn bytes_match_the_token_the_live_server_sent() {
        // specification.md section A.2: `AQAAAA7iqKYhKegA////` is 2026-12-07 13:05:37.703070463 UTC.
        let live = [
            0x01, 0x00, 0x00, 0x00, 0x0e, 0xe2, 0xa8, 0xa6, 0x21, 0x29, 0xe8, 0x00, 0xff, 0xff,
            0xff,
        ];
        let token = ConflictToken::from_unix_nanos(1_796_648_737_703_070_463);
        assert_eq!(token.to_bytes(), live);
    }

    #[test]
    fn each_token_is_newer_than_the_last_even_within_a_millisecond() {
        let a = ConflictToken::next(None, 5);
        let b = ConflictToken::next(Some(a), 5);
        let c = ConflictToken::next(Some(b), 6);
        assert!(a < b && b < c);
        assert_eq!(c.unix_nanos(), 6_000_000);
        assert!(a.accepts(&[]));
        assert!(a.accepts(&a.to_bytes()));
        assert!(!a.accepts(&b.to_bytes()));
    }
}
