"""Fault injection for the chunk store: a chunk that does not verify is recomputed, never used.

Every scenario interrupts a map after a few chunks (in this process), damages the parts folder
in one way, resumes, and checks (a) the damaged chunks are counted in ``SweepRun.chunks_rejected``
and computed again, (b) the result is the uninterrupted run's, byte for byte (same process, same
code path: the numbers of a chunk do not depend on where or when it was solved).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from multigap.errors import InputError
from multigap.io import model_from_dataset, read_dataset
from multigap.sweep import engine as sweep_engine
from multigap.sweep import run_cut, run_map
from multigap.sweep.store import IDENTITY_KEY, ChunkStore, arrays_checksum
from test_sweep_plugins import ScaledBCS

ETA = np.linspace(-0.5, 1.5, 6)
G = np.array([0.15, 0.3, 0.45])
CHUNK = 4  # 18 points -> 5 chunks
N_CHUNKS = 5
KEPT = 3  # chunks finished before the interruption


def _run(model, out, **kw):
    return run_map(model, ETA, G, out=out, executor="serial", chunk_size=CHUNK, progress=False, **kw)


@pytest.fixture(scope="module")
def reference(coarse, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "map.nc"
    _run(coarse, out)
    return out


def _interrupt(model, out: Path, monkeypatch, kept: int = KEPT) -> Path:
    """Run until ``kept`` chunks are saved, then stop as Ctrl-C would; returns the parts folder."""
    original = sweep_engine.solve_chunk
    calls: list[int] = []

    def stop_after(chunk):
        if len(calls) == kept:
            raise KeyboardInterrupt
        calls.append(chunk.index)
        return original(chunk)

    monkeypatch.setattr(sweep_engine, "solve_chunk", stop_after)
    with pytest.raises(KeyboardInterrupt):
        _run(model, out)
    monkeypatch.setattr(sweep_engine, "solve_chunk", original)
    parts = out.with_name(out.name + ".parts")
    assert len(list(parts.glob("chunk_*.npz"))) == kept
    return parts


def _check_resume(model, out: Path, reference: Path, *, rejected: int, reused: int) -> None:
    run = _run(model, out)
    assert run.chunks_rejected == rejected
    assert run.chunks_reused == reused and run.chunks_computed == N_CHUNKS - reused
    assert out.read_bytes() == reference.read_bytes()


def test_clean_resume_is_byte_identical(coarse, reference, tmp_path, monkeypatch):
    out = tmp_path / "map.nc"
    _interrupt(coarse, out, monkeypatch)
    _check_resume(coarse, out, reference, rejected=0, reused=KEPT)


def test_chunk_carries_identity_and_checksum(coarse, tmp_path, monkeypatch):
    parts = _interrupt(coarse, tmp_path / "map.nc", monkeypatch, kept=2)
    with np.load(parts / "chunk_00001.npz") as data:
        record = json.loads(str(data[IDENTITY_KEY]))
        arrays = {k: data[k] for k in data.files if k != IDENTITY_KEY}
    manifest = json.loads((parts / "manifest.json").read_text())
    assert record["index"] == 1 and (record["start"], record["stop"]) == (CHUNK, 2 * CHUNK)
    assert record["manifest_sha256"] == ChunkStore(parts, manifest).hash
    assert record["sha256"] == arrays_checksum(arrays)


def test_tampered_chunk_is_recomputed(coarse, reference, tmp_path, monkeypatch):
    out = tmp_path / "map.nc"
    parts = _interrupt(coarse, out, monkeypatch)
    path = parts / "chunk_00001.npz"
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["tc"] = arrays["tc"] * 1.5  # other values, identity record left as it was
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)
    _check_resume(coarse, out, reference, rejected=1, reused=KEPT - 1)


def test_truncated_chunk_is_recomputed(coarse, reference, tmp_path, monkeypatch):
    out = tmp_path / "map.nc"
    parts = _interrupt(coarse, out, monkeypatch)
    path = parts / "chunk_00002.npz"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    _check_resume(coarse, out, reference, rejected=1, reused=KEPT - 1)


def test_swapped_chunk_is_recomputed(coarse, reference, tmp_path, monkeypatch):
    out = tmp_path / "map.nc"
    parts = _interrupt(coarse, out, monkeypatch)
    shutil.copyfile(parts / "chunk_00000.npz", parts / "chunk_00001.npz")  # same shapes, other points
    _check_resume(coarse, out, reference, rejected=1, reused=KEPT - 1)


def test_chunk_replaced_by_a_directory_is_recomputed(coarse, reference, tmp_path, monkeypatch):
    out = tmp_path / "map.nc"
    parts = _interrupt(coarse, out, monkeypatch)
    (parts / "chunk_00000.npz").unlink()
    (parts / "chunk_00000.npz").mkdir()
    (parts / "chunk_00000.npz" / "junk").write_text("x")
    _check_resume(coarse, out, reference, rejected=1, reused=KEPT - 1)


def test_chunk_from_another_map_is_recomputed(coarse, reference, tmp_path, monkeypatch):
    other = dataclasses.replace(coarse, name="A-other")
    other_parts = _interrupt(other, tmp_path / "other.nc", monkeypatch)
    out = tmp_path / "map.nc"
    parts = _interrupt(coarse, out, monkeypatch)
    shutil.copyfile(other_parts / "chunk_00001.npz", parts / "chunk_00001.npz")  # same index, other map
    _check_resume(coarse, out, reference, rejected=1, reused=KEPT - 1)


def test_manifest_deleted_and_another_map_resumed(coarse, tmp_path, monkeypatch):
    """The v0.1 failure: model-A chunks reused for model B once the manifest was gone."""
    out = tmp_path / "map.nc"
    parts = _interrupt(coarse, out, monkeypatch)
    (parts / "manifest.json").unlink()
    other = dataclasses.replace(
        coarse, name="B-like", pairing=dataclasses.replace(coarse.pairing, omega0=250.0)
    )
    run = _run(other, out)
    assert run.chunks_rejected == KEPT and run.chunks_reused == 0 and run.chunks_computed == N_CHUNKS
    fresh = _run(other, tmp_path / "fresh.nc").dataset
    back = read_dataset(out)
    assert model_from_dataset(back).name == "B-like"
    xr.testing.assert_identical(back.drop_attrs(), fresh.drop_attrs())


def test_unreadable_manifest_does_not_block_a_resume(coarse, reference, tmp_path, monkeypatch):
    out = tmp_path / "map.nc"
    parts = _interrupt(coarse, out, monkeypatch)
    (parts / "manifest.json").write_bytes(b"\x00garbage{")
    _check_resume(coarse, out, reference, rejected=0, reused=KEPT)  # the chunks verify on their own


def test_manifest_of_another_map_is_refused_without_overwrite(coarse, tmp_path, monkeypatch):
    out = tmp_path / "map.nc"
    _interrupt(coarse, out, monkeypatch)
    with pytest.raises(InputError, match=r"different computation \(differs in: eta\)"):
        run_map(coarse, ETA[:4], G, out=out, executor="serial", chunk_size=CHUNK, progress=False)
    with pytest.raises(InputError, match="differs in: quantities"):
        _run(coarse, out, quantities=("tc", "alpha"))
    with pytest.raises(InputError, match="differs in: theory, theory_options"):
        _run(coarse, out, theory=ScaledBCS(0.5))
    run = run_map(
        coarse, ETA[:4], G, out=out, executor="serial", chunk_size=CHUNK, progress=False, overwrite=True
    )
    assert run.chunks_reused == 0 and run.chunks_rejected == 0  # the old chunks were discarded


def test_cut_resumes_from_verified_chunks(coarse, tmp_path, monkeypatch):
    eta = np.linspace(0.2, 1.4, 6)
    fresh = run_cut(coarse, eta, g=0.3, quantities=("tc", "alpha"), chunk_size=2)
    original = sweep_engine.solve_chunk
    calls: list[int] = []

    def stop_after_one(chunk):
        if calls:
            raise KeyboardInterrupt
        calls.append(chunk.index)
        return original(chunk)

    out = tmp_path / "cut.nc"
    monkeypatch.setattr(sweep_engine, "solve_chunk", stop_after_one)
    with pytest.raises(KeyboardInterrupt):
        run_cut(coarse, eta, g=0.3, quantities=("tc", "alpha"), chunk_size=2, out=out)
    monkeypatch.setattr(sweep_engine, "solve_chunk", original)
    resumed = run_cut(coarse, eta, g=0.3, quantities=("tc", "alpha"), chunk_size=2, out=out)
    xr.testing.assert_identical(resumed.drop_attrs(), fresh.drop_attrs())
    assert read_dataset(out).attrs["theory"] == "bcs"


def test_full_disk_while_saving_a_chunk_is_one_input_error(coarse, tmp_path, monkeypatch):
    import errno

    from multigap.sweep import store

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.os, "fsync", full)
    with pytest.raises(InputError, match=r"cannot write .*manifest\.json.*No space left on device"):
        _run(coarse, tmp_path / "map.nc")
    assert not list((tmp_path / "map.nc.parts").glob(".*.tmp"))  # no temporary file left behind


def test_damaged_lock_and_manifest_files(coarse, reference, tmp_path, monkeypatch):
    out = tmp_path / "map.nc"
    parts = _interrupt(coarse, out, monkeypatch)
    (parts / "manifest.json").unlink()
    (parts / "manifest.json").mkdir()  # a folder where the manifest should be: replaced
    _check_resume(coarse, out, reference, rejected=0, reused=KEPT)
    parts = _interrupt(coarse, tmp_path / "again.nc", monkeypatch)
    (parts / ".lock").unlink()
    (parts / ".lock").mkdir()  # a folder where the lock file should be: one line, no traceback
    with pytest.raises(InputError, match="lock file"):
        _run(coarse, tmp_path / "again.nc")
