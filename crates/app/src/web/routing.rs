//! A feature's routes as it hands them to the router: each route is added with its method, so
//! that the whole application's routes can be listed ([`Routes::list`]) — the access-matrix and
//! OpenAPI tests enumerate them from the router itself, and a new route without a row or an
//! entry fails them — and routes that take files are declared as such ([`Routes::upload`]) and
//! get the upload body limit instead of the ordinary one.

use super::AppState;
use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, on};

/// One route: its method, its path as axum writes it (`/orgs/{id}`), and whether it takes a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub takes_file: bool,
}

/// Routes being gathered: ordinary ones, those that take files, and the list of both.
#[derive(Default)]
pub struct Routes {
    ordinary: Router<AppState>,
    uploads: Router<AppState>,
    list: Vec<Route>,
}

impl Routes {
    pub fn new() -> Self {
        Routes::default()
    }

    pub fn get<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, handler, false)
    }

    pub fn post<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, handler, false)
    }

    pub fn put<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::PUT, path, handler, false)
    }

    /// A `POST` that takes a file (a multipart form): it gets the upload body limit, and the
    /// NUL check leaves its body to the table reader, which refuses such rows one by one.
    pub fn upload<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, handler, true)
    }

    fn add<H, T>(mut self, method: Method, path: &'static str, handler: H, takes_file: bool) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        // GET, POST and PUT are methods axum routes: this cannot fail.
        let filter = MethodFilter::try_from(method.clone()).expect("a method axum routes");
        let handler = on(filter, handler);
        // Two methods on one path are merged by axum; the same method twice is a panic at start.
        if takes_file {
            self.uploads = self.uploads.route(path, handler);
        } else {
            self.ordinary = self.ordinary.route(path, handler);
        }
        self.list.push(Route {
            method,
            path,
            takes_file,
        });
        self
    }

    /// These routes and `other`'s.
    pub fn merge(mut self, other: Routes) -> Self {
        self.ordinary = self.ordinary.merge(other.ordinary);
        self.uploads = self.uploads.merge(other.uploads);
        self.list.extend(other.list);
        self
    }

    /// Every route, in the order added.
    pub fn list(&self) -> &[Route] {
        &self.list
    }

    /// The ordinary routes, those that take files, and the paths of the latter.
    pub(super) fn into_parts(self) -> (Router<AppState>, Router<AppState>, UploadPaths) {
        let paths = UploadPaths(
            self.list
                .iter()
                .filter(|r| r.takes_file)
                .map(|r| r.path)
                .collect(),
        );
        (self.ordinary, self.uploads, paths)
    }
}

/// The paths of the routes that take files, to give their requests the upload limit before
/// routing.
#[derive(Debug, Clone, Default)]
pub struct UploadPaths(Vec<&'static str>);

impl UploadPaths {
    /// Whether a request's path is one of them (`{…}` in a route's path stands for one segment).
    pub fn contains(&self, path: &str) -> bool {
        self.0.iter().any(|route| {
            let (mut r, mut p) = (route.split('/'), path.split('/'));
            loop {
                match (r.next(), p.next()) {
                    (None, None) => return true,
                    (Some(a), Some(b)) if a == b || (a.starts_with('{') && !b.is_empty()) => {}
                    _ => return false,
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_paths_match_whole_segments() {
        let paths = UploadPaths(vec!["/registry/upload", "/files/{id}/new"]);
        assert!(paths.contains("/registry/upload"));
        assert!(paths.contains("/files/7/new"));
        assert!(!paths.contains("/registry/upload/x"));
        assert!(!paths.contains("/registry"));
        assert!(!paths.contains("/files//new"));
        assert!(!paths.contains("/files/7/new/more"));
    }
}
