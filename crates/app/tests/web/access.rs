//! The access-control matrix: every route × every role × own/other organisation.

use crate::helpers::TestApp;
use crate::on_both_backends;
use reqwest::Method;

/// Expected outcome per role, in the order of `ROLES`.
const ROLES: [&str; 5] = [
    "admin@secretariat.demo",
    "staff@secretariat.demo",
    "auditor@secretariat.demo",
    "admin@amal.demo",
    "staff@amal.demo",
];

#[derive(Clone, Copy)]
enum Body {
    None,
    Form(&'static str),
    Json(&'static str),
    /// A file upload: the file's content as the `file` field of a multipart form.
    Multipart(&'static str),
    /// A multipart form of fields (written `a=b&c=d`) and a file named `note.pdf` of this content.
    MultipartForm(&'static str, &'static str),
    /// A multipart form of fields and a file of this name and content.
    MultipartFile(&'static str, &'static str, &'static str),
}

/// `A`: allowed (2xx or a redirect); `V`: reached, and the input refused as invalid (422);
/// `D`: denied (403, or 404 where existence is hidden); `U`: not signed in.
struct Row {
    method: Method,
    path: &'static str,
    body: Body,
    expect: &'static str,
}

fn row(method: Method, path: &'static str, body: Body, expect: &'static str) -> Row {
    Row {
        method,
        path,
        body,
        expect,
    }
}

fn matrix() -> Vec<Row> {
    use Body::*;
    use Method as M;
    vec![
        row(M::GET, "/", None, "AAAAA"),
        row(M::GET, "/orgs", None, "AAAAA"),
        row(M::GET, "/orgs/new", None, "ADDDD"),
        row(
            M::POST,
            "/orgs",
            Form("code=m{n}&name_ar=جمعية {n}&name_en=Member {n}"),
            "ADDDD",
        ),
        row(M::GET, "/orgs/{own}", None, "AAAAA"),
        row(M::GET, "/orgs/{other}", None, "AAAAA"),
        row(M::GET, "/orgs/{own}/edit", None, "ADDAD"),
        row(M::GET, "/orgs/{other}/edit", None, "ADDDD"),
        row(
            M::POST,
            "/orgs/{own}",
            Form("code=amal&name_ar=جمعية الأمل للتنمية&name_en=Al-Amal Development Association"),
            "ADDAD",
        ),
        row(
            M::POST,
            "/orgs/{other}",
            Form("code=nour&name_ar=مؤسسة النور الخيرية&name_en=Al-Nour Charitable Foundation"),
            "ADDDD",
        ),
        row(
            M::POST,
            "/orgs/{own}/status",
            Form("status=active&note="),
            "ADDDD",
        ),
        row(
            M::POST,
            "/orgs/{own}/users",
            Form("email=u{n}@amal.demo&role=member_staff&password=long-enough-pw"),
            "ADDAD",
        ),
        row(
            M::POST,
            "/orgs/{other}/users",
            Form("email=u{n}@nour.demo&role=member_staff&password=long-enough-pw"),
            "ADDDD",
        ),
        row(
            M::POST,
            "/users/{own_user}/active",
            Form("active=1"),
            "ADDAD",
        ),
        row(
            M::POST,
            "/users/{other_user}/active",
            Form("active=1"),
            "ADDDD",
        ),
        row(M::GET, "/account/password", None, "AAAAA"),
        row(M::GET, "/account/tokens", None, "AAAAA"),
        row(M::POST, "/account/tokens", Form("name=t{n}"), "AADAA"),
        // Another user's token is no one else's to revoke.
        row(
            M::POST,
            "/account/tokens/{other_token}/revoke",
            Form(""),
            "DDDDD",
        ),
        // Everyone may change their own password: the form is reached and its input checked
        // (here, a wrong current password and two different new ones).
        row(
            M::POST,
            "/account/password",
            Form("current=not-the-password&new=another-long-pw-1&confirm=another-long-pw-2"),
            "VVVVV",
        ),
        row(M::GET, "/agreements", None, "AAAAA"),
        row(M::GET, "/agreements/new", None, "AADDD"),
        row(
            M::POST,
            "/agreements",
            Form("kind=visit&title=T{n}&held_on=2026-01-10&member_ids={own}"),
            "AADDD",
        ),
        row(M::GET, "/agreements/{own_agreement}", None, "AAAAA"),
        row(M::GET, "/agreements/{other_agreement}", None, "AAADD"),
        row(M::GET, "/agreements/{own_agreement}/edit", None, "AADDD"),
        row(
            M::POST,
            "/agreements/{own_agreement}",
            Form("kind=visit&title=T{n}&held_on=2026-01-10&member_ids={own}"),
            "AADDD",
        ),
        row(
            M::POST,
            "/agreements/{own_agreement}/points",
            Form("body=P{n}&owner_org_id={own}&due_on=2026-12-01"),
            "AADDD",
        ),
        row(
            M::POST,
            "/points/{own_point}/updates",
            Form("note=N{n}"),
            "AADAA",
        ),
        row(
            M::POST,
            "/points/{secretariat_point}/updates",
            Form("note=N{n}"),
            "AADDD",
        ),
        row(
            M::POST,
            "/points/{other_point}/updates",
            Form("note=N{n}"),
            "AADDD",
        ),
        row(M::GET, "/audit", None, "ADADD"),
        row(M::GET, "/audit?format=xlsx", None, "ADADD"),
        row(M::GET, "/api/v1/me", None, "AAAAA"),
        row(M::GET, "/api/v1/orgs", None, "AAAAA"),
        row(
            M::POST,
            "/api/v1/orgs",
            Json(r#"{"code":"j{n}","name_ar":"جمعية","name_en":"Member"}"#),
            "ADDDD",
        ),
        row(M::GET, "/api/v1/orgs/{other}", None, "AAAAA"),
        row(
            M::PUT,
            "/api/v1/orgs/{own}",
            Json(
                r#"{"code":"amal","name_ar":"جمعية الأمل للتنمية","name_en":"Al-Amal Development Association"}"#,
            ),
            "ADDAD",
        ),
        row(
            M::PUT,
            "/api/v1/orgs/{other}",
            Json(r#"{"code":"nour","name_ar":"مؤسسة النور","name_en":"Al-Nour"}"#),
            "ADDDD",
        ),
        row(
            M::POST,
            "/api/v1/orgs/{own}/status",
            Json(r#"{"status":"active"}"#),
            "ADDDD",
        ),
        row(M::GET, "/api/v1/orgs/{own}/users", None, "AAAAD"),
        row(M::GET, "/api/v1/orgs/{other}/users", None, "AAADD"),
        row(
            M::POST,
            "/api/v1/orgs/{own}/users",
            Json(r#"{"email":"a{n}@amal.demo","role":"member_staff","password":"long-enough-pw"}"#),
            "ADDAD",
        ),
        row(
            M::POST,
            "/api/v1/orgs/{other}/users",
            Json(r#"{"email":"a{n}@nour.demo","role":"member_staff","password":"long-enough-pw"}"#),
            "ADDDD",
        ),
        row(M::GET, "/api/v1/agreements", None, "AAAAA"),
        row(
            M::POST,
            "/api/v1/agreements",
            Json(
                r#"{"kind":"meeting","title":"J{n}","held_on":"2026-02-01","member_ids":[{own}]}"#,
            ),
            "AADDD",
        ),
        row(M::GET, "/api/v1/agreements/{own_agreement}", None, "AAAAA"),
        row(
            M::GET,
            "/api/v1/agreements/{other_agreement}",
            None,
            "AAADD",
        ),
        row(
            M::PUT,
            "/api/v1/agreements/{own_agreement}",
            Json(r#"{"kind":"visit","title":"J{n}","held_on":"2026-02-01","member_ids":[{own}]}"#),
            "AADDD",
        ),
        row(
            M::POST,
            "/api/v1/agreements/{own_agreement}/points",
            Json(r#"{"body":"J{n}","owner_org_id":{own}}"#),
            "AADDD",
        ),
        row(
            M::POST,
            "/api/v1/points/{own_point}/updates",
            Json(r#"{"note":"J{n}"}"#),
            "AADAA",
        ),
        row(
            M::POST,
            "/api/v1/points/{other_point}/updates",
            Json(r#"{"note":"J{n}"}"#),
            "AADDD",
        ),
        row(M::GET, "/api/v1/audit", None, "ADADD"),
        // The shared registry: members see their own registrations only; the secretariat
        // searches masked and works the review queue.
        row(M::GET, "/registry", None, "AAAAA"),
        row(M::GET, "/registry?q=محمد الشناوي", None, "AAAAA"),
        row(
            M::GET,
            "/api/v1/registry/search?q=27804120101234",
            None,
            "AAAAA",
        ),
        // "Already registered?": anyone signed in may ask; the answer names no member.
        row(M::GET, "/registry/check", None, "AAAAA"),
        row(
            M::POST,
            "/registry/check",
            Form("full_name=محمد الشناوي&national_id=27804120101234"),
            "AAAAA",
        ),
        row(
            M::POST,
            "/api/v1/registry/check",
            Json(r#"{"full_name":"Mohamed El-Shenawy","date_of_birth":"1978-04-12"}"#),
            "AAAAA",
        ),
        row(M::GET, "/registry/notices", None, "AAAAA"),
        row(M::GET, "/registry/records/{own_record}", None, "DDDAA"),
        row(M::GET, "/registry/records/{other_record}", None, "DDDDD"),
        row(M::GET, "/registry/records/{own_record}/edit", None, "DDDAA"),
        row(
            M::GET,
            "/registry/records/{other_record}/edit",
            None,
            "DDDDD",
        ),
        // A correction without a name is refused (and so writes nothing).
        row(
            M::POST,
            "/registry/records/{own_record}/edit",
            Form("full_name="),
            "DDDVV",
        ),
        row(
            M::POST,
            "/registry/records/{other_record}/edit",
            Form("full_name="),
            "DDDDD",
        ),
        row(M::GET, "/registry/import", None, "DDDAA"),
        row(M::GET, "/registry/import/template", None, "DDDAA"),
        // The secretariat sees the need by governorate; members their households by name.
        row(M::GET, "/registry/priority", None, "AAAAA"),
        row(M::GET, "/registry/priority?format=xlsx", None, "AAAAA"),
        row(
            M::POST,
            "/registry/upload",
            Multipart("record_id,full_name\r\nX{n},سعاد علي\r\n"),
            "DDDAA",
        ),
        row(M::GET, "/registry/import/{own_upload}", None, "DDDAA"),
        row(M::GET, "/registry/import/{other_upload}", None, "DDDDD"),
        row(
            M::POST,
            "/registry/import/{other_upload}/mapping",
            Form("col_0=record_id&col_1=full_name"),
            "DDDDD",
        ),
        row(
            M::POST,
            "/registry/import/{other_upload}/commit",
            Form(""),
            "DDDDD",
        ),
        row(
            M::GET,
            "/registry/import/{other_upload}/progress",
            None,
            "DDDDD",
        ),
        row(M::GET, "/registry/review", None, "AADDD"),
        row(
            M::POST,
            "/registry/review/{pair}",
            Form("decision=unsure"),
            "AADDD",
        ),
        row(
            M::POST,
            "/registry/review/many",
            Form("decision=unsure&pair={pair}"),
            "AADDD",
        ),
        row(M::GET, "/registry/review/decided", None, "AADDD"),
        // The pair is open: there is no decision to undo.
        row(M::POST, "/registry/review/{pair}/reopen", Form(""), "VVDDD"),
        row(
            M::POST,
            "/registry/review/{pair}/reveal",
            Form("reason=checking the pair"),
            "AADDD",
        ),
        // The assistance ledger.
        row(M::GET, "/assistance", None, "AAAAA"),
        row(M::GET, "/assistance/categories", None, "AAADD"),
        row(M::GET, "/assistance/import", None, "DDDAA"),
        row(
            M::POST,
            "/assistance/upload",
            Multipart("record_id,category,given_on\r\nAMAL-004,cash,2026-01-01\r\n"),
            "DDDAA",
        ),
        row(M::GET, "/assistance/import/{own_aid_upload}", None, "DDDAA"),
        row(
            M::GET,
            "/assistance/import/{other_aid_upload}",
            None,
            "DDDDD",
        ),
        row(
            M::POST,
            "/assistance/import/{other_aid_upload}/commit",
            Form(""),
            "DDDDD",
        ),
        row(
            M::POST,
            "/assistance/categories",
            Form("code=kit{n}&name_ar=شنطة {n}&name_en=Kit {n}&sector=relief"),
            "ADDDD",
        ),
        row(
            M::POST,
            "/assistance/categories/blankets",
            Form("name_ar=بطاطين&name_en=Blankets&sector=relief&active=1"),
            "ADDDD",
        ),
        row(
            M::POST,
            "/assistance",
            Form(
                "record_id={own_record}&category=cash&scope=person&quantity=1&value=10&given_on=2026-01-01",
            ),
            "DDDAA",
        ),
        row(
            M::POST,
            "/assistance",
            Form(
                "record_id={other_record}&category=cash&scope=person&quantity=1&value=10&given_on=2026-01-01",
            ),
            "DDDDD",
        ),
        row(
            M::POST,
            "/api/v1/assistance",
            Json(
                r#"{"record_id":"{own_record}","category":"rent","scope":"household","quantity":"1","value":"500","given_on":"2026-02-01"}"#,
            ),
            "DDDAA",
        ),
        row(M::GET, "/assistance/recorded/{other_entry}", None, "DDDDD"),
        row(
            M::POST,
            "/assistance/{other_entry}/reverse",
            Form(""),
            "DDDDD",
        ),
        row(M::GET, "/assistance/rules", None, "AAADD"),
        row(
            M::POST,
            "/assistance/rules",
            Form("category=cash&window_days=30&scope=person"),
            "ADDDD",
        ),
        row(M::GET, "/assistance/overlaps", None, "AAADD"),
        row(M::GET, "/assistance/overlaps?format=csv", None, "AAADD"),
        // Coordination: the 4W, activities, the observatory.
        row(M::GET, "/coordination", None, "AAAAA"),
        row(
            M::GET,
            "/coordination?level=village&period=all&format=csv",
            None,
            "AAAAA",
        ),
        row(M::GET, "/coordination?from=31/31/2026", None, "VVVVV"),
        row(M::GET, "/activities", None, "AAAAA"),
        row(M::GET, "/activities/new", None, "DDDAA"),
        row(M::POST, "/activities", Form(ACTIVITY), "DDDAA"),
        row(M::POST, "/activities", Form("title="), "DDDVV"),
        row(M::GET, "/activities/{own_activity}", None, "AAAAA"),
        row(M::GET, "/activities/{other_activity}", None, "AAADD"),
        row(
            M::POST,
            "/activities/{own_activity}",
            Form(ACTIVITY),
            "DDDAA",
        ),
        row(
            M::POST,
            "/activities/{other_activity}",
            Form(ACTIVITY),
            "DDDDD",
        ),
        row(M::GET, "/activities/import", None, "DDDAA"),
        row(
            M::POST,
            "/activities/upload",
            Multipart(
                "type,title,governorate,start,status\r\ntraining,Sewing,Sohag,2026-01-01,done\r\n",
            ),
            "DDDAA",
        ),
        row(
            M::GET,
            "/activities/import/{own_activity_upload}",
            None,
            "DDDAA",
        ),
        row(
            M::GET,
            "/activities/import/{other_activity_upload}",
            None,
            "DDDDD",
        ),
        row(
            M::POST,
            "/activities/import/{other_activity_upload}/commit",
            Form(""),
            "DDDDD",
        ),
        row(M::GET, "/activities/types", None, "AAADD"),
        row(
            M::POST,
            "/activities/types",
            Form("code=act{n}&name_ar=نشاط {n}&name_en=Activity {n}&sector=health"),
            "ADDDD",
        ),
        row(
            M::POST,
            "/activities/types/training",
            Form("name_ar=تدريب&name_en=Training&sector=livelihoods&active=1"),
            "ADDDD",
        ),
        row(M::GET, "/coverage", None, "AAADD"),
        row(
            M::GET,
            "/coverage?category=food_box&level=village&format=csv",
            None,
            "AAADD",
        ),
        row(M::GET, "/coverage?from=99/99/2026", None, "VVVDD"),
        row(M::GET, "/goals", None, "AAAAA"),
        row(M::GET, "/goals/new", None, "AADDD"),
        row(
            M::POST,
            "/goals",
            Form("title=هدف {n}&starts_on=01/01/2026&ends_on=31/12/2026"),
            "AADDD",
        ),
        row(M::POST, "/goals", Form("title=&starts_on=x"), "VVDDD"),
        row(M::GET, "/goals/{goal}", None, "AAAAA"),
        row(
            M::POST,
            "/goals/{goal}/indicators",
            Form(
                "title=أسر {n}&source=ledger&measure=households&kind=food_box&governorates=26&target=500",
            ),
            "AADDD",
        ),
        row(
            M::POST,
            "/indicators/{entered_indicator}/values",
            Form("value=12&note=متطوعون في قافلة&as_of=01/03/2026"),
            "DDDAA",
        ),
        row(M::GET, "/observatory", None, "AAAAA"),
        row(M::GET, "/api/v1/observatory", None, "AAAAA"),
        row(M::GET, "/announcements", None, "AAAAA"),
        row(
            M::GET,
            "/announcements?kind=request&waiting=true",
            None,
            "AAAAA",
        ),
        row(M::GET, "/announcements/new", None, "AADDD"),
        row(
            M::POST,
            "/announcements",
            MultipartForm(
                "kind=announcement&title=تعميم {n}&body=نص&governorates=26",
                "%PDF-1.4",
            ),
            "AADDD",
        ),
        row(
            M::POST,
            "/announcements",
            MultipartForm("kind=request&title=&body=", ""),
            "VVDDD",
        ),
        row(M::GET, "/announcements/{own_announcement}", None, "AAAAA"),
        row(
            M::GET,
            "/announcements/{own_announcement}?format=csv",
            None,
            "AAAAA",
        ),
        row(M::GET, "/announcements/{other_announcement}", None, "AAADD"),
        row(
            M::GET,
            "/announcements/{own_announcement}/file",
            None,
            "AAAAA",
        ),
        row(
            M::GET,
            "/announcements/{other_announcement}/file",
            None,
            "AAADD",
        ),
        row(
            M::GET,
            "/announcements/{own_announcement}/answers/{own}/file",
            None,
            "AAAAA",
        ),
        row(
            M::GET,
            "/announcements/{own_announcement}/answers/{other}/file",
            None,
            "AAADD",
        ),
        row(
            M::POST,
            "/announcements/{own_announcement}/acknowledge",
            Form(""),
            "DDDAA",
        ),
        row(
            M::POST,
            "/announcements/{other_announcement}/acknowledge",
            Form(""),
            "DDDDD",
        ),
        row(
            M::POST,
            "/announcements/{own_announcement}/answer",
            MultipartForm("answer=خطتنا {n}", "%PDF-1.4"),
            "DDDAA",
        ),
        row(
            M::POST,
            "/announcements/{other_announcement}/answer",
            MultipartForm("answer=خطتنا {n}", ""),
            "DDDDD",
        ),
        row(
            M::POST,
            "/announcements/{own_announcement}/remind",
            Form(""),
            "AADDD",
        ),
        row(M::GET, "/api/v1/announcements", None, "AAAAA"),
        row(
            M::GET,
            "/api/v1/announcements/{own_announcement}",
            None,
            "AAAAA",
        ),
        row(
            M::GET,
            "/api/v1/announcements/{other_announcement}",
            None,
            "AAADD",
        ),
        row(M::GET, "/pool", None, "AAAAA"),
        row(M::GET, "/pool/summary", None, "AAAAA"),
        row(M::GET, "/pool/summary?format=xlsx", None, "AAAAA"),
        row(M::GET, "/pool/offers", None, "AAAAA"),
        row(M::GET, "/pool/offers?format=csv", None, "AAAAA"),
        row(M::GET, "/pool/offers/new", None, "DDDAA"),
        row(
            M::POST,
            "/pool/offers",
            Form("category=blankets&quantity={n}&governorate=26&district=سوهاج&reach=governorate"),
            "DDDAA",
        ),
        row(
            M::POST,
            "/pool/offers",
            Form("category=blankets&quantity=0&governorate=26&reach=district"),
            "DDDVV",
        ),
        row(
            M::POST,
            "/pool/offers/{own_offer}/reduce",
            Form("quantity=5"),
            "DDDAA",
        ),
        row(
            M::POST,
            "/pool/offers/{other_offer}/reduce",
            Form("quantity=4"),
            "DDDDD",
        ),
        row(
            M::POST,
            "/pool/offers/{own_spare_offer}/withdraw",
            Form(""),
            "DDDAA",
        ),
        row(
            M::POST,
            "/pool/offers/{other_offer}/withdraw",
            Form(""),
            "DDDDD",
        ),
        row(M::GET, "/pool/needs", None, "AAAAA"),
        row(M::GET, "/pool/needs?format=xlsx", None, "AAAAA"),
        row(M::GET, "/pool/needs/new", None, "AADAA"),
        row(
            M::POST,
            "/pool/needs",
            Form("category=blankets&quantity={n}&governorate=26&priority=70"),
            "AADAA",
        ),
        row(
            M::POST,
            "/pool/needs/{own_spare_need}/withdraw",
            Form(""),
            "DDDAA",
        ),
        row(
            M::POST,
            "/pool/needs/{other_need}/withdraw",
            Form(""),
            "DDDDD",
        ),
        row(M::POST, "/pool/runs", Form("categories=blankets"), "AADDD"),
        row(M::POST, "/pool/runs", Form("categories=none-such"), "VVDDD"),
        row(M::GET, "/pool/runs/{published}", None, "AAADD"),
        row(M::GET, "/pool/runs/{proposal}", None, "AAADD"),
        row(M::POST, "/pool/runs/{proposal}/publish", Form(""), "AADDD"),
        row(
            M::POST,
            "/pool/runs/{proposal_b}/choices",
            Form("offer_id={own_offer}&need_id={other_need}&choice=exclude"),
            "VVDDD",
        ),
        row(
            M::POST,
            "/pool/allocations/{own_allocation}/accept",
            Form(""),
            "DDDAA",
        ),
        row(
            M::POST,
            "/pool/allocations/{other_allocation}/accept",
            Form(""),
            "DDDDD",
        ),
        row(
            M::GET,
            "/pool/allocations/{own_allocation}/deliver",
            None,
            "DDDAA",
        ),
        row(
            M::GET,
            "/pool/allocations/{other_allocation}/deliver",
            None,
            "DDDDD",
        ),
        row(
            M::POST,
            "/pool/allocations/{own_allocation}/deliver",
            Form("given_on={today}&households=AMAL-004"),
            "DDDAA",
        ),
        row(
            M::POST,
            "/pool/allocations/{other_allocation}/deliver",
            Form("given_on={today}&households=NOUR-001"),
            "DDDDD",
        ),
        row(
            M::POST,
            "/pool/needs/draw",
            Form("category=blankets&governorate=01&households=1"),
            "AADDD",
        ),
        row(
            M::POST,
            "/pool/needs/draw",
            Form("category=blankets&governorate=99&households=0"),
            "VVDDD",
        ),
        row(
            M::POST,
            "/pool/allocations/{own_allocation_b}/decline",
            Form(""),
            "DDDAA",
        ),
        row(
            M::POST,
            "/pool/allocations/{other_allocation}/decline",
            Form(""),
            "DDDDD",
        ),
        // The knowledge library: Al-Amal's document only the secretariat may read (and Al-Amal),
        // Al-Nour's likewise, and Al-Nour's for every member.
        row(M::GET, "/library", None, "AAAAA"),
        row(M::GET, "/library?q=دليل&sector=health", None, "AAAAA"),
        row(M::GET, "/library/new", None, "AADAA"),
        row(
            M::POST,
            "/library",
            MultipartFile("title=دليل {n}&access=members", "guide.txt", GUIDE),
            "AADAA",
        ),
        row(
            M::POST,
            "/library",
            MultipartFile("title=دليل {n}&access=everyone", "guide.txt", GUIDE),
            "VVDVV",
        ),
        row(M::GET, "/library/{own_doc}", None, "AAAAA"),
        row(M::GET, "/library/{other_doc}", None, "AAADD"),
        row(M::GET, "/library/{members_doc}", None, "AAAAA"),
        row(M::GET, "/library/{own_doc}/edit", None, "AADAA"),
        row(M::GET, "/library/{other_doc}/edit", None, "AADDD"),
        row(M::GET, "/library/{members_doc}/edit", None, "AADDD"),
        row(
            M::POST,
            "/library/{own_doc}",
            Form("title=تقرير&access=secretariat"),
            "AADAA",
        ),
        row(
            M::POST,
            "/library/{members_doc}",
            Form("title=دليل&access=members"),
            "AADDD",
        ),
        row(
            M::POST,
            "/library/{own_doc}/versions",
            MultipartFile("note=v{n}", "guide.md", GUIDE),
            "AADAA",
        ),
        row(
            M::POST,
            "/library/{members_doc}/versions",
            MultipartFile("note=v{n}", "guide.md", GUIDE),
            "AADDD",
        ),
        row(M::GET, "/library/{own_doc}/file", None, "AAAAA"),
        row(M::GET, "/library/{other_doc}/file?version=1", None, "AAADD"),
        row(M::GET, "/library/{members_doc}/file", None, "AAAAA"),
        // Removing another's document is refused to every member; the secretariat's admin removes
        // Al-Nour's first, so it is gone for those after (the library's tests check who may).
        row(
            M::POST,
            "/library/{other_doc_b}/remove",
            Form("confirm=yes"),
            "ADDDD",
        ),
        // Without its confirmation: sent back to the document, which stays.
        row(M::POST, "/library/{own_doc}/remove", Form(""), "AADAA"),
        row(M::GET, "/api/v1/library?q=دليل", None, "AAAAA"),
        row(M::GET, "/api/v1/library/{other_doc}", None, "AAADD"),
        row(M::GET, "/api/v1/library/{members_doc}", None, "AAAAA"),
        // Events: `{event}` is open to all, `{event_nour}` to Al-Nour only; the secretariat
        // organises both. A member's admin proposes events; staff register themselves.
        row(M::GET, "/events", None, "AAAAA"),
        row(M::GET, "/events?show=past&kind=training", None, "AAAAA"),
        row(M::GET, "/events/new", None, "AADAD"),
        row(M::POST, "/events", Form(EVENT_FORM), "AADAD"),
        row(M::GET, "/events/mine", None, "AAAAA"),
        row(M::POST, "/events/feed", Form(""), "AADAA"),
        row(M::GET, "/events/{event}", None, "AAAAA"),
        row(M::GET, "/events/{event_nour}", None, "AAADD"),
        row(M::GET, "/events/{event_proposed}", None, "AAADD"),
        row(M::GET, "/events/{event}/edit", None, "AADDD"),
        row(M::POST, "/events/{event}", Form(EVENT_FORM), "AADDD"),
        row(
            M::POST,
            "/events/{event_proposed}/status",
            Form("to=open"),
            "AADDD",
        ),
        row(
            M::POST,
            "/events/{event_cancel}/status",
            Form("to=cancelled"),
            "AADDD",
        ),
        row(M::POST, "/events/{event}/register", Form(""), "AADAA"),
        // The secretariat is not among those the event invites: told so (422).
        row(M::POST, "/events/{event_nour}/register", Form(""), "VVDDD"),
        row(
            M::POST,
            "/events/{event_reg}/registrations/{own_reg}/cancel",
            Form(""),
            "AADAA",
        ),
        row(
            M::POST,
            "/events/{event_reg}/registrations/{other_reg}/cancel",
            Form(""),
            "AADDD",
        ),
        row(
            M::GET,
            "/events/{event_reg}/registrations?format=xlsx",
            None,
            "AAAAD",
        ),
        row(M::GET, "/events/{event}/checkin", None, "AADDD"),
        row(
            M::POST,
            "/events/{event}/checkin",
            Form("session={session}&code=ZZZZ-ZZZZ"),
            "VVDDD",
        ),
        // Without the confirmation the event is not closed: the organiser is asked to confirm.
        row(M::POST, "/events/{event}/close", Form(""), "AADDD"),
        row(
            M::GET,
            "/events/{event_closed}/certificate?registration={own_cert}",
            None,
            "AAAAA",
        ),
        row(
            M::GET,
            "/events/{event_closed}/certificate?registration={other_cert}",
            None,
            "AAADD",
        ),
        row(M::GET, "/events/{event_closed}/certificates", None, "AAADD"),
        row(M::GET, "/events/{event_closed}/feedback", None, "AAAAA"),
        // Only those who attended give feedback, once: of these, Al-Amal's staff attended.
        row(
            M::POST,
            "/events/{event_closed}/feedback",
            Form("overall=5&content=5&organisation=5"),
            "VVDVA",
        ),
        row(M::GET, "/events/{event}/calendar", None, "AAAAA"),
        row(
            M::GET,
            "/events/{event}/calendar?session={session}",
            None,
            "AAAAA",
        ),
        row(M::GET, "/events/{event_nour}/calendar", None, "AAADD"),
        row(M::GET, "/api/v1/events", None, "AAAAA"),
        row(M::GET, "/api/v1/events/{event}", None, "AAAAA"),
        row(M::GET, "/api/v1/events/{event_nour}", None, "AAADD"),
    ]
}

/// A valid event form: one session in 2030, registration open until the day before.
const EVENT_FORM: &str = "title_ar=ورشة {n}&title_en=Workshop {n}&kind=workshop&capacity=50\
&registration_opens=2026-01-01T09:00&registration_closes=2030-01-09T09:00\
&session_starts=2030-01-10T10:00&session_ends=2030-01-10T14:00&session_place=القاهرة";

/// A guide's text, as a library document's file (PDF extraction is tested in `library`).
const GUIDE: &str = "دليل العمل الميداني للمتطوعين";

/// A valid activity, as the form sends it.
const ACTIVITY: &str = "type_code=training&title=تدريب على الخياطة&governorate=26&district=أخميم&starts_on=01/03/2026&status=done&reached_total=40&reached_women=30&reached_children=0";

async fn ids(app: &TestApp) -> Vec<(&'static str, String)> {
    let own = app.org_id("amal").await;
    let other = app.org_id("nour").await;
    let secretariat = app.org_id("secretariat").await;
    let own_user = app.actor("staff@amal.demo").await.user_id;
    let other_user = app.actor("staff@nour.demo").await.user_id;
    // The demo's first agreement has only Al-Amal as party; the third only Al-Nour.
    let agreement_of = |org: i64| {
        let db = app.db.clone();
        async move {
            let (id,): (i64,) = sqlx::query_as(
                "SELECT agreement_id FROM agreement_members m WHERE org_id = $1 AND \
                 (SELECT COUNT(*) FROM agreement_members x WHERE x.agreement_id = m.agreement_id) = 1 ORDER BY agreement_id LIMIT 1",
            )
            .bind(org)
            .fetch_one(&db.pool)
            .await
            .unwrap();
            id
        }
    };
    let own_agreement = agreement_of(own).await;
    let other_agreement = agreement_of(other).await;
    let point = |agreement: i64, owner: i64| {
        let db = app.db.clone();
        async move {
            let (id,): (i64,) = sqlx::query_as("SELECT id FROM agreement_points WHERE agreement_id = $1 AND owner_org_id = $2 ORDER BY id LIMIT 1")
                .bind(agreement)
                .bind(owner)
                .fetch_one(&db.pool)
                .await
                .unwrap();
            id
        }
    };
    // Registrations, an upload and an assistance entry of each of the two members, and a pair for
    // review between them.
    let record_of = |key: &'static str| {
        let db = app.db.clone();
        async move {
            let (id,): (i64,) =
                sqlx::query_as("SELECT id FROM registry_records WHERE member_key = $1")
                    .bind(key)
                    .fetch_one(&db.pool)
                    .await
                    .unwrap();
            id
        }
    };
    let own_record = record_of("AMAL-004").await;
    let other_record = record_of("NOUR-001").await;
    let upload_of = |org: i64, email: &'static str, purpose: &'static str| {
        let (db, app) = (app.db.clone(), app);
        async move {
            let user = app.actor(email).await.user_id;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO uploads (org_id, user_id, file_name, content, purpose, created_at) \
                 VALUES ($1, $2, 'list.csv', $3, $4, $5) RETURNING id",
            )
            .bind(org)
            .bind(user)
            .bind(b"record_id,full_name\nU1,\xd8\xb9\xd9\x84\xd9\x8a\n".as_slice())
            .bind(purpose)
            .bind(mizalla::db::now())
            .fetch_one(&db.pool)
            .await
            .unwrap();
            id
        }
    };
    let own_upload = upload_of(own, "staff@amal.demo", "registry").await;
    let other_upload = upload_of(other, "staff@nour.demo", "registry").await;
    let own_aid_upload = upload_of(own, "staff@amal.demo", "assistance").await;
    let other_aid_upload = upload_of(other, "staff@nour.demo", "assistance").await;
    // A token of a user outside the matrix's roles.
    app.token("staff@nour.demo").await;
    let (other_token,): (i64,) =
        sqlx::query_as("SELECT MAX(id) FROM api_tokens WHERE user_id = $1")
            .bind(other_user)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let (other_entry,): (i64,) =
        sqlx::query_as("SELECT id FROM assistance WHERE org_id = $1 LIMIT 1")
            .bind(other)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let activity_of = |email: &'static str| {
        let (db, app) = (app.db.clone(), app);
        async move {
            let actor = app.actor(email).await;
            let input: mizalla::coordination::activities::ActivityInput =
                serde_urlencoded::from_str(ACTIVITY).unwrap();
            mizalla::coordination::activities::create(&db, &actor, &input)
                .await
                .unwrap()
                .0
        }
    };
    let admin = app.actor("admin@secretariat.demo").await;
    let goal = mizalla::coordination::goals::create(
        &app.db,
        &admin,
        &mizalla::coordination::goals::GoalInput {
            title: "دعم غذائي".into(),
            starts_on: "2026-01-01".into(),
            ends_on: "2026-12-31".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let entered_indicator = mizalla::coordination::goals::add_indicator(
        &app.db,
        &admin,
        goal,
        &mizalla::coordination::goals::IndicatorInput {
            title: "متطوعون".into(),
            source: "entered".into(),
            target: "100".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let own_activity = activity_of("staff@amal.demo").await;
    let other_activity = activity_of("staff@nour.demo").await;
    let own_activity_upload = upload_of(own, "staff@amal.demo", "activities").await;
    let other_activity_upload = upload_of(other, "staff@nour.demo", "activities").await;
    // A request with a file to every member, Al-Amal and Al-Nour answering with a file; and one
    // with a file to the members in Cairo, which does not reach Al-Amal (the matrix's own rows
    // leave Al-Amal's and Al-Nour's profiles without governorates; Al-Khair works in Cairo).
    // (An earlier run of the matrix leaves Al-Amal suspended or gone, and Al-Nour's status changed
    // by its rows: they must be active to be written to; each request of a run sets the status
    // it tests.)
    sqlx::query("UPDATE orgs SET status = 'active' WHERE code IN ('amal', 'nour')")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let settings = mizalla::config::Settings::default();
    let file = |name: &str| mizalla::announcements::File {
        name: name.into(),
        bytes: b"%PDF-1.4 test".to_vec(),
    };
    let request = |governorates: &[&str]| mizalla::announcements::AnnouncementInput {
        kind: "request".into(),
        title: "طلب".into(),
        body: "نص".into(),
        answer_by: "31/12/2099".into(),
        governorates: governorates.iter().map(|g| g.to_string()).collect(),
        ..Default::default()
    };
    let (own_announcement, _) = mizalla::announcements::create(
        &app.db,
        &settings,
        &admin,
        &request(&[]),
        Some(&file("plan.pdf")),
    )
    .await
    .unwrap();
    for email in ["staff@amal.demo", "staff@nour.demo"] {
        mizalla::announcements::answer(
            &app.db,
            &app.actor(email).await,
            own_announcement,
            &mizalla::announcements::AnswerInput {
                answer: "خطتنا".into(),
            },
            Some(&file("answer.pdf")),
        )
        .await
        .unwrap();
    }
    let (other_announcement, _) = mizalla::announcements::create(
        &app.db,
        &settings,
        &admin,
        &request(&["01"]),
        Some(&file("cairo.pdf")),
    )
    .await
    .unwrap();
    let (pair,): (i64,) = sqlx::query_as(
        "INSERT INTO registry_pairs (record_l, record_r, probability, explanation, status, created_at) \
         VALUES ($1, $2, 0.7, 'test', 'open', '2026-01-01T00:00:00Z') \
         ON CONFLICT (record_l, record_r) DO UPDATE SET status = 'open' RETURNING id",
    )
    .bind(own_record)
    .bind(other_record)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    // The pool: offers and needs of both members, a published allocation with a pair of each
    // member's offer (two of Al-Amal's), then a proposal.
    let amal = app.actor("staff@amal.demo").await;
    let nour = app.actor("staff@nour.demo").await;
    let offer = |who: &mizalla::access::Actor, kind: &str, gov: &str| {
        let (db, who) = (app.db.clone(), who.clone());
        let input = mizalla::pool::OfferInput {
            category: kind.into(),
            quantity: "5".into(),
            governorate: gov.into(),
            district: "المركز".into(),
            reach: "district".into(),
            ..Default::default()
        };
        async move {
            mizalla::pool::create_offer(&db, &who, &input)
                .await
                .unwrap()
        }
    };
    let need = |who: &mizalla::access::Actor, kind: &str, gov: &str| {
        let (db, who) = (app.db.clone(), who.clone());
        let input = mizalla::pool::NeedInput {
            category: kind.into(),
            quantity: "3".into(),
            governorate: gov.into(),
            district: "المركز".into(),
            priority: "50".into(),
            ..Default::default()
        };
        async move { mizalla::pool::create_need(&db, &who, &input).await.unwrap() }
    };
    // Al-Amal's in Cairo, where its registrations are (a delivery goes to households of the
    // need's governorate); Al-Nour's in Giza.
    let own_offer = offer(&amal, "blankets", "01").await;
    offer(&amal, "clothing", "26").await;
    let other_offer = offer(&nour, "blankets", "21").await;
    let own_spare_offer = offer(&amal, "rent", "26").await;
    need(&amal, "blankets", "01").await;
    need(&amal, "clothing", "26").await;
    let other_need = need(&nour, "blankets", "21").await;
    let own_spare_need = need(&amal, "cash", "25").await;
    let published = mizalla::pool::runs::run(
        &app.db,
        &admin,
        &mizalla::pool::runs::RunInput {
            categories: vec!["blankets".into(), "clothing".into()],
            ..Default::default()
        },
        &[],
    )
    .await
    .unwrap();
    mizalla::pool::runs::publish(&app.db, &admin, published)
        .await
        .unwrap();
    let allocation_of = |offer_org: i64, kind: &'static str| {
        let db = app.db.clone();
        async move {
            let (id,): (i64,) = sqlx::query_as(
                "SELECT a.id FROM pool_allocations a JOIN pool_offers o ON o.id = a.offer_id \
                 WHERE a.run_id = $1 AND o.org_id = $2 AND o.category = $3",
            )
            .bind(published)
            .bind(offer_org)
            .bind(kind)
            .fetch_one(&db.pool)
            .await
            .unwrap();
            id
        }
    };
    let own_allocation = allocation_of(own, "blankets").await;
    let own_allocation_b = allocation_of(own, "clothing").await;
    let other_allocation = allocation_of(other, "blankets").await;
    let proposal = mizalla::pool::runs::run(&app.db, &admin, &Default::default(), &[])
        .await
        .unwrap();
    let proposal_b = mizalla::pool::runs::run(
        &app.db,
        &admin,
        &mizalla::pool::runs::RunInput {
            categories: vec!["rent".into()],
            ..Default::default()
        },
        &[],
    )
    .await
    .unwrap();
    // Library documents: Al-Amal's and Al-Nour's for the secretariat only, Al-Nour's for members.
    let document = |org: i64, access: &str| {
        let db = app.db.clone();
        let input = mizalla::library::DocumentInput {
            title: "وثيقة".into(),
            access: access.into(),
            ..Default::default()
        };
        async move {
            let file = mizalla::library::File {
                name: "doc.txt".into(),
                bytes: "نص الوثيقة".as_bytes().to_vec(),
            };
            mizalla::library::add(&db, None, org, &input, &file)
                .await
                .unwrap()
        }
    };
    let own_doc = document(own, "secretariat").await;
    let other_doc = document(other, "secretariat").await;
    let other_doc_b = document(other, "members").await;
    let members_doc = document(other, "members").await;
    let events = event_fixtures(app, other).await;
    let mut ids = vec![
        ("{own_doc}", own_doc.to_string()),
        ("{other_doc_b}", other_doc_b.to_string()),
        ("{other_doc}", other_doc.to_string()),
        ("{members_doc}", members_doc.to_string()),
        ("{own_offer}", own_offer.to_string()),
        ("{other_offer}", other_offer.to_string()),
        ("{own_spare_offer}", own_spare_offer.to_string()),
        ("{other_need}", other_need.to_string()),
        ("{own_spare_need}", own_spare_need.to_string()),
        ("{published}", published.to_string()),
        ("{proposal_b}", proposal_b.to_string()),
        ("{today}", mizalla::db::today()),
        ("{proposal}", proposal.to_string()),
        ("{own_allocation_b}", own_allocation_b.to_string()),
        ("{own_allocation}", own_allocation.to_string()),
        ("{other_allocation}", other_allocation.to_string()),
        ("{own_record}", own_record.to_string()),
        ("{other_record}", other_record.to_string()),
        ("{own_upload}", own_upload.to_string()),
        ("{other_upload}", other_upload.to_string()),
        ("{own_aid_upload}", own_aid_upload.to_string()),
        ("{other_aid_upload}", other_aid_upload.to_string()),
        ("{other_entry}", other_entry.to_string()),
        ("{other_token}", other_token.to_string()),
        ("{pair}", pair.to_string()),
        ("{own_agreement}", own_agreement.to_string()),
        ("{other_agreement}", other_agreement.to_string()),
        ("{own_point}", point(own_agreement, own).await.to_string()),
        (
            "{secretariat_point}",
            point(own_agreement, secretariat).await.to_string(),
        ),
        (
            "{other_point}",
            point(other_agreement, other).await.to_string(),
        ),
        ("{own_user}", own_user.to_string()),
        ("{other_user}", other_user.to_string()),
        ("{goal}", goal.to_string()),
        ("{entered_indicator}", entered_indicator.to_string()),
        ("{own_activity}", own_activity.to_string()),
        ("{other_activity}", other_activity.to_string()),
        ("{own_activity_upload}", own_activity_upload.to_string()),
        ("{other_activity_upload}", other_activity_upload.to_string()),
        ("{own_announcement}", own_announcement.to_string()),
        ("{other_announcement}", other_announcement.to_string()),
        ("{own}", own.to_string()),
        ("{other}", other.to_string()),
    ];
    ids.extend(events);
    ids
}

/// The events the matrix reaches: one open to all (`{event}`, its session `{session}`), one
/// for Al-Nour only, one to cancel, one Al-Nour's admin proposed, one with Al-Amal's and
/// Al-Nour's staff registered (`{own_reg}`, `{other_reg}`), and one closed with a certificate
/// for each (`{own_cert}`, `{other_cert}`).
async fn event_fixtures(app: &TestApp, other: i64) -> Vec<(&'static str, String)> {
    use mizalla::events::{self, registration};
    let settings = mizalla::config::Settings::default();
    let admin = app.actor("admin@secretariat.demo").await;
    let create = |who: mizalla::access::Actor, only: Option<i64>| {
        let db = app.db.clone();
        async move {
            let input = events::EventInput {
                eligible_orgs: only.map(|o| vec![o.to_string()]).unwrap_or_default(),
                ..crate::events::open_event_input()
            };
            events::create(&db, &who, &input).await.unwrap()
        }
    };
    let event = create(admin.clone(), None).await;
    let nour_event = create(admin.clone(), Some(other)).await;
    let cancel_event = create(admin.clone(), None).await;
    let proposed = create(app.actor("admin@nour.demo").await, None).await;
    let reg_event = create(admin.clone(), None).await;
    let closed = create(admin.clone(), None).await;
    let session = events::sessions(&app.db, event).await.unwrap()[0].id;
    let amal = app.actor("staff@amal.demo").await;
    let nour = app.actor("staff@nour.demo").await;
    let mut regs = Vec::new();
    for ev in [reg_event, closed] {
        for who in [&amal, &nour] {
            let r = registration::register(&app.db, &settings, who, ev, &[who.user_id])
                .await
                .unwrap();
            regs.push(r[0].clone());
        }
    }
    crate::events::held(app, closed).await;
    for s in events::sessions(&app.db, closed).await.unwrap() {
        for r in &regs[2..] {
            events::checkin::check_in(&app.db, &admin, closed, s.id, &r.code)
                .await
                .unwrap();
        }
    }
    events::certificates::close(&app.db, &admin, closed)
        .await
        .unwrap();
    vec![
        ("{event_nour}", nour_event.to_string()),
        ("{event_cancel}", cancel_event.to_string()),
        ("{event_proposed}", proposed.to_string()),
        ("{event_reg}", reg_event.to_string()),
        ("{event_closed}", closed.to_string()),
        ("{event}", event.to_string()),
        ("{session}", session.to_string()),
        ("{own_reg}", regs[0].id.to_string()),
        ("{other_reg}", regs[1].id.to_string()),
        ("{own_cert}", regs[2].id.to_string()),
        ("{other_cert}", regs[3].id.to_string()),
    ]
}

fn fill(template: &str, ids: &[(&str, String)]) -> String {
    let mut s = template.replace("{n}", &crate::helpers::unique().to_string());
    for (k, v) in ids {
        s = s.replace(k, v);
    }
    s
}

/// Runs every row of the matrix for every role and returns the violations. `expect` gives the
/// outcome wanted of a row for the role at an index of `ROLES`: `A` allowed, `D` denied, `U`
/// not signed in (401: the token stands for no one). With `membership`, Al-Amal's status is set
/// to it before each request (the matrix has rows that change it).
async fn violations(
    app: &TestApp,
    membership: Option<&str>,
    expect: impl Fn(&Row, usize) -> u8,
) -> Vec<String> {
    let ids = ids(app).await;
    let mut tokens = Vec::new();
    for email in ROLES {
        tokens.push(app.token(email).await);
    }
    let client = TestApp::client();
    let mut failures = Vec::new();
    for row in matrix() {
        for (i, token) in tokens.iter().enumerate() {
            if let Some(status) = membership {
                sqlx::query("UPDATE orgs SET status = $1 WHERE code = 'amal'")
                    .bind(status)
                    .execute(&app.db.pool)
                    .await
                    .unwrap();
            }
            let path = fill(row.path, &ids);
            let mut req = client
                .request(row.method.clone(), app.url(&path))
                .bearer_auth(token);
            req = match row.body {
                Body::None => req,
                Body::Form(f) => req
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(form_encode(&fill(f, &ids))),
                Body::Json(j) => req
                    .header("content-type", "application/json")
                    .body(fill(j, &ids)),
                Body::MultipartForm(fields, content) | Body::MultipartFile(fields, _, content) => {
                    let name = match row.body {
                        Body::MultipartFile(_, name, _) => name,
                        _ => "note.pdf",
                    };
                    let fields = fill(fields, &ids);
                    let pairs: Vec<(&str, &str)> = fields
                        .split('&')
                        .filter_map(|kv| kv.split_once('='))
                        .collect();
                    let file = (!content.is_empty()).then_some((name, content.as_bytes()));
                    req.header("content-type", "multipart/form-data; boundary=XyZ")
                        .body(crate::helpers::multipart_body(&pairs, file))
                }
                Body::Multipart(content) => req
                    .header("content-type", "multipart/form-data; boundary=XyZ")
                    .body(format!(
                        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"list.csv\"\r\n\
                         Content-Type: text/csv\r\n\r\n{content}\r\n--XyZ--\r\n"
                    )),
            };
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            let to_login = res
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .is_some_and(|l| l.starts_with("/login"));
            let (ok, wanted) = match expect(&row, i) {
                b'A' => ((200..400).contains(&status) && !to_login, "allowed"),
                b'V' => (status == 422, "reached, its input refused (422)"),
                // The API says 401; a page sends the browser to the login page.
                b'U' => (
                    status == 401 || (status == 303 && to_login),
                    "not signed in",
                ),
                _ => (status == 403 || status == 404, "denied"),
            };
            if !ok {
                failures.push(format!(
                    "{} {} as {}: got {status}, expected {wanted}",
                    row.method, path, ROLES[i]
                ));
            }
        }
    }
    failures
}

async fn every_route_allows_exactly_the_roles_it_should(app: TestApp) {
    let failures = violations(&app, None, |row, i| row.expect.as_bytes()[i]).await;
    assert!(
        failures.is_empty(),
        "access matrix violations:\n{}",
        failures.join("\n")
    );
}

/// Issue 12, 11: staff of a member that was suspended, or that left, still checked, exported,
/// recorded assistance and read records. Suspended, the member's staff may read what the matrix
/// lets them read and write nothing; once it left, its tokens stand for no one. The secretariat
/// is not affected.
async fn a_suspended_member_writes_nothing_and_one_that_left_reaches_nothing(app: TestApp) {
    let member = |i: usize| ROLES[i].ends_with("@amal.demo");
    // What a member's staff may still do while suspended: read (GET) its own data — not the
    // pages that exist to write (edit forms, imports), not the check against the registry,
    // which reads other members' registrations.
    // Changing one's own password stays possible: it secures the account, not the member's data.
    let suspended = |row: &Row, i: usize| {
        let read = (row.method == Method::GET || row.path == "/account/password")
            && !row.path.contains("/edit")
            && !row.path.contains("/import")
            && !row.path.ends_with("/new")
            && !row.path.starts_with("/api/v1/registry/check");
        if member(i) && !read {
            b'D'
        } else {
            row.expect.as_bytes()[i]
        }
    };
    for (status, expect) in [
        ("suspended", &suspended as &dyn Fn(&Row, usize) -> u8),
        ("left", &|row: &Row, i: usize| {
            // Public pages need no account.
            let public = PUBLIC
                .iter()
                .any(|(m, route, _, _)| *m == row.method.as_str() && serves(route, row.path));
            if member(i) && !public {
                b'U'
            } else {
                row.expect.as_bytes()[i]
            }
        }),
    ] {
        let failures = violations(&app, Some(status), expect).await;
        assert!(
            failures.is_empty(),
            "access matrix violations for a member {status}:\n{}",
            failures.join("\n")
        );
    }
    // The right password of a member that left is told why it no longer signs in.
    let res = TestApp::client()
        .post(app.url("/login?lang=en"))
        .form(&[
            ("email", "staff@amal.demo"),
            ("password", mizalla::demo::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("left the alliance"));
}

/// Percent-encodes the values of an `a=b&c=d` form written in plain text.
fn form_encode(plain: &str) -> String {
    let pairs: Vec<(&str, &str)> = plain
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .collect();
    serde_urlencoded::to_string(pairs).unwrap()
}

on_both_backends!(
    membership_status,
    a_suspended_member_writes_nothing_and_one_that_left_reaches_nothing
);

on_both_backends!(
    access_matrix,
    every_route_allows_exactly_the_roles_it_should
);

/// The routes anyone may call signed out, with the status a signed-out visitor gets once the
/// platform has its first administrator (`/setup` is then gone; signing out without a session
/// just goes to the sign-in page; an empty sign-in form is refused).
const PUBLIC: [(&str, &str, &str, u16); 15] = [
    ("GET", "/public/library", "/public/library?q=دليل", 200),
    // A certificate is checked by anyone; a made-up serial is not found.
    ("GET", "/verify", "/verify", 200),
    (
        "GET",
        "/verify/{serial}",
        "/verify/MZ-2026-FAKE-FAKE-XX",
        404,
    ),
    (
        "GET",
        "/public/events/feed/{token}",
        "/public/events/feed/not-a-feed.ics",
        404,
    ),
    // A document that is not there, or not public, is not found (the library's tests download
    // a public one signed out).
    (
        "GET",
        "/public/library/{id}/file",
        "/public/library/999999/file",
        404,
    ),
    ("GET", "/observatory", "/observatory", 200),
    ("GET", "/api/v1/observatory", "/api/v1/observatory", 200),
    ("GET", "/health", "/health", 200),
    ("GET", "/login", "/login", 200),
    ("POST", "/login", "/login", 401),
    ("POST", "/logout", "/logout", 303),
    ("GET", "/api/openapi.json", "/api/openapi.json", 200),
    ("GET", "/assets/{*path}", "/assets/mizalla.css", 200),
    ("GET", "/setup", "/setup", 404),
    ("POST", "/setup", "/setup", 404),
];

/// Whether a row's path (its query left aside) is one the router's `route` serves: a `{…}`
/// segment of the route stands for any segment, and so does one of the row (`{own}`).
fn serves(route: &str, row: &str) -> bool {
    let row = row.split('?').next().unwrap_or(row);
    let (r, p): (Vec<&str>, Vec<&str>) = (route.split('/').collect(), row.split('/').collect());
    r.len() == p.len()
        && r.iter()
            .zip(&p)
            .all(|(a, b)| a == b || a.starts_with('{') || b.starts_with('{'))
}

/// The matrix is checked against the router itself: a route added without a row (or a public
/// entry) fails here, and so does a row whose route is gone.
#[test]
fn every_route_of_the_router_has_a_row_in_the_matrix() {
    let routes = mizalla::router::routes();
    let mut rows: Vec<(String, &str)> = matrix()
        .iter()
        .map(|r| (r.method.to_string(), r.path))
        .collect();
    rows.extend(
        PUBLIC
            .iter()
            .map(|(m, route, _, _)| (m.to_string(), *route)),
    );
    let missing: Vec<String> = routes
        .list()
        .iter()
        .filter(|r| {
            !rows
                .iter()
                .any(|(m, path)| *m == r.method.as_str() && serves(r.path, path))
        })
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        missing.is_empty(),
        "routes with no row in the access matrix: {missing:?}"
    );
    let stale: Vec<String> = rows
        .iter()
        .filter(|(m, path)| {
            !routes
                .list()
                .iter()
                .any(|r| *m == r.method.as_str() && serves(r.path, path))
        })
        .map(|(m, path)| format!("{m} {path}"))
        .collect();
    assert!(
        stale.is_empty(),
        "rows for routes the router does not have: {stale:?}"
    );
}

async fn signed_out_visitors_reach_only_public_routes(app: TestApp) {
    let client = TestApp::client();
    for (method, _, path, want) in PUBLIC {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        assert_eq!(
            client
                .request(method.clone(), app.url(path))
                .header("content-type", "application/x-www-form-urlencoded")
                .send()
                .await
                .unwrap()
                .status(),
            want,
            "{method} {path}"
        );
    }
    let ids = ids(&app).await;
    for row in matrix() {
        let path = fill(row.path, &ids);
        if PUBLIC
            .iter()
            .any(|(m, route, _, _)| *m == row.method.as_str() && serves(route, &path))
        {
            continue;
        }
        let res = client
            .request(row.method.clone(), app.url(&path))
            .send()
            .await
            .unwrap();
        if path.starts_with("/api/") {
            assert_eq!(res.status(), 401, "{path}");
        } else {
            assert_eq!(res.status(), 303, "{} {path}", row.method);
            assert!(
                res.headers()["location"]
                    .to_str()
                    .unwrap()
                    .starts_with("/login?next="),
                "{path}"
            );
        }
    }
    let bad = client
        .get(app.url("/api/v1/me"))
        .bearer_auth("mz_not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
}

on_both_backends!(signed_out, signed_out_visitors_reach_only_public_routes);

async fn a_member_lists_only_the_agreements_it_is_party_to(app: TestApp) {
    let amal = app.org_id("amal").await;
    let token = app.token("staff@amal.demo").await;
    let page: serde_json::Value = app.get_json("/api/v1/agreements", &token).await;
    let items = page["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for a in items {
        let parties: Vec<i64> = a["parties"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap())
            .collect();
        assert!(
            parties.contains(&amal),
            "amal sees an agreement it is not party to: {a}"
        );
    }
    let all: serde_json::Value = app
        .get_json(
            "/api/v1/agreements",
            &app.token("auditor@secretariat.demo").await,
        )
        .await;
    assert!(all["total"].as_i64().unwrap() > page["total"].as_i64().unwrap());
}

on_both_backends!(
    member_visibility,
    a_member_lists_only_the_agreements_it_is_party_to
);
