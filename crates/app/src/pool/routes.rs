//! Pages of the resource pool (`/pool`): offers, needs, allocation runs and their proposals, and
//! each member's share of published allocations.

use super::deliveries::{self, DeliveryInput};
use super::draw::{self, DrawInput};
use super::runs::{self, Choice, RunInput};
use super::{DrawnQuery, Filter, NeedInput, OfferInput};
use crate::error::{Error, FieldErrors, Result};
use crate::paging::Page;
use crate::table::export::Value;
use crate::web::AppState;
use crate::web::render::{Ctx, ExportQuery, HtmlForm, PageQuery, Pager, table_download};
use crate::web::routing::Routes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new()
        .get("/pool", view_index_get)
        .get("/pool/summary", view_summary_get)
        .get("/pool/offers", view_offers_get)
        .get("/pool/offers/new", view_offer_new_get)
        .post("/pool/offers", view_offer_create_post)
        .post("/pool/offers/{id}/reduce", view_offer_reduce_post)
        .post("/pool/offers/{id}/withdraw", view_offer_withdraw_post)
        .get("/pool/needs", view_needs_get)
        .get("/pool/needs/new", view_need_new_get)
        .post("/pool/needs", view_need_create_post)
        .post("/pool/needs/{id}/withdraw", view_need_withdraw_post)
        .post("/pool/needs/draw", view_draw_post)
        .post("/pool/runs", view_run_create_post)
        .get("/pool/runs/{id}", view_run_get)
        .post("/pool/runs/{id}/choices", view_run_choice_post)
        .post("/pool/runs/{id}/publish", view_run_publish_post)
        .post("/pool/allocations/{id}/accept", view_accept_post)
        .post("/pool/allocations/{id}/decline", view_decline_post)
        .get("/pool/allocations/{id}/deliver", view_deliver_get)
        .post("/pool/allocations/{id}/deliver", view_deliver_post)
}

async fn index_page(
    app: &AppState,
    ctx: &Ctx,
    input: &RunInput,
    errors: Option<&FieldErrors>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let runs = if actor.sees_all() {
        runs::list(&app.db, actor, 20).await?
    } else {
        Vec::new()
    };
    let (deliver, receive) = runs::mine(&app.db, actor).await?;
    let c = minijinja::context! {
        runs => runs, deliver => deliver, receive => receive, input => input,
        coordinates => actor.coordinates(), secretariat => actor.sees_all(),
        can_write => actor.can_write(),
        categories => crate::kinds::ASSISTANCE.all(&app.db).await?,
        governorates => crate::coordination::governorate_choices(),
    };
    match errors {
        Some(e) => ctx.form_errors("pool/index.html", e, c),
        None => ctx.page("pool/index.html", c),
    }
}

async fn view_index_get(State(app): State<AppState>, ctx: Ctx) -> Result<Response> {
    index_page(&app, &ctx, &RunInput::default(), None).await
}

async fn view_summary_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(ex): Query<ExportQuery>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let lines = super::summary(&app.db, actor).await?;
    let categories = crate::kinds::ASSISTANCE.all(&app.db).await?;
    if !ex.format.is_empty() {
        let w = Words {
            locale: ctx.locale,
            categories: categories.clone(),
        };
        let header = w.header(&[
            "pool-summary-kind",
            "field-governorate",
            "pool-summary-offers",
            "pool-units-offered",
            "pool-summary-needs",
            "pool-units-needed",
            "pool-units-allocated",
            "pool-delivered",
            "pool-units-unmet",
        ]);
        let n = |x: i64| Value::Number(x as f64);
        let rows = lines
            .iter()
            .map(|l| {
                vec![
                    w.kind(&l.category),
                    w.governorate(&l.governorate),
                    n(l.offers),
                    n(l.units_offered),
                    n(l.needs),
                    n(l.units_needed),
                    n(l.units_allocated),
                    n(l.units_delivered),
                    n(l.unmet),
                ]
            })
            .collect();
        return table_download(ctx.locale, &ex.format, "pool-summary", &header, rows);
    }
    ctx.page(
        "pool/summary.html",
        minijinja::context! {
            lines => lines, secretariat => actor.sees_all(), categories => categories,
            governorates => crate::coordination::governorate_choices(),
        },
    )
}

/// Words for a download in the reader's language: kinds and governorates by name.
struct Words {
    locale: crate::i18n::Locale,
    categories: Vec<crate::kinds::Category>,
}

impl Words {
    fn kind(&self, code: &str) -> Value {
        let name = self.categories.iter().find(|c| c.code == code);
        Value::Text(name.map_or(code.to_owned(), |c| {
            self.locale.pick(&c.name_ar, &c.name_en).to_owned()
        }))
    }
    fn governorate(&self, code: &str) -> Value {
        Value::Text(
            link::normalize::place::by_code(code).map_or(code.to_owned(), |g| {
                self.locale.pick(g.name_ar, g.name_en).to_owned()
            }),
        )
    }
    fn t(&self, key: &str) -> Value {
        Value::Text(self.locale.t(key))
    }
    fn header(&self, keys: &[&str]) -> Vec<String> {
        keys.iter().map(|k| self.locale.t(k)).collect()
    }
}

async fn view_offers_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
    Query(pq): Query<PageQuery>,
    Query(ex): Query<ExportQuery>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    if !ex.format.is_empty() {
        let (offers, _) = super::offers(&app.db, actor, &f, Page::export()).await?;
        let w = Words {
            locale: ctx.locale,
            categories: crate::kinds::ASSISTANCE.all(&app.db).await?,
        };
        let header = w.header(&[
            "pool-offer",
            "pool-member",
            "field-category",
            "pool-quantity",
            "pool-committed",
            "pool-unit",
            "field-governorate",
            "pool-district",
            "pool-reach",
            "pool-available-until",
            "field-status",
        ]);
        let rows = offers
            .iter()
            .map(|o| {
                vec![
                    Value::Number(o.id as f64),
                    Value::Text(ctx.locale.pick(&o.org_name_ar, &o.org_name_en).to_owned()),
                    w.kind(&o.category),
                    Value::Number(o.quantity as f64),
                    Value::Number(o.committed as f64),
                    Value::Text(o.unit.clone()),
                    w.governorate(&o.governorate),
                    Value::Text(o.district.clone()),
                    w.t(&format!("pool-reach-{}", o.reach)),
                    Value::Text(o.available_until.clone().unwrap_or_default()),
                    w.t(&format!("pool-offer-status-{}", o.status)),
                ]
            })
            .collect();
        return table_download(ctx.locale, &ex.format, "pool-offers", &header, rows);
    }
    let page = Page::new(pq.page, super::PAGE_SIZE);
    let (offers, total) = super::offers(&app.db, actor, &f, page).await?;
    ctx.page(
        "pool/offers.html",
        minijinja::context! {
            offers => offers, total => total, f => f,
            pager => Pager::new(&ctx.path, page, total),
            secretariat => actor.sees_all(), can_write => actor.can_write(),
            own_org => actor.org_id,
            categories => crate::kinds::ASSISTANCE.all(&app.db).await?,
            governorates => crate::coordination::governorate_choices(),
        },
    )
}

async fn offer_form(
    app: &AppState,
    ctx: &Ctx,
    input: &OfferInput,
    errors: Option<&FieldErrors>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    if !actor.can_write() || actor.sees_all() {
        return Err(Error::Forbidden);
    }
    let c = minijinja::context! {
        input => input, reaches => super::REACHES,
        submission => crate::users::random_token(),
        categories => crate::kinds::ASSISTANCE.all(&app.db).await?,
        governorates => crate::coordination::governorate_choices(),
    };
    match errors {
        Some(e) => ctx.form_errors("pool/offer_form.html", e, c),
        None => ctx.page("pool/offer_form.html", c),
    }
}

async fn view_offer_new_get(State(app): State<AppState>, ctx: Ctx) -> Result<Response> {
    let input = OfferInput {
        reach: "governorate".into(),
        ..Default::default()
    };
    offer_form(&app, &ctx, &input, None).await
}

async fn view_offer_create_post(
    State(app): State<AppState>,
    ctx: Ctx,
    HtmlForm(input): HtmlForm<OfferInput>,
) -> Result<Response> {
    match super::create_offer(&app.db, ctx.actor()?, &input).await {
        Ok(_) => Ok(Redirect::to("/pool/offers").into_response()),
        Err(Error::Validation(e)) => offer_form(&app, &ctx, &input, Some(&e)).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReduceForm {
    quantity: String,
}

async fn view_offer_reduce_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(form): HtmlForm<ReduceForm>,
) -> Result<Response> {
    super::change_offer(&app.db, ctx.actor()?, id, Some(&form.quantity)).await?;
    Ok(Redirect::to("/pool/offers").into_response())
}

async fn view_offer_withdraw_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    super::change_offer(&app.db, ctx.actor()?, id, None).await?;
    Ok(Redirect::to("/pool/offers").into_response())
}

async fn view_needs_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
    Query(pq): Query<PageQuery>,
    Query(ex): Query<ExportQuery>,
    Query(drawn): Query<DrawnQuery>,
) -> Result<Response> {
    needs_page(&app, &ctx, &f, pq, ex, drawn, &DrawInput::default(), None).await
}

#[allow(clippy::too_many_arguments)]
async fn needs_page(
    app: &AppState,
    ctx: &Ctx,
    f: &Filter,
    pq: PageQuery,
    ex: ExportQuery,
    drawn: DrawnQuery,
    draw_input: &DrawInput,
    errors: Option<&FieldErrors>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    if !ex.format.is_empty() {
        let (needs, _) = super::needs(&app.db, actor, f, Page::export()).await?;
        let w = Words {
            locale: ctx.locale,
            categories: crate::kinds::ASSISTANCE.all(&app.db).await?,
        };
        let header = w.header(&[
            "pool-need",
            "pool-posted-by",
            "field-category",
            "pool-quantity",
            "pool-committed",
            "field-governorate",
            "pool-district",
            "pool-priority",
            "field-status",
        ]);
        let rows = needs
            .iter()
            .map(|n| {
                vec![
                    Value::Number(n.id as f64),
                    Value::Text(ctx.locale.pick(&n.org_name_ar, &n.org_name_en).to_owned()),
                    w.kind(&n.category),
                    Value::Number(n.quantity as f64),
                    Value::Number(n.committed as f64),
                    w.governorate(&n.governorate),
                    Value::Text(n.district.clone()),
                    Value::Number(n.priority as f64),
                    w.t(&format!("pool-offer-status-{}", n.status)),
                ]
            })
            .collect();
        return table_download(ctx.locale, &ex.format, "pool-needs", &header, rows);
    }
    let page = Page::new(pq.page, super::PAGE_SIZE);
    let (needs, total) = super::needs(&app.db, actor, f, page).await?;
    let c = minijinja::context! {
        needs => needs, total => total, f => f,
        pager => Pager::new(&ctx.path, page, total),
        secretariat => actor.sees_all(), can_write => actor.can_write(),
        coordinates => actor.coordinates(), own_org => actor.org_id,
        drawn => drawn, draw => draw_input, max_households => draw::MAX_HOUSEHOLDS,
        categories => crate::kinds::ASSISTANCE.all(&app.db).await?,
        governorates => crate::coordination::governorate_choices(),
    };
    match errors {
        Some(e) => ctx.form_errors("pool/needs.html", e, c),
        None => ctx.page("pool/needs.html", c),
    }
}

async fn view_draw_post(
    State(app): State<AppState>,
    ctx: Ctx,
    HtmlForm(input): HtmlForm<DrawInput>,
) -> Result<Response> {
    match draw::draw(&app.db, ctx.actor()?, &input).await {
        Ok(d) => Ok(Redirect::to(&format!(
            "/pool/needs?category={}&governorate={}&drawn={}&assisted={}&already={}",
            input.category.trim(),
            input.governorate.trim(),
            d.needs,
            d.recently_assisted,
            d.already_needs
        ))
        .into_response()),
        Err(Error::Validation(e)) => {
            let f = Filter::default();
            let (pq, ex) = (PageQuery { page: None }, ExportQuery::default());
            needs_page(
                &app,
                &ctx,
                &f,
                pq,
                ex,
                DrawnQuery::default(),
                &input,
                Some(&e),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn deliver_page(
    app: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &DeliveryInput,
    recorded: Option<Vec<crate::assistance::Recorded>>,
    errors: Option<&FieldErrors>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let allocation = deliveries::to_deliver(&app.db, actor, id).await?;
    let bad_line = match errors {
        Some(e) if e.get("households").is_some() && allocation.record_id.is_none() => {
            deliveries::bad_line(&app.db, actor, id, &input.households).await?
        }
        _ => None,
    };
    let c = minijinja::context! {
        a => allocation, input => input, recorded => recorded, bad_line => bad_line,
        can_write => actor.can_write(),
        submission => crate::users::random_token(),
        categories => crate::kinds::ASSISTANCE.all(&app.db).await?,
        governorates => crate::coordination::governorate_choices(),
    };
    match errors {
        Some(e) => ctx.form_errors("pool/deliver.html", e, c),
        None => ctx.page("pool/deliver.html", c),
    }
}

async fn view_deliver_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    let input = DeliveryInput {
        given_on: crate::db::today(),
        ..Default::default()
    };
    deliver_page(&app, &ctx, id, &input, None, None).await
}

async fn view_deliver_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(input): HtmlForm<DeliveryInput>,
) -> Result<Response> {
    match deliveries::deliver(&app.db, ctx.actor()?, id, &input).await {
        Ok(recorded) => {
            deliver_page(
                &app,
                &ctx,
                id,
                &DeliveryInput::default(),
                Some(recorded),
                None,
            )
            .await
        }
        Err(Error::Validation(e)) => deliver_page(&app, &ctx, id, &input, None, Some(&e)).await,
        Err(e) => Err(e),
    }
}

async fn need_form(
    app: &AppState,
    ctx: &Ctx,
    input: &NeedInput,
    errors: Option<&FieldErrors>,
) -> Result<Response> {
    if !ctx.actor()?.can_write() {
        return Err(Error::Forbidden);
    }
    let c = minijinja::context! {
        input => input,
        submission => crate::users::random_token(),
        categories => crate::kinds::ASSISTANCE.all(&app.db).await?,
        governorates => crate::coordination::governorate_choices(),
    };
    match errors {
        Some(e) => ctx.form_errors("pool/need_form.html", e, c),
        None => ctx.page("pool/need_form.html", c),
    }
}

async fn view_need_new_get(State(app): State<AppState>, ctx: Ctx) -> Result<Response> {
    need_form(&app, &ctx, &NeedInput::default(), None).await
}

async fn view_need_create_post(
    State(app): State<AppState>,
    ctx: Ctx,
    HtmlForm(input): HtmlForm<NeedInput>,
) -> Result<Response> {
    match super::create_need(&app.db, ctx.actor()?, &input).await {
        Ok(_) => Ok(Redirect::to("/pool/needs").into_response()),
        Err(Error::Validation(e)) => need_form(&app, &ctx, &input, Some(&e)).await,
        Err(e) => Err(e),
    }
}

async fn view_need_withdraw_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    super::withdraw_need(&app.db, ctx.actor()?, id).await?;
    Ok(Redirect::to("/pool/needs").into_response())
}

async fn view_run_create_post(
    State(app): State<AppState>,
    ctx: Ctx,
    HtmlForm(input): HtmlForm<RunInput>,
) -> Result<Response> {
    match runs::run(&app.db, ctx.actor()?, &input, &[]).await {
        Ok(id) => Ok(Redirect::to(&format!("/pool/runs/{id}")).into_response()),
        Err(Error::Validation(e)) => index_page(&app, &ctx, &input, Some(&e)).await,
        Err(e) => Err(e),
    }
}

async fn run_page(
    app: &AppState,
    ctx: &Ctx,
    id: i64,
    pq: PageQuery,
    errors: Option<&FieldErrors>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let run = runs::get(&app.db, actor, id).await?;
    let page = Page::new(pq.page, super::PAGE_SIZE);
    let (lines, total) = runs::lines(&app.db, actor, id, page).await?;
    let c = minijinja::context! {
        successor => runs::successor(&app.db, actor, &run).await?,
        run => run, lines => lines, total => total,
        pager => Pager::new(&ctx.path, page, total),
        unmet => runs::unmet(&app.db, actor, id).await?,
        choices => runs::choices(&app.db, actor, id).await?,
        coordinates => actor.coordinates(),
        categories => crate::kinds::ASSISTANCE.all(&app.db).await?,
        governorates => crate::coordination::governorate_choices(),
    };
    match errors {
        Some(e) => ctx.form_errors("pool/run.html", e, c),
        None => ctx.page("pool/run.html", c),
    }
}

async fn view_run_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(pq): Query<PageQuery>,
) -> Result<Response> {
    run_page(&app, &ctx, id, pq, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ChoiceForm {
    offer_id: String,
    need_id: String,
    choice: String,
    quantity: String,
}

async fn view_run_choice_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(form): HtmlForm<ChoiceForm>,
) -> Result<Response> {
    let number = |raw: &str| {
        link::normalize::arabic::western_digits(raw.trim())
            .parse::<i64>()
            .ok()
    };
    let (Some(offer_id), Some(need_id)) = (number(&form.offer_id), number(&form.need_id)) else {
        let mut errs = FieldErrors::default();
        errs.add("choice", "err-pool-pair-not-in-run");
        return run_page(&app, &ctx, id, PageQuery::default(), Some(&errs)).await;
    };
    let quantity = if form.choice == "pin" {
        match number(&form.quantity) {
            Some(q) => q,
            None => {
                let mut errs = FieldErrors::default();
                errs.add("quantity", "err-pool-pin-quantity");
                return run_page(&app, &ctx, id, PageQuery::default(), Some(&errs)).await;
            }
        }
    } else {
        0
    };
    let change = Choice {
        offer_id,
        need_id,
        choice: form.choice,
        quantity,
    };
    match runs::rerun(&app.db, ctx.actor()?, id, Some(change)).await {
        Ok(new) => Ok(Redirect::to(&format!("/pool/runs/{new}")).into_response()),
        Err(Error::Validation(e)) => run_page(&app, &ctx, id, PageQuery::default(), Some(&e)).await,
        Err(e) => Err(e),
    }
}

async fn view_run_publish_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    runs::publish(&app.db, ctx.actor()?, id).await?;
    Ok(Redirect::to(&format!("/pool/runs/{id}")).into_response())
}

async fn view_accept_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    runs::respond(&app.db, ctx.actor()?, id, true).await?;
    Ok(Redirect::to("/pool").into_response())
}

async fn view_decline_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    runs::respond(&app.db, ctx.actor()?, id, false).await?;
    Ok(Redirect::to("/pool").into_response())
}
