//! What the emergency rules say: their refusals, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The emergency rules' words.
    Words {
        ChooseWhatHappened => "请选择突发事件类型", "Choose what happened";
        SayTheCause => "请写明事件原因", "Say what caused it";
        SayHowItWasHandled => "请写明处置经过", "Say how it was handled";
        SayTheLosses => "请写明损失情况（无则写“无”）", "Say what was lost (none: say so)";
        SayTheLessons => "请写明经验教训", "Say the lessons learned";
        SayTheImprovements => "请写明整改措施", "Say what will be improved";
        FinishTheStepsFirst => "请先完成全部处置步骤（或写明跳过原因）", "First record every step (or why it was skipped)";
        ThisEmergencyIsClosed => "该事件已有事后报告", "This emergency has its report afterwards already";
    }
}
