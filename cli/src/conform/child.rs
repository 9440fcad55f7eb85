//! The implementation under test: a child process spoken to in JSON lines, with a timeout
//! on every answer.

use std::fmt;
use std::io::{BufRead, BufReader, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// How long a child may take to exit once its input is closed, before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(10);

use serde_json::Value;
use version_sets_trace::read_strict;

/// Why the child could not give an answer: the driver stops with exit status 2.
#[derive(Debug)]
pub(crate) enum ChildError {
    /// It could not be started.
    Spawn(String),
    /// Its output ended, or it stopped reading.
    Died,
    /// No answer within the timeout.
    Hung(Duration),
    /// The answer is not one JSON value.
    NotJson(String),
    /// Its reset answer declares what it observes in a form the driver cannot read.
    Declaration(String),
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
            Self::NotJson(text) => {
                let text: String = text.chars().take(200).collect();
                write!(
                    f,
                    "the implementation answered something that is not JSON: {text}"
                )
            }
        }
    }
}

/// A running implementation.
pub(crate) struct Child {
    process: std::process::Child,
    /// `None` once closed, when the driver is done.
    stdin: Option<ChildStdin>,
    answers: Receiver<String>,
    timeout: Duration,
    /// It once did not answer in time: it is not waited for at the end.
    hung: bool,
}

impl Child {
    /// Starts `program args...` with piped standard input and output; its standard error
    /// goes to ours.
    pub(crate) fn start(command: &[String], timeout: Duration) -> Result<Self, ChildError> {
        let (program, args) = command
            .split_first()
            .ok_or_else(|| ChildError::Spawn("no command given after --".to_owned()))?;
        let mut process = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|error| ChildError::Spawn(format!("{program}: {error}")))?;
        let (stdin, stdout) = match (process.stdin.take(), process.stdout.take()) {
            (Some(stdin), Some(stdout)) => (stdin, stdout),
            _ => return Err(ChildError::Spawn("no pipes to the child".to_owned())),
        };
        // A thread reads the answers, so that waiting for one can time out.
        let (sender, answers) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Self {
            process,
            stdin: Some(stdin),
            answers,
            timeout,
            hung: false,
        })
    }

    /// Sends one request line and waits for the one-line answer.
    pub(crate) fn ask(&mut self, request: &str) -> Result<Value, ChildError> {
        let stdin = self.stdin.as_mut().ok_or(ChildError::Died)?;
        writeln!(stdin, "{request}")
            .and_then(|()| stdin.flush())
            .map_err(|_| ChildError::Died)?;
        let line = match self.answers.recv_timeout(self.timeout) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => {
                self.hung = true;
                return Err(ChildError::Hung(self.timeout));
            }
            Err(RecvTimeoutError::Disconnected) => return Err(ChildError::Died),
        };
        read_strict(line.as_bytes()).map_err(|_| ChildError::NotJson(line))
    }
}

impl Drop for Child {
    /// The driver is done with the child, or gave up on it: it does not outlive the run. Its
    /// input is closed first and it gets [`EXIT_GRACE`] to exit by itself (unless it hung
    /// before), so that an implementation that holds resources (the live adapter's own
    /// server) can release them.
    fn drop(&mut self) {
        // Closing its input is the end of the protocol's conversation.
        drop(self.stdin.take());
        let grace = if self.hung {
            Duration::ZERO
        } else {
            EXIT_GRACE
        };
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            match self.process.try_wait() {
                Ok(Some(_)) | Err(_) => return,
                Ok(None) => thread::sleep(Duration::from_millis(20)),
            }
        }
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
