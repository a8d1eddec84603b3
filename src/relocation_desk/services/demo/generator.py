"""Build a realistic demo project database: the use case behind ``relocation-desk demo``.

``generate_demo`` creates a new database and fills it with one project: teams and operators,
villages and groups, households with their families, buildings and attachments, the published
sample scheme, and eight weeks of work — calculations from the engine, checks by a second
person, notice rounds, objections, agreements, payments, milestones and a few compensation
decisions — each household as far along as a realistic funnel puts it.

The same ``seed`` and ``today`` give the same database, every value and row order, whatever
the number of worker processes: ids come from seeded generators, times from ``today``.

How it is fast: the project is planned first (:mod:`.demo_plan`); then the teams are split
into shards, one per core, each generated into a scratch SQLite file (:mod:`.demo_shard`; the
first shard in this process, the others in worker processes); the parent copies each scratch
file into the project database with ``INSERT … SELECT`` in team order, and builds the
secondary indexes once at the end. All of it goes into a ``.partial`` file in the run's scratch
folder, renamed to the target only when complete.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import pickle
import queue
import shutil
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import accumulate
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from ...domain.passwords import DEMO_PASSWORD, SALT_BYTES, hash_password
from ...domain.scheme import Scheme, content_hash, scheme_to_dict, thaw
from ...domain.scheme_parse import parse_scheme
from ...i18n import _
from ...paths import resource
from ...storage import models as m
from ...storage.base import Base
from ...storage.db import open_database
from ...storage.errors import StorageError, file_write_error
from ..audit import chain_unchained, seal_unsealed
from ..bulk_writer import BulkWriter, Clock, Ids
from ..clock import project_today
from . import data
from .people import People
from .plan import MAX_TEAMS, Layout, Timeline, plan_project
from .records import AGREEMENT_VALUES
from .resettlement import DEMO_RULES, add_resettlement
from .scratch import end_with_parent, make_work_dir, remove_stale_work_dirs
from .shard import ShardJob, create_scratch, generate_teams, run_shard, team_random

__all__ = ["DEMO_PASSWORD", "DemoSummary", "DemoTargetExists", "fit_scheme", "generate_demo"]

SAMPLE_SCHEME = ("schemes", "sample-scheme.json")
PARALLEL_FROM = 3000  # households; below this a worker process costs more than it saves
# SQLite settings for the one-off bulk load into a file nobody else has open yet. A crash
# leaves only the run's scratch folder (with the ``.partial`` file), which the next run removes.
_LOAD_PRAGMAS = (
    "PRAGMA foreign_keys = OFF",  # rows arrive child-before-parent; the tests check them
    "PRAGMA journal_mode = OFF",
    "PRAGMA synchronous = OFF",
    "PRAGMA cache_size = -262144",  # 256 MiB
)


class DemoTargetExists(StorageError):
    """The demo would overwrite a file that already holds data."""


@dataclass(frozen=True)
class DemoSummary:
    path: Path
    households: int
    seed: int
    today: date
    seconds: float
    workers: int = 1
    counts: dict[str, int] = field(default_factory=dict)  # rows per table
    engine_calls: int = 0


def generate_demo(
    target: str | Path,
    *,
    households: int,
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    password: str = DEMO_PASSWORD,
    teams: int | None = None,
) -> DemoSummary:
    """Create a new demo database at ``target`` and return what was made.

    Every operator signs in with ``password``. They share one salt derived from ``seed`` (the
    database stays reproducible, and one scrypt is computed instead of one per operator):
    the demo's sign-in screen tells everyone the password anyway.

    Refuses (``DemoTargetExists``) if ``target`` exists and is not empty. ``progress(done,
    total)`` is called about every 1 % of households, from the calling thread. ``workers``:
    processes to use (default: up to 2 cores for 3,000 households or more, else 1).
    ``teams``: how many teams share the households (default: one per ~1,250 households,
    3 to 60).
    """
    started = time.perf_counter()
    if households < 1:
        raise ValueError("households must be at least 1")
    if teams is not None and not 1 <= teams <= min(MAX_TEAMS, households):
        raise ValueError("teams must be between 1 and 99 and at most the households")
    today = today or project_today()
    path = Path(target).expanduser().absolute()
    if path.exists() and (path.is_dir() or path.stat().st_size > 0):
        raise DemoTargetExists(
            _(
                "文件 {path} 已存在且不是空文件；演示数据只能生成到新文件，请换一个文件名",
                path=path,
            ),
            path=path,
        )
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if households >= PARALLEL_FROM else 1
    plan = _Plan(households, seed, today, password, teams)
    shards = plan.shards(max(1, workers))
    _remove_sqlite_files(path.with_name(path.name + ".partial"))  # of an older version
    # The new database and the workers' shards are made in a scratch folder next to the
    # target (same disk, so the finished file is renamed into place); a killed earlier run
    # left its folder behind, which is removed here.
    remove_stale_work_dirs(path.parent)
    try:
        work_dir = make_work_dir(path)
    except OSError as exc:
        raise file_write_error(exc, path) from exc
    partial = work_dir / (path.name + ".partial")
    children: list[_Child] = []
    try:
        jobs = [
            plan.job(str(work_dir / f"shard{k}.sqlite") if k else "", teams)
            for k, teams in enumerate(shards)
        ]
        for job in jobs[1:]:
            create_scratch(Path(job.scratch))
        children = [_Child(job) for job in jobs[1:]]  # started first: they take longest
        meter = _Meter(households, progress, children)
        counts, calls = _build(partial, plan, jobs[0], children, meter)
        partial.replace(path)
    except BaseException:
        for child in children:
            child.stop()
        raise
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    meter.finish()
    return DemoSummary(
        path=path, households=households, seed=seed, today=today,
        seconds=time.perf_counter() - started, workers=len(jobs), counts=counts,
        engine_calls=calls,
    )  # fmt: skip


def _build(
    partial: Path, plan: _Plan, own: ShardJob, children: list[_Child], meter: _Meter
) -> tuple[dict[str, int], int]:
    """Fill the new database: project rows, then each shard copied in, then the indexes."""
    db = open_database(partial, create=True)
    try:
        with db.engine.connect() as conn:
            driver = conn.connection.driver_connection
            assert driver is not None
            for pragma in _LOAD_PRAGMAS:
                driver.execute(pragma)
            with conn.begin():
                # Secondary indexes are built once at the end: cheaper than row by row.
                indexes = conn.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                ).all()
                for name, _sql in indexes:
                    conn.exec_driver_sql(f'DROP INDEX "{name}"')
                writer = BulkWriter(conn)
                plan.write_project(writer)
                writer.flush_all(Base.metadata.sorted_tables)
                # This process's own teams go straight in; the workers' are copied after.
                calls = generate_teams(own, conn, meter.own)
            for child in children:
                calls += child.wait(meter)
                _copy_in(conn, child.job.scratch)
            with conn.begin():
                for _name, sql in indexes:
                    conn.exec_driver_sql(sql)
            with conn.begin():
                # Seals and the audit chain once every shard is in (services.audit): the chain
                # follows (at, id), so it is the same whatever the number of shards.
                # Flats, the choosing order and choices (after the households are all in).
                add_resettlement(conn, plan.today, plan.seed)
                seal_unsealed(conn)
                chain_unchained(conn)
            driver.execute("PRAGMA foreign_keys = ON")
            counts = {
                t.name: conn.exec_driver_sql(f'SELECT count(*) FROM "{t.name}"').scalar_one()
                for t in Base.metadata.sorted_tables
            }
    finally:
        db.close()
    return counts, calls


def _copy_in(conn: Connection, scratch: str) -> None:
    """Append a shard's rows, table by table, in the order they were generated."""
    driver = conn.connection.driver_connection
    assert driver is not None
    driver.execute("ATTACH DATABASE ? AS shard", (scratch,))
    try:
        with conn.begin():
            for table in Base.metadata.sorted_tables:
                cols = ", ".join(f'"{c.name}"' for c in table.columns)
                conn.exec_driver_sql(
                    f'INSERT INTO main."{table.name}" ({cols}) '
                    f'SELECT {cols} FROM shard."{table.name}" ORDER BY rowid'
                )
    finally:
        driver.execute("DETACH DATABASE shard")


def _remove_sqlite_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


# --- progress and worker processes -------------------------------------------------------


class _Meter:
    """Adds up the households done here and in the workers; reports every ~1 %."""

    def __init__(
        self, total: int, report: Callable[[int, int], None] | None, children: list[_Child]
    ) -> None:
        self.total, self.report, self.children = total, report, children
        self.step = max(1, total // 100)
        self.mine = 0
        self.shown = 0

    def own(self, done: int) -> None:
        self.mine = done
        self.update()

    def update(self) -> None:
        done = self.mine + sum(c.done() for c in self.children)
        if self.report is not None and done - self.shown >= self.step:
            self.shown = done
            self.report(done, self.total)

    def finish(self) -> None:
        if self.report is not None and self.shown != self.total:
            self.shown = self.total
            self.report(self.total, self.total)


class _Child:
    """A worker process generating one shard ("spawn": safe next to Qt, same on Windows)."""

    def __init__(self, job: ShardJob) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.job = job
        self._done = ctx.Value("q", 0, lock=False)
        self._results = ctx.Queue()
        # The job goes by file: a big argument would block start() until the new
        # interpreter has imported everything and read it.
        job_file = Path(job.scratch).with_suffix(".job")
        job_file.write_bytes(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
        self._process = ctx.Process(
            target=_child_main, args=(str(job_file), self._done, self._results), daemon=True
        )
        self._process.start()

    def done(self) -> int:
        return int(self._done.value)

    def wait(self, meter: _Meter) -> int:
        """Wait for the shard; returns its engine calls or raises what went wrong."""
        while True:
            try:
                outcome = self._results.get(timeout=0.2)
                break
            except queue.Empty:
                meter.update()
                if not self._process.is_alive():
                    try:
                        outcome = self._results.get(timeout=1)
                        break
                    except queue.Empty:
                        raise RuntimeError(
                            f"demo worker process ended without a result "
                            f"(exit code {self._process.exitcode})"
                        ) from None
        self._process.join()
        meter.update()
        if outcome[0] == "error":
            raise RuntimeError(f"demo worker process failed:\n{outcome[1]}")
        return int(outcome[1])

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=5)


def _child_main(job_file: str, done: Any, results: Any) -> None:
    def progress(n: int) -> None:
        done.value = n

    def forget_scratch() -> None:
        for name in (Path(job_file).with_suffix(".sqlite"), Path(job_file)):
            name.unlink(missing_ok=True)

    end_with_parent(forget_scratch)  # a killed parent must not leave this process running
    try:
        job = pickle.loads(Path(job_file).read_bytes())
        results.put(("ok", run_shard(job, progress)))
    except BaseException:
        results.put(("error", traceback.format_exc()))


# --- the plan and the project's own rows ---------------------------------------------------


class _Plan:
    """The scheme, the organisation and every household's case, decided up front."""

    def __init__(
        self,
        households: int,
        seed: int,
        today: date,
        password: str = DEMO_PASSWORD,
        teams: int | None = None,
    ) -> None:
        self.n, self.seed, self.today = households, seed, today
        salt = hashlib.sha256(f"relocation-desk demo {seed}".encode()).digest()[:SALT_BYTES]
        self.password, self.password_hash = password, hash_password(password, salt=salt)
        self.clock = Clock(today)
        self.timeline = tl = Timeline.for_today(today.toordinal())
        raw = json.loads(resource(*SAMPLE_SCHEME).read_text(encoding="utf-8"))
        self.scheme_data = fit_scheme(raw, tl)
        self.scheme: Scheme = parse_scheme(self.scheme_data)
        ids_rng = team_random(seed, -1, "ids")
        self.id_base = ids_rng.getrandbits(Ids.BASE_BITS)
        self.ids = Ids(ids_rng, base=self.id_base, block=0)
        self.project_id = self.ids.new()
        self.scheme_version_id = self.ids.new()
        rng = team_random(seed, -1, "plan")
        self.layout: Layout = plan_project(
            households, rng, self.ids, tl.today, People(today, None), teams
        )

    def shards(self, workers: int) -> list[tuple[int, ...]]:
        """Consecutive runs of teams, one per worker, balanced by households."""
        teams = self.layout.teams
        workers = min(workers, len(teams))
        if workers == 1:
            return [tuple(t.index for t in teams)]
        sizes = [0] * len(teams)
        for p in self.layout.households:
            sizes[p.team] += 1
        # This process also copies the others' shards in and builds the indexes (more work
        # per household); a worker first spends ~1.5 s starting (matters for small demos).
        first = (0.9 + 0.15 * min(1.0, 10_000 / self.n)) / workers
        targets = [(first + i * (1 - first) / (workers - 1)) * self.n for i in range(workers - 1)]
        ends = list(accumulate(sizes))  # households up to and including each team
        bounds = [0]
        for k, target in enumerate(targets):
            # The team boundary nearest the target, leaving a team for each later shard.
            lo, hi = bounds[-1] + 1, len(sizes) - (len(targets) - k)
            bounds.append(min(range(lo, hi + 1), key=lambda b: abs(ends[b - 1] - target)))
        bounds.append(len(sizes))
        return [tuple(range(bounds[i], bounds[i + 1])) for i in range(workers)]

    def job(self, scratch: str, teams: tuple[int, ...]) -> ShardJob:
        chosen = set(teams)
        # Only the shard's own households: the job is pickled for a worker process.
        layout = replace(
            self.layout, households=[p for p in self.layout.households if p.team in chosen]
        )
        return ShardJob(
            scratch=scratch, teams=teams, layout=layout, scheme=self.scheme_data,
            seed=self.seed, today=self.today, project_id=self.project_id,
            scheme_version_id=self.scheme_version_id, id_base=self.id_base,
        )  # fmt: skip

    def write_project(self, writer: BulkWriter) -> None:
        self.writer = writer
        self._organisation()
        self._scheme_rows()

    def _organisation(self) -> None:
        w, clock, tl, lay = self.writer, self.clock, self.timeline, self.layout
        created = clock.at(tl.start - 7, 9 * 60)
        stamps = {"created_at": created, "updated_at": created}
        year = self.today.year
        w.add(m.Project.__table__, {
            "id": self.project_id, "code": data.PROJECT_CODE.format(year=year),
            "name": data.PROJECT_NAME, "county": data.COUNTY,
            "description": data.PROJECT_DESCRIPTION, **stamps,
        })  # fmt: skip
        settings = {
            "agreement_number_format": data.AGREEMENT_PREFIX + "〔{year}〕第{seq:05d}号",
            "decision_number_format": data.DECISION_PREFIX + "〔{year}〕第{seq:03d}号",
            "notice_period_days": tl.notice_days,
            "sign_deadline": clock.day(tl.sign_deadline),
            "agreement_values": AGREEMENT_VALUES,
            "report_cutoff": "17:00",
            "demo": {
                "seed": self.seed,
                "today": self.today.isoformat(),
                "households": self.n,
                "password": self.password,
            },  # shown on the demo's sign-in screen
        }
        for key, value in settings.items():
            w.add(m.Setting.__table__, {"project_id": self.project_id, "key": key, "value": value})
        for op in lay.operators:
            team_id = lay.teams[op.team].id if op.team is not None else None
            w.add(m.Operator.__table__, {
                "id": op.id, "project_id": self.project_id, "team_id": team_id,
                "login": op.login, "name": op.name, "role": op.role.value, "phone": op.phone,
                "active": True, "password_hash": self.password_hash,
                "must_change_password": False, "failed_sign_ins": 0, **stamps,
            })  # fmt: skip
        for team in lay.teams:
            w.add(m.Team.__table__, {
                "id": team.id, "project_id": self.project_id, "code": team.code,
                "name": team.name, "leader_name": lay.operators[team.leader].name, **stamps,
            })  # fmt: skip
        for v in lay.villages:
            w.add(m.Village.__table__, {
                "id": v.id, "project_id": self.project_id, "name": v.name, "code": v.code,
                "team_id": lay.teams[v.team].id, **stamps,
            })  # fmt: skip
            for gid, gname in v.groups:
                w.add(
                    m.VillageGroup.__table__,
                    {"id": gid, "village_id": v.id, "name": gname, **stamps},
                )

    def _scheme_rows(self) -> None:
        w, clock, tl, scheme = self.writer, self.clock, self.timeline, self.scheme
        published = clock.at(tl.start - 3, 10 * 60)
        stamps = {"created_at": clock.at(tl.start - 5, 9 * 60), "updated_at": published}
        scheme_id = self.ids.new()
        w.add(m.Scheme.__table__, {
            "id": scheme_id, "project_id": self.project_id, "name": scheme.name, **stamps,
        })  # fmt: skip
        w.add(m.SchemeVersion.__table__, {
            "id": self.scheme_version_id, "scheme_id": scheme_id,
            "version_no": scheme.version_no, "status": "published",
            "effective_date": scheme.effective_date.isoformat(), "published_at": published,
            "published_by": self.layout.operators[self.layout.hq[0]].id, "supersedes_id": None,
            "content_hash": content_hash(scheme), "params": thaw(scheme.params),
            "notes": str(scheme.params.get("notes", "")), **stamps,
        })  # fmt: skip
        for order, item in enumerate(scheme_to_dict(scheme)["items"]):
            w.add(m.RateItem.__table__, {
                "id": self.ids.new(), "scheme_version_id": self.scheme_version_id,
                "sort_order": order, "code": item["code"], "name": item["name"],
                "unit": item["unit"], "rate_fen": item["rate_fen"], "kind": item["kind"],
                "category": item["category"], "params": item["params"],
            })  # fmt: skip


def fit_scheme(raw: dict[str, Any], timeline: Timeline) -> dict[str, Any]:
    """The sample scheme moved onto the demo's calendar.

    The sample's dates are fixed; the demo's follow ``today``. The scheme takes effect when
    the work starts; bonus windows keep the sample's proportions and start when the first
    village's notice period ends (nobody can sign earlier): signing windows end at the
    signing deadline, vacating windows a month after today.
    """
    fitted: dict[str, Any] = json.loads(json.dumps(raw))
    start = timeline.start
    fitted["name"] = f"{data.COUNTY}城东新区集体土地上房屋征收补偿安置方案"
    fitted["effective_date"] = date.fromordinal(start).isoformat()
    deadline = date.fromordinal(timeline.sign_deadline).isoformat()
    opens = date.fromordinal(timeline.sign_open).isoformat()
    fitted["params"] = {
        **fitted.get("params", {}),
        "land_type": "collective",  # as the name says: the agreements cite the 土地管理法
        "provincial_rules": data.PROVINCIAL_RULES,
        "issuer": f"{data.COUNTY}城东新区房屋征收指挥部",
        "notes": f"演示数据（虚构）。签约期限 {opens} 至 {deadline}。",
    }
    fitted["params"].setdefault("resettlement", DEMO_RULES)
    for item in fitted["items"]:
        params = item.get("params") or {}
        windows = params.get("windows")
        if item.get("kind") != "bonus_window" or not windows:
            continue
        end = timeline.today + 30 if params.get("on") == "vacated" else timeline.sign_deadline
        begin = timeline.sign_open
        first = date.fromisoformat(windows[0]["from"]).toordinal()
        last = date.fromisoformat(windows[-1]["to"]).toordinal() + 1
        scale = (end + 1 - begin) / (last - first)

        def moved(
            day: str,
            *,
            after: int = 0,
            scale: float = scale,
            first: int = first,
            begin: int = begin,
        ) -> str:
            ordinal = date.fromisoformat(day).toordinal() + after
            return date.fromordinal(begin + round((ordinal - first) * scale) - after).isoformat()

        params["windows"] = [
            {**w, "from": moved(w["from"]), "to": moved(w["to"], after=1)} for w in windows
        ]
    return fitted
