//! Which source file of a crate imports which other file of the same crate.
//!
//! The graph is file-level: a node is a source file, and an inline module (`mod tests { … }`)
//! belongs to the file it is written in. The files of a crate are found as rustc finds them,
//! by following `mod name;` from the crate root to `name.rs` or `name/mod.rs` (or a `#[path]`).
//!
//! File A imports file B when code in A names an item that B defines: a `use` path, or a path
//! in the code itself (types, expressions, patterns, trait bounds, macro names, and paths inside
//! macro arguments such as `assert!(crate::a::f())`). Each path is resolved through the crate's
//! module tree and through re-exports (`pub use`, globs included) to the file that defines the
//! item, so `use crate::Error` is an import of `error.rs`, not of `lib.rs` re-exporting it.
//!
//! Not imports:
//! - `mod child;`: the parent contains the child, it does not use it. Only what the parent
//!   names from the child (`pub use child::X`, `child::f()`) is an import.
//! - paths that stay in one file, such as `use super::*` in an inline `#[cfg(test)] mod tests`;
//! - intra-doc links, and other crates (a binary naming its own library is another crate).
//!
//! Test code counts like any other: an inline test module's imports are its file's imports.
//! Files listed as excluded (the generated ones) are opaque: not read, anything named through
//! them is taken to live in them, and imports of them are dropped. Not seen: a `macro_rules!`
//! macro used by its bare name (textual scope); an item a macro defines is placed in the module
//! that invokes the macro.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use proc_macro2::{Spacing, TokenStream, TokenTree};
use syn::ext::IdentExt as _;
use syn::visit::{self, Visit};
use syn::{Item, ItemMod, UseTree};

use crate::workspace;

/// One place where a file names an item of another file of its crate.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Import {
    pub from: PathBuf,
    pub to: PathBuf,
    /// 1-based line in `from`.
    pub line: usize,
    /// The path as written, e.g. `crate::pricing::Pricing`.
    pub path: String,
}

/// The imports among the files of every target (library, binaries, tests, benches, examples,
/// build script) of one package.
#[derive(Debug, Clone)]
pub struct PackageImports {
    pub package: String,
    /// Every file reached from a target root, relative to the workspace root.
    pub files: BTreeSet<PathBuf>,
    /// Relative to the workspace root, sorted.
    pub imports: Vec<Import>,
}

/// Reads a source file; `io::ErrorKind::NotFound` means it does not exist.
pub type ReadSource<'a> = dyn Fn(&Path) -> io::Result<String> + 'a;

/// The files of every workspace member, read from disk, with the generated files excluded.
pub fn workspace_imports(root: &Path) -> anyhow::Result<Vec<PackageImports>> {
    let excluded: BTreeSet<PathBuf> = [
        workspace::SDK_GENERATED,
        workspace::SDK_API_GENERATED,
        workspace::MOCKS_GENERATED,
    ]
    .into_iter()
    .map(|file| root.join(file))
    .collect();
    let read = |path: &Path| std::fs::read_to_string(path);
    let mut packages = Vec::new();
    for (package, target_roots) in workspace_targets(root)? {
        let mut files = BTreeSet::new();
        let mut imports = BTreeSet::new();
        for target_root in target_roots {
            let graph = crate_graph(&target_root, &excluded, &read)?;
            let relative = |path: &Path| path.strip_prefix(root).unwrap_or(path).to_path_buf();
            files.extend(graph.files.iter().map(|file| relative(file)));
            imports.extend(graph.imports.into_iter().map(|import| Import {
                from: relative(&import.from),
                to: relative(&import.to),
                ..import
            }));
        }
        packages.push(PackageImports {
            package,
            files,
            imports: imports.into_iter().collect(),
        });
    }
    Ok(packages)
}

/// Every workspace member's name and the root file of each of its targets, from `cargo metadata`.
fn workspace_targets(root: &Path) -> anyhow::Result<Vec<(String, Vec<PathBuf>)>> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(root)
        .args([
            "metadata",
            "--no-deps",
            "--offline",
            "--format-version",
            "1",
        ])
        .output()
        .context("cannot run `cargo metadata`")?;
    if !output.status.success() {
        bail!(
            "`cargo metadata` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("`cargo metadata` printed no JSON")?;
    let mut members = Vec::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let name = package["name"]
            .as_str()
            .context("a package without a name")?;
        let roots = package["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|target| target["src_path"].as_str().map(PathBuf::from))
            .collect::<Option<Vec<_>>>()
            .with_context(|| format!("package `{name}`: a target without a src_path"))?;
        members.push((name.to_owned(), roots));
    }
    Ok(members)
}

/// The files of one crate and the imports among them.
#[derive(Debug, Clone)]
pub struct CrateGraph {
    /// Every file reached from the root, excluded ones included.
    pub files: Vec<PathBuf>,
    /// In the order they are written, file by file.
    pub imports: Vec<Import>,
}

/// The graph of the crate whose root file is `root_file` (`lib.rs`, `main.rs`, a test, …).
/// Files in `excluded` are not read (see the module docs).
pub fn crate_graph(
    root_file: &Path,
    excluded: &BTreeSet<PathBuf>,
    read: &ReadSource<'_>,
) -> anyhow::Result<CrateGraph> {
    let mut tree = Tree::default();
    let text = read_required(read, root_file)?;
    tree.load_file(
        root_file.to_path_buf(),
        Some(text),
        None,
        true,
        excluded,
        read,
    )?;
    let mut imports = Vec::new();
    for (index, file) in tree.files.iter().enumerate() {
        if let Some(ast) = &file.ast {
            let mut collector = Collector {
                tree: &tree,
                file: index,
                module: file.module,
                imports: &mut imports,
            };
            for item in &ast.items {
                collector.visit_item(item);
            }
        }
    }
    imports.dedup();
    Ok(CrateGraph {
        files: tree.files.into_iter().map(|file| file.path).collect(),
        imports,
    })
}

fn read_required(read: &ReadSource<'_>, path: &Path) -> anyhow::Result<String> {
    read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The root module is always index 0.
const ROOT: usize = 0;
/// How many re-exports and globs a name is followed through before giving up.
const MAX_DEPTH: u32 = 16;

#[derive(Debug, Default)]
struct Tree {
    modules: Vec<Module>,
    files: Vec<SourceFile>,
    /// `extern crate self as name;`: names of the crate itself.
    self_names: BTreeSet<String>,
}

#[derive(Debug)]
struct SourceFile {
    path: PathBuf,
    /// `None` for an excluded file.
    ast: Option<syn::File>,
    /// The module the file is the body of.
    module: usize,
}

#[derive(Debug)]
struct Module {
    file: usize,
    parent: Option<usize>,
    children: BTreeMap<String, usize>,
    /// Names brought in by `use`, with the path as written.
    imports: BTreeMap<String, Vec<String>>,
    globs: Vec<Vec<String>>,
    /// Names of items defined here (other than modules).
    items: BTreeSet<String>,
    /// An excluded file: it may define anything.
    opaque: bool,
}

/// Where a path leads: into a module (which may have members), or to an item of a module.
#[derive(Debug, Clone, Copy)]
enum Place {
    Module(usize),
    ItemOf(usize),
}

impl Place {
    fn module(self) -> usize {
        match self {
            Place::Module(module) | Place::ItemOf(module) => module,
        }
    }
}

impl Tree {
    fn new_module(&mut self, file: usize, parent: Option<usize>) -> usize {
        self.modules.push(Module {
            file,
            parent,
            children: BTreeMap::new(),
            imports: BTreeMap::new(),
            globs: Vec::new(),
            items: BTreeSet::new(),
            opaque: false,
        });
        self.modules.len() - 1
    }

    /// Loads a file as a module, and the files of its `mod` declarations. `children_here`:
    /// its child modules' files are in its own directory (a crate root, a `mod.rs`, a
    /// `#[path]` file), not in a directory named after it.
    fn load_file(
        &mut self,
        path: PathBuf,
        text: Option<String>,
        parent: Option<usize>,
        children_here: bool,
        excluded: &BTreeSet<PathBuf>,
        read: &ReadSource<'_>,
    ) -> anyhow::Result<usize> {
        let file = self.files.len();
        let module = self.new_module(file, parent);
        self.files.push(SourceFile {
            path: path.clone(),
            ast: None,
            module,
        });
        if excluded.contains(&path) {
            self.modules[module].opaque = true;
            return Ok(module);
        }
        let text = match text {
            Some(text) => text,
            None => read_required(read, &path)?,
        };
        let ast = syn::parse_file(&text)
            .map_err(|error| located(&path, &error))
            .context("not valid Rust")?;
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let children_dir = if children_here {
            dir.clone()
        } else {
            dir.join(path.file_stem().unwrap_or_default())
        };
        let context = Declaring {
            file_path: &path,
            file_dir: &dir,
            excluded,
            read,
        };
        self.load_items(module, &ast.items, &children_dir, true, &context)?;
        self.files[file].ast = Some(ast);
        Ok(module)
    }

    fn load_items(
        &mut self,
        module: usize,
        items: &[Item],
        children_dir: &Path,
        at_file_level: bool,
        context: &Declaring<'_>,
    ) -> anyhow::Result<()> {
        for item in items {
            match item {
                Item::Mod(declaration) => {
                    let child =
                        self.load_mod(module, declaration, children_dir, at_file_level, context)?;
                    let name = declaration.ident.unraw().to_string();
                    self.modules[module].children.insert(name, child);
                }
                Item::Use(item_use) => {
                    let mut paths = Vec::new();
                    flatten_use(&item_use.tree, &mut leading(item_use), &mut paths);
                    for path in paths {
                        match path.name {
                            Some(name) => {
                                self.modules[module].imports.insert(name, path.segments);
                            }
                            None if path.glob => self.modules[module].globs.push(path.segments),
                            None => {}
                        }
                    }
                }
                Item::ExternCrate(extern_crate) if extern_crate.ident == "self" => {
                    if let Some((_, name)) = &extern_crate.rename {
                        self.self_names.insert(name.unraw().to_string());
                    }
                }
                other => {
                    if let Some(name) = item_name(other) {
                        self.modules[module].items.insert(name.unraw().to_string());
                    }
                }
            }
        }
        Ok(())
    }

    fn load_mod(
        &mut self,
        parent: usize,
        declaration: &ItemMod,
        children_dir: &Path,
        at_file_level: bool,
        context: &Declaring<'_>,
    ) -> anyhow::Result<usize> {
        let name = declaration.ident.unraw().to_string();
        let path_attribute = path_attribute(declaration);
        if let Some((_, items)) = &declaration.content {
            let child = self.new_module(self.modules[parent].file, Some(parent));
            let dir = children_dir.join(path_attribute.unwrap_or(name));
            self.load_items(child, items, &dir, false, context)?;
            return Ok(child);
        }
        if let Some(relative) = path_attribute {
            // rustc: relative to the declaring file's directory, unless inside an inline module.
            let base = if at_file_level {
                context.file_dir
            } else {
                children_dir
            };
            return self.load_file(
                base.join(relative),
                None,
                Some(parent),
                true,
                context.excluded,
                context.read,
            );
        }
        let flat = children_dir.join(format!("{name}.rs"));
        let nested = children_dir.join(&name).join("mod.rs");
        for (candidate, children_here) in [(&flat, false), (&nested, true)] {
            if context.excluded.contains(candidate) {
                return self.load_file(
                    candidate.clone(),
                    None,
                    Some(parent),
                    children_here,
                    context.excluded,
                    context.read,
                );
            }
            match (context.read)(candidate) {
                Ok(text) => {
                    return self.load_file(
                        candidate.clone(),
                        Some(text),
                        Some(parent),
                        children_here,
                        context.excluded,
                        context.read,
                    );
                }
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(error) => {
                    return Err(error)
                        .with_context(|| format!("cannot read {}", candidate.display()));
                }
            }
        }
        bail!(
            "{}:{}: `mod {name};` has neither {} nor {}",
            context.file_path.display(),
            declaration.ident.span().start().line,
            flat.display(),
            nested.display()
        )
    }

    /// Resolves a path written in module `from`; `None` when it leads out of the crate (or to
    /// something local, like a generic parameter).
    fn resolve(&self, from: usize, segments: &[String], depth: u32) -> Option<Place> {
        if depth > MAX_DEPTH {
            return None;
        }
        let (first, rest) = segments.split_first()?;
        let start = match first.as_str() {
            "crate" => Place::Module(ROOT),
            "self" => Place::Module(from),
            "super" => Place::Module(self.modules[from].parent?),
            "Self" => return None,
            "::" => {
                let (name, rest) = rest.split_first()?;
                return self
                    .self_names
                    .contains(name)
                    .then(|| self.walk(Place::Module(ROOT), rest, depth))
                    .flatten();
            }
            name => match self.lookup(from, name, depth) {
                Some(place) => place,
                None if self.self_names.contains(name) => Place::Module(ROOT),
                None => return None,
            },
        };
        self.walk(start, rest, depth)
    }

    /// Follows `rest` from `place`. Members of an item (variants, associated items) live with
    /// it; a name a module does not visibly define was made there somehow (a macro), so it
    /// stays with that module.
    fn walk(&self, mut place: Place, rest: &[String], depth: u32) -> Option<Place> {
        for segment in rest {
            let Place::Module(module) = place else { break };
            place = match segment.as_str() {
                "self" => place,
                "super" => Place::Module(self.modules[module].parent?),
                name => self
                    .lookup(module, name, depth)
                    .unwrap_or(Place::ItemOf(module)),
            };
        }
        Some(place)
    }

    /// What `name` means inside `module`: a child module, an import (followed), an item, or
    /// something a glob import brings in.
    fn lookup(&self, module: usize, name: &str, depth: u32) -> Option<Place> {
        if depth > MAX_DEPTH {
            return None;
        }
        let scope = &self.modules[module];
        if scope.opaque {
            return Some(Place::Module(module));
        }
        if let Some(&child) = scope.children.get(name) {
            return Some(Place::Module(child));
        }
        if let Some(path) = scope.imports.get(name) {
            return self.resolve(module, path, depth + 1);
        }
        if scope.items.contains(name) {
            return Some(Place::ItemOf(module));
        }
        scope
            .globs
            .iter()
            .find_map(|glob| match self.resolve(module, glob, depth + 1)? {
                Place::Module(source) if source != module => self.lookup(source, name, depth + 1),
                _ => None,
            })
    }
}

/// What loading a file's `mod` declarations needs from the file.
struct Declaring<'a> {
    file_path: &'a Path,
    file_dir: &'a Path,
    excluded: &'a BTreeSet<PathBuf>,
    read: &'a ReadSource<'a>,
}

fn located(path: &Path, error: &syn::Error) -> anyhow::Error {
    let start = error.span().start();
    anyhow::anyhow!(
        "{}:{}:{}: {error}",
        path.display(),
        start.line,
        start.column + 1
    )
}

fn path_attribute(declaration: &ItemMod) -> Option<String> {
    declaration.attrs.iter().find_map(|attribute| {
        let syn::Meta::NameValue(pair) = &attribute.meta else {
            return None;
        };
        if !pair.path.is_ident("path") {
            return None;
        }
        match &pair.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(value),
                ..
            }) => Some(value.value()),
            _ => None,
        }
    })
}

fn item_name(item: &Item) -> Option<&syn::Ident> {
    match item {
        Item::Const(item) => Some(&item.ident),
        Item::Enum(item) => Some(&item.ident),
        Item::Fn(item) => Some(&item.sig.ident),
        Item::Macro(item) => item.ident.as_ref(),
        Item::Static(item) => Some(&item.ident),
        Item::Struct(item) => Some(&item.ident),
        Item::Trait(item) => Some(&item.ident),
        Item::TraitAlias(item) => Some(&item.ident),
        Item::Type(item) => Some(&item.ident),
        Item::Union(item) => Some(&item.ident),
        _ => None,
    }
}

/// One path of a `use` tree.
#[derive(Debug)]
struct UsePath {
    segments: Vec<String>,
    /// The name it brings into scope; `None` for a glob and for `as _`.
    name: Option<String>,
    glob: bool,
    line: usize,
}

fn leading(item_use: &syn::ItemUse) -> Vec<String> {
    item_use
        .leading_colon
        .map(|_| vec!["::".to_owned()])
        .unwrap_or_default()
}

fn flatten_use(tree: &UseTree, prefix: &mut Vec<String>, out: &mut Vec<UsePath>) {
    let joined = |prefix: &[String], ident: &syn::Ident| {
        let mut segments = prefix.to_vec();
        if ident != "self" {
            segments.push(ident.unraw().to_string());
        }
        segments
    };
    match tree {
        UseTree::Path(path) => {
            prefix.push(path.ident.unraw().to_string());
            flatten_use(&path.tree, prefix, out);
            prefix.pop();
        }
        UseTree::Name(name) => {
            let segments = joined(prefix, &name.ident);
            out.push(UsePath {
                name: segments.last().cloned(),
                segments,
                glob: false,
                line: name.ident.span().start().line,
            });
        }
        UseTree::Rename(rename) => out.push(UsePath {
            segments: joined(prefix, &rename.ident),
            name: (rename.rename != "_").then(|| rename.rename.unraw().to_string()),
            glob: false,
            line: rename.ident.span().start().line,
        }),
        UseTree::Glob(glob) => out.push(UsePath {
            segments: prefix.clone(),
            name: None,
            glob: true,
            line: glob.star_token.span.start().line,
        }),
        UseTree::Group(group) => {
            for tree in &group.items {
                flatten_use(tree, prefix, out);
            }
        }
    }
}

/// Walks one file's items and records every path that leads to another file.
struct Collector<'a> {
    tree: &'a Tree,
    file: usize,
    module: usize,
    imports: &'a mut Vec<Import>,
}

impl Collector<'_> {
    fn record(&mut self, segments: &[String], line: usize) {
        let Some(place) = self.tree.resolve(self.module, segments, 0) else {
            return;
        };
        let to = self.tree.modules[place.module()].file;
        let target = &self.tree.files[to];
        if to == self.file || target.ast.is_none() {
            return;
        }
        self.imports.push(Import {
            from: self.tree.files[self.file].path.clone(),
            to: target.path.clone(),
            line,
            path: segments.join("::").replace("::::", "::"),
        });
    }

    /// Paths inside a macro's arguments, which syn leaves as tokens: `a::b…` sequences that do
    /// not continue a longer path or follow a `.`.
    fn scan(&mut self, tokens: TokenStream) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut index = 0;
        while index < tokens.len() {
            match &tokens[index] {
                TokenTree::Group(group) => self.scan(group.stream()),
                TokenTree::Ident(first) if starts_path(&tokens, index) => {
                    let mut segments = vec![first.unraw().to_string()];
                    while is_path_separator(&tokens, index + 1) {
                        let Some(TokenTree::Ident(next)) = tokens.get(index + 3) else {
                            break;
                        };
                        segments.push(next.unraw().to_string());
                        index += 3;
                    }
                    if segments.len() > 1 {
                        self.record(&segments, first.span().start().line);
                    }
                }
                _ => {}
            }
            index += 1;
        }
    }
}

fn is_punct(token: Option<&TokenTree>, char: char) -> bool {
    matches!(token, Some(TokenTree::Punct(punct)) if punct.as_char() == char)
}

/// `::` at `index`.
fn is_path_separator(tokens: &[TokenTree], index: usize) -> bool {
    matches!(tokens.get(index), Some(TokenTree::Punct(punct))
        if punct.as_char() == ':' && punct.spacing() == Spacing::Joint)
        && is_punct(tokens.get(index + 1), ':')
}

fn starts_path(tokens: &[TokenTree], index: usize) -> bool {
    let before = |back: usize| index.checked_sub(back).and_then(|at| tokens.get(at));
    !(is_punct(before(1), '.')
        || is_punct(before(1), '\'')
        || index
            .checked_sub(2)
            .is_some_and(|at| is_path_separator(tokens, at)))
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item_mod(&mut self, declaration: &'ast ItemMod) {
        let Some((_, items)) = &declaration.content else {
            return;
        };
        let outer = self.module;
        let name = declaration.ident.unraw().to_string();
        if let Some(&inner) = self.tree.modules[outer].children.get(&name) {
            self.module = inner;
        }
        for item in items {
            self.visit_item(item);
        }
        self.module = outer;
    }

    fn visit_item_use(&mut self, item_use: &'ast syn::ItemUse) {
        let mut paths = Vec::new();
        flatten_use(&item_use.tree, &mut leading(item_use), &mut paths);
        for path in paths {
            self.record(&path.segments, path.line);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.segments.len() > 1 || path.leading_colon.is_some() {
            let segments: Vec<String> = path
                .leading_colon
                .map(|_| "::".to_owned())
                .into_iter()
                .chain(path.segments.iter().map(|s| s.ident.unraw().to_string()))
                .collect();
            let line = path
                .segments
                .first()
                .map_or(0, |segment| segment.ident.span().start().line);
            self.record(&segments, line);
        }
        visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        visit::visit_macro(self, mac);
        self.scan(mac.tokens.clone());
    }

    /// `pub(in crate::a)` restricts who sees an item; it names no item.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}
}

/// The graph of a crate made of `files` (path → source), rooted at `src/lib.rs`: synthetic
/// crates for tests.
#[cfg(test)]
pub(crate) fn in_memory_graph(
    files: &[(&str, &str)],
    excluded: &[&str],
) -> anyhow::Result<CrateGraph> {
    let files: BTreeMap<PathBuf, String> = files
        .iter()
        .map(|(path, text)| (PathBuf::from(path), (*text).to_owned()))
        .collect();
    let read = |path: &Path| {
        files
            .get(path)
            .cloned()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    };
    let excluded = excluded.iter().map(PathBuf::from).collect();
    crate_graph(Path::new("src/lib.rs"), &excluded, &read)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edges(graph: &CrateGraph) -> Vec<(&str, &str)> {
        let mut edges: Vec<_> = graph
            .imports
            .iter()
            .map(|import| (import.from.to_str().unwrap(), import.to.to_str().unwrap()))
            .collect();
        edges.sort();
        edges.dedup();
        edges
    }

    #[test]
    fn use_paths_and_paths_in_code_are_imports_with_their_line() {
        let graph = in_memory_graph(
            &[
                ("src/lib.rs", "mod a; mod b;"),
                ("src/a.rs", "use crate::b::B; pub struct A(B);"),
                (
                    "src/b.rs",
                    "pub struct B;\npub fn make() -> crate::a::A { todo!() }",
                ),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(
            edges(&graph),
            [("src/a.rs", "src/b.rs"), ("src/b.rs", "src/a.rs")]
        );
        let b_to_a = &graph.imports[1];
        assert_eq!((b_to_a.line, b_to_a.path.as_str()), (2, "crate::a::A"));
    }

    #[test]
    fn declaring_a_child_module_is_containment_not_an_import() {
        let graph = in_memory_graph(
            &[
                ("src/lib.rs", "mod store;"),
                ("src/store/mod.rs", "mod page;\npub struct Store;"),
                (
                    "src/store/page.rs",
                    "use super::Store;\npub struct Page(Store);",
                ),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(edges(&graph), [("src/store/page.rs", "src/store/mod.rs")]);
    }

    #[test]
    fn what_a_parent_names_from_its_child_is_an_import() {
        let graph = in_memory_graph(
            &[
                ("src/lib.rs", "mod store;"),
                (
                    "src/store/mod.rs",
                    "mod page;\npub use page::Page;\nfn f() { page::g() }",
                ),
                ("src/store/page.rs", "pub struct Page; pub fn g() {}"),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(edges(&graph), [("src/store/mod.rs", "src/store/page.rs")]);
        assert_eq!(graph.imports.len(), 2);
    }

    #[test]
    fn an_inline_test_module_using_its_parent_stays_in_its_file() {
        let graph = in_memory_graph(
            &[
                ("src/lib.rs", "mod a; mod b;"),
                (
                    "src/a.rs",
                    "pub fn f() {}\n#[cfg(test)]\nmod tests {\n    use super::*;\n    fn t() { f(); super::f(); }\n}",
                ),
                ("src/b.rs", "pub fn g() { crate::a::f() }"),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(edges(&graph), [("src/b.rs", "src/a.rs")]);
    }

    #[test]
    fn re_exports_lead_to_the_defining_file_not_the_re_exporter() {
        let graph = in_memory_graph(
            &[
                (
                    "src/lib.rs",
                    "mod error; mod retry;\npub use error::Error;\npub use retry::*;",
                ),
                (
                    "src/error.rs",
                    "pub struct Error; pub fn policy() -> crate::Policy { todo!() }",
                ),
                ("src/retry.rs", "use crate::Error;\npub struct Policy;"),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(
            edges(&graph),
            [
                ("src/error.rs", "src/retry.rs"),
                ("src/lib.rs", "src/error.rs"),
                ("src/lib.rs", "src/retry.rs"),
                ("src/retry.rs", "src/error.rs"),
            ]
        );
    }

    #[test]
    fn paths_inside_macro_arguments_are_imports() {
        let graph = in_memory_graph(
            &[
                ("src/lib.rs", "mod a; mod b;"),
                ("src/a.rs", "pub fn f() -> bool { true }"),
                (
                    "src/b.rs",
                    "fn g(x: u8) { assert!(crate::a::f(), \"{}\", x.max(1)); }",
                ),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(edges(&graph), [("src/b.rs", "src/a.rs")]);
    }

    #[test]
    fn a_name_of_the_crate_itself_leads_into_it() {
        let graph = in_memory_graph(
            &[
                ("src/lib.rs", "extern crate self as money;\nmod a; mod b;"),
                ("src/a.rs", "pub struct A;"),
                ("src/b.rs", "fn f(_: ::money::a::A, _: money::a::A) {}"),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(edges(&graph), [("src/b.rs", "src/a.rs")]);
        assert_eq!(graph.imports.len(), 2);
    }

    #[test]
    fn other_crates_and_local_names_are_not_imports() {
        let graph = in_memory_graph(
            &[
                ("src/lib.rs", "mod a; mod b;"),
                ("src/a.rs", "pub struct A;"),
                (
                    "src/b.rs",
                    "use std::fmt::Write;\nfn f<T: Default>() -> T { let a = 1; String::new(); T::default() }",
                ),
            ],
            &[],
        )
        .unwrap();
        assert!(graph.imports.is_empty(), "{:?}", graph.imports);
    }

    #[test]
    fn excluded_files_are_not_read_and_imports_of_them_are_dropped() {
        let graph = in_memory_graph(
            &[
                ("src/lib.rs", "mod generated; mod a;\npub use generated::*;"),
                (
                    "src/a.rs",
                    "use crate::Generated; use crate::generated::Other;",
                ),
            ],
            &["src/generated.rs"],
        )
        .unwrap();
        assert!(graph.imports.is_empty(), "{:?}", graph.imports);
        assert!(graph.files.contains(&PathBuf::from("src/generated.rs")));
    }

    #[test]
    fn a_declared_module_without_a_file_is_an_error() {
        let error = in_memory_graph(&[("src/lib.rs", "\nmod missing;")], &[]).unwrap_err();
        assert!(
            format!("{error:#}").contains("src/lib.rs:2: `mod missing;` has neither"),
            "{error:#}"
        );
    }
}
