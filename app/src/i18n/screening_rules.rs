//! What the screening rules say: their refusals and labels, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The screening rules' words.
    Words {
        CheckAtLeastOneDevice => "请至少检查一台设备", "Check at least one device";
        AFaultNeedsANoteOn => "设备异常须说明处理情况", "A fault needs a note on what was done";
        AtMost200Characters => "最多200字", "At most 200 characters";
        GiveThePersonSNameOr => "请填写受检人姓名或选择来访登记", "Give the person's name or choose their registration";
        TooLong => "内容过长", "Too long";
        ChooseTheEquipmentOrMethodUsed => "请选择使用的安检设备或方式", "Choose the equipment or method used";
        WithItemsFoundTheResultCannot => "查出物品时结果不能为“通过”", "With items found the result cannot be \"passed\"";
        RecordTheProhibitedItemFound => "请登记查出的违禁品", "Record the prohibited item found";
        OnlyRestrictedItemsHereWithA => "限带物品结果只登记限带物品；有违禁品请选“查出违禁品”", "Only restricted items here; with a prohibited one choose \"prohibited item\"";
        AtMost20Items => "物品最多20件", "At most 20 items";
        DescribeTheItemAtMost100 => "请描述物品（最多100字）", "Describe the item (at most 100 characters)";
        ADepositNeedsItsLockerAnd => "寄存须填写柜号和牌号", "A deposit needs its locker and tag number";
        ASeizureNamesTheJudicialPolice => "扣押移交须写明经办的司法警察", "A seizure names the judicial police officer who made it";
        AtMost20Characters => "柜号、牌号最多20字", "At most 20 characters";
        ABodyCheckRecordsTheSex => "人身检查须写明受检人和检查人员的性别", "A body check records the sex of the person and of the staff";
        ABodyCheckIsDoneBy => "人身检查须由同性别工作人员进行，不能记录异性检查", "A body check is done by staff of the person's sex; this one cannot be recorded";
        ABodyCheckNamesTheJudicial => "人身检查须写明实施检查的司法警察", "A body check names the judicial police officer who made it";
        TheVisitorConfirmsTheItemOn => "取回须由访客当面核对确认", "The visitor confirms the item on collection";
        SayWhoTheItemWasTransferred => "请写明移交给谁", "Say who the item was transferred to";
    }
}
