#!/usr/bin/python3
"""A float32 PyTorch definition of the lstm model's network (src/models/lstm.c), timed
for `tracesynth bench model --model lstm --vs-torch`.

Network: nn.Embedding(V + 1, H) (the last row the START state before a window's first
event) -> nn.LSTM(H, H, layers, batch_first) -> nn.Linear(H, V): logits (B, T, V);
position t reads START, x_0 .. x_{t-1} and predicts x_t. (torch's LSTM adds two biases
per layer, b_ih and b_hh, where C has one: 4H parameters more per layer, the same work.)
One training step = one batch of B windows of L events (the crop is the whole window,
as lstm's --context defaults to it) + forward + cross-entropy of every next event +
backward + the gradient norm, clipping at --clip (0: off, the C default) and Adam, as
`tracesynth train` runs it.
One imputation step = what impute does for a batch of B windows with a blackout of K
events at the center (from L/2): the left context START, x_0 .. x_{L/2-1} in one pass,
then the most likely event at each hidden position, fed back one step at a time.
One scoring step = what score does for the batch: one pass over each window and the
log-likelihood of every event.

Prints one JSON object: medians, minima and maxima of the step times in seconds (the
imputation's as denoise_*, the scoring's as score_*), peak RSS, torch's threads.
usage: bench_lstm.py --layers 2 --channels 128 --batch 32 --length 200 --threads 2 --iters 5 [--clip 0]
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from bench_common import optimize, parser, report, time_steps


class LSTM(nn.Module):
    def __init__(self, V, layers, H):
        super().__init__()
        self.emb = nn.Embedding(V + 1, H)
        self.lstm = nn.LSTM(H, H, layers, batch_first=True)
        self.head = nn.Linear(H, V)

    def forward(self, ids, state=None):        # ids (B, T) -> logits (B, T, V), state
        h, state = self.lstm(self.emb(ids), state)
        return self.head(h), state


def main():
    ap = parser(layers=2, channels=128, batch=32)   # --channels: the hidden units (lstm's --hidden)
    ap.add_argument("--vocab", type=int, default=40)
    ap.add_argument("--blackout", type=int, default=10)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    B, L, V, K = a.batch, a.length, a.vocab, a.blackout
    net = LSTM(V, a.layers, a.channels)
    params = list(net.parameters())
    opt = torch.optim.Adam(params, lr=1e-5)
    g = torch.Generator().manual_seed(1)
    x = torch.randint(0, V, (B, L), generator=g)
    start = torch.full((B, 1), V, dtype=x.dtype)
    read = torch.cat([start, x[:, :-1]], 1)    # START, x_0 .. x_{L-2}
    p = L // 2 if L // 2 + K <= L else max(L - K, 0)   # ts_mask_fill's center
    K = min(K, L - p)

    def train_step():
        logits, _ = net(read)
        loss = F.cross_entropy(logits.reshape(B * L, V), x.reshape(B * L))
        opt.zero_grad(set_to_none=False)
        loss.backward()
        optimize(opt, params, loss, a.clip)

    def impute_step():
        with torch.no_grad():
            logits, state = net(torch.cat([start, x[:, :p]], 1))
            y = logits[:, -1].argmax(-1)
            for _ in range(K - 1):
                logits, state = net(y[:, None], state)
                y = logits[:, -1].argmax(-1)

    def score_step():
        with torch.no_grad():
            logits, _ = net(read)
            -F.log_softmax(logits, -1).gather(-1, x[:, :, None]).sum()

    report(time_steps((("train", train_step), ("denoise", impute_step), ("score", score_step)), a.iters), params, a.clip)


if __name__ == "__main__":
    main()
