"""Known vulnerabilities in the pinned dependencies (requirements.lock), with pip-audit.

Three outcomes, never confused:
- every package audited, none vulnerable → exit 0;
- a known vulnerability → the list, exit 1;
- the vulnerability data could not be read (no network, a service down, a package the service
  does not know) → « NOT AUDITED » with the reason, exit 1, or exit 0 with the same loud
  warning when ``--unreachable=warn`` (what .ci/run passes where the services cannot be
  reached). pip-audit on its own reports such a run as "No known vulnerabilities found".

Usage: python .ci/audit_deps.py requirements.lock [--unreachable=fail|warn]
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SERVICES = ("pypi", "osv")  # PyPI's JSON API first, then OSV


def run_pip_audit(lock: Path, service: str) -> tuple[int, str, str]:
    command = [
        str(Path(sys.executable).with_name("pip-audit")),
        "--requirement",
        str(lock),
        "--no-deps",
        "--disable-pip",
        "--vulnerability-service",
        service,
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--timeout",
        "20",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    return done.returncode, done.stdout, done.stderr


def classify(returncode: int, stdout: str, stderr: str) -> tuple[str, list[str]]:
    """("clean" | "vulnerable" | "unaudited", lines to print) from one pip-audit run."""
    try:
        report = json.loads(stdout)
    except ValueError:
        reason = (stderr.strip().splitlines() or [f"pip-audit exited {returncode} without a report"])[-1]
        return "unaudited", [reason]
    dependencies = report.get("dependencies", []) if isinstance(report, dict) else []
    vulnerable = [
        f"{d['name']} {d['version']}: {v['id']}"
        + (f" (corrigé en {', '.join(v['fix_versions'])})" if v.get("fix_versions") else "")
        for d in dependencies
        for v in d.get("vulns", [])
    ]
    if vulnerable:
        return "vulnerable", vulnerable
    skipped = [
        f"{d['name']} {d.get('version', '')}: {d['skip_reason']}"
        for d in dependencies
        if d.get("skip_reason")
    ]
    if skipped or not dependencies:
        return "unaudited", skipped or ["no dependency in the report"]
    return "clean", [f"{len(dependencies)} packages audited"]


def main(argv: list[str]) -> int:
    lock = Path(argv[0]) if argv and not argv[0].startswith("--") else Path("requirements.lock")
    warn_only = "--unreachable=warn" in argv
    reasons = []
    for service in SERVICES:
        status, lines = classify(*run_pip_audit(lock, service))
        if status == "vulnerable":
            print(f"audit-deps: KNOWN VULNERABILITIES in {lock} (service {service}):")
            print("\n".join(f"  {line}" for line in lines))
            return 1
        if status == "clean":
            print(f"audit-deps: no known vulnerability in {lock} ({lines[0]}, service {service}).")
            return 0
        reasons.append(
            f"service {service}: {lines[0]}" + (f" (and {len(lines) - 1} more)" if len(lines) > 1 else "")
        )
    print(f"audit-deps: NOT AUDITED — the vulnerability data could not be read for {lock}:", file=sys.stderr)
    print("\n".join(f"  {r}" for r in reasons), file=sys.stderr)
    if warn_only:
        print("audit-deps: --unreachable=warn: carrying on WITHOUT a dependency audit.", file=sys.stderr)
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
