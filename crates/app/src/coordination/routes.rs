//! Pages and API of coordination: the 4W (`/coordination`), members' activities
//! (`/activities`), and the public observatory (`/observatory`, `/api/v1/observatory`).

use super::activities::{self, ActivityInput, Filter};
use super::fourw::{self, Source};
use super::{Level, Period};
use crate::error::{Error, Result};
use crate::kinds::{ACTIVITIES, ASSISTANCE};
use crate::web::render::{Ctx, ExportQuery, HtmlForm, PageQuery, Pager, table_download};
use crate::web::routing::Routes;
use crate::web::{AppState, upload};
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new()
        .get("/coordination", view_fourw_get)
        .get("/activities", view_activities_get)
        .get("/activities/new", view_activity_new_get)
        .post("/activities", view_activities_post)
        .get("/activities/{id}", view_activity_get)
        .post("/activities/{id}", view_activity_post)
        .get("/activities/import", view_import_get)
        .upload("/activities/upload", view_upload_post)
        .get("/activities/import/{id}", view_import_preview_get)
        .post("/activities/import/{id}/commit", view_import_commit_post)
        .get("/coverage", view_coverage_get)
        .get("/goals", view_goals_get)
        .get("/goals/new", view_goal_new_get)
        .post("/goals", view_goals_post)
        .get("/goals/{id}", view_goal_get)
        .post("/goals/{id}/indicators", view_indicators_post)
        .post("/indicators/{id}/values", view_values_post)
        .get("/observatory", view_observatory_get)
        .get("/api/v1/observatory", api_observatory_get)
}

/// The 4W's filters as the page's form sends them.
#[derive(Debug, Default, Deserialize, serde::Serialize)]
#[serde(default)]
struct FourWForm {
    level: String,
    period: String,
    from: String,
    to: String,
    org: String,
    sector: String,
    category: String,
    governorate: String,
    source: String,
}

/// Rows shown on one page of the 4W.
const FOURW_PER_PAGE: i64 = 100;

impl FourWForm {
    fn period_kind(&self) -> Period {
        Period::parse(&self.period).unwrap_or_default()
    }

    /// The query, or the fields whose values cannot be read.
    fn query(&self) -> Result<fourw::Query> {
        let mut errs = crate::error::FieldErrors::default();
        let date = |raw: &str, field: &'static str, errs: &mut crate::error::FieldErrors| {
            if raw.trim().is_empty() {
                return None;
            }
            let d = crate::error::form_date(raw);
            if d.is_none() {
                errs.add(field, "err-date");
            }
            d
        };
        let from = date(&self.from, "from", &mut errs);
        let to = date(&self.to, "to", &mut errs);
        if let (Some(f), Some(t)) = (&from, &to)
            && t < f
        {
            errs.add("to", "err-ends-before-start");
        }
        errs.check()?;
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(fourw::Query {
            level: Level::parse(&self.level).unwrap_or_default(),
            period: self.period_kind(),
            from,
            to,
            org_id: self.org.trim().parse().ok(),
            sector: text(&self.sector),
            category: text(&self.category),
            governorate: super::governorate(&self.governorate).map(|g| g.code.to_owned()),
            source: Source::parse(self.source.trim()),
        })
    }
}

/// The 4W for the signed-in user: every member's rows, figures under the threshold hidden for
/// members (their own rows whole), everything for the secretariat; as a page or a download.
async fn view_fourw_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(form): Query<FourWForm>,
    Query(pq): Query<PageQuery>,
    Query(export): Query<ExportQuery>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let reader = (!actor.sees_all()).then_some(actor.org_id);
    let orgs = crate::orgs::list(&app.db).await?;
    let members: Vec<_> = orgs.iter().filter(|o| o.is_member()).collect();
    let categories = ASSISTANCE.all(&app.db).await?;
    let types = ACTIVITIES.all(&app.db).await?;
    let page_ctx = |rows: Vec<fourw::Shown>, pager: Option<Pager>, total: usize| {
        let periods: Vec<String> = rows
            .iter()
            .map(|s| {
                period_label(
                    ctx.locale,
                    form.period_kind(),
                    &s.row.period_start,
                    &s.row.period_end,
                )
            })
            .collect();
        minijinja::context! {
            rows => rows, periods => periods, pager => pager, total => total, f => form,
            members => members, categories => categories, types => types,
            sectors => crate::orgs::SECTORS, governorates => super::governorate_choices(),
            export_query => serde_urlencoded::to_string(&form).unwrap_or_default(),
            suppressed => reader.is_some(), threshold => super::suppress::THRESHOLD,
            published => reader.is_some() && form.query().is_ok_and(|q| fourw::published_for_members(&q)),
        }
    };
    let query = match form.query() {
        Ok(q) => q,
        Err(Error::Validation(errs)) => {
            return ctx.form_errors("coordination/fourw.html", &errs, page_ctx(vec![], None, 0));
        }
        Err(e) => return Err(e),
    };
    let rows = match reader {
        Some(org) => fourw::for_member(&app.db, &query, org).await?,
        None => fourw::whole(fourw::rows(&app.db, &query).await?),
    };
    if !export.is_page() {
        let (header, table) = shown_table(&rows, ctx.locale);
        return table_download(
            ctx.locale,
            &export.format,
            &ctx.locale.t("fourw-export-file"),
            &header,
            table,
        );
    }
    let total = rows.len();
    let page = crate::paging::Page::new(pq.page, FOURW_PER_PAGE).within(total as i64);
    let shown: Vec<fourw::Shown> = rows
        .into_iter()
        .skip(page.offset() as usize)
        .take(page.size() as usize)
        .collect();
    let pager = Pager::new(&ctx.path, page, total as i64);
    ctx.page(
        "coordination/fourw.html",
        page_ctx(shown, Some(pager), total),
    )
}

/// The 4W as a download from the page: the export's columns (with their HXL row) in the reader's
/// language, hidden figures written "<10".
fn shown_table(rows: &[fourw::Shown], locale: crate::i18n::Locale) -> crate::table::export::Table {
    use crate::table::export::Value;
    let hidden = || Value::from(format!("<{}", super::suppress::THRESHOLD));
    let present = || Value::from(locale.t("fourw-present"));
    let header = fourw::COLUMNS
        .iter()
        .map(|(c, _)| locale.t(&format!("fourw-col-{c}")))
        .collect();
    let mut out = vec![
        fourw::COLUMNS
            .iter()
            .map(|(_, h)| Value::from(*h))
            .collect(),
    ];
    for s in rows {
        let r = &s.row;
        let counted = r.source == Source::Counted;
        out.push(vec![
            r.org_code.as_str().into(),
            locale.pick(&r.org_name_ar, &r.org_name_en).into(),
            r.sector.as_str().into(),
            r.category.as_str().into(),
            r.place.adm1_code.as_str().into(),
            locale
                .pick(&r.place.adm1_name, &r.place.adm1_name_en)
                .into(),
            r.place.adm2_name.as_str().into(),
            r.place.adm3_name.as_str().into(),
            r.period_start.as_str().into(),
            r.period_end.as_str().into(),
            r.source.as_str().into(),
            match (s.presence_only, s.persons_shown) {
                (true, _) => present(),
                (false, Some(n)) => Value::from(n as i64),
                (false, None) => hidden(),
            },
            match (counted, s.presence_only, s.households_shown) {
                (false, _, _) | (true, true, _) => Value::from(""),
                (true, false, Some(n)) => Value::from(n as i64),
                (true, false, None) => hidden(),
            },
            Value::from(s.quantity_shown),
            Value::from(s.value_shown.map(|v| v as f64 / 100.0)),
        ]);
    }
    (header, out)
}

/// Members list their own activities; the secretariat every member's.
async fn view_activities_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
    Query(pq): Query<PageQuery>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let page = crate::paging::Page::new(pq.page, activities::PER_PAGE);
    let (rows, total) = activities::list(&app.db, actor, &f, page).await?;
    let pager = Pager::new(&ctx.path, page, total);
    let orgs = crate::orgs::names(&app.db).await?;
    ctx.page(
        "coordination/activities.html",
        minijinja::context! {
            rows => rows, pager => pager, total => total, f => f, orgs => orgs,
            types => ACTIVITIES.all(&app.db).await?, statuses => activities::STATUSES,
            governorates => super::governorate_choices(),
            members => if actor.sees_all() { Some(crate::orgs::list(&app.db).await?.into_iter().filter(|o| o.is_member()).collect::<Vec<_>>()) } else { None },
            can_write => !actor.sees_all() && actor.can_write(),
        },
    )
}

/// The activity form, new (`id` None) or to change activity `id`.
async fn form_page(
    app: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    input: &ActivityInput,
    errors: Option<&crate::error::FieldErrors>,
    can_edit: bool,
) -> Result<Response> {
    let c = minijinja::context! {
        id => id, input => input, can_edit => can_edit,
        types => ACTIVITIES.all(&app.db).await?, statuses => activities::STATUSES,
        governorates => super::governorate_choices(),
        submission => crate::users::random_token(),
    };
    match errors {
        Some(e) => ctx.form_errors("coordination/activity.html", e, c),
        None => ctx.page("coordination/activity.html", c),
    }
}

fn writer(ctx: &Ctx) -> Result<&crate::access::Actor> {
    let actor = ctx.actor()?;
    if actor.sees_all() || !actor.can_write() {
        return Err(Error::Forbidden);
    }
    Ok(actor)
}

async fn view_activity_new_get(State(app): State<AppState>, ctx: Ctx) -> Result<Response> {
    writer(&ctx)?;
    let input = ActivityInput {
        status: "done".into(),
        ..ActivityInput::default()
    };
    form_page(&app, &ctx, None, &input, None, true).await
}

async fn view_activities_post(
    State(app): State<AppState>,
    ctx: Ctx,
    HtmlForm(input): HtmlForm<ActivityInput>,
) -> Result<Response> {
    let actor = writer(&ctx)?;
    match activities::create(&app.db, actor, &input).await {
        Ok((id, _)) => Ok(Redirect::to(&format!("/activities/{id}?saved=1")).into_response()),
        Err(Error::Validation(errs)) => {
            form_page(&app, &ctx, None, &input, Some(&errs), true).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SavedQuery {
    saved: String,
}

async fn view_activity_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let a = activities::get(&app.db, actor, id).await?;
    let can_edit = a.org_id == actor.org_id && actor.can_write();
    let org = crate::orgs::get(&app.db, a.org_id).await?;
    let input = ActivityInput {
        type_code: a.type_code.clone(),
        title: a.title.clone(),
        governorate: a.governorate.clone(),
        district: a.district.clone(),
        village: a.village.clone(),
        starts_on: a.starts_on.clone(),
        ends_on: a.ends_on.clone(),
        status: a.status.clone(),
        reached_total: a.reached_total.to_string(),
        reached_women: a.reached_women.to_string(),
        reached_children: a.reached_children.to_string(),
        submission: String::new(),
    };
    let c = minijinja::context! {
        id => id, a => a, org => org, input => input, can_edit => can_edit, saved => q.saved == "1",
        types => ACTIVITIES.all(&app.db).await?, statuses => activities::STATUSES,
        governorates => super::governorate_choices(),
    };
    ctx.page("coordination/activity.html", c)
}

async fn view_activity_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(input): HtmlForm<ActivityInput>,
) -> Result<Response> {
    let actor = writer(&ctx)?;
    match activities::update(&app.db, actor, id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/activities/{id}?saved=1")).into_response()),
        Err(Error::Validation(errs)) => {
            form_page(&app, &ctx, Some(id), &input, Some(&errs), true).await
        }
        Err(e) => Err(e),
    }
}

async fn view_import_get(ctx: Ctx) -> Result<Response> {
    writer(&ctx)?;
    let columns: Vec<&str> = activities::COLUMNS.iter().map(|(f, _)| *f).collect();
    ctx.page(
        "coordination/activities_import.html",
        minijinja::context! { columns => columns },
    )
}

async fn view_upload_post(
    State(app): State<AppState>,
    ctx: Ctx,
    form: Multipart,
) -> Result<Response> {
    let id = upload::receive(&app.db, writer(&ctx)?, form, "activities").await?;
    Ok(Redirect::to(&format!("/activities/import/{id}")).into_response())
}

/// Plans or saves upload `id` and shows the outcome (or what is wrong with the file).
async fn import_page(app: &AppState, ctx: &Ctx, id: i64, commit: bool) -> Result<Response> {
    let actor = writer(ctx)?;
    let (name, table) = upload::table(&app.db, actor, id, "activities").await?;
    let mapping = table
        .as_deref()
        .map_err(Clone::clone)
        .and_then(activities::mapping);
    let (table, mapping) = match (table, mapping) {
        (Ok(t), Ok(m)) => (t, m),
        (Err(e), _) | (_, Err(e)) => {
            return ctx.page(
                "coordination/activities_preview.html",
                minijinja::context! { id => id, name => name, file_error => e.message(ctx.locale) },
            );
        }
    };
    let outcome =
        activities::import(&app.db, actor, &table, &mapping, commit.then_some(id)).await?;
    let unreadable: Vec<String> = table
        .unreadable
        .iter()
        .map(|i| i.message(ctx.locale))
        .collect();
    ctx.page(
        "coordination/activities_preview.html",
        minijinja::context! { id => id, name => name, o => outcome, unreadable => unreadable },
    )
}

async fn view_import_preview_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    import_page(&app, &ctx, id, false).await
}

async fn view_import_commit_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    import_page(&app, &ctx, id, true).await
}

/// The coverage page's choices.
#[derive(Debug, Default, Deserialize, serde::Serialize)]
#[serde(default)]
struct CoverageForm {
    category: String,
    from: String,
    to: String,
    level: String,
}

/// The coverage map and its tables (the secretariat's).
async fn view_coverage_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(form): Query<CoverageForm>,
    Query(export): Query<ExportQuery>,
) -> Result<Response> {
    if !ctx.actor()?.sees_all() {
        return Err(Error::Forbidden);
    }
    let categories = ASSISTANCE.all(&app.db).await?;
    let mut errs = crate::error::FieldErrors::default();
    let mut date = |raw: &str, field: &'static str| -> String {
        if raw.trim().is_empty() {
            return String::new();
        }
        crate::error::form_date(raw).unwrap_or_else(|| {
            errs.add(field, "err-date");
            String::new()
        })
    };
    // The last twelve months unless asked otherwise.
    let from = if form.from.trim().is_empty() {
        crate::db::days_ago(365)
            .get(..10)
            .unwrap_or_default()
            .to_owned()
    } else {
        date(&form.from, "from")
    };
    let to = date(&form.to, "to");
    if !from.is_empty() && !to.is_empty() && to < from {
        errs.add("to", "err-ends-before-start");
    }
    let category =
        Some(form.category.trim().to_owned()).filter(|c| categories.iter().any(|k| &k.code == c));
    let query = super::coverage::Query {
        category,
        from: from.clone(),
        to: to.clone(),
        level: Level::parse(&form.level).unwrap_or(Level::District),
    };
    let coverage = if errs.is_empty() {
        super::coverage::current(&app.db, &query).await?
    } else {
        std::sync::Arc::new(super::coverage::Coverage::default())
    };
    if !export.is_page() {
        let (header, rows) = coverage_table(&coverage, ctx.locale);
        return table_download(
            ctx.locale,
            &export.format,
            &ctx.locale.t("coverage-export-file"),
            &header,
            rows,
        );
    }
    let form_errors = (!errs.is_empty()).then(|| {
        errs.iter()
            .map(|(field, key)| (field, ctx.locale.t(key)))
            .collect::<std::collections::BTreeMap<_, _>>()
    });
    // The content depends only on the figures, the form as typed and the language: rendered
    // once and kept as long as the figures are (the map alone is ~60 KB of SVG).
    static BODY: std::sync::LazyLock<crate::cache::Cache<String>> =
        std::sync::LazyLock::new(|| {
            crate::cache::Cache::new(
                std::time::Duration::from_secs(60),
                256,
                &[crate::cache::Topic::Picture],
            )
        });
    let render = || async {
        let c = minijinja::context! {
            f => &form, from => &from, to => &to, level => query.level, categories => &categories,
            coverage => coverage.as_ref(), shapes => coverage_shapes(&coverage), width => super::map::WIDTH,
            districts => (query.level == Level::District).then(|| district_shapes(&coverage)),
            height => super::map::governorates().height,
            export_query => serde_urlencoded::to_string(&form).unwrap_or_default(),
            errors => &form_errors,
        };
        ctx.fragment("coordination/coverage_body.html", c)
    };
    let body = if form_errors.is_none() {
        let key = format!(
            "{}|{}|{query:?}|{}",
            app.db.id,
            ctx.locale.code(),
            serde_urlencoded::to_string(&form).unwrap_or_default()
        );
        (*BODY.get_or_load(key, render).await?).clone()
    } else {
        render().await?
    };
    let c = minijinja::context! { body => minijinja::Value::from_safe_string(body) };
    if errs.is_empty() {
        ctx.page("coordination/coverage.html", c)
    } else {
        ctx.form_errors("coordination/coverage.html", &errs, c)
    }
}

/// Each district's outline with the figures of the district names members wrote that stand for
/// it (several spellings, or a markaz and its town, add up; members is the most of any), and how
/// many of the page's districts found no outline.
fn district_shapes(coverage: &super::coverage::Coverage) -> minijinja::Value {
    let all = super::map::districts();
    let mut rows: Vec<Option<super::coverage::Row>> = vec![None; all.len()];
    let mut unplaced = 0;
    for r in &coverage.rows {
        let found = super::map::districts_named(&r.place.adm1_code, &r.place.adm2_name);
        if found.is_empty() {
            unplaced += 1;
        }
        for i in found {
            let slot = rows[i].get_or_insert_with(|| super::coverage::Row {
                place: r.place.clone(),
                ..Default::default()
            });
            slot.registered += r.registered;
            slot.neediest += r.neediest;
            slot.assisted += r.assisted;
            slot.twice += r.twice;
            slot.unserved_need += r.unserved_need;
            slot.members = slot.members.max(r.members);
        }
    }
    let shapes: Vec<minijinja::Value> = all
        .iter()
        .zip(rows)
        .map(|(d, row)| {
            let class = row.as_ref().map(super::coverage::class).unwrap_or(0);
            minijinja::context! {
                name => d.name, path => d.path, x => d.centre.0, y => d.centre.1,
                governorate => d.governorate, class => class,
                twice => row.as_ref().is_some_and(|r| r.twice > 0), row => row,
            }
        })
        .collect();
    minijinja::context! { shapes => shapes, unplaced => unplaced, listed => coverage.rows.len() }
}

/// Each governorate's outline with its figures, for the map.
fn coverage_shapes(coverage: &super::coverage::Coverage) -> Vec<minijinja::Value> {
    let by_code: std::collections::HashMap<&str, &super::coverage::Row> = coverage
        .governorates
        .iter()
        .map(|r| (r.place.adm1_code.as_str(), r))
        .collect();
    super::map::governorates()
        .shapes
        .iter()
        .map(|s| {
            let row =
                by_code
                    .get(s.code)
                    .copied()
                    .cloned()
                    .unwrap_or_else(|| super::coverage::Row {
                        place: super::Place {
                            adm1_code: s.code.to_owned(),
                            adm1_name: super::governorate(s.code)
                                .map(|g| g.name_ar)
                                .unwrap_or_default()
                                .to_owned(),
                            adm1_name_en: super::governorate(s.code)
                                .map(|g| g.name_en)
                                .unwrap_or_default()
                                .to_owned(),
                            ..Default::default()
                        },
                        ..Default::default()
                    });
            minijinja::context! {
                code => s.code, path => s.path, x => s.centre.0, y => s.centre.1,
                class => super::coverage::class(&row), twice => row.twice > 0, row => row,
            }
        })
        .collect()
}

/// The coverage table at its level, for download.
fn coverage_table(
    c: &super::coverage::Coverage,
    locale: crate::i18n::Locale,
) -> crate::table::export::Table {
    use crate::table::export::Value;
    let header = [
        "field-governorate",
        "field-district",
        "field-village",
        "coverage-registered",
        "coverage-neediest",
        "coverage-assisted",
        "coverage-twice",
        "coverage-members",
        "coverage-unserved",
    ]
    .iter()
    .map(|k| locale.t(k))
    .collect();
    let rows = c
        .rows
        .iter()
        .map(|r| {
            vec![
                Value::from(locale.pick(&r.place.adm1_name, &r.place.adm1_name_en)),
                Value::from(r.place.adm2_name.as_str()),
                Value::from(r.place.adm3_name.as_str()),
                Value::from(r.registered as i64),
                Value::from(r.neediest as i64),
                Value::from(r.assisted as i64),
                Value::from(r.twice as i64),
                Value::from(r.members as i64),
                Value::from(r.unserved_need as i64),
            ]
        })
        .collect();
    (header, rows)
}

/// Every goal with its indicators' progress.
async fn view_goals_get(State(app): State<AppState>, ctx: Ctx) -> Result<Response> {
    let actor = ctx.actor()?;
    let mut goals = Vec::new();
    for g in super::goals::list(&app.db).await? {
        let progress = super::goals::progress(&app.db, &g).await?;
        goals.push(minijinja::context! { goal => g, progress => progress });
    }
    ctx.page(
        "coordination/goals.html",
        minijinja::context! { goals => goals, can_create => actor.coordinates() },
    )
}

async fn goal_form(
    ctx: &Ctx,
    input: &super::goals::GoalInput,
    errors: Option<&crate::error::FieldErrors>,
) -> Result<Response> {
    let c = minijinja::context! { input => input };
    match errors {
        Some(e) => ctx.form_errors("coordination/goal_form.html", e, c),
        None => ctx.page("coordination/goal_form.html", c),
    }
}

async fn view_goal_new_get(ctx: Ctx) -> Result<Response> {
    if !ctx.actor()?.coordinates() {
        return Err(Error::Forbidden);
    }
    goal_form(&ctx, &super::goals::GoalInput::default(), None).await
}

async fn view_goals_post(
    State(app): State<AppState>,
    ctx: Ctx,
    HtmlForm(input): HtmlForm<super::goals::GoalInput>,
) -> Result<Response> {
    match super::goals::create(&app.db, ctx.actor()?, &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/goals/{id}")).into_response()),
        Err(Error::Validation(errs)) => goal_form(&ctx, &input, Some(&errs)).await,
        Err(e) => Err(e),
    }
}

/// One goal: each indicator's progress by governorate and by member (a member sees its own
/// contribution and the others' only as the total; small counts by governorate hidden for it).
async fn goal_page(
    app: &AppState,
    ctx: &Ctx,
    id: i64,
    indicator_input: &super::goals::IndicatorInput,
    errors: Option<&crate::error::FieldErrors>,
) -> Result<Response> {
    let actor = ctx.actor()?;
    let goal = super::goals::get(&app.db, id).await?;
    let mut progress = super::goals::progress(&app.db, &goal).await?;
    if !actor.sees_all() {
        for p in progress.iter_mut() {
            p.by_member.retain(|(org, _)| *org == actor.org_id);
            if p.indicator.source == "ledger" {
                // Households or persons of the whole alliance: a small total is hidden with
                // its breakdown; otherwise the total is published and the governorates'
                // counts are suppressed beside it.
                if super::suppress::small(p.value.max(0) as u64) {
                    p.value = -1;
                    p.percent = 0.0;
                    p.off_track = false;
                    p.by_governorate.iter_mut().for_each(|g| g.3 = -1);
                    continue;
                }
                let counts: Vec<u64> = p.by_governorate.iter().map(|g| g.3.max(0) as u64).collect();
                let hidden = super::suppress::Grid {
                    cells: vec![counts],
                    row_totals: Some(vec![p.value.max(0) as u64]),
                    column_totals: None,
                    grand_total: None,
                    known_cells: Vec::new(),
                    known_row_totals: vec![true],
                }
                .suppress();
                for (g, h) in p.by_governorate.iter_mut().zip(&hidden.cells[0]) {
                    if *h {
                        g.3 = -1;
                    }
                }
            }
        }
    }
    let c = minijinja::context! {
        goal => goal, progress => progress, orgs => crate::orgs::names(&app.db).await?,
        can_edit => actor.coordinates(), can_enter => !actor.sees_all() && actor.can_write(),
        input => indicator_input, governorates => super::governorate_choices(),
        categories => ASSISTANCE.all(&app.db).await?, types => ACTIVITIES.all(&app.db).await?,
        sources => super::goals::SOURCES, threshold => super::suppress::THRESHOLD,
        today => crate::db::today(),
    };
    match errors {
        Some(e) => ctx.form_errors("coordination/goal.html", e, c),
        None => ctx.page("coordination/goal.html", c),
    }
}

async fn view_goal_get(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response> {
    goal_page(
        &app,
        &ctx,
        id,
        &super::goals::IndicatorInput::default(),
        None,
    )
    .await
}

async fn view_indicators_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(input): HtmlForm<super::goals::IndicatorInput>,
) -> Result<Response> {
    match super::goals::add_indicator(&app.db, ctx.actor()?, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/goals/{id}")).into_response()),
        Err(Error::Validation(errs)) => goal_page(&app, &ctx, id, &input, Some(&errs)).await,
        Err(e) => Err(e),
    }
}

async fn view_values_post(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    HtmlForm(input): HtmlForm<super::goals::ValueInput>,
) -> Result<Response> {
    let (goal_id,): (i64,) = sqlx::query_as("SELECT goal_id FROM indicators WHERE id = $1")
        .bind(id)
        .fetch_optional(&app.db.pool)
        .await?
        .ok_or(Error::NotFound)?;
    match super::goals::enter_value(&app.db, ctx.actor()?, id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/goals/{goal_id}?entered=1")).into_response()),
        Err(Error::Validation(errs)) => {
            goal_page(
                &app,
                &ctx,
                goal_id,
                &super::goals::IndicatorInput::default(),
                Some(&errs),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// The public observatory: no sign-in needed.
async fn view_observatory_get(State(app): State<AppState>, ctx: Ctx) -> Result<Response> {
    let o = super::observatory::current(&app.db).await?;
    ctx.page(
        "coordination/observatory.html",
        minijinja::context! { o => o.as_ref(), threshold => super::suppress::THRESHOLD },
    )
}

/// The observatory's figures as JSON, for anyone (a count under the threshold is the text
/// "<10"); caches may keep it a minute.
async fn api_observatory_get(State(app): State<AppState>) -> Result<Response> {
    let o = super::observatory::current(&app.db).await?;
    let mut res = Json(o.as_ref().clone()).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=60"),
    );
    Ok(res)
}

/// A period as a clerk names it: "March 2026", "the 2nd quarter of 2026", "2026", or the
/// dates of a span.
fn period_label(locale: crate::i18n::Locale, period: Period, start: &str, end: &str) -> String {
    let year = start.get(..4).unwrap_or_default();
    match period {
        Period::Month => locale.month(start.get(..7).unwrap_or_default()),
        Period::Quarter => {
            let month: u32 = start.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
            locale.t_args(
                "period-quarter-of",
                &[
                    (
                        "quarter",
                        ((month.max(1) - 1) / 3 + 1).to_string().as_str().into(),
                    ),
                    ("year", year.into()),
                ],
            )
        }
        Period::Year => year.to_owned(),
        Period::All => format!("{} – {}", locale.date(start), locale.date(end)),
    }
}
