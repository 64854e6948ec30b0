//! Cycles in a crate's file graph ([`crate::module_graph`]): files that import each other,
//! directly or through others.
//!
//! A cycle is reported as a strongly connected set of files (each reaches every other), with a
//! shortest way round it and every import among its files: breaking it means removing some of
//! those imports. One set may hold several cycles; they are all made of the listed imports.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::module_graph::Import;

/// Files that import each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// Every file of the set, sorted.
    pub files: Vec<PathBuf>,
    /// A shortest way round, starting and ending with the same file.
    pub shortest: Vec<PathBuf>,
    /// Every import among `files`.
    pub imports: Vec<Import>,
}

/// Every cycle among the files `imports` connect, in file order.
pub fn cycles(imports: &[Import]) -> Vec<Cycle> {
    let mut successors: BTreeMap<&Path, BTreeSet<&Path>> = BTreeMap::new();
    for import in imports {
        successors.entry(&import.to).or_default();
        successors
            .entry(&import.from)
            .or_default()
            .insert(&import.to);
    }
    strongly_connected(&successors)
        .into_iter()
        .filter(|set| set.len() > 1)
        .map(|set| {
            let mut imports: Vec<Import> = imports
                .iter()
                .filter(|i| set.contains(i.from.as_path()) && set.contains(i.to.as_path()))
                .cloned()
                .collect();
            imports.sort();
            imports.dedup();
            Cycle {
                shortest: shortest_cycle(&set, &successors),
                files: set.iter().map(|file| file.to_path_buf()).collect(),
                imports,
            }
        })
        .collect()
}

/// Tarjan's algorithm; each set sorted, the sets in order of their first file.
fn strongly_connected<'a>(
    successors: &BTreeMap<&'a Path, BTreeSet<&'a Path>>,
) -> Vec<BTreeSet<&'a Path>> {
    struct State<'a, 'g> {
        successors: &'g BTreeMap<&'a Path, BTreeSet<&'a Path>>,
        index: BTreeMap<&'a Path, usize>,
        low: BTreeMap<&'a Path, usize>,
        stack: Vec<&'a Path>,
        on_stack: BTreeSet<&'a Path>,
        sets: Vec<BTreeSet<&'a Path>>,
    }
    fn visit<'a>(state: &mut State<'a, '_>, node: &'a Path) {
        let index = state.index.len();
        state.index.insert(node, index);
        state.low.insert(node, index);
        state.stack.push(node);
        state.on_stack.insert(node);
        for &next in &state.successors[node] {
            if !state.index.contains_key(next) {
                visit(state, next);
                let low = state.low[node].min(state.low[next]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(next) {
                let low = state.low[node].min(state.index[next]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut set = BTreeSet::new();
            while let Some(member) = state.stack.pop() {
                state.on_stack.remove(member);
                set.insert(member);
                if member == node {
                    break;
                }
            }
            state.sets.push(set);
        }
    }
    let mut state = State {
        successors,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        sets: Vec::new(),
    };
    for &node in successors.keys() {
        if !state.index.contains_key(node) {
            visit(&mut state, node);
        }
    }
    state.sets.sort();
    state.sets
}

/// The shortest cycle inside `set` (breadth-first from each file back to itself); the first in
/// file order among equals.
fn shortest_cycle(
    set: &BTreeSet<&Path>,
    successors: &BTreeMap<&Path, BTreeSet<&Path>>,
) -> Vec<PathBuf> {
    let mut best: Option<Vec<PathBuf>> = None;
    for &start in set {
        let mut came_from: BTreeMap<&Path, &Path> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        let mut closing = None;
        while let Some(node) = queue.pop_front() {
            if let Some(&next) = successors[node].iter().find(|&&next| next == start) {
                closing = Some((node, next));
                break;
            }
            for &next in &successors[node] {
                if set.contains(next) && !came_from.contains_key(next) {
                    came_from.insert(next, node);
                    queue.push_back(next);
                }
            }
        }
        let Some((mut node, start)) = closing else {
            continue;
        };
        let mut path = vec![start.to_path_buf(), node.to_path_buf()];
        while node != start {
            node = came_from[node];
            path.push(node.to_path_buf());
        }
        path.reverse();
        if best.as_ref().is_none_or(|best| path.len() < best.len()) {
            best = Some(path);
        }
    }
    best.unwrap_or_default()
}

/// How many places per pair of files a report shows, first lines first (usually the `use`s).
const SHOWN_PER_PAIR: usize = 3;

impl fmt::Display for Cycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let way_round: Vec<String> = self
            .shortest
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        writeln!(f, "{}", way_round.join(" -> "))?;
        if self.files.len() + 1 > self.shortest.len() {
            let files: Vec<String> = self.files.iter().map(|p| p.display().to_string()).collect();
            writeln!(f, "  files that reach each other: {}", files.join(", "))?;
        }
        let mut by_pair: BTreeMap<(&Path, &Path), Vec<&Import>> = BTreeMap::new();
        for import in &self.imports {
            by_pair
                .entry((&import.from, &import.to))
                .or_default()
                .push(import);
        }
        for ((from, to), imports) in by_pair {
            let places: Vec<String> = imports
                .iter()
                .take(SHOWN_PER_PAIR)
                .map(|import| format!("{}: `{}`", import.line, import.path))
                .collect();
            let more = imports.len().saturating_sub(SHOWN_PER_PAIR);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            writeln!(
                f,
                "  {} -> {}: line {}{more}",
                from.display(),
                to.display(),
                places.join(", line ")
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::module_graph::in_memory_graph;

    fn import(from: &str, to: &str) -> Import {
        Import {
            from: from.into(),
            to: to.into(),
            line: 1,
            path: format!("crate::{to}"),
        }
    }

    fn names(paths: &[PathBuf]) -> Vec<&str> {
        paths.iter().map(|p| p.to_str().unwrap()).collect()
    }

    #[test]
    fn a_chain_is_no_cycle() {
        assert!(cycles(&[import("a", "b"), import("b", "c"), import("a", "c")]).is_empty());
    }

    #[test]
    fn a_set_is_reported_once_with_its_shortest_way_round_and_its_imports() {
        let found = cycles(&[
            import("a", "b"),
            import("b", "c"),
            import("c", "a"),
            import("c", "b"),
            import("c", "d"),
            import("x", "y"),
            import("y", "x"),
        ]);
        assert_eq!(found.len(), 2);
        assert_eq!(names(&found[0].files), ["a", "b", "c"]);
        assert_eq!(names(&found[0].shortest), ["b", "c", "b"]);
        assert_eq!(found[0].imports.len(), 4);
        assert_eq!(names(&found[1].files), ["x", "y"]);
        let shown = found[0].to_string();
        assert!(
            shown.starts_with("b -> c -> b\n  files that reach each other: a, b, c\n"),
            "{shown}"
        );
        assert!(
            shown.contains("\n  c -> a: line 1: `crate::a`\n"),
            "{shown}"
        );
    }

    #[test]
    fn files_that_use_each_other_in_a_crate_are_a_cycle() {
        let graph = in_memory_graph(
            &[
                (
                    "src/lib.rs",
                    "mod config;\nmod pricing;\npub use config::Pricing;",
                ),
                (
                    "src/config.rs",
                    "use crate::pricing::MAX;\npub struct Pricing;\nconst LIMIT: u32 = MAX;",
                ),
                (
                    "src/pricing.rs",
                    "pub const MAX: u32 = 1;\npub fn price(_: &crate::Pricing) {}",
                ),
            ],
            &[],
        )
        .unwrap();
        let found = cycles(&graph.imports);
        assert_eq!(found.len(), 1);
        assert_eq!(names(&found[0].files), ["src/config.rs", "src/pricing.rs"]);
        assert_eq!(
            found[0].to_string(),
            "src/config.rs -> src/pricing.rs -> src/config.rs\n  \
             src/config.rs -> src/pricing.rs: line 1: `crate::pricing::MAX`\n  \
             src/pricing.rs -> src/config.rs: line 2: `crate::Pricing`\n"
        );
    }

    #[test]
    fn a_child_module_using_its_parent_is_no_cycle() {
        let graph = in_memory_graph(
            &[
                (
                    "src/lib.rs",
                    "mod store;\nfn open() -> store::Store { store::Store }",
                ),
                ("src/store/mod.rs", "mod page;\npub struct Store;\n"),
                (
                    "src/store/page.rs",
                    "use super::Store;\nuse crate::store;\npub struct Page(Store);\n\
                     #[cfg(test)]\nmod tests { use super::*; }",
                ),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(graph.imports.len(), 3, "{:?}", graph.imports);
        assert!(cycles(&graph.imports).is_empty());
    }

    #[test]
    fn a_parent_naming_what_its_child_uses_it_for_is_a_cycle() {
        let graph = in_memory_graph(
            &[
                ("src/lib.rs", "mod store;"),
                (
                    "src/store/mod.rs",
                    "mod page;\npub use page::Page;\npub struct Store;",
                ),
                (
                    "src/store/page.rs",
                    "use super::Store;\npub struct Page(Store);",
                ),
            ],
            &[],
        )
        .unwrap();
        let found = cycles(&graph.imports);
        assert_eq!(
            names(&found[0].files),
            ["src/store/mod.rs", "src/store/page.rs"]
        );
    }
}
