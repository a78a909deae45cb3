//! Benchmarks only: see throughput.rs.
