//! The server: its own OS thread and tokio runtime, a loopback listener whose
//! connections can be dropped on purpose (fault `drop`), and start-up of the tenant.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::sim::core::Sim;

/// A connection's kill switch, reachable from handlers through `ConnectInfo`.
#[derive(Clone, Debug)]
pub struct Kill(pub Arc<AtomicBool>);

impl Kill {
    /// Makes the connection fail on its next write (the answer is never sent).
    pub fn fire(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// A TCP stream that errors once its kill switch fires.
pub struct KillIo {
    inner: TcpStream,
    kill: Arc<AtomicBool>,
}

impl AsyncRead for KillIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.kill.load(Ordering::SeqCst) {
            return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.kill.load(Ordering::SeqCst) {
            return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The listener handing out [`KillIo`] connections.
pub struct SimListener(pub TcpListener);

impl Listener for SimListener {
    type Io = KillIo;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok((inner, addr)) => {
                    let _ = inner.set_nodelay(true);
                    let io = KillIo {
                        inner,
                        kill: Arc::new(AtomicBool::new(false)),
                    };
                    return (io, addr);
                }
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(5)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

impl Connected<IncomingStream<'_, SimListener>> for Kill {
    fn connect_info(stream: IncomingStream<'_, SimListener>) -> Self {
        Kill(stream.io().kill.clone())
    }
}

/// Serves `sim` on `listener` until `stop` fires.
pub async fn serve(
    sim: Arc<Sim>,
    listener: std::net::TcpListener,
    stop: tokio::sync::oneshot::Receiver<()>,
) -> io::Result<()> {
    let listener = TcpListener::from_std(listener)?;
    let app = crate::sim::http::router(sim).into_make_service_with_connect_info::<Kill>();
    tokio::select! {
        r = axum::serve(SimListener(listener), app) => r,
        _ = stop => Ok(()),
    }
}
