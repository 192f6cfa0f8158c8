#!/usr/bin/python3
"""The project's PyTorch definitions of the SSSD-S4 network, of DiffWave, its blocks
with a dilated convolution in place of the S4 layers, and of CSDI-S4 (SSSD's
CSDIS4Imputer with one feature) (tests/torch/sssd_fixtures.py, the same maths as the C
networks), timed in float32 for `tracesynth bench model --vs-torch`.

One training step = forward + masked MSE + backward + Adam, as `tracesynth train` runs
it; one denoising step = one forward pass without gradients. S4's step sizes and state
matrix are fixed (not trained), as in the C default (--train-ssm 0). --model diffwave:
block n's convolution has dilation 2^(n mod --dilation-cycle) (12, as in C). --model
csdi-s4: CSDIS4Imputer's sizes besides --layers, --channels and --state (the step
embedding 128 -> 128 -> 128, side information 128 + 16 + 1), its steps t below its T (50).

Prints one JSON object: medians and minima of the step times in seconds, the spread,
peak RSS, torch's threads and the BLAS build. Run with the same environment (threads,
OPENBLAS_CORETYPE) as the C side: `tracesynth bench model --vs-torch` does that.
usage: bench_sssd.py [--model sssd-s4|diffwave|csdi-s4] --layers 4 --channels 64 --batch 16 --length 200
                     --threads 2 --iters 5
"""
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_common import parser, report, time_steps  # noqa: E402
from sssd_fixtures import csdi, diffwave, network  # noqa: E402  (sets float64 as the default: undone below)

torch.set_default_dtype(torch.float32)


def make_params(layers, C, N, emb=(128, 512, 512), seed=0, s4=True, csdi_cfg=None):
    """s4 False: DiffWave's blocks, without the two S4 layers; csdi_cfg (time_emb,
    feat_emb): CSDI-S4's network"""
    g = torch.Generator().manual_seed(seed)
    H, Nh = 2 * C, N // 2

    def U(shape, fan):
        return (torch.rand(shape, generator=g) * 2 - 1) / math.sqrt(fan)

    def wnp(cout, cin, k):
        return U((cout, cin, k), cin * k), 0.5 + torch.rand(cout, generator=g), U(cout, cin * k)

    def s4p(H=H):
        return {
            "log_dt": torch.log(torch.full((H,), 0.05)),
            "log_A_re": torch.full((H, Nh), math.log(0.5)),
            "A_im": math.pi * torch.arange(Nh, dtype=torch.float32)[None, :].repeat(H, 1),
            "C": torch.randn((2, H, Nh, 2), generator=g) * math.sqrt(0.5),
            "D": torch.randn(H, generator=g),
            "W": U((H, H), H),
            "bias": U(H, H),
            "ln_g": torch.ones(H),
            "ln_b": torch.zeros(H),
        }

    p = {}
    if csdi_cfg:   # CSDI-S4: plain 1x1 convs, one S4 layer over C channels a block
        S = csdi_cfg["time_emb"] + csdi_cfg["feat_emb"] + 1
        p["init_w"], p["init_b"] = U((C, 2, 1), 2), U(C, 2)
        p["t1_w"], p["t1_b"] = U((emb[1], emb[0]), emb[0]), U(emb[1], emb[0])
        p["t2_w"], p["t2_b"] = U((emb[2], emb[1]), emb[1]), U(emb[2], emb[1])
        p["feat"] = torch.randn(csdi_cfg["feat_emb"], generator=g)
        p["blocks"] = []
        for _ in range(layers):
            q = {}
            q["fc_w"], q["fc_b"] = U((C, emb[2]), emb[2]), U(C, emb[2])
            q["mid_w"], q["mid_b"] = U((2 * C, C, 1), C), U(2 * C, C)
            q["s4"] = s4p(C)
            q["cond_w"], q["cond_b"] = U((2 * C, S, 1), S), U(2 * C, S)
            q["rs_w"], q["rs_b"] = U((2 * C, C, 1), C), U(2 * C, C)
            p["blocks"].append(q)
        p["fin_w"], p["fin_b"] = U((C, C, 1), C), U(C, C)
        p["out_w"], p["out_b"] = torch.zeros((1, C, 1)), U(1, C)
        return p, trainables(p)

    p["init_v"], p["init_g"], p["init_b"] = wnp(C, 1, 1)
    p["t1_w"], p["t1_b"] = U((emb[1], emb[0]), emb[0]), U(emb[1], emb[0])
    p["t2_w"], p["t2_b"] = U((emb[2], emb[1]), emb[1]), U(emb[2], emb[1])
    p["blocks"] = []
    for _ in range(layers):
        q = {}
        q["fc_w"], q["fc_b"] = U((C, emb[2]), emb[2]), U(C, emb[2])
        q["c3_v"], q["c3_g"], q["c3_b"] = wnp(H, C, 3)
        if s4:
            q["s4a"] = s4p()
        q["cond_v"], q["cond_g"], q["cond_b"] = wnp(H, 2, 1)
        if s4:
            q["s4b"] = s4p()
        q["res_v"], q["res_g"], q["res_b"] = wnp(C, C, 1)
        q["skip_v"], q["skip_g"], q["skip_b"] = wnp(C, C, 1)
        p["blocks"].append(q)
    p["fin_v"], p["fin_g"], p["fin_b"] = wnp(C, C, 1)
    p["out_w"], p["out_b"] = torch.zeros((1, C, 1)), torch.zeros(1)
    return p, trainables(p)


def trainables(p):
    """p's tensors but S4's step sizes and state matrix, set to require gradients"""
    fixed = {"log_dt", "log_A_re", "A_im"}
    trainable = []

    def walk(d):
        for k, v in d.items():
            if isinstance(v, dict):
                walk(v)
            elif isinstance(v, list):
                for x in v:
                    walk(x)
            elif k not in fixed:
                v.requires_grad_(True)
                trainable.append(v)

    walk(p)
    return trainable


def main():
    ap = parser(layers=4, channels=64, batch=16)
    ap.add_argument("--model", default="sssd-s4", choices=["sssd-s4", "diffwave", "csdi-s4"])
    ap.add_argument("--dilation-cycle", type=int, default=12)
    ap.add_argument("--state", type=int, default=64)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    B, L = a.batch, a.length
    s4, is_csdi = a.model == "sssd-s4", a.model == "csdi-s4"
    cfg = dict(layers=a.layers, C=a.channels, N=a.state, L=L, emb_in=128, cycle=a.dilation_cycle)
    if is_csdi:   # CSDIS4Imputer's embedding and side information
        cfg.update(emb_mid=128, emb_out=128, time_emb=128, feat_emb=16)
    net = network if s4 else csdi if is_csdi else diffwave
    p, trainable = make_params(a.layers, a.channels, a.state, emb=(128, 128, 128) if is_csdi else (128, 512, 512),
                               s4=s4, csdi_cfg=cfg if is_csdi else None)
    opt = torch.optim.Adam(trainable, lr=1e-3)
    g = torch.Generator().manual_seed(1)
    x0 = torch.randint(0, 40, (B, 1, L), generator=g).float()
    mask = torch.ones(B, 1, L)
    mask[:, :, L // 2:L // 2 + 10] = 0
    t = torch.randint(0, 50 if is_csdi else 200, (B,), generator=g).float()

    def train_step():
        eps = torch.randn(B, 1, L, generator=g)
        xt = x0 * mask + eps * (1 - mask)
        out = net(p, xt, x0, mask, t, cfg)
        loss = (((out - eps) * (1 - mask)) ** 2).sum() / (1 - mask).sum()
        opt.zero_grad(set_to_none=False)
        loss.backward()
        opt.step()

    def denoise_step():
        with torch.no_grad():
            net(p, x0, x0, mask, t, cfg)

    report(time_steps((("train", train_step), ("denoise", denoise_step)), a.iters), trainable)


if __name__ == "__main__":
    main()
