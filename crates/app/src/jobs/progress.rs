//! How far a long job has come (for an import: writing the rows, linking the registry, saving
//! persons), for whoever shows it: the page that follows the job on the web, or a terminal's bar.

use serde::Serialize;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Starting,
    Writing,
    Linking,
    Saving,
}

impl Stage {
    /// Its message in `main.ftl`.
    pub fn key(self) -> &'static str {
        match self {
            Stage::Starting => "progress-starting",
            Stage::Writing => "progress-writing",
            Stage::Linking => "progress-linking",
            Stage::Saving => "progress-saving",
        }
    }
}

const STAGES: [Stage; 4] = [
    Stage::Starting,
    Stage::Writing,
    Stage::Linking,
    Stage::Saving,
];

#[derive(Debug, Default)]
pub struct Progress {
    stage: AtomicU8,
    done: AtomicUsize,
    total: AtomicUsize,
}

/// A reading of [`Progress`]: the stage, and steps done out of `total` (0 when not countable).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Reading {
    pub stage: Stage,
    pub done: usize,
    pub total: usize,
    pub percent: usize,
}

impl Progress {
    /// Enters `stage`, of `total` steps (0: not countable).
    pub fn start(&self, stage: Stage, total: usize) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        self.stage.store(stage as u8, Ordering::Relaxed);
    }

    pub fn step(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    pub fn read(&self) -> Reading {
        let stage = STAGES[usize::from(self.stage.load(Ordering::Relaxed)).min(3)];
        let (done, total) = (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        );
        Reading {
            stage,
            done,
            total,
            percent: (done * 100).checked_div(total).unwrap_or(0).min(100),
        }
    }
}
