"""Known-wrong and canonical-style answers to torch/patch_embed; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import torch
import torch.nn.functional as F


def _pair(p):
    return (p, p) if isinstance(p, int) else tuple(p)


def _mutant(*, permute=True, row_major=True, swap=False, minus_one=False, weight_last=False, bias=True,
            detach=False, channel_last=False, check=True):
    def patchify(x, patch_size):
        ph, pw = _pair(patch_size)
        if swap:
            ph, pw = pw, ph
        n, c, h, w = x.shape
        if not check:  # unfold drops what does not fit
            x = x[:, :, :h - h % ph, :w - w % pw]
            h, w = h - h % ph, w - w % pw
        elif h % ph or w % pw:
            raise ValueError("indivisible")
        if detach:
            x = torch.from_numpy(x.detach().cpu().numpy()).to(x.device)
        gh, gw = h // ph, w // pw
        k = -1 if minus_one else c * ph * pw
        if not permute:
            return x.reshape(n, gh * gw, k)
        x = x.reshape(n, c, gh, ph, gw, pw)
        order = (0, 2, 4) if row_major else (0, 4, 2)
        x = x.permute(*order, 3, 5, 1) if channel_last else x.permute(*order, 1, 3, 5)
        return x.reshape(n, gh * gw, k)

    def unpatchify(patches, patch_size, image_size):
        ph, pw = _pair(patch_size)
        if swap:
            ph, pw = pw, ph
        (h, w), (n, _, k) = image_size, patches.shape
        c, gh, gw = k // (ph * pw), h // ph, w // pw
        if not permute:
            return patches.reshape(n, c, h, w)
        grid = (gh, gw) if row_major else (gw, gh)
        if channel_last:
            x = patches.reshape(n, *grid, ph, pw, c)
            x = x.permute(0, 5, 1, 3, 2, 4) if row_major else x.permute(0, 5, 2, 3, 1, 4)
        else:
            x = patches.reshape(n, *grid, c, ph, pw)
            x = x.permute(0, 3, 1, 4, 2, 5) if row_major else x.permute(0, 3, 2, 4, 1, 5)
        return x.reshape(-1 if minus_one else n, c, h, w)

    def patch_embed(x, weight, b=None):
        d = weight.shape[0]
        wt = weight.permute(0, 2, 3, 1) if (weight_last or channel_last) else weight
        out = patchify(x, tuple(weight.shape[2:])) @ wt.reshape(d, -1).T
        return out + b if (bias and b is not None) else out

    return {"patchify": patchify, "unpatchify": unpatchify, "patch_embed": patch_embed}


def mae_patchify(x, patch_size):
    p, q = _pair(patch_size)
    assert x.shape[2] % p == 0 and x.shape[3] % q == 0
    h, w = x.shape[2] // p, x.shape[3] // q
    x = x.reshape(x.shape[0], x.shape[1], h, p, w, q)
    x = torch.einsum("nchpwq->nhwpqc", x)
    return x.reshape(x.shape[0], h * w, p * q * x.shape[-1])


def mae_unpatchify(x, patch_size, image_size):
    p, q = _pair(patch_size)
    h, w = image_size[0] // p, image_size[1] // q
    c = x.shape[2] // (p * q)
    x = x.reshape(x.shape[0], h, w, p, q, c)
    x = torch.einsum("nhwpqc->nchpwq", x)
    return x.reshape(x.shape[0], c, h * p, w * q)


def timm_patch_embed(x, weight, bias=None):
    """timm's PatchEmbed.forward: assert the size, strided conv, flatten to NLC."""
    ph, pw = weight.shape[2:]
    assert x.shape[2] % ph == 0 and x.shape[3] % pw == 0, "input size does not match the patch size"
    return F.conv2d(x, weight, bias, stride=(ph, pw)).flatten(2).transpose(1, 2)


def unfold_patchify(x, patch_size):
    p = _pair(patch_size)
    return F.unfold(x, p, stride=p).transpose(1, 2)


def fold_unpatchify(patches, patch_size, image_size):
    p = _pair(patch_size)
    return F.fold(patches.transpose(1, 2), tuple(image_size), p, stride=p)


WRONG = {
    "reshape_without_permute": _mutant(permute=False),
    "column_major_grid": _mutant(row_major=False),
    "swapped_patch_dims": _mutant(swap=True),
    "minus_one_in_reshape": _mutant(minus_one=True),
    "embed_weight_channel_last": _mutant(weight_last=True),
    "embed_drops_bias": _mutant(bias=False),
    "detached": _mutant(detach=True),
    "channel_last_patches": _mutant(channel_last=True),
    "crops_border": _mutant(check=False),
}
CANONICAL = {
    "mae": {"patchify": mae_patchify, "unpatchify": mae_unpatchify, "patch_embed": timm_patch_embed},
    "unfold_fold_conv": {"patchify": unfold_patchify, "unpatchify": fold_unpatchify, "patch_embed": timm_patch_embed},
}
SLOW = {}
