//! The words of the page that hands phones the court's certificate authority.

crate::i18n::catalogue! {
    /// Installing the court's certificate on a phone, for Android and iOS.
    Text {
        Title => "在手机上安装本院证书", "Install the court's certificate on this phone";
        Why => "本系统在法院内网通过 HTTPS 访问。手机先信任本院自建的证书机构，才能离线使用、长期保存记录。每部手机只需安装一次。", "The app is reached over HTTPS on the court's own network. A phone must trust the court's own certificate authority before it can work offline and keep records for good. Once per phone.";
        Scan => "用手机相机扫描二维码，打开本页", "Scan the QR code with the phone's camera to open this page";
        Download => "下载本院证书", "Download the court's certificate";
        Fingerprint => "证书指纹（SHA-256），安装时可核对：", "The certificate's fingerprint (SHA-256), to compare when installing:";
        Android => "安卓手机", "Android";
        Android1 => "点击上面的「下载本院证书」，保存文件 guardpost-ca.crt。", "Tap \"Download the court's certificate\" above and keep the file guardpost-ca.crt.";
        Android2 => "打开「设置」→「安全」（或「安全和隐私」→「更多安全设置」）→「加密与凭据」→「安装证书」→「CA 证书」。", "Open Settings → Security (or Security & privacy → More security settings) → Encryption & credentials → Install a certificate → CA certificate.";
        Android3 => "提示风险时点「仍然安装」，验证锁屏密码，选择刚下载的 guardpost-ca.crt。", "When warned, tap Install anyway, confirm the screen lock, and pick the guardpost-ca.crt just downloaded.";
        Android4 => "回到浏览器，打开下面的地址。", "Back in the browser, open the address below.";
        Ios => "苹果手机（iPhone）", "iPhone (iOS)";
        Ios1 => "用 Safari 打开本页，点击「下载本院证书」，选择「允许」下载描述文件。", "Open this page in Safari, tap \"Download the court's certificate\" and Allow the profile download.";
        Ios2 => "打开「设置」→「通用」→「VPN与设备管理」（或「描述文件」），选中本院证书，点「安装」。", "Open Settings → General → VPN & Device Management (or Profiles), pick the court's certificate, tap Install.";
        Ios3 => "打开「设置」→「通用」→「关于本机」→「证书信任设置」，打开本院证书的「完全信任」。", "Open Settings → General → About → Certificate Trust Settings and turn on full trust for the court's certificate.";
        Ios4 => "用 Safari 打开下面的地址。", "Open the address below in Safari.";
        Open => "安装后打开本系统：", "Once installed, open the app at:";
        NoAuthority => "本服务器没有使用本院自建的证书机构，手机无需安装证书。", "This server does not use a court-made certificate authority: phones need nothing installed.";
        Backups => "备份", "Backups";
        LastGood => "最近一次成功备份：", "Last good backup:";
        CopyAt => "副本（已校验）：", "Copy (verified):";
        NoGood => "还没有成功的备份", "No good backup yet";
        Failing => "最近一次备份失败：", "The last backup failed:";
        OnlyHere => "备份只存放在本机：磁盘损坏时会一起丢失。请设置 GUARDPOST_BACKUP_COPY_DIR，复制到另一块磁盘、NAS 或 U 盘。", "Backups are only on this machine and die with its disk: set GUARDPOST_BACKUP_COPY_DIR to copy them to another disk, a NAS or a USB drive.";
        CopiesTo => "副本存放于：", "Copies go to:";
        EveryHours => "每隔几小时备份一次：", "Hours between backups:";
        NoSchedule => "未安排定时备份（GUARDPOST_BACKUP_HOURS=0）", "No scheduled backups (GUARDPOST_BACKUP_HOURS=0)";
    }
}
