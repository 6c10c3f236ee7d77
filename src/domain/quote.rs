//! The sentence around a figure, shown as the claim's quote.

/// Longest quote kept, in bytes (a run-on "sentence" of page chrome stays readable).
const MAX_QUOTE_BYTES: usize = 400;

fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '\n' | '؟' | '۔' | '。')
}

/// The sentence of `text` that holds `start..end` (byte offsets on char boundaries), trimmed,
/// at most about `MAX_QUOTE_BYTES` long and always containing the span itself.
pub fn sentence_around(text: &str, start: usize, end: usize) -> &str {
    let start = floor_boundary(text, start.min(text.len()));
    let end = floor_boundary(text, end.clamp(start, text.len()));
    let mut from = text[..start]
        .char_indices()
        .rev()
        .find(|&(i, c)| is_sentence_end(c) && !is_decimal_point(text, i))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let mut to = text[end..]
        .char_indices()
        .find(|&(i, c)| is_sentence_end(c) && !is_decimal_point(text, end + i))
        .map(|(i, c)| end + i + c.len_utf8())
        .unwrap_or(text.len());
    let budget = MAX_QUOTE_BYTES.saturating_sub(end - start) / 2;
    if start - from > budget {
        from = ceil_boundary(text, start - budget);
    }
    if to - end > budget {
        to = floor_boundary(text, end + budget);
    }
    text[from..to].trim()
}

/// A '.' between two digits ("1.28 million") does not end a sentence.
fn is_decimal_point(text: &str, i: usize) -> bool {
    let bytes = text.as_bytes();
    bytes.get(i) == Some(&b'.')
        && i > 0
        && bytes[i - 1].is_ascii_digit()
        && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quote_is_the_sentence_holding_the_figure() {
        let text = "Headline here\nFirst sentence. At least 1.5 million fled the city. Last one.";
        let start = text.find("1.5").unwrap();
        assert_eq!(
            sentence_around(text, start, start + 3),
            "At least 1.5 million fled the city."
        );
    }

    #[test]
    fn arabic_sentences_end_at_arabic_question_marks_and_newlines() {
        let text = "العنوان\nقتل 15 مدنياً في القصف؟ وبعد ذلك";
        let start = text.find("15").unwrap();
        assert_eq!(
            sentence_around(text, start, start + 2),
            "قتل 15 مدنياً في القصف؟"
        );
    }

    #[test]
    fn long_runs_are_cut_around_the_figure_on_char_boundaries() {
        let text = format!("{} 19 {}", "كلمة ".repeat(200), "كلمة ".repeat(200));
        let start = text.find("19").unwrap();
        let quote = sentence_around(&text, start, start + 2);
        assert!(quote.contains("19"));
        assert!(quote.len() <= MAX_QUOTE_BYTES + 8);
    }

    #[test]
    fn out_of_range_offsets_do_not_panic() {
        assert_eq!(sentence_around("abc", 10, 20), "abc");
        assert_eq!(sentence_around("ééé", 1, 3), "ééé");
    }
}
