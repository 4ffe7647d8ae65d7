"""Known-wrong and canonical-style answers to detection/focal_loss; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def _mutant(*, stable=True, alpha_t=True, use_p_t=True, mean_over="all", skip_negative_alpha=True, detach=False,
            check_shape=True, check_reduction=True, float32=False, default_alpha=0.25, default_gamma=2.0):
    def sigmoid_focal_loss(logits, targets, alpha=default_alpha, gamma=default_gamma, reduction="none"):
        if check_reduction and reduction not in ("none", "mean", "sum"):
            raise ValueError("bad reduction")
        if check_shape and targets.shape != logits.shape:
            raise ValueError("bad shapes")
        if float32:
            logits, targets = logits.float(), targets.float()
        p = torch.sigmoid(logits)
        if not stable:  # log(0) once sigmoid saturates
            ce = -targets * torch.log(p) - (1 - targets) * torch.log(1 - p)
        elif check_shape:
            ce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
        else:  # a stable BCE by hand, which broadcasts silently
            ce = logits.clamp(min=0) - logits * targets + torch.log1p(torch.exp(-logits.abs()))
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


def torchvision_style(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    """torchvision.ops.sigmoid_focal_loss, written anew."""
    prob = logits.sigmoid()
    bce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")  # checks the shapes
    prob_t = prob * targets + (1 - prob) * (1 - targets)
    out = bce * ((1 - prob_t) ** gamma)
    if alpha >= 0:
        out = (alpha * targets + (1 - alpha) * (1 - targets)) * out
    if reduction == "none":
        return out
    if reduction == "mean":
        return out.mean()
    if reduction == "sum":
        return out.sum()
    raise ValueError(f"Invalid value for arg 'reduction': '{reduction}'")


def fvcore_style(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    """fvcore.nn.sigmoid_focal_loss: float32 inside, no check of `reduction` (its default alpha is -1;
    the kata's pinned signature keeps 0.25)."""
    logits, targets = logits.float(), targets.float()
    prob = torch.sigmoid(logits)
    bce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    prob_t = prob * targets + (1 - prob) * (1 - targets)
    out = bce * ((1 - prob_t) ** gamma)
    if alpha >= 0:
        out = (alpha * targets + (1 - alpha) * (1 - targets)) * out
    if reduction == "mean":
        out = out.mean()
    elif reduction == "sum":
        out = out.sum()
    return out


class _Yolov5FocalLoss(nn.Module):
    """yolov5's utils/loss.py FocalLoss, written anew: wraps BCEWithLogitsLoss, always applies alpha."""

    def __init__(self, loss_fcn, gamma=1.5, alpha=0.25):
        super().__init__()
        self.loss_fcn, self.gamma, self.alpha = loss_fcn, gamma, alpha
        self.reduction = loss_fcn.reduction
        self.loss_fcn.reduction = "none"

    def forward(self, pred, true):
        loss = self.loss_fcn(pred, true)
        pred_prob = torch.sigmoid(pred)
        p_t = true * pred_prob + (1 - true) * (1 - pred_prob)
        alpha_factor = true * self.alpha + (1 - true) * (1 - self.alpha)
        loss = loss * alpha_factor * (1.0 - p_t) ** self.gamma
        if self.reduction == "mean":
            return loss.mean()
        if self.reduction == "sum":
            return loss.sum()
        return loss


def yolov5_style(logits, targets, alpha=0.25, gamma=2.0, reduction="none"):
    return _Yolov5FocalLoss(nn.BCEWithLogitsLoss(reduction=reduction), gamma=gamma, alpha=alpha)(logits, targets)


WRONG = {
    "log_of_sigmoid": {"sigmoid_focal_loss": _mutant(stable=False)},
    "alpha_for_every_class": {"sigmoid_focal_loss": _mutant(alpha_t=False)},
    "one_minus_p_not_p_t": {"sigmoid_focal_loss": _mutant(use_p_t=False)},
    "mean_over_positives": {"sigmoid_focal_loss": _mutant(mean_over="positives")},
    "negative_alpha_applied": {"sigmoid_focal_loss": _mutant(skip_negative_alpha=False)},
    "detached_modulating_factor": {"sigmoid_focal_loss": _mutant(detach=True)},
    "broadcasts_targets": {"sigmoid_focal_loss": _mutant(check_shape=False)},
    "unknown_reduction_elementwise": {"sigmoid_focal_loss": _mutant(check_reduction=False)},
    "float32_inside": {"sigmoid_focal_loss": _mutant(float32=True)},
    "default_gamma_1_5": {"sigmoid_focal_loss": _mutant(default_gamma=1.5)},
    "default_alpha_off": {"sigmoid_focal_loss": _mutant(default_alpha=-1.0)},
}
CANONICAL = {
    "torchvision": {"sigmoid_focal_loss": torchvision_style},
    "fvcore": {"sigmoid_focal_loss": fvcore_style},
    "yolov5": {"sigmoid_focal_loss": yolov5_style},
}
SLOW = {}
