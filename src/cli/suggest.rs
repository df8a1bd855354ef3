//! "Did you mean" hints under a failure: the revision ids and branch labels closest to a name
//! that names none of them.

use crate::revision::RevisionMap;

/// How alike (Jaro-Winkler, 0 to 1) a candidate must be to be suggested.
const SIMILAR: f64 = 0.8;

/// At most this many suggestions.
const MOST: usize = 3;

/// The ids and branch labels of `map` most like `name`, best first. A relative or labelled
/// target (`abc+2`, `label@head`) is compared by its revision part.
pub fn similar_revisions(map: &RevisionMap, name: &str) -> Vec<String> {
    let stem = revision_part(name);
    if stem.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(f64, String)> = candidates(map)
        .filter(|c| c != stem)
        .map(|c| (strsim::jaro_winkler(stem, &c), c))
        .filter(|(score, _)| *score >= SIMILAR)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(MOST).map(|(_, c)| c).collect()
}

/// Every revision id and branch label.
fn candidates(map: &RevisionMap) -> impl Iterator<Item = String> + '_ {
    map.revisions()
        .iter()
        .flat_map(|r| std::iter::once(r.id.clone()).chain(r.branch_labels.iter().cloned()))
}

/// `name` without a `@…` branch suffix or a `+N` / `-N` step.
fn revision_part(name: &str) -> &str {
    let name = name.split('@').next().unwrap_or(name);
    match name.find(['+', '-']) {
        Some(at) if name[at + 1..].bytes().all(|b| b.is_ascii_digit()) => &name[..at],
        _ => name,
    }
}

/// The hint line for `suggestions`, if there are any.
pub fn hint(suggestions: &[String]) -> Option<String> {
    match suggestions {
        [] => None,
        [one] => Some(format!("  tip: a similar revision exists: '{one}'")),
        many => Some(format!(
            "  tip: similar revisions exist: {}",
            many.iter()
                .map(|s| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revision::Revision;

    fn map() -> RevisionMap {
        let rev = |id: &str, down: &[&str], labels: &[&str]| Revision {
            id: id.to_string(),
            down_revisions: down.iter().map(|s| s.to_string()).collect(),
            branch_labels: labels.iter().map(|s| s.to_string()).collect(),
            depends_on: Vec::new(),
            doc: String::new(),
            origin: format!("{id}.sql"),
        };
        match RevisionMap::new(vec![
            rev("ae1027a6acf", &[], &["accounts"]),
            rev("27c6a30d7c24", &["ae1027a6acf"], &[]),
            rev("1975ea83b712", &["27c6a30d7c24"], &[]),
        ]) {
            Ok(map) => map,
            Err(err) => panic!("{err}"),
        }
    }

    #[test]
    fn a_mistyped_id_or_label_gets_the_closest() {
        let map = map();
        assert_eq!(similar_revisions(&map, "ae1027a6acg"), ["ae1027a6acf"]);
        assert_eq!(similar_revisions(&map, "acounts@head"), ["accounts"]);
        assert_eq!(similar_revisions(&map, "1975ea83b71x+1"), ["1975ea83b712"]);
    }

    #[test]
    fn nothing_alike_gets_nothing() {
        let map = map();
        assert!(similar_revisions(&map, "zzzz").is_empty());
        assert!(similar_revisions(&map, "").is_empty());
        assert_eq!(hint(&[]), None);
        assert_eq!(
            hint(&["a".to_string(), "b".to_string()]).as_deref(),
            Some("  tip: similar revisions exist: 'a', 'b'")
        );
    }
}
