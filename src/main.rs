//! The aksplan binary: runs the CLI on a thread with a generous stack (deeply
//! nested input must get a diagnostic, never a stack overflow) and exits with
//! its code.

/// Planning allocates many small values; mimalloc halves the time glibc's
/// allocator takes on a 10,000-resource configuration (see benches/).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let code = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || aksplan::cli::run(args))
        .expect("spawning the main thread")
        .join()
        .unwrap_or(1);
    std::process::exit(code);
}
