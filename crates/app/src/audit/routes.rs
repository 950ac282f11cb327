//! The audit trail's page and API (secretariat admins and auditors).

use super::{Entry, Filter, PAGE_SIZE};
use crate::error::Result;
use crate::web::AppState;
use crate::web::render::{Ctx, ExportQuery, Pager, table_download};
use crate::web::routing::Routes;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::Response;

pub fn routes() -> Routes {
    Routes::new()
        .get("/audit", view_audit_get)
        .get("/api/v1/audit", api_audit_get)
}

async fn view_audit_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(filter): Query<Filter>,
    Query(export): Query<ExportQuery>,
) -> Result<Response> {
    if !export.is_page() {
        let (header, rows) =
            super::export_table(&app.db, ctx.actor()?, &filter, ctx.locale).await?;
        let name = ctx.locale.t("audit-export-file");
        return table_download(ctx.locale, &export.format, &name, &header, rows);
    }
    let (rows, total) = super::list(&app.db, ctx.actor()?, &filter).await?;
    let rows: Vec<super::Shown> = rows.iter().map(|e| e.shown(ctx.locale)).collect();
    let entities: Vec<&str> = super::EVENTS.iter().map(|(e, _)| *e).collect();
    // The download links keep the filters (not the page).
    let export_query = serde_urlencoded::to_string(Filter {
        page: None,
        ..filter.clone()
    })
    .unwrap_or_default();
    let pager = Pager::new(
        &ctx.path,
        crate::paging::Page::new(filter.page, PAGE_SIZE),
        total,
    );
    ctx.page(
        "audit/list.html",
        minijinja::context! { rows => rows, pager => pager, f => filter, entities => entities, export_query => export_query },
    )
}

#[derive(serde::Serialize)]
struct AuditPage {
    items: Vec<Entry>,
    total: i64,
}

async fn api_audit_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(filter): Query<Filter>,
) -> Result<Json<AuditPage>> {
    let (items, total) = super::list(&app.db, ctx.actor()?, &filter).await?;
    Ok(Json(AuditPage { items, total }))
}
