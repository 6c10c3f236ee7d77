//! Arabic spelling, folded one way wherever text is compared: extraction (`extract::text`),
//! linking (`linking::normalize`), the search index (`search_text`) and the diff (`diff`).
//!
//! Rules: the alef forms (أ إ آ ٱ) are a bare alef, ta marbuta (ة) is ha, alef maqsura (ى) is
//! ya; harakat, tanween, shadda, sukun, the dagger alef, Quranic annotation marks and tatweel
//! are dropped; Arabic-Indic and Extended Arabic-Indic digits are their ASCII digits.

/// A letter of the Arabic block or its extensions (hamza to yeh barree).
pub fn is_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{064A}' | '\u{0671}'..='\u{06D3}')
}

/// A mark folding drops: harakat, tanween, shadda, sukun, the dagger alef, Quranic annotation
/// marks, and tatweel.
pub fn is_mark(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{06D6}'..='\u{06ED}')
}

/// The letter a spelling variant folds to (alef forms, ta marbuta, alef maqsura); `None` for
/// any other character.
pub fn base_letter(c: char) -> Option<char> {
    match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => Some('ا'),
        'ة' => Some('ه'),
        'ى' => Some('ي'),
        _ => None,
    }
}

/// The value of a decimal digit in ASCII, Arabic-Indic or Extended Arabic-Indic form.
pub fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{0660}'..='\u{0669}' => Some(c as u32 - 0x0660),
        '\u{06F0}'..='\u{06F9}' => Some(c as u32 - 0x06F0),
        _ => None,
    }
}

/// An Arabic-Indic or Extended Arabic-Indic digit as its ASCII digit; `None` for any other
/// character (ASCII digits included, which need no folding).
pub fn ascii_digit(c: char) -> Option<char> {
    if c.is_ascii_digit() {
        return None;
    }
    digit_value(c).and_then(|d| char::from_digit(d, 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_marks_and_digits_fold_one_way() {
        let folded: String = "أُسْرَةٌ إلى مستشفى ٱلقدس ١٢ ۳"
            .chars()
            .filter(|&c| !is_mark(c))
            .map(|c| base_letter(c).or_else(|| ascii_digit(c)).unwrap_or(c))
            .collect();
        assert_eq!(folded, "اسره الي مستشفي القدس 12 3");
        assert!(is_letter('ب') && !is_letter('١') && !is_letter('a'));
        assert_eq!(digit_value('٧'), Some(7));
        assert_eq!(digit_value('7'), Some(7));
        assert_eq!(ascii_digit('7'), None);
        assert!(is_mark('\u{0640}') && !is_mark('ا'));
    }
}
