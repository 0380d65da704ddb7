//! A real browser for the HTML tests: Debian's headless Chromium driven through ChromeDriver's
//! WebDriver protocol (JSON over HTTP on loopback, spoken here with the standard library).
//! `Browser::start` returns `None`, with a message, where Chromium or ChromeDriver is missing
//! (a fresh machine: `apt-get install chromium chromium-driver`; `.ci/run` installs them, and
//! under `CI` a missing browser is a failure, not a skip). Screenshots are kept under the
//! target folder (`target/tmp/screenshots/`), not committed.

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The key of an element reference in WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A headless Chromium session; closed and its driver stopped when dropped.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts ChromeDriver and a headless Chromium, or says why not and returns `None`.
    pub fn start() -> Option<Browser> {
        for program in [CHROMIUM, CHROMEDRIVER] {
            if !Path::new(program).exists() {
                let why = format!(
                    "{program} is missing: install Debian's chromium and chromium-driver \
                     (`.ci/run` does)"
                );
                assert!(std::env::var_os("CI").is_none(), "{why}");
                eprintln!("skipping the browser test: {why}");
                return None;
            }
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().unwrap();
        let mut browser = Browser {
            driver,
            port,
            session: String::new(),
            _profile: profile,
        };
        let started = Instant::now();
        while browser.request("GET", "/status", None).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let args = json!([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,900",
            format!("--user-data-dir={}", browser._profile.path().display()),
        ]);
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
        }}});
        let answer = browser
            .request("POST", "/session", Some(&capabilities))
            .expect("a browser session");
        browser.session = answer["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {answer}"))
            .to_string();
        Some(browser)
    }

    /// Opens a local file and waits until its scripts have run.
    pub fn open(&self, path: &Path) {
        let path = path.canonicalize().unwrap();
        self.command(
            "url",
            json!({ "url": format!("file://{}", path.display()) }),
        );
        self.wait_for("document.readyState === 'complete'");
    }

    /// Runs `script` (a function body: `return ...;`) in the page and gives its result.
    pub fn eval(&self, script: &str) -> Value {
        self.command("execute/sync", json!({"script": script, "args": []}))
    }

    /// Waits (up to 10 s) until the expression `condition` is true in the page.
    pub fn wait_for(&self, condition: &str) {
        let started = Instant::now();
        while self.eval(&format!("return !!({condition});")) != json!(true) {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "timed out waiting for {condition}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Clicks the first element matching the CSS `selector`, as a user would (scrolled into
    /// view, by the browser's own input pipeline).
    pub fn click(&self, selector: &str) {
        let found = self.command(
            "element",
            json!({"using": "css selector", "value": selector}),
        );
        let id = found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {selector}: {found}"));
        self.command(&format!("element/{id}/click"), json!({}));
    }

    /// Moves the pointer over the first element matching `selector`.
    pub fn hover(&self, selector: &str) {
        let found = self.command(
            "element",
            json!({"using": "css selector", "value": selector}),
        );
        let origin = json!({ ELEMENT: found[ELEMENT] });
        let actions = json!({"actions": [{"type": "pointer", "id": "mouse", "actions": [
            {"type": "pointerMove", "duration": 0, "origin": origin, "x": 0, "y": 0}
        ]}]});
        self.command("actions", actions);
    }

    /// The visible text of the elements matching `selector`.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let script = format!(
            "return Array.from(document.querySelectorAll({})).map(e => e.innerText);",
            json!(selector)
        );
        let found = self.eval(&script);
        let texts = found.as_array().cloned().unwrap_or_default();
        texts
            .iter()
            .map(|t| t.as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Saves a screenshot of the window as `NAME.png` in the screenshot folder; returns its path.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let data = self.request("GET", &self.path("screenshot"), None).unwrap();
        let png = base64(data["value"].as_str().unwrap());
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    fn path(&self, command: &str) -> String {
        format!("/session/{}/{command}", self.session)
    }

    fn command(&self, command: &str, body: Value) -> Value {
        let answer = self
            .request("POST", &self.path(command), Some(&body))
            .unwrap_or_else(|e| panic!("{command}: {e}"));
        if let Some(error) = answer["value"]["error"].as_str() {
            panic!("{command}: {error}: {}", answer["value"]["message"]);
        }
        answer["value"].clone()
    }

    /// One HTTP/1.1 request to the driver; its JSON answer.
    fn request(&self, method: &str, path: &str, body: Option<&Value>) -> std::io::Result<Value> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        let body = body.map(Value::to_string).unwrap_or_default();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )?;
        // The driver may keep the connection open: read the head, then the body's length.
        let mut raw = Vec::new();
        let mut buf = [0u8; 65536];
        let head_end = loop {
            if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            let n = stream.read(&mut buf)?;
            if n == 0 {
                return Err(std::io::Error::other("connection closed before the head"));
            }
            raw.extend_from_slice(&buf[..n]);
        };
        let head = String::from_utf8_lossy(&raw[..head_end]).to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok());
        let chunked = head.contains("transfer-encoding: chunked");
        loop {
            let body = &raw[head_end..];
            let complete = match length {
                Some(n) => body.len() >= n,
                None if chunked => body.windows(5).any(|w| w == b"0\r\n\r\n"),
                None => false,
            };
            if complete {
                break;
            }
            let n = stream.read(&mut buf)?;
            if n == 0 {
                break;
            }
            raw.extend_from_slice(&buf[..n]);
        }
        let rest = String::from_utf8_lossy(&raw[head_end..]).into_owned();
        let content = if chunked { unchunk(&rest) } else { rest };
        serde_json::from_str(&content).map_err(std::io::Error::other)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.request("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// The body of a chunked HTTP answer.
fn unchunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

/// Decodes standard base64 (the screenshot).
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let sextets: Vec<u8> = text.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(sextets.len() * 3 / 4);
    for group in sextets.chunks(4) {
        let bits = group
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &s)| acc | (u32::from(s) << (18 - 6 * i)));
        out.extend_from_slice(&bits.to_be_bytes()[1..group.len()]);
    }
    out
}

/// The harness itself, on a page of our own: a click changes the page, text is read back, a
/// screenshot is a PNG.
#[test]
fn the_browser_clicks_reads_and_takes_screenshots() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><body><button id=b onclick=\"document.getElementById('o')\
         .textContent='clicked &lt;b&gt;'\">Go</button><p id=o>waiting</p>\
         <span id=h onmouseover=\"this.textContent='hovered'\">hover me</span></body></html>",
    )
    .unwrap();
    browser.open(&page);
    assert_eq!(browser.texts("#o"), ["waiting"]);
    browser.click("#b");
    assert_eq!(browser.texts("#o"), ["clicked <b>"]);
    browser.hover("#h");
    assert_eq!(browser.texts("#h"), ["hovered"]);
    let shot = browser.screenshot("harness");
    let png = std::fs::read(shot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 1000);
}
