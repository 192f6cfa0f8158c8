#!/usr/bin/python3
"""PyTorch reference values for the transformer layers of include/tracesynth/nn.h.

Cases (all over row-major (B, L, C) data):
  lnrows      nn.LayerNorm(C) on (N, C) rows
  posemb      x + nn.Embedding(Lmax, C)(arange(L))
  rope        rotary embedding, rotate-half pairing (GPT-NeoX / Llama), base 10000
  attn        multi-head self-attention core from a fused qkv (B, L, 3C) buffer
  block       nn.TransformerEncoderLayer(C, H, F, dropout=0, activation="gelu",
              batch_first=True, norm_first=True) itself
  block_rope  the same block written out with torch ops, RoPE on q and k (the
              written-out block is first checked against nn.TransformerEncoderLayer
              with RoPE off, so both rest on PyTorch's own modules)
Each runs forward and backward with a fixed upstream gradient gy; inputs, parameters,
outputs and gradients go to tests/fixtures/attention.bin, which tests/test_nn_attention.c
reads (no Python needed there).

Inputs and parameters are drawn in float32; the layers run in float64 on those exact
values, so the stored results are the float32 rounding of (nearly) exact answers.

File format (little-endian), as tests/torch/layers_fixtures.py: magic b"TSFX0001",
u32 count, then per array: u32 name length, name bytes, u32 ndim, u32 dims[ndim],
float32 data (row-major).

Run from the repository root:  /usr/bin/python3 tests/torch/attention_fixtures.py
"""
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from fixture_file import write_fixture

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "attention.bin")
ROPE_BASE = 10000.0

torch.manual_seed(4321)
arrays = []


def put(name, t):
    a = t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    arrays.append((name, np.ascontiguousarray(a, dtype=np.float32)))


def randn(*shape, scale=1.0):
    """float32 draw, returned as float64 holding the same values"""
    return (torch.randn(*shape, dtype=torch.float32) * scale).double()


def rope_tables(L, D):
    half = D // 2
    theta = ROPE_BASE ** (-2.0 * torch.arange(half, dtype=torch.float64) / D)
    ang = torch.arange(L, dtype=torch.float64)[:, None] * theta[None, :]
    return torch.cos(ang), torch.sin(ang)   # (L, D/2) each


def rope(x, nh, D):
    """x (B, L, nh*D): each head's pair (i, i + D/2) turned by l * theta_i"""
    B, L, _ = x.shape
    cos, sin = rope_tables(L, D)
    xh = x.reshape(B, L, nh, D)
    a, b = xh[..., : D // 2], xh[..., D // 2:]
    c, s = cos[None, :, None, :], sin[None, :, None, :]
    return torch.cat((a * c - b * s, b * c + a * s), dim=-1).reshape(B, L, nh * D)


def attention(qkv, H):
    """qkv (B, L, 3C) -> (B, L, C): softmax(q k^T / sqrt(D)) v per head"""
    B, L, C3 = qkv.shape
    C = C3 // 3
    D = C // H
    q, k, v = qkv.split(C, dim=-1)
    q, k, v = (t.reshape(B, L, H, D).transpose(1, 2) for t in (q, k, v))   # (B, H, L, D)
    p = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(D), dim=-1)
    return (p @ v).transpose(1, 2).reshape(B, L, C)


def block_by_hand(x, prm, H, use_rope):
    C = x.shape[-1]
    h = F.layer_norm(x, (C,), prm["ln1_g"], prm["ln1_b"], eps=1e-5)
    qkv = F.linear(h, prm["qkv_w"], prm["qkv_b"])
    if use_rope:
        qk = rope(qkv[..., : 2 * C], 2 * H, C // H)
        qkv = torch.cat((qk, qkv[..., 2 * C:]), dim=-1)
    a = x + F.linear(attention(qkv, H), prm["proj_w"], prm["proj_b"])
    h = F.layer_norm(a, (C,), prm["ln2_g"], prm["ln2_b"], eps=1e-5)
    return a + F.linear(F.gelu(F.linear(h, prm["fc1_w"], prm["fc1_b"])), prm["fc2_w"], prm["fc2_b"])


# parameter names in the C layout order (ts_tblock_layout) and their TransformerEncoderLayer names
PARAMS = (("ln1_g", "norm1.weight"), ("ln1_b", "norm1.bias"),
          ("qkv_w", "self_attn.in_proj_weight"), ("qkv_b", "self_attn.in_proj_bias"),
          ("proj_w", "self_attn.out_proj.weight"), ("proj_b", "self_attn.out_proj.bias"),
          ("ln2_g", "norm2.weight"), ("ln2_b", "norm2.bias"),
          ("fc1_w", "linear1.weight"), ("fc1_b", "linear1.bias"),
          ("fc2_w", "linear2.weight"), ("fc2_b", "linear2.bias"))


def new_layer(C, H, Fh):
    layer = nn.TransformerEncoderLayer(C, H, Fh, dropout=0.0, activation="gelu",
                                       batch_first=True, norm_first=True).double()
    layer.train()   # the plain path (the inference fast path is a different kernel)
    mods = dict(layer.named_parameters())
    with torch.no_grad():
        for ours, theirs in PARAMS:
            p = mods[theirs]
            if ours.startswith("ln") and ours.endswith("_g"):
                p.copy_(randn(*p.shape, scale=0.3) + 1.0)
            elif ours.endswith("_b"):
                p.copy_(randn(*p.shape, scale=0.2))
            else:
                p.copy_(randn(*p.shape, scale=1.0 / math.sqrt(p.shape[1])))
    return layer, mods


def block_case(tag, B, L, C, H, Fh, use_rope):
    layer, mods = new_layer(C, H, Fh)
    x = randn(B, L, C).requires_grad_()
    gy = randn(B, L, C)
    if use_rope:
        # the hand-written block must be PyTorch's layer when RoPE is off
        with torch.no_grad():
            d = (block_by_hand(x, {o: mods[t] for o, t in PARAMS}, H, False) - layer(x)).abs().max()
        assert d < 1e-12, "hand-written block differs from nn.TransformerEncoderLayer: %g" % d
        y = block_by_hand(x, {o: mods[t] for o, t in PARAMS}, H, True)
    else:
        y = layer(x)
    y.backward(gy)
    put(tag + ".x", x)
    for ours, theirs in PARAMS:
        put(tag + "." + ours, mods[theirs])
    put(tag + ".gy", gy)
    put(tag + ".y", y)
    put(tag + ".dx", x.grad)
    for ours, theirs in PARAMS:
        put(tag + ".d" + ours, mods[theirs].grad)


def main():
    # LayerNorm over rows: C = 20 covers one full lane block and a tail
    N, C = 6, 20
    ln = nn.LayerNorm(C).double()
    with torch.no_grad():
        ln.weight.copy_(randn(C) + 1.0)
        ln.bias.copy_(randn(C, scale=0.5))
    x = randn(N, C, scale=2.0).requires_grad_()
    gy = randn(N, C)
    y = ln(x)
    y.backward(gy)
    for k, v in (("x", x), ("gamma", ln.weight), ("beta", ln.bias), ("gy", gy), ("y", y),
                 ("dx", x.grad), ("dgamma", ln.weight.grad), ("dbeta", ln.bias.grad)):
        put("lnrows." + k, v)

    # learned positions: table (Lmax 7, C 6), L 5
    emb = nn.Embedding(7, 6).double()
    with torch.no_grad():
        emb.weight.copy_(randn(7, 6))
    x = randn(2, 5, 6).requires_grad_()
    y = x + emb(torch.arange(5))[None]
    gy = randn(2, 5, 6)
    y.backward(gy)
    for k, v in (("x", x), ("table", emb.weight), ("gy", gy), ("y", y), ("dx", x.grad),
                 ("dtable", emb.weight.grad)):
        put("posemb." + k, v)

    # RoPE over 3 heads of 6, L 9 (positions up to 8 radians)
    x = randn(2, 9, 18).requires_grad_()
    y = rope(x, 3, 6)
    gy = randn(2, 9, 18)
    y.backward(gy)
    for k, v in (("x", x), ("gy", gy), ("y", y), ("dx", x.grad)):
        put("rope." + k, v)

    # attention core: B 2, L 19 (a lane block and a tail), C 8, H 2
    qkv = randn(2, 19, 24).requires_grad_()
    y = attention(qkv, 2)
    gy = randn(2, 19, 8)
    y.backward(gy)
    for k, v in (("qkv", qkv), ("gy", gy), ("y", y), ("dqkv", qkv.grad)):
        put("attn." + k, v)

    block_case("block", 2, 7, 8, 2, 16, False)
    block_case("block_rope", 2, 18, 12, 3, 20, True)

    write_fixture(OUT, arrays)


if __name__ == "__main__":
    main()
