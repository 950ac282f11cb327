//! The rooms of `crates/app/src` and what each uses, read from the source: every `crate::room`
//! a file names (outside comments and `mod` lines) is an edge from the file's room to that room;
//! a feature's `routes.rs` is a room of its own (`registry::routes`), as it is the feature's web
//! side. The graph must have no cycle, and only the router may use a feature's routes.
//!
//! To see the graph: `cargo test -p mizalla-app --test architecture -- --nocapture` prints it
//! in Graphviz's language (`| dot -Tsvg`), and docs/ARCHITECTURE.md explains the layers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The room of a file under `src/`: its first folder or file name, `x::routes` for a routes file.
fn room_of(relative: &Path) -> String {
    let parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    match parts.as_slice() {
        [room, routes] if routes == "routes" => format!("{room}::routes"),
        [room, ..] => room.clone(),
        [] => unreachable!(),
    }
}

/// The rooms a file's code names: `crate::x` (and `crate::x::routes`), and, in a routes file,
/// `super::` (its own feature).
fn uses(code: &str, own_room: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in code.lines() {
        let line = line.trim_start();
        if line.starts_with("//") || line.starts_with("pub mod ") || line.starts_with("mod ") {
            continue;
        }
        for piece in line.split("crate::").skip(1) {
            let mut names = piece.split("::").map(|n| {
                n.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect::<String>()
            });
            let room = names.next().unwrap_or_default();
            if room.is_empty() || !room.chars().next().unwrap().is_lowercase() {
                continue;
            }
            let room = if names.next().as_deref() == Some("routes") {
                format!("{room}::routes")
            } else {
                room
            };
            out.insert(room);
        }
        if let Some(feature) = own_room.strip_suffix("::routes")
            && line.contains("super::")
        {
            out.insert(feature.to_owned());
        }
        // A feature's own code naming its routes room (`routes::X`).
        if !own_room.contains("::") && (line.contains(" routes::") || line.contains("(routes::")) {
            out.insert(format!("{own_room}::routes"));
        }
    }
    out
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = Graph::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(&src).unwrap();
                let room = room_of(relative);
                let code = std::fs::read_to_string(&path).unwrap();
                let used = uses(&code, &room);
                let edges = graph.entry(room.clone()).or_default();
                edges.extend(used.into_iter().filter(|r| *r != room));
            }
        }
    }
    graph
}

/// A cycle through the graph, if there is one, as the rooms along it.
fn cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        room: &str,
        graph: &Graph,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|r| r == room) {
            let mut c = path[at..].to_vec();
            c.push(room.to_owned());
            return Some(c);
        }
        if done.contains(room) {
            return None;
        }
        path.push(room.to_owned());
        for next in graph.get(room).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(room.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|room| visit(room, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_rooms_use_each_other_without_a_cycle() {
    let graph = graph();
    println!("digraph rooms {{");
    for (room, edges) in &graph {
        for to in edges {
            println!("  \"{room}\" -> \"{to}\";");
        }
    }
    println!("}}");
    // The graph was read: every feature and the web layer are in it.
    for room in ["web", "registry", "registry::routes", "router", "db"] {
        assert!(graph.contains_key(room), "{room} was not found");
    }
    assert!(graph["router"].contains("registry::routes"));
    if let Some(c) = cycle(&graph) {
        panic!("the rooms use each other in a circle: {}", c.join(" → "));
    }
}

#[test]
fn only_the_router_uses_the_features_routes() {
    for (room, edges) in graph() {
        for to in edges {
            if to.ends_with("::routes") {
                assert_eq!(room, "router", "{room} uses {to}: routes are the router's");
            }
        }
    }
}

#[test]
fn the_reader_finds_a_cycle_when_there_is_one() {
    let mut graph = Graph::new();
    for (a, b) in [("web", "users"), ("users::routes", "web"), ("users", "db")] {
        graph.entry(a.into()).or_default().insert(b.into());
    }
    assert_eq!(cycle(&graph), None);
    graph
        .entry("users".into())
        .or_default()
        .insert("users::routes".into());
    assert_eq!(
        cycle(&graph).map(|c| c.len()),
        Some(4),
        "web → users → users::routes → web"
    );
    assert_eq!(
        uses("use crate::registry::routes::X;\n// crate::audit\n", "web"),
        BTreeSet::from(["registry::routes".to_owned()])
    );
}
