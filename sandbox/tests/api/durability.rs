//! Every acknowledged order and idempotency record survives `kill -9` and a restart: the
//! sandbox binary runs as a child process on a database file, gets SIGKILL while requests are
//! still arriving, and is started again on the same file.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use crate::support::{ALPHA, BETA, TempDir, key, stars};

/// The sandbox binary on `db`, and the base URL it printed.
fn spawn_sandbox(db: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_theopenmoney-sandbox"))
        .args(["--addr", "127.0.0.1:0", "--db"])
        .arg(db)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the sandbox binary starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first_line = String::new();
    stdout.read_line(&mut first_line).unwrap();
    // Keep reading, so the child never writes into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let base_url = first_line
        .trim()
        .strip_prefix("TheOpenMoney sandbox listening on ")
        .unwrap_or_else(|| panic!("unexpected banner: {first_line:?}"))
        .to_owned();
    (child, base_url)
}

/// `GET` and decode, with the key when there is one.
async fn get_json(client: &reqwest::Client, url: String, key: Option<&str>) -> Value {
    let mut request = client.get(url);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    request.send().await.unwrap().json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_orders_and_keys_survive_kill_9() {
    let dir = TempDir::new();
    let db = dir.path().join("durable.sqlite3");
    let (mut child, base_url) = spawn_sandbox(&db);
    let client = reqwest::Client::new();
    let post = |partner: &'static str, body: Value, key: String| {
        let client = client.clone();
        let url = format!("{base_url}/api/v1/orders/stars");
        async move {
            client
                .post(url)
                .bearer_auth(partner)
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
                .await
        }
    };

    // Acknowledged: 30 orders over two partners, some paid from the balance.
    let mut acknowledged = Vec::new();
    for i in 0..30 {
        let partner = if i % 3 == 0 { BETA } else { ALPHA };
        let mut body = stars(50 + i, &format!("durable-{i}"));
        if i % 5 == 0 {
            body["payment_method"] = json!("balance");
        }
        let key = key();
        let reply = post(partner, body.clone(), key.clone()).await.unwrap();
        assert_eq!(reply.status(), 200);
        let order: Value = reply.json().await.unwrap();
        acknowledged.push((partner, body, key, order["data"].clone()));
    }
    let balance_before = get_json(&client, format!("{base_url}/api/v1/balance"), Some(BETA)).await;

    // More creates in flight while the process is killed: their fate is unknown to the
    // client, so the test only requires that the database stays readable.
    let in_flight: Vec<_> = (0..8)
        .map(|i| tokio::spawn(post(ALPHA, stars(60, &format!("in-flight-{i}")), key())))
        .collect();
    child.kill().unwrap(); // SIGKILL on Unix: no shutdown code runs.
    child.wait().unwrap();
    for request in in_flight {
        let _ = request.await;
    }

    let (mut restarted, base_url) = spawn_sandbox(&db);
    for (partner, body, key, order) in &acknowledged {
        let id = order["id"].as_i64().unwrap();
        let read = get_json(
            &client,
            format!("{base_url}/api/v1/orders/{id}"),
            Some(partner),
        )
        .await;
        assert_eq!(&read["data"], order, "order {id} changed or vanished");
        // The idempotency record survived too: the retry replays, it does not create.
        let replay = client
            .post(format!("{base_url}/api/v1/orders/stars"))
            .bearer_auth(partner)
            .header("Idempotency-Key", key.as_str())
            .json(body)
            .send()
            .await
            .unwrap();
        assert_eq!(replay.headers()["idempotent-replayed"], "true");
        let replayed: Value = replay.json().await.unwrap();
        assert_eq!(&replayed["data"]["id"], &order["id"]);
    }
    let balance_after = get_json(&client, format!("{base_url}/api/v1/balance"), Some(BETA)).await;
    assert_eq!(balance_after, balance_before);
    let all = get_json(&client, format!("{base_url}/_sandbox/orders"), None).await;
    let durable = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| {
            o["order"]["client_reference"]
                .as_str()
                .unwrap()
                .starts_with("durable-")
        })
        .count();
    assert_eq!(durable, acknowledged.len());

    restarted.kill().unwrap();
    restarted.wait().unwrap();
}
