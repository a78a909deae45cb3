//! The HTML report in a real browser: headless Chromium renders `compare seeds/ --format html`
//! (and one development cluster when `../shared/eval/clusters/` is there) and the test reads
//! the DOM after scripts ran: every group card is there, Arabic sentences are right to left,
//! each claim's words are marked, the filter script applies a filter given in the URL hash,
//! with scripts off everything is visible (the page as written), no console message (a CSP violation, a script
//! error) is logged, and no request leaves the page: Chromium is pointed at a local proxy that
//! records every request, and a probe page proves the proxy sees page loads. A screenshot is
//! written under `target/html-report/` and its size checked.
//!
//! Without Chromium the test prints that it is skipped; under CI (`CI` set) it fails instead,
//! since `.ci/run` installs it.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The browser to drive: `$CHROMIUM`, else the first of the usual names on PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome", "chrome"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// A proxy that answers nothing and records the first line of every request it receives.
struct Proxy {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut stream = stream;
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let mut buf = [0u8; 512];
                let n = stream.read(&mut buf).unwrap_or(0);
                let first = String::from_utf8_lossy(&buf[..n])
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_string();
                log.lock().unwrap().push(first);
            }
        });
        Proxy { port, seen }
    }

    /// Requests other than the browser's own background calls to its vendor's services
    /// (clock, accounts), which happen whatever page is open. A connection that sends nothing
    /// (a speculative preconnect, or one cut when a browser exits) requests nothing.
    fn page_requests(&self) -> Vec<String> {
        const BROWSER_OWN: [&str; 5] = [
            "google.com",
            "googleapis.com",
            "googleusercontent.com",
            "gstatic.com",
            "gvt1.com",
        ];
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|line| !line.trim().is_empty())
            .filter(|line| {
                let target = line.split_whitespace().nth(1).unwrap_or("");
                let host = target
                    .trim_start_matches("http://")
                    .trim_start_matches("https://")
                    .split(['/', ':'])
                    .next()
                    .unwrap_or("");
                !BROWSER_OWN
                    .iter()
                    .any(|d| host == *d || host.ends_with(&format!(".{d}")))
            })
            .cloned()
            .collect()
    }
}

/// What one headless run gave: the DOM (or nothing for a screenshot) and the console lines.
struct Run {
    dom: String,
    console: Vec<String>,
}

fn run_chromium(browser: &Path, proxy: &Proxy, url: &str, extra: &[&str]) -> Run {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .arg(format!("--proxy-server=http://127.0.0.1:{}", proxy.port))
    // the proxy sees loopback too: nothing may load from anywhere
    .arg("--proxy-bypass-list=<-loopback>")
    .args(extra)
    .arg(url)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("chromium starts");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 90 s on {url}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let dom = out.join().unwrap();
    let console = err
        .join()
        .unwrap()
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    Run { dom, console }
}

fn report(args: &[&str], out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_claimdiff"))
        .args(["compare", "--format", "html", "--output"])
        .arg(out)
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "claimdiff compare {args:?} failed");
}

fn file_url(p: &Path) -> String {
    format!("file://{}", std::fs::canonicalize(p).unwrap().display())
}

/// The opening tags of the group cards in a DOM.
fn cards(dom: &str) -> Vec<&str> {
    dom.match_indices("<article class=\"card")
        .map(|(i, _)| &dom[i..i + dom[i..].find('>').unwrap()])
        .collect()
}

/// Checks one report in the browser; returns the number of cards.
fn check_report(browser: &Path, proxy: &Proxy, page: &Path, shot: &Path, groups: usize) {
    let url = file_url(page);
    let html = std::fs::read_to_string(page).unwrap();

    // scripts on, no filter: every card, visible
    let run = run_chromium(browser, proxy, &url, &["--dump-dom"]);
    assert!(run.dom.contains("class=\"js\""), "the page's script ran");
    let all = cards(&run.dom);
    assert_eq!(all.len(), groups, "one card per group");
    assert!(all.iter().all(|c| !c.contains(" hidden")), "no card hidden");
    assert!(
        !run.dom.contains("<form id=\"filters\" hidden"),
        "filters shown"
    );
    assert!(
        run.console.is_empty(),
        "console messages: {:#?}",
        run.console
    );

    // every claim row's sentence has its words marked; Arabic documents' sentences are rtl
    let sentences: Vec<&str> = run
        .dom
        .split("<td class=\"sentence\"")
        .skip(1)
        .map(|s| &s[..s.find("</td>").unwrap()])
        .collect();
    assert!(!sentences.is_empty());
    let unmarked: Vec<&&str> = sentences.iter().filter(|s| !s.contains("<mark>")).collect();
    assert!(
        unmarked.is_empty(),
        "sentences without a mark: {unmarked:#?}"
    );
    if html.contains("lang=\"ar\">") {
        assert!(sentences
            .iter()
            .any(|s| s.starts_with(" dir=\"rtl\" lang=\"ar\"")));
    }

    // a filter in the URL hash: only conflicts remain visible
    let run = run_chromium(
        browser,
        proxy,
        &format!("{url}#verdict=conflict"),
        &["--dump-dom"],
    );
    let shown = cards(&run.dom);
    let conflicts = shown
        .iter()
        .filter(|c| c.contains("data-verdict=\"conflict\""))
        .count();
    for c in &shown {
        assert_eq!(
            c.contains("data-verdict=\"conflict\""),
            !c.contains(" hidden"),
            "filtered card: {c}"
        );
    }
    assert!(run.dom.contains(&format!("data-shown=\"{conflicts}\"")));
    assert!(
        run.console.is_empty(),
        "console messages: {:#?}",
        run.console
    );

    // a text search that matches nothing hides every card and says so
    let run = run_chromium(
        browser,
        proxy,
        &format!("{url}#q=zzzz-no-such-text"),
        &["--dump-dom"],
    );
    assert!(cards(&run.dom).iter().all(|c| c.contains(" hidden")));
    assert!(run.dom.contains("<p id=\"nomatch\">"));

    // scripts off, the DOM is the file as written (Chromium's --dump-dom needs scripts, so the
    // source is read): every card visible, the filter bar (useless without scripts) hidden
    assert_eq!(cards(&html).len(), groups);
    assert!(cards(&html).iter().all(|c| !c.contains(" hidden")));
    assert!(html.contains("<form id=\"filters\" hidden>"));

    // a screenshot a person can look at
    let _ = std::fs::remove_file(shot);
    run_chromium(
        browser,
        proxy,
        &url,
        &[
            "--window-size=1280,1500",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    let size = std::fs::metadata(shot).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 30_000,
        "screenshot {} is {size} bytes",
        shot.display()
    );
}

fn group_count(args: &[&str]) -> usize {
    let out = Command::new(env!("CARGO_BIN_EXE_claimdiff"))
        .args(["compare", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["groups"].as_array().unwrap().len()
}

#[test]
fn the_html_report_works_in_a_real_browser_without_the_network() {
    let Some(browser) = chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!("chromium is missing: .ci/run installs it (apt-get install -y chromium)");
        }
        eprintln!("skipped: no chromium on PATH (set CHROMIUM=...; CI installs it)");
        return;
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("html-report");
    std::fs::create_dir_all(&dir).unwrap();
    let proxy = Proxy::start();

    // the proxy sees what a page loads: a probe page without a CSP fetches an image through it
    let probe = dir.join("probe.html");
    std::fs::write(
        &probe,
        "<!DOCTYPE html><img src=\"http://claimdiff-probe.invalid/x.png\">",
    )
    .unwrap();
    run_chromium(&browser, &proxy, &file_url(&probe), &["--dump-dom"]);
    assert!(
        proxy
            .page_requests()
            .iter()
            .any(|r| r.contains("claimdiff-probe.invalid")),
        "the proxy did not see the probe's request: {:?}",
        proxy.page_requests()
    );
    proxy.seen.lock().unwrap().clear();

    let seeds = dir.join("seeds.html");
    report(&["seeds/"], &seeds);
    check_report(
        &browser,
        &proxy,
        &seeds,
        &dir.join("seeds.png"),
        group_count(&["seeds/"]),
    );
    let cluster = Path::new("../shared/eval/clusters/beirut_port_explosion_2020");
    if cluster.is_dir() {
        let page = dir.join("cluster.html");
        let arg = cluster.to_str().unwrap();
        report(&["--lang", "en", arg], &page);
        check_report(
            &browser,
            &proxy,
            &page,
            &dir.join("cluster.png"),
            group_count(&[arg]),
        );
    }
    let leaked = proxy.page_requests();
    assert!(leaked.is_empty(), "the report made requests: {leaked:#?}");
    eprintln!(
        "{} connections to the proxy, all the browser's own background calls",
        proxy.seen.lock().unwrap().len()
    );
}
