//! From linked pairs to groups. Links are taken strongest first; two groups are joined only if
//! no pair across them is known to be two different people, so one weak link cannot chain
//! twins, namesakes or a whole family into one person.

/// Groups `n` items: returns a group number per item (numbered from 0 in order of first item).
/// Links of weight `+∞` are decisions taken by people and join their groups unconditionally.
pub fn cluster(
    n: usize,
    links: &mut [(u32, u32, f64)],
    conflict: impl Fn(u32, u32) -> bool,
) -> Vec<usize> {
    links.sort_by(|x, y| y.2.total_cmp(&x.2));
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut members: Vec<Vec<u32>> = (0..n as u32).map(|i| vec![i]).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    // Groups found to clash, by the roots they had then. Groups only grow, so a clash stays a
    // clash: further links between the same two groups are refused without checking every pair
    // across them again.
    let mut clashes: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (a, b, w) in links.iter() {
        let (a, b) = (*a, *b);
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra == rb {
            continue;
        }
        // An infinite weight is a person's decision: it is not second-guessed.
        let forced = w.is_infinite() && *w > 0.0;
        if !forced {
            let known = clashes[ra as usize]
                .iter()
                .any(|&other| find(&mut parent, other) == rb);
            let clash = known
                || members[ra as usize]
                    .iter()
                    .any(|&x| members[rb as usize].iter().any(|&y| conflict(x, y)));
            if clash {
                if !known {
                    clashes[ra as usize].push(rb);
                    clashes[rb as usize].push(ra);
                }
                continue;
            }
        }
        let (big, small) = if members[ra as usize].len() >= members[rb as usize].len() {
            (ra, rb)
        } else {
            (rb, ra)
        };
        parent[small as usize] = big;
        let moved = std::mem::take(&mut members[small as usize]);
        members[big as usize].extend(moved);
        let moved = std::mem::take(&mut clashes[small as usize]);
        clashes[big as usize].extend(moved);
    }
    let mut ids = vec![usize::MAX; n];
    let mut next = 0;
    let mut out = vec![0; n];
    for (i, slot) in out.iter_mut().enumerate() {
        let r = find(&mut parent, i as u32) as usize;
        if ids[r] == usize::MAX {
            ids[r] = next;
            next += 1;
        }
        *slot = ids[r];
    }
    out
}

/// Plain connected components (no conflicts), for households.
pub fn components(n: usize, edges: impl IntoIterator<Item = (u32, u32)>) -> Vec<usize> {
    let mut links: Vec<(u32, u32, f64)> = edges.into_iter().map(|(a, b)| (a, b, 1.0)).collect();
    cluster(n, &mut links, |_, _| false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weak_link_does_not_chain_two_known_different_people() {
        // 0-1 strong, 1-2 weak, but 0 and 2 are known to differ (twins).
        let mut links = vec![(1, 2, 3.0), (0, 1, 20.0)];
        let groups = cluster(3, &mut links, |x, y| (x.min(y), x.max(y)) == (0, 2));
        assert_eq!(groups[0], groups[1]);
        assert_ne!(groups[1], groups[2]);
    }

    #[test]
    fn components_join_everything_connected() {
        assert_eq!(components(4, [(0, 1), (2, 3), (1, 3)]), vec![0, 0, 0, 0]);
        assert_eq!(components(3, []), vec![0, 1, 2]);
    }
}
