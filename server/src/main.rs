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
            let dir = server::backup::folder(&settings.data_dir);
            let done = server::backup::run(&db, &dir, settings.backup_keep).await?;
            println!(
                "备份完成 / backup written: {} ({} bytes)",
                done.file.display(),
                done.bytes
            );
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
        _ => {
            anyhow::bail!(
                "usage: guardpost [backup | restore FILE]  (no argument: serve; restore with the server stopped)"
            );
        }
    }
    let server = Server::start(settings.clone()).await?;
    let url = format!("http://{}", server.addr);
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
        "\n  Guardpost 法院安保 is serving at {url}  (data: {})\n",
        settings.data_dir.display()
    );
    tokio::select! {
        _ = server.handle => {}
        _ = tokio::signal::ctrl_c() => tracing::info!("stopping"),
    }
    Ok(())
}
