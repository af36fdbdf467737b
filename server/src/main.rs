//! `guardpost`: reads settings from the environment and serves the app.

use server::{config::Settings, Server};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_new(&settings.log)?)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => {}
        ["backup"] => {
            let db = server::db::open(&settings.database_url).await?;
            let done = server::backup::run(&db, &server::backup::Plan::of(&settings)).await?;
            println!(
                "备份完成 / backup written: {} ({} bytes)",
                done.file.display(),
                done.bytes
            );
            if let Some(copy) = done.copy {
                println!("已复制并校验 / copied and verified: {}", copy.display());
            }
            return Ok(());
        }
        ["restore", file] => {
            let target = server::db::dialect::file_of(&settings.database_url)?;
            server::backup::restore(std::path::Path::new(file), &target).await?;
            println!(
                "已恢复 / restored {file} into {}; phones resend what it lacks at their next sync",
                target.display()
            );
            return Ok(());
        }
        ["tls", rest @ ..] => return make_tls(&settings, rest),
        _ => {
            anyhow::bail!(
                "usage: guardpost [backup | restore FILE | tls NAME-OR-ADDRESS... [--ca-key FILE]]\n  \
                 no argument: serve; restore with the server stopped; tls: the court's own certificates"
            );
        }
    }
    let server = Server::start(settings.clone()).await?;
    let scheme = if server.https { "https" } else { "http" };
    let url = format!("{scheme}://{}", server.addr);
    if let Some((login, password)) = &server.first_admin {
        // Printed once, to the console only (not the log): the administrator must change it at
        // first sign-in.
        println!();
        println!("  ┌──────────────────────────────────────────────────────────┐");
        println!("  │ 首位管理员已创建 / First administrator created             ");
        println!("  │   账号 account:  {login}");
        println!("  │   一次性密码 one-time password:  {password}");
        println!("  │ 首次登录须修改密码 / Change it at first sign-in.           ");
        println!("  └──────────────────────────────────────────────────────────┘");
    }
    println!(
        "\n  Guardpost 法院安保 is serving at {url}  (data: {})",
        settings.data_dir.display()
    );
    if let Some(http) = server.http_addr {
        println!("  http://{http} redirects to it; phones install the court's certificate at http://{http}/ca");
    }
    println!();
    tokio::select! {
        _ = server.handle => {}
        _ = tokio::signal::ctrl_c() => tracing::info!("stopping"),
    }
    Ok(())
}

/// `guardpost tls NAME-OR-ADDRESS... [--ca-key FILE]`: the court's own authority (made once)
/// and a server certificate for the names and addresses phones use.
fn make_tls(settings: &Settings, args: &[&str]) -> anyhow::Result<()> {
    let mut names = Vec::new();
    let mut ca_key = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match *a {
            "--ca-key" => {
                ca_key = Some(std::path::PathBuf::from(
                    it.next()
                        .ok_or_else(|| anyhow::anyhow!("--ca-key needs a file"))?,
                ))
            }
            other => names.push(other.to_string()),
        }
    }
    let dir = server::tls::folder(&settings.data_dir);
    let made = server::tls::make(&dir, &names, ca_key.as_deref())?;
    if made.new_authority {
        println!(
            "已创建本院证书机构 / the court's certificate authority: {}",
            made.ca_cert.display()
        );
    } else {
        println!(
            "沿用本院证书机构 / the same authority (phones need nothing new): {}",
            made.ca_cert.display()
        );
    }
    println!("  SHA-256 {}", made.fingerprint);
    println!(
        "服务器证书 / server certificate for {}: {} (valid until {})",
        names.join(", "),
        made.cert.display(),
        made.not_after
    );
    println!("服务器私钥 / server key (0600): {}", made.key.display());
    match &made.ca_key {
        Some(k) => println!(
            "机构私钥 / the authority's key: {} — keep it off this machine (a USB drive in a safe); \
             it is needed only to make the next server certificate",
            k.display()
        ),
        None => println!(
            "机构私钥未保存 / the authority's key was not kept: the next server certificate needs a new \
             authority that every phone installs again (pass --ca-key /media/usb/guardpost-ca.key to keep it)"
        ),
    }
    println!("\nServe with / 启动时设置:");
    println!("  GUARDPOST_ADDR=0.0.0.0:443");
    println!("  GUARDPOST_HTTP_ADDR=0.0.0.0:80");
    println!("  GUARDPOST_TLS_CERT={}", made.cert.display());
    println!("  GUARDPOST_TLS_KEY={}", made.key.display());
    Ok(())
}
