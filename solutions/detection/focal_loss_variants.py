"""Known-wrong answers to detection/focal_loss; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import torch
import torch.nn.functional as F


def _mutant(*, stable=True, alpha_t=True, use_p_t=True, mean_over="all", skip_negative_alpha=True, detach=False):
    def sigmoid_focal_loss(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
        if reduction not in ("none", "mean", "sum") or targets.shape != logits.shape:
            raise ValueError("bad reduction or shapes")
        p = torch.sigmoid(logits)
        if stable:
            ce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
        else:  # log(0) once sigmoid saturates
            ce = -targets * torch.log(p) - (1 - targets) * torch.log(1 - p)
        p_t = p * targets + (1 - p) * (1 - targets) if use_p_t else p
        factor = (1 - p_t) ** gamma
        loss = ce * (factor.detach() if detach else factor)
        if alpha >= 0 or not skip_negative_alpha:
            loss = (alpha * targets + (1 - alpha) * (1 - targets) if alpha_t else alpha) * loss
        if reduction == "mean":
            if mean_over == "positives":
                return loss.sum() / (targets > 0).sum().clamp(min=1)
            return loss.mean()
        return loss.sum() if reduction == "sum" else loss

    return sigmoid_focal_loss


WRONG = {
    "log_of_sigmoid": {"sigmoid_focal_loss": _mutant(stable=False)},
    "alpha_for_every_class": {"sigmoid_focal_loss": _mutant(alpha_t=False)},
    "one_minus_p_not_p_t": {"sigmoid_focal_loss": _mutant(use_p_t=False)},
    "mean_over_positives": {"sigmoid_focal_loss": _mutant(mean_over="positives")},
    "negative_alpha_applied": {"sigmoid_focal_loss": _mutant(skip_negative_alpha=False)},
    "detached_modulating_factor": {"sigmoid_focal_loss": _mutant(detach=True)},
}
SLOW = {}
