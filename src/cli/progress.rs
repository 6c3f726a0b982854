//! Apply progress without a terminal (CI logs): a plain line every 10 s while a step with
//! several changes runs — done / total, the pace and an ETA — plus the step's notes.
//! On a terminal `apply` draws an indicatif bar instead (`TtyProgress` in `apply.rs`).

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::apply::Progress;

/// How often a line is written.
pub const INTERVAL: Duration = Duration::from_secs(10);

#[derive(Default)]
struct Step {
    label: String,
    total: usize,
    done: usize,
    started: Option<Instant>,
}

struct Shared {
    step: Mutex<(Step, bool)>,
    wake: Condvar,
    out: Mutex<Box<dyn Write + Send>>,
}

/// Writes a progress line every [`INTERVAL`] to its writer (stderr for `apply`).
pub struct LineProgress {
    shared: Arc<Shared>,
    ticker: Option<std::thread::JoinHandle<()>>,
}

impl LineProgress {
    /// Progress lines on stderr every 10 s.
    pub fn stderr() -> Self {
        Self::new(Box::new(std::io::stderr()), INTERVAL)
    }

    /// Progress lines on `out` every `interval`.
    pub fn new(out: Box<dyn Write + Send>, interval: Duration) -> Self {
        let shared = Arc::new(Shared {
            step: Mutex::new((Step::default(), false)),
            wake: Condvar::new(),
            out: Mutex::new(out),
        });
        let s = shared.clone();
        let ticker = std::thread::Builder::new()
            .name("entraprov-progress".into())
            .spawn(move || tick(&s, interval))
            .ok();
        Self { shared, ticker }
    }

    fn with(&self, f: impl FnOnce(&mut Step)) {
        if let Ok(mut g) = self.shared.step.lock() {
            f(&mut g.0);
        }
    }
}

impl Drop for LineProgress {
    fn drop(&mut self) {
        if let Ok(mut g) = self.shared.step.lock() {
            g.1 = true;
        }
        self.shared.wake.notify_all();
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
    }
}

fn tick(shared: &Shared, interval: Duration) {
    let Ok(mut g) = shared.step.lock() else {
        return;
    };
    loop {
        let next = Instant::now() + interval;
        while !g.1 && Instant::now() < next {
            let left = next.saturating_duration_since(Instant::now());
            g = match shared.wake.wait_timeout(g, left) {
                Ok((g, _)) => g,
                Err(_) => return,
            };
        }
        if g.1 {
            return;
        }
        if let Some(line) = line(&g.0)
            && let Ok(mut out) = shared.out.lock()
        {
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        }
    }
}

/// `  assignments to add: 3400/10000, 21.0/s, ETA 5m 3s` for a running step of several
/// changes.
fn line(step: &Step) -> Option<String> {
    let started = step.started?;
    if step.total < 2 || step.done >= step.total {
        return None;
    }
    let secs = started.elapsed().as_secs_f64().max(1e-3);
    let rate = step.done as f64 / secs;
    let eta = if rate > 0.0 {
        human_secs((step.total - step.done) as f64 / rate)
    } else {
        "unknown".to_owned()
    };
    Some(format!(
        "  {}: {}/{}, {rate:.1}/s, ETA {eta}",
        step.label, step.done, step.total
    ))
}

fn human_secs(s: f64) -> String {
    let s = s.ceil() as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {}s", s / 60, s % 60),
        _ => format!("{}h {}m", s / 3600, s % 3600 / 60),
    }
}

impl Progress for LineProgress {
    fn step(&self, label: &str, total: usize) {
        self.with(|s| {
            *s = Step {
                label: label.to_owned(),
                total,
                done: 0,
                started: Some(Instant::now()),
            }
        });
    }

    fn advance(&self, n: usize) {
        self.with(|s| s.done += n);
    }

    /// Notes stay out of CI logs (as before this type existed); the report says the rest.
    fn note(&self, _: &str) {}

    fn finish_step(&self) {
        self.with(|s| s.started = None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);

    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn writes_a_line_per_interval_with_pace_and_eta() {
        let buf = Buf::default();
        let p = LineProgress::new(Box::new(buf.clone()), Duration::from_millis(40));
        p.step("assignments to add", 100);
        p.advance(25);
        std::thread::sleep(Duration::from_millis(110));
        p.finish_step();
        std::thread::sleep(Duration::from_millis(60));
        drop(p);
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!((1..=3).contains(&lines.len()), "{text}");
        assert!(
            lines[0].starts_with("  assignments to add: 25/100, "),
            "{text}"
        );
        assert!(lines[0].contains("/s, ETA "), "{text}");
    }

    #[test]
    fn eta_reads_like_a_duration() {
        assert_eq!(human_secs(5.2), "6s");
        assert_eq!(human_secs(303.0), "5m 3s");
        assert_eq!(human_secs(7300.0), "2h 1m");
    }
}
