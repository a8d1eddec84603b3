"""``scheme import`` refuses a file with a misspelt key, naming the scheme, the place, the key
and the key meant; the demo's own scheme, exported, imports again as it is."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from .test_cli import assert_one_line_error, cli


def test_a_misspelt_key_is_refused_on_import(demo_db_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "d.sqlite"
    shutil.copyfile(demo_db_path, db)
    with sqlite3.connect(db) as conn:
        [hq] = conn.execute("SELECT login FROM operator WHERE role = 'hq' LIMIT 1").fetchone()
    out = tmp_path / "v1.json"
    exported = cli("scheme", "export", "--db", str(db), "--version", "1", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    data["params"]["land_typ"] = data["params"].pop("land_type")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert_one_line_error(
        cli("scheme", "import", "--db", str(db), "--file", str(bad), "--operator", hq),
        f"《{data['name']}》",
        "方案参数（params）中有未知的字段“land_typ”，是否应为“land_type”？",
    )
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM scheme_version").fetchone() == (1,)
    # The demo's scheme as exported (its resettlement rules, issuer and notes included)
    # is a file with no unknown key.
    imported = cli("scheme", "import", "--db", str(db), "--file", str(out), "--operator", hq)
    assert imported.returncode == 0, imported.stderr
