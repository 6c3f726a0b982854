//! Test support shared by `tests/scim.rs` and `tests/connector.rs`: the real SCIM
//! server (PyPI `scim2-server`), a listener that never answers, and a tiny scripted fake.

#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::PathBuf;

/// A free loopback port (bound and released; good enough for tests).
pub fn free_port() -> u16 {
    let listener = StdListener::bind("127.0.0.1:0").expect("bind an ephemeral loopback port");
    listener.local_addr().expect("local addr").port()
}

/// `$ENTRAPROV_TOOLS_DIR`, default `<crate>/target/tools`.
pub fn tools_dir() -> PathBuf {
    std::env::var_os("ENTRAPROV_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/tools"))
}

pub mod scim_server {
    //! The real SCIM 2.0 server, one process per test, killed on drop.

    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    /// The bearer token every test server accepts.
    pub const TOKEN: &str = "c2NpbS10ZXN0LXRva2VuLWZvci1lbnRyYXByb3YtcHJvYmU";

    /// A running `scim2-server` on a free loopback port.
    pub struct ScimServer {
        child: Child,
        /// Its port.
        pub port: u16,
    }

    impl ScimServer {
        /// Starts `scim2-server --port P --bearer-token TOKEN --tenant <tenant>` and waits
        /// until it accepts connections. Panics (fails the test) if the tool is missing.
        pub fn start(tenant: &str) -> Self {
            let bin = super::tools_dir().join("py/bin/scim2-server");
            assert!(
                bin.is_file(),
                "scim2-server not found at {}: run scripts/test.sh (it installs the test \
                 tools under target/tools) or set ENTRAPROV_TOOLS_DIR",
                bin.display()
            );
            let port = super::free_port();
            let child = Command::new(&bin)
                .args(["--hostname", "127.0.0.1", "--port", &port.to_string()])
                .args(["--bearer-token", TOKEN, "--tenant", tenant])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
            let mut server = Self { child, port };
            server.wait_ready();
            server
        }

        fn wait_ready(&mut self) {
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                if let Ok(Some(status)) = self.child.try_wait() {
                    panic!("scim2-server exited early: {status}");
                }
                if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            panic!(
                "scim2-server did not listen on port {} within 20 s",
                self.port
            );
        }

        /// `http://127.0.0.1:P/<tenant>`: the SCIM base URL for a tenant path.
        pub fn base_url(&self, tenant: &str) -> String {
            format!("http://127.0.0.1:{}/{tenant}", self.port)
        }
    }

    impl Drop for ScimServer {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Accepts connections and never answers (a hung server).
pub struct SilentServer {
    /// Where it listens.
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl SilentServer {
    /// Starts it on a free loopback port.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        Self { addr, task }
    }
}

impl Drop for SilentServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub mod fake {
    //! A scripted HTTP server: answers requests in order with the given replies and
    //! records what it saw. For behaviour the real SCIM server cannot produce.

    use std::collections::VecDeque;
    use std::net::SocketAddr;
    use std::sync::{Arc, Mutex};

    use axum::body::Body;
    use axum::extract::{Request, State};
    use axum::http::{HeaderValue, StatusCode, header};
    use axum::response::Response;

    /// One scripted reply.
    #[derive(Clone, Debug)]
    pub struct Reply {
        status: u16,
        body: String,
    }

    impl Reply {
        /// A reply with this status and body (`application/scim+json`).
        pub fn new(status: u16, body: &str) -> Self {
            Self {
                status,
                body: body.to_owned(),
            }
        }
    }

    /// A request the fake received.
    #[derive(Clone, Debug)]
    pub struct Seen {
        pub method: String,
        pub path_and_query: String,
        pub authorization: Option<String>,
    }

    #[derive(Default)]
    struct Script {
        replies: VecDeque<Reply>,
        seen: Vec<Seen>,
    }

    /// The running fake.
    pub struct Fake {
        addr: SocketAddr,
        script: Arc<Mutex<Script>>,
        task: tokio::task::JoinHandle<()>,
    }

    impl Fake {
        /// `http://127.0.0.1:P/<tenant>`.
        pub fn url(&self, tenant: &str) -> String {
            format!("http://{}/{tenant}", self.addr)
        }

        /// The requests received so far.
        pub fn requests(&self) -> Vec<Seen> {
            self.script.lock().expect("lock").seen.clone()
        }
    }

    impl Drop for Fake {
        fn drop(&mut self) {
            self.task.abort();
        }
    }

    async fn answer(State(script): State<Arc<Mutex<Script>>>, req: Request) -> Response {
        let mut s = script.lock().expect("lock");
        s.seen.push(Seen {
            method: req.method().to_string(),
            path_and_query: req
                .uri()
                .path_and_query()
                .map(|p| p.to_string())
                .unwrap_or_default(),
            authorization: req
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        });
        let reply = s
            .replies
            .pop_front()
            .unwrap_or_else(|| Reply::new(500, "script exhausted"));
        let mut response = Response::new(Body::from(reply.body));
        *response.status_mut() = StatusCode::from_u16(reply.status).expect("valid status");
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/scim+json"),
        );
        response
    }

    /// Starts a fake that answers with `replies` in order (500 once exhausted).
    pub async fn serve(replies: Vec<Reply>) -> Fake {
        let script = Arc::new(Mutex::new(Script {
            replies: replies.into(),
            seen: Vec::new(),
        }));
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Fake { addr, script, task }
    }
}
