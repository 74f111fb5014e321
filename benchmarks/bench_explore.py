"""Update latency of ``multigap explore``: η steps in a real headless browser.

Starts ``multigap explore`` on a free loopback port, opens the page in Debian's chromium (driven
by Playwright), waits until the dome map is finished, then presses → on the η slider N times and
for each step records

* the browser-observed latency: key press -> the Tc readout shows the new η (wall clock);
* the server's own latency (the page's "updated in"): the change received -> the views and the
  readout updated in the server's document;
* the server process's CPU time during the step (user + system, from /proc): what the update
  costs on an idle core, whatever the load of the machine.

Prints the medians and the 90th percentiles with the load average, so numbers from a shared
machine can be read against an idle one.

Usage: ``python benchmarks/bench_explore.py [--steps 30] [--model A]``; on a machine busy with
other jobs, ``nice -n -15 python benchmarks/bench_explore.py`` (as root) approximates an idle one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

CHROMIUM = "/usr/bin/chromium"
#: True once the readout (inside Panel's shadow roots) shows another η; checked every animation
#: frame (Playwright's ``expect`` polls at 100, 250, 500 ms, which would quantise the latency).
CHANGED = """(before) => {
  const find = (root) => {
    const el = root.querySelector('.tc-value');
    if (el) return el;
    for (const n of root.querySelectorAll('*')) {
      if (n.shadowRoot) { const f = find(n.shadowRoot); if (f) return f; }
    }
    return null;
  };
  const el = find(document);
  return el !== null && el.getAttribute('data-eta') !== before;
}"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), s."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--model", default="A")
    args = parser.parse_args()

    from playwright.sync_api import expect, sync_playwright

    from multigap.explore.server import free_port

    port = free_port("127.0.0.1")
    cmd = [sys.executable, "-m", "multigap", "explore", "--port", str(port), "--model", args.model]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    print(proc.stdout.readline().strip())
    browser_s, server_ms, cpu_s = [], [], []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM,
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
            tc = page.locator(".tc-value")
            expect(tc).to_be_attached(timeout=120_000)
            expect(page.locator(".progress-text")).to_have_text("", timeout=300_000)  # dome done
            handle = page.locator(".eta .noUi-handle")
            handle.focus()
            for _ in range(args.steps):
                before = tc.get_attribute("data-eta") or ""
                c0, t0 = cpu_seconds(proc.pid), time.perf_counter()
                handle.press("ArrowRight")
                page.wait_for_function(CHANGED, arg=before, polling="raf", timeout=60_000)
                browser_s.append(time.perf_counter() - t0)
                cpu_s.append(cpu_seconds(proc.pid) - c0)
                server_ms.append(float(page.locator(".latency").inner_text()))
                page.wait_for_timeout(300)  # let the gaps of this step finish
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    def p90(x: list[float]) -> float:
        return sorted(x)[int(0.9 * (len(x) - 1))]

    load = os.getloadavg()
    print(f"command: {' '.join(cmd)}; {args.steps} steps of eta (+0.01 from 0.5)")
    print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(
        f"browser-observed latency: median {1000 * statistics.median(browser_s):.0f} ms, "
        f"90th percentile {1000 * p90(browser_s):.0f} ms"
    )
    print(
        f"server latency (change -> views updated): median {statistics.median(server_ms):.0f} ms, "
        f"90th percentile {p90(server_ms):.0f} ms"
    )
    print(
        f"server CPU time per step (idle-core estimate of the server's part): median "
        f"{1000 * statistics.median(cpu_s):.0f} ms, 90th percentile {1000 * p90(cpu_s):.0f} ms"
    )


if __name__ == "__main__":
    main()
