//! What the visitor rules say: their refusals and labels, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The visitor rules' words.
    Words {
        Party => "当事人", "Party";
        Lawyer => "律师", "Lawyer";
        Observer => "旁听", "Observer";
        Petitioner => "信访", "Petitioner";
        Business => "办事", "Business";
        Courier => "快递", "Courier";
        Other => "其他", "Other";
        TheNameHas1To40 => "姓名须为1至40个字", "The name has 1 to 40 characters";
        TheReasonHasAtMost100 => "原因最多100个字", "The reason has at most 100 characters";
        APhoneIsAn11Digit => "电话应为11位手机号或带区号的固定电话", "A phone is an 11-digit mobile or a landline with area code";
        AtMost50Companions => "随行人数最多50", "At most 50 companions";
        AtMost60Characters => "最多60个字", "At most 60 characters";
        TheVisitorIsUnder14Record => "访客未满14周岁：请登记监护人姓名及联系方式", "The visitor is under 14: record the guardian's name and how to reach them";
        /// `{}`: how many.
        AtMostCharacters => "最多{}个字", "At most {} characters";
    }
}
