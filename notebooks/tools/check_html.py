#!/usr/bin/env python3
"""Checks an executed notebook as a user sees it: its nbconvert HTML export loaded in headless Chromium with the
network blocked, plus its .ipynb JSON.

    check_html.py [--ipynb NB.ipynb] [--screenshot OUT.png] [--name NAME]
                  [--max-ipynb-kb N] [--max-html-kb N] [--max-cell-kb N] PAGE.html
    check_html.py --self-test

Findings (each one makes the exit code 1):
  * a broken image: an <img> (data: URI, file path or URL) that is not complete or has naturalWidth 0;
  * a visible inline <svg> with a zero width or height;
  * a raw .NET type name in an output area (`Oml.Pipelines.TrainRunResult`, `System.Collections.Generic.…`,
    `Microsoft.DotNet.Interactive.…`): a value printed instead of its view. Only output areas are searched
    (`.jp-OutputArea-output`, classic `.output_subarea`), never the code cells' source, which legitimately says
    `using Oml.Data;`;
  * an error or stderr output: in the HTML (nbconvert renders both errors and stderr streams as
    `[data-mime-type="application/vnd.jupyter.stderr"]`, a red box for the user), and in the .ipynb
    (output_type "error"; a stderr stream with "error CS" or "Exception");
  * a JavaScript exception thrown in the page (an output's script that breaks offline);
  * a request that tried to leave the page (http, https, ws), other than the nbconvert template's own <script src>
    in <head> (require.js, MathJax from a CDN: listed, not a finding; the page must work without them);
  * a size over a limit: the .ipynb, the .html, or one cell's outputs (serialized JSON), in KB (0 = no limit).
It prints one summary line (sizes, largest cell output, counts, verdict) and one indented line per finding.
With --screenshot it writes a full-page PNG, 1200 CSS px wide and as tall as the page (up to --max-shot-height).

Why this approach: python3's stdlib has no WebSocket client, and the DevTools protocol needs one over TCP. Chromium's
--remote-debugging-pipe speaks the same protocol as NUL-terminated JSON over file descriptors 3 and 4, which
subprocess + os.pipe provide. So the check needs only Debian's python3 and chromium: no pip/npm/apt dependency
(python3-websocket would be one), nothing to install at run time, nothing to download with the network off. The
protocol also lets the check see and fail every request (Fetch domain) and measure the page for the screenshot.

Exit codes: 0 clean, 1 findings, 2 usage error or the browser could not be driven.
"""
import argparse
import base64
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zlib

RAW_TYPE_RE = r"\b(?:Oml(?:\.[A-Z][A-Za-z0-9_]*)+(?:`\d+)?|System\.Collections\.Generic\.[A-Za-z0-9_.`]+|Microsoft\.DotNet\.Interactive\.[A-Za-z0-9_.`]+)"
# the package ids of this repository, shown by `#r "nuget: ..."` ("Oml.Interactive, 0.1.0-dev...") and by the
# extension's banner ("Oml.Interactive loaded: ..."): a package name, not a type name (no type is named so)
PACKAGE_IDS = ("Oml", "Oml.Interactive", "Oml.Cli")

# ---------------------------------------------------------------------------------------------------- browser
def find_chromium():
    for c in (os.environ.get("CHROMIUM"), "/usr/lib/chromium/chromium", shutil.which("chromium"),
              shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


class Browser:
    """Headless Chromium driven through the DevTools protocol over --remote-debugging-pipe (fds 3 and 4)."""

    def __init__(self, width=1200, height=900):
        exe = find_chromium()
        if not exe:
            raise RuntimeError("no chromium found (set CHROMIUM=/path/to/chromium)")
        self.profile = tempfile.mkdtemp(prefix="check-html-chromium-")
        to_chrome_r, self.to_chrome_w = os.pipe()
        self.from_chrome_r, from_chrome_w = os.pipe()
        # move the child's ends above 3/4 so that dup2 onto 3 and 4 cannot clobber one with the other
        child_in = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
        child_out = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
        os.close(to_chrome_r)
        os.close(from_chrome_w)

        def preexec():
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        args = [exe, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", f"--user-data-dir={self.profile}", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-breakpad",
                "--disable-domain-reliability", "--no-pings", "--mute-audio", "--hide-scrollbars",
                "--allow-file-access-from-files",
                # the network is off for the page: every host name fails to resolve, every connection (loopback
                # included) goes to a closed proxy port; the Fetch domain below also fails and records requests
                "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
                "--proxy-bypass-list=<-loopback>",
                f"--window-size={width},{height}", "about:blank"]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, pass_fds=(3, 4), preexec_fn=preexec)
        os.close(child_in)
        os.close(child_out)
        self.lock = threading.Lock()
        self.cond = threading.Condition()
        self.next_id = 0
        self.results = {}
        self.handlers = {}  # method -> callable(params, session_id)
        self.closed = False
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        buf = b""
        while True:
            try:
                chunk = os.read(self.from_chrome_r, 1 << 20)
            except OSError:
                chunk = b""
            if not chunk:
                break
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    with self.cond:
                        self.results[msg["id"]] = msg
                        self.cond.notify_all()
                else:
                    h = self.handlers.get(msg.get("method"))
                    if h:
                        try:
                            h(msg.get("params", {}), msg.get("sessionId"))
                        except Exception as e:  # a handler bug must not kill the reader
                            print(f"check_html: handler {msg.get('method')}: {e}", file=sys.stderr)
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def send(self, method, params=None, session=None):
        with self.lock:
            self.next_id += 1
            mid = self.next_id
            msg = {"id": mid, "method": method, "params": params or {}}
            if session:
                msg["sessionId"] = session
            data = json.dumps(msg).encode() + b"\0"
            while data:
                n = os.write(self.to_chrome_w, data)
                data = data[n:]
        return mid

    def call(self, method, params=None, session=None, timeout=60):
        mid = self.send(method, params, session)
        deadline = time.monotonic() + timeout
        with self.cond:
            while mid not in self.results:
                left = deadline - time.monotonic()
                if self.closed:
                    raise RuntimeError(f"chromium exited during {method}")
                if left <= 0:
                    raise RuntimeError(f"chromium did not answer {method} in {timeout} s")
                self.cond.wait(left)
            msg = self.results.pop(mid)
        if "error" in msg:
            raise RuntimeError(f"{method}: {msg['error'].get('message')}")
        return msg.get("result", {})

    def close(self):
        try:
            self.send("Browser.close")
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self.to_chrome_w, self.from_chrome_r):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)


# the in-page check; returns a JSON-able object
PAGE_CHECK_JS = r"""
(async (rawRe, packageIds) => {
  const OUT = '.jp-OutputArea-output, .output_subarea';
  const cells = [...document.querySelectorAll('.jp-Cell, .cell')].filter(c => !c.parentElement.closest('.jp-Cell, .cell'));
  function where(el) {
    const cell = el.closest('.jp-Cell, .cell');
    if (!cell) return 'outside any cell';
    let top = cell; while (top.parentElement && top.parentElement.closest('.jp-Cell, .cell')) top = top.parentElement.closest('.jp-Cell, .cell');
    const p = top.querySelector('.jp-InputPrompt, .input_prompt');
    const m = p && p.textContent.replace(/\u00a0/g, ' ').match(/\[\s*(\d*)\s*\]/);
    return 'cell ' + (cells.indexOf(top) + 1) + (m && m[1] ? ' [In ' + m[1] + ']' : '');
  }
  const imgs = [...document.images];
  imgs.forEach(i => { if (i.loading === 'lazy') i.loading = 'eager'; });
  const decodeFailed = new Set();
  await Promise.race([
    Promise.all(imgs.map(i => i.decode().catch(() => decodeFailed.add(i)))),
    new Promise(r => setTimeout(r, 15000))]);
  const brokenImages = imgs.filter(i => decodeFailed.has(i) || !i.complete || i.naturalWidth === 0).map(i => ({
    where: where(i), src: (i.getAttribute('src') || '(no src)').slice(0, 100)}));
  const svgs = [...document.querySelectorAll('svg')].filter(s => !s.parentElement || !s.parentElement.closest('svg'));
  const emptySvgs = svgs.filter(s => {
    const r = s.getBoundingClientRect();
    return (r.width < 1 || r.height < 1) && s.checkVisibility();
  }).map(s => ({where: where(s), size: Math.round(s.getBoundingClientRect().width) + 'x' + Math.round(s.getBoundingClientRect().height)}));
  const outputs = [...document.querySelectorAll(OUT)].filter(o => !o.parentElement.closest(OUT));
  const rawNames = [];
  const re = new RegExp(rawRe, 'g');
  for (const o of outputs) {
    const walker = document.createTreeWalker(o, NodeFilter.SHOW_TEXT, {acceptNode: n =>
      n.parentElement && n.parentElement.closest('script, style, template, noscript') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
    const text = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) text.push(n.nodeValue);
    const all = text.join(' ');
    for (const m of all.matchAll(re)) {
      if (packageIds.includes(m[0])) continue;  // "Oml.Interactive, 0.1.0", "Oml.Interactive loaded": a package
      rawNames.push({where: where(o), name: m[0],
        context: all.slice(Math.max(0, m.index - 40), m.index + m[0].length + 40).replace(/\s+/g, ' ').trim()});
    }
  }
  const errorOutputs = [...document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"], .output_stderr, .output_error')]
    .filter(e => !e.parentElement.closest('[data-mime-type="application/vnd.jupyter.stderr"], .output_stderr, .output_error'))
    .map(e => ({where: where(e), text: e.innerText.replace(/\s+/g, ' ').trim().slice(0, 200)}));
  return {cells: cells.length, outputs: outputs.length, images: imgs.length, svgs: svgs.length,
          brokenImages, emptySvgs, rawNames, errorOutputs};
})
"""


def check_page(browser, html_path, screenshot=None, width=1200, max_shot_height=40000, timeout=120):
    """Loads html_path with the network blocked, runs PAGE_CHECK_JS; returns (page result dict, requests, js errors)."""
    # a fresh tab per page: Runtime.enable on a reused tab would replay the previous page's exceptions
    target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    requests, exceptions, sockets = [], [], []
    loaded = threading.Event()

    def on_paused(p, sid):
        url = p["request"]["url"]
        if url.split(":", 1)[0].lower() in ("file", "data", "blob", "about", "chrome", "devtools"):
            browser.send("Fetch.continueRequest", {"requestId": p["requestId"]}, sid)
        else:
            requests.append(url)
            browser.send("Fetch.failRequest", {"requestId": p["requestId"], "errorReason": "InternetDisconnected"}, sid)

    def on_exception(p, sid):
        d = p.get("exceptionDetails", {})
        text = (d.get("exception") or {}).get("description") or d.get("text", "")
        exceptions.append(f"{text.splitlines()[0] if text else 'exception'} (line {d.get('lineNumber', '?')})")

    browser.handlers["Fetch.requestPaused"] = on_paused
    browser.handlers["Runtime.exceptionThrown"] = on_exception
    browser.handlers["Network.webSocketCreated"] = lambda p, sid: sockets.append(p.get("url", ""))
    browser.handlers["Page.loadEventFired"] = lambda p, sid: loaded.set()
    browser.call("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}, session)
    browser.call("Network.enable", {}, session)
    browser.call("Page.enable", {}, session)
    browser.call("Runtime.enable", {}, session)
    browser.call("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session)
    url = "file://" + os.path.abspath(html_path)
    nav = browser.call("Page.navigate", {"url": url}, session)
    if nav.get("errorText"):
        raise RuntimeError(f"could not open {url}: {nav['errorText']}")
    if not loaded.wait(timeout):
        raise RuntimeError(f"{html_path}: no load event in {timeout} s")
    time.sleep(1.0)  # let scripts started by onload run (charts that draw after load)
    r = browser.call("Runtime.evaluate", {
        "expression": f"({PAGE_CHECK_JS})({json.dumps(RAW_TYPE_RE)}, {json.dumps(list(PACKAGE_IDS))})",
        "awaitPromise": True, "returnByValue": True}, session, timeout=timeout)
    if "exceptionDetails" in r:
        raise RuntimeError(f"the page check threw: {r['exceptionDetails'].get('text')} "
                           f"{(r['exceptionDetails'].get('exception') or {}).get('description', '')}")
    page = r["result"]["value"]
    if screenshot:
        m = browser.call("Page.getLayoutMetrics", {}, session)
        size = m.get("cssContentSize") or m["contentSize"]
        height = int(size["height"] + 0.999)
        page["pageHeight"] = height
        shot_h = max(1, min(height, max_shot_height))
        page["screenshotTruncated"] = height > max_shot_height
        browser.call("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": shot_h, "deviceScaleFactor": 1, "mobile": False}, session)
        time.sleep(0.5)
        shot = browser.call("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": shot_h, "scale": 1}}, session, timeout=timeout)
        with open(screenshot, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
    browser.call("Target.closeTarget", {"targetId": target})
    return page, requests + [f"(websocket) {s}" for s in sockets], exceptions


# ---------------------------------------------------------------------------------------------------- ipynb
def where_cell(i, cell):
    n = cell.get("execution_count")
    return f"cell {i + 1}" + (f" [In {n}]" if n else "")


PLOTLY_BUNDLE = re.compile(r"<script>\\n(?:\",\s*\")?/\* plotly\.js-basic-dist-min .*?</script>", re.S)


def check_ipynb(path):
    """Returns (size bytes, [(cell label, output bytes)], findings)."""
    nb = json.load(open(path, encoding="utf-8"))
    cells, findings = [], []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        outs = cell.get("outputs", [])
        text = json.dumps(outs, indent=1, ensure_ascii=False) if outs else ""
        size = len(text.encode())
        # the plotly.js bundle rides once per kernel session in the first interactive chart's output (Oml.Interactive's
        # PlotlyHtml); it is the page's library, not the cell's content, so the per-cell limit leaves it out
        bundle = PLOTLY_BUNDLE.search(text)
        if bundle:
            size -= len(bundle.group(0).encode())
        cells.append((where_cell(i, cell), size))
        for o in outs:
            if o.get("output_type") == "error":
                findings.append(f"error output in {where_cell(i, cell)} (ipynb): {o.get('ename')}: "
                                f"{str(o.get('evalue', ''))[:200]}")
            if o.get("output_type") == "stream" and o.get("name") == "stderr":
                text = "".join(o.get("text", "")) if isinstance(o.get("text"), list) else o.get("text", "")
                if "error CS" in text or "Exception" in text:
                    findings.append(f"stderr error in {where_cell(i, cell)} (ipynb): "
                                    f"{' '.join(text.split())[:200]}")
    return os.path.getsize(path), cells, findings


# ---------------------------------------------------------------------------------------------------- main check
def known_requests(html_text):
    """URL prefixes that are not the outputs' own requests: the <script src> in the page's <head> (nbconvert's
    template: require.js, MathJax), and the URLs written in dotnet-interactive's bootstrap script, which the kernel
    (not this repository) puts in the first output of every notebook: it loads require.js from cdnjs when `require`
    is missing, then probes the kernel's HTTP port (http://127.0.0.1:<port>/discovery). Offline both fail silently."""
    head = html_text.split("<body", 1)[0]
    known = {(u, "nbconvert template") for u in re.findall(r"<script[^>]*\bsrc=[\"']([^\"']+)[\"']", head, flags=re.I)}
    for script in re.findall(r"<script[^>]*>(.*?)</script>", html_text, flags=re.S | re.I):
        if "loadDotnetInteractiveApi" in script:
            known |= {(u, "dotnet-interactive kernel bootstrap") for u in re.findall(r"https?://[^'\"`\s)]+", script)}
    return known


def kb(n):
    return (n + 1023) // 1024


def run_check(html, ipynb=None, screenshot=None, name=None, max_ipynb_kb=0, max_html_kb=0, max_cell_kb=0,
              max_shot_height=40000, browser=None, out=sys.stdout):
    """Checks one page; prints the summary line and the findings; returns the list of findings."""
    name = name or os.path.splitext(os.path.basename(html))[0]
    findings, notes = [], []
    html_size = os.path.getsize(html)
    parts = []
    if ipynb:
        nb_size, cells, nb_findings = check_ipynb(ipynb)
        findings += nb_findings
        parts.append(f"ipynb {kb(nb_size)} KB" + (f" (limit {max_ipynb_kb})" if max_ipynb_kb else ""))
        if max_ipynb_kb and kb(nb_size) > max_ipynb_kb:
            findings.append(f"size: {os.path.basename(ipynb)} is {kb(nb_size)} KB > {max_ipynb_kb} KB")
    parts.append(f"html {kb(html_size)} KB" + (f" (limit {max_html_kb})" if max_html_kb else ""))
    if max_html_kb and kb(html_size) > max_html_kb:
        findings.append(f"size: {os.path.basename(html)} is {kb(html_size)} KB > {max_html_kb} KB")
    if ipynb and cells:
        label, biggest = max(cells, key=lambda c: c[1])
        parts.append(f"largest output {label} {kb(biggest)} KB" + (f" (limit {max_cell_kb})" if max_cell_kb else ""))
        if max_cell_kb:
            for label, size in cells:
                if kb(size) > max_cell_kb:
                    findings.append(f"size: output of {label} is {kb(size)} KB > {max_cell_kb} KB")
    own = browser is None
    browser = browser or Browser()
    try:
        page, requests, exceptions = check_page(browser, html, screenshot, max_shot_height=max_shot_height)
    finally:
        if own:
            browser.close()
    known = known_requests(open(html, encoding="utf-8", errors="replace").read())
    for i in page["brokenImages"]:
        findings.append(f"broken image in {i['where']}: {i['src']}")
    for s in page["emptySvgs"]:
        findings.append(f"empty inline <svg> in {s['where']}: {s['size']} px")
    seen = {}
    for r in page["rawNames"]:
        key = (r["where"], r["name"])
        seen.setdefault(key, [0, r["context"]])[0] += 1
    for (w, n), (count, ctx) in seen.items():
        findings.append(f"raw type name in {w}: {n}" + (f" (x{count})" if count > 1 else "") + f" ... {ctx} ...")
    for e in page["errorOutputs"]:
        findings.append(f"error/stderr output shown in {e['where']}: {e['text']}")
    for e in exceptions:
        findings.append(f"javascript exception in the page: {e}")
    for u in requests:
        why = next((w for k, w in sorted(known) if u == k or (k.endswith("/") and u.startswith(k))), None)
        if why:
            notes.append(f"request blocked ({why}, not a finding): {u[:100]}")
        else:
            findings.append(f"request tried to leave the page: {u[:150]}")
    parts.append(f"{page['cells']} cells, {page['outputs']} outputs, {page['images']} img, {page['svgs']} svg")
    if screenshot:
        parts.append(f"screenshot {os.path.basename(screenshot)} 1200x{min(page['pageHeight'], max_shot_height)}"
                     + (f" (page {page['pageHeight']} px, truncated)" if page["screenshotTruncated"] else ""))
    verdict = "ok  " if not findings else "FAIL"
    print(f"check {verdict} {name}: " + ", ".join(parts)
          + (f"; {len(findings)} finding(s)" if findings else "; no findings"), file=out)
    for f in findings:
        print(f"  - {f}", file=out)
    for n in notes:
        print(f"  . {n}", file=out)
    return findings


# ---------------------------------------------------------------------------------------------------- self-test
def _png(w, h, rgb=(200, 30, 30)):
    raw = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))

    def chunk(t, d):
        return len(d).to_bytes(4, "big") + t + d + zlib.crc32(t + d).to_bytes(4, "big")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", w.to_bytes(4, "big") + h.to_bytes(4, "big") + b"\x08\x02\0\0\0")
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _page(outputs_html, source="using Oml.Data;\nusing Oml.Pipelines;"):
    """A page shaped like nbconvert's lab template: one code cell whose source names Oml types."""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title>
<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"></script></head>
<body class="jp-Notebook"><div class="jp-Cell jp-CodeCell jp-Notebook-cell">
<div class="jp-Cell-inputWrapper"><div class="jp-InputArea jp-Cell-inputArea">
<div class="jp-InputPrompt jp-InputArea-prompt">In&nbsp;[1]:</div>
<div class="jp-CodeMirrorEditor jp-Editor jp-InputArea-editor"><pre>{source}</pre></div></div></div>
<div class="jp-Cell-outputWrapper"><div class="jp-OutputArea jp-Cell-outputArea"><div class="jp-OutputArea-child">
<div class="jp-OutputPrompt jp-OutputArea-prompt"></div>
<div class="jp-RenderedHTMLCommon jp-RenderedHTML jp-OutputArea-output" data-mime-type="text/html">
{outputs_html}
</div></div></div></div></div></body></html>"""


def self_test():
    """The checker must flag the bad pages and pass the clean one: a check that cannot fail is a defect."""
    tmp = tempfile.mkdtemp(prefix="check-html-selftest-")
    png = _png(4, 3)
    with open(os.path.join(tmp, "present.png"), "wb") as f:
        f.write(png)
    data_uri = "data:image/png;base64," + base64.b64encode(png).decode()
    good_outputs = (f'<h3>Metrics</h3><table><tr><th>cmc/1</th><td>0.93</td></tr></table>'
                    f'<img src="{data_uri}"><img src="present.png">'
                    '<svg width="120" height="40"><rect width="100" height="30" fill="steelblue"/></svg>'
                    '<p>Installed package Oml.Interactive, 0.1.0-dev.1</p><p>Oml.Interactive loaded: #!oml-train</p>'
                    '<details><summary>hidden</summary><svg width="0" height="0"></svg></details>')
    cases = {
        # name: (outputs html, extra outputs, substrings expected in the findings; [] = must pass)
        "clean": (good_outputs, []),
        "broken_img": (good_outputs + '<img src="missing.png">', ["broken image in cell 1 [In 1]: missing.png"]),
        "raw_type": (good_outputs + '<pre>Oml.Pipelines.TrainRunResult</pre>',
                     ["raw type name in cell 1 [In 1]: Oml.Pipelines.TrainRunResult"]),
        "raw_generic": (good_outputs + '<div>System.Collections.Generic.List`1[Oml.Data.DatasetFrame]</div>',
                        ["raw type name in cell 1 [In 1]: System.Collections.Generic.List`1 ",
                         "raw type name in cell 1 [In 1]: Oml.Data.DatasetFrame"]),
        "empty_svg": (good_outputs + '<svg width="0" height="100"></svg>', ["empty inline <svg> in cell 1 [In 1]"]),
        "stderr": (good_outputs + '</div><div class="jp-RenderedText jp-OutputArea-output" '
                   'data-mime-type="application/vnd.jupyter.stderr"><pre>(1,1): error CS0103: boom</pre>',
                   ["error/stderr output shown in cell 1 [In 1]: (1,1): error CS0103: boom"]),
        "network": (good_outputs + '<script src="https://cdn.plot.ly/plotly-2.min.js"></script>',
                    ["request tried to leave the page: https://cdn.plot.ly/plotly-2.min.js"]),
        "kernel_bootstrap": (good_outputs + '<script>function loadDotnetInteractiveApi(root) {'
                             ' fetch(`${root}discovery`, {method: "POST", body: root}).catch(e => {}); }'
                             ' loadDotnetInteractiveApi("http://127.0.0.1:2048/");</script>', []),
        "js_error": (good_outputs + '<script>Plotly.newPlot("x", [])</script>',
                     ["javascript exception in the page: ReferenceError: Plotly is not defined"]),
    }
    failures = []
    browser = Browser()
    try:
        for case, (outputs, expected) in cases.items():
            path = os.path.join(tmp, case + ".html")
            with open(path, "w", encoding="utf-8") as f:
                f.write(_page(outputs))
            report = []

            class Out:
                def write(self, s):
                    report.append(s)
            found = run_check(path, name=case, browser=browser, out=Out(),
                              screenshot=os.path.join(tmp, case + ".png") if case == "clean" else None)
            text = "".join(report)
            if not expected and found:
                failures.append(f"{case}: expected no finding, got:\n{text}")
            for e in expected:
                if not any(e in f for f in found):
                    failures.append(f"{case}: expected a finding containing {e!r}, got:\n{text}")
            if expected and len(found) != len(expected):
                failures.append(f"{case}: expected {len(expected)} finding(s), got {len(found)}:\n{text}")
            print(f"self-test {'ok  ' if not any(x.startswith(case + ':') for x in failures) else 'FAIL'} {case}: "
                  f"{len(found)} finding(s)" + (f" ({found[0][:90]})" if found else ""))
        shot = os.path.join(tmp, "clean.png")
        if not (os.path.isfile(shot) and open(shot, "rb").read(8) == b"\x89PNG\r\n\x1a\n"):
            failures.append("clean: no PNG screenshot written")
        # the .ipynb side: an error output, a stderr compile error, a size over the limits
        nb = {"cells": [{"cell_type": "code", "execution_count": 3, "source": ["x"], "metadata": {}, "outputs": [
            {"output_type": "error", "ename": "Error", "evalue": "(1,1): error CS0103", "traceback": []},
            {"output_type": "stream", "name": "stderr", "text": ["System.InvalidOperationException: no"]},
            {"output_type": "display_data", "metadata": {}, "data": {"text/plain": ["x" * 3000]}}]}],
              "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        nbp = os.path.join(tmp, "clean.ipynb")
        json.dump(nb, open(nbp, "w"))
        found = run_check(os.path.join(tmp, "clean.html"), ipynb=nbp, name="ipynb", browser=browser,
                          max_ipynb_kb=1, max_cell_kb=1, out=open(os.devnull, "w"))
        expected = ("error output in cell 1 [In 3] (ipynb): Error", "stderr error in cell 1 [In 3] (ipynb)",
                    "size: clean.ipynb is 4 KB > 1 KB", "size: output of cell 1 [In 3] is 4 KB > 1 KB")
        for e in expected:
            if not any(e in f for f in found):
                failures.append(f"ipynb: expected a finding containing {e!r}, got {found}")
        if len(found) != len(expected):
            failures.append(f"ipynb: expected {len(expected)} findings, got {found}")
        print(f"self-test {'ok  ' if not any(x.startswith('ipynb:') for x in failures) else 'FAIL'} ipynb: "
              f"{len(found)} finding(s)")
    finally:
        browser.close()
    if failures:
        print("self-test FAILED:\n" + "\n".join(failures))
        print(f"(pages kept in {tmp})")
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    print("self-test passed")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("html", nargs="?")
    ap.add_argument("--ipynb")
    ap.add_argument("--screenshot")
    ap.add_argument("--name")
    ap.add_argument("--max-ipynb-kb", type=int, default=0)
    ap.add_argument("--max-html-kb", type=int, default=0)
    ap.add_argument("--max-cell-kb", type=int, default=0)
    ap.add_argument("--max-shot-height", type=int, default=40000)
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    try:
        if a.self_test:
            return self_test()
        if not a.html:
            ap.error("the HTML page to check is missing")
        found = run_check(a.html, a.ipynb, a.screenshot, a.name, a.max_ipynb_kb, a.max_html_kb, a.max_cell_kb,
                          a.max_shot_height)
        return 1 if found else 0
    except (RuntimeError, OSError) as e:
        print(f"check ERROR {a.name or a.html}: {e}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
