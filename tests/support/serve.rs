//! A `claimdb` child process, for the tests that run the binary itself (`tests/cli.rs`,
//! `tests/load.rs`).

use std::time::{Duration, Instant};

/// A claimdb process killed (SIGKILL) when the test ends early, so that none outlives it.
pub struct Running(pub std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// A loopback port nothing listens on (for `claimdb serve --bind`).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until the `claimdb serve` at `base` answers `/healthz` with a success; fails the test
/// when the process ends first or `within` passes.
pub async fn wait_until_healthy(server: &mut Running, base: &str, within: Duration) {
    let client = reqwest::Client::new();
    let started = Instant::now();
    loop {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await {
            if r.status().is_success() {
                return;
            }
        }
        assert!(server.0.try_wait().unwrap().is_none(), "serve ended");
        assert!(started.elapsed() < within, "serve never answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
