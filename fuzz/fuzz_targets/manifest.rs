//! The manifest reader over arbitrary CSV.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    claimdiff::fuzzing::manifest(data);
});
