//! What the document rules say: their refusals and labels, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The document rules' words.
    Words {
        ResidentId => "居民身份证", "Resident ID card";
        Passport => "护照", "Passport";
        HkMacau => "港澳居民来往内地通行证", "Hong Kong/Macao permit";
        Taiwan => "台湾居民来往大陆通行证", "Taiwan permit";
        LawyerLicence => "律师执业证", "Lawyer's licence";
        WorkCard => "工作证", "Work card";
        Other => "其他证件", "Other document";
        EnterTheDocumentNumber => "请填写证件号码", "Enter the document number";
        FifteenDigitsNoLonger => "15位旧身份证已停止使用，请核对18位号码", "Old 15-digit ID numbers are no longer valid; check the 18-digit number";
        /// `{len}`: the characters typed.
        IdHas18 => "身份证号应为18位，现为{len}位", "An ID number has 18 characters, this one has {len}";
        DigitsThenDigitOrX => "身份证号前17位只能是数字，第18位为数字或X", "The first 17 characters are digits, the 18th a digit or X";
        /// `{code}`: the first two digits.
        NotAProvince => "前两位“{code}”不是有效的省份代码", "The first two digits \"{code}\" are not a province code";
        /// `{digits}`: digits 7–14.
        NotARealBirthDate => "第7至14位出生日期“{digits}”不是有效日期", "Digits 7–14, the birth date \"{digits}\", are not a real date";
        /// `{digits}`: the birth date's digits.
        BirthAfterToday => "出生日期“{digits}”晚于今天", "The birth date \"{digits}\" is after today";
        /// `{expected}`, `{found}`: the check characters.
        CheckCharacter => "第18位校验码应为“{expected}”，输入的是“{found}”，请逐位核对", "The 18th character should be \"{expected}\", not \"{found}\": check each digit";
        PassportForm => "护照号码为5至17位字母或数字", "A passport number has 5 to 17 letters or digits";
        HkMacauForm => "港澳通行证号码为H或M加8位或10位数字", "A Hong Kong/Macao permit is H or M and 8 or 10 digits";
        TaiwanForm => "台湾通行证号码为8位数字或10位字母数字", "A Taiwan permit is 8 digits or 10 letters and digits";
        LawyerLicenceForm => "律师执业证号为17位数字", "A lawyer's licence number has 17 digits";
        DocumentForm => "证件号码为1至30个字符", "A document number has 1 to 30 characters";
    }
}
