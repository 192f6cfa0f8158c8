#!/usr/bin/python3
"""A float32 PyTorch definition of the mdm model's network (src/models/mdm.c), timed
for `tracesynth bench model --model mdm --vs-torch`.

Network: event embedding (V + 1 rows, the last the MASK token) -> blocks -> logits
over the V events.
  --backbone transformer: nn.TransformerEncoderLayer(norm_first=True, GELU, no
    dropout) per block, a final LayerNorm, a linear head. The C blocks also rotate
    queries and keys (rotary positions); torch's layer has no rotary positions, so
    this side does a little less element-wise work.
  --backbone s4: per block, the bidirectional S4 layer of tests/torch/s4_fixtures.py
    (kernel, FFT convolution, D, GELU, output linear, residual, LayerNorm), then a
    feed-forward Conv1d(C -> F, kernel K) + GELU + Conv1d(F -> C, 1), the residual
    and a LayerNorm over channels; the head. S4's step sizes and state matrix are
    fixed (not trained), as in C.
One training step = masked crops (each event hidden with probability 1/2) + forward +
cross-entropy over the hidden events + backward + the gradient norm, clipping at --clip
(0: off, the C default) and Adam, as `tracesynth train` runs it; one denoising step = one
forward pass without gradients and the argmax, the S4 backbone's kernels made once in the
untimed warm-up and kept, as the C model keeps them.

Prints one JSON object: medians, minima and maxima of the step times in seconds,
peak RSS, torch's threads.
usage: bench_mdm.py --backbone s4 --layers 4 --channels 128 --batch 32 --length 200 --threads 2
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_common import optimize, parser, report, time_steps  # noqa: E402
from s4_fixtures import s4_conv, s4_kernel, s4_layer  # noqa: E402  (sets float64 as the default: undone below)

torch.set_default_dtype(torch.float32)


class S4Backbone(nn.Module):
    def __init__(self, layers, C, N, Fw, K, L):
        super().__init__()
        self.C, self.N, self.L, self.K = C, N, L, K
        Nh = N // 2
        self.s4 = nn.ParameterList()
        self.fixed = []
        self.blocks = nn.ModuleList()
        self.lns = nn.ModuleList()
        g = torch.Generator().manual_seed(0)
        for _ in range(layers):
            p = nn.ParameterDict({
                "C": nn.Parameter(torch.randn((2, C, Nh, 2), generator=g) * math.sqrt(0.5)),
                "D": nn.Parameter(torch.randn(C, generator=g)),
                "W": nn.Parameter((torch.rand((C, C), generator=g) * 2 - 1) / math.sqrt(C)),
                "bias": nn.Parameter(torch.zeros(C)),
                "ln_g": nn.Parameter(torch.ones(C)),
                "ln_b": nn.Parameter(torch.zeros(C)),
            })
            self.s4.append(p["C"])
            self.fixed.append({
                "log_dt": torch.log(torch.full((C,), 0.05)),
                "log_A_re": torch.full((C, Nh), math.log(0.5)),
                "A_im": math.pi * torch.arange(Nh, dtype=torch.float32)[None, :].repeat(C, 1),
            })
            self.blocks.append(nn.ModuleDict({
                "p": p,
                "f1": nn.Conv1d(C, Fw, K, padding=K // 2),
                "f2": nn.Conv1d(Fw, C, 1),
            }))
            self.lns.append(nn.LayerNorm(C))
        self.kernels = None   # a list once kept: each block's kernel, made at its first call

    def forward(self, x):                      # x (B, C, L)
        for i, (blk, fx, ln) in enumerate(zip(self.blocks, self.fixed, self.lns)):
            p = dict(blk["p"].items())
            p.update(fx)
            if self.kernels is None:
                u, _ = s4_layer(x, p, self.C, self.N, self.L, True)
            else:   # inference: the kernel of the block's first call, as the C model keeps it
                if len(self.kernels) <= i:
                    self.kernels.append(s4_kernel(p, self.L, True)[1].detach())
                u = s4_conv(x, p, self.kernels[i], self.C, self.L)
            r = blk["f2"](F.gelu(blk["f1"](u))) + u
            x = ln(r.transpose(1, 2)).transpose(1, 2)
        return x


class MDM(nn.Module):
    def __init__(self, backbone, V, layers, C, N, Fw, K, heads, L):
        super().__init__()
        self.backbone = backbone
        self.emb = nn.Embedding(V + 1, C)
        if backbone == "transformer":
            self.body = nn.ModuleList([
                nn.TransformerEncoderLayer(C, heads, Fw, dropout=0.0, activation="gelu", batch_first=True,
                                           norm_first=True) for _ in range(layers)])
            self.final = nn.LayerNorm(C)
        else:
            self.body = S4Backbone(layers, C, N, Fw, K, L)
        self.head = nn.Linear(C, V)

    def forward(self, ids):                    # ids (B, L) -> logits (B, L, V)
        h = self.emb(ids)
        if self.backbone == "transformer":
            for layer in self.body:
                h = layer(h)
            h = self.final(h)
        else:
            h = self.body(h.transpose(1, 2)).transpose(1, 2)
        return self.head(h)


def main():
    ap = parser(layers=4, channels=128, batch=32)
    ap.add_argument("--backbone", default="s4", choices=["s4", "transformer"])
    ap.add_argument("--state", type=int, default=64)
    ap.add_argument("--ff", type=int, default=2)
    ap.add_argument("--kernel", type=int, default=3)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--vocab", type=int, default=40)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    B, L, V = a.batch, a.length, a.vocab
    net = MDM(a.backbone, V, a.layers, a.channels, a.state, a.ff * a.channels, a.kernel, a.heads, L)
    params = list(net.parameters())
    opt = torch.optim.Adam(params, lr=1e-5)
    g = torch.Generator().manual_seed(1)
    x = torch.randint(0, V, (B, L), generator=g)

    def train_step():
        hid = torch.rand((B, L), generator=g) < 0.5
        ids = torch.where(hid, torch.full_like(x, V), x)
        logits = net(ids)
        loss = F.cross_entropy(logits[hid], x[hid])
        opt.zero_grad(set_to_none=False)
        loss.backward()
        optimize(opt, params, loss, a.clip)

    def denoise_step():
        with torch.no_grad():
            ids = torch.full_like(x, V)
            net(ids).argmax(-1)

    res = time_steps((("train", train_step),), a.iters)
    # the S4 kernels made in the untimed warm-up and kept, as the C model's inference plan keeps them
    if a.backbone == "s4":
        net.body.kernels = []
    res.update(time_steps((("denoise", denoise_step),), a.iters))
    report(res, params, a.clip)


if __name__ == "__main__":
    main()
