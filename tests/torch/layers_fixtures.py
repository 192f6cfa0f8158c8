#!/usr/bin/python3
"""PyTorch reference values for the layers of include/tracesynth/nn.h.

Builds each layer with PyTorch modules (nn.utils.weight_norm(nn.Conv1d), nn.LayerNorm
after a transpose, nn.GELU, nn.Linear, SSSD's step embedding + MLP, nn.LSTM, ...), runs forward
and backward with a fixed upstream gradient, and writes inputs, parameters, outputs and
gradients to tests/fixtures/layers_torch.bin, which tests/test_nn_torch.c reads (no
Python needed there).

Inputs and parameters are drawn in float32; the layers run in float64 on those exact
values, so the stored results are the float32 rounding of (nearly) exact answers. The
step embedding runs in float32, as SSSD computes it.

File format (little-endian): magic b"TSFX0001", u32 count, then per array:
u32 name length, name bytes, u32 ndim, u32 dims[ndim], float32 data (row-major).
Integer arrays (ids, steps, targets, masks) are stored as float32 (exact).

Run from the repository root:  /usr/bin/python3 tests/torch/layers_fixtures.py
"""
import math
import os

import numpy as np
import torch
import torch.nn as nn

from fixture_file import write_fixture

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "layers_torch.bin")

torch.manual_seed(1234)
arrays = []


def put(name, t):
    a = t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    arrays.append((name, np.ascontiguousarray(a, dtype=np.float32)))


def randn(*shape, scale=1.0):
    """float32 draw, returned as float64 holding the same values"""
    return (torch.randn(*shape, dtype=torch.float32) * scale).double()


def conv_wn_case(tag, B, Cin, Cout, L, K, dil):
    conv = nn.utils.weight_norm(nn.Conv1d(Cin, Cout, K, dilation=dil, padding=dil * (K - 1) // 2))
    conv = conv.double()
    with torch.no_grad():
        conv.weight_v.copy_(randn(Cout, Cin, K, scale=0.5))
        conv.weight_g.copy_(randn(Cout, 1, 1).abs() + 0.5)
        conv.bias.copy_(randn(Cout, scale=0.5))
    x = randn(B, Cin, L).requires_grad_()
    gy = randn(B, Cout, L)
    y = conv(x)
    y.backward(gy)
    put(tag + ".x", x)
    put(tag + ".v", conv.weight_v)
    put(tag + ".g", conv.weight_g.reshape(Cout))
    put(tag + ".b", conv.bias)
    put(tag + ".gy", gy)
    put(tag + ".y", y)
    put(tag + ".dx", x.grad)
    put(tag + ".dv", conv.weight_v.grad)
    put(tag + ".dg", conv.weight_g.grad.reshape(Cout))
    put(tag + ".db", conv.bias.grad)


def conv_plain_case(tag, B, Cin, Cout, L, K, dil):
    conv = nn.Conv1d(Cin, Cout, K, dilation=dil, padding=dil * (K - 1) // 2).double()
    with torch.no_grad():
        conv.weight.copy_(randn(Cout, Cin, K, scale=0.5))
        conv.bias.copy_(randn(Cout, scale=0.5))
    x = randn(B, Cin, L).requires_grad_()
    gy = randn(B, Cout, L)
    y = conv(x)
    y.backward(gy)
    for k, v in (("x", x), ("w", conv.weight), ("b", conv.bias), ("gy", gy), ("y", y),
                 ("dx", x.grad), ("dw", conv.weight.grad), ("db", conv.bias.grad)):
        put(tag + "." + k, v)


def main():
    conv_wn_case("conv_wn_k1", 2, 6, 5, 9, 1, 1)
    conv_wn_case("conv_wn_k3", 2, 4, 6, 11, 3, 1)
    conv_wn_case("conv_wn_k3d2", 2, 4, 6, 11, 3, 2)
    conv_plain_case("conv_k1", 3, 5, 2, 8, 1, 1)

    # LayerNorm over channels of (B, C, L), as SSSD's S4Layer applies nn.LayerNorm(C)
    B, C, L = 2, 8, 7
    ln = nn.LayerNorm(C).double()
    with torch.no_grad():
        ln.weight.copy_(randn(C) + 1.0)
        ln.bias.copy_(randn(C, scale=0.5))
    x = randn(B, C, L, scale=2.0).requires_grad_()
    gy = randn(B, C, L)
    y = ln(x.transpose(1, 2)).transpose(1, 2)
    y.backward(gy)
    for k, v in (("x", x), ("gamma", ln.weight), ("beta", ln.bias), ("gy", gy), ("y", y),
                 ("dx", x.grad), ("dgamma", ln.weight.grad), ("dbeta", ln.bias.grad)):
        put("layernorm." + k, v)

    # WaveNet gate over (B, 2C, L)
    B, C, L = 2, 4, 7
    x = randn(B, 2 * C, L, scale=1.5).requires_grad_()
    gy = randn(B, C, L)
    y = torch.tanh(x[:, :C, :]) * torch.sigmoid(x[:, C:, :])
    y.backward(gy)
    for k, v in (("x", x), ("gy", gy), ("y", y), ("dx", x.grad)):
        put("gate." + k, v)

    # element-wise activations
    for name, mod in (("gelu", nn.GELU()), ("silu", nn.SiLU()), ("relu", nn.ReLU())):
        x = randn(64, scale=2.0).requires_grad_()
        gy = randn(64)
        y = mod(x)
        y.backward(gy)
        for k, v in (("x", x), ("gy", gy), ("y", y), ("dx", x.grad)):
            put(name + "." + k, v)

    # Linear on (N, In) and on (B, L, In)
    for tag, shape in (("linear", (5, 7)), ("linear3d", (2, 3, 7))):
        lin = nn.Linear(7, 4).double()
        with torch.no_grad():
            lin.weight.copy_(randn(4, 7, scale=0.5))
            lin.bias.copy_(randn(4, scale=0.5))
        x = randn(*shape).requires_grad_()
        y = lin(x)
        gy = randn(*y.shape)
        y.backward(gy)
        for k, v in (("x", x), ("w", lin.weight), ("b", lin.bias), ("gy", gy), ("y", y),
                     ("dx", x.grad), ("dw", lin.weight.grad), ("db", lin.bias.grad)):
            put(tag + "." + k, v)

    # SSSD's calc_diffusion_step_embedding at its real size (float32, as SSSD runs it)
    steps = torch.tensor([[0], [1], [37], [199]], dtype=torch.long)
    half = 128 // 2
    _embed = np.log(10000) / (half - 1)
    _embed = torch.exp(torch.arange(half) * -_embed)
    _embed = steps * _embed
    emb = torch.cat((torch.sin(_embed), torch.cos(_embed)), 1)
    put("stepemb.steps", steps.reshape(-1).float())
    put("stepemb.y", emb)

    # the step MLP: swish(fc2(swish(fc1(embed(t))))) at small widths
    Din, Dmid, Dout = 16, 24, 20
    steps = torch.tensor([[3], [150], [42]], dtype=torch.long)
    half = Din // 2
    _embed = np.log(10000) / (half - 1)
    _embed = torch.exp(torch.arange(half) * -_embed)
    e = torch.cat((torch.sin(steps * _embed), torch.cos(steps * _embed)), 1).double()
    fc1, fc2 = nn.Linear(Din, Dmid).double(), nn.Linear(Dmid, Dout).double()
    with torch.no_grad():
        for m, i, o in ((fc1, Din, Dmid), (fc2, Dmid, Dout)):
            m.weight.copy_(randn(o, i, scale=1.0 / math.sqrt(i)))
            m.bias.copy_(randn(o, scale=0.3))
    swish = lambda t: t * torch.sigmoid(t)
    y = swish(fc2(swish(fc1(e))))
    gy = randn(3, Dout)
    y.backward(gy)
    for k, v in (("steps", steps.reshape(-1).float()), ("w1", fc1.weight), ("b1", fc1.bias),
                 ("w2", fc2.weight), ("b2", fc2.bias), ("gy", gy), ("y", y),
                 ("dw1", fc1.weight.grad), ("db1", fc1.bias.grad), ("dw2", fc2.weight.grad),
                 ("db2", fc2.bias.grad)):
        put("stepmlp." + k, v)

    # Embedding (repeated ids)
    emb = nn.Embedding(6, 5).double()
    with torch.no_grad():
        emb.weight.copy_(randn(6, 5))
    ids = torch.tensor([3, 0, 3, 5, 1, 3], dtype=torch.long)
    y = emb(ids)
    gy = randn(6, 5)
    y.backward(gy)
    for k, v in (("ids", ids.float()), ("table", emb.weight), ("gy", gy), ("y", y),
                 ("dtable", emb.weight.grad)):
        put("embedding." + k, v)

    # masked MSE: mean over the counted positions (SSSD: loss_fn(eps[loss_mask], eps_hat[loss_mask]))
    pred = randn(2, 1, 10).requires_grad_()
    target = randn(2, 1, 10)
    mask = torch.zeros(2, 1, 10, dtype=torch.bool)
    mask[:, :, 3:7] = True
    mask[1, 0, 9] = True
    loss = nn.functional.mse_loss(pred[mask], target[mask])
    loss.backward()
    for k, v in (("pred", pred), ("target", target), ("mask", mask.float()),
                 ("loss", loss.reshape(1)), ("dpred", pred.grad)):
        put("mse." + k, v)

    # softmax cross-entropy, mean, with an ignored row
    logits = randn(5, 7, scale=2.0).requires_grad_()
    targets = torch.tensor([2, 6, -100, 0, 2], dtype=torch.long)
    loss = nn.functional.cross_entropy(logits, targets, ignore_index=-100)
    loss.backward()
    for k, v in (("logits", logits), ("targets", targets.float()), ("loss", loss.reshape(1)),
                 ("dlogits", logits.grad)):
        put("xent." + k, v)

    # LSTM (nn.LSTM, batch_first, one layer), with and without an initial state;
    # ours keeps one bias: PyTorch's bias_ih + bias_hh
    B, T, I, H = 2, 5, 3, 4
    for tag, with_state in (("lstm", True), ("lstm0", False)):
        lstm = nn.LSTM(I, H, batch_first=True).double()
        with torch.no_grad():
            lstm.weight_ih_l0.copy_(randn(4 * H, I, scale=0.5))
            lstm.weight_hh_l0.copy_(randn(4 * H, H, scale=0.5))
            lstm.bias_ih_l0.copy_(randn(4 * H, scale=0.5))
            lstm.bias_hh_l0.copy_(randn(4 * H, scale=0.5))
        x = randn(B, T, I).requires_grad_()
        h0, c0 = randn(1, B, H, scale=0.5), randn(1, B, H, scale=0.5)
        y, (hn, cn) = lstm(x, (h0, c0)) if with_state else lstm(x)
        gy = randn(B, T, H)
        y.backward(gy)
        for k, v in (("x", x), ("w_ih", lstm.weight_ih_l0), ("w_hh", lstm.weight_hh_l0),
                     ("b", lstm.bias_ih_l0 + lstm.bias_hh_l0), ("h0", h0.reshape(B, H)),
                     ("c0", c0.reshape(B, H)), ("gy", gy), ("y", y), ("hn", hn.reshape(B, H)),
                     ("cn", cn.reshape(B, H)), ("dx", x.grad), ("dw_ih", lstm.weight_ih_l0.grad),
                     ("dw_hh", lstm.weight_hh_l0.grad), ("db", lstm.bias_ih_l0.grad)):
            if with_state or k not in ("h0", "c0"):
                put(tag + "." + k, v)

    write_fixture(OUT, arrays)


if __name__ == "__main__":
    main()
