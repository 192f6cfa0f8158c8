#!/usr/bin/python3
"""Reference values for the S4 layer (tests/test_nn_s4.c), computed with PyTorch
in float64 from float32-rounded inputs.

The layer is SSSD's S4Layer with an S4D (diagonal, ZOH) kernel:
  kernel  K[d,h,l] = 2 Re sum_n C[d,h,n] (exp(dt A) - 1) / A * exp(dt A l)
  conv    SSSD's bidirectional FFT convolution of size 2L (k0 padded, k1 flipped)
  then    + D x, GELU, output linear (H -> H), residual, LayerNorm over channels.
Gradients are for loss = sum(out * dout) with a fixed dout.

Writes tests/fixtures/s4_layer.bin: records of
  u32 name length, name (ASCII), u32 count, count float32 (little-endian).
Run: /usr/bin/python3 tests/torch/s4_fixtures.py
"""
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

from fixture_file import write_records

torch.set_default_dtype(torch.float64)


def legs_normal_eigs(N):
    """Imaginary parts (ascending, positive) of the eigenvalues of the normal part
    of HiPPO-LegS, computed as SSSD's nplr('legs') does: A + P P^T, then eig."""
    q = np.arange(N, dtype=np.float64)
    col, row = np.meshgrid(q, q)
    r = 2 * q + 1
    M = -(np.where(row >= col, r, 0) - np.diag(q))
    T = np.sqrt(np.diag(2 * q + 1))
    A = T @ M @ np.linalg.inv(T)
    P = np.sqrt(0.5 + q)[None, :]
    w = np.linalg.eigvals(A + P.T @ P)
    assert np.allclose(w.real, -0.5, atol=1e-6)
    im = np.sort(w.imag[w.imag > 0])
    assert len(im) == N // 2
    return im


def s4_kernel(p, L, bidi):
    """K (dirs, H, L), the S4D kernel of each direction, and k (H, 2L): K[0] padded,
    plus K[1] flipped where bidirectional, what the convolution takes"""
    dt = torch.exp(p["log_dt"])                                      # (H)
    A = -torch.exp(p["log_A_re"]) + 1j * p["A_im"]                   # (H, Nh)
    C = torch.view_as_complex(p["C"])                                # (dirs, H, Nh)
    dtA = A * dt[:, None]
    V = torch.exp(dtA[:, :, None] * torch.arange(L))                 # (H, Nh, L)
    K = 2 * torch.einsum("dhn,hnl->dhl", C * (torch.exp(dtA) - 1) / A, V).real
    if bidi:
        k = F.pad(K[0], (0, L)) + F.pad(K[1].flip(-1), (L, 0))
    else:
        k = F.pad(K[0], (0, L))
    return K, k


def s4_conv(x, p, k, H, L):
    """the layer after its kernel: x (B, H, L) convolved with k of s4_kernel, + D x,
    GELU, output linear, residual, LayerNorm"""
    y = torch.fft.irfft(torch.fft.rfft(x, n=2 * L) * torch.fft.rfft(k, n=2 * L), n=2 * L)[..., :L]
    y = y + p["D"][:, None] * x
    g = F.gelu(y)
    o = torch.einsum("vu,bul->bvl", p["W"], g) + p["bias"][:, None]
    r = o + x
    return F.layer_norm(r.transpose(1, 2), (H,), p["ln_g"], p["ln_b"], eps=1e-5).transpose(1, 2)


def s4_layer(x, p, H, N, L, bidi):
    K, k = s4_kernel(p, L, bidi)
    assert K.shape == (2 if bidi else 1, H, L)
    return s4_conv(x, p, k, H, L), K


ORDER = ["log_dt", "log_A_re", "A_im", "C", "D", "W", "bias", "ln_g", "ln_b"]


def case(prefix, rng, B, H, N, L, bidi, records):
    dirs = 2 if bidi else 1
    Nh = N // 2
    f32 = lambda a: torch.tensor(np.asarray(a, dtype=np.float32), dtype=torch.float64)
    im = legs_normal_eigs(N)
    # larger steps than the default init so the kernels reach across the window
    p = {
        "log_dt": f32(rng.uniform(math.log(1e-2), math.log(0.5), H)),
        "log_A_re": f32(np.log(0.5) + 0.3 * rng.standard_normal((H, Nh))),
        "A_im": f32(im[None, :] + 0.1 * rng.standard_normal((H, Nh))),
        "C": f32(rng.standard_normal((dirs, H, Nh, 2)) * math.sqrt(0.5)),
        "D": f32(rng.standard_normal(H)),
        "W": f32(rng.uniform(-1, 1, (H, H)) / math.sqrt(H)),
        "bias": f32(rng.uniform(-1, 1, H) / math.sqrt(H)),
        "ln_g": f32(1 + 0.2 * rng.standard_normal(H)),
        "ln_b": f32(0.2 * rng.standard_normal(H)),
    }
    x = f32(rng.standard_normal((B, H, L)))
    dout = f32(rng.standard_normal((B, H, L)))
    for v in p.values():
        v.requires_grad_(True)
    x.requires_grad_(True)
    out, K = s4_layer(x, p, H, N, L, bidi)
    (out * dout).sum().backward()

    put = lambda name, a: records.append((prefix + name, np.asarray(a, dtype=np.float64).ravel()))
    put("config", [B, H, N, L, int(bidi)])
    put("params", np.concatenate([p[k].detach().numpy().ravel() for k in ORDER]))
    put("x", x.detach().numpy())
    put("dout", dout.detach().numpy())
    put("K", K.detach().numpy())
    put("out", out.detach().numpy())
    put("dx", x.grad.numpy())
    put("dparams", np.concatenate([p[k].grad.numpy().ravel() for k in ORDER]))


def main():
    rng = np.random.default_rng(20250301)
    records = []
    case("bi_", rng, B=2, H=4, N=16, L=50, bidi=True, records=records)
    case("uni_", rng, B=2, H=3, N=8, L=24, bidi=False, records=records)
    records.append(("legs16", legs_normal_eigs(16)))
    records.append(("legs64", legs_normal_eigs(64)))

    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "fixtures", "s4_layer.bin")
    write_records(path, records)


if __name__ == "__main__":
    main()
