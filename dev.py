#!/usr/bin/env python3
"""Set up and run Relocation Desk from a source checkout. Needs only python3 to start.

    python3 dev.py run     # set up if needed, then open the app on the demo project
    python3 dev.py test    # set up if needed, then run the whole test suite

Both are idempotent: the first run installs what is missing (Debian/Ubuntu system packages
through apt-get, with sudo when not root; a virtual environment in .venv with the project and
its test tools), later runs only check and start. Extra arguments go to the app
(``run --db file.sqlite``) or to pytest (``test -k money``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".relocation-desk-installed"

# Shared libraries Qt (PySide6 wheels) needs, by soname, with the Debian/Ubuntu package that
# ships each. Checked with ldconfig rather than by package name, because Ubuntu renamed some
# packages (…t64) while the libraries stayed the same.
QT_LIBRARIES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}
# Programs the test suite uses: PDF checks (poppler), LibreOffice opening our workbooks as HQ
# would, and (below) a real PostgreSQL server. Under .ci/run a missing one fails the run.
TEST_PROGRAMS = {
    "pdftotext": "poppler-utils",
    "pdffonts": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "soffice": "libreoffice-calc-nogui",
}


def say(text: str) -> None:
    print(f"[dev.py] {text}", flush=True)


def fail(text: str) -> None:
    print(f"[dev.py] ERROR: {text}", file=sys.stderr, flush=True)
    sys.exit(1)


def ldconfig_names() -> set[str]:
    for ldconfig in ("ldconfig", "/sbin/ldconfig", "/usr/sbin/ldconfig"):
        try:
            out = subprocess.run(
                [ldconfig, "-p"], capture_output=True, text=True, check=True
            ).stdout
        except (OSError, subprocess.CalledProcessError):
            continue
        return {line.split()[0] for line in out.splitlines()[1:] if line.strip()}
    return set()


def postgres_installed() -> bool:
    return any(Path("/usr/lib/postgresql").glob("*/bin/initdb")) or bool(shutil.which("initdb"))


def missing_packages(for_tests: bool) -> list[str]:
    missing: list[str] = []
    try:
        import ensurepip  # noqa: F401  (Debian splits it into python3-venv)
    except ImportError:
        missing += ["python3-venv", f"python{sys.version_info[0]}.{sys.version_info[1]}-venv"]
    libs = ldconfig_names()
    missing += [pkg for so, pkg in QT_LIBRARIES.items() if libs and so not in libs]
    if for_tests:
        missing += [pkg for prog, pkg in TEST_PROGRAMS.items() if not shutil.which(prog)]
        if not postgres_installed():
            missing.append("postgresql")
    return sorted(set(missing))


def install_system_packages(for_tests: bool) -> None:
    missing = missing_packages(for_tests)
    if not missing:
        return
    if not shutil.which("apt-get"):
        fail(
            "missing system packages (install them with your package manager): " + " ".join(missing)
        )
    prefix: list[str] = []
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            fail("run as root or install sudo; needed: apt-get install " + " ".join(missing))
        prefix = ["sudo"]
    say("installing system packages: " + " ".join(missing))
    run_apt(prefix, ["update", "-qq"])
    # python3.X-venv may not exist under that name everywhere: install what apt knows.
    known = [p for p in missing if apt_knows(p)]
    run_apt(prefix, ["install", "-y", "-qq", "--no-install-recommends", *known])


# apt and dpkg lock these files (fcntl record locks) while they work; automatic updates often
# hold them for a while after a laptop starts.
APT_LOCKS = (
    "/var/lib/dpkg/lock-frontend",
    "/var/lib/dpkg/lock",
    "/var/lib/apt/lists/lock",
    "/var/cache/apt/archives/lock",
)
APT_LOCK_WAIT = 60  # seconds


def apt_lock_holder(locks: tuple[str, ...] = APT_LOCKS) -> str | None:
    """The first of ``locks`` another program holds, or None. Without the right to open them
    (not root) nothing can be told, and apt itself will wait and report."""
    import fcntl

    for path in locks:
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            continue
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return path
        finally:
            os.close(fd)  # closing the file releases our probe's lock
    return None


def wait_for_apt(
    wait: float = APT_LOCK_WAIT, locks: tuple[str, ...] = APT_LOCKS, poll: float = 1.0
) -> None:
    """Wait (saying so) while another program holds the package manager's lock; after ``wait``
    seconds stop with one line that says what to do."""
    import time

    holder = apt_lock_holder(locks)
    if holder is None:
        return
    say(
        f"another program is installing or updating packages ({holder} is locked); "
        f"waiting up to {int(wait)} s for it to finish…"
    )
    deadline = time.monotonic() + wait
    while holder is not None and time.monotonic() < deadline:
        time.sleep(poll)
        holder = apt_lock_holder(locks)
    if holder is not None:
        fail(
            f"the package manager is still busy after {int(wait)} s ({holder} is locked by "
            "another program, e.g. automatic updates). Let it finish, then run this again."
        )


def run_apt(prefix: list[str], args: list[str]) -> None:
    wait_for_apt()
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # The option makes apt wait too, should another program take the lock in between.
    cmd = [*prefix, "apt-get", "-o", f"DPkg::Lock::Timeout={APT_LOCK_WAIT}", *args]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines() or ["(no output)"]
        if any("lock" in line.lower() for line in lines):
            fail(
                "the package manager is busy (another program holds its lock, e.g. automatic "
                "updates). Let it finish, then run this again. apt said: " + lines[-1]
            )
        fail(f"apt-get {args[0]} failed: " + lines[-1])


def apt_knows(package: str) -> bool:
    out = subprocess.run(["apt-cache", "policy", package], capture_output=True, text=True).stdout
    return "Candidate:" in out and "Candidate: (none)" not in out


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv(extras: str) -> None:
    wanted = stamp_for(extras)
    py = venv_python()
    if py.exists():
        ok = subprocess.run([str(py), "-c", "import sys"], capture_output=True).returncode == 0
        if not ok:
            say("the virtual environment is broken; recreating it")
            shutil.rmtree(VENV)
    if not venv_python().exists():
        say("creating the virtual environment in .venv")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if STAMP.exists() and STAMP.read_text().strip() in (wanted, stamp_for("[test]")):
        return  # installed with these extras (or with test extras, which include the run set)
    say("installing Relocation Desk and its libraries into .venv (first run takes a few minutes)")
    pip = [str(venv_python()), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "-e", f"{ROOT}{extras}"], check=True)
    STAMP.write_text(wanted)


def stamp_for(extras: str) -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()


def run_app(args: list[str]) -> int:
    # Said before anything is installed: without a screen the window cannot open anyway.
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and not os.environ.get(
        "QT_QPA_PLATFORM"
    ):
        fail(
            "no screen found (DISPLAY is not set). Run this on a desktop or under xvfb-run; "
            "QT_QPA_PLATFORM=offscreen runs it without a window (for checks and scripts)."
        )
    install_system_packages(for_tests=False)
    ensure_venv("")
    exe = VENV / "bin" / "relocation-desk"
    command = [str(exe), *(args or ["gui", "--demo"])]
    return subprocess.call(command)


def run_tests(args: list[str]) -> int:
    install_system_packages(for_tests=True)
    ensure_venv("[test]")
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.call([str(venv_python()), "-m", "pytest", *args], cwd=ROOT, env=env)


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py must explain itself on old Pythons
        fail(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    if not argv or argv[0] not in ("run", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    try:
        return run_app(rest) if command == "run" else run_tests(rest)
    except subprocess.CalledProcessError as exc:
        words = exc.cmd if isinstance(exc.cmd, list) else [str(exc.cmd)]
        fail(f"{' '.join(map(str, words[:4]))} … failed (exit {exc.returncode}); see above.")
        return 1
    except KeyboardInterrupt:
        fail("interrupted")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
