//! The API's JSON bodies, read against the OpenAPI document (`assets/openapi.json`).
//!
//! The document is the contract, so the edge enforces its *shape* for every request body:
//! the media type, JSON syntax, each property's type, the required properties, and no property
//! the document does not name (`additionalProperties: false`). What a value *means* (a choice
//! from a list, a real date, a length, whether a record exists) is checked by the services, in
//! the same words as the web forms; the schema-driven fuzzer (`.ci/api-fuzz.sh`) checks that
//! what the document says about those is what the services do.

use crate::error::Error;
use axum::extract::{FromRequest, MatchedPath, Request};
use axum::http::{Method, StatusCode, header};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::LazyLock;

/// The OpenAPI document, parsed once.
static DOC: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(super::OPENAPI).expect("assets/openapi.json is valid JSON")
});

/// Keywords of a request schema the edge checks (see the module's description).
pub const SHAPE_KEYWORDS: [&str; 7] = [
    "$ref",
    "type",
    "nullable",
    "properties",
    "required",
    "additionalProperties",
    "items",
];

/// Keywords of a request schema left to the services, which check them with their own
/// messages (the fuzzer holds them to it), or that only describe.
pub const MEANING_KEYWORDS: [&str; 9] = [
    "enum",
    "format",
    "maxLength",
    "minLength",
    "maxItems",
    "minimum",
    "maximum",
    "description",
    "example",
];

/// A JSON request body, checked against the request schema of the route's operation in the
/// OpenAPI document, then read into `T`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<mime_guess::mime::Mime>().ok())
            .is_some_and(|m| {
                m.type_() == "application"
                    && (m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"))
            });
        if !json {
            return Err(Error::ContentType);
        }
        let route = req
            .extensions()
            .get::<MatchedPath>()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default();
        let method = req.method().clone();
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    Error::TooLarge
                } else {
                    Error::BadRequest("err-bad-request")
                }
            })?;
        let value: Value =
            serde_json::from_slice(&bytes).map_err(|_| Error::BadRequest("err-json"))?;
        match request_schema(&method, &route) {
            Some(schema) => {
                let mut errs = Vec::new();
                check(schema, &value, "", &mut errs);
                if !errs.is_empty() {
                    return Err(Error::Body(errs));
                }
            }
            None => {
                tracing::warn!(%method, route, "no request schema in the OpenAPI document");
            }
        }
        serde_json::from_value(value).map(ApiJson).map_err(|_| {
            // The serde message may quote the value sent: the route only.
            tracing::warn!(%method, route, "a body that fits the document does not fit the handler's type");
            Error::Validation(Default::default())
        })
    }
}

/// The JSON schema of the request body of operation `method route`, if the document has one.
pub fn request_schema(method: &Method, route: &str) -> Option<&'static Value> {
    DOC.get("paths")?
        .get(route)?
        .get(method.as_str().to_ascii_lowercase())?
        .get("requestBody")?
        .get("content")?
        .get("application/json")?
        .get("schema")
}

/// The schema a `$ref` points to within the document.
fn resolve(schema: &'static Value) -> &'static Value {
    let mut s = schema;
    // Bounded: a reference to a reference is allowed, a cycle is not followed for ever.
    for _ in 0..8 {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.strip_prefix('#').and_then(|p| DOC.pointer(p)) {
                Some(target) => s = target,
                None => return &Value::Null,
            },
            None => return s,
        }
    }
    s
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The field name of `path` in an error: `$` for the body as a whole.
fn name(path: &str) -> String {
    if path.is_empty() {
        "$".to_owned()
    } else {
        path.to_owned()
    }
}

/// Adds to `errs` every way `value` does not have the shape of `schema`, under `path`.
fn check(
    schema: &'static Value,
    value: &Value,
    path: &str,
    errs: &mut Vec<(String, &'static str)>,
) {
    let schema = resolve(schema);
    if value.is_null() {
        if schema.get("nullable").and_then(Value::as_bool) != Some(true)
            && schema.get("type").is_some()
        {
            errs.push((name(path), "err-type"));
        }
        return;
    }
    let fits = match schema.get("type").and_then(Value::as_str) {
        None => true,
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        // The handlers keep whole numbers as i64.
        Some("integer") => value.is_i64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some(_) => false,
    };
    if !fits {
        errs.push((name(path), "err-type"));
        return;
    }
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for key in required.iter().filter_map(Value::as_str) {
                if !object.contains_key(key) {
                    errs.push((join(path, key), "err-required"));
                }
            }
        }
        for (key, v) in object {
            match properties.and_then(|p| p.get(key)) {
                Some(property) => check(property, v, &join(path, key), errs),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => errs.push((join(path, key), "err-unknown-field")),
                    Some(extra @ Value::Object(_)) => check(extra, v, &join(path, key), errs),
                    _ => {}
                },
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, v) in array.iter().enumerate() {
            check(items, v, &join(path, &i.to_string()), errs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(method: Method, route: &str, body: Value) -> Vec<(String, &'static str)> {
        let mut errs = Vec::new();
        check(
            request_schema(&method, route).expect("schema"),
            &body,
            "",
            &mut errs,
        );
        errs
    }

    #[test]
    fn a_body_missing_a_required_property_or_with_an_unknown_one_is_named() {
        let errs = errors(
            Method::PUT,
            "/api/v1/orgs/{id}",
            serde_json::json!({"name_ar": "أ", "name_en": "A", "colour": "red"}),
        );
        assert_eq!(
            errs,
            vec![
                ("code".to_owned(), "err-required"),
                ("colour".to_owned(), "err-unknown-field")
            ]
        );
    }

    #[test]
    fn types_are_checked_down_to_the_items_of_lists() {
        let errs = errors(
            Method::POST,
            "/api/v1/agreements",
            serde_json::json!({
                "kind": "visit", "title": "t", "held_on": "2026-01-01", "member_ids": [1, "2", 1.5],
                "points": [{"body": "b", "owner_org_id": 1, "due_on": null}, {"body": 3, "owner_org_id": 1, "x": 1}]
            }),
        );
        assert_eq!(
            errs,
            vec![
                ("member_ids.1".to_owned(), "err-type"),
                ("member_ids.2".to_owned(), "err-type"),
                ("points.1.body".to_owned(), "err-type"),
                ("points.1.x".to_owned(), "err-unknown-field"),
            ]
        );
        let errs = errors(Method::POST, "/api/v1/assistance", serde_json::json!([]));
        assert_eq!(errs, vec![("$".to_owned(), "err-type")]);
        let errs = errors(
            Method::POST,
            "/api/v1/registry/check",
            serde_json::json!({"full_name": null}),
        );
        assert_eq!(errs, vec![("full_name".to_owned(), "err-type")]);
    }

    /// Every keyword of every schema in the document is one the edge checks or one left to the
    /// services on purpose: a new keyword is a decision, not an accident.
    #[test]
    fn the_document_uses_only_keywords_whose_checking_is_decided() {
        fn walk(v: &Value, out: &mut Vec<String>) {
            if let Some(o) = v.as_object() {
                for (k, v) in o {
                    match k.as_str() {
                        // Maps of names to schemas, not keywords.
                        "properties" => {
                            for s in v.as_object().into_iter().flat_map(|m| m.values()) {
                                walk(s, out);
                            }
                        }
                        "enum" | "required" | "description" | "example" => out.push(k.clone()),
                        _ => {
                            out.push(k.clone());
                            walk(v, out);
                        }
                    }
                }
            }
        }
        let mut used = Vec::new();
        for schema in DOC["components"]["schemas"].as_object().unwrap().values() {
            walk(schema, &mut used);
        }
        for k in used {
            assert!(
                SHAPE_KEYWORDS.contains(&k.as_str())
                    || MEANING_KEYWORDS.contains(&k.as_str())
                    // Response-only annotations.
                    || k == "readOnly",
                "schema keyword {k} is neither checked at the edge nor left to the services"
            );
        }
    }
}
