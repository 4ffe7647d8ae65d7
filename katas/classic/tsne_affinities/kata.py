"""t-SNE affinities: a binary search for the perplexity · t-SNE 条件概率与困惑度二分搜索

t-SNE turns squared distances into neighbour probabilities with a Gaussian per point, and tunes each
point's Gaussian so that its neighbourhood has the same effective size, the perplexity. Implement
that per-point binary search, the way scikit-learn's TSNE does before any embedding starts.

Run the tests: pytest katas/classic/tsne_affinities
"""

import numpy as np

__all__ = ["conditional_probabilities"]


def conditional_probabilities(sq_distances: np.ndarray, perplexity: float, tol: float = 1e-5,
                              max_steps: int = 100) -> tuple:
    """Conditional probabilities p_{j|i} of t-SNE, with a binary search of each row's precision.

    Args:
        sq_distances: float array (N, N), float32 or float64, N >= 2: **squared** Euclidean distances
            d_ij (symmetric, zero diagonal, non-negative). Computed in float64.
        perplexity: the target perplexity, > 0.
        tol: stop a row's search once ``|H_i - log(perplexity)| <= tol``.
        max_steps: evaluate at most this many precisions per row.

    Returns:
        ``(P, beta)``: ``P`` float64 (N, N) with ``P[i, j] = p_{j|i}``, and ``beta`` float64 (N,),
        the precision of each row, where

            p_{j|i} = exp(-beta_i * d_ij) / sum_{k != i} exp(-beta_i * d_ik)   for j != i,
            p_{i|i} = 0,

        so every row of ``P`` sums to 1 (``beta_i = 1 / (2 sigma_i^2)``; it multiplies the squared
        distance directly).

    The search, per row, exactly as scikit-learn's ``_binary_search_perplexity``:
        - The entropy is in nats (natural log): ``H_i = -sum_j p_{j|i} log p_{j|i}``, and the target
          is ``log(perplexity)``; perplexity = exp(H_i), the effective number of neighbours.
        - Start at ``beta = 1``. At each step compute row i's probabilities and entropy at the
          current beta; stop if ``|H_i - log(perplexity)| <= tol`` or ``max_steps`` betas have been
          evaluated. Otherwise, if H_i is too high (too flat), raise beta: double it while no beta
          is known to be too high, else take the midpoint with the smallest too-high beta seen;
          if H_i is too low, lower beta the same way (halve it, or the midpoint with the largest
          too-low beta seen).
        - Return, for each row, the last beta evaluated and the probabilities at that beta.
        - A perplexity that no beta reaches (>= N - 1, or all other points at one distance) runs
          ``max_steps`` steps; P then ends (close to) uniform over the other points.

    Rules and edge cases:
        - No NaN and no warnings for far-apart (d ~ 1e4) or very close (d ~ 1e-6) points: guard
          the row sum when every exponential underflows.
        - ``sq_distances`` is not modified.
        - ``sq_distances`` not (N, N) with N >= 2, or ``perplexity <= 0``, raise ``ValueError``.

    Canonical code: scikit-learn ``sklearn.manifold._utils._binary_search_perplexity`` (what
    ``TSNE(method="exact")`` calls; it works in float32 inputs, float64 sums) follows this
    statement. Van der Maaten's reference ``tsne.py`` (``x2p``) searches the same way but stops
    after 50 tries whatever ``max_steps`` says (test_max_steps_bounds_the_search).

    Speed: there is no speed test, but vectorise over j (and, better, over the rows at once).
    """
    raise NotImplementedError("conditional_probabilities")
