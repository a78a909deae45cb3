//! The rule loader over arbitrary rule-file text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    claimdiff::fuzzing::rules(data);
});
