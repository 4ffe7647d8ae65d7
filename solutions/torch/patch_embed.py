"""ViT patchify / unpatchify by reshape and permute, and the patch embedding as a matrix product."""

import torch


def _pair(p):
    return (p, p) if isinstance(p, int) else tuple(p)


def patchify(x: torch.Tensor, patch_size: int | tuple[int, int]) -> torch.Tensor:
    ph, pw = _pair(patch_size)
    n, c, h, w = x.shape
    if h % ph or w % pw:
        raise ValueError(f"image {h}x{w} is not divisible into {ph}x{pw} patches")
    gh, gw = h // ph, w // pw
    x = x.reshape(n, c, gh, ph, gw, pw).permute(0, 2, 4, 1, 3, 5)  # (N, gh, gw, C, ph, pw)
    return x.reshape(n, gh * gw, c * ph * pw)


def unpatchify(patches: torch.Tensor, patch_size: int | tuple[int, int],
               image_size: tuple[int, int]) -> torch.Tensor:
    ph, pw = _pair(patch_size)
    h, w = image_size
    n, _, k = patches.shape
    c = k // (ph * pw)
    x = patches.reshape(n, h // ph, w // pw, c, ph, pw).permute(0, 3, 1, 4, 2, 5)  # (N, C, gh, ph, gw, pw)
    return x.reshape(n, c, h, w)


def patch_embed(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None) -> torch.Tensor:
    d = weight.shape[0]
    tokens = patchify(x, tuple(weight.shape[2:])) @ weight.reshape(d, -1).T  # (N, L, C*ph*pw) @ (C*ph*pw, D)
    return tokens if bias is None else tokens + bias
