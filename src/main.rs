//! The `queuelab` binary: the command line natively, the playground in WebAssembly.

#[cfg(all(feature = "native", not(target_arch = "wasm32")))]
fn main() -> std::process::ExitCode {
    queuelab::cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {
    queuelab::web::start();
}

#[cfg(all(not(feature = "native"), not(target_arch = "wasm32")))]
fn main() {
    eprintln!("queuelab was built without the `native` feature: the command line is not available");
}
