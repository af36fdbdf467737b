//! Interface text in Simplified Chinese (first) and English, one table for the phone and the
//! server, so an error the server writes reads the same as one the phone writes.
//!
//! The language is a cookie (`gp_lang`) so the server renders the page in the language the phone
//! will hydrate it in.

use serde::{Deserialize, Serialize};

pub const LANG_COOKIE: &str = "gp_lang";

/// The text for `locale` of a pair written in place (rules' messages live beside the rule).
pub fn pick(locale: Locale, zh: &'static str, en: &'static str) -> &'static str {
    if locale == Locale::Zh {
        zh
    } else {
        en
    }
}

/// Declares a code-named enum with its labels in both languages (the code is what crosses the
/// wire and sits in the database).
macro_rules! coded {
    ($(#[$m:meta])* $name:ident { $($v:ident = $code:literal, $zh:literal, $en:literal;)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $code)] $v),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),*];
            pub fn code(self) -> &'static str { match self { $($name::$v => $code),* } }
            pub fn parse(s: &str) -> Option<Self> { Self::ALL.iter().copied().find(|x| x.code() == s) }
            pub fn label(self, locale: $crate::i18n::Locale) -> &'static str {
                match self { $($name::$v => $crate::i18n::pick(locale, $zh, $en)),* }
            }
        }
    };
}
pub(crate) use coded;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    Zh,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::Zh => "zh-CN",
            Locale::En => "en",
        }
    }
    pub fn cookie_value(self) -> &'static str {
        match self {
            Locale::Zh => "zh",
            Locale::En => "en",
        }
    }
    pub fn from_cookie_value(v: &str) -> Locale {
        if v == "en" {
            Locale::En
        } else {
            Locale::Zh
        }
    }
    /// The language named in a `Cookie:` header; Chinese when absent.
    pub fn from_cookie_header(header: &str) -> Locale {
        header
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == LANG_COOKIE)
            .map(|(_, v)| Locale::from_cookie_value(v))
            .unwrap_or_default()
    }
    pub fn other(self) -> Locale {
        match self {
            Locale::Zh => Locale::En,
            Locale::En => Locale::Zh,
        }
    }
}

macro_rules! keys {
    ($($key:ident => $zh:expr, $en:expr;)*) => {
        /// One entry of the interface text.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Key { $($key),* }

        impl Key {
            pub fn text(self, locale: Locale) -> &'static str {
                match (self, locale) {
                    $((Key::$key, Locale::Zh) => $zh, (Key::$key, Locale::En) => $en,)*
                }
            }
        }
    };
}

keys! {
    AppName => "法院安保", "Guardpost";
    AppTitle => "法院安保 · 伊通县法院", "Guardpost · Yitong County Court";
    Login => "账号", "Account";
    Password => "密码", "Password";
    SignIn => "登录", "Sign in";
    SigningIn => "正在登录…", "Signing in…";
    SignOut => "退出登录", "Sign out";
    Online => "在线", "Online";
    Offline => "离线", "Offline";
    OfflineNote => "离线：已保存的记录在手机上，联网后自动同步", "Offline: records stay on this phone and sync when back online";
    LastContact => "上次联网", "Last online";
    Never => "从未", "never";
    WaitingToSync => "待同步", "Waiting to sync";
    SyncNow => "同步", "Sync";
    Home => "首页", "Home";
    MyTasks => "我的工作", "My tasks";
    ComingSoon => "即将上线", "Coming soon";
    Sites => "场所", "Sites";
    People => "人员", "People";
    Admin => "管理", "Admin";
    Language => "English", "中文";
    ChangePassword => "修改密码", "Change password";
    CurrentPassword => "当前密码", "Current password";
    NewPassword => "新密码（至少10位）", "New password (10+ characters)";
    RepeatPassword => "再次输入新密码", "Repeat new password";
    PasswordsDiffer => "两次输入的新密码不一致", "The two new passwords differ";
    PasswordChanged => "密码已修改", "Password changed";
    MustChangePassword => "首次登录，请先设置新密码", "First sign-in: set a new password first";
    Save => "保存", "Save";
    Saved => "已保存", "Saved";
    Add => "添加", "Add";
    Edit => "编辑", "Edit";
    Loading => "加载中…", "Loading…";
    NewPerson => "新增人员", "New person";
    DisplayName => "姓名", "Name";
    Roles => "岗位", "Roles";
    SitesOf => "所属场所", "Sites";
    Disabled => "已停用", "Disabled";
    DisableAccount => "停用账号", "Disable account";
    ResetPassword => "重置密码", "Reset password";
    OneTimePasswordIs => "一次性密码（只显示这一次，请当面交给本人）：", "One-time password (shown once, hand it over in person):";
    AreaName => "区域名称", "Area name";
    AreaCode => "编号", "Code";
    AreaKindLabel => "类型", "Kind";
    Active => "启用", "In use";
    SiteNameZh => "中文名称", "Chinese name";
    SiteNameEn => "英文名称", "English name";
    UpdateReady => "新版本已就绪", "A new version is ready";
    UpdateNow => "更新", "Update";
    UpdateLater => "稍后", "Later";
    UpdateBlockedByForm => "请先保存或取消正在填写的表单", "Save or cancel the form you are filling first";
    NeedOnline => "此操作需要联网", "This needs a connection";
    NotFound => "页面不存在", "Page not found";
    BackHome => "返回首页", "Back to home";
    SignedInOffline => "离线模式：使用上次登录的账号", "Offline: using the last signed-in account";
    // Tasks on the home screen, one per action.
    TaskRegisterVisitor => "来访登记", "Visitor registration";
    TaskRecordScreening => "安检", "Screening";
    TaskPatrolRound => "巡逻巡查", "Patrol rounds";
    TaskReportHazard => "上报隐患", "Report a hazard";
    TaskGateLog => "门卫登记（车辆、快递、扣押移交）", "Gate log (vehicles, parcels, custody)";
    TaskBoilerLog => "锅炉运行记录", "Boiler log";
    TaskHousekeeping => "卫生与绿植", "Cleaning and plants";
    TaskFireDuty => "消防控制室值班", "Fire-room duty";
    TaskInspect => "检查", "Inspections";
    TaskReviewRectification => "整改复查", "Rectifications to review";
    TaskViewKpis => "考核指标", "KPIs";
    TaskFileRequest => "需求与反馈", "Requests and feedback";
    TaskViewReports => "月度报告", "Monthly reports";
    TaskManagePeople => "人员与账号", "People and accounts";
    TaskManageSites => "场所与区域", "Sites and areas";
    TaskWatchlist => "重点关注人员", "Watchlist";
    // Roles.
    RoleGuard => "安保员", "Guard";
    RoleTeamLeader => "队长", "Team leader";
    RoleGateGuard => "门卫", "Gate guard";
    RoleCaretaker => "门卫更夫", "Caretaker";
    RoleFireOperator => "消防值班员", "Fire-room operator";
    RoleSupervisor => "项目负责人", "Supervisor";
    RoleCourtLiaison => "采购人联络人", "Court liaison";
    RoleAdmin => "系统管理员", "Administrator";
    // Area kinds.
    KindHall => "大厅", "Hall";
    KindRoom => "接待室", "Room";
    KindCourtroom => "审判法庭", "Courtroom";
    KindGateHouse => "门卫室", "Gate house";
    KindFloor => "楼层", "Floor";
    KindCorridor => "走廊", "Corridor";
    KindRestroom => "卫生间", "Restroom";
    KindYard => "院落", "Yard";
    KindFilingArea => "立案区域", "Filing area";
    KindReceptionArea => "接待区域", "Reception area";
    KindFireControlRoom => "消防控制室", "Fire control room";
    KindBoilerRoom => "锅炉房", "Boiler room";
    KindOther => "其他", "Other";
    // Errors.
    ErrWrongPassword => "账号或密码错误", "Wrong account or password";
    ErrRateLimited => "登录失败次数过多，请稍后再试", "Too many failed sign-ins, try again later";
    ErrRetryInMinutes => "分钟后可再试", "minutes until you can try again";
    ErrAccountDisabled => "该账号已停用，请联系管理员", "This account is disabled; ask an administrator";
    ErrNotSignedIn => "请先登录", "Please sign in";
    ErrForbidden => "您的岗位无权进行此操作", "Your role may not do this";
    ErrSiteForbidden => "您不属于该场所", "You do not belong to this site";
    ErrPasswordChangeRequired => "请先修改初始密码", "Change your initial password first";
    ErrLoginFormat => "账号须为3至32位小写字母、数字或 . _ -", "Account: 3 to 32 lower-case letters, digits or . _ -";
    ErrLoginTaken => "该账号已存在", "This account name is taken";
    ErrPasswordTooShort => "新密码至少10位", "The new password needs at least 10 characters";
    ErrPasswordTooLong => "新密码不能超过128位", "The new password may have at most 128 characters";
    ErrPasswordIsLogin => "新密码不能与账号相同", "The new password may not be the account name";
    ErrPasswordSame => "新密码不能与当前密码相同", "The new password must differ from the current one";
    ErrCurrentPassword => "当前密码不正确", "The current password is wrong";
    ErrDisplayName => "姓名须为1至40个字", "Name: 1 to 40 characters";
    ErrNoRole => "请至少选择一个岗位", "Choose at least one role";
    ErrNoSite => "请至少选择一个场所", "Choose at least one site";
    ErrUnknownSite => "场所不存在", "No such site";
    ErrUnknownPerson => "人员不存在", "No such person";
    ErrAreaCode => "区域编号须为1至32位字母、数字或 - _", "Area code: 1 to 32 letters, digits, - or _";
    ErrAreaCodeTaken => "该场所已有此编号", "This site already has an area with that code";
    ErrAreaName => "区域名称须为1至40个字", "Area name: 1 to 40 characters";
    ErrSiteName => "场所名称须为1至40个字", "Site name: 1 to 40 characters";
    ErrLastAdmin => "不能停用或降级最后一个管理员", "The last administrator cannot be disabled or demoted";
    ErrBadRequest => "请求格式不正确", "The request is malformed";
    Correct => "修改重发", "Correct";
    IdTypeLabel => "证件类型", "Document";
    IdNumber => "证件号码", "Document number";
    IdUnreadable => "证件无法识别（登记为不完整）", "Document unreadable (registered as incomplete)";
    IdMissingReason => "原因", "Reason";
    ErrReasonNeeded => "请写明证件无法识别的原因", "Say why the document cannot be read";
    MinorTag => "未满14周岁", "Under 14";
    GuardianLabel => "监护人（姓名及联系方式）", "Guardian (name and how to reach them)";
    MinorNote => "访客未满14周岁：按敏感个人信息处理，须登记监护人", "The visitor is under 14: sensitive personal information, a guardian is recorded";
    RevealReasonPrompt => "查看未成年访客的证件号须说明原因：", "Give the reason for seeing a minor's document number:";
    ErrRevealReason => "查看未成年访客的证件号须说明原因（最多100字）", "Seeing a minor's document number needs a reason (at most 100 characters)";
    ErrGuardian => "访客未满14周岁：请登记监护人姓名及联系方式", "The visitor is under 14: record the guardian's name and how to reach them";
    PhoneLabel => "联系电话", "Phone";
    CategoryLabel => "来访类别", "Visitor category";
    Destination => "前往区域", "Going to";
    PersonVisited => "被访人（可选）", "Person visited (optional)";
    CaseNumber => "案号（可选）", "Case number (optional)";
    Companions => "随行人数", "Companions";
    LookupReturning => "回访人员：输入姓名或证件号后几位", "Returning visitor: name or last digits of the document";
    ReuseDocument => "沿用上次登记的证件", "Same document as last visit";
    ClearLookup => "重新填写", "Start over";
    IncompleteSaved => "已保存（登记不完整）", "Saved (registration incomplete)";
    FixingNote => "正在修改被退回的记录，保存后重新发送", "Correcting a refused record; saving sends it again";
    OnSiteTitle => "在场人员", "On site now";
    OnSiteTotal => "在场共", "On site";
    CheckOut => "离开", "Check out";
    NobodyOnSite => "暂无在场人员", "Nobody on site";
    EarlierNotOut => "往日登记、未登记离开：请核实后处理", "Registered on an earlier day and not checked out: check and resolve";
    PrintEvacuation => "打印疏散名单", "Print evacuation list";
    RevealId => "查看证件号", "Show number";
    Incomplete => "不完整", "Incomplete";
    PeopleCount => "人", "people";
    ErrNotFound => "找不到该记录", "No such record";
    ErrDutyFinished => "此次值庭已结束", "This courtroom duty is already finished";
    ErrRoundFinished => "该巡查已结束，不能再确认检查点", "This round is finished: no more checkpoints";
    ErrProcedureClosed => "该处置已结束或无需处置", "This procedure is closed or not needed";
    ErrCountersignOwn => "不能复核自己填写的记录", "You cannot countersign your own record";
    ErrHandoverOwn => "接班须由另一名值班人员确认", "Another operator takes over and signs";
    ErrNotOperator => "所选人员不是本点在岗的消防值班人员", "Someone chosen is not an active fire-room operator of this site";
    ErrWatchReason => "请写明关注原因（最多200字）", "Give the reason (at most 200 characters)";
    ErrWatchTaken => "该证件已在名单中", "This document is on the list already";
    // Screening and deposits.
    ScreenThis => "安检此人", "Screen this person";
    ScreenWho => "受检人", "Person screened";
    PasserBy => "未登记的过往人员", "Passer-by, not registered";
    PasserByName => "姓名", "Name";
    EquipmentLabel => "安检设备与方式", "Equipment and method";
    OutcomeLabel => "安检结果", "Result";
    ItemsLabel => "查出物品", "Items found";
    AddItem => "添加物品", "Add an item";
    RemoveItem => "删除", "Remove";
    ItemCategoryLabel => "类别", "Kind";
    ItemDescription => "物品描述", "Description";
    DispositionLabel => "处置", "Disposition";
    Locker => "柜号", "Locker";
    TagNo => "牌号", "Tag";
    BladeMm => "刃长(毫米)", "Blade (mm)";
    TipAngle => "刀尖角(度)", "Tip angle (°)";
    KnifeControlled => "按刃长和刀尖角属管制刀具，请移交司法警察", "By blade and tip this is a controlled knife: hand it to the judicial police";
    KnifeNotControlled => "按刃长和刀尖角不属管制刀具（匕首、三棱刀、带自锁弹簧刀一律属管制刀具）", "By blade and tip not a controlled knife (daggers, three-edged and spring-lock knives always are)";
    Officer => "司法警察姓名", "Judicial police officer";
    BodyCheck => "人身检查（由司法警察在非公开场所进行）", "Body check (by judicial police, not in public)";
    VisitorSex => "受检人性别", "Person's sex";
    StaffSex => "协助检查人员性别", "Assisting staff's sex";
    NoteLabel => "备注", "Note";
    NotScreenedYet => "今日已登记、未安检", "Registered today, not screened";
    DepositsTitle => "寄存物品", "Deposits";
    NoOpenDeposits => "没有未取回的寄存物品", "No deposits waiting";
    EarlierDeposits => "往日未取回，请处理", "From earlier days, to resolve";
    Collect => "取回", "Collect";
    Transfer => "移交", "Transfer";
    TransferTo => "移交给", "Transferred to";
    VisitorConfirmed => "访客已当面核对物品", "The visitor has checked the item";
    Confirm => "确认", "Confirm";
    Cancel => "取消", "Cancel";
    SelfTestTitle => "本班设备自检", "Equipment self-test this shift";
    SelfTestDone => "设备自检已完成", "Equipment self-test done";
    WalkThroughGate => "安检门", "Walk-through gate";
    HandheldCharged => "手持探测器已充电", "Hand-held detector charged";
    XrayMachine => "X光机", "X-ray";
    StatusOk => "正常", "OK";
    StatusFault => "异常", "Fault";
    StatusAbsent => "无此设备", "None here";
    Screened => "已安检", "Screened";
    TabRegister => "登记", "Register";
    TabScreen => "安检", "Screen";
    TabOnSite => "在场", "On site";
    TabDeposits => "寄存", "Deposits";
    // Gate.
    Plate => "车牌号", "Plate";
    Unit => "单位", "Unit";
    Driver => "驾驶人", "Driver";
    Parking => "停放位置（可选）", "Parking place (optional)";
    Carrier => "快递公司", "Carrier";
    Tracking => "快递单号", "Tracking number";
    Recipient => "收件人", "Recipient";
    CustodyCase => "案号", "Case number";
    CustodyItem => "移交的车辆或设备", "Vehicle or equipment handed over";
    CustodyPlate => "车牌号（车辆时填写）", "Plate (for a vehicle)";
    HandedBy => "移交人（执行干警）", "Handed over by";
    OpenVehicle => "在场车辆", "Vehicles in";
    OpenParcel => "未领取快递", "Parcels waiting";
    OpenCustody => "扣押在库", "Held now";
    CollectedBy => "领取人", "Collected by";
    ReleasedTo => "接收人（放行给谁）", "Released to";
    NoneOpen => "暂无", "None";
    // Dashboard.
    DashRegistrations => "次登记", "registrations";
    DashCompleteToday => "登记完整率：当日", "Complete: today";
    DashMonth => "本月", "month";
    DashTarget => "（目标 ≥98%）", " (target ≥ 98%)";
    DashWaiting => "未取回", "waiting";
    DashMatches => "比中", "Matches";
    DashHandled => "已记录处理", "handled";
    DashDay => "日期", "Day";
    DashSelfTests => "设备自检", "Equipment self-tests";
    // Watchlist.
    WatchAlertTitle => "可能是重点关注人员：请立即通知司法警察并联系主管核实", "Possibly on the watchlist: call the judicial police now and ask the supervisor to confirm";
    WatchReason => "关注原因", "Reason";
    WatchWhatDone => "处理情况", "What was done";
    WatchRecord => "记录处理情况", "Record what was done";
    WatchRecorded => "处理情况已记录", "Recorded";
    WatchlistNote => "名单只保存证件号的加密比对值，手机上不保存证件号；加入或移出后，各岗位手机下次同步时生效。", "The list keeps only a one-way key of each number; phones never hold the numbers. Changes reach post phones at their next sync.";
    WatchAdd => "加入名单", "Add to the list";
    WatchRemove => "移出名单", "Remove";
    WatchRemoveConfirm => "确定将此人移出名单？", "Remove this person from the list?";
    WatchEmpty => "名单为空", "The list is empty";
    WatchTag => "重点关注", "Watchlist";
    WatchNotHandled => "重点关注：尚未记录处理情况", "Watchlist: nothing recorded yet";
    ErrServer => "服务器出错，请稍后再试", "Server error, try again later";
    ErrNetwork => "无法连接服务器", "Cannot reach the server";
    OfflineUnknown => "离线时只能登录曾在本机联网登录过的账号", "Offline, only accounts that signed in on this phone before can sign in";
    ErrStorageFull => "手机存储已满，未保存：请先同步或清理空间后再保存（已填写的内容仍在）", "Phone storage is full, nothing saved: sync or free space, then save again (what you typed is kept)";
    VisitorName => "访客姓名", "Visitor's name";
    Purpose => "事由", "Purpose";
    RecordAny => "记录", "Record";
    RecordRect => "整改单", "Rectification";
    RecordHazard => "隐患上报", "Hazard report";
    SavedPending => "已保存在手机上，联网后自动同步", "Saved on this phone; it syncs when online";
    StateSynced => "已同步", "Synced";
    StateRejected => "被退回", "Refused";
    Dismiss => "知道了", "Dismiss";
    Recent => "最近登记", "Recent";
    RejectedTitle => "被退回的记录", "Refused records";
    LastSync => "上次同步", "Last sync";
    DeviceTitle => "本机登记", "This phone";
    EnrolThisPhone => "登记本机", "Enrol this phone";
    PhonesTitle => "已登记的手机", "Enrolled phones";
    PhoneLastContact => "最后联系", "Last contact";
    PhoneWaiting => "未送达", "Not yet sent";
    PhoneHeld => "待确认", "Held";
    PhoneSessions => "登录中", "Signed in";
    PhoneRevoked => "已挂失停用", "Revoked";
    PhoneRevoke => "挂失停用", "Revoke (lost)";
    DeviceLabel => "本机名称（如：立案大厅1号机）", "Name of this phone (e.g. filing hall 1)";
    DeviceEnrolled => "本机已登记", "This phone is enrolled";
    NeedEnrol => "本机尚未登记：记录会保存在手机上，由项目负责人或管理员登记本机后才能同步", "This phone is not enrolled: records stay on it until a supervisor or administrator enrols it";
    BlockedSignIn => "登录已过期：请重新登录，记录仍在手机上，登录后发送", "Session expired: sign in again; the records stay on the phone and are sent then";
    BlockedUpdate => "请更新应用后同步，记录仍在手机上", "Update the app to sync; the records stay on the phone";
    UnsyncedSignOut => "本机还有未同步的记录。退出后记录仍保留在手机上，联网后发送。确定退出？", "Records on this phone are not synced yet. They stay on the phone and are sent when online. Sign out?";
    ErrDeviceNotEnrolled => "本机尚未登记，请项目负责人或管理员登记本机", "This phone is not enrolled; a supervisor or administrator must enrol it";
    HeldTitle => "待确认的记录", "Held records";
    HeldAccept => "确认采纳", "Accept";
    HeldRefuse => "不予采纳", "Refuse";
    HeldUnsigned => "未签名（旧版本或未联网登录时所记），待本人联网登录后签名", "Not signed (an older build, or no online sign-in yet): signed when its author signs in online";
    HeldOnPhone => "条记录待确认：作者本人联网登录后自动签名，或由主管确认", "records held: signed when their author signs in online, or decided by a supervisor";
    HeldSignAgain => "待本人重新登录后签名确认（密码已重置或账号已停用）", "Waiting for its author to sign in again and sign it (password reset or account disabled)";
    HeldDeviceRevoked => "本机已挂失停用，此记录待主管确认", "This phone was revoked: a supervisor must accept this record";
    HeldRefused => "主管未予确认", "Refused by a supervisor";
    ErrAuthorProof => "记录的作者无法证实（不是本人在本机登录时所记），已拒收", "The record's author could not be proven (not made by that person signed in on this phone): refused";
    ErrDeviceRevoked => "本机已被停用（挂失），不能再同步", "This phone has been revoked and can no longer sync";
    ErrUnknownMutation => "无法识别的记录类型，请更新应用", "Unknown record type; update the app";
    ErrTooLarge => "内容过多，超出服务器一次可接收的大小", "Too much at once for the server to take";
    ErrRecordTooLarge => "这条记录内容过多，服务器无法接收：请删减备注或说明后重新保存", "This record is too long for the server: shorten its notes, then save again";
    ServerBehind => "服务器尚未升级，部分记录暂存手机上，服务器升级后自动发送", "The server is not updated yet; some records wait on this phone and go once it is";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_header_picks_language() {
        assert_eq!(Locale::from_cookie_header(""), Locale::Zh);
        assert_eq!(Locale::from_cookie_header("a=b; gp_lang=en"), Locale::En);
        assert_eq!(Locale::from_cookie_header("gp_lang=zh; x=1"), Locale::Zh);
        assert_eq!(Locale::from_cookie_header("gp_lang=fr"), Locale::Zh);
    }

    #[test]
    fn both_languages_have_text() {
        for k in [Key::SignIn, Key::ErrWrongPassword, Key::RoleCaretaker] {
            assert!(!k.text(Locale::Zh).is_empty());
            assert_ne!(k.text(Locale::Zh), k.text(Locale::En));
        }
    }
}
