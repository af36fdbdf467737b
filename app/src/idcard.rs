//! Identity documents: the resident ID number checked by GB 11643-1999, the other documents a
//! visitor may show, and masking. One module for the phone (checks as the guard types) and the
//! server (checks again, trusts nothing), so both say the same thing in the same words.

use crate::i18n::idcard_rules::Words;
use crate::i18n::Locale;
use serde::{Deserialize, Serialize};

/// The documents a visitor may register with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdType {
    /// 居民身份证
    ResidentId,
    /// 护照
    Passport,
    /// 港澳居民来往内地通行证
    HkMacau,
    /// 台湾居民来往大陆通行证
    Taiwan,
    /// 律师执业证
    LawyerLicence,
    /// 工作证
    WorkCard,
    Other,
}

impl IdType {
    pub const ALL: [IdType; 7] = [
        IdType::ResidentId,
        IdType::Passport,
        IdType::HkMacau,
        IdType::Taiwan,
        IdType::LawyerLicence,
        IdType::WorkCard,
        IdType::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            IdType::ResidentId => "resident_id",
            IdType::Passport => "passport",
            IdType::HkMacau => "hk_macau",
            IdType::Taiwan => "taiwan",
            IdType::LawyerLicence => "lawyer_licence",
            IdType::WorkCard => "work_card",
            IdType::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<IdType> {
        IdType::ALL.into_iter().find(|t| t.code() == s)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            IdType::ResidentId => Words::ResidentId,
            IdType::Passport => Words::Passport,
            IdType::HkMacau => Words::HkMacau,
            IdType::Taiwan => Words::Taiwan,
            IdType::LawyerLicence => Words::LawyerLicence,
            IdType::WorkCard => Words::WorkCard,
            IdType::Other => Words::Other,
        }
        .text(locale)
    }

    /// Only digits (and X) in this document: the phone shows a number keyboard.
    pub fn numeric(self) -> bool {
        matches!(self, IdType::ResidentId | IdType::LawyerLicence)
    }
}

/// What is wrong with a document number, precisely enough for the guard to find the mistake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdError {
    Empty,
    /// A first-generation 15-digit number: no longer valid.
    FifteenDigits,
    Length {
        len: usize,
    },
    /// Something other than digits (and a final X).
    Characters,
    /// The first two digits are no province.
    Province {
        code: String,
    },
    /// Digits 7–14 are not a real date.
    BirthDate {
        digits: String,
    },
    /// A birth date after today.
    BirthInFuture {
        digits: String,
    },
    /// The 18th character does not match the other 17.
    CheckCharacter {
        expected: char,
        found: char,
    },
    /// Another document's number does not have that document's form.
    Format {
        kind: IdType,
    },
}

impl IdError {
    pub fn message(&self, locale: Locale) -> String {
        let say = |w: Words| w.text(locale).to_string();
        match self {
            IdError::Empty => say(Words::EnterTheDocumentNumber),
            IdError::FifteenDigits => say(Words::FifteenDigitsNoLonger),
            IdError::Length { len } => say(Words::IdHas18).replace("{len}", &len.to_string()),
            IdError::Characters => say(Words::DigitsThenDigitOrX),
            IdError::Province { code } => say(Words::NotAProvince).replace("{code}", code),
            IdError::BirthDate { digits } => {
                say(Words::NotARealBirthDate).replace("{digits}", digits)
            }
            IdError::BirthInFuture { digits } => {
                say(Words::BirthAfterToday).replace("{digits}", digits)
            }
            IdError::CheckCharacter { expected, found } => say(Words::CheckCharacter)
                .replace("{expected}", &expected.to_string())
                .replace("{found}", &found.to_string()),
            IdError::Format { kind } => say(match kind {
                IdType::Passport => Words::PassportForm,
                IdType::HkMacau => Words::HkMacauForm,
                IdType::Taiwan => Words::TaiwanForm,
                IdType::LawyerLicence => Words::LawyerLicenceForm,
                _ => Words::DocumentForm,
            }),
        }
    }
}

/// A valid resident ID number, upper-cased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResidentId {
    pub number: String,
    pub birth: (i32, u32, u32),
    /// From the sequence digit (odd: male); pre-selects the screener's sex.
    pub male: bool,
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
const PROVINCES: [u32; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// The check character for the first 17 digits.
pub fn check_character(first17: &str) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    (first17.chars().count() == 17).then(|| CHECK[(sum % 11) as usize])
}

/// Checks a resident ID number as typed (spaces ignored, lower-case x accepted) against
/// GB 11643-1999; `today` is (year, month, day).
pub fn parse_resident_id(input: &str, today: (i32, u32, u32)) -> Result<ResidentId, IdError> {
    let s: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if s.is_empty() {
        return Err(IdError::Empty);
    }
    let len = s.chars().count();
    if len == 15 && s.chars().all(|c| c.is_ascii_digit()) {
        return Err(IdError::FifteenDigits);
    }
    if len != 18 {
        return Err(IdError::Length { len });
    }
    let bytes = s.as_bytes();
    if !bytes[..17].iter().all(u8::is_ascii_digit)
        || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
    {
        return Err(IdError::Characters);
    }
    let province: u32 = s[..2].parse().unwrap_or(0);
    if !PROVINCES.contains(&province) {
        return Err(IdError::Province {
            code: s[..2].to_string(),
        });
    }
    let digits = s[6..14].to_string();
    let y: i32 = s[6..10].parse().unwrap_or(0);
    let m: u32 = s[10..12].parse().unwrap_or(0);
    let d: u32 = s[12..14].parse().unwrap_or(0);
    if !(1900..=2100).contains(&y) || d == 0 || d > days_in_month(y, m) {
        return Err(IdError::BirthDate { digits });
    }
    if (y, m, d) > today {
        return Err(IdError::BirthInFuture { digits });
    }
    let expected = check_character(&s[..17]).unwrap_or('?');
    let found = bytes[17] as char;
    if expected != found {
        return Err(IdError::CheckCharacter { expected, found });
    }
    let male = (bytes[16] - b'0') % 2 == 1;
    Ok(ResidentId {
        number: s,
        birth: (y, m, d),
        male,
    })
}

/// Checks any document's number; returns it normalised (trimmed, upper-cased where letters
/// are case-free).
pub fn check_number(kind: IdType, input: &str, today: (i32, u32, u32)) -> Result<String, IdError> {
    let s: String = input
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if s.is_empty() {
        return Err(IdError::Empty);
    }
    let up = s.to_uppercase();
    let alnum = |t: &str| t.chars().all(|c| c.is_ascii_alphanumeric());
    let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit());
    let ok = match kind {
        IdType::ResidentId => return parse_resident_id(&s, today).map(|r| r.number),
        IdType::Passport => (5..=17).contains(&up.len()) && alnum(&up),
        IdType::HkMacau => {
            (up.len() == 9 || up.len() == 11)
                && (up.starts_with('H') || up.starts_with('M'))
                && digits(&up[1..])
        }
        IdType::Taiwan => (up.len() == 8 && digits(&up)) || (up.len() == 10 && alnum(&up)),
        IdType::LawyerLicence => up.len() == 17 && digits(&up),
        IdType::WorkCard | IdType::Other => (1..=30).contains(&s.chars().count()),
    };
    if ok {
        Ok(if matches!(kind, IdType::WorkCard | IdType::Other) {
            s
        } else {
            up
        })
    } else {
        Err(IdError::Format { kind })
    }
}

/// A number as shown on screen: the first 6 and last 4 characters, the rest as `*`.
/// The sex a masked resident ID number still shows (its 17th character, the sequence's last
/// digit: odd for male), used to preselect the screener's sex.
pub fn male_from_masked(masked: &str) -> Option<bool> {
    let chars: Vec<char> = masked.chars().collect();
    if chars.len() != 18 {
        return None;
    }
    chars[16].to_digit(10).map(|d| d % 2 == 1)
}

pub fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let n = chars.len();
    if n <= 10 {
        // Short numbers keep only their last 2.
        return chars
            .iter()
            .enumerate()
            .map(|(i, c)| if i + 2 >= n { *c } else { '*' })
            .collect();
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < 6 || i >= n - 4 { *c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: (i32, u32, u32) = (2026, 11, 28);

    /// Builds a valid number from its first 17 digits.
    fn valid(first17: &str) -> String {
        format!("{first17}{}", check_character(first17).unwrap())
    }

    #[test]
    fn valid_numbers_pass_and_give_birth_date_and_sex() {
        // The standard's own example.
        let r = parse_resident_id("11010519491231002X", TODAY).unwrap();
        assert_eq!(r.birth, (1949, 12, 31));
        assert!(!r.male, "sequence 002: even, female");
        let n = valid("22032319800101001");
        let r = parse_resident_id(&n, TODAY).unwrap();
        assert!(r.male);
        assert_eq!(r.number, n);
    }

    #[test]
    fn lower_case_x_and_spaces_are_accepted_and_normalised() {
        let r = parse_resident_id(" 110105 19491231 002x ", TODAY).unwrap();
        assert_eq!(r.number, "11010519491231002X");
    }

    #[test]
    fn leap_days() {
        assert!(parse_resident_id(&valid("22032320000229001"), TODAY).is_ok());
        assert!(parse_resident_id(&valid("22032320040229001"), TODAY).is_ok());
        for bad in [
            "22032319000229001",
            "22032320230229001",
            "22032320010229001",
        ] {
            assert_eq!(
                parse_resident_id(&valid(bad), TODAY),
                Err(IdError::BirthDate {
                    digits: bad[6..14].to_string()
                }),
                "{bad}"
            );
        }
    }

    #[test]
    fn each_kind_of_wrong_number_says_what_is_wrong() {
        assert_eq!(parse_resident_id("", TODAY), Err(IdError::Empty));
        assert_eq!(
            parse_resident_id("220323800101001", TODAY),
            Err(IdError::FifteenDigits)
        );
        assert_eq!(
            parse_resident_id("2203231980010100", TODAY),
            Err(IdError::Length { len: 16 })
        );
        assert_eq!(
            parse_resident_id("22032319800101A011", TODAY),
            Err(IdError::Characters)
        );
        assert_eq!(
            parse_resident_id("2203231980010100Y", TODAY),
            Err(IdError::Length { len: 17 })
        );
        assert_eq!(
            parse_resident_id("22032319800101001Y", TODAY),
            Err(IdError::Characters)
        );
        let bad_province = valid("99032319800101001");
        assert_eq!(
            parse_resident_id(&bad_province, TODAY),
            Err(IdError::Province { code: "99".into() })
        );
        let bad_month = valid("22032319801301001");
        assert!(matches!(
            parse_resident_id(&bad_month, TODAY),
            Err(IdError::BirthDate { .. })
        ));
        let bad_day = valid("22032319800431001");
        assert!(matches!(
            parse_resident_id(&bad_day, TODAY),
            Err(IdError::BirthDate { .. })
        ));
        let future = valid("22032320261129001");
        assert_eq!(
            parse_resident_id(&future, TODAY),
            Err(IdError::BirthInFuture {
                digits: "20261129".into()
            })
        );
        assert!(parse_resident_id(&valid("22032320261128001"), TODAY).is_ok());
        // One digit mistyped: the check character no longer matches.
        let mut typo = valid("22032319800101001");
        typo.replace_range(3..4, "4");
        assert!(matches!(
            parse_resident_id(&typo, TODAY),
            Err(IdError::CheckCharacter { .. })
        ));
        assert_eq!(
            parse_resident_id("110105194912310021", TODAY),
            Err(IdError::CheckCharacter {
                expected: 'X',
                found: '1'
            })
        );
    }

    #[test]
    fn every_province_code_of_the_standard() {
        for p in PROVINCES {
            assert!(parse_resident_id(&valid(&format!("{p}032319800101001")), TODAY).is_ok());
        }
        for p in [
            10, 16, 20, 24, 30, 38, 40, 47, 55, 60, 66, 70, 72, 80, 83, 91,
        ] {
            assert!(parse_resident_id(&valid(&format!("{p}032319800101001")), TODAY).is_err());
        }
    }

    #[test]
    fn messages_name_the_part_in_chinese() {
        let e = parse_resident_id("110105194912310021", TODAY).unwrap_err();
        assert!(e.message(Locale::Zh).contains("第18位校验码应为“X”"));
        let e = IdError::Province { code: "99".into() };
        assert!(e.message(Locale::Zh).contains("省份代码"));
        assert!(e.message(Locale::En).contains("province"));
    }

    #[test]
    fn other_documents() {
        assert_eq!(
            check_number(IdType::Passport, "e12345678", TODAY).unwrap(),
            "E12345678"
        );
        assert!(check_number(IdType::Passport, "E1", TODAY).is_err());
        assert!(check_number(IdType::HkMacau, "H12345678", TODAY).is_ok());
        assert!(check_number(IdType::HkMacau, "X12345678", TODAY).is_err());
        assert!(check_number(IdType::Taiwan, "12345678", TODAY).is_ok());
        assert!(check_number(IdType::LawyerLicence, "12201201010123456", TODAY).is_ok());
        assert!(check_number(IdType::LawyerLicence, "1220120101012345", TODAY).is_err());
        assert!(check_number(IdType::WorkCard, "法警 0012", TODAY).is_ok());
        assert_eq!(
            check_number(IdType::Other, "   ", TODAY),
            Err(IdError::Empty)
        );
    }

    #[test]
    fn masking_shows_first_six_and_last_four() {
        assert_eq!(mask("11010519491231002X"), "110105********002X");
        assert_eq!(mask("E12345678"), "*******78");
        assert_eq!(male_from_masked(&mask("11010519491231002X")), Some(false));
        assert_eq!(male_from_masked("110105********001X"), Some(true));
        assert_eq!(male_from_masked("*******78"), None);
    }
}
