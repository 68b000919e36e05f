//! The aksplan binary: runs the CLI on a thread with a generous stack (deeply
//! nested input must get a diagnostic, never a stack overflow) and exits with
//! its code.

/// Planning allocates many small values; mimalloc halves the time glibc's
/// allocator takes on a 10,000-resource configuration (see benches/). It is
/// built without asking for transparent huge pages (Cargo.toml, `no_thp`):
/// where other processes had fragmented memory (a terraform run just before,
/// as in a CI job), each huge page fault waited for the kernel to compact
/// memory, and a 10,000-resource validate spent 0.19 s in the kernel instead
/// of 0.05 s (median of 6 runs alternating with terraform validate).
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
