//! Times and durations as people write them: `--now` (an RFC 3339 time or Unix
//! milliseconds, the current time when left out) and durations with units. Only the
//! command reads the clock; the model is given every time.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::Output;
use super::json::quote;

/// Bare Unix milliseconds below this (1973-03-03T09:46:40Z) are refused: what `date +%s`
/// prints today is about 1.7e9, so a bare value this small is far more likely seconds than
/// a time in 1970-1973. `MSms` takes any value on purpose.
const SMALLEST_BARE_MS: i64 = 100_000_000_000;

/// A `--now` value in Unix milliseconds: an RFC 3339 time (`2024-11-19T07:06:40Z`, or with
/// an offset such as `+02:00`), Unix milliseconds of at least 100000000000, or any whole
/// number of milliseconds followed by `ms` (`5000ms`, `-1ms`).
pub(crate) fn parse_now(text: &str) -> Result<i64, String> {
    if let Some(ms) = text.strip_suffix("ms") {
        return ms
            .parse::<i64>()
            .map_err(|error| format!("{error} (MSms takes a whole number of milliseconds)"));
    }
    if let Ok(ms) = text.parse::<i64>() {
        if ms < SMALLEST_BARE_MS {
            return Err(format!(
                "{ms} looks like seconds, not Unix milliseconds (bare milliseconds below \
                 {SMALLEST_BARE_MS} are before 1973-03-03); give milliseconds, an RFC 3339 \
                 time such as 2024-11-19T07:06:40Z, or {ms}ms for that early time on purpose"
            ));
        }
        return Ok(ms);
    }
    if text
        .bytes()
        .all(|byte| byte.is_ascii_digit() || byte == b'-')
    {
        return Err("number too large to fit in target type".to_owned());
    }
    rfc3339(text)
}

/// An RFC 3339 time in Unix milliseconds.
fn rfc3339(text: &str) -> Result<i64, String> {
    let invalid = || {
        "expected an RFC 3339 time such as 2024-11-19T07:06:40Z or 2024-11-19T09:06:40+02:00, \
         or Unix milliseconds"
            .to_owned()
    };
    // humantime reads UTC times (`Z`); an offset `+HH:MM` or `-HH:MM` is taken off here.
    let (utc, offset_ms) = match text.len().checked_sub(6).and_then(|at| {
        let (time, offset) = (text.get(..at)?, text.get(at..)?);
        let sign = match offset.as_bytes().first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let hours: i64 = offset.get(1..3)?.parse().ok()?;
        let minutes: i64 = offset.get(4..6)?.parse().ok()?;
        (offset.get(3..4)? == ":" && time.contains(['T', 't', ' ']))
            .then(|| (format!("{time}Z"), sign * (hours * 60 + minutes) * 60_000))
    }) {
        Some(split) => split,
        None => (text.to_owned(), 0),
    };
    let time = humantime::parse_rfc3339(&utc).map_err(|_| invalid())?;
    let ms = time
        .duration_since(UNIX_EPOCH)
        .map_err(|_| invalid())?
        .as_millis();
    i64::try_from(ms)
        .ok()
        .and_then(|ms| ms.checked_sub(offset_ms))
        .ok_or_else(invalid)
}

/// A duration in milliseconds: a whole number of milliseconds, or a number with units as
/// humantime reads them (`500ms`, `90s`, `15m`, `1h`, `30d`, `1h 30m`).
pub(crate) fn parse_duration(text: &str) -> Result<i64, String> {
    if let Ok(ms) = text.parse::<u64>() {
        return i64::try_from(ms).map_err(|_| "the duration is too long".to_owned());
    }
    let duration = humantime::parse_duration(text).map_err(|error| match error {
        // humantime's own words repeat the unit whole; a long one is quoted as an excerpt.
        humantime::DurationError::UnknownUnit { unit, .. } if !unit.is_empty() => format!(
            "unknown time unit {}, supported units: ns, us/µs, ms, sec, min, hours, days, \
             weeks, months, years (and few variations)",
            quote(&unit)
        ),
        other => other.to_string(),
    })?;
    i64::try_from(duration.as_millis()).map_err(|_| "the duration is too long".to_owned())
}

/// The time a run answers for: `--now` when given, the current time otherwise. A time
/// before `newest_ms`, the newest timestamp of the data, is taken as given, with a one-line
/// warning: a clock behind the data is possible (another cluster's stamps, a skewed
/// clock), but more often a mistake, and the time rules answer as of that time.
pub(crate) fn now(given: Option<i64>, newest_ms: i64, output: &mut Output<'_>) -> i64 {
    let now = given.unwrap_or_else(wall_clock_ms);
    if now < newest_ms {
        output.diagnostic(format_args!(
            "warning: --now {} is before the newest timestamp in the data, {}; the answers are as of --now",
            show(now),
            show(newest_ms)
        ));
    }
    now
}

/// `ms` as Unix milliseconds and, when it is one, as an RFC 3339 time.
fn show(ms: i64) -> String {
    // humantime writes years 1970 to 9999 only (a later time is a formatting error).
    u64::try_from(ms)
        .ok()
        .filter(|positive| *positive < 253_402_300_800_000)
        .and_then(|positive| UNIX_EPOCH.checked_add(Duration::from_millis(positive)))
        .map_or_else(
            || format!("{ms}ms"),
            |time| format!("{ms}ms ({})", humantime::format_rfc3339_millis(time)),
        )
}

/// The current Unix time in milliseconds (0 if the system clock is before 1970).
pub(crate) fn wall_clock_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}
