"""Hostile input and faults (issue 12): each case is refused with one line and the right exit
code (1 bad data, 2 usage), no traceback, the graph byte-identical and no file left behind;
or, where the case is a silent wrong answer, the right answer.

Unwritable places are simulated by fault injection (the suite runs as root, which a
read-only bit does not stop): ``os.open``/``os.mkdir`` refusing with EROFS, ``os.replace``
with EPERM (an immutable file), ``os.fsync`` with ENOSPC (a full disk).
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GRAPH, ROOT, SEED_NOTE
from supplychain.graph import load_graph

SERIES = ROOT / "tests" / "fixtures" / "ingest" / "series"
LATER = SERIES / "industry_research_2025-12-03.md"
LATEST = SERIES / "industry_research_2025-12-10.md"
CACHE = ".supplychain-cache"


def run(capsys, *argv):
    """The CLI in-process: (exit code, stdout, stderr); a usage error's exit too."""
    from supplychain.cli import main

    try:
        code = main([str(a) for a in argv])
    except SystemExit as e:
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def files_in(folder: Path) -> set[str]:
    """Every file and folder under ``folder`` except the cache's entries (a cache entry
    made while loading is not a left-over); lock and temporary files count, there too."""
    out = set()
    for p in folder.rglob("*"):
        rel = p.relative_to(folder).as_posix()
        if rel.startswith(CACHE) and not (p.name.endswith(".tmp") or p.name.endswith(".lock")):
            continue
        out.add(rel)
    return out


def refused(result, code: int, graph: Path | None = None, before: bytes | None = None,
            folder: Path | None = None, listing: set | None = None, match: str | None = None) -> str:
    """Assert a refusal: exit ``code``, nothing on stdout, exactly one line on stderr, no
    traceback; the graph unchanged and no file added. Returns the line."""
    got, out, err = result
    assert got == code, (got, out, err)
    assert "Traceback" not in out + err
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    if graph is not None:
        assert graph.read_bytes() == before
    if folder is not None:
        assert files_in(folder) == listing
    if match is not None:
        assert match in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def place(tmp_path):
    """A folder holding a copy of the bundled graph: (graph path, its bytes, the folder's listing)."""
    g = tmp_path / "graph.yaml"
    g.write_bytes(GRAPH.read_bytes())
    return g, g.read_bytes(), files_in(tmp_path)


# --------------------------------------------------------------------------- 4, 15: usage


@pytest.mark.parametrize("name", ["", "   ", "\t"])
def test_4_ingest_with_an_empty_driver_name_is_a_usage_error(place, capsys, name):
    g, before, listing = place
    line = refused(run(capsys, "-g", g, "ingest", "--driver", name, LATER), 2, g, before, g.parent, listing)
    assert "--driver" in line and "empty name" in line


def test_4_the_library_refuses_an_empty_driver_too(place):
    from supplychain.errors import SupplyChainError
    from supplychain.ingest.apply import ingest

    g, before, _ = place
    with pytest.raises(SupplyChainError, match="name is empty"):
        ingest([LATER], g, driver=" ")
    assert g.read_bytes() == before


@pytest.mark.parametrize("argv", [
    ("changes", "--depth", "0"),
    ("changes", "--depth", "-3"),
    ("changes", "--depth", "two"),
    ("exposure", "阿里云资本开支", "--depth", "0"),
    ("drivers", "中际旭创", "--depth", "0"),
    ("path", "中际旭创", "新易盛", "--depth", "0"),
])
def test_15_every_depth_argument_is_validated_alike(capsys, argv):
    line = refused(run(capsys, *argv), 2)
    assert line.startswith("Error: argument --depth: ") and "is not a positive whole number" in line


def test_15_changes_in_the_library_refuses_depth_0(graph):
    from supplychain.errors import SupplyChainError
    from supplychain.ingest.changes import changes

    with pytest.raises(SupplyChainError, match="depth must be at least 1"):
        changes(graph, depth=0)


# --------------------------------------------------------------------------- 5: symbolic links


def test_5_writing_through_a_symlink_updates_the_real_file(tmp_path, capsys):
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    real = real_dir / "graph.yaml"
    real.write_bytes(GRAPH.read_bytes())
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    direct = tmp_path / "direct.yaml"
    direct.write_bytes(GRAPH.read_bytes())

    code, out, err = run(capsys, "-g", link, "ingest", LATER)
    assert code == 0 and err == "", err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert run(capsys, "-g", direct, "ingest", LATER)[0] == 0
    assert real.read_bytes() == direct.read_bytes() != GRAPH.read_bytes()
    assert {p.name for p in real_dir.iterdir() if p.name != CACHE} == {"graph.yaml"}  # no lock, no temp
    assert {p.name for p in tmp_path.iterdir() if p.name != CACHE} == {"real", "link.yaml", "direct.yaml"}


def test_5_the_lock_is_on_the_real_file(tmp_path, capsys):
    from supplychain.files import graph_lock

    real = tmp_path / "graph.yaml"
    real.write_bytes(GRAPH.read_bytes())
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    with graph_lock(real):
        refused(run(capsys, "-g", link, "ingest", LATER), 1, real, GRAPH.read_bytes(),
                match="another supplychain process is writing this graph")
    with graph_lock(link):
        refused(run(capsys, "-g", real, "ingest", LATER), 1, real, GRAPH.read_bytes(),
                match="another supplychain process is writing this graph")
    assert not (tmp_path / "graph.yaml.lock").exists() and not (tmp_path / "link.yaml.lock").exists()


# --------------------------------------------------------------------------- 6: unwritable places


def _refuse_writes_under(monkeypatch, folder: Path, err: int = errno.EROFS):
    """Fault injection: creating or writing any file, or a folder, under ``folder`` fails
    with ``err`` (as on a read-only mount); reading works."""
    real_open, real_mkdir = os.open, os.mkdir
    writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT

    def fake_open(path, flags, *args, **kwargs):
        if flags & writing and str(path).startswith(str(folder)):
            raise OSError(err, os.strerror(err), str(path))
        return real_open(path, flags, *args, **kwargs)

    def fake_mkdir(path, *args, **kwargs):
        if str(path).startswith(str(folder)) and not os.path.isdir(path):
            raise OSError(err, os.strerror(err), str(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "mkdir", fake_mkdir)


def test_6_read_only_mount_refuses_a_write_in_one_line(place, capsys, monkeypatch):
    g, before, listing = place
    _refuse_writes_under(monkeypatch, g.parent)
    line = refused(run(capsys, "-g", g, "ingest", LATER), 1, g, before, g.parent, listing)
    assert line == f"Error: {g}: cannot write: Read-only file system (the file system is read-only); nothing was written"


def test_6_read_only_mount_a_no_op_reingest_does_not_even_try_to_write(place, capsys, monkeypatch):
    g, before, listing = place
    _refuse_writes_under(monkeypatch, g.parent)
    code, out, err = run(capsys, "-g", g, "ingest", SEED_NOTE)
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == f"{g} unchanged: nothing new"
    assert g.read_bytes() == before and files_in(g.parent) == listing


def test_6_read_only_mount_apply_is_refused_too(place, capsys, monkeypatch):
    g, before, listing = place
    _refuse_writes_under(monkeypatch, g.parent)
    refused(run(capsys, "-g", g, "apply", ROOT / "tests/fixtures/ingest/patches/desk_call_2025-12-05.yaml"), 1,
            g, before, g.parent, listing, match="the file system is read-only")


def test_6_an_immutable_graph_file(place, capsys, monkeypatch):
    g, before, listing = place
    real_replace = os.replace

    def immutable(src, dst, *a, **k):
        if Path(dst) == g:
            raise PermissionError(errno.EPERM, "Operation not permitted", str(dst))
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", immutable)
    line = refused(run(capsys, "-g", g, "ingest", LATER), 1, g, before, g.parent, listing)
    assert line == (f"Error: {g}: cannot write: Operation not permitted "
                    "(the file or its folder is immutable or not yours); nothing was written")


def test_6_a_full_disk(place, capsys, monkeypatch):
    g, before, listing = place

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    line = refused(run(capsys, "-g", g, "ingest", LATER), 1, g, before, g.parent, listing)
    assert line == f"Error: {g}: cannot write: No space left on device (the disk is full); nothing was written"


def test_6_a_directory_where_the_lock_file_goes(place, capsys):
    g, before, _ = place
    (g.parent / "graph.yaml.lock").mkdir()
    listing = files_in(g.parent)
    line = refused(run(capsys, "-g", g, "ingest", LATER), 1, g, before, g.parent, listing)
    assert line == (f"Error: {g}.lock: cannot write: Is a directory (a directory is in the way); "
                    "nothing was written")


def test_6_export_into_a_read_only_folder(place, capsys, monkeypatch, tmp_path):
    g, _, _ = place
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    _refuse_writes_under(monkeypatch, out_dir)
    refused(run(capsys, "-g", g, "export", "json", "-o", out_dir / "g.json"), 1, match="the file system is read-only")
    assert list(out_dir.iterdir()) == []


# --------------------------------------------------------------------------- 8: same file name, same title


def _variant(src: Path, dest: Path, **replace: str) -> Path:
    text = src.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text, encoding="utf-8")
    return dest


def test_8_two_notes_with_the_same_file_name_are_two_reports(place, capsys):
    g, _, _ = place
    a = _variant(LATER, g.parent / "desk-a" / "note_2025-12-03.md")
    b = _variant(LATER, g.parent / "desk-b" / "note_2025-12-03.md",
                 **{"2025-12-03 09:12": "2025-12-04 09:12", "industry_research_2025-12-03": "desk b call",
                    "海光信息、中科曙光、欧陆通（推荐）": "龙芯中科（推荐）"})
    code, out, err = run(capsys, "-g", g, "ingest", a, b)
    assert (code, err) == (0, ""), err
    new = load_graph(g)
    ra, rb = new.nodes["note-2025-12-03"], new.nodes["note-2025-12-03-2"]
    assert (ra.date, rb.date) == (dt.date(2025, 12, 3), dt.date(2025, 12, 4))
    assert ra.file.endswith("desk-a/note_2025-12-03.md") and rb.file.endswith("desk-b/note_2025-12-03.md")
    longson = new.resolve("龙芯中科")
    claims = [c for e in new.out_edges(longson.id) for c in e.claims]
    assert [(c.report, c.stance) for c in claims] == [("note-2025-12-03-2", "recommended")]
    # both notes' claims are there: the second's were not dropped as "already recorded"
    cited = {c.report for e in new.edges for c in e.claims}
    assert {"note-2025-12-03", "note-2025-12-03-2"} <= cited
    # re-ingesting either changes nothing
    after = g.read_bytes()
    code, out, err = run(capsys, "-g", g, "ingest", b, a)
    assert code == 0 and out.splitlines()[-1] == f"{g} unchanged: nothing new"
    assert g.read_bytes() == after


def test_8_two_notes_with_the_same_title_are_accepted_with_distinct_names(place, capsys):
    g, _, _ = place
    b = _variant(LATER, g.parent / "notes" / "desk_call_2025-12-05.md",
                 **{"2025-12-03 09:12": "2025-12-05 09:12", "海光信息、中科曙光、欧陆通（推荐）": "龙芯中科（推荐）"})
    code, out, err = run(capsys, "-g", g, "ingest", LATER, b)
    assert (code, err) == (0, ""), err
    new = load_graph(g)
    first, second = new.nodes["industry-research-2025-12-03"], new.nodes["desk-call-2025-12-05"]
    assert first.name == "industry_research_2025-12-03"
    assert second.name == "industry_research_2025-12-03 (desk-call-2025-12-05)"
    assert new.resolve("industry_research_2025-12-03").id == first.id


# --------------------------------------------------------------------------- 9: line separators


SEPARATORS = ["\u2028", "\u2029", "\u0085", "\x0c", "\x0b", "\x1c", "\x1d", "\x1e"]


@pytest.mark.parametrize("sep", SEPARATORS, ids=[f"U+{ord(s):04X}" for s in SEPARATORS])
def test_9_a_separator_inside_a_bullet_does_not_cut_it(tmp_path, sep):
    from supplychain.ingest.parse import parse_report

    plain = parse_report(LATER)
    note = _variant(LATER, tmp_path / "industry_research_2025-12-03.md",
                    **{"海光信息、中科曙光": f"海光信息{sep}、中科曙光", "兆易创新、江波龙": f"兆易创新、{sep}江波龙"})
    hostile = parse_report(note)
    assert [(s.name, s.line, [(m.name, m.stance) for m in s.mentions]) for s in hostile.sectors] == \
           [(s.name, s.line, [(m.name, m.stance) for m in s.mentions]) for s in plain.sectors]
    assert [(r.name, r.line) for r in hostile.risks] == [(r.name, r.line) for r in plain.risks]
    assert [f.line for f in hostile.facts] == [f.line for f in plain.facts]
    assert [(e.name, e.line) for e in hostile.etfs] == [(e.name, e.line) for e in plain.etfs]


def test_9_an_error_after_a_separator_names_the_editor_line(tmp_path, capsys, place):
    g, before, _ = place
    note = _variant(LATER, tmp_path / "industry_research_2025-12-03.md",
                    **{"海光信息、中科曙光": "海光信息\u2028、中科曙光", "兆易创新、江波龙（受益）": "兆易创新、江波龙（受益"})
    listing = files_in(g.parent)
    line = refused(run(capsys, "-g", g, "ingest", note), 1, g, before, g.parent, listing)
    n = next(i for i, t in enumerate(note.read_text(encoding="utf-8").split("\n"), 1) if "江波龙（受益" in t)
    assert line.startswith(f"Error: {note}:{n}: unbalanced marker")


def test_9_crlf_notes_keep_their_line_numbers():
    from supplychain.ingest.parse import parse_text

    text = LATER.read_text(encoding="utf-8")
    a = parse_text(text, "a.md", LATER.name)
    b = parse_text(text.replace("\n", "\r\n"), "a.md", LATER.name)
    assert [(s.line, s.quote) for s in a.sectors] == [(s.line, s.quote) for s in b.sectors]


# --------------------------------------------------------------------------- 13: unbounded reads


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_13_ingest_of_a_device_or_a_fifo_is_refused_at_once(place, target):
    g, before, listing = place
    if target == "fifo":
        target = g.parent / "note.md"
        os.mkfifo(target)
        listing = files_in(g.parent)
    exe = Path(sys.executable).parent / "supplychain"
    p = subprocess.run([str(exe), "-g", str(g), "ingest", str(target)], capture_output=True, text=True, timeout=60)
    line = refused((p.returncode, p.stdout, p.stderr), 1, g, before, g.parent, listing)
    assert line.startswith(f"Error: {target}: is a ") and "not a regular file" in line


def test_13_a_note_over_the_size_limit_is_refused_with_its_size(place, capsys):
    from supplychain.ingest.parse import NOTE_LIMIT

    g, before, _ = place
    big = g.parent / "industry_research_2025-12-03.md"
    with open(big, "wb") as f:
        f.write(LATER.read_bytes())
        f.truncate(25_000_000)  # sparse: no 25 MB written
    listing = files_in(g.parent)
    line = refused(run(capsys, "-g", g, "ingest", big), 1, g, before, g.parent, listing)
    assert NOTE_LIMIT == 20_000_000
    assert line == f"Error: {big}: the note is 25.0 MB, over the 20.0 MB limit; split it"


def test_13_a_patch_that_is_a_device_or_too_big_is_refused(place, capsys):
    g, before, listing = place
    refused(run(capsys, "-g", g, "apply", "/dev/zero"), 1, g, before, g.parent, listing,
            match="/dev/zero: is a device, not a regular file")
    big = g.parent / "desk.yaml"
    with open(big, "wb") as f:
        f.truncate(21_000_000)
    listing = files_in(g.parent)
    line = refused(run(capsys, "-g", g, "apply", big), 1, g, before, g.parent, listing)
    assert line == f"Error: {big}: the patch is 21.0 MB, over the 20.0 MB limit; split it"


def test_13_the_graph_given_as_a_device_is_refused_before_locking(capsys, tmp_path):
    refused(run(capsys, "-g", "/dev/zero", "ingest", LATER), 1, match="not a regular file")
    refused(run(capsys, "-g", "/dev/null", "apply", ROOT / "tests/fixtures/ingest/patches/desk_call_2025-12-05.yaml"),
            1, match="not a regular file")


# --------------------------------------------------------------------------- 14: nothing left behind


def test_14_a_failed_ingest_into_a_missing_folder_creates_nothing(tmp_path, capsys):
    g = tmp_path / "nodir" / "g.yaml"
    line = refused(run(capsys, "-g", g, "ingest", LATER), 1)
    assert line == f"Error: {g}: file not found (pass --graph PATH or set SUPPLYCHAIN_GRAPH)"
    assert list(tmp_path.iterdir()) == []


def test_14_failed_commands_leave_no_lock_file(place, capsys):
    g, before, listing = place
    bad = ROOT / "tests" / "fixtures" / "ingest" / "bad" / "bad_date.md"
    refused(run(capsys, "-g", g, "ingest", bad), 1, g, before, g.parent, listing)
    code, out, err = run(capsys, "-g", g, "apply", ROOT / "tests/fixtures/ingest/patches/bad_unknown.yaml")
    assert code == 1 and "Traceback" not in err and g.read_bytes() == before
    assert files_in(g.parent) == listing
    assert run(capsys, "-g", g, "ingest", LATER)[0] == 0
    assert not any(p.endswith(".lock") or p.endswith(".tmp") for p in files_in(g.parent))


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_14_the_next_write_removes_the_temporary_files_of_killed_writers(place, capsys):
    g, _, _ = place
    dead = _dead_pid()
    stale = g.parent / f".graph.yaml.{dead}.0123abcd.tmp"
    stale.write_bytes(GRAPH.read_bytes()[:5000])  # half a graph, as a kill leaves it
    cache = g.parent / CACHE
    cache.mkdir()
    stale_cache = cache / f".graph.yaml.{'0' * 64}.msgpack.{dead}.89abcdef.tmp"
    stale_cache.write_bytes(b"SCGRAPH2")
    alive = g.parent / f".graph.yaml.{os.getppid()}.fedcba98.tmp"  # a live writer's: kept
    alive.write_bytes(b"")
    other = g.parent / ".notes.tmp"  # not ours: kept
    other.write_bytes(b"")
    assert run(capsys, "-g", g, "ingest", LATER)[0] == 0
    assert not stale.exists() and not stale_cache.exists()
    assert alive.exists() and other.exists()


def test_14_a_failed_write_leaves_no_temporary_file(place, capsys, monkeypatch):
    g, before, listing = place
    real_fsync = os.fsync
    calls = []

    def fails_late(fd):
        calls.append(fd)
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", fails_late)
    refused(run(capsys, "-g", g, "ingest", LATER), 1, g, before, g.parent, listing, match="Input/output error")
    assert calls
    monkeypatch.setattr(os, "fsync", real_fsync)


# --------------------------------------------------------------------------- 17: patch without claims


def test_17_a_patch_without_claims_is_refused(place, capsys):
    g, before, listing = place
    patch = g.parent / "desk.yaml"
    patch.write_text("report:\n  id: desk-aliases\n  date: 2025-12-05\naliases:\n  - {alias: 旭创光, node: 中际旭创}\n",
                     encoding="utf-8")
    listing = files_in(g.parent)
    line = refused(run(capsys, "-g", g, "apply", patch), 1, g, before, g.parent, listing)
    assert line == f"Error: {patch}:1: no 'claims:' list: a patch must have one ('claims: []' for a patch of nodes or aliases only)"


def test_17_an_explicit_empty_claims_list_is_a_patch_of_aliases(place, capsys):
    g, _, _ = place
    patch = g.parent / "desk.yaml"
    patch.write_text("report:\n  id: desk-aliases\n  date: 2025-12-05\naliases:\n  - {alias: 旭创光, node: 中际旭创}\n"
                     "claims: []\n", encoding="utf-8")
    assert run(capsys, "-g", g, "apply", patch)[0] == 0
    assert load_graph(g).resolve("旭创光").id == "innolight"


# --------------------------------------------------------------------------- 19: future dates


def _future() -> dt.date:
    return dt.date.today() + dt.timedelta(days=3)


def test_19_a_note_dated_after_today_is_refused(place, capsys):
    g, before, _ = place
    day = _future()
    note = _variant(LATER, g.parent / f"industry_research_{day}.md", **{"2025-12-03 09:12": f"{day} 09:12"})
    listing = files_in(g.parent)
    line = refused(run(capsys, "-g", g, "ingest", note), 1, g, before, g.parent, listing)
    assert line.startswith(f"Error: {note}:4: dated {day}, after today (")
    assert line.endswith("fix the date, or pass --allow-future if it is meant")
    code, out, err = run(capsys, "-g", g, "ingest", note, "--allow-future")
    assert (code, err) == (0, "")
    assert load_graph(g).nodes[f"industry-research-{day}"].date == day


def test_19_a_patch_dated_after_today_is_refused(place, capsys):
    g, before, _ = place
    day = _future()
    patch = g.parent / "desk.yaml"
    patch.write_text(f"report:\n  id: desk-future\n  date: {day}\nclaims:\n"
                     "  - {type: member_of, source: 中际旭创, target: 光模块, stance: listed, quote: 测试。}\n",
                     encoding="utf-8")
    listing = files_in(g.parent)
    line = refused(run(capsys, "-g", g, "apply", patch), 1, g, before, g.parent, listing)
    assert line.startswith(f"Error: {patch}:3: dated {day}, after today (")
    assert run(capsys, "-g", g, "apply", patch, "--allow-future")[0] == 0


def test_19_today_anywhere_on_earth_is_not_the_future():
    from supplychain.errors import FileFormatError
    from supplychain.ingest.apply import latest_today, refuse_future

    assert latest_today() >= dt.datetime.now(dt.timezone.utc).date()
    refuse_future(latest_today(), "x.md", 3, False)  # a note written today in UTC+14: accepted
    with pytest.raises(FileFormatError, match=r"^x\.md:3: dated "):
        refuse_future(latest_today() + dt.timedelta(days=1), "x.md", 3, False)
    refuse_future(latest_today() + dt.timedelta(days=1), "x.md", 3, True)


# --------------------------------------------------------------------------- 3: a number too large in a note


def test_3_a_note_whose_figure_overflows_is_refused_at_its_line(place, capsys, tmp_path):
    """400 nines read as a float are infinity: refused at the key fact's line, nothing written."""
    g, before, listing = place
    text = LATER.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    n = next(i for i, x in enumerate(lines) if "亿元" in x and x.lstrip()[:1].isdigit())
    head = lines[n].split("亿元", 1)[0]
    digits = len(head) - len(head.rstrip("0123456789."))
    lines[n] = head[: len(head) - digits] + "9" * 400 + "亿元" + lines[n].split("亿元", 1)[1]
    note = tmp_path / "notes" / LATER.name
    note.parent.mkdir()
    note.write_text("".join(lines), encoding="utf-8")
    listing = files_in(tmp_path)
    line = refused(run(capsys, "-g", g, "ingest", note), 1, g, before, tmp_path, listing)
    assert f"{LATER.name}:{n + 1}: metric" in line and "too large" in line


def test_a_folder_of_notes_is_read_for_every_note_kind(tmp_path):
    """A folder holds notes of every kind ingest reads, not only Markdown; other files are left alone."""
    from supplychain.ingest.apply import note_files

    notes = ROOT / "tests" / "fixtures" / "notes"
    for name in ("broker_switches_20251212.md", "broker_servers_20251218.html", "broker_optical_20251219.txt",
                 "reference_extra.csv"):
        (tmp_path / name).write_bytes((notes / name).read_bytes())
    (tmp_path / ".hidden.md").write_text("# not a note", encoding="utf-8")
    found = [p.name for p in note_files([tmp_path])]
    assert found == ["broker_optical_20251219.txt", "broker_servers_20251218.html", "broker_switches_20251212.md"]
