//! Embeds every file under `rules/` into the binary, so it works anywhere.
use std::{env, fs, path::Path};

fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("rules/ is readable")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            walk(&p, root, out);
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("toml") | Some("csv")
        ) {
            out.push(
                p.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    walk(&root, &root, &mut files);
    let mut code = String::from("/// Built-in rule files: (path relative to rules/, contents).\npub static EMBEDDED_RULES: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed=rules/{f}");
        code.push_str(&format!(
            "    ({f:?}, include_str!({:?})),\n",
            root.join(f).to_string_lossy()
        ));
    }
    code.push_str("];\n");
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("embedded_rules.rs"),
        code,
    )
    .unwrap();
}
