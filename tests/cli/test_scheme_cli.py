"""``scheme list|export|import|preview|publish`` as a user runs them, on a demo copy."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from .test_cli import assert_one_line_error, cli


def test_export_import_preview_publish(demo_db_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "d.sqlite"
    shutil.copyfile(demo_db_path, db)
    with sqlite3.connect(db) as conn:
        member, hq = (
            conn.execute(f"SELECT login FROM operator WHERE role = '{role}' LIMIT 1").fetchone()[0]
            for role in ("member", "hq")
        )
    listed = cli("scheme", "list", "--db", str(db))
    assert listed.returncode == 0, listed.stderr
    assert "第1版 已发布" in listed.stdout
    out = tmp_path / "v1.json"
    exported = cli("scheme", "export", "--db", str(db), "--version", "1", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    data["items"][0]["rate_fen"] += 1300
    changed = tmp_path / "v2.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    imported = cli("scheme", "import", "--db", str(db), "--file", str(changed), "--operator", hq)
    assert imported.returncode == 0, imported.stderr
    assert "第2版" in imported.stdout
    preview = cli("scheme", "preview", "--db", str(db), "--version", "2", "--as-of", "2026-11-23")
    assert preview.returncode == 0, preview.stderr
    assert "合计：变化" in preview.stdout
    refused = cli("scheme", "publish", "--db", str(db), "--version", "2", "--operator", member)
    assert_one_line_error(refused, "无权发布补偿方案；只有指挥部、管理员可以办理")
    published = cli("scheme", "publish", "--db", str(db), "--version", "2", "--operator", hq)
    assert published.returncode == 0, published.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "SELECT status FROM scheme_version WHERE version_no = 2"
        ).fetchone() == ("published",)
    again = cli("scheme", "publish", "--db", str(db), "--version", "2", "--operator", hq)
    assert_one_line_error(again, "不能再修改")
    data["items"][1]["rate_fen"] = "很多"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert_one_line_error(
        cli("scheme", "import", "--db", str(db), "--file", str(bad), "--operator", hq),
        "第2项",
        "rate_fen",
    )
    assert_one_line_error(
        cli("scheme", "export", "--db", str(db), "--version", "9", "--out", str(out)), "第9版"
    )


def test_a_bare_percent_below_one_is_refused_on_import(demo_db_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "d.sqlite"
    shutil.copyfile(demo_db_path, db)
    with sqlite3.connect(db) as conn:
        [hq] = conn.execute("SELECT login FROM operator WHERE role = 'hq' LIMIT 1").fetchone()
    out = tmp_path / "v1.json"
    exported = cli("scheme", "export", "--db", str(db), "--version", "1", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    [share] = [it for it in data["items"] if it["kind"] == "percent"]
    assert share["params"]["percent"].endswith(" %")  # the file says the unit
    share["params"]["percent"] = "0.1"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert_one_line_error(
        cli("scheme", "import", "--db", str(db), "--file", str(bad), "--operator", hq),
        f"《{data['name']}》",
        f"（{share['code']}）",
        "“0.1”",
        "写 5 % 表示百分之五；若确为千分之五请写 0.5 %",
    )
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM scheme_version").fetchone() == (1,)
    share["params"]["percent"] = "0.1 %"  # a tenth of a percent, said so: accepted
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    imported = cli("scheme", "import", "--db", str(db), "--file", str(bad), "--operator", hq)
    assert imported.returncode == 0, imported.stderr
