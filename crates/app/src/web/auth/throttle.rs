//! Login throttling: failures are counted per (account, address) and per address, and each
//! failure beyond the free ones doubles the wait (up to the longest); behind a trusted reverse
//! proxy the client's address is read from `X-Forwarded-For` ([`client_ip`]).

use crate::config::TrustedProxies;
use crate::error::Result;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use sha2::Digest;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The address a request comes from. Behind a reverse proxy every connection comes from the
/// proxy, so when — and only when — the direct peer is a trusted proxy, the client is the
/// right-most address in `X-Forwarded-For` that is not a trusted proxy itself: each proxy
/// appends the address it was reached from, and whatever stands left of that was written by the
/// client and may be forged. An entry that is not an address ends the walk at the last trusted
/// hop.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted.contains(peer) {
        return peer;
    }
    let hops: Vec<Option<IpAddr>> = headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|v| match v.to_str() {
            Ok(text) => text.split(',').map(parse_hop).collect::<Vec<_>>(),
            Err(_) => vec![None],
        })
        .collect();
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        let Some(ip) = hop else { break };
        client = ip;
        if !trusted.contains(ip) {
            break;
        }
    }
    client
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port (`1.2.3.4:5678`, `[::1]:80`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|a| a.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

/// What a password check is counted against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Key {
    /// Signing in: the SHA-256 of the e-mail as typed (trimmed, lower-case; no e-mail is kept
    /// in memory as text), and the client's address (see [`Attempt::login`]).
    Login([u8; 32], IpAddr),
    /// A signed-in user's current password, checked before it is changed.
    CurrentPassword(i64),
}

/// A password check about to be made.
#[derive(Clone, Copy, Debug)]
pub struct Attempt {
    key: Key,
    addr: Option<IpAddr>,
}

impl Attempt {
    /// An IPv6 client counts as its /64 network: one connection usually holds a whole /64, and
    /// an attacker changing the rest of the address at will must not get fresh tries by it.
    pub fn login(email: &str, addr: IpAddr) -> Self {
        let addr = match addr.to_canonical() {
            IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
            v4 => v4,
        };
        let digest: [u8; 32] = sha2::Sha256::digest(email.trim().to_lowercase().as_bytes()).into();
        Attempt {
            key: Key::Login(digest, addr),
            addr: Some(addr),
        }
    }

    /// Per user: whoever holds the session, wherever from.
    pub fn current_password(user_id: i64) -> Self {
        Attempt {
            key: Key::CurrentPassword(user_id),
            addr: None,
        }
    }
}

struct Pair {
    failures: u32,
    /// Checks begun and not yet ended: they count as failures until they end, so parallel
    /// requests cannot all slip past the limit before the first one fails.
    in_flight: u32,
    last_failure: Instant,
}

/// An address's failures across accounts since `since`.
struct Window {
    failures: u32,
    since: Instant,
}

#[derive(Default)]
struct Counts {
    pairs: HashMap<Key, Pair>,
    addresses: HashMap<IpAddr, Window>,
}

/// The first wait after a pair's free failures; each further failure doubles it.
const FIRST_WAIT: Duration = Duration::from_secs(30);
/// A pair's failures are forgotten after a day without one. (Forgetting them after the longest
/// wait would give an attacker its free tries again every quarter of an hour.)
const FORGET_AFTER: Duration = Duration::from_secs(24 * 3600);
/// An address may fail this many times the per-pair allowance across accounts before its
/// pairs lose their free failures.
const ADDRESS_CEILING_FACTOR: u32 = 10;
/// Bounds the memory an attacker can make the server spend on counting.
const MAX_KEYS: usize = 100_000;

/// Failed password checks, and how long the next try must wait.
///
/// Failures count per *pair*, an account and the client address trying it, so an attacker
/// hammering one account from one address slows only itself: the real user on another address
/// is never held back, nor is anyone else behind the attacker's address (an office's shared
/// connection). A pair may fail `free` times; after that each try waits, from 30 seconds, the
/// wait doubling with each further failure up to `longest`. A successful check clears its pair.
/// Against spraying (one password tried on many accounts from one address), an address whose
/// failures across accounts pass a looser ceiling loses the free failures: each of its pairs
/// that has failed waits, while an account that has not failed from there still signs in with
/// its right password. In memory: a restart forgets.
pub struct Throttle {
    counts: Mutex<Counts>,
    free: u32,
    longest: Duration,
    address_ceiling: u32,
}

/// A begun password check; say how it ended. Dropped unsaid (an error on the way), it counts
/// for nothing.
pub struct Permit<'a> {
    throttle: &'a Throttle,
    attempt: Attempt,
    ended: bool,
}

impl Permit<'_> {
    /// The password was wrong.
    pub fn failed(mut self) {
        self.ended = true;
        self.throttle.end(self.attempt, Some(false), Instant::now());
    }

    /// The password was right: the pair starts afresh.
    pub fn succeeded(mut self) {
        self.ended = true;
        self.throttle.end(self.attempt, Some(true), Instant::now());
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if !self.ended {
            self.throttle.end(self.attempt, None, Instant::now());
        }
    }
}

impl Throttle {
    /// `free` failures per pair before waits begin; `longest_minutes`, the longest wait (and the
    /// span of an address's count across accounts).
    pub fn new(free: u32, longest_minutes: i64) -> Self {
        let free = free.max(1);
        Throttle {
            counts: Mutex::new(Counts::default()),
            free,
            longest: Duration::from_secs(longest_minutes.max(1) as u64 * 60).max(FIRST_WAIT),
            address_ceiling: free.saturating_mul(ADDRESS_CEILING_FACTOR),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The wait before the next try of a pair that has failed `over` times beyond its free ones.
    fn wait_after(&self, over: u32) -> Duration {
        FIRST_WAIT
            .saturating_mul(2u32.saturating_pow(over))
            .min(self.longest)
    }

    /// Lets a check go ahead, or says how long to wait before the next one is accepted.
    pub fn begin(&self, attempt: Attempt) -> Result<Permit<'_>, Duration> {
        self.begin_at(attempt, Instant::now()).map(|()| Permit {
            throttle: self,
            attempt,
            ended: false,
        })
    }

    fn begin_at(&self, attempt: Attempt, now: Instant) -> Result<(), Duration> {
        let mut counts = self.lock();
        let spraying = attempt.addr.is_some_and(|a| {
            counts.addresses.get(&a).is_some_and(|w| {
                now.duration_since(w.since) < self.longest && w.failures >= self.address_ceiling
            })
        });
        let free = if spraying { 1 } else { self.free };
        if counts.pairs.len() >= MAX_KEYS {
            counts.prune(now, self.free, self.longest);
        }
        let pair = counts.pairs.entry(attempt.key).or_insert(Pair {
            failures: 0,
            in_flight: 0,
            last_failure: now,
        });
        if pair.failures > 0 && now.duration_since(pair.last_failure) >= FORGET_AFTER {
            pair.failures = 0;
        }
        let tried = pair.failures + pair.in_flight;
        if tried >= free {
            // Beyond the free tries, one at a time, each after its wait.
            if pair.in_flight > 0 {
                return Err(self.wait_after(tried - free));
            }
            let wait = self.wait_after(pair.failures - free);
            let waited = now.duration_since(pair.last_failure);
            if waited < wait {
                return Err(wait - waited);
            }
        }
        pair.in_flight += 1;
        Ok(())
    }

    /// `Some(false)`: wrong password; `Some(true)`: right; `None`: not checked after all.
    fn end(&self, attempt: Attempt, right: Option<bool>, now: Instant) {
        let mut counts = self.lock();
        match right {
            Some(true) => {
                counts.pairs.remove(&attempt.key);
            }
            Some(false) => {
                let pair = counts.pairs.entry(attempt.key).or_insert(Pair {
                    failures: 0,
                    in_flight: 1,
                    last_failure: now,
                });
                pair.in_flight = pair.in_flight.saturating_sub(1);
                pair.failures = pair.failures.saturating_add(1);
                pair.last_failure = now;
                if let Some(addr) = attempt.addr {
                    if counts.addresses.len() >= MAX_KEYS {
                        counts.prune(now, self.free, self.longest);
                    }
                    let window = counts.addresses.entry(addr).or_insert(Window {
                        failures: 0,
                        since: now,
                    });
                    if now.duration_since(window.since) >= self.longest {
                        *window = Window {
                            failures: 0,
                            since: now,
                        };
                    }
                    window.failures = window.failures.saturating_add(1);
                    if window.failures == self.address_ceiling {
                        // Once per window; the address itself stays out of the log.
                        tracing::warn!("wrong passwords for many accounts from one address");
                    }
                }
            }
            None => {
                if let Some(pair) = counts.pairs.get_mut(&attempt.key) {
                    pair.in_flight = pair.in_flight.saturating_sub(1);
                    if pair.in_flight == 0 && pair.failures == 0 {
                        counts.pairs.remove(&attempt.key);
                    }
                }
            }
        }
    }
}

impl Counts {
    /// Makes room: first what is forgotten anyway, then pairs that hold nobody back yet.
    fn prune(&mut self, now: Instant, free: u32, longest: Duration) {
        self.pairs.retain(|_, p| {
            p.in_flight > 0 || (p.failures > 0 && now.duration_since(p.last_failure) < FORGET_AFTER)
        });
        if self.pairs.len() >= MAX_KEYS {
            self.pairs
                .retain(|_, p| p.in_flight > 0 || p.failures >= free);
        }
        if self.pairs.len() >= MAX_KEYS {
            tracing::warn!("login throttle full: forgetting failures");
            self.pairs.retain(|_, p| p.in_flight > 0);
        }
        self.addresses
            .retain(|_, w| now.duration_since(w.since) < longest);
        if self.addresses.len() >= MAX_KEYS {
            tracing::warn!("login throttle full: forgetting addresses");
            self.addresses.clear();
        }
    }
}

/// Whole minutes (at least one) to tell a person how long to wait.
pub fn minutes_to_wait(wait: Duration) -> u64 {
    wait.as_secs().div_ceil(60).max(1)
}

/// Tells the client when a throttled check will be accepted (whole seconds, rounded up).
pub fn retry_after(mut res: Response, wait: Duration) -> Response {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    res.headers_mut().insert(
        header::RETRY_AFTER,
        axum::http::HeaderValue::from(secs.max(1)),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(a: &str) -> IpAddr {
        a.parse().unwrap()
    }

    /// Fails `attempt` at `now` (the check was let through first).
    fn fail_at(t: &Throttle, attempt: Attempt, now: Instant) {
        t.begin_at(attempt, now).expect("let through");
        t.end(attempt, Some(false), now);
    }

    #[test]
    fn a_pair_waits_longer_after_each_failure_beyond_its_free_ones_up_to_the_longest() {
        let t = Throttle::new(3, 15);
        let start = Instant::now();
        let pair = Attempt::login("staff@amal.demo", ip("203.0.113.9"));
        for _ in 0..3 {
            fail_at(&t, pair, start);
        }
        assert_eq!(t.begin_at(pair, start), Err(Duration::from_secs(30)));
        let mut now = start;
        let mut waits = vec![];
        for _ in 0..8 {
            let wait = t.begin_at(pair, now).unwrap_err();
            waits.push(wait.as_secs());
            now += wait;
            fail_at(&t, pair, now);
        }
        assert_eq!(waits, [30, 60, 120, 240, 480, 900, 900, 900]);
        // A day without a failure forgets the pair.
        let later = now + FORGET_AFTER;
        assert!(t.begin_at(pair, later).is_ok());
    }

    #[test]
    fn an_attacker_on_one_address_holds_back_neither_the_real_user_elsewhere_nor_its_neighbours() {
        let t = Throttle::new(5, 15);
        let now = Instant::now();
        let attacker = Attempt::login("staff@amal.demo", ip("203.0.113.9"));
        for _ in 0..20 {
            if t.begin_at(attacker, now).is_ok() {
                t.end(attacker, Some(false), now);
            }
        }
        assert!(t.begin_at(attacker, now).is_err());
        // The account's owner, elsewhere; another account behind the attacker's address.
        assert!(
            t.begin_at(Attempt::login("staff@amal.demo", ip("198.51.100.7")), now)
                .is_ok()
        );
        assert!(
            t.begin_at(Attempt::login("staff@nour.demo", ip("203.0.113.9")), now)
                .is_ok()
        );
        // An IPv6 client is its /64: changing the rest of the address gets no fresh tries.
        let v6 = |a: &str| Attempt::login("staff@nour.demo", ip(a));
        for _ in 0..5 {
            fail_at(&t, v6("2001:db8:1:2::1"), now);
        }
        assert!(t.begin_at(v6("2001:db8:1:2:ffff::9"), now).is_err());
        assert!(t.begin_at(v6("2001:db8:1:3::1"), now).is_ok());
        // The e-mail counts as typed by a person: case and spaces do not make a new pair.
        assert!(
            t.begin_at(Attempt::login(" Staff@Amal.demo ", ip("203.0.113.9")), now)
                .is_err()
        );
    }

    #[test]
    fn a_sign_in_clears_its_pair_only() {
        let t = Throttle::new(3, 15);
        let now = Instant::now();
        let pair = Attempt::login("staff@amal.demo", ip("203.0.113.9"));
        let other = Attempt::login("staff@amal.demo", ip("198.51.100.7"));
        for _ in 0..3 {
            fail_at(&t, pair, now);
            fail_at(&t, other, now);
        }
        assert!(t.begin_at(pair, now).is_err());
        t.end(pair, Some(true), now);
        for _ in 0..3 {
            fail_at(&t, pair, now);
        }
        assert!(
            t.begin_at(other, now).is_err(),
            "another address's pair is its own"
        );
    }

    #[test]
    fn spraying_from_one_address_loses_the_free_failures_but_not_a_right_password() {
        let t = Throttle::new(5, 15);
        let now = Instant::now();
        let sprayer = ip("203.0.113.9");
        // One guess on each of 50 accounts: the address's ceiling (10 × 5).
        for n in 0..50 {
            fail_at(&t, Attempt::login(&format!("user{n}@x.org"), sprayer), now);
        }
        // Each account's second guess from there now waits, though its pair failed only once…
        assert_eq!(
            t.begin_at(Attempt::login("user1@x.org", sprayer), now),
            Err(FIRST_WAIT)
        );
        // …while an account with no failure from there is still checked (and may sign in),
        assert!(
            t.begin_at(Attempt::login("fresh@x.org", sprayer), now)
                .is_ok()
        );
        // and the same accounts from another address are not touched.
        assert!(
            t.begin_at(Attempt::login("user1@x.org", ip("198.51.100.7")), now)
                .is_ok()
        );
        // The ceiling counts within the longest wait.
        let later = now + Duration::from_secs(15 * 60);
        assert!(
            t.begin_at(Attempt::login("user2@x.org", sprayer), later)
                .is_ok()
        );
    }

    #[test]
    fn parallel_tries_cannot_slip_past_the_free_failures() {
        let t = Throttle::new(3, 15);
        let now = Instant::now();
        let pair = Attempt::login("staff@amal.demo", ip("203.0.113.9"));
        for _ in 0..3 {
            t.begin_at(pair, now).unwrap();
        }
        assert!(t.begin_at(pair, now).is_err(), "three checks are running");
        // A check that ended unsaid (an error) counts for nothing.
        t.end(pair, None, now);
        assert!(t.begin_at(pair, now).is_ok());
    }

    #[test]
    fn the_current_password_check_is_counted_per_user() {
        let t = Throttle::new(3, 15);
        let now = Instant::now();
        for _ in 0..3 {
            fail_at(&t, Attempt::current_password(7), now);
        }
        assert!(t.begin_at(Attempt::current_password(7), now).is_err());
        assert!(t.begin_at(Attempt::current_password(8), now).is_ok());
    }

    #[test]
    fn forwarded_for_names_the_client_only_behind_a_trusted_proxy() {
        let proxies = TrustedProxies::parse(["10.0.0.5", "10.1.0.0/16"]).unwrap();
        let xff = |values: &[&str]| {
            let mut h = HeaderMap::new();
            for v in values {
                h.append("x-forwarded-for", v.parse().unwrap());
            }
            h
        };
        let client = |peer: &str, h: &HeaderMap, trusted: &TrustedProxies| {
            client_ip(ip(peer), h, trusted).to_string()
        };
        let forged = xff(&["198.51.100.7"]);
        // No proxy configured: the header is anyone's to write.
        assert_eq!(
            client("10.0.0.5", &forged, &TrustedProxies::default()),
            "10.0.0.5"
        );
        // From a client that is not a proxy: ignored.
        assert_eq!(client("203.0.113.9", &forged, &proxies), "203.0.113.9");
        // From the proxy: the address it appended.
        assert_eq!(client("10.0.0.5", &forged, &proxies), "198.51.100.7");
        // A client's forged entry stands left of what the proxy appended.
        let h = xff(&["198.51.100.7, 203.0.113.9"]);
        assert_eq!(client("10.0.0.5", &h, &proxies), "203.0.113.9");
        // Two proxies: the right-most address that is not one of them; headers in order.
        let h = xff(&["198.51.100.7, 203.0.113.9", "10.1.4.4"]);
        assert_eq!(client("10.0.0.5", &h, &proxies), "203.0.113.9");
        // Ports, IPv6 and an IPv4 peer seen over IPv6.
        let h = xff(&["[2001:db8::1]:4711"]);
        assert_eq!(client("::ffff:10.0.0.5", &h, &proxies), "2001:db8::1");
        let h = xff(&["203.0.113.9:5678"]);
        assert_eq!(client("10.0.0.5", &h, &proxies), "203.0.113.9");
        // Not an address: the last trusted hop is the client; no header: the proxy.
        let h = xff(&["203.0.113.9, unknown, 10.1.0.1"]);
        assert_eq!(client("10.0.0.5", &h, &proxies), "10.1.0.1");
        assert_eq!(client("10.0.0.5", &HeaderMap::new(), &proxies), "10.0.0.5");
    }
}
