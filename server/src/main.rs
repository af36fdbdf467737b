//! `guardpost`: reads settings from the environment and serves the app.

use server::{config::Settings, Server};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_new(&settings.log)?)
        .init();
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
