"""`make audit-deps` tells apart a clean audit, a vulnerable dependency and an audit that could
not read the vulnerability data (which pip-audit alone reports as "No known vulnerabilities")."""

import importlib.util
import json

from django.conf import settings

spec = importlib.util.spec_from_file_location("audit_deps", settings.BASE_DIR / ".ci" / "audit_deps.py")
audit_deps = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit_deps)


def _report(*dependencies):
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def test_clean():
    status, lines = audit_deps.classify(0, _report({"name": "django", "version": "5.2.19", "vulns": []}), "")
    assert status == "clean" and lines == ["1 packages audited"]


def test_a_vulnerability_fails():
    vuln = {"id": "PYSEC-2099-1", "fix_versions": ["5.2.20"], "aliases": [], "description": ""}
    status, lines = audit_deps.classify(
        1, _report({"name": "django", "version": "5.2.19", "vulns": [vuln]}), ""
    )
    assert status == "vulnerable" and lines == ["django 5.2.19: PYSEC-2099-1 (corrigé en 5.2.20)"]


def test_a_package_the_service_did_not_answer_for_is_not_a_pass():
    skipped = {"name": "django", "version": "5.2.19", "skip_reason": "Dependency not found on PyPI"}
    status, _ = audit_deps.classify(
        0, _report(skipped, {"name": "segno", "version": "1.6.6", "vulns": []}), ""
    )
    assert status == "unaudited"


def test_a_network_failure_is_not_a_pass():
    status, lines = audit_deps.classify(1, "", "Traceback…\nrequests.exceptions.ConnectionError: no route")
    assert status == "unaudited" and lines == ["requests.exceptions.ConnectionError: no route"]
    assert audit_deps.classify(0, _report(), "")[0] == "unaudited"


def test_unreachable_fails_unless_told_to_warn(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(audit_deps, "run_pip_audit", lambda lock, service: (1, "", "ConnectionError"))
    assert audit_deps.main([str(tmp_path / "requirements.lock")]) == 1
    assert audit_deps.main([str(tmp_path / "requirements.lock"), "--unreachable=warn"]) == 0
    assert "NOT AUDITED" in capsys.readouterr().err
