//! Short-lived in-process caches for data read far more often than it changes (live sessions,
//! list pages). Each entry lives at most `ttl`, which bounds how stale it can be when another
//! server made a change.
//!
//! A change on this server reaches every cache through one mechanism: the code that changes
//! something says what changed ([`changed`] with a [`Topic`]), and each cache says which topics
//! its entries depend on (when it is made). A feature never reaches into another feature's cache:
//! an organisation renamed is [`Topic::Organisations`], and the agreements' list pages, which
//! show organisation names, are forgotten because they depend on that topic.
//!
//! An expired or missing entry is loaded once: requests that arrive while it loads wait for that
//! load instead of each querying the database (no stampede when a busy page expires).

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// What may change under a cached value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// Accounts and their sessions: a user switched off, a password changed, a logout.
    Accounts,
    /// Organisations: a name, a membership status (which also ends or limits sessions).
    Organisations,
    /// Agreements, their points and the points' updates.
    Agreements,
    /// What the alliance's figures are computed from: the assistance ledger, the registry's
    /// persons and households, members' activities.
    Picture,
    /// Announcements and requests, and members' acknowledgements and answers.
    Announcements,
}

const TOPICS: usize = 5;

/// How many changes each topic has seen on this server.
static GENERATIONS: [AtomicU64; TOPICS] = [const { AtomicU64::new(0) }; TOPICS];

/// Says that something of `topic` changed: every cache entry that depends on it is reloaded on
/// its next read. Call it after the change is committed.
pub fn changed(topic: Topic) {
    GENERATIONS[topic as usize].fetch_add(1, Ordering::SeqCst);
}

/// The sum of the changes seen by `topics` (it grows whenever one of them changes).
fn generation(topics: &[Topic]) -> u64 {
    topics
        .iter()
        .map(|t| GENERATIONS[*t as usize].load(Ordering::SeqCst))
        .sum()
}

type Slot<V> = Arc<OnceCell<Arc<V>>>;

/// An entry: when it was made, the generation of the cache's topics then, and its value.
type Entry<V> = (Instant, u64, Slot<V>);

pub struct Cache<V> {
    ttl: Duration,
    capacity: usize,
    topics: &'static [Topic],
    entries: Mutex<HashMap<String, Entry<V>>>,
}

impl<V> Cache<V> {
    /// A cache whose entries live `ttl` and are forgotten as soon as one of `topics` changes;
    /// past `capacity` entries it starts again from empty, so that requests with ever new keys
    /// cannot make it grow without bound.
    pub fn new(ttl: Duration, capacity: usize, topics: &'static [Topic]) -> Self {
        Cache {
            ttl,
            capacity,
            topics,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The value under `key`, loading it with `load` when missing or expired. A failed load is
    /// not kept: the next request tries again.
    pub async fn get_or_load<F, Fut, E>(&self, key: String, load: F) -> Result<Arc<V>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        let slot = {
            let now = generation(self.topics);
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            match entries.get(&key) {
                Some((at, seen, slot)) if at.elapsed() < self.ttl && *seen == now => slot.clone(),
                _ => {
                    if entries.len() >= self.capacity {
                        entries.clear();
                    }
                    let slot: Slot<V> = Arc::new(OnceCell::new());
                    entries.insert(key, (Instant::now(), now, slot.clone()));
                    slot
                }
            }
        };
        slot.get_or_try_init(|| async { load().await.map(Arc::new) })
            .await
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn loads_once_until_its_topic_changes_or_it_expires() {
        let cache: Cache<usize> = Cache::new(Duration::from_millis(200), 10, &[Topic::Agreements]);
        let loads = AtomicUsize::new(0);
        let load = || async { Ok::<_, ()>(loads.fetch_add(1, Ordering::SeqCst)) };
        assert_eq!(*cache.get_or_load("a".into(), load).await.unwrap(), 0);
        assert_eq!(*cache.get_or_load("a".into(), load).await.unwrap(), 0);
        // Another topic is not this cache's business.
        changed(Topic::Accounts);
        assert_eq!(*cache.get_or_load("a".into(), load).await.unwrap(), 0);
        changed(Topic::Agreements);
        assert_eq!(*cache.get_or_load("a".into(), load).await.unwrap(), 1);
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert_eq!(*cache.get_or_load("a".into(), load).await.unwrap(), 2);
    }

    #[tokio::test]
    async fn concurrent_requests_share_one_load() {
        let cache: Arc<Cache<usize>> = Arc::new(Cache::new(Duration::from_secs(5), 10, &[]));
        let loads = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let (cache, loads) = (cache.clone(), loads.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get_or_load("k".into(), || async {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok::<_, ()>(loads.fetch_add(1, Ordering::SeqCst))
                    })
                    .await
                    .map(|v| *v)
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap(), Ok(0));
        }
        assert_eq!(loads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn failed_load_is_retried_and_capacity_bounds_size() {
        let cache: Cache<u8> = Cache::new(Duration::from_secs(5), 3, &[]);
        assert_eq!(
            cache
                .get_or_load("x".into(), || async { Err::<u8, _>("down") })
                .await,
            Err("down")
        );
        assert_eq!(
            *cache
                .get_or_load("x".into(), || async { Ok::<_, &str>(7) })
                .await
                .unwrap(),
            7
        );
        for k in ["a", "b", "c", "d"] {
            cache
                .get_or_load(k.into(), || async { Ok::<_, ()>(1) })
                .await
                .unwrap();
        }
        assert!(cache.entries.lock().unwrap().len() <= 3);
    }
}
