//! The `queuelab` binary: the command-line interface natively.

#[cfg(all(feature = "native", not(target_arch = "wasm32")))]
fn main() -> std::process::ExitCode {
    queuelab::cli::main()
}

#[cfg(not(all(feature = "native", not(target_arch = "wasm32"))))]
fn main() {
    eprintln!("queuelab was built without the `native` feature: the command line is not available");
}
