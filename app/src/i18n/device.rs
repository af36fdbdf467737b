//! The words of the device page's account of the phone's store.

crate::i18n::catalogue! {
    /// What the phone holds and how much room is left.
    Text {
        StoreTitle => "手机上的记录", "Records on this phone";
        Holds => "共保存", "Holds";
        Rows => "条记录", "records";
        Waiting => "其中待同步", "of them waiting to sync";
        Used => "已用空间", "Space used";
        Left => "剩余空间", "Space left";
        Kept => "长期保存（不会被浏览器自动清除）", "Kept for good (the browser will not clear it on its own)";
        NotKept => "浏览器在空间紧张时可能清除本应用的数据：请尽快同步", "The browser may clear the app's data when space runs short: sync often";
        ByKind => "按类别", "By kind";
    }
}
