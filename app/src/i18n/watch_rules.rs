//! What the watchlist rules say: their refusals and labels, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The watchlist rules' words.
    Words {
        NotifiedPolice => "已通知司法警察", "Judicial police notified";
        PoliceUnreachable => "未能联系司法警察", "Police could not be reached";
        NotThePerson => "核实非本人", "Checked: not the person";
    }
}
