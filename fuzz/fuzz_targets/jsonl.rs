//! The JSONL article reader and the claims reader over arbitrary lines.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    claimdiff::fuzzing::jsonl(data);
});
