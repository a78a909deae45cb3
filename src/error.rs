//! The library's one error type: every failure a user can cause, naming the file and place.

use std::path::PathBuf;

/// Everything that can go wrong in claimdiff's library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A document is not valid UTF-8.
    #[error("{path}: not valid UTF-8 (first bad byte at offset {offset})")]
    NotUtf8 { path: PathBuf, offset: usize },
    /// A path named on the command line does not exist.
    #[error("{0}: no such file or directory")]
    Missing(PathBuf),
    /// A manifest row is wrong.
    #[error("{path}:{line}: {message}")]
    Manifest {
        path: PathBuf,
        line: u64,
        message: String,
    },
    /// A rule file is wrong.
    #[error("rules/{file}: {message}")]
    Rule { file: String, message: String },
    /// A rule file's own example failed.
    #[error("{0}")]
    RuleTests(String),
    /// A `claimdiff.toml` (or baseline) is wrong.
    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },
    /// A claim named on the command line (`compare --explain`) is not in the report.
    #[error("{reference}: {message}")]
    Reference { reference: String, message: String },
    /// A claims file given to `compare --claims` is wrong.
    #[error("{path}:{line}: {message}")]
    Claims {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// A gold annotation line is malformed, names an undefined claim, or overlaps another span.
    #[error("{path}:{line}: {message}")]
    Gold {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// A report given to `eval --report` does not follow the JSON contract.
    #[error("{path}: {message}")]
    Report { path: PathBuf, message: String },
}

/// Result with claimdiff's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
