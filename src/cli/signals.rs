//! The signals that stop a run: Ctrl-C (SIGINT) and SIGTERM, which CI sends
//! to cancel a job, are one and the same request to stop. It owns waiting
//! for them; what stopping means is the caller's.

/// Waits for the next Ctrl-C or SIGTERM; `false` when no signal can be
/// waited for (the handlers could not be installed).
pub async fn stop_requested() -> bool {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut term) = signal(SignalKind::terminate()) else {
            return tokio::signal::ctrl_c().await.is_ok();
        };
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.is_ok(),
            r = term.recv() => r.is_some(),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.is_ok()
    }
}
