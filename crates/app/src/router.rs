//! The application's router, composed from each feature's own `routes()`: this is the one place
//! that knows every feature. A new feature adds one line here (see docs/ARCHITECTURE.md,
//! "Adding a feature").

use crate::web::{self, AppState, routing::Routes};

/// Every route of the application, the web layer's own and each feature's.
pub fn routes() -> Routes {
    web::routes()
        .merge(crate::users::routes::routes())
        .merge(crate::orgs::routes::routes())
        .merge(crate::agreements::routes::routes())
        .merge(crate::announcements::routes::routes())
        .merge(crate::audit::routes::routes())
        .merge(crate::registry::routes::routes())
        .merge(crate::assistance::routes::routes())
        .merge(crate::kinds::routes::routes())
        .merge(crate::coordination::routes::routes())
        .merge(crate::pool::routes::routes())
        .merge(crate::library::routes::routes())
        .merge(crate::events::routes::routes())
}

/// The whole application: every route inside the web layer's middleware.
pub fn router(app: AppState) -> axum::Router {
    web::stack(app, routes())
}

/// Serves the application until Ctrl-C or SIGTERM, warming the registry's index for "already
/// registered?" meanwhile, and sending e-mails when an SMTP server is configured.
pub async fn serve(app: AppState, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    tokio::spawn(crate::registry::online::warm(app.db.clone()));
    if let Some(mailer) = crate::mail::Mailer::new(&app.settings)? {
        tokio::spawn(mailer.run(app.db.clone()));
    }
    web::serve(router(app), listener).await
}
