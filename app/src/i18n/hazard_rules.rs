//! What the hazard rules say: their refusals and labels, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The hazard rules' words.
    Words {
        SayWhere => "请填写地点", "Say where";
        ThisCommentHasARectification => "这条意见已转整改", "This comment has its rectification already";
        NoSuchSurveyAnswer => "没有这条调查意见", "No such survey answer";
        ChooseACategory => "请选择类别", "Choose a category";
        ChooseAGrade => "请选择等级", "Choose a grade";
        DescribeTheHazardAtLeast4 => "请描述隐患（至少4个字）", "Describe the hazard (at least 4 characters)";
        AMajorHazardCannotBeClosed => "重大隐患不能按当场整改处理，需制定整改方案", "A major hazard cannot be closed on the spot: it needs a plan";
        SayHowItWasFixed => "请写明当场如何整改", "Say how it was fixed";
        NameTheResponsibleDepartment => "请填写责任部门", "Name the responsible department";
        ChooseThePersonResponsible => "请选择责任人", "Choose the person responsible";
        DescribeTheMeasures => "请填写整改措施", "Describe the measures";
        GiveTheDeadlineYyyyMmDd => "请填写整改期限（年-月-日）", "Give the deadline (YYYY-MM-DD)";
        TheDeadlineCannotBeInThe => "整改期限不能早于今天", "The deadline cannot be in the past";
        AMajorHazardNeedsItsFunding => "重大隐患须落实整改资金", "A major hazard needs its funding";
        SayWhatWasDone => "请写明整改情况", "Say what was done";
        SayWhyItGoesBack => "退回时请写明原因", "Say why it goes back";
        WriteSomething => "请填写内容", "Write something";
        TheReviewerCannotBeThePerson => "验收人不能是整改责任人", "The reviewer cannot be the person responsible";
        OnlyThePersonResponsibleOrA => "只有整改责任人或主管可以填写整改情况", "Only the person responsible or a supervisor records the work";
        ChangedSinceYouReviewedItLook => "此整改单在您查看之后已被他人修改，请查看最新内容后重新操作", "Changed since you reviewed it: look at it again and redo your change";
        PlanGoal => "治理目标和任务", "Goal";
        PlanMethod => "采取的方法和措施", "Method";
        PlanMaterials => "经费和物资落实", "Funding and materials";
        PlanPeople => "负责治理的机构和人员", "People in charge";
        PlanSafety => "安全措施", "Safety measures";
        PlanContingency => "应急预案", "Contingency plan";
        MajorNeedsFullPlan => "重大隐患须有完整治理方案：请填写“{}”", "A major hazard needs its full plan: fill in “{}”";
    }
}
