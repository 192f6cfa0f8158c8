#!/usr/bin/python3
"""The project's PyTorch definitions of the SSSD-S4 network, of DiffWave, its blocks
with a dilated convolution in place of the S4 layers, and of CSDI-S4 (SSSD's
CSDIS4Imputer with one feature) (tests/torch/sssd_fixtures.py), and of SSSD-SA's
SaShiMi (the modules of tests/torch/sashimi_fixtures.py), the same maths as the C
networks, timed in float32 for `tracesynth bench model --vs-torch`.

One training step = forward + masked MSE + backward + the gradient norm, clipping at
--clip (0: off, the C default) and Adam, as `tracesynth train` runs it; one denoising step = one forward pass without gradients. S4's step sizes and state
matrix are fixed (not trained) unless --train-ssm 1, as in the C defaults (0; sssd-sa:
1). The S4 kernels (sssd-s4, csdi-s4, sssd-sa) are made once, in the untimed warm-up,
before the denoising steps are timed, as the C sampler's inference plan makes them once
per generation. --model sssd-sa: --layers (S4, FF) pairs per level, --channels d_model,
step embedding 128 -> 512 -> 512. --model diffwave:
block n's convolution has dilation 2^(n mod --dilation-cycle) (12, as in C). --model
csdi-s4: CSDIS4Imputer's sizes besides --layers, --channels and --state (the step
embedding 128 -> 128 -> 128, side information 128 + 16 + 1). The steps t are drawn below
--T, the model's T (200; csdi-s4: 50): `tracesynth bench model` gives its own.

Prints one JSON object: medians and minima of the step times in seconds, the spread,
peak RSS, torch's threads and the BLAS build. Run with the same environment (threads,
OPENBLAS_CORETYPE) as the C side: `tracesynth bench model --vs-torch` does that.
usage: bench_sssd.py [--model sssd-s4|diffwave|csdi-s4|sssd-sa] --layers 4 --channels 64 --batch 16
                     --length 200 --threads 2 --iters 5 [--T 200] [--clip 0] [--train-ssm 0|1]
"""
import functools
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_common import optimize, parser, report, time_steps  # noqa: E402
from s4_fixtures import legs_normal_eigs, s4_conv, s4_kernel  # noqa: E402
from sashimi_fixtures import S4Core, SaShiMi, TransposedLinear  # noqa: E402
import sssd_fixtures  # noqa: E402  (sets float64 as the default: undone below)
from sssd_fixtures import csdi, diffwave, network  # noqa: E402

torch.set_default_dtype(torch.float32)


def make_params(layers, C, N, emb=(128, 512, 512), seed=0, s4=True, csdi_cfg=None, train_ssm=0):
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
        return p, trainables(p, train_ssm)

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
    return p, trainables(p, train_ssm)


def trainables(p, train_ssm=0):
    """p's tensors but S4's step sizes and state matrix (train_ssm 0), set to require gradients"""
    fixed = set() if train_ssm else {"log_dt", "log_A_re", "A_im"}
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


def make_sashimi(layers, H, N, seed=0, train_ssm=1):
    """SaShiMi (pools [2, 2], embedding 128 -> 512 -> 512) drawn as the C network starts
    (S4D cores on LegS's imaginary parts, linears at PyTorch's default, the weight-normed
    ones with g = |v|); its trainable parameters"""
    g = torch.Generator().manual_seed(seed)
    net = SaShiMi(H, layers, N, 128, 512, 512)
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, S4Core):
                Hc, Nh = m.A_im.shape
                m.log_dt.copy_(math.log(1e-3) + torch.rand(Hc, generator=g) * math.log(100))
                m.log_A_re.fill_(math.log(0.5))
                m.A_im.copy_(torch.tensor(legs_normal_eigs(2 * Nh), dtype=torch.float32)[None, :].expand(Hc, Nh))
                m.C.copy_(torch.randn(m.C.shape, generator=g) * math.sqrt(0.5))
                m.D.copy_(torch.randn(Hc, generator=g))
            elif isinstance(m, TransposedLinear):   # weight_v where weight-normed
                w = m.weight_v if hasattr(m, "weight_v") else m.weight
                bound = 1 / math.sqrt(w.shape[1])
                w.copy_((torch.rand(w.shape, generator=g) * 2 - 1) * bound)
                m.bias.copy_((torch.rand(m.bias.shape, generator=g) * 2 - 1) * bound)
        for m in net.modules():
            if hasattr(m, "weight_g"):   # weight_norm took g from v before v was drawn
                m.weight_g.copy_(m.weight_v.flatten(1).norm(dim=1).view(m.weight_g.shape))
    fixed = ("log_dt", "log_A_re", "A_im") if not train_ssm else ()
    trainable = []
    for name, q in net.named_parameters():
        q.requires_grad_(name.rsplit(".", 1)[-1] not in fixed)
        if q.requires_grad:
            trainable.append(q)
    return net, trainable


def cache_kernels(net):
    """every S4 core's kernel made once, at its first forward (at its level's length), and
    kept: what the C sampler's inference plan holds for all its steps. The parameters must
    not change after"""
    def forward(m, cache, x):
        L = x.shape[-1]
        if L not in cache:
            cache[L] = m.kernel(L).detach()
        return m.conv(x, cache[L])

    for m in net.modules():
        if isinstance(m, S4Core):
            m.forward = functools.partial(forward, m, {})


def cache_s4_kernels():
    """the S4 layers of network and csdi (sssd_fixtures' s4_layer) made with each layer's
    kernel of its first call, kept, as cache_kernels does for SaShiMi. The parameters must
    not change after"""
    cache = {}

    def layer(x, p, H, N, L, bidi):
        key = (id(p), L)
        if key not in cache:
            cache[key] = s4_kernel(p, L, bidi)[1].detach()
        return s4_conv(x, p, cache[key], H, L), None

    sssd_fixtures.s4_layer = layer


def main():
    ap = parser(layers=4, channels=64, batch=16)
    ap.add_argument("--model", default="sssd-s4", choices=["sssd-s4", "diffwave", "csdi-s4", "sssd-sa"])
    ap.add_argument("--dilation-cycle", type=int, default=12)
    ap.add_argument("--state", type=int, default=64)
    ap.add_argument("--train-ssm", type=int, choices=[0, 1], default=None, help="0 (sssd-sa: 1)")
    ap.add_argument("--T", type=int, default=None, help="200 (csdi-s4: 50)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    B, L = a.batch, a.length
    s4, is_csdi, is_sa = a.model == "sssd-s4", a.model == "csdi-s4", a.model == "sssd-sa"
    train_ssm = a.train_ssm if a.train_ssm is not None else int(is_sa)
    T = a.T if a.T is not None else 50 if is_csdi else 200
    cfg = dict(layers=a.layers, C=a.channels, N=a.state, L=L, emb_in=128, cycle=a.dilation_cycle)
    if is_csdi:   # CSDIS4Imputer's embedding and side information
        cfg.update(emb_mid=128, emb_out=128, time_emb=128, feat_emb=16)
    if is_sa:   # called as the functional networks are
        sa, trainable = make_sashimi(a.layers, a.channels, a.state, train_ssm=train_ssm)
        p, net = None, lambda p, xt, obs, mask, t, cfg: sa(xt, obs, mask, t)
    else:
        net = network if s4 else csdi if is_csdi else diffwave
        p, trainable = make_params(a.layers, a.channels, a.state, emb=(128, 128, 128) if is_csdi else (128, 512, 512),
                                   s4=s4, csdi_cfg=cfg if is_csdi else None, train_ssm=train_ssm)
    opt = torch.optim.Adam(trainable, lr=1e-3)
    g = torch.Generator().manual_seed(1)
    x0 = torch.randint(0, 40, (B, 1, L), generator=g).float()
    mask = torch.ones(B, 1, L)
    mask[:, :, L // 2:L // 2 + 10] = 0
    t = torch.randint(0, T, (B,), generator=g).float()

    def train_step():
        eps = torch.randn(B, 1, L, generator=g)
        xt = x0 * mask + eps * (1 - mask)
        out = net(p, xt, x0, mask, t, cfg)
        loss = (((out - eps) * (1 - mask)) ** 2).sum() / (1 - mask).sum()
        opt.zero_grad(set_to_none=False)
        loss.backward()
        optimize(opt, trainable, loss, a.clip)

    def denoise_step():
        with torch.no_grad():
            net(p, x0, x0, mask, t, cfg)

    res = time_steps((("train", train_step),), a.iters)
    # made in the untimed warm-up, from the trained parameters, as the sampler makes them
    if is_sa:
        cache_kernels(sa)
    elif s4 or is_csdi:
        cache_s4_kernels()
    res.update(time_steps((("denoise", denoise_step),), a.iters))
    res["T"] = T
    report(res, trainable, a.clip)


if __name__ == "__main__":
    main()
