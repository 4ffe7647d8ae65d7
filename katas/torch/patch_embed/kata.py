"""ViT patch embedding by reshape · ViT 的 patch embedding (切块 + 线性投影, 等价于步长为 P 的卷积)

A Vision Transformer reads an image as a sequence of tokens: cut it into non-overlapping P x P
patches, flatten each patch into a vector, and project every vector with the same linear layer.
That is exactly a Conv2d with kernel P and stride P, which is how timm writes it; here you write
it with reshape and permute, and its inverse, the way MAE turns tokens back into an image.

Run the tests: pytest katas/torch/patch_embed
"""

import torch

__all__ = ["patchify", "unpatchify", "patch_embed"]


def patchify(x: torch.Tensor, patch_size: int | tuple[int, int]) -> torch.Tensor:
    """Cut images into non-overlapping patches, one flattened patch per row.

    Args:
        x: ``(N, C, H, W)`` floating tensor (float16, float32, float64), any device. ``N`` may be 0.
        patch_size: ``P`` (square patches) or ``(ph, pw)``: ``ph`` rows along ``H``, ``pw`` columns
            along ``W``. ``H`` must be divisible by ``ph`` and ``W`` by ``pw``.

    Returns:
        ``(N, L, C * ph * pw)`` with ``L = (H / ph) * (W / pw)``, same dtype and device as ``x``.
        **Patch order**: row-major over the patch grid, ``l = i * (W / pw) + j`` for the patch in
        grid row ``i`` and column ``j`` (as ``conv(x).flatten(2).transpose(1, 2)`` orders tokens).
        **Inside a patch**: flattened in ``(C, ph, pw)`` order, channel slowest:
        ``out[n, l, (c * ph + u) * pw + v] = x[n, c, i * ph + u, j * pw + v]``, the order of a conv
        weight ``(D, C, ph, pw)`` flattened by ``weight.reshape(D, -1)``.

    Rules:
        - Differentiable (a reshape / permute of ``x``, no copy to numpy); ``x`` is not modified.
        - ``N = 0`` gives an empty ``(0, L, C * ph * pw)`` result: write the sizes out, a ``-1`` in a
          reshape cannot be inferred from 0 elements.
        - ``ValueError`` if ``H % ph`` or ``W % pw`` is not 0 (no silent cropping of the border).

    Example: ``x`` of shape ``(1, 1, 2, 4)`` holding ``[[0, 1, 2, 3], [4, 5, 6, 7]]``, ``P = 2``:
    two patches, ``[[0, 1, 4, 5], [2, 3, 6, 7]]``.

    Canonical code: MAE's ``patchify`` (``models_mae.py``: ``einsum('nchpwq->nhwpqc')``) orders the
    tokens the same but flattens each patch channel-last, ``(ph, pw, C)`` (test
    ``test_patch_vector_is_channel_major``), handles square images and patches only, and checks with
    ``assert``. ``torch.nn.functional.unfold(x, P, stride=P).transpose(1, 2)`` gives this exact
    layout but silently drops a border that ``P`` does not divide (the contract test).
    """
    raise NotImplementedError("patchify")


def unpatchify(patches: torch.Tensor, patch_size: int | tuple[int, int],
               image_size: tuple[int, int]) -> torch.Tensor:
    """The inverse of ``patchify``: put the patches back into images.

    Args:
        patches: ``(N, L, C * ph * pw)`` in ``patchify``'s layout (row-major tokens, each flattened
            ``(C, ph, pw)``); floating dtype, any device.
        patch_size: ``P`` or ``(ph, pw)`` as in ``patchify``.
        image_size: ``(H, W)``, divisible by ``(ph, pw)``, with ``L == (H / ph) * (W / pw)``;
            ``C`` is ``patches.shape[2] // (ph * pw)``.

    Returns:
        ``(N, C, H, W)``, same dtype and device: ``unpatchify(patchify(x, P), P, x.shape[2:])``
        equals ``x`` exactly. Differentiable; ``patches`` is not modified. ``N = 0`` works.

    Canonical code: MAE's ``unpatchify`` (``einsum('nhwpqc->nchpwq')``) is the inverse of its own
    channel-last layout and assumes a square grid; ``torch.nn.functional.fold`` inverts ``unfold``.
    """
    raise NotImplementedError("unpatchify")


def patch_embed(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None) -> torch.Tensor:
    """ViT's patch embedding, written as patchify + one matrix product (no convolution).

    Args:
        x: ``(N, C, H, W)`` floating tensor; ``H`` and ``W`` divisible by the patch size.
        weight: ``(D, C, ph, pw)``, a ``Conv2d(C, D, (ph, pw), stride=(ph, pw))``'s weight; the
            patch size is ``weight.shape[2:]``.
        bias: ``(D,)`` or None (the default: no bias).

    Returns:
        ``(N, L, D)`` tokens, same dtype and device as ``x``: equal (to float rounding) to
        ``F.conv2d(x, weight, bias, stride=(ph, pw)).flatten(2).transpose(1, 2)``. Differentiable
        in ``x``, ``weight`` and ``bias``, with the gradients the convolution would give. Nothing
        is modified.

    Rules:
        - ``ValueError`` if ``H % ph`` or ``W % pw`` is not 0 (timm's ``PatchEmbed`` asserts the
          image size; a strided conv would silently ignore the border).

    Canonical code: timm's ``PatchEmbed`` (``timm/layers/patch_embed.py``) is ``nn.Conv2d(C, D, P,
    stride=P)`` followed by ``flatten(2).transpose(1, 2)`` (NLC), with an image-size ``assert``
    (``AssertionError``, not ``ValueError``: the contract test).
    """
    raise NotImplementedError("patch_embed")
