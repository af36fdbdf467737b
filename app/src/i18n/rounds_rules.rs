//! What the rounds rules say: their refusals and labels, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The rounds rules' words.
    Words {
    ChooseTheCourtroom => "请选择法庭", "Choose the courtroom";
    TheCaseNumberIsTooLong => "案号过长", "The case number is too long";
    ChooseHowTheHearingWent => "请选择庭审秩序情况", "Choose how the hearing went";
    SayWhatHappenedAndWhatWas => "请写明发生的情况及处置", "Say what happened and what was done";
    TooLong => "内容过长", "Too long";
    }
}
