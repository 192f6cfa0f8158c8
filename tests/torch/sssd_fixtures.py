#!/usr/bin/python3
"""Reference values for the whole SSSD-S4 network and for DiffWave, its blocks
with a dilated convolution (tests/test_sssd.c), computed with PyTorch in float64
from float32-rounded parameters and inputs.

The network follows SSSD's SSSDS4Imputer (imputers/SSSDS4Imputer.py): weight-
normed Conv (k=1) + ReLU in; step embedding sin/cos(128-style) -> Linear ->
swish -> Linear -> swish; per residual block: + fc_t(e), Conv k=3 to 2C, S4,
+ cond_conv([x*mask, mask]), S4, tanh*sigmoid gate, res_conv and skip_conv
(k=1, weight-normed), (x + res) * sqrt(.5); skips summed * sqrt(1/layers);
Conv k=1 + ReLU, then the plain output Conv k=1. The S4 layer is the one of
tests/torch/s4_fixtures.py. Parameters are drawn here in the C layout
(include/tracesynth/sssd.h, ts_sssd_layout_of) so C can load them as a block.

DiffWave follows SSSD's DiffWaveImputer (imputers/DiffWaveImputer.py): the same
network, each block's Conv k=3, S4, S4 replaced by one weight-normed Conv k=3 of
dilation 2^(n mod dilation_cycle) (padding = dilation), + cond_conv, then the gate.

CSDI-S4 follows SSSD's CSDIS4Imputer (imputers/CSDIS4.py) with one feature
(K = 1, where CSDI skips its feature transformer): input Conv k=1 of
[obs*mask, x_t*(1-mask)] + ReLU; CSDI's DiffusionEmbedding (sin/cos of t at
10^(4 i/(h-1)), Linear, SiLU, Linear, SiLU); side information [time_embedding
of the positions, the feature embedding, the mask]; per residual block: + the
step's projection, the S4 layer (over C channels), mid_projection +
cond_projection(side), sigmoid*tanh gate, output_projection to [res; skip],
(x + res)/sqrt(2); skips summed / sqrt(layers); Conv k=1 + ReLU, Conv k=1. No
weight norm. It also counts the parameters of CSDIS4Imputer's default
configuration (4 x 64, N 64, embedding 128, side 128 + 16 + 1) in this
layout, and those of the feature transformer that K = 1 leaves unused.

Writes tests/fixtures/sssd_net.bin, tests/fixtures/diffwave_net.bin and
tests/fixtures/csdi_net.bin: records of
  u32 name length, name (ASCII), u32 count, count float32 (little-endian).
Run: /usr/bin/python3 tests/torch/sssd_fixtures.py
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_file import write_records  # noqa: E402
from s4_fixtures import ORDER as S4_ORDER, legs_normal_eigs, s4_layer  # noqa: E402

torch.set_default_dtype(torch.float64)


def wn(v, g):
    """nn.utils.weight_norm over dim 0"""
    n = v.reshape(v.shape[0], -1).norm(dim=1)
    return v * (g / n).reshape(-1, *([1] * (v.dim() - 1)))


def step_embed(t, dim):
    half = dim // 2
    f = torch.exp(torch.arange(half) * -(math.log(10000) / (half - 1)))
    a = t[:, None] * f[None, :]
    return torch.cat([torch.sin(a), torch.cos(a)], 1)


def swish(x):
    return x * torch.sigmoid(x)


def network(p, xt, obs, mask, t, cfg):
    layers, C, N, L = cfg["layers"], cfg["C"], cfg["N"], cfg["L"]
    cond = torch.cat([obs * mask, mask], 1)                               # (B, 2, L)
    h = F.relu(F.conv1d(xt, wn(p["init_v"], p["init_g"]), p["init_b"]))
    e = step_embed(t, cfg["emb_in"])
    e = swish(F.linear(e, p["t1_w"], p["t1_b"]))
    e = swish(F.linear(e, p["t2_w"], p["t2_b"]))
    skip = 0
    for i in range(layers):
        q = p["blocks"][i]
        x = h
        a = x + F.linear(e, q["fc_w"], q["fc_b"])[:, :, None]
        u = F.conv1d(a, wn(q["c3_v"], q["c3_g"]), q["c3_b"], padding=1)
        u, _ = s4_layer(u, q["s4a"], 2 * C, N, L, True)
        u = u + F.conv1d(cond, wn(q["cond_v"], q["cond_g"]), q["cond_b"])
        u, _ = s4_layer(u, q["s4b"], 2 * C, N, L, True)
        g = torch.tanh(u[:, :C]) * torch.sigmoid(u[:, C:])
        res = F.conv1d(g, wn(q["res_v"], q["res_g"]), q["res_b"])
        sk = F.conv1d(g, wn(q["skip_v"], q["skip_g"]), q["skip_b"])
        h = (x + res) * math.sqrt(0.5)
        skip = skip + sk
    y = skip * math.sqrt(1.0 / layers)
    y = F.relu(F.conv1d(y, wn(p["fin_v"], p["fin_g"]), p["fin_b"]))
    return F.conv1d(y, p["out_w"], p["out_b"])


def diffwave(p, xt, obs, mask, t, cfg):
    layers, C, cycle = cfg["layers"], cfg["C"], cfg["cycle"]
    cond = torch.cat([obs * mask, mask], 1)                               # (B, 2, L)
    h = F.relu(F.conv1d(xt, wn(p["init_v"], p["init_g"]), p["init_b"]))
    e = step_embed(t, cfg["emb_in"])
    e = swish(F.linear(e, p["t1_w"], p["t1_b"]))
    e = swish(F.linear(e, p["t2_w"], p["t2_b"]))
    skip = 0
    for i in range(layers):
        q = p["blocks"][i]
        d = 2 ** (i % cycle)
        x = h
        a = x + F.linear(e, q["fc_w"], q["fc_b"])[:, :, None]
        u = F.conv1d(a, wn(q["c3_v"], q["c3_g"]), q["c3_b"], padding=d, dilation=d)
        u = u + F.conv1d(cond, wn(q["cond_v"], q["cond_g"]), q["cond_b"])
        g = torch.tanh(u[:, :C]) * torch.sigmoid(u[:, C:])
        res = F.conv1d(g, wn(q["res_v"], q["res_g"]), q["res_b"])
        sk = F.conv1d(g, wn(q["skip_v"], q["skip_g"]), q["skip_b"])
        h = (x + res) * math.sqrt(0.5)
        skip = skip + sk
    y = skip * math.sqrt(1.0 / layers)
    y = F.relu(F.conv1d(y, wn(p["fin_v"], p["fin_g"]), p["fin_b"]))
    return F.conv1d(y, p["out_w"], p["out_b"])


def csdi_embed(t, dim):
    """CSDI's DiffusionEmbedding table (in float64, as the C code computes it)"""
    half = dim // 2
    f = 10.0 ** (torch.arange(half) / (half - 1) * 4.0)
    a = t[:, None] * f[None, :]
    return torch.cat([torch.sin(a), torch.cos(a)], 1)


def csdi_time_embedding(L, d_model):
    """CSDI_base.time_embedding of the positions 0 .. L-1: (L, d_model)"""
    pe = torch.zeros(L, d_model)
    position = torch.arange(L, dtype=torch.float64)[:, None]
    div_term = 1 / torch.pow(10000.0, torch.arange(0, d_model, 2) / d_model)
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)
    return pe


def csdi(p, xt, obs, mask, t, cfg):
    layers, C, N, L = cfg["layers"], cfg["C"], cfg["N"], cfg["L"]
    B = xt.shape[0]
    x = torch.cat([obs * mask, xt * (1 - mask)], 1)                     # (B, 2, L)
    h = F.relu(F.conv1d(x, p["init_w"], p["init_b"]))
    e = csdi_embed(t, cfg["emb_in"])
    e = F.silu(F.linear(e, p["t1_w"], p["t1_b"]))
    e = F.silu(F.linear(e, p["t2_w"], p["t2_b"]))
    pe = csdi_time_embedding(L, cfg["time_emb"]).T[None].expand(B, -1, -1)
    fe = p["feat"][None, :, None].expand(B, -1, L)
    side = torch.cat([pe, fe, mask], 1)                                   # (B, S, L)
    skip = 0
    for i in range(layers):
        q = p["blocks"][i]
        y = h + F.linear(e, q["fc_w"], q["fc_b"])[:, :, None]
        y, _ = s4_layer(y, q["s4"], C, N, L, True)
        y = F.conv1d(y, q["mid_w"], q["mid_b"]) + F.conv1d(side, q["cond_w"], q["cond_b"])
        g = torch.sigmoid(y[:, :C]) * torch.tanh(y[:, C:])
        y = F.conv1d(g, q["rs_w"], q["rs_b"])
        h = (h + y[:, :C]) / math.sqrt(2.0)
        skip = skip + y[:, C:]
    y = skip / math.sqrt(layers)
    y = F.relu(F.conv1d(y, p["fin_w"], p["fin_b"]))
    return F.conv1d(y, p["out_w"], p["out_b"])


def flat_order(p, layers):
    """parameter tensors in the order of ts_sssd_layout_of"""
    out = [p[k] for k in ["init_v", "init_g", "init_b", "t1_w", "t1_b", "t2_w", "t2_b"]]
    for i in range(layers):
        q = p["blocks"][i]
        out += [q["fc_w"], q["fc_b"], q["c3_v"], q["c3_g"], q["c3_b"]]
        if "s4a" in q:   # DiffWave's blocks have none
            out += [q["s4a"][k] for k in S4_ORDER]
        out += [q["cond_v"], q["cond_g"], q["cond_b"]]
        if "s4b" in q:
            out += [q["s4b"][k] for k in S4_ORDER]
        # res and skip stacked row-wise: v (2C, C, 1), g (2C), b (2C)
        out += [q["res_v"], q["skip_v"], q["res_g"], q["skip_g"], q["res_b"], q["skip_b"]]
    out += [p[k] for k in ["fin_v", "fin_g", "fin_b", "out_w", "out_b"]]
    return out


def f32(a):
    """float32-rounded values, held in float64"""
    return torch.tensor(np.asarray(a, dtype=np.float32), dtype=torch.float64)


def uniform(rng):
    """U(shape, fan): uniform in +-1/sqrt(fan), drawn from rng"""
    return lambda shape, fan: f32(rng.uniform(-1, 1, shape) / math.sqrt(fan))


def draw_inputs(rng, B, L):
    """x_t, the observed ids, the mask (a blackout of 6 at L/2) and the output's
    gradient, each (B, 1, L), drawn in this order"""
    xt = f32(rng.standard_normal((B, 1, L)))
    obs = f32(rng.integers(0, 40, (B, 1, L)))
    mask = f32((np.arange(L)[None, None, :] < L // 2) | (np.arange(L)[None, None, :] >= L // 2 + 6)) * torch.ones(B, 1, L)
    dout = f32(rng.standard_normal((B, 1, L)))
    return xt, obs, mask, dout


def net_records(config, params, xt, obs, mask, t, dout, out):
    """the records the C parity tests read: the config, the inputs, the output and
    the parameters' gradient (zero where a parameter feeds nothing)"""
    records = []
    put = lambda name, a: records.append((name, np.asarray(a, dtype=np.float64).ravel()))
    put("config", config)
    put("params", np.concatenate([v.detach().numpy().ravel() for v in params]))
    put("xt", xt.numpy())
    put("obs", obs.numpy())
    put("mask", mask.numpy())
    put("t", t.numpy())
    put("dout", dout.numpy())
    put("out", out.detach().numpy())
    put("dparams", np.concatenate([(v.grad if v.grad is not None else torch.zeros_like(v)).numpy().ravel()
                                   for v in params]))
    return records


def fixture(kind):
    """kind "s4": SSSD-S4 (sssd_net.bin); "dilated": DiffWave (diffwave_net.bin)"""
    dil = kind == "dilated"
    rng = np.random.default_rng(20250411 if dil else 20250302)
    if dil:   # dilations 1, 2, 4, 1: one wider than a quarter of the window, and a cycle
        cfg = dict(layers=4, C=4, cycle=3, N=8, L=40, B=2, emb_in=16, emb_mid=12, emb_out=10)
    else:
        cfg = dict(layers=2, C=4, N=8, L=40, B=2, emb_in=16, emb_mid=12, emb_out=10)
    layers, C, N, L, B = cfg["layers"], cfg["C"], cfg["N"], cfg["L"], cfg["B"]
    H = 2 * C
    U = uniform(rng)

    def wnp(cout, cin, k):
        v = U((cout, cin, k), cin * k)
        return v, f32(0.5 + rng.uniform(0, 1, cout)), U(cout, cin * k)

    p = {}
    p["init_v"], p["init_g"], p["init_b"] = wnp(C, 1, 1)
    p["t1_w"], p["t1_b"] = U((cfg["emb_mid"], cfg["emb_in"]), cfg["emb_in"]), U(cfg["emb_mid"], cfg["emb_in"])
    p["t2_w"], p["t2_b"] = U((cfg["emb_out"], cfg["emb_mid"]), cfg["emb_mid"]), U(cfg["emb_out"], cfg["emb_mid"])
    p["blocks"] = []
    for _ in range(layers):
        q = {}
        q["fc_w"], q["fc_b"] = U((C, cfg["emb_out"]), cfg["emb_out"]), U(C, cfg["emb_out"])
        q["c3_v"], q["c3_g"], q["c3_b"] = wnp(H, C, 3)
        if not dil:
            q["s4a"] = s4_params(rng, U, H, N)
        q["cond_v"], q["cond_g"], q["cond_b"] = wnp(H, 2, 1)
        if not dil:
            q["s4b"] = s4_params(rng, U, H, N)
        q["res_v"], q["res_g"], q["res_b"] = wnp(C, C, 1)
        q["skip_v"], q["skip_g"], q["skip_b"] = wnp(C, C, 1)
        p["blocks"].append(q)
    p["fin_v"], p["fin_g"], p["fin_b"] = wnp(C, C, 1)
    # the output conv is zero in a fresh network; non-zero here so every gradient shows
    p["out_w"], p["out_b"] = U((1, C, 1), C), U(1, C)

    params = flat_order(p, layers)
    for v in params:
        v.requires_grad_(True)
    xt, obs, mask, dout = draw_inputs(rng, B, L)
    t = torch.tensor([3.0, 170.0])
    out = (diffwave if dil else network)(p, xt, obs, mask, t, cfg)
    (out * dout).sum().backward()

    # the third: the S4 state size, or DiffWave's dilation cycle (the last block's
    # res_conv feeds nothing, only skips reach the output: no gradient)
    records = net_records([layers, C, cfg["cycle"] if dil else N, L, B, cfg["emb_in"], cfg["emb_mid"], cfg["emb_out"]],
                          params, xt, obs, mask, t, dout, out)
    write(records, "diffwave_net.bin" if dil else "sssd_net.bin")


def s4_params(rng, U, H, N):
    """one S4 layer's parameters of H channels, state N, drawn from rng (U: uniform(rng))"""
    Nh = N // 2
    im = legs_normal_eigs(N)
    return {
        "log_dt": f32(rng.uniform(math.log(1e-2), math.log(0.5), H)),
        "log_A_re": f32(np.log(0.5) + 0.3 * rng.standard_normal((H, Nh))),
        "A_im": f32(im[None, :] + 0.1 * rng.standard_normal((H, Nh))),
        "C": f32(rng.standard_normal((2, H, Nh, 2)) * math.sqrt(0.5)),
        "D": f32(rng.standard_normal(H)),
        "W": U((H, H), H),
        "bias": U(H, H),
        "ln_g": f32(1 + 0.2 * rng.standard_normal(H)),
        "ln_b": f32(0.2 * rng.standard_normal(H)),
    }


def csdi_params(cfg, rng):
    """CSDI-S4's parameters in the order of ts_sssd_layout_of (residual=csdi)"""
    C, S = cfg["C"], cfg["time_emb"] + cfg["feat_emb"] + 1
    U = uniform(rng)
    p = {}
    p["init_w"], p["init_b"] = U((C, 2, 1), 2), U(C, 2)
    p["t1_w"], p["t1_b"] = U((cfg["emb_mid"], cfg["emb_in"]), cfg["emb_in"]), U(cfg["emb_mid"], cfg["emb_in"])
    p["t2_w"], p["t2_b"] = U((cfg["emb_out"], cfg["emb_mid"]), cfg["emb_mid"]), U(cfg["emb_out"], cfg["emb_mid"])
    p["feat"] = f32(rng.standard_normal(cfg["feat_emb"]))
    p["blocks"] = []
    for _ in range(cfg["layers"]):
        q = {}
        q["fc_w"], q["fc_b"] = U((C, cfg["emb_out"]), cfg["emb_out"]), U(C, cfg["emb_out"])
        q["mid_w"], q["mid_b"] = U((2 * C, C, 1), C), U(2 * C, C)
        q["s4"] = s4_params(rng, U, C, cfg["N"])
        q["cond_w"], q["cond_b"] = U((2 * C, S, 1), S), U(2 * C, S)
        q["rs_w"], q["rs_b"] = U((2 * C, C, 1), C), U(2 * C, C)
        p["blocks"].append(q)
    p["fin_w"], p["fin_b"] = U((C, C, 1), C), U(C, C)
    # the output conv's weight is zero in a fresh network; non-zero here so every gradient shows
    p["out_w"], p["out_b"] = U((1, C, 1), C), U(1, C)
    out = [p[k] for k in ["init_w", "init_b", "t1_w", "t1_b", "t2_w", "t2_b", "feat"]]
    for q in p["blocks"]:
        out += [q["fc_w"], q["fc_b"], q["mid_w"], q["mid_b"]] + [q["s4"][k] for k in S4_ORDER]
        out += [q["cond_w"], q["cond_b"], q["rs_w"], q["rs_b"]]
    out += [p[k] for k in ["fin_w", "fin_b", "out_w", "out_b"]]
    return p, out


def fixture_csdi():
    rng = np.random.default_rng(20250512)
    cfg = dict(layers=2, C=4, N=8, L=40, B=2, emb_in=16, emb_mid=12, emb_out=10, time_emb=8, feat_emb=3)
    L, B = cfg["L"], cfg["B"]
    p, params = csdi_params(cfg, rng)
    for v in params:
        v.requires_grad_(True)
    xt, obs, mask, dout = draw_inputs(rng, B, L)
    t = torch.tensor([3.0, 45.0])
    out = csdi(p, xt, obs, mask, t, cfg)
    (out * dout).sum().backward()

    # CSDIS4Imputer's defaults, counted in this layout; and CSDI's feature transformer
    # (one TransformerEncoderLayer of 64 channels, 8 heads, feed-forward 64 a block),
    # which K = 1 never runs
    dflt = dict(layers=4, C=64, N=64, emb_in=128, emb_mid=128, emb_out=128, time_emb=128, feat_emb=16)
    _, dparams = csdi_params(dflt, np.random.default_rng(0))
    n_default = sum(v.numel() for v in dparams)
    ftrans = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(d_model=64, nhead=8, dim_feedforward=64,
                                                                          activation="gelu"), num_layers=1)
    n_ftrans = sum(v.numel() for v in ftrans.parameters())
    print(f"csdi-s4 4 x 64: {n_default} parameters (the unused feature transformer: {n_ftrans} a block)")

    # the last block's res rows feed nothing (only skips reach the output): their gradient is 0
    records = net_records([cfg[k] for k in ["layers", "C", "N", "L", "B", "emb_in", "emb_mid", "emb_out", "time_emb",
                                            "feat_emb"]], params, xt, obs, mask, t, dout, out)
    records += [("count_default", np.array([n_default], dtype=np.float64)),
                ("count_ftrans", np.array([n_ftrans], dtype=np.float64))]
    write(records, "csdi_net.bin")


def write(records, name):
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "fixtures", name)
    write_records(path, records)


def main():
    fixture("s4")
    fixture("dilated")
    fixture_csdi()


if __name__ == "__main__":
    main()
