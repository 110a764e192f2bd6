//! A small static file server for `dist/`, used by `serve` and by the end-to-end tests.
//!
//! It answers GET and HEAD for files under one folder, with the content types a browser needs
//! (`application/wasm` for streaming compilation), and nothing else. It is meant for
//! 127.0.0.1 only.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::thread;

use crate::shell::Result;

/// A server bound to a local port, answering on background threads.
pub struct Server {
    pub port: u16,
}

/// Binds 127.0.0.1:`port` (0 picks a free port) and serves `dir` until the process ends.
pub fn start(dir: &Path, port: u16) -> Result<Server> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let dir = dir.to_path_buf();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            thread::spawn(move || {
                // A client that hangs up early is not an error worth reporting.
                let _ = answer(stream, &dir);
            });
        }
    });
    Ok(Server { port })
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "py" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The file a request path names inside `dir`, refusing anything that leaves it.
pub fn resolve(dir: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let mut out = dir.to_path_buf();
    for part in Path::new(path.trim_start_matches('/')).components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if out.is_dir() {
        out.push("index.html");
    }
    out.is_file().then_some(out)
}

fn answer(stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let mut words = request_line.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("/"));
    let mut out = stream;
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut out,
            "405 Method Not Allowed",
            "text/plain",
            b"method not allowed\n",
            true,
        );
    }
    match resolve(dir, target).and_then(|p| std::fs::read(&p).ok().map(|b| (p, b))) {
        Some((path, body)) => respond(
            &mut out,
            "200 OK",
            content_type(&path),
            &body,
            method == "GET",
        ),
        None => respond(
            &mut out,
            "404 Not Found",
            "text/plain",
            b"not found\n",
            method == "GET",
        ),
    }
}

fn respond(
    out: &mut TcpStream,
    status: &str,
    kind: &str,
    body: &[u8],
    with_body: bool,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    );
    out.write_all(head.as_bytes())?;
    if with_body {
        out.write_all(body)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn get(port: u16, target: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connects");
        write!(s, "GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").expect("writes");
        let mut text = String::new();
        s.read_to_string(&mut text).expect("reads");
        text
    }

    #[test]
    fn serves_files_with_types_and_refuses_escapes() {
        let dir = std::env::temp_dir().join(format!("xtask-server-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).expect("temp dir");
        std::fs::write(dir.join("index.html"), "<p>hi</p>").expect("writes");
        std::fs::write(dir.join("sub").join("a.wasm"), [0, 97, 115, 109]).expect("writes");
        let server = start(&dir, 0).expect("starts");

        let index = get(server.port, "/?code=x%3D1");
        assert!(index.starts_with("HTTP/1.1 200 OK"), "{index}");
        assert!(index.contains("Content-Type: text/html") && index.ends_with("<p>hi</p>"));
        let wasm = get(server.port, "/sub/a.wasm");
        assert!(
            wasm.contains("Content-Type: application/wasm") && wasm.contains("Content-Length: 4")
        );
        assert!(get(server.port, "/missing.js").starts_with("HTTP/1.1 404"));
        assert!(get(server.port, "/../Cargo.toml").starts_with("HTTP/1.1 404"));
        assert_eq!(resolve(&dir, "/sub/../index.html"), None);
        std::fs::remove_dir_all(&dir).expect("cleans up");
    }
}
