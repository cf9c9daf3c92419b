//! Shortening of plan text for the lines of changes since approval: names
//! cut at a word with an ellipsis, and long text cut down to the part an
//! edit changed.

/// The unchanged characters kept before and after an edit inside long text,
/// so the reader sees where the edit sits.
const CONTEXT_CHARS: usize = 20;

/// Returns both sides of a text edit, each cut down to the changed part
/// with up to [`CONTEXT_CHARS`] of unchanged text around it, extended to
/// whole words, and at most `max_chars` long. Text of at most `max_chars`
/// on both sides is kept whole.
pub(super) fn excerpts_around_edit(
    before: &str,
    after: &str,
    max_chars: usize,
) -> (String, String) {
    let old: Vec<char> = before.chars().collect();
    let new: Vec<char> = after.chars().collect();
    if old.len() <= max_chars && new.len() <= max_chars {
        return (before.to_owned(), after.to_owned());
    }

    let prefix = old
        .iter()
        .zip(&new)
        .take_while(|(old, new)| old == new)
        .count();
    let longest_suffix = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(longest_suffix)
        .take_while(|(old, new)| old == new)
        .count();

    // Both sides share the prefix and the suffix, so one start serves both.
    let mut start = prefix.saturating_sub(CONTEXT_CHARS);
    while start > 0 && !old[start - 1].is_whitespace() {
        start -= 1;
    }

    let excerpt = |chars: &[char]| {
        let mut end = (chars.len() - suffix + CONTEXT_CHARS).min(chars.len());
        while end < chars.len() && !chars[end].is_whitespace() {
            end += 1;
        }

        let middle: String = chars[start..end].iter().collect();
        let middle = shorten(middle.trim(), max_chars.saturating_sub(2));
        let lead = if start > 0 { "…" } else { "" };
        let tail = if end < chars.len() && !middle.ends_with('…') {
            "…"
        } else {
            ""
        };
        format!("{lead}{middle}{tail}")
    };

    (excerpt(&old), excerpt(&new))
}

/// Joins every run of whitespace, line breaks included, into one space.
pub(super) fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Shortens text to at most `max_chars` characters, cutting at a word
/// boundary when one is near and adding an ellipsis.
pub(super) fn shorten(text: &str, max_chars: usize) -> String {
    let text = collapse_whitespace(text);
    if text.chars().count() <= max_chars {
        return text;
    }

    let kept: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    // Cut at the last space, unless that would drop more than a third.
    let cut = match kept.rfind(' ') {
        Some(space) if space >= kept.len() * 2 / 3 => &kept[..space],
        _ => kept.as_str(),
    };
    let cut = cut.trim_end_matches(|c: char| c.is_whitespace() || ",;:-–—".contains(c));
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_whole() {
        assert_eq!(shorten("Teach  expectations\n", 60), "Teach expectations");
    }

    #[test]
    fn long_text_is_cut_at_a_word() {
        let text = "Teach the three school-wide expectations in the cafeteria";

        assert_eq!(shorten(text, 30), "Teach the three school-wide…");
    }

    #[test]
    fn one_long_word_is_cut_inside() {
        assert_eq!(shorten(&"a".repeat(20), 10), format!("{}…", "a".repeat(9)));
    }

    #[test]
    fn short_edit_keeps_both_sides_whole() {
        assert_eq!(
            excerpts_around_edit("Dean of students", "Assistant principal", 80),
            (
                "Dean of students".to_owned(),
                "Assistant principal".to_owned()
            )
        );
    }

    #[test]
    fn edit_at_the_start_has_no_leading_ellipsis() {
        let before = format!("Two weeks {}", "of lessons ".repeat(10));
        let after = format!("Three weeks {}", "of lessons ".repeat(10));

        let (old, new) = excerpts_around_edit(&before, &after, 40);

        assert_eq!(old, "Two weeks of lessons of…");
        assert_eq!(new, "Three weeks of lessons of…");
    }
}
