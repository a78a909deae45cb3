//! The whole extraction (figures, number grammar, events, subjects, sources) and grouping over
//! arbitrary bytes, read as the tool reads a file with --lossy.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    claimdiff::fuzzing::extract(data);
});
