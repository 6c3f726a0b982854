//! The `--watch` display: one progress bar per manifest on a TTY (indicatif, on stderr),
//! plain lines on stderr otherwise.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{AppStatus, Health};
use crate::graph::GraphError;

/// The watch display.
pub struct Display {
    tty: bool,
    multi: MultiProgress,
    bars: Vec<ProgressBar>,
}

impl Display {
    /// A display for `n` manifests; bars only when `tty`.
    pub fn new(tty: bool, n: usize) -> Self {
        let multi = MultiProgress::with_draw_target(if tty {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        });
        let style =
            ProgressStyle::with_template("{spinner} {prefix:<20} [{bar:30}] {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
        let bars = (0..n)
            .map(|_| {
                let b = multi.add(ProgressBar::new(0));
                b.set_style(style.clone());
                b
            })
            .collect();
        Self { tty, multi, bars }
    }

    /// Shows one refresh; returns whether any job is still in its initial cycle.
    pub fn update(&mut self, results: &[Result<AppStatus, GraphError>]) -> bool {
        let mut running = false;
        for (i, r) in results.iter().enumerate() {
            let (name, line, pos, len) = describe(r);
            running |= matches!(r, Ok(a) if a.health == Health::InProgress);
            if self.tty {
                if let Some(b) = self.bars.get(i) {
                    b.set_prefix(name);
                    b.set_length(len);
                    b.set_position(pos);
                    b.set_message(line);
                    b.tick();
                }
            } else {
                eprintln!("{name}: {line}");
            }
        }
        running
    }

    /// Ctrl-C.
    pub fn interrupted(&self) {
        if self.tty {
            let _ = self
                .multi
                .println("interrupted; showing the current status");
        } else {
            eprintln!("interrupted; showing the current status");
        }
    }

    /// Clears the bars.
    pub fn finish(&self) {
        for b in &self.bars {
            b.finish_and_clear();
        }
        let _ = self.multi.clear();
    }
}

/// `(name, text, position, length)` of one result.
fn describe(r: &Result<AppStatus, GraphError>) -> (String, String, u64, u64) {
    let a = match r {
        Ok(a) => a,
        Err(e) => return ("?".into(), format!("could not read: {e}"), 0, 0),
    };
    let progress = a.job.as_ref().and_then(|j| j.progress.as_ref());
    match (a.health, progress) {
        (Health::InProgress, Some(p)) => {
            let pct = if p.total > 0 {
                p.completed * 100 / p.total
            } else {
                0
            };
            let units = p.units.as_deref().unwrap_or("objects").to_lowercase();
            (
                a.name.clone(),
                format!("initial cycle {}/{} {units} ({pct}%)", p.completed, p.total),
                p.completed.max(0) as u64,
                p.total.max(0) as u64,
            )
        }
        (Health::InProgress, None) => (a.name.clone(), "initial cycle starting".into(), 0, 0),
        (Health::Healthy | Health::Degraded, _) => {
            let n: i64 = a
                .job
                .iter()
                .flat_map(|j| j.counts.iter())
                .map(|c| c.count)
                .sum();
            (
                a.name.clone(),
                format!(
                    "steady state reached ({}), {n} objects synchronized",
                    a.health.label()
                ),
                1,
                1,
            )
        }
        (h, _) => (a.name.clone(), h.label().to_owned(), 0, 0),
    }
}
