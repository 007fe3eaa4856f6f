"""The reference forward of COMET's regression and unified metrics in plain torch.

Written for mtforge from the behaviour of unbabel-comet 2.2.7 (comet/models/base.py,
regression/regression_metric.py, multitask/unified_metric.py, modules/layerwise_attention.py,
modules/feedforward.py, models/pooling_utils.py, encoders/xlmr.py + encoders/base.py) and of
Hugging Face's XLM-RoBERTa (modeling_roberta.py). Module and parameter names follow theirs, so a
published checkpoint's `state_dict` loads with `load_state_dict(strict=True)`: that is how the
tiny model proves it has the published key names. Deliberately independent of
deploy/export/export_comet.py, whose ONNX graphs the Java tests check against these numbers.

Used by generate_tiny_comet.py (goldens) and bench/comet_torch_baseline.py (the benchmark's
torch side). Needs only Debian's python3-torch and python3-sentencepiece.
"""
import math

import torch
import torch.nn as nn

PAD, BOS, EOS, UNK = 1, 0, 2, 3


# ---------------------------------------------------------------- XLM-R (HF naming)

class Embeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        h = cfg["hidden_size"]
        self.word_embeddings = nn.Embedding(cfg["vocab_size"], h, padding_idx=cfg["pad_token_id"])
        self.position_embeddings = nn.Embedding(cfg["max_position_embeddings"], h,
                                                padding_idx=cfg["pad_token_id"])
        self.token_type_embeddings = nn.Embedding(cfg["type_vocab_size"], h)
        self.LayerNorm = nn.LayerNorm(h, eps=cfg["layer_norm_eps"])
        # transformers < 4.31 keeps position_ids as a persistent buffer: published COMET-22
        # checkpoints (2022) carry it.
        self.register_buffer("position_ids", torch.arange(cfg["max_position_embeddings"]).expand((1, -1)))
        self.pad = cfg["pad_token_id"]

    def forward(self, ids):
        # RoBERTa's positions: running count of non-pad tokens, offset by the pad id.
        not_pad = ids.ne(self.pad).int()
        positions = torch.cumsum(not_pad, dim=1).type_as(not_pad) * not_pad + self.pad
        types = torch.zeros_like(ids)
        x = self.word_embeddings(ids) + self.token_type_embeddings(types)
        x = x + self.position_embeddings(positions.long())
        return self.LayerNorm(x)


class SelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        h = cfg["hidden_size"]
        self.heads = cfg["num_attention_heads"]
        self.head_dim = h // self.heads
        self.query = nn.Linear(h, h)
        self.key = nn.Linear(h, h)
        self.value = nn.Linear(h, h)

    def split(self, x):
        b, s, _ = x.shape
        return x.view(b, s, self.heads, self.head_dim).permute(0, 2, 1, 3)

    def forward(self, x, additive_mask):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + additive_mask
        ctx = torch.matmul(torch.softmax(scores, dim=-1), v)
        b, _, s, _ = ctx.shape
        return ctx.permute(0, 2, 1, 3).reshape(b, s, self.heads * self.head_dim)


class SelfOutput(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["hidden_size"])
        self.LayerNorm = nn.LayerNorm(cfg["hidden_size"], eps=cfg["layer_norm_eps"])

    def forward(self, x, residual):
        return self.LayerNorm(self.dense(x) + residual)


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.self = SelfAttention(cfg)
        self.output = SelfOutput(cfg)

    def forward(self, x, additive_mask):
        return self.output(self.self(x, additive_mask), x)


class Intermediate(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["intermediate_size"])

    def forward(self, x):
        return torch.nn.functional.gelu(self.dense(x))  # "gelu": the exact erf form


class Output(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["intermediate_size"], cfg["hidden_size"])
        self.LayerNorm = nn.LayerNorm(cfg["hidden_size"], eps=cfg["layer_norm_eps"])

    def forward(self, x, residual):
        return self.LayerNorm(self.dense(x) + residual)


class Layer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.attention = Attention(cfg)
        self.intermediate = Intermediate(cfg)
        self.output = Output(cfg)

    def forward(self, x, additive_mask):
        a = self.attention(x, additive_mask)
        return self.output(self.intermediate(a), a)


class Stack(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer = nn.ModuleList([Layer(cfg) for _ in range(cfg["num_hidden_layers"])])


class XlmRobertaModel(nn.Module):
    """XLMRobertaModel(add_pooling_layer=False): returns every hidden state (embeddings first)."""

    def __init__(self, cfg):
        super().__init__()
        self.embeddings = Embeddings(cfg)
        self.encoder = Stack(cfg)

    def forward(self, ids, mask):
        additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        h = self.embeddings(ids)
        states = [h]
        for layer in self.encoder.layer:
            h = layer(h, additive)
            states.append(h)
        return states


class Encoder(nn.Module):
    """COMET's XLMREncoder: the HF model under `model`."""

    def __init__(self, cfg):
        super().__init__()
        self.model = XlmRobertaModel(cfg)


# ---------------------------------------------------------------- COMET heads

def sparsemax(x):
    """entmax's sparsemax over a 1-D tensor (the max subtracted first, as entmax does)."""
    x = x - x.max()
    z, _ = torch.sort(x, descending=True)
    cumsum = z.cumsum(0) - 1
    rho = torch.arange(1, x.numel() + 1, dtype=x.dtype)
    support = (rho * z > cumsum).sum()
    tau = cumsum[support - 1] / support.to(x.dtype)
    return torch.clamp(x - tau, min=0)


class LayerwiseAttention(nn.Module):
    def __init__(self, num_layers, transformation, layer_norm, dropout):
        super().__init__()
        self.scalar_parameters = nn.ParameterList([nn.Parameter(torch.zeros(1)) for _ in range(num_layers)])
        self.gamma = nn.Parameter(torch.ones(1))
        self.transformation = transformation
        self.layer_norm = layer_norm
        if dropout:
            # COMET registers these buffers whenever dropout is set; they only act in training
            self.register_buffer("dropout_mask", torch.zeros(num_layers))
            self.register_buffer("dropout_fill", torch.empty(num_layers).fill_(-1e20))

    def weights(self):
        w = torch.cat(list(self.scalar_parameters))
        return sparsemax(w) if self.transformation == "sparsemax" else torch.softmax(w, dim=0)

    def forward(self, states, mask):
        w = self.weights()
        if self.layer_norm:
            m = mask.float()
            bm = m.unsqueeze(-1)
            count = m.sum(1) * states[0].shape[-1]

            def norm(t):
                tm = t * bm
                mean = (tm.view(t.shape[0], -1).sum(1) / count).view(-1, 1, 1)
                var = (((tm - mean) * bm) ** 2).view(t.shape[0], -1).sum(1) / count
                return (t - mean) / torch.sqrt(var + 1e-12).view(-1, 1, 1)

            states = [norm(t) for t in states]
        return self.gamma * sum(w[i] * t for i, t in enumerate(states))


class FeedForward(nn.Module):
    def __init__(self, in_dim, hidden_sizes, activation, final_activation):
        super().__init__()
        act = {"tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
        mods, prev = [], in_dim
        for size in hidden_sizes:
            mods += [nn.Linear(prev, size), act[activation.lower()](), nn.Dropout(0.1)]
            prev = size
        mods.append(nn.Linear(prev, 1))
        if final_activation is not None:
            mods.append(act[final_activation.lower()]())
        self.ff = nn.Sequential(*mods)

    def forward(self, x):
        return self.ff(x)


class CometReference(nn.Module):
    """Both classes: `regression_metric` scores (src, mt, ref), `unified_metric` (mt, src)."""

    def __init__(self, cfg, hp):
        super().__init__()
        self.cls = hp["class_identifier"]
        self.encoder = Encoder(cfg)
        layers = cfg["num_hidden_layers"] + 1
        self.layerwise_attention = LayerwiseAttention(layers, hp["transformation"], hp["layer_norm"], hp["dropout"])
        h = cfg["hidden_size"]
        in_dim = 6 * h if self.cls == "regression_metric" else h
        self.estimator = FeedForward(in_dim, hp["hidden_sizes"], hp["activations"], hp["final_activation"])
        self.pool = hp.get("pool", "avg")

    def sentence_embedding(self, ids, mask):
        mixed = self.layerwise_attention(self.encoder.model(ids, mask), mask)
        if self.cls == "unified_metric" or self.pool == "cls":
            return mixed[:, 0, :]
        # COMET's avg pooling: zero where the token is <pad>, divide by the attention mask's count
        summed = mixed.masked_fill(ids.eq(PAD).unsqueeze(-1), 0.0).sum(1)
        return summed / mask.unsqueeze(-1).expand(mixed.shape).float().sum(1)

    def regression(self, src, mt, ref):
        s, m, r = (self.sentence_embedding(*pad_batch(x)) for x in (src, mt, ref))
        feats = torch.cat((m, r, m * r, torch.abs(m - r), m * s, torch.abs(m - s)), dim=1)
        return self.estimator(feats).view(-1)

    def unified(self, pairs):
        return self.estimator(self.sentence_embedding(*pad_batch(pairs))).view(-1)


# ---------------------------------------------------------------- tokenization (COMET's limits)

def pad_batch(seqs):
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), PAD, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s, dtype=torch.long)
        mask[i, :len(s)] = 1
    return ids, mask


def xlmr_ids(sp, text):
    """XLM-R's ids of one text from its SentencePiece model (fairseq's offset: piece id + 1)."""
    return [UNK if i == 0 else i + 1 for i in sp.encode(text)]


def single(sp, text, max_positions):
    """COMET's tokenizer(text, truncation=True, max_length=max_positions - 2): <s> … </s>."""
    content = xlmr_ids(sp, text)[: max_positions - 4]
    return [BOS] + content + [EOS]


def pair(mt, src, max_positions):
    """COMET's concat_sequences: <s> mt </s></s> src </s>, cut to max_positions tokens."""
    seq = [BOS] + mt[1:-1] + [EOS, EOS] + src[1:-1] + [EOS]
    if len(mt) - 2 + len(src) - 2 > max_positions - 5:
        seq = seq[:max_positions]
    return seq
