//! What the request rules say: their refusals, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The request rules' words.
    Words {
        ThisRequestIsClosed => "这条需求已办结，不能再记录", "This request is closed: nothing more is recorded on it";
        AcknowledgedAlready => "这条需求已有人响应", "Someone has acknowledged this request already";
        ThisStepIsDoneAlready => "这一步已经记录过", "This step is recorded already";
        SayHowTheRequestCame => "请选择需求来源（电话、邮件、意见箱或当面）", "Say how the request came (telephone, e-mail, suggestion box or in person)";
        UrgentOrGeneral => "请选择紧急或一般", "Choose urgent or general";
        ChooseTheEmailClass => "邮件请选择紧急、重要或一般", "Choose the e-mail's class: urgent, important or general";
        SayWhatIsAsked => "请写明需求内容（至少2字）", "Say what is asked (at least 2 characters)";
        SayWhoAsked => "请写明提出人或部门", "Say who asked (a person or a department)";
        NoPhoneNumbers => "此处不记录电话号码，请写提出人或部门", "Phone numbers are not kept here: write the person or department";
        ItCannotComeInLater => "收到时间不能晚于现在", "It cannot have come in later than now";
        OnlyWithinADay => "只能补记24小时内收到的需求", "Only requests that came in within the last 24 hours can be logged";
        SayWhatWasDone => "请写明处理情况", "Say what was done";
        SayWhatTheCourtWasTold => "请写明向法院反馈的内容", "Say what the court was told";
        OnlyTheCourtConfirms => "只有法院方可以确认办结", "Only the court confirms a request closed";
        YouMayConfirmOnlyYours => "只能确认自己提出的需求", "You may confirm only the requests you filed";
        HowManyItems => "请填写意见箱内的件数", "Say how many items were in the box";
        SayWhatWasInTheBox => "请写明意见箱内容（需求请另行登记）", "Say what was in the box (log each request on its own)";
        NoSuchRequest => "没有这条需求", "No such request";
        ThisRequestHasARectification => "这条需求已转整改", "This request has its rectification already";
    }
}
