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
    }
}
