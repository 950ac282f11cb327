//! The secretariat's pages of kinds: `/assistance/categories` (kinds of assistance) and
//! `/activities/types` (kinds of activity), one page and one form for both.

use super::{ACTIVITIES, ASSISTANCE, CategoryInput, List};
use crate::error::{Error, FieldErrors, Result};
use crate::web::AppState;
use crate::web::render::{Ctx, HtmlForm};
use crate::web::routing::Routes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

/// One list's page: the list, where its page is, and the prefix of its words in the locales.
struct Page {
    list: &'static List,
    base: &'static str,
    words: &'static str,
}

const CATEGORIES: Page = Page {
    list: &ASSISTANCE,
    base: "/assistance/categories",
    words: "categories",
};

const TYPES: Page = Page {
    list: &ACTIVITIES,
    base: "/activities/types",
    words: "activity-types",
};

pub fn routes() -> Routes {
    Routes::new()
        .get("/assistance/categories", |s: State<AppState>, c: Ctx| {
            show(s, c, &CATEGORIES)
        })
        .post(
            "/assistance/categories",
            |s: State<AppState>, c: Ctx, f: HtmlForm<CategoryInput>| add(s, c, f, &CATEGORIES),
        )
        .post(
            "/assistance/categories/{code}",
            |s: State<AppState>, c: Ctx, p: Path<String>, f: HtmlForm<CategoryInput>| {
                change(s, c, p, f, &CATEGORIES)
            },
        )
        .get("/activities/types", |s: State<AppState>, c: Ctx| {
            show(s, c, &TYPES)
        })
        .post(
            "/activities/types",
            |s: State<AppState>, c: Ctx, f: HtmlForm<CategoryInput>| add(s, c, f, &TYPES),
        )
        .post(
            "/activities/types/{code}",
            |s: State<AppState>, c: Ctx, p: Path<String>, f: HtmlForm<CategoryInput>| {
                change(s, c, p, f, &TYPES)
            },
        )
}

async fn page(
    app: &AppState,
    ctx: &Ctx,
    which: &Page,
    input: &CategoryInput,
    errors: Option<(&FieldErrors, Option<&str>)>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    if !actor.sees_all() {
        return Err(Error::Forbidden);
    }
    let c = minijinja::context! {
        categories => which.list.all(&app.db).await?,
        base => which.base, words => which.words, sectors => crate::orgs::SECTORS,
        input => input,
        // Which form the errors belong to: a kind's code, or none for the new one.
        failed => errors.and_then(|(_, code)| code),
        can_edit => actor.is_secretariat_admin(),
    };
    match errors {
        Some((e, _)) => ctx.form_errors("kinds.html", e, c),
        None => ctx.page("kinds.html", c),
    }
}

async fn show(State(app): State<AppState>, ctx: Ctx, which: &Page) -> Result<Response> {
    page(&app, &ctx, which, &CategoryInput::default(), None).await
}

async fn add(
    State(app): State<AppState>,
    ctx: Ctx,
    HtmlForm(input): HtmlForm<CategoryInput>,
    which: &Page,
) -> Result<Response> {
    match which
        .list
        .save(&app.db, ctx.actor()?, None, input.clone())
        .await
    {
        Ok(()) => Ok(Redirect::to(which.base).into_response()),
        Err(Error::Validation(errs)) => page(&app, &ctx, which, &input, Some((&errs, None))).await,
        Err(e) => Err(e),
    }
}

async fn change(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    HtmlForm(input): HtmlForm<CategoryInput>,
    which: &Page,
) -> Result<Response> {
    match which
        .list
        .save(&app.db, ctx.actor()?, Some(&code), input.clone())
        .await
    {
        Ok(()) => Ok(Redirect::to(which.base).into_response()),
        Err(Error::Validation(errs)) => {
            page(&app, &ctx, which, &input, Some((&errs, Some(&code)))).await
        }
        Err(e) => Err(e),
    }
}
