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
        .stack_size(aksplan::STACK_SIZE)
        .spawn(move || aksplan::cli::run(args))
        .expect("spawning the main thread")
        .join()
        .unwrap_or(1);
    // Everything the run opened is closed and everything it printed is
    // handed to the kernel here; what is left is the allocator's exit hook,
    // which gives every arena back to the kernel page by page (7% of a
    // 10,000-resource validate) only for the process to end. `_exit` ends
    // it without running that hook.
    #[cfg(unix)]
    {
        use std::io::Write;
        if std::io::stdout().flush().is_ok() && std::io::stderr().flush().is_ok() {
            // SAFETY: _exit ends the process at once; no Rust code runs after it.
            unsafe { libc::_exit(code) }
        }
    }
    std::process::exit(code);
}
