//! What the boiler rules say: their refusals and labels, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The boiler rules' words.
    Words {
    EachShift => "每班", "each shift";
    Weekly => "每周", "weekly";
    Monthly => "每月", "monthly";
    WaterShort => "严重缺水", "Water short";
    }
}
