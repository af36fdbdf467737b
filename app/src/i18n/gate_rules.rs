//! What the gate rules say: their refusals and labels, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The gate rules' words.
    Words {
        Vehicles => "车辆", "Vehicles";
        Parcels => "快递", "Parcels";
        HeldInCustody => "扣押移交", "Held in custody";
        Out => "驶离", "Out";
        Collected => "领取", "Collected";
        Released => "放行", "Released";
        AtMost60Characters => "最多60字", "At most 60 characters";
        NameWhoCollectedIt => "请填写领取人", "Name who collected it";
        NameWhomItWasReleasedTo => "请填写接收人（放行给谁）", "Name whom it was released to";
        AtMost100CharactersAField => "内容过长（每项最多100字）", "At most 100 characters a field";
        ChooseWhatIsLogged => "请选择登记类别", "Choose what is logged";
        NotAPlateNumberEG => "车牌号格式不对，例如：吉C12345", "Not a plate number, e.g. 吉C12345";
        ATrackingNumberHas6To => "快递单号应为6至30位字母或数字", "A tracking number has 6 to 30 letters or digits";
        NameTheDriver => "请填写驾驶人", "Name the driver";
        GiveThePurpose => "请填写事由", "Give the purpose";
        NameTheCarrier => "请填写快递公司", "Name the carrier";
        NameTheRecipient => "请填写收件人", "Name the recipient";
        GiveTheCaseNumber => "请填写案号", "Give the case number";
        DescribeTheVehicleOrEquipment => "请描述移交的车辆或设备", "Describe the vehicle or equipment";
        NameWhoHandedItOver => "请填写移交人（执行干警）", "Name who handed it over";
    }
}
