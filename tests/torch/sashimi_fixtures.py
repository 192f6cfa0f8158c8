#!/usr/bin/python3
"""Reference values for the SaShiMi network of SSSD-SA (tests/test_sashimi.c),
computed with PyTorch in float64 from float32-rounded parameters and inputs.

The network is built from modules that follow SSSD's SSSDSAImputer
(imputers/SSSDSAImputer.py) with unet=True, pool [2, 2], expand 2, ff 2,
glu on, bidirectional (UpPool without the causal shift): ResidualBlock (x +
fc_t(e), LayerNorm over channels, layer, + cond_conv(cond) with a weight-normed
Conv of kernel = stride = s and padding (s - 1) // 2, + x), S4 with postact
'glu' (kernel convolution + D u, GELU, output linear H -> 2H, GLU over channels),
FFBlock (linear H -> 2H, GELU, linear 2H -> H), DownPool / UpPool (rearrange and
a weight-normed linear), the U-Net's stack of skips, final LayerNorm, Conv 1x1,
ReLU, Conv 1x1. The S4 kernel is the library's S4D (the one of
tests/torch/s4_fixtures.py), not SSSD's NPLR kernel. The label embedding the
reference constructs (fc_label, cond_embedding) takes no part in its forward and
is left out.

Parameters are drawn here for every module, then written in the C layout
(include/tracesynth/sashimi.h: units in forward order) so C can load them as a
block. The parameter counts of the modules for a few configurations are written
too, for C to match.

Writes tests/fixtures/sashimi_net.bin (magic b"TSFX0001", u32 count, then per
array: u32 name length, name, u32 ndim, u32 dims[ndim], float32 data).
Run: /usr/bin/python3 tests/torch/sashimi_fixtures.py
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_file import write_fixture  # noqa: E402
from s4_fixtures import legs_normal_eigs  # noqa: E402
from sssd_fixtures import net_records, step_embed, swish  # noqa: E402

torch.set_default_dtype(torch.float64)


class TransposedLinear(nn.Module):
    """SSSD's TransposedLinear: weight (out, in), bias (out, 1), on (B, in, L)"""

    def __init__(self, d_in, d_out):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(d_out, d_in))
        self.bias = nn.Parameter(torch.empty(d_out, 1))

    def forward(self, x):
        return torch.einsum("bul,vu->bvl", x, self.weight) + self.bias


class S4Core(nn.Module):
    """S4D kernel (bidirectional) + D u, as the library's S4 core"""

    def __init__(self, H, N):
        super().__init__()
        Nh = N // 2
        self.log_dt = nn.Parameter(torch.empty(H))
        self.log_A_re = nn.Parameter(torch.empty(H, Nh))
        self.A_im = nn.Parameter(torch.empty(H, Nh))
        self.C = nn.Parameter(torch.empty(2, H, Nh, 2))
        self.D = nn.Parameter(torch.empty(H))

    def kernel(self, L):
        """(H, 2L): the forward and the flipped backward kernel"""
        dt = torch.exp(self.log_dt)
        A = -torch.exp(self.log_A_re) + 1j * self.A_im
        C = torch.view_as_complex(self.C)
        dtA = A * dt[:, None]
        V = torch.exp(dtA[:, :, None] * torch.arange(L))
        K = 2 * torch.einsum("dhn,hnl->dhl", C * (torch.exp(dtA) - 1) / A, V).real
        return F.pad(K[0], (0, L)) + F.pad(K[1].flip(-1), (L, 0))

    def conv(self, x, k):
        """x (B, H, L) with the kernel k of kernel(L)"""
        L = x.shape[-1]
        y = torch.fft.irfft(torch.fft.rfft(x, n=2 * L) * torch.fft.rfft(k, n=2 * L), n=2 * L)[..., :L]
        return y + self.D[:, None] * x

    def forward(self, x):
        return self.conv(x, self.kernel(x.shape[-1]))


class S4(nn.Module):
    """SSSD's S4 with postact='glu': core, GELU, output linear H -> 2H, GLU(dim=-2)"""

    def __init__(self, H, N):
        super().__init__()
        self.core = S4Core(H, N)
        self.output_linear = TransposedLinear(H, 2 * H)

    def forward(self, x):
        return F.glu(self.output_linear(F.gelu(self.core(x))), dim=-2)


class FFBlock(nn.Module):
    def __init__(self, H, expand=2):
        super().__init__()
        self.lin1 = TransposedLinear(H, H * expand)
        self.lin2 = TransposedLinear(H * expand, H)

    def forward(self, x):
        return self.lin2(F.gelu(self.lin1(x)))


class Conv(nn.Module):
    """SSSD's Conv: weight-normed Conv1d, padding (k - 1) // 2 (dilation 1)"""

    def __init__(self, cin, cout, k, stride):
        super().__init__()
        self.conv = nn.utils.weight_norm(nn.Conv1d(cin, cout, k, padding=(k - 1) // 2, stride=stride))

    def forward(self, x):
        return self.conv(x)


class ResidualBlock(nn.Module):
    def __init__(self, H, layer, emb_out, in_ch, stride):
        super().__init__()
        self.layer = layer
        self.norm = nn.LayerNorm(H)
        self.fc_t = nn.Linear(emb_out, H)
        self.cond_conv = Conv(2 * in_ch, H, stride, stride)

    def forward(self, x, cond, e):
        z = x + self.fc_t(e).unsqueeze(2)
        z = self.norm(z.transpose(-1, -2)).transpose(-1, -2)
        z = self.layer(z)
        z = z + self.cond_conv(cond)
        return z + x


class DownPool(nn.Module):
    def __init__(self, H, expand, pool):
        super().__init__()
        self.pool = pool
        self.linear = nn.utils.weight_norm(TransposedLinear(H * pool, H * expand))

    def forward(self, x):
        B, H, L = x.shape
        x = x.reshape(B, H, L // self.pool, self.pool).permute(0, 1, 3, 2).reshape(B, H * self.pool, L // self.pool)
        return self.linear(x)


class UpPool(nn.Module):
    def __init__(self, H, expand, pool):
        super().__init__()
        self.pool = pool
        self.linear = nn.utils.weight_norm(TransposedLinear(H, H // expand * pool))

    def forward(self, x):
        x = self.linear(x)
        B, Hs, L = x.shape
        return x.reshape(B, Hs // self.pool, self.pool, L).permute(0, 1, 3, 2).reshape(B, Hs // self.pool, L * self.pool)


class SaShiMi(nn.Module):
    def __init__(self, H, layers, N, emb_in, emb_mid, emb_out, in_ch=1, pool=(2, 2), expand=2):
        super().__init__()
        d_model = H
        self.emb_in = emb_in
        s4 = lambda h, s: ResidualBlock(h, S4(h, N), emb_out, in_ch, s)
        ff = lambda h, s: ResidualBlock(h, FFBlock(h), emb_out, in_ch, s)
        d = []
        for i, p in enumerate(pool):
            for _ in range(layers):
                d += [s4(H, 1 if i == 0 else p), ff(H, 1 if i == 0 else p)]
            d.append(DownPool(H, expand, p))
            H *= expand
        c = []
        for _ in range(layers):
            c += [s4(H, pool[1] * 2), ff(H, pool[1] * 2)]
        u = []
        for i, p in enumerate(pool[::-1]):
            H //= expand
            blk = [UpPool(H * expand, expand, p)]
            for _ in range(layers):
                blk += [s4(H, pool[0] if i == 0 else 1), ff(H, pool[0] if i == 0 else 1)]
            u.append(nn.ModuleList(blk))
        self.d_layers = nn.ModuleList(d)
        self.c_layers = nn.ModuleList(c)
        self.u_layers = nn.ModuleList(u)
        self.norm = nn.LayerNorm(H)
        self.init_conv = nn.Sequential(nn.Conv1d(in_ch, d_model, 1), nn.ReLU())
        self.final_conv = nn.Sequential(nn.Conv1d(d_model, d_model, 1), nn.ReLU(), nn.Conv1d(d_model, in_ch, 1))
        self.fc_t1 = nn.Linear(emb_in, emb_mid)
        self.fc_t2 = nn.Linear(emb_mid, emb_out)
        assert H == d_model

    def units(self):
        return list(self.d_layers) + list(self.c_layers) + [m for b in self.u_layers for m in b]

    def forward(self, noise, obs, mask, t):
        cond = torch.cat([obs * mask, mask], 1)
        e = swish(self.fc_t1(step_embed(t, self.emb_in)))
        e = swish(self.fc_t2(e))
        x = self.init_conv(noise)
        call = lambda m, x: m(x, cond, e) if isinstance(m, ResidualBlock) else m(x)
        outputs = [x]
        for m in self.d_layers:
            x = call(m, x)
            outputs.append(x)
        for m in self.c_layers:
            x = call(m, x)
        x = x + outputs.pop()
        for blk in self.u_layers:
            for m in blk:
                x = call(m, x) + outputs.pop()
        x = self.norm(x.transpose(1, 2)).transpose(1, 2)
        return self.final_conv(x)


def c_order(net):
    """the parameters in the order of include/tracesynth/sashimi.h's layout"""
    out = [net.init_conv[0].weight, net.init_conv[0].bias, net.fc_t1.weight, net.fc_t1.bias,
           net.fc_t2.weight, net.fc_t2.bias]
    for m in net.units():
        if isinstance(m, ResidualBlock):
            out += [m.fc_t.weight, m.fc_t.bias, m.norm.weight, m.norm.bias]
            if isinstance(m.layer, S4):
                c = m.layer.core
                out += [c.log_dt, c.log_A_re, c.A_im, c.C, c.D, m.layer.output_linear.weight,
                        m.layer.output_linear.bias]
            else:
                out += [m.layer.lin1.weight, m.layer.lin1.bias, m.layer.lin2.weight, m.layer.lin2.bias]
            out += [m.cond_conv.conv.weight_v, m.cond_conv.conv.weight_g, m.cond_conv.conv.bias]
        else:
            out += [m.linear.weight_v, m.linear.weight_g, m.linear.bias]
    out += [net.norm.weight, net.norm.bias, net.final_conv[0].weight, net.final_conv[0].bias,
            net.final_conv[2].weight, net.final_conv[2].bias]
    assert len(out) == len(list(net.parameters()))
    return out


def count(H, layers, N, emb_in=128, emb_mid=512, emb_out=512):
    return sum(p.numel() for p in SaShiMi(H, layers, N, emb_in, emb_mid, emb_out).parameters())


def main():
    rng = np.random.default_rng(20250520)
    cfg = dict(layers=1, H=4, N=8, L=40, B=2, emb_in=16, emb_mid=12, emb_out=10)
    L, B = cfg["L"], cfg["B"]
    net = SaShiMi(cfg["H"], cfg["layers"], cfg["N"], cfg["emb_in"], cfg["emb_mid"], cfg["emb_out"])
    f32 = lambda a: torch.tensor(np.asarray(a, dtype=np.float32), dtype=torch.float64)
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, S4Core):
                H, Nh = m.log_dt.shape[0], m.A_im.shape[1]
                # larger steps than the default init so the kernels reach across the window
                m.log_dt.copy_(f32(rng.uniform(math.log(1e-2), math.log(0.5), H)))
                m.log_A_re.copy_(f32(np.log(0.5) + 0.3 * rng.standard_normal((H, Nh))))
                m.A_im.copy_(f32(legs_normal_eigs(2 * Nh)[None, :] + 0.1 * rng.standard_normal((H, Nh))))
                m.C.copy_(f32(rng.standard_normal((2, H, Nh, 2)) * math.sqrt(0.5)))
                m.D.copy_(f32(rng.standard_normal(H)))
        for name, p in net.named_parameters():
            if ".core." in name:
                continue
            if name.endswith("norm.weight") or name.endswith("weight_g"):
                p.copy_(f32(0.6 + 0.8 * rng.uniform(0, 1, tuple(p.shape))))
            else:
                fan = p[0].numel() if p.dim() > 1 else 4
                p.copy_(f32(rng.uniform(-1, 1, tuple(p.shape)) / math.sqrt(fan)))
    params = c_order(net)
    xt = f32(rng.standard_normal((B, 1, L)))
    obs = f32(rng.integers(0, 40, (B, 1, L)))
    mask = f32((np.arange(L)[None, None, :] < L // 2 - 3) | (np.arange(L)[None, None, :] >= L // 2 + 4)) * torch.ones(B, 1, L)
    t = torch.tensor([3.0, 170.0])
    dout = f32(rng.standard_normal((B, 1, L)))
    out = net(xt, obs, mask, t)
    (out * dout).sum().backward()

    arrays = net_records([cfg[k] for k in ["layers", "H", "N", "L", "B", "emb_in", "emb_mid", "emb_out"]], params,
                         xt, obs, mask, t, dout, out)
    put = lambda name, a: arrays.append((name, np.asarray(a, dtype=np.float64).reshape(-1)))
    # parameter counts of the modules: (layers, H, N, count / 2^16, count % 2^16) rows (exact in
    # float32), embedding 128/512/512
    rows = [(2, 64, 64), (6, 128, 64), (1, 16, 8)]
    put("counts", [v for c in rows for v in (*c, count(c[1], c[0], c[2]) // 65536, count(c[1], c[0], c[2]) % 65536)])

    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "fixtures", "sashimi_net.bin")
    write_fixture(path, arrays)   # (every array 1-D: put reshapes)


if __name__ == "__main__":
    main()
