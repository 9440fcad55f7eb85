//! The implementation under test: a child process spoken to in JSON lines, with a timeout
//! on every exchange (writing the request and reading the answer), a bound on every answer
//! line, and its whole process group killed when the driver is done with it.

use std::fmt;
use std::io::{BufReader, Read, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use version_sets_trace::{check_tree, quote, read_strict};

use crate::input::{Line, MAX_INPUT_BYTES, read_line};

/// How long a child may take to exit once its input is closed, before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(10);

/// The longest answer line read, in bytes without its newline: the cap on an input file
/// (`cli/src/input.rs`), since no answer describes more than a trace file can hold. A longer
/// line is refused once this many bytes have been read, without reading the rest.
#[allow(clippy::cast_possible_truncation)]
pub(crate) const MAX_ANSWER_BYTES: usize = MAX_INPUT_BYTES as usize;

/// Why the child could not give an answer: the driver stops with exit status 2.
#[derive(Debug)]
pub(crate) enum ChildError {
    /// It could not be started.
    Spawn(String),
    /// Its output ended, or it stopped reading.
    Died,
    /// No answer within the timeout (or the request could not be written within it).
    Hung(Duration),
    /// The answer is not one JSON value.
    NotJson(String),
    /// The answer line is longer than [`MAX_ANSWER_BYTES`].
    TooLong,
    /// The answer's JSON tree would be too large for its bytes ([`check_tree`]).
    TooLarge(String),
    /// Its reset answer declares what it observes in a form the driver cannot read.
    Declaration(String),
    /// The driver could not write the step as a request (JSON cannot hold one of its
    /// values); nothing was sent.
    Request(String),
}

impl fmt::Display for ChildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Spawn(reason) => write!(f, "cannot start the implementation: {reason}"),
            Self::Died => f.write_str("the implementation exited or closed its output"),
            Self::Hung(timeout) => write!(
                f,
                "the implementation did not answer within {} ms",
                timeout.as_millis()
            ),
            Self::Declaration(problem) => write!(f, "the implementation's declaration: {problem}"),
            Self::Request(problem) => {
                write!(f, "the step cannot be written as a request: {problem}")
            }
            Self::TooLarge(problem) => write!(f, "the implementation's answer: {problem}"),
            Self::NotJson(text) => write!(
                f,
                "the implementation answered something that is not JSON: {}",
                quote(text)
            ),
            Self::TooLong => write!(
                f,
                "the implementation answered a line longer than {MAX_ANSWER_BYTES} bytes"
            ),
        }
    }
}

/// One answer line, as the reading thread hands it over.
enum Answer {
    /// A whole line, without its newline.
    Line(Vec<u8>),
    /// A line past [`MAX_ANSWER_BYTES`]: the thread stopped reading.
    TooLong,
}

/// A running implementation.
pub(crate) struct Child {
    process: std::process::Child,
    /// Requests for the writing thread; `None` once closed, when the driver is done (the
    /// thread then closes the child's input).
    requests: Option<SyncSender<String>>,
    answers: Receiver<Answer>,
    timeout: Duration,
    /// It once did not answer in time: it is not waited for at the end.
    hung: bool,
}

impl Child {
    /// Starts `program args...` in a process group of its own, with piped standard input
    /// and output; its standard error goes to ours.
    pub(crate) fn start(command: &[String], timeout: Duration) -> Result<Self, ChildError> {
        let (program, args) = command
            .split_first()
            .ok_or_else(|| ChildError::Spawn("no command given after --".to_owned()))?;
        let mut command = Command::new(program);
        command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        // Its own group, so that what it starts can be killed with it (see `kill_group`).
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut process = command
            .spawn()
            .map_err(|error| ChildError::Spawn(format!("{program}: {error}")))?;
        let (stdin, stdout) = match (process.stdin.take(), process.stdout.take()) {
            (Some(stdin), Some(stdout)) => (stdin, stdout),
            _ => {
                let _ = process.kill();
                let _ = process.wait();
                return Err(ChildError::Spawn("no pipes to the child".to_owned()));
            }
        };
        // One thread writes the requests and one reads the answers, so that a child that
        // stops reading or writing times out instead of blocking the driver. Both channels
        // hold one item: a request is asked only once the previous one was answered.
        let (requests, inbox) = mpsc::sync_channel(1);
        thread::spawn(move || write_requests(stdin, &inbox));
        let (sender, answers) = mpsc::sync_channel(1);
        thread::spawn(move || read_answers(stdout, MAX_ANSWER_BYTES, &sender));
        Ok(Self {
            process,
            requests: Some(requests),
            answers,
            timeout,
            hung: false,
        })
    }

    /// Sends one request line and waits for the one-line answer: both within the timeout.
    pub(crate) fn ask(&mut self, request: &str) -> Result<Value, ChildError> {
        let requests = self.requests.as_ref().ok_or(ChildError::Died)?;
        let start = Instant::now();
        let deadline = start.checked_add(self.timeout).unwrap_or(start);
        let mut request = format!("{request}\n");
        // The slot is taken only while the writing thread has not picked up an earlier
        // request, which a child that answers before reading can cause: wait for it, within
        // the timeout.
        loop {
            match requests.try_send(request) {
                Ok(()) => break,
                Err(TrySendError::Full(again)) if Instant::now() < deadline => {
                    request = again;
                    thread::sleep(Duration::from_millis(1));
                }
                Err(TrySendError::Full(_)) => {
                    self.hung = true;
                    return Err(ChildError::Hung(self.timeout));
                }
                Err(TrySendError::Disconnected(_)) => return Err(ChildError::Died),
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let line = match self.answers.recv_timeout(left) {
            Ok(Answer::Line(line)) => line,
            Ok(Answer::TooLong) => return Err(ChildError::TooLong),
            Err(RecvTimeoutError::Timeout) => {
                self.hung = true;
                return Err(ChildError::Hung(self.timeout));
            }
            Err(RecvTimeoutError::Disconnected) => return Err(ChildError::Died),
        };
        // The tree of an answer is bounded as a trace line's is (docs/trace-format.md).
        check_tree(&line).map_err(ChildError::TooLarge)?;
        read_strict(&line)
            .map_err(|_| ChildError::NotJson(String::from_utf8_lossy(&line).into_owned()))
    }

    /// Kills every process of the child's group: what the child started dies with it. The
    /// group is the child's own (`start`), so its ID is the child's: while any member lives,
    /// that ID cannot be given to another process.
    #[cfg(unix)]
    fn kill_group(&self) {
        use nix::sys::signal::{Signal, killpg};
        use nix::unistd::Pid;
        if let Ok(id) = i32::try_from(self.process.id()) {
            // ESRCH (nothing left in the group) is the usual outcome and not an error.
            let _ = killpg(Pid::from_raw(id), Signal::SIGKILL);
        }
    }

    /// Without process groups, only the child itself is killed.
    #[cfg(not(unix))]
    fn kill_group(&self) {}
}

/// The writing thread: writes each request it is given; closes the child's input when the
/// driver drops its side, or stops when the child no longer takes input.
fn write_requests(mut stdin: ChildStdin, inbox: &Receiver<String>) {
    while let Ok(request) = inbox.recv() {
        if stdin
            .write_all(request.as_bytes())
            .and_then(|()| stdin.flush())
            .is_err()
        {
            break;
        }
    }
}

/// The reading thread: hands over each answer line, each at most `max` bytes long
/// ([`MAX_ANSWER_BYTES`]); stops at the end of the output, at a read error, at a line too
/// long (once `max` + 1 bytes of it are read), or when the driver is gone. A last line
/// without its newline still counts.
fn read_answers(output: impl Read, max: usize, sender: &SyncSender<Answer>) {
    let mut reader = BufReader::new(output);
    loop {
        let answer = match read_line(&mut reader, max) {
            Ok(None) | Err(_) => return,
            Ok(Some(Line::Text(line))) => Answer::Line(line),
            Ok(Some(Line::TooLong)) => Answer::TooLong,
        };
        let last = matches!(answer, Answer::TooLong);
        if sender.send(answer).is_err() || last {
            return;
        }
    }
}

impl Drop for Child {
    /// The driver is done with the child, or gave up on it: neither it nor anything it
    /// started outlives the run. Its input is closed first and it gets [`EXIT_GRACE`] to exit
    /// by itself (unless it hung before), so that an implementation that holds resources (the
    /// live adapter's own server) can release them; then its whole group is killed.
    fn drop(&mut self) {
        // Closing its input is the end of the protocol's conversation.
        drop(self.requests.take());
        let grace = if self.hung {
            Duration::ZERO
        } else {
            EXIT_GRACE
        };
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            match self.process.try_wait() {
                Ok(Some(_)) | Err(_) => break,
                Ok(None) => thread::sleep(Duration::from_millis(20)),
            }
        }
        self.kill_group();
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the reading thread hands over for `output`, with answer lines of at most 4 bytes.
    fn answers(output: &[u8]) -> Vec<Option<String>> {
        let (sender, receiver) = mpsc::sync_channel(16);
        read_answers(output, 4, &sender);
        drop(sender);
        receiver
            .iter()
            .map(|answer| match answer {
                Answer::Line(line) => Some(String::from_utf8(line).unwrap()),
                Answer::TooLong => None,
            })
            .collect()
    }

    #[test]
    fn a_line_at_the_bound_is_read_and_one_past_it_is_refused_and_ends_the_reading() {
        let line = |text: &str| Some(text.to_owned());
        assert_eq!(answers(b"{}\n1234\n"), [line("{}"), line("1234")]);
        assert_eq!(answers(b"1234"), [line("1234")]);
        assert_eq!(answers(b"{}\n12345\n{}\n"), [line("{}"), None]);
        assert_eq!(answers(b"12345"), [None]);
        assert_eq!(answers(b""), []);
    }
}
