//! The `theopenmoney-sandbox` binary as a partner runs it: in memory, on a free loopback
//! port, read from its banner; killed at the end.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

pub struct SandboxProcess {
    child: Child,
    pub base_url: String,
}

impl SandboxProcess {
    pub async fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_theopenmoney-sandbox"))
            .args(["--addr", "127.0.0.1:0", "--db", ":memory:"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the sandbox binary starts");
        let stdout = child.stdout.take().unwrap();
        let base_url = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).unwrap();
            line.trim()
                .strip_prefix("TheOpenMoney sandbox listening on ")
                .unwrap_or_else(|| panic!("unexpected banner: {line:?}"))
                .to_owned()
        })
        .await
        .unwrap();
        Self { child, base_url }
    }

    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
