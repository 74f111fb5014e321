"""The numbers that README.md and docs/ quote are the numbers the code computes.

Every test reads the figure from the page as it is written (a regular expression around the
sentence or table row that quotes it), recomputes it, and checks that it *rounds to the quoted
digits*: |computed − quoted| ≤ ½ unit of the last digit written (``5e-6 K`` allows 4.5e-6 …
5.5e-6; ``251.0 K`` allows 250.95 … 251.05).  So the doc and the test cannot drift apart: editing
a number on a page re-targets its test, and a change in the physics that moves a quoted number
by more than its last digit fails here.  The solvers are accurate to ~1e-8 relative or better
(docs/solvers.md), far inside every rounding interval used below, so these checks do not depend
on the CPU.  A page that stops quoting a number fails with a message naming the pattern.
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from multigap import band_structure, critical_temperature, isotope_coefficient, preset
from multigap import zero_temperature_gaps as gaps_at
from multigap.bands import lifshitz_scale
from multigap.constants import BCS_GAP_RATIO, BCS_TC_PREFACTOR
from multigap.dos import dos_unit
from multigap.model import Numerics, omega_tilde
from multigap.observables import GapSummary
from multigap.overlap import mean_overlap_matrix
from multigap.problem import cached_bands

ROOT = Path(__file__).resolve().parents[1]
NUMBER = r"(−?-?\d+(?:\.\d+)?(?:e[−-]?\d+)?)"  # a number as the pages write it (− or - signs)


# ------------------------------------------------------------------------------ reading pages
def page(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def quoted(name: str, pattern: str, count: int = 1) -> list[str]:
    """The ``count`` groups of the first match of ``pattern`` (with NUMBER spliced in) on a page."""
    regex = pattern.replace(" ", r"\s+").replace("{N}", NUMBER)  # a space matches any line wrap
    match = re.search(regex, page(name), flags=re.S)
    assert match is not None, f"{name} no longer quotes a number matching {pattern!r}: update this test"
    groups = list(match.groups())
    assert len(groups) == count
    return groups


def table_row(name: str, label: str) -> list[str]:
    """Cells after the first cell of the Markdown table row whose first cell is ``label``."""
    for line in page(name).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.lstrip().startswith("|") and cells[0] == label:
            return cells[1:]
    raise AssertionError(f"{name}: no table row {label!r}: update this test")


def value(text: str) -> float:
    return float(text.replace("−", "-"))


def half_unit(text: str) -> float:
    """Half a unit of the last digit written: '251.0' -> 0.05, '5e-6' -> 5e-7, '274' -> 0.5."""
    mantissa, _, exponent = text.replace("−", "-").lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (-decimals + (int(exponent) if exponent else 0))


def assert_rounds_to(computed: float, text: str, what: str) -> None:
    quoted_value = value(text)
    tol = half_unit(text) * (1.0 + 1e-9)
    assert abs(computed - quoted_value) <= tol, (
        f"{what}: the docs quote {text}, the code computes {computed!r} "
        f"(allowed ±{half_unit(text):g}, the last digit written)"
    )


# ------------------------------------------------------------------------------ the helpers
def test_half_unit_follows_the_digits_written() -> None:
    assert half_unit("251.0") == pytest.approx(0.05)
    assert half_unit("274") == 0.5
    assert half_unit("5.3e-6") == pytest.approx(5e-8)
    assert half_unit("−0.29") == pytest.approx(0.005)
    assert_rounds_to(0.2443, "0.24", "check")
    with pytest.raises(AssertionError):
        assert_rounds_to(0.2451, "0.24", "check")


# ------------------------------------------------------------------------------ computations
@cache
def _tc(model: str, eta: float, g: float) -> float:
    return critical_temperature(preset(model), eta=eta, g=g).tc


@cache
def _gaps(model: str, eta: float, g: float) -> GapSummary:
    return gaps_at(preset(model), eta=eta, g=g)


# ------------------------------------------------------------------------------ README.md
def test_readme_tc_at_the_top_of_dome_a() -> None:
    (cli,) = quoted("README.md", r"tc --model A --eta 1 --g 0\.4\s+# Tc = {N} K")
    assert_rounds_to(_tc("A", 1.0, 0.4), cli, "README CLI: Tc of A at (1, 0.4)")
    (api,) = quoted("README.md", r"critical_temperature\(model, eta=1\.0, g=0\.4\).*?# ≈ {N} K")
    assert_rounds_to(_tc("A", 1.0, 0.4), api, "README API: Tc of A at (1, 0.4)")


def test_readme_isotope_coefficient() -> None:
    (alpha,) = quoted("README.md", r"isotope_coefficient\(model, eta=1\.0, g=0\.25\)\)\s*# α ≈ {N}")
    assert_rounds_to(isotope_coefficient(preset("A"), eta=1.0, g=0.25), alpha, "README: α of A at (1, 1/4)")


def test_readme_tc_floor() -> None:
    (floor,) = quoted("README.md", r"a Tc below the floor \({N} K\)")
    assert Numerics().tc_floor == value(floor)


# ------------------------------------------------------------------------------ docs/theory.md
@pytest.mark.parametrize("model", ["A", "B"])
def test_theory_preset_table(model: str) -> None:
    col = "AB".index(model)
    m = preset(model)
    bands = band_structure(m)
    for n in (1, 2, 3):
        lo, hi = table_row("docs/theory.md", f"band {n} (meV)")[col].split("–")
        assert_rounds_to(bands.band_edges[n - 1, 0], lo.strip(), f"{model}: bottom of band {n}")
        assert_rounds_to(bands.band_edges[n - 1, 1], hi.strip(), f"{model}: top of band {n}")
    e_l, width = lifshitz_scale(bands, m.active_band)
    assert_rounds_to(e_l, table_row("docs/theory.md", "E_L (meV)")[col], f"{model}: E_L")
    assert_rounds_to(width, table_row("docs/theory.md", "target ΔE (meV)")[col], f"{model}: ΔE")
    mass_b = m.lattice.layers[1].mass
    assert_rounds_to(mass_b, table_row("docs/theory.md", "m_b (m_e)")[col], f"{model}: m_b")
    assert m.pairing.omega0 == value(table_row("docs/theory.md", "ω₀ (meV)")[col])
    num, den = table_row("docs/theory.md", "default g = g₃₃")[col].split("/")
    assert m.pairing.g[2][2] == pytest.approx(value(num) / value(den), rel=1e-15)
    assert_rounds_to(
        m.pairing.omega, table_row("docs/theory.md", "ω̃₀ at the default g (meV)")[col], f"{model}: ω̃₀"
    )
    tc = table_row("docs/theory.md", "Tc at η = 1, g = 0.4, μ = μ₀ (K)")[col]
    assert_rounds_to(_tc(model, 1.0, 0.4), tc, f"{model}: Tc at (1, 0.4)")


def test_theory_units_constants_and_n0() -> None:
    (tc_pref, ratio) = quoted("docs/theory.md", r"2e\^γ/π ≈ {N} and 2π/e\^γ ≈ {N}", 2)
    assert_rounds_to(BCS_TC_PREFACTOR, tc_pref, "2e^γ/π")
    assert_rounds_to(BCS_GAP_RATIO, ratio, "2π/e^γ")
    (weak,) = quoted("docs/theory.md", r"k_BTc = \(2e\^γ/π\) ω̃₀ e\^\{−1/g\} ≈ {N} ω̃₀")
    assert_rounds_to(BCS_TC_PREFACTOR, weak, "weak-coupling prefactor")
    (n0,) = quoted("docs/theory.md", r"for m_x = m_e, N₀ ≈ {N} /\(meV nm²\)")
    assert_rounds_to(dos_unit(band_structure(preset("A"))), n0, "N₀ for m_x = m_e")


def test_theory_overlaps_and_rank() -> None:
    diag = quoted("docs/theory.md", r"for model A its diagonal is {N}, {N}, {N}\.", 3)
    computed = np.diag(mean_overlap_matrix(band_structure(preset("A"))))
    for n, text in enumerate(diag):
        assert_rounds_to(float(computed[n]), text, f"zone-averaged Ī^{{{n + 1}{n + 1}}} of A")
    (rank,) = quoted("docs/theory.md", r"dropped: rank {N} for models A and B\)")
    assert cached_bands(preset("A")).rank == cached_bands(preset("B")).rank == int(rank)


def test_theory_cutoff_floor_and_mu_shift() -> None:
    (w,) = quoted("docs/theory.md", r"ω̃₀ = 330 √0\.5 ≈ {N} meV")
    assert_rounds_to(omega_tilde(330.0, 0.25), w, "ω̃₀ of A at g = 1/4")
    (tc_deep,) = quoted("docs/theory.md", r"η = −1, g = 0\.4: Tc ≈ {N} K\)")
    assert_rounds_to(_tc("A", -1.0, 0.4), tc_deep, "Tc of A at (−1, 0.4)")
    (shift,) = quoted("docs/theory.md", r"model A at η = 0\.2, g = 0\.4:\s+μ − μ₀ ≈ {N} meV")
    assert_rounds_to(_gaps("A", 0.2, 0.4).mu_shift, shift, "μ − μ₀ of A at (0.2, 0.4)")


def test_theory_gap_example_and_isotope() -> None:
    text = "docs/theory.md"
    s = _gaps("A", 1.0, 0.25)
    (tc,) = quoted(text, r"\*Example, model A at η = 1, g = 1/4.*?Tc = {N} K")
    assert_rounds_to(s.tc, tc, "Tc of A at (1, 1/4)")
    gaps = quoted(text, r"\*Example, model A.*?Δ = \({N}, {N},\s+{N}\) meV", 3)
    ratios = quoted(text, r"\*Example, model A.*?2Δ_n/k_BTc = \({N}, {N}, {N}\)", 3)
    for n in range(3):
        assert_rounds_to(float(s.gaps.mean[n]), gaps[n], f"Δ_{n + 1} of A at (1, 1/4)")
        assert_rounds_to(float(s.ratios[n]), ratios[n], f"2Δ_{n + 1}/k_BTc of A at (1, 1/4)")
    (aniso,) = quoted(text, r"\*Example, model A.*?Δ₃/Δ₂ = {N}")
    assert_rounds_to(s.anisotropy(), aniso, "Δ₃/Δ₂ of A at (1, 1/4)")
    (shift,) = quoted(text, r"\*Example, model A.*?μ − μ₀ = {N} meV")
    assert_rounds_to(s.mu_shift, shift, "μ − μ₀ of A at (1, 1/4)")
    (alpha,) = quoted(text, r"Model A at η = 1, g = 1/4: α ≈ {N}\.")
    assert_rounds_to(isotope_coefficient(preset("A"), eta=1.0, g=0.25), alpha, "α of A at (1, 1/4)")


def _g_for(omega0: float, target: float) -> float:
    """The g at which eq. 1 gives ω̃₀ = target: 1 − 2g = (target/ω₀)²."""
    return 0.5 * (1.0 - (target / omega0) ** 2)


@pytest.mark.parametrize("name", ["docs/theory.md", "docs/conventions.md"])
def test_paper_cutoff_inconsistency(name: str) -> None:
    (a,) = quoted(name, r"0\.3 < g < 0\.33.*?gives[^≈]*≈ {N} meV")
    assert_rounds_to(omega_tilde(330.0, 0.3), a, f"{name}: eq. 1 for A at g = 0.3")
    (b,) = quoted(name, r"145 meV at g = 0\.25.*?gives[^≈]*≈ {N} meV")
    assert_rounds_to(omega_tilde(225.0, 0.25), b, f"{name}: eq. 1 for B at g = 0.25")


# ------------------------------------------------------------------------------ conventions.md
def test_conventions_needed_couplings_and_masses() -> None:
    (g160,) = quoted("docs/conventions.md", r"\(160 meV needs g ≈ {N}\)")
    assert_rounds_to(_g_for(330.0, 160.0), g160, "g giving ω̃₀ = 160 meV for A")
    (g145,) = quoted("docs/conventions.md", r"\(145 meV needs g ≈ {N}\)")
    assert_rounds_to(_g_for(225.0, 145.0), g145, "g giving ω̃₀ = 145 meV for B")
    (ratio,) = quoted("docs/conventions.md", r"BCS weak coupling: 2π/e\^γ ≈ {N}\)")
    assert_rounds_to(BCS_GAP_RATIO, ratio, "2π/e^γ")
    for model in "AB":
        row = table_row("docs/conventions.md", model)
        assert preset(model).lattice.layers[1].mass == value(row[-1]), f"conventions.md: m_b of {model}"
        width = lifshitz_scale(band_structure(preset(model)), 3)[1]
        assert_rounds_to(width, row[1].removesuffix(" meV"), f"conventions.md: ΔE of {model}")


#: Where each extreme of the Fig. 6 cuts lies on the full cut grid η = 0.05, 0.06, …, 2 (found
#: once by solving all 196 points per model with ``zero_temperature_gaps``, about a minute: too
#: slow for a test).  The test recomputes these points and a coarse grid; the quoted ranges must
#: be the extremes of what it computes.
_CUT_EXTREMES = {"A": (0.05, 1.0, 1.1, 1.13), "B": (0.05, 1.0, 1.39)}
_CUT_G = {"A": 0.25, "B": 1.0 / 3.0}


@pytest.mark.slow
def test_conventions_gap_ratio_ranges_on_the_fig6_cuts() -> None:
    text = "docs/conventions.md"
    r3 = quoted(text, r"2Δ₃/k_BTc = {N}–{N} and", 2)
    r2 = quoted(text, r"2Δ₂/k_BTc = {N}–{N} \(A\) and {N}–{N} \(B\)", 4)
    an = quoted(text, r"hence Δ₃/Δ₂ = {N}–{N} \(A\) and {N}–{N} \(B\)", 4)
    coarse = np.round(np.arange(0.05, 2.0001, 0.15), 2)
    r3_all: list[float] = []
    for k, model in enumerate("AB"):
        etas = sorted(set(_CUT_EXTREMES[model]) | {float(e) for e in coarse})
        rows = [_gaps(model, float(eta), _CUT_G[model]) for eta in etas]
        ratio3 = [float(s.ratios[2]) for s in rows]
        ratio2 = [float(s.ratios[1]) for s in rows]
        aniso = [s.anisotropy() for s in rows]
        r3_all += ratio3
        check: list[tuple[list[float], str, str, str]] = [
            (ratio2, r2[2 * k], r2[2 * k + 1], "2Δ₂/k_BTc"),
            (aniso, an[2 * k], an[2 * k + 1], "Δ₃/Δ₂"),
        ]
        for values, lo, hi, what in check:
            assert_rounds_to(min(values), lo, f"{model}: smallest {what} on the cut")
            assert_rounds_to(max(values), hi, f"{model}: largest {what} on the cut")
    assert_rounds_to(min(r3_all), r3[0], "smallest 2Δ₃/k_BTc on the cuts of A and B")
    assert_rounds_to(max(r3_all), r3[1], "largest 2Δ₃/k_BTc on the cuts of A and B")


# ------------------------------------------------------------------------------ concepts.md
def test_concepts_numbers() -> None:
    name = "docs/concepts.md"
    wa, wb = quoted(name, r"transverse dispersion, {N} meV for model A and {N} meV for model B", 2)
    for model, text in (("A", wa), ("B", wb)):
        assert_rounds_to(lifshitz_scale(band_structure(preset(model)), 3)[1], text, f"ΔE of {model}")
    (n0,) = quoted(name, r"for m_x = m_e, N₀ = {N} states/\(meV nm²\)")
    assert_rounds_to(dos_unit(band_structure(preset("A"))), n0, "N₀")
    (w,) = quoted(name, r"330 sqrt\(1 - 0\.5\) = {N} meV")
    assert_rounds_to(preset("A").pairing.omega, w, "ω̃₀ of A")
    (prefactor,) = quoted(name, r"k_BTc ≈ {N} ω̃₀ e\^\{−1/g\}")
    assert_rounds_to(BCS_TC_PREFACTOR, prefactor, "weak-coupling prefactor")
    (shift,) = quoted(name, r"μ − μ₀ ≈ {N} meV at η = 0\.2, g = 0\.4")
    assert_rounds_to(_gaps("A", 0.2, 0.4).mu_shift, shift, "μ − μ₀ of A at (0.2, 0.4)")
    (deep,) = quoted(name, r"# ~{N} K, converged")
    assert_rounds_to(_tc("A", -1.0, 0.4), deep, "Tc of A at (−1, 0.4)")


# ------------------------------------------------------------------------------ solvers.md
@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("docs/solvers.md", r"numerical rank \({N} for\s+model A\)"),
        ("docs/performance.md", r"r = rank of the overlap factors, {N} for model A"),
    ],
)
def test_overlap_rank_quoted(name: str, pattern: str) -> None:
    (rank,) = quoted(name, pattern)
    assert cached_bands(preset("A")).rank == int(rank)


def test_every_quoted_page_exists_and_the_helpers_reject_a_missing_quote() -> None:
    with pytest.raises(AssertionError, match="no longer quotes"):
        quoted("README.md", r"a sentence that is not there {N}")
    with pytest.raises(AssertionError, match="no table row"):
        table_row("docs/theory.md", "no such row")
    assert math.isfinite(value("−0.29"))


# ------------------------------------------------------------------------------ theory.md anchors
#: Files whose citations of the physics H5 moved from the absent SPEC.md to docs/theory.md.
_THEORY_CITERS = [
    *(f"src/multigap/{m}.py" for m in ("model", "dos", "overlap", "kernels", "problem", "tc", "gaps")),
    *(
        f"src/multigap/{m}.py"
        for m in ("observables", "states", "quadrature", "tabulated", "constants", "analytic")
    ),
    *(f"docs/{d}.md" for d in ("theory", "conventions", "concepts", "solvers", "index", "performance")),
    "README.md",
]


def test_theory_anchors_cited_anywhere_exist() -> None:
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', page("docs/theory.md")))
    assert {"units", "bands", "eta", "dos", "overlap", "tc", "gaps", "ratios", "isotope"} <= anchors
    files = [*ROOT.glob("src/multigap/**/*.py"), *ROOT.glob("docs/**/*.md"), *ROOT.glob("tests/*.py")]
    cited = {
        (str(f.relative_to(ROOT)), a)
        for f in [*files, ROOT / "README.md"]
        for a in re.findall(r"theory\.md#([A-Za-z0-9_-]+)", f.read_text(encoding="utf-8"))
    }
    assert cited, "nothing cites docs/theory.md#…"
    missing = sorted(c for c in cited if c[1] not in anchors)
    assert not missing, f"citations of theory.md anchors that do not exist: {missing}"


@pytest.mark.parametrize("name", _THEORY_CITERS)
def test_no_citation_of_the_absent_spec(name: str) -> None:
    assert not re.search(r"SPEC(\.md| §)", page(name)), f"{name} cites SPEC, which is not in the repository"


def _resolve(name: str) -> object:
    """A dotted name as theory.md writes it: a module path, a class member, or a model field."""
    import importlib

    import multigap

    parts = name.removeprefix("multigap.").split(".")
    candidates: list[tuple[object, list[str]]] = []
    try:
        candidates.append((importlib.import_module(f"multigap.{parts[0]}"), parts[1:]))
    except ImportError:
        pass
    core = (
        "model",
        "bands",
        "observables",
        "dos",
        "tabulated",
        "analytic",
        "problem",
        "tc",
        "gaps",
        "theories",
    )
    modules = [importlib.import_module(f"multigap.{m}") for m in core]
    candidates += [(root, parts) for root in (multigap, preset("A"), *modules)]
    for root, rest in candidates:
        obj = root
        for part in rest:
            if not hasattr(obj, part):
                break
            obj = getattr(obj, part)
        else:
            return obj
    raise AssertionError(f"docs/theory.md names `{name}`, which multigap does not have")


def test_names_in_theory_exist() -> None:
    # sections 1-13 (the BCS contract); the Eliashberg and BKT sections also name local variables
    bcs_part = page("docs/theory.md").split('<a id="eliashberg"></a>')[0]
    names = set(re.findall(r"`((?:multigap\.)?[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?:\([^`]*\))?`", bcs_part))
    names = {
        n for n in names if n != "scipy.constants" and not re.search(r"\.(cff|md|py|nc|toml|png|csv)$", n)
    }
    assert len(names) > 20
    for name in sorted(names):
        _resolve(name)
    with pytest.raises(AssertionError, match="does not have"):
        _resolve("tc.no_such_solver")


def test_fermi_surface_etas_and_chunk_size() -> None:
    import importlib

    *etas, where = quoted("docs/conventions.md", r"η₁, η₂, η₃ = {N}, {N}, {N} by default \(`([\w.]+)`\)", 4)
    module, _, attr = where.rpartition(".")
    assert tuple(getattr(importlib.import_module(module), attr)) == tuple(value(e) for e in etas)
    (chunk,) = quoted("docs/performance.md", r"Chunks of {N} points")
    assert importlib.import_module("multigap.sweep").DEFAULT_CHUNK_SIZE == int(chunk)
