"""Tests of ktlib._phase: phase diagrams of transfer gain, the filter reading, the readout."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from numpy.testing import assert_allclose

import ktlib as kt

D = 100
STRONG = kt.Recipe(steps=200, batch=100)                  # tuned, 20,000 samples
WEAK = kt.Recipe(steps=500, lr_frac=0.35)                  # last iterate, large step
STUDENT = kt.Recipe(steps=1000)                            # tuned


@pytest.fixture(scope="module")
def spectra():
    """KD and W2S diagrams over alpha in {1.5, 2}, beta in {1.5, 2, 3} on d = 100."""
    return kt.spectra_phase([1.5, 2.0], [1.5, 2.0, 3.0], [STRONG, WEAK], STUDENT, d=D, num=8)


@pytest.fixture(scope="module")
def prob():
    return kt.power_law(d=200, alpha=1.5, beta=2.5, noise=1.0)


@pytest.fixture(scope="module")
def batches(prob):
    """Teachers with one horizon and noise floors ~ 1/B, and a transfer_phase over them."""
    lr = 0.45 / prob.eigs.sum()
    Bs = [1, 4, 64]
    teachers = [kt.SGD(lr=lr, steps=1000, batch=B) for B in Bs]
    grid = kt.transfer_phase(prob, teachers, 2000, y=Bs, num=8)
    return teachers, grid


# ---- exactness: a grid point is the scalar pipeline ----------------------------------------

def test_transfer_phase_cells_equal_scalar_transfer(batches):
    _, grid = batches
    for j in range(grid.shape[0]):
        for i in (0, 3, grid.shape[1] - 1):
            prob, teacher, student, baseline = grid.setting(j, i)
            out = kt.transfer(prob, teacher, student, mix=grid.mix, baseline=baseline)
            assert_allclose(out.risk_teacher, grid.risk_teacher[j, i], rtol=1e-12)
            assert_allclose(out.risk_student, grid.risk_student[j, i], rtol=1e-12)
            assert_allclose(out.risk_baseline, grid.risk_baseline[j, i], rtol=1e-12)
            assert_allclose(out.gain, grid.gain[j, i], rtol=1e-10, atol=1e-12)


def test_spectra_phase_cells_equal_scalar_transfer(spectra):
    for grid in spectra:
        for j in range(grid.shape[0]):
            for i in range(grid.shape[1]):
                prob, teacher, student, baseline = grid.setting(j, i)
                assert prob.d == D
                assert_allclose(prob.eigs[1], 2.0 ** -grid.x[i])
                out = kt.transfer(prob, teacher, student, baseline=baseline)
                assert_allclose(out.risk_teacher, grid.risk_teacher[j, i], rtol=1e-12)
                assert_allclose(out.risk_student, grid.risk_student[j, i], rtol=1e-12)
                assert_allclose(out.risk_baseline, grid.risk_baseline[j, i], rtol=1e-12)


def test_spectra_phase_tuning_matches_tune_lr(spectra):
    """The tuned teacher, student and baseline are those of kt.tune_lr on the same grids."""
    kd = spectra[0]
    fr = np.geomspace(1e-3, 0.95, 8)
    for j, i in [(0, 0), (2, 1)]:
        prob, teacher, student, baseline = kd.setting(j, i)
        t = kt.tune_lr(prob, kt.SGD(lr=1, steps=200, batch=100),
                       lrs=fr * kt.stability_limit(prob, 100))
        assert_allclose(t.best_lr, teacher.lr, rtol=1e-12)
        assert_allclose(t.best_risk, kd.risk_teacher[j, i], rtol=1e-12)
        s = kt.tune_lr(prob, kt.SGD(lr=1, steps=1000), lrs=fr * kt.stability_limit(prob),
                       teacher=teacher)
        assert_allclose(s.best_lr, student.lr, rtol=1e-12)
        assert_allclose(s.best_risk, kd.risk_student[j, i], rtol=1e-12)
        best = min(kt.tune_lr(prob, kt.SGD(lr=1, steps=1000, average=a),
                              lrs=fr * kt.stability_limit(prob)).best_risk
                   for a in ("last", "tail"))
        assert_allclose(best, kd.risk_baseline[j, i], rtol=1e-12)


def test_fixed_recipe_uses_its_fraction_of_the_limit(spectra):
    w2s = spectra[1]
    for j, i in [(0, 0), (1, 1)]:
        prob, teacher, _, _ = w2s.setting(j, i)
        assert_allclose(teacher.lr, 0.35 * kt.stability_limit(prob), rtol=1e-12)
        assert_allclose(w2s.lr_teacher[j, i], teacher.lr)


# ---- the two mechanisms ----------------------------------------------------------------------

def test_kd_region_appears_for_beta_above_alpha_with_a_strong_teacher(spectra):
    kd = spectra[0]
    alpha, beta = np.meshgrid(kd.x, kd.y)
    above = beta >= alpha + 0.5
    below = beta <= alpha
    assert above.any() and below.any()
    assert np.all(kd.gain[above] > 0.3), kd.gain
    assert np.all(kd.gain[below] < 0.05), kd.gain
    codes = kd.mechanism()
    assert np.all(codes[above] == kt.MECHANISMS.index("expansion"))
    # beating the best ground-truth learner takes a horizon past the statistical one
    assert np.all(kd.k_student[above] > kd.k_stat[above])


def test_w2s_gain_appears_for_beta_above_alpha_and_vanishes_below(spectra):
    w2s = spectra[1]
    alpha, beta = np.meshgrid(w2s.x, w2s.y)
    assert np.all(w2s.gain_over_teacher[beta >= alpha + 1.0] > 0.05), w2s.gain_over_teacher
    assert np.all(w2s.gain_over_teacher[beta <= alpha] < 0.0), w2s.gain_over_teacher
    # the winning student copies fewer modes than its teacher has learned
    win = w2s.gain_over_teacher > 0.05
    assert np.all(w2s.k_student[win] < w2s.k_teacher[win])


def test_noisy_teacher_is_denoised_and_quiet_teacher_expands(batches):
    _, grid = batches
    codes = grid.mechanism()
    assert kt.MECHANISMS.index("denoising") in codes[0]              # B = 1
    assert np.max(grid.gain_over_teacher[0]) > 0.1
    assert np.max(grid.gain[0]) < 0                                   # far worse than baseline
    assert kt.MECHANISMS.index("expansion") in codes[2]              # B = 64
    assert np.max(grid.gain[2]) > 0.3
    # the best student horizon grows as the teacher's noise falls
    best = grid.best_x()
    assert best[0] < best[1] < best[2] or best[0] < best[2]


# ---- shapes, bookkeeping, validation ---------------------------------------------------------

def test_shapes_and_bookkeeping(spectra, batches):
    kd = spectra[0]
    assert kd.shape == (3, 2)
    for name in ("risk_teacher", "risk_student", "risk_baseline", "lr_teacher", "lr_student",
                 "lr_baseline", "average_baseline", "k_stat", "k_student", "k_teacher", "gain",
                 "gain_over_teacher", "log_gain", "log_gain_over_teacher", "pgr"):
        assert getattr(kd, name).shape == (3, 2), name
    assert kd.settings.shape == (3, 2, 4)
    _, grid = batches
    assert grid.shape == (3, 8)
    assert grid.x.shape == (8,) and grid.y.tolist() == [1.0, 4.0, 64.0]
    assert sum(grid.counts().values()) == 24
    assert_allclose(grid.best_x(), grid.x[np.argmin(grid.risk_student, axis=1)])
    assert_allclose(grid.log_gain, np.log10(grid.risk_baseline / grid.risk_student))
    # PGR is defined only where the teacher is worse than the ceiling
    assert np.all(np.isnan(grid.pgr[grid.risk_teacher <= grid.risk_baseline]))
    assert "G_base" in grid.summary(0, 0)
    # one tuned baseline for the whole diagram
    assert np.unique(grid.risk_baseline).size == 1


def test_single_recipe_returns_one_grid():
    grid = kt.spectra_phase([1.5], [2.5], WEAK, STUDENT, d=50, num=4)
    assert isinstance(grid, kt.PhaseGrid) and grid.shape == (1, 1)


def test_classify_names_all_four_outcomes():
    assert kt.classify(-1.0, -1.0) == "none"
    assert kt.classify(0.5, -0.1) == "expansion"
    assert kt.classify(-3.0, 0.2) == "denoising"
    assert kt.classify(0.2, 0.1) == "both"
    assert kt.classify(0.005, 0.005) == "none"
    assert kt.classify(0.005, 0.005, tol=0.0) == "both"
    with pytest.raises(ValueError, match="tol"):
        kt.classify(0.1, 0.1, tol=-1)


@pytest.mark.parametrize("kwargs, match", [
    (dict(lr_frac=1.5), "lr_frac"),
    (dict(lr_frac=0.0), "lr_frac"),
    (dict(steps=0), "steps"),
    (dict(batch=0), "batch"),
    (dict(average="mean"), "average"),
])
def test_recipe_validation(kwargs, match):
    args = dict(steps=10)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        kt.Recipe(**args)


def test_tuned_recipe_needs_a_step_size():
    with pytest.raises(ValueError, match="lr_frac"):
        kt.Recipe(steps=10).sgd(kt.power_law(d=10))


def test_spectra_phase_validation():
    with pytest.raises(ValueError, match="Recipe"):
        kt.spectra_phase([1.5], [2.5], kt.SGD(lr=0.1, steps=10), STUDENT, d=20)
    with pytest.raises(ValueError, match="Recipe"):
        kt.spectra_phase([1.5], [2.5], [], STUDENT, d=20)
    with pytest.raises(ValueError, match="alpha"):
        kt.spectra_phase([0.5], [2.5], WEAK, STUDENT, d=20)
    with pytest.raises(ValueError, match="betas"):
        kt.spectra_phase([1.5], [], WEAK, STUDENT, d=20)
    with pytest.raises(ValueError, match="baseline_averages"):
        kt.spectra_phase([1.5], [2.5], WEAK, STUDENT, d=20, baseline_averages=("mean",))
    with pytest.raises(ValueError, match="mix"):
        kt.spectra_phase([1.5], [2.5], WEAK, STUDENT, d=20, mix=2.0)


def test_transfer_phase_validation(prob):
    teacher = kt.SGD(lr=0.1, steps=100)
    limit = kt.stability_limit(prob)
    with pytest.raises(ValueError, match="stability limit"):
        kt.transfer_phase(prob, [teacher], 100, [0.1, 1.01 * limit])
    with pytest.raises(ValueError, match="one value per teacher"):
        kt.transfer_phase(prob, [teacher], 100, [0.1], y=[1, 2])
    with pytest.raises(ValueError, match="at least one"):
        kt.transfer_phase(prob, [], 100, [0.1])
    with pytest.raises(ValueError, match="Problem"):
        kt.transfer_phase("prob", [teacher], 100, [0.1])
    with pytest.raises(ValueError, match="stability limit"):      # an unstable teacher
        kt.transfer_phase(prob, [kt.SGD(lr=2 * limit, steps=10)], 100, [0.1])
    with pytest.raises(ValueError, match="average"):
        kt.transfer_phase(prob, [teacher], 100, [0.1], average="mean")
    with pytest.raises(ValueError, match="student_lrs"):
        kt.transfer_phase(prob, [teacher], 100, [0.1, -0.1])


def test_phase_plot_labels_regions_and_validates(batches):
    _, grid = batches
    ax = kt.phase_plot(grid, which="teacher", xlog=True, ylog=True)
    names = {t.get_text().split()[0] for t in ax.texts}
    assert {"denoising", "expansion"} <= names
    assert ax.colorbar_.ax.get_ylabel().startswith(r"$\log_{10}(R_{\rm teacher}")
    with pytest.raises(ValueError, match="which"):
        kt.phase_plot(grid, which="student")
    with pytest.raises(ValueError, match="PhaseGrid"):
        kt.phase_plot(np.zeros((2, 2)))


# ---- the filter reading ----------------------------------------------------------------------

def test_filter_terms_exact_equals_transfer(prob):
    teacher, student = kt.SGD(lr=0.18, steps=1000), kt.SGD(lr=0.01, steps=2000)
    for mix in (1.0, 0.5):
        ft = kt.filter_terms(prob, teacher, student, mix=mix)
        out = kt.transfer(prob, teacher, student, mix=mix, times=[0, 2000])
        assert_allclose(ft.exact, out.student.mode_error[-1], rtol=1e-12, atol=1e-300)
        assert_allclose(ft.risk(), out.risk_student, rtol=1e-12)
        assert np.all(ft.filter >= 0) and np.all(ft.fluctuation >= 0)
        assert ft.risk("fluctuation") < ft.risk()
    assert_allclose(ft.phi, kt.learned_fraction(prob, 0.01, 2000), rtol=1e-12)
    assert_allclose(ft.psi, kt.learned_fraction(prob, 0.18, 1000), rtol=1e-12)
    um, u2 = kt.teacher_moments(prob, teacher)
    assert_allclose(ft.teacher_error, u2)
    assert_allclose(ft.teacher_var, u2 - um**2, atol=1e-15)


def test_filter_terms_of_an_untrained_student(prob):
    ft = kt.filter_terms(prob, kt.SGD(lr=0.18, steps=1000), kt.SGD(lr=0.01, steps=0))
    assert_allclose(ft.phi, 0.0)
    assert_allclose(ft.exact, prob.w_star**2, rtol=1e-12)
    assert_allclose(ft.filter, prob.w_star**2, rtol=1e-12)
    assert_allclose(ft.fluctuation, 0.0, atol=1e-12)


def test_student_noise_vanishes_with_its_batch(prob):
    """V_i is the student's own SGD noise: it scales like 1/batch, the filter terms do not."""
    teacher = kt.SGD(lr=0.18, steps=1000)          # horizon 31 modes
    small = kt.filter_terms(prob, teacher, kt.SGD(lr=0.2, steps=2000, batch=1))
    large = kt.filter_terms(prob, teacher, kt.SGD(lr=0.2, steps=2000, batch=100_000))
    assert small.risk("fluctuation") > 1e-3 * small.risk()
    assert large.risk("fluctuation") < 1e-4 * large.risk()
    assert_allclose(large.risk("filter"), small.risk("filter"), rtol=1e-12)
    # with the student's own noise gone, the filter reading is the exact error, mode by mode
    # (the student's horizon, 54 modes, reaches past the teacher's, so the cross term matters)
    assert_allclose(large.filter, large.exact, rtol=1e-3, atol=1e-12)
    assert not np.allclose(large.simple, large.exact, rtol=1e-2, atol=1e-12)


def test_filter_term_is_the_mean_path_error_monte_carlo():
    r"""missed + copied = E(phi (w* + u) - w*)^2 over teachers drawn by Monte Carlo.

    Bound: the risk-weighted Monte Carlo mean is within 4 standard errors (seed fixed)."""
    prob = kt.power_law(d=40, alpha=1.5, beta=2.5, noise=1.0)
    teacher = kt.SGD(lr=0.1, steps=300, batch=2)
    ft = kt.filter_terms(prob, teacher, kt.SGD(lr=0.2, steps=400))   # reaches past the teacher
    u = kt.simulate(prob, teacher, seeds=400, times=[300], seed=7).final_error   # (seeds, d)
    per_run = ((ft.phi * (prob.w_star + u) - prob.w_star) ** 2) @ prob.eigs
    z = (per_run.mean() - ft.risk("filter")) / (per_run.std(ddof=1) / np.sqrt(per_run.size))
    assert abs(z) < 4, z


def test_simple_reading_is_exact_where_the_teacher_has_learned(prob):
    """With psi = 1 (a teacher run to convergence in every mode) the cross term vanishes."""
    small = kt.Problem(eigs=[1.0, 0.5, 0.25], w_star=[1.0, -1.0, 0.5], noise=0.5)
    teacher = kt.SGD(lr=0.2, steps=5000, batch=4)
    ft = kt.filter_terms(small, teacher, kt.SGD(lr=0.05, steps=50))
    assert_allclose(ft.psi, 1.0, atol=1e-12)
    assert_allclose(ft.simple, ft.filter, rtol=1e-9)


def test_filter_terms_validation(prob):
    with pytest.raises(ValueError, match="mix"):
        kt.filter_terms(prob, kt.SGD(lr=0.1, steps=10), kt.SGD(lr=0.1, steps=10), mix=-0.1)
    ft = kt.filter_terms(prob, kt.SGD(lr=0.1, steps=10), kt.SGD(lr=0.1, steps=10))
    with pytest.raises(ValueError, match="part"):
        ft.risk("nonsense")


# ---- the readout -----------------------------------------------------------------------------

def test_filter_bound_is_below_every_student_and_the_teacher(prob, batches):
    teachers, grid = batches
    for j, teacher in enumerate(teachers):
        ro = kt.spectral_readout(prob, teacher, 2000)
        assert np.all((ro.ideal_filter >= 0) & (ro.ideal_filter <= 1))
        assert_allclose(ro.teacher_error, kt.teacher_moments(prob, teacher)[1], rtol=1e-10,
                        atol=1e-300)
        assert_allclose(ro.risk_teacher, grid.risk_teacher[j, 0], rtol=1e-10)
        assert ro.filter_bound <= ro.risk_teacher
        assert np.all(grid.risk_student[j] >= ro.filter_bound)
        assert ro.k_stat == grid.k_stat[0, 0]
    noisy = kt.spectral_readout(prob, teachers[0], 2000)
    quiet = kt.spectral_readout(prob, teachers[-1], 2000)
    assert noisy.noisy_modes > 10 and quiet.noisy_modes == 0
    assert 1 < noisy.first_noisy <= noisy.k_teacher and quiet.first_noisy == 0
    assert quiet.filter_bound < grid.risk_baseline[0, 0] < noisy.filter_bound
    # relative errors: the direct learner's reach hits 1 at the statistical horizon
    assert np.all(quiet.direct_rel[quiet.k_stat:] == 1.0)
    assert np.all(quiet.direct_rel[:quiet.k_stat] < 1.0)


# ---- Monte Carlo spot checks -------------------------------------------------------------------

def test_spot_check_agrees_with_theory():
    """Light-tailed setting; bound: every |z| < 4 with this fixed seed."""
    prob = kt.power_law(d=100, alpha=1.5, beta=2.5, noise=1.0)
    teacher = kt.SGD(lr=0.05, steps=500, batch=4)
    student = kt.SGD(lr=0.05, steps=500)
    baseline = kt.SGD(lr=0.02, steps=500, average="tail")
    sc = kt.spot_check(prob, teacher, student, baseline, seeds=24, seed=3)
    exact = kt.transfer(prob, teacher, student, baseline=baseline)
    assert_allclose(sc.theory, [exact.risk_teacher, exact.risk_student, exact.risk_baseline],
                    rtol=1e-12)
    assert sc.z.shape == (3,) and sc.max_abs_z < 4
    assert len(sc.table().splitlines()) == 3
    with pytest.raises(ValueError, match="seeds"):
        kt.spot_check(prob, teacher, student, seeds=1)
